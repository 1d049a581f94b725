"""Time the dashboard as an analyst meets it, in Chromium: first draw of the map, a filter change, a click on a
place until its panel shows, the Events page, and the server's memory.

    python scripts/bench_browser.py --db STORE.sqlite [--app-dir DIR] [--place NAME]

Starts Streamlit (from --app-dir, this checkout by default) on a free port with FRONTMAP_DB=STORE, drives it
with Playwright and Debian's Chromium (FRONTMAP_CHROMIUM), refuses every request off this machine, and prints
the measured times. A store of about 76,000 to 97,000 events over 3,000 places, kept at STORE:
`python -m geo bench --store --articles 6000 --db STORE.sqlite`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync"]
IDLE = "document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for each in pids:
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return total / 1024


def _map_frame(page):
    page.wait_for_selector("iframe[title*='streamlit_folium']", timeout=120_000)
    for _ in range(600):
        frames = [f for f in page.frames if "streamlit_folium" in f.url]
        if frames:
            return frames[0]
        time.sleep(0.05)
    raise RuntimeError("no map frame")


def _drawn(frame, timeout: float = 120) -> None:
    frame.wait_for_function("window.map && document.querySelectorAll('.leaflet-interactive').length > 0",
                            timeout=timeout * 1000, polling=25)


def _idle(page, timeout: float = 120) -> None:
    page.wait_for_function(IDLE, timeout=timeout * 1000, polling=25)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--app-dir", default=str(ROOT))
    parser.add_argument("--place", default="", help="a place to click (default: the most reported one)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from geo.store import Store

    store = Store(args.db)
    summary = store.place_summary()
    settlements = summary[summary["feature"].str.startswith("PPL")]
    place = args.place or settlements.iloc[0]["name"]  # the most reported settlement
    counts = store.counts()
    print(f"store: {counts['events']:,} events over {counts['places']:,} places, {counts['documents']:,} documents")

    port = _free_port()
    env = os.environ | {"FRONTMAP_DB": args.db, "FRONTMAP_SAMPLES": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=args.app_dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.25)
        results: dict[str, list[float]] = {}

        def note(name: str, started: float) -> None:
            results.setdefault(name, []).append(time.perf_counter() - started)

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=os.environ.get("FRONTMAP_CHROMIUM",
                                                                               "/usr/bin/chromium"), args=FLAGS)
            for run in range(args.runs + 1):  # the first run warms the server (gazetteer, caches): not counted
                page = browser.new_page(viewport={"width": 1500, "height": 1000})
                page.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/]).*"), lambda route: route.abort())
                started = time.perf_counter()
                page.goto(url)
                _drawn(_map_frame(page))
                _idle(page)
                if run:
                    note("first draw", started)
                started = time.perf_counter()
                page.get_by_text("Last 30 days", exact=True).click()
                page.wait_for_function(f"!({IDLE})", timeout=10_000, polling=10)
                _idle(page)
                _drawn(_map_frame(page))
                if run:
                    note("filter change", started)
                # Centre on a busy place, then click another place in view and wait for its panel's heading.
                page.goto(f"{url}/?q={place}")
                frame = _map_frame(page)
                _drawn(frame)
                _idle(page)
                frame.evaluate("window.map.setZoom(10)")  # unclustered, with neighbours in view
                time.sleep(1.5)
                box = page.locator("iframe[title*='streamlit_folium']").bounding_box()
                target = frame.evaluate("""(name) => { let found = null;
                    const size = window.map.getSize();
                    window.map.eachLayer(l => { if (found || !l.feature || !l.getTooltip || !l.getTooltip()
                            || !l.options.fill || !l._map || !l.getLatLng) return;
                        const text = String(l.getTooltip().getContent());
                        const p = window.map.latLngToContainerPoint(l.getLatLng());
                        if (!text.startsWith(name) && p.x > 20 && p.x < size.x * 0.55 && p.y > 20 && p.y < size.y - 20)
                            found = [p.x, p.y, text.split(",")[0].split(" — ")[0]]; });
                    return found; }""", place)
                if target is None:
                    print("no other place in view to click", file=sys.stderr)
                if target:
                    started = time.perf_counter()
                    page.mouse.click(box["x"] + target[0], box["y"] + target[1])
                    page.get_by_role("heading", name=target[2]).first.wait_for(timeout=120_000)
                    if run:
                        note("click → panel", started)
                started = time.perf_counter()
                page.goto(f"{url}/Events")
                page.wait_for_selector("[data-testid=stDataFrame]", timeout=120_000)
                _idle(page)
                if run:
                    note("Events page", started)
                page.close()
            browser.close()
        for name, times in results.items():
            print(f"{name}: median {sorted(times)[len(times) // 2]:.2f} s (runs: "
                  f"{', '.join(f'{t:.2f}' for t in times)})")
        print(f"server memory: {_rss_mb(server.pid):.0f} MB resident")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())

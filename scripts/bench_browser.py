"""Time the dashboard as an analyst meets it, in Chromium: first draw of the map, a filter change, a click on a
place until its panel shows, the Events page, and the server's memory.

    python scripts/bench_browser.py --db STORE.sqlite [--make] [--app-dir DIR] [--place NAME] [--warm-cache]

Starts Streamlit (from --app-dir, this checkout by default) on a free port with FRONTMAP_DB=STORE, drives it
with Playwright and Debian's Chromium (FRONTMAP_CHROMIUM), refuses every request off this machine, and prints
the measured times. The store: about 97,000 events over 3,000 places (6,333 generated articles, each naming
towns drawn from 3,000 Ukrainian settlements), made once with --make when STORE does not exist (a minute or two).
(`python -m geo bench --store` names only about 40 towns: too few places for this benchmark.)
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
# With the cache kept, requests off this machine are refused by name resolution instead of Playwright's routing.
OFFLINE_BY_RESOLVER = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]
IDLE = "document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'"
# Run in the page and in the map's frame before their own scripts: the page records, by its own clock, when the
# places' markers were last drawn (each new places' layer leaves its promise in window.fmPlacesDrawn), when each of
# its runs started and ended, when the Events table was put in the page, and when the mouse was last pressed.
# Playwright's own polling of a frame that is busy drawing the base map adds up to half a second to what it sees.
PAGE_MARKS = """(() => {
  if (window !== window.top) {
    let seen = null;
    setInterval(() => {
      const drawn = window.fmPlacesDrawn;
      if (drawn && drawn !== seen) {
        seen = drawn;
        drawn.then(() => { window.top.fmMarks.placesDrawn = Date.now(); });
      }
    }, 10);
    return;
  }
  const marks = window.fmMarks = {runs: []};
  document.addEventListener("pointerdown", () => { marks.input = Date.now(); }, true);
  let state = null;
  new MutationObserver(() => {
    const now = document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state');
    const last = marks.runs[marks.runs.length - 1];
    if (now !== state && now === 'running') marks.runs.push([Date.now(), 0]);
    if (now !== state && now === 'notRunning') {
      if (last && !last[1]) last[1] = Date.now(); else marks.runs.push([Date.now(), Date.now()]);
    }
    state = now;
    if (!marks.table && document.querySelector('[data-fm-table=events]')) marks.table = Date.now();
  }).observe(document, {attributes: true, childList: true, subtree: true});
})();"""


def _free_port() -> int:
    """A free port: from FRONTMAP_BENCH_PORTS ("8630-8639") when set (a shared machine's agreed range), else any."""
    low, _, high = os.environ.get("FRONTMAP_BENCH_PORTS", "").partition("-")
    for port in range(int(low), int(high or low) + 1) if low else ():
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
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


def _cpu_seconds(pids) -> float:
    """User and system CPU seconds of processes and all their descendants (those still running)."""
    return sum(_cpu_by_process(pids).values())


def _cpu_by_process(pids) -> dict[int, float]:
    """User and system CPU seconds of each of the processes and all their descendants (those still running)."""
    import psutil

    seconds: dict[int, float] = {}
    for pid in pids:
        try:
            root = psutil.Process(pid)
            family = [root, *root.children(recursive=True)]
        except psutil.Error:
            continue
        for process in family:
            if process.pid in seconds:
                continue
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            seconds[process.pid] = times.user + times.system
    return seconds


def _cpu_since(before: dict[int, float], now: dict[int, float]) -> float:
    """CPU seconds spent between two readings of _cpu_by_process by the processes still running (a process that
    ended in between, such as the renderer of a page closed before, takes nothing away)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in now.items())


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


def _settled(frame) -> None:
    """Until the map's frame has had two idle moments in a row: what it was drawing (the base map) is done."""
    frame.evaluate("() => new Promise(done => requestIdleCallback(() => requestIdleCallback(done)))")


def _idle(page, timeout: float = 120) -> None:
    page.wait_for_function(IDLE, timeout=timeout * 1000, polling=25)


def in_page(page, started: float, *marks: str, from_press: bool = False) -> float:
    """Seconds until the last of the page's own marks (see PAGE_MARKS): "placesDrawn", "table", or "idle" (the end
    of the first run that started after the step did), from started (time.time()) or, with from_press, from the
    mouse press the page saw after started (Playwright's own locating of what it clicks is left out)."""
    seen = page.evaluate("""(started) => { const marks = window.fmMarks;
        const run = marks.runs.find(r => r[0] >= started);
        return {placesDrawn: marks.placesDrawn || 0, table: marks.table || 0, idle: run ? run[1] : 0,
                input: marks.input || 0}; }""", started * 1000)
    if from_press and seen["input"] / 1000 >= started:
        started = seen["input"] / 1000
    return max(seen[mark] for mark in marks) / 1000 - started


def click_target(page, url: str, place: str):
    """Centre the map on a busy place (its ?q= link), zoom in to 10 (unclustered, with neighbours in view) and find
    another place's marker in the left half of the map: (x, y on the page, its name), or None."""
    page.goto(f"{url}/?q={place}")
    frame = _map_frame(page)
    _drawn(frame)
    _idle(page)
    # (A function that returns nothing: setZoom returns the map, which Playwright would serialise whole, a minute of
    # CPU on a loaded machine.)
    frame.evaluate("() => { window.map.setZoom(10); }")
    time.sleep(1.5)
    # The click lands on a settled map: the names fetched at zoom 10 drawn, the frame's thread idle (on a loaded
    # machine 1.5 s is not always enough, and the click then waits behind the drawing).
    _settled(frame)
    _idle(page)
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
    return (box["x"] + target[0], box["y"] + target[1], target[2]) if target else None


def click_and_wait(page, target) -> float:
    """Click a place found by click_target and wait until its panel's heading shows. Returns the seconds from the
    click until the heading was in the page, as the page itself saw it (Playwright's own polling for the heading
    adds up to a few tenths of a second on a loaded machine)."""
    page.evaluate("""(name) => { window.fmHeadingAt = 0;
        new MutationObserver((changes, observer) => {
            for (const h of document.querySelectorAll("h1, h2, h3")) if (h.textContent.trim() === name) {
                window.fmHeadingAt = Date.now(); observer.disconnect(); return; } })
          .observe(document.body, {childList: true, subtree: true, characterData: true}); }""", target[2])
    clicked = time.time()
    page.mouse.click(target[0], target[1])
    page.get_by_role("heading", name=target[2]).first.wait_for(timeout=120_000)
    shown = page.evaluate("window.fmHeadingAt") / 1000
    return shown - clicked if shown else time.time() - clicked


def start_server(app_dir: str, db: str, port: int) -> subprocess.Popen:
    """The dashboard of app_dir on this store and port, once it answers its health check (samples not loaded)."""
    env = os.environ | {"FRONTMAP_DB": db, "FRONTMAP_SAMPLES": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=app_dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(240):
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                break
        except OSError:
            time.sleep(0.25)
    return server


def make_store(path: str, events: int = 76_000) -> None:
    """The benchmark's store: generated articles about 3,000 towns, ingested as the dashboard's users do."""
    from geo import bench
    from geo.ingest import ingest_documents
    from geo.store import Store

    store = Store(path)
    corpus = bench.generate_corpus(events // 12, seed=events, towns=bench.spread_towns())
    ingest_documents(corpus, store, workers=2)
    store.optimize()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--app-dir", default=str(ROOT))
    parser.add_argument("--place", default="", help="a place to click (default: the most reported one)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--make", action="store_true", help="make the store first if STORE does not exist")
    parser.add_argument("--warm-cache", action="store_true",
                        help="open every run in one browser context, its cache kept (an analyst coming back), "
                             "instead of a new context each run (a first visit: nothing cached)")
    args = parser.parse_args()
    if args.make and not Path(args.db).exists():
        make_store(args.db)

    from playwright.sync_api import sync_playwright

    from geo.store import Store

    store = Store(args.db)
    summary = store.place_summary()
    settlements = summary[summary["feature"].str.startswith("PPL")]
    place = args.place or settlements.iloc[0]["name"]  # the most reported settlement
    counts = store.counts()
    print(f"store: {counts['events']:,} events over {counts['places']:,} places, {counts['documents']:,} documents")

    port = _free_port()
    server = start_server(args.app_dir, args.db, port)
    url = f"http://127.0.0.1:{port}"
    try:
        results: dict[str, list[float]] = {}
        cpu: dict[str, list[tuple[float, float]]] = {}
        marks: dict[str, tuple[float, dict[int, float]]] = {}

        def browser_cpu() -> dict[int, float]:  # Chromium and Playwright's driver: our children but the server
            return _cpu_by_process([c.pid for c in __import__("psutil").Process().children() if c.pid != server.pid])

        def start() -> float:
            marks["cpu"] = (_cpu_seconds([server.pid]), browser_cpu())
            return time.perf_counter()

        def note(name: str, started: float) -> None:
            results.setdefault(name, []).append(time.perf_counter() - started)
            server_before, browser_before = marks["cpu"]
            cpu.setdefault(name, []).append((_cpu_seconds([server.pid]) - server_before,
                                             _cpu_since(browser_before, browser_cpu())))

        def noted(name: str, seconds: float) -> None:  # the same step as the page timed it (its CPU as noted)
            results.setdefault(name, []).append(seconds)
            cpu.setdefault(name, []).append(cpu[name.removesuffix(" in the page")][-1])

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=os.environ.get("FRONTMAP_CHROMIUM",
                                                                               "/usr/bin/chromium"),
                                                 args=FLAGS + (OFFLINE_BY_RESOLVER if args.warm_cache else []))
            size = {"width": 1500, "height": 1000}
            context = browser.new_context(viewport=size) if args.warm_cache else None
            for run in range(args.runs + 1):  # the first run warms the server (gazetteer, caches): not counted
                page = context.new_page() if context else browser.new_page(viewport=size)
                if not args.warm_cache:  # (Playwright's routing turns the browser's cache off)
                    page.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/]).*"), lambda route: route.abort())
                page.add_init_script(PAGE_MARKS)
                started, clock = start(), time.time()
                page.goto(url)
                _drawn(_map_frame(page))
                _idle(page)
                if run:
                    note("first draw", started)
                    noted("first draw in the page", in_page(page, clock, "placesDrawn", "idle"))
                time.sleep(1)  # as an analyst would, the filter is changed on a map done drawing (the base map too)
                _settled(_map_frame(page))
                started, clock = start(), time.time()
                page.get_by_text("Last 30 days", exact=True).click()
                # Done when the run that took the new period has ended (it writes the period into the URL).
                page.wait_for_function("location.search.includes('start=')", timeout=120_000, polling=10)
                _idle(page)
                _drawn(_map_frame(page))
                if run:
                    note("filter change", started)
                    noted("filter change in the page", in_page(page, clock, "placesDrawn", "idle", from_press=True))
                target = click_target(page, url, place)
                if target is None:
                    print("no other place in view to click", file=sys.stderr)
                if target:
                    started = start()
                    clicked_in_page = click_and_wait(page, target)
                    if run:
                        note("click → panel", started)
                        noted("click → panel in the page", clicked_in_page)
                started, clock = start(), time.time()
                page.goto(f"{url}/Events")
                page.wait_for_selector("[data-testid=stDataFrame], [data-fm-table=events]", timeout=120_000)
                _idle(page)
                if run:
                    note("Events page", started)
                    noted("Events page in the page", in_page(page, clock, "table", "idle"))
                page.close()
            browser.close()
        def median(values) -> float:
            return sorted(values)[len(values) // 2]

        for name, times in results.items():
            print(f"{name}: median {median(times):.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)}); "
                  f"CPU median: server {median([s for s, _ in cpu[name]]):.2f} s, "
                  f"browser {median([b for _, b in cpu[name]]):.2f} s")
        print(f"server memory: {_rss_mb(server.pid):.0f} MB resident; load average "
              f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())

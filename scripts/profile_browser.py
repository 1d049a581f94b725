"""Where Chromium's time goes when a dashboard page opens: a timeline of the files and websocket messages, and the
renderer's sampled JavaScript time by the script that started it (Streamlit's chunks, the map's frame).

    python scripts/profile_browser.py --db STORE.sqlite [--page map|events|click] [--app-dir DIR] [--compare DIR]

Starts Streamlit (like bench_browser.py) with FRONTMAP_DB=STORE, opens the page once to warm the server, then once
more with Chromium's tracing on (a new browser context: nothing cached), and prints what it saw. With --compare
DIR (repeatable), another server runs DIR's checkout and the page is opened on each in turn (--pairs times each,
alternating, so that the load of a shared machine falls on all alike), and the medians are printed side by side.
The page "filter" times a filter change on an open map ("Last 30 days"); its timeline starts at the change.
The page "click" times a click on a place until its panel shows (as bench_browser.py does: the map opened on a busy
place, zoomed in to 10, another place clicked); its timeline starts at the click.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import bench_browser as bench  # noqa: E402

CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute",
              "disabled-by-default-v8.cpu_profiler", "toplevel"]


def open_page(page, url: str, which: str, place: str = "", on_start=lambda: None) -> float:
    """Seconds until the page is drawn (the map's markers, or the Events table), or, for "click", from a click on a
    place until its panel shows. on_start is called as the timed part starts."""
    if which == "click":
        target = bench.click_target(page, url, place)
        if target is None:
            raise RuntimeError("no other place in view to click")
        on_start()
        drawn = bench.click_and_wait(page, target)  # until the heading is in the page
        bench._idle(page)
        return drawn
    if which == "filter":
        open_map(page, url)
        on_start()
        return change_filter(page)
    on_start()
    started = time.perf_counter()
    page.goto(url + ("/Events" if which == "events" else "/"))
    if which == "events":
        page.wait_for_selector("[data-testid=stDataFrame], [data-fm-table=events]", timeout=120_000)
    else:
        bench._drawn(bench._map_frame(page))
    drawn = time.perf_counter() - started
    bench._idle(page)
    return drawn


def open_map(page, url: str) -> None:
    page.goto(url + "/")
    bench._drawn(bench._map_frame(page))
    bench._idle(page)


def change_filter(page) -> float:
    """Choose "Last 30 days" on an open map; the seconds until the run that took it has ended and the map is drawn
    (as bench_browser.py times a filter change)."""
    started = time.perf_counter()
    page.get_by_text("Last 30 days", exact=True).click()
    page.wait_for_function("location.search.includes('start=')", timeout=120_000, polling=10)
    bench._idle(page)
    bench._drawn(bench._map_frame(page))
    return time.perf_counter() - started


def owner(nodes: dict, key) -> str:
    """Who started the work of a profile sample: the outermost frame with a script URL."""
    chain = []
    while key in nodes:
        chain.append(nodes[key])
        key = (key[0], nodes[key].get("parent"))
    for node in reversed(chain):
        url = re.sub(r"\?.*", "", node["callFrame"].get("url", ""))
        if not url:
            continue
        if "/vendor/" in url:
            return "map frame: " + url.split("/vendor/")[1].split("/")[0]
        if "streamlit_folium" in url:
            return "map frame: " + ("streamlit-folium bundle" if url.endswith(".js") else "map script")
        if "/static/js/" in url:
            return "streamlit: " + url.rsplit("/", 1)[1].split(".")[0]
        return url[-60:]
    return chain[0]["callFrame"].get("functionName", "?") if chain else "?"


def print_trace(trace: dict, log: list) -> None:
    events = trace["traceEvents"]
    nodes, by_owner = {}, collections.Counter()
    for event in events:
        if event.get("name") != "ProfileChunk":
            continue
        data = event["args"]["data"]
        profile = data.get("cpuProfile", {})
        for node in profile.get("nodes", []):
            nodes[(event["id"], node["id"])] = node
        for sample, delta in zip(profile.get("samples", []), data.get("timeDeltas", []), strict=False):
            by_owner[owner(nodes, (event["id"], sample))] += delta
    groups = collections.Counter()
    for name, micros in by_owner.items():
        groups[name.split(":")[0]] += micros
    print("renderer samples by group (s): " + ", ".join(f"{k} {v / 1e6:.2f}" for k, v in groups.most_common(8)))
    for name, micros in by_owner.most_common(15):
        print(f"  {micros / 1e6:6.3f}  {name}")
    print("timeline (s after the request): files done, websocket messages over 1 kB")
    for at, kind, what in sorted(log):
        print(f"  {at:6.3f}  {kind}  {what}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--page", choices=("map", "events", "click", "filter"), default="map")
    parser.add_argument("--place", default="", help="for --page click: the busy place (default: the most reported)")
    parser.add_argument("--app-dir", default=str(ROOT))
    parser.add_argument("--compare", action="append", default=[],
                        help="another checkout, timed in turn with --app-dir (repeatable)")
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--trace-file", default="", help="also write Chromium's trace there (JSON, for chrome://tracing)")
    args = parser.parse_args()

    import psutil
    from playwright.sync_api import sync_playwright

    place = args.place
    if args.page == "click" and not place:
        from geo.store import Store

        summary = Store(args.db).place_summary()
        place = summary[summary["feature"].str.startswith("PPL")].iloc[0]["name"]
    apps = {"this": args.app_dir} | {f"compared {n}" if len(args.compare) > 1 else "compared": app
                                     for n, app in enumerate(args.compare, 1)}
    ports, servers = {}, {}
    for name, app in apps.items():  # one after the other: each takes the first free port
        ports[name] = bench._free_port()
        servers[name] = bench.start_server(app, args.db, ports[name])
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("FRONTMAP_CHROMIUM", "/usr/bin/chromium"), args=bench.FLAGS)

            def new_page():
                page = browser.new_page(viewport={"width": 1500, "height": 1000})
                page.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/]).*"), lambda r: r.abort())
                return page

            for url in urls.values():  # warm each server
                page = new_page()
                open_page(page, url, args.page, place)
                page.close()
            if not args.compare:
                page, log, started = new_page(), [], [0.0]
                url = urls["this"]
                page.on("requestfinished", lambda r: log.append(
                    (time.perf_counter() - started[0], "file", r.url.replace(url, "")[:90])))
                smallest = 0 if args.page == "click" or os.environ.get("FRONTMAP_PROFILE_ALL") else 1000

                def watch(ws) -> None:
                    ws.on("framereceived", lambda payload: len(payload) > smallest and log.append(
                        (time.perf_counter() - started[0], "ws  ", f"{len(payload):,} bytes")))
                    ws.on("framesent", lambda payload: log.append(
                        (time.perf_counter() - started[0], "sent", f"{len(payload):,} bytes")))

                page.on("websocket", watch)
                target = bench.click_target(page, url, place) if args.page == "click" else None
                if args.page == "filter":
                    open_map(page, url)
                log.clear()
                browser.start_tracing(page=page, categories=CATEGORIES)
                started[0] = time.perf_counter()
                if target:
                    bench.click_and_wait(page, target)
                    drawn = time.perf_counter() - started[0]
                    bench._idle(page)
                elif args.page == "filter":
                    drawn = change_filter(page)
                else:
                    drawn = open_page(page, url, args.page, place)
                log.append((drawn, "DRAWN", ""))
                trace = browser.stop_tracing()
                if args.trace_file:
                    Path(args.trace_file).write_bytes(trace)
                print_trace(json.loads(trace), log)
                page.close()
            else:
                def browser_cpu() -> float:
                    ours = {server.pid for server in servers.values()}
                    return bench._cpu_seconds([c.pid for c in psutil.Process().children() if c.pid not in ours])

                results = {name: [] for name in apps}
                for turn in range(args.pairs):
                    for name in (list(apps) if turn % 2 == 0 else list(apps)[::-1]):
                        page = new_page()
                        marks = []

                        def mark(marks=marks, pid=servers[name].pid) -> None:
                            marks.extend((bench._cpu_seconds([pid]), browser_cpu()))

                        drawn = open_page(page, urls[name], args.page, place, on_start=mark)
                        time.sleep(1)
                        results[name].append((drawn, bench._cpu_seconds([servers[name].pid]) - marks[0],
                                              browser_cpu() - marks[1]))
                        page.close()
                for name, rows in results.items():
                    print(f"{args.page} {name} ({apps[name]}): drawn {statistics.median(r[0] for r in rows):.2f} s "
                          f"(runs {', '.join(f'{r[0]:.2f}' for r in rows)}); CPU median: server "
                          f"{statistics.median(r[1] for r in rows):.2f} s, browser "
                          f"{statistics.median(r[2] for r in rows):.2f} s (with 1 s after drawing)")
            browser.close()
        print(f"load average {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: geoparser throughput on a generated corpus, gazetteer cold-load time, peak memory."""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import resource
import subprocess
import sys
import time

from geo.documents import make_document
from geo.records import Document, event_record

_SENTENCES = (
    "Russian forces captured {a} after weeks of fighting, the Russian Defence Ministry said on {day}.",
    "Ukrainian troops withdrew from {a} to avoid encirclement, Syrski said.",
    "Heavy clashes continued near {a} and {b}, according to Deep State.",
    "A missile strike hit {a} overnight, and drones struck {b}.",
    "Zelensky spoke at a press conference in Kyiv about the situation around {a}.",
    "Moscow claimed its troops had advanced towards {a} in the {region} region.",
    "Ukrainian forces liberated the village of {a}, the General Staff of Ukraine reported earlier this week.",
    "Officials in {a} said shelling damaged homes and a school.",
    "Analysts said Russia had reclaimed 12 settlements in the {region} region since {month}.",
    "Civilians were evacuated from {a} as the front line moved closer to {b}.",
)
_MONTHS = ("January", "March", "May", "August", "October")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


FRONT_TOWNS = ("Pokrovsk", "Toretsk", "Chasiv Yar", "Kupiansk", "Vovchansk", "Sudzha", "Avdiivka", "Bakhmut",
               "Kurakhove", "Vuhledar", "Myrnohrad", "Kramatorsk", "Sloviansk", "Kostiantynivka", "Siversk", "Lyman",
               "Izium", "Kherson", "Zaporizhzhia", "Sumy", "Kharkiv", "Belgorod", "Kursk", "Selydove")


def spread_towns(limit: int = 3000) -> list[str]:
    """Names of Ukrainian settlements that only one gazetteer entry bears: events spread over many places."""
    from geo.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    names = []
    for place in gazetteer.lookup_country("UA"):
        if len(gazetteer.ids(place.name)) == 1 and place.name.isalpha():
            names.append(place.name)
    return sorted(names)[:limit]


def generate_corpus(n: int, seed: int = 7, towns: list[str] | None = None) -> list[Document]:
    """n articles of 6–12 sentences about places drawn from the gazetteer's Ukrainian and Russian towns."""
    from geo.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    rng = random.Random(seed)
    towns = towns or [name for name in FRONT_TOWNS if gazetteer.lookup(name)]
    regions = ("Kursk", "Donetsk", "Kharkiv", "Sumy", "Zaporizhzhia", "Belgorod")
    published = dt.date(2025, 3, 12)
    corpus = []
    for i in range(n):
        sentences = [rng.choice(_SENTENCES).format(a=rng.choice(towns), b=rng.choice(towns),
                                                   region=rng.choice(regions), day=rng.choice(_DAYS),
                                                   month=rng.choice(_MONTHS))
                     for _ in range(rng.randint(6, 12))]
        corpus.append(make_document(" ".join(sentences), title=f"Report {i}", source="bench",
                                    published=published - dt.timedelta(days=rng.randint(0, 90))))
    return corpus


def cold_load_seconds() -> float:
    """Gazetteer load time in a fresh interpreter, as a new process would see it."""
    code = "from geo.gazetteer import Gazetteer; print(Gazetteer.load().load_seconds)"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def _throughput(parser, corpus: list[Document], label: str) -> None:
    """Parse a corpus once and print articles/s by the wall clock and by this process's CPU time (the CPU time
    shows the cost when other processes share the cores)."""
    megabytes = sum(len(d.text.encode("utf-8")) for d in corpus) / 1e6
    started, cpu = time.perf_counter(), time.process_time()
    events = sum(len(parser.parse(d)) for d in corpus)
    elapsed, used = time.perf_counter() - started, time.process_time() - cpu
    print(f"{label}: {len(corpus)} generated articles, {megabytes:.2f} MB, {events} events")
    print(f"  throughput (one core, end to end): {len(corpus) / elapsed:.0f} articles/s, {megabytes / elapsed:.2f} "
          f"MB/s ({elapsed:.2f} s); by CPU time {len(corpus) / used:.0f} articles/s ({used:.2f} s)")


def _places_throughput(parser, corpus: list[Document]) -> None:
    """The place half of the analysis alone (sentences, names, resolving; no events, dates or sides), by CPU time:
    what one core could reach if reading events cost nothing."""
    from geo.sentences import sentence_spans

    cpu = time.process_time()
    for d in corpus:
        parser.resolver.resolve(parser.recognizer.find(d.text, sentence_spans(d.text)))
    used = time.process_time() - cpu
    print(f"  places alone (sentences, names, resolving; no events): {len(corpus) / used:.0f} articles/s by CPU time")


def main(articles: int = 1000) -> int:
    from geo.pipeline import Geoparser

    load = cold_load_seconds()
    parser = Geoparser()
    corpus = generate_corpus(articles)
    _throughput(parser, corpus, f"corpus over {len(FRONT_TOWNS)} front-line towns")
    _places_throughput(parser, corpus)
    # The same sentences over 3,000 distinct settlements: look-ups and choices the caches have not seen.
    towns = spread_towns()
    _throughput(parser, generate_corpus(articles, seed=11, towns=towns), f"corpus over {len(towns):,} towns")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"gazetteer cold load: {load:.2f} s")
    print(f"peak memory: {peak_mb:.0f} MB; {_load()}")
    return 0


def _timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return (time.perf_counter() - started) * 1000, result


def store_main(articles: int = 10_000, db: str | None = None) -> int:
    """Ingest throughput into a store, then the dashboard's main queries on what was stored."""
    import tempfile

    from geo.ingest import ingest_documents
    from geo.store import EventFilter, Store

    with tempfile.TemporaryDirectory() as folder:
        store = Store(db or f"{folder}/bench.sqlite")
        corpus = generate_corpus(articles)
        started = time.perf_counter()
        summary = ingest_documents(corpus, store, workers=2)
        elapsed = time.perf_counter() - started
        counts = store.counts()
        print(f"ingest: {summary.new} articles in {elapsed:.1f} s = {summary.new / elapsed:.0f} articles/s "
              f"(2 workers, {store.engine.dialect.name}); {counts['events']:,} events, {counts['places']} places")
        end = max(d.published for d in corpus)
        month = EventFilter(start=end - dt.timedelta(days=30), end=end)
        place = store.events(EventFilter(event_types=("control_change",))).iloc[0]["place_key"]
        queries = {
            "events table, newest 1,000": lambda: store.events(limit=1000),
            "events table, last 30 days, newest 1,000": lambda: store.events(month, limit=1000),
            "events table, Russia control changes, newest 1,000": lambda: store.events(
                EventFilter(actors=("Russia",), event_types=("control_change",)), limit=1000),
            "timeline, events per day and type": lambda: store.daily_counts(),
            "per-place summary, all": lambda: store.place_summary(),
            "per-place summary, as of 30 days before the end": lambda: store.place_summary(
                EventFilter(end=end - dt.timedelta(days=30))),
            "excerpts for one place": lambda: store.excerpts(place),
        }
        for name, query in queries.items():
            store.events(EventFilter(start=end))  # warm the connection pool
            ms, frame = _timed(query)
            print(f"query {name}: {ms:.0f} ms ({len(frame):,} rows)")
    return 0


def synthetic_control_store(store, events: int = 76_000, places: int = 3_000, seed: int = 9) -> None:
    """A store of `events` events over `places` Ukrainian settlements from the gazetteer, written directly (no
    parsing): a front running north to south, each side's reports mostly about its own side of it, some claims
    against the grain, fighting inside places near the front, a few region-level reports."""
    from geo.documents import make_document
    from geo.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    rng = random.Random(seed)
    towns = [p for p in gazetteer.lookup_country("UA") if p.precision == "settlement" and p.longitude > 31.0]
    towns = rng.sample(towns, min(places, len(towns)))
    first = dt.date(2024, 1, 1)
    rows, documents = [], 0
    regions: dict = {}

    def flush():
        nonlocal rows, documents
        if rows:
            store.add(make_document(f"synthetic report batch {documents}", source="bench", published=first), rows)
            documents += 1
            rows = []

    for i in range(events):
        town = towns[i % len(towns)] if i < len(towns) else rng.choice(towns)
        day = first + dt.timedelta(days=rng.randint(0, 420))
        front = 37.4 + 0.6 * math.sin(town.latitude * 2) - 0.3 * (day - first).days / 420  # it moves west
        east = town.longitude > front + rng.gauss(0, 0.15)
        roll = rng.random()
        kind = "control_change" if roll < 0.3 else "frontline" if roll < 0.55 else "strike" if roll < 0.8 \
            else "mention"
        actor = ("Russia" if east else "Ukraine") if rng.random() < 0.9 else ("Ukraine" if east else "Russia")
        status = rng.choice(("claimed", "claimed", "confirmed", "contested")) if kind == "control_change" else ""
        region = rng.random() < 0.02
        if region:  # a report about the town's region: one place per region, not one per town
            town = regions.setdefault(town.admin1, town)
        excerpt = (f"Fighting continued in {town.name}." if kind == "frontline" and rng.random() < 0.2
                   else f"Report {i} about {town.name}.")
        rows.append(event_record({
            "place": town.name, "name": f"{town.admin1} region" if region else town.name, "start": i,
            "end": i + len(town.name), "lat": town.latitude, "lon": town.longitude, "country": "UA",
            "admin1": town.admin1, "feature": "ADM1" if region else town.feature,
            "geonameid": None if region else town.geonameid, "precision": "region" if region else "settlement",
            "event_type": kind, "actor": actor if kind in ("control_change", "frontline") else "",
            "status": status, "date": day, "excerpt": excerpt, "confidence": 0.9}))
        if len(rows) == 100:
            flush()
    flush()
    store.optimize()


def _timed_cpu(function) -> tuple[str, object]:
    """Wall-clock and CPU milliseconds (the CPU time shows the cost when other processes share the cores)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = function()
    wall, used = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    return f"{wall:.0f} ms (CPU {used:.0f} ms)", result


def control_bench(events: int = 76_000, places: int = 3_000) -> None:
    """Control as of a date, and territory and front line, on a large synthetic store (issue 9's targets:
    control < 200 ms, territory and front line < 1 s)."""
    import os
    import tempfile

    from geo import control, territory
    from geo.store import Store

    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"{folder}/control.sqlite")
        started = time.perf_counter()
        synthetic_control_store(store, events, places)
        counts = store.counts()
        print(f"control: {counts['events']:,} events over {counts['places']:,} places "
              f"(written in {time.perf_counter() - started:.1f} s; load average {os.getloadavg()[0]:.1f})")
        took, _ = _timed_cpu(store.generation)
        print(f"  store state (generation) query: {took}")
        took, built = _timed_cpu(lambda: control.model(store))
        print(f"  control model, built once per store state (read {len(built.reports):,} control reports, "
              f"timeline of {len(built.timeline):,} states): {took}")
        last = built.reports["date"].max().date()
        for day in (last, last - dt.timedelta(days=90), last - dt.timedelta(days=200)):
            took, states = _timed_cpu(lambda day=day: control.control_as_of(store, day))
            cached, _ = _timed_cpu(lambda day=day: control.control_as_of(store, day))
            print(f"  control as of {day}: {took} ({len(states):,} settlements); again (cached) {cached}")
        territory.country_outlines()
        for day in (last, last - dt.timedelta(days=200)):
            states = control.control_as_of(store, day)
            took, result = _timed_cpu(lambda states=states: territory.territory(states))
            print(f"  territory and front line as of {day}: {took}: "
                  + ", ".join(f"{side} {km2:,.0f} km²" for side, km2 in result.areas_km2.items())
                  + f", contested {result.contested_km2:,.0f} km², front {result.front_km:,.0f} km"
                  + ("" if result.clipped_to_land else " (no country outlines installed: not clipped)"))
            cached, _ = _timed_cpu(lambda day=day: territory.territory_as_of(store, day))
            again, _ = _timed_cpu(lambda day=day: territory.territory_as_of(store, day))
            print(f"    through the cache: first {cached}, again {again}")
        took, moved = _timed_cpu(lambda: territory.changes(store, last - dt.timedelta(days=90), last))
        print(f"  changes over the last 90 days: {took} ({len(moved.settlements):,} settlements changed)")


def map_main(event_counts: tuple[int, ...] = (1_000, 10_000, 76_000)) -> int:
    """Server-side map build time, the map's HTML size, and the time of a filter change (76,000 events are spread
    over about 3,000 places, the scale of a large corpus). The browser's side: scripts/bench_browser.py."""
    import tempfile

    from geo import mapview
    from geo.ingest import ingest_documents
    from geo.store import EventFilter, Store

    towns = spread_towns()
    for target in event_counts:
        with tempfile.TemporaryDirectory() as folder:
            store = Store(f"{folder}/map.sqlite")
            corpus = generate_corpus(max(1, target // 12), seed=target, towns=towns)
            ingest_documents(corpus, store, workers=2)
            events = store.counts()["events"]
            ms, summary = _timed(store.place_summary)
            started = time.perf_counter()
            fmap = mapview.base_map()
            layers = mapview.event_layers(summary)
            size = mapview.map_html_size(fmap, layers)
            build = (time.perf_counter() - started) * 1000 + ms
            newest = summary["last_date"].max()
            narrower = EventFilter(start=newest - dt.timedelta(days=30), end=newest, event_types=("control_change",
                                                                                                    "frontline"))
            started = time.perf_counter()
            changed = store.place_summary(narrower)
            # What a filter change costs: a new summary and its layers, rendered (st_folium swaps only these).
            changed_size = mapview.map_html_size(mapview.base_map(), mapview.event_layers(changed))
            change = (time.perf_counter() - started) * 1000
            print(f"{events:,} events over {len(summary):,} places: build {build:.0f} ms, "
                  f"map HTML {size / 1e6:.2f} MB; filter change {change:.0f} ms "
                  f"({len(changed):,} places, {changed_size / 1e6:.2f} MB)")
    control_bench()
    return 0


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"


def _cpu_seconds() -> float:
    import psutil

    times = psutil.Process().cpu_times()
    return times.user + times.system


def scale_main(articles: int = 2000, repeats: int = 3) -> int:
    """Articles/s on the same generated corpus for the plain process and for Dask LocalClusters of 1 and 2
    worker processes, end to end as a cluster is used: read a JSON Lines file, parse, write the events as
    Parquet partitioned by date. The three are measured in turn, `repeats` rounds (so that other load on
    the machine falls on all of them alike), and the medians are compared; the CPU seconds per article
    (workers, and this process) show what a busy machine hides. Start-up (the cluster, one Geoparser per
    worker) is shown apart: it is paid once per run, not per article."""
    import json
    import statistics
    import tempfile
    from contextlib import ExitStack

    from distributed import get_task_stream

    from geo.distributed import RunSummary, block_size, connect, extract, plan, prepare
    from geo.documents import iter_documents
    from geo.parquet import write_events
    from geo.pipeline import Geoparser

    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        feed = f"{folder}/corpus.jsonl"
        corpus = generate_corpus(articles)
        with open(feed, "w", encoding="utf-8") as file:
            for d in corpus:
                file.write(json.dumps({"text": d.text, "title": d.title, "source": d.source,
                                       "date": d.published.isoformat()}) + "\n")
        # The partitions the planner makes for 2 workers, used for 1 worker too (the same work for both).
        block = block_size(os.path.getsize(feed), workers=2)
        print(f"corpus: {articles} generated articles, {os.path.getsize(feed) / 1e6:.2f} MB JSON Lines, "
              f"{len(plan([feed], block=block)[0])} partitions; {os.cpu_count()} cores; {_load()}")
        parser = Geoparser()
        outputs = iter(range(10_000))

        def plain(output: str) -> int:
            rows = [e.as_row() for d in iter_documents([feed], None, []) for e in parser.parse(d)]
            write_events(rows, None, output, "part")
            return len(rows)

        steps: dict[str, list[dict[str, float]]] = {}  # the tasks' CPU seconds per step, per round

        def on_cluster(client, label):
            def run(output: str) -> int:
                summary = RunSummary()
                for _ in extract(client, [feed], output=output, rows=False, summary=summary, block=block):
                    pass
                if summary.failed:
                    raise RuntimeError(summary.failed[0])
                steps.setdefault(label, []).append(summary.cpu)
                return summary.events
            return run

        runs = {"plain process": (plain, lambda: 0.0, None)}
        clients = {}
        for workers in (1, 2):
            label = f"dask, {workers} worker{'s' * (workers > 1)}"
            started = time.perf_counter()
            client = clients[label] = stack.enter_context(connect(workers=workers))
            prepare(client)
            client.run(lambda: None)
            print(f"{label}: start-up {time.perf_counter() - started:.1f} s (cluster, one Geoparser per worker)")
            runs[label] = (on_cluster(client, label),
                           lambda client=client: sum(client.run(_cpu_seconds).values()), client)
        rates: dict[str, list[float]] = {label: [] for label in runs}
        cpu: dict[str, list[tuple[float, float]]] = {label: [] for label in runs}
        busy: dict[str, list[float]] = {label: [] for label in runs}
        tasks: dict[str, list[float]] = {label: [] for label in runs}  # the tasks' summed wall time
        events = 0
        for round_ in range(1, repeats + 1):
            for label, (run, worker_cpu, client) in runs.items():
                before = (_cpu_seconds(), worker_cpu())
                with ExitStack() as watch:
                    stream = watch.enter_context(get_task_stream(client)) if client else None
                    started = time.perf_counter()
                    events = run(f"{folder}/out-{next(outputs)}")
                    wall = time.perf_counter() - started
                rates[label].append(articles / wall)
                cpu[label].append((_cpu_seconds() - before[0], worker_cpu() - before[1]))
                if stream is not None:  # the share of the wall time the workers spent in tasks
                    computing = sum(s["stop"] - s["start"] for task in stream.data for s in task["startstops"]
                                    if s["action"] == "compute")
                    busy[label].append(computing / wall / len(client.scheduler_info()["workers"]))
                    tasks[label].append(computing)
            print(f"round {round_}: " + ", ".join(f"{label} {rates[label][-1]:.0f}" for label in runs)
                  + f" articles/s; {_load()}")
        medians = {label: statistics.median(values) for label, values in rates.items()}
        for label in runs:
            own, workers = (statistics.median(c[i] for c in cpu[label]) * 1000 / articles for i in (0, 1))
            spent = f"CPU {own:.2f} ms/article in this process" + (
                f", {workers:.2f} ms/article on the workers, busy {statistics.median(busy[label]):.0%} "
                "of the time" if workers else "")
            print(f"{label}: {medians[label]:.0f} articles/s (median of {repeats}); {spent}; {events} events")
            if label in steps:  # steadier than the wall clock on a busy machine: the tasks' own times
                each = {step: statistics.median(r.get(step, 0.0) for r in steps[label]) * 1000 / articles
                        for step in steps[label][0]}
                print(f"  tasks: {statistics.median(tasks[label]) * 1000 / articles:.2f} ms/article summed wall "
                      "time; CPU of the task's thread per article: "
                      + ", ".join(f"{step} {ms:.2f} ms" for step, ms in each.items()))
        for label, client in clients.items():
            peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            print(f"{label}: peak memory per worker {', '.join(f'{mb:.0f} MB' for mb in peaks.values())}")
        print(f"2 workers / 1 worker: {medians['dask, 2 workers'] / medians['dask, 1 worker']:.2f}x; "
              f"1 worker / plain process: {medians['dask, 1 worker'] / medians['plain process']:.2f}x")
    return 0

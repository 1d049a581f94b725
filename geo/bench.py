"""Benchmark: geoparser throughput on a generated corpus, gazetteer cold-load time, peak memory."""

from __future__ import annotations

import datetime as dt
import random
import resource
import subprocess
import sys
import time

from geo.documents import make_document
from geo.records import Document

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


def main(articles: int = 1000) -> int:
    from geo.pipeline import Geoparser

    load = cold_load_seconds()
    parser = Geoparser()
    corpus = generate_corpus(articles)
    megabytes = sum(len(d.text.encode("utf-8")) for d in corpus) / 1e6
    started = time.perf_counter()
    events = sum(len(parser.parse(d)) for d in corpus)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus: {articles} generated articles, {megabytes:.2f} MB, {events} events")
    print(f"throughput (one core, end to end): {articles / elapsed:.0f} articles/s, {megabytes / elapsed:.2f} MB/s "
          f"({elapsed:.2f} s)")
    print(f"gazetteer cold load: {load:.2f} s")
    print(f"peak memory: {peak_mb:.0f} MB")
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
    return 0

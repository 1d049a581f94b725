"""The command line: python -m geo extract|ingest|reprocess|export|pin|gazetteer|evaluate|bench ..."""

from __future__ import annotations

import argparse
import os
import sys

from geo.dates import parse_date
from geo.documents import iter_documents
from geo.output import FORMATS, write_rows

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def _date_arg(value: str):
    try:
        return parse_date(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _report(errors: list[str]) -> int:
    for message in errors:
        print(f"frontmap: {message}", file=sys.stderr)
    return EXIT_SOME_FAILED if errors else EXIT_OK


def cmd_extract(args) -> int:
    from geo.pipeline import Geoparser

    online = None
    if args.online:
        from geo.geocoders import OnlineFallback, online_geocoder

        online = OnlineFallback(online_geocoder())
    parser = Geoparser(online=online)
    errors: list[str] = []
    rows = (event.as_row() for doc in iter_documents(args.paths, args.published, errors) for event in parser.parse(doc))
    write_rows(rows, args.format, sys.stdout)
    return _report(errors)


def cmd_gazetteer(args) -> int:
    from geo import gazetteer

    if args.action == "build":
        path = gazetteer.build_index()
        loaded = gazetteer.Gazetteer.load(path)
        print(f"gazetteer: {len(loaded):,} places at {path} (loads in {loaded.load_seconds:.2f} s)")
    elif args.action == "import":
        for dump in args.files:
            try:
                kept = gazetteer.import_geonames_dump(dump)
            except (OSError, gazetteer.GazetteerError) as exc:
                print(f"frontmap: {exc}", file=sys.stderr)
                return EXIT_SOME_FAILED
            print(f"{dump}: {kept:,} places and areas imported")
        path = gazetteer.build_index()
        print(f"gazetteer rebuilt at {path}")
    elif args.action == "download":
        from geo.geonames_download import GEONAMES_DUMPS, download_countries

        try:
            kept = download_countries(args.files or ["UA", "RU", "BY"], args.url or GEONAMES_DUMPS)
        except (OSError, gazetteer.GazetteerError) as exc:
            print(f"frontmap: {exc}", file=sys.stderr)
            return EXIT_SOME_FAILED
        for code, count in kept.items():
            print(f"{code}: {count:,} places and areas imported")
        path = gazetteer.build_index()
        print(f"gazetteer rebuilt at {path}")
    elif args.action == "lookup":
        from geo.geocoders import GazetteerGeocoder

        found = GazetteerGeocoder().geocode(" ".join(args.files), exactly_one=False) or []
        for location in found:
            raw = location.raw
            print(f"{location.address}\t{location.latitude:.5f},{location.longitude:.5f}\t{raw['feature']}"
                  f"\tpop {raw['population']:,}\tgeonameid {raw['geonameid']}")
        return EXIT_OK if found else EXIT_SOME_FAILED
    return EXIT_OK


def _store(args):
    from geo.store import Store

    return Store(args.db)


def cmd_ingest(args) -> int:
    from geo.ingest import IngestSummary, ingest_paths, sample_paths

    summary = IngestSummary()
    paths = sample_paths() if args.paths == ["samples"] and not os.path.exists("samples") else args.paths
    try:
        ingest_paths(paths, _store(args), args.published, args.workers, summary=summary)
    except KeyboardInterrupt:
        print(f"interrupted: {summary.line()}; every finished document is stored, run again to go on",
              file=sys.stderr)
        return 130
    print(summary.line(), file=sys.stderr)
    return _report(summary.failed)


def cmd_reprocess(args) -> int:
    from geo.ingest import reprocess

    print(f"reprocessed {reprocess(_store(args), args.workers)} documents", file=sys.stderr)
    return EXIT_OK


def cmd_export(args) -> int:
    from geo.export import acled_rows, event_rows
    from geo.store import EventFilter

    bbox = tuple(float(v) for v in args.bbox.split(",")) if args.bbox else None
    filters = EventFilter(start=args.start, end=args.end, actors=tuple(args.actor), event_types=tuple(args.type),
                          sources=tuple(args.source), min_confidence=args.min_confidence, bbox=bbox)
    frame = _store(args).events(filters)
    if args.format == "geojson":
        frame = frame[frame["lat"].notna()]
    rows = acled_rows(frame) if args.format == "csv" else event_rows(frame)
    write_rows(rows, args.format, sys.stdout)
    return EXIT_OK


def cmd_pin(args) -> int:
    _store(args).pin(name=args.name or args.place or "", lat=args.lat, lon=args.lon, place_as_written=args.place,
                     doc_id=args.doc, start=args.start)
    return EXIT_OK


def cmd_assets(args) -> int:
    from geo.assets import AssetsError, install

    try:
        print(f"map assets installed in {install()}")
    except (AssetsError, OSError) as exc:
        print(f"frontmap: {exc}", file=sys.stderr)
        return EXIT_SOME_FAILED
    return EXIT_OK


def cmd_evaluate(args) -> int:
    from geo.evaluation import main as evaluate

    return evaluate(args.gold)


def cmd_bench(args) -> int:
    from geo import bench

    if args.store:
        return bench.store_main(args.articles, args.db)
    if args.map:
        return bench.map_main()
    return bench.main(args.articles)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    extract = sub.add_parser("extract", help="print one record per place mention in the documents")
    extract.add_argument("paths", nargs="+", help="files or folders (txt, md, html, jsonl, csv); - for stdin")
    extract.add_argument("--published", type=_date_arg, help="publication date for documents without one")
    extract.add_argument("--format", choices=FORMATS, default="jsonl")
    extract.add_argument("--online", action="store_true",
                         help="look names the gazetteer cannot place up with Nominatim (needs the network; cached)")
    extract.set_defaults(func=cmd_extract)

    gaz = sub.add_parser("gazetteer", help="build the index, download or import GeoNames country dumps, look up a name")
    gaz.add_argument("action", choices=("build", "download", "import", "lookup"))
    gaz.add_argument("files", nargs="*", help="for import: GeoNames dumps (UA.txt ...); for download: country codes "
                                              "(UA RU BY by default; needs the network); for lookup: a name")
    gaz.add_argument("--url", help="for download: where the country dumps are (default: GeoNames' export folder)")
    gaz.set_defaults(func=cmd_gazetteer)

    def with_db(command):
        command.add_argument("--db", help="SQLite file or database URL (default: FRONTMAP_DB, else the data folder)")
        return command

    ingest = with_db(sub.add_parser("ingest", help="read documents and store them with their events"))
    ingest.add_argument("paths", nargs="+",
                        help="files or folders (txt, md, html, jsonl, csv); - for stdin; samples for the sample corpus")
    ingest.add_argument("--published", type=_date_arg, help="publication date for documents without one")
    ingest.add_argument("--workers", type=int, help="worker processes (default: up to 2)")
    ingest.set_defaults(func=cmd_ingest)

    again = with_db(sub.add_parser("reprocess", help="re-run extraction over the stored documents"))
    again.add_argument("--workers", type=int)
    again.set_defaults(func=cmd_reprocess)

    export = with_db(sub.add_parser("export", help="stored events as ACLED-like CSV, GeoJSON or JSON Lines"))
    export.add_argument("--format", choices=FORMATS, default="csv")
    export.add_argument("--start", type=_date_arg)
    export.add_argument("--end", type=_date_arg)
    export.add_argument("--actor", action="append", default=[])
    export.add_argument("--type", action="append", default=[], help="event type (repeatable)")
    export.add_argument("--source", action="append", default=[])
    export.add_argument("--min-confidence", type=float, default=0.0)
    export.add_argument("--bbox", help="south,west,north,east")
    export.set_defaults(func=cmd_export)

    pin = with_db(sub.add_parser("pin", help="pin a place name, or one mention, to coordinates"))
    pin.add_argument("--place", help="the place as written; the pin applies to every mention of it")
    pin.add_argument("--doc", help="with --start: pin one mention")
    pin.add_argument("--start", type=int)
    pin.add_argument("--name", help="the name to show")
    pin.add_argument("--lat", type=float, required=True)
    pin.add_argument("--lon", type=float, required=True)
    pin.set_defaults(func=cmd_pin)

    assets = sub.add_parser("assets", help="put the map's JavaScript, CSS and base layer where the dashboard serves")
    assets.set_defaults(func=cmd_assets)

    evaluate = sub.add_parser("evaluate", help="precision, recall and geocoding error on the labelled set")
    evaluate.add_argument("--gold", help="a labelled set (JSON Lines); the built-in one by default")
    evaluate.set_defaults(func=cmd_evaluate)

    bench = sub.add_parser("bench", help="throughput, gazetteer load time and peak memory")
    bench.add_argument("--articles", type=int, default=1000)
    bench.add_argument("--store", action="store_true",
                       help="ingest throughput and the dashboard's query times instead (try --articles 10000)")
    bench.add_argument("--db", help="with --store: a database URL (a temporary SQLite file by default)")
    bench.add_argument("--map", action="store_true",
                       help="map build time, HTML size and filter-change time for 1,000 and 10,000 events")
    bench.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK

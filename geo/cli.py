"""The command line: python -m geo extract|ingest|reprocess|export|pin|control|changes|reference|gazetteer|
evaluate|bench ..."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from geo.dates import parse_date
from geo.documents import iter_documents
from geo.errors import FrontmapError
from geo.writers import WRITERS, write_rows

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, with a misuse told in one line (the usage is one --help away)."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _bbox_arg(value: str) -> tuple[float, float, float, float]:
    try:
        south, west, north, east = (float(v) for v in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected south,west,north,east in degrees, got {value!r}") from None
    if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
        raise argparse.ArgumentTypeError(f"{value!r}: need -90 <= south <= north <= 90 and longitudes in -180..180")
    return south, west, north, east


def _date_arg(value: str):
    try:
        return parse_date(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _published_arg(value: str):
    from geo.documents import publication_date

    try:
        return publication_date(value)
    except FrontmapError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _report(errors: list[str]) -> int:
    for message in errors:
        print(f"frontmap: {message}", file=sys.stderr)
    return EXIT_SOME_FAILED if errors else EXIT_OK


def _dask_only(args) -> bool:
    if args.engine != "dask" and (args.scheduler or args.output):
        print("frontmap: --scheduler and --output need --engine dask", file=sys.stderr)
        return True
    return False


def cmd_extract(args) -> int:
    if _dask_only(args):
        return EXIT_USAGE
    if args.engine == "dask":
        from geo.distributed import cli_extract

        return cli_extract(args)
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
        from geo.geonames_download import GEONAMES_DUMPS, download_countries, downloads_dir

        tried = downloads_dir().parent / "download-tried"
        if args.once and tried.exists():
            return EXIT_OK
        if args.once:  # whatever happens next, this was the one try
            tried.parent.mkdir(parents=True, exist_ok=True)
            tried.touch()
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
    from geo.ingest import IngestSummary, ctrl_c_between_documents, ingest_paths, sample_paths

    # "samples" names the sample corpus, unless a file or folder of that name is there.
    paths = [p for name in args.paths
             for p in (sample_paths() if name == "samples" and not os.path.exists(name) else [name])]
    if _dask_only(args):
        return EXIT_USAGE
    if args.engine == "dask":
        from geo.distributed import cli_ingest

        args.paths = paths
        return cli_ingest(args, _store(args))
    summary = IngestSummary()
    try:
        with ctrl_c_between_documents():
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
    from geo.acled import acled_rows
    from geo.store import EventFilter

    filters = EventFilter(start=args.start, end=args.end, actors=tuple(args.actor), event_types=tuple(args.type),
                          sources=tuple(args.source), min_confidence=args.min_confidence, bbox=args.bbox)
    records = _store(args).records(filters)
    if args.format == "geojson":
        records = (r for r in records if r["lat"] is not None)
    write_rows(acled_rows(records) if args.format == "csv" else records, args.format, sys.stdout)
    return EXIT_OK


def cmd_pin(args) -> int:
    if not args.place and not (args.doc and args.start is not None):
        args.parser.error("say what to pin: --place NAME, or --doc ID with --start OFFSET")
    _store(args).pin(name=args.name or args.place or "", lat=args.lat, lon=args.lon, place_as_written=args.place,
                     doc_id=args.doc, start=args.start)
    return EXIT_OK


def cmd_control(args) -> int:
    import json

    from geo import control, territory

    store = _store(args)
    states = control.control_as_of(store, args.as_of)
    if args.format == "csv":
        write_rows(control.csv_rows(states), "csv", sys.stdout)
        if not len(states):
            sys.stdout.write(",".join(control.CSV_COLUMNS) + "\n")
        return EXIT_OK
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                 "properties": {"kind": "settlement", **{k: v for k, v in row.items() if k not in ("lat", "lon")}}}
                for row in control.csv_rows(states)]
    if args.areas:
        features += territory.territory_as_of(store, args.as_of,
                                              args.radius_km or territory.DEFAULT_RADIUS_KM).features()
    json.dump({"type": "FeatureCollection", "features": features}, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return EXIT_OK


def cmd_changes(args) -> int:
    from geo import territory

    if args.to < args.start:
        print("frontmap: --to is before --from", file=sys.stderr)
        return EXIT_USAGE
    result = territory.changes(_store(args), args.start, args.to, args.radius_km or territory.DEFAULT_RADIUS_KM)
    rows = []
    for row in result.settlements.to_dict("records"):
        rows.append({"name": row["name"], "lat": row["lat"], "lon": row["lon"], "country": row["country"],
                     "admin1": row["admin1"], "before": row["holder_before"], "status_before": row["status_before"],
                     "after": row["holder"], "status_after": row["status"], "gained_by": row["gained_by"],
                     "lost_by": row["lost_by"], "km2": round(float(row["area_km2"]), 1),
                     "since": row["since"].isoformat() if row["since"] else "",
                     "report_ids": ";".join(str(i) for i in row["change_report_ids"])})
    if rows:
        write_rows(rows, args.format, sys.stdout)
    sides = sorted(set(result.gained_km2) | set(result.lost_km2))
    for side in sides:
        won = (result.settlements["gained_by"] == side).sum()
        lost = (result.settlements["lost_by"] == side).sum()
        print(f"{side}: gained {won} settlements ({result.gained_km2.get(side, 0):.1f} km²), lost {lost} "
              f"({result.lost_km2.get(side, 0):.1f} km²)", file=sys.stderr)
    if not rows:
        print(f"no change of control between {args.start} and {args.to}", file=sys.stderr)
    return EXIT_OK


def _reference_file(args) -> str:
    """The reference GeoJSON that add and check need (a bad file is a ControlError: one line, exit 2)."""
    from geo.control import read_reference_file

    if not (args.file and args.date and args.holder):
        args.parser.error(f"reference {args.action} needs FILE, --date and --holder")
    return read_reference_file(args.file)


def cmd_reference(args) -> int:
    store = _store(args)
    if args.action == "add":
        geojson = _reference_file(args)
        name = args.name or os.path.basename(args.file)
        reference_id = store.add_reference(holder=args.holder, date=args.date, geojson=geojson, name=name)
        print(f"reference {reference_id}: {name}, held by {args.holder} on {args.date}")
    elif args.action == "list":
        for row in store.references().to_dict("records"):
            print(f"{row['id']}\t{row['date']}\t{row['holder']}\t{row['name']}")
    elif args.action == "remove":
        if not (args.file and args.file.isdigit() and store.remove_reference(int(args.file))):
            print("frontmap: reference remove needs the id of a stored reference (see reference list)",
                  file=sys.stderr)
            return EXIT_SOME_FAILED
    elif args.action == "check":
        return _reference_check(store, args)
    elif args.action == "disagreements":
        from geo import control

        frame = control.model(store).disagreements(args.date)
        rows = [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
                for row in frame.to_dict("records")]
        if rows:
            write_rows(rows, "csv", sys.stdout)
        print(f"{len(rows)} reports contradict the reference layers", file=sys.stderr)
    return EXIT_OK


def _reference_check(store, args) -> int:
    """Compare the picture from the reports alone (no reference as prior) with a reference file."""
    from geo import control, territory

    geojson = _reference_file(args)
    states = control.ControlModel(store.control_events(args.date), None, store.settlements()).as_of(args.date)
    counts, frame = control.compare_with_reference(states, geojson, args.holder)
    write_rows(({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
                for row in frame.to_dict("records")), "csv", sys.stdout)
    areas = territory.compare_areas(territory.territory(states), control.reference_polygons(geojson), args.holder)
    print(f"settlements: {counts['agree']} agree, {counts['disagree']} disagree, {counts['contested']} contested "
          f"(agreement {counts['agreement']:.0%}); {args.holder}'s area from the reports {areas['ours_km2']:,.0f} "
          f"km², the reference's within the reported cells {areas['reference_km2']:,.0f} km², overlap "
          f"{areas['overlap_km2']:,.0f} km² (IoU {areas['iou']:.2f})", file=sys.stderr)
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
        return bench.store_main(args.articles or 1000, args.db)
    if args.map:
        return bench.map_main()
    if args.scale:
        return bench.scale_main(args.articles or 2000)
    return bench.main(args.articles or 1000)


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(prog="python -m geo", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_ArgumentParser)

    def with_engine(command):
        command.add_argument("--engine", choices=("plain", "dask"), default="plain",
                             help="dask: partitions run on a Dask cluster (a local one without --scheduler)")
        command.add_argument("--scheduler", help="with --engine dask: the scheduler's address (tcp://host:8786)")
        command.add_argument("--output", help="with --engine dask: write the events as Parquet, partitioned by "
                                              "date, to this folder or fsspec URL (s3://..., gs://...)")
        return command

    extract = sub.add_parser("extract", help="print one record per place mention in the documents")
    extract.add_argument("paths", nargs="+", help="files or folders (txt, md, html, jsonl, csv); - for stdin; "
                                                   "with --engine dask also Parquet, globs and fsspec URLs")
    extract.add_argument("--published", type=_published_arg, help="publication date for documents without one")
    extract.add_argument("--format", choices=list(WRITERS), default="jsonl")
    extract.add_argument("--workers", type=int, help="with --engine dask and no --scheduler: local worker processes")
    with_engine(extract)
    extract.add_argument("--online", action="store_true",
                         help="look names the gazetteer cannot place up with Nominatim (needs the network; cached)")
    extract.set_defaults(func=cmd_extract)

    gaz = sub.add_parser("gazetteer", help="build the index, download or import GeoNames country dumps, look up a name")
    gaz.add_argument("action", choices=("build", "download", "import", "lookup"))
    gaz.add_argument("files", nargs="*", help="for import: GeoNames dumps (UA.txt ...); for download: country codes "
                                              "(UA RU BY by default; needs the network); for lookup: a name")
    gaz.add_argument("--url", help="for download: where the country dumps are (default: GeoNames' export folder)")
    gaz.add_argument("--once", action="store_true",
                     help="for download: do nothing if a download was tried before (what scripts/start.sh asks)")
    gaz.set_defaults(func=cmd_gazetteer)

    def with_db(command):
        command.add_argument("--db", help="SQLite file or database URL (default: FRONTMAP_DB, else the data folder)")
        return command

    ingest = with_db(sub.add_parser("ingest", help="read documents and store them with their events"))
    ingest.add_argument("paths", nargs="+",
                        help="files or folders (txt, md, html, jsonl, csv); - for stdin; samples for the sample corpus")
    ingest.add_argument("--published", type=_published_arg, help="publication date for documents without one")
    ingest.add_argument("--workers", type=int, help="worker processes (default: up to 2)")
    with_engine(ingest)
    ingest.set_defaults(func=cmd_ingest)

    again = with_db(sub.add_parser("reprocess", help="re-run extraction over the stored documents"))
    again.add_argument("--workers", type=int)
    again.set_defaults(func=cmd_reprocess)

    export = with_db(sub.add_parser("export", help="stored events as ACLED-like CSV, GeoJSON or JSON Lines"))
    export.add_argument("--format", choices=list(WRITERS), default="csv")
    export.add_argument("--start", type=_date_arg)
    export.add_argument("--end", type=_date_arg)
    export.add_argument("--actor", action="append", default=[])
    export.add_argument("--type", action="append", default=[], help="event type (repeatable)")
    export.add_argument("--source", action="append", default=[])
    export.add_argument("--min-confidence", type=float, default=0.0)
    export.add_argument("--bbox", type=_bbox_arg, help="south,west,north,east")
    export.set_defaults(func=cmd_export)

    pin = with_db(sub.add_parser("pin", help="pin a place name, or one mention, to coordinates"))
    pin.add_argument("--place", help="the place as written; the pin applies to every mention of it")
    pin.add_argument("--doc", help="with --start: pin one mention")
    pin.add_argument("--start", type=int)
    pin.add_argument("--name", help="the name to show")
    pin.add_argument("--lat", type=float, required=True)
    pin.add_argument("--lon", type=float, required=True)
    pin.set_defaults(func=cmd_pin, parser=pin)

    control = with_db(sub.add_parser("control", help="who holds each settlement as of a date, from all reports"))
    control.add_argument("--as-of", type=_date_arg, help="the date (default: the latest reports)")
    control.add_argument("--format", choices=("csv", "geojson"), default="csv")
    control.add_argument("--areas", action="store_true",
                         help="with --format geojson: the control polygons per side and the front line")
    control.add_argument("--radius-km", type=float, help="how far a settlement's area reaches at most (6 km)")
    control.set_defaults(func=cmd_control)

    changes = with_db(sub.add_parser("changes", help="settlements and km² gained and lost between two dates"))
    changes.add_argument("--from", dest="start", type=_date_arg, required=True)
    changes.add_argument("--to", type=_date_arg, required=True)
    changes.add_argument("--format", choices=list(WRITERS), default="csv")
    changes.add_argument("--radius-km", type=float, help="how far a settlement's area reaches at most (6 km)")
    changes.set_defaults(func=cmd_changes)

    reference = with_db(sub.add_parser(
        "reference", help="reference control layers (one side's polygons on a date): add, list, remove, "
                          "disagreements"))
    reference.add_argument("action", choices=("add", "list", "remove", "disagreements", "check"))
    reference.add_argument("file", nargs="?", help="for add and check: a GeoJSON file; for remove: the reference's id")
    reference.add_argument("--date", type=_date_arg, help="for add: the date the layer shows; for "
                                                          "disagreements: reports up to this date")
    reference.add_argument("--holder", help="for add: the side whose control the polygons show")
    reference.add_argument("--name", help="for add: a name to show (the file's name by default)")
    reference.set_defaults(func=cmd_reference, parser=reference)

    assets = sub.add_parser("assets", help="put the map's JavaScript, CSS and base layer where the dashboard serves")
    assets.set_defaults(func=cmd_assets)

    evaluate = sub.add_parser("evaluate", help="precision, recall and geocoding error on the labelled set")
    evaluate.add_argument("--gold", help="a labelled set (JSON Lines); the built-in one by default")
    evaluate.set_defaults(func=cmd_evaluate)

    bench = sub.add_parser("bench", help="throughput, gazetteer load time and peak memory")
    bench.add_argument("--articles", type=int, help="generated articles (default 1,000; 2,000 with --scale)")
    bench.add_argument("--store", action="store_true",
                       help="ingest throughput and the dashboard's query times instead (try --articles 10000)")
    bench.add_argument("--db", help="with --store: a database URL (a temporary SQLite file by default)")
    bench.add_argument("--map", action="store_true",
                       help="map build time, HTML size and filter-change time for 1,000 and 10,000 events")
    bench.add_argument("--scale", action="store_true",
                       help="articles/s for the plain process and 1 and 2 Dask workers, and memory per worker")
    bench.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(format="frontmap: %(message)s", level=logging.WARNING)
    try:
        return args.func(args)
    except FrontmapError as exc:
        print(f"frontmap: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK

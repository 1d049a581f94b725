"""The command line: python -m geo extract|gazetteer|evaluate|bench ..."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator

from geo.dates import parse_date
from geo.documents import DocumentError, expand_paths, read_bytes, read_path
from geo.output import FORMATS, write_rows
from geo.records import Document

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def _date_arg(value: str):
    try:
        return parse_date(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _documents(paths: list[str], published, errors: list[str]) -> Iterator[Document]:
    """Every readable document in paths ('-' is standard input); failures are collected, not raised."""
    for path in ["-"] if paths == ["-"] else expand_paths(paths):
        try:
            if str(path) == "-":
                items = read_bytes(sys.stdin.buffer.read(), "<stdin>", published)
            else:
                items = read_path(path, published)
            for item in items:
                if isinstance(item, DocumentError):
                    errors.append(str(item))
                else:
                    yield item
        except DocumentError as exc:
            errors.append(str(exc))
        except OSError as exc:
            errors.append(f"{path}: {exc.strerror or exc}")


def _report(errors: list[str]) -> int:
    for message in errors:
        print(f"frontmap: {message}", file=sys.stderr)
    return EXIT_SOME_FAILED if errors else EXIT_OK


def cmd_extract(args) -> int:
    from geo.pipeline import Geoparser

    parser = Geoparser()
    errors: list[str] = []
    rows = (event.as_row() for doc in _documents(args.paths, args.published, errors) for event in parser.parse(doc))
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
    elif args.action == "lookup":
        from geo.geocoders import GazetteerGeocoder

        found = GazetteerGeocoder().geocode(" ".join(args.files), exactly_one=False) or []
        for location in found:
            raw = location.raw
            print(f"{location.address}\t{location.latitude:.5f},{location.longitude:.5f}\t{raw['feature']}"
                  f"\tpop {raw['population']:,}\tgeonameid {raw['geonameid']}")
        return EXIT_OK if found else EXIT_SOME_FAILED
    return EXIT_OK


def cmd_evaluate(args) -> int:
    from geo.evaluation import main as evaluate

    return evaluate(args.gold)


def cmd_bench(args) -> int:
    from geo.bench import main as bench

    return bench(args.articles)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    extract = sub.add_parser("extract", help="print one record per place mention in the documents")
    extract.add_argument("paths", nargs="+", help="files or folders (txt, md, html, jsonl, csv); - for stdin")
    extract.add_argument("--published", type=_date_arg, help="publication date for documents without one")
    extract.add_argument("--format", choices=FORMATS, default="jsonl")
    extract.set_defaults(func=cmd_extract)

    gaz = sub.add_parser("gazetteer", help="build the index, import GeoNames country dumps, look up a name")
    gaz.add_argument("action", choices=("build", "import", "lookup"))
    gaz.add_argument("files", nargs="*", help="for import: GeoNames dumps (UA.txt ...); for lookup: a name")
    gaz.set_defaults(func=cmd_gazetteer)

    evaluate = sub.add_parser("evaluate", help="precision, recall and geocoding error on the labelled set")
    evaluate.add_argument("--gold", help="a labelled set (JSON Lines); the built-in one by default")
    evaluate.set_defaults(func=cmd_evaluate)

    bench = sub.add_parser("bench", help="throughput, gazetteer load time and peak memory")
    bench.add_argument("--articles", type=int, default=1000)
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

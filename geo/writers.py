"""Writing records (event records, ACLED-like rows) as JSON Lines, CSV or a GeoJSON FeatureCollection.

WRITERS maps a format's name to its writer; a new output format is one more entry."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterable
from typing import TextIO


def _plain(value):
    """JSON for the values records hold: dates as ISO strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=_plain)


def geojson_feature(row: dict) -> dict:
    has_point = row.get("lat") is not None and row.get("lon") is not None
    geometry = {"type": "Point", "coordinates": [row["lon"], row["lat"]]} if has_point else None
    return {"type": "Feature", "geometry": geometry,
            "properties": {k: v for k, v in row.items() if k not in ("lat", "lon")}}


def write_jsonl(rows: Iterable[dict], out: TextIO) -> int:
    count = 0
    for row in rows:
        out.write(json_text(row) + "\n")
        count += 1
    return count


# A spreadsheet runs a cell that begins with one of these as a formula (=HYPERLINK(...) from an article).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A value as a CSV cell a spreadsheet shows as text: text that would start a formula gets a leading
    apostrophe, as OWASP recommends; numbers and dates stay as they are."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(rows: Iterable[dict], out: TextIO) -> int:
    count, writer = 0, None
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row))
            writer.writeheader()
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
        count += 1
    return count


def write_geojson(rows: Iterable[dict], out: TextIO) -> int:
    features = [geojson_feature(row) for row in rows]
    out.write(json_text({"type": "FeatureCollection", "features": features}) + "\n")
    return len(features)


WRITERS: dict[str, Callable[[Iterable[dict], TextIO], int]] = {
    "jsonl": write_jsonl,
    "csv": write_csv,
    "geojson": write_geojson,
}


def write_rows(rows: Iterable[dict], fmt: str, out: TextIO) -> int:
    """Write rows in a format of WRITERS; returns how many were written."""
    try:
        writer = WRITERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(WRITERS)}") from None
    return writer(rows, out)

"""Writing event rows as JSON Lines, CSV or a GeoJSON FeatureCollection."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

FORMATS = ("jsonl", "csv", "geojson")


def geojson_feature(row: dict) -> dict:
    has_point = row.get("lat") is not None and row.get("lon") is not None
    geometry = {"type": "Point", "coordinates": [row["lon"], row["lat"]]} if has_point else None
    return {"type": "Feature", "geometry": geometry,
            "properties": {k: v for k, v in row.items() if k not in ("lat", "lon")}}


def write_rows(rows: Iterable[dict], fmt: str, out: TextIO) -> int:
    count = 0
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    elif fmt == "csv":
        writer = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)
            count += 1
    elif fmt == "geojson":
        features = [geojson_feature(row) for row in rows]
        json.dump({"type": "FeatureCollection", "features": features}, out, ensure_ascii=False)
        out.write("\n")
        count = len(features)
    else:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    return count

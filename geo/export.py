"""Exports of stored events: JSON Lines, GeoJSON, and CSV with ACLED-like columns."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pandas as pd

ACLED_COLUMNS = ("event_date", "event_type", "sub_event_type", "actor1", "actor2", "country", "admin1",
                 "location", "latitude", "longitude", "geo_precision", "source", "notes")
# Our event types in ACLED's vocabulary.
_ACLED_TYPES = {
    "control_change": ("Battles", "Territory changed hands"),
    "frontline": ("Battles", "Armed clash"),
    "strike": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "mention": ("Strategic developments", "Other"),
}
# ACLED's geo_precision: 1 the town itself, 2 near it or a part of a region, 3 a larger area.
_ACLED_PRECISION = {"settlement": 1, "pinned": 1, "district": 2, "region": 3, "country": 3, "continent": 3}


def _clean(value):
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def event_rows(frame: pd.DataFrame) -> Iterator[dict]:
    for record in frame.to_dict("records"):
        yield {key: _clean(value) for key, value in record.items()}


def acled_rows(frame: pd.DataFrame) -> Iterator[dict]:
    for row in event_rows(frame):
        event_type, sub_event = _ACLED_TYPES[row["event_type"]]
        yield {
            "event_date": row["date"] or "", "event_type": event_type, "sub_event_type": sub_event,
            "actor1": row["actor"], "actor2": row["opponent"], "country": row["country"] or "",
            "admin1": row["admin1"] or "", "location": row["name"] or row["surface"],
            "latitude": row["lat"], "longitude": row["lon"],
            "geo_precision": _ACLED_PRECISION.get(row["precision"] or "", ""),
            "source": row["source"], "notes": row["excerpt"],
        }

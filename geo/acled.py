"""Stored events in ACLED's vocabulary: the columns of an ACLED-like CSV, each event type's ACLED type and
sub-event type (from geo.eventtypes), and ACLED's geo_precision codes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from geo.eventtypes import event_type

ACLED_COLUMNS = ("event_date", "event_type", "sub_event_type", "actor1", "actor2", "country", "admin1",
                 "location", "latitude", "longitude", "geo_precision", "source", "notes")
# ACLED's geo_precision: 1 the town itself, 2 near it or a part of a region, 3 a larger area.
_ACLED_PRECISION = {"settlement": 1, "pinned": 1, "district": 2, "region": 3, "country": 3, "continent": 3}


def acled_rows(records: Iterable[dict]) -> Iterator[dict]:
    """Event records (geo.records.EVENT_FIELDS) as rows of ACLED_COLUMNS."""
    for row in records:
        acled_type, sub_event = event_type(row["event_type"]).acled
        values = (row["date"] or "", acled_type, sub_event, row["actor"], row["opponent"], row["country"],
                  row["admin1"], row["name"] or row["place"], row["lat"], row["lon"],
                  _ACLED_PRECISION.get(row["precision"], ""), row["source"], row["excerpt"])
        yield dict(zip(ACLED_COLUMNS, values, strict=True))

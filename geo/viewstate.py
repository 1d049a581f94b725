"""The dashboard's view: filters and the selected place, to and from URL query parameters, so that a
view can be shared as a link."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from geo.eventtypes import EVENT_TYPES
from geo.store import ACTOR_ROLES, EventFilter

PRESETS = {"all": None, "7d": 7, "30d": 30}
# What the date widgets accept; a link's date outside it is ignored.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
MAX_PARAM_CHARS = 200


@dataclass(frozen=True)
class ViewState:
    filter: EventFilter = field(default_factory=EventFilter)
    place: str = ""  # a place key: the selected place, whose excerpts are shown
    search: str = ""  # a place name the map centres on
    online_tiles: bool = False
    as_of: dt.date | None = None  # the control picture's date (the latest reports when None)
    changes_from: dt.date | None = None  # show what changed from this date to as_of

    def to_params(self) -> dict[str, str | list[str]]:
        f = self.filter
        params: dict[str, str | list[str]] = {}
        if f.start:
            params["start"] = f.start.isoformat()
        if f.end:
            params["end"] = f.end.isoformat()
        for key, values in (("actor", f.actors), ("type", f.event_types), ("source", f.sources)):
            if values:
                params[key] = list(values)
        if f.actors and f.actor_role != "involving":
            params["role"] = f.actor_role
        if f.min_confidence:
            params["min_conf"] = f"{f.min_confidence:g}"
        if self.place:
            params["place"] = self.place
        if self.search:
            params["q"] = self.search
        if self.online_tiles:
            params["tiles"] = "online"
        if self.as_of:
            params["asof"] = self.as_of.isoformat()
        if self.changes_from:
            params["changes_from"] = self.changes_from.isoformat()
        return params

    @classmethod
    def from_params(cls, params: Mapping[str, str | list[str]]) -> ViewState:
        """A view from query parameters; values that do not parse, or lie outside what the widgets accept
        (dates before 1900 or after 2999, over-long text), are ignored, not fatal."""
        def one(key: str) -> str:
            value = params.get(key, "")
            value = value[-1] if isinstance(value, list) and value else value if isinstance(value, str) else ""
            return value.strip()[:MAX_PARAM_CHARS]

        def many(key: str) -> tuple[str, ...]:
            value = params.get(key, ())
            values = value if isinstance(value, list) else [value] if isinstance(value, str) else []
            return tuple(dict.fromkeys(v.strip()[:MAX_PARAM_CHARS] for v in values if v and v.strip()))

        def date(key: str) -> dt.date | None:
            try:
                day = dt.date.fromisoformat(one(key)) if one(key) else None
            except ValueError:
                return None
            return day if day is None or EARLIEST <= day <= LATEST else None

        try:
            confidence = float(one("min_conf") or 0)
            confidence = min(1.0, max(0.0, confidence)) if math.isfinite(confidence) else 0.0
        except ValueError:
            confidence = 0.0
        start, end = date("start"), date("end")
        if start and end and start > end:
            start, end = end, start
        actors = many("actor")
        role = one("role") if one("role") in ACTOR_ROLES and actors else "involving"
        return cls(
            filter=EventFilter(start=start, end=end, actors=actors,
                               event_types=tuple(t for t in many("type") if t in EVENT_TYPES),
                               sources=many("source"), min_confidence=confidence, actor_role=role),
            place=one("place"), search=one("q"), online_tiles=one("tiles") == "online", as_of=date("asof"),
            changes_from=date("changes_from"))


def preset_range(preset: str, newest: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """The date range of a preset, counted back from the newest report in the store."""
    days = PRESETS.get(preset)
    if days is None or newest is None:
        return None, None
    return newest - dt.timedelta(days=days - 1), newest

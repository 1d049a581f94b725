"""Typed records passed between the pipeline's steps: document → mention → resolved place → event."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

# Rivers (STM) and named areas (reservoirs, spits, plants, Donbas) are never settlements nor control targets.
PRECISION_BY_FEATURE = {"PCLI": "country", "CONT": "continent", "ADM1": "region", "ADM2": "district",
                        "ADM3": "community", "STM": "river", "RSV": "area", "AREA": "area", "SPIT": "area",
                        "PLANT": "area"}
# The confidence from which a placed mention is trusted (issue 7: at least 95 % of those at or above it are
# right). Under it a place is uncertain: the map marks it so and the Places page lists it for review.
# geo/resolve.py's UNCERTAIN, given to choices the text does not support, stays under it.
CONFIDENT = 0.7


def is_uncertain(confidence) -> bool:
    """Whether a confidence is under CONFIDENT (an unknown one, NaN or None, is uncertain too)."""
    try:
        return not float(confidence) >= CONFIDENT
    except (TypeError, ValueError):
        return True


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    text: str
    title: str = ""
    source: str = ""
    url: str = ""
    published: dt.date | None = None
    path: str = ""


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry."""

    name: str
    latitude: float
    longitude: float
    country: str
    admin1: str
    feature: str
    population: int = 0
    geonameid: int | None = None
    admin1_code: str = ""
    # Where the place comes from: "" for the offline gazetteer, else the online geocoder's name (Nominatim).
    source: str = ""

    @property
    def precision(self) -> str:
        return PRECISION_BY_FEATURE.get(self.feature, "settlement")


# Mention.scale of a name that is a first-level region and a city, read as the region from its company.
BARE_REGION = "bare region"


@dataclass(frozen=True, slots=True)
class NearPlace:
    """Where a text puts a place from another one: "near Kupiansk", "8 km south-east of Toretsk"."""

    name: str
    km: float = 0.0  # the distance the text gives; 0.0 for "near", "outside"
    bearing: float | None = None  # the direction the text gives, in degrees from north ("south-east of": 135.0)


@dataclass(frozen=True, slots=True)
class Mention:
    """A place named in a document, as written, with character offsets into the document's text."""

    surface: str
    start: int
    end: int
    sentence: int
    # The name looked up in the gazetteer ("Kursk" for "Kursk region").
    lookup: str
    # "region" when the text says "X region/oblast", "district" for "X district", BARE_REGION when the text names
    # a first-level region bare but its company tells it is the region ("California or Washington"), else "".
    scale: str = ""
    # The phrase that tells us this is a place ("village of"), when the gazetteer alone would not.
    cue: str = ""
    # The name of the region the text puts this place in ("A and B in the Kursk region": "Kursk"), or of the place
    # it puts a district in ("the Dniprovskyi district of Kherson": "Kherson"), if any.
    within: str = ""
    # The place the text puts this one near ("Kamianka near Kupiansk", "8 km south-east of Toretsk"), if any.
    near: NearPlace | None = None
    # Whether the name is a front's axis ("the Kupiansk direction"): where places lie, not where things happen.
    axis: bool = False
    # The region the sentence opens on ("In Russia's Kursk region, ..."), for the places after it: likely in it.
    scene: str = ""


@dataclass(frozen=True, slots=True)
class ResolvedMention:
    mention: Mention
    place: Place | None
    confidence: float
    candidates: int = 0


@dataclass(frozen=True, slots=True)
class Event:
    """What a sentence says happened at one resolved mention."""

    document: Document
    resolved: ResolvedMention
    event_type: str  # control_change | frontline | strike | mention
    excerpt: str
    date: dt.date | None
    actor: str = ""
    opponent: str = ""
    status: str = ""
    claimed_by: str = ""
    settlements_count: int | None = None
    actors_mentioned: tuple[str, ...] = field(default_factory=tuple)
    confidence: float = 0.0
    cue: str = ""  # the words that decided the event ("withdrew from", "came under")

    def as_row(self) -> dict:
        """The event as a record of EVENT_FIELDS: what extract prints, the store keeps and export writes."""
        m, p, d = self.resolved.mention, self.resolved.place, self.document
        return {
            "doc": d.id,
            "title": d.title,
            "source": d.source,
            "url": d.url,
            "published": d.published,
            "place": m.surface,
            "name": p.name if p else "",
            "start": m.start,
            "end": m.end,
            "lat": round(p.latitude, 5) if p else None,
            "lon": round(p.longitude, 5) if p else None,
            "country": p.country if p else "",
            "admin1": p.admin1 if p else "",
            "feature": p.feature if p else "",
            "geonameid": p.geonameid if p else None,
            "precision": p.precision if p else "",
            "geocoder": (p.source or "gazetteer") if p else "",
            "event_type": self.event_type,
            "actor": self.actor,
            "opponent": self.opponent,
            "status": self.status,
            "claimed_by": self.claimed_by,
            "settlements_count": self.settlements_count,
            "actors": ";".join(self.actors_mentioned),
            "date": self.date,
            "excerpt": self.excerpt,
            "confidence": round(self.confidence, 3),
            "cue": self.cue,
            "place_confidence": round(self.resolved.confidence, 3) if p else None,
        }


# One schema for an event record, shared by extract, the store and export: field → type. Optional fields
# (None when unknown) are the numbers and dates; text fields are "" when unknown.
EVENT_FIELDS: dict[str, type] = {
    "doc": str, "title": str, "source": str, "url": str, "published": dt.date,
    "place": str, "name": str, "start": int, "end": int, "lat": float, "lon": float, "country": str,
    "admin1": str, "feature": str, "geonameid": int, "precision": str, "geocoder": str,
    "event_type": str, "actor": str, "opponent": str, "status": str, "claimed_by": str,
    "settlements_count": int, "actors": str, "date": dt.date, "excerpt": str, "confidence": float, "cue": str,
    # How sure the place is (the resolver's confidence; 1 for a pin), apart from how sure the event's reading is:
    # `confidence` is both together. CONFIDENT applies to it. None when unplaced (or stored before it was kept).
    "place_confidence": float,
}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("NaT", "nan")


def event_record(values: Mapping) -> dict:
    """A record of EVENT_FIELDS, in order and with the schema's types, from any mapping that holds them
    (a row the store returns, where pandas may have made an int a float or a date a Timestamp)."""
    record = {}
    for name, kind in EVENT_FIELDS.items():
        value = values.get(name)
        if _missing(value):
            record[name] = "" if kind is str else None
        elif kind is dt.date:
            record[name] = value if type(value) is dt.date else (
                value.date() if isinstance(value, dt.datetime) else dt.date.fromisoformat(str(value)[:10]))
        else:
            record[name] = kind(value.item() if hasattr(value, "item") else value)
    return record


def place_as_dict(place: Place) -> dict:
    return asdict(place) | {"precision": place.precision}

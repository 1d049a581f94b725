"""Geocoders with geopy's interface: the offline gazetteer, and online services behind a rate limiter
and a persistent cache, so that one can stand in for the other."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geo.config import data_dir
from geo.gazetteer import Gazetteer, default_gazetteer
from geo.records import Mention, Place, place_as_dict
from geo.resolve import PlaceResolver
from geo.toponyms import SCALE_WORDS


def _as_location(place: Place) -> Location:
    address = ", ".join(part for part in (place.name, place.admin1, place.country) if part)
    return Location(address, (place.latitude, place.longitude), place_as_dict(place))


def query_mention(query: str) -> Mention:
    """A free-text query as a mention: "Kursk region" is the region, "Kursk" the city."""
    words = query.strip().split()
    scale = SCALE_WORDS.get(words[-1].lower(), "") if len(words) > 1 else ""
    lookup = " ".join(words[:-1]) if scale else query.strip()
    return Mention(surface=query, start=0, end=len(query), sentence=0, lookup=lookup, scale=scale)


class GazetteerGeocoder(Geocoder):
    """The offline gazetteer as a geopy geocoder."""

    def __init__(self, gazetteer: Gazetteer | None = None, resolver: PlaceResolver | None = None):
        super().__init__()
        self.gazetteer = gazetteer or default_gazetteer()
        self.resolver = resolver or PlaceResolver(self.gazetteer)

    def geocode(self, query: str, *, exactly_one: bool = True, timeout=None, country_codes=None,
                limit: int = 10):
        """Places named query, best first; country_codes (ISO 3166-1 alpha-2) narrows them."""
        mention = query_mention(str(query))
        places = self.resolver.candidates(mention)
        if country_codes:
            wanted = {c.upper() for c in ([country_codes] if isinstance(country_codes, str) else country_codes)}
            places = [p for p in places if p.country in wanted]
        if not places:
            return None
        ranked = self.resolver.rank(places)
        if exactly_one:
            return _as_location(ranked[0])
        return [_as_location(p) for p in ranked[:limit]]

    def reverse(self, query, *, exactly_one=True, timeout=None):
        raise NotImplementedError("the offline gazetteer does not reverse-geocode")


class CachedGeocoder(Geocoder):
    """An online geopy geocoder, rate-limited, with answers kept in a SQLite file so that a name is
    asked for once (and the service's usage policy respected)."""

    def __init__(self, geocoder: Geocoder, cache_path: Path | None = None, min_delay_seconds: float = 1.0):
        super().__init__()
        self.geocoder = geocoder
        self._limited = RateLimiter(geocoder.geocode, min_delay_seconds=min_delay_seconds, max_retries=2,
                                    swallow_exceptions=False)
        path = cache_path or data_dir() / "geocoder-cache.sqlite"
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS answers (service TEXT, query TEXT, answer TEXT,"
                         " PRIMARY KEY (service, query))")
        self._lock = threading.Lock()

    def geocode(self, query: str, *, exactly_one: bool = True, timeout=None, **kwargs):
        service = type(self.geocoder).__name__
        key = json.dumps([str(query), exactly_one, sorted(kwargs.items())], default=str)
        with self._lock:
            row = self._db.execute("SELECT answer FROM answers WHERE service=? AND query=?",
                                   (service, key)).fetchone()
        if row is not None:
            return _decode(json.loads(row[0]), exactly_one)
        answer = self._limited(query, exactly_one=exactly_one, **kwargs)
        items = [] if answer is None else [answer] if exactly_one else list(answer)
        stored = [{"address": a.address, "point": [a.latitude, a.longitude], "raw": a.raw} for a in items]
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?)",
                             (service, key, json.dumps(stored, default=str)))
        return answer


def _decode(stored: list[dict], exactly_one: bool):
    locations = [Location(s["address"], tuple(s["point"]), s["raw"]) for s in stored]
    if not locations:
        return None
    return locations[0] if exactly_one else locations


def online_geocoder(service: str = "nominatim", user_agent: str = "frontmap", **options) -> CachedGeocoder:
    """An online geopy backend by name (nominatim, photon, ...), cached and rate-limited."""
    from geopy.geocoders import get_geocoder_for_service

    backend = get_geocoder_for_service(service)(user_agent=user_agent, **options)
    return CachedGeocoder(backend)


class OnlineFallback:
    """Places for the names the gazetteer cannot place but the text calls places ("the village of X"), from an
    online geopy geocoder (a CachedGeocoder: rate-limited, each name asked once), restricted to the region the
    text names ("X, Kursk Oblast, RU") or else to the theatre's countries. Answers are marked with their source
    and kept uncertain (confidence 0.6): they are listed for review, not trusted like the gazetteer."""

    CONFIDENCE = 0.6

    def __init__(self, geocoder: Geocoder, countries: tuple[str, ...] = ("UA", "RU", "BY"), source: str = ""):
        self.geocoder = geocoder
        self.countries = countries
        inner = getattr(geocoder, "geocoder", geocoder)
        self.source = source or type(inner).__name__

    def place(self, name: str, regions: list[Place]) -> Place | None:
        region = regions[0] if len(regions) == 1 else None
        if region is not None:
            query, codes = f"{name}, {region.name}", [region.country]
        else:
            query, codes = name, list(self.countries)
        try:
            found = self.geocoder.geocode(query, exactly_one=True, country_codes=codes)
        except Exception:  # noqa: BLE001 (a service down or offline leaves the name unplaced)
            return None
        if found is None:
            return None
        country = region.country if region is not None else (codes[0] if len(codes) == 1 else "")
        return Place(name=name, latitude=found.latitude, longitude=found.longitude, country=country,
                     admin1=region.name if region is not None else "", feature="PPL", source=self.source)

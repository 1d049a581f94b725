"""The gazetteer settlement nearest a point: what gives a place pinned to bare coordinates its region and
country."""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

from geo.gazetteer import Gazetteer
from geo.records import Place
from geo.theatre import Theatre


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def nearest_settlement(gazetteer: Gazetteer, lat: float, lon: float, countries: tuple[str, ...],
                       within_km: float = 30.0) -> Place | None:
    """The nearest populated place of these countries within within_km, or None (then the point's region and
    country are not guessed)."""
    best, best_km = None, within_km
    for code in countries:
        for place in gazetteer.lookup_country(code):
            if abs(place.latitude - lat) > 0.5 or abs(place.longitude - lon) > 0.8:
                continue
            km = distance_km(lat, lon, place.latitude, place.longitude)
            if km <= best_km:
                best, best_km = place, km
    return best


@cache
def _outlines(path: str) -> tuple[tuple[str, object], ...]:
    """(Natural Earth name, shape) of every country outline in the base layer's GeoJSON."""
    import shapely
    from shapely.geometry import shape

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    found = []
    for feature in data.get("features", []):
        geometry = shapely.make_valid(shape(feature["geometry"]))
        shapely.prepare(geometry)
        found.append((feature.get("properties", {}).get("name", ""), geometry))
    return tuple(found)


def country_at(lat: float, lon: float, theatre: Theatre) -> str | None:
    """The theatre country (code) whose outline holds the point, or None (outside them, or no outlines
    installed): a point by a border takes its region from its own side of the border."""
    from shapely.geometry import Point

    from geo import assets

    codes = {name: code for code, name in theatre.outlined_countries.items()}
    point = Point(lon, lat)
    for name, geometry in _outlines(str(assets.VENDOR / assets.COUNTRIES)):
        if name in codes and geometry.contains(point):
            return codes[name]
    return None

"""The gazetteer settlement nearest a point: what gives a place pinned to bare coordinates its region and
country."""

from __future__ import annotations

import math

from geo.gazetteer import Gazetteer
from geo.records import Place


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

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geo.geocoders import CachedGeocoder, GazetteerGeocoder


def test_the_gazetteer_is_a_geopy_geocoder(gazetteer):
    geocoder = GazetteerGeocoder(gazetteer)
    assert isinstance(geocoder, Geocoder)
    kyiv = geocoder.geocode("Kiev")
    assert isinstance(kyiv, Location) and kyiv.raw["country"] == "UA" and kyiv.raw["precision"] == "settlement"
    assert abs(kyiv.latitude - 50.45) < 0.1
    many = geocoder.geocode("Nikolaevka", exactly_one=False)
    assert len(many) > 5 and all(isinstance(loc, Location) for loc in many)
    assert geocoder.geocode("Kursk region").raw["precision"] == "region"
    assert geocoder.geocode("Paris", country_codes="us").raw["country"] == "US"
    assert geocoder.geocode("Zzyzxivka") is None


class CountingGeocoder(Geocoder):
    """Stands in for an online service: counts the questions it is asked."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def geocode(self, query, *, exactly_one=True, timeout=None):
        self.calls += 1
        return Location(f"{query}, somewhere", (1.5, 2.5), {"q": query}) if query != "nowhere" else None


def test_online_geocoders_are_cached_across_instances(tmp_path):
    service = CountingGeocoder()
    first = CachedGeocoder(service, tmp_path / "cache.sqlite", min_delay_seconds=0)
    assert first.geocode("Sudzha").point[:2] == (1.5, 2.5)
    assert first.geocode("nowhere") is None
    again = CachedGeocoder(service, tmp_path / "cache.sqlite", min_delay_seconds=0)
    assert again.geocode("Sudzha").address == "Sudzha, somewhere" and again.geocode("nowhere") is None
    assert service.calls == 2

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


class RecordingGeocoder(Geocoder):
    """Stands in for Nominatim: knows one village, records what it is asked."""

    def __init__(self):
        super().__init__()
        self.asked = []

    def geocode(self, query, *, exactly_one=True, timeout=None, country_codes=None):
        self.asked.append((query, tuple(country_codes or ())))
        return Location("Zzyzxivka, Kursk Oblast, Russia", (51.25, 35.18), {}) if query.startswith("Zzyzxivka") \
            else None


def test_with_online_lookups_a_name_the_gazetteer_cannot_place_is_asked_within_the_region_the_text_names(
        gazetteer, lexicon, tmp_path):
    from geo.documents import make_document
    from geo.geocoders import OnlineFallback
    from geo.pipeline import Geoparser

    service = RecordingGeocoder()
    online = OnlineFallback(CachedGeocoder(service, tmp_path / "cache.sqlite", min_delay_seconds=0))
    parser = Geoparser(gazetteer, lexicon, online=online)
    text = "Russian troops retook the village of Zzyzxivka in the Kursk region, and shelled Sudzha."
    rows = {e.as_row()["place"]: e.as_row() for e in parser.parse(make_document(text))}
    village = rows["Zzyzxivka"]
    assert (village["lat"], village["lon"], village["country"]) == (51.25, 35.18, "RU")
    assert village["geocoder"] == "RecordingGeocoder" and rows["Sudzha"]["geocoder"] == "gazetteer"
    assert village["confidence"] < 0.7  # an online answer is listed for review
    assert service.asked == [("Zzyzxivka, Kursk", ("RU",))]  # only the unplaced name, within its region
    parser.parse(make_document(text))
    assert len(service.asked) == 1  # the cache answers the second time


def test_without_online_lookups_nothing_is_asked_and_the_name_stays_unplaced(parse):
    [row] = [r for r in parse("Troops retook the village of Zzyzxivka.") if r["place"] == "Zzyzxivka"]
    assert row["lat"] is None and row["geocoder"] == ""

import pytest

from geo.gazetteer import Gazetteer, GazetteerError, build_index, import_geonames_dump
from geo.resolve import haversine_km


def test_transliterations_and_cyrillic_name_the_same_place(gazetteer):
    ids = {name: {p.geonameid for p in gazetteer.lookup(name) if p.country == "RU"} for name in
           ("Sudzha", "Sudja", "Suja", "Суджа", "sudzha")}
    assert all(486816 in found for found in ids.values()), ids


@pytest.mark.parametrize(("variants", "geonameid"), [
    (("Kyiv", "Kiev", "Київ", "Киев"), 703448),
    (("Kharkiv", "Kharkov", "Харків", "Харьков"), 706483),
    (("Pokrovsk", "Покровськ"), 704422),
    (("Vovchansk", "Volchansk", "Вовчанськ"), 689304),
    (("Yunakivka", "Yunakovka", "Юнаківка"), 688077),
])
def test_spellings_of_ukrainian_cities_find_the_same_entry(gazetteer, variants, geonameid):
    for name in variants:
        assert geonameid in {p.geonameid for p in gazetteer.lookup(name)}, name


def test_places_carry_coordinates_country_region_feature_and_precision(gazetteer):
    [sudzha] = [p for p in gazetteer.lookup("Sudzha") if p.country == "RU"]
    real = type(sudzha)("Sudzha", 51.1917, 35.2714, "RU", "", "PPL")
    assert haversine_km(sudzha, real) < 5
    assert (sudzha.admin1, sudzha.feature, sudzha.precision) == ("Kursk", "PPL", "settlement")


def test_regions_countries_and_continents_are_in_the_gazetteer(gazetteer):
    kursk = {p.feature: p for p in gazetteer.lookup("Kursk") if p.country == "RU"}
    assert kursk["ADM1"].precision == "region" and kursk["PPL"].population > 400_000
    assert [p.precision for p in gazetteer.lookup("Saudi Arabia")] == ["country"]
    assert "country" in {p.precision for p in gazetteer.lookup("Canada")}
    assert [p.feature for p in gazetteer.lookup("Europe")] == ["CONT"]
    assert gazetteer.region_of(kursk["PPL"]).name == "Kursk"


def test_geonames_country_dump_adds_villages_to_the_index(tmp_path, monkeypatch):
    """A small file in GeoNames' documented XX.txt format; the villages it adds are found by name
    and by alternate name, the admin area gets its real GeoNames id, the country takes the dump's point (not its
    alternate names), other feature classes are skipped."""
    monkeypatch.setenv("FRONTMAP_DATA", str(tmp_path))
    rows = [
        ["9900001", "Sverdlikovo", "Sverdlikovo", "Sverdlikovo,Свердликово", "51.2550", "35.1770", "P", "PPL",
         "RU", "", "41", "", "", "", "350", "", "180", "Europe/Moscow", "2024-01-01"],
        ["9900002", "Malaya Loknya", "Malaya Loknya", "Malaya Loknya,Малая Локня", "51.2310", "35.1880", "P",
         "PPL", "RU", "", "41", "", "", "", "0", "", "190", "Europe/Moscow", "2024-01-01"],
        ["9900003", "Kursk Oblast", "Kursk Oblast", "Kurskaya Oblast',Курская область", "51.5", "36.0", "A",
         "ADM1", "RU", "", "41", "", "", "", "1000000", "", "200", "Europe/Moscow", "2024-01-01"],
        ["9900004", "Seym River", "Seym River", "", "51.3", "35.3", "H", "STM", "RU", "", "41", "", "", "",
         "0", "", "150", "Europe/Moscow", "2024-01-01"],
        ["2017370", "Russia", "Russia", "Rossiyskaya Federatsiya,RU,KU", "61.5", "98.5", "A", "PCLI", "RU", "",
         "00", "", "", "", "140000000", "", "300", "", "2024-01-01"],
    ]
    dump = tmp_path / "RU.txt"
    dump.write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    assert import_geonames_dump(dump) == 4
    gazetteer = Gazetteer.load(build_index())
    [russia] = [p for p in gazetteer.lookup("Russia") if p.feature == "PCLI"]
    assert (russia.latitude, russia.longitude) == (61.5, 98.5)
    assert not gazetteer.lookup("Rossiyskaya Federatsiya")
    assert not gazetteer.lookup("KU")  # a country's short forms are indexed: the dump's codes are not among them
    [village] = gazetteer.lookup("Malaya Loknya")
    assert (village.geonameid, village.admin1) == (9900002, "Kursk Oblast")
    # Свердликове in Kirovohrad oblast is spelled the same in Russian: the Kursk village is told apart by country.
    assert [p.geonameid for p in gazetteer.lookup("Свердликово") if p.country == "RU"] == [9900001]
    assert [p.feature for p in gazetteer.lookup("Seym River")] == ["STM"]  # ours; the dump's river is skipped
    assert 9900003 in {p.geonameid for p in gazetteer.lookup("Kurskaya Oblast'")}


def test_a_file_that_is_not_a_geonames_dump_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTMAP_DATA", str(tmp_path))
    bad = tmp_path / "UA.txt"
    bad.write_text("name,lat,lon\nKyiv,50,30\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="expected 19 tab-separated columns"):
        import_geonames_dump(bad)


def test_equally_near_misses_are_listed_in_the_order_the_index_was_built_in(gazetteer):
    found = gazetteer.near_misses("Sinkivka")
    assert "synkivka" in found
    first_places = [min(gazetteer.ids(key)) for key in found]
    assert first_places == sorted(first_places)


def test_near_misses_are_the_same_whether_the_index_is_read_lazily_or_into_dicts(gazetteer):
    from geo import indexfile
    from geo.gazetteer import Gazetteer, index_path

    plain = Gazetteer(indexfile.read(index_path()))
    for name in ("Sinkivka", "Dalne", "Klishchiivk", "Ocheretin"):
        assert gazetteer.near_misses(name) == plain.near_misses(name)
    assert gazetteer._fuzzy_keys == plain._fuzzy_keys


def test_a_settlement_is_not_merged_into_a_place_that_lists_its_name_as_an_alternate(gazetteer):
    # GeoNames lists "Malynivka" among the names of a Novoselivka 10 km away; the village of Malynivka (Polohy raion)
    # is a settlement of its own, where the official table puts it.
    malynivkas = [(round(p.latitude, 2), round(p.longitude, 2)) for p in gazetteer.lookup("Malynivka")
                  if p.name == "Malynivka" and p.admin1 == "Zaporizhzhia"]
    assert (47.68, 36.48) in malynivkas
    assert any(p.name == "Novoselivka" and p.admin1 == "Zaporizhzhia" for p in gazetteer.lookup("Novoselivka"))

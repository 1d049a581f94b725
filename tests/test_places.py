"""Places you can trust (issue 7): village-level Ukraine, regions as regions, no confident wrong markers."""

import json

import pytest

from geo.records import Place
from geo.resolve import haversine_km
from geo.ukraine import load_units, russian_spellings
from geo.writers import json_text


def point(lat, lon):
    return Place("", lat, lon, "", "", "")


def placed(parse, text, surface):
    rows = [r for r in parse(text) if r["place"] == surface]
    assert rows, f"{surface!r} not found in {text!r}"
    return rows[0]


# Coordinates from the shared UA settlement table (OCHA) and GeoNames.
ROBOTYNE = point(47.44656, 35.83387)
KORENEVO_KURSK = point(51.41065, 34.90008)
KURAKHOVE = point(47.98449, 37.28126)


def test_every_settlement_of_ukraine_ships_with_its_hromada_raion_and_oblast():
    units = load_units()
    levels = [u.level for u in units]
    assert (levels.count("settlement"), levels.count("hromada"), levels.count("raion"), levels.count("oblast")) == (
        29704, 1769, 139, 27)
    [robotyne] = [u for u in units if u.name == "Robotyne"]
    by_code = {u.code: u for u in units}
    assert by_code[robotyne.hromada_code].name == "Tokmak"
    assert by_code[robotyne.raion_code].name == "Polohy"
    assert by_code[robotyne.oblast_code].name == "Zaporizhzhia"


@pytest.mark.parametrize(("ukrainian", "russian"), [
    ("Красногорівка", "Красногоровка"), ("Курахове", "Курахово"), ("Синьківка", "Синьковка"),
    ("Куп'янськ", "Купянск"), ("Вугледар", "Угледар"), ("Часів Яр", "Часов Яр"), ("Кринки", "Крынки"),
    ("Степове", "Степовое"),
])
def test_the_russian_spelling_is_derived_from_the_ukrainian_name(ukrainian, russian):
    assert russian in russian_spellings(ukrainian)


def test_a_village_missing_from_cities500_is_found_and_placed_within_2_km(parse):
    row = placed(parse, "Ukrainian troops raised the flag over Robotyne, south of Orikhiv.", "Robotyne")
    assert row["country"] == "UA" and row["precision"] == "settlement"
    assert haversine_km(point(row["lat"], row["lon"]), ROBOTYNE) < 2


def test_russian_spellings_of_ukrainian_villages_find_them(parse):
    rows = {r["place"]: r for r in parse("Moscow claimed Krasnogorovka and said its troops neared Kurakhovo.")}
    assert rows["Krasnogorovka"]["admin1"] == "Donetsk"
    assert haversine_km(point(rows["Kurakhovo"]["lat"], rows["Kurakhovo"]["lon"]), KURAKHOVE) < 2


def test_a_kursk_village_in_russian_romanisation_goes_to_kursk_oblast_not_its_ukrainian_namesake(parse, gazetteer):
    # Koreneve in Sumy oblast is Korenevo in Russian spelling too.
    assert {p.country for p in gazetteer.lookup("Korenevo")} >= {"RU", "UA"}
    row = placed(parse, "Russia said its troops had recaptured Korenevo in the Kursk region.", "Korenevo")
    assert (row["country"], row["admin1"]) == ("RU", "Kursk")
    assert haversine_km(point(row["lat"], row["lon"]), KORENEVO_KURSK) < 2


def test_a_region_named_in_the_text_rules_out_namesakes_elsewhere(parse):
    """There are two dozen Stepoves in Ukraine; "in the Zaporizhzhia region" leaves those of that oblast."""
    row = placed(parse, "Fighting went on near Stepove in the Zaporizhzhia region.", "Stepove")
    assert row["admin1"] == "Zaporizhzhia"


def test_donetsk_region_is_the_region_and_donetsk_the_city(parse):
    rows = {r["place"]: r for r in parse("Shelling hit Donetsk. Fighting goes on across the Donetsk region.")}
    assert (rows["Donetsk region"]["precision"], rows["Donetsk region"]["feature"]) == ("region", "ADM1")
    assert rows["Donetsk"]["precision"] == "settlement"


def test_raions_and_hromadas_are_districts_and_communities(parse):
    rows = {r["place"]: r for r in parse("Russian troops attacked across the Pokrovsk district. "
                                         "The Bilopillia community asked families to leave.")}
    assert rows["Pokrovsk district"]["precision"] == "district" and rows["Pokrovsk district"]["country"] == "UA"
    assert rows["Bilopillia community"]["precision"] == "community"
    assert rows["Bilopillia community"]["admin1"] == "Sumy"


def test_a_bare_state_or_country_name_is_the_state_or_country(parse):
    rows = {r["place"]: r for r in parse("Lawmakers from Texas and Missouri met envoys from Canada.")}
    assert (rows["Texas"]["country"], rows["Texas"]["precision"]) == ("US", "region")
    assert (rows["Missouri"]["country"], rows["Missouri"]["precision"]) == ("US", "region")
    assert (rows["Canada"]["country"], rows["Canada"]["precision"]) == ("CA", "country")


def test_regions_sit_inside_themselves_not_at_a_population_weighted_point(gazetteer):
    [canada] = [p for p in gazetteer.lookup("Canada") if p.feature == "PCLI"]
    assert canada.latitude > 49  # north of the US border, not in Michigan
    [texas] = [p for p in gazetteer.lookup("Texas") if p.feature == "ADM1"]
    assert 26 < texas.latitude < 36 and -106 < texas.longitude < -94


def test_a_surname_or_an_outlet_is_not_a_place(parse):
    rows = parse("Sullivan told reporters that Forbes and Ukrainska Pravda had it wrong; Kirby said so too.")
    assert [r["place"] for r in rows] == []


def test_rivers_reservoirs_and_named_areas_are_places_but_not_settlements(parse):
    text = ("Marines held a foothold on the left bank of the Dnipro River. Russian units advanced along the "
            "Kurakhove reservoir, and the Kinburn Spit and the Zaporizhzhia Nuclear Power Plant were shelled.")
    rows = {r["place"]: r for r in parse(text)}
    assert rows["Dnipro River"]["precision"] == "river"
    assert rows["Kurakhove reservoir"]["precision"] == "area"
    assert rows["Kinburn Spit"]["precision"] == "area"
    assert rows["Zaporizhzhia Nuclear Power Plant"]["precision"] == "area"
    assert all(r["event_type"] != "control_change" for r in rows.values())


def test_two_word_slavic_names_are_one_name_even_if_each_word_is_a_place_elsewhere(parse):
    rows = parse("Russian troops took positions near Malaya Loknya, the ministry said.")
    assert [r["place"] for r in rows] == ["Malaya Loknya"]
    assert rows[0]["lat"] is None  # not in the offline gazetteer: unplaced, not a marker in Pskov oblast


def test_a_small_namesake_far_from_everything_else_the_text_names_is_left_unplaced(parse):
    """Sverdlikovo is a Kursk village not in the offline gazetteer; its namesake 900 km away in Kirovohrad
    oblast is no marker for it."""
    rows = {r["place"]: r for r in parse("Russian forces retook Sverdlikovo and Sudzha, near Kursk and Belgorod.")}
    assert rows["Sverdlikovo"]["lat"] is None or rows["Sverdlikovo"]["country"] == "RU"


def test_the_seed_article_puts_canada_in_canada_and_the_kursk_region_as_a_region(seed_article):
    from geo.documents import iter_documents
    from geo.pipeline import Geoparser

    parser = Geoparser()
    rows = [e.as_row() for doc in iter_documents([str(seed_article)], None, []) for e in parser.parse(doc)]
    by_place = {}
    for r in rows:
        by_place.setdefault(r["place"], []).append(r)
    [canada] = by_place["Canada"]
    assert (canada["country"], canada["precision"]) == ("CA", "country")
    [region] = by_place["Kursk region"]
    assert (region["country"], region["precision"]) == ("RU", "region")
    placed_rows = [r for r in rows if r["lat"] is not None]
    assert {r["country"] for r in placed_rows} <= {"RU", "UA", "FR", "CA", "SA"}
    json.loads(json_text(rows))  # every field serialises


def test_a_near_miss_spelling_of_a_village_the_text_calls_a_place_is_found_but_marked_uncertain(parse):
    """A typo one letter off Novoprokopivka."""
    row = placed(parse, "Ukrainian troops advanced towards the village of Novoprokipivka near Robotyne.",
                 "Novoprokipivka")
    assert row["country"] == "UA" and row["admin1"] == "Zaporizhzhia"
    assert row["confidence"] < 0.7


def test_confidence_is_below_0_7_for_a_lone_name_with_big_namesakes_elsewhere(parse):
    [row] = parse("The council met in London on Tuesday.")
    assert row["confidence"] < 0.7
    rows = {r["place"]: r for r in parse("Drones struck Kharkiv and Sumy overnight.")}
    assert rows["Kharkiv"]["confidence"] >= 0.7


def test_a_surname_used_alone_after_the_full_name_is_the_person_not_a_place(parse):
    rows = parse("Mohamed Salah scored twice on Sunday. Afterwards Salah thanked the fans in Kharkiv.")
    assert [r["place"] for r in rows] == ["Kharkiv"]


def test_villages_listed_in_a_named_region_are_not_placed_at_namesakes_outside_it(parse):
    """Lebedevka (Kursk oblast) is not in the offline gazetteer; Lebedivka in Kharkiv oblast is not it."""
    rows = {r["place"]: r for r in parse("Russian forces retook Lebedevka and Sudzha in the Kursk region.")}
    assert rows["Lebedevka"]["lat"] is None
    assert (rows["Sudzha"]["country"], rows["Sudzha"]["admin1"]) == ("RU", "Kursk")


def test_moscow_in_a_story_about_ukraine_is_trusted(parse):
    rows = {r["place"]: r for r in parse("Drones struck Kharkiv, Sumy and Dnipro overnight; Moscow denied it.")}
    assert rows["Moscow"]["country"] == "RU" and rows["Moscow"]["confidence"] >= 0.7


def test_the_x_direction_checkpoint_and_area_are_the_place(parse):
    rows = {r["place"]: r for r in parse("Ukrainian commanders said the Toretsk direction had calmed, the Sudzha "
                                         "checkpoint was shelled and the Kupiansk area saw heavy fighting.")}
    assert set(rows) == {"Toretsk", "Sudzha", "Kupiansk area"}
    assert rows["Kupiansk area"]["name"] == "Kupiansk" and rows["Toretsk"]["country"] == "UA"

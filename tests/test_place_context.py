"""Namesakes told apart by what the text says around them: "near Kupiansk", "10 km east of Siversk", a region
with several namesakes in it, and a name the gazetteer knows only far away while another spelling of it lies in
the region the text names."""

from geo.records import NearPlace
from geo.resolve import haversine_km
from geo.sentences import sentence_spans
from geo.toponyms import ToponymRecognizer


def placed(rows, name):
    [row] = [r for r in rows if r["place"] == name][:1]
    return row


def km(row, place):
    return haversine_km(type("P", (), {"latitude": row["lat"], "longitude": row["lon"]}), place)


def town(gazetteer, name):
    return max((p for p in gazetteer.lookup(name) if p.country == "UA"), key=lambda p: p.population)


def test_a_list_of_places_before_near_a_town_is_put_near_it_with_the_distance_given(gazetteer, lexicon):
    text = "Russian troops entered Zelene and Stepove, 8 km south-east of Toretsk, on Monday."
    found = ToponymRecognizer(gazetteer, lexicon).find(text, sentence_spans(text))
    near = {m.surface: m.near for m in found}
    assert near["Zelene"] == near["Stepove"] == NearPlace("Toretsk", 8.0, 135.0)
    assert near["Toretsk"] is None


def test_a_village_near_a_named_town_is_its_namesake_near_that_town(parse, gazetteer):
    rows = parse("Ukrainian forces retook the village of Kamianka near Kupiansk in the Kharkiv region.")
    kamianka = placed(rows, "Kamianka")
    assert km(kamianka, town(gazetteer, "Kupiansk")) < 60
    assert kamianka["place_confidence"] >= 0.9  # the only Kamianka there


def test_a_distance_and_bearing_from_a_town_put_the_place_within_that_distance(parse, gazetteer):
    rows = parse("Russian forces struck the village of Novoselivka, 10 km east of Siversk, on Tuesday.")
    assert km(placed(rows, "Novoselivka"), town(gazetteer, "Siversk")) < 35


def test_a_direction_from_a_town_rules_out_the_namesakes_on_its_other_side(parse, gazetteer):
    rows = parse("Ukrainian forces liberated the village of Novoselivka in the Kharkiv region, north of Kupiansk.")
    novoselivka, kupiansk = placed(rows, "Novoselivka"), town(gazetteer, "Kupiansk")
    assert km(novoselivka, kupiansk) < 60 and novoselivka["lat"] > kupiansk.latitude
    rows = parse("Russian troops advanced north of Pishchane (southeast of Kupyansk), ISW said. They attacked near "
                 "Pokrovsk and Selydove.")
    assert km(placed(rows, "Pishchane"), kupiansk) < 40


def test_near_written_loosely_leaves_a_place_with_no_namesake_there_where_it_was(parse):
    loose = placed(parse("Ukrainian troops still hold Sudzha near Kursk, officials said."), "Sudzha")
    plain = placed(parse("Ukrainian troops still hold Sudzha, officials said."), "Sudzha")
    assert (loose["lat"], loose["lon"], loose["country"]) == (plain["lat"], plain["lon"], "RU")


def test_a_region_with_several_namesakes_leaves_the_choice_to_the_texts_other_places(parse, gazetteer):
    rows = parse("Russia's Defence Ministry said its forces had captured the villages of Zhovte and Novotroitske in "
                 "the Donetsk region, pressing towards Pokrovsk. Further north, Ukrainian forces retook the village "
                 "of Kamianka near Kupiansk in the Kharkiv region.")
    novotroitske = placed(rows, "Novotroitske")
    assert novotroitske["admin1"] == "Donetsk"
    assert km(novotroitske, town(gazetteer, "Pokrovsk")) < 20  # three in the oblast: the one beside Zhovte


def test_a_name_known_only_far_away_is_read_as_its_other_spelling_in_the_named_region_and_listed(parse, gazetteer):
    rows = parse("Russian forces captured Zhovte in the Donetsk region, pressing towards Pokrovsk. Ukraine's "
                 "General Staff said its units were repelling assaults near Shevchenko and Novoyelizavetivka.")
    village = placed(rows, "Novoyelizavetivka")
    assert village["admin1"] == "Donetsk" and km(village, town(gazetteer, "Pokrovsk")) < 30
    assert village["place_confidence"] < 0.7  # another spelling: listed for review


def test_a_name_far_from_a_named_region_stays_put_when_no_other_spelling_lies_there(parse):
    rows = parse("Russian forces captured Zhovte in the Donetsk region. Drones struck Izmail overnight, the "
                 "Odesa governor said.")
    assert placed(rows, "Izmail")["admin1"] == "Odesa"


def test_a_citys_district_is_unplaced_and_the_city_carries_what_happened(parse):
    rows = parse("Across the river, Russian drones attacked the Dniprovskyi district of Kherson, wounding two men.")
    assert placed(rows, "Dniprovskyi district")["lat"] is None  # not the Dnipro raion 300 km away
    assert (placed(rows, "Kherson")["event_type"], placed(rows, "Kherson")["actor"]) == ("strike", "Russia")


def test_a_regions_district_named_after_the_region_stays_the_district(parse):
    rows = parse("Ukrainian troops entered the Sudzha district of Kursk.")
    assert (placed(rows, "Sudzha district")["country"], placed(rows, "Sudzha district")["admin1"]) == ("RU", "Kursk")


def test_a_village_that_once_bore_a_capitals_name_does_not_take_the_capitals_place(parse):
    rows = parse("Drones hit energy facilities in Odesa and Izmail overnight. European leaders will meet in Paris on "
                 "Saturday.")
    assert placed(rows, "Paris")["country"] == "FR"  # not Veselyi Kut, once called Paris, in Odesa oblast


def test_places_taken_or_fought_over_lie_along_the_front_rather_than_far_behind_it(parse):
    rows = parse("The Russian Defence Ministry said its forces liberated Krasnoarmeysk and were fighting near Seversk "
                 "and Artemovsk.")
    assert [placed(rows, name)["name"] for name in ("Krasnoarmeysk", "Seversk", "Artemovsk")] == [
        "Pokrovsk", "Siversk", "Bakhmut"]  # their Soviet or Russian names, not the Russian towns that bear them
    assert placed(parse("Officials in Seversk said the plant would reopen."), "Seversk")["country"] == "RU"


def test_the_front_does_not_pull_a_story_set_elsewhere(parse):
    rows = parse("Fighting broke out in New York after the game in Boston, police said.")
    assert placed(rows, "New York")["country"] == "US"


def test_a_region_named_in_one_sentence_weighs_less_for_names_in_other_sentences(parse):
    rows = parse("In the Kupiansk direction, the defence forces repelled attacks near Synkivka and Petropavlivka in "
                 "Kharkiv Oblast. In the Lyman direction, the occupiers tried to advance near Terny and Nevske.")
    assert placed(rows, "Synkivka")["admin1"] == "Kharkiv"
    assert placed(rows, "Terny")["admin1"] == "Donetsk"  # beside Lyman and Nevske, not the Terny of Kharkiv Oblast


def test_a_village_near_a_town_in_apposition_is_its_namesake_there(parse, gazetteer):
    rows = parse("Russian troops attacked Ivanivka, a village near Kupiansk.")
    assert km(placed(rows, "Ivanivka"), town(gazetteer, "Kupiansk")) < 60


def test_a_name_the_text_also_calls_a_river_is_the_river(parse):
    rows = parse("Russian forces crossed the Oskil river near Kupiansk. They are now pushing towards the Oskil from "
                 "Svatove.")
    assert [r["feature"] for r in rows if r["place"] == "Oskil"] == ["STM"]


def test_an_occupied_place_lies_along_the_front(parse):
    rows = parse("Many prisoners had been held in Taganrog. The Red Cross said it had no access to prisoners held in "
                 "occupied Donetsk.")
    assert (placed(rows, "Donetsk")["country"], placed(rows, "Donetsk")["admin1"]) == ("UA", "Donetsk")


def test_the_citys_district_is_a_district_of_the_city_named_before(parse):
    rows = parse("In Voronezh, debris damaged a roof in the city's Levoberezhny district.")
    assert placed(rows, "Levoberezhny district")["lat"] is None  # not Moscow's district of that name


def test_a_town_known_by_another_name_is_not_the_nearest_namesake_of_that_name(parse, gazetteer):
    # Myrnohrad, 7 km from Pokrovsk, was once called Hrodivka; the village of Hrodivka is 14 km away.
    hrodivka = placed(parse("Russian troops attacked Hrodivka near Pokrovsk."), "Hrodivka")
    assert hrodivka["name"] == "Hrodivka" and km(hrodivka, town(gazetteer, "Pokrovsk")) < 25


def test_places_on_a_front_axis_lie_near_the_town_it_is_named_for(parse, gazetteer):
    kupiansk = town(gazetteer, "Kupiansk")
    rows = parse("In the Pokrovsk direction, Russian forces captured Novohrodivka. Russian troops have captured the "
                 "village of Pishchane in the Kupiansk direction, the Russian Defence Ministry said.")
    assert km(placed(rows, "Pishchane"), kupiansk) < 40
    rows = parse("In the Pokrovsk direction, Russian units attacked near Hrodivka and Novotoretske.")
    assert km(placed(rows, "Hrodivka"), town(gazetteer, "Pokrovsk")) < 40
    assert placed(rows, "Hrodivka")["name"] == "Hrodivka"


def test_a_sentence_that_opens_on_a_region_doubts_a_village_found_only_outside_it(parse):
    rows = parse("In Russia's Kursk region, Ukrainian attempts to break through near Lyubimovka and Novoivanovka "
                 "were repelled.")
    lyubimovka = placed(rows, "Lyubimovka")
    assert lyubimovka["admin1"] == "Kursk" or lyubimovka["place_confidence"] <= 0.6
    # a big city named in such a sentence stands where it is
    rows = parse("In the Kursk region, Ukrainian forces advanced near Sudzha as Russian drones struck Kharkiv.")
    assert placed(rows, "Kharkiv")["place_confidence"] >= 0.8


def test_a_district_in_a_sentence_that_opens_on_a_city_is_that_city_s_district(parse):
    for sentence, district in (("In Kherson, Russian drones attacked a bus in the Dniprovskyi district.",
                                "Dniprovskyi district"),
                               ("In Kharkiv, drones hit the Kyivskyi district overnight.", "Kyivskyi district")):
        row = placed(parse(sentence), district)
        assert row["lat"] is None, sentence  # not a raion of that name in another oblast: unplaced
    # a district of the city's own region keeps its place
    row = placed(parse("In Kharkiv, officials said shelling hit the Kupiansk district."), "Kupiansk district")
    assert row["admin1"] == "Kharkiv"


def test_a_region_named_paragraphs_away_does_not_carry_a_village_past_a_city_of_the_name(parse, gazetteer):
    rows = parse("Drones were shot down over the Kyiv, Sumy, Poltava and Dnipropetrovsk regions, and a missile struck "
                 "Kryvyi Rih.\n\nThe day before, a Russian guided aerial bomb hit a hotel in Zaporizhzhia.")
    city = max((p for p in gazetteer.lookup("Zaporizhzhia") if p.feature.startswith("PPL")), key=lambda p: p.population)
    assert km(placed(rows, "Zaporizhzhia"), city) < 10


def test_a_village_and_the_town_it_lies_beside_support_each_other_in_a_story_about_elsewhere(parse):
    rows = parse("Rubio met Russian officials in Jeddah and Geneva. Russia's Defence Ministry said its forces had "
                 "recaptured Sudzha in the Kursk region. Drones attacked Moscow and the Ramenskoye district overnight. "
                 "Ukrainian forces retook Kotlyne, west of Pokrovsk, the brigade said.")
    assert placed(rows, "Kotlyne")["admin1"] == placed(rows, "Pokrovsk")["admin1"] == "Donetsk"


def test_a_village_put_in_a_district_or_a_community_is_its_namesake_there(parse):
    row = placed(parse("Russian forces captured Novoselivka in the Pokrovsk district."), "Novoselivka")
    assert (round(row["lat"], 2), round(row["lon"], 2)) == (48.27, 37.85)  # the Pokrovsk raion's Novoselivka
    row = placed(parse("Russian forces captured Ivanivka in the Mezhova hromada."), "Ivanivka")
    assert row["admin1"] == "Dnipropetrovsk"
    # a Russian village found only in Ukraine is no village "in the Belgorod district"
    row = placed(parse("Ukrainian forces shelled the village of Zhuravlevka in the Belgorod district."), "Zhuravlevka")
    assert row["lat"] is None


def test_a_name_the_text_calls_a_city_is_not_taken_as_its_region(parse):
    rows = parse("Ukrainian troops enter Kherson.\n\nUkrainian troops entered the southern city of Kherson on Friday. "
                 "Ukraine said it had liberated 41 settlements in the Kherson region.")
    assert [r["feature"] for r in rows if r["place"] == "Kherson"] == ["PPL", "PPL"]


def test_a_theatre_city_is_not_outvoted_by_a_pair_of_village_namesakes(parse, gazetteer):
    rows = parse("Russian troops attacked near Kamianske and Stepnohirsk, south of Zaporizhzhia, and shelled "
                 "Vasylivka. Ukrainian drones struck Tokmak and Mala Tokmachka. In Zaporizhzhia, a missile hit an "
                 "industrial facility.")
    city = max((p for p in gazetteer.lookup("Zaporizhzhia") if p.feature.startswith("PPL")), key=lambda p: p.population)
    assert all(km(r, city) < 10 for r in rows if r["place"] == "Zaporizhzhia")


def test_a_village_named_beside_another_place_is_its_namesake_there(parse, gazetteer):
    rows = parse("Ukrainian forces liberated Snihurivka in the Mykolaiv region and Bilozerka near Kherson. On "
                 "Thursday, Ukraine's military said it had repelled attacks near Pavlivka and Vuhledar.")
    assert km(placed(rows, "Pavlivka"), town(gazetteer, "Vuhledar")) < 20


def test_a_great_city_is_not_beaten_by_a_village_of_its_name_beside_another_place(parse, gazetteer):
    rows = parse("In Kryvyi Rih, a ballistic missile hit a hotel. In Lviv, near the Polish border, an explosion "
                 "damaged an energy facility.")
    assert placed(rows, "Lviv")["admin1"] == "Lviv"


def test_a_place_taken_far_from_the_front_and_from_the_texts_other_places_is_listed_for_review(parse):
    rows = parse("Russia's Defence Ministry said its troops had recaptured Sudzha in the Kursk region. The ministry "
                 "also said that units of the Sever group had taken Nikolskiy and Guevo.")
    nikolskiy = placed(rows, "Nikolskiy")
    assert nikolskiy["admin1"] == "Kursk" or nikolskiy["place_confidence"] <= 0.6


def test_a_district_far_from_every_other_place_of_the_text_is_a_city_s_district(parse):
    rows = parse("Russian shelling hit Kherson overnight. A shell hit the Central market in the Dniprovskyi district, "
                 "regional governor Oleksandr Prokudin said.")
    assert placed(rows, "Dniprovskyi district")["lat"] is None  # not the raion by Dnipro, 250 km away
    rows = parse("Russian drones hit the Pokrovsk district of the Donetsk region and Kramatorsk.")
    assert placed(rows, "Pokrovsk district")["admin1"] == "Donetsk"


def test_a_capital_that_stands_for_its_government_supports_no_village_beside_it(parse):
    rows = parse("The Russian Defence Ministry said troops had taken Sudzha and the villages of Melovoi and Podol. Kyiv "
                 "did not confirm the loss of the town.")
    podol = placed(rows, "Podol")
    assert podol["admin1"] != "Kyiv City" or podol["place_confidence"] <= 0.6  # not a 0.95 capture of a Kyiv district

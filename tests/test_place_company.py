"""Where a place lands from the company it keeps: the regions and countries named beside it, and the points of
countries."""

from geo.gazetteer import NATIONAL_CENTRES
from geo.records import BARE_REGION, Place
from geo.resolve import haversine_km


def rows_by_place(parse, text):
    return {r["place"]: r for r in parse(text)}


def test_a_state_listed_with_other_states_is_the_state_not_the_capital(parse):
    rows = rows_by_place(parse, "Firms left western states such as California or Washington for Idaho.")
    assert (rows["Washington"]["feature"], rows["Washington"]["admin1"]) == ("ADM1", "Washington")


def test_a_list_of_cities_keeps_its_cities(parse):
    rows = rows_by_place(parse, "After stops in Washington, New York and Boston, the delegation flew home.")
    assert rows["Washington"]["feature"] == "PPLC"
    assert rows["New York"]["name"] == "New York City"


def test_new_york_listed_with_states_is_the_state(parse):
    rows = rows_by_place(parse, "Recounts were asked for in Wisconsin, Michigan and New York this week.")
    assert (rows["New York"]["feature"], rows["New York"]["precision"]) == ("ADM1", "region")


def test_a_region_after_a_place_of_it_and_a_comma_is_the_region(parse):
    rows = rows_by_place(parse, "She trained at a clinic in Bronx, New York, before moving west.")
    assert rows["New York"]["feature"] == "ADM1"
    rows = rows_by_place(parse, "The plant in Montreal, Quebec, will close.")
    assert (rows["Quebec"]["feature"], rows["Quebec"]["country"]) == ("ADM1", "CA")


def test_a_text_that_names_the_city_outright_means_the_region_by_the_bare_name(parse):
    rows = rows_by_place(parse, "Quebec City voted first. The rest of Quebec followed a week later.")
    assert rows["Quebec City"]["feature"] == "PPL"
    assert rows["Quebec"]["feature"] == "ADM1"


def test_washington_dc_stays_the_capital(parse):
    rows = rows_by_place(parse, "Teams went to Alaska, Hawaii, Florida and Washington, D.C., last year.")
    assert rows["Washington"]["feature"] == "PPLC"


def test_the_theatres_bare_oblast_names_stay_cities_in_a_list(gazetteer, lexicon):
    from geo.sentences import sentence_spans
    from geo.toponyms import ToponymRecognizer

    text = "Shelling hit Crimea and Kherson, and later Lyptsi, Kharkiv."
    mentions = ToponymRecognizer(gazetteer, lexicon).find(text, sentence_spans(text))
    assert BARE_REGION not in {m.scale for m in mentions}


def test_a_region_of_a_country_the_text_names_beats_a_small_namesake_abroad(parse):
    """Queensland is also a hamlet of Alberta; a text about Red Deer that names Australia means the state.
    Australia is named outright although a Cuban village shares its name."""
    rows = rows_by_place(parse, "The Red Deer family had moved from Queensland, Australia, to Edmonton, Alberta.")
    assert (rows["Queensland"]["feature"], rows["Queensland"]["country"]) == ("ADM1", "AU")
    assert rows["Queensland"]["place_confidence"] >= 0.7


def test_a_lone_small_namesake_far_from_the_only_other_place_a_big_city_abroad_is_unplaced(parse):
    """The gazetteer knows only Heathrow, Florida; in a story about London it is not the airport's marker."""
    rows = rows_by_place(parse, "Flights out of London were cancelled and passengers slept at Heathrow.")
    assert rows["Heathrow"]["lat"] is None
    assert rows["London"]["country"] == "GB"


def test_a_lone_small_place_beside_a_small_doubtful_one_keeps_its_marker(parse):
    """The rule above needs a big city as the other place: a person's name read as a town says nothing."""
    rows = rows_by_place(parse, "PATASKALA - Nancy opened the new library on Friday.")
    assert rows["PATASKALA"]["country"] == "US"


def test_the_united_states_sit_at_their_national_geographic_centre(gazetteer):
    usa = next(p for p in gazetteer.lookup("United States") if p.feature == "PCLI")
    lebanon_kansas = Place("", *NATIONAL_CENTRES["US"], "", "", "")
    assert haversine_km(usa, lebanon_kansas) < 1


def test_a_name_written_without_its_accents_is_still_the_places_own_name(parse):
    """Changchun has "Cancun" among its alternate names; Cancún goes by it itself."""
    rows = rows_by_place(parse, "The couple spent their honeymoon in Cancun last winter.")
    assert rows["Cancun"]["country"] == "MX"


def test_a_name_the_text_calls_a_state_is_the_state_even_when_a_country_bears_it(parse):
    rows = rows_by_place(parse, "The co-op's lines run from the Kentucky border to the Georgia state line.")
    assert (rows["Georgia"]["feature"], rows["Georgia"]["country"]) == ("ADM1", "US")
    rows = rows_by_place(parse, "Snow closed passes across Washington state.")
    assert rows["Washington"]["feature"] == "ADM1"


def test_georgia_without_a_word_that_makes_it_a_state_stays_the_country(parse):
    rows = rows_by_place(parse, "Georgia said the talks in Tbilisi had failed.")
    assert rows["Georgia"]["country"] == "GE"


def test_a_datelines_postal_code_or_dotless_abbreviation_is_the_state(parse):
    rows = rows_by_place(parse, "HORRY COUNTY, SC (WMBF) - A man was found near the highway.")
    assert (rows["SC"]["name"], rows["SC"]["precision"]) == ("South Carolina", "region")
    rows = rows_by_place(parse, "EDMONTON, Ky (WBKO) -- A fire broke out downtown.")
    assert rows["Ky"]["name"] == "Kentucky"
    assert rows["EDMONTON"]["admin1"] == "Kentucky"


def test_the_uae_is_the_united_arab_emirates(parse):
    assert rows_by_place(parse, "The minister flew to the UAE on Monday.")["UAE"]["country"] == "AE"


def test_capital_letters_that_name_no_country_region_or_big_city_are_initials_not_a_town(parse):
    assert "OAS" not in rows_by_place(parse, "Envoys met at the OAS in Washington.")
    assert rows_by_place(parse, "He flew to the UAE and then to the US.")["US"]["country"] == "US"


def test_the_calibration_script_judges_a_name_against_the_gold_name_written_the_same(tmp_path, capsys,
                                                                                    load_script):
    """"Kansas" and "KANSAS CITY" leave the same name once the generic "city" is set aside: Kansas is judged as
    Kansas."""
    calibration = load_script("place_calibration")
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "a", "text": "KANSAS CITY, Mo. - Snow in Kansas.", "gold": ['
                    '{"surface": "KANSAS CITY", "country": "US", "lat": 39.1, "lon": -94.58}, '
                    '{"surface": "Kansas", "country": "US", "lat": 38.5, "lon": -98.5}]}\n')
    (tmp_path / "pred").mkdir()
    (tmp_path / "pred" / "a.jsonl").write_text('{"place": "Kansas", "lat": 38.35, "lon": -98.2, "country": "US", '
                                               '"admin1": "Kansas", "precision": "region", "place_confidence": 0.95}\n')
    calibration.main(str(gold), str(tmp_path / "pred"), "0.7")
    assert "1 places, 1.000 right" in capsys.readouterr().out


def test_a_region_answers_to_its_name_without_the_administrative_word(parse):
    rows = rows_by_place(parse, "Floods hit Guizhou province and Guangxi.")
    assert (rows["Guizhou province"]["name"], rows["Guizhou province"]["precision"]) == ("Guizhou Sheng", "region")
    assert rows["Guangxi"]["feature"] == "ADM1"


def test_a_place_a_comma_and_a_state_that_a_country_shares_is_in_the_state(parse):
    """"Atlanta, Georgia": the state, where Atlanta is, not the country; "Tbilisi, Georgia" stays the country."""
    rows = rows_by_place(parse, "She moved to Atlanta, Georgia, in 2001, after years in Louisville and Indiana.")
    assert (rows["Atlanta"]["admin1"], rows["Georgia"]["feature"]) == ("Georgia", "ADM1")
    assert rows_by_place(parse, "Talks in Tbilisi, Georgia, failed.")["Georgia"]["country"] == "GE"


def test_a_namesake_in_a_state_the_text_names_beats_a_famous_city_nothing_else_points_to(parse):
    """Nothing French in the text: the Paris of the state it names, listed for review (a famous city gave way)."""
    rows = rows_by_place(parse, "The library in Paris will hold a workshop on job applications for residents "
                                "of Illinois.")
    assert (rows["Paris"]["country"], rows["Paris"]["admin1"]) == ("US", "Illinois")
    assert rows["Paris"]["place_confidence"] < 0.7


def test_a_capital_named_beside_a_province_of_another_country_is_the_provinces_city(parse):
    rows = rows_by_place(parse, "VICTORIA - Power was restored on Tuesday after the storm crossed British Columbia.")
    assert (rows["VICTORIA"]["country"], rows["VICTORIA"]["admin1"]) == ("CA", "British Columbia")


def test_a_place_the_text_supports_stays_where_it_is_beside_a_state_named_bare(parse):
    """Lyon puts Paris in France; Washington stands for the government and is not Washington, Utah."""
    rows = rows_by_place(parse, "Officials from Texas met their counterparts in Paris and Lyon last week.")
    assert rows["Paris"]["country"] == "FR"
    rows = rows_by_place(parse, "Washington has refused to fund the dam that Utah asked for.")
    assert rows["Washington"]["feature"] == "PPLC"


def test_a_city_called_by_its_name_without_the_closing_lower_case_words_is_that_city(parse):
    """"Newcastle" is Newcastle upon Tyne's name too, not only the Australian city's or a small Irish town's."""
    rows = rows_by_place(parse, "The UK's health regulator approved a treatment first tried by doctors in Newcastle.")
    assert rows["Newcastle"]["name"] == "Newcastle upon Tyne"
    assert rows["UK"]["country"] == "GB"


def _town(name, lat, lon, feature="PPL"):
    return Place(name, lat, lon, "US", "Somewhere", feature, 5_000)


def test_one_place_that_bears_two_of_the_texts_names_is_no_pair_of_namesakes_together():
    """An old name of a town ("Xenia" for Atlanta, Illinois) does not make the town its own company."""
    from geo.resolve import _colocated

    atlanta = _town("Atlanta", 40.26, -89.23)
    options = [[_town("Xenia", 39.68, -83.93), atlanta], [_town("Atlanta", 33.75, -84.39), atlanta]]
    assert _colocated([("xenia", ""), ("atlanta", "")], options) == frozenset()


def test_a_county_and_a_town_30_km_from_its_point_are_together():
    """A county's point is the middle of an area; a town 30 km away may well be in it (20 km is the towns' reach)."""
    from geo.resolve import _colocated, _identity

    county = _town("Marion County", 40.0, -86.0, feature="ADM2")
    town = _town("Lebanon", 40.27, -86.0)  # 30 km north
    options = [[county, _town("Marion County", 35.0, -90.0, feature="ADM2")], [town, _town("Lebanon", 33.0, -95.0)]]
    assert _colocated([("marion county", ""), ("lebanon", "")], options) == {_identity(county), _identity(town)}


def test_an_article_and_a_common_noun_at_a_sentences_start_are_no_place(parse):
    """"The City" is another name of a Connecticut town; "The city council met" names no place."""
    rows = rows_by_place(parse, "The city council met on Monday. The center will open in Dayton next year.")
    assert set(rows) == {"Dayton"}
    assert rows_by_place(parse, "The Hague hosted the talks.")["The Hague"]["country"] == "NL"


def test_a_county_after_the_is_still_the_county(parse):
    """"the X" is often not a town ("the Dnipro" is the river), but "the Tarrant County sheriff" names the county."""
    rows = rows_by_place(parse, "Deputies from the Tarrant County sheriff's office closed the road.")
    assert (rows["Tarrant County"]["country"], rows["Tarrant County"]["admin1"]) == ("US", "Texas")
    assert "Peace River" not in rows_by_place(parse, "Ice jams formed on the Peace River overnight.")


def test_a_county_before_an_offices_name_is_the_county_not_part_of_a_persons_name(parse):
    rows = rows_by_place(parse, "The road was closed, according to the Levy County Sheriff's Office.")
    assert (rows["Levy County"]["country"], rows["Levy County"]["admin1"]) == ("US", "Florida")


def test_a_place_known_by_the_texts_name_only_as_an_old_name_unlike_its_own_gets_no_marker(parse):
    """Holbrook, New South Wales, was once Ten Mile; a Ten Mile nothing else in the text points to is more likely a
    place the gazetteer lacks. Another spelling of a place's own name (Kiltimagh, Kiltamagh) keeps its marker."""
    rows = rows_by_place(parse, "Jeremy Watson, 30, of Ten Mile, said he was riding along County Road 225.")
    assert rows["Ten Mile"]["lat"] is None
    rows = rows_by_place(parse, "A rally was held in Kiltimagh on Sunday.")
    assert rows["Kiltimagh"]["country"] == "IE"


def test_each_name_of_a_list_closed_by_counties_is_a_county(parse):
    rows = rows_by_place(parse, "Roofs collapsed in Harvey, Harper and Kingman counties overnight.")
    assert {(r["name"], r["admin1"]) for r in rows.values()} == {
        ("Harvey County", "Kansas"), ("Harper County", "Kansas"), ("Kingman County", "Kansas")}
    rows = rows_by_place(parse, "Storms hit twelve Ohio and Indiana counties.")
    assert rows["Ohio"]["feature"] == rows["Indiana"]["feature"] == "ADM1"


def test_a_near_miss_of_a_theatre_village_in_a_story_set_elsewhere_gets_no_marker(parse):
    """One edit from a Ukrainian village is the theatre's romanisation only in a text about the theatre."""
    rows = rows_by_place(parse, "Floods cut off the village of Novoprokipivka, officials in Tbilisi said, and "
                                "Georgia asked for help.")
    assert rows["Novoprokipivka"]["lat"] is None
    rows = rows_by_place(parse, "Ukrainian troops advanced towards the village of Novoprokipivka.")
    assert rows["Novoprokipivka"]["country"] == "UA"


def test_a_name_before_a_street_word_is_the_streets_not_a_place(parse):
    rows = rows_by_place(parse, "She lived on Briarwood Drive and worked on Highland Avenue in Augusta.")
    assert set(rows) == {"Augusta"}
    assert "Church Street" not in rows_by_place(parse, "The shop on Church Street in Edmonton closed.")


def test_the_capital_of_a_country_the_text_names_beats_a_namesake_in_a_state_it_names(parse):
    """Nothing in the text puts Paris in Kentucky but the state's weight; France named outright says the capital."""
    rows = rows_by_place(parse, "GEORGETOWN, Ky. - A Kentucky student who spent a semester in Paris said France "
                                "felt like home.")
    assert (rows["Paris"]["country"], rows["Paris"]["feature"]) == ("FR", "PPLC")
    assert rows["Paris"]["place_confidence"] < 0.7
    rows = rows_by_place(parse, "The fair in Paris, Ky., drew visitors from France.")
    assert rows["Paris"]["admin1"] == "Kentucky"

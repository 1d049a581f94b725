"""People, organisations and dates are not places (issue 7): names from the census lists of the `names` package and
the usual named-entity rules, with the war's places kept. Texts are our own, invented."""

from geo.people import PeopleFinder, given_names, surname_rank
from geo.sentences import sentence_spans
from geo.toponyms import ToponymRecognizer


def surfaces(gazetteer, lexicon, text):
    return [m.surface for m in ToponymRecognizer(gazetteer, lexicon).find(text, sentence_spans(text))]


def test_the_census_lists_give_common_given_names_and_rank_surnames():
    assert {"Kyle", "Ashley", "Keith", "Tyler"} <= given_names()
    assert 0 < surname_rank("Williams") < surname_rank("Newman")
    assert surname_rank("Bakhmut") == 0


def test_a_given_name_and_the_capitalised_word_after_it_are_a_person_not_two_towns(gazetteer, lexicon):
    text = "The trainer, Kyle Newman, thanked Ashley Sutton after the match in Boston."
    assert surfaces(gazetteer, lexicon, text) == ["Boston"]


def test_a_surname_seen_in_a_full_name_is_the_person_throughout_the_text(gazetteer, lexicon):
    text = "The lawyer Ashley Sutton filed the motion on Monday. Later Sutton flew home to Denver."
    assert surfaces(gazetteer, lexicon, text) == ["Denver"]


def test_a_given_name_that_is_a_large_town_is_a_person_only_before_a_common_surname(gazetteer, lexicon):
    assert surfaces(gazetteer, lexicon, "Tyler Williams scored twice.") == []
    assert surfaces(gazetteer, lexicon, "Fans in Tyler cheered.") == ["Tyler"]


def test_a_known_two_word_place_that_starts_with_a_given_name_stays_a_place(gazetteer, lexicon):
    assert surfaces(gazetteer, lexicon, "She drove from San Jose to Santa Fe.") == ["San Jose", "Santa Fe"]


def test_a_country_or_capital_before_a_name_stays_the_place(gazetteer, lexicon):
    assert "Moscow" in surfaces(gazetteer, lexicon, "Talks moved from Kyiv to Moscow Tuesday.")
    assert surfaces(gazetteer, lexicon, "Whitney Houston sang at a gala in Houston.")[-1] == "Houston"


def test_names_with_particles_and_middle_names_are_one_person(gazetteer, lexicon):
    text = "The estate passed from Claude Joseph Villars Dubreuil to Mike de Kock."
    assert surfaces(gazetteer, lexicon, text) == []


def test_a_word_before_who_or_after_according_to_is_a_person(gazetteer, lexicon):
    assert surfaces(gazetteer, lexicon, "Keith, who farms near the river, lost his barn.") == []
    assert surfaces(gazetteer, lexicon, "According to Petrič, the vote was close.") == []
    assert surfaces(gazetteer, lexicon, "Nelson explained the plan to the board.") == []


def test_a_major_place_keeps_its_sense_in_a_persons_slot(gazetteer, lexicon):
    assert surfaces(gazetteer, lexicon, "According to Moscow, the convoy turned back.") == ["Moscow"]


def test_a_title_makes_the_following_name_a_person(gazetteer, lexicon):
    assert surfaces(gazetteer, lexicon, "Archbishop Hannan opened the chapel.") == []


def test_organisation_suffixes_mark_organisations(gazetteer, lexicon):
    text = "Orange Drugs Ltd and Bed Bath & Beyond sponsored the Nord Stream 2 hearing."
    assert surfaces(gazetteer, lexicon, text) == []


def test_a_country_joined_by_an_ampersand_is_still_a_country(gazetteer, lexicon):
    assert surfaces(gazetteer, lexicon, "Officials of Trinidad & Tobago signed the pact.") == ["Trinidad"]


def test_a_month_before_a_day_is_a_date(gazetteer, lexicon):
    assert surfaces(gazetteer, lexicon, "The fair opens Apr 5 and closes May 9 in Leeds.") == ["Leeds"]


def test_war_places_that_are_also_names_survive(gazetteer, lexicon):
    text = ("Russian troops shelled Mykolaiv, Lyman, Sumy and Izium overnight, while Mykola Petrenko said Kherson "
            "held. Ukrainian units entered Ivanivka and Oleksandrivka between Bakhmut and Sloviansk.")
    assert surfaces(gazetteer, lexicon, text) == ["Mykolaiv", "Lyman", "Sumy", "Izium", "Kherson", "Ivanivka",
                                                  "Oleksandrivka", "Bakhmut", "Sloviansk"]


def test_a_village_that_shares_a_persons_surname_stays_a_place_after_a_cue(gazetteer, lexicon):
    text = "The poet Taras Shevchenko is honoured everywhere. Troops retook the village of Shevchenko on Friday."
    assert "Shevchenko" in surfaces(gazetteer, lexicon, text)


def test_a_theatre_place_named_like_a_surname_is_kept_alone(gazetteer, lexicon):
    text = "Analyst Roman Lyman wrote the report. Fighting continued near Lyman in Donetsk oblast."
    assert "Lyman" in surfaces(gazetteer, lexicon, text)


def test_people_spans_are_found_without_a_recogniser(gazetteer, lexicon):
    finder = PeopleFinder(gazetteer, lexicon)
    text = "Kyle Newman met Mayor Smith."
    assert [text[a:b] for a, b in finder.person_spans(text)] == ["Kyle Newman", "Smith"]


def test_a_capitalised_common_word_before_a_war_place_is_no_persons_name(gazetteer, lexicon):
    text = "Drones hit the city overnight. In Druzhkivka, a shell struck a depot. Will Mariupol be rebuilt?"
    assert surfaces(gazetteer, lexicon, text) == ["Druzhkivka", "Mariupol"]


def test_an_organisation_named_outright_is_not_the_town_of_that_name(gazetteer, lexicon):
    assert surfaces(gazetteer, lexicon, "White House aides met in Kyiv as El Niño rains began.") == ["Kyiv"]


def test_a_given_name_after_saint_or_fort_ends_the_places_name_not_a_persons(gazetteer, lexicon):
    finder = PeopleFinder(gazetteer, lexicon)
    assert finder.person_spans("Fans in Fort Collins Park cheered.") == []


def test_an_initial_joins_a_persons_name(gazetteer, lexicon):
    assert surfaces(gazetteer, lexicon, "As Carey L. Biron and Amy B Wang wrote from Chicago.") == ["Chicago"]


def test_a_name_the_context_makes_a_person_is_the_person_elsewhere_too(gazetteer, lexicon):
    text = "Nobody expected the fine, said Noma. Reporters later found Noma at the harbour."
    assert surfaces(gazetteer, lexicon, text) == []


def test_whose_after_a_place_introduced_by_of_refers_to_the_person_before_it(gazetteer, lexicon):
    assert surfaces(gazetteer, lexicon, "Jo Miller of Ravenel, whose son is eight, spoke.") == ["Ravenel"]


def test_a_war_town_before_a_speech_verb_stays_a_place(gazetteer, lexicon):
    assert surfaces(gazetteer, lexicon, "Kherson said the bridge held. Sumy said nothing.") == ["Kherson", "Sumy"]


def test_a_call_sign_or_a_first_name_that_is_a_town_is_the_person(parse):
    for sentence in ("A soldier identified by his call sign, Izium, said the town was quiet.",
                     "He gave only his first name, Bakhmut, an unusual nickname."):
        assert parse(sentence) == [], sentence

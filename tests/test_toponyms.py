from geo.sentences import sentence_spans
from geo.toponyms import ToponymRecognizer


def find(gazetteer, lexicon, text):
    mentions = ToponymRecognizer(gazetteer, lexicon).find(text, sentence_spans(text))
    for m in mentions:
        assert text[m.start:m.end] == m.surface  # offsets point into the text
    return mentions


def surfaces(gazetteer, lexicon, text):
    return [m.surface for m in find(gazetteer, lexicon, text)]


def test_places_are_found_with_their_offsets(gazetteer, lexicon):
    text = "Russian troops advanced near Pokrovsk and Toretsk, while drones hit Kharkiv."
    assert surfaces(gazetteer, lexicon, text) == ["Pokrovsk", "Toretsk", "Kharkiv"]


def test_demonyms_persons_and_sources_are_not_places(gazetteer, lexicon):
    text = ("Ukrainian soldiers and Russians met. Vladimir Putin and Donald Trump spoke. "
            "Victoria Nuland agreed with Deep State analysts.")
    assert surfaces(gazetteer, lexicon, text) == []


def test_common_words_that_are_also_place_names_are_not_places(gazetteer, lexicon):
    assert surfaces(gazetteer, lexicon, "Will the ceasefire hold? Deep cuts and State aid may follow.") == []
    assert surfaces(gazetteer, lexicon, "Ministers met in Nice and Paris.") == ["Nice", "Paris"]


def test_region_words_make_a_region_mention(gazetteer, lexicon):
    [kursk] = find(gazetteer, lexicon, "Troops left the Kursk region.")
    assert (kursk.surface, kursk.lookup, kursk.scale) == ("Kursk region", "Kursk", "region")
    [donetsk] = find(gazetteer, lexicon, "Fighting in Donetsk Oblast went on.")
    assert (donetsk.lookup, donetsk.scale) == ("Donetsk", "region")


def test_a_plural_region_word_applies_to_each_listed_name(gazetteer, lexicon):
    found = find(gazetteer, lexicon, "The fighting may spread into the Sumy and Kharkiv territories.")
    assert [(m.lookup, m.scale) for m in found] == [("Sumy", "region"), ("Kharkiv", "region")]


def test_longest_match_wins(gazetteer, lexicon):
    assert surfaces(gazetteer, lexicon, "Shelling hit Chasiv Yar and Kryvyi Rih.") == ["Chasiv Yar", "Kryvyi Rih"]


def test_cyrillic_and_transliterations_are_found(gazetteer, lexicon):
    assert surfaces(gazetteer, lexicon, "Бої тривають у Суджа. Troops near Sudja and Kharkov.") == [
        "Суджа", "Sudja", "Kharkov"]


def test_names_the_text_calls_places_are_kept_even_when_unknown(gazetteer, lexicon):
    found = find(gazetteer, lexicon, "Troops said they retook the villages of Zzyzxivka and Malaya Bobrovka.")
    assert [(m.surface, m.cue) for m in found] == [("Zzyzxivka", "villages of"), ("Malaya Bobrovka", "villages of")]
    listed = find(gazetteer, lexicon, "Troops entered Sudzha, Qwertyvka and Kazachya Bobrovka.")
    # "Kazachya ...": a Slavic adjective starts a two-word name of its own.
    assert [(m.surface, m.cue) for m in listed] == [("Sudzha", ""), ("Qwertyvka", "list"),
                                                    ("Kazachya Bobrovka", "name")]
    # a side's weapons or units after a place and a comma are no place listed
    assert surfaces(gazetteer, lexicon, "In Kherson, Russian FPV drones attacked a bus.") == ["Kherson"]
    # a word that opens the sentence before a comma is no list's first item
    assert surfaces(gazetteer, lexicon, "Overnight, Russia launched drones.") == ["Russia"]
    assert surfaces(gazetteer, lexicon, "On Thursday, Ukraine's military said so.") == ["Ukraine"]


def test_country_abbreviations_are_places_after_a_preposition_only(gazetteer, lexicon):
    assert surfaces(gazetteer, lexicon, "US envoys will fly to the UK.") == ["UK"]

from geo.records import Mention
from geo.resolve import PlaceResolver, haversine_km
from geo.sentences import sentence_spans
from geo.toponyms import ToponymRecognizer


def resolve(gazetteer, lexicon, text, territorial=frozenset()):
    mentions = ToponymRecognizer(gazetteer, lexicon).find(text, sentence_spans(text))
    return {r.mention.surface: r for r in PlaceResolver(gazetteer).resolve(mentions, territorial)}


def test_homonyms_are_resolved_by_the_documents_other_places(gazetteer, lexicon):
    """There are many Nikolaevkas; near Sloviansk and Kramatorsk it is the one in Donetsk oblast."""
    found = resolve(gazetteer, lexicon, "Strikes hit Sloviansk and Kramatorsk, and later Nikolaevka.")
    place = found["Nikolaevka"].place
    assert (place.country, place.admin1) == ("UA", "Donetsk")
    assert haversine_km(place, found["Sloviansk"].place) < 30
    assert found["Nikolaevka"].candidates > 10


def test_a_named_country_decides_between_homonyms(gazetteer, lexicon):
    assert resolve(gazetteer, lexicon, "Ministers from France met in Paris.")["Paris"].place.country == "FR"


def test_the_region_word_gives_the_region_and_the_bare_name_the_city(gazetteer, lexicon):
    found = resolve(gazetteer, lexicon, "Putin visited Kursk. Fighting goes on in the Kursk region.")
    assert found["Kursk"].place.feature == "PPL" and found["Kursk region"].place.feature == "ADM1"
    region = PlaceResolver(gazetteer).candidates(Mention("Kharkov region", 0, 14, 0, "Kharkov", "region"))
    assert [(p.name, p.precision) for p in region] == [("Kharkiv", "region")]


def test_a_bare_name_fought_over_is_the_region_when_the_document_names_that_region(gazetteer, lexicon):
    text = "Troops took 24 settlements in Kursk. They still hold part of the Kursk region. Putin visited Kursk."
    mentions = ToponymRecognizer(gazetteer, lexicon).find(text, sentence_spans(text))
    taken, region, visited = PlaceResolver(gazetteer).resolve(mentions, territorial=frozenset({0, 1}))
    assert (taken.place.feature, region.place.feature, visited.place.feature) == ("ADM1", "ADM1", "PPL")


def test_unknown_names_stay_unresolved(gazetteer, lexicon):
    found = resolve(gazetteer, lexicon, "Troops entered the village of Zzyzxivka.")
    assert found["Zzyzxivka"].place is None and found["Zzyzxivka"].confidence == 0


def test_a_lone_name_is_not_its_own_context(gazetteer, lexicon):
    """Huliaipole alone: the town of 13,000 in Zaporizhzhia oblast, not its namesake hamlet."""
    place = resolve(gazetteer, lexicon, "Russian forces captured Huliaipole.")["Huliaipole"].place
    assert (place.admin1, place.geonameid) == ("Zaporizhzhia", 707898)

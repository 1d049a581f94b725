import pytest

from geo.cues import CueError, inflections, load_cues


def test_the_first_word_of_a_cue_is_inflected_and_irregular_forms_come_from_the_lexicon():
    assert set(inflections("capture", {})) == {"capture", "captures", "captured", "capturing"}
    assert set(inflections("advancement", {})) >= {"advancement", "advancements"}
    cues = load_cues()
    assert [m.text for m in cues.scan("Troops withdrew from the town and fell back.")["loss"]] == ["withdrew from"]
    assert [m.text for m in cues.scan("Russian forces took the village.")["gain"]] == ["took"]


def test_a_star_stands_for_up_to_two_words():
    cues = load_cues()
    assert [m.text for m in cues.scan("They raised the Russian flag over the school.")["gain"]] == [
        "raised the Russian flag over"]


def test_users_extend_the_cue_lexicon_with_their_own_file(tmp_path, geoparser):
    from geo.documents import make_document
    from geo.events import EventClassifier

    extra = tmp_path / "cues.yaml"
    extra.write_text("irregular:\n  overrun: [overran, overruns, overrunning]\ngain:\n  - overrun\n", encoding="utf-8")
    assert [m.text for m in load_cues(extra).scan("Russian troops overran Pishchane.")["gain"]] == ["overran"]
    classifier = EventClassifier(geoparser.lexicon, load_cues(extra))
    original = geoparser.classifier
    geoparser.classifier = classifier
    try:
        [event] = geoparser.parse(make_document("Russian troops overran Pishchane."))
    finally:
        geoparser.classifier = original
    assert (event.event_type, event.actor, event.cue) == ("control_change", "Russia", "overran")


@pytest.mark.parametrize("text", ["- just a list\n", "gain: not-a-list\n", "unknown_kind: [x]\n",
                                  "irregular: [x]\n", "gain: [unclosed\n"])
def test_a_malformed_cue_file_is_a_clear_error(tmp_path, text):
    bad = tmp_path / "cues.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CueError):
        load_cues(bad)

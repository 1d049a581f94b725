from geo.sentences import sentence_spans


def sentences(text):
    return [text[s:e] for s, e in sentence_spans(text)]


def test_sentences_end_at_stops_before_a_capital_or_a_quote():
    text = 'Troops left Vuhledar. "We had to," he said. Shelling went on!\nA new line starts here'
    assert sentences(text) == ["Troops left Vuhledar.", '"We had to," he said.', "Shelling went on!",
                               "A new line starts here"]


def test_titles_and_initials_do_not_end_a_sentence():
    assert sentences("Gen. Syrski said so. U.S. envoys met in Paris on Jan. 5.") == [
        "Gen. Syrski said so.", "U.S. envoys met in Paris on Jan. 5."]


def test_spans_index_the_original_text():
    text = "  Kyiv was hit.   Kharkiv too.  "
    assert sentences(text) == ["Kyiv was hit.", "Kharkiv too."]

"""Patterns rewritten for speed find exactly what the patterns they stand for find: the lower-case twins of the
case-blind patterns (searched in ASCII text put in lower case), and the date pattern searched from its first
possible word."""

import random
import re

import pytest

from geo import dates, events

TWINS = {
    "claim verbs": (events._CLAIM, events._CLAIM_LOWER),
    "speech verbs": (events._SPEECH_THAT, events._SPEECH_THAT_LOWER),
    "clause boundaries": (events._BOUNDARY, events._BOUNDARY_LOWER),
    "its troops": (events._POSSESSIVE_FORCES, events._POSSESSIVE_FORCES_LOWER),
    "speaker pronouns": (events._SPEAKER_PRONOUN, events._SPEAKER_PRONOUN_LOWER),
    "relative clauses": (events._RELATIVE, events._RELATIVE_LOWER),
    "date phrases": (dates._DATE_PHRASE, dates._DATE_PHRASE_LOWER),
}
_JOINS = (" ", " ", "  ", "", ", ", "; ", ".", "-", "'", "\n", "x", "_", "7", "12 ")


def _texts(pattern: re.Pattern, count: int, seed: int) -> list[str]:
    """Random ASCII texts made of the pattern's own words (so that a word added to it is tried too) in lower,
    upper and title case, glued by spaces, punctuation, digits and word characters."""
    words = sorted(set(re.findall(r"[a-z]{2,}", pattern.pattern.lower())))
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 9)):
            word = rng.choice(words)
            parts.append(rng.choice((word, word.upper(), word.title())) + rng.choice(_JOINS))
        texts.append("".join(parts))
    return texts


@pytest.mark.parametrize("name", TWINS)
def test_each_lower_case_twin_finds_what_its_case_blind_pattern_finds(name):
    pattern, twin = TWINS[name]
    rng = random.Random(3)
    for text in _texts(pattern, 3000, seed=len(name)):
        lowered = text.lower()
        for start, end in ((0, len(text)), *((rng.randint(0, len(text)), rng.randint(0, len(text) + 1))
                                               for _ in range(2))):
            assert [m.span() for m in twin.finditer(lowered, start, end)] == [
                m.span() for m in pattern.finditer(text, start, end)], (text, start, end)


def test_date_phrases_are_the_matches_of_the_date_pattern_over_the_whole_sentence():
    for text in _texts(dates._DATE_PHRASE, 3000, seed=5):
        start = dates._first_possible_start(text)
        found = [] if start < 0 else [(m.span(), m.groupdict()) for m in dates._phrase_matches(text, start)]
        assert found == [(m.span(), m.groupdict()) for m in dates._DATE_PHRASE.finditer(text)], text

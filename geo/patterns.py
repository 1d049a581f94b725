"""Regular-expression building blocks that the regex engine can skip to.

A pattern that begins with a set of characters, or a choice of literals, is searched by jumping from one such
character to the next; one that begins with \\b, a look-behind or a case-blind letter is tried at every position of
the text. So a word boundary is written as a look-behind after the first letter instead of before it."""

from __future__ import annotations


def first_letter_alternation(words: tuple[str, ...]) -> str:
    r"""\b(?:word|word|...) as an alternation grouped by first letter (each group in the words' order) with the \b
    written as a look-behind after that letter: the same matches, and the pattern begins with a choice of letters.
    words: regex fragments that begin with a letter (escape literal words first)."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(word[1:])
    return "(?:" + "|".join(f"{first}(?<!\\w.)(?:{'|'.join(rests)})" for first, rests in groups.items()) + ")"

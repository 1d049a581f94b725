"""Sentence boundaries in English news text, as character spans."""

from __future__ import annotations

import re

# A sentence ends at . ! ? (and a closing quote) followed by space and a capital or an opening quote,
# or at a line break; but not after a title or an initial ("Gen. Syrski", "U.S. envoys").
_END = re.compile(r"""(?<=[.!?])["”’»)]?\s+(?=["“‘«(]?[A-ZА-ЯІЇЄ0-9])|\n+""")
# _END with its look-behind's character taken into the match (a match then begins with one of .!? or a line break,
# which the regex engine skips to directly); _ends() gives _END's spans from it.
_END_FROM_STOP = re.compile(r"""[.!?]["”’»)]?\s+(?=["“‘«(]?[A-ZА-ЯІЇЄ0-9])|\n+""")
_NOT_AN_END = re.compile(
    r"(?:\b(?:Gen|Lt|Col|Maj|Capt|Sgt|Mr|Mrs|Ms|Dr|Prof|St|Sen|Rep|Gov|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|"
    r"No|vs|approx|e\.g|i\.e)|\b[A-Z]|\b[A-Z]\.[A-Z])\.$"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match_start, match_end in _ends(text):
        if "\n" not in text[match_start:match_end] and _not_an_end(text, start, match_start):
            continue
        if text[start:match_start].strip():
            spans.append((start, match_start))
        start = match_end
    if text[start:].strip():
        spans.append((start, len(text)))
    return [_trim(text, s, e) for s, e in spans]


def _ends(text: str):
    """The spans of _END.finditer(text): a match of _END_FROM_STOP that begins with a full stop, "!" or "?" is _END's
    match one character later (no _END match can begin at a stop, and none ends just before one)."""
    for match in _END_FROM_STOP.finditer(text):
        start = match.start()
        yield (start if text[start] == "\n" else start + 1), match.end()


def _not_an_end(text: str, start: int, end: int) -> bool:
    """_NOT_AN_END.search on text[start:end] with its closing quotes and brackets stripped, looked for in the last
    few characters only (a match is at most 7 long and ends there), not over the whole sentence so far: a long
    paragraph with many abbreviations was searched again from its start at each full stop."""
    head_end = end
    while head_end > start and text[head_end - 1] in _CLOSERS:
        head_end -= 1
    # pos keeps the real text before the window, so \b at its start reads the same as in the whole head; at the
    # head's own start the character before is the whitespace that ended the last sentence (or none).
    if start and not text[start - 1].isspace():
        return _NOT_AN_END.search(text[start:head_end]) is not None
    return _NOT_AN_END.search(text, max(start, head_end - 16), head_end) is not None


_CLOSERS = frozenset("\"”’») ")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end

"""Sentence boundaries in English news text, as character spans."""

from __future__ import annotations

import re

# A sentence ends at . ! ? (and a closing quote) followed by space and a capital or an opening quote,
# or at a line break; but not after a title or an initial ("Gen. Syrski", "U.S. envoys").
_END = re.compile(r"""(?<=[.!?])["”’»)]?\s+(?=["“‘«(]?[A-ZА-ЯІЇЄ0-9])|\n+""")
_NOT_AN_END = re.compile(
    r"(?:\b(?:Gen|Lt|Col|Maj|Capt|Sgt|Mr|Mrs|Ms|Dr|Prof|St|Sen|Rep|Gov|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|"
    r"No|vs|approx|e\.g|i\.e)|\b[A-Z]|\b[A-Z]\.[A-Z])\.$"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in _END.finditer(text):
        head = text[start:match.start()].rstrip("\"”’») ")
        if "\n" not in match.group() and _NOT_AN_END.search(head):
            continue
        if text[start:match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return [_trim(text, s, e) for s, e in spans]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end

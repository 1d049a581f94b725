"""Dates a sentence states or implies ("on Wednesday", "in August 2024", "earlier this week"),
resolved against the publication date with dateparser."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import dateparser

_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|" \
         r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DATE_PHRASE = re.compile(
    rf"\b(?:\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|(?:early |mid-|late )?{_MONTH}\s+\d{{4}}"
    rf"|(?:in|since|by|during|until|from)\s+{_MONTH}(?!\s+\d)"
    rf"|(?:last|this|next|on|earlier on|late on|early on|by)\s+{_WEEKDAY}|{_WEEKDAY}"
    rf"|yesterday|today|tonight|overnight|last night|tomorrow"
    rf"|(?:earlier|later) this (?:week|month)|this week|last (?:week|month)|\d+ days ago"
    rf")\b", re.IGNORECASE)
_FUTURE = re.compile(r"\b(?:will|would|might|may|could|next|tomorrow|as early as|expected|plans?)\b", re.I)
# A date after these words is not when the sentence's event happened ("first visit since August").
_NOT_EVENT_DATE = re.compile(r"\b(?:since|until|before|after)\b[^.]{0,160}$", re.IGNORECASE)
# Relative phrases dateparser does not read, as days before the publication date.
_RELATIVE_DAYS = {"overnight": 0, "last night": 1, "tonight": 0, "this week": 0, "earlier this week": 0,
                  "later this week": 0, "earlier this month": 0, "later this month": 0}


@lru_cache(maxsize=4096)
def resolve_phrase(phrase: str, published: dt.date, future: bool = False) -> dt.date | None:
    """The date a phrase names, read against the publication date."""
    phrase = re.sub(r"^(?:on|in|by|during|from|earlier on|late on|early on)\s+", "", phrase.strip(), flags=re.I)
    key = phrase.lower()
    if key in _RELATIVE_DAYS:
        return published - dt.timedelta(days=_RELATIVE_DAYS[key])
    base = dt.datetime.combine(published, dt.time(12))
    settings = {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": "future" if future else "past",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    if parsed is None:
        return None
    date = parsed.date()
    # A bare weekday means the last one on or before publication (the next one in future tense).
    if re.fullmatch(_WEEKDAY, phrase, re.I):
        delta = (published.weekday() - date.weekday()) % 7
        date = published + dt.timedelta(days=(7 - delta) % 7) if future else published - dt.timedelta(days=delta)
    return date


def sentence_date(sentence: str, published: dt.date | None) -> dt.date | None:
    """The date a sentence's event happened: the first date it states, else the publication date."""
    if published is None:
        return None
    for match in _DATE_PHRASE.finditer(sentence):
        if _NOT_EVENT_DATE.search(sentence, 0, match.start()):
            continue
        future = bool(_FUTURE.search(sentence, max(0, match.start() - 60), match.start()) or
                      match.group().lower().startswith("next"))
        date = resolve_phrase(match.group(), published, future)
        if date is not None:
            return date
    return published


def parse_date(value: str | None) -> dt.date | None:
    """A publication date as given in front matter, a CSV field or on the command line."""
    if value is None or not str(value).strip():
        return None
    if isinstance(value, dt.date):
        return value
    parsed = dateparser.parse(str(value), languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first"})
    if parsed is None:
        raise ValueError(f"not a date: {value!r}")
    return parsed.date()

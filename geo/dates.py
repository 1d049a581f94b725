"""Dates a sentence states or implies ("on Wednesday", "in August 2024", "June 27", "last year", "earlier this
week"), resolved against the publication date. A past event is never dated after its report; only a sentence in
the future tense ("a ceasefire may come as early as Thursday") looks forward."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import dateparser

_MONTHS = {name: number for number, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")), start=1) for name in names}
_WEEKDAYS = {name: number for number, name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|" \
         r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR_AFTER = r"(?:,?\s+(?P<year>\d{4})|\s+(?P<last>last|this) year)?"
_DATE_PHRASE = re.compile(
    rf"\b(?:(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})"
    rf"|(?P<dm_day>\d{{1,2}})\s+(?P<dm_month>{_MONTH})\b(?:\s+(?P<dm_year>\d{{4}}))?"
    rf"|(?P<md_month>{_MONTH})\.?\s+(?P<md_day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<md_year>\d{{4}}))?"
    rf"|(?:(?:early|mid|late)[- ])?(?P<my_month>{_MONTH})\s+(?P<my_year>\d{{4}})"
    rf"|(?:(?:in|since|by|during|until|from|early|late|until|through)\s+(?:(?:early|mid|late)[- ])?|mid[- ])"
    rf"(?P<m_month>{_MONTH})\b(?!\s+\d)"
    rf"(?:\s+(?P<m_rel>last|this) year)?"
    rf"|(?P<wd_rel>last|this|next|overnight on|overnight into|overnight to|on|earlier on|late on|early on|by)?\s*\b"
    rf"(?P<weekday>{_WEEKDAY})"
    rf"|(?P<rel>yesterday|today|tonight|overnight|last night|tomorrow|earlier this (?:week|month|year)|"
    rf"later this (?:week|month)|this week|last week|last month|last year|this year|the day before yesterday|"
    rf"(?P<ago>\d+|two|three|four|five|six|seven|eight|nine|ten) (?P<ago_unit>days|weeks) ago)"
    # Counted from the last date stated before them (see sentence_dates); "the day before the attack", "the day before
    # Pietrewicz vanished" are not: "before" ends its clause there, or a conjunction or a preposition follows.
    rf"|(?P<anchored>the (?P<before>day|week) before"
    rf"(?=\s*(?:[,.;:!?)\u2014\u2013-]|$)|\s+(?:and|but|in|on|at|near|from|with|by|when|while|according)\b)|"
    rf"the previous (?P<previous>day|week)|the (?:next|following) day|a (?P<unit>day|week) (?P<way>earlier|later)|"
    rf"(?P<count>\d+|two|three|four|five|six|seven|eight|nine|ten) (?P<count_unit>days|weeks) "
    rf"(?P<count_way>earlier|later))"
    rf")\b", re.IGNORECASE)
# _DATE_PHRASE for ASCII text in lower case: the same pattern, case-sensitive and in lower case (its escapes are
# \b, \d and \s only, its group names in lower case), which finds the same spans there; a case-blind pattern
# compares every letter through its lower case.
_DATE_PHRASE_LOWER = re.compile(_DATE_PHRASE.pattern.lower().replace("(?p<", "(?P<"))
# A cheap look for anything a date phrase needs, before the full pattern runs.
_MAY_HAVE_DATE = re.compile(r"\d|(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|day|week|month|year|night|"
                            r"tomorrow)")
_DATE_WORDS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "day", "week",
               "month", "year", "night", "tomorrow")
_DIGIT = re.compile(r"\d")


def _may_have_date(sentence: str) -> bool:
    """_MAY_HAVE_DATE.search, several times faster on ASCII text (where lower() is what (?i:) compares)."""
    if not sentence.isascii():
        return _MAY_HAVE_DATE.search(sentence) is not None
    if _DIGIT.search(sentence):
        return True
    lower = sentence.lower()
    return any(word in lower for word in _DATE_WORDS)


_PREFIX_WORD_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-")


def _first_possible_start(sentence: str) -> int:
    """Where _DATE_PHRASE's first match can begin at the earliest, on ASCII text: every match holds one of
    _DATE_WORDS or a digit, and before the first of them stand at most two words of its own ("earlier this week",
    "early on Monday", "since March") and spaces, which hold none of them; the scan starts there, not at the
    sentence's start (0 for other text); -1 where no date phrase can be (_may_have_date is false)."""
    if not sentence.isascii():
        return 0 if _MAY_HAVE_DATE.search(sentence) else -1
    lower = sentence.lower()
    digit = _DIGIT.search(sentence)
    first = digit.start() if digit else len(sentence)
    for word in _DATE_WORDS:
        position = lower.find(word, 0, first)
        if position >= 0:
            first = position
    if first == len(sentence):
        return -1
    position = first
    while position and sentence[position - 1] in _PREFIX_WORD_CHARACTERS:
        position -= 1  # the rest of the word the first of them is in ("Mon" of "Monday")
    for _ in range(2):
        while position and sentence[position - 1].isspace():
            position -= 1
        while position and sentence[position - 1] in _PREFIX_WORD_CHARACTERS:
            position -= 1
    while position and sentence[position - 1].isspace():
        position -= 1
    return position


def _phrase_matches(sentence: str, start: int):
    """_DATE_PHRASE.finditer(sentence, start); on ASCII text the spans are found in lower case and each match is then
    made again from the sentence itself, at its span's start (for its groups as written)."""
    if not sentence.isascii():
        yield from _DATE_PHRASE.finditer(sentence, start)
        return
    for found in _DATE_PHRASE_LOWER.finditer(sentence.lower(), start):
        yield _DATE_PHRASE.match(sentence, found.start())


_FUTURE = re.compile(r"\b(?:will|would|might|may|could|next|tomorrow|as early as|expected|plans?)\b", re.I)
# A date after these words is not when the sentence's event happened ("first visit since August").
_NOT_EVENT_DATE = re.compile(r"\b(?:since|until|before|after)\s+(?:the\s+\w+\s+(?:of|in)\s+)?$", re.IGNORECASE)
NOT_EVENT_DATE = re.compile(r"\b(?:since|until|before|after)\b[^.]{0,160}$", re.IGNORECASE)
# Relative phrases as days before the publication date.
_DAYS_IN_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")  # "two days ago"
_RELATIVE_DAYS = {"overnight": 0, "last night": 1, "tonight": 0, "today": 0, "yesterday": 1, "tomorrow": -1,
                  "the day before yesterday": 2,
                  "this week": 0, "earlier this week": 0, "later this week": 0, "earlier this month": 0,
                  "later this month": 0, "earlier this year": 0, "this year": 0, "last week": 7}


# "The day before" counts from a date stated at most this many sentences before it.
ANCHOR_SENTENCES = 3
_NOT_TO_THE_DAY = frozenset(("this week", "last week", "last month", "last year", "this year", "earlier this week",
                             "earlier this month", "earlier this year", "later this week", "later this month"))


@dataclass(frozen=True, slots=True)
class DatePhrase:
    start: int
    end: int
    text: str
    date: dt.date
    anchored: bool = False  # counted from the last date stated before it ("the day before", "a week earlier")
    to_the_day: bool = True  # not "in May", "last week": a date another may be counted from


def _month_date(month: int, year: int | None, relative: str | None, published: dt.date, future: bool,
                day: int = 1) -> dt.date | None:
    if year is None:
        year = published.year - (relative or "").lower().startswith("last")
        if not relative:
            # "in August" in a November report is this August; in a March report, last August (or next, if future)
            candidate = _safe_date(year, month, day)
            if candidate is not None and not future and candidate > published:
                year -= 1
            elif candidate is not None and future and candidate < published.replace(day=1):
                year += 1  # "from September" in a September report is this September
    return _safe_date(year, month, day)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _count_of_days(count: str, unit: str) -> int:
    """"three" "days", "2" "weeks": in days."""
    number = int(count) if count.isdigit() else _DAYS_IN_WORDS.index(count.lower()) + 2
    return number * (7 if unit.lower() == "weeks" else 1)


def _days_after_anchor(g: dict) -> int:
    """How many days an anchored phrase ("the day before", "three days later") lies after its anchor."""
    if g["count"]:
        days = _count_of_days(g["count"], g["count_unit"])
        return days if g["count_way"].lower() == "later" else -days
    days = 7 if (g["before"] or g["previous"] or g["unit"] or "day").lower() == "week" else 1
    backwards = bool(g["before"] or g["previous"]) or (g["way"] or "").lower() == "earlier"
    return -days if backwards else days  # "the next day", "a week later" count forwards


def _resolve(match: re.Match, published: dt.date, future: bool, anchor: dt.date | None = None) -> dt.date | None:
    g = match.groupdict()
    if g["anchored"]:
        return (anchor or published) + dt.timedelta(days=_days_after_anchor(g))
    if g["iso"]:
        try:
            return dt.date.fromisoformat(g["iso"])
        except ValueError:
            return None
    if g["dm_month"] or g["md_month"]:
        month = _MONTHS[(g["dm_month"] or g["md_month"]).lower().rstrip(".")]
        day = int(g["dm_day"] or g["md_day"])
        year = g["dm_year"] or g["md_year"]
        return _month_date(month, int(year) if year else None, None, published, future, day)
    if g["my_month"]:
        return _safe_date(int(g["my_year"]), _MONTHS[g["my_month"].lower()], 1)
    if g["m_month"]:
        return _month_date(_MONTHS[g["m_month"].lower()], None, g["m_rel"], published, future)
    if g["weekday"]:
        weekday = _WEEKDAYS[g["weekday"].lower()]
        relative = (g["wd_rel"] or "").lower()
        if relative == "next" or (future and relative != "last"):
            return published + dt.timedelta(days=(weekday - published.weekday()) % 7 or 7)
        delta = (published.weekday() - weekday) % 7
        if relative == "last" and delta == 0:
            delta = 7
        return published - dt.timedelta(days=delta)
    relative = g["rel"].lower()
    if g["ago"]:
        return published - dt.timedelta(days=_count_of_days(g["ago"], g["ago_unit"]))
    if relative == "last month":
        first = published.replace(day=1) - dt.timedelta(days=1)
        return first.replace(day=1)
    if relative == "last year":
        return dt.date(published.year - 1, 1, 1)
    return published - dt.timedelta(days=_RELATIVE_DAYS[relative])


def date_phrases(sentence: str, published: dt.date, anchor: dt.date | None = None) -> list[DatePhrase]:
    """Every date phrase of a sentence that could date its events, resolved; dates after "since", "until",
    "before" or "after" are left out (they date something else). A phrase counted from another date ("the day
    before") counts from the phrase before it in the sentence, else from anchor, else from the publication date."""
    found: list[DatePhrase] = []
    start = _first_possible_start(sentence)
    if start < 0:  # not _may_have_date(sentence)
        return found
    for match in _phrase_matches(sentence, start):
        text = match.group().strip()
        if not text or _NOT_EVENT_DATE.search(sentence, max(0, match.start() - 40), match.start()) or \
                text.lower().split()[0] in ("since", "until", "by", "through"):
            continue
        future = bool(_FUTURE.search(sentence, max(0, match.start() - 60), match.start()) or
                      text.lower().startswith("next"))
        date = _resolve(match, published, future, next((d.date for d in reversed(found) if d.to_the_day), anchor))
        if date is None:
            continue
        if date > published and not future:
            date = published  # a past event is never dated after its report
        rel = (match.group("rel") or "").lower()
        found.append(DatePhrase(match.start(), match.end(), text, date, bool(match.group("anchored")), not (
            match.group("my_month") or match.group("m_month") or rel in _NOT_TO_THE_DAY)))
    return found


def sentence_dates(sentences: list[str], indices, published: dt.date | None) -> dict[int, tuple[DatePhrase, ...]]:
    """The date phrases of the sentences at these indices. A phrase counted from another date ("Russia claimed the
    village on Tuesday. Ukrainian troops had left it the day before.") counts from the last date the text states
    before it to the day (its sentence's, else the ANCHOR_SENTENCES before it: not "in May last year" three paragraphs
    up), else from the publication date."""
    if published is None:
        return {i: () for i in indices}
    out = {i: tuple(date_phrases(sentences[i], published)) for i in indices}
    if not any(p.anchored for phrases in out.values() for p in phrases):
        return out  # the common case: the sentences are read once
    stated: list[dt.date | None] = []  # each sentence's last date to the day, itself counted so
    for j in range(max(indices) + 1):
        anchor = next((d for d in reversed(stated[max(0, j - ANCHOR_SENTENCES):j]) if d), None)
        phrases = date_phrases(sentences[j], published, anchor)
        stated.append(next((d.date for d in reversed(phrases) if d.to_the_day), None))
        if j in out:
            out[j] = tuple(phrases)
    return out


def resolve_phrase(phrase: str, published: dt.date, future: bool = False) -> dt.date | None:
    """The date one phrase names, read against the publication date."""
    match = _DATE_PHRASE.search(phrase)
    return _resolve(match, published, future) if match else None


def sentence_date(sentence: str, published: dt.date | None) -> dt.date | None:
    """The date a sentence's event happened: the first date it states, else the publication date."""
    if published is None:
        return None
    for phrase in date_phrases(sentence, published):
        if NOT_EVENT_DATE.search(sentence, max(0, phrase.start - 200), phrase.start):
            continue
        return phrase.date
    return published


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(value: str | None) -> dt.date | None:
    """A publication date as given in front matter, a CSV field or on the command line."""
    if value is None or not str(value).strip():
        return None
    if isinstance(value, dt.date):
        return value
    if _ISO_DAY.fullmatch(str(value).strip()):  # the usual form, read without dateparser's locale search
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"not a date: {value!r}") from None
    parsed = dateparser.parse(str(value), languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first"})
    if parsed is None:
        raise ValueError(f"not a date: {value!r}")
    return parsed.date()

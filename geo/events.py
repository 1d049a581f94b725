"""Event reading: who did what to which place, by the grammar of capture.

A sentence is read once into its cues (geo/data/cues.yaml: "captured", "withdrew from", "fell", "came under
artillery fire", ...), each with the side that acts (the subject of its clause, not merely the nearest side
named: "the Russian ministry said Ukrainian troops recaptured ..." gives Ukraine), modality ("would take", "aims
to capture") and the sentence's claimant and status. Each place then takes the cue that governs it: the object
after a capture verb changes hands; a place in a prepositional frame ("towards", "near", "outskirts of", "east
of") is fought over; the subject of "fell" or "came under fire" takes that cue; a region that only contains the
villages, a venue, a dateline, a launch point, a title ("Donetsk governor") or a reference point ("a town near
Bakhmut") keeps a mention. Rules, not a statistical parser: they run at the pipeline's speed (see README).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter
from typing import NamedTuple

from geo.actors import ActorMention, Lexicon
from geo.cues import CueLexicon, CueMatch, default_cues
from geo.dates import NOT_EVENT_DATE, DatePhrase
from geo.eventtypes import CONTROL_CHANGE, FRONTLINE, MENTION, STRIKE
from geo.patterns import first_letter_alternation
from geo.records import Mention, ResolvedMention

CLAIMED, CONTESTED, CONFIRMED, DENIED = "claimed", "contested", "confirmed", "denied"
STATUSES = (CLAIMED, CONTESTED, CONFIRMED, DENIED)

# In this order when two kinds match the same words ("attack" is a strike with a weapon, else fighting).
_EVENT_KINDS = ("gain", "loss", "fall", "hold", "strike", "hit", "suffered", "gray_zone", "frontline")
_KIND_TYPE = {"gain": CONTROL_CHANGE, "loss": CONTROL_CHANGE, "fall": CONTROL_CHANGE, "hold": CONTROL_CHANGE,
              "frontline": FRONTLINE, "suffered": FRONTLINE, "gray_zone": FRONTLINE, "strike": STRIKE,
              "hit": STRIKE}
# Cues whose place stands before them, as their subject ("Ocheretyne fell", "Vyimka came under fire").
_SUBJECT_KINDS = ("fall", "hold", "suffered", "gray_zone")
_SIDE_KINDS = ("name", "demonym", "person", "group")
# Cues whose subject defends: the other side is the one attacking ("Ukrainian forces repelled assaults near X").
_REPELLING = ("repel", "fought off", "fight off", "held off", "hold off", "beat back", "beat off")
_DEFENDING = ("under", *_REPELLING)

_COUNT = re.compile(r"\b(\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a dozen)\s+"
                    r"(?:more\s+|other\s+|small\s+|frontline\s+)?(?:settlements|villages|towns|localities|hamlets)\b"
                    r"(?:\s+in)?(?:\s+the)?\s*$", re.IGNORECASE)
_COUNT_ANYWHERE = re.compile(_COUNT.pattern.rstrip("$").replace(r"(?:\s+in)?(?:\s+the)?\s*", ""), re.IGNORECASE)
_COUNT_OBJECT = re.compile(r"\s+(?:\w+\s+){0,2}?(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                           r"a dozen)\s+(?:more\s+|other\s+|small\s+|frontline\s+)?(?:settlements|villages|towns|"
                           r"localities|hamlets)\b(?!\s+(?:in|of|near|around)\s+(?:the\s+)?(?-i:[A-Z]))", re.I)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "eleven": 11, "twelve": 12, "a dozen": 12}
# Context just before a place that makes it a venue, not a battlefield: "a press conference in Paris".
# ("ministry" only with its preposition: "the Defence Ministry in Moscow", not "the ministry denied that Sudzha ...")
_VENUE = re.compile(r"\b(?:(?:press conference|news conference|conference|meeting|summit|talks|visit|visited|"
                    r"trip|en route|headquarters|embassy|speech|speaking|interview|forum|residence|hosted|"
                    r"reporters|journalists|travell?ed|flew|flying|returned|met)"
                    r"(?: \w+){0,2}\s*(?:in|to|at|from)?|ministry\s+(?:in|at))\s*(?:the\s+)?$", re.IGNORECASE)
# A launch point: "missiles launched from the Belgorod region", "artillery fired from positions near Belgorod".
_LAUNCH = re.compile(r"\b(?:launch\w*|fired|took off|flew in|shot|came)\s+(?:from|out of)\s+"
                     r"(?:(?:positions|territory|airfields?|bases?)\s+(?:near|in|around)\s+)?(?:the\s+)?$", re.I)
# A title or an office named after a place: "Donetsk governor", "the Sumy regional military administration".
_OFFICE_AFTER = re.compile(r"^\s*(?:'s\s+)?(?:regional\s+|city\s+|oblast\s+|region's\s+|military\s+)*"
                           r"(?:governor|mayor|military administration|administration|authorities|council|"
                           r"prosecutors?|police|officials?|garrison|governor's)\b", re.I)
# A capital right after an event verb is the city struck or taken, not its government: "a missile hit Kyiv".
_EVENT_VERB_BEFORE = re.compile(r"\b(?:hits?|struck|strikes?|shell(?:s|ed)|attack(?:s|ed)|bomb(?:s|ed)|pounded|"
                                r"target(?:s|ed)|captured?|took|seized?|encircled?)\s+$", re.I)
_RESIDENTS = re.compile(r"\b(?:residents|people|civilians|citizens|families|children)\s+(?:of|from|in)\s+"
                        r"(?:the\s+)?$", re.I)
_PREPOSITION_BEFORE = re.compile(r"\b(?:in|into|to|from|near|around|outside|towards?|of|at|on|across|"
                                 r"through|over|inside|within|for)\s+(?:the\s+)?$", re.IGNORECASE)
_DIRECTION = re.compile(r"\b(?:(?:north|south)(?:-?(?:east|west))?|east|west)(?:ern)?\s+(?:of|from)\s+"
                        r"(?:the\s+)?$", re.IGNORECASE)
# "in the", "in Ukraine's", "in eastern Ukraine's", "in the southern"
_CONTAINER = re.compile(r"\b(?:in|inside|within|across)\s+(?:the\s+)?(?:(?:north|south|east|west|central|north-?east|"
                        r"north-?west|south-?east|south-?west)(?:ern)?\s+)?(?:\w+['’]s\s+)?$", re.I)
# What may stand between a place and the cue it is the subject of ("Pokrovsk and Myrnohrad were nearly encircled").
_SUBJECT_GAP = re.compile(r"^(?:[\s,]|\b(?:and|or|the|village|town|city|settlement|of|is|was|were|are|has|have|"
                          r"had|been|being|be|will|would|could|may|might|soon|remains?|remained|now|nearly|almost|still|"
                          r"reportedly|fully|largely|also|in|at|itself|as|listed|marked|shown)\b)*$", re.I)
# An appositive between a place and its verb: "Pokrovsk, a logistics hub, came under attack".
_APPOSITIVE = re.compile(r",[^,;.]{1,50},")
_PASSIVE_BEFORE = re.compile(r"\b(?:is|was|were|are|been|being|be)\s+(?:\w+ly\s+)?$", re.I)
_PRONOUN_OBJECT = re.compile(r"\s*(?:of\s+|over\s+|in\s+)?(?:it|there|the\s+(?:town|city|village|settlement))\b"
                             r"(?!\s+of\b)", re.I)
_WITH_WEAPON = re.compile(r"^[^.;]{0,40}?\b(?:with|by)\b", re.I)  # "attacked with drones", "hit by a drone"


class _KeywordGate:
    """A case-blind pattern whose every match holds one of `words`: on ASCII text it is searched only where one of
    them stands, as a look in lower case says much more cheaply than the pattern's scan; other text is always
    searched. Used for the patterns searched over a window before each place or cue."""

    __slots__ = ("pattern", "words")

    def __init__(self, pattern: re.Pattern, words: tuple[str, ...]):
        self.pattern, self.words = pattern, words

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
        endpos = len(text) if endpos is None else endpos
        window = text[pos:endpos]
        if window.isascii() and not self._holds_a_word(window.lower()):
            return None
        return self.pattern.search(text, pos, endpos)

    def search_whole(self, text: str, lowered: str | None) -> re.Match | None:
        """search(text), given text.lower() when text is ASCII (else None)."""
        if lowered is not None and not self._holds_a_word(lowered):
            return None
        return self.pattern.search(text)

    def _holds_a_word(self, lowered: str) -> bool:
        for word in self.words:  # a loop, not any(): no generator per call  # noqa: SIM110
            if word in lowered:
                return True
        return False


_VENUE_GATE = _KeywordGate(_VENUE, (
    "conference", "meeting", "summit", "talks", "visit", "trip", "en route", "headquarters", "embassy", "speech",
    "speaking", "interview", "forum", "residence", "hosted", "reporters", "journalists", "travel", "flew", "flying",
    "returned", "met", "ministry"))
_LAUNCH_GATE = _KeywordGate(_LAUNCH, ("from", "out of"))
_RESIDENTS_GATE = _KeywordGate(_RESIDENTS, ("residents", "people", "civilians", "citizens", "families", "children"))
_SUBJECT_REACH, _ANAPHORA_REACH, _OBJECT_REACH, _LOOK_BACK = 200, 300, 400, 300
_OBJECT_OF_PREPOSITION = re.compile(r"\b(?:from|of|against|with|to|at|on|in|into|over)\s+(?:the\s+)?$", re.I)
_SAID_AFTER = re.compile(r"\s*(?:'s\s+\w+\s+)?(?:said|says)\b")
_BOUNDARY = re.compile(r";|,\s+(?:and|but|while|whereas)\b|\band that\b|\bwhile\b|\bbut\b", re.I)


def _lowercase_twin(words: tuple[str, ...], after: str) -> re.Pattern:
    r"""\b(?:word|word|...)after, case-blind, as a case-sensitive pattern for ASCII text in lower case (the same offsets
    and matches) that the regex engine can skip to (see geo/patterns.py). words: regex fragments that begin with a
    lower-case letter."""
    return re.compile(first_letter_alternation(words) + after)


def _case_blind(words: tuple[str, ...], after: str) -> tuple[re.Pattern, re.Pattern]:
    r"""\b(?:word|word|...)after, case-blind, and its lower-case twin, made from one list so that they never drift
    apart."""
    return re.compile(r"\b(?:" + "|".join(words) + ")" + after, re.I), _lowercase_twin(words, after)


# Case-blind patterns and their twins for ASCII text in lower case (see _lowercase_twin and _lowered).
_CLAIM, _CLAIM_LOWER = _case_blind((
    "said", "says", "stated", "states", "claimed", "claims", "reported", "reports", "revealed", "reveals", "announced",
    "noted", "remarked", "commented", "shared", "told", "wrote", "posted", "indicated", "insisted", "added",
    "assessed", "confirmed", "conceded", "admitted", "acknowledged", "expressed", "according to", "showed", "shows",
    "denied", "dismissed", "rejected", "refuted"),
    r"\b")
_SPEECH_THAT, _SPEECH_THAT_LOWER = _case_blind((
    "said", "says", "stated", "claimed", "reported", "revealed", "announced", "assessed", r"told \w+", "confirmed",
    "conceded", "admitted", "acknowledged", "denied", "insisted", "added"), r"\s+(?:on \w+\s+)?(?:that\s+)?")
_BOUNDARY_LOWER = re.compile(r";|,\s+(?:and|but|while|whereas)\b|a(?<!\w.)nd that\b|w(?<!\w.)hile\b|b(?<!\w.)ut\b")


_POSSESSIVE_FORCES, _POSSESSIVE_FORCES_LOWER = _case_blind(("its", "his", "her", "their", "our"), (
    r"\s+(?:own\s+)?(?:troops|forces|units|soldiers|army|military|fighters|brigades|defenders|men)\b"))
_SPEAKER_PRONOUN, _SPEAKER_PRONOUN_LOWER = _case_blind(("it", "we", "they"), r"\b(?=(?:\s+\w+){0,2}\s*$)")
_RELATIVE, _RELATIVE_LOWER = _case_blind(("that", "which", "who", "whom"),
                                         r"\b(?:(?!\b(?:said|says|reported|claimed)\b)[^,;]){0,45}$")


def _lowered(sentence: str, pattern: re.Pattern, twin: re.Pattern) -> tuple[str, re.Pattern]:
    """(text, pattern) to search: ASCII text in lower case with the pattern's lower-case twin, other text as it is."""
    return (sentence.lower(), twin) if sentence.isascii() else (sentence, pattern)
# A purpose: what forces are sent or deployed to do has not happened ("deploying units to ... transition the
# fighting into the Sumy and Kharkiv territories").
_PURPOSE = re.compile(r"\b(?:deploy\w*|send\w*|sent|mass\w*|concentrat\w*|brought|bring\w*|transferr?\w*|"
                      r"redeploy\w*|gather\w*)\b[^.;]{0,80}?\bto\s+(?:[a-z]+\b[^.;]*)?$", re.I)
_PURPOSE_GATE = _KeywordGate(_PURPOSE, ("deploy", "send", "sent", "mass", "concentrat", "brought", "bring", "transfer",
                                        "gather"))
_DATELINE = re.compile(r"^\s*(?:[—–-]|\(\w+\)\s*[—–-]|,\s+\w+\.?\s+\d{1,2}\b)")
# Compiled once here rather than looked up in re's cache at each call (they run per cue, per side or per place).
_PRONOUN = re.compile(r"\b(?:he|she|they)\b", re.I)
_WHAT_CAME = re.compile(r"(?:\s+[\w-]+){1,4}")
_OWN_WORD = re.compile(r"\b(?:its|their|our)\b", re.I)
_BY_AFTER = re.compile(r"\s*by\b")
_CLAUSE_MARK = re.compile(r"[,;]")
_VOICE_AFTER = re.compile(r"(?:'s)?(?:\s+[a-z]+){0,2}\s+(?:said|says|claimed|reported|announced|admitted|conceded|"
                          r"acknowledged|confirmed|denied|told)\b")
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:the\s+)?$")
_TOLD_BEFORE = re.compile(r"\btold\s+$")
_APPROACH_BEFORE = re.compile(r"\b(?:towards?|closer to|near|outskirts of|approaches to|around|direction of|"
                              r"on the flanks of|on the edge of|close to)\s+(?:the\s+)?$", re.I)
_IN_BEFORE = re.compile(r"\bin\s+(?:the\s+)?$", re.I)
_NEAR_GAP = re.compile(r"[\s,]*(?:(?:an?|the)\s+[\w\s'-]{0,40}?)?\s*(?:near|outside|close to|not far from|"
                       r"next to|beside)\s+(?:the\s+)?", re.I)
_LAST_WORD = re.compile(r"(\w+)\W*$")
_STOP_OR_SAID = re.compile(r"[.;,]|\bsaid\b")
_BANK_AFTER = re.compile(r"\s+bank\b", re.I)
# A date that dates the report of the sentence's events: "the brigade said on Sunday"
_SAID_BEFORE = re.compile(r"\b(?:said|says|reported|announced|claimed|stated|wrote|confirmed)\s+$", re.I)
_DENIAL_BEFORE = re.compile(r"\b(?:denied|denies|dismissed|rejected|refuted)\b[^.;]*$", re.I)
# What a denial is about: "the Russian statement about Kurakhove", "claims of the capture of Toretsk"
_CLAIM_ABOUT = re.compile(r"\b(?:claims?|statements?|reports?)\s+(?:about|of|on|regarding|concerning)\s+(?:the\s+)?"
                          r"(?:(?:capture|fall|seizure|liberation)\s+of\s+)?$", re.I)
# "had claimed Pishchane in late December", "claims Toretsk.": a place claimed bare, its capture claimed
_CLAIMED = re.compile(r"\bclaim(?:s|ed)\s+(?:(?:the\s+)?(?:village|town|city|settlement)\s+of\s+)?$", re.I)
_CLAIMED_AFTER = re.compile(r"\s*(?:[.;,]|$|(?:and|in|on|last|earlier|this|two|three|a\s+week)\b)", re.I)
# "Its capture opens the way toward Svatove": the capture's place is the one before
_POSSESSOR_BEFORE = re.compile(r"\b(?:its|their)\s+$", re.I)
# "Lyman had been under Russian control since late May": the state before the change the text reports
_PLUPERFECT_BEFORE = re.compile(r"\bhad\s+(?:\w+ly\s+)?been\s+$", re.I)
_LEAVE = ("left", "leave", "leaves", "leaving")
# "freight rates had fallen by a third", "output to fall sharply": a number falls, not a town
_FALL_OF_A_NUMBER = re.compile(r"\s+(?:by|below|sharply|steeply|further)\b", re.I)
# "occupied by Russian troops since March 2022": held since then, not taken on the report's day
_SINCE_SOON_AFTER = re.compile(r"[^.;]{0,40}?\bsince\b", re.I)
_PLACE_OR_PART = re.compile(r"\s+(?:place|part|into\s+custody|prisoner|hostage|captive)\b", re.I)
# A place after "the border with" marks where, it is not taken: "the road towards the regional border with
# Dnipropetrovsk"
_BORDER_BEFORE = re.compile(r"\bborders?\s+(?:with|of)\s+(?:the\s+)?$", re.I)
# A unit's name that holds a cue word: "the 3rd Assault Brigade", "the 5th Separate Assault "Kyiv" Brigade"
_UNIT_NAME_AFTER = re.compile(r"\s+(?:[\"“][^\"”]{1,30}[\"”]\s+)?(?:Brigade|Battalion|Regiment|Corps|Division|Group|"
                              r"Company|Detachment)\b")
# "left without a ceasefire", "left for Kyiv", "left behind": no place given up
_LEFT_OTHERWISE = re.compile(r"\s+(?:without|with|for|after|before|behind|over|early|empty|alone|open|in place)\b",
                             re.I)
# "attack drones", "attack helicopters": a kind of weapon, not an attack
_WEAPON_AFTER_ATTACK = re.compile(r"\s+(?:drones?|helicopters?|aircraft|jets?|UAVs?|boats?|planes?)\b", re.I)
# Where drones or missiles came from, not what they hit: "launched from Bryansk", "from the occupied plant at Enerhodar"
_LAUNCHED_FROM = re.compile(r"\bfrom\s+(?:(?:the|an?)\s+)?(?:occupied\s+)?(?:(?:[\w'’-]+\s+){0,6}?(?:at|in|near)\s+"
                            r"(?:the\s+)?)?$", re.I)
_ORIGIN_JOIN = re.compile(r"(?:,\s+(?:and\s+)?|\s+and\s+|\s+(?:at|in|near)\s+(?:the\s+)?)")
# The subject's next verb after an aside: "The fleet, which lost the cruiser Moskva in 2022, has moved its vessels
# from Sevastopol": what was lost is behind it
_NEXT_VERB = re.compile(r",\s+(?:has|have|had)\s+(?:\w+ly\s+)?\w+(?:ed|en|wn|t)\b", re.I)
# A change of hands' object that is no place ("would take the offer to Moscow"): a noun, then "to" or "for"
_OTHER_OBJECT = re.compile(r"\s+(?:the|an?|his|her|its|their|this|that)\s+[\w'’-]+(?:\s+[\w'’-]+)?\s+(?:to|for)\s+"
                           r"(?:the\s+)?", re.I)
# A place's precision or scale that makes it an area containing places, not a place taken itself.
_AREA_SCALES = ("region", "district", "community")
_AND_BEFORE = re.compile(r"\band\s+(?:then\s+|later\s+)?$", re.I)
# A region that opens its sentence sets the scene: "In Luhansk region, Russian troops captured ...".
_SCENE_SETTING = re.compile(r"\s*(?:in|across)\s+(?:the\s+)?", re.I)
# "occupied" as an adjective: after a preposition or an article ("in occupied Crimea", "the occupied city of").
_ADJECTIVE_PLACE = re.compile(r"\b(?:in|of|from|to|at|near|the|across|into|over|on|around|within)\s+$", re.I)
# A confirmation the sentence says is missing: "ISW has not observed confirmation", "has not been verified".
_UNCONFIRMED = re.compile(r"\b(?:not|no|without|yet to)\s+(?:[\w'’-]+\s+){0,3}?(?:confirm|verif|observed|geolocat)",
                          re.I)


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue of a sentence, with the sides it gives."""

    kind: str
    start: int
    end: int
    text: str
    event_type: str
    actor: str = ""
    opponent: str = ""
    modal: bool = False  # "would take", "will soon be freed", "tried to take": not yet a change of hands
    attempted: bool = False  # "tried to storm": fought for at a settlement, only aimed at in a region
    side_guessed: bool = False  # a strike whose sides come from the context, not from its sentence
    aim: bool = False  # "trying to push into", "delay the capture of", "have not captured": not where it happens
    relative: bool = False  # in a relative clause ("the village that Ukrainian forces recaptured last year")
    claimant: str | None = None  # who says this clause, when a claim verb stands before it ("Moscow said its ...")
    voice_side: str | None = None  # the side of that voice


@dataclass(frozen=True, slots=True)
class SentenceFrame:
    """What one sentence says, before any place is attached; `for_mention` narrows it to one place."""

    event_type: str = MENTION
    actor: str = ""
    opponent: str = ""
    status: str = ""
    claimed_by: str = ""
    settlements_count: int | None = None
    actors: tuple[str, ...] = ()
    # Who "he said" in the next sentence refers to: the claimant, else the last person named.
    speaker: str = ""
    cues: tuple[Cue, ...] = ()
    strength: float = 0.9  # how sure the cue is: modal or hedged statements are weaker
    cue: str = ""  # the words that decided the event
    date: dt.date | None = None
    speaker_side: str = ""  # the side whose voice the sentence reports ("Moscow said", "Syrski said")
    independent: bool = False  # the claimant is a source that takes no side (Deep State, ISW)
    contested: bool = False  # fighting inside, partial control, the gray zone
    denied: bool = False
    confirmed: bool = False  # a second voice ("conceded", "confirmed")
    unconfirmed: bool = False  # the sentence says the confirmation is missing ("ISW has not confirmed the claim")
    contests_previous: bool = False  # "fighting was still going on in the town": the last change is contested
    denies_previous: bool = False  # "Kyiv denied this.": the last change is denied
    confirms_previous: bool = False  # "Ukrainian officials acknowledged the loss.": confirmed, by its speaker
    side_guessed: bool = False  # the event's sides come from the context, not from its sentence (Cue.side_guessed)
    headline: bool = False

    @property
    def territorial(self) -> bool:
        """Whether the sentence speaks of ground taken or fought over."""
        return any(c.event_type in (CONTROL_CHANGE, FRONTLINE) for c in self.cues)


_FRAME_FIELDS = tuple(f.name for f in fields(SentenceFrame))
_FRAME_POSITION = {name: i for i, name in enumerate(_FRAME_FIELDS)}
_frame_values = attrgetter(*_FRAME_FIELDS)


def _frame_with(frame: SentenceFrame, **changes) -> SentenceFrame:
    """dataclasses.replace for a frame, without its per-call walk over the fields' definitions (frames are
    copied once or twice per place)."""
    values = list(_frame_values(frame))
    for name, value in changes.items():
        values[_FRAME_POSITION[name]] = value
    return SentenceFrame(*values)


class SentenceReading(NamedTuple):
    """What a sentence says before a context side is given to its cues (EventClassifier.read): read once, framed
    again when the document's side is known. (A named tuple: one is made per sentence.)"""

    sentence: str
    last_speaker: str
    headline: bool
    actors: list[ActorMention]
    sides: tuple[str, ...]
    claimed_by: str
    speaker_side: str
    persons: list[str]
    found: dict[str, list[CueMatch]]


@dataclass(frozen=True, slots=True)
class Neighbour:
    """Another place named in the same sentence (offsets within the sentence)."""

    start: int
    end: int
    precision: str
    only_named: bool = False


_COUNT_NOUNS = ("settlements", "villages", "towns", "localities", "hamlets")


def _count(text: str) -> int | None:
    # Both patterns need one of the nouns: on ASCII text a look in lower case rules most sentences out cheaply.
    if text.isascii():
        lowered = text.lower()
        if not any(noun in lowered for noun in _COUNT_NOUNS):
            return None
    match = _COUNT.search(text) or _COUNT_ANYWHERE.search(text)
    if not match:
        return None
    word = match.group(1).lower()
    return int(word) if word.isdigit() else _NUMBERS[word]


@dataclass
class EventClassifier:
    lexicon: Lexicon
    cue_lexicon: CueLexicon = field(default_factory=default_cues)

    # ---- the sentence ---------------------------------------------------------------------------------------
    def frame(self, sentence: str, last_speaker: str = "", context_side: str = "", headline: bool = False,
              reading: SentenceReading | None = None) -> SentenceFrame:
        """What a sentence says; a headline drops its auxiliaries ("Robotyne retaken", "Russia claims Soledar").
        reading: read(sentence, last_speaker, headline), when the sentence was read before (a sentence framed again
        with another context side)."""
        if reading is None or (reading.sentence, reading.last_speaker, reading.headline) != (
                sentence, last_speaker, headline):
            reading = self.read(sentence, last_speaker, headline)
        actors, sides, claimed_by = reading.actors, reading.sides, reading.claimed_by
        speaker_side, persons, found = reading.speaker_side, reading.persons, reading.found
        cues = self._cues(sentence, found, actors, speaker_side, context_side)
        if found.get("denied"):
            cues = self._denied_falls(sentence, cues, speaker_side)
        contested = bool(found.get("contested") or found.get("gray_zone"))
        changes = [c for c in cues if c.event_type == CONTROL_CHANGE and not c.modal and not c.aim]
        independent = bool(claimed_by) and self.lexicon.kind_of(claimed_by) in ("source", None) \
            and claimed_by in self.lexicon.source_names and not self.lexicon.source_sides.get(claimed_by)
        denied, confirmed = bool(found.get("denied")), bool(found.get("confirmed"))
        unconfirmed = bool(_UNCONFIRMED.search(sentence))  # "ISW has not confirmed the claim": a claim still
        lead = next((c for c in cues if c.event_type == CONTROL_CHANGE and not c.modal and not c.aim), None) or \
            next((c for c in cues if not c.aim), None)
        # The frame is made once, with its lead cue's fields (a sentence's frame is the hottest record made).
        lead_fields = {} if lead is None else {
            "event_type": lead.event_type, "actor": lead.actor, "opponent": lead.opponent, "cue": lead.text,
            "status": self._status_of(denied, contested, speaker_side, independent, confirmed, lead, unconfirmed)
            if lead.event_type == CONTROL_CHANGE else "",
            "settlements_count": _count(sentence) if lead.event_type == CONTROL_CHANGE else None}
        return SentenceFrame(
            claimed_by=claimed_by, actors=sides, cues=tuple(cues), speaker_side=speaker_side,
            speaker=claimed_by or (persons[-1] if persons else last_speaker), independent=independent,
            contested=contested, denied=denied, confirmed=confirmed, unconfirmed=unconfirmed, headline=headline,
            contests_previous=contested and not changes, denies_previous=denied and not changes,
            confirms_previous=confirmed and not denied and not unconfirmed and not changes, **lead_fields)

    def _denied_falls(self, sentence: str, cues: list[Cue], speaker_side: str) -> list[Cue]:
        """"Kyiv denied that Kotlyne had fallen" (or "had been captured"): a side denies its own loss, so the fall it
        denies is its adversary's gain (not its own, nor nobody's). The denier: the voice before the cue, else the
        sentence's speaker."""
        out = []
        for cue in cues:
            denier = cue.voice_side or speaker_side
            gainer = self.lexicon.adversary(denier) if denier else ""
            passive = cue.kind == "gain" and _PASSIVE_BEFORE.search(sentence, max(0, cue.start - 20), cue.start)
            if gainer and ((cue.kind == "fall" or passive) and cue.actor in ("", denier)
                           or cue.kind == "gain" and cue.actor == denier
                           and _DENIAL_BEFORE.search(sentence, max(0, cue.start - 80), cue.start)):
                # "Kyiv denied that Kamianske had been captured", "Syrskyi denied Russian claims of the capture of X"
                cue = replace(cue, actor=gainer, opponent=denier)
            out.append(cue)
        return out

    def read(self, sentence: str, last_speaker: str = "", headline: bool = False) -> SentenceReading:
        """What frame() reads of a sentence before its cues are given sides: its actors, claimant and cue words."""
        actors = self.lexicon.find(sentence)
        sides = tuple(dict.fromkeys(a.actor for a in actors if a.kind in _SIDE_KINDS))
        claimed_by = self._claimant(sentence, actors) or (
            last_speaker if last_speaker and _CLAIM.search(sentence)
            and _PRONOUN.search(sentence) else "")
        speaker_side = self.lexicon.side_of(claimed_by) or self._voice_side(sentence, actors)
        if not speaker_side and last_speaker and any(a.kind == "enemy" for a in actors):
            speaker_side = self.lexicon.side_of(last_speaker)  # "the enemy attacked", in the General Staff's report
        persons = [self._canonical(a) for a in actors if a.kind == "person"]
        found = self.cue_lexicon.scan(sentence)
        if headline:
            found = _headline_cues(sentence, found)
        return SentenceReading(sentence, last_speaker, headline, actors, sides, claimed_by, speaker_side, persons,
                               found)

    def _cues(self, sentence: str, found: dict, actors: list[ActorMention], speaker_side: str,
              context_side: str) -> list[Cue]:
        kept = self.cue_lexicon.first_of(found, _EVENT_KINDS)
        if not kept:
            return []
        weapons = found.get("weapons", [])
        cues: list[Cue] = []
        absorbed_until = -1
        for match in kept:
            if match.start < absorbed_until or match.text.lower() == "left" and _BANK_AFTER.match(sentence, match.end):
                continue  # "the left bank of the Dnipro" is a river's bank, not troops leaving
            if match.text.lower() == "attack" and _WEAPON_AFTER_ATTACK.match(sentence, match.end) \
                    or match.text.lower() in _LEAVE and _LEFT_OTHERWISE.match(sentence, match.end) \
                    or match.kind == "fall" and _FALL_OF_A_NUMBER.match(sentence, match.end) \
                    or match.text.lower() == "occupied" and _SINCE_SOON_AFTER.match(sentence, match.end) \
                    or match.text[0].isupper() and _UNIT_NAME_AFTER.match(sentence, match.end) \
                    or match.text.lower().startswith(("tak", "took")) and _PLACE_OR_PART.match(sentence, match.end) \
                    or match.kind == "hold" and _PLUPERFECT_BEFORE.search(sentence, max(0, match.start - 20),
                                                                          match.start):
                # "Shahed-type attack drones": the weapon; "left without a deal", "leave for Dnipro"; "output to fall by
                # half"; "occupied ... since March 2022": a state; "the 3rd Assault Brigade": a unit;
                # "fighting is taking place in", "took part in", "taken into custody"; "had been under Russian
                # control": a state before
                continue
            if match.text.lower() == "occupied" and _ADJECTIVE_PLACE.search(sentence, max(0, match.start - 12),
                                                                               match.start):
                continue  # "in occupied Melitopol": who holds it, long since, not a capture
            kind, event_type = match.kind, _KIND_TYPE[match.kind]
            if kind == "fall" and match.text.lower().startswith("fell") and any(
                    self._clause_start(sentence, match.start) <= w.start < match.start for w in weapons):
                kind, event_type = "strike", STRIKE  # "a drone fell on an industrial site": no town fell
            clause = None  # where the cue's clause begins, measured once for the rules below and its sides
            if kind == "suffered":
                # "came under heavy drone attack": what it came under is part of the cue
                phrase = _WHAT_CAME.match(sentence[match.end:])
                if phrase:
                    absorbed_until = match.end + phrase.end()
                    match = CueMatch(kind, match.start, absorbed_until, sentence[match.start:absorbed_until])
                    if any(match.start <= w.start < absorbed_until for w in weapons) and not re.search(
                            r"\bartillery\s+fire\b|\bfire\b", match.text, re.I):
                        event_type = STRIKE
            if kind == "hit":
                clause = self._clause_start(sentence, match.start)
                armed = any(clause <= w.start < match.start for w in weapons) or (
                    _WITH_WEAPON.search(sentence[match.end:]) and any(
                        match.end <= w.start <= match.end + 60 for w in weapons))
                if armed:
                    event_type = STRIKE
                elif match.text.lower().startswith("attack"):
                    kind, event_type = "frontline", FRONTLINE
                else:
                    continue
            elif kind == "frontline" and match.text.lower().startswith("attack") and weapons:
                clause = self._clause_start(sentence, match.start)
                if any(clause <= w.start < match.start for w in weapons):
                    event_type = STRIKE
            voice = self._voice_before(sentence, actors, match.start)
            voiced = voice[1] if voice else speaker_side
            actor, opponent = self._sides(sentence, actors, match, kind, voiced, cues, "", clause)
            if not actor and event_type == STRIKE:  # "a guided bomb hit a residential building": its side's weapon
                actor = self._weapon_side(actors, clause if clause is not None else 0, match.end + 60)
                opponent = self.lexicon.adversary(actor)
            # a strike's sides guessed from the context, or taken from a cue before it whose sides were
            inherited = bool(cues) and cues[-1].side_guessed and actor == cues[-1].actor
            side_guessed = event_type == STRIKE and (not actor and bool(context_side) or inherited)
            if not actor and context_side:  # no side in its sentence: the context's (the sentence before's, the text's)
                actor, opponent = self._sides(sentence, actors, match, kind, voiced, cues, context_side, clause)
            attempted = kind != "hold" and self._governed_by(sentence, found.get("attempt", ()), match.start)
            cues.append(Cue(kind, match.start, match.end, match.text, event_type, actor, opponent,
                            modal=attempted or self._governed_by(sentence, found.get("modal", ()), match.start),
                            attempted=attempted,
                            aim=self._governed_by(sentence, found.get("aim", ()), match.start, reach=45)
                            or bool(_PURPOSE_GATE.search(sentence, max(0, match.start - 200), match.start))
                            or kind != "hold" and self._governed_by(sentence, found.get("negated", ()), match.start),
                            relative=_in_relative_clause(sentence, match.start), side_guessed=side_guessed,
                            claimant=voice[0] if voice else None, voice_side=voice[1] if voice else None))
        return cues

    @staticmethod
    def _weapon_side(actors: list[ActorMention], start: int, end: int) -> str:
        """The side of the weapon named between start and end, when only one side's weapons are."""
        sides = {a.actor for a in actors if a.kind == "weapon" and start <= a.start < end}
        return sides.pop() if len(sides) == 1 else ""

    def _voice_before(self, sentence: str, actors: list[ActorMention], position: int) -> tuple[str, str] | None:
        """(claimant, side) of the claim verb just before a cue ("Moscow said its troops ..."), if one stands
        there; the claimant is a person or a source, never a capital standing for its government."""
        text, speech = _lowered(sentence, _SPEECH_THAT, _SPEECH_THAT_LOWER)
        verbs = list(speech.finditer(text, max(0, position - 120), position))
        verbs = [m for m in verbs if position - m.end() <= 80]
        if not verbs:
            return None
        verb = verbs[-1]
        speakers = [a for a in actors if a.end <= verb.start() and verb.start() - a.end <= 40]
        if not speakers:
            return None
        speaker = speakers[-1]
        if speaker.kind in ("person", "source"):
            name = self._canonical(speaker)
            return name, self.lexicon.side_of(name)
        return "", self._side(speaker, "")

    @staticmethod
    def _governed_by(sentence: str, matches, position: int, reach: int = 30) -> bool:
        """Whether a modal ("would", "could") or an aim ("trying to", "delay the capture of") stands just before."""
        for match in matches:
            if position - reach <= match.start <= position and match.end <= position + 20 and not _STOP_OR_SAID.search(
                    sentence[match.end:position]):
                return True
        return False

    @staticmethod
    def _clause_start(sentence: str, position: int) -> int:
        """Where the clause of a cue begins: after the last "said (that)", ";", ", and", ", but", "while"."""
        start = max(0, position - _LOOK_BACK)
        ascii_text = sentence.isascii()
        text = sentence.lower() if ascii_text else sentence
        patterns = (_SPEECH_THAT_LOWER, _BOUNDARY_LOWER) if ascii_text else (_SPEECH_THAT, _BOUNDARY)
        for pattern in patterns:
            for match in pattern.finditer(text, start, position):
                start = max(start, match.end())
        return start

    def _sides(self, sentence: str, actors: list[ActorMention], cue, kind: str, speaker_side: str,
               earlier: list[Cue], context_side: str, clause: int | None = None) -> tuple[str, str]:
        """(gainer or attacker, loser or target) of one cue, from its clause's subject (clause: where the clause
        begins, if measured already)."""
        if clause is None:
            clause = self._clause_start(sentence, cue.start)
        subject = self._subject(sentence, actors, clause, cue.start, speaker_side, earlier)
        after = self._side_after(sentence, actors, cue.end, speaker_side)
        in_cue = self._side_within(actors, cue.start, cue.end)
        # the cue before, not one in a relative clause ("near Robotyne, which Ukraine recaptured in August, and
        # attacked near Verbove": Russia attacked)
        previous = next((c for c in reversed(earlier) if not c.relative), None)
        if kind == "gray_zone":
            return "", ""
        if kind == "hold" and _OWN_WORD.search(cue.text):
            in_cue = in_cue or speaker_side  # "Mariupol was under its full control", said by Moscow
        if kind in ("fall", "hold"):
            gainer = in_cue or (after if kind == "fall" else "") or subject or (
                previous.actor if previous else "") or context_side
            return gainer, self.lexicon.adversary(gainer)
        if kind == "loss":
            # A side that says troops withdrew speaks of its own ("Ukraine's group said it had ordered troops to
            # withdraw from Vuhledar"), when the clause names no side.
            loser = subject or (self.lexicon.adversary(previous.actor) if previous and previous.actor else "") \
                or speaker_side
            if not loser:
                gainer = context_side
                return gainer, self.lexicon.adversary(gainer)
            return self.lexicon.adversary(loser), loser
        if previous and previous.text.lower().startswith(_DEFENDING) and 0 <= cue.start - previous.end <= 16:
            return previous.actor, previous.opponent  # "repelled several assaults": the assaults are the attacker's
        passive = _PASSIVE_BEFORE.search(sentence, max(0, cue.start - 20), cue.start) is not None
        if cue.text.lower().startswith(_REPELLING) and passive and subject:
            return subject, self.lexicon.adversary(subject)  # "Ukrainian attempts to break through were repelled"
        if kind == "suffered" or cue.text.lower().startswith(_DEFENDING) or (kind in ("hit", "strike") and passive):
            # The subject is the target: "Ukrainian troops were under heavy pressure near Sudzha".
            target = subject
            attacker = self.lexicon.adversary(target) if target else (after or context_side)
            return attacker, target or self.lexicon.adversary(attacker)
        actor = subject or (previous.actor if previous and previous.start >= clause - 80 else "") or \
            (after if kind == "gain" and _BY_AFTER.match(sentence[cue.end:]) else "") or context_side
        if kind != "gain":  # "crossed the border from Belarus": where they came from, not whom they fight
            return actor, self.lexicon.adversary(actor)
        return actor, self._opponent(sentence, actors, cue.end, actor, speaker_side)

    def _subject(self, sentence: str, actors: list[ActorMention], clause: int, position: int,
                 speaker_side: str, earlier: list[Cue] = ()) -> str:
        """The side acting in a clause: the nearest side named before the cue in its clause, where the speaker's
        "its troops" counts as the speaker's side; a side that only speaks ("Moscow said") or that follows "from"
        is not the subject."""
        candidates = []
        recent_ends = set()
        for cue in reversed(earlier):
            if cue.end < clause - 5:
                break
            recent_ends.add(cue.end)
        for mention in actors[bisect_left(actors, clause, key=lambda a: a.start):]:
            if mention.end > position:
                break
            if _OBJECT_OF_PREPOSITION.search(sentence, max(0, mention.start - 12), mention.start):
                continue
            if any(mention.start - gap in recent_ends for gap in range(6)):
                continue  # the object of an earlier verb: "stormed Ukrainian positions and advanced"
            if _CLAIM.match(sentence, mention.end + 1) or _SAID_AFTER.match(sentence, mention.end):
                continue
            side = self._side(mention, speaker_side)
            if side:
                candidates.append((mention.start, side))
        if speaker_side:  # "its troops", "it retook": the speaker's side, so only looked for when there is one
            text, forces = _lowered(sentence, _POSSESSIVE_FORCES, _POSSESSIVE_FORCES_LOWER)
            for match in forces.finditer(text, clause, position):
                candidates.append((match.start(), speaker_side))
            pronoun = (_SPEAKER_PRONOUN_LOWER if forces is _POSSESSIVE_FORCES_LOWER else _SPEAKER_PRONOUN).search(
                text, clause, position)
            if pronoun and len(sentence[pronoun.end():position].split()) <= 2:
                # "the ministry said it retook a dozen villages"; but "handing Russia its biggest gain since it
                # captured Bakhmut", said in Kyiv: the side named just before
                named = [c for c in candidates if c[0] < pronoun.start()]
                candidates.append((pronoun.start(), max(named)[1] if named else speaker_side))
        return max(candidates)[1] if candidates else ""

    def _side_after(self, sentence: str, actors: list[ActorMention], position: int, speaker_side: str) -> str:
        for mention in actors[bisect_left(actors, position, key=lambda a: a.start):]:
            if mention.start > position + 40:
                break
            if not _CLAUSE_MARK.search(sentence[position:mention.start]):
                side = self._side(mention, speaker_side)
                if side:
                    return side
        match = _POSSESSIVE_FORCES.search(sentence, position, position + 40)
        if match and speaker_side:
            return speaker_side
        return ""

    def _side_within(self, actors: list[ActorMention], start: int, end: int) -> str:
        for a in actors[bisect_left(actors, start, key=lambda a: a.start):]:
            if a.end > end:
                return ""
            if a.kind in _SIDE_KINDS:
                return a.actor
        return ""

    def _side(self, mention: ActorMention, speaker_side: str) -> str:
        if mention.kind == "enemy":
            return self.lexicon.adversary(speaker_side)
        if mention.kind == "source":
            return ""
        return mention.actor if mention.kind in _SIDE_KINDS else ""

    def _voice_side(self, sentence: str, actors: list[ActorMention]) -> str:
        """The side whose voice a sentence reports without a named claimant: "Moscow said", "Ukraine's army
        said", "Ukrainian officials admitted"."""
        for mention in actors:
            if mention.kind not in _SIDE_KINDS:
                continue
            if _VOICE_AFTER.match(sentence[mention.end:]):
                return mention.actor
        return ""

    def _opponent(self, sentence: str, actors: list[ActorMention], position: int, actor: str,
                  speaker_side: str) -> str:
        """Who loses: the side named after "from", else the gainer's adversary."""
        for a in actors[bisect_left(actors, position, key=lambda a: a.start):]:
            if a.start > position + 80:
                break
            if _FROM_BEFORE.search(sentence[max(0, a.start - 12):a.start]):
                side = self._side(a, speaker_side)
                if side and side != actor:
                    return side
        return self.lexicon.adversary(actor)

    def _claimant(self, sentence: str, actors: list[ActorMention]) -> str:
        """Who the sentence attributes its statement to: a person or a source near a claim verb."""
        speakers = [a for a in actors if a.kind in ("person", "source")]
        if not speakers:  # no one to attribute the sentence to: the verbs need not be looked for
            return ""
        if not sentence[:speakers[0].start].strip() and sentence.startswith((":", ",", "\n"), speakers[0].end) \
                and speakers[0].kind == "source":
            return self._canonical(speakers[0])  # a heading: "General Staff of the Armed Forces of Ukraine: update"
        text, claim = _lowered(sentence, _CLAIM, _CLAIM_LOWER)
        for verb in claim.finditer(text):
            if verb.group().lower() == "according to":
                after = [a for a in speakers if a.start >= verb.end()]
                if after:
                    return self._canonical(after[0])
                continue
            before = [a for a in speakers if a.end <= verb.start() and verb.start() - a.end <= 80
                      and not _TOLD_BEFORE.search(sentence[max(0, a.start - 6):a.start])]
            inverted = verb.group().lower() in ("said", "says", "stated", "added", "wrote", "claimed")
            after = [a for a in speakers if inverted and a.start >= verb.end() and a.start - verb.end() <= 3]
            if before or after:
                return self._canonical(before[-1] if before else after[0])
        return ""

    def _canonical(self, mention: ActorMention) -> str:
        if mention.kind == "source":
            return mention.actor
        return self.lexicon.titles.get(mention.term) or mention.term.split()[-1]

    def _status(self, frame: SentenceFrame, cue: Cue) -> str:
        return self._status_of(frame.denied, frame.contested, frame.speaker_side, frame.independent, frame.confirmed,
                               cue, frame.unconfirmed)

    def _status_of(self, denied: bool, contested: bool, speaker_side: str, independent: bool, confirmed: bool,
                   cue: Cue, unconfirmed: bool = False) -> str:
        if denied:
            return DENIED
        if contested:
            return CONTESTED
        if unconfirmed:
            return CLAIMED
        side = speaker_side if cue.voice_side is None else cue.voice_side
        if cue.text.lower().startswith("claim"):
            side = cue.actor  # "Russia claims Toretsk": the cue is its subject's own claim, whoever speaks after
        independent = independent if cue.claimant is None else (
            cue.claimant in self.lexicon.source_names and not self.lexicon.source_sides.get(cue.claimant))
        if confirmed or independent or (side and side == cue.opponent):
            return CONFIRMED  # a second voice, a source that takes no side, or the losing side itself
        return CLAIMED

    # ---- one place ------------------------------------------------------------------------------------------
    def for_mention(self, frame: SentenceFrame, resolved: ResolvedMention, sentence: str, offset: int,
                    neighbours: tuple[Neighbour, ...] = (), dates: tuple[DatePhrase, ...] = (),
                    published: dt.date | None = None, named: bool | None = None) -> SentenceFrame:
        """The frame as it applies to one place of the sentence."""
        place = resolved.place
        start, end = resolved.mention.start - offset, resolved.mention.end - offset
        precision = place.precision if place is not None else ""
        region = precision in _AREA_SCALES or resolved.mention.scale in _AREA_SCALES
        if frame.denied and not frame.cues and frame.speaker_side and precision not in ("country", "continent") \
                and _CLAIM_ABOUT.search(sentence, max(0, start - 60), start):
            # "Ukraine's General Staff dismissed the Russian statement about Kurakhove as false": a claimed capture of
            # a place the speaker's side holds, denied
            return _frame_with(frame, event_type=CONTROL_CHANGE, actor=self.lexicon.adversary(frame.speaker_side),
                               opponent=frame.speaker_side, status=DENIED, cue="denied",
                               date=_as_mention(frame, sentence, dates, published).date, strength=1.0)
        if frame.speaker_side and "laim" in sentence and precision not in ("country", "continent") \
                and not frame.denied and _CLAIMED_AFTER.match(sentence, end) \
                and _listed_after(_CLAIMED, sentence, start, neighbours):
            # "Russia's Defence Ministry had claimed Pishchane in late December": the speaker's side claims its capture
            return _frame_with(_as_mention(frame, sentence, dates, published), event_type=CONTROL_CHANGE,
                               actor=frame.speaker_side, opponent=self.lexicon.adversary(frame.speaker_side),
                               status=CLAIMED, cue="claimed", strength=1.0)
        if precision in ("country", "continent") or not frame.cues:
            return _as_mention(frame, sentence, dates, published)
        if named is None:
            named = self.only_named(resolved.mention, sentence, offset)
        if named or self._reference(sentence, start, neighbours, frame):
            return _as_mention(frame, sentence, dates, published)
        cue, role = self._governing(frame, sentence, start, end, neighbours)
        counted = self._counted_change(frame, sentence) if region else None
        if counted is not None and (cue is None or cue.event_type != CONTROL_CHANGE or cue.modal):
            # "close to liberating Kursk, having reclaimed 24 settlements": the region's settlements changed hands
            cue_count = _count(sentence[counted.end:counted.end + 60])
            return _frame_with(frame, event_type=CONTROL_CHANGE, actor=counted.actor, opponent=counted.opponent,
                           status=self._status(frame, counted), settlements_count=cue_count, cue=counted.text,
                           date=self._segment_dates(frame, counted, dates, start, published, sentence),
                           strength=0.9)
        if cue is None or cue.aim or _BORDER_BEFORE.search(sentence, max(0, start - 30), start) \
                or region and (cue.attempted or counted is None and _SCENE_SETTING.fullmatch(sentence, 0, start)) \
                or resolved.mention.axis and (cue.event_type == CONTROL_CHANGE or any(
                    n.start != start and n.precision == "settlement" for n in neighbours)):
            # "In Luhansk region, ...": where, not what fell; "trying to push the fighting into the Sumy region";
            # "liberated Hrodivka on the Pokrovsk axis", "In the Kramatorsk direction, ... near Chasiv Yar": an axis
            # is where the places it names lie, not what was taken or where the fighting was
            return _as_mention(frame, sentence, dates, published)
        before = sentence[max(0, start - 40):start]
        event_type, count = cue.event_type, None
        if event_type == CONTROL_CHANGE:
            count = _count(sentence[max(0, start - 60):start]) if region else None
            if region and role == "object" and count is None and any(
                    n.precision == "settlement" and cue.end <= n.start and n.end <= start for n in neighbours):
                # "liberated Illinka of the Donetsk People's Republic", "Novopil ... in the neighbouring Donetsk
                # region": a region after the settlement taken locates it, it is not taken (fighting near a
                # village "in the Kharkiv region" is fighting in that region, as the labelled sets have it)
                return _as_mention(frame, sentence, dates, published)
            if cue.modal:
                event_type = FRONTLINE
            elif role == "object" and count is None and (
                    _APPROACH_BEFORE.search(before)
                    or _DIRECTION.search(before)):
                event_type = FRONTLINE  # "reached the outskirts of Robotyne": fought for, not taken
            elif role == "object" and count is None and _container_after(before, start - cue.end) and (
                    region or not _CONTAINER.search(sentence[cue.end:start].strip() + " ")):
                # "captured Vremivka and Neskuchne in the Donetsk region", "the largest town it captured in Kursk"
                mention = _as_mention(frame, sentence, dates, published)
                return mention if region else _frame_with(mention, event_type=FRONTLINE, actor=cue.actor,
                                                      opponent=cue.opponent, cue=cue.text)
        if event_type == STRIKE and _listed_after(_LAUNCHED_FROM, sentence, start, neighbours):
            return _as_mention(frame, sentence, dates, published)  # where the drones came from, not what they hit
        cue_dates = self._segment_dates(frame, cue, dates, start, published, sentence)
        status = ""
        if event_type == CONTROL_CHANGE:
            status = self._status(frame, cue)
        strength = 1.0 if event_type == CONTROL_CHANGE else 0.6 if cue.modal else 0.85
        claimed_by = frame.claimed_by if cue.claimant is None else cue.claimant
        return _frame_with(frame, event_type=event_type, actor=cue.actor, opponent=cue.opponent, status=status,
                       claimed_by=claimed_by, side_guessed=cue.side_guessed,
                       settlements_count=count, cue=cue.text, date=cue_dates, strength=strength)

    @staticmethod
    def _counted_change(frame: SentenceFrame, sentence: str) -> Cue | None:
        """A change of hands whose object is a count of settlements and no place ("reclaimed 24 settlements")."""
        return next((c for c in frame.cues if c.event_type == CONTROL_CHANGE and not c.modal and not c.aim
                     and _COUNT_OBJECT.match(sentence, c.end)), None)

    def _governing(self, frame: SentenceFrame, sentence: str, start: int, end: int,
                   neighbours: tuple[Neighbour, ...]) -> tuple[Cue | None, str]:
        """The cue that says what happened at the place, and the place's role: "object" (after the cue),
        "subject" (before a cue it is the subject of) or "antecedent" (the place a later "of it" refers to)."""
        cues = frame.cues
        # Only cues near the place are looked at, so that a run-on "sentence" of untrusted text stays linear.
        first_after = bisect_left(cues, end, key=lambda c: c.start)
        nearby = cues[first_after:bisect_left(cues, end + _ANAPHORA_REACH + 1, key=lambda c: c.start)]
        after = [c for c in nearby if c.start <= end + _SUBJECT_REACH]
        close = _near(neighbours, end, end + _ANAPHORA_REACH)
        subject = next((c for c in after if not c.relative and (
            c.kind in _SUBJECT_KINDS or c.event_type == STRIKE
            or ((frame.headline or _PASSIVE_BEFORE.search(sentence, end, c.start))
                and c.text.lower().endswith(("ed", "en", "wn"))))
            and _SUBJECT_GAP.match(_APPOSITIVE.sub(" ", self._without_places(sentence[end:c.start], end, close)))),
            None)
        anaphora = next((c for c in nearby if c.event_type == CONTROL_CHANGE
                         and not c.modal and not c.aim and _PRONOUN_OBJECT.match(sentence, c.end)
                         and not any(end <= n.start and n.end <= c.start and n.precision == "settlement"
                                     and not n.only_named for n in close)), None)
        # A cue governs the places after it in its own clause ("..., while soldiers asked for support near Izium").
        last = next((c for c in reversed(cues[:first_after]) if c.end <= start), None)
        # a change of hands whose object is another ("would take the offer to"), or "the town" ("the capture of the
        # town opens the road to X", "its capture opens the way toward X"), or which an aside ends (", has moved ...")
        # governs no place after it
        before = [last] if last is not None and start - last.end <= _OBJECT_REACH and not _BOUNDARY.search(
            sentence, last.end, start) and not (last.event_type == CONTROL_CHANGE and (
                _OTHER_OBJECT.fullmatch(sentence, last.end, start) or _NEXT_VERB.search(sentence, last.end, start)
                or _PRONOUN_OBJECT.match(sentence, last.end)
                or _POSSESSOR_BEFORE.search(sentence, max(0, last.start - 8), last.start))) else []
        if subject is not None:
            return subject, "subject"
        if before:
            cue = before[-1]
            if anaphora is not None and cue.event_type != CONTROL_CHANGE:
                return anaphora, "antecedent"  # "pushed into Staromaiorske and raised their flag there"
            return cue, "object"
        if anaphora is not None:
            return anaphora, "antecedent"  # "Sudzha remains ..., and Kyiv no longer had complete control of it"
        # "Officials in Dnipro said a drone damaged a warehouse": the place where the clause's event happened.
        if _IN_BEFORE.search(sentence[max(0, start - 8):start]):
            later = next((c for c in after if not c.relative
                          and not any(end <= n.start and n.start >= c.end for n in neighbours)), None)
            if later is not None and not (later.event_type == CONTROL_CHANGE and (neighbours and any(
                    n.start >= later.end for n in neighbours) or _CLAIM.search(sentence, end, later.start))):
                # "In the Donetsk region, Russian forces captured Krasnohorivka": the region is not taken; "a trader in
                # Kyiv said freight rates had fallen": where the speaker is
                return later, "locative"
        return None, ""

    @staticmethod
    def _without_places(gap: str, offset: int, neighbours: tuple[Neighbour, ...]) -> str:
        inside = [n for n in neighbours if offset <= n.start and n.end <= offset + len(gap)]
        for n in sorted(inside, key=lambda n: -n.start):
            gap = gap[:n.start - offset] + " " + gap[n.end - offset:]
        return gap

    def _reference(self, sentence: str, start: int, neighbours: tuple[Neighbour, ...], frame: SentenceFrame) -> bool:
        """A reference point for another place ("Soledar, a salt-mining town near Bakhmut", "Stepove, north of
        Avdiivka"), unless fighting is said to go on there ("assaults east of Siversk")."""
        previous = [n for n in _near(neighbours, start - 200, start) if n.end <= start]
        cues_before = [c for c in frame.cues[:bisect_left(frame.cues, start, key=lambda c: c.start)] if c.end <= start]
        last_cue_end = cues_before[-1].end if cues_before else -1
        direction = _DIRECTION.search(sentence, max(0, start - 30), start)
        if direction is not None:
            # "assaults east of Siversk": the cue just before the direction makes the place a battlefield
            return not (cues_before and direction.start() - last_cue_end <= 12
                        and cues_before[-1].event_type == FRONTLINE
                        and not any(last_cue_end <= n.start < direction.start() for n in neighbours))
        if previous and previous[-1].end > last_cue_end:
            gap = sentence[previous[-1].end:start]
            if _NEAR_GAP.fullmatch(gap):
                return True
        return False

    def _segment_dates(self, frame: SentenceFrame, cue: Cue, dates: tuple[DatePhrase, ...], place: int,
                       published: dt.date | None, sentence: str) -> dt.date | None:
        """The date of the cue's own stretch of the sentence (up to the next cue), else, for a verb joined by "and"
        to the one before ("crossed into the Kursk region in early August and took control of Sudzha"), that one's
        date, else a date in the lead before every cue ("said on Tuesday that ..."), else the publication date: an
        old recapture mentioned in the same sentence does not date a new advance."""
        cues = frame.cues
        index = cues.index(cue)
        seg_start = 0 if index == 0 else cue.start
        seg_end = cues[index + 1].start if index + 1 < len(cues) else len(sentence)
        if cue.start > place:  # the place is the cue's subject: its stretch starts at the place
            seg_start = min(seg_start, place)
        chosen = _pick_date(dates, seg_start, seg_end, place, None)
        if chosen is None and index and _AND_BEFORE.search(sentence, max(0, cue.start - 8), cue.start):
            joined = next((i for i in range(index - 1, -1, -1) if not cues[i].relative), None)  # as in _sides
            if joined is not None:
                chosen = _pick_date(dates, cues[joined].start, cues[joined + 1].start, cue.start, None)
        if chosen is None:
            chosen = _pick_date(dates, 0, cues[0].start, place, None)
        if chosen is None:  # "retook Kotlyne after two days of fighting, the brigade said on Sunday": by Sunday
            chosen = next((d.date for d in dates if _SAID_BEFORE.search(sentence, max(0, d.start - 20), d.start)), None)
        return chosen or published

    def only_named(self, mention: Mention, sentence: str, offset: int) -> bool:
        """Whether the place is a venue ("a press conference in Paris"), a launch point, a dateline, part of a
        title ("Donetsk governor"), a place whose residents are meant, or a capital standing for its government
        ("Kyiv no longer had control"), not where the sentence's event happened."""
        start, end = mention.start - offset, mention.end - offset
        before = sentence[max(0, start - 60):start]
        after = sentence[end:end + 60]
        metonym = self.lexicon.kind_of(mention.surface) == "name" and (
            not _PREPOSITION_BEFORE.search(before) and not _EVENT_VERB_BEFORE.search(before)
            or after.startswith(("'s ", "’s ")))  # "one of Kyiv's biggest successes": the government's
        dateline = start <= 2 and mention.surface.isupper() and len(mention.surface) > 2 and bool(
            _DATELINE.match(after))
        office = bool(_OFFICE_AFTER.match(after)) and not _PREPOSITION_BEFORE.search(before)
        seat = _SEAT_BEFORE.search(before) is not None and _SAID_NEXT.match(after) is not None
        if metonym or dateline or office or seat:  # seat: "..., the General Staff in Kyiv said": where it sits
            return True
        lowered = before.lower() if before.isascii() else None  # once for the three gates
        return bool(_VENUE_GATE.search_whole(before, lowered) or _LAUNCH_GATE.search_whole(before, lowered)
                    or _RESIDENTS_GATE.search_whole(before, lowered))


# A speaker's seat after a comma: ", the General Staff in Kyiv said", ", officials in Moscow said"
_SEAT_BEFORE = re.compile(r",\s+[^,]{1,50}?\s+in\s+$")
_SAID_NEXT = re.compile(r"\s+(?:said|says|reported|reports|announced|stated|told|claimed)\b")
_HEADLINE_CLAIM = re.compile(r"\b(?:claims?|says?)\s+(?=(?:the\s+)?[A-Z])")


def _headline_cues(sentence: str, found: dict[str, list[CueMatch]]) -> dict[str, list[CueMatch]]:
    """In a headline, "Russia claims Soledar" claims its capture."""
    extra = [CueMatch("gain", m.start(), m.end(), m.group().strip()) for m in _HEADLINE_CLAIM.finditer(sentence)
             if m.group().lower().startswith("claim")]
    if not extra:
        return found
    return {**found, "gain": sorted([*found.get("gain", []), *extra], key=lambda m: m.start)}


def _as_mention(frame: SentenceFrame, sentence: str, dates: tuple[DatePhrase, ...],
                published: dt.date | None) -> SentenceFrame:
    """The sentence's frame for a place only named in it: no event, no sides; dated like the sentence."""
    if frame.event_type == MENTION and not frame.cue and not dates:
        return _frame_with(frame, date=published) if frame.date != published else frame
    date = next((d.date for d in dates if not NOT_EVENT_DATE.search(sentence, max(0, d.start - 200), d.start)),
                published)
    return _frame_with(frame, event_type=MENTION, actor="", opponent="", status="", settlements_count=None, cue="",
                   date=date)


def _in_relative_clause(sentence: str, position: int) -> bool:
    """Whether a cue stands in a relative clause ("the village that Ukrainian forces recaptured last year"), not
    after a complementiser ("said that", "and that")."""
    text, relative = _lowered(sentence, _RELATIVE, _RELATIVE_LOWER)
    match = relative.search(text, max(0, position - 50), position)
    if match is None:
        return False
    word_before = _LAST_WORD.search(sentence[:match.start()])
    return not (word_before and word_before.group(1).lower() in _NOT_RELATIVE_AFTER)


_NOT_RELATIVE_AFTER = frozenset(("and", "but", "so", "said", "says", "reported", "claimed", "announced", "assessed",
                                 "admitted", "conceded", "acknowledged", "confirmed", "denied", "insisted", "added",
                                 "stated", "noted", "revealed", "believe", "believes", "thinks", "Monday", "Tuesday",
                                 "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "told", "reporters",
                                 # nouns whose "that" says what was claimed: "denied Russian claims that X fell"
                                 "claim", "claims", "report", "reports", "rumours", "rumors", "statement", "assertion"))


def _near(neighbours: tuple[Neighbour, ...], start: int, end: int) -> tuple[Neighbour, ...]:
    """The places of a sentence (in order) that begin between two offsets."""
    return neighbours[bisect_left(neighbours, start, key=lambda n: n.start):
                      bisect_left(neighbours, end + 1, key=lambda n: n.start)]


def _listed_after(pattern: re.Pattern, sentence: str, start: int, neighbours: tuple[Neighbour, ...]) -> bool:
    """Whether the pattern ends just before the place, or before the places it is listed or placed with: "from" in
    "drones launched from Bryansk, Kursk and Millerovo", "from the occupied nuclear plant at Enerhodar"."""
    position = start
    for neighbour in reversed([n for n in neighbours if n.end <= start]):
        if pattern.search(sentence, max(0, position - 80), position):
            return True
        if not _ORIGIN_JOIN.fullmatch(sentence, neighbour.end, position):
            return False
        position = neighbour.start
    return pattern.search(sentence, max(0, position - 80), position) is not None


def _container_after(before: str, distance: int) -> bool:
    """Whether "in (the)" stands before the place, after its cue's own words ("established themselves in")."""
    match = _CONTAINER.search(before)
    return match is not None and len(before) - match.start() < distance


def _pick_date(dates: tuple[DatePhrase, ...], start: int, end: int, place: int,
               default: dt.date | None) -> dt.date | None:
    """The first date of a stretch at or after the place, else the last one before it."""
    inside = [d for d in dates if start <= d.start < end]
    after = [d for d in inside if d.start >= place]
    if after:
        return after[0].date
    return inside[-1].date if inside else default


def document_side(frames: list[SentenceFrame]) -> str:
    """The side a document speaks of most, for cues whose sentence names none ("Kurakhove fell in January")."""
    counts = Counter(c.actor for f in frames for c in f.cues if c.actor)
    counts.update(side for f in frames for side in f.actors)
    return counts.most_common(1)[0][0] if counts else ""

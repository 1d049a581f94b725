"""Event classification: what a sentence says happened at the places it names.

A sentence gets one frame (event type, who gains, who loses, status, who claims it, a count of
settlements); each place in it takes the frame unless its own context says it is only mentioned
(a press conference in Paris, a country named in passing, a capital standing for its government).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from geo.actors import ActorMention, Lexicon
from geo.eventtypes import CONTROL_CHANGE, FRONTLINE, MENTION, STRIKE
from geo.records import Mention, ResolvedMention

CLAIMED, CONTESTED, CONFIRMED = "claimed", "contested", "confirmed"


def _words(pattern: str) -> re.Pattern:
    return re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)


_GAIN = _words(r"captur(?:e|es|ed|ing)|retook|retaken|retake|recaptur\w*|liberat\w*|reclaim\w*|seiz\w*|"
               r"(?:took|taken|take|gained|established|claimed|declared) (?:full |complete )?control|occupied|freed|"
               r"raised (?:the|its|their) flag")
_LOSS = _words(r"withdr[ae]wn? from|withdrawal from|pulled out of|retreated from|lost control|"
               r"no longer (?:had|has|have|held|holds?|controls?|controlled)(?: \w+){0,2} control|"
               r"abandon(?:ed|s)?|ceded|left the (?:town|city|village|settlement)")
_CONTESTED = _words(r"no longer (?:had|has|have|held|holds?) (?:complete|full)|partial(?:ly)?|contested|"
                    r"gr[ae]y zone|not fully|semi-encircled|battle for|fighting for|struggle for")
_CONFIRMED = _words(r"confirmed|geolocated|verified|acknowledged|conceded")
_STRIKE = _words(r"shell(?:s|ed|ing)?|missiles?|drones?|air ?strikes?|strikes?|struck|bomb(?:s|ed|ing)?|"
                 r"glide bombs?|artillery|rockets?|ballistic|shahed|kamikaze")
_FRONTLINE = _words(r"fight(?:s|ing)?|fought|assault(?:s|ed|ing)?|foothold|regroup\w*|"
                    r"advanc(?:e|es|ed|ing)|clash(?:es|ed)?|breach(?:es|ed)?|"
                    r"push(?:es|ed|ing)? (?:towards?|into|on)|retreat(?:s|ed|ing)?|offensive|"
                    r"counter-?offensive|battles?|storm(?:s|ed|ing)?|attack(?:s|ed|ing)?|repel(?:s|led)?|"
                    r"encircl\w*|incursion|front ?line|reposition\w*|displace|enter(?:s|ed|ing)|"
                    r"under (?:heavy )?(?:pressure|attack|fire|assault)|came under")
_MODAL = re.compile(r"\b(?:will|would|could|might|may|soon|close to|aim\w* to|plan\w* to|seek\w* to|"
                    r"tr(?:y|ies|ying) to|attempt\w* to|intend\w* to|threat\w* to|hope\w* to)\b[^.,;]{0,25}$",
                    re.IGNORECASE)
# Cues whose subject suffers the action: the side named before them is the target, not the actor.
_SUFFERED = _words(r"under (?:heavy )?(?:pressure|attack|fire|assault)|came under|were shelled|was shelled")
_CLAIM = _words(r"said|says|stated|states|claimed|claims|reported|reports|revealed|reveals|announced|"
                r"noted|remarked|commented|shared|told|wrote|posted|indicated|insisted|added|assessed|"
                r"confirmed|according to|showed|shows")
_COUNT = re.compile(r"\b(\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a dozen)\s+"
                    r"(?:more\s+|other\s+|small\s+|frontline\s+)?(?:settlements|villages|towns|localities|hamlets)\b",
                    re.IGNORECASE)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "eleven": 11, "twelve": 12, "a dozen": 12}
# Context just before a place that makes it a venue, not a battlefield: "a press conference in Paris".
_VENUE = re.compile(r"\b(?:press conference|news conference|conference|meeting|summit|talks|visit|visited|"
                    r"trip|en route|headquarters|embassy|speech|speaking|interview|forum|residence|hosted)"
                    r"(?: \w+){0,2}\s*(?:in|to|at)?\s*(?:the\s+)?$", re.IGNORECASE)
_PREPOSITION_BEFORE = re.compile(r"\b(?:in|into|to|from|near|around|outside|towards?|of|at|on|across|"
                                 r"through|over|inside|within|for)\s+(?:the\s+)?$", re.IGNORECASE)
_SIDE_KINDS = ("name", "demonym", "person")
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:the\s+)?$")
_REFERENCE_POINT = re.compile(r"\b(?:(?:north|south)(?:-?(?:east|west))?|east|west)(?:ern)?\s+(?:of|from)\s+$",
                              re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SentenceFrame:
    """What one sentence says, before any place is attached."""

    event_type: str = MENTION
    actor: str = ""
    opponent: str = ""
    status: str = ""
    claimed_by: str = ""
    settlements_count: int | None = None
    actors: tuple[str, ...] = ()
    # Who "he said" in the next sentence refers to: the claimant, else the last person named.
    speaker: str = ""
    cues: tuple[tuple[int, str], ...] = ()  # (offset, event type) of every cue in the sentence
    strength: float = 0.9  # how sure the cue is: modal or hedged statements are weaker

    @property
    def territorial(self) -> bool:
        """Whether the sentence speaks of ground taken or fought over."""
        return self.event_type in (CONTROL_CHANGE, FRONTLINE)


def _count(sentence: str) -> int | None:
    match = _COUNT.search(sentence)
    if not match:
        return None
    word = match.group(1).lower()
    return int(word) if word.isdigit() else _NUMBERS[word]


def _first_real_cue(pattern: re.Pattern, sentence: str, last: bool = False) -> tuple[re.Match | None, bool]:
    """The first (or last) cue not under a modal ("will soon be freed"), else the first modal one."""
    matches = list(pattern.finditer(sentence))
    real = [m for m in matches if not _MODAL.search(sentence, 0, m.start())]
    if real:
        return (real[-1] if last else real[0]), False
    return (matches[0] if matches else None), bool(matches)


class EventClassifier:
    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon

    def frame(self, sentence: str, last_speaker: str = "") -> SentenceFrame:
        actors = self.lexicon.find(sentence)
        sides = tuple(dict.fromkeys(a.actor for a in actors if a.kind in _SIDE_KINDS))
        claimed_by = self._claimant(sentence, actors) or (
            last_speaker if _CLAIM.search(sentence) and re.search(r"\b(?:he|she|they)\b", sentence, re.I) else "")
        speaker_side = self.lexicon.side_of(claimed_by)
        persons = [_canonical(a) for a in actors if a.kind == "person"]
        base = SentenceFrame(claimed_by=claimed_by, actors=sides, cues=_cues(sentence),
                             speaker=claimed_by or (persons[-1] if persons else last_speaker))

        def side_for(cue: re.Match) -> str:
            return (self._side_before(sentence, actors, cue.start(), speaker_side)
                    or self._side_after(actors, cue.end()) or speaker_side)

        gain, gain_modal = _first_real_cue(_GAIN, sentence, last=True)
        loss, loss_modal = _first_real_cue(_LOSS, sentence, last=True)
        if (loss and not loss_modal) or (gain and not gain_modal):
            # "no longer had control of Sudzha, the largest town Ukraine had captured": the loss is news.
            if loss and not loss_modal:
                loser = side_for(loss)
                actor, opponent = self.lexicon.adversary(loser), loser
            else:
                actor = side_for(gain)
                opponent = self._opponent(sentence, actors, gain.end(), actor, speaker_side)
            status = CONTESTED if _CONTESTED.search(sentence) else CONFIRMED if _CONFIRMED.search(sentence) \
                else CLAIMED
            return replace(base, event_type=CONTROL_CHANGE, actor=actor, opponent=opponent, status=status,
                           settlements_count=_count(sentence), strength=1.0)
        for event_type, pattern in ((STRIKE, _STRIKE), (FRONTLINE, _FRONTLINE)):
            cue, modal = _first_real_cue(pattern, sentence)
            if cue is None and event_type == FRONTLINE and gain is not None:
                cue, modal = gain, True  # "will soon be freed": a push, not yet a change of hands
            if cue is not None:
                side = side_for(cue)
                actor, opponent = side, self.lexicon.adversary(side)
                if _SUFFERED.search(sentence):  # "Ukrainian troops were under heavy pressure near Sudzha"
                    actor, opponent = opponent, actor
                return replace(base, event_type=event_type, actor=actor, opponent=opponent,
                               strength=0.6 if modal else 0.85)
        return base

    def _side(self, mention: ActorMention, speaker_side: str) -> str:
        if mention.kind == "enemy":
            return self.lexicon.adversary(speaker_side)
        if mention.kind == "source":
            return self.lexicon.source_sides.get(mention.actor, "")
        return mention.actor if mention.kind in _SIDE_KINDS else ""

    def _side_before(self, sentence: str, actors: list[ActorMention], position: int, speaker_side: str) -> str:
        """The nearest side named before a cue: its subject, as a rule ("from Belarus" is not)."""
        for mention in reversed([a for a in actors if a.end <= position]):
            if _FROM_BEFORE.search(sentence, max(0, mention.start - 12), mention.start):
                continue
            side = self._side(mention, speaker_side)
            if side:
                return side
        return ""

    def _side_after(self, actors: list[ActorMention], position: int) -> str:
        return next((a.actor for a in actors if a.start >= position and a.kind in _SIDE_KINDS), "")

    def _opponent(self, sentence: str, actors: list[ActorMention], position: int, actor: str,
                  speaker_side: str) -> str:
        """Who loses: the side named after "from", else the gainer's adversary."""
        for a in actors:
            if a.start >= position and _FROM_BEFORE.search(sentence, max(0, a.start - 12), a.start):
                side = self._side(a, speaker_side)
                if side and side != actor:
                    return side
        return self.lexicon.adversary(actor)

    def _claimant(self, sentence: str, actors: list[ActorMention]) -> str:
        """Who the sentence attributes its statement to: a person or a source near a claim verb."""
        speakers = [a for a in actors if a.kind in ("person", "source")]
        for verb in _CLAIM.finditer(sentence):
            if verb.group().lower() == "according to":
                after = [a for a in speakers if a.start >= verb.end()]
                if after:
                    return _canonical(after[0])
                continue
            before = [a for a in speakers if a.end <= verb.start() and verb.start() - a.end <= 80]
            inverted = verb.group().lower() in ("said", "says", "stated", "added", "wrote", "claimed")
            after = [a for a in speakers if inverted and a.start >= verb.end() and a.start - verb.end() <= 3]
            if before or after:
                return _canonical(before[-1] if before else after[0])
        return ""

    def for_mention(self, frame: SentenceFrame, resolved: ResolvedMention, sentence: str, offset: int
                    ) -> SentenceFrame:
        """The frame as it applies to one place of the sentence: a place that is only named stays a
        mention, and the cue nearest before a place decides between fighting and a strike there
        ("shelling hit the centre, and clashes were reported near Stepove")."""
        place = resolved.place
        broad = place is not None and place.precision in ("country", "continent")
        if frame.event_type == MENTION:
            return frame
        if broad or self.only_named(resolved.mention, sentence, offset):
            return replace(frame, event_type=MENTION, actor="", opponent="", status="", settlements_count=None)
        position = resolved.mention.start - offset
        before = [kind for start, kind in frame.cues if start < position]
        # A change of control reaches every place after its verb ("recaptured Kupiansk and Izium in a
        # counter-offensive in the Kharkiv region"); fighting or a strike governs the places it precedes.
        if before and before[-1] not in (frame.event_type, CONTROL_CHANGE):
            if frame.event_type != CONTROL_CHANGE:
                return replace(frame, event_type=before[-1])
            if CONTROL_CHANGE not in before:
                return replace(frame, event_type=before[-1], status="", settlements_count=None)
        return frame

    def only_named(self, mention: Mention, sentence: str, offset: int) -> bool:
        """Whether the place is a venue ("a press conference in Paris"), a reference point ("south-east
        of Pokrovsk") or a capital standing for its government ("Kyiv no longer had control"), not where
        the sentence's event happened."""
        before = sentence[max(0, mention.start - offset - 60):mention.start - offset]
        metonym = self.lexicon.kind_of(mention.surface) == "name" and not _PREPOSITION_BEFORE.search(before)
        return metonym or bool(_VENUE.search(before) or _REFERENCE_POINT.search(before))


def _cues(sentence: str) -> tuple[tuple[int, str], ...]:
    """Where each kind of event cue stands in the sentence, in order."""
    found = [(m.start(), CONTROL_CHANGE) for pattern in (_GAIN, _LOSS) for m in pattern.finditer(sentence)]
    found += [(m.start(), STRIKE) for m in _STRIKE.finditer(sentence)]
    found += [(m.start(), FRONTLINE) for m in _FRONTLINE.finditer(sentence)]
    return tuple(sorted(found))


def _canonical(mention: ActorMention) -> str:
    return mention.actor if mention.kind == "source" else mention.term.split()[-1]

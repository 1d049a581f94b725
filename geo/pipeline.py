"""The geoparser: document → mentions → resolved places → events."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import replace

from geo.actors import Lexicon, default_lexicon
from geo.dates import sentence_dates
from geo.events import (
    CLAIMED,
    CONFIRMED,
    CONTESTED,
    CONTROL_CHANGE,
    DENIED,
    FRONTLINE,
    MENTION,
    STRIKE,
    EventClassifier,
    Neighbour,
    SentenceFrame,
)
from geo.gazetteer import WATER_AND_AREAS, Gazetteer, default_gazetteer
from geo.names import name_key
from geo.records import Document, Event, Mention, Place, ResolvedMention
from geo.resolve import PlaceResolver
from geo.sentences import sentence_spans
from geo.theatre import DEFAULT_THEATRE, Theatre
from geo.toponyms import ToponymRecognizer

# How much a mention the gazetteer does not know, but the text calls a place, is trusted.
UNRESOLVED_CONFIDENCE = 0.4
# Place mentions read per document: real articles have tens, long reports a few hundred.
MAX_MENTIONS = 5000
_SENTENCES_PER_BATCH = 500
log = logging.getLogger(__name__)


class Geoparser:
    """Each step is a part that can be passed in (a custom gazetteer, lexicon, recogniser, resolver or
    classifier); the parts not given are built from the gazetteer, the lexicon and the theatre."""

    def __init__(self, gazetteer: Gazetteer | None = None, lexicon: Lexicon | None = None, *,
                 theatre: Theatre = DEFAULT_THEATRE, recognizer: ToponymRecognizer | None = None,
                 resolver: PlaceResolver | None = None, classifier: EventClassifier | None = None, online=None):
        self.gazetteer = gazetteer or default_gazetteer()
        self.lexicon = lexicon or default_lexicon()
        self.theatre = theatre
        self.recognizer = recognizer or ToponymRecognizer(self.gazetteer, self.lexicon)
        self.resolver = resolver or PlaceResolver(self.gazetteer, focus_countries=theatre.focus_countries,
                                                  home_countries=self._home_countries(),
                                                  front_regions=theatre.front_regions)
        self.classifier = classifier or EventClassifier(self.lexicon)
        # geo.geocoders.OnlineFallback, when the user allows the network (--online); None: offline.
        self.online = online

    def _home_countries(self) -> dict[str, str]:
        """Name key → country code for names that stand for an actor ("Washington" → US)."""
        homes = {}
        for term, (actor, kind) in self.lexicon.terms.items():
            country = next((p.country for p in self.gazetteer.lookup(actor) if p.feature == "PCLI"), "")
            if kind == "name" and country:
                homes[name_key(term)] = country
        return homes

    def parse(self, document: Document) -> list[Event]:
        """The events of a document: its text's, then its title's when the text does not repeat the title
        (title events have negative offsets: the title is read as if it stood just before the text)."""
        events = self._parse_text(document, document.text, 0)
        title = document.title.strip()
        if title and _norm(title) not in _norm(document.text[:len(title) * 3 + 200]):
            sides = Counter(e.actor for e in events if e.actor) or Counter(
                a.actor for a in self.lexicon.find(document.text) if a.kind in ("name", "demonym", "group"))
            events += self._parse_text(document, title, -(len(title) + 1),
                                       sides.most_common(1)[0][0] if sides else "")
        return events

    def _parse_text(self, document: Document, text: str, shift: int, context: str = "") -> list[Event]:
        spans = sentence_spans(text)
        mentions = self._mentions(document, text, spans)
        # Sentences after the one that follows the last place's are not needed (a capped huge document); that one
        # may contest the last place's change ("Fighting was still going on in the town.").
        spans = spans[:mentions[-1].sentence + 2] if mentions else []
        sentences = [text[start:end] for start, end in spans]
        frames, last_speaker, last_actor, sideless, readings = [], "", context, [], {}
        for i, sentence in enumerate(sentences):
            reading = self.classifier.read(sentence, last_speaker, headline=shift < 0)
            frame = self.classifier.frame(sentence, last_speaker, last_actor, headline=shift < 0, reading=reading)
            if not last_actor and any(not c.actor and c.kind != "gray_zone" for c in frame.cues):
                sideless.append(i)  # no side yet: read again with the side the document names most
                readings[i] = reading  # what does not depend on the side is not read again
            last_speaker = frame.speaker
            last_actor = frame.actor or last_actor
            frames.append(frame)
        if sideless:
            context = Counter(side for f in frames for side in f.actors)
            document_side = context.most_common(1)[0][0] if context else ""
            for i in sideless:
                previous = frames[i - 1].speaker if i else ""
                frames[i] = self.classifier.frame(sentences[i], previous, document_side, headline=shift < 0,
                                                  reading=readings[i])
        published = document.published
        # Only the sentences that name a place are dated (by index).
        dates = sentence_dates(sentences, sorted({m.sentence for m in mentions}), published)
        named = {(m.start, m.end): frames[m.sentence].cues != () and self.classifier.only_named(
            m, sentences[m.sentence], spans[m.sentence][0]) for m in mentions}
        territorial = frozenset(i for i, m in enumerate(mentions)
                                if frames[m.sentence].territorial and not named[m.start, m.end])
        resolved_all = list(self.resolver.resolve(mentions, territorial))
        if self.online is not None:
            resolved_all = self._look_up_online(resolved_all)
        neighbours: dict[int, list[Neighbour]] = {}
        for resolved in resolved_all:
            m, offset = resolved.mention, spans[resolved.mention.sentence][0]
            precision = resolved.place.precision if resolved.place else "settlement"
            neighbours.setdefault(m.sentence, []).append(Neighbour(
                m.start - offset, m.end - offset, precision, named.get((m.start, m.end), False)))
        by_sentence = {i: tuple(sorted(found, key=lambda n: n.start)) for i, found in neighbours.items()}
        # The sentences that name a place of their own (not a country, nor a capital standing for its government).
        placing = {r.mention.sentence for r in resolved_all
                   if r.place is not None and r.place.precision not in ("country", "continent")
                   and self.lexicon.kind_of(r.mention.surface) != "name"
                   and not named.get((r.mention.start, r.mention.end))}
        events = []
        for resolved in resolved_all:
            index = resolved.mention.sentence
            frame = self.classifier.for_mention(frames[index], resolved, sentences[index], spans[index][0],
                                                by_sentence.get(index, ()), dates[index], published,
                                                named.get((resolved.mention.start, resolved.mention.end)))
            if frame.event_type == CONTROL_CHANGE and index + 1 < len(frames):
                frame = _answered_by_the_next_sentence(frame, frames[index + 1], index + 1 in placing)
            if resolved.place and resolved.place.feature in WATER_AND_AREAS and frame.event_type == CONTROL_CHANGE:
                frame = replace(frame, event_type=FRONTLINE)  # a river or an area is fought along, never taken
            if frame.event_type == STRIKE and (not frame.actor or frame.side_guessed) and resolved.place is not None:
                frame = self._struck_behind_the_front(frame, resolved.place)
            trust = resolved.confidence if resolved.place else UNRESOLVED_CONFIDENCE
            if shift:
                mention = replace(resolved.mention, start=resolved.mention.start + shift,
                                  end=resolved.mention.end + shift)
                resolved = replace(resolved, mention=mention)
            events.append(Event(
                document=document, resolved=resolved, event_type=frame.event_type, excerpt=sentences[index],
                date=frame.date, actor=frame.actor, opponent=frame.opponent, status=frame.status,
                claimed_by=frame.claimed_by, settlements_count=frame.settlements_count,
                actors_mentioned=frame.actors, cue=frame.cue,
                confidence=trust * (frame.strength if frame.event_type != MENTION else 0.9),
            ))
        return _contest_disputed(events, [frames[e.resolved.mention.sentence].speaker_side for e in events],
                                 [e.resolved.mention.sentence for e in events])

    def _struck_behind_the_front(self, strike: SentenceFrame, place: Place) -> SentenceFrame:
        """A strike on a place behind the front (outside the theatre's front regions) whose sentence names no striker
        is by the side whose ground it is not: "a ballistic missile hit a hotel in Lviv" (not the side the document
        names most, nor a neighbour named in "near the Polish border")."""
        own = self.theatre.country_sides.get(place.country)
        if not own or (place.country, place.admin1_code) in self.theatre.front_regions:
            return strike
        attacker = self.lexicon.adversary(own)
        return replace(strike, actor=attacker, opponent=own) if attacker else strike

    def _mentions(self, document: Document, text: str, spans: list[tuple[int, int]]) -> list[Mention]:
        """The document's place mentions, the first MAX_MENTIONS of them: a huge document (a whole feed
        pasted as one article) is read in part, with a warning, instead of taking minutes and gigabytes."""
        mentions: list[Mention] = []
        for first in range(0, len(spans), _SENTENCES_PER_BATCH):
            found = self.recognizer.find(text, spans[first:first + _SENTENCES_PER_BATCH])
            mentions += [replace(m, sentence=m.sentence + first) for m in found] if first else found
            if len(mentions) > MAX_MENTIONS:
                log.warning("%s: over %s place mentions; only the first %s are read", document.path or document.id,
                            f"{MAX_MENTIONS:,}", f"{MAX_MENTIONS:,}")
                return mentions[:MAX_MENTIONS]
        return mentions

    def _look_up_online(self, resolved: list[ResolvedMention]) -> list[ResolvedMention]:
        regions = list({(r.place.country, r.place.admin1_code): r.place for r in resolved
                        if r.place is not None and r.place.feature == "ADM1" and r.mention.scale == "region"}.values())
        out = []
        for r in resolved:
            if r.place is None and r.mention.cue:
                place = self.online.place(r.mention.lookup, regions)
                if place is not None:
                    r = ResolvedMention(r.mention, place, self.online.CONFIDENCE, r.candidates)
            out.append(r)
        return out


def _answered_by_the_next_sentence(change: SentenceFrame, following: SentenceFrame,
                                   names_places: bool) -> SentenceFrame:
    """A change of hands the next sentence contests ("Fighting was still going on in the town."), or, naming no place
    of its own, denies ("Kyiv denied this.") or confirms in the voice of another side than the gainer's ("Ukrainian
    officials acknowledged the loss.")."""
    if following.contests_previous:
        return replace(change, status=CONTESTED)
    if names_places:
        return change
    if following.denies_previous:
        return replace(change, status=DENIED)
    if following.confirms_previous and change.status == CLAIMED and following.speaker_side not in ("", change.actor):
        return replace(change, status=CONFIRMED)
    return change


def _contest_disputed(events: list[Event], voices: list[str], sentence_of: list[int]) -> list[Event]:
    """A change of hands one side claims while the other side reports fighting at the same place, in another
    sentence of the same report, is contested: the sides disagree."""
    fighting = {}
    for event, voice, index in zip(events, voices, sentence_of, strict=True):
        if event.event_type == FRONTLINE and voice:
            fighting.setdefault(name_key(event.resolved.mention.surface), []).append((voice, index))
    out = []
    for event, voice, index in zip(events, voices, sentence_of, strict=True):
        if event.event_type == CONTROL_CHANGE and event.status == CLAIMED and any(
                other != voice and other_index != index
                for other, other_index in fighting.get(name_key(event.resolved.mention.surface), ())):
            event = replace(event, status=CONTESTED)
        out.append(event)
    return out


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()

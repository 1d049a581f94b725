"""The geoparser: document → mentions → resolved places → events."""

from __future__ import annotations

from dataclasses import replace

from geo.actors import Lexicon, default_lexicon
from geo.dates import sentence_date
from geo.events import CONTROL_CHANGE, FRONTLINE, MENTION, EventClassifier
from geo.gazetteer import WATER_AND_AREAS, Gazetteer, default_gazetteer
from geo.names import name_key
from geo.records import Document, Event, ResolvedMention
from geo.resolve import PlaceResolver
from geo.sentences import sentence_spans
from geo.toponyms import ToponymRecognizer

# How much a mention the gazetteer does not know, but the text calls a place, is trusted.
UNRESOLVED_CONFIDENCE = 0.4


class Geoparser:
    def __init__(self, gazetteer: Gazetteer | None = None, lexicon: Lexicon | None = None,
                 resolver: PlaceResolver | None = None, online=None):
        self.gazetteer = gazetteer or default_gazetteer()
        self.lexicon = lexicon or default_lexicon()
        self.recognizer = ToponymRecognizer(self.gazetteer, self.lexicon)
        self.resolver = resolver or PlaceResolver(self.gazetteer, home_countries=self._home_countries())
        self.classifier = EventClassifier(self.lexicon)
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
        text = document.text
        spans = sentence_spans(text)
        sentences = [text[start:end] for start, end in spans]
        frames, last_speaker = [], ""
        for sentence in sentences:
            frame = self.classifier.frame(sentence, last_speaker)
            last_speaker = frame.speaker
            frames.append(frame)
        dates = [sentence_date(sentence, document.published) for sentence in sentences]
        mentions = self.recognizer.find(text, spans)
        territorial = frozenset(
            i for i, m in enumerate(mentions) if frames[m.sentence].territorial
            and not self.classifier.only_named(m, sentences[m.sentence], spans[m.sentence][0]))
        events = []
        resolved_mentions = self.resolver.resolve(mentions, territorial)
        if self.online is not None:
            resolved_mentions = self._look_up_online(resolved_mentions)
        for resolved in resolved_mentions:
            index = resolved.mention.sentence
            frame = self.classifier.for_mention(frames[index], resolved, sentences[index], spans[index][0])
            if resolved.place and resolved.place.feature in WATER_AND_AREAS and frame.event_type == CONTROL_CHANGE:
                frame = replace(frame, event_type=FRONTLINE)  # a river or an area is fought along, never taken
            trust = resolved.confidence if resolved.place else UNRESOLVED_CONFIDENCE
            events.append(Event(
                document=document, resolved=resolved, event_type=frame.event_type, excerpt=sentences[index],
                date=dates[index], actor=frame.actor, opponent=frame.opponent, status=frame.status,
                claimed_by=frame.claimed_by, settlements_count=frame.settlements_count,
                actors_mentioned=frame.actors,
                confidence=trust * (frame.strength if frame.event_type != MENTION else 0.9),
            ))
        return events

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

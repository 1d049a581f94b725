"""The geoparser: document → mentions → resolved places → events."""

from __future__ import annotations

import logging
from dataclasses import replace

from geo.actors import Lexicon, default_lexicon
from geo.dates import sentence_date
from geo.events import MENTION, EventClassifier
from geo.gazetteer import Gazetteer, default_gazetteer
from geo.names import name_key
from geo.records import Document, Event, Mention
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
                 resolver: PlaceResolver | None = None, classifier: EventClassifier | None = None):
        self.gazetteer = gazetteer or default_gazetteer()
        self.lexicon = lexicon or default_lexicon()
        self.theatre = theatre
        self.recognizer = recognizer or ToponymRecognizer(self.gazetteer, self.lexicon)
        self.resolver = resolver or PlaceResolver(self.gazetteer, focus_countries=theatre.focus_countries,
                                                  home_countries=self._home_countries())
        self.classifier = classifier or EventClassifier(self.lexicon)

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
        mentions = self._mentions(document, spans)
        # Sentences after the last one read are not needed (a capped huge document).
        spans = spans[:mentions[-1].sentence + 1] if mentions else []
        sentences = [text[start:end] for start, end in spans]
        frames, last_speaker = [], ""
        for sentence in sentences:
            frame = self.classifier.frame(sentence, last_speaker)
            last_speaker = frame.speaker
            frames.append(frame)
        dates = [sentence_date(sentence, document.published) for sentence in sentences]
        territorial = frozenset(
            i for i, m in enumerate(mentions) if frames[m.sentence].territorial
            and not self.classifier.only_named(m, sentences[m.sentence], spans[m.sentence][0]))
        events = []
        for resolved in self.resolver.resolve(mentions, territorial):
            index = resolved.mention.sentence
            frame = self.classifier.for_mention(frames[index], resolved, sentences[index], spans[index][0])
            trust = resolved.confidence if resolved.place else UNRESOLVED_CONFIDENCE
            events.append(Event(
                document=document, resolved=resolved, event_type=frame.event_type, excerpt=sentences[index],
                date=dates[index], actor=frame.actor, opponent=frame.opponent, status=frame.status,
                claimed_by=frame.claimed_by, settlements_count=frame.settlements_count,
                actors_mentioned=frame.actors,
                confidence=trust * (frame.strength if frame.event_type != MENTION else 0.9),
            ))
        return events

    def _mentions(self, document: Document, spans: list[tuple[int, int]]) -> list[Mention]:
        """The document's place mentions, the first MAX_MENTIONS of them: a huge document (a whole feed
        pasted as one article) is read in part, with a warning, instead of taking minutes and gigabytes."""
        mentions: list[Mention] = []
        for first in range(0, len(spans), _SENTENCES_PER_BATCH):
            found = self.recognizer.find(document.text, spans[first:first + _SENTENCES_PER_BATCH])
            mentions += [replace(m, sentence=m.sentence + first) for m in found]
            if len(mentions) > MAX_MENTIONS:
                log.warning("%s: over %s place mentions; only the first %s are read", document.path or document.id,
                            f"{MAX_MENTIONS:,}", f"{MAX_MENTIONS:,}")
                return mentions[:MAX_MENTIONS]
        return mentions

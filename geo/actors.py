"""The actor lexicon: names, demonyms, capitals, institutions and persons → the side they stand for."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from geo.config import settings
from geo.errors import FrontmapError


class LexiconError(FrontmapError):
    pass


# A ship's name after the kind of ship, in quotation marks or capitalised ("the landing ship "Minsk"", "the cruiser
# Moskva", "the landing ship Novocherkassk"): neither a place nor a side.
_SHIP_WORDS = ("ship", "submarine", "frigate", "cruiser", "corvette", "destroyer", "vessel", "tanker", "minesweeper",
               "boat")
_SHIP_NAME = re.compile(rf"\b(?i:{'|'.join(('warship', 'flagship', 'patrol boat', *_SHIP_WORDS))})s?\s+"
                        r"(?:[\"“]([^\"”]{2,40})[\"”]|([A-Z][a-z][\w'’-]*(?:\s+[A-Z][a-z][\w'’-]*)?))")
_SHIP_WORDS_AS_WRITTEN = (*_SHIP_WORDS, *(w.capitalize() for w in _SHIP_WORDS), *(w.upper() for w in _SHIP_WORDS))
_BORDER_AFTER = re.compile(r"\s+(?:border|frontier)\b")


def ship_name_spans(text: str) -> list[tuple[int, int]]:
    if not any(word in text for word in _SHIP_WORDS_AS_WRITTEN):  # the common case, without the pattern's scan
        return []
    return [m.span(1) if m.group(1) else m.span(2) for m in _SHIP_NAME.finditer(text)]


@dataclass(frozen=True, slots=True)
class ActorMention:
    actor: str  # canonical actor ("Russia") or source ("Deep State")
    term: str  # as written
    start: int  # offsets within the sentence
    end: int
    kind: str  # name | demonym | person | group | weapon | source | enemy


@dataclass
class Lexicon:
    terms: dict[str, tuple[str, str]]  # term → (actor, kind)
    adversaries: dict[str, str]
    given_names: frozenset[str]
    enemy_words: frozenset[str]
    source_sides: dict[str, str]
    # A role that names one person ("the Russian president" → Putin): found as that person.
    titles: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.source_names = frozenset(actor for actor, kind in self.terms.values() if kind == "source")
        alternatives = sorted(self.terms, key=len, reverse=True)
        # Case-sensitive: actors are proper nouns; "the enemy" is matched separately. The terms are one alternation,
        # longest first, as (?<![\w-])(?:term|term|...)(?![\w-]), but grouped by their first character (each group
        # still longest first) and without the look-behind: a pattern that begins with a branch of literals is
        # searched only where one of those characters stands, and at each place only the terms that begin with it
        # are tried (find() checks the character before a match instead of the look-behind).
        by_first: dict[str, list[str]] = {}
        for term in alternatives:
            by_first.setdefault(term[0], []).append(term)
        grouped = "|".join(re.escape(first) + "(?:" + "|".join(re.escape(t[1:]) for t in terms) + ")"
                           for first, terms in by_first.items())
        self._grouped = re.compile(rf"(?:{grouped or '(?!)'})(?![\w-])")
        enemy = "|".join(re.escape(w) for w in sorted(self.enemy_words, key=len, reverse=True))
        self._enemy = re.compile(rf"\b(?:{enemy})\b", re.IGNORECASE)
        self._enemy_lower = tuple(w.lower() for w in self.enemy_words)

    def find(self, sentence: str) -> list[ActorMention]:
        found = []
        search, position = self._grouped.search, 0
        while True:  # finditer, with the look-behind checked here
            match = search(sentence, position)
            if match is None:
                break
            start = match.start()
            if start and (sentence[start - 1].isalnum() or sentence[start - 1] in "_-"):  # (?<![\w-])
                position = start + 1
                continue
            actor, kind = self.terms[match.group()]
            found.append(ActorMention(actor, match.group(), start, match.end(), kind))
            position = match.end()
        if found:
            found = self._without_ships_and_borders(sentence, found)
        if self._may_name_enemy(sentence):
            found += [ActorMention("", m.group(), m.start(), m.end(), "enemy")
                      for m in self._enemy.finditer(sentence)]
            return sorted(found, key=lambda a: a.start)
        return found  # in order already

    @staticmethod
    def _without_ships_and_borders(sentence: str, found: list[ActorMention]) -> list[ActorMention]:
        """Not a side: the landing ship "Minsk", the cruiser Moskva; "near the Polish border" (a demonym that names
        where, not who)."""
        ships = ship_name_spans(sentence)
        if not ships and "border" not in sentence and "frontier" not in sentence:
            return found
        return [a for a in found if not any(start <= a.start and a.end <= end for start, end in ships)
                and not (a.kind == "demonym" and _BORDER_AFTER.match(sentence, a.end))]

    def _may_name_enemy(self, sentence: str) -> bool:
        """Whether the enemy pattern can match: on ASCII text only where an enemy word stands in lower case (much
        cheaper than the case-blind pattern's scan); other text is always scanned."""
        if not sentence.isascii():
            return True
        lowered = sentence.lower()
        return any(word in lowered for word in self._enemy_lower)

    def kind_of(self, term: str) -> str | None:
        entry = self.terms.get(term)
        return entry[1] if entry else None

    def side_of(self, name: str) -> str:
        """The side a claimant speaks for: a person's actor, or a source's declared side."""
        actor, kind = self.terms.get(name, ("", ""))
        if kind == "source":
            return self.source_sides.get(actor, "")
        return actor

    def adversary(self, actor: str) -> str:
        return self.adversaries.get(actor, "")


def _merge(into: dict, data: dict, origin: str) -> None:
    if not isinstance(data, dict):
        raise LexiconError(f"{origin}: expected a mapping with 'actors' and 'sources'")
    for actor, entry in (data.get("actors") or {}).items():
        target = into["actors"].setdefault(actor, {})
        for key, value in (entry or {}).items():
            if key == "adversary":
                target[key] = value
            else:
                target.setdefault(key, []).extend(value or [])
    for source, terms in (data.get("sources") or {}).items():
        into["sources"].setdefault(source, []).extend(terms or [])
    for key in ("given_names", "enemy_words"):
        into[key].extend(data.get(key) or [])
    titles = data.get("titles") or {}
    if not isinstance(titles, dict):
        raise LexiconError(f"{origin}: 'titles' must map a role to a person's name")
    into["titles"].update({str(k): str(v) for k, v in titles.items()})
    into["source_sides"].update(data.get("source_sides") or {})


def load_lexicon(extra: Path | None = None) -> Lexicon:
    merged: dict = {"actors": {}, "sources": {}, "given_names": [], "enemy_words": [], "source_sides": {},
                    "titles": {}}
    builtin = resources.files("geo") / "data" / "actors.yaml"
    _merge(merged, yaml.safe_load(builtin.read_text(encoding="utf-8")), "built-in lexicon")
    extra = extra or settings().actors_path
    if extra is not None:
        try:
            _merge(merged, yaml.safe_load(Path(extra).read_text(encoding="utf-8")), str(extra))
        except (OSError, yaml.YAMLError) as exc:
            raise LexiconError(f"cannot read actor lexicon {extra}: {exc}") from exc
    terms: dict[str, tuple[str, str]] = {}
    adversaries = {}
    for actor, entry in merged["actors"].items():
        for kind, key in (("name", "names"), ("demonym", "demonyms"), ("person", "persons"), ("group", "groups"),
                          ("weapon", "weapons")):
            for term in entry.get(key, []):
                terms.setdefault(str(term), (actor, kind))
        if entry.get("adversary"):
            adversaries[actor] = entry["adversary"]
    for source, source_terms in merged["sources"].items():
        for term in source_terms:
            terms[str(term)] = (source, "source")
    titles = {}
    for title, person in merged["titles"].items():
        if person in terms:
            titles[title] = person
            for variant in (title, title[0].upper() + title[1:]):
                terms.setdefault(variant, (terms[person][0], "person"))
                titles[variant] = person
    return Lexicon(terms, adversaries, frozenset(merged["given_names"]), frozenset(merged["enemy_words"]),
                   merged["source_sides"], titles)


@cache
def default_lexicon() -> Lexicon:
    return load_lexicon()

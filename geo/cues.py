"""The cue lexicon: phrases that say what happened at a place (geo/data/cues.yaml, plus a user's file at
$FRONTMAP_DATA/cues.yaml), inflected and compiled into one pattern per kind of cue."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from geo.actors import LexiconError
from geo.config import data_dir

KINDS = ("gain", "loss", "fall", "hold", "frontline", "suffered", "gray_zone", "strike", "hit", "weapons",
         "contested", "confirmed", "denied", "aim", "negated", "modal", "attempt", "approach")


class CueError(LexiconError):
    pass


# A word: (?<![\w-])[\w'’-]+, its look-behind written after the first character, so that the pattern begins with a
# set the regex engine skips to.
_WORD = re.compile(r"[\w'’-](?<![\w-].)[\w'’-]*")


@dataclass(frozen=True, slots=True)
class CueMatch:
    kind: str
    start: int
    end: int
    text: str


def inflections(word: str, irregular: dict[str, list[str]]) -> list[str]:
    """A word and its regular (or listed irregular) forms: capture → captures, captured, capturing."""
    if word in irregular:
        return [word, *irregular[word]]
    forms = [word]
    if word.endswith("e"):
        forms += [word + "s", word + "d", word[:-1] + "ing"]
    elif word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        forms += [word[:-1] + "ies", word[:-1] + "ied", word + "ing"]
    elif word.endswith(("s", "sh", "ch", "x", "z")):
        forms += [word + "es", word + "ed", word + "ing"]
    else:
        forms += [word + "s", word + "ed", word + "ing"]
    return forms


def _phrase_pattern(phrase: str, irregular: dict[str, list[str]]) -> str:
    exact = phrase.startswith("=")
    words = phrase.lstrip("=").split()
    parts = []
    for i, word in enumerate(words):
        if word == "*":
            parts.append(r"(?:[\w'’-]+\s+){0,2}?")
            continue
        forms = [word] if exact or i else inflections(word.lower(), irregular)
        alternatives = "|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True))
        parts.append(rf"(?:{alternatives})" + ("" if i == len(words) - 1 else r"\s+"))
    return "".join(parts)


@dataclass
class CueLexicon:
    phrases: dict[str, list[str]]
    irregular: dict[str, list[str]]

    def __post_init__(self) -> None:
        self.patterns = {}
        self._starts: dict[str, tuple[str, ...]] = {}
        for kind in KINDS:
            for phrase in self.phrases.get(kind, []):
                first = phrase.lstrip("=").split()[0].lower()
                forms = [first] if phrase.startswith("=") else inflections(first, self.irregular)
                for form in forms:
                    if kind not in self._starts.get(form, ()):
                        self._starts[form] = (*self._starts.get(form, ()), kind)
            phrases = sorted(self.phrases.get(kind, []), key=lambda p: (len(p.split()), len(p)), reverse=True)
            alternatives = [_phrase_pattern(p, self.irregular) for p in phrases]
            self.patterns[kind] = re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives) or '(?!)'})(?![\w-])",
                                             re.IGNORECASE)

    def scan(self, text: str) -> dict[str, list[CueMatch]]:
        """Every cue of every kind in a text, by kind. Only the words that can begin a phrase are tried, so a
        sentence without cue words costs one pass of a word pattern."""
        found: dict[str, list[CueMatch]] = {}
        # ASCII text is lowered once (the same offsets, the same words), other text word by word.
        ascii_text = text.isascii()
        for word in _WORD.finditer(text.lower() if ascii_text else text):
            for kind in self._starts.get(word.group() if ascii_text else word.group().lower(), ()):
                match = self.patterns[kind].match(text, word.start())
                if match:
                    found.setdefault(kind, []).append(CueMatch(kind, match.start(), match.end(), match.group()))
        return found

    @staticmethod
    def first_of(found: dict[str, list[CueMatch]], kinds: tuple[str, ...]) -> list[CueMatch]:
        """The cues of these kinds, leftmost first; at one place the longest wins, then the kind listed first;
        a cue inside another is dropped ("withdrew from" over "withdrew")."""
        candidates = [m for kind in kinds for m in found.get(kind, ())]
        rank = {kind: i for i, kind in enumerate(kinds)}
        candidates.sort(key=lambda m: (m.start, -(m.end - m.start), rank[m.kind]))
        kept, reach = [], -1
        for match in candidates:
            if match.start >= reach:
                kept.append(match)
                reach = match.end
        return kept

    def find(self, kind: str, text: str, start: int = 0, end: int | None = None) -> list[CueMatch]:
        end = len(text) if end is None else end
        return [CueMatch(kind, m.start(), m.end(), m.group()) for m in self.patterns[kind].finditer(text, start, end)]

    def search(self, kind: str, text: str, start: int = 0, end: int | None = None) -> re.Match | None:
        return self.patterns[kind].search(text, start, len(text) if end is None else end)


def _merge(into: dict, data, origin: str) -> None:
    if not isinstance(data, dict):
        raise CueError(f"{origin}: expected a mapping of cue kinds to lists of phrases")
    for key, value in data.items():
        if key == "irregular":
            if not isinstance(value, dict):
                raise CueError(f"{origin}: 'irregular' must map a word to its forms")
            into["irregular"].update({str(k).lower(): [str(f).lower() for f in v or []] for k, v in value.items()})
        elif key in KINDS:
            if not isinstance(value, list):
                raise CueError(f"{origin}: '{key}' must be a list of phrases")
            into["phrases"].setdefault(key, []).extend(str(p) for p in value if str(p).strip("= *"))
        else:
            raise CueError(f"{origin}: unknown cue kind {key!r} (known: {', '.join(KINDS)})")


def load_cues(extra: Path | None = None) -> CueLexicon:
    merged: dict = {"phrases": {}, "irregular": {}}
    builtin = resources.files("geo") / "data" / "cues.yaml"
    _merge(merged, yaml.safe_load(builtin.read_text(encoding="utf-8")), "built-in cue lexicon")
    if extra is None:
        user = data_dir() / "cues.yaml"
        extra = user if user.exists() else None
    if extra is not None:
        try:
            data = yaml.safe_load(Path(extra).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise CueError(f"cannot read cue lexicon {extra}: {exc}") from exc
        _merge(merged, data or {}, str(extra))
    return CueLexicon(merged["phrases"], merged["irregular"])


@cache
def default_cues() -> CueLexicon:
    return load_cues()

"""Name normalisation and the transliteration variants under which one place is written.

Cyrillic names reach English text through several romanisation habits (Суджа: Sudzha, Sudja,
Suja; Харків: Kharkiv, Harkiv).  The gazetteer indexes the common ones so they all find the place.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "‘": "'"})
_SPACES = re.compile(r"\s+")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
# Latin or Cyrillic letters only: other scripts cannot appear in the English text frontmap reads.
INDEXABLE_NAME = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ɏ\u0400-\u04FF][\w'’\-\. ]*$")

# One table for Russian and Ukrainian (BGN/PCGN-like), letter by letter; the variants below
# then rewrite its output the way other romanisation habits would.
_CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "yo", "є": "ye",
    "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
}
_UKRAINIAN_ONLY = set("ієїґ")
_VOWELS_AND_SIGNS = set("аеёиоуыэюяьъ")
_UKRAINIAN_OVERRIDES = {"г": "h", "и": "y"}
# Each rewrite is one habit: dzh→j (Suja), dzh→dj (Sudja), kh→h (Harkiv), ...
_VARIANT_REWRITES = (
    ("dzh", "j"), ("dzh", "dj"), ("zh", "j"), ("kh", "h"), ("iy", "y"), ("yy", "y"),
    ("ts", "c"), ("yi", "i"), ("ye", "e"), ("shch", "sch"), ("'", ""),
)


# A pure function called for every candidate span and place name: recent answers are kept.
@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """The form under which names are compared: NFC, case-folded, one kind of apostrophe and space."""
    name = unicodedata.normalize("NFC", name).translate(_APOSTROPHES)
    return _SPACES.sub(" ", name).strip().casefold()


def romanise(cyrillic: str) -> str:
    lower = cyrillic.lower()
    ukrainian = any(ch in _UKRAINIAN_ONLY for ch in lower)
    out = []
    previous = " "
    for ch in lower:
        latin = (_UKRAINIAN_OVERRIDES.get(ch) if ukrainian else None) or _CYRILLIC_TO_LATIN.get(ch, ch)
        if ch == "е" and not ukrainian and (not previous.isalpha() or previous in _VOWELS_AND_SIGNS):
            latin = "ye"  # Russian е at a word's start or after a vowel (BGN/PCGN): Дачное → Dachnoye (and Dachnoe)
        out.append(latin)
        previous = ch
    return "".join(out)


def latin_variants(name: str) -> set[str]:
    """Name keys of the usual romanisations of a Cyrillic name, or of a romanised one."""
    base = name_key(romanise(name) if CYRILLIC.search(name) else name)
    variants = {base}
    for old, new in _VARIANT_REWRITES:
        for known in list(variants):
            if old in known:
                variants.add(known.replace(old, new))
        if len(variants) > 24:  # pathological names: keep the index small
            break
    return variants

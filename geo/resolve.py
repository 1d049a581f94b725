"""Toponym resolution: pick, among the gazetteer's homonyms, the place a document means.

Evidence, in order of weight: the scale the text gives ("Kursk region" is the oblast, "Kursk" the city),
the feature class (a country or region before a hamlet of the same name), the countries the document
names or is set in, closeness to the document's unambiguous places (there are 17 Nikolaevkas),
population, and the theatre the tool is made for (Ukraine, Russia, Belarus).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable

from geo.gazetteer import Gazetteer
from geo.names import name_key
from geo.records import Mention, Place, ResolvedMention
from geo.theatre import DEFAULT_THEATRE

_FEATURE_PRIOR = {"PCLI": 4.0, "CONT": 4.0, "PPLC": 2.5, "ADM1": 2.0}


def haversine_km(a: Place, b: Place) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


class PlaceResolver:
    def __init__(self, gazetteer: Gazetteer, focus_countries: Iterable[str] = DEFAULT_THEATRE.focus_countries,
                 home_countries: dict[str, str] | None = None):
        self.gazetteer = gazetteer
        self.focus_countries = frozenset(focus_countries)
        # Names that stand for a country's government ("Washington") are in that country.
        self.home_countries = home_countries or {}

    def candidates(self, mention: Mention, scale: str | None = None) -> list[Place]:
        scale = mention.scale if scale is None else scale
        places = self.gazetteer.lookup(mention.lookup)
        if scale == "region":
            regions = [p for p in places if p.feature == "ADM1"]
            if regions:
                return regions
            # "Kharkov region": the region of the place of that name.
            seen, regions = set(), []
            for place in places:
                region = self.gazetteer.region_of(place)
                if region and (region.country, region.admin1_code) not in seen:
                    seen.add((region.country, region.admin1_code))
                    regions.append(region)
            return regions
        if scale == "district":
            return [p if p.feature == "ADM2" else dataclasses.replace(p, feature="ADM2", name=f"{p.name} district")
                    for p in places if p.feature not in ("ADM1", "PCLI", "CONT")]
        settlements = [p for p in places if p.feature != "ADM1"]
        return settlements or places

    def resolve(self, mentions: list[Mention], territorial: frozenset[int] = frozenset()
                ) -> list[ResolvedMention]:
        """Resolve a document's mentions together. territorial holds the indices of the mentions
        whose sentence speaks of ground taken or fought over there: in a document that also says
        "Kursk region", a bare "Kursk" taken or fought over is the region."""
        region_keys = {name_key(m.lookup) for m in mentions if m.scale == "region"}
        scales = [
            "region" if not m.scale and i in territorial and name_key(m.lookup) in region_keys else m.scale
            for i, m in enumerate(mentions)
        ]
        options = [self.candidates(m, s) for m, s in zip(mentions, scales, strict=True)]
        named_countries = {opts[0].country for opts in options if len(opts) == 1 and opts[0].feature == "PCLI"}
        home_countries = {opts[0].country for opts in options if len(opts) == 1}
        keys = [(name_key(m.lookup), s) for m, s in zip(mentions, scales, strict=True)]
        # Context places, by the name that brought them: a name is never its own context.
        anchors = {key: opts[0] for key, opts in zip(keys, options, strict=True)
                   if len(opts) == 1 and opts[0].feature not in ("PCLI", "CONT")}
        chosen: dict[tuple[str, str], tuple[Place | None, float, int]] = {}
        for _ in range(2):  # the second pass uses the first pass's choices as context
            chosen = {}
            for key, opts in zip(keys, options, strict=True):
                if key not in chosen:
                    home = self.home_countries.get(key[0])
                    named = named_countries | {home} if home else named_countries
                    context = [place for other, place in anchors.items() if other != key]
                    chosen[key] = self._choose(opts, named, home_countries, context)
            anchors = {key: p for key, (p, conf, _) in chosen.items()
                       if p is not None and conf >= 0.6 and p.feature not in ("PCLI", "CONT", "ADM1")}
        return [ResolvedMention(mention, *chosen[key]) for mention, key in zip(mentions, keys, strict=True)]

    def rank(self, places: list[Place]) -> list[Place]:
        """Places best first without document context: feature class, population, theatre."""
        return sorted(places, key=lambda p: self._score(p, set(), set(), []), reverse=True)

    def _choose(self, options: list[Place], countries: set[str], document_countries: set[str],
                anchors: list[Place]) -> tuple[Place | None, float, int]:
        if not options:
            return None, 0.0, 0
        if len(options) == 1:
            return options[0], 0.95, 1
        scored = sorted(((self._score(p, countries, document_countries, anchors), i)
                         for i, p in enumerate(options)), reverse=True)
        (best, i), (second, _) = scored[0], scored[1]
        confidence = 1 / (1 + math.exp(-(best - second)))
        return options[i], round(min(0.95, confidence), 3), len(options)

    def _score(self, place: Place, countries: set[str], document_countries: set[str],
               anchors: list[Place]) -> float:
        score = _FEATURE_PRIOR.get(place.feature, 0.0) + 0.6 * math.log10(place.population + 10)
        if place.country in countries:  # named in the text ("France")
            score += 2.5
        elif place.country in document_countries:  # where the document's unambiguous places are
            score += 1.0
        if place.country in self.focus_countries:
            score += 1.0
        others = [a for a in anchors if a.geonameid != place.geonameid or a.feature != place.feature]
        if others:
            nearest = min(haversine_km(place, a) for a in others)
            score += 3.0 * math.exp(-nearest / 150.0)
            if any(a.country == place.country and a.admin1_code == place.admin1_code for a in others):
                score += 1.0
        return score

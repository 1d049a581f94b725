"""Toponym resolution: pick, among the gazetteer's homonyms, the place a document means.

Evidence, in order of weight: the scale the text gives ("Kursk region" is the oblast, "Kursk" the city),
the feature class (a country or region before a hamlet of the same name), the countries the document
names or is set in, closeness to the document's unambiguous places (there are 17 Nikolaevkas),
population, and the theatre the tool is made for (Ukraine, Russia, Belarus).

A wrong marker is worse than none: the regions the text names rule namesakes elsewhere out, a small place far
from everything else the document names is left unplaced, and `confidence` stays below 0.7 (review) whenever
the choice rests on population alone while a sizeable namesake exists elsewhere.
"""

from __future__ import annotations

import dataclasses
import math
import unicodedata
from collections import Counter
from collections.abc import Iterable
from collections.abc import Set as AbstractSet

from geo.gazetteer import NON_SETTLEMENT, WATER_AND_AREAS, Gazetteer
from geo.names import name_key
from geo.records import BARE_REGION, Mention, NearPlace, Place, ResolvedMention
from geo.theatre import DEFAULT_THEATRE

_FEATURE_PRIOR = {"PCLI": 4.0, "CONT": 4.0, "PPLC": 2.5, "ADM1": 2.0, "STM": 1.0, "RSV": 1.0, "AREA": 3.0,
                  "SPIT": 3.0, "PLANT": 3.0}
# A bare name is a first-level region (Texas, Crimea) unless a settlement of that country this big bears it.
REGION_BEATS_SETTLEMENTS_UNDER = 100_000
# A small place this far from everything else the document names is not trusted: more likely a namesake
# of a place the gazetteer lacks than the place meant.
DISTANT_KM = 600.0
DISTANT_VILLAGE_KM = 250.0
SMALL_PLACE = 50_000
# A city this big is the better guess when the best-scored namesake is a small place far from the rest of the text.
BIG_NAMESAKE = 500_000
# A name this similar to a place's own name (rapidfuzz's Indel similarity) is another spelling of it (Kiltamagh,
# Kiltimagh), not another name (Molotov for Perm).
OTHER_SPELLING_SIMILARITY = 0.75
# Confidence given to a choice the text does not support (below 0.7: listed for review).
UNCERTAIN = 0.6
# A namesake this big elsewhere makes a choice the text does not support uncertain.
RIVAL_POPULATION = 10_000
# The name a place goes by now beats an old or foreign alternate of another place.
CURRENT_NAME_BONUS = 1.0
# A capital called by an old or foreign name (Philadelphia for Amman) does not get a capital's weight.
ALTERNATE_CAPITAL = 2.0
# A place the text puts in a named region or country ("London, Ontario") and found there.
NAMED_REGION_CONFIDENCE = 0.9
# A place in a region the text names sentences away from the name (beside it: 4.0).
DISTANT_REGION_BONUS = 1.5
# A place taken or fought over in the text, in one of the theatre's front regions (Theatre.front_regions).
FRONT_BONUS = 2.0
# A place this close to another place of the text is supported by it (see _Support).
SUPPORT_KM = 150.0
# "Kamianka near Kupiansk": how far a place the text puts near another may lie from it, and the slack added to a
# distance the text gives ("8 km south of").
NEAR_KM = 60.0
# A settlement taken or fought over far from the front and from the text's other places is doubted up to this size
# (a city of more, Sochi, is more likely meant than a namesake the text cannot point to).
FAR_FROM_THE_FRONT_POPULATION = 100_000
# "Novoselivka in the Pokrovsk district": most of a raion's settlements lie within this of its point (a soft cut).
DISTRICT_KM = 45.0
NEAR_SLACK_KM = 25.0
# "north of Kupiansk": a place within this many degrees of that direction from the town.
NEAR_BEARING_SLACK = 67.5
# In the country where most of the document's places are.
MAIN_COUNTRY_BONUS = 1.0
# Countries whose counties go by their bare name ("Kent", "Hampshire"): a bare name may be the county.
BARE_COUNTY_COUNTRIES = frozenset({"GB"})
# Candidate lists kept for names seen before (the cache is emptied when it holds this many).
CANDIDATES_KEPT = 20_000
# Calibration from the evidence (confidence >= 0.7 must mean at least 95 % right; issue 7):
# a settlement this many times bigger than every namesake farther than SAME_SPOT_KM, none of them sizeable
# (under RIVAL_POPULATION, counted as at least DECISIVE_FLOOR_PEOPLE), is the one meant: Avdiivka (36k) against
# villages of 2k and 500. On the public corpora such choices were right 19 times out of 19 while the score margin
# alone left them under 0.7.
DECISIVE_POPULATION_RATIO = 10.0
# In the theatre's countries, whose settlements the gazetteer knows down to the village (Lyman, 20k, against a 4k
# village of the Kharkiv oblast; Pokrovsk, 60k, against a 10k Russian town).
THEATRE_DECISIVE_RATIO = 5.0
DECISIVE_FLOOR_PEOPLE = 1_000
DECISIVE_CONFIDENCE = 0.8
# Namesakes closer than this put the marker in the same spot whichever is meant.
SAME_SPOT_KM = 50.0
# The gazetteer's only entry of a name, a settlement under this size outside the theatre's countries, with nothing
# else in the text near it or in a region it names, may be a namesake the gazetteer lacks (a unique but distant
# entry is not trusted by default): 68 % right on the public corpora, so listed for review.
LONE_ENTRY_POPULATION = 20_000
# Two ambiguous names with candidates this close together: each of those candidates gains this much (in the
# document's main country, when it has one: a surname that is also a London borough does not pull a Canadian story's
# Edmonton to England).
COLOCATED_KM = 20.0
# A namesake in the theatre within COLOCATED_KM of a place named in the same sentence ("near Pavlivka and
# Vuhledar", where thousands of villages share a few names): as strong as the other evidence together (a named
# region sentences away, a pair of namesakes elsewhere in the text).
COMPANION_BONUS = 3.0
COLOCATED_BONUS = 1.5
# A county's point stands for an area: a county and a place (or two counties) this close are together.
COUNTY_COLOCATED_KM = 40.0
# A first-level region named bare and read as the region with this confidence is where the story is.
BARE_REGION_CONFIDENCE = 0.7
SCALE_FEATURES = {"district": ("ADM2",), "community": ("ADM3",), "river": ("STM",), "reservoir": ("RSV",)}


def _near_km(a: Place, b: Place) -> float:
    """Distance for weighing context: the equirectangular approximation, within 1 % of the great circle over a
    theatre's distances and several times cheaper (the resolver measures every candidate to every anchor)."""
    x = math.radians(b.longitude - a.longitude) * math.cos(math.radians((a.latitude + b.latitude) / 2))
    y = math.radians(b.latitude - a.latitude)
    return 6371.0 * math.sqrt(x * x + y * y)


def haversine_km(a: Place, b: Place) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


class PlaceResolver:
    def __init__(self, gazetteer: Gazetteer, focus_countries: Iterable[str] = DEFAULT_THEATRE.focus_countries,
                 home_countries: dict[str, str] | None = None,
                 front_regions: Iterable[tuple[str, str]] = DEFAULT_THEATRE.front_regions):
        self.gazetteer = gazetteer
        self.focus_countries = frozenset(focus_countries)
        self.front_regions = frozenset(front_regions)
        # Names that stand for a country's government ("Washington") are in that country.
        self.home_countries = home_countries or {}
        self._candidates_seen: dict[tuple[str, str, str], tuple[Place, ...]] = {}

    def candidates(self, mention: Mention, scale: str | None = None) -> list[Place]:
        scale = mention.scale if scale is None else scale
        # They depend on the name and the scale only, and a text names its places again and again.
        key = (mention.lookup, mention.surface, scale)
        found = self._candidates_seen.get(key)
        if found is None:
            if len(self._candidates_seen) >= CANDIDATES_KEPT:
                self._candidates_seen.clear()
            found = self._candidates_seen[key] = tuple(self._find_candidates(mention, scale))
        return list(found)

    def _find_candidates(self, mention: Mention, scale: str) -> list[Place]:
        places = self.gazetteer.lookup(mention.lookup)
        if scale in ("river", "reservoir", "district"):  # "Kurakhove reservoir", "Cedar County": names of their own
            places = list({_identity(p): p for p in places + self.gazetteer.lookup(mention.surface)}.values())
        if scale == "district" and not mention.surface.lower().endswith("county"):
            # "Harvey, Harper and Kingman counties": each a county, found under its whole name
            places += [p for p in self.gazetteer.lookup(f"{mention.lookup} County") if p.feature == "ADM2"]
        if scale in ("region", BARE_REGION):
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
        if scale in SCALE_FEATURES:
            exact = [p for p in places if p.feature in SCALE_FEATURES[scale]]
            if exact or scale in ("river", "reservoir"):
                return exact
            if scale == "community":
                scale = ""
        if scale == "district":
            return [p if p.feature == "ADM2" else dataclasses.replace(p, feature="ADM2", name=f"{p.name} district")
                    for p in places if p.feature not in NON_SETTLEMENT]
        settlements = [p for p in places if p.feature not in NON_SETTLEMENT]
        key = name_key(mention.lookup)
        namesakes = settlements  # every settlement the look-up found bears the name, as its own or an alias
        big = {p.country for p in namesakes if p.population >= REGION_BEATS_SETTLEMENTS_UNDER
               and name_key(p.name) == key}
        # A region named after its centre (Kherson, New York) is meant by the bare name only through its
        # city; Texas and Crimea have no namesake city inside them.
        centres = {(p.country, p.admin1_code) for p in namesakes
                   if name_key(p.name) == key or p.population >= RIVAL_POPULATION}
        regions = [p for p in places if p.feature == "ADM1" and name_key(p.name) == key and p.country not in big
                   and (p.country, p.admin1_code) not in centres]
        named = [p for p in places if p.feature in ("PCLI", "CONT") or p.feature in WATER_AND_AREAS]
        # "Kent", "Hampshire": the county, where no settlement of its country bears the name (Manchester is the city).
        homonyms = {p.country for p in namesakes if name_key(p.name) == key}
        named += [p for p in places if p.feature == "ADM2" and p.country in BARE_COUNTY_COUNTRIES
                  and p.country not in homonyms and name_key(p.name) == key]
        return settlements + regions + named or [p for p in places if p.feature not in ("ADM2", "ADM3")] or places

    def resolve(self, mentions: list[Mention], territorial: frozenset[int] = frozenset()
                ) -> list[ResolvedMention]:
        """Resolve a document's mentions together. territorial holds the indices of the mentions
        whose sentence speaks of ground taken or fought over there: in a document that also says
        "Kursk region", a bare "Kursk" taken or fought over is the region."""
        # Not a name the text also calls a settlement ("the southern city of Kherson"): one name, one sense.
        region_keys = {name_key(m.lookup) for m in mentions if m.scale == "region"} - {
            name_key(m.lookup) for m in mentions if m.cue.endswith(" of")}
        scales = [
            "region" if not m.scale and i in territorial and name_key(m.lookup) in region_keys else m.scale
            for i, m in enumerate(mentions)
        ]
        options = [self.candidates(m, s) or self._near_misses(m, s) for m, s in zip(mentions, scales, strict=True)]
        fuzzy = {name_key(m.lookup) for m, opts in zip(mentions, options, strict=True)
                 if opts and not self.gazetteer.knows(name_key(m.lookup))}
        named_countries = {opts[0].country for opts in options if len(opts) == 1 and opts[0].feature == "PCLI"}
        named_countries |= _countries_named_outright(mentions, options)
        home_countries = {opts[0].country for opts in options if len(opts) == 1}
        keys = [(name_key(m.lookup), s) for m, s in zip(mentions, scales, strict=True)]
        # Names taken or fought over; the front regions weigh for them in a text whose places all lie in the theatre's
        # countries (its unambiguous places and named countries, then its first choices).
        fought_over = {keys[i] for i in territorial}
        # Context places, by the name that brought them: a name is never its own context.
        anchors = {key: opts[0] for key, opts in zip(keys, options, strict=True)
                   if len(opts) == 1 and opts[0].feature not in ("PCLI", "CONT")}
        colocated = _colocated(keys, options, self.focus_countries)
        abbreviated = _abbreviated_only(mentions, keys)
        # The sentences each name stands in: a region weighs most for the names beside it (_beside_regions).
        sentences: dict[tuple[str, str], set[int]] = {}
        for mention, key in zip(mentions, keys, strict=True):
            sentences.setdefault(key, set()).add(mention.sentence)
        chosen: dict[tuple[str, str], tuple[Place | None, float, int]] = {}
        for _ in range(2):  # the second pass uses the first pass's choices as context
            # and as the regions and places the text puts names in and near ("Kamianka near Kupiansk").
            choosing = self._narrowed(mentions, options, chosen) if chosen else options
            # The regions the text names ("in the Kursk region") rule their namesakes elsewhere out.
            regions = {(p.country, p.admin1_code) for key, p in anchors.items() if p.feature == "ADM1"
                       and key[1] == "region"}
            regions |= {(p.country, p.admin1_code) for key, (p, conf, _) in chosen.items()
                        if p is not None and p.feature == "ADM1" and key[1] == "region"}
            regions -= _dateline_regions(abbreviated, anchors, chosen)
            region_sentences = _region_sentences(anchors, chosen, sentences, regions)
            # The country most of the document's places are in (from the first pass's choices).
            homes = Counter(p.country for p, _, _ in chosen.values()
                            if p is not None and p.feature not in ("PCLI", "CONT"))
            ranked = homes.most_common(2) + [("", 0), ("", 0)]
            main_country = ranked[0][0] if ranked[0][1] >= 2 and ranked[0][1] > ranked[1][1] else ""
            known = [p for p, _, _ in chosen.values() if p] if chosen else list(anchors.values())
            set_in_theatre = named_countries <= self.focus_countries and all(p.country in self.focus_countries
                                                                             for p in known)
            chosen = {}
            # Each anchor with the name that brought it and its identity, read once per pass: the context of a name
            # is every anchor of another name, one per identity (see _unique_anchors), made once per name.
            prepared = [(other[0], (p.latitude, p.longitude, p.name, p.feature), p) for other, p in anchors.items()]
            by_sentence = _settlements_by_sentence(anchors, sentences)
            contexts: dict[str, list[Place]] = {}
            for key, opts in zip(keys, choosing, strict=True):
                if key not in chosen:
                    home = self.home_countries.get(key[0])
                    named = named_countries | {home} if home else named_countries
                    context = contexts.get(key[0])
                    if context is None:
                        context = contexts[key[0]] = list(
                            {identity: p for name, identity, p in prepared if name != key[0]}.values())
                    chosen[key] = self._choose(opts, named, home_countries, context, regions, key[0], main_country,
                                               colocated, unique_anchors=True,
                                               fought_over=set_in_theatre and key in fought_over,
                                               beside=_beside_regions(sentences[key], region_sentences)
                                               if region_sentences else None,
                                               companions=_companions(key, by_sentence, sentences)
                                               if len(opts) > 1 else ())
            anchors = {key: p for key, (p, conf, _) in chosen.items()
                       if p is not None and conf >= 0.6 and p.feature not in ("PCLI", "CONT")}
            anchors |= _supported_now(keys, options, chosen, anchors)
        fuzzy |= self._other_spellings_in_named_regions(mentions, keys, chosen, regions)
        self._into_bare_named_regions(keys, options, chosen)
        self._capitals_of_named_countries(keys, options, chosen, named_countries)
        resolved = []
        # Near-miss spellings are the theatre's romanisations: in a text whose other places all lie outside the
        # theatre's countries ("Dvani" in a story about Georgia), one edit from a Ukrainian village is a guess.
        in_theatre = not fuzzy or self._others_in_theatre(chosen, fuzzy)
        named_region = self._inside_named_regions(mentions, keys, options, chosen)
        for mention, key, opts in zip(mentions, keys, options, strict=True):
            place, confidence, count = named_region.get((key, name_key(mention.within))) \
                or named_region.get((key, None)) or chosen[key]
            region = (chosen.get((name_key(mention.within), "region"), (None,))[0]
                      or _district_chosen(mention.within, chosen)) if mention.within else None
            if region is not None and region.feature in ("ADM1", "ADM2", "ADM3") and place is not None and (
                    place.country, place.admin1_code) != (region.country, region.admin1_code):
                # "A and B in the Kursk region", "Zhuravlevka in the Belgorod district": a namesake elsewhere (in
                # another first-level region) is not A.
                inside = [p for p in opts if (p.country, p.admin1_code) == (region.country, region.admin1_code)]
                place, confidence = (self.rank(inside)[0], min(confidence, 0.95)) if inside else (None, 0.0)
            if mention.scale == "district" and place is not None and not _in_the_named_places_region(
                    place, mention, chosen):
                place, confidence = None, 0.0  # a city's district ("the Dniprovskyi district of Kherson"): unplaced
            if mention.scale == "district" and place is not None and place.country in self.focus_countries \
                    and key[0].endswith(_ADJECTIVE_ENDINGS) and not _Support(place, regions,
                                                                          _settlements_placed(chosen, key)):
                # "the Dniprovskyi district" in a story about Kherson: a city's district (named as an adjective, as
                # city districts are), not the raion of that name 250 km away
                place, confidence = None, 0.0
            if mention.scene and place is not None and not self._in_the_scene(place, mention.scene, chosen):
                # "In Russia's Kursk region, ... near Lyubimovka": a village elsewhere is a guess, listed for review
                confidence = min(confidence, UNCERTAIN)
            if key[0] in fuzzy:  # found under another spelling: listed for review
                place, confidence = (place, min(confidence, UNCERTAIN)) if in_theatre else (None, 0.0)
            elif place is not None and confidence <= UNCERTAIN and self._only_by_another_name(place, key[0]):
                place, confidence = None, 0.0
            resolved.append(ResolvedMention(mention, place, confidence, count))
        return resolved

    def _narrowed(self, mentions: list[Mention], options: list[list[Place]], chosen: dict) -> list[list[Place]]:
        """Each mention's namesakes cut down to those inside the region the text puts it in ("A and B in the Kursk
        region") and near the settlement it puts it near ("Kamianka near Kupiansk"), as chosen so far, where any
        namesake is there: "near" is written loosely too (Sudzha "near Kursk", 80 km away). A bare name the text
        also calls a river is the river (one name, one sense in a text); an occupied place lies along the front."""
        out = []
        rivers = {name_key(m.lookup) for m in mentions if m.scale == "river"}
        for mention, opts in zip(mentions, options, strict=True):
            if not mention.scale and name_key(mention.lookup) in rivers:  # "the Oskil river", then "the Oskil"
                opts = [p for p in opts if p.feature in WATER_AND_AREAS] or opts
            if mention.cue == "occupied":  # "in occupied Donetsk": along the front, not Rostov oblast's Donetsk
                opts = [p for p in opts if (p.country, p.admin1_code) in self.front_regions] or opts
            region = self._region_named(mention.within, chosen) if mention.within else None
            if region is not None:
                opts = [p for p in opts if _inside(p, region)] or opts
            district = _district_chosen(mention.within, chosen) if mention.within else None
            if district is not None:  # "Novoselivka in the Pokrovsk district": of its namesakes, those there
                opts = [p for p in opts if _near_km(p, district) <= DISTRICT_KM] or opts
            if mention.near is not None:
                opts = self._close_to_named_place(mention.near, opts, chosen, name_key(mention.lookup)) or opts
            out.append(opts)
        return out

    @staticmethod
    def _close_to_named_place(near: NearPlace, options: list[Place], chosen: dict, key: str) -> list[Place]:
        """The namesakes within NEAR_KM of the settlement the text puts a place near (or within the distance the
        text gives, and some) and, when it gives a direction, on that side of it (NEAR_BEARING_SLACK either way),
        nearest first; none when that settlement is not placed. With no distance given, the nearest alone when the
        next is at least twice as far: "Mykolaivka, east of Izium" is the village 13 km away, not the one at 50 km;
        a town known by another name is left out of that count ("Hrodivka near Pokrovsk" is the village, not
        Myrnohrad nearer by, once called Hrodivka), a village is not (its other name may be its new one)."""
        anchor = _settlement_chosen(near.name, chosen)
        if anchor is None:
            return []
        reach = near.km + NEAR_SLACK_KM if near.km else NEAR_KM
        close = sorted((km, i) for i, p in enumerate(options)
                       if p.feature not in NON_SETTLEMENT and not _same(p, anchor)
                       and (km := _near_km(p, anchor)) <= reach
                       and (near.bearing is None or _angle_between(_bearing(anchor, p), near.bearing)
                            <= NEAR_BEARING_SLACK))
        if len(close) > 1 and not near.km:
            own = [c for c in close if _own_name(options[c[1]], key)
                   or options[c[1]].population < RIVAL_POPULATION] or close
            if len(own) == 1 or 2 * own[0][0] <= own[1][0]:
                close = own[:1]
        return [options[i] for _, i in close]

    def _inside_named_regions(self, mentions: list[Mention], keys: list[tuple[str, str]], options: list[list[Place]],
                              chosen: dict) -> dict:
        """"London, Ontario", "Paris, Texas", "Richmond, Va.": the place of that name inside the region or country
        the text puts it in: by (name, region) for the mentions that name the region, by (name, None) for the
        others (London, Ontario, then "London": the first region named for the name).
        A name with no candidate inside keeps its choice ("Texas, Florida" is a list, not a place in a state)."""
        out = {}
        for mention, key, opts in zip(mentions, keys, options, strict=True):
            if not mention.within or (key, name_key(mention.within)) in out or chosen[key][0] is None:
                continue
            region = self._region_named(mention.within, chosen)
            inside = [p for p in opts if _inside(p, region)] if region is not None else []
            place, confidence, count = chosen[key]
            if inside:
                best = place if any(_same(place, p) for p in inside) else self.rank(inside)[0]
                # The region settles the name when its namesakes there are all in one spot (three Novotroitskes in
                # the Donetsk oblast: the text's other places choose, as they did).
                if all(_near_km(p, best) <= SAME_SPOT_KM for p in inside):
                    confidence = max(confidence, NAMED_REGION_CONFIDENCE)
                elif best is not place:
                    confidence = min(confidence, UNCERTAIN)
                out[(key, name_key(mention.within))] = (best, confidence, count)
                out.setdefault((key, None), out[(key, name_key(mention.within))])
        return out

    @staticmethod
    def _region_named(name: str, chosen: dict) -> Place | None:
        """The first-level region or country a name stands for, as chosen, when it was chosen as one with at least
        UNCERTAIN confidence ("Ontario" in "London, Ontario"; "Kursk" in "in the Kursk region")."""
        key = name_key(name)
        region, confidence, _ = chosen.get((key, "region")) or chosen.get((key, "")) or chosen.get(
            (key, BARE_REGION)) or (None, 0, 0)
        if region is None or region.feature not in ("ADM1", "PCLI") or confidence < UNCERTAIN:
            return None
        return region

    def _in_the_scene(self, place: Place, scene: str, chosen: dict) -> bool:
        """Whether a place lies in the region a sentence opens on ("In the Kursk region, ..."), or may stand outside
        it: a big city, or an area ("In the Kursk region, ... as drones struck Kharkiv"); true when the region is not
        placed."""
        region = self._region_named(scene, chosen)
        return region is None or _inside(place, region) or place.feature in NON_SETTLEMENT \
            or place.population >= SMALL_PLACE

    def _others_in_theatre(self, chosen: dict, fuzzy: set) -> bool:
        """Whether the places found under their own names lie in the theatre's countries (or there are none)."""
        others = [p.country for key, (p, _, _) in chosen.items() if p is not None and key[0] not in fuzzy]
        return not others or any(country in self.focus_countries for country in others)

    def _into_bare_named_regions(self, keys: list[tuple[str, str]], options: list[list[Place]],
                                 chosen: dict) -> None:
        """"Paris" in a story that names Illinois and nothing French; "VICTORIA" beside "British Columbia": a place
        nothing else in the text points to (no other place in its country, or none in its first-level region nor
        within 150 km) gives way to its namesake inside a first-level region the text names by its bare name. A bare
        region does not rule namesakes out as "in the Kursk region" does (a state named beside a capital: Washington
        is not Washington, Utah), so only an unsupported choice moves, names that stand for a government
        ("Washington") never, and a big city, or a city whose country nothing else in the text is in, moves with
        confidence UNCERTAIN (listed for review)."""
        bare = {(p.country, p.admin1_code) for key, (p, conf, _) in chosen.items() if p is not None
                and p.feature == "ADM1" and key[1] in ("", BARE_REGION) and conf >= BARE_REGION_CONFIDENCE}
        if not bare:
            return
        placed = [(key, p) for key, (p, _, _) in chosen.items() if p is not None]
        done = set()
        for key, opts in zip(keys, options, strict=True):
            place, confidence, count = chosen[key]
            if key in done or place is None or len(opts) < 2 or key[1] or key[0] in self.home_countries \
                    or place.feature in ("PCLI", "CONT") or (place.country, place.admin1_code) in bare \
                    or place.country in self.focus_countries:
                continue
            done.add(key)
            inside = [p for p in opts if (p.country, p.admin1_code) in bare and p.feature not in NON_SETTLEMENT
                      and name_key(p.name) == key[0]]
            if not inside:
                continue
            others = [p for other, p in placed if other[0] != key[0]]
            alone_in_country = not any(p.country == place.country for p in others)
            if not alone_in_country and (place.population >= BIG_NAMESAKE or any(
                    (p.country, p.admin1_code) == (place.country, place.admin1_code)
                    or (p.feature not in NON_SETTLEMENT and _near_km(p, place) < SUPPORT_KM) for p in others)):
                continue
            best = self.rank(inside)[0]
            doubt = alone_in_country and place.population >= RIVAL_POPULATION or place.population >= BIG_NAMESAKE
            chosen[key] = (best, UNCERTAIN if doubt else min(max(confidence, 0.7), 0.8), count)

    def _only_by_another_name(self, place: Place, key: str) -> bool:
        """A settlement outside the theatre's countries that bears the text's name only as one of its other names,
        an old or a foreign one unlike its own (Perm, once Molotov; Holbrook, once Ten Mile), chosen with nothing in
        the text to back it (confidence UNCERTAIN or less): the place meant is more likely one the gazetteer lacks,
        or no place at all (Molotov the minister), so no marker. Other spellings of the own name (Kiltamagh for
        Kiltimagh) and shortened names (Enugu) are the place's own. In the theatre's countries the other names are
        the spellings reporters use (Russian and Ukrainian romanisations) and count as the place's own."""
        if place.feature in NON_SETTLEMENT or place.country in self.focus_countries or _own_name(place, key) \
                or _shortened_name(place, key):
            return False
        own = _without_accents(name_key(place.name))
        written = _without_accents(key)
        if own.startswith(written) or written.startswith(own):
            return False
        from rapidfuzz.distance import Indel  # imported when first needed: it costs start-up ~60 ms

        return Indel.normalized_similarity(own, written) < OTHER_SPELLING_SIMILARITY

    def _capitals_of_named_countries(self, keys: list[tuple[str, str]], options: list[list[Place]], chosen: dict,
                                     named_countries: set[str]) -> None:
        """"Paris" in a story datelined in Kentucky that names France: the capital of a country the text names
        outright beats a namesake in a country it does not name, even one in a region it names (a region's weight
        outscores the named country's), with confidence UNCERTAIN (the evidence pulls both ways: listed for
        review). "Paris, Ky." keeps its town (a place put in its region by a comma is decided later)."""
        if not named_countries:
            return
        for key, opts in zip(keys, options, strict=True):
            place, _, count = chosen[key]
            if place is None or key[1] or place.feature in NON_SETTLEMENT or place.feature == "PPLC" \
                    or place.country in named_countries or place.country in self.focus_countries:
                continue
            capitals = [p for p in opts
                        if p.feature == "PPLC" and p.country in named_countries and _own_name(p, key[0])]
            if capitals:
                chosen[key] = (capitals[0], UNCERTAIN, count)

    def _near_misses(self, mention: Mention, scale: str) -> list[Place]:
        """Places one edit away from a name the text calls a place but the gazetteer does not know."""
        if not mention.cue or scale:
            return []
        places = []
        for key in self.gazetteer.near_misses(mention.lookup):
            places += [p for p in self.gazetteer.lookup(key) if p.feature not in NON_SETTLEMENT]
        return places

    def _other_spellings_in_named_regions(self, mentions: list[Mention], keys: list[tuple[str, str]], chosen: dict,
                                          regions: set[tuple[str, str]]) -> set[str]:
        """"Novoyelizavetivka" in a story about the Donetsk oblast: the gazetteer knows the name only as an
        alternate of an Odesa oblast village, far from everything else the text names, while one edit away
        (Novoyelyzavetivka) a village lies in the region the text names and near its other places. The village
        there is the likelier reading, listed for review. Returns the names so moved."""
        if not regions:
            return set()
        placed = [(key, p) for key, (p, _, _) in chosen.items() if p is not None and p.feature not in NON_SETTLEMENT]
        moved, seen = set(), set()
        for mention, key in zip(mentions, keys, strict=True):
            if key in seen:
                continue
            seen.add(key)
            place, confidence, count = chosen[key]
            if key[1] or place is None or name_key(place.name) == key[0] \
                    or place.feature in NON_SETTLEMENT or place.population >= SMALL_PLACE \
                    or place.country not in self.focus_countries or (place.country, place.admin1_code) in regions:
                continue
            others = [p for other, p in placed if other[0] != key[0]]
            if not others or any(_near_km(place, p) <= SUPPORT_KM for p in others):
                continue
            there = [p for other in self.gazetteer.near_misses(mention.lookup) if other != key[0]
                     for p in self.gazetteer.lookup(other) if p.feature not in NON_SETTLEMENT
                     and (p.country, p.admin1_code) in regions and any(_near_km(p, q) <= SUPPORT_KM for q in others)]
            if there:
                chosen[key] = (self.rank(there)[0], UNCERTAIN, count)
                moved.add(key[0])
        return moved

    def rank(self, places: list[Place]) -> list[Place]:
        """Places best first without document context: feature class, population, theatre."""
        return sorted(places, key=lambda p: self._score(p, set(), set(), []), reverse=True)

    def _choose(self, options: list[Place], countries: set[str], document_countries: set[str],
                anchors: list[Place], regions: set[tuple[str, str]] = frozenset(), key: str = "",
                main_country: str = "", colocated: frozenset = frozenset(), unique_anchors: bool = False,
                fought_over: bool = False, beside: AbstractSet[tuple[str, str]] | None = None,
                companions: tuple[Place, ...] = ()) -> tuple[Place | None, float, int]:
        """unique_anchors: the anchors are _unique_anchors already. fought_over: the name is taken or fought over in
        the text (the theatre's front regions weigh then). beside: the named regions in the name's sentences or next
        to them (all of them when None), which weigh more than regions named further away. companions: the places
        of other names in the name's sentences (_companions)."""
        if not options:
            return None, 0.0, 0
        region = _region_of_named_country(options, countries, key)
        if region is not None:
            return region, NAMED_REGION_CONFIDENCE, len(options)
        if not unique_anchors:
            anchors = _unique_anchors(anchors)
        options = _without_alternates_of_a_great_city(options, key, self.focus_countries)
        if len(options) == 1:  # nothing to weigh: the scores only rank the options
            place, confidence, scored = options[0], 0.95, [(0.0, 0)]
        else:
            rows = _anchor_rows(anchors)
            # In the theatre, a region named sentences away may choose between villages (thousands bear the same
            # few names), not carry one past a city of the name ("a bomb hit a hotel in Zaporizhzhia", two
            # paragraphs after "the Dnipropetrovsk region").
            city = any(p.population >= SMALL_PLACE and p.feature not in NON_SETTLEMENT
                       and p.country in self.focus_countries and _own_name(p, key) for p in options)
            companions = () if city else companions  # nor do the places beside it ("in Kyiv and Kharkiv")
            beside_companion = {i for i, p in enumerate(options) if companions and p.country in self.focus_countries
                                and any(_near_km(p, c) <= COLOCATED_KM for c in companions)}
            colocated = frozenset() if beside_companion else colocated  # the nearer evidence settles it
            scored = sorted(((self._score(p, countries, document_countries, anchors, regions, rows, beside)
                              - (DISTANT_REGION_BONUS if city and beside is not None and p.population < SMALL_PLACE
                                 and p.country in self.focus_countries
                                 and _in_a_distant_region(p, regions, beside) else 0.0)
                              + (FRONT_BONUS if fought_over and (p.country, p.admin1_code) in self.front_regions
                                 else 0.0)
                              + (CURRENT_NAME_BONUS if key and (name_key(p.name) == key or not p.name.isascii()
                                                                and _own_name(p, key) or _shortened_name(p, key))
                                 else 0.0)
                              - (ALTERNATE_CAPITAL if key and p.feature == "PPLC" and not _own_name(p, key) else 0.0)
                              + (MAIN_COUNTRY_BONUS if p.country == main_country else 0.0)
                              + (COLOCATED_BONUS if colocated and p.country in (main_country or p.country)
                                 and _identity(p) in colocated else 0.0)
                              + (COMPANION_BONUS if i in beside_companion else 0.0), i)
                             for i, p in enumerate(options)), reverse=True)
            best, i = scored[0]
            place = options[i]
            confidence = 1 / (1 + math.exp(-(best - scored[1][0])))
        margin_confidence = confidence
        confidence = self._evidence_confidence(place, options, confidence, key)
        name, feature, lat, lon = place.name, place.feature, place.latitude, place.longitude
        others = [a for a in anchors  # not _same(a, place), inlined: this runs for every anchor of every name
                  if not (a.name == name and a.feature == feature and a.latitude == lat and a.longitude == lon)]
        settlement = place.feature not in NON_SETTLEMENT and place.feature != "PPLC"
        # measured only if a rule below asks; in the theatre, a capital that stands for its government ("Kyiv said")
        # supports no place near it (Kyiv's Podil for "the villages of Melovoi and Podol" in a story about Kursk)
        supported = _Support(place, regions, others if place.country not in self.focus_countries else [
            a for a in others if a.feature != "PPLC" or name_key(a.name) not in self.home_countries])
        if settlement and place.population < SMALL_PLACE and len(others) >= 2 and not supported:
            distant = DISTANT_VILLAGE_KM if place.population < 1000 else DISTANT_KM
            if all(haversine_km(place, a) > distant for a in others):  # the nearest is farther than that
                # far from everything else: a namesake, not trusted; a big city of that name is the better guess
                big = [options[j] for _, j in scored[1:] if options[j].population >= BIG_NAMESAKE
                       and options[j].feature not in NON_SETTLEMENT]
                return (big[0], UNCERTAIN, len(options)) if big else (None, 0.0, len(options))
            if place.population < 1000:
                confidence = min(confidence, UNCERTAIN)  # a village nothing else in the text points to
        elif settlement and len(others) == 1 and self._lone_and_far(place, options, others[0], supported):
            return None, 0.0, 1  # "Heathrow" in a story about London: a Florida namesake, not the airport
        elif settlement and place.population < 1000 and not supported:
            confidence = min(confidence, UNCERTAIN)
        elif (settlement and len(options) == 1 and place.population < LONE_ENTRY_POPULATION
              and place.country not in self.focus_countries and not supported):
            confidence = min(confidence, UNCERTAIN)  # the only entry of the name, and nothing in the text near it
        if fought_over and settlement and place.population < FAR_FROM_THE_FRONT_POPULATION \
                and (place.country, place.admin1_code) not in self.front_regions and not supported:
            # "the Sever group had taken Nikolskiy" in a story about Kursk: a place taken or fought over, far from the
            # front and from the text's other places (a district of Moscow), is a guess
            confidence = min(confidence, UNCERTAIN)
        theatre_city = place.country in self.focus_countries and place.population >= SMALL_PLACE
        # Namesakes measured only where they could lower the confidence (any() stops at the first).
        if not theatre_city and any(p.population >= RIVAL_POPULATION and _near_km(p, place) > 50
                                    for p in options) and not supported:
            confidence = min(confidence, UNCERTAIN)  # London alone: Ontario's or England's?
        same_theatre = place.country in self.focus_countries and main_country in self.focus_countries
        if main_country and place.country != main_country and not same_theatre and not supported and (
                place.feature not in ("PCLI", "CONT") or any(p.country == main_country for p in options)):
            # London in a story set in Ohio: the namesake at home may be meant.
            confidence = min(confidence, UNCERTAIN)
        if confidence <= UNCERTAIN:  # a rule above doubts the choice: the evidence that raised it does not count
            confidence = min(confidence, margin_confidence)
        return place, round(min(0.95, confidence), 3), len(options)

    def _lone_and_far(self, place: Place, options: list[Place], other: Place, supported: _Support) -> bool:
        """The gazetteer's only entry of a name, a small place outside the theatre's countries, far from the
        text's only other place, a big city of another country: more likely a namesake of a place the gazetteer
        lacks (the rule for small places far from everything else, for a text that names one other place; a
        small or doubtful other place, a person's name read as a town, is no such evidence)."""
        return (len(options) == 1 and place.population < LONE_ENTRY_POPULATION
                and place.country not in self.focus_countries and other.country != place.country
                and other.population >= BIG_NAMESAKE
                and not supported and haversine_km(place, other) > DISTANT_KM)

    def _evidence_confidence(self, place: Place, options: list[Place], confidence: float, key: str = "") -> float:
        """The score margin's confidence, raised where the evidence is decisive although the margin is small:
        every namesake is in the same spot, or the place dwarfs every namesake elsewhere (DECISIVE_*). A namesake
        that bears the name only as an old or foreign alternate (Engels, once Pokrovsk) does not count against a
        place that bears it as its own name."""
        if len(options) < 2 or confidence >= DECISIVE_CONFIDENCE:
            return confidence
        elsewhere = [p for p in options if _near_km(p, place) > SAME_SPOT_KM]
        if key and name_key(place.name) == key:
            elsewhere = [p for p in elsewhere if name_key(p.name) == key]
        if not elsewhere:
            return DECISIVE_CONFIDENCE
        if place.feature in NON_SETTLEMENT:
            return confidence
        biggest = max(p.population for p in elsewhere)
        ratio = THEATRE_DECISIVE_RATIO if place.country in self.focus_countries else DECISIVE_POPULATION_RATIO
        if biggest < RIVAL_POPULATION and place.population >= ratio * max(biggest, DECISIVE_FLOOR_PEOPLE):
            return DECISIVE_CONFIDENCE
        return confidence

    def _score(self, place: Place, countries: set[str], document_countries: set[str],
               anchors: list[Place], regions: set[tuple[str, str]] = frozenset(), rows: list[tuple] | None = None,
               beside: AbstractSet[tuple[str, str]] | None = None) -> float:
        """rows: _anchor_rows(anchors), when the caller scores several options against the same anchors. beside: the
        named regions near the name in the text (all of them when None)."""
        score = _FEATURE_PRIOR.get(place.feature, 0.0) + 0.6 * math.log10(place.population + 10)
        if place.country in countries:  # named in the text ("France")
            score += 2.5
        elif place.country in document_countries:  # where the document's unambiguous places are
            score += 1.0
        if place.country in self.focus_countries:
            score += 1.0
        if place.feature != "ADM1" and (place.country, place.admin1_code) in regions:
            # in a region the text names: beside the name, or sentences away ("Synkivka in Kharkiv Oblast" does not
            # carry Lyman, two sentences on, into that oblast)
            score += 4.0 if beside is None or (place.country, place.admin1_code) in beside else DISTANT_REGION_BONUS
        if anchors:
            # Inlined _near_km: this loop runs for every candidate against every anchor.
            # The nearest is found by squared distance and its root taken once (the same number: the root and
            # the scaling keep the order).
            lat, lon = place.latitude, place.longitude
            name, feature, country, admin1 = place.name, place.feature, place.country, place.admin1_code
            cos, radians = math.cos, math.radians
            nearest_squared, same_region = math.inf, False
            for a_lat, a_lon, a_name, a_feature, a_country, a_admin1 in rows or _anchor_rows(anchors):
                if a_lat == lat and a_lon == lon and a_name == name and a_feature == feature:
                    continue  # a name is not its own context
                x = (a_lon - lon) * cos(radians((a_lat + lat) / 2))
                y = a_lat - lat
                squared = x * x + y * y
                if squared < nearest_squared:
                    nearest_squared = squared
                if not same_region and a_country == country and a_admin1 == admin1:
                    same_region = True
            if nearest_squared < math.inf:
                nearest = 111.195 * math.sqrt(nearest_squared)
                score += 3.0 * math.exp(-nearest / 150.0) + (1.0 if same_region else 0.0)
        return score


def _countries_named_outright(mentions: list[Mention], options: list[list[Place]]) -> set[str]:
    """Countries named by their own name whose namesakes are small settlements ("Canada", not La Cañada;
    "Australia", not a Cuban village of that name): the text names them as surely as a name only they bear."""
    named, seen = set(), set()
    for mention, opts in zip(mentions, options, strict=True):
        if len(opts) > 1 and not mention.scale and mention.lookup not in seen:
            seen.add(mention.lookup)
            key = name_key(mention.lookup)
            countries = [p for p in opts if p.feature == "PCLI" and name_key(p.name) == key]
            if len(countries) == 1 and all(p.feature == "PCLI" or (p.feature not in NON_SETTLEMENT and p.population
                                           < REGION_BEATS_SETTLEMENTS_UNDER) for p in opts):
                named.add(countries[0].country)
    return named


def _region_of_named_country(options: list[Place], countries: set[str], key: str) -> Place | None:
    """"Queensland" in a text that names Australia: the first-level region of a country the text names, where the
    name's only settlements are small (none of REGION_BEATS_SETTLEMENTS_UNDER people) and it names no country."""
    if not countries or not key or len(options) < 2:
        return None
    regions = [p for p in options if p.feature == "ADM1" and p.country in countries and name_key(p.name) == key]
    if len(regions) != 1 or any(p.feature == "PCLI" or (p.feature not in NON_SETTLEMENT and p.population
                                                        >= REGION_BEATS_SETTLEMENTS_UNDER) for p in options):
        return None
    return regions[0]


def _abbreviated_only(mentions: list[Mention], keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The regions the text names only as a place's abbreviated region ("KANSAS CITY, Mo.")."""
    abbreviated = {key for m, key in zip(mentions, keys, strict=True)
                   if m.scale == "region" and (m.surface.endswith(".") or _region_code(m))}
    if abbreviated:
        abbreviated -= {key for m, key in zip(mentions, keys, strict=True) if not m.surface.endswith(".")}
    return abbreviated


def _region_code(mention: Mention) -> bool:
    """A region written as a short code ("KY", "Ky" in a dateline)."""
    return len(mention.surface) <= 3 and mention.surface != mention.lookup


def _dateline_regions(abbreviated: set[tuple[str, str]], anchors: dict, chosen: dict) -> set[tuple[str, str]]:
    """Regions named only as a place's abbreviated region while the text names another region of that country by
    its bare name, with confidence: they put that place in their region (_inside_named_regions) but say nothing of
    the text's other places (a story about Kansas datelined "KANSAS CITY, Mo.")."""
    if not abbreviated or not chosen:
        return set()
    bare = {(p.country, p.admin1_code) for key, (p, conf, _) in chosen.items()
            if p is not None and p.feature == "ADM1" and not key[1] and conf >= BARE_REGION_CONFIDENCE}
    named = {(p.country, p.admin1_code) for key, p in anchors.items() if key in abbreviated and p.feature == "ADM1"}
    named |= {(p.country, p.admin1_code) for key, (p, _, _) in chosen.items()
              if key in abbreviated and p is not None and p.feature == "ADM1"}
    return {r for r in named if any(b[0] == r[0] and b != r for b in bare)}


def _colocated(keys: list[tuple[str, str]], options: list[list[Place]], theatre: AbstractSet[str] = frozenset()
               ) -> frozenset:
    """The candidates (by _identity) of an ambiguous name that lie within COLOCATED_KM of a candidate of another
    ambiguous name: two names that each have many namesakes but only one pair close together ("Richmond" and
    "Madison County"; "Avdiivka" and "Stepove") most likely mean that pair. Found through a grid of cells about
    COLOCATED_KM wide, so the cost grows with the number of candidates, not with its square."""
    names: dict[str, list[Place]] = {}
    for key, opts in zip(keys, options, strict=True):
        # a name that is also a country or a first-level region ("California"), or a city of the theatre
        # ("Zaporizhzhia", beside a village of that name near Tokmak), is not outvoted by a village pair
        if len(opts) > 1 and key[0] not in names and not any(
                p.feature in ("PCLI", "CONT", "ADM1") or p.country in theatre and p.population >= SMALL_PLACE
                for p in opts):
            names[key[0]] = opts
    if len(names) < 2:
        return frozenset()
    step = COLOCATED_KM / 111.0  # a cell's height in degrees; twice as wide, enough up to 60° of latitude
    cells: dict[tuple[int, int], list[tuple[str, Place]]] = {}
    for name, places in names.items():
        for p in places:
            cells.setdefault((int(p.latitude // step), int(p.longitude // (2 * step))), []).append((name, p))
    found = set()
    for (y, x), members in cells.items():
        near = [m for dy in (-1, 0, 1) for dx in (-1, 0, 1) for m in cells.get((y + dy, x + dx), ())]
        for name, p in members:
            # another place: one place that bears both names (an old name of Atlanta, Illinois is Xenia) is no pair
            if any(other != name and _near_km(p, q) <= COLOCATED_KM and not _same(p, q) for other, q in near):
                found.add(_identity(p))
            if p.feature == "ADM2":
                found |= _near_a_county(name, p, cells, y, x)
    return frozenset(found)


def _near_a_county(name: str, county: Place, cells: dict, y: int, x: int) -> set[tuple]:
    """A county's point is the middle of an area tens of kilometres wide: the candidates of other names within
    COUNTY_COLOCATED_KM of it ("Columbus" and "Harris County", Georgia; "Henry County" and "Washington County",
    Iowa) are together with it (both identities, so the place's side need not look this far)."""
    reach = math.ceil(COUNTY_COLOCATED_KM / COLOCATED_KM)
    together = {_identity(q) for dy in range(-reach, reach + 1) for dx in range(-reach, reach + 1)
                for other, q in cells.get((y + dy, x + dx), ())
                if other != name and not _same(county, q) and _near_km(county, q) <= COUNTY_COLOCATED_KM}
    return together | {_identity(county)} if together else together


def _unique_anchors(anchors: list[Place]) -> list[Place]:
    """One anchor per identity (the last of them, where the first stood)."""
    return list({(a.latitude, a.longitude, a.name, a.feature): a for a in anchors}.values())


def _anchor_rows(anchors: list[Place]) -> list[tuple]:
    """What _score reads of each anchor, read once for all the options it weighs."""
    return [(a.latitude, a.longitude, a.name, a.feature, a.country, a.admin1_code) for a in anchors]


def _identity(p: Place) -> tuple:
    return p.name, p.feature, p.latitude, p.longitude


class _Support:
    """Whether the text supports a place: it lies in a region the text names, or within SUPPORT_KM of another of
    its places. Truthy or not, measured on first use (most choices never ask)."""

    __slots__ = ("place", "regions", "others", "answer")

    def __init__(self, place: Place, regions: set[tuple[str, str]], others: list[Place]):
        self.place, self.regions, self.others, self.answer = place, regions, others, None

    def __bool__(self) -> bool:
        if self.answer is None:
            place = self.place
            self.answer = (place.country, place.admin1_code) in self.regions or self._near_another()
        return self.answer

    def _near_another(self) -> bool:
        # _near_km(place, a) < SUPPORT_KM for the others that are not regions, inlined (the same arithmetic).
        lat, lon = self.place.latitude, self.place.longitude
        for a in self.others:
            if a.feature != "ADM1":
                x = math.radians(a.longitude - lon) * math.cos(math.radians((lat + a.latitude) / 2))
                y = math.radians(a.latitude - lat)
                if 6371.0 * math.sqrt(x * x + y * y) < SUPPORT_KM:
                    return True
        return False


def _supported_now(keys: list[tuple[str, str]], options: list[list[Place]], chosen: dict, anchors: dict) -> dict:
    """The names of one settlement that the first pass left unplaced, for want of support, where its choices now
    support them: "Kotlyne, west of Pokrovsk" in a story that also names Moscow and Geneva. Kotlyne was unsupported
    while Pokrovsk had three namesakes; the Pokrovsk chosen beside it now anchors it, so it anchors that choice."""
    placed = [p for p in anchors.values() if p.feature not in NON_SETTLEMENT]
    return {key: opts[0] for key, opts in zip(keys, options, strict=True)
            if len(opts) == 1 and chosen[key][0] is None and opts[0].feature not in NON_SETTLEMENT
            and _Support(opts[0], set(), placed)}


def _in_a_distant_region(place: Place, regions: AbstractSet[tuple[str, str]],
                         beside: AbstractSet[tuple[str, str]]) -> bool:
    """Whether _score raised a place for a region the text names only sentences away from its name."""
    code = (place.country, place.admin1_code)
    return place.feature != "ADM1" and code in regions and code not in beside


def _without_alternates_of_a_great_city(options: list[Place], key: str, theatre: frozenset[str]) -> list[Place]:
    """"Paris" in a story set in Ukraine: a village of the theatre's countries that bore the name once (Veselyi Kut,
    in Odesa oblast), and whom the theatre's weight would raise, does not compete with a capital or a city of
    BIG_NAMESAKE people whose own name it is; places of that own name elsewhere still do (Paris, Ontario), but not
    the theatre's villages of it: "In Lviv, near the Polish border" is the city, not a village named Lviv beside
    Kryvyi Rih (a village the text puts in its region or near a place there was chosen before: _narrowed)."""
    if not key or len(options) < 2 or not any(
            (p.feature == "PPLC" or p.population >= BIG_NAMESAKE) and _own_name(p, key) for p in options):
        return options
    return [p for p in options if p.country not in theatre or p.feature in NON_SETTLEMENT
            or (_own_name(p, key) or _shortened_name(p, key)) and p.population >= RIVAL_POPULATION]


def _own_name(place: Place, key: str) -> bool:
    """Whether the place goes by this name (a name key) itself, accents aside ("Cancun" is Cancún's own name,
    not an alternate)."""
    own = name_key(place.name)
    return own == key or (not own.isascii() and _without_accents(own) == _without_accents(key))


def _shortened_name(place: Place, key: str) -> bool:
    """Whether the name is the place's own name without the lower-case words that close it: "Newcastle" for
    Newcastle upon Tyne, "Frankfurt" for Frankfurt am Main, "Stoke" for Stoke-on-Trent. Reporters shorten these
    names, so the shortened one is the place's own name too, not an alternate (the town called Newcastle in
    Australia does not win for it)."""
    own, n = place.name, len(key)
    return len(own) > n + 1 and own[n] in " -" and own[n + 1].islower() and name_key(own[:n]) == key


def _without_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _in_the_named_places_region(district: Place, mention: Mention, chosen: dict) -> bool:
    """Whether a district the text puts in a settlement ("the Sudzha district of Kursk") lies in that settlement's
    first-level region; true when the text puts it in none, or in a region."""
    town = _settlement_chosen(mention.within, chosen) if mention.within else None
    return town is None or (district.country, district.admin1_code) == (town.country, town.admin1_code)


def _settlements_by_sentence(anchors: dict, sentences: dict) -> dict[int, list[tuple[str, Place]]]:
    """Sentence index → (name, settlement) of the places placed so far that the sentence names."""
    out: dict[int, list[tuple[str, Place]]] = {}
    for key, p in anchors.items():
        if p.feature not in NON_SETTLEMENT:
            for index in sentences.get(key, ()):
                out.setdefault(index, []).append((key[0], p))
    return out


def _companions(key: tuple[str, str], by_sentence: dict, sentences: dict) -> tuple[Place, ...]:
    """The settlements of other names placed so far that the text names in the same sentence as this name ("repelled
    attacks near Pavlivka and Vuhledar"): places named together usually lie together."""
    return tuple({id(p): p for index in sentences[key] for name, p in by_sentence.get(index, ())
                  if name != key[0]}.values())


_ADJECTIVE_ENDINGS = ("skyi", "skyy", "skiy", "sky", "ckyi", "zkyi")


def _settlements_placed(chosen: dict, key: tuple[str, str]) -> list[Place]:
    """The settlements chosen for the text's other names."""
    return [p for other, (p, _, _) in chosen.items()
            if other != key and p is not None and p.feature not in NON_SETTLEMENT]


def _district_chosen(name: str, chosen: dict) -> Place | None:
    """The district (raion) or community (hromada) chosen for "the X district", "the X hromada" the text puts a
    place in, if any."""
    key = name_key(name)
    place, confidence, _ = chosen.get((key, "district")) or chosen.get((key, "community")) or (None, 0.0, 0)
    return place if place is not None and place.feature in ("ADM2", "ADM3") and confidence >= UNCERTAIN else None


def _settlement_chosen(name: str, chosen: dict) -> Place | None:
    """The settlement chosen for a name the text uses bare ("near Kupiansk", "the district of Kherson"), if any."""
    place = chosen.get((name_key(name), ""), (None,))[0]
    return None if place is None or place.feature in NON_SETTLEMENT else place


def _region_sentences(anchors: dict, chosen: dict, sentences: dict, regions: set[tuple[str, str]]) -> dict:
    """(country, region code) → the sentences that name it, for the regions the text names."""
    found: dict[tuple[str, str], set[int]] = {}
    places = dict(anchors) | {key: p for key, (p, _, _) in chosen.items() if p is not None}
    for key, p in places.items():
        code = (p.country, p.admin1_code)
        if key[1] == "region" and p.feature == "ADM1" and code in regions:
            found.setdefault(code, set()).update(sentences.get(key, ()))
    return found


def _beside_regions(name_sentences: set[int], region_sentences: dict) -> set[tuple[str, str]]:
    """The named regions in the name's sentences."""
    return {code for code, named_in in region_sentences.items()
            if named_in & name_sentences}


def _bearing(origin: Place, place: Place) -> float:
    """The direction from origin to place, in degrees clockwise from north (on a local flat map: places near)."""
    east = (place.longitude - origin.longitude) * math.cos(math.radians((place.latitude + origin.latitude) / 2))
    return math.degrees(math.atan2(east, place.latitude - origin.latitude)) % 360.0


def _angle_between(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def _inside(place: Place, region: Place) -> bool:
    """Whether a place (not itself a region or country) lies in a first-level region or a country."""
    return place.country == region.country and (region.feature == "PCLI" or place.admin1_code == region.admin1_code) \
        and place.feature not in ("ADM1", "PCLI")


def _same(a: Place, b: Place) -> bool:
    return a.name == b.name and a.feature == b.feature and a.latitude == b.latitude and a.longitude == b.longitude

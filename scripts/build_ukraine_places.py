"""Rebuild geo/data/ua-places.tsv.gz from the shared table of Ukraine's settlements.

Usage: python scripts/build_ukraine_places.py [../shared/data/ua-admin-settlements.tsv.gz]

Keeps, for each oblast, raion, hromada and settlement: its KATOTTG code (the level follows from the code's
length, the parent units from its prefixes), English and Ukrainian names, and the point rounded to 5
decimals (about 1 m). Source: OCHA, Ukraine administrative boundaries and settlements (CC BY-IGO), as
packaged by DRC-UA/ua-locations.
"""

from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "ua-admin-settlements.tsv.gz"
TARGET = ROOT / "geo" / "data" / "ua-places.tsv.gz"


def main(source: Path = SOURCE, target: Path = TARGET) -> int:
    with gzip.open(source, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    rows.sort(key=lambda r: r["code"])
    lines = ["code\tname_en\tname_uk\tlat\tlon\n"]
    for r in rows:
        lines.append(f"{r['code']}\t{r['name_en']}\t{r['name_uk']}\t{float(r['lat']):.5f}\t{float(r['lon']):.5f}\n")
    # mtime=0: the same source gives the same bytes.
    with open(target, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as fh:
        fh.write("".join(lines).encode("utf-8"))
    print(f"{target}: {len(rows):,} units")
    return 0


if __name__ == "__main__":
    sys.exit(main(*(Path(a) for a in sys.argv[1:2])))

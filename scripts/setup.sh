# Sourced by start.sh and test.sh: a virtualenv with frontmap and its extras, the map's offline assets
# (from the npm registry) and the gazetteer index (built once, rebuilt when its sources change).
set -euo pipefail
EXTRAS="${EXTRAS:-test}"
if ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[${EXTRAS}]"
.venv/bin/python -c "from geo.gazetteer import Gazetteer; g = Gazetteer.load(); print(f'gazetteer: {len(g):,} places')"
npm ci --prefix assets --no-audit --no-fund --loglevel=error >/dev/null
.venv/bin/python -m geo assets

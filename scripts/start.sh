#!/usr/bin/env bash
# Install frontmap and open the dashboard on its embedded defaults, with no network needed.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS=dashboard source scripts/setup.sh
# Village-level GeoNames data for Russia and Belarus (Ukraine's ships with frontmap): tried once, and only
# useful when the network allows it; without it the dashboard starts on the built-in gazetteer.
.venv/bin/python -m geo gazetteer download UA RU BY --once \
  || echo "frontmap: starting with the built-in gazetteer (run 'python -m geo gazetteer download' when online)"
exec .venv/bin/streamlit run dashboard.py --server.headless true --browser.gatherUsageStats false "$@"

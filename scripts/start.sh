#!/usr/bin/env bash
# Install frontmap and open the dashboard on its embedded defaults, with no network needed.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS=dashboard source scripts/setup.sh
exec .venv/bin/streamlit run dashboard.py --server.headless true --browser.gatherUsageStats false "$@"

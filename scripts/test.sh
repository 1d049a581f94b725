#!/usr/bin/env bash
# Install everything the tests need on a fresh machine (Python 3.11, pip, apt), then run them all.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
source scripts/postgres.sh
source scripts/chromium.sh
exec .venv/bin/python -m pytest -q "$@"

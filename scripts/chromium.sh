# Sourced by test.sh: Debian's Chromium for the browser tests (Playwright drives it; it cannot download one).
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
export FRONTMAP_CHROMIUM=/usr/bin/chromium

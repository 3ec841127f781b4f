#!/usr/bin/env bash
# Installs what the test suite needs beyond Python packages: PostgreSQL (a real server for the
# PostgreSQL run), Chromium (browser tests), axe-core (accessibility checks) and gift-pegjs (an
# independent GIFT parser that checks our GIFT export). Idempotent:
# each step is skipped when what it installs is already there. The tests start and stop their
# own PostgreSQL cluster in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if ((${#need[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "test-services: please install ${need[*]} (apt-get install ${need[*]})" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

AXE=.cache/axe-core/node_modules/axe-core/axe.min.js
if [ ! -f "$AXE" ]; then
  npm install --silent --no-audit --no-fund --prefix .cache/axe-core axe-core@4.14.1 >/dev/null
fi

GIFT=.cache/gift-pegjs/node_modules/gift-pegjs/pegjs-gift.js
if [ ! -f "$GIFT" ]; then
  npm install --silent --no-audit --no-fund --prefix .cache/gift-pegjs gift-pegjs@1.0.2 >/dev/null
fi

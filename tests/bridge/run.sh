#!/usr/bin/env bash
# The live page bridge in headless Chromium: builds the wwdev CLI, then runs
# bridge.test.mjs (which starts `wwdev sandbox`, `wwdev live --json` and Chromium itself).
# Env: WWDEV_BIN (default target/debug/wwdev), CHROME_BIN (default /usr/bin/chromium).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
if [ -z "${WWDEV_BIN:-}" ]; then
  (cd "$ROOT" && cargo build -q -p wwdev)
fi
CHROME_BIN="${CHROME_BIN:-$(command -v chromium || command -v chromium-browser || true)}"
if [ -z "$CHROME_BIN" ]; then
  echo "chromium not found: run scripts/setup.sh (apt-get install chromium)" >&2
  exit 1
fi
export CHROME_BIN
[ -d "$HERE/node_modules/puppeteer-core" ] || (cd "$HERE" && npm ci --no-audit --no-fund)
cd "$HERE" && node --test --test-concurrency=1 bridge.test.mjs

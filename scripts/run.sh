#!/usr/bin/env bash
# Builds and launches the wwdev desktop app. On first start it creates the "Sandbox"
# profile pointing at the embedded WeCom simulator, so it works with no credentials.
#   scripts/run.sh            build (debug, assets embedded — the build the tests use, so it
#                             is shared with them and compiles in minutes), then run
#   scripts/run.sh --dev      `tauri dev` with the Vite dev server (hot reload)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
export PATH="$HOME/.cargo/bin:$PATH"
cd "$ROOT/src-tauri"   # the tauri CLI resolves ../ui relative to here
if [ "${1:-}" = "--dev" ]; then
  exec "$ROOT/ui/node_modules/.bin/tauri" dev
fi
# The optimised release build (fat LTO) is for the .deb: `tauri build` (docs/DESKTOP.md).
"$ROOT/ui/node_modules/.bin/tauri" build --debug --no-bundle
exec "$ROOT/target/debug/wwdev-app" "$@"

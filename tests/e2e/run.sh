#!/usr/bin/env bash
# Runs the end-to-end suite against the real app:
#   build (tauri build --debug --no-bundle) -> Xvfb -> private D-Bus session with an
#   unlocked gnome-keyring -> node --test driving the app over WebDriver (tauri-driver).
# Env: WWDEV_E2E_SKIP_BUILD=1 reuses the existing binary; extra args go to `node --test`.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"

if [ "${WWDEV_E2E_SKIP_BUILD:-}" != "1" ]; then
  echo "[e2e] building the app (debug, embedded assets)"
  if [ -f "$ROOT/ui/package.json" ]; then
    (cd "$ROOT/src-tauri" && "$ROOT/ui/node_modules/.bin/tauri" build --debug --no-bundle)
  else
    # No UI yet: embed the shell fixture page instead, so the Rust shell is still tested.
    echo "[e2e] ui/ is missing: embedding tests/e2e/fixture"
    (cd "$ROOT/src-tauri" && "$ROOT/ui/node_modules/.bin/tauri" build --debug --no-bundle \
      --config '{"build":{"frontendDist":"../tests/e2e/fixture","beforeBuildCommand":""}}')
  fi
fi
export WWDEV_APP_BIN="${WWDEV_APP_BIN:-$ROOT/target/debug/wwdev-app}"
[ -x "$WWDEV_APP_BIN" ] || { echo "[e2e] no app binary at $WWDEV_APP_BIN" >&2; exit 1; }
[ -d "$HERE/node_modules" ] || (cd "$HERE" && npm ci --no-audit --no-fund)
mkdir -p "$ROOT/tests/artifacts"

# A private keyring home, so tests never touch the user's real keyring.
KEYRING_HOME="$(mktemp -d /tmp/wwdev-e2e-keyring-XXXXXX)"
trap 'rm -rf "$KEYRING_HOME"' EXIT
export WWDEV_E2E_KEYRING_HOME="$KEYRING_HOME"

exec xvfb-run -a -s "-screen 0 1440x960x24" \
  dbus-run-session -- "$HERE/in-session.sh" "$@"

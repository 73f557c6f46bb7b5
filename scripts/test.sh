#!/usr/bin/env bash
# Runs every test suite, stopping at the first failure:
#   1. cargo test                        (core, sandbox, signer, workbench, CLI: no WebKit)
#   2. cargo test -p wwdev-app           (the desktop shell: generated commands through
#                                         Tauri's IPC and ACL, and the keyring through a real
#                                         gnome-keyring in a private D-Bus session)
#   3. npm test in ui                    (Vitest)
#   4. tests/bridge/run.sh               (wwdev live in headless Chromium with @wecom/jssdk)
#   5. tests/e2e/run.sh                  (the real app under Xvfb over WebDriver)
# Env: WWDEV_SKIP_SETUP=1 skips scripts/setup.sh; WWDEV_SKIP_E2E=1 skips step 5.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }
trap 'rc=$?; [ $rc -ne 0 ] && printf "\n\033[1;31mFAILED during: %s\033[0m\n" "${CURRENT:-setup}"; exit $rc' EXIT

if [ "${WWDEV_SKIP_SETUP:-}" != "1" ]; then CURRENT="setup"; step "$CURRENT"; "$ROOT/scripts/setup.sh"; fi

CURRENT="cargo test"; step "$CURRENT"
(cd "$ROOT" && cargo test)

CURRENT="cargo test -p wwdev-app (real keyring)"; step "$CURRENT"
KEYRING_HOME="$(mktemp -d /tmp/wwdev-test-keyring-XXXXXX)"
(cd "$ROOT" && XDG_DATA_HOME="$KEYRING_HOME" dbus-run-session -- bash -c '
  eval "$(printf wwdev-test | gnome-keyring-daemon --unlock --components=secrets)"
  cargo test -p wwdev-app')
rm -rf "$KEYRING_HOME"

if [ -f "$ROOT/ui/package.json" ]; then
  CURRENT="npm test (ui)"; step "$CURRENT"
  (cd "$ROOT/ui" && npm test)
fi

CURRENT="page bridge (tests/bridge)"; step "$CURRENT"
"$ROOT/tests/bridge/run.sh"

if [ "${WWDEV_SKIP_E2E:-}" != "1" ]; then
  CURRENT="e2e (tests/e2e)"; step "$CURRENT"
  "$ROOT/tests/e2e/run.sh"
fi
CURRENT=""
step "all suites passed"

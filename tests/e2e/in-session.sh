#!/usr/bin/env bash
# Inside xvfb-run + dbus-run-session: unlock a fresh gnome-keyring, then run the tests.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export XDG_DATA_HOME="$WWDEV_E2E_KEYRING_HOME/data" XDG_CONFIG_HOME="$WWDEV_E2E_KEYRING_HOME/config"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
# --unlock creates the "login" keyring with this password and unlocks it.
eval "$(printf 'wwdev-e2e' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
export WEBKIT_DISABLE_COMPOSITING_MODE=1
cd "$HERE"
status=0
# Test files given (`run.sh tests/log.test.mjs`) replace the default tests/; options alone
# (`run.sh --test-name-pattern=keyring`) apply to the whole suite.
targets=(tests/)
for a in "$@"; do case "$a" in -*) ;; *) targets=() ;; esac; done
node --test --test-concurrency=1 --test-reporter=spec "$@" "${targets[@]}" || status=$?
# The daemon would otherwise outlive the bus briefly.
if [ -n "${GNOME_KEYRING_PID:-}" ]; then kill "$GNOME_KEYRING_PID" 2>/dev/null || true; fi
exit $status

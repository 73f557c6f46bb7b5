#!/usr/bin/env bash
# Inside the display + D-Bus session run.sh sets up: measure the bare window, then wwdev.
# A script file, not exported shell functions: xvfb-run and dbus-run-session start a
# fresh shell that does not inherit functions.
#   in-session.sh RUNS OUT_DIR BARE_BIN APP_BIN
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUNS="$1" OUT="$2" BARE="$3" APP="$4"
env -u WWDEV_STARTUP_TRACE python3 "$HERE/measure.py" --runs "$RUNS" --label bare -- "$BARE" > "$OUT/bare.json"
env -u WWDEV_STARTUP_TRACE python3 "$HERE/measure.py" --runs "$RUNS" --label wwdev -- "$APP" --exit-when-ready > "$OUT/wwdev.json"
if [ "${WWDEV_STARTUP_TRACE:-}" = "1" ]; then
  # One more wwdev run with the startup trace on, for the breakdown (not in the medians).
  WWDEV_STARTUP_TRACE=1 "$APP" --exit-when-ready 2>&1 | grep '^wwdev-startup' > "$OUT/trace.txt" || true
fi

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

# wwdev again, in a second home whose request log holds LOG_N entries: opening that log
# (integrity check, retention) takes seconds and must not hold up the first screen.
LOG_N="${WWDEV_BENCH_LOG_ENTRIES:-100000}"
if [ "$LOG_N" != "0" ]; then
  big="$OUT/big"
  export XDG_DATA_HOME="$big/data" XDG_CONFIG_HOME="$big/config" XDG_CACHE_HOME="$big/cache"
  "$APP" --exit-when-ready >/dev/null 2>&1 # creates the log with its schema
  python3 "$HERE/seed_log.py" "$XDG_DATA_HOME/wwdev/requests.sqlite3" "$LOG_N" >/dev/null
  env -u WWDEV_STARTUP_TRACE python3 "$HERE/measure.py" --runs "$RUNS" --label "wwdev, $LOG_N-entry log" -- "$APP" --exit-when-ready > "$OUT/wwdev-log.json"
  if [ "${WWDEV_STARTUP_TRACE:-}" = "1" ]; then
    # Without --exit-when-ready (stopped after 10 s), so the log's own step is traced too.
    WWDEV_STARTUP_TRACE=1 timeout 10 "$APP" 2>&1 | grep '^wwdev-startup' > "$OUT/trace-log.txt" || true
  fi
fi

#!/usr/bin/env bash
# Inside the display + D-Bus session run.sh sets up: the bare window, wwdev, and wwdev with
# a large request log, measured in turns by measure.py (one JSON file, $OUT/results.json).
# A script file, not exported shell functions: xvfb-run and dbus-run-session start a
# fresh shell that does not inherit functions.
#   in-session.sh RUNS OUT_DIR BARE_BIN APP_BIN
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUNS="$1" OUT="$2" BARE="$3" APP="$4"
# WebKit as users get it (compositing on), and again with WEBKIT_DISABLE_COMPOSITING_MODE=1
# (the usual workaround for blank Tauri windows on some GPUs). Without compositing, starts
# at times stall 0.5 s in a timed wait on the app's main thread (seen with strace; see
# bench/README.md), more often when the page is busy.
specs=$(python3 -c 'import json,sys; nc = {"WEBKIT_DISABLE_COMPOSITING_MODE": "1"}; print(json.dumps([
  {"label": "bare", "cmd": [sys.argv[1]]},
  {"label": "wwdev", "cmd": [sys.argv[2], "--exit-when-ready"], "baseline": "bare"},
  {"label": "bare, no compositing", "cmd": [sys.argv[1]], "env": nc},
  {"label": "wwdev, no compositing", "cmd": [sys.argv[2], "--exit-when-ready"], "env": nc, "baseline": "bare, no compositing"}]))' "$BARE" "$APP")

# wwdev again, in a second home whose request log holds LOG_N entries: opening that log
# (integrity check, retention) takes seconds and must not hold up the first screen.
LOG_N="${WWDEV_BENCH_LOG_ENTRIES:-100000}"
big="$OUT/big"
big_env=(XDG_DATA_HOME="$big/data" XDG_CONFIG_HOME="$big/config" XDG_CACHE_HOME="$big/cache")
if [ "$LOG_N" != "0" ]; then
  # A first start creates the log (it opens once the first screen is up): wait for it.
  env "${big_env[@]}" "$APP" >/dev/null 2>&1 & pid=$!
  db="$big/data/wwdev/requests.sqlite3"
  for _ in $(seq 100); do
    python3 -c "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('SELECT 1 FROM requests')" "$db" 2>/dev/null && break
    sleep 0.2
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  python3 "$HERE/seed_log.py" "$db" "$LOG_N" >/dev/null
  specs=$(python3 -c 'import json,sys; s=json.loads(sys.argv[1]); s.insert(2, {"label": f"wwdev, {sys.argv[3]}-entry log",
    "cmd": [sys.argv[2], "--exit-when-ready"], "baseline": "bare", "env": {"XDG_DATA_HOME": sys.argv[4] + "/data",
    "XDG_CONFIG_HOME": sys.argv[4] + "/config", "XDG_CACHE_HOME": sys.argv[4] + "/cache"}}); print(json.dumps(s))' \
    "$specs" "$APP" "$LOG_N" "$big")
fi

env -u WWDEV_STARTUP_TRACE python3 "$HERE/measure.py" "$RUNS" "$specs" > "$OUT/results.json"

if [ "${WWDEV_STARTUP_TRACE:-}" = "1" ]; then
  # One more wwdev run with the startup trace on, for the breakdown (not in the medians).
  WWDEV_STARTUP_TRACE=1 "$APP" --exit-when-ready 2>&1 | grep '^wwdev-startup' > "$OUT/trace.txt" || true
  if [ "$LOG_N" != "0" ]; then
    # Without --exit-when-ready (stopped after 10 s), so the log's own step is traced too.
    env "${big_env[@]}" WWDEV_STARTUP_TRACE=1 timeout 10 "$APP" 2>&1 | grep '^wwdev-startup' > "$OUT/trace-log.txt" || true
  fi
fi

#!/usr/bin/env bash
# Startup benchmark (not a test): time to first screen and peak memory of the whole
# process tree, wwdev (`--exit-when-ready`: exits once the UI reports its first screen)
# vs a bare Tauri window (exits when its page has loaded), both release builds made in
# this run with the same Tauri version (bare/ reuses src-tauri's Cargo.lock) and the same
# release profile. Prints medians and best of RUNS runs taken in turns (after one discarded
# warm-up each) and ratios.
#   bench/startup/run.sh [RUNS]      (default 9)
# A third row measures wwdev whose request log holds WWDEV_BENCH_LOG_ENTRIES entries
# (default 100000; 0 skips it).
# Env: WWDEV_STARTUP_TRACE=1 also prints one traced wwdev start (step timestamps).
#      WWDEV_BENCH_SKIP_BUILD=1 measures the binaries already built.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RUNS="${1:-9}"
export PATH="$HOME/.cargo/bin:$PATH"
TAURI="$ROOT/ui/node_modules/.bin/tauri"
[ -x "$TAURI" ] || (cd "$ROOT/ui" && npm ci --no-audit --no-fund)
# Wherever cargo puts src-tauri's build (its own target today, the root one in a shared workspace).
APP_TARGET="$(cd "$ROOT/src-tauri" && cargo metadata --format-version 1 --no-deps \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
BARE_TARGET="$HERE/bare/target"

if [ "${WWDEV_BENCH_SKIP_BUILD:-}" != "1" ]; then
  echo "[bench] building wwdev (release)"
  "$ROOT/scripts/ui-build.sh" >/dev/null
  # Without Tauri's own UI step (ui-build.sh says why).
  (cd "$ROOT/src-tauri" && "$TAURI" build --no-bundle --config '{"build":{"beforeBuildCommand":null}}' >/dev/null)
  echo "[bench] building the bare Tauri app (release)"
  lock="$ROOT/src-tauri/Cargo.lock"; [ -f "$lock" ] || lock="$ROOT/Cargo.lock"
  cp "$lock" "$HERE/bare/Cargo.lock"
  (cd "$HERE/bare" && CARGO_TARGET_DIR="$BARE_TARGET" cargo build --release --quiet)
fi
APP="$APP_TARGET/release/wwdev-app" BARE="$BARE_TARGET/release/bare-tauri"
for b in "$APP" "$BARE"; do [ -x "$b" ] || { echo "[bench] missing $b" >&2; exit 1; }; done

TMP="$(mktemp -d /tmp/wwdev-bench-XXXXXX)"
trap 'rm -rf "$TMP"' EXIT
# A throwaway home: no profiles, settings or request log from the user's own use.
export XDG_DATA_HOME="$TMP/data" XDG_CONFIG_HOME="$TMP/config" XDG_CACHE_HOME="$TMP/cache"
# WebKit's compositing stays as users get it; in-session.sh adds rows without it.
unset WEBKIT_DISABLE_COMPOSITING_MODE
if [ -z "${DISPLAY:-}" ]; then
  # No display: a private Xvfb and D-Bus session (wwdev probes the keyring at start).
  xvfb-run -a -s "-screen 0 1440x960x24" dbus-run-session -- "$HERE/in-session.sh" "$RUNS" "$TMP" "$BARE" "$APP"
else
  "$HERE/in-session.sh" "$RUNS" "$TMP" "$BARE" "$APP"
fi

python3 - "$APP" "$BARE" "$TMP/results.json" <<'PY'
import json, os, sys
app, bare_bin, results = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
print(f"{'':30}{'first screen: median':>21}{'best':>10}{'peak RSS (median)':>19}   ratio to its bare row: median / best / RSS")
for r in results.values():
    b = results.get(r.get("baseline") or "")
    ratio = "" if b is None else (f"{r['ready_ms_median'] / b['ready_ms_median']:.2f}x / "
        f"{r['ready_ms_best'] / b['ready_ms_best']:.2f}x / {r['peak_rss_mib_median'] / b['peak_rss_mib_median']:.2f}x")
    print(f"{r['label']:30}{r['ready_ms_median']:>18.1f} ms{r['ready_ms_best']:>7.1f} ms{r['peak_rss_mib_median']:>15.1f} MiB   {ratio}")
print(f"binaries: bare {os.path.getsize(bare_bin):,} bytes, wwdev-app {os.path.getsize(app):,} bytes")
print(json.dumps(results))
PY
for t in trace trace-log; do
  if [ -s "$TMP/$t.txt" ]; then echo "[bench] traced wwdev start ($t):"; cat "$TMP/$t.txt"; fi
done

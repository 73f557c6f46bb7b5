#!/usr/bin/env bash
# Startup benchmark (not a test): time to first screen and peak memory of the whole
# process tree, wwdev (`--exit-when-ready`: exits once the UI reports its first screen)
# vs a bare Tauri window (exits when its page has loaded), both release builds made in
# this run with the same Tauri version (bare/ reuses src-tauri's Cargo.lock) and the same
# release profile. Prints medians of RUNS runs (after one discarded warm-up) and ratios.
#   bench/startup/run.sh [RUNS]      (default 5)
# Env: WWDEV_STARTUP_TRACE=1 also prints one traced wwdev start (step timestamps).
#      WWDEV_BENCH_SKIP_BUILD=1 measures the binaries already built.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RUNS="${1:-5}"
export PATH="$HOME/.cargo/bin:$PATH"
TAURI="$ROOT/ui/node_modules/.bin/tauri"
[ -x "$TAURI" ] || (cd "$ROOT/ui" && npm ci --no-audit --no-fund)
# Wherever cargo puts src-tauri's build (its own target today, the root one in a shared workspace).
APP_TARGET="$(cd "$ROOT/src-tauri" && cargo metadata --format-version 1 --no-deps \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
BARE_TARGET="$HERE/bare/target"

if [ "${WWDEV_BENCH_SKIP_BUILD:-}" != "1" ]; then
  echo "[bench] building wwdev (release)"
  (cd "$ROOT/src-tauri" && "$TAURI" build --no-bundle >/dev/null)
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
export WEBKIT_DISABLE_COMPOSITING_MODE=1
if [ -z "${DISPLAY:-}" ]; then
  # No display: a private Xvfb and D-Bus session (wwdev probes the keyring at start).
  xvfb-run -a -s "-screen 0 1440x960x24" dbus-run-session -- "$HERE/in-session.sh" "$RUNS" "$TMP" "$BARE" "$APP"
else
  "$HERE/in-session.sh" "$RUNS" "$TMP" "$BARE" "$APP"
fi

python3 - "$TMP/bare.json" "$TMP/wwdev.json" "$APP" "$BARE" <<'PY'
import json, os, sys
bare, ww = (json.load(open(p)) for p in sys.argv[1:3])
print(f"{'':8}{'first screen (median)':>24}{'peak RSS of tree (median)':>28}{'binary':>12}")
for r, path in ((bare, sys.argv[4]), (ww, sys.argv[3])):
    print(f"{r['label']:8}{r['ready_ms_median']:>21.1f} ms{r['peak_rss_mib_median']:>24.1f} MiB"
          f"{os.path.getsize(path) / 2**20:>8.1f} MiB")
print(f"{'ratio':8}{ww['ready_ms_median'] / bare['ready_ms_median']:>23.2f}x"
      f"{ww['peak_rss_mib_median'] / bare['peak_rss_mib_median']:>27.2f}x")
print(json.dumps({"bare": bare, "wwdev": ww}))
PY
if [ -s "$TMP/trace.txt" ]; then echo "[bench] traced wwdev start:"; cat "$TMP/trace.txt"; fi

#!/usr/bin/env bash
# Startup benchmark (not a test): time-to-ready and peak memory of the whole process
# tree, wwdev (`--exit-when-ready`) vs a bare Tauri window, both release builds made
# in this run with the same dependency versions. Prints both and the ratios.
#   bench/startup/run.sh [RUNS]      (default 5 measured runs each, after one warm-up)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RUNS="${1:-5}"
export PATH="$HOME/.cargo/bin:$PATH"
TARGET="$ROOT/src-tauri/target"   # shared, so the bare app reuses compiled tauri crates

echo "[bench] building wwdev (release)"
(cd "$ROOT/src-tauri" && "$ROOT/ui/node_modules/.bin/tauri" build --no-bundle >/dev/null)
echo "[bench] building the bare Tauri app (release)"
cp "$ROOT/src-tauri/Cargo.lock" "$HERE/bare/Cargo.lock" 2>/dev/null || true
(cd "$HERE/bare" && CARGO_TARGET_DIR="$TARGET" cargo build --release --quiet)

TMP="$(mktemp -d /tmp/wwdev-bench-XXXXXX)"
trap 'rm -rf "$TMP"' EXIT
export XDG_DATA_HOME="$TMP/data" XDG_CONFIG_HOME="$TMP/config" XDG_CACHE_HOME="$TMP/cache"
export WEBKIT_DISABLE_COMPOSITING_MODE=1

measure() {
  python3 "$HERE/measure.py" --runs "$RUNS" "$@"
}
run_all() {
  measure --label bare -- "$TARGET/release/bare-tauri" > "$TMP/bare.json"
  measure --label wwdev -- "$TARGET/release/wwdev-app" --exit-when-ready > "$TMP/wwdev.json"
}
export -f measure run_all; export HERE RUNS TARGET TMP
if [ -z "${DISPLAY:-}" ]; then
  # No display: a private Xvfb and D-Bus session (wwdev probes the keyring at start).
  xvfb-run -a -s "-screen 0 1440x960x24" dbus-run-session -- bash -c run_all
else
  run_all
fi

python3 - "$TMP/bare.json" "$TMP/wwdev.json" <<'PY'
import json, sys
bare, ww = (json.load(open(p)) for p in sys.argv[1:])
print(f"{'':8}{'ready (median)':>16}{'peak RSS tree (median)':>26}")
for r in (bare, ww):
    print(f"{r['label']:8}{r['ready_ms_median']:>13.1f} ms{r['peak_rss_mib_median']:>22.1f} MiB")
print(f"{'ratio':8}{ww['ready_ms_median']/bare['ready_ms_median']:>15.2f}x"
      f"{ww['peak_rss_mib_median']/bare['peak_rss_mib_median']:>25.2f}x")
print(json.dumps({"bare": bare, "wwdev": ww}))
PY

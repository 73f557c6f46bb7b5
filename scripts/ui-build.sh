#!/usr/bin/env bash
# Builds ui/dist (`npm run build`) unless it is newer than every UI source. Release
# builds call this and then `tauri build` without its own UI step: rewriting ui/dist
# with the same content would still make cargo re-embed it and relink the app, which
# with fat LTO takes many minutes.
set -euo pipefail
UI="$(cd "$(dirname "${BASH_SOURCE[0]}")/../ui" && pwd)"
stamp="$UI/dist/index.html"
if [ -f "$stamp" ] && [ -z "$(find "$UI/src" "$UI/public" "$UI/index.html" "$UI/package-lock.json" "$UI/vite.config.ts" \
      -newer "$stamp" -print -quit 2>/dev/null)" ]; then
  echo "[ui-build] ui/dist is up to date"
  exit 0
fi
(cd "$UI" && npm run build)

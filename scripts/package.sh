#!/usr/bin/env bash
# Builds the Debian package: the release app and CLI (fat LTO: about half an hour on 2
# cores), bundled by Tauri, then recompressed with xz, as Debian's own packages are
# (Tauri's bundler writes gzip, which leaves the package well over 12 MB; sizes in
# bench/README.md). Prints where the .deb is.
#   scripts/package.sh                  (after ./scripts/setup.sh)
# Env: WWDEV_PACKAGE_SKIP_BUILD=1 only recompresses the .deb Tauri already built.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
say() { printf '\033[1;34m[package]\033[0m %s\n' "$*"; }

if [ "${WWDEV_PACKAGE_SKIP_BUILD:-}" != "1" ]; then
  "$ROOT/scripts/ui-build.sh"
  say "tauri build (release app, CLI, .deb)"
  (cd "$ROOT/src-tauri" && "$ROOT/ui/node_modules/.bin/tauri" build --bundles deb \
    --config '{"build":{"beforeBuildCommand":null}}')
fi
deb="$(ls -t "$ROOT"/target/release/bundle/deb/wwdev_*.deb | head -n1)"
gz_size="$(stat -c %s "$deb")"

work="$(mktemp -d /tmp/wwdev-package-XXXXXX)"
trap 'rm -rf "$work"' EXIT
dpkg-deb -R "$deb" "$work/root"
# Same members, metadata and file modes; only the compression changes.
dpkg-deb --root-owner-group -Zxz -z9 -b "$work/root" "$work/out.deb" >/dev/null
mv "$work/out.deb" "$deb"
say "$deb: $(stat -c %s "$deb") bytes (Tauri's gzip: $gz_size bytes)"

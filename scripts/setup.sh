#!/usr/bin/env bash
# Installs what wwdev needs to build, run and test on Debian 12 / Ubuntu 22.04+.
# Idempotent: only installs what is missing. Safe to run again.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

APT_PKGS=(
  libwebkit2gtk-4.1-dev build-essential curl wget file pkg-config libssl-dev
  libxdo-dev librsvg2-dev librsvg2-bin libayatana-appindicator3-dev libdbus-1-dev
  webkit2gtk-driver xvfb xauth gnome-keyring dbus dbus-x11 libsecret-tools
  fonts-noto-cjk procps chromium
)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
else
  say "system packages present"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo not found: install Rust first (https://rustup.rs), then run this again." >&2
  exit 1
fi
export PATH="$HOME/.cargo/bin:$PATH"
# The Tauri CLI comes prebuilt from npm (ui's devDependency @tauri-apps/cli), which
# takes seconds where `cargo install tauri-cli` compiles for many minutes.
if ! command -v tauri-driver >/dev/null 2>&1; then
  say "cargo install tauri-driver"
  cargo install tauri-driver --locked
fi

# npm ci only when the lock file changed since the last install.
npm_install() {
  local dir="$1"
  [ -f "$dir/package.json" ] || return 0
  local stamp="$dir/node_modules/.wwdev-lock-stamp"
  local lock="$dir/package-lock.json"
  if [ -f "$lock" ] && [ -f "$stamp" ] && cmp -s "$lock" "$stamp"; then return 0; fi
  say "npm install in ${dir#"$ROOT"/}"
  if [ -f "$lock" ]; then (cd "$dir" && npm ci --no-audit --no-fund); else (cd "$dir" && npm install --no-audit --no-fund); fi
  [ -f "$lock" ] && cp "$lock" "$stamp" || true
}
npm_install "$ROOT/ui"
npm_install "$ROOT/tests/e2e"
npm_install "$ROOT/tests/bridge"
say "done"

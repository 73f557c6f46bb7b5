#!/usr/bin/env bash
# Packaging test (slow, needs root and the Debian mirror; not part of scripts/test.sh).
# Installs the .deb with `apt-get install ./wwdev_*.deb` where there is no build tree and
# checks what a user gets:
#   - /usr/bin/wwdev-app, /usr/bin/wwdev, the desktop entry and the icons are installed;
#   - Depends names no package twice;
#   - `wwdev --version`; `wwdev sandbox` started, then `wwdev token` against it;
#   - `wwdev-app --exit-when-ready` under xvfb-run (private D-Bus session) exits 0;
#   - `apt-get remove` takes both commands away.
# Where: a throwaway Debian 12 chroot made with debootstrap (default), or this machine
# (WWDEV_DEB_TEST_HOST=1, or when debootstrap cannot reach the mirror).
#   sudo tests/package/deb_install.sh [path/to/wwdev_*.deb]
# Env: WWDEV_DEB_CHROOT_CACHE=DIR keeps the bootstrapped base system as DIR/base.tar for reruns.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DEB="${1:-}"
if [ -z "$DEB" ]; then
  DEB="$(ls -t "$ROOT"/target/release/bundle/deb/wwdev_*.deb "$ROOT"/src-tauri/target/release/bundle/deb/wwdev_*.deb 2>/dev/null | head -n1 || true)"
fi
[ -f "$DEB" ] || { echo "no .deb given or found: build it with 'cd src-tauri && ../ui/node_modules/.bin/tauri build'" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "run as root (apt-get install, chroot)" >&2; exit 2; }
DEB="$(cd "$(dirname "$DEB")" && pwd)/$(basename "$DEB")"
say() { printf '\033[1;34m[deb] %s\033[0m\n' "$*"; }
fail() { printf '\033[1;31m[deb] FAIL: %s\033[0m\n' "$*" >&2; exit 1; }

say "package: $DEB ($(du -h "$DEB" | cut -f1))"
# --- static checks on the package itself ---
# Member names with or without a leading "./" (dpkg-deb writes it, Tauri's bundler does not).
contents="$(dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's#^\./##; s#^#./#')"
for f in ./usr/bin/wwdev-app ./usr/bin/wwdev ./usr/share/applications/wwdev.desktop; do
  grep -qx "$f" <<<"$contents" || fail "$f is not in the package"
done
grep -q '^./usr/share/icons/hicolor/.*/apps/wwdev-app.png$' <<<"$contents" || fail "no icons in the package"
depends="$(dpkg-deb -f "$DEB" Depends)"
say "Depends: $depends"
dups="$(tr ',' '\n' <<<"$depends" | sed 's/([^)]*)//g; s/^ *//; s/ *$//' | sort | uniq -d)"
[ -z "$dups" ] || fail "Depends lists twice: $dups"

# The checks run inside the target system; $1 is the command prefix (chroot or nothing).
in_target_checks() {
  cat <<'INNER'
set -euo pipefail
fail() { echo "[deb] FAIL: $*" >&2; exit 1; }
export HOME="$(mktemp -d /tmp/wwdev-deb-home-XXXXXX)"
export XDG_DATA_HOME="$HOME/data" XDG_CONFIG_HOME="$HOME/config"
command -v wwdev >/dev/null || fail "wwdev is not on PATH"
[ "$(command -v wwdev)" = /usr/bin/wwdev ] || fail "wwdev resolves to $(command -v wwdev), not /usr/bin/wwdev"
wwdev --version || fail "wwdev --version exited $?"
# The sandbox, then a token from it, through the installed CLI only.
port=$((20000 + RANDOM % 20000))
wwdev sandbox --port "$port" --json > "$HOME/sandbox.json" 2>"$HOME/sandbox.err" &
sandbox=$!
trap 'kill $sandbox 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$HOME/sandbox.json" ] && break; sleep 0.1; done
[ -s "$HOME/sandbox.json" ] || { cat "$HOME/sandbox.err" >&2; fail "wwdev sandbox did not start"; }
export WWDEV_BASE_URL="http://127.0.0.1:$port" WWDEV_CORPID=ww5d1e0c2a9b7f4e36 WWDEV_AGENTID=1000002
export WWDEV_SECRET=sbx-h5-Gq3Lw8Zr5Tn2Vc7Xk4Bp9Md6Fs1Jh0Ya5Ue8R
out="$(wwdev token --json 2>&1)" || fail "wwdev token against the sandbox exited $?: $out"
echo "$out"
grep -q '"ok": *true' <<<"$out" || fail "wwdev token against the sandbox did not say ok"
kill $sandbox; wait $sandbox 2>/dev/null || true; trap - EXIT
# The app: first screen, then exit 0 (a private X server and D-Bus session).
WEBKIT_DISABLE_COMPOSITING_MODE=1 timeout 120 xvfb-run -a -s "-screen 0 1280x900x24" dbus-run-session -- /usr/bin/wwdev-app --exit-when-ready \
  || fail "wwdev-app --exit-when-ready did not exit 0 (rc $?)"
echo "[deb] app reached its first screen"
INNER
}

if [ "${WWDEV_DEB_TEST_HOST:-}" != "1" ]; then
  command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null || true
fi
mode=host
if [ "${WWDEV_DEB_TEST_HOST:-}" != "1" ] && command -v debootstrap >/dev/null; then mode=chroot; fi

if [ "$mode" = chroot ]; then
  CH="$(mktemp -d /tmp/wwdev-deb-chroot-XXXXXX)"
  cleanup() {
    for m in dev/pts dev proc sys tmp; do umount -l "$CH/$m" 2>/dev/null || true; done
    rm -rf --one-file-system "$CH"
  }
  trap cleanup EXIT
  cache="${WWDEV_DEB_CHROOT_CACHE:-}"
  if [ -n "$cache" ] && [ -f "$cache/base.tar" ]; then
    say "chroot: from $cache/base.tar"
    tar -C "$CH" -xf "$cache/base.tar"
  else
    say "chroot: debootstrap bookworm (minbase) into $CH"
    if ! debootstrap --variant=minbase bookworm "$CH" http://deb.debian.org/debian >"$CH.log" 2>&1; then
      tail -5 "$CH.log" >&2; fail "debootstrap failed (mirror unreachable?); rerun with WWDEV_DEB_TEST_HOST=1"
    fi
    if [ -n "$cache" ]; then mkdir -p "$cache"; tar -C "$CH" -cf "$cache/base.tar" .; fi
  fi
  mount -t proc proc "$CH/proc"; mount -t sysfs sys "$CH/sys"
  mount --bind /dev "$CH/dev"; mount --bind /dev/pts "$CH/dev/pts"; mount -t tmpfs tmp "$CH/tmp"
  cp /etc/resolv.conf "$CH/etc/resolv.conf"
  cp "$DEB" "$CH/tmp/"
  say "chroot: apt-get install ./$(basename "$DEB") (plus xvfb and dbus for the launch check)"
  chroot "$CH" /usr/bin/env DEBIAN_FRONTEND=noninteractive bash -c "
    apt-get update -qq && apt-get install -y -qq ./tmp/$(basename "$DEB") >/tmp/apt.log 2>&1 || { tail -20 /tmp/apt.log; exit 1; }
    apt-get install -y -qq --no-install-recommends xvfb xauth dbus >/tmp/apt2.log 2>&1 || { tail -20 /tmp/apt2.log; exit 1; }" \
    || fail "apt-get install in the chroot failed"
  [ ! -e "$CH$ROOT" ] || fail "the build tree is visible in the chroot"
  say "chroot: checks"
  chroot "$CH" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 bash -c "$(in_target_checks)" || fail "checks in the chroot"
  chroot "$CH" bash -c 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq wwdev >/dev/null'
  chroot "$CH" bash -c '! command -v wwdev && ! command -v wwdev-app' >/dev/null || fail "apt-get remove left a command behind"
else
  say "host: apt-get install $DEB (this machine; its build tree is not on PATH)"
  ! dpkg -s wwdev >/dev/null 2>&1 || fail "a wwdev package is already installed here; remove it first"
  trap 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq wwdev >/dev/null 2>&1 || true' EXIT
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$DEB" >/tmp/wwdev-deb-apt.log 2>&1 || { tail -20 /tmp/wwdev-deb-apt.log; fail "apt-get install"; }
  (cd / && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 bash -c "$(in_target_checks)") || fail "checks on the host"
  DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq wwdev >/dev/null
  trap - EXIT
  ! command -v wwdev >/dev/null && ! [ -e /usr/bin/wwdev-app ] || fail "apt-get remove left a command behind"
fi
say "passed ($mode)"

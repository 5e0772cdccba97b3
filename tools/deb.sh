#!/usr/bin/env bash
# A .deb of NetDebug built with Debian's own dpkg-deb: the shipped build (Cargo.toml's ship
# profile), a desktop entry, the icon in every size the desktop asks for, and the licences.
#   tools/deb.sh          writes target/dist/netdebug_VERSION_ARCH.deb and prints its path
#   tools/deb.sh smoke    builds it, installs it with dpkg -i (as root), checks that the
#                         installed netdebug starts and exchanges UDP datagrams headless,
#                         and removes it again
# Needs: dpkg-dev (dpkg-deb, dpkg-shlibdeps); python3 for the smoke test.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
arch=$(dpkg --print-architecture)
cargo build --profile ship --locked >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/netdebug_${version}_${arch}"
install -Dm755 -s target/ship/netdebug "$stage/usr/bin/netdebug"
install -Dm644 resources/linux/netdebug.desktop "$stage/usr/share/applications/netdebug.desktop"
for size in 16 32 48 64 128 256; do
  install -Dm644 "resources/icon/netdebug-$size.png" \
    "$stage/usr/share/icons/hicolor/${size}x${size}/apps/netdebug.png"
done
install -Dm644 resources/icon/netdebug.svg "$stage/usr/share/icons/hicolor/scalable/apps/netdebug.svg"
doc="$stage/usr/share/doc/netdebug"
install -Dm644 README.md "$doc/README.md"
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: netdebug"
  echo
  echo "Files: *"
  echo "Copyright: 2026 The NetDebug contributors"
  echo "License: MIT or Apache-2.0"
  echo
  echo "Files: resources/fonts/*"
  echo "License: OFL-1.1 (Noto Sans SC) and the DejaVu font licence, embedded in the binary"
  echo
  echo "License: MIT"
  sed 's/^/ /; s/^ $/ ./' LICENSE-MIT
  echo
  echo "License: Apache-2.0"
  echo " On Debian systems the full text is in /usr/share/common-licenses/Apache-2.0."
} >"$doc/copyright"

# What the binary links (libc, libgcc); what the window opens at run time (OpenGL or EGL,
# xkbcommon, Wayland or X11) is recommended, as is a way to show file dialogs.
mkdir -p "$work/debian"
touch "$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O "$stage/usr/bin/netdebug" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
size=$(du -sk "$stage" | cut -f1)
mkdir -p "$stage/DEBIAN"
cat >"$stage/DEBIAN/control" <<CONTROL
Package: netdebug
Version: $version
Architecture: $arch
Maintainer: The NetDebug contributors
Installed-Size: $size
Depends: ${depends:-libc6}
Recommends: libgl1 | libegl1, libxkbcommon0, libxkbcommon-x11-0, libwayland-client0, zenity | xdg-desktop-portal-gtk
Section: net
Priority: optional
Description: network debugging assistant (网络调试助手) for TCP and UDP
 NetDebug shows what a device or a service sends over TCP and UDP and sends it
 text or hex: TCP server and client (TLS too), UDP with broadcast and multicast,
 a relay between a device and its server that can make the link bad on purpose,
 splitting and checksums, auto reply, cycle and file sends, and a headless mode.
CONTROL
mkdir -p target/dist
out="target/dist/netdebug_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$stage" "$out" >&2
echo "$out"

if [ "${1:-}" = smoke ]; then
  deb=$out
  dpkg -i "$deb" >&2
  trap 'dpkg -r netdebug >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
  installed=$(command -v netdebug)
  [ "$installed" = /usr/bin/netdebug ] || { echo "error: netdebug is at '$installed'" >&2; exit 1; }
  [ "$(netdebug --version)" = "netdebug $version" ] || { echo "error: netdebug --version" >&2; exit 1; }
  [ -f /usr/share/applications/netdebug.desktop ] && [ -f /usr/share/icons/hicolor/256x256/apps/netdebug.png ] ||
    { echo "error: no desktop entry or icon" >&2; exit 1; }
  port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  python3 tools/screenshot_peers.py udp-pong "$port" >"$work/peer.txt" &
  peer=$!
  sleep 0.3
  netdebug --headless --lang en --mode udp --address 127.0.0.1 --port 0 \
    --target "127.0.0.1:$port" --send-text "ping from the package" --exit-after-idle-ms 2000 \
    >"$work/headless.txt"
  wait "$peer" || true  # a peer that got nothing times out; said below
  grep -q "ping from the package" "$work/peer.txt" && grep -q "pong from the peer" "$work/headless.txt" ||
    { echo "error: no exchange:" >&2; cat "$work/headless.txt" >&2; exit 1; }
  echo "deb: installed, started ($(netdebug --version)), exchanged UDP headless, removed" >&2
fi

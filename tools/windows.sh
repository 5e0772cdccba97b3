#!/usr/bin/env bash
# NetDebug for Windows (x86_64), built on Linux with mingw-w64 and run under Wine.
#
#   tools/windows.sh package            the shipped build (Cargo.toml's ship profile), checked,
#                                       zipped into target/dist/
#   tools/windows.sh smoke [--ship] [--screenshot PNG]
#                                       build (debug, or as shipped), then under Wine:
#                                       netdebug.com's --version and a headless UDP
#                                       exchange with a loopback peer, and the window
#                                       writing a screenshot
#
# Needs: apt-get install gcc-mingw-w64-x86-64 (package, smoke) wine64 xvfb python3 (smoke),
# and `rustup target add x86_64-pc-windows-gnu`.
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-pc-windows-gnu
version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)

# subsystem EXE: "Windows GUI" or "Windows CUI", as the PE header says.
subsystem() {
  x86_64-w64-mingw32-objdump -p "$1" | sed -n 's/^Subsystem[[:space:]]*[0-9a-f]*[[:space:]]*(\(.*\))/\1/p'
}

# build PROFILE (debug or ship): cross-builds netdebug.exe (a window program) and from it
# netdebug.com, its console twin, and prints the folder they are in. Windows gives a window
# program no console, so typed in cmd or PowerShell its --help, errors and --headless log
# would go nowhere; both shells try .com before .exe, so `netdebug …` typed there runs the
# twin: the same program with the subsystem in its header set to console (Packet Sender
# ships packetsender.com for the same reason).
build() {
  local profile=$1
  cargo build --locked --target "$target" --profile "$(echo "$profile" | sed 's/^debug$/dev/')" >&2
  local out="target/$target/$profile"
  # The icon and version went in (build.rs warns and goes on without a resource compiler).
  if ! x86_64-w64-mingw32-objdump -h "$out/netdebug.exe" | grep -q '\.rsrc'; then
    echo "error: $out/netdebug.exe has no resources (icon, version): is x86_64-w64-mingw32-windres there?" >&2
    exit 1
  fi
  x86_64-w64-mingw32-objcopy --subsystem console "$out/netdebug.exe" "$out/netdebug.com"
  # Explorer must open no console behind the window; a console must get the twin's output.
  local gui cui
  gui=$(subsystem "$out/netdebug.exe")
  cui=$(subsystem "$out/netdebug.com")
  if [ "$gui" != "Windows GUI" ] || [ "$cui" != "Windows CUI" ]; then
    echo "error: netdebug.exe is '$gui' (want Windows GUI), netdebug.com '$cui' (want Windows CUI)" >&2
    exit 1
  fi
  echo "$out"
}

# package: the portable zip: netdebug.exe, which needs no installing (fonts are inside it), and
# netdebug.com, the same program for typing in a console.
package() {
  local built
  built=$(build ship)
  local name="netdebug-$version-windows-x86_64"
  local dist=target/dist
  mkdir -p "$dist"
  # Symbols are for the developers' profilers, not for the download.
  x86_64-w64-mingw32-strip -o "$dist/netdebug.exe" "$built/netdebug.exe"
  x86_64-w64-mingw32-strip -o "$dist/netdebug.com" "$built/netdebug.com"
  python3 - "$dist" "$dist/$name.zip" "$name" <<'PY'
import sys, zipfile
dist, out, folder = sys.argv[1:4]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for exe in ["netdebug.exe", "netdebug.com"]:
        z.write(f"{dist}/{exe}", f"{folder}/{exe}")
    for doc in ["README.md", "LICENSE-MIT", "LICENSE-APACHE", "resources/fonts/OFL.txt",
                "resources/fonts/DejaVu-LICENSE.txt"]:
        try:
            z.write(doc, f"{folder}/{doc.split('/')[-1]}")
        except FileNotFoundError:
            pass
PY
  rm "$dist/netdebug.exe" "$dist/netdebug.com"
  echo "wrote $dist/$name.zip"
}

# smoke [--ship] [--screenshot PNG]: the Windows build must run, not only build.
smoke() {
  local profile=debug screenshot=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --ship) profile=ship ;;
      --screenshot) screenshot=$2; shift ;;
      *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
  done
  local built
  built=$(build "$profile")
  local run
  run=$(mktemp -d)
  # shellcheck disable=SC2064  # the folder is known now
  trap "rm -rf '$run'" EXIT
  cp "$built/netdebug.exe" "$run/netdebug.exe"
  cp "$built/netdebug.com" "$run/netdebug.com"
  # Wine 8 lacks bcryptprimitives.dll's ProcessPrng, which Rust's std needs: a stand-in beside
  # the .exe for this run only (see tools/wine/bcryptprimitives.c).
  x86_64-w64-mingw32-gcc -shared -O2 -o "$run/bcryptprimitives.dll" \
    tools/wine/bcryptprimitives.c -ladvapi32
  export WINEPREFIX="$run/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
  wineboot --init >/dev/null 2>&1 || true

  # 1. The console twin answers on stdout, as typed in cmd (`netdebug --version`).
  local said
  said=$(cd "$run" && timeout 60 wine netdebug.com --version 2>&1) || true
  [ "$said" = "netdebug $version" ] || {
    echo "error: netdebug.com --version said '$said', not 'netdebug $version'" >&2
    exit 1
  }
  echo "windows console twin: $said"

  # 2. Headless UDP through the twin: NetDebug asks, a loopback peer answers, both sides see
  # the bytes.
  local port
  port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  python3 tools/screenshot_peers.py udp-pong "$port" >"$run/peer.txt" &
  local peer_pid=$!
  sleep 0.5
  (cd "$run" && timeout 120 wine netdebug.com --headless --lang en --mode udp \
    --address 127.0.0.1 --port 0 --target "127.0.0.1:$port" --send-text "ping from windows" \
    --exit-after-idle-ms 3000 >"$run/headless.txt" 2>"$run/headless.err") || {
    echo "error: the headless run failed:" >&2
    cat "$run/headless.txt" "$run/headless.err" >&2
    exit 1
  }
  wait "$peer_pid" || true  # a peer that got nothing times out; said below
  grep -q "ping from windows" "$run/peer.txt" || { echo "error: the peer got nothing" >&2; exit 1; }
  grep -q "pong from the peer" "$run/headless.txt" || {
    echo "error: NetDebug printed no answer:" >&2
    cat "$run/headless.txt" >&2
    exit 1
  }
  echo "windows headless (netdebug.com): sent and received over UDP under Wine"

  # 3. The window: drawn and photographed by itself, in Chinese (the bundled font), a UDP
  # socket that a peer sends text and a binary frame to, while it sends one line a second.
  local own_display=""
  if [ -z "${DISPLAY:-}" ]; then
    export DISPLAY=:93
    Xvfb "$DISPLAY" -screen 0 1280x800x24 >/dev/null 2>&1 &
    own_display=$!
    sleep 1
  fi
  python3 tools/screenshot_peers.py udp-answering 19120 >/dev/null 2>&1 &
  local sender=$!
  (cd "$run" && timeout 180 wine netdebug.exe --lang zh --theme dark --mode udp \
    --address 127.0.0.1 --port 19120 --target 127.0.0.1:19121 --open \
    --send-text "查询状态" --cycle-ms 1000 --window-size 1024x700 \
    --screenshot window.png --screenshot-delay-ms 6000 --quit-after-screenshot \
    >/dev/null 2>"$run/window.err") || {
    echo "error: the window did not run:" >&2
    cat "$run/window.err" >&2
    exit 1
  }
  kill "$sender" 2>/dev/null || true
  if [ -n "$own_display" ]; then kill "$own_display" 2>/dev/null || true; fi
  local size
  size=$(python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print(*struct.unpack(">II", d[16:24]))' "$run/window.png")
  echo "windows window: screenshot $size"
  [ "$size" != "0 0" ] || { echo "error: an empty screenshot" >&2; exit 1; }
  if [ -n "$screenshot" ]; then
    cp "$run/window.png" "$screenshot"
    echo "wrote $screenshot"
  fi
}

case "${1:-}" in
  package) package ;;
  smoke) shift; smoke "$@" ;;
  *) echo "usage: tools/windows.sh package | smoke [--ship] [--screenshot PNG]" >&2; exit 2 ;;
esac

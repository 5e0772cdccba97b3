#!/usr/bin/env bash
# Makes the README's pictures: the release build photographs itself (--screenshot) under Xvfb
# while small Python peers on 127.0.0.1 give it traffic. Needs: xvfb, python3.
#   apt-get install -y xvfb mesa-vulkan-drivers && tools/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release
mkdir -p screenshots

if [ -z "${DISPLAY:-}" ]; then
  export DISPLAY=:97
  Xvfb "$DISPLAY" -screen 0 1280x800x24 >/dev/null 2>&1 &
  xvfb_pid=$!
  trap 'kill $xvfb_pid 2>/dev/null || true' EXIT
  sleep 1
fi
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
app=target/release/netdebug
port=19000

# TCP server with two clients (a device speaking GBK and one sending binary frames).
"$app" --lang zh --encoding gbk --mode tcp-server --address 127.0.0.1 --port "$port" --open \
  --send-text "READ 01" --screenshot screenshots/tcp-server.png \
  --screenshot-delay-ms 3500 --quit-after-screenshot &
app_pid=$!
python3 tools/screenshot_peers.py tcp-clients "$port" &
peers_pid=$!
wait "$app_pid"
wait "$peers_pid" || true

echo "wrote screenshots/tcp-server.png"

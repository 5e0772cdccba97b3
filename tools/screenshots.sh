#!/usr/bin/env bash
# Makes the README's pictures, one per mode: the release build photographs itself
# (--screenshot) under Xvfb while small Python peers on 127.0.0.1 give it traffic.
# Needs: xvfb (which brings Mesa's software OpenGL) and python3.
#   apt-get install -y xvfb && tools/screenshots.sh
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

# shot NAME PEER PEER_PORT -- APP_ARGS...: starts the peer and the app, waits for the picture.
shot() {
  local name=$1 peer=$2 peer_port=$3
  shift 4
  python3 tools/screenshot_peers.py "$peer" "$peer_port" &
  local peer_pid=$!
  # A server peer must be listening before the app connects.
  case "$peer" in tcp-server | frame-device | at-modem) sleep 1 ;; esac
  # Throwaway settings for each picture: the defaults plus what is asked here, nothing
  # remembered from the previous one.
  XDG_DATA_HOME="$(mktemp -d)" XDG_CONFIG_HOME="$(mktemp -d)" "$app" --screenshot "screenshots/$name.png" --screenshot-delay-ms 3500 \
    --quit-after-screenshot "$@"
  wait "$peer_pid" 2>/dev/null || true
  echo "wrote screenshots/$name.png"
}

# TCP server with two clients (a device speaking GBK that streams readings, and one sending a
# Modbus reply); the app polls both every second and graphs the rates.
shot tcp-server tcp-clients 19000 -- --theme dark --lang zh --encoding gbk --mode tcp-server \
  --address 127.0.0.1 --port 19000 --open --send-text "READ 01" --cycle-ms 1000 --rate-graph \
  --screenshot-delay-ms 9000

# TCP client connected to a GBK server that greets and echoes what the app sends each second,
# in the light theme (the others in the dark one, whatever the desktop's).
shot tcp-client tcp-server 19010 -- --theme light --lang zh --encoding gbk --mode tcp-client \
  --address 127.0.0.1 --port 19010 --open --send-text "查询状态" --cycle-ms 1000

# UDP bound on 19020, a peer on 19021 sending text and a binary frame, shown in hex; the app
# sends it a hex frame each second.
shot udp udp 19020 -- --theme dark --lang en --show hex --mode udp --address 127.0.0.1 --port 19020 \
  --target 127.0.0.1:19021 --open --send-hex "AA 55 01" --cycle-ms 1000

# TCP client of a device that streams binary frames (AA 55, a length, the data, a CRC16 of the
# length and data), each cut in two by TCP: split by the length field from an AA 55 frame start
# and checked from byte 2, one entry per frame, one wrong, and line noise cut off on its own.
shot tcp-client-frames frame-device 19030 -- --theme dark --lang zh --show hex --mode tcp-client \
  --address 127.0.0.1 --port 19030 --open --split-length 2:u8:+2 --frame-start "AA 55" \
  --check crc16-modbus --check-span 2

# TCP client of a cellular modem's AT port, with Show escapes: the echoed command, the answer
# and OK each with their CR LFs in sight, and the zero byte and line noise it starts up with.
shot tcp-client-escapes at-modem 19050 -- --theme dark --lang en --mode tcp-client \
  --address 127.0.0.1 --port 19050 --open --send-text 'AT+CSQ\r' --escapes --show-escapes \
  --cycle-ms 1000

# TLS server with a certificate made at Open: a device's TLS client sends readings and gets
# an answer each second; a plain TCP client at the same port is dropped with the reason.
shot tls-server tls-clients 19040 -- --theme light --lang en --mode tcp-server \
  --address 127.0.0.1 --port 19040 --tls --open --send-text 'ACK\r\n' --escapes --cycle-ms 1000 \
  --screenshot-delay-ms 3000

# A relay between a device and its cloud server: the device logs in and sends readings, the
# server acknowledges each; both ways in the log, and a setting injected towards the device
# every two seconds.
shot tcp-relay relay-pair 19070 -- --theme dark --lang zh --encoding gbk --mode relay \
  --address 127.0.0.1 --port 19070 --upstream 127.0.0.1:19071 --open \
  --send-text '设置 周期=5s\r\n' --escapes --cycle-ms 2000 --screenshot-delay-ms 5000

# A UDP relay losing 30 % of what goes to the server (seed 7) and passing it on 20 ms late:
# each datagram's header says what happened to it.
shot udp-relay udp-relay-pair 19090 -- --theme dark --lang en --mode relay --relay-udp \
  --address 127.0.0.1 --port 19090 --upstream 127.0.0.1:19091 --open \
  --impair-up loss=30,delay=20 --impair-seed 7 --screenshot-delay-ms 4500

# A class's TCP server and its client in one workspace, side by side, in Chinese with GBK
# both ways: the client greets every second, the server's auto reply answers. Then the same
# two in tabs beside the all-sessions timeline, which interleaves both sides by time.
class=$(mktemp -d)
# session NAME MODE EXTRA: one session's record; both speak GBK on 127.0.0.1:19060.
session() {
  cat <<RON
    (id: $1, name: "$2", settings: (mode: $3, address: "127.0.0.1", port: "19060",
      decode_gbk: true, hex_view: false, log_mode: true, autoscroll: true, auto_wrap: true,
      log_limit_mb: 64, cycle_period_ms: 1000,
      send_format: (mode: Text, encoding: Gbk, escapes: true, checksum: None, line_ending: None),
      $4)),
RON
}
workspace() {
  cat <<RON
(version: 3, shared: (chinese: true), focused: 2, sessions: [
$(session 1 "服务器" TcpServer 'reply_rules: [(enabled: true, pattern: "", reply: "服务器已收到\n", format: (mode: Text, encoding: Gbk, escapes: true, checksum: None, line_ending: None))]')
$(session 2 "客户端" TcpClient 'auto_reconnect: true, reconnect_ms: 200')
], layout: "$1")
RON
}
workspace '(id:(1),root:Some((5)),tiles:(next_tile_id:6,tiles:{(1):Pane(Session((1))),(2):Container(Tabs((children:[(1)],active:Some((1))))),(3):Pane(Session((2))),(4):Container(Tabs((children:[(3)],active:Some((3))))),(5):Container(Linear((children:[(2),(4)],dir:Horizontal,shares:(shares:{}))))},invisible:[]),height:None,width:None)' \
  >"$class/side-by-side.ron"
workspace '(id:(1),root:Some((5)),tiles:(next_tile_id:6,tiles:{(1):Pane(Session((1))),(3):Pane(Session((2))),(2):Container(Tabs((children:[(1),(3)],active:Some((3))))),(6):Pane(Timeline),(4):Container(Tabs((children:[(6)],active:Some((6))))),(5):Container(Linear((children:[(2),(4)],dir:Horizontal,shares:(shares:{}))))},invisible:[]),height:None,width:None)' \
  >"$class/timeline.ron"
# workspace_shot NAME FILE: the app opens the workspace, every session of it, and greets.
workspace_shot() {
  XDG_DATA_HOME="$(mktemp -d)" XDG_CONFIG_HOME="$(mktemp -d)" "$app" --workspace "$2" --open \
    --theme light --window-size 1280x800 --send-text '你好，服务器\n' --cycle-ms 1000 \
    --screenshot "screenshots/$1.png" --screenshot-delay-ms 5500 --quit-after-screenshot
  echo "wrote screenshots/$1.png"
}
workspace_shot class-side-by-side "$class/side-by-side.ron"
workspace_shot timeline "$class/timeline.ron"
rm -rf "$class"

#!/usr/bin/env python3
"""Loopback peers that give the app something to show while tools/screenshots.sh photographs it.

Like the socket programs in a networking course: plain sockets, text encoded as GBK.
"""
import socket
import sys
import time


def connect_retry(port):
    for _ in range(50):
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=2)
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listening on 127.0.0.1:{port}")


def tcp_clients(port):
    sensor = connect_retry(port)
    time.sleep(0.3)
    plc = connect_retry(port)
    time.sleep(0.3)
    sensor.sendall("温度=25.3℃ 湿度=61%\r\n".encode("gbk"))
    time.sleep(0.3)
    plc.sendall(bytes([0x01, 0x03, 0x02, 0x00, 0x19, 0x79, 0x8E]))
    time.sleep(0.3)
    sensor.sendall("状态: 正常\r\n".encode("gbk"))
    time.sleep(4)
    sensor.close()
    plc.close()


if __name__ == "__main__":
    {"tcp-clients": tcp_clients}[sys.argv[1]](int(sys.argv[2]))

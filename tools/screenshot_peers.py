#!/usr/bin/env python3
"""Loopback peers that give the app something to show while tools/screenshots.sh photographs it,
and that the packages' smoke tests (tools/windows.sh, tools/deb.sh) talk to.

Like the socket programs in a networking course: plain sockets, text encoded as GBK.
  tcp-clients PORT   two clients connect to the app's TCP server and send
  tcp-server PORT    a server the app connects to; it greets, then echoes what it gets
  udp APP_PORT       a UDP peer that sends datagrams to the app
  frame-device PORT  a server the app connects to; it streams binary frames
                     (AA 55, a length, the data, a CRC16/MODBUS), each cut in two writes
  at-modem PORT      a server the app connects to, answering AT commands as a cellular
                     modem does: the command echoed, then the answer between CR LFs
  tls-clients PORT   a TLS client (taking the app's self-signed certificate) sends readings
                     and reads the app's answers; a plain client that speaks no TLS is dropped
  relay-pair PORT    a cloud server on PORT+1 that acknowledges each reading, and a device
                     that connects to the app's relay on PORT and sends readings, in GBK
  udp-relay-pair PORT  the same over UDP: datagrams to the app's relay on PORT, answered by
                     a server on PORT+1
  udp-answering APP_PORT  as udp, once the app has sent to PORT+1 (an app slow to start)
  udp-pong PORT      takes one datagram on PORT, prints it, answers "pong from the peer"
"""
import itertools
import socket
import ssl
import sys
import time


def connect_retry(port):
    for _ in range(50):
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=2)
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listening on 127.0.0.1:{port}")


def accept_one(port):
    """Listens on 127.0.0.1:port and returns the first connection (the app's)."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(1)
    server.settimeout(10)
    conn, _ = server.accept()
    server.close()
    return conn


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
    # Then a reading every 0.2 s, as a sensor streams them, with a burst of history midway
    # (for the rate graph).
    for i in range(50):
        sensor.sendall(f"温度=25.{i % 10}℃ 湿度={60 + i % 3}%\r\n".encode("gbk"))
        if i == 20:
            sensor.sendall(("历史数据 " + "0123456789" * 20 + "\r\n").encode("gbk") * 5)
        time.sleep(0.2)
    time.sleep(2)
    sensor.close()
    plc.close()


def serve(port, greeting, answer):
    """Accepts the app on 127.0.0.1:port, greets it, then for six seconds sends answer(data)
    for each read."""
    conn = accept_one(port)
    conn.sendall(greeting)
    conn.settimeout(6)
    deadline = time.time() + 6
    while time.time() < deadline:
        try:
            data = conn.recv(4096)
        except socket.timeout:
            break
        if not data:
            break
        conn.sendall(answer(data))
    conn.close()


def tcp_server(port):
    serve(port, "欢迎连接 NetDebug 测试服务器\r\n".encode("gbk"), lambda data: b"ECHO " + data)


def udp(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port + 1))
    time.sleep(1.0)
    for i, text in enumerate(["hello NetDebug", "temperature=21.5", "湿度=48%"]):
        sock.sendto(text.encode("utf-8"), ("127.0.0.1", port))
        time.sleep(0.3)
    sock.sendto(bytes([0xAA, 0x55, 0x01, 0x02, 0x03, 0x04, 0xFF]), ("127.0.0.1", port))
    time.sleep(5)


def udp_answering(port):
    """As udp(), but only once the app has sent its first datagram: an app that takes long
    to start (under Wine) still gets every datagram."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port + 1))
    sock.settimeout(120)
    sock.recvfrom(2048)
    for text in ["hello NetDebug", "temperature=21.5", "湿度=48%"]:
        sock.sendto(text.encode("utf-8"), ("127.0.0.1", port))
        time.sleep(0.3)
    sock.sendto(bytes([0xAA, 0x55, 0x01, 0x02, 0x03, 0x04, 0xFF]), ("127.0.0.1", port))
    time.sleep(5)


def udp_pong(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port))
    sock.settimeout(120)
    data, peer = sock.recvfrom(2048)
    print(data.decode(errors="replace"), flush=True)
    sock.sendto(b"pong from the peer", peer)


def crc16_modbus(data):
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return bytes([crc & 0xFF, crc >> 8])


def frame_device(port):
    conn = accept_one(port)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    # Readings as a sensor with a small buffer sends them: each frame in two writes, cut at
    # a different place each time; the fifth with a checksum damaged on the way, and line
    # noise before the ninth.
    for i in range(14):
        data = f"T=25.{i}C H={60 + i % 3}%".encode("ascii")
        frame = bytes([0xAA, 0x55, len(data)]) + data
        # The CRC covers the length and the data, not the AA 55 header.
        crc = crc16_modbus(frame[2:])
        if i == 4:
            crc = bytes([crc[0] ^ 0x01, crc[1]])
        frame += crc
        if i == 8:
            frame = bytes([0x00, 0xFF, 0x13]) + frame
        cut = 2 + (i * 5) % (len(frame) - 3)
        conn.sendall(frame[:cut])
        time.sleep(0.03)
        conn.sendall(frame[cut:])
        time.sleep(0.2)
    time.sleep(3)
    conn.close()


def at_modem(port):
    signal = itertools.count(19)

    def answer(command):
        # Echo on (ATE1), as modems start: the command comes back before the answer.
        csq = b"\r\n+CSQ: %d,99\r\n" % next(signal) if command.startswith(b"AT+CSQ") else b""
        return command + csq + b"\r\nOK\r\n"

    # A module that starts up with a zero byte and a byte of line noise before its banner.
    serve(port, b"\x00\xff\r\nRDY\r\n", answer)


def tls_clients(port):
    # As a device that does not check the server: any certificate is taken.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    device = context.wrap_socket(connect_retry(port), server_hostname="localhost")
    time.sleep(0.4)
    # Someone pointing a plain client at the TLS port.
    plain = connect_retry(port)
    plain.sendall(b"hello?\r\n")
    time.sleep(0.4)
    plain.close()
    device.settimeout(0.2)
    for i in range(12):
        device.sendall(f"sensor-07 T=21.{i}C RH={48 + i % 4}%\r\n".encode("ascii"))
        try:
            device.recv(1024)
        except (TimeoutError, ssl.SSLError):
            pass
        time.sleep(0.3)
    time.sleep(2)
    device.close()


def relay_pair(port):
    import threading

    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port + 1))
    server.listen(1)
    server.settimeout(10)

    def cloud():
        conn, _ = server.accept()
        conn.settimeout(8)
        count = 0
        try:
            while data := conn.recv(4096):
                count += 1
                conn.sendall(f"ACK {count} 已收到\r\n".encode("gbk"))
        except (TimeoutError, OSError):
            pass
        conn.close()

    threading.Thread(target=cloud, daemon=True).start()
    device = connect_retry(port)
    device.settimeout(0.1)
    device.sendall("登录 设备号=A17\r\n".encode("gbk"))
    for i in range(25):
        time.sleep(0.4)
        device.sendall(f"温度=2{i % 10}.5℃ 电量={90 - i}%\r\n".encode("gbk"))
        try:
            device.recv(4096)
        except (TimeoutError, OSError):
            pass
    time.sleep(2)
    device.close()


def udp_relay_pair(port):
    import threading

    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", port + 1))
    server.settimeout(8)

    def cloud():
        try:
            while True:
                data, source = server.recvfrom(2048)
                server.sendto(b"ACK " + data.split(b" ")[0], source)
        except (TimeoutError, OSError):
            pass

    threading.Thread(target=cloud, daemon=True).start()
    device = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    device.bind(("127.0.0.1", 0))
    time.sleep(1.0)
    for i in range(30):
        device.sendto(f"#{i:02} temperature=2{i % 10}.5".encode(), ("127.0.0.1", port))
        time.sleep(0.12)
    time.sleep(2)


if __name__ == "__main__":
    peers = {
        "tcp-clients": tcp_clients,
        "tcp-server": tcp_server,
        "udp": udp,
        "udp-answering": udp_answering,
        "udp-pong": udp_pong,
        "frame-device": frame_device,
        "at-modem": at_modem,
        "tls-clients": tls_clients,
        "relay-pair": relay_pair,
        "udp-relay-pair": udp_relay_pair,
    }
    peers[sys.argv[1]](int(sys.argv[2]))

//! Save log as a packet capture: what Wireshark would read back from a `.pcap` the log
//! saved, for UDP, for a TCP client's connection and for a log whose lifecycle lines are
//! gone (the session's mode and address stand in).
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::mpsc;

use bytes::Bytes;
use chrono::NaiveTime;
use common::pcap::{tcp_segments, udp_datagrams};
use netdebug::i18n::{Language, Said};
use netdebug::log::{Log, Notice, Wire, save_in_background};
use netdebug::net::SentBy;

fn at(second: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(10, 20, second).unwrap()
}

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

/// The capture `log` saves as a `.pcap` file, with `wire` for what its lines do not say.
fn saved_capture(log: &Log, wire: Wire, name: &str) -> Vec<u8> {
    let path = std::env::temp_dir().join(format!("netdebug-{name}-{}.pcap", std::process::id()));
    let (done, outcome) = mpsc::channel();
    let texts = Language::English.texts();
    save_in_background(log.snapshot(), texts, (path.clone(), wire), move |saved| {
        done.send(saved.map(|saved| saved.path)).unwrap();
    })
    .unwrap();
    let saved: PathBuf = outcome.recv().unwrap().unwrap();
    let capture = std::fs::read(&saved).unwrap();
    std::fs::remove_file(&saved).unwrap();
    capture
}

#[test]
fn udp_datagrams_go_between_the_bound_socket_and_each_peer() {
    let local = addr("[::]:9000");
    let device = addr("192.168.1.20:5000");
    let other = addr("[fe80::1]:6000");
    let mut log = Log::default();
    log.notice(Notice::Bound(local, 8 << 20), at(0));
    log.received(device, Bytes::from_static(b"\x01\x03\x00\x00"), at(1));
    log.sent(device, Bytes::from_static(b"ACK"), SentBy::Owner, at(2));
    log.received(other, Bytes::from_static(b"hello"), at(3));
    let wire = Wire {
        tcp: true,
        local: None,
    };
    let datagrams = udp_datagrams(&saved_capture(&log, wire, "udp"));
    let seen: Vec<(SocketAddr, SocketAddr, &[u8])> = datagrams
        .iter()
        .map(|d| (d.from, d.to, d.payload.as_slice()))
        .collect();
    // A socket bound to every address hears IPv4 too: that end is shown in the peer's family.
    assert_eq!(
        seen,
        [
            (device, addr("0.0.0.0:9000"), &b"\x01\x03\x00\x00"[..]),
            (addr("0.0.0.0:9000"), device, b"ACK"),
            (other, local, b"hello"),
        ]
    );
}

#[test]
fn a_tcp_clients_connection_opens_carries_long_entries_in_segments_and_closes() {
    let local = addr("127.0.0.1:40000");
    let server = addr("127.0.0.1:502");
    let bulk: Vec<u8> = (0..100_000_u32).map(|i| i.to_le_bytes()[0]).collect();
    let mut log = Log::default();
    log.notice(
        Notice::Connected {
            local,
            remote: server,
        },
        at(0),
    );
    log.sent(server, Bytes::from(bulk.clone()), SentBy::Owner, at(1));
    log.received(server, Bytes::from_static(b"done"), at(2));
    log.notice(Notice::Closed(Said::new(|_| "closed".to_owned())), at(3));
    let wire = Wire {
        tcp: false,
        local: None,
    };
    let segments = tcp_segments(&saved_capture(&log, wire, "tcp-client"));
    let flow: Vec<(SocketAddr, &str, usize)> = segments
        .iter()
        .map(|s| (s.from, s.flags.as_str(), s.payload.len()))
        .collect();
    assert_eq!(
        flow,
        [
            // We connected: our SYN first.
            (local, "SYN", 0),
            (server, "SYN ACK", 0),
            (local, "ACK", 0),
            // 100,000 bytes are more than one IPv4 packet holds.
            (local, "ACK PSH", 65_495),
            (local, "ACK PSH", 100_000 - 65_495),
            (server, "ACK PSH", 4),
            (server, "FIN ACK", 0),
            (local, "FIN ACK", 0),
            (server, "ACK", 0),
        ]
    );
    let sent: Vec<u8> = [segments[3].payload.clone(), segments[4].payload.clone()].concat();
    assert_eq!(sent, bulk);
    assert_eq!(segments[4].seq, segments[3].seq.wrapping_add(65_495));
    assert_eq!(
        segments[5].ack,
        segments[4].seq.wrapping_add(100_000 - 65_495)
    );
}

#[test]
fn a_log_that_goes_on_from_a_client_to_a_server_has_each_connection_opened_by_its_client() {
    let client_end = addr("127.0.0.1:40000");
    let server = addr("127.0.0.1:9000");
    let device = addr("127.0.0.1:41000");
    let mut log = Log::default();
    log.notice(
        Notice::Connected {
            local: client_end,
            remote: server,
        },
        at(0),
    );
    log.notice(Notice::Closed(Said::new(|_| "closed".to_owned())), at(1));
    log.notice(Notice::Listening(addr("127.0.0.1:7000")), at(2));
    log.notice(Notice::PeerJoined(device), at(3));
    let wire = Wire {
        tcp: true,
        local: None,
    };
    let syns: Vec<SocketAddr> = tcp_segments(&saved_capture(&log, wire, "client-then-server"))
        .iter()
        .filter(|s| s.flags == "SYN")
        .map(|s| s.from)
        .collect();
    assert_eq!(syns, [client_end, device]);
}

#[test]
fn without_its_lifecycle_lines_the_sessions_mode_and_address_stand_in() {
    let local = addr("10.0.0.1:7000");
    let client = addr("10.0.0.9:51000");
    let mut log = Log::default();
    log.received(client, Bytes::from_static(b"PING"), at(0));
    let wire = Wire {
        tcp: true,
        local: Some(local),
    };
    let segments = tcp_segments(&saved_capture(&log, wire, "no-lines"));
    let flow: Vec<(SocketAddr, SocketAddr, &str)> = segments
        .iter()
        .map(|s| (s.from, s.to, s.flags.as_str()))
        .collect();
    // Serving: the client connected to us.
    assert_eq!(
        flow,
        [
            (client, local, "SYN"),
            (local, client, "SYN ACK"),
            (client, local, "ACK"),
            (client, local, "ACK PSH"),
        ]
    );
    assert_eq!(segments[3].payload, b"PING");
}

#[test]
fn wireshark_reads_a_saved_modbus_exchange_as_modbus() {
    // tshark is Wireshark's command line; .ci/run installs it and requires it, another
    // machine without it skips.
    if std::process::Command::new("tshark")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("NETDEBUG_REQUIRE_TSHARK").is_none(),
            "NETDEBUG_REQUIRE_TSHARK is set but tshark cannot be run"
        );
        eprintln!("note: no tshark here (apt-get install tshark); Wireshark's reading not checked");
        return;
    }
    let server = addr("127.0.0.1:502");
    let device = addr("127.0.0.1:40000");
    let mut log = Log::default();
    log.notice(Notice::Listening(server), at(0));
    log.notice(Notice::PeerJoined(device), at(1));
    // Read two holding registers from unit 1, and the answer: 10 and 20.
    let request = [0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 2];
    let answer = [0, 1, 0, 0, 0, 7, 1, 3, 4, 0, 10, 0, 20];
    log.received(device, Bytes::copy_from_slice(&request), at(2));
    log.sent(
        device,
        Bytes::copy_from_slice(&answer),
        SentBy::Owner,
        at(3),
    );
    let wire = Wire {
        tcp: true,
        local: None,
    };
    let path = std::env::temp_dir().join(format!("netdebug-modbus-{}.pcap", std::process::id()));
    std::fs::write(&path, saved_capture(&log, wire, "modbus")).unwrap();
    let read = std::process::Command::new("tshark")
        .arg("-r")
        .arg(&path)
        .args([
            "-T",
            "fields",
            "-e",
            "modbus.func_code",
            "-e",
            "modbus.regval_uint16",
        ])
        .output()
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    let fields = String::from_utf8_lossy(&read.stdout);
    let rows: Vec<&str> = fields
        .lines()
        .filter(|row| !row.trim().is_empty())
        .collect();
    assert_eq!(rows, ["3\t", "3\t10,20"], "tshark read: {fields}");
}

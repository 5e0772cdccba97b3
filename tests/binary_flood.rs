//! Random binary into a TCP server session with save-to-file, taken in by the session's state
//! as the window takes it (every read decoded into the log): the file holds exactly what was
//! sent, and the counters count exactly that.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;

use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use netdebug::codec::TextEncoding;
use netdebug::net::{CaptureFormat, Endpoint, Engine, SessionConfig};
use netdebug::workspace::SessionState;

const TOTAL: usize = 20 << 20;

/// `len` random bytes, the same each run (xorshift64*).
fn random_bytes(len: usize) -> Vec<u8> {
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        bytes.extend_from_slice(&seed.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

#[test]
fn random_binary_is_saved_byte_exact_and_counted_exactly() {
    let runtime = common::runtime();
    let (engine, mut events) = Engine::new(runtime.handle().clone(), Arc::new(|_| {}));
    let mut session = engine.session();
    let mut state = SessionState::default();
    // GBK, where most random byte pairs are characters and the rest are not.
    state.log.set_encoding(TextEncoding::Gbk);
    state.opened(session.open(SessionConfig::TcpServer {
        local: Endpoint::new("127.0.0.1", 0),
        tls: None,
    }));
    let deadline = Instant::now() + common::WAIT;
    let local = loop {
        for event in events.drain() {
            state.apply(event);
        }
        if let Some(local) = state.connection.local_addr() {
            break local;
        }
        assert!(Instant::now() < deadline, "the server never listened");
        std::thread::sleep(Duration::from_millis(5));
    };
    let path = std::env::temp_dir().join(format!("netdebug-binary-{}.bin", std::process::id()));
    session.start_capture(&path, CaptureFormat::Raw).unwrap();

    let sent = random_bytes(TOTAL);
    let to_send = sent.clone();
    let sender = std::thread::spawn(move || {
        let mut stream = std::net::TcpStream::connect(local).unwrap();
        // Writes of uneven sizes, so reads end anywhere in a character.
        let mut at = 0;
        let mut size = 1;
        while at < to_send.len() {
            let end = (at + size).min(to_send.len());
            stream.write_all(&to_send[at..end]).unwrap();
            at = end;
            size = size * 7 % 65_521 + 1;
        }
    });

    // The window's loop: whatever arrived, applied in one go.
    let deadline = Instant::now() + Duration::from_mins(2);
    while state.traffic.rx.bytes < TOTAL as u64 {
        assert!(Instant::now() < deadline, "the flood stalled");
        for event in events.drain() {
            state.apply(event);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    sender.join().unwrap();
    let written = session.stop_capture().unwrap().wait().unwrap();
    let saved = std::fs::read(&path).unwrap();
    let _ = std::fs::remove_file(&path);

    assert_eq!(written, TOTAL as u64);
    assert!(saved == sent, "the saved file is not what was sent");
    assert_eq!(state.traffic.rx.bytes, TOTAL as u64);
    // Every byte the log kept is one that was sent, in order, ending with the last.
    let kept: Vec<u8> = state
        .log
        .store()
        .entries()
        .iter()
        .filter_map(|entry| match &entry.body {
            netdebug::log::LogBody::Data { bytes, .. } => Some(bytes.to_vec()),
            netdebug::log::LogBody::Notice(_) => None,
        })
        .flatten()
        .collect();
    assert!(!kept.is_empty() && sent.ends_with(&kept));
    session.close();
}

//! Benchmark 1: a burst of 100,000 datagrams of 56 B, sent from another socket as fast as it
//! can, into a UDP session whose events are drained and applied the way the window does it
//! (one drain per 16 ms frame). Prints sent, received by the engine, and the kernel's drops.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)] // measurement code: a panic is a failed run

mod support;

use std::time::{Duration, Instant};

use netdebug::log::{LogBody, Notice};
use netdebug::net::{Endpoint, SessionConfig};

const COUNT: u64 = 100_000;
const SIZE: usize = 56;

fn main() {
    let runtime = support::runtime();
    let (mut session, mut events) = support::session(&runtime);
    let (mut state, local) = support::open_and_wait(
        &mut session,
        &mut events,
        SessionConfig::Udp {
            local: Endpoint::new("127.0.0.1", 0),
            multicast: None,
        },
    );
    let receive_buffer = state
        .log
        .store()
        .entries()
        .iter()
        .find_map(|entry| match &entry.body {
            LogBody::Notice(Notice::Bound(_, size)) => Some(*size),
            _ => None,
        });

    let sender = std::thread::spawn(move || {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let mut datagram = [0u8; SIZE];
        let start = Instant::now();
        let mut sent = 0u64;
        while sent < COUNT {
            datagram[..8].copy_from_slice(&sent.to_be_bytes());
            match socket.send_to(&datagram, local) {
                Ok(_) => sent += 1,
                // ENOBUFS: the sender's own queue is full; try that datagram again.
                Err(e) if e.raw_os_error() == Some(105) => std::thread::yield_now(),
                Err(e) => panic!("send failed: {e}"),
            }
        }
        (sent, start.elapsed())
    });

    // The window's loop: drain everything once per frame and apply it.
    let start = Instant::now();
    let deadline = start + Duration::from_secs(30);
    let mut frames = 0u64;
    while state.traffic.rx.bytes < COUNT * SIZE as u64 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(16));
        for event in events.drain() {
            state.apply(event);
        }
        frames += 1;
    }
    let (sent, send_time) = sender.join().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    for event in events.drain() {
        state.apply(event);
    }
    let received = state.traffic.rx.bytes / SIZE as u64;
    let drops = support::udp_drops(local.port());

    println!("udp_burst: {}", support::machine());
    println!(
        "  receive buffer granted: {} KB",
        receive_buffer.unwrap_or(0) >> 10
    );
    println!(
        "  sent {sent} datagrams of {SIZE} B in {:.1} ms ({:.0} datagrams/s)",
        send_time.as_secs_f64() * 1e3,
        sent as f64 / send_time.as_secs_f64()
    );
    println!(
        "  received by the engine and shown: {received} ({} lost, {:.3} %) over {frames} frames",
        sent - received,
        (sent - received) as f64 * 100.0 / sent as f64
    );
    match drops {
        Some(drops) => println!("  kernel drop count for the socket: {drops}"),
        None => println!("  kernel drop count: unavailable (no /proc/net/udp)"),
    }
    println!(
        "  log: {} entries, {} dropped from view, {:.1} MB used",
        state.log.store().entries().len(),
        state.log.store().dropped(),
        state.log.store().used() as f64 / 1e6
    );
    session.close();
}

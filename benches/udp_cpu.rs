//! Benchmark 5: the release app under a display (Xvfb if none), in UDP mode, receiving 2,000
//! datagrams per second for 10 s. Prints the CPU seconds the app used meanwhile.
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

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

const RATE: u64 = 2_000;
const SECONDS: u64 = 10;

fn main() {
    println!("udp_cpu: {}", support::machine());
    let Some(display) = support::Display::get() else {
        return;
    };
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let port_text = port.to_string();
    let mut app = display.spawn_app(&[
        "--lang",
        "en",
        "--mode",
        "udp",
        "--address",
        "127.0.0.1",
        "--port",
        &port_text,
        "--open",
        "--print-first-frame",
    ]);
    let mut lines = BufReader::new(app.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "first-frame");
    std::thread::sleep(Duration::from_secs(2));
    let pid = app.id();
    let idle_start = support::cpu_time(pid).unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let idle = support::cpu_time(pid).unwrap().saturating_sub(idle_start);

    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let payload = b"sensor 0042 temperature=25.3 humidity=61% status=OK\r\n";
    let cpu_start = support::cpu_time(pid).unwrap();
    let start = Instant::now();
    for i in 0..RATE * SECONDS {
        // Paced against the clock, so the rate holds however long each send takes.
        let due = start + Duration::from_micros(i * 1_000_000 / RATE);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        socket.send_to(payload, ("127.0.0.1", port)).unwrap();
    }
    let sent_in = start.elapsed();
    std::thread::sleep(Duration::from_millis(200));
    let busy = support::cpu_time(pid).unwrap().saturating_sub(cpu_start);
    let rss = support::rss_bytes(pid).unwrap_or(0);
    let _ = app.kill();
    let _ = app.wait();

    println!(
        "  sent {} datagrams in {:.2} s; the app used {:.2} CPU-seconds (idle: {:.2} CPU-s over 2 s); RSS after {:.0} MB",
        RATE * SECONDS,
        sent_in.as_secs_f64(),
        busy.as_secs_f64(),
        idle.as_secs_f64(),
        rss as f64 / 1e6
    );
}

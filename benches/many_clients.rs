//! Benchmark 4: 10,000 TCP clients connect to a server session. Prints the time until the
//! engine has reported every one, and the server process's resident memory before and after.
//! The clients live in a child process (this same binary, re-run), so the file limit needs
//! room for only one end of each connection and the memory figure is the server's alone.
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

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use netdebug::net::{Endpoint, SessionConfig};

const CLIENTS: usize = 10_000;
const CHILD_ENV: &str = "NETDEBUG_BENCH_CONNECT_TO";

fn main() {
    if let Ok(addr) = std::env::var(CHILD_ENV) {
        run_clients(addr.parse().unwrap());
        return;
    }
    println!("many_clients: {}", support::machine());
    let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap();
    println!("  open file limit raised to {limit}");
    if limit < CLIENTS as u64 + 100 {
        println!("  skipped: the hard limit is too low for {CLIENTS} clients");
        return;
    }
    let runtime = support::runtime();
    let (mut session, mut events) = support::session(&runtime);
    let (mut state, addr) = support::open_and_wait(
        &mut session,
        &mut events,
        SessionConfig::TcpServer {
            local: Endpoint::new("127.0.0.1", 0),
            tls: None,
        },
    );
    let pid = std::process::id();
    let rss_before = support::rss_bytes(pid).unwrap_or(0);

    let start = Instant::now();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env(CHILD_ENV, addr.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    while state.clients.len() < CLIENTS {
        std::thread::sleep(Duration::from_millis(16));
        for event in events.drain() {
            state.apply(event);
        }
        assert!(
            start.elapsed() < Duration::from_mins(2),
            "only {} joined",
            state.clients.len()
        );
    }
    let accepted = start.elapsed();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "connected");
    std::thread::sleep(Duration::from_millis(500));
    let rss_after = support::rss_bytes(pid).unwrap_or(0);

    println!(
        "  {} clients accepted and listed in {:.2} s ({:.0} per second)",
        state.clients.len(),
        accepted.as_secs_f64(),
        CLIENTS as f64 / accepted.as_secs_f64()
    );
    println!(
        "  server resident memory: {:.1} MB before, {:.1} MB with every client connected (+{:.1} KB per client, log and client list included)",
        rss_before as f64 / 1e6,
        rss_after as f64 / 1e6,
        (rss_after.saturating_sub(rss_before)) as f64 / 1024.0 / CLIENTS as f64
    );
    drop(child.stdin.take());
    child.wait().unwrap();
    session.close();
}

/// The child: connects every client, says so, and holds them until its stdin closes.
fn run_clients(addr: std::net::SocketAddr) {
    rlimit::increase_nofile_limit(u64::MAX).unwrap();
    let runtime = support::runtime();
    let streams = runtime.block_on(async move {
        let mut streams = Vec::with_capacity(CLIENTS);
        // A few hundred connects in flight at a time, like a fleet of devices coming online.
        for _ in 0..CLIENTS / 250 {
            let connects: Vec<_> = (0..250)
                .map(|_| tokio::spawn(tokio::net::TcpStream::connect(addr)))
                .collect();
            for connect in connects {
                streams.push(connect.await.unwrap().unwrap());
            }
        }
        streams
    });
    println!("connected");
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    drop(streams);
}

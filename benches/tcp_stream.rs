//! Benchmark 2: 1 GB over loopback TCP into a server session with save-to-file on, beside a
//! bare tokio read loop measured in the same run. Prints MB/s for both. The file goes to RAM
//! (/dev/shm: NetDebug's own overhead) and to the disk under the system temp directory (what
//! the disk allows; save-to-file slows the sender rather than buffer without limit).
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

use std::io::Write;
use std::time::Instant;

use netdebug::net::{Endpoint, SessionConfig};
use tokio::io::AsyncReadExt;

const TOTAL: u64 = 1 << 30;
const CHUNK: usize = 256 * 1024;
const ROUNDS: usize = 7;

fn main() {
    let runtime = support::runtime();
    println!("tcp_stream: {}", support::machine());
    // Interleaved rounds, so both paths see the same machine; medians, since loopback
    // throughput on a shared machine varies from run to run.
    let ram = support::ram_dir();
    let disk = std::env::temp_dir();
    let mut bare = Vec::new();
    let mut bare_saving = Vec::new();
    let mut to_ram = Vec::new();
    let mut to_disk = Vec::new();
    for round in 1..=ROUNDS {
        bare.push(bare_loop(&runtime, None));
        bare_saving.push(bare_loop(&runtime, Some(&ram)));
        to_ram.push(through_engine(&runtime, &ram));
        to_disk.push(through_engine(&runtime, &disk));
        println!(
            "  round {round}: bare tokio read loop {:.0} MB/s, the same writing each read to {} {:.0} MB/s; engine + save-to-file in {} {:.0} MB/s, in {} {:.0} MB/s",
            bare[round - 1],
            ram.display(),
            bare_saving[round - 1],
            ram.display(),
            to_ram[round - 1],
            disk.display(),
            to_disk[round - 1]
        );
    }
    let (bare, _) = support::median_p99(&mut bare);
    let (bare_saving, _) = support::median_p99(&mut bare_saving);
    let (to_ram, _) = support::median_p99(&mut to_ram);
    let (to_disk, _) = support::median_p99(&mut to_disk);
    println!(
        "  median of {ROUNDS}: bare {bare:.0} MB/s; engine + save-to-file {to_ram:.0} MB/s into RAM = {:.0} % of bare, {to_disk:.0} MB/s onto disk = {:.0} % of bare",
        to_ram * 100.0 / bare,
        to_disk * 100.0 / bare
    );
    println!(
        "  a bare loop that also writes each read to a file in RAM: {bare_saving:.0} MB/s = {:.0} % of bare (the cost of the file copy alone); the engine is {:.0} % of it",
        bare_saving * 100.0 / bare,
        to_ram * 100.0 / bare_saving
    );
}

/// Sends `TOTAL` bytes to `addr` from a plain blocking socket on its own thread.
fn blast(addr: std::net::SocketAddr) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        support::send_total(&mut stream, TOTAL, CHUNK);
    })
}

/// A tokio task reading into one reused buffer, and with `save_in`, writing each read to a
/// file there as it goes (no queue, no thread: the simplest save-to-file).
fn bare_loop(runtime: &tokio::runtime::Runtime, save_in: Option<&std::path::Path>) -> f64 {
    let path = save_in.map(|dir| dir.join(format!("netdebug-bare-{}.bin", std::process::id())));
    let mut file = path
        .as_ref()
        .map(|path| std::fs::File::create(path).unwrap());
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let sender = blast(listener.local_addr().unwrap());
    // A task on the runtime, as the engine's sessions are (not the thread that blocks on it).
    let elapsed = runtime
        .block_on(runtime.spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut buffer = vec![0u8; 256 * 1024];
            let start = Instant::now();
            let mut got = 0u64;
            while got < TOTAL {
                let n = stream.read(&mut buffer).await.unwrap();
                if let Some(file) = &mut file {
                    file.write_all(&buffer[..n]).unwrap();
                }
                got += n as u64;
            }
            start.elapsed()
        }))
        .unwrap();
    sender.join().unwrap();
    if let Some(path) = path {
        std::fs::remove_file(path).unwrap();
    }
    TOTAL as f64 / 1e6 / elapsed.as_secs_f64()
}

fn through_engine(runtime: &tokio::runtime::Runtime, dir: &std::path::Path) -> f64 {
    let config = SessionConfig::TcpServer {
        local: Endpoint::new("127.0.0.1", 0),
        tls: None,
    };
    let path = dir.join(format!("netdebug-bench-{}.bin", std::process::id()));
    support::save_received(runtime, config, &path, TOTAL, blast)
}

//! TLS: 256 MiB over loopback from a rustls client into a TLS server session with
//! save-to-file on (into RAM), beside a bare tokio-rustls read loop measured in the same run.
//! Prints MB/s for both: what NetDebug's TLS path costs over decrypting alone.
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

use netdebug::net::{Endpoint, ServerTls, SessionConfig};
use rustls::pki_types::ServerName;
use support::tls::{Made, certificate, client_config_trusting, pem_files, server_config};
use tokio::io::AsyncReadExt;

const TOTAL: u64 = 256 << 20;
const CHUNK: usize = 256 * 1024;
const ROUNDS: usize = 5;

fn main() {
    let runtime = support::runtime();
    println!("tls_stream: {}", support::machine());
    let made = certificate();
    // Written once: each round's server reads the same files.
    let (files, certificate, key) = pem_files("tls-bench", &made, &made);
    let server_tls = ServerTls::Files { certificate, key };
    let dir = support::ram_dir();
    let mut bare = Vec::new();
    let mut engine = Vec::new();
    for round in 1..=ROUNDS {
        bare.push(bare_loop(&runtime, &made));
        engine.push(through_engine(&runtime, &made, &server_tls, &dir));
        println!(
            "  round {round}: bare tokio-rustls read loop {:.0} MB/s; engine TLS server + save-to-file in {} {:.0} MB/s",
            bare[round - 1],
            dir.display(),
            engine[round - 1]
        );
    }
    std::fs::remove_dir_all(files).unwrap();
    let (bare, _) = support::median_p99(&mut bare);
    let (engine, _) = support::median_p99(&mut engine);
    println!(
        "  median of {ROUNDS}: bare {bare:.0} MB/s; engine + save-to-file {engine:.0} MB/s = {:.0} % of bare",
        engine * 100.0 / bare
    );
}

/// Sends `TOTAL` bytes over TLS to `addr` from a blocking rustls client on its own thread,
/// trusting exactly `made`'s certificate.
fn blast(addr: std::net::SocketAddr, made: &Made) -> std::thread::JoinHandle<()> {
    let config = client_config_trusting(made.cert.der());
    std::thread::spawn(move || {
        let name = ServerName::try_from("localhost").unwrap();
        let connection = rustls::ClientConnection::new(config, name).unwrap();
        let tcp = std::net::TcpStream::connect(addr).unwrap();
        let mut stream = rustls::StreamOwned::new(connection, tcp);
        support::send_total(&mut stream, TOTAL, CHUNK);
        stream.flush().unwrap();
        // The server's session tickets arrive unread: closing now would reset the connection
        // under data not yet read. Read (and drop) until the server closes instead.
        let _ = std::io::copy(&mut stream.sock, &mut std::io::sink());
    })
}

/// A tokio task accepting one TLS client and reading into one reused buffer.
fn bare_loop(runtime: &tokio::runtime::Runtime, made: &Made) -> f64 {
    let acceptor = tokio_rustls::TlsAcceptor::from(server_config(made));
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let sender = blast(listener.local_addr().unwrap(), made);
    let elapsed = runtime
        .block_on(runtime.spawn(async move {
            let start = Instant::now();
            let (tcp, _) = listener.accept().await.unwrap();
            let mut stream = acceptor.accept(tcp).await.unwrap();
            let mut buffer = vec![0u8; 16 * 1024];
            let mut got = 0u64;
            while got < TOTAL {
                got += stream.read(&mut buffer).await.unwrap() as u64;
            }
            start.elapsed()
        }))
        .unwrap();
    sender.join().unwrap();
    TOTAL as f64 / 1e6 / elapsed.as_secs_f64()
}

fn through_engine(
    runtime: &tokio::runtime::Runtime,
    made: &Made,
    tls: &ServerTls,
    dir: &std::path::Path,
) -> f64 {
    let config = SessionConfig::TcpServer {
        local: Endpoint::new("127.0.0.1", 0),
        tls: Some(tls.clone()),
    };
    let path = dir.join(format!("netdebug-tls-bench-{}.bin", std::process::id()));
    support::save_received(runtime, config, &path, TOTAL, |addr| blast(addr, made))
}

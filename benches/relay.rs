//! The TCP relay beside a bare `tokio::io::copy_bidirectional` relay in the same run, over
//! loopback: (1) 512 MiB of random binary from a client through the relay to an upstream
//! that reads it, with the log on (the window's drain, text decoded), save-to-file off and
//! then on; (2) the time a 16-byte request and its answer take through each relay beside a
//! direct connection, over 10,000 round trips (p50, p99, and what the relay adds); (3) 1,000
//! pairs at once: time until each has passed a byte both ways, and the memory they take; (4)
//! 128 MiB through an impaired relay: re-cut into 1460-byte writes, and limited to 50 MB/s;
//! (5) 100,000 random 56-byte datagrams through the UDP relay beside a bare tokio loop
//! relaying them, as fast as a socket sends them and paced: how many reach the upstream, and
//! how many the log counts.
//! Figures, not asserts.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss
)] // measurement code: a panic is a failed run

mod support;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use netdebug::controller::{DRAIN_BUDGET, measuring_deadline};
use netdebug::net::{
    CaptureFormat, Endpoint, EventReceiver, Impairment, Impairments, Session, SessionConfig,
};
use netdebug::workspace::{Mode, SessionState};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

/// Bytes sent through each relay for its throughput.
const TOTAL: usize = 512 << 20;
/// Round trips timed for the latency.
const ROUND_TRIPS: usize = 10_000;
/// Pairs set up at once.
const PAIRS: usize = 1_000;

fn main() {
    rlimit::increase_nofile_limit(u64::MAX).unwrap();
    let runtime = support::runtime();
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|arg| arg == "--pairs-of") {
        pairs_of(&runtime, &args[at + 1]);
        return;
    }
    let only = args.iter().skip(1).find(|arg| !arg.starts_with('-'));
    let runs = |name: &str| {
        only.as_ref()
            .is_none_or(|only| name.contains(only.as_str()))
    };
    println!("relay: {}", support::machine());
    if runs("throughput") {
        throughput(&runtime);
    }
    if runs("latency") {
        latency(&runtime);
    }
    if runs("pairs") {
        pairs();
    }
    if runs("impaired") {
        impaired(&runtime);
    }
    if runs("udp") {
        udp_burst(&runtime);
    }
}

/// An upstream that reads everything each connection sends and counts it; its address.
async fn sink() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let mut buffer = vec![0; 256 << 10];
                let mut total = 0_u64;
                loop {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => total += n as u64,
                    }
                }
                // Tells the sender all arrived.
                let _ = stream.write_all(&total.to_le_bytes()).await;
            });
        }
    });
    addr
}

/// An upstream that echoes what each connection sends; its address.
async fn echo() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            stream.set_nodelay(true).unwrap();
            tokio::spawn(async move {
                let (mut read, mut write) = stream.into_split();
                let _ = tokio::io::copy(&mut read, &mut write).await;
            });
        }
    });
    addr
}

/// The bare reference: a relay that is `copy_bidirectional` per client; its address.
async fn bare_relay(upstream: SocketAddr) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (mut client, _) = listener.accept().await.unwrap();
            client.set_nodelay(true).unwrap();
            tokio::spawn(async move {
                let mut server = TcpStream::connect(upstream).await.unwrap();
                server.set_nodelay(true).unwrap();
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            });
        }
    });
    addr
}

/// NetDebug's relay to `upstream` in the window's state; the session, its events, the state
/// and the address it listens on.
fn netdebug_relay(
    runtime: &Runtime,
    upstream: SocketAddr,
) -> (Session, EventReceiver, SessionState, SocketAddr) {
    let (mut session, mut events) = support::session(runtime);
    let config = SessionConfig::TcpRelay {
        local: Endpoint::new("127.0.0.1", 0),
        upstream: Endpoint::new("127.0.0.1", upstream.port()),
        timeout: Duration::from_secs(5),
        tls: None,
    };
    let (mut state, local) = support::open_and_wait(&mut session, &mut events, config);
    // As the window's state of a relay is (the log marks relayed data once it comes).
    state.mode = Mode::TcpRelay;
    (session, events, state, local)
}

/// The window's loop until `done`: each frame drains what waits for up to the drain budget
/// into the log and measures its rows, as the controller does; at most one frame per 4 ms
/// while nothing waits.
fn window_until(events: &mut EventReceiver, state: &mut SessionState, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_mins(3), "stalled");
        let frame = Instant::now();
        state.start_drain();
        for event in events.drain_until(frame + DRAIN_BUDGET) {
            state.apply(event);
        }
        let busy = state.finish_drain(measuring_deadline(frame + DRAIN_BUDGET));
        if !busy && !events.has_waiting() {
            std::thread::sleep(Duration::from_millis(4));
        }
    }
}

/// Sends [`TOTAL`] random bytes to `relay` and waits until the upstream counted them all;
/// the rate in MB/s.
async fn send_through(relay: SocketAddr, data: &[u8]) -> f64 {
    send_total(relay, data, TOTAL).await
}

/// Sends `total` bytes (`data` over and over) to `relay` and waits until the upstream
/// counted them all; the rate in MB/s.
async fn send_total(relay: SocketAddr, data: &[u8], total: usize) -> f64 {
    let mut stream = TcpStream::connect(relay).await.unwrap();
    let start = Instant::now();
    let mut sent = 0;
    while sent < total {
        stream.write_all(data).await.unwrap();
        sent += data.len();
    }
    stream.shutdown().await.unwrap();
    let mut counted = [0; 8];
    stream.read_exact(&mut counted).await.unwrap();
    assert_eq!(u64::from_le_bytes(counted), total as u64);
    total as f64 / 1e6 / start.elapsed().as_secs_f64()
}

/// Bytes sent through each impaired relay.
const IMPAIRED_TOTAL: usize = 128 << 20;
/// The bandwidth limit the impaired run sets, in bytes a second.
const LIMIT: u32 = 50_000_000;

/// What impairments cost where they should cost nothing but their effect: a stream re-cut
/// into writes of an Ethernet frame's payload (every write copied together from the reads)
/// beside the bare relay, and a bandwidth limit beside the limit it was set to.
fn impaired(runtime: &Runtime) {
    let data = support::random_bytes(1 << 20);
    let upstream = runtime.block_on(sink());
    let bare = runtime.block_on(bare_relay(upstream));
    println!(
        "impaired: {} MiB of random binary, one way, log on",
        IMPAIRED_TOTAL >> 20
    );
    let sending = runtime.spawn({
        let data = data.clone();
        async move { send_total(bare, &data, IMPAIRED_TOTAL).await }
    });
    let bare_rate = runtime.block_on(sending).unwrap();
    let recut = Impairment {
        write_size: 1460,
        ..Impairment::default()
    };
    let limited = Impairment {
        rate_bytes_per_s: LIMIT,
        ..Impairment::default()
    };
    for (name, impairment) in [
        ("re-cut into 1460-byte writes", recut),
        ("limited to 50 MB/s", limited),
    ] {
        let (session, mut events, mut state, relay) = netdebug_relay(runtime, upstream);
        session.set_impairments(Impairments {
            to_upstream: impairment,
            ..Impairments::default()
        });
        let sending = runtime.spawn({
            let data = data.clone();
            async move { send_total(relay, &data, IMPAIRED_TOTAL).await }
        });
        window_until(&mut events, &mut state, || sending.is_finished());
        let rate = runtime.block_on(sending).unwrap();
        let against = if impairment.rate_bytes_per_s > 0 {
            format!("{:.3}x the limit", rate * 1e6 / f64::from(LIMIT))
        } else {
            format!(
                "{:.2}x bare copy_bidirectional ({bare_rate:.0} MB/s)",
                rate / bare_rate
            )
        };
        println!("  {name}: {rate:.1} MB/s = {against}");
    }
}

fn throughput(runtime: &Runtime) {
    let data = support::random_bytes(1 << 20);
    let upstream = runtime.block_on(sink());
    let bare = runtime.block_on(bare_relay(upstream));
    println!("throughput: {} MiB of random binary, one way", TOTAL >> 20);
    for round in 1..=3 {
        // On the runtime's workers, as the sends through NetDebug are.
        let sending = runtime.spawn({
            let data = data.clone();
            async move { send_through(bare, &data).await }
        });
        let bare_rate = runtime.block_on(sending).unwrap();
        let mut rates = Vec::new();
        for save in [false, true] {
            let (mut session, mut events, mut state, relay) = netdebug_relay(runtime, upstream);
            let saved = support::ram_dir().join(format!("netdebug-relay-{}", std::process::id()));
            if save {
                session.start_capture(&saved, CaptureFormat::Raw).unwrap();
            }
            let sending = runtime.spawn({
                let data = data.clone();
                async move { send_through(relay, &data).await }
            });
            window_until(&mut events, &mut state, || sending.is_finished());
            rates.push(runtime.block_on(sending).unwrap());
            if save {
                let written = session.stop_capture().map(|writer| writer.wait().unwrap());
                assert_eq!(written, Some(TOTAL as u64));
                std::fs::remove_file(&saved).unwrap();
            }
            drop(session);
        }
        println!(
            "  round {round}: bare copy_bidirectional {bare_rate:.0} MB/s; NetDebug, log on: {:.0} MB/s = {:.2}x, with save-to-file {:.0} MB/s = {:.2}x",
            rates[0],
            rates[0] / bare_rate,
            rates[1],
            rates[1] / bare_rate
        );
    }
}

/// Times [`ROUND_TRIPS`] 16-byte requests and their echoes through `to`, in µs.
async fn round_trips(to: SocketAddr) -> Vec<f64> {
    let mut stream = TcpStream::connect(to).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let request = [0x5A_u8; 16];
    let mut answer = [0; 16];
    // Connected through, and warm.
    for _ in 0..100 {
        stream.write_all(&request).await.unwrap();
        stream.read_exact(&mut answer).await.unwrap();
    }
    let mut times = Vec::with_capacity(ROUND_TRIPS);
    for _ in 0..ROUND_TRIPS {
        let start = Instant::now();
        stream.write_all(&request).await.unwrap();
        stream.read_exact(&mut answer).await.unwrap();
        times.push(start.elapsed().as_secs_f64() * 1e6);
    }
    times
}

fn latency(runtime: &Runtime) {
    let upstream = runtime.block_on(echo());
    let bare = runtime.block_on(bare_relay(upstream));
    let (_session, mut events, mut state, relay) = netdebug_relay(runtime, upstream);
    println!("latency: {ROUND_TRIPS} round trips of 16 bytes, echoed by the upstream");
    // Each on the runtime's workers, as the one through NetDebug is.
    let mut direct = runtime
        .block_on(runtime.spawn(round_trips(upstream)))
        .unwrap();
    let mut through_bare = runtime.block_on(runtime.spawn(round_trips(bare))).unwrap();
    let timing = runtime.spawn(round_trips(relay));
    window_until(&mut events, &mut state, || timing.is_finished());
    let mut through_netdebug = runtime.block_on(timing).unwrap();
    let (direct_p50, direct_p99) = support::median_p99(&mut direct);
    let (bare_p50, bare_p99) = support::median_p99(&mut through_bare);
    let (p50, p99) = support::median_p99(&mut through_netdebug);
    println!(
        "  direct p50 {direct_p50:.1} µs, p99 {direct_p99:.1} µs; bare relay p50 {bare_p50:.1}, p99 {bare_p99:.1} µs; NetDebug (log on) p50 {p50:.1}, p99 {p99:.1} µs: adds {:.1} µs at p50, {:.1} µs at p99 over direct",
        p50 - direct_p50,
        p99 - direct_p99
    );
}

/// Opens [`PAIRS`] connections to `to` at once and passes a byte each way through each;
/// how long that took, with the connections (to keep them open).
async fn open_pairs(to: SocketAddr) -> (Duration, Vec<TcpStream>) {
    let start = Instant::now();
    let opening = (0..PAIRS).map(|_| {
        tokio::spawn(async move {
            let mut stream = TcpStream::connect(to).await.unwrap();
            stream.write_all(b"x").await.unwrap();
            let mut answer = [0; 1];
            stream.read_exact(&mut answer).await.unwrap();
            stream
        })
    });
    let mut streams = Vec::with_capacity(PAIRS);
    for opened in opening.collect::<Vec<_>>() {
        streams.push(opened.await.unwrap());
    }
    (start.elapsed(), streams)
}

fn pairs() {
    // Each relay in a process of its own, so that neither finds memory the other freed.
    println!("pairs: {PAIRS} at once, a byte each way through each");
    for which in ["bare", "netdebug"] {
        let child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--pairs-of", which])
            .output()
            .unwrap();
        print!("{}", String::from_utf8_lossy(&child.stdout));
    }
}

/// The pairs of one relay (`--pairs-of bare|netdebug`), in this process.
fn pairs_of(runtime: &Runtime, which: &str) {
    let upstream = runtime.block_on(echo());
    let rss = || support::rss_bytes(std::process::id()).unwrap_or(0) as f64 / 1e6;
    if which == "bare" {
        let relay = runtime.block_on(bare_relay(upstream));
        let before = rss();
        let (took, streams) = runtime.block_on(runtime.spawn(open_pairs(relay))).unwrap();
        println!(
            "  bare copy_bidirectional relay: {:.0} ms, {:.1} MB more memory (this process: the test's sockets and the upstream's too)",
            took.as_secs_f64() * 1e3,
            rss() - before
        );
        drop(streams);
        return;
    }
    let (_session, mut events, mut state, relay) = netdebug_relay(runtime, upstream);
    let before = rss();
    let opening = runtime.spawn(open_pairs(relay));
    window_until(&mut events, &mut state, || opening.is_finished());
    let (took, streams) = runtime.block_on(opening).unwrap();
    // The window takes every pair's events.
    while events.has_waiting() {
        state.start_drain();
        for event in events.drain() {
            state.apply(event);
        }
        state.finish_drain(measuring_deadline(Instant::now() + DRAIN_BUDGET));
    }
    println!(
        "  NetDebug relay, log on: {:.0} ms, {:.1} MB more memory (the same), {} clients listed",
        took.as_secs_f64() * 1e3,
        rss() - before,
        state.clients.len()
    );
    drop(streams);
}

/// Datagrams in the UDP burst.
const BURST: u64 = 100_000;
/// Bytes in each.
const DATAGRAM: usize = 56;

/// A UDP socket on loopback with a receive buffer as large as the system grants (as the
/// UDP session's), so that the upstream itself drops nothing.
fn roomy_udp_socket() -> std::net::UdpSocket {
    let socket = socket2::Socket::new(
        socket2::Domain::IPV4,
        socket2::Type::DGRAM,
        Some(socket2::Protocol::UDP),
    )
    .unwrap();
    let _ = socket.set_recv_buffer_size(8 << 20);
    socket
        .bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .unwrap();
    socket.into()
}

/// Sends [`BURST`] random datagrams to `to`, `rate` a second or as fast as one socket can;
/// how long it took.
fn send_burst(to: SocketAddr, rate: Option<u64>) -> Duration {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let payload = support::random_bytes(DATAGRAM * 64);
    let start = Instant::now();
    let mut sent = 0_u64;
    while sent < BURST {
        if let Some(rate) = rate {
            let due = start + Duration::from_micros(sent * 1_000_000 / rate);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
        let at = (sent as usize % 64) * DATAGRAM;
        let mut datagram = payload[at..at + DATAGRAM].to_vec();
        datagram[..8].copy_from_slice(&sent.to_be_bytes());
        match socket.send_to(&datagram, to) {
            Ok(_) => sent += 1,
            // ENOBUFS: the sender's own queue is full; that datagram again.
            Err(error) if error.raw_os_error() == Some(105) => std::thread::yield_now(),
            Err(error) => panic!("send failed: {error}"),
        }
    }
    start.elapsed()
}

/// Where the kernel dropped datagrams: at the relay's socket and at the upstream's.
fn drops_at(relay: SocketAddr, upstream: SocketAddr) -> String {
    let at = |addr: SocketAddr| {
        support::udp_drops(addr.port()).map_or_else(|| "?".to_owned(), |n| n.to_string())
    };
    format!(
        "kernel drops: relay {}, upstream {}",
        at(relay),
        at(upstream)
    )
}

/// Counts the datagrams that reach `upstream` until none came for half a second.
fn count_arrivals(upstream: &std::net::UdpSocket) -> u64 {
    upstream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut buffer = [0; 2048];
    let mut count = 0;
    while upstream.recv(&mut buffer).is_ok() {
        count += 1;
    }
    count
}

/// A bare relay: a tokio loop that receives each datagram and sends it on to `upstream`
/// from a socket connected to it; its address.
async fn bare_udp_relay(upstream: SocketAddr) -> SocketAddr {
    let listening = tokio::net::UdpSocket::from_std({
        let socket = roomy_udp_socket();
        socket.set_nonblocking(true).unwrap();
        socket
    })
    .unwrap();
    let addr = listening.local_addr().unwrap();
    let onward = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    onward.connect(upstream).await.unwrap();
    tokio::spawn(async move {
        let mut buffer = vec![0; 65_536];
        loop {
            let Ok((len, _)) = listening.recv_from(&mut buffer).await else {
                return;
            };
            let _ = onward.send(&buffer[..len]).await;
        }
    });
    addr
}

fn udp_burst(runtime: &Runtime) {
    println!("udp: {BURST} random datagrams of {DATAGRAM} B through each relay");
    for rate in [None, Some(150_000), Some(100_000), Some(50_000)] {
        let upstream = roomy_udp_socket();
        let upstream_addr = upstream.local_addr().unwrap();
        let bare = runtime.block_on(bare_udp_relay(upstream_addr));
        let sending = std::thread::spawn(move || send_burst(bare, rate));
        let bare_arrived = count_arrivals(&upstream);
        let bare_took = sending.join().unwrap();
        let bare_drops = drops_at(bare, upstream_addr);

        let upstream = roomy_udp_socket();
        let upstream_addr = upstream.local_addr().unwrap();
        let (mut session, mut events) = support::session(runtime);
        let config = SessionConfig::UdpRelay {
            local: Endpoint::new("127.0.0.1", 0),
            upstream: Endpoint::new("127.0.0.1", upstream_addr.port()),
            idle: Duration::from_mins(1),
        };
        let (mut state, relay) = support::open_and_wait(&mut session, &mut events, config);
        state.mode = Mode::UdpRelay;
        let sending = std::thread::spawn(move || send_burst(relay, rate));
        let counting = std::thread::spawn(move || {
            let arrived = count_arrivals(&upstream);
            (arrived, drops_at(relay, upstream_addr))
        });
        let frames = Instant::now();
        window_until(&mut events, &mut state, || counting.is_finished());
        let window_took = frames.elapsed();
        let (arrived, drops) = counting.join().unwrap();
        let took = sending.join().unwrap();
        // What is still on its way to the window, then what the log counted.
        std::thread::sleep(Duration::from_millis(200));
        for event in events.drain() {
            state.apply(event);
        }
        let shown = state.traffic.rx.bytes / DATAGRAM as u64;
        println!(
            "  {}: bare loop {bare_arrived} arrived ({:.0}/s sent, {bare_drops}); NetDebug {arrived} arrived = {:.3}x bare ({:.0}/s sent, {drops}), {shown} counted in the log, window busy {:.1} s",
            rate.map_or_else(
                || "as fast as it goes".to_owned(),
                |rate| format!("{rate}/s")
            ),
            BURST as f64 / bare_took.as_secs_f64(),
            arrived as f64 / bare_arrived.max(1) as f64,
            BURST as f64 / took.as_secs_f64(),
            window_took.as_secs_f64()
        );
        drop(session);
    }
}

//! A relay's impairments over real loopback sockets: a TCP stream delayed, re-cut, held to a
//! bandwidth limit and cut off; UDP datagrams held to a bandwidth limit. Times are asserted
//! as "at least", never as a tight bound.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::relay::{open_relay, open_udp_relay, upstream_server};
use common::session;
use netdebug::net::{
    CloseReason, EventKind, EventReceiver, Fate, Impairment, Impairments, Session, Way,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A TCP relay impaired by `impairments` and one client through it: the session (to keep it
/// open), its events, the client's stream and the upstream's.
async fn impaired_pair(impairments: Impairments) -> (Session, EventReceiver, TcpStream, TcpStream) {
    let (mut session, mut events) = session();
    let (upstream, upstream_addr) = upstream_server().await;
    let relay = open_relay(&mut session, &mut events, upstream_addr).await;
    session.set_impairments(impairments);
    let client = TcpStream::connect(relay).await.unwrap();
    let (server, _) = upstream.accept().await.unwrap();
    (session, events, client, server)
}

/// What goes to the upstream impaired as `impairment` says.
fn upward(impairment: Impairment) -> Impairments {
    Impairments {
        to_upstream: impairment,
        ..Impairments::default()
    }
}

/// Each read of `stream` and when it came, until `len` bytes came (within the test's wait).
async fn timed_reads(stream: &mut TcpStream, len: usize) -> Vec<(Instant, Vec<u8>)> {
    let mut reads = Vec::new();
    let mut total = 0;
    let mut buffer = [0; 4096];
    while total < len {
        let read = tokio::time::timeout(common::WAIT, stream.read(&mut buffer))
            .await
            .expect("more bytes in time")
            .unwrap();
        assert!(read > 0, "the stream ended after {total} of {len} bytes");
        total += read;
        reads.push((Instant::now(), buffer[..read].to_vec()));
    }
    reads
}

/// What the reads read, joined.
fn joined(reads: &[(Instant, Vec<u8>)]) -> Vec<u8> {
    reads.iter().flat_map(|(_, bytes)| bytes.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delay_with_jitter_holds_each_read_and_keeps_the_order() {
    let impairments = Impairments {
        to_upstream: Impairment {
            delay_ms: 60,
            jitter_ms: 40,
            ..Impairment::default()
        },
        seed: 3,
        ..Impairments::default()
    };
    let (_session, _events, mut client, mut server) = impaired_pair(impairments).await;
    let mut sent = Vec::new();
    let began = Instant::now();
    for n in 0..20_u8 {
        let message = [b'a' + n; 3];
        client.write_all(&message).await.unwrap();
        sent.extend_from_slice(&message);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let reads = timed_reads(&mut server, sent.len()).await;
    // Jitter never reorders a stream.
    assert_eq!(joined(&reads), sent);
    let first = reads[0].0 - began;
    assert!(first >= Duration::from_millis(60), "first after {first:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn re_cutting_splits_a_message_into_writes_of_the_size_with_gaps_between() {
    let (_session, _events, mut client, mut server) = impaired_pair(upward(Impairment {
        write_size: 4,
        write_gap_ms: 150,
        ..Impairment::default()
    }))
    .await;
    client.write_all(b"0123456789").await.unwrap();
    let reads = timed_reads(&mut server, 10).await;
    assert_eq!(joined(&reads), b"0123456789");
    // Three writes (4, 4, 2) far enough apart that the peer reads each on its own.
    let sizes: Vec<usize> = reads.iter().map(|(_, bytes)| bytes.len()).collect();
    assert_eq!(sizes, [4, 4, 2]);
    let spread = reads[2].0 - reads[0].0;
    assert!(spread >= Duration::from_millis(290), "over {spread:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn re_cutting_joins_what_came_during_a_gap_into_one_write() {
    let (_session, _events, mut client, mut server) = impaired_pair(upward(Impairment {
        write_size: 64,
        write_gap_ms: 400,
        ..Impairment::default()
    }))
    .await;
    for part in [b"ab", b"cd", b"ef"] {
        client.write_all(part).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let reads = timed_reads(&mut server, 6).await;
    // Three sends, two writes: what came while the gap held the line went as one (粘包).
    assert_eq!(joined(&reads), b"abcdef");
    assert_eq!(reads.len(), 2, "{reads:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bandwidth_limit_spreads_the_stream_out() {
    let (_session, _events, mut client, mut server) = impaired_pair(upward(Impairment {
        rate_bytes_per_s: 2000,
        ..Impairment::default()
    }))
    .await;
    let sent: Vec<u8> = (0..1000_u32).map(|n| n.to_le_bytes()[0]).collect();
    let began = Instant::now();
    client.write_all(&sent).await.unwrap();
    let reads = timed_reads(&mut server, sent.len()).await;
    assert_eq!(joined(&reads), sent);
    // A twentieth of a second's worth at a time: the tenth write goes 450 ms after the first.
    let took = reads.last().unwrap().0 - began;
    assert!(
        took >= Duration::from_millis(420),
        "1000 B at 2000 B/s in {took:?}"
    );
    assert!(reads.iter().all(|(_, bytes)| bytes.len() <= 100 * 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cutting_after_n_bytes_resets_both_sides_and_says_why() {
    let (session, events, mut client, mut server) = impaired_pair(Impairments::default()).await;
    // Changed while the pair runs.
    session.set_impairments(upward(Impairment {
        cut_after: 100,
        ..Impairment::default()
    }));
    let ended = watch_ends(events);
    let sent: Vec<u8> = (0..150_u8).collect();
    client.write_all(&sent).await.unwrap();
    let mut got = Vec::new();
    let end = tokio::time::timeout(common::WAIT, server.read_to_end(&mut got))
        .await
        .expect("the upstream's connection ends in time");
    assert_eq!(got, sent[..100], "exactly the first 100 bytes");
    let reset = std::io::ErrorKind::ConnectionReset;
    assert_eq!(end.map_err(|error| error.kind()).err(), Some(reset));
    let mut after_cut = Vec::new();
    let client_end = tokio::time::timeout(common::WAIT, client.read_to_end(&mut after_cut))
        .await
        .expect("the client's connection ends in time");
    assert_eq!(client_end.map_err(|error| error.kind()).err(), Some(reset));
    for _ in 0..500 {
        if let Some(reason) = ended.lock().unwrap().first() {
            assert!(
                matches!(
                    reason,
                    CloseReason::Cut {
                        way: Way::ToUpstream,
                        after: 100
                    }
                ),
                "{reason:?}"
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the pair's end was not reported");
}

/// Why each pair ended, as reported, gathered on a task.
fn watch_ends(mut events: EventReceiver) -> Arc<Mutex<Vec<CloseReason>>> {
    let ends = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&ends);
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            if let EventKind::PeerLeft { reason, .. } = event.kind {
                kept.lock().unwrap().push(reason);
            }
        }
    });
    ends
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_udp_bandwidth_limit_spaces_datagrams_and_drops_what_would_wait_too_long() {
    const COUNT: u8 = 30;
    let (mut session, mut events) = session();
    session.set_impairments(upward(Impairment {
        rate_bytes_per_s: 1000,
        ..Impairment::default()
    }));
    let upstream = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let upstream_addr = upstream.local_addr().unwrap();
    let relay = open_udp_relay(&mut session, &mut events, upstream_addr, common::WAIT).await;
    let fates = watch_fates(events);
    let source = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let began = Instant::now();
    for n in 0..COUNT {
        source.send_to(&[n; 100], relay).await.unwrap();
    }
    let got = datagrams_until_quiet(&upstream, Duration::from_millis(600)).await;
    let firsts: Vec<u8> = got.iter().map(|(_, datagram)| datagram[0]).collect();
    // 100 B at 1000 B/s: one every 100 ms, and a full second's queue at most.
    assert!(
        (5..COUNT).contains(&u8::try_from(got.len()).unwrap()),
        "{firsts:?}"
    );
    assert!(
        firsts.windows(2).all(|pair| pair[0] < pair[1]),
        "{firsts:?}"
    );
    let last = got.last().unwrap().0 - began;
    let carried = Duration::from_millis(100) * u32::try_from(got.len() - 1).unwrap();
    assert!(last + Duration::from_millis(30) >= carried, "{last:?}");
    // The reports say which ones the full queue dropped: exactly those that did not come.
    let fates = fates.lock().unwrap().clone();
    assert_eq!(fates.len(), usize::from(COUNT));
    let passed: Vec<u8> = fates
        .iter()
        .filter(|(_, fate)| !fate.dropped)
        .map(|(first, _)| *first)
        .collect();
    assert_eq!(passed, firsts);
    assert!(
        fates
            .iter()
            .filter(|(_, fate)| fate.dropped)
            .all(|(_, fate)| fate.dropped_by_queue())
    );
}

/// The first byte and fate of each relayed datagram as reported, gathered on a task.
fn watch_fates(mut events: EventReceiver) -> Arc<Mutex<Vec<(u8, Fate)>>> {
    let fates = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&fates);
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            if let EventKind::Relayed {
                bytes,
                impaired: Some(fate),
                ..
            } = event.kind
            {
                kept.lock().unwrap().push((bytes[0], fate));
            }
        }
    });
    fates
}

/// Each datagram that comes to `socket` and when, until none came for `quiet`.
async fn datagrams_until_quiet(
    socket: &tokio::net::UdpSocket,
    quiet: Duration,
) -> Vec<(Instant, Vec<u8>)> {
    let mut got = Vec::new();
    let mut buffer = [0; 2048];
    while let Ok(Ok((len, _))) = tokio::time::timeout(quiet, socket.recv_from(&mut buffer)).await {
        got.push((Instant::now(), buffer[..len].to_vec()));
    }
    got
}

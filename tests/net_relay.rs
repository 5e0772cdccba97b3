//! TCP relay mode over real loopback sockets: clients of the test connect to the relay, which
//! connects each to a server of the test.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;

use common::tls::{certificate, server_config};

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::relay::{open_relay, open_relay_with, open_udp_relay, upstream_server};
use common::{session, wait_for};
use netdebug::net::{
    Chance, ClientTls, CloseReason, Endpoint, EventKind, EventReceiver, Fate, Impairment,
    Impairments, NetError, SendTarget, Session, SessionConfig, Way,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the relay reported, gathered on a task of its own so that its backlog never fills.
#[derive(Default)]
struct Seen {
    bytes: HashMap<(SocketAddr, Way), Vec<u8>>,
    notices: Vec<String>,
}

fn watch(mut events: EventReceiver) -> Arc<Mutex<Seen>> {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let kept = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            let mut seen = kept.lock().unwrap();
            match event.kind {
                EventKind::Relayed {
                    client, way, bytes, ..
                } => seen
                    .bytes
                    .entry((client, way))
                    .or_default()
                    .extend_from_slice(&bytes),
                other => seen.notices.push(format!("{other:?}")),
            }
        }
    });
    seen
}

/// Waits (a bounded time) until `done` holds for what was seen.
async fn until_seen(seen: &Arc<Mutex<Seen>>, what: &str, done: impl Fn(&Seen) -> bool) {
    for _ in 0..1000 {
        if done(&seen.lock().unwrap()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "timed out waiting for {what}: {:?}",
        seen.lock().unwrap().notices
    );
}

/// Writes `sends` and ends the sending while reading until the other side ends; what it read.
async fn exchange(stream: TcpStream, sends: Vec<u8>) -> Vec<u8> {
    let (mut read, mut write) = stream.into_split();
    let writing = tokio::spawn(async move {
        write.write_all(&sends).await.unwrap();
        write.shutdown().await.unwrap();
    });
    let mut got = Vec::new();
    read.read_to_end(&mut got).await.unwrap();
    writing.await.unwrap();
    got
}

/// `len` bytes that look random, the same for the same `seed`.
fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_megabytes_each_way_at_once_arrive_exactly_and_are_reported() {
    const LEN: usize = 10 << 20;
    let (mut session, mut events) = session();
    let (upstream, upstream_addr) = upstream_server().await;
    let relay = open_relay(&mut session, &mut events, upstream_addr).await;
    let seen = watch(events);
    let up_bytes = random_bytes(LEN, 1);
    let down_bytes = random_bytes(LEN, 2);

    let client = TcpStream::connect(relay).await.unwrap();
    let client_addr = client.local_addr().unwrap();
    let (server, _) = upstream.accept().await.unwrap();
    // Both sides write and read at once: a relay that waited for one way would stall here.
    let (at_server, at_client) = tokio::join!(
        exchange(server, down_bytes.clone()),
        exchange(client, up_bytes.clone())
    );
    assert!(at_server == up_bytes, "the upstream got other bytes");
    assert!(at_client == down_bytes, "the client got other bytes");
    until_seen(&seen, "both ways reported", |seen| {
        seen.notices.iter().any(|n| n.contains("PeerLeft"))
    })
    .await;
    let seen = seen.lock().unwrap();
    assert!(seen.bytes[&(client_addr, Way::ToUpstream)] == up_bytes);
    assert!(seen.bytes[&(client_addr, Way::ToClient)] == down_bytes);
    assert!(
        seen.notices
            .iter()
            .any(|n| n.contains("PeerLeft") && n.contains("ByPeer")),
        "{:?}",
        seen.notices
    );
}

/// Opens a pair through a relay; `first` ends its sending after `said`, the other side reads
/// that and the end of the stream, then still sends `answer`, which `first` reads: a
/// half-close passed on while the other way goes on, and both reported.
async fn half_close_is_passed_on(first_is_client: bool, said: &[u8], answer: &[u8]) {
    let (mut session, mut events) = session();
    let (upstream, upstream_addr) = upstream_server().await;
    let relay = open_relay(&mut session, &mut events, upstream_addr).await;
    let seen = watch(events);

    let client = TcpStream::connect(relay).await.unwrap();
    let (server, _) = upstream.accept().await.unwrap();
    let (mut first, mut second) = if first_is_client {
        (client, server)
    } else {
        (server, client)
    };
    first.write_all(said).await.unwrap();
    first.shutdown().await.unwrap();
    // The other side reads it and then the end of the stream, as without the relay.
    let mut got = Vec::new();
    second.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, said);
    second.write_all(answer).await.unwrap();
    second.shutdown().await.unwrap();
    let mut back = Vec::new();
    first.read_to_end(&mut back).await.unwrap();
    assert_eq!(back, answer);
    until_seen(&seen, "both half-closes and the end", |seen| {
        let has = |text: &str| seen.notices.iter().any(|n| n.contains(text));
        has("HalfClosed") && has("ToUpstream") && has("ToClient") && has("PeerLeft")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_close_is_passed_on_and_the_other_side_can_still_answer() {
    half_close_is_passed_on(true, b"request", b"answer").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upstream_ending_first_is_passed_on_while_the_client_still_sends() {
    half_close_is_passed_on(false, b"banner", b"still here").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upstream_that_refuses_closes_the_client_and_says_why() {
    let (mut session, mut events) = session();
    // A port nothing listens on.
    let (gone, gone_addr) = upstream_server().await;
    drop(gone);
    let relay = open_relay(&mut session, &mut events, gone_addr).await;

    let mut client = TcpStream::connect(relay).await.unwrap();
    let left = wait_for(&mut events, "the client closed", |k| {
        matches!(k, EventKind::PeerLeft { .. })
    })
    .await;
    match left.kind {
        EventKind::PeerLeft {
            reason: CloseReason::Failed(NetError::Connect { addr, .. }),
            ..
        } => assert_eq!(addr, gone_addr),
        other => panic!("expected the client to leave for the refused upstream: {other:?}"),
    }
    let mut rest = Vec::new();
    let ended = client.read_to_end(&mut rest).await;
    assert!(ended.is_ok_and(|n| n == 0), "the client's connection ends");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_on_either_side_reaches_the_other_as_a_reset() {
    for resets_first in [Way::ToUpstream, Way::ToClient] {
        let (mut session, mut events) = session();
        let (upstream, upstream_addr) = upstream_server().await;
        let relay = open_relay(&mut session, &mut events, upstream_addr).await;
        let client = TcpStream::connect(relay).await.unwrap();
        let (server, _) = upstream.accept().await.unwrap();
        wait_for(&mut events, "upstream connected", |k| {
            matches!(k, EventKind::UpstreamConnected { .. })
        })
        .await;
        let (resetting, mut other) = match resets_first {
            Way::ToUpstream => (client, server),
            Way::ToClient => (server, client),
        };
        socket2::SockRef::from(&resetting)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
        drop(resetting);
        let mut buffer = [0; 16];
        let read = tokio::time::timeout(Duration::from_secs(10), other.read(&mut buffer))
            .await
            .expect("the other side hears of it");
        assert_eq!(
            read.map_err(|error| error.kind()),
            Err(std::io::ErrorKind::ConnectionReset),
            "{resets_first:?}"
        );
        let passed = wait_for(&mut events, "the reset passed on", |k| {
            matches!(k, EventKind::ResetPassedOn { .. })
        })
        .await;
        assert!(matches!(passed.kind, EventKind::ResetPassedOn { way, .. } if way == resets_first));
        let left = wait_for(&mut events, "the pair ended", |k| {
            matches!(k, EventKind::PeerLeft { .. })
        })
        .await;
        assert!(matches!(
            left.kind,
            EventKind::PeerLeft {
                reason: CloseReason::Reset,
                ..
            }
        ));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_pairs_at_once_each_get_exactly_their_own_bytes() {
    const PAIRS: usize = 200;
    const LEN: usize = 20_000;
    let (mut session, mut events) = session();
    let (upstream, upstream_addr) = upstream_server().await;
    let relay = open_relay(&mut session, &mut events, upstream_addr).await;
    let seen = watch(events);
    // An echo server: each upstream connection gives back exactly what its client sent.
    tokio::spawn(async move {
        loop {
            let (stream, _) = upstream.accept().await.unwrap();
            tokio::spawn(async move {
                let (mut read, mut write) = stream.into_split();
                tokio::io::copy(&mut read, &mut write).await.unwrap();
                write.shutdown().await.unwrap();
            });
        }
    });
    let clients = (0..PAIRS).map(|n| {
        tokio::spawn(async move {
            let stream = TcpStream::connect(relay).await.unwrap();
            let own = random_bytes(LEN, u64::try_from(n).unwrap() + 10);
            exchange(stream, own.clone()).await == own
        })
    });
    for client in clients.collect::<Vec<_>>() {
        assert!(
            client.await.unwrap(),
            "a client got bytes other than its own"
        );
    }
    until_seen(&seen, "every pair's bytes reported", |seen| {
        seen.bytes.len() == 2 * PAIRS && seen.bytes.values().all(|bytes| bytes.len() == LEN)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_bytes_reach_only_the_chosen_side_of_the_chosen_pair() {
    let (mut session, mut events) = session();
    let (upstream, upstream_addr) = upstream_server().await;
    let relay = open_relay(&mut session, &mut events, upstream_addr).await;
    let mut client_a = TcpStream::connect(relay).await.unwrap();
    let (mut server_a, _) = upstream.accept().await.unwrap();
    let mut client_b = TcpStream::connect(relay).await.unwrap();
    let (mut server_b, _) = upstream.accept().await.unwrap();
    let (a, b) = (
        client_a.local_addr().unwrap(),
        client_b.local_addr().unwrap(),
    );
    for _ in 0..2 {
        wait_for(&mut events, "both upstreams", |k| {
            matches!(k, EventKind::UpstreamConnected { .. })
        })
        .await;
    }

    let to = |way, client| SendTarget::Relay {
        way,
        client: Some(client),
    };
    session
        .send(to(Way::ToClient, a), b"to client a".to_vec())
        .unwrap();
    session
        .send(to(Way::ToUpstream, b), b"to upstream b".to_vec())
        .unwrap();
    assert_eq!(
        common::read_exactly(&mut client_a, 11).await,
        b"to client a"
    );
    assert_eq!(
        common::read_exactly(&mut server_b, 13).await,
        b"to upstream b"
    );
    // Nothing else went anywhere: a marker through each way arrives first.
    client_b.write_all(b"B>").await.unwrap();
    server_a.write_all(b"<A").await.unwrap();
    client_a.write_all(b"A>").await.unwrap();
    server_b.write_all(b"<B").await.unwrap();
    assert_eq!(common::read_exactly(&mut client_b, 2).await, b"<B");
    assert_eq!(common::read_exactly(&mut server_a, 2).await, b"A>");
    assert_eq!(common::read_exactly(&mut server_b, 2).await, b"B>");
    assert_eq!(common::read_exactly(&mut client_a, 2).await, b"<A");

    // Each reported as injected, for its pair and way (the two pairs in either order).
    let mut injected = Vec::new();
    for _ in 0..2 {
        let event = wait_for(&mut events, "the injections reported", |k| {
            matches!(
                k,
                EventKind::Relayed {
                    injected: Some(_),
                    ..
                }
            )
        })
        .await;
        if let EventKind::Relayed {
            client, way, bytes, ..
        } = event.kind
        {
            injected.push((client, way, bytes.to_vec()));
        }
    }
    injected.sort_by_key(|(_, way, _)| *way == Way::ToUpstream);
    assert_eq!(
        injected,
        [
            (a, Way::ToClient, b"to client a".to_vec()),
            (b, Way::ToUpstream, b"to upstream b".to_vec())
        ]
    );
    // A pair that is not there is said so.
    let nobody: SocketAddr = "127.0.0.1:9".parse().unwrap();
    session
        .send(to(Way::ToClient, nobody), b"x".to_vec())
        .unwrap();
    let error = wait_for(&mut events, "the missing pair", |k| {
        matches!(k, EventKind::Error(_))
    })
    .await;
    assert!(matches!(
        error.kind,
        EventKind::Error(NetError::NoSuchClient { peer }) if peer == nobody
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_client_reaches_a_tls_upstream_through_the_relay() {
    let made = certificate();
    let acceptor = tokio_rustls::TlsAcceptor::from(server_config(&made));
    let (mut session, mut events) = session();
    let (upstream, upstream_addr) = upstream_server().await;
    let tls = Some(ClientTls { verify: false });
    let relay = open_relay_with(&mut session, &mut events, upstream_addr, tls).await;
    let seen = watch(events);

    let mut client = TcpStream::connect(relay).await.unwrap();
    let (server, _) = upstream.accept().await.unwrap();
    let mut server = acceptor.accept(server).await.unwrap();
    let request = random_bytes(300_000, 7);
    client.write_all(&request).await.unwrap();
    assert!(common::read_exactly(&mut server, request.len()).await == request);
    server.write_all(b"answer in clear").await.unwrap();
    server.flush().await.unwrap();
    assert_eq!(
        common::read_exactly(&mut client, 15).await,
        b"answer in clear"
    );
    until_seen(&seen, "the handshake and both ways", |seen| {
        seen.notices.iter().any(|n| n.contains("Secured"))
            && seen.bytes.values().map(Vec::len).sum::<usize>() == request.len() + 15
    })
    .await;
}

/// Receives one datagram on `socket` within the test's wait; its bytes and source.
async fn datagram(socket: &tokio::net::UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buffer = [0; 2048];
    let (len, from) = tokio::time::timeout(common::WAIT, socket.recv_from(&mut buffer))
        .await
        .expect("a datagram in time")
        .unwrap();
    (buffer[..len].to_vec(), from)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_udp_sources_through_one_relay_each_get_their_own_answers() {
    let (session, events, relay, _, upstream) = impaired_udp_relay(Impairments::default()).await;
    let seen = watch(events);
    let mut sources = Vec::new();
    for n in 0..3_u8 {
        let source = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        source.send_to(&[b'q', n], relay).await.unwrap();
        sources.push(source);
    }
    // The upstream answers each datagram to where it came from: a socket of the relay's
    // own per source.
    let mut seen_from = Vec::new();
    for _ in 0..3 {
        let (question, from) = datagram(&upstream).await;
        assert_eq!(question[0], b'q');
        seen_from.push(from);
        upstream.send_to(&[b'a', question[1]], from).await.unwrap();
    }
    seen_from.sort_unstable();
    seen_from.dedup();
    assert_eq!(seen_from.len(), 3, "one upstream socket per source");
    for (n, source) in sources.iter().enumerate() {
        let (answer, from) = datagram(source).await;
        assert_eq!(answer, [b'a', u8::try_from(n).unwrap()]);
        assert_eq!(from, relay, "answers come from the relay's own address");
    }
    until_seen(&seen, "each source's two ways", |seen| {
        seen.bytes.len() == 6
    })
    .await;
    // Injected to one source only, from the relay's address; and into one source's way to
    // the upstream, from that source's own socket there.
    let one = sources[1].local_addr().unwrap();
    let to = |way| SendTarget::Relay {
        way,
        client: Some(one),
    };
    session
        .send(to(Way::ToClient), b"to source 1".to_vec())
        .unwrap();
    assert_eq!(
        datagram(&sources[1]).await,
        (b"to source 1".to_vec(), relay)
    );
    session
        .send(to(Way::ToUpstream), b"from source 1".to_vec())
        .unwrap();
    let (injected, from) = datagram(&upstream).await;
    assert_eq!(injected, b"from source 1");
    assert!(seen_from.contains(&from));
    for other in [&sources[0], &sources[2]] {
        let mut buffer = [0; 64];
        let nothing =
            tokio::time::timeout(Duration::from_millis(200), other.recv_from(&mut buffer)).await;
        assert!(nothing.is_err(), "only the chosen source gets it");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiet_udp_source_is_forgotten_after_the_idle_timeout() {
    let (mut session, mut events) = session();
    let upstream = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let idle = Duration::from_millis(300);
    let relay = open_udp_relay(
        &mut session,
        &mut events,
        upstream.local_addr().unwrap(),
        idle,
    )
    .await;
    let source = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    source.send_to(b"first", relay).await.unwrap();
    let (_, first_from) = datagram(&upstream).await;
    let left = wait_for(&mut events, "the source forgotten", |k| {
        matches!(k, EventKind::PeerLeft { .. })
    })
    .await;
    assert!(matches!(
        left.kind,
        EventKind::PeerLeft { peer, reason: CloseReason::Idle(after) }
            if peer == source.local_addr().unwrap() && after == idle
    ));
    // Its next datagram gets a socket of its own again.
    source.send_to(b"again", relay).await.unwrap();
    let (again, again_from) = datagram(&upstream).await;
    assert_eq!(again, b"again");
    assert_ne!(again_from, first_from, "a new socket towards the upstream");
}

/// A UDP relay from one source to an upstream socket of the test, with `impairments` (none
/// for the default): the
/// session (to keep it open), its events, the relay's address, the source and the upstream.
async fn impaired_udp_relay(
    impairments: Impairments,
) -> (
    Session,
    EventReceiver,
    SocketAddr,
    tokio::net::UdpSocket,
    tokio::net::UdpSocket,
) {
    let (mut session, mut events) = session();
    session.set_impairments(impairments);
    let upstream = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let relay = open_udp_relay(
        &mut session,
        &mut events,
        upstream.local_addr().unwrap(),
        Duration::from_secs(30),
    )
    .await;
    let source = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    (session, events, relay, source, upstream)
}

/// Every datagram that comes to `socket` until none has come for 400 ms.
async fn all_datagrams(socket: &tokio::net::UdpSocket) -> Vec<Vec<u8>> {
    let mut got = Vec::new();
    let mut buffer = [0; 64];
    while let Ok(Ok(len)) =
        tokio::time::timeout(Duration::from_millis(400), socket.recv(&mut buffer)).await
    {
        got.push(buffer[..len].to_vec());
    }
    got
}

/// The fates the relay's choices give `count` datagrams going `way` under `impairments`.
fn fates(impairments: &Impairments, way: Way, count: usize) -> Vec<Fate> {
    let mut chance = Chance::new(impairments.seed, way);
    (0..count)
        .map(|_| chance.fate(&impairments.of(way)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loss_drops_exactly_the_datagrams_the_seed_says_and_the_log_says_which() {
    const COUNT: u8 = 100;
    let impairments = Impairments {
        to_upstream: Impairment {
            loss_percent: 30,
            ..Impairment::default()
        },
        seed: 42,
        ..Impairments::default()
    };
    let (_session, events, relay, source, upstream) = impaired_udp_relay(impairments).await;
    let seen = watch_fates(events);
    for n in 0..COUNT {
        source.send_to(&[n], relay).await.unwrap();
    }
    let expected: Vec<Vec<u8>> = fates(&impairments, Way::ToUpstream, COUNT.into())
        .iter()
        .zip(0..COUNT)
        .filter(|(fate, _)| !fate.dropped)
        .map(|(_, n)| vec![n])
        .collect();
    assert!(
        (55..85).contains(&expected.len()),
        "{} kept",
        expected.len()
    );
    assert_eq!(all_datagrams(&upstream).await, expected);
    // Each datagram reported, the dropped ones as dropped.
    until_seen_fates(&seen, usize::from(COUNT)).await;
    let reported: Vec<(Vec<u8>, bool)> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(bytes, fate)| (bytes.clone(), fate.is_some_and(|fate| fate.dropped)))
        .collect();
    let passed_on: Vec<Vec<u8>> = reported
        .iter()
        .filter(|(_, dropped)| !dropped)
        .map(|(bytes, _)| bytes.clone())
        .collect();
    assert_eq!(passed_on, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplication_and_reordering_follow_the_seed() {
    const COUNT: u8 = 40;
    let impairments = Impairments {
        to_upstream: Impairment {
            duplicate_percent: 25,
            reorder_percent: 25,
            ..Impairment::default()
        },
        seed: 7,
        ..Impairments::default()
    };
    let (_session, _events, relay, source, upstream) = impaired_udp_relay(impairments).await;
    for n in 0..COUNT {
        source.send_to(&[n], relay).await.unwrap();
    }
    let fates = fates(&impairments, Way::ToUpstream, COUNT.into());
    let mut expected: Vec<Vec<u8>> = Vec::new();
    for (fate, n) in fates.iter().zip(0..COUNT) {
        let copies = if fate.duplicated { 2 } else { 1 };
        expected.extend(std::iter::repeat_n(vec![n], copies));
    }
    let got = all_datagrams(&upstream).await;
    let mut sorted = got.clone();
    sorted.sort();
    assert_eq!(sorted, expected, "each copy the seed says, no more");
    assert!(fates.iter().any(|fate| fate.reordered));
    // Those held back come after those sent right after them (40 datagrams take far less
    // than the hold).
    let first_held = fates.iter().position(|fate| fate.reordered).unwrap();
    let held = u8::try_from(first_held).unwrap();
    let overtaking = (first_held + 1..usize::from(COUNT))
        .find(|&n| !fates[n].reordered)
        .map(|n| u8::try_from(n).unwrap())
        .unwrap();
    let at = |n: u8| got.iter().position(|datagram| datagram == &[n]).unwrap();
    assert!(at(overtaking) < at(held), "{got:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delay_holds_each_answer_at_least_that_long() {
    let impairments = Impairments {
        to_client: Impairment {
            delay_ms: 50,
            ..Impairment::default()
        },
        ..Impairments::default()
    };
    let (_session, _events, relay, source, upstream) = impaired_udp_relay(impairments).await;
    for n in 0..5_u8 {
        source.send_to(&[n], relay).await.unwrap();
        let (question, from) = datagram(&upstream).await;
        let answered = Instant::now();
        upstream.send_to(&question, from).await.unwrap();
        let (answer, _) = datagram(&source).await;
        assert_eq!(answer, [n]);
        let took = answered.elapsed();
        assert!(
            took >= Duration::from_millis(50),
            "answer {n} after {took:?}"
        );
    }
}

/// Relayed datagrams as reported, with what happened to each.
type Reported = Arc<Mutex<Vec<(Vec<u8>, Option<Fate>)>>>;

/// The relayed datagrams reported, with what happened to each, gathered on a task.
fn watch_fates(mut events: EventReceiver) -> Reported {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            if let EventKind::Relayed {
                bytes, impaired, ..
            } = event.kind
            {
                kept.lock().unwrap().push((bytes.to_vec(), impaired));
            }
        }
    });
    seen
}

/// Waits (a bounded time) until `count` relayed datagrams were reported.
async fn until_seen_fates(seen: &Reported, count: usize) {
    for _ in 0..1000 {
        if seen.lock().unwrap().len() >= count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("only {} reported", seen.lock().unwrap().len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_reply_answers_a_client_in_the_servers_place_and_passes_the_rest_on() {
    let (mut session, mut events) = session();
    session.set_auto_reply(netdebug::net::AutoReply {
        rules: vec![netdebug::net::ReplyRule {
            pattern: bytes::Bytes::from_static(b"VERSION?"),
            reply: bytes::Bytes::from_static(b"v9.9 (relay)"),
        }],
        ..netdebug::net::AutoReply::default()
    });
    let (upstream, upstream_addr) = upstream_server().await;
    let relay = open_relay(&mut session, &mut events, upstream_addr).await;
    let mut client = TcpStream::connect(relay).await.unwrap();
    let (mut server, _) = upstream.accept().await.unwrap();
    client.write_all(b"VERSION?").await.unwrap();
    assert_eq!(common::read_exactly(&mut client, 12).await, b"v9.9 (relay)");
    // The next request is not the rule's: it goes on to the server, and only it.
    client.write_all(b"STATUS?").await.unwrap();
    let got = common::read_exactly(&mut server, 7).await;
    assert_eq!(
        got, b"STATUS?",
        "the answered request reached the server too"
    );
    let answered = wait_for(&mut events, "the answer reported", |k| {
        matches!(
            k,
            EventKind::Relayed {
                injected: Some(_),
                ..
            }
        )
    })
    .await;
    assert!(matches!(
        answered.kind,
        EventKind::Relayed {
            way: Way::ToClient,
            injected: Some(netdebug::net::SentBy::AutoReply),
            ..
        }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_udp_relays_auto_reply_answers_a_source_which_the_upstream_never_sees() {
    let (session, _events, relay, source, upstream) =
        impaired_udp_relay(Impairments::default()).await;
    // Set while the relay runs, as the window does.
    session.set_auto_reply(netdebug::net::AutoReply {
        rules: vec![netdebug::net::ReplyRule {
            pattern: bytes::Bytes::from_static(b"PING"),
            reply: bytes::Bytes::from_static(b"PONG"),
        }],
        ..netdebug::net::AutoReply::default()
    });
    source.send_to(b"PING", relay).await.unwrap();
    assert_eq!(datagram(&source).await, (b"PONG".to_vec(), relay));
    source.send_to(b"DATA", relay).await.unwrap();
    // The first datagram the upstream gets is the one auto reply did not answer.
    assert_eq!(datagram(&upstream).await.0, b"DATA");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_listens_on_ipv6_and_reaches_its_upstream_by_ipv6_address_or_by_name() {
    for (listen_on, upstream_host) in [("[::1]:0", "::1"), ("127.0.0.1:0", "localhost")] {
        let (mut session, mut events) = session();
        let upstream = TcpListener::bind(listen_on).await.unwrap();
        let port = upstream.local_addr().unwrap().port();
        session.open(SessionConfig::TcpRelay {
            local: Endpoint::new("::1", 0),
            upstream: Endpoint::new(upstream_host, port),
            timeout: common::WAIT,
            tls: None,
        });
        let relay = common::listening(&mut events).await;
        assert!(relay.is_ipv6(), "{relay}");
        let client = TcpStream::connect(relay).await.unwrap();
        let (server, _) = upstream.accept().await.unwrap();
        let (at_server, at_client) = tokio::join!(
            exchange(server, b"pong".to_vec()),
            exchange(client, b"ping".to_vec())
        );
        assert_eq!(
            (at_server, at_client),
            (b"ping".to_vec(), b"pong".to_vec()),
            "{upstream_host}"
        );
    }
}

/// A relay whose auto reply answers `GET TIME\r\n` in the server's place (with its events),
/// a client through it and the server's end of the client's upstream connection.
async fn relay_answering_get_time() -> ((Session, EventReceiver), TcpStream, TcpStream) {
    let (mut session, mut events) = session();
    session.set_auto_reply(netdebug::net::AutoReply {
        rules: vec![netdebug::net::ReplyRule {
            pattern: bytes::Bytes::from_static(b"GET TIME\r\n"),
            reply: bytes::Bytes::from_static(b"12:00\r\n"),
        }],
        ..netdebug::net::AutoReply::default()
    });
    let (upstream, upstream_addr) = upstream_server().await;
    let relay = open_relay(&mut session, &mut events, upstream_addr).await;
    let client = TcpStream::connect(relay).await.unwrap();
    let (server, _) = upstream.accept().await.unwrap();
    ((session, events), client, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_cut_across_reads_is_answered_and_none_of_it_reaches_the_server() {
    let (_session, mut client, mut server) = relay_answering_get_time().await;
    client.set_nodelay(true).unwrap();
    // As a device behind a serial server sends it: in pieces a few milliseconds apart.
    for piece in [&b"GET "[..], b"TI", b"ME\r", b"\n"] {
        client.write_all(piece).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(common::read_exactly(&mut client, 7).await, b"12:00\r\n");
    // The next request is no rule's: the server gets it, and nothing before it.
    client.write_all(b"STATUS?").await.unwrap();
    assert_eq!(common::read_exactly(&mut server, 7).await, b"STATUS?");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_might_begin_a_request_goes_on_when_no_rest_comes_or_the_client_ends() {
    let (_session, mut client, mut server) = relay_answering_get_time().await;
    let sent = Instant::now();
    client.write_all(b"data GET").await.unwrap();
    // "data " at once; "GET", which may begin the rule's request, once no rest has come.
    assert_eq!(common::read_exactly(&mut server, 8).await, b"data GET");
    assert!(
        sent.elapsed() >= Duration::from_millis(90),
        "the possible start of a request went on before the rest could come"
    );
    // The client ends its sending: what is held goes on at once, then the end of the stream.
    client.write_all(b"G").await.unwrap();
    client.shutdown().await.unwrap();
    let mut rest = Vec::new();
    server.read_to_end(&mut rest).await.unwrap();
    assert_eq!(rest, b"G");
}

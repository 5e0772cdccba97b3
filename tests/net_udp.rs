//! UDP mode over real loopback sockets.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;

use common::{next_datagram, open_udp, session, wait_closed, wait_for};
use netdebug::codec::TextEncoding;
use netdebug::net::{Endpoint, EventKind, NetError, SendTarget};
use tokio::net::UdpSocket;

async fn recv(socket: &UdpSocket) -> (Vec<u8>, std::net::SocketAddr) {
    let mut buf = vec![0; 65_536];
    let (n, from) = tokio::time::timeout(common::WAIT, socket.recv_from(&mut buf))
        .await
        .expect("peer recv timed out")
        .unwrap();
    buf.truncate(n);
    (buf, from)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn datagrams_arrive_with_their_source_and_go_out_exactly() {
    let (mut session, mut events) = session();
    let local = open_udp(&mut session, &mut events).await;
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();

    peer.send_to(b"\x01\x02\xffdatagram", local).await.unwrap();
    let (from, bytes) = next_datagram(&mut events).await;
    assert_eq!(from, peer.local_addr().unwrap());
    assert_eq!(bytes, b"\x01\x02\xffdatagram");

    let target = Endpoint::new("127.0.0.1", peer.local_addr().unwrap().port());
    session
        .send(
            SendTarget::Datagram(target),
            TextEncoding::Gbk.encode("你好").unwrap(),
        )
        .unwrap();
    let (bytes, from) = recv(&peer).await;
    assert_eq!(bytes, [0xC4, 0xE3, 0xBA, 0xC3]);
    assert_eq!(from, local);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_datagram_arrives_as_a_datagram_of_its_own() {
    // Zero-length datagrams are legal (some devices send them as a heartbeat): each is one
    // datagram with no bytes, not lost and not merged with the next.
    let (mut session, mut events) = session();
    let local = open_udp(&mut session, &mut events).await;
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    peer.send_to(b"", local).await.unwrap();
    peer.send_to(b"after", local).await.unwrap();
    let mut seen = Vec::new();
    while seen.len() < 2 {
        if let EventKind::Datagrams(datagrams) =
            common::next_event(&mut events, "datagrams").await.kind
        {
            seen.extend(
                datagrams
                    .into_iter()
                    .map(|(from, bytes)| (from, bytes.to_vec())),
            );
        }
    }
    let from = peer.local_addr().unwrap();
    assert_eq!(seen, [(from, Vec::new()), (from, b"after".to_vec())]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_to_the_last_sender() {
    let (mut session, mut events) = session();
    let local = open_udp(&mut session, &mut events).await;

    session
        .send(SendTarget::LastSender, b"too early".to_vec())
        .unwrap();
    let error = wait_for(&mut events, "no sender yet", |k| {
        matches!(k, EventKind::Error(_))
    })
    .await;
    assert!(matches!(
        error.kind,
        EventKind::Error(NetError::NoLastSender)
    ));

    let first = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let second = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    first.send_to(b"one", local).await.unwrap();
    next_datagram(&mut events).await;
    second.send_to(b"two", local).await.unwrap();
    next_datagram(&mut events).await;

    session
        .send(SendTarget::LastSender, b"reply".to_vec())
        .unwrap();
    let (bytes, _) = recv(&second).await;
    assert_eq!(bytes, b"reply");
    let sent = wait_for(&mut events, "sent", |k| matches!(k, EventKind::Sent { .. })).await;
    assert!(
        matches!(sent.kind, EventKind::Sent { peer, .. } if peer == second.local_addr().unwrap())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bound_port_cannot_be_bound_twice() {
    let taken = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let (mut session, mut events) = session();
    session.open(netdebug::net::SessionConfig::Udp {
        local: Endpoint::new("127.0.0.1", taken.local_addr().unwrap().port()),
        multicast: None,
    });
    let closed = wait_closed(&mut events, "bind failure").await;
    assert!(matches!(
        closed.kind,
        EventKind::Closed {
            reason: netdebug::net::CloseReason::Failed(NetError::Bind { .. })
        }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_arrives_whole_in_few_events_with_one_wake_up() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let wakes = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&wakes);
    let (engine, mut events) = netdebug::net::Engine::new(
        tokio::runtime::Handle::current(),
        Arc::new(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        }),
    );
    let mut session = engine.session();
    let local = open_udp(&mut session, &mut events).await;
    let _ = events.drain().count();
    wakes.store(0, Ordering::Relaxed);

    // 5,000 numbered datagrams, in bursts of 100 so the kernel buffer never overflows.
    let count: u32 = 5_000;
    let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for chunk in (0..count).collect::<Vec<_>>().chunks(100) {
        for i in chunk {
            peer.send_to(&i.to_be_bytes(), local).unwrap();
        }
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }

    let mut got = Vec::new();
    let mut event_count = 0;
    let deadline = tokio::time::Instant::now() + common::WAIT;
    while got.len() < count as usize {
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {} arrived",
            got.len()
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        // Nobody drained yet: however many datagrams came, the owner was woken once.
        if event_count == 0 {
            assert_eq!(wakes.load(Ordering::Relaxed), 1);
        }
        for event in events.drain() {
            if let EventKind::Datagrams(datagrams) = event.kind {
                event_count += 1;
                got.extend(
                    datagrams
                        .into_iter()
                        .map(|(_, b)| u32::from_be_bytes(b[..].try_into().unwrap())),
                );
            }
        }
    }
    assert_eq!(
        got,
        (0..count).collect::<Vec<_>>(),
        "every datagram, in order"
    );
    // How many datagrams each drain finds depends on how the sender and the session are
    // scheduled (on a busy machine the session can keep pace with part of a burst), so the
    // bound is loose; one event per datagram would still fail it.
    assert!(
        event_count < count as usize / 4,
        "{event_count} events for {count} datagrams"
    );
}

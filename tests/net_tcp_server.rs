//! TCP server mode over real loopback sockets.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;

use common::{joined, next_event, open_server, receive_bytes, session, wait_for};
use netdebug::codec::TextEncoding;
use netdebug::net::{
    CloseReason, Endpoint, EventKind, NetError, SendTarget, SentBy, SessionConfig,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bytes_from_a_client_reach_the_engine_exactly() {
    let (mut session, mut events) = session();
    let addr = open_server(&mut session, &mut events).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    let peer = joined(&mut events).await;
    assert_eq!(peer, client.local_addr().unwrap());

    let payload: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    client.write_all(&payload).await.unwrap();
    assert_eq!(receive_bytes(&mut events, payload.len()).await, payload);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gbk_text_goes_out_as_gbk_bytes() {
    let (mut session, mut events) = session();
    let addr = open_server(&mut session, &mut events).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    let peer = joined(&mut events).await;

    let bytes = TextEncoding::Gbk.encode("你好").unwrap();
    session.send(SendTarget::Client(peer), bytes).unwrap();
    assert_eq!(
        common::read_exactly(&mut client, 4).await,
        [0xC4, 0xE3, 0xBA, 0xC3]
    );
    let sent = wait_for(&mut events, "sent", |k| matches!(k, EventKind::Sent { .. })).await;
    match sent.kind {
        EventKind::Sent {
            peer: to,
            bytes,
            by,
        } => {
            assert_eq!(to, peer);
            assert_eq!(by, SentBy::Owner);
            assert_eq!(&*bytes, &[0xC4, 0xE3, 0xBA, 0xC3]);
        }
        other => panic!("expected Sent, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fans_out_to_all_and_sends_to_one() {
    let (mut session, mut events) = session();
    let addr = open_server(&mut session, &mut events).await;
    let mut a = TcpStream::connect(addr).await.unwrap();
    let peer_a = joined(&mut events).await;
    let mut b = TcpStream::connect(addr).await.unwrap();
    let peer_b = joined(&mut events).await;
    let mut c = TcpStream::connect(addr).await.unwrap();
    let _peer_c = joined(&mut events).await;

    session
        .send(SendTarget::AllClients, b"all".to_vec())
        .unwrap();
    for stream in [&mut a, &mut b, &mut c] {
        assert_eq!(common::read_exactly(stream, 3).await, b"all");
    }

    session
        .send(SendTarget::Client(peer_b), b"only-b".to_vec())
        .unwrap();
    assert_eq!(common::read_exactly(&mut b, 6).await, b"only-b");
    // The others got nothing more: a marker sent afterwards to A arrives first in A's stream.
    session
        .send(SendTarget::Client(peer_a), b"!".to_vec())
        .unwrap();
    assert_eq!(common::read_exactly(&mut a, 1).await, b"!");

    // Data from each client is tagged with that client.
    b.write_all(b"from-b").await.unwrap();
    let got = wait_for(&mut events, "data from b", |k| {
        matches!(k, EventKind::Received { .. })
    })
    .await;
    match got.kind {
        EventKind::Received { peer, bytes } => {
            assert_eq!(peer, peer_b);
            assert_eq!(&bytes[..], b"from-b");
        }
        other => panic!("expected Received, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_leaving_is_reported_and_can_be_kicked() {
    let (mut session, mut events) = session();
    let addr = open_server(&mut session, &mut events).await;
    let a = TcpStream::connect(addr).await.unwrap();
    let peer_a = joined(&mut events).await;
    drop(a);
    let left = wait_for(&mut events, "client left", |k| {
        matches!(k, EventKind::PeerLeft { .. })
    })
    .await;
    assert!(matches!(
        left.kind,
        EventKind::PeerLeft { peer, reason: CloseReason::ByPeer | CloseReason::Reset } if peer == peer_a
    ));

    let mut b = TcpStream::connect(addr).await.unwrap();
    let peer_b = joined(&mut events).await;
    session.disconnect(peer_b).unwrap();
    let left = wait_for(&mut events, "kicked", |k| {
        matches!(k, EventKind::PeerLeft { .. })
    })
    .await;
    assert!(
        matches!(left.kind, EventKind::PeerLeft { peer, reason: CloseReason::ByUser } if peer == peer_b)
    );
    let mut buf = [0u8; 8];
    let n = tokio::time::timeout(common::WAIT, b.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n, 0, "the kicked client sees end of stream");

    // Sending to a client that is gone is an error event, not a crash.
    session
        .send(SendTarget::Client(peer_b), b"x".to_vec())
        .unwrap();
    let error = wait_for(&mut events, "error", |k| matches!(k, EventKind::Error(_))).await;
    assert!(matches!(
        error.kind,
        EventKind::Error(NetError::NoSuchClient { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnect_all_ends_every_client_and_the_server_goes_on_listening() {
    let (mut session, mut events) = session();
    let addr = open_server(&mut session, &mut events).await;
    let mut clients = Vec::new();
    for _ in 0..3 {
        let client = TcpStream::connect(addr).await.unwrap();
        let peer = joined(&mut events).await;
        clients.push((client, peer));
    }
    session.disconnect_all().unwrap();
    let mut left = Vec::new();
    while left.len() < clients.len() {
        let event = wait_for(&mut events, "the clients to leave", |k| {
            matches!(k, EventKind::PeerLeft { .. })
        })
        .await;
        if let EventKind::PeerLeft { peer, reason } = event.kind {
            assert!(matches!(reason, CloseReason::ByUser), "{reason:?}");
            left.push(peer);
        }
    }
    left.sort_unstable();
    let mut peers: Vec<_> = clients.iter().map(|(_, peer)| *peer).collect();
    peers.sort_unstable();
    assert_eq!(left, peers);
    for (client, _) in &mut clients {
        let mut everything = Vec::new();
        tokio::time::timeout(common::WAIT, client.read_to_end(&mut everything))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(everything, b"", "the end of the stream, in order");
    }
    // Still listening: a new client is taken.
    let mut again = TcpStream::connect(addr).await.unwrap();
    let peer = joined(&mut events).await;
    session
        .send(SendTarget::Client(peer), b"hi".to_vec())
        .unwrap();
    assert_eq!(common::read_exactly(&mut again, 2).await, b"hi");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_port_in_use_is_a_bind_error_and_close_reports_closed() {
    let (mut session, mut events) = session();
    let addr = open_server(&mut session, &mut events).await;

    let (mut second, mut second_events) = common::session();
    second.open(SessionConfig::TcpServer {
        local: Endpoint::new("127.0.0.1", addr.port()),
        tls: None,
    });
    let closed = next_event(&mut second_events, "bind failure").await;
    match closed.kind {
        EventKind::Closed {
            reason:
                CloseReason::Failed(NetError::Bind {
                    addr: failed,
                    source,
                }),
        } => {
            assert_eq!(failed, addr);
            assert_eq!(source.kind(), std::io::ErrorKind::AddrInUse);
        }
        other => panic!("expected a bind failure, got {other:?}"),
    }

    session.close();
    common::closed_by_user(&mut events, "closed").await;
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "the listener is gone after Close"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_to_file_is_byte_exact_after_10_mb() {
    let (mut session, mut events) = session();
    let path = std::env::temp_dir().join(format!("netdebug-capture-{}.bin", std::process::id()));
    let progress = session
        .start_capture(&path, netdebug::net::CaptureFormat::Raw)
        .unwrap();
    let addr = open_server(&mut session, &mut events).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    joined(&mut events).await;

    let payload: Vec<u8> = (0..10 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    client.write_all(&payload).await.unwrap();
    receive_bytes(&mut events, payload.len()).await;
    let written = session.stop_capture().unwrap().wait().unwrap();
    assert_eq!(written, payload.len() as u64);
    assert_eq!(progress.written(), written);
    let saved = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(saved == payload, "the file differs from what was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_to_file_as_log_text() {
    use netdebug::net::CaptureFormat;
    let (mut session, mut events) = session();
    let path = std::env::temp_dir().join(format!("netdebug-capture-{}.txt", std::process::id()));
    session
        .start_capture(&path, CaptureFormat::Text(TextEncoding::Gbk))
        .unwrap();
    let addr = open_server(&mut session, &mut events).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    let peer = joined(&mut events).await;
    // GBK 你好 split across two writes, then a reply.
    client.write_all(&[0xC4, 0xE3, 0xBA]).await.unwrap();
    receive_bytes(&mut events, 3).await;
    client.write_all(&[0xC3]).await.unwrap();
    receive_bytes(&mut events, 1).await;
    session
        .send(
            SendTarget::Client(peer),
            TextEncoding::Gbk.encode("好的").unwrap(),
        )
        .unwrap();
    wait_for(&mut events, "sent", |k| matches!(k, EventKind::Sent { .. })).await;
    session.stop_capture().unwrap().wait().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    assert!(
        text.lines()
            .next()
            .is_some_and(|line| line.ends_with(&format!("● date: {today}"))),
        "the file starts with the day's date: {text}"
    );
    assert!(text.contains(&format!("● client joined: {peer}")), "{text}");
    assert!(text.contains(&format!("RX ← {peer} (3 B)\n你\n")), "{text}");
    assert!(text.contains(&format!("RX ← {peer} (1 B)\n好\n")), "{text}");
    assert!(
        text.contains(&format!("TX → {peer} (4 B)\n好的\n")),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_that_does_not_drain_slows_the_sender_and_loses_nothing() {
    const TOTAL: usize = 96 << 20;
    let (mut session, mut events) = session();
    let addr = open_server(&mut session, &mut events).await;
    let stream = std::net::TcpStream::connect(addr).unwrap();
    let (written, sender) = common::send_counted(stream, TOTAL);
    let _peer = joined(&mut events).await;

    // Nobody drains: the sender stalls once the session's backlog (16 MiB) and the sockets'
    // buffers are full, far short of everything.
    let stalled = common::wait_until_stalled(&written).await;
    assert!(
        stalled < TOTAL / 2,
        "the sender got {} MiB through an owner that drained nothing",
        stalled >> 20
    );

    // Draining lets the rest through, byte-exact.
    let got = receive_bytes(&mut events, TOTAL).await;
    sender.join().unwrap();
    common::assert_numbered_chunks(&got, TOTAL);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drain_takes_only_what_was_waiting_so_a_frame_stays_small_in_a_flood() {
    use std::io::Write as _;

    const TOTAL: usize = 128 << 20;
    let (mut session, mut events) = session();
    let addr = open_server(&mut session, &mut events).await;
    let sender = std::thread::spawn(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        let chunk = vec![b'A'; 1 << 20];
        for _ in 0..TOTAL >> 20 {
            stream.write_all(&chunk).unwrap();
        }
    });
    let _peer = joined(&mut events).await;

    // Drain the way a window does, frame after frame. Each drain frees backlog room that the
    // flood fills again at once; still, no drain may take more than the backlog held.
    let mut total = 0;
    let mut largest_drain = 0;
    let start = std::time::Instant::now();
    while total < TOTAL {
        assert!(
            start.elapsed() < common::WAIT * 3,
            "the flood stalled at {total} B"
        );
        let drained: usize = events
            .drain()
            .map(|event| match event.kind {
                EventKind::Received { bytes, .. } => bytes.len(),
                _ => 0,
            })
            .sum();
        largest_drain = largest_drain.max(drained);
        total += drained;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    sender.join().unwrap();
    assert_eq!(total, TOTAL);
    assert!(
        largest_drain <= (16 << 20) + (256 << 10),
        "one drain took {} MiB",
        largest_drain >> 20
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_reads_nothing_can_still_be_disconnected() {
    let (mut session, mut events) = session();
    let addr = open_server(&mut session, &mut events).await;
    let client = TcpStream::connect(addr).await.unwrap();
    let peer = joined(&mut events).await;
    // 64 MiB to a client that never reads: its task waits to write once the buffers fill.
    for _ in 0..64 {
        session
            .send(SendTarget::Client(peer), vec![0x5A; 1 << 20])
            .unwrap();
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    session.disconnect(peer).unwrap();
    let left = wait_for(&mut events, "the client to leave", |k| {
        matches!(k, EventKind::PeerLeft { .. })
    })
    .await;
    assert!(
        matches!(left.kind, EventKind::PeerLeft { peer: p, reason: CloseReason::ByUser } if p == peer),
        "{left:?}"
    );
    drop(client);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_stops_listening_refuses_new_clients_and_keeps_its_own() {
    let (mut session, mut events) = session();
    let addr = open_server(&mut session, &mut events).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    let peer = joined(&mut events).await;

    session.stop_listening().unwrap();
    let stopped = wait_for(&mut events, "stopped listening", |k| {
        matches!(k, EventKind::StoppedListening { .. })
    })
    .await;
    assert!(matches!(
        stopped.kind,
        EventKind::StoppedListening { clients: 1 }
    ));
    // The listening socket is gone: nobody new gets in.
    let refused = TcpStream::connect(addr).await.unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
    // The accepted connection has a socket of its own and carries on both ways.
    client.write_all(b"still here").await.unwrap();
    assert_eq!(receive_bytes(&mut events, 10).await, b"still here");
    session
        .send(SendTarget::Client(peer), b"so am I".to_vec())
        .unwrap();
    assert_eq!(common::read_exactly(&mut client, 7).await, b"so am I");
}

//! Auto reply over real loopback sockets: echo and "when X arrives, answer Y", in each mode,
//! to the sender only, logged as sends, and changed while a session runs.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::{WAIT, connected_client, joined, open_server, open_udp, session, wait_for};
use netdebug::net::{AutoReply, EventKind, ReplyRule, SentBy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

fn rule(pattern: &'static [u8], reply: &'static [u8]) -> ReplyRule {
    ReplyRule {
        pattern: Bytes::from_static(pattern),
        reply: Bytes::from_static(reply),
    }
}

/// Nothing more arrives on `stream` for a while.
async fn assert_silent(stream: &mut TcpStream) {
    let mut byte = [0];
    let quiet = tokio::time::timeout(Duration::from_millis(200), stream.read(&mut byte)).await;
    assert!(quiet.is_err(), "unexpected bytes: {byte:?}");
}

/// A device that writes its request in pieces still gets its answer: the rule is matched
/// across the connection's reads, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pattern_split_across_reads_is_answered_once() {
    let (mut session, mut events) = session();
    let addr = open_server(&mut session, &mut events).await;
    session.set_auto_reply(AutoReply {
        echo: false,
        rules: vec![rule(b"PING", b"PONG")],
        ..AutoReply::default()
    });
    let mut device = TcpStream::connect(addr).await.unwrap();
    joined(&mut events).await;
    for piece in [&b"PI"[..], b"N", b"G\n"] {
        device.write_all(piece).await.unwrap();
        // Each piece its own read.
        wait_for(
            &mut events,
            "the piece",
            |k| matches!(k, EventKind::Received { bytes, .. } if bytes == piece),
        )
        .await;
    }
    assert_eq!(common::read_exactly(&mut device, 4).await, b"PONG");
    device.write_all(b"status\n").await.unwrap();
    assert_silent(&mut device).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_echoes_and_answers_only_the_client_that_asked() {
    let (mut session, mut events) = session();
    let addr = open_server(&mut session, &mut events).await;
    session.set_auto_reply(AutoReply {
        echo: true,
        rules: vec![rule(b"PING", b"PONG")],
        ..AutoReply::default()
    });
    let mut asker = TcpStream::connect(addr).await.unwrap();
    let asker_addr = joined(&mut events).await;
    let mut bystander = TcpStream::connect(addr).await.unwrap();
    joined(&mut events).await;

    asker.write_all(b"PING?").await.unwrap();
    assert_eq!(common::read_exactly(&mut asker, 9).await, b"PING?PONG");
    assert_silent(&mut bystander).await;

    // The log sees what arrived, then the answers as auto reply's sends to that client.
    wait_for(&mut events, "the question", |k| {
        matches!(k, EventKind::Received { peer, bytes } if *peer == asker_addr && bytes == "PING?")
    })
    .await;
    for answer in ["PING?", "PONG"] {
        wait_for(&mut events, answer, |k| {
            matches!(k, EventKind::Sent { peer, bytes, by: SentBy::AutoReply } if *peer == asker_addr && bytes == answer)
        })
        .await;
    }

    // Turned off while the session runs: nothing answers any more.
    session.set_auto_reply(AutoReply::default());
    asker.write_all(b"PING").await.unwrap();
    assert_silent(&mut asker).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_answers_a_modbus_request_with_its_reply() {
    let (session, _events, mut server_side) = connected_client().await;
    session.set_auto_reply(AutoReply {
        echo: false,
        rules: vec![
            rule(&[0x01, 0x03], &[0x01, 0x03, 0x02, 0x00, 0x2A, 0x39, 0x9B]),
            rule(b"never", b"sent"),
        ],
        ..AutoReply::default()
    });
    server_side
        .write_all(&[0x01, 0x03, 0x00, 0x00, 0x00, 0x01, 0x84, 0x0A])
        .await
        .unwrap();
    assert_eq!(
        common::read_exactly(&mut server_side, 7).await,
        [0x01, 0x03, 0x02, 0x00, 0x2A, 0x39, 0x9B]
    );
    assert_silent(&mut server_side).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn udp_answers_each_datagram_to_its_source() {
    let (mut session, mut events) = session();
    let addr = open_udp(&mut session, &mut events).await;
    session.set_auto_reply(AutoReply {
        echo: true,
        rules: vec![rule(b"", b"ACK")],
        ..AutoReply::default()
    });
    let first = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let second = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    first.send_to(b"one", addr).await.unwrap();
    second.send_to(b"two", addr).await.unwrap();
    for (socket, expected) in [(&first, [&b"one"[..], b"ACK"]), (&second, [b"two", b"ACK"])] {
        for datagram in expected {
            let mut buf = [0; 64];
            let (n, from) = tokio::time::timeout(WAIT, socket.recv_from(&mut buf))
                .await
                .expect("no answer")
                .unwrap();
            assert_eq!((&buf[..n], from), (datagram, addr));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_echo_to_a_peer_that_does_not_read_slows_the_peer_and_loses_nothing() {
    use std::io::Read as _;

    const TOTAL: usize = 64 << 20;
    let (mut session, mut events) = session();
    let addr = open_server(&mut session, &mut events).await;
    session.set_auto_reply(AutoReply {
        echo: true,
        rules: Vec::new(),
        ..AutoReply::default()
    });
    // The owner drains everything, as a window does: only the peer holds things up here.
    tokio::spawn(async move { while events.recv().await.is_some() {} });

    let stream = std::net::TcpStream::connect(addr).unwrap();
    let mut reader = stream.try_clone().unwrap();
    let (written, sender) = common::send_counted(stream, TOTAL);

    // The peer reads none of its echoes: once the sockets' buffers are full the session stops
    // reading, and the sender stalls far short of everything.
    let stalled = common::wait_until_stalled(&written).await;
    assert!(
        stalled < TOTAL / 2,
        "{} MiB went in while no echo was read",
        stalled >> 20
    );

    // Reading the echoes lets the rest through, and every byte comes back in order.
    let echoed = tokio::task::spawn_blocking(move || {
        let mut echoed = vec![0; TOTAL];
        reader.read_exact(&mut echoed).unwrap();
        echoed
    })
    .await
    .unwrap();
    sender.join().unwrap();
    common::assert_numbered_chunks(&echoed, TOTAL);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn udp_never_echoes_what_it_sent_itself() {
    for local in ["127.0.0.1", "0.0.0.0"] {
        let (mut session, mut events) = session();
        let addr = common::open_udp_on(&mut session, &mut events, local).await;
        session.set_auto_reply(AutoReply {
            echo: true,
            rules: Vec::new(),
            ..AutoReply::default()
        });
        // A target set to the socket's own port: the datagram arrives once and is not echoed.
        let to_itself = netdebug::net::Endpoint::new("127.0.0.1", addr.port());
        session
            .send(netdebug::net::SendTarget::Datagram(to_itself), &b"self"[..])
            .unwrap();
        common::next_datagram(&mut events).await;
        let quiet = tokio::time::timeout(Duration::from_millis(300), async {
            loop {
                match common::next_event(&mut events, "anything").await.kind {
                    EventKind::Sent { .. } | EventKind::Datagrams(_) => return,
                    _ => {}
                }
            }
        })
        .await;
        assert!(quiet.is_err(), "bound to {local}: it answered itself");
    }
}

/// A slow device: the answer leaves no sooner than the delay after the request, and Close
/// does not wait for a delay to run out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delayed_answer_waits_and_close_does_not() {
    let delay = Duration::from_millis(300);
    let (mut session, mut events) = session();
    let addr = open_server(&mut session, &mut events).await;
    session.set_auto_reply(AutoReply {
        rules: vec![rule(b"PING", b"PONG")],
        delay,
        ..AutoReply::default()
    });
    let mut device = TcpStream::connect(addr).await.unwrap();
    joined(&mut events).await;
    let asked = std::time::Instant::now();
    device.write_all(b"PING").await.unwrap();
    assert_eq!(common::read_exactly(&mut device, 4).await, b"PONG");
    assert!(
        asked.elapsed() >= delay,
        "answered after {:?}",
        asked.elapsed()
    );

    // A delay far longer than the test: Close ends the session at once all the same.
    session.set_auto_reply(AutoReply {
        echo: true,
        delay: Duration::from_mins(10),
        ..AutoReply::default()
    });
    device.write_all(b"x").await.unwrap();
    // That read itself (the PING's is still in the queue): with "x" read, the close is clean.
    wait_for(
        &mut events,
        "the read",
        |k| matches!(k, EventKind::Received { bytes, .. } if &bytes[..] == b"x"),
    )
    .await;
    session.close();
    common::closed_by_user(&mut events, "closed").await;
    let mut rest = Vec::new();
    tokio::time::timeout(WAIT, device.read_to_end(&mut rest))
        .await
        .expect("the connection ended")
        .unwrap();
    assert!(rest.is_empty(), "nothing was answered: {rest:?}");
}

/// UDP goes on receiving while answers wait: each datagram is answered, each no sooner than
/// the delay after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn udp_answers_each_datagram_after_the_delay_and_keeps_receiving() {
    // Long enough that both datagrams are surely read before the first answer is due.
    let delay = Duration::from_secs(2);
    let (mut session, mut events) = session();
    let addr = open_udp(&mut session, &mut events).await;
    session.set_auto_reply(AutoReply {
        echo: true,
        delay,
        ..AutoReply::default()
    });
    let device = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let asked = std::time::Instant::now();
    device.send_to(b"one", addr).await.unwrap();
    device.send_to(b"two", addr).await.unwrap();
    let mut received = Vec::new();
    while received.len() < 2 {
        let event = wait_for(&mut events, "a datagram", |k| {
            matches!(k, EventKind::Datagrams(_))
        })
        .await;
        if let EventKind::Datagrams(datagrams) = event.kind {
            received.extend(datagrams.into_iter().map(|(_, bytes)| bytes));
        }
    }
    assert_eq!(received, [&b"one"[..], b"two"]);
    // The second was read while the first answer waited.
    let mut buffer = [0; 16];
    assert!(device.try_recv_from(&mut buffer).is_err(), "answered early");
    let mut answers = Vec::new();
    for _ in 0..2 {
        let (len, _) = tokio::time::timeout(WAIT, device.recv_from(&mut buffer))
            .await
            .expect("an answer")
            .unwrap();
        answers.push(buffer[..len].to_vec());
    }
    assert!(asked.elapsed() >= delay);
    assert_eq!(answers, [b"one".to_vec(), b"two".to_vec()]);
}

/// A flood answered late: UDP goes on reading, and answers past the limit are dropped with a
/// message instead of piling up in memory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_answered_late_drops_answers_past_the_limit_and_says_so() {
    let (mut session, mut events) = session();
    let addr = open_udp(&mut session, &mut events).await;
    session.set_auto_reply(AutoReply {
        echo: true,
        delay: Duration::from_mins(10),
        ..AutoReply::default()
    });
    let device = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let datagram = vec![0x55; 60_000];
    // Twice the limit, paced so the kernel's receive buffer keeps up.
    let count = 2 * netdebug::net::DELAYED_REPLY_LIMIT / datagram.len();
    for i in 0..count {
        device.send_to(&datagram, addr).await.unwrap();
        if i % 20 == 19 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    let event = wait_for(&mut events, "answers dropped", |k| {
        matches!(
            k,
            EventKind::Error(netdebug::net::NetError::RepliesDropped { .. })
        )
    })
    .await;
    let message = match event.kind {
        EventKind::Error(error) => error.to_string(),
        _ => unreachable!(),
    };
    assert!(message.contains("16 MiB"), "{message}");
    // Said once, not once per datagram; nothing answered yet, and Close sends none of it.
    session.close();
    let mut said_again = 0;
    loop {
        match common::next_event(&mut events, "closed").await.kind {
            EventKind::Error(netdebug::net::NetError::RepliesDropped { .. }) => said_again += 1,
            EventKind::Closed { .. } => break,
            _ => {}
        }
    }
    assert_eq!(said_again, 0);
    let mut buffer = [0; 16];
    assert!(device.try_recv_from(&mut buffer).is_err(), "answered early");
}

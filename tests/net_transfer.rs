//! Cycle send and send-from-file over real loopback sockets.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use common::{connected_client, open_server, open_udp, session, wait_for};
use netdebug::net::{Endpoint, EventKind, FilePacing, SendTarget};
use tokio::net::UdpSocket;

/// On tokio's paused clock, a 10 ms cycle for one virtual second sends once per tick, no more
/// and no fewer: the schedule does not drift however long each send takes.
#[tokio::test(start_paused = true)]
async fn cycle_send_keeps_its_schedule_on_a_paused_clock() {
    let (mut session, mut events) = session();
    let _local = open_udp(&mut session, &mut events).await;
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let target = Endpoint::new("127.0.0.1", peer.local_addr().unwrap().port());

    let started = tokio::time::Instant::now();
    let sends = session
        .start_cycle(
            SendTarget::Datagram(target),
            vec![Bytes::from_static(b"tick")],
            Duration::from_millis(10),
            None,
        )
        .unwrap();
    tokio::time::sleep(Duration::from_millis(995)).await;
    session.stop_cycle();
    let count = sends.load(Ordering::Relaxed);
    // Ticks at 0, 10, ..., 990 ms.
    assert_eq!(count, 100, "after {:?}", started.elapsed());
    let stopped = wait_for(&mut events, "cycle stopped", |k| {
        matches!(k, EventKind::CycleStopped { .. })
    })
    .await;
    assert!(matches!(
        stopped.kind,
        EventKind::CycleStopped { sends: 100 }
    ));

    let mut got = 0;
    let mut buf = [0u8; 16];
    while let Ok(Ok((n, _))) =
        tokio::time::timeout(Duration::from_millis(50), peer.recv_from(&mut buf)).await
    {
        assert_eq!(&buf[..n], b"tick");
        got += 1;
    }
    assert_eq!(got, 100, "the peer got every send");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cycle_send_stops_on_an_error() {
    let (mut session, mut events) = session();
    open_server(&mut session, &mut events).await;
    // No client: the first send fails, and the cycle stops by itself.
    session
        .start_cycle(
            SendTarget::AllClients,
            vec![Bytes::from_static(b"x")],
            Duration::from_millis(1),
            None,
        )
        .unwrap();
    let stopped = wait_for(&mut events, "cycle stopped", |k| {
        matches!(k, EventKind::CycleStopped { .. })
    })
    .await;
    assert!(matches!(stopped.kind, EventKind::CycleStopped { sends: 0 }));
}

/// A cycle with a count stops by itself after that many sends, and says so.
#[tokio::test(start_paused = true)]
async fn cycle_send_stops_after_the_count_given() {
    let (mut session, mut events) = session();
    let _local = open_udp(&mut session, &mut events).await;
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let target = Endpoint::new("127.0.0.1", peer.local_addr().unwrap().port());
    let payloads = ["A", "B"].map(|p| Bytes::from_static(p.as_bytes()));
    let sends = session
        .start_cycle(
            SendTarget::Datagram(target),
            payloads.to_vec(),
            Duration::from_millis(10),
            Some(5),
        )
        .unwrap();
    let stopped = wait_for(&mut events, "cycle stopped", |k| {
        matches!(k, EventKind::CycleStopped { .. })
    })
    .await;
    assert!(matches!(stopped.kind, EventKind::CycleStopped { sends: 5 }));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(sends.load(Ordering::Relaxed), 5);
    let mut got = Vec::new();
    let mut buf = [0u8; 4];
    while let Ok(Ok((n, _))) =
        tokio::time::timeout(Duration::from_millis(50), peer.recv_from(&mut buf)).await
    {
        got.push(String::from_utf8(buf[..n].to_vec()).unwrap());
    }
    assert_eq!(got, ["A", "B", "A", "B", "A"]);
}

/// Several payloads take turns: the first, the second, the third, the first again.
#[tokio::test(start_paused = true)]
async fn cycle_send_takes_its_payloads_in_turn() {
    let (mut session, mut events) = session();
    let _local = open_udp(&mut session, &mut events).await;
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let target = Endpoint::new("127.0.0.1", peer.local_addr().unwrap().port());
    let payloads = ["READ 1", "READ 2", "STATUS"].map(|p| Bytes::from_static(p.as_bytes()));
    session
        .start_cycle(
            SendTarget::Datagram(target),
            payloads.to_vec(),
            Duration::from_millis(10),
            None,
        )
        .unwrap();
    // Ticks at 0, 10, ..., 60 ms: seven sends.
    tokio::time::sleep(Duration::from_millis(65)).await;
    session.stop_cycle();
    let mut got = Vec::new();
    let mut buf = [0u8; 16];
    while let Ok(Ok((n, _))) =
        tokio::time::timeout(Duration::from_millis(50), peer.recv_from(&mut buf)).await
    {
        got.push(String::from_utf8(buf[..n].to_vec()).unwrap());
    }
    assert_eq!(
        got,
        [
            "READ 1", "READ 2", "STATUS", "READ 1", "READ 2", "STATUS", "READ 1"
        ]
    );
}

/// Waits for the file send's end: whether it was complete, and the bytes sent.
async fn file_done(events: &mut netdebug::net::EventReceiver) -> (bool, u64) {
    let done = wait_for(events, "file done", |k| {
        matches!(k, EventKind::FileDone { .. })
    })
    .await;
    match done.kind {
        EventKind::FileDone { complete, sent, .. } => (complete, sent),
        other => panic!("expected FileDone, got {other:?}"),
    }
}

fn temp_file(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("netdebug-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_streams_byte_exact_with_progress() {
    let (mut session, mut events, mut peer) = connected_client().await;

    let contents: Vec<u8> = (0..3_000_000u32).map(|i| (i % 253) as u8).collect();
    let path = temp_file("send.bin", &contents);
    let progress = session
        .send_file(SendTarget::Connected, path.clone(), FilePacing::default())
        .unwrap();
    let got = common::read_exactly(&mut peer, contents.len()).await;
    assert_eq!(progress.total(), Some(contents.len() as u64));
    assert!(got == contents, "the peer got the file exactly");
    assert_eq!(file_done(&mut events).await, (true, 3_000_000));
    assert_eq!(progress.sent(), 3_000_000);
    std::fs::remove_file(path).unwrap();
}

/// A file cut into packets of a set size, with a pause between them, as a device with a small
/// buffer needs: every datagram but the last has exactly that size, the bytes are the file's,
/// and the packets are no closer together than the interval.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_goes_in_packets_of_the_size_and_interval_given() {
    let (mut session, mut events) = session();
    open_udp(&mut session, &mut events).await;
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let target = Endpoint::new("127.0.0.1", peer.local_addr().unwrap().port());
    let contents: Vec<u8> = (0..1050u32).map(|i| (i % 251) as u8).collect();
    let path = temp_file("paced.bin", &contents);
    let interval = Duration::from_millis(10);
    let pacing = FilePacing {
        packet_size: 100,
        interval,
    };
    session
        .send_file(SendTarget::Datagram(target), path.clone(), pacing)
        .unwrap();
    let mut got = Vec::new();
    let mut sizes = Vec::new();
    let mut arrivals = Vec::new();
    let mut buf = [0u8; 2048];
    while got.len() < contents.len() {
        let (n, _) = tokio::time::timeout(common::WAIT, peer.recv_from(&mut buf))
            .await
            .expect("the file stopped part way")
            .unwrap();
        arrivals.push(std::time::Instant::now());
        sizes.push(n);
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(
        sizes,
        [100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 50]
    );
    assert!(got == contents, "the peer got the file exactly");
    // Ten intervals from the first packet to the last; nine, should the first one have been
    // late (a lower bound: a busy machine only makes the rest later).
    let spread = arrivals[10] - arrivals[0];
    assert!(spread >= interval * 9, "{spread:?}");
    assert_eq!(file_done(&mut events).await, (true, 1050));
    std::fs::remove_file(path).unwrap();
}

/// Over TCP the packets are separate writes of the size given (the peer's reads may join
/// them, as TCP does): the log shows one send per packet.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tcp_file_is_written_in_packets_of_the_size_given() {
    let (mut session, mut events, mut peer) = connected_client().await;
    let contents = b"0123456789abcdefghijklmnopqrstu".to_vec();
    let path = temp_file("packets.bin", &contents);
    let pacing = FilePacing {
        packet_size: 8,
        interval: Duration::from_millis(1),
    };
    session
        .send_file(SendTarget::Connected, path.clone(), pacing)
        .unwrap();
    let got = common::read_exactly(&mut peer, contents.len()).await;
    assert_eq!(got, contents);
    let mut writes = Vec::new();
    while writes.iter().sum::<usize>() < contents.len() {
        let sent = wait_for(&mut events, "a packet sent", |k| {
            matches!(k, EventKind::Sent { .. })
        })
        .await;
        if let EventKind::Sent { bytes, .. } = sent.kind {
            writes.push(bytes.len());
        }
    }
    assert_eq!(writes, [8, 8, 8, 7]);
    std::fs::remove_file(path).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_send_can_be_cancelled() {
    // The peer never reads, so the send stalls once the socket buffers are full.
    let (mut session, mut events, _peer) = connected_client().await;
    let path = temp_file("big.bin", &vec![7u8; 64 * 1024 * 1024]);
    let progress = session
        .send_file(SendTarget::Connected, path.clone(), FilePacing::default())
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    session.cancel_file();
    let (complete, sent) = file_done(&mut events).await;
    assert!(!complete);
    assert!(sent < progress.total().unwrap(), "stopped part way: {sent}");
    std::fs::remove_file(path).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_file_is_reported_and_nothing_is_sent() {
    let (mut session, mut events) = session();
    open_udp(&mut session, &mut events).await;
    // Opened on the runtime, so the caller (the window's thread) never waits for the disk.
    let progress = session
        .send_file(
            SendTarget::LastSender,
            "/no/such/file.bin".into(),
            FilePacing::default(),
        )
        .unwrap();
    let error = wait_for(&mut events, "the file's error", |k| {
        matches!(k, EventKind::Error(_))
    })
    .await;
    let EventKind::Error(error) = error.kind else {
        unreachable!()
    };
    assert!(
        error.to_string().contains("cannot read /no/such/file.bin"),
        "{error}"
    );
    assert_eq!(file_done(&mut events).await, (false, 0));
    assert_eq!((progress.sent(), progress.total()), (0, None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_stops_a_cycle_send() {
    let (mut session, mut events) = session();
    open_udp(&mut session, &mut events).await;
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let target = Endpoint::new("127.0.0.1", peer.local_addr().unwrap().port());
    let sends = session
        .start_cycle(
            SendTarget::Datagram(target),
            vec![Bytes::from_static(b"x")],
            Duration::from_millis(5),
            None,
        )
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    session.close();
    wait_for(&mut events, "cycle stopped", |k| {
        matches!(k, EventKind::CycleStopped { .. })
    })
    .await;
    let at_close = sends.load(Ordering::Relaxed);
    assert!(at_close > 0);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        sends.load(Ordering::Relaxed),
        at_close,
        "nothing is sent after Close"
    );
}

/// A file going out over UDP as fast as it can does not stop the socket reading: what a
/// device sends meanwhile is reported while the file is still going, not held back until it
/// has gone (the session takes the owner's sends before reads, but a file's next packet only
/// comes once the last one is written, so reads get their turn in between).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn udp_goes_on_reading_while_a_file_goes_out_at_full_speed() {
    let (mut session, mut events) = session();
    let addr = open_udp(&mut session, &mut events).await;
    let sink = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let target = Endpoint::new("127.0.0.1", sink.local_addr().unwrap().port());
    let path = temp_file("flood.bin", &vec![0x5A; 32 << 20]);
    session
        .send_file(
            SendTarget::Datagram(target),
            path.clone(),
            FilePacing::default(),
        )
        .unwrap();
    let device = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let sender = tokio::spawn(async move {
        for i in 0..50u32 {
            device.send_to(&i.to_be_bytes(), addr).await.unwrap();
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
    let mut heard = 0;
    let heard_while_sending = loop {
        match common::next_event(&mut events, "the file to go").await.kind {
            EventKind::Datagrams(datagrams) => heard += datagrams.len(),
            EventKind::FileDone { complete, .. } => {
                assert!(complete);
                break heard;
            }
            _ => {}
        }
    };
    sender.await.unwrap();
    while heard < 50 {
        if let EventKind::Datagrams(datagrams) =
            common::next_event(&mut events, "the rest").await.kind
        {
            heard += datagrams.len();
        }
    }
    assert!(
        heard_while_sending > 0,
        "nothing was read while the file went out"
    );
    std::fs::remove_file(path).unwrap();
}

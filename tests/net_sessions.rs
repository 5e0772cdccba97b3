//! Several sessions of one engine at once, over real loopback sockets: each gets exactly its
//! own bytes, events and file; closing one frees its port and leaves the others working; a
//! flood into one does not hold up another.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use common::{WAIT, read_exactly};
use netdebug::net::{
    AutoReply, CaptureFormat, Endpoint, Engine, Event, EventKind, EventReceiver, SendTarget,
    Session, SessionConfig, SessionId,
};
use tokio::io::AsyncWriteExt as _;

/// An engine on the current runtime that wakes no one.
fn engine() -> (Engine, EventReceiver) {
    Engine::new(tokio::runtime::Handle::current(), Arc::new(|_| {}))
}

/// The events of one engine, sorted by the session they came from.
#[derive(Default)]
struct Sorted {
    by_session: HashMap<SessionId, Vec<Event>>,
}

impl Sorted {
    /// Drains events until `done` holds for what has arrived (or [`WAIT`] passes).
    async fn until(
        &mut self,
        events: &mut EventReceiver,
        what: &str,
        done: impl Fn(&Self) -> bool,
    ) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while !done(self) {
            let event = tokio::time::timeout_at(deadline, events.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
                .expect("the engine is gone");
            self.by_session
                .entry(event.session)
                .or_default()
                .push(event);
        }
    }

    fn of(&self, session: SessionId) -> &[Event] {
        self.by_session.get(&session).map_or(&[], Vec::as_slice)
    }

    /// The bytes `session` received, in order (TCP reads and datagrams alike).
    fn received(&self, session: SessionId) -> Vec<u8> {
        let mut got = Vec::new();
        for event in self.of(session) {
            match &event.kind {
                EventKind::Received { bytes, .. } => got.extend_from_slice(bytes),
                EventKind::Datagrams(datagrams) => {
                    for (_, bytes) in datagrams {
                        got.extend_from_slice(bytes);
                    }
                }
                _ => {}
            }
        }
        got
    }

    /// How many datagrams `session` received.
    fn datagrams(&self, session: SessionId) -> usize {
        self.of(session)
            .iter()
            .map(|event| match &event.kind {
                EventKind::Datagrams(datagrams) => datagrams.len(),
                _ => 0,
            })
            .sum()
    }

    /// The local address `session` listens or is bound on, once it says so.
    fn local(&self, session: SessionId) -> Option<SocketAddr> {
        self.of(session).iter().find_map(|event| match event.kind {
            EventKind::Listening { local } | EventKind::Bound { local, .. } => Some(local),
            _ => None,
        })
    }

    fn has(&self, session: SessionId, matches: impl Fn(&EventKind) -> bool) -> bool {
        self.of(session).iter().any(|event| matches(&event.kind))
    }
}

fn tcp_server() -> SessionConfig {
    SessionConfig::TcpServer {
        local: Endpoint::new("127.0.0.1", 0),
        tls: None,
    }
}

fn udp() -> SessionConfig {
    SessionConfig::Udp {
        local: Endpoint::new("127.0.0.1", 0),
        multicast: None,
    }
}

/// Opens `config` in `session` and waits until it listens or is bound; its id and address.
async fn open(
    session: &mut Session,
    config: SessionConfig,
    events: &mut EventReceiver,
    sorted: &mut Sorted,
) -> (SessionId, SocketAddr) {
    let id = session.open(config);
    sorted
        .until(events, "the session to open", |s| s.local(id).is_some())
        .await;
    (id, sorted.local(id).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tcp_server_and_a_udp_socket_each_get_only_their_own_bytes_and_file() {
    let (engine, mut events) = engine();
    let mut sorted = Sorted::default();
    let dir = std::env::temp_dir();
    let tcp_file = dir.join(format!("netdebug-two-sessions-tcp-{}", std::process::id()));
    let udp_file = dir.join(format!("netdebug-two-sessions-udp-{}", std::process::id()));
    let mut server = engine.session();
    let mut socket = engine.session();
    server.start_capture(&tcp_file, CaptureFormat::Raw).unwrap();
    socket.start_capture(&udp_file, CaptureFormat::Raw).unwrap();
    let (server_id, server_addr) = open(&mut server, tcp_server(), &mut events, &mut sorted).await;
    let (udp_id, udp_addr) = open(&mut socket, udp(), &mut events, &mut sorted).await;
    assert_ne!(server_id, udp_id);

    let mut client = tokio::net::TcpStream::connect(server_addr).await.unwrap();
    client.write_all(b"over TCP").await.unwrap();
    let device = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    device.send_to(b"over UDP", udp_addr).await.unwrap();
    sorted
        .until(&mut events, "both payloads", |s| {
            s.received(server_id).len() == 8 && s.received(udp_id).len() == 8
        })
        .await;
    assert_eq!(sorted.received(server_id), b"over TCP");
    assert_eq!(sorted.received(udp_id), b"over UDP");

    // Sends go out of the session they were given to, and are reported by it alone.
    server
        .send(SendTarget::AllClients, &b"from the server"[..])
        .unwrap();
    let device_port = device.local_addr().unwrap().port();
    socket
        .send(
            SendTarget::Datagram(Endpoint::new("127.0.0.1", device_port)),
            &b"from UDP"[..],
        )
        .unwrap();
    assert_eq!(read_exactly(&mut client, 15).await, b"from the server");
    let mut datagram = [0; 64];
    let (len, from) = tokio::time::timeout(WAIT, device.recv_from(&mut datagram))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((&datagram[..len], from), (&b"from UDP"[..], udp_addr));
    sorted
        .until(&mut events, "both sends reported", |s| {
            s.has(server_id, |k| matches!(k, EventKind::Sent { .. }))
                && s.has(udp_id, |k| matches!(k, EventKind::Sent { .. }))
        })
        .await;
    for (id, other) in [(server_id, udp_id), (udp_id, server_id)] {
        let sent_to: Vec<SocketAddr> = sorted
            .of(id)
            .iter()
            .filter_map(|event| match event.kind {
                EventKind::Sent { peer, .. } => Some(peer),
                _ => None,
            })
            .collect();
        assert_eq!(sent_to.len(), 1, "{id} reports its own send only");
        assert!(!sorted.of(other).is_empty());
    }

    let tcp_written = server.stop_capture().unwrap().wait().unwrap();
    let udp_written = socket.stop_capture().unwrap().wait().unwrap();
    assert_eq!((tcp_written, udp_written), (8, 8));
    assert_eq!(std::fs::read(&tcp_file).unwrap(), b"over TCP");
    assert_eq!(std::fs::read(&udp_file).unwrap(), b"over UDP");
    std::fs::remove_file(tcp_file).unwrap();
    std::fs::remove_file(udp_file).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_session_talks_to_a_server_session_of_the_same_engine() {
    let (engine, mut events) = engine();
    let mut sorted = Sorted::default();
    let mut server = engine.session();
    let mut client = engine.session();
    let (server_id, server_addr) = open(&mut server, tcp_server(), &mut events, &mut sorted).await;
    let client_id = client.open(SessionConfig::TcpClient {
        remote: Endpoint::new("127.0.0.1", server_addr.port()),
        timeout: Duration::from_secs(5),
        local_port: 0,
        tls: None,
    });
    sorted
        .until(&mut events, "connected and joined", |s| {
            s.has(client_id, |k| matches!(k, EventKind::Connected { .. }))
                && s.has(server_id, |k| matches!(k, EventKind::PeerJoined { .. }))
        })
        .await;
    client
        .send(SendTarget::Connected, &b"client to server"[..])
        .unwrap();
    server
        .send(SendTarget::AllClients, &b"server to client"[..])
        .unwrap();
    sorted
        .until(&mut events, "both ways", |s| {
            s.received(server_id).len() == 16 && s.received(client_id).len() == 16
        })
        .await;
    assert_eq!(sorted.received(server_id), b"client to server");
    assert_eq!(sorted.received(client_id), b"server to client");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_one_session_frees_its_port_and_the_other_keeps_working() {
    let (engine, mut events) = engine();
    let mut sorted = Sorted::default();
    let mut first = engine.session();
    let mut second = engine.session();
    let (first_id, first_addr) = open(&mut first, tcp_server(), &mut events, &mut sorted).await;
    let (second_id, second_addr) = open(&mut second, udp(), &mut events, &mut sorted).await;

    first.close().unwrap().wait().await;
    sorted
        .until(&mut events, "the first to close", |s| {
            s.has(first_id, |k| matches!(k, EventKind::Closed { .. }))
        })
        .await;
    // The port is free: a plain listener takes it at once.
    let again = std::net::TcpListener::bind(first_addr).expect("the closed session's port");
    drop(again);

    let device = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    device.send_to(b"still here", second_addr).await.unwrap();
    sorted
        .until(&mut events, "the second still receiving", |s| {
            s.received(second_id) == b"still here"
        })
        .await;
    assert!(!sorted.has(second_id, |k| matches!(k, EventKind::Closed { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_into_one_session_loses_nothing_while_another_echoes() {
    const BURST: u32 = 100_000;
    const ECHOES: usize = 200;
    let (engine, mut events) = engine();
    let mut sorted = Sorted::default();
    let mut flooded = engine.session();
    let mut echoing = engine.session();
    echoing.set_auto_reply(AutoReply {
        echo: true,
        ..AutoReply::default()
    });
    let (flooded_id, flooded_addr) = open(&mut flooded, udp(), &mut events, &mut sorted).await;
    let (echo_id, echo_addr) = open(&mut echoing, tcp_server(), &mut events, &mut sorted).await;

    // The burst: numbered datagrams in slices the kernel's receive buffer can hold while the
    // session catches up, so any loss would be the engine's.
    let burst = std::thread::spawn(move || {
        let device = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        for slice in (0..BURST).collect::<Vec<_>>().chunks(100) {
            for i in slice {
                device.send_to(&i.to_be_bytes(), flooded_addr).unwrap();
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    });
    // Meanwhile a client of the other session sends lines and reads every echo.
    let echoes = tokio::spawn(async move {
        let mut client = tokio::net::TcpStream::connect(echo_addr).await.unwrap();
        for i in 0..ECHOES {
            let line = format!("line {i:04}\n");
            client.write_all(line.as_bytes()).await.unwrap();
            assert_eq!(read_exactly(&mut client, line.len()).await, line.as_bytes());
        }
    });
    // The owner drains as a window would, sorting what it gets, until the burst has come.
    let deadline = tokio::time::Instant::now() + WAIT * 3;
    while sorted.datagrams(flooded_id) < BURST as usize {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} of {BURST} datagrams arrived",
            sorted.datagrams(flooded_id)
        );
        tokio::time::sleep(Duration::from_millis(16)).await;
        for event in events.drain() {
            sorted
                .by_session
                .entry(event.session)
                .or_default()
                .push(event);
        }
    }
    burst.join().unwrap();
    tokio::time::timeout(WAIT, echoes).await.unwrap().unwrap();
    let numbers: Vec<u32> = sorted
        .received(flooded_id)
        .chunks(4)
        .map(|n| u32::from_be_bytes(n.try_into().unwrap()))
        .collect();
    assert_eq!(
        numbers,
        (0..BURST).collect::<Vec<_>>(),
        "every datagram, in order"
    );
    sorted
        .until(&mut events, "every line the echoing session got", |s| {
            s.received(echo_id).len() == ECHOES * 10
        })
        .await;
    assert_eq!(sorted.datagrams(echo_id), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_target_that_cannot_be_created_fails_on_its_own_thread_and_says_why() {
    let (engine, _events) = engine();
    let mut session = engine.session();
    let nowhere = std::env::temp_dir()
        .join(format!("netdebug-no-such-dir-{}", std::process::id()))
        .join("received.bin");
    // The caller is not held up by the file: the writer's thread creates it.
    let progress = session.start_capture(&nowhere, CaptureFormat::Raw).unwrap();
    let start = std::time::Instant::now();
    while !progress.failed() {
        assert!(start.elapsed() < WAIT, "the failure never showed");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let error = session.stop_capture().unwrap().wait().unwrap_err();
    assert!(
        error
            .to_string()
            .contains(&format!("cannot create {}", nowhere.display())),
        "{error}"
    );
    assert!(!nowhere.exists());
}

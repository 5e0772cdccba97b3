//! Helpers shared by the loopback integration tests.
#![allow(dead_code)]

pub mod pcap;
pub mod relay;
pub mod tls;
pub mod xvfb;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use netdebug::net::{Endpoint, Engine, Event, EventKind, EventReceiver, Session, SessionConfig};

/// Reads exactly `len` bytes from a peer's `stream` (plain or TLS), within [`WAIT`].
pub async fn read_exactly(stream: &mut (impl tokio::io::AsyncRead + Unpin), len: usize) -> Vec<u8> {
    use tokio::io::AsyncReadExt as _;
    let mut got = vec![0; len];
    tokio::time::timeout(WAIT, stream.read_exact(&mut got))
        .await
        .expect("the peer's read timed out")
        .expect("the peer's read failed");
    got
}

/// A port on 127.0.0.1 that was free a moment ago (bound, then let go): nobody listens on it.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Connects to `port` on 127.0.0.1 once something listens there (within 30 s), for a program
/// started a moment ago.
pub fn connect_when_listening(port: u16) -> std::net::TcpStream {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        match std::net::TcpStream::connect(("127.0.0.1", port)) {
            Ok(peer) => return peer,
            Err(error) if std::time::Instant::now() > deadline => {
                panic!("never listened: {error}")
            }
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// Upper bound on any single wait in a test: long enough for a loaded CI machine, short enough
/// that a broken test fails instead of hanging.
pub const WAIT: Duration = Duration::from_secs(10);

/// A runtime like the app's: two worker threads, I/O and timers on.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Runs `test` on `cases` random sequences drawn from `strategy` (a model test). A failure is
/// shrunk only a little: each case drives real sockets or a window, and a failing one may
/// wait out [`WAIT`].
pub fn check_sequences<T: std::fmt::Debug + Clone>(
    cases: u32,
    strategy: impl proptest::strategy::Strategy<Value = Vec<T>>,
    test: impl Fn(Vec<T>),
) {
    let config = proptest::test_runner::Config {
        cases,
        max_shrink_iters: 24,
        ..proptest::test_runner::Config::default()
    };
    proptest::test_runner::TestRunner::new(config)
        .run(&strategy, |sequence| {
            test(sequence);
            Ok(())
        })
        .unwrap();
}

/// A session of an engine on the current tokio runtime that wakes no one.
pub fn session() -> (Session, EventReceiver) {
    let (engine, events) = Engine::new(tokio::runtime::Handle::current(), Arc::new(|_| {}));
    (engine.session(), events)
}

/// The next event, or a panic naming what was awaited.
pub async fn next_event(events: &mut EventReceiver, what: &str) -> Event {
    tokio::time::timeout(WAIT, events.recv())
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
        .unwrap_or_else(|| panic!("event channel closed while waiting for {what}"))
}

/// Skips events until one matches, returning it.
pub async fn wait_for(
    events: &mut EventReceiver,
    what: &str,
    mut matches: impl FnMut(&EventKind) -> bool,
) -> Event {
    loop {
        let event = next_event(events, what).await;
        if matches(&event.kind) {
            return event;
        }
    }
}

/// Waits for the session's `Closed` event ("what" names it if it never comes).
pub async fn wait_closed(events: &mut EventReceiver, what: &str) -> Event {
    wait_for(events, what, |k| matches!(k, EventKind::Closed { .. })).await
}

/// Waits for the session's `Closed` event and checks that it was closed by the owner.
pub async fn closed_by_user(events: &mut EventReceiver, what: &str) {
    let closed = wait_closed(events, what).await;
    assert!(
        matches!(
            closed.kind,
            EventKind::Closed {
                reason: netdebug::net::CloseReason::ByUser
            }
        ),
        "{what}: {closed:?}"
    );
}

/// Collects received bytes (from any peer) until `len` bytes have arrived.
pub async fn receive_bytes(events: &mut EventReceiver, len: usize) -> Vec<u8> {
    let mut got = Vec::new();
    while got.len() < len {
        match next_event(events, "received bytes").await.kind {
            EventKind::Received { bytes, .. } => got.extend_from_slice(&bytes),
            EventKind::Datagrams(datagrams) => {
                for (_, bytes) in datagrams {
                    got.extend_from_slice(&bytes);
                }
            }
            _ => {}
        }
    }
    got
}

/// Waits until the server listens; its address.
pub async fn listening(events: &mut EventReceiver) -> SocketAddr {
    match wait_for(events, "listening", |k| {
        matches!(k, EventKind::Listening { .. } | EventKind::Closed { .. })
    })
    .await
    .kind
    {
        EventKind::Listening { local } => local,
        other => panic!("expected Listening, got {other:?}"),
    }
}

/// Waits until the UDP socket is bound; its address.
pub async fn bound(events: &mut EventReceiver) -> SocketAddr {
    match wait_for(events, "bound", |k| {
        matches!(k, EventKind::Bound { .. } | EventKind::Closed { .. })
    })
    .await
    .kind
    {
        EventKind::Bound { local, .. } => local,
        other => panic!("expected Bound, got {other:?}"),
    }
}

/// Waits until a client joins the server; its address.
pub async fn joined(events: &mut EventReceiver) -> SocketAddr {
    match wait_for(events, "client joined", |k| {
        matches!(k, EventKind::PeerJoined { .. })
    })
    .await
    .kind
    {
        EventKind::PeerJoined { peer } => peer,
        other => panic!("expected PeerJoined, got {other:?}"),
    }
}

/// Opens a TCP client session to `host:port` with a 5 s connect timeout.
pub fn open_client(session: &mut Session, host: &str, port: u16) {
    session.open(SessionConfig::TcpClient {
        remote: Endpoint::new(host, port),
        timeout: Duration::from_secs(5),
        local_port: 0,
        tls: None,
    });
}

/// Waits until the client session reports it is connected.
pub async fn connected(events: &mut EventReceiver) {
    wait_for(events, "connected", |k| {
        matches!(k, EventKind::Connected { .. })
    })
    .await;
}

/// A session whose TCP client session is connected to a fresh loopback listener; the
/// listener's end of the connection.
pub async fn connected_client() -> (Session, EventReceiver, tokio::net::TcpStream) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (mut session, mut events) = session();
    open_client(
        &mut session,
        "127.0.0.1",
        listener.local_addr().unwrap().port(),
    );
    let (peer, _) = tokio::time::timeout(WAIT, listener.accept())
        .await
        .expect("the client never connected")
        .unwrap();
    connected(&mut events).await;
    (session, events, peer)
}

/// Opens a TCP server on 127.0.0.1 port 0 and returns the address it listens on.
pub async fn open_server(session: &mut Session, events: &mut EventReceiver) -> SocketAddr {
    session.open(SessionConfig::TcpServer {
        local: Endpoint::new("127.0.0.1", 0),
        tls: None,
    });
    listening(events).await
}

/// Opens a UDP session on 127.0.0.1 port 0 and returns the bound address.
pub async fn open_udp(session: &mut Session, events: &mut EventReceiver) -> SocketAddr {
    open_udp_on(session, events, "127.0.0.1").await
}

/// Opens a UDP session on `local` port 0 and returns the bound address.
pub async fn open_udp_on(
    session: &mut Session,
    events: &mut EventReceiver,
    local: &str,
) -> SocketAddr {
    session.open(SessionConfig::Udp {
        local: Endpoint::new(local, 0),
        multicast: None,
    });
    bound(events).await
}

/// Opens a UDP session on `local` port 0 that joins `group`, waits until it has, and returns
/// the port it listens on.
pub async fn open_group_member(
    session: &mut Session,
    events: &mut EventReceiver,
    local: &str,
    group: std::net::IpAddr,
) -> u16 {
    session.open(SessionConfig::Udp {
        local: Endpoint::new(local, 0),
        multicast: Some(group),
    });
    let port = bound(events).await.port();
    let joined = wait_for(events, "joined the group", |k| {
        matches!(k, EventKind::JoinedGroup { .. })
    })
    .await;
    assert!(matches!(joined.kind, EventKind::JoinedGroup { group: g } if g == group));
    port
}

/// The next datagram the session reports, with its source.
pub async fn next_datagram(events: &mut EventReceiver) -> (SocketAddr, Vec<u8>) {
    loop {
        if let EventKind::Datagrams(datagrams) = next_event(events, "a datagram").await.kind
            && let Some((peer, bytes)) = datagrams.into_iter().next()
        {
            return (peer, bytes.to_vec());
        }
    }
}

/// For a test that needs something this machine may lack (root, a display): passes with a
/// note on stderr when `why` says it is missing, unless the environment variable `required`
/// is set (as `.ci/run` sets it where the machine has it), in which case it fails.
pub fn skip_unless_required(required: &str, why: &str) {
    assert!(
        std::env::var_os(required).is_none(),
        "{required} is set but this test cannot run here: {why}"
    );
    eprintln!("skipped: {why}");
}

/// A listener whose backlog is full: on Linux, new handshakes to it never complete, so a
/// connect hangs until the caller gives up. The returned sockets must stay alive.
pub fn unanswering_listener() -> (SocketAddr, Vec<socket2::Socket>) {
    use socket2::{Domain, Socket, Type};
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let any_port = SocketAddr::from(([127, 0, 0, 1], 0));
    listener.bind(&any_port.into()).unwrap();
    listener.listen(0).unwrap();
    let addr = listener.local_addr().unwrap().as_socket().unwrap();
    let mut keep = vec![listener];
    for _ in 0..4 {
        let filler = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        filler.set_nonblocking(true).unwrap();
        let _ = filler.connect(&addr.into());
        keep.push(filler);
    }
    std::thread::sleep(Duration::from_millis(100));
    (addr, keep)
}

/// The size of the chunks [`send_counted`] writes.
pub const CHUNK: usize = 1 << 20;

/// Chunk `i` of a counted send: bytes counting up from a start that differs from chunk to
/// chunk, so a lost or repeated chunk shows.
pub fn numbered_chunk(i: usize) -> Vec<u8> {
    (0..=255u8).cycle().skip(i * 7 % 256).take(CHUNK).collect()
}

/// Writes `total` bytes of [`numbered_chunk`]s to `stream` from a plain blocking thread; the
/// bytes the kernel has taken so far, and the thread.
pub fn send_counted(
    mut stream: std::net::TcpStream,
    total: usize,
) -> (Arc<AtomicUsize>, std::thread::JoinHandle<()>) {
    use std::io::Write as _;
    let written = Arc::new(AtomicUsize::new(0));
    let progress = Arc::clone(&written);
    let sender = std::thread::spawn(move || {
        for i in 0..total / CHUNK {
            stream.write_all(&numbered_chunk(i)).unwrap();
            progress.fetch_add(CHUNK, Ordering::Relaxed);
        }
    });
    (written, sender)
}

/// Waits until a counted send makes no progress for 300 ms; how far it got.
pub async fn wait_until_stalled(written: &AtomicUsize) -> usize {
    let mut last = usize::MAX;
    let start = std::time::Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = written.load(Ordering::Relaxed);
        if now == last {
            return last;
        }
        last = now;
        assert!(start.elapsed() < WAIT, "the sender never stalled");
    }
}

/// Checks that `got` is exactly the counted send's chunks, in order.
pub fn assert_numbered_chunks(got: &[u8], total: usize) {
    assert_eq!(got.len(), total);
    for (i, chunk) in got.chunks(CHUNK).enumerate() {
        assert!(chunk == numbered_chunk(i).as_slice(), "chunk {i} differs");
    }
}

//! TCP client mode over real loopback sockets.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;

use std::time::Duration;

use common::{
    closed_by_user, connected_client, open_client, receive_bytes, session, unanswering_listener,
    wait_closed, wait_for,
};
use netdebug::net::{CloseReason, Endpoint, EventKind, NetError, SendTarget, SessionConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_and_receives_exact_bytes_and_sees_the_peer_close() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (mut session, mut events) = session();
    open_client(
        &mut session,
        "127.0.0.1",
        listener.local_addr().unwrap().port(),
    );
    let (mut server_side, _) = listener.accept().await.unwrap();
    let connected = wait_for(&mut events, "connected", |k| {
        matches!(k, EventKind::Connected { .. })
    })
    .await;
    assert!(
        matches!(connected.kind, EventKind::Connected { remote, .. } if remote == listener.local_addr().unwrap())
    );

    let payload: Vec<u8> = (0..=255u8).cycle().step_by(7).take(50_000).collect();
    session
        .send(SendTarget::Connected, payload.clone())
        .unwrap();
    let got = common::read_exactly(&mut server_side, payload.len()).await;
    assert_eq!(got, payload);

    server_side.write_all(b"\x00\x01hello\xff").await.unwrap();
    assert_eq!(receive_bytes(&mut events, 8).await, b"\x00\x01hello\xff");

    drop(server_side);
    let closed = wait_closed(&mut events, "closed by peer").await;
    assert!(matches!(
        closed.kind,
        EventKind::Closed {
            reason: CloseReason::ByPeer
        }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_is_told_apart_from_a_close() {
    let (_engine, mut events, server_side) = connected_client().await;
    // SO_LINGER 0 makes close send RST instead of FIN.
    let std_stream = server_side.into_std().unwrap();
    socket2::SockRef::from(&std_stream)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(std_stream);
    let closed = wait_closed(&mut events, "reset").await;
    assert!(
        matches!(
            closed.kind,
            EventKind::Closed {
                reason: CloseReason::Reset
            }
        ),
        "{closed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_is_an_error() {
    let port = common::free_port();
    let (mut session, mut events) = session();
    open_client(&mut session, "127.0.0.1", port);
    let closed = wait_closed(&mut events, "refused").await;
    match closed.kind {
        EventKind::Closed {
            reason: CloseReason::Failed(NetError::Connect { source, .. }),
        } => {
            assert_eq!(source.kind(), std::io::ErrorKind::ConnectionRefused);
        }
        other => panic!("expected a refused connection, got {other:?}"),
    }
    // The session is over, so sending is refused up front.
    assert!(session.send(SendTarget::Connected, b"x".to_vec()).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connect_timeout_is_reported() {
    let (addr, _keep) = unanswering_listener();
    let (mut session, mut events) = session();
    session.open(SessionConfig::TcpClient {
        remote: Endpoint::new("127.0.0.1", addr.port()),
        timeout: Duration::from_millis(300),
        local_port: 0,
        tls: None,
    });
    let closed = wait_closed(&mut events, "timeout").await;
    assert!(
        matches!(
            closed.kind,
            EventKind::Closed {
                reason: CloseReason::Failed(NetError::ConnectTimeout { .. })
            }
        ),
        "{closed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_cancels_a_connection_attempt() {
    let (addr, _keep) = unanswering_listener();
    let (mut session, mut events) = session();
    session.open(SessionConfig::TcpClient {
        remote: Endpoint::new("127.0.0.1", addr.port()),
        timeout: Duration::from_secs(30),
        local_port: 0,
        tls: None,
    });
    wait_for(&mut events, "connecting", |k| {
        matches!(k, EventKind::Connecting { .. })
    })
    .await;
    session.close();
    closed_by_user(&mut events, "closed").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unresolvable_name_is_an_error() {
    let (mut session, mut events) = session();
    session.open(SessionConfig::TcpClient {
        remote: Endpoint::new("no-such-host.invalid", 80),
        timeout: Duration::from_secs(5),
        local_port: 0,
        tls: None,
    });
    let closed = wait_closed(&mut events, "resolve failure").await;
    assert!(
        matches!(
            closed.kind,
            EventKind::Closed {
                reason: CloseReason::Failed(NetError::Resolve { .. } | NetError::NoAddress { .. })
            }
        ),
        "{closed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_ends_a_connection_whose_peer_reads_nothing() {
    let (mut session, mut events, _server_side) = connected_client().await;
    // 64 MiB to a peer that never reads: the write waits once the socket buffers are full.
    for _ in 0..64 {
        session
            .send(SendTarget::Connected, vec![0x5A; 1 << 20])
            .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    session.close();
    closed_by_user(&mut events, "closed while a write waits").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connects_from_the_local_port_asked_for_again_after_closing() {
    let server = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let remote = Endpoint::new("127.0.0.1", server.local_addr().unwrap().port());
    let local_port = common::free_port();
    let (mut session, mut events) = session();
    // Twice: the second time right after we closed the first connection, whose port is then
    // in TIME_WAIT on our side, as when auto reconnect follows a close.
    for round in 0..2 {
        session.open(SessionConfig::TcpClient {
            remote: remote.clone(),
            timeout: Duration::from_secs(5),
            local_port,
            tls: None,
        });
        let accepted = tokio::time::timeout(common::WAIT, server.accept()).await;
        let Ok(Ok((mut device, peer))) = accepted else {
            let events: Vec<_> = events.drain().collect();
            panic!("round {round}: no connection came ({events:?})");
        };
        assert_eq!(peer.port(), local_port, "round {round}");
        let connected = wait_for(&mut events, "connected", |k| {
            matches!(k, EventKind::Connected { .. })
        })
        .await;
        assert!(
            matches!(connected.kind, EventKind::Connected { local, .. } if local.port() == local_port)
        );
        session.close();
        closed_by_user(&mut events, "closed").await;
        let mut rest = Vec::new();
        device.read_to_end(&mut rest).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_port_in_use_is_an_error_naming_it() {
    let server = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let taken = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let taken_port = taken.local_addr().unwrap().port();
    let (mut session, mut events) = session();
    session.open(SessionConfig::TcpClient {
        remote: Endpoint::new("127.0.0.1", server.local_addr().unwrap().port()),
        timeout: Duration::from_secs(5),
        local_port: taken_port,
        tls: None,
    });
    let closed = wait_closed(&mut events, "port in use").await;
    match closed.kind {
        EventKind::Closed {
            reason: CloseReason::Failed(NetError::Bind { addr, source }),
        } => {
            assert_eq!(addr.port(), taken_port);
            assert_eq!(source.kind(), std::io::ErrorKind::AddrInUse);
        }
        other => panic!("expected the port to be in use, got {other:?}"),
    }
}

//! Relays for the tests: TCP and UDP relay sessions on free loopback ports, and servers of
//! the test for them to relay to.

use std::net::SocketAddr;
use std::time::Duration;

use netdebug::net::{ClientTls, Endpoint, EventReceiver, Session, SessionConfig};
use tokio::net::TcpListener;

/// Opens a relay on a free loopback port to `upstream`; its address.
pub async fn open_relay(
    session: &mut Session,
    events: &mut EventReceiver,
    upstream: SocketAddr,
) -> SocketAddr {
    open_relay_with(session, events, upstream, None).await
}

/// Opens a relay on a free loopback port to `upstream` over `tls`; its address.
pub async fn open_relay_with(
    session: &mut Session,
    events: &mut EventReceiver,
    upstream: SocketAddr,
    tls: Option<ClientTls>,
) -> SocketAddr {
    session.open(SessionConfig::TcpRelay {
        local: Endpoint::new("127.0.0.1", 0),
        upstream: Endpoint::new(upstream.ip().to_string(), upstream.port()),
        timeout: Duration::from_secs(5),
        tls,
    });
    super::listening(events).await
}

/// A server of the test on a free loopback port.
pub async fn upstream_server() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    (listener, addr)
}

/// Opens a UDP relay on a free loopback port to `upstream`, forgetting sources after `idle`;
/// its address.
pub async fn open_udp_relay(
    session: &mut Session,
    events: &mut EventReceiver,
    upstream: SocketAddr,
    idle: Duration,
) -> SocketAddr {
    session.open(SessionConfig::UdpRelay {
        local: Endpoint::new("127.0.0.1", 0),
        upstream: Endpoint::new(upstream.ip().to_string(), upstream.port()),
        idle,
    });
    super::bound(events).await
}

//! IPv6 on ::1, dual-stack `::`, UDP broadcast and multicast, all on the loopback interface.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;

use std::net::IpAddr;

use common::{
    bound, connected, listening, next_datagram, open_client, open_group_member, open_udp,
    open_udp_on, receive_bytes, session, wait_closed, wait_for,
};
use netdebug::net::{CloseReason, Endpoint, EventKind, SendTarget, SessionConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcp_server_and_client_on_ipv6_loopback() {
    let (mut server, mut server_events) = session();
    server.open(SessionConfig::TcpServer {
        local: Endpoint::new("::1", 0),
        tls: None,
    });
    let addr = listening(&mut server_events).await;
    assert!(addr.is_ipv6());

    // The session's own client, by IPv6 literal.
    let (mut client, mut client_events) = session();
    open_client(&mut client, "::1", addr.port());
    connected(&mut client_events).await;
    client.send(SendTarget::Connected, &b"over v6"[..]).unwrap();
    assert_eq!(receive_bytes(&mut server_events, 7).await, b"over v6");
}

/// A host name of this machine that resolves to ::1, if it has one (many systems map
/// `localhost` or `ip6-localhost` to it; some sandboxes map nothing).
async fn name_for_ipv6_loopback() -> Option<&'static str> {
    for name in ["localhost", "ip6-localhost", "ip6-loopback"] {
        if let Ok(mut addrs) = tokio::net::lookup_host((name, 1)).await
            && addrs.any(|a| a.ip() == IpAddr::from(std::net::Ipv6Addr::LOCALHOST))
        {
            return Some(name);
        }
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_that_resolves_to_ipv6_connects() {
    // Listening on ::1 only: a name that resolves to 127.0.0.1 first is refused there, and the
    // client goes on to ::1.
    let listener = TcpListener::bind("[::1]:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (mut session, mut events) = session();
    let Some(name) = name_for_ipv6_loopback().await else {
        // No name maps to ::1 here (this sandbox's /etc/hosts has only 127.0.0.1 localhost):
        // the name resolves to IPv4 only, nothing listens there, and that is reported.
        open_client(&mut session, "localhost", port);
        let closed = wait_closed(&mut events, "refused").await;
        assert!(matches!(
            closed.kind,
            EventKind::Closed {
                reason: CloseReason::Failed(_)
            }
        ));
        return;
    };
    open_client(&mut session, name, port);
    let (mut peer, from) = tokio::time::timeout(common::WAIT, listener.accept())
        .await
        .expect("the client never arrived")
        .unwrap();
    assert!(from.is_ipv6());
    connected(&mut events).await;
    peer.write_all(b"hi").await.unwrap();
    assert_eq!(receive_bytes(&mut events, 2).await, b"hi");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_on_the_ipv6_wildcard_takes_ipv4_clients_too() {
    let (mut session, mut events) = session();
    session.open(SessionConfig::TcpServer {
        local: Endpoint::new("::", 0),
        tls: None,
    });
    let port = listening(&mut events).await.port();
    let mut v4 = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let mut v6 = TcpStream::connect(("::1", port)).await.unwrap();
    wait_for(&mut events, "v4 joined", |k| {
        matches!(k, EventKind::PeerJoined { .. })
    })
    .await;
    wait_for(&mut events, "v6 joined", |k| {
        matches!(k, EventKind::PeerJoined { .. })
    })
    .await;
    session.send(SendTarget::AllClients, &b"both"[..]).unwrap();
    for stream in [&mut v4, &mut v6] {
        let mut buf = [0u8; 4];
        tokio::time::timeout(common::WAIT, stream.read_exact(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&buf, b"both");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn udp_on_ipv6_loopback() {
    let (mut session, mut events) = session();
    let local = open_udp_on(&mut session, &mut events, "::1").await;
    let peer = UdpSocket::bind("[::1]:0").await.unwrap();
    peer.send_to(b"v6 datagram", local).await.unwrap();
    let (from, bytes) = next_datagram(&mut events).await;
    assert_eq!(
        (from, &bytes[..]),
        (peer.local_addr().unwrap(), &b"v6 datagram"[..])
    );
    session
        .send(
            SendTarget::Datagram(Endpoint::new("::1", peer.local_addr().unwrap().port())),
            &b"back"[..],
        )
        .unwrap();
    let mut buf = [0u8; 8];
    let (n, _) = tokio::time::timeout(common::WAIT, peer.recv_from(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&buf[..n], b"back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn udp_broadcast_on_the_loopback_network() {
    // 127.255.255.255 is the loopback network's broadcast address: it needs SO_BROADCAST like
    // any broadcast, and never leaves the machine.
    let listener = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    listener.set_read_timeout(Some(common::WAIT)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let plain = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    assert_eq!(
        plain
            .send_to(b"x", ("127.255.255.255", port))
            .unwrap_err()
            .kind(),
        std::io::ErrorKind::PermissionDenied,
        "without SO_BROADCAST the kernel refuses"
    );

    let (mut session, mut events) = session();
    open_udp(&mut session, &mut events).await;
    session
        .send(
            SendTarget::Datagram(Endpoint::new("127.255.255.255", port)),
            &b"to everyone"[..],
        )
        .unwrap();
    let mut buf = [0u8; 32];
    let (n, _) = listener.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"to everyone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv4_multicast_join_receive_and_send_on_loopback() {
    let group: IpAddr = "239.255.77.1".parse().unwrap();
    // The receiver joins on the loopback interface (its local address names the interface).
    let (mut receiver, mut receiver_events) = session();
    let port = open_group_member(&mut receiver, &mut receiver_events, "127.0.0.1", group).await;

    // The sender, also on loopback, sends to the group.
    let (mut sender, mut sender_events) = session();
    sender.open(SessionConfig::Udp {
        local: Endpoint::new("127.0.0.1", 0),
        multicast: Some(group),
    });
    bound(&mut sender_events).await;
    sender
        .send(
            SendTarget::Datagram(Endpoint::new(group.to_string(), port)),
            &b"to the group"[..],
        )
        .unwrap();
    let (_, bytes) = next_datagram(&mut receiver_events).await;
    assert_eq!(bytes, b"to the group");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv6_multicast_join_and_bad_groups() {
    // Joining an IPv6 group works on ::1; delivering IPv6 multicast needs an interface that
    // routes it, which Linux's loopback does not, so delivery is checked in a private network
    // namespace (tests/net_namespace.rs).
    let group: IpAddr = "ff02::4e44".parse().unwrap();
    let (mut session, mut events) = session();
    open_group_member(&mut session, &mut events, "::1", group).await;

    // An IPv4 group on an IPv6 socket is refused with a clear reason.
    let (mut mixed, mut mixed_events) = common::session();
    mixed.open(SessionConfig::Udp {
        local: Endpoint::new("::1", 0),
        multicast: Some("239.1.1.1".parse().unwrap()),
    });
    let closed = wait_closed(&mut mixed_events, "refused").await;
    match closed.kind {
        EventKind::Closed {
            reason: CloseReason::Failed(error),
        } => {
            assert!(
                error
                    .to_string()
                    .contains("cannot join multicast group 239.1.1.1"),
                "{error}"
            );
        }
        other => panic!("{other:?}"),
    }
}

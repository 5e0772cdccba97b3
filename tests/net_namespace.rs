//! What the loopback interface cannot show, in a private network namespace: IPv6 multicast
//! delivered end to end, broadcast to 255.255.255.255, and link-local IPv6 addresses, which
//! need their interface named.
//!
//! Linux's loopback interface does not carry IPv6 multicast, so the loopback tests can only
//! check the join; and the limited broadcast address needs a default route, which a test must
//! not add to the host. Here a thread moves into a network namespace of its own (`unshare`),
//! where a veth pair gives IPv6 a multicast route and IPv4 an address and a default route,
//! and engines on a runtime built in that thread send and receive. Nothing outside the namespace sees any of it, and the
//! namespace vanishes with the thread.
//!
//! Making a namespace needs root (or CAP_SYS_ADMIN) and `ip` from iproute2. Where either is
//! missing the test says so and passes, unless `NETDEBUG_REQUIRE_NETNS` is set, as `.ci/run`
//! sets it, in which case it fails.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test
#![cfg(target_os = "linux")] // network namespaces are Linux's

mod common;

use std::net::IpAddr;
use std::process::Command;
use std::time::Duration;

use nix::sched::CloneFlags;

use common::{
    connected, listening, next_datagram, open_client, open_group_member, open_udp_on,
    receive_bytes, session, wait_closed,
};
use netdebug::net::{
    CloseReason, Endpoint, EventKind, EventReceiver, SendTarget, Session, SessionConfig,
};

/// Moves the calling thread, and every thread and process it starts later, into a new network
/// namespace with a veth pair that routes IPv6 multicast and carries 10.77.0.1/24 with the
/// default route and the link-local fe80::4e44 (usable at once: no duplicate check); returns
/// why not if it cannot.
fn enter_private_network() -> Result<(), String> {
    nix::sched::unshare(CloneFlags::CLONE_NEWNET)
        .map_err(|e| format!("unshare(CLONE_NEWNET): {e}"))?;
    // Only one end takes part in multicast, so the kernel has exactly one route for ff00::/8
    // and the sender's and receiver's choices of interface agree.
    let setup = [
        "link set lo up",
        "link add nd0 type veth peer name nd1",
        "link set nd1 multicast off",
        "link set nd0 up",
        "link set nd1 up",
        "addr add 10.77.0.1/24 dev nd0",
        "addr add fe80::4e44/64 dev nd0 nodad",
        "route add default dev nd0",
    ];
    for args in setup {
        let output = Command::new("ip")
            .args(args.split(' '))
            .output()
            .map_err(|e| format!("ip {args}: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "ip {args}: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
    }
    Ok(())
}

/// Runs `body` on a tokio runtime whose threads all live in a private network namespace.
/// `None` means no namespace could be made here, and why.
fn in_private_network(body: impl AsyncFnOnce() + Send + 'static) -> Option<String> {
    std::thread::spawn(move || {
        if let Err(why) = enter_private_network() {
            return Some(why);
        }
        // Worker threads are started from this thread, so they inherit its namespace.
        let runtime = common::runtime();
        runtime.block_on(body());
        None
    })
    .join()
    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Fails if no namespace could be made while `.ci/run` says one can; otherwise notes the skip.
fn report_skip(skipped: Option<String>) {
    if let Some(why) = skipped {
        common::skip_unless_required(
            "NETDEBUG_REQUIRE_NETNS",
            &format!("no private network namespace here ({why})"),
        );
    }
}

/// Sends `payload` to `target` until the member hears it: a fresh interface may still be
/// checking its link-local address when the first datagram goes out, and that one can be lost.
/// The datagram that arrived, with its source.
async fn send_until_heard(
    sender: &mut Session,
    target: SendTarget,
    payload: &'static [u8],
    member_events: &mut EventReceiver,
) -> (std::net::SocketAddr, Vec<u8>) {
    tokio::time::timeout(common::WAIT, async {
        loop {
            sender.send(target.clone(), payload).unwrap();
            if let Ok(datagram) =
                tokio::time::timeout(Duration::from_millis(200), next_datagram(member_events)).await
            {
                return datagram;
            }
        }
    })
    .await
    .expect("no datagram reached the group member")
}

#[test]
fn ipv6_multicast_reaches_a_member_of_the_group() {
    report_skip(in_private_network(async || {
        let group: IpAddr = "ff15::4e44".parse().unwrap();
        let (mut member, mut member_events) = session();
        let port = open_group_member(&mut member, &mut member_events, "::", group).await;

        let (mut sender, mut sender_events) = session();
        open_udp_on(&mut sender, &mut sender_events, "::").await;

        let to_group = SendTarget::Datagram(Endpoint::new(group.to_string(), port));
        let arrived = send_until_heard(
            &mut sender,
            to_group,
            b"to the v6 group",
            &mut member_events,
        )
        .await;
        assert_eq!(arrived.1, b"to the v6 group");
        assert!(arrived.0.is_ipv6(), "from {}", arrived.0);
    }));
}

#[test]
fn a_link_local_address_works_once_its_interface_is_known() {
    report_skip(in_private_network(async || {
        // Bound with its interface's name.
        let (mut server, mut server_events) = session();
        server.open(SessionConfig::TcpServer {
            local: Endpoint::new("fe80::4e44%nd0", 0),
            tls: None,
        });
        let local = listening(&mut server_events).await;
        let std::net::SocketAddr::V6(v6) = local else {
            panic!("{local}");
        };
        assert_ne!(v6.scope_id(), 0, "{local}");

        // Typed with its interface's name, as a remote.
        let (mut client, mut client_events) = session();
        open_client(&mut client, "fe80::4e44%nd0", local.port());
        connected(&mut client_events).await;
        client
            .send(SendTarget::Connected, &b"over link-local"[..])
            .unwrap();
        assert_eq!(
            receive_bytes(&mut server_events, 15).await,
            b"over link-local"
        );

        // A link-local address without an interface: which network it is on cannot be known,
        // and the message says what to add (the system would say "invalid argument").
        let (mut lost, mut lost_events) = session();
        open_client(&mut lost, "fe80::4e45", local.port());
        let closed = wait_closed(&mut lost_events, "refused at once").await;
        let EventKind::Closed {
            reason: CloseReason::Failed(error),
        } = closed.kind
        else {
            panic!("{closed:?}");
        };
        assert_eq!(
            error.to_string(),
            "fe80::4e45 is a link-local address: add its interface, by name or number, as in \
             fe80::4e45%eth0 or fe80::4e45%2"
        );
    }));
}

#[test]
fn a_link_local_group_is_joined_on_the_interface_the_address_names() {
    report_skip(in_private_network(async || {
        // ff02:: groups live on one link: the member's local address says which, and the
        // target names it too. (Here only nd0 carries multicast, so this shows that zoned
        // addresses work end to end, not which interface a join would pick without one.)
        let group: IpAddr = "ff02::4e44".parse().unwrap();
        let (mut member, mut member_events) = session();
        let port =
            open_group_member(&mut member, &mut member_events, "fe80::4e44%nd0", group).await;

        let (mut sender, mut sender_events) = session();
        open_udp_on(&mut sender, &mut sender_events, "::").await;
        let to_group = SendTarget::Datagram(Endpoint::new("ff02::4e44%nd0", port));
        let arrived =
            send_until_heard(&mut sender, to_group, b"on this link", &mut member_events).await;
        assert_eq!(arrived.1, b"on this link");
    }));
}

#[test]
fn broadcast_reaches_every_listener_on_the_network() {
    report_skip(in_private_network(async || {
        // A device's listener: any address, a fixed port.
        let listener = tokio::net::UdpSocket::bind("0.0.0.0:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (mut session, mut events) = session();
        open_udp_on(&mut session, &mut events, "0.0.0.0").await;
        // The limited broadcast address and the subnet's both need SO_BROADCAST, which the
        // session sets on every IPv4 socket.
        for (address, text) in [
            ("255.255.255.255", &b"to all hosts"[..]),
            ("10.77.0.255", &b"to the subnet"[..]),
        ] {
            session
                .send(SendTarget::Datagram(Endpoint::new(address, port)), text)
                .unwrap();
            let mut buf = [0u8; 64];
            let (n, _) = tokio::time::timeout(common::WAIT, listener.recv_from(&mut buf))
                .await
                .unwrap_or_else(|_| panic!("nothing arrived through {address}"))
                .unwrap();
            assert_eq!(&buf[..n], text, "through {address}");
        }
    }));
}

//! IPv6 multicast delivered end to end, in a private network namespace.
//!
//! Linux's loopback interface does not carry IPv6 multicast, so the loopback tests can only
//! check the join. Here a thread moves into a network namespace of its own (`unshare`), where
//! a veth pair gives IPv6 a multicast route, and two engines on a runtime built in that thread
//! send to and receive from a group. Nothing outside the namespace sees any of it, and the
//! namespace vanishes with the thread.
//!
//! Making a namespace needs root (or CAP_SYS_ADMIN) and `ip` from iproute2. Where either is
//! missing the test says so and passes, unless `NETDEBUG_REQUIRE_NETNS` is set, as `.ci/run`
//! sets it, in which case it fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // a panic here is a failed test

mod common;

use std::net::IpAddr;
use std::process::Command;
use std::time::Duration;

use nix::sched::CloneFlags;

use common::{bound, engine, next_datagram, wait_for};
use netdebug::net::{Endpoint, EventKind, SendTarget, SessionConfig};

/// Moves the calling thread, and every thread and process it starts later, into a new network
/// namespace with a veth pair that routes IPv6 multicast; returns why not if it cannot.
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
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(body());
        None
    })
    .join()
    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

#[test]
fn ipv6_multicast_reaches_a_member_of_the_group() {
    let skipped = in_private_network(async || {
        let group: IpAddr = "ff15::4e44".parse().unwrap();
        let (mut member, mut member_events) = engine();
        member.open(SessionConfig::Udp {
            local: Endpoint::new("::", 0),
            multicast: Some(group),
        });
        let port = bound(&mut member_events).await.port();
        wait_for(&mut member_events, "joined the group", |k| {
            matches!(k, EventKind::JoinedGroup { .. })
        })
        .await;

        let (mut sender, mut sender_events) = engine();
        sender.open(SessionConfig::Udp {
            local: Endpoint::new("::", 0),
            multicast: None,
        });
        bound(&mut sender_events).await;

        // A fresh interface may still be checking its link-local address when the first
        // datagram goes out, and that one can be lost; send until one arrives.
        let to_group = SendTarget::Datagram(Endpoint::new(group.to_string(), port));
        let arrived = tokio::time::timeout(common::WAIT, async {
            loop {
                sender
                    .send(to_group.clone(), &b"to the v6 group"[..])
                    .unwrap();
                if let Ok(datagram) = tokio::time::timeout(
                    Duration::from_millis(200),
                    next_datagram(&mut member_events),
                )
                .await
                {
                    return datagram;
                }
            }
        })
        .await
        .expect("no datagram reached the group member");
        assert_eq!(arrived.1, b"to the v6 group");
        assert!(arrived.0.is_ipv6(), "from {}", arrived.0);
    });
    if let Some(why) = skipped {
        assert!(
            std::env::var_os("NETDEBUG_REQUIRE_NETNS").is_none(),
            "NETDEBUG_REQUIRE_NETNS is set but no network namespace could be made: {why}"
        );
        eprintln!("skipped: no private network namespace here ({why})");
    }
}

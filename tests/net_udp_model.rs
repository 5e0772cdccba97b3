//! UDP mode under any interleaving of datagrams from several sources and sends to a target or
//! to the last sender: every datagram arrives whole, once, tagged with its source; every send
//! reaches the socket it was meant for, once; and "reply to last sender" answers the source of
//! the last datagram the session reported. (UDP promises no order, and even on loopback two
//! datagrams sent one after the other can be delivered the other way round when the sending
//! thread moves between CPUs, so what arrives is compared as a set; every datagram is
//! tagged with the step that made it, so none can stand in for another.)
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;

use common::{WAIT, next_event, open_udp, session};
use netdebug::net::{Endpoint, EventKind, EventReceiver, SendTarget};
use proptest::prelude::*;
use tokio::net::UdpSocket;

/// Sources of datagrams, each a socket of the test's own.
const SOURCES: usize = 3;

/// One thing a source or the person does.
#[derive(Debug, Clone)]
enum Op {
    /// Source `n` sends a datagram of this many bytes.
    SourceSends(usize, usize),
    /// The person sends this many bytes to source `n` as the target.
    SendTo(usize, usize),
    /// The person replies to the last sender with this many bytes.
    ReplyToLast(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let size = || 0usize..1500;
    prop_oneof![
        3 => (0..SOURCES, size()).prop_map(|(n, len)| Op::SourceSends(n, len)),
        2 => (0..SOURCES, size()).prop_map(|(n, len)| Op::SendTo(n, len)),
        1 => size().prop_map(Op::ReplyToLast),
    ]
}

/// Datagram `index` of a run, `len` bytes long: its bytes say which it is.
fn datagram(index: usize, len: usize) -> Vec<u8> {
    let tag = u8::try_from(index % 251).unwrap();
    (0..len)
        .map(|i| tag.wrapping_add(u8::try_from(i % 256).unwrap()))
        .collect()
}

/// What the session reported: each source's datagrams, and whose came last.
#[derive(Default)]
struct Reported {
    datagrams: HashMap<SocketAddr, Vec<Vec<u8>>>,
    last_source: Option<SocketAddr>,
}

impl Reported {
    /// Takes events until the session has reported as many datagrams from each source as
    /// `sent` holds.
    async fn until_all(
        &mut self,
        events: &mut EventReceiver,
        sent: &HashMap<SocketAddr, Vec<Vec<u8>>>,
    ) {
        let done = |reported: &HashMap<SocketAddr, Vec<Vec<u8>>>| {
            sent.iter()
                .all(|(source, sent)| reported.get(source).map_or(0, Vec::len) >= sent.len())
        };
        while !done(&self.datagrams) {
            if let EventKind::Datagrams(datagrams) = next_event(events, "datagrams").await.kind {
                for (source, bytes) in datagrams {
                    self.datagrams
                        .entry(source)
                        .or_default()
                        .push(bytes.to_vec());
                    self.last_source = Some(source);
                }
            }
        }
    }
}

/// `datagrams` in a fixed order, to compare as a set.
fn sorted(datagrams: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut datagrams = datagrams.to_vec();
    datagrams.sort();
    datagrams
}

async fn run(ops: Vec<Op>) {
    let (mut session, mut events) = session();
    let addr = open_udp(&mut session, &mut events).await;
    let mut sources = Vec::new();
    for _ in 0..SOURCES {
        sources.push(UdpSocket::bind("127.0.0.1:0").await.unwrap());
    }
    let address = |n: usize| sources[n].local_addr().unwrap();
    let mut sent: HashMap<SocketAddr, Vec<Vec<u8>>> = HashMap::new();
    let mut reported = Reported::default();
    // What each source should receive from the session.
    let mut owed: Vec<Vec<Vec<u8>>> = vec![Vec::new(); SOURCES];
    for (index, op) in ops.into_iter().enumerate() {
        match op {
            Op::SourceSends(n, len) => {
                let bytes = datagram(index, len);
                sources[n].send_to(&bytes, addr).await.unwrap();
                sent.entry(address(n)).or_default().push(bytes);
            }
            Op::SendTo(n, len) => {
                let bytes = datagram(index, len);
                let target = Endpoint::new("127.0.0.1", address(n).port());
                session
                    .send(SendTarget::Datagram(target), bytes.clone())
                    .unwrap();
                owed[n].push(bytes);
            }
            Op::ReplyToLast(len) => {
                // The last sender is whose datagram the session read last: let it read them all.
                reported.until_all(&mut events, &sent).await;
                let bytes = datagram(index, len);
                session.send(SendTarget::LastSender, bytes.clone()).unwrap();
                let last = reported
                    .last_source
                    .map(|source| (0..SOURCES).find(|&n| address(n) == source).unwrap());
                if let Some(n) = last {
                    owed[n].push(bytes);
                } else {
                    // Nobody has sent yet: refused with a message, nothing sent.
                    let refused = common::wait_for(&mut events, "the refusal", |kind| {
                        matches!(kind, EventKind::Error(_))
                    })
                    .await;
                    assert!(
                        matches!(
                            refused.kind,
                            EventKind::Error(netdebug::net::NetError::NoLastSender)
                        ),
                        "{refused:?}"
                    );
                }
            }
        }
    }
    reported.until_all(&mut events, &sent).await;
    for (source, datagrams) in &sent {
        let got = reported
            .datagrams
            .get(source)
            .map_or(&[][..], Vec::as_slice);
        assert_eq!(sorted(got), sorted(datagrams), "from {source}");
    }
    assert!(
        reported
            .datagrams
            .keys()
            .all(|source| sent.contains_key(source))
    );
    let mut buffer = vec![0; 2048];
    for (n, datagrams) in owed.iter().enumerate() {
        let mut got = Vec::new();
        for i in 0..datagrams.len() {
            let (len, from) = tokio::time::timeout(WAIT, sources[n].recv_from(&mut buffer))
                .await
                .unwrap_or_else(|_| panic!("source {n} waited for datagram {i}"))
                .unwrap();
            assert_eq!(from, addr);
            got.push(buffer[..len].to_vec());
        }
        assert_eq!(sorted(&got), sorted(datagrams), "to source {n}");
        assert!(
            sources[n].try_recv_from(&mut buffer).is_err(),
            "source {n} got more"
        );
    }
    session.close();
}

#[test]
fn any_interleaving_of_datagrams_and_sends_keeps_every_datagram_whole_and_in_place() {
    let runtime = common::runtime();
    common::check_sequences(32, proptest::collection::vec(op(), 1..40), |ops| {
        runtime.block_on(run(ops));
    });
}

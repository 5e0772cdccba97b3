//! TCP server mode under any interleaving of what clients and the person do: clients
//! connecting, writing, closing; the person sending to one client or to all, and kicking one.
//! Every byte a client wrote reaches the session in order, and every client that stays gets
//! exactly, in order, what the session says it sent to it, which is what was asked for it. A
//! kicked client's data stops where the server stopped reading it.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;

use common::{WAIT, next_event, open_server, session};
use netdebug::net::{EventKind, EventReceiver, SendTarget};
use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One thing a client or the person does; clients are picked by index among those connected.
#[derive(Debug, Clone)]
enum Op {
    Connect,
    Write(usize, Data),
    SendToOne(usize, Data),
    SendToAll(Data),
    ClientCloses(usize),
    Kick(usize),
}

/// Bytes, shown by their length when a case fails.
#[derive(Clone)]
struct Data(Vec<u8>);

impl std::fmt::Debug for Data {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} B", self.0.len())
    }
}

fn op() -> impl Strategy<Value = Op> {
    let bytes = || proptest::collection::vec(any::<u8>(), 1..2000).prop_map(Data);
    prop_oneof![
        2 => Just(Op::Connect),
        4 => (any::<usize>(), bytes()).prop_map(|(i, b)| Op::Write(i, b)),
        3 => (any::<usize>(), bytes()).prop_map(|(i, b)| Op::SendToOne(i, b)),
        2 => bytes().prop_map(Op::SendToAll),
        1 => any::<usize>().prop_map(Op::ClientCloses),
        1 => any::<usize>().prop_map(Op::Kick),
    ]
}

/// A connected client: its socket, what it wrote, and what the person asked to send to it.
struct Client {
    stream: TcpStream,
    wrote: Vec<u8>,
    asked: Vec<u8>,
}

/// What the session reported, per peer.
#[derive(Default)]
struct Reported {
    received: HashMap<SocketAddr, Vec<u8>>,
    sent: HashMap<SocketAddr, Vec<u8>>,
}

impl Reported {
    /// Takes events until `done` holds (or panics after the test's wait), noting data and
    /// returning the peers that joined meanwhile.
    async fn until(
        &mut self,
        events: &mut EventReceiver,
        what: &str,
        mut done: impl FnMut(&Self, &[SocketAddr]) -> bool,
    ) -> Vec<SocketAddr> {
        let mut joined = Vec::new();
        while !done(self, &joined) {
            match next_event(events, what).await.kind {
                EventKind::Received { peer, bytes } => {
                    self.received.entry(peer).or_default().extend(&bytes[..]);
                }
                EventKind::Sent { peer, bytes, .. } => {
                    self.sent.entry(peer).or_default().extend(&bytes[..]);
                }
                EventKind::PeerJoined { peer } => joined.push(peer),
                EventKind::Closed { reason } => panic!("the server closed: {reason:?}"),
                _ => {}
            }
        }
        joined
    }
}

async fn run(ops: Vec<Op>) {
    let (mut session, mut events) = session();
    let addr = open_server(&mut session, &mut events).await;
    let mut clients: Vec<(SocketAddr, Client)> = Vec::new();
    let mut reported = Reported::default();
    let mut gone: Vec<(SocketAddr, Vec<u8>)> = Vec::new();
    for op in ops {
        let pick = |i: usize| (!clients.is_empty()).then(|| i % clients.len());
        match op {
            Op::Connect => {
                let stream = TcpStream::connect(addr).await.unwrap();
                let peer = stream.local_addr().unwrap();
                // Sends to it only make sense once the server has it.
                let joined = reported
                    .until(&mut events, "a client joined", |_, joined| {
                        joined.contains(&peer)
                    })
                    .await;
                assert_eq!(joined, [peer]);
                let client = Client {
                    stream,
                    wrote: Vec::new(),
                    asked: Vec::new(),
                };
                clients.push((peer, client));
            }
            Op::Write(i, Data(bytes)) => {
                if let Some(i) = pick(i) {
                    let client = &mut clients[i].1;
                    client.stream.write_all(&bytes).await.unwrap();
                    client.wrote.extend(&bytes);
                }
            }
            Op::SendToOne(i, Data(bytes)) => {
                if let Some(i) = pick(i) {
                    let (peer, client) = &mut clients[i];
                    session
                        .send(SendTarget::Client(*peer), bytes.clone())
                        .unwrap();
                    client.asked.extend(&bytes);
                }
            }
            Op::SendToAll(Data(bytes)) => {
                if !clients.is_empty() {
                    session.send(SendTarget::AllClients, bytes.clone()).unwrap();
                    for (_, client) in &mut clients {
                        client.asked.extend(&bytes);
                    }
                }
            }
            Op::ClientCloses(i) if pick(i).is_some() => {
                let (peer, mut client) = clients.remove(pick(i).unwrap());
                // It reads what was sent to it first: closing a socket with unread data
                // resets the connection, and a reset may cost the server what it had not
                // read yet.
                let mut got = vec![0; client.asked.len()];
                client.stream.read_exact(&mut got).await.unwrap();
                assert_same(&got, &client.asked, &format!("{peer} read before closing"));
                drop(client.stream);
                wait_left(&mut events, &mut reported, peer).await;
                // Everything it wrote arrives all the same.
                gone.push((peer, client.wrote));
            }
            Op::Kick(i) if pick(i).is_some() => {
                let (peer, client) = clients.remove(pick(i).unwrap());
                session.disconnect(peer).unwrap();
                wait_left(&mut events, &mut reported, peer).await;
                // The server stops reading it: what arrived is what it wrote, up to a point.
                let arrived = reported.received.get(&peer).map_or(&[][..], Vec::as_slice);
                assert!(client.wrote.starts_with(arrived), "{peer}");
            }
            Op::ClientCloses(_) | Op::Kick(_) => {}
        }
    }

    // Every byte every client wrote arrived, in order, as its own peer's.
    let wrote: HashMap<SocketAddr, Vec<u8>> = clients
        .iter()
        .map(|(peer, client)| (*peer, client.wrote.clone()))
        .chain(gone)
        .collect();
    reported
        .until(&mut events, "every byte written", |reported, _| {
            wrote
                .iter()
                .all(|(peer, bytes)| reported.received.get(peer).map_or(0, Vec::len) >= bytes.len())
        })
        .await;
    for (peer, bytes) in &wrote {
        let received = reported.received.get(peer).map_or(&[][..], Vec::as_slice);
        assert_same(received, bytes, &format!("{peer} received"));
    }

    // Every client still connected got what was asked for it, which is what the session says
    // it sent.
    for (peer, client) in &mut clients {
        let mut got = vec![0; client.asked.len()];
        tokio::time::timeout(WAIT, client.stream.read_exact(&mut got))
            .await
            .expect("the client read its bytes")
            .unwrap();
        assert_same(&got, &client.asked, &format!("{peer} read"));
    }
    reported
        .until(&mut events, "every send reported", |reported, _| {
            clients.iter().all(|(peer, client)| {
                reported.sent.get(peer).map_or(0, Vec::len) >= client.asked.len()
            })
        })
        .await;
    for (peer, client) in &clients {
        let sent = reported.sent.get(peer).map_or(&[][..], Vec::as_slice);
        assert_same(sent, &client.asked, &format!("{peer} reported sent"));
    }
    session.close();
}

/// Panics unless `got` is `want`, saying where they part (not the bytes: a case has kilobytes).
fn assert_same(got: &[u8], want: &[u8], what: &str) {
    let differ = got.iter().zip(want).position(|(a, b)| a != b);
    assert!(
        got == want,
        "{what}: got {} B, wanted {} B, first difference at {differ:?}",
        got.len(),
        want.len()
    );
}

/// Waits until the server says `peer` left, noting the data that came before.
async fn wait_left(events: &mut EventReceiver, reported: &mut Reported, peer: SocketAddr) {
    loop {
        match next_event(events, "the client left").await.kind {
            EventKind::Received { peer: from, bytes } => {
                reported
                    .received
                    .entry(from)
                    .or_default()
                    .extend(&bytes[..]);
            }
            EventKind::Sent {
                peer: to, bytes, ..
            } => {
                reported.sent.entry(to).or_default().extend(&bytes[..]);
            }
            EventKind::PeerLeft { peer: left, .. } if left == peer => return,
            _ => {}
        }
    }
}

#[test]
fn any_interleaving_of_clients_and_sends_loses_no_byte() {
    let runtime = common::runtime();
    common::check_sequences(24, proptest::collection::vec(op(), 1..30), |ops| {
        runtime.block_on(run(ops));
    });
}

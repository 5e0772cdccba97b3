//! UDP relay (UDP 转发): one bound socket takes datagrams from any source and sends each on to
//! the upstream server from a socket of that source's own, so that the upstream's answers
//! come back on that socket and go to the right source. A source quiet (both ways) for the
//! idle timeout is forgotten and its socket closed, as a NAT forgets a mapping. With an
//! impairment on (see [`super::impair`]), each way's datagrams are lost, duplicated, delayed,
//! reordered or held to a bandwidth limit as its seeded choices say, and each report says what happened to it. Auto
//! reply answers a datagram it matches in the other side's place, which never sees it.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::ack::Ack;
use super::impair::{Fate, Fates, SharedImpairments};
use super::session::{Reporter, SessionCommand, resolve};
use super::{CloseReason, Endpoint, EventKind, NetError, SendTarget, SentBy, Way};

/// The largest UDP payload there is.
const MAX_DATAGRAM: usize = 65_536;

/// Binds `local` and relays each source's datagrams to `upstream` until told to close.
pub(crate) async fn run(
    local: Endpoint,
    upstream: Endpoint,
    idle: Duration,
    impairments: SharedImpairments,
    mut commands: mpsc::UnboundedReceiver<SessionCommand>,
    reporter: Reporter,
) -> CloseReason {
    let prepared = async {
        let (socket, receive_buffer) = super::udp::bind(&local, None).await?;
        let upstream = *resolve(&upstream)
            .await?
            .first()
            .ok_or_else(|| NetError::NoAddress {
                endpoint: upstream.clone(),
            })?;
        Ok::<_, NetError>((socket, receive_buffer, upstream))
    };
    let (socket, receive_buffer, upstream) = match prepared.await {
        Ok(prepared) => prepared,
        Err(error) => return CloseReason::Failed(error),
    };
    match socket.local_addr() {
        Ok(local) => reporter.report(EventKind::Bound {
            local,
            receive_buffer,
        }),
        Err(source) => return CloseReason::Failed(NetError::Receive { source }),
    }
    let socket = Arc::new(socket);
    let (sender, scheduled) = mpsc::unbounded_channel();
    let outbox = Outbox {
        sender,
        order: Arc::new(AtomicU64::new(0)),
    };
    // Ends with the loop: dropping the relay drops the last sender.
    let delivering = tokio::spawn(deliver(scheduled, Arc::clone(&socket), reporter.clone()));
    let mut relay = Relay {
        socket,
        upstream,
        idle,
        started: Instant::now(),
        sources: HashMap::new(),
        fates: Fates::new(impairments),
        outbox,
        reporter,
    };
    // Often enough that a source goes within a tenth of the timeout of it.
    let mut sweep = tokio::time::interval((idle / 10).max(Duration::from_millis(10)));
    let mut buffer = vec![0; MAX_DATAGRAM];
    loop {
        tokio::select! {
            biased;
            command = commands.recv() => match command {
                None | Some(SessionCommand::Close) => break,
                Some(SessionCommand::Send { target, bytes, ack }) => {
                    relay.inject(&target, &bytes, ack.as_ref()).await;
                }
                Some(SessionCommand::Disconnect(client)) => relay.forget(client),
                Some(SessionCommand::DisconnectAll) => {
                    let all: Vec<SocketAddr> = relay.sources.keys().copied().collect();
                    for client in all {
                        relay.forget(client);
                    }
                }
                Some(SessionCommand::StopListening) => {
                    relay.reporter.report(EventKind::Error(NetError::WrongTarget));
                }
            },
            _ = sweep.tick() => relay.forget_idle(),
            received = relay.socket.recv_from(&mut buffer) => match received {
                Ok((len, client)) => {
                    let datagram = Bytes::copy_from_slice(buffer.get(..len).unwrap_or_default());
                    relay.pass_on(client, datagram).await;
                }
                // An ICMP "port unreachable" for an earlier answer shows up here on some
                // systems; the socket is still good.
                Err(source) => relay.reporter.report(EventKind::Error(NetError::Receive { source })),
            },
        }
    }
    drop(relay);
    delivering.abort();
    CloseReason::ByUser
}

/// Where an impaired datagram goes when its time comes.
#[derive(Debug)]
enum Destination {
    /// On to the upstream, from the source's own socket.
    Upstream(Arc<UdpSocket>),
    /// Back to the source, from the relay's socket.
    Client(SocketAddr),
}

/// A datagram held back by an impairment: when it goes, in what order among those due at
/// the same time, where, and what.
#[derive(Debug)]
struct Held {
    due: Instant,
    order: u64,
    destination: Destination,
    datagram: Bytes,
}

impl PartialEq for Held {
    fn eq(&self, other: &Self) -> bool {
        (self.due, self.order) == (other.due, other.order)
    }
}

impl Eq for Held {}

impl PartialOrd for Held {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Held {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.due, self.order).cmp(&(other.due, other.order))
    }
}

/// Sends the datagrams impairments held back, each when it is due (in the order they were
/// held among those due at once), until the relay ends.
async fn deliver(
    mut scheduled: mpsc::UnboundedReceiver<Held>,
    relay: Arc<UdpSocket>,
    reporter: Reporter,
) {
    let mut held: BinaryHeap<Reverse<Held>> = BinaryHeap::new();
    loop {
        let next_due = held.peek().map(|Reverse(next)| next.due);
        tokio::select! {
            more = scheduled.recv() => match more {
                Some(datagram) => held.push(Reverse(datagram)),
                None => return,
            },
            () = tokio::time::sleep_until(next_due.unwrap_or_else(Instant::now)), if next_due.is_some() => {
                while held.peek().is_some_and(|Reverse(next)| next.due <= Instant::now()) {
                    let Some(Reverse(due)) = held.pop() else { break };
                    let (sent, peer) = match &due.destination {
                        Destination::Upstream(socket) => (
                            socket.send(&due.datagram).await.map(drop),
                            socket.peer_addr().unwrap_or(SocketAddr::from(([0, 0, 0, 0], 0))),
                        ),
                        Destination::Client(client) => {
                            (relay.send_to(&due.datagram, *client).await.map(drop), *client)
                        }
                    };
                    if let Err(source) = sent {
                        reporter.report(EventKind::Error(NetError::Send { peer, source }));
                    }
                }
            }
        }
    }
}

/// Where datagrams an impairment holds back wait for `deliver`, numbered in the order they
/// were held (by any of the relay's tasks).
#[derive(Debug, Clone)]
struct Outbox {
    sender: mpsc::UnboundedSender<Held>,
    order: Arc<AtomicU64>,
}

impl Outbox {
    /// Holds `datagram` for `destination` back as its `fate` says (nothing when lost, twice
    /// when duplicated).
    fn hold(&self, fate: Fate, destination: &Destination, datagram: &Bytes) {
        if fate.dropped {
            return;
        }
        let due = Instant::now() + fate.delay;
        let copies = if fate.duplicated { 2 } else { 1 };
        for _ in 0..copies {
            let destination = match destination {
                Destination::Upstream(socket) => Destination::Upstream(Arc::clone(socket)),
                Destination::Client(client) => Destination::Client(*client),
            };
            let held = Held {
                due,
                order: self.order.fetch_add(1, Ordering::Relaxed),
                destination,
                datagram: datagram.clone(),
            };
            let _ = self.sender.send(held);
        }
    }
}

/// One source's way to the upstream.
struct Source {
    /// Connected to the upstream: what it sends back comes here, for this source alone.
    socket: Arc<UdpSocket>,
    /// When either way last carried a datagram, in ms since the relay started.
    active: Arc<AtomicU64>,
    /// Passes the upstream's answers back; aborted when the source is forgotten.
    answers: JoinHandle<()>,
}

impl Drop for Source {
    fn drop(&mut self) {
        self.answers.abort();
    }
}

/// The relay's state: its socket, where it relays to, and its sources.
struct Relay {
    socket: Arc<UdpSocket>,
    upstream: SocketAddr,
    idle: Duration,
    started: Instant,
    sources: HashMap<SocketAddr, Source>,
    /// Each way's impairment choices.
    fates: Fates,
    /// Where impaired datagrams wait their turn.
    outbox: Outbox,
    reporter: Reporter,
}

impl Relay {
    /// Milliseconds since the relay started, the clock of [`Source::active`].
    fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Sends `datagram` from `client` on to the upstream from the client's own socket (made
    /// for its first datagram), reporting it first.
    async fn pass_on(&mut self, client: SocketAddr, datagram: Bytes) {
        let time = SystemTime::now();
        let Some(socket) = self.source_socket(client).await else {
            return;
        };
        let room = self.reporter.capture_room(1, datagram.len()).await;
        let answers = auto_answers(&self.reporter, &datagram);
        if !answers.is_empty() {
            let answered = (Way::ToUpstream, datagram, room);
            let destination = Destination::Client(client);
            answer_in_place(
                &self.reporter,
                &self.outbox,
                client,
                answered,
                (&destination, answers),
            )
            .await;
            return;
        }
        let fate = self.fates.datagram(Way::ToUpstream, datagram.len());
        let event = EventKind::Relayed {
            client,
            way: Way::ToUpstream,
            bytes: datagram.clone(),
            injected: None,
            impaired: fate,
        };
        self.reporter.report_data(time, event, room).await;
        if let Some(fate) = fate {
            let destination = Destination::Upstream(socket);
            self.outbox.hold(fate, &destination, &datagram);
            return;
        }
        if let Err(source) = socket.send(&datagram).await {
            let peer = self.upstream;
            self.reporter
                .report(EventKind::Error(NetError::Send { peer, source }));
        }
    }

    /// The socket `client`'s datagrams go to the upstream from, made (and the client
    /// reported joined) for its first; `None` when it could not be made (said so).
    async fn source_socket(&mut self, client: SocketAddr) -> Option<Arc<UdpSocket>> {
        let now = self.now_ms();
        if let Some(source) = self.sources.get(&client) {
            source.active.store(now, Ordering::Relaxed);
            return Some(Arc::clone(&source.socket));
        }
        let socket = match connect(self.upstream).await {
            Ok(socket) => Arc::new(socket),
            Err(error) => {
                self.reporter.report(EventKind::Error(error));
                return None;
            }
        };
        let active = Arc::new(AtomicU64::new(now));
        let answers = tokio::spawn(pass_back(
            Arc::clone(&socket),
            Arc::clone(&self.socket),
            client,
            (Arc::clone(&active), self.started),
            (self.fates.clone(), self.outbox.clone()),
            self.reporter.clone(),
        ));
        self.reporter.report(EventKind::PeerJoined { peer: client });
        if let Ok(local) = socket.local_addr() {
            self.reporter.report(EventKind::UpstreamConnected {
                client,
                local,
                upstream: self.upstream,
            });
        }
        let source = Source {
            socket: Arc::clone(&socket),
            active,
            answers,
        };
        self.sources.insert(client, source);
        Some(socket)
    }

    /// Forgets `client` (closing its socket to the upstream), as asked by the owner.
    fn forget(&mut self, client: SocketAddr) {
        if self.sources.remove(&client).is_some() {
            self.reporter.report(EventKind::PeerLeft {
                peer: client,
                reason: CloseReason::ByUser,
            });
        } else {
            let error = NetError::NoSuchClient { peer: client };
            self.reporter.report(EventKind::Error(error));
        }
    }

    /// Forgets the sources quiet for the idle timeout.
    fn forget_idle(&mut self) {
        let now = self.now_ms();
        let idle = u64::try_from(self.idle.as_millis()).unwrap_or(u64::MAX);
        let quiet: Vec<SocketAddr> = self
            .sources
            .iter()
            .filter(|(_, source)| now.saturating_sub(source.active.load(Ordering::Relaxed)) >= idle)
            .map(|(client, _)| *client)
            .collect();
        for client in quiet {
            self.sources.remove(&client);
            self.reporter.report(EventKind::PeerLeft {
                peer: client,
                reason: CloseReason::Idle(self.idle),
            });
        }
    }

    /// Writes what the owner sends into one way of the sources `target` names.
    async fn inject(&mut self, target: &SendTarget, bytes: &Bytes, ack: Option<&Ack>) {
        let (way, clients) = match *target {
            SendTarget::Relay { way, client: None } => {
                (way, self.sources.keys().copied().collect())
            }
            SendTarget::Relay {
                way,
                client: Some(client),
            } if self.sources.contains_key(&client) => (way, vec![client]),
            SendTarget::Relay {
                client: Some(client),
                ..
            } => return self.refuse(NetError::NoSuchClient { peer: client }, ack),
            _ => return self.refuse(NetError::WrongTarget, ack),
        };
        if clients.is_empty() {
            return self.refuse(NetError::NoClients, ack);
        }
        let mut all_sent = true;
        for client in clients {
            let began = SystemTime::now();
            let sent = match (way, self.sources.get(&client)) {
                (Way::ToUpstream, Some(source)) => source.socket.send(bytes).await.map(drop),
                (Way::ToClient, _) => self.socket.send_to(bytes, client).await.map(drop),
                (Way::ToUpstream, None) => continue,
            };
            match sent {
                Ok(()) => {
                    let event = EventKind::Relayed {
                        client,
                        way,
                        bytes: bytes.clone(),
                        injected: Some(SentBy::Owner),
                        impaired: None,
                    };
                    self.reporter.report_data(began, event, None).await;
                }
                Err(source) => {
                    all_sent = false;
                    let peer = match way {
                        Way::ToUpstream => self.upstream,
                        Way::ToClient => client,
                    };
                    self.reporter
                        .report(EventKind::Error(NetError::Send { peer, source }));
                }
            }
        }
        match ack {
            Some(ack) if all_sent => ack.written(),
            Some(ack) => ack.failed(),
            None => {}
        }
    }

    /// Says why a send went nowhere.
    fn refuse(&self, error: NetError, ack: Option<&Ack>) {
        if let Some(ack) = ack {
            ack.failed();
        }
        self.reporter.report(EventKind::Error(error));
    }
}

/// What auto reply answers `datagram` with, if it is on.
fn auto_answers(reporter: &Reporter, datagram: &Bytes) -> Vec<Bytes> {
    let auto_reply = reporter.auto_reply();
    if !auto_reply.is_active() {
        return Vec::new();
    }
    auto_reply.replies_to(datagram).collect()
}

/// Reports a datagram of `client`'s pair that went the `answered` way and that auto reply
/// answered in the other side's place (so it is not passed on), and sends its `answers` to
/// `destination` after auto reply's delay, each reported as auto reply's.
async fn answer_in_place(
    reporter: &Reporter,
    outbox: &Outbox,
    client: SocketAddr,
    (way, datagram, room): (Way, Bytes, Option<super::capture::Room>),
    (destination, answers): (&Destination, Vec<Bytes>),
) {
    let event = EventKind::Relayed {
        client,
        way,
        bytes: datagram,
        injected: None,
        impaired: None,
    };
    reporter.report_data(SystemTime::now(), event, room).await;
    let back = way.back();
    let held = Fate::delayed(reporter.auto_reply().delay);
    for answer in answers {
        outbox.hold(held, destination, &answer);
        let event = EventKind::Relayed {
            client,
            way: back,
            bytes: answer,
            injected: Some(SentBy::AutoReply),
            impaired: None,
        };
        reporter.report_data(SystemTime::now(), event, None).await;
    }
}

/// A socket of its own to `upstream`, of its address family, on a port the system picks.
async fn connect(upstream: SocketAddr) -> Result<UdpSocket, NetError> {
    let any = match upstream.ip() {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    };
    let local = SocketAddr::new(any, 0);
    let socket = UdpSocket::bind(local)
        .await
        .map_err(|source| NetError::Bind {
            addr: local,
            source,
        })?;
    socket
        .connect(upstream)
        .await
        .map_err(|source| NetError::Connect {
            addr: upstream,
            source,
        })?;
    Ok(socket)
}

/// Passes what the upstream sends to `client`'s socket back to `client`, from the relay's
/// own socket, reporting each datagram first (and noting each as `active`, on the clock
/// that began at `started`); impaired as `fates` says, through `outbox`.
async fn pass_back(
    from_upstream: Arc<UdpSocket>,
    relay: Arc<UdpSocket>,
    client: SocketAddr,
    (active, started): (Arc<AtomicU64>, Instant),
    (fates, outbox): (Fates, Outbox),
    reporter: Reporter,
) {
    let mut buffer = vec![0; MAX_DATAGRAM];
    loop {
        let len = match from_upstream.recv(&mut buffer).await {
            Ok(len) => len,
            // An ICMP "port unreachable": nobody listens upstream (yet); the mapping stays.
            Err(source) => {
                reporter.report(EventKind::Error(NetError::Receive { source }));
                continue;
            }
        };
        let now = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        active.store(now, Ordering::Relaxed);
        let datagram = Bytes::copy_from_slice(buffer.get(..len).unwrap_or_default());
        let answers = auto_answers(&reporter, &datagram);
        if !answers.is_empty() {
            // Answered in the client's place: the client never sees it.
            let answered = (Way::ToClient, datagram, None);
            let destination = Destination::Upstream(Arc::clone(&from_upstream));
            answer_in_place(
                &reporter,
                &outbox,
                client,
                answered,
                (&destination, answers),
            )
            .await;
            continue;
        }
        let fate = fates.datagram(Way::ToClient, datagram.len());
        let event = EventKind::Relayed {
            client,
            way: Way::ToClient,
            bytes: datagram.clone(),
            injected: None,
            impaired: fate,
        };
        reporter.report_data(SystemTime::now(), event, None).await;
        if let Some(fate) = fate {
            outbox.hold(fate, &Destination::Client(client), &datagram);
            continue;
        }
        if let Err(source) = relay.send_to(&datagram, client).await {
            let error = NetError::Send {
                peer: client,
                source,
            };
            reporter.report(EventKind::Error(error));
        }
    }
}

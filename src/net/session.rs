//! What every session shares: its commands, its way of reporting, name resolution.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use bytes::Bytes;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio_rustls::TlsStream;

use super::ack::Ack;
use super::auto_reply::{SharedAutoReply, StreamMatcher};
use super::backlog::Backlog;
use super::capture::{Room, SharedCapture, queue_cost};
use super::engine::{Notifier, Wakeup};
use super::peer_stream::{PeerStream, ReadOutcome};
use super::tls::TlsSummary;
use super::{Endpoint, Event, EventKind, NetError, SentBy, SessionId};

/// Where a send goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendTarget {
    /// The one peer of a TCP client session.
    Connected,
    /// Every client of a TCP server session.
    AllClients,
    /// One client of a TCP server session.
    Client(SocketAddr),
    /// A UDP destination, resolved when sent.
    Datagram(Endpoint),
    /// Whoever sent the last datagram to this UDP session.
    LastSender,
    /// One way of a relay: to the upstream server or to the client, of one pair (named by
    /// its client) or of every pair.
    Relay {
        /// Which side the bytes go to.
        way: super::Way,
        /// The pair's client; `None` for every pair.
        client: Option<SocketAddr>,
    },
}

/// A request from the owner to a running session.
#[derive(Debug)]
pub(crate) enum SessionCommand {
    /// Send bytes.
    Send {
        target: SendTarget,
        bytes: Bytes,
        /// Told when the bytes are written (or not); `None` when nobody waits.
        ack: Option<Ack>,
    },
    /// Disconnect one client of a server.
    Disconnect(SocketAddr),
    /// Disconnect every client of a server, which goes on listening.
    DisconnectAll,
    /// A server stops accepting; the clients it has stay connected.
    StopListening,
    /// End the session.
    Close,
}

/// Tells a TCP connection to end even while it waits to write to a peer that does not read
/// (a send, a file chunk or an auto reply), which would otherwise hold it until the peer reads.
#[derive(Debug, Clone)]
pub(crate) struct Stop(watch::Receiver<bool>);

impl Stop {
    /// A stop signal, and the sender that gives it (or gives it by being dropped).
    pub(crate) fn new() -> (watch::Sender<bool>, Self) {
        let (sender, receiver) = watch::channel(false);
        (sender, Self(receiver))
    }

    /// Returns once the stop is given.
    pub(crate) async fn requested(&mut self) {
        // An error means the sender is gone: nobody is left to keep the connection for.
        let _ = self.0.wait_for(|stop| *stop).await;
    }
}

/// Wakes the owner at most once per drain for each reason: a flood of events means one
/// wake-up (one repaint in the GUI), not one per packet.
pub(crate) struct Wake {
    pending: AtomicBool,
    full_pending: AtomicBool,
    notify: Notifier,
}

impl Wake {
    pub(crate) fn new(notify: Notifier) -> Self {
        Self {
            pending: AtomicBool::new(false),
            full_pending: AtomicBool::new(false),
            notify,
        }
    }

    fn wake(&self) {
        if !self.pending.swap(true, Ordering::AcqRel) {
            (self.notify)(Wakeup::Events);
        }
    }

    fn backlog_full(&self) {
        if !self.full_pending.swap(true, Ordering::AcqRel) {
            (self.notify)(Wakeup::BacklogFull);
        }
    }

    /// Called by the owner just before it drains, so events sent after that wake it again.
    pub(crate) fn rearm(&self) {
        self.pending.store(false, Ordering::Release);
        self.full_pending.store(false, Ordering::Release);
    }
}

/// An event on its way to the owner, with the backlog its data counts against (each session
/// has its own, so a flood into one never holds up another's reports).
pub(crate) struct Envelope {
    pub(crate) event: Event,
    pub(crate) backlog: Arc<Backlog>,
}

/// Sends a session's events to the owner and wakes it; hands received bytes to the capture.
#[derive(Clone)]
pub(crate) struct Reporter {
    session: SessionId,
    events: mpsc::UnboundedSender<Envelope>,
    wake: Arc<Wake>,
    backlog: Arc<Backlog>,
    capture: SharedCapture,
    auto_reply: SharedAutoReply,
}

impl Reporter {
    pub(crate) fn new(
        session: SessionId,
        events: mpsc::UnboundedSender<Envelope>,
        wake: Arc<Wake>,
        backlog: Arc<Backlog>,
        capture: SharedCapture,
        auto_reply: SharedAutoReply,
    ) -> Self {
        Self {
            session,
            events,
            wake,
            backlog,
            capture,
            auto_reply,
        }
    }

    /// The auto reply in force now (read once per read or burst).
    pub(crate) fn auto_reply(&self) -> Arc<super::AutoReply> {
        self.auto_reply.current()
    }

    /// Waits until save-to-file (if on) can take `chunks` more received chunks of `bytes`
    /// bytes in all; the room taken. Called before reporting them, so a slow disk slows
    /// reading instead of piling bytes up in memory.
    pub(crate) async fn capture_room(&self, chunks: usize, bytes: usize) -> Option<Room> {
        self.capture.reserve(queue_cost(chunks, bytes)).await
    }

    /// Reports an event that carries bytes received or sent at `time` (with the save-to-file
    /// `room` received bytes took) once the owner's backlog has room for them (see
    /// [`Backlog`]); at once if the owner is gone.
    pub(crate) async fn report_data(&self, time: SystemTime, kind: EventKind, room: Option<Room>) {
        tokio::select! {
            () = self.backlog.reserve(&kind, || self.wake.backlog_full()) => {}
            () = self.events.closed() => {}
        }
        self.report_at(time, kind, room);
    }

    /// Reports one event that happens now.
    pub(crate) fn report(&self, kind: EventKind) {
        self.report_at(SystemTime::now(), kind, None);
    }

    /// Reports one event. A gone receiver means the owner quit; there is no one left to tell.
    fn report_at(&self, time: SystemTime, kind: EventKind, room: Option<Room>) {
        self.capture.record(time, &kind, room);
        let event = Event {
            session: self.session,
            time,
            kind,
        };
        let envelope = Envelope {
            event,
            backlog: Arc::clone(&self.backlog),
        };
        if self.events.send(envelope).is_ok() {
            self.wake.wake();
        }
    }
}

/// Resolves an endpoint to its addresses, in the order the resolver gives them.
pub(crate) async fn resolve(endpoint: &Endpoint) -> Result<Vec<SocketAddr>, NetError> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((endpoint.host.as_str(), endpoint.port))
        .await
        .map_err(|source| NetError::Resolve {
            endpoint: endpoint.clone(),
            source,
        })?
        .collect();
    if addrs.is_empty() {
        return Err(NetError::NoAddress {
            endpoint: endpoint.clone(),
        });
    }
    // A link-local address without its interface could be on any network: the system
    // refuses it with a bare "invalid argument", so it is refused here with what to add. (A
    // name may give such addresses beside others: only those go.)
    let (usable, zoneless): (Vec<_>, Vec<_>) = addrs.into_iter().partition(|addr| match addr {
        SocketAddr::V6(v6) => !v6.ip().is_unicast_link_local() || v6.scope_id() != 0,
        SocketAddr::V4(_) => true,
    });
    match zoneless.first() {
        Some(SocketAddr::V6(v6)) if usable.is_empty() => {
            Err(NetError::LinkLocalZone { addr: *v6.ip() })
        }
        _ => Ok(usable),
    }
}

/// Resolves a local endpoint to the one address to bind.
pub(crate) async fn resolve_local(endpoint: &Endpoint) -> Result<SocketAddr, NetError> {
    let addrs = resolve(endpoint).await?;
    addrs.into_iter().next().ok_or_else(|| NetError::NoAddress {
        endpoint: endpoint.clone(),
    })
}

/// Why a TCP connection ended, from the error a read or write gave: a reset, or a failure.
pub(crate) fn close_reason_for(error: io::Error, peer: SocketAddr) -> super::CloseReason {
    match error.kind() {
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => {
            super::CloseReason::Reset
        }
        _ => super::CloseReason::Failed(NetError::Connection {
            peer,
            source: error,
        }),
    }
}

/// Handles what a TCP stream's [`PeerStream::read`] gave: reports the bytes (after
/// save-to-file has room) and writes what auto reply answers (matched across this
/// connection's reads by `matcher`), before anything else is read. `Some(reason)` when the
/// connection ended.
///
/// Called from the body of a `select!` branch, not as one of its futures, so a read that has
/// taken bytes off the socket always gets to report them.
pub(crate) async fn receive(
    outcome: ReadOutcome,
    stream: &mut PeerStream,
    peer: SocketAddr,
    reporter: &Reporter,
    stop: &mut Stop,
    matcher: &mut StreamMatcher,
) -> Option<super::CloseReason> {
    match outcome {
        ReadOutcome::Data(bytes) => {
            // Before any wait: the time the bytes arrived.
            let time = SystemTime::now();
            let room = reporter.capture_room(1, bytes.len()).await;
            let auto_reply = reporter.auto_reply();
            let replies = matcher.replies_to(&auto_reply, &bytes);
            reporter
                .report_data(time, EventKind::Received { peer, bytes }, room)
                .await;
            if !replies.is_empty() && !auto_reply.delay.is_zero() {
                // A slow device: Close and Disconnect still end the wait at once.
                tokio::select! {
                    () = tokio::time::sleep(auto_reply.delay) => {}
                    () = stop.requested() => return Some(super::CloseReason::ByUser),
                }
            }
            for reply in replies {
                let written =
                    write_reported(stream, peer, reply, SentBy::AutoReply, reporter, stop);
                if let Err(reason) = written.await {
                    return Some(reason);
                }
            }
            None
        }
        ReadOutcome::Closed => Some(super::CloseReason::ByPeer),
        ReadOutcome::Failed(error) => Some(close_reason_for(error, peer)),
    }
}

/// Waits for a TLS `handshake` with `peer` (or for Close and Disconnect, which end the wait),
/// reports what it agreed, and gives the stream to talk over; why the connection ended if it
/// did first. Client and server alike.
pub(crate) async fn secure(
    handshake: impl Future<Output = io::Result<(TlsStream<TcpStream>, TlsSummary)>>,
    peer: SocketAddr,
    reporter: &Reporter,
    stop: &mut Stop,
) -> Result<PeerStream, super::CloseReason> {
    let (tls, summary) = tokio::select! {
        result = handshake => result.map_err(|source| {
            super::CloseReason::Failed(NetError::TlsHandshake { peer, source })
        })?,
        () = stop.requested() => return Err(super::CloseReason::ByUser),
    };
    reporter.report(EventKind::Secured { peer, summary });
    Ok(PeerStream::Tls(Box::new(tls)))
}

/// Writes `bytes` to a TCP peer and reports them sent `by` the owner or auto reply, at the
/// time the write began (the peer may read them before the write returns, and a timeline must
/// show the send first); why the connection ended if it failed or was told to stop while
/// waiting for the peer.
pub(crate) async fn write_reported(
    stream: &mut PeerStream,
    peer: SocketAddr,
    bytes: Bytes,
    by: SentBy,
    reporter: &Reporter,
    stop: &mut Stop,
) -> Result<(), super::CloseReason> {
    let began = SystemTime::now();
    tokio::select! {
        written = stream.write_all(&bytes) => {
            written.map_err(|error| close_reason_for(error, peer))?;
        }
        () = stop.requested() => return Err(super::CloseReason::ByUser),
    }
    reporter
        .report_data(began, EventKind::Sent { peer, bytes, by }, None)
        .await;
    Ok(())
}

//! The engine the UI drives: any number of sessions at once, each a [`Session`] handle that
//! takes its commands; the events of all of them come out of one [`EventReceiver`].

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::runtime::Handle;
use tokio::sync::mpsc;

use super::session::{Envelope, Wake};
use super::{ClientTls, Endpoint, Event, ServerTls, Session, SessionId};

/// Wakes the owner when events are waiting. The GUI passes a repaint request; tests pass a
/// no-op. Being a plain callback keeps the engine free of any UI dependency. It is called at
/// most once per [`Wakeup`] kind between two [`EventReceiver::drain`] calls.
pub type Notifier = Arc<dyn Fn(Wakeup) + Send + Sync>;

/// Why the engine wakes its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wakeup {
    /// Events are waiting: drain them when convenient (a GUI paces its repaints).
    Events,
    /// A session's undrained data has reached its limit (16 MiB) and its reads wait for a
    /// drain: drain as soon as possible.
    BacklogFull,
}

/// What to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionConfig {
    /// Listen for TCP clients on a local address.
    TcpServer {
        /// Address and port to bind; port 0 picks a free one.
        local: Endpoint,
        /// TLS for every client, with this certificate; `None` for plain TCP.
        tls: Option<ServerTls>,
    },
    /// Connect to a TCP server.
    TcpClient {
        /// The server to reach.
        remote: Endpoint,
        /// How long to wait for the connection.
        timeout: Duration,
        /// The local port to connect from; 0 lets the system pick one.
        local_port: u16,
        /// TLS over the connection; `None` for plain TCP.
        tls: Option<ClientTls>,
    },
    /// Relay TCP: listen on a local address and connect each client that comes to the
    /// upstream server over a connection of its own, passing bytes both ways.
    TcpRelay {
        /// Address and port to listen on; port 0 picks a free one.
        local: Endpoint,
        /// The server each client is connected to.
        upstream: Endpoint,
        /// How long connecting to it may take (and the TLS handshake, again, after it).
        timeout: Duration,
        /// TLS towards the upstream server; `None` for plain TCP.
        tls: Option<ClientTls>,
    },
    /// Relay UDP: bind a local address and send each source's datagrams on to the upstream
    /// server from a socket of its own, its answers back to it.
    UdpRelay {
        /// Address and port to bind; port 0 picks a free one.
        local: Endpoint,
        /// The server datagrams go on to.
        upstream: Endpoint,
        /// A source quiet both ways for this long is forgotten.
        idle: Duration,
    },
    /// Bind a UDP socket.
    Udp {
        /// Address and port to bind; port 0 picks a free one.
        local: Endpoint,
        /// A multicast group to join (IPv4 or IPv6), if any.
        multicast: Option<std::net::IpAddr>,
    },
}

/// What every session of one engine shares: where events go, how the owner is woken, the
/// runtime, and the count that makes their ids unique.
#[derive(Clone)]
pub(crate) struct Hub {
    pub(crate) runtime: Handle,
    pub(crate) events: mpsc::UnboundedSender<Envelope>,
    pub(crate) wake: Arc<Wake>,
    last_id: Arc<AtomicU64>,
}

impl Hub {
    /// An id no session of this engine had before.
    pub(crate) fn next_id(&self) -> SessionId {
        SessionId(self.last_id.fetch_add(1, Ordering::Relaxed) + 1)
    }
}

/// Runs network sessions on a tokio runtime on behalf of a UI, a test or a CLI: hands out
/// [`Session`]s, each with its own sockets, save-to-file, auto reply, cycle and file sends.
pub struct Engine {
    pub(crate) hub: Hub,
}

/// The owner's end of the event channel, shared by every session of the engine.
pub struct EventReceiver {
    events: mpsc::UnboundedReceiver<Envelope>,
    wake: Arc<Wake>,
}

impl EventReceiver {
    /// Everything waiting now, without blocking (for a UI frame). Events that arrive after this
    /// call wake the owner again and wait for the next drain: draining frees backlog room, so
    /// in a flood a drain that went on until the channel was empty might never end.
    pub fn drain(&mut self) -> impl Iterator<Item = Event> + '_ {
        self.wake.rearm();
        let waiting = self.events.len();
        (0..waiting).map_while(|_| {
            let envelope = self.events.try_recv().ok()?;
            Some(Self::open(envelope))
        })
    }

    /// What is waiting now, as [`EventReceiver::drain`] takes it, but only until `deadline`
    /// (at least one event): a frame that applies a flood's backlog stays short, and the rest
    /// waits for the next frame (see [`EventReceiver::has_waiting`]).
    pub fn drain_until(&mut self, deadline: Instant) -> impl Iterator<Item = Event> + '_ {
        /// Events, and bytes of data, taken between looks at the clock: a datagram's event
        /// costs less than the look, a large read far more.
        const EVENTS_BETWEEN_LOOKS: usize = 32;
        const BYTES_BETWEEN_LOOKS: usize = 64 << 10;
        self.wake.rearm();
        let waiting = self.events.len();
        let (mut events, mut bytes) = (0, 0);
        (0..waiting).map_while(move |_| {
            if events >= EVENTS_BETWEEN_LOOKS || bytes >= BYTES_BETWEEN_LOOKS {
                if Instant::now() >= deadline {
                    return None;
                }
                (events, bytes) = (0, 0);
            }
            let envelope = self.events.try_recv().ok()?;
            events += 1;
            bytes += super::backlog::Backlog::cost(&envelope.event.kind);
            Some(Self::open(envelope))
        })
    }

    /// Whether events wait to be taken.
    pub fn has_waiting(&self) -> bool {
        !self.events.is_empty()
    }

    /// Waits for the next event (for tests and command-line use).
    pub async fn recv(&mut self) -> Option<Event> {
        self.events.recv().await.map(Self::open)
    }

    /// The event, its data's room given back to its session's backlog.
    fn open(envelope: Envelope) -> Event {
        envelope.backlog.release(&envelope.event.kind);
        envelope.event
    }
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("last_id", &self.hub.last_id.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// An engine that spawns its sessions on `runtime` and calls `notify` whenever one of
    /// them reports.
    pub fn new(runtime: Handle, notify: Notifier) -> (Self, EventReceiver) {
        let (events, receiver) = mpsc::unbounded_channel();
        let wake = Arc::new(Wake::new(notify));
        (
            Self {
                hub: Hub {
                    runtime,
                    events,
                    wake: Arc::clone(&wake),
                    last_id: Arc::new(AtomicU64::new(0)),
                },
            },
            EventReceiver {
                events: receiver,
                wake,
            },
        )
    }

    /// A new session with nothing open yet: its own save-to-file, auto reply and backlog,
    /// kept across its Opens; its events come out of this engine's [`EventReceiver`].
    pub fn session(&self) -> Session {
        Session::new(self.hub.clone())
    }
}

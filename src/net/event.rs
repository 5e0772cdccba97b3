//! What the engine reports.

use bytes::Bytes;
use std::fmt;
use std::net::SocketAddr;
use std::time::SystemTime;

use super::{Endpoint, NetError};

/// Identifies one Open..Close of a session; events from older sessions carry older ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub u64);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// How the log and save-to-file write a time of day: `12:00:01.250`.
pub const TIME_OF_DAY: &str = "%H:%M:%S%.3f";

/// How the log and save-to-file write the date a day's first line is on: `2026-11-24`.
pub const DATE: &str = "%Y-%m-%d";

/// The local date and time of day of `time`, for a log that marks where each day begins.
pub fn local_date_and_time(time: SystemTime) -> (chrono::NaiveDate, chrono::NaiveTime) {
    let local = chrono::DateTime::<chrono::Local>::from(time);
    (local.date_naive(), local.time())
}

/// One thing that happened in a session.
#[derive(Debug)]
pub struct Event {
    /// The session it happened in.
    pub session: SessionId,
    /// When it happened: stamped in the engine as the bytes were read or written, so the
    /// log's times are the network's, however late the window gets round to showing them.
    pub time: SystemTime,
    /// What happened.
    pub kind: EventKind,
}

/// Who decided a send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentBy {
    /// The owner: the send box, a quick command, a cycle send, a file.
    Owner,
    /// Auto reply, answering what arrived.
    AutoReply,
}

/// Which way bytes go through a relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Way {
    /// From the client that connected to the relay, on to the upstream server.
    ToUpstream,
    /// From the upstream server back to the client.
    ToClient,
}

impl Way {
    /// The other way.
    #[must_use]
    pub fn back(self) -> Self {
        match self {
            Self::ToUpstream => Self::ToClient,
            Self::ToClient => Self::ToUpstream,
        }
    }
}

/// What happened.
#[derive(Debug)]
pub enum EventKind {
    /// A TCP server is accepting connections.
    Listening {
        /// The bound address, with the real port when 0 was asked for.
        local: SocketAddr,
    },
    /// A TCP server speaks TLS, showing clients the certificate with this fingerprint.
    ServingTls {
        /// The certificate's SHA-256 fingerprint.
        certificate: super::Fingerprint,
        /// Whether it was made at Open (self-signed) rather than read from files.
        self_signed: bool,
    },
    /// A TLS handshake finished on a connection (the client's own, or a client of our
    /// server); its data follows encrypted on the wire and in clear in the log.
    Secured {
        /// The other end.
        peer: SocketAddr,
        /// What the handshake agreed.
        summary: super::TlsSummary,
    },
    /// A TCP server closed its listening socket: new clients are refused, the connected
    /// ones stay.
    StoppedListening {
        /// Clients still connected.
        clients: usize,
    },
    /// A UDP socket is bound.
    Bound {
        /// The bound address, with the real port when 0 was asked for.
        local: SocketAddr,
        /// The kernel receive buffer the OS granted, in bytes.
        receive_buffer: usize,
    },
    /// A UDP socket joined a multicast group.
    JoinedGroup {
        /// The group.
        group: std::net::IpAddr,
    },
    /// A TCP client has resolved its target and is connecting.
    Connecting {
        /// What the person asked for.
        endpoint: Endpoint,
        /// The address being tried.
        remote: SocketAddr,
    },
    /// A TCP client is connected.
    Connected {
        /// Our end.
        local: SocketAddr,
        /// Their end.
        remote: SocketAddr,
    },
    /// A client connected to our server.
    PeerJoined {
        /// The client's address.
        peer: SocketAddr,
    },
    /// A client of our server went away.
    PeerLeft {
        /// The client's address.
        peer: SocketAddr,
        /// Why.
        reason: CloseReason,
    },
    /// Bytes arrived on a TCP connection.
    Received {
        /// Who sent them.
        peer: SocketAddr,
        /// Exactly what arrived in one read.
        bytes: Bytes,
    },
    /// Datagrams arrived, in order; drained together so a flood is one event, not thousands.
    Datagrams(Vec<(SocketAddr, Bytes)>),
    /// Bytes were handed to the kernel for a peer.
    Sent {
        /// Who they went to.
        peer: SocketAddr,
        /// Exactly what was written.
        bytes: Bytes,
        /// Who decided to send them.
        by: SentBy,
    },
    /// A relay connected a client's own connection to the upstream server.
    UpstreamConnected {
        /// The client the connection is for (it names the pair).
        client: SocketAddr,
        /// Our end of the upstream connection.
        local: SocketAddr,
        /// The upstream server's address.
        upstream: SocketAddr,
    },
    /// Bytes went through a relay: read from one side and written to the other, or written
    /// to one side on the owner's (or auto reply's) behalf.
    Relayed {
        /// The client of the pair.
        client: SocketAddr,
        /// Which way they went.
        way: Way,
        /// Exactly what was read (or written, when injected).
        bytes: Bytes,
        /// Who decided to send them when the relay did not pass them on from the other side.
        injected: Option<SentBy>,
        /// What the way's impairment did to them (a UDP relay's datagram), if one is on.
        impaired: Option<super::Fate>,
    },
    /// One side of a relayed pair ended its sending (TCP's FIN); the relay ended its sending
    /// to the other side too, which can still answer.
    HalfClosed {
        /// The client of the pair.
        client: SocketAddr,
        /// The way that ended: [`Way::ToUpstream`] when the client ended its sending.
        way: Way,
    },
    /// One side of a relayed pair reset its connection; the relay reset the other.
    ResetPassedOn {
        /// The client of the pair.
        client: SocketAddr,
        /// The way the reset went on: [`Way::ToUpstream`] when the client reset.
        way: Way,
    },
    /// A cycle send stopped (asked to, or a send failed), after this many sends.
    CycleStopped {
        /// Sends that went out.
        sends: u64,
    },
    /// Sending a file ended.
    FileDone {
        /// The file.
        path: std::path::PathBuf,
        /// Bytes of it that went out.
        sent: u64,
        /// Whether all of it went out (otherwise it was cancelled, or a send failed).
        complete: bool,
    },
    /// Something failed but the session goes on (a send to a missing client, say).
    Error(NetError),
    /// The session ended; nothing more comes from it.
    Closed {
        /// Why.
        reason: CloseReason,
    },
}

/// Why a connection or session ended.
#[derive(Debug)]
pub enum CloseReason {
    /// The person pressed Close (or kicked the client).
    ByUser,
    /// The peer closed its end in an orderly way (FIN).
    ByPeer,
    /// The peer reset the connection (RST).
    Reset,
    /// It failed.
    Failed(NetError),
    /// Nothing went either way for this long (a UDP relay forgets such a source).
    Idle(std::time::Duration),
    /// A relay's impairment cut the connections off once this way had passed on this many
    /// bytes.
    Cut {
        /// The way whose bytes were counted.
        way: Way,
        /// How many it passed on.
        after: u64,
    },
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ByUser => f.write_str("closed locally"),
            Self::ByPeer => f.write_str("closed by peer"),
            Self::Reset => f.write_str("connection reset by peer"),
            Self::Failed(error) => write!(f, "{error}"),
            Self::Idle(idle) => write!(f, "nothing either way for {} s", idle.as_secs_f32()),
            Self::Cut { way, after } => {
                let way = match way {
                    Way::ToUpstream => "client→upstream",
                    Way::ToClient => "upstream→client",
                };
                write!(f, "cut off by the impairment after {after} bytes {way}")
            }
        }
    }
}

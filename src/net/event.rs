//! What the engine reports.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use super::{Endpoint, NetError};

/// Identifies one Open..Close of a session; events from older sessions carry older ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub u64);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// One thing that happened in a session.
#[derive(Debug)]
pub struct Event {
    /// The session it happened in.
    pub session: SessionId,
    /// What happened.
    pub kind: EventKind,
}

/// What happened.
#[derive(Debug)]
pub enum EventKind {
    /// A TCP server is accepting connections.
    Listening {
        /// The bound address, with the real port when 0 was asked for.
        local: SocketAddr,
    },
    /// A UDP socket is bound.
    Bound {
        /// The bound address, with the real port when 0 was asked for.
        local: SocketAddr,
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
    /// Bytes arrived.
    Received {
        /// Who sent them.
        peer: SocketAddr,
        /// Exactly what arrived in one read or datagram.
        bytes: Vec<u8>,
    },
    /// Bytes were handed to the kernel for a peer.
    Sent {
        /// Who they went to.
        peer: SocketAddr,
        /// Exactly what was written.
        bytes: Arc<[u8]>,
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
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ByUser => f.write_str("closed locally"),
            Self::ByPeer => f.write_str("closed by peer"),
            Self::Reset => f.write_str("connection reset by peer"),
            Self::Failed(error) => write!(f, "{error}"),
        }
    }
}

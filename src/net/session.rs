//! What every session shares: its commands, its way of reporting, name resolution.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::mpsc;

use super::engine::Notifier;
use super::{Endpoint, Event, EventKind, NetError, SessionId};

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
}

/// A request from the owner to a running session.
#[derive(Debug)]
pub(crate) enum SessionCommand {
    /// Send bytes.
    Send {
        target: SendTarget,
        bytes: Arc<[u8]>,
    },
    /// Disconnect one client of a server.
    Disconnect(SocketAddr),
    /// End the session.
    Close,
}

/// Sends a session's events to the owner and wakes it.
#[derive(Clone)]
pub(crate) struct Reporter {
    session: SessionId,
    events: mpsc::UnboundedSender<Event>,
    notify: Notifier,
}

impl Reporter {
    pub(crate) fn new(
        session: SessionId,
        events: mpsc::UnboundedSender<Event>,
        notify: Notifier,
    ) -> Self {
        Self {
            session,
            events,
            notify,
        }
    }

    /// Reports one event. A gone receiver means the owner quit; there is no one left to tell.
    pub(crate) fn report(&self, kind: EventKind) {
        if self
            .events
            .send(Event {
                session: self.session,
                kind,
            })
            .is_ok()
        {
            (self.notify)();
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
    Ok(addrs)
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

//! What can go wrong on the network, with the address it went wrong on.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use super::Endpoint;

/// A network failure, carrying the address involved so the message can say where.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// A name that does not resolve.
    #[error("cannot resolve {endpoint}: {source}")]
    Resolve {
        /// What was looked up.
        endpoint: Endpoint,
        /// Why it failed.
        source: io::Error,
    },
    /// A name that resolved to nothing usable.
    #[error("{endpoint} resolved to no address")]
    NoAddress {
        /// What was looked up.
        endpoint: Endpoint,
    },
    /// A link-local IPv6 address (`fe80::…`) that does not say which interface it is on: the
    /// same address can be on every network.
    #[error(
        "{addr} is a link-local address: add its interface, by name or number, as in {addr}%eth0 or {addr}%2"
    )]
    LinkLocalZone {
        /// The address.
        addr: std::net::Ipv6Addr,
    },
    /// Binding a listener or UDP socket failed (port in use, address not local, ...).
    #[error("cannot bind {addr}: {}", describe_bind(source))]
    Bind {
        /// The address we tried to bind.
        addr: SocketAddr,
        /// Why it failed.
        source: io::Error,
    },
    /// Joining a multicast group failed.
    #[error("cannot join multicast group {group}: {source}")]
    Multicast {
        /// The group.
        group: std::net::IpAddr,
        /// Why.
        source: io::Error,
    },
    /// A TCP connection was refused or failed.
    #[error("cannot connect to {addr}: {source}")]
    Connect {
        /// The address we tried.
        addr: SocketAddr,
        /// Why it failed.
        source: io::Error,
    },
    /// A TCP connection did not complete in time.
    #[error("connecting to {endpoint} timed out after {} s", timeout.as_secs_f32())]
    ConnectTimeout {
        /// What we tried to reach.
        endpoint: Endpoint,
        /// How long we waited.
        timeout: Duration,
    },
    /// Accepting a connection failed (out of file descriptors, for instance).
    #[error("accepting a connection failed: {source}")]
    Accept {
        /// Why it failed.
        source: io::Error,
    },
    /// A TCP connection failed while reading or writing (other than a reset).
    #[error("connection with {peer} failed: {source}")]
    Connection {
        /// The other end.
        peer: SocketAddr,
        /// Why it failed.
        source: io::Error,
    },
    /// Sending a datagram failed.
    #[error("sending to {peer} failed: {source}")]
    Send {
        /// The peer we were writing to.
        peer: SocketAddr,
        /// Why it failed.
        source: io::Error,
    },
    /// Receiving failed.
    #[error("receiving failed: {source}")]
    Receive {
        /// Why it failed.
        source: io::Error,
    },
    /// Sending to a client that is no longer connected.
    #[error("client {peer} is not connected")]
    NoSuchClient {
        /// The client asked for.
        peer: SocketAddr,
    },
    /// Sending to all clients when there are none.
    #[error("no client is connected, nothing was sent")]
    NoClients,
    /// Replying to the last sender before anyone sent anything.
    #[error("no datagram has been received yet, so there is no sender to reply to")]
    NoLastSender,
    /// Sending before the connection is made.
    #[error("not connected yet, nothing was sent")]
    NotConnected,
    /// A file to send could not be read.
    #[error("cannot read {path}: {source}")]
    File {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: io::Error,
    },
    /// UDP answers dropped because too many were waiting out auto reply's delay (a flood
    /// answered late).
    #[error(
        "auto reply dropped {count} answers: {} MiB of answers were already waiting out the reply delay",
        limit >> 20
    )]
    RepliesDropped {
        /// Answers dropped.
        count: u64,
        /// The memory answers may take while they wait, in bytes.
        limit: usize,
    },
    /// TLS could not be set up (a certificate or key file that does not read).
    #[error("{0}")]
    Tls(#[from] super::TlsError),
    /// A TLS handshake failed: the peer does not speak TLS, or (for a client that verifies)
    /// its certificate is not trusted, or it did not answer in time.
    #[error("TLS handshake with {peer} failed: {}", describe_handshake(source))]
    TlsHandshake {
        /// The other end.
        peer: SocketAddr,
        /// Why, as rustls or the socket said.
        source: io::Error,
    },
    /// A send that this kind of session cannot do (a UDP target on a TCP session, say).
    #[error("this send target does not apply to the open session")]
    WrongTarget,
    /// The session's task stopped on a bug (a panic) instead of ending in order.
    #[error("the session stopped on an internal error: {reason}")]
    Crashed {
        /// What the panic said, if it said something.
        reason: String,
    },
}

/// What kind of failure a TLS handshake error was, so that its message can say what to do.
pub(crate) enum HandshakeFailure<'a> {
    /// A client that verifies found the server's certificate untrusted.
    Untrusted(&'a rustls::CertificateError),
    /// What came back was no TLS (a plain TCP service, or an echo of our own greeting).
    NotTls,
    /// The peer closed the connection before the handshake finished.
    ClosedEarly,
    /// Anything else: the error says it.
    Other,
}

impl HandshakeFailure<'_> {
    /// Sorts a handshake's error.
    pub(crate) fn of(source: &io::Error) -> HandshakeFailure<'_> {
        let inner = source
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>());
        match inner {
            Some(rustls::Error::InvalidCertificate(reason)) => HandshakeFailure::Untrusted(reason),
            Some(
                rustls::Error::InvalidMessage(_)
                | rustls::Error::InappropriateHandshakeMessage { .. }
                | rustls::Error::InappropriateMessage { .. },
            ) => HandshakeFailure::NotTls,
            _ if source.kind() == io::ErrorKind::UnexpectedEof => HandshakeFailure::ClosedEarly,
            _ => HandshakeFailure::Other,
        }
    }
}

fn describe_handshake(source: &io::Error) -> String {
    match HandshakeFailure::of(source) {
        HandshakeFailure::Untrusted(reason) => format!(
            "its certificate is not trusted ({reason:?}); turn off Verify certificate to connect anyway"
        ),
        HandshakeFailure::NotTls => format!("it does not seem to speak TLS ({source})"),
        HandshakeFailure::ClosedEarly => "it closed the connection during the handshake".to_owned(),
        HandshakeFailure::Other => source.to_string(),
    }
}

fn describe_bind(source: &io::Error) -> String {
    match source.kind() {
        io::ErrorKind::AddrInUse => format!("the port is already in use ({source})"),
        io::ErrorKind::AddrNotAvailable => {
            format!("that address is not on this machine ({source})")
        }
        io::ErrorKind::PermissionDenied => {
            format!("permission denied; ports below 1024 may need privileges ({source})")
        }
        _ => source.to_string(),
    }
}

//! TCP client: connect with a timeout (and, for TLS, shake hands within it again), then read
//! and write until either side closes.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::mpsc;

use super::auto_reply::StreamMatcher;
use super::peer_stream::PeerStream;
use super::session::{Reporter, SessionCommand, Stop, receive, resolve, secure, write_reported};
use super::tls::Connector;
use super::{ClientTls, CloseReason, Endpoint, EventKind, NetError, SendTarget, SentBy};

/// What a client session connects to, and how.
#[derive(Debug)]
pub(crate) struct Target {
    /// The server.
    pub(crate) remote: Endpoint,
    /// How long connecting may take (and the TLS handshake, again, after it).
    pub(crate) timeout: Duration,
    /// The local port to connect from; 0 lets the system pick one.
    pub(crate) local_port: u16,
    /// TLS over the connection, if asked for.
    pub(crate) tls: Option<ClientTls>,
}

/// Connects to the target and runs the connection until it ends; why it ended.
pub(crate) async fn run(
    target: Target,
    mut commands: mpsc::UnboundedReceiver<SessionCommand>,
    reporter: Reporter,
    stop: Stop,
) -> CloseReason {
    let Target {
        remote,
        timeout,
        local_port,
        tls,
    } = target;
    let connecting = async {
        let connector = match tls {
            Some(options) => Some(Connector::new(options).await?),
            None => None,
        };
        let attempt = |addr| {
            reporter.report(EventKind::Connecting {
                endpoint: remote.clone(),
                remote: addr,
            });
        };
        let stream = connect(&remote, timeout, local_port, attempt).await?;
        Ok::<_, NetError>((stream, connector))
    };
    // Close while connecting cancels the attempt.
    let stream = tokio::select! {
        result = connecting => result,
        () = wait_for_close(&mut commands, &reporter) => return CloseReason::ByUser,
    };
    match stream {
        Ok((stream, connector)) => {
            let secure = connector.map(|connector| (connector, remote.host.as_str(), timeout));
            converse(stream, secure, &mut commands, &reporter, stop).await
        }
        Err(error) => CloseReason::Failed(error),
    }
}

/// Waits until the owner asks to close (or disappears); sends asked for meanwhile are refused.
async fn wait_for_close(
    commands: &mut mpsc::UnboundedReceiver<SessionCommand>,
    reporter: &Reporter,
) {
    loop {
        match commands.recv().await {
            None | Some(SessionCommand::Close) => return,
            Some(_) => reporter.report(EventKind::Error(NetError::NotConnected)),
        }
    }
}

/// Tries each resolved address in turn within one overall timeout, telling `attempt` each
/// address as it is tried.
pub(crate) async fn connect(
    remote: &Endpoint,
    timeout: Duration,
    local_port: u16,
    attempt: impl Fn(SocketAddr),
) -> Result<TcpStream, NetError> {
    let attempts = async {
        let addrs = resolve(remote).await?;
        let mut last_error = None;
        for addr in addrs {
            attempt(addr);
            match connect_from(local_port, addr).await {
                Ok(stream) => return Ok(stream),
                Err(error) => last_error = Some(error),
            }
        }
        Err(last_error.unwrap_or_else(|| NetError::NoAddress {
            endpoint: remote.clone(),
        }))
    };
    tokio::time::timeout(timeout, attempts)
        .await
        .unwrap_or_else(|_| {
            Err(NetError::ConnectTimeout {
                endpoint: remote.clone(),
                timeout,
            })
        })
}

/// Connects to `addr` from `local_port` of this machine, or from any port for 0.
async fn connect_from(local_port: u16, addr: SocketAddr) -> Result<TcpStream, NetError> {
    if local_port == 0 {
        return TcpStream::connect(addr)
            .await
            .map_err(|source| NetError::Connect { addr, source });
    }
    let (socket, any) = if addr.is_ipv4() {
        (TcpSocket::new_v4(), IpAddr::from(Ipv4Addr::UNSPECIFIED))
    } else {
        (TcpSocket::new_v6(), IpAddr::from(Ipv6Addr::UNSPECIFIED))
    };
    let local = SocketAddr::new(any, local_port);
    let bind_error = |source| NetError::Bind {
        addr: local,
        source,
    };
    let socket = socket.map_err(bind_error)?;
    // The last connection from this port may still be in TIME_WAIT here (we closed it), which
    // would refuse the port to auto reconnect for a minute or more. Windows' SO_REUSEADDR would
    // also let the port be taken from another program, so it is left alone there.
    #[cfg(unix)]
    socket.set_reuseaddr(true).map_err(bind_error)?;
    socket.bind(local).map_err(bind_error)?;
    socket
        .connect(addr)
        .await
        .map_err(|source| NetError::Connect { addr, source })
}

/// Shakes hands with the server named `host` over `stream` within `timeout`, or until Close.
async fn secure_within(
    stream: TcpStream,
    remote: SocketAddr,
    (connector, host, timeout): (Connector, &str, Duration),
    reporter: &Reporter,
    stop: &mut Stop,
) -> Result<PeerStream, CloseReason> {
    let handshake = async {
        tokio::time::timeout(timeout, connector.handshake(host, stream, remote))
            .await
            .unwrap_or_else(|_| {
                let waited = format!("no answer within {} s", timeout.as_secs_f32());
                Err(std::io::Error::new(std::io::ErrorKind::TimedOut, waited))
            })
    };
    secure(handshake, remote, reporter, stop).await
}

async fn converse(
    stream: TcpStream,
    tls: Option<(Connector, &str, Duration)>,
    commands: &mut mpsc::UnboundedReceiver<SessionCommand>,
    reporter: &Reporter,
    mut stop: Stop,
) -> CloseReason {
    let (local, remote) = match (stream.local_addr(), stream.peer_addr()) {
        (Ok(local), Ok(remote)) => (local, remote),
        (Err(source), _) | (_, Err(source)) => {
            return CloseReason::Failed(NetError::Receive { source });
        }
    };
    reporter.report(EventKind::Connected { local, remote });
    // Sends asked for during the handshake wait in `commands` until it is done.
    let mut stream = match tls {
        Some(tls) => match secure_within(stream, remote, tls, reporter, &mut stop).await {
            Ok(stream) => stream,
            Err(reason) => return reason,
        },
        None => PeerStream::Plain(stream),
    };
    let mut matcher = StreamMatcher::default();
    loop {
        tokio::select! {
            outcome = stream.read() => {
                if let Some(reason) =
                    receive(outcome, &mut stream, remote, reporter, &mut stop, &mut matcher).await
                {
                    return reason;
                }
            },
            command = commands.recv() => match command {
                None | Some(SessionCommand::Close) => {
                    let _ = stream.shutdown().await;
                    return CloseReason::ByUser;
                }
                Some(SessionCommand::Send { target: SendTarget::Connected, bytes, ack }) => {
                    let written =
                        write_reported(&mut stream, remote, bytes, SentBy::Owner, reporter, &mut stop).await;
                    if let Some(ack) = ack {
                        if written.is_ok() { ack.written() } else { ack.failed() }
                    }
                    if let Err(error) = written {
                        return error;
                    }
                }
                // A send the session cannot do: its ack, if any, drops unwritten.
                Some(
                    SessionCommand::Send { .. }
                    | SessionCommand::Disconnect(_)
                    | SessionCommand::DisconnectAll
                    | SessionCommand::StopListening,
                ) => {
                    reporter.report(EventKind::Error(NetError::WrongTarget));
                }
            },
        }
    }
}

//! UDP: one bound socket that receives from anyone and sends to a target or the last sender.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use super::session::{Reporter, SessionCommand, resolve, resolve_local};
use super::{CloseReason, Endpoint, EventKind, NetError, SendTarget};

/// The largest UDP payload there is; a smaller buffer would truncate big datagrams.
const DATAGRAM_BUFFER: usize = 65_536;

/// Binds `local` and runs until told to close.
pub(crate) async fn run(
    local: Endpoint,
    mut commands: mpsc::UnboundedReceiver<SessionCommand>,
    reporter: Reporter,
) {
    let socket = match bind(&local).await {
        Ok(socket) => socket,
        Err(error) => {
            reporter.report(EventKind::Closed {
                reason: CloseReason::Failed(error),
            });
            return;
        }
    };
    match socket.local_addr() {
        Ok(local) => reporter.report(EventKind::Bound { local }),
        Err(source) => {
            reporter.report(EventKind::Closed {
                reason: CloseReason::Failed(NetError::Receive { source }),
            });
            return;
        }
    }
    let mut last_sender: Option<SocketAddr> = None;
    let mut buffer = vec![0u8; DATAGRAM_BUFFER];
    loop {
        tokio::select! {
            received = socket.recv_from(&mut buffer) => match received {
                Ok((n, peer)) => {
                    last_sender = Some(peer);
                    reporter.report(EventKind::Received {
                        peer,
                        bytes: buffer.get(..n).unwrap_or_default().to_vec(),
                    });
                }
                // An ICMP "port unreachable" for an earlier send shows up here on some systems;
                // it is worth showing, and the socket is still good.
                Err(source) => reporter.report(EventKind::Error(NetError::Receive { source })),
            },
            command = commands.recv() => match command {
                None | Some(SessionCommand::Close) => break,
                Some(SessionCommand::Send { target, bytes }) => {
                    if let Err(error) = send(&socket, target, bytes, last_sender, &reporter).await {
                        reporter.report(EventKind::Error(error));
                    }
                }
                Some(SessionCommand::Disconnect(_)) => {
                    reporter.report(EventKind::Error(NetError::WrongTarget));
                }
            },
        }
    }
    reporter.report(EventKind::Closed {
        reason: CloseReason::ByUser,
    });
}

async fn bind(local: &Endpoint) -> Result<UdpSocket, NetError> {
    let addr = resolve_local(local).await?;
    UdpSocket::bind(addr)
        .await
        .map_err(|source| NetError::Bind { addr, source })
}

async fn send(
    socket: &UdpSocket,
    target: SendTarget,
    bytes: Arc<[u8]>,
    last_sender: Option<SocketAddr>,
    reporter: &Reporter,
) -> Result<(), NetError> {
    let peer = match target {
        SendTarget::Datagram(endpoint) => {
            let addrs = resolve(&endpoint).await?;
            pick_family(socket, addrs).ok_or(NetError::NoAddress { endpoint })?
        }
        SendTarget::LastSender => last_sender.ok_or(NetError::NoLastSender)?,
        SendTarget::Connected | SendTarget::AllClients | SendTarget::Client(_) => {
            return Err(NetError::WrongTarget);
        }
    };
    socket
        .send_to(&bytes, peer)
        .await
        .map_err(|source| NetError::Send { peer, source })?;
    reporter.report(EventKind::Sent { peer, bytes });
    Ok(())
}

/// Prefers a resolved address of the socket's own family (a name may resolve to both).
fn pick_family(socket: &UdpSocket, addrs: Vec<SocketAddr>) -> Option<SocketAddr> {
    let want_v6 = socket.local_addr().is_ok_and(|a| a.is_ipv6());
    let first = addrs.first().copied();
    addrs.into_iter().find(|a| a.is_ipv6() == want_v6).or(first)
}

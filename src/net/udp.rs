//! UDP: one bound socket that receives from anyone and sends to a target or the last sender.

use std::io;
use std::net::SocketAddr;

use bytes::{Bytes, BytesMut};
use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use super::session::{Reporter, SessionCommand, resolve, resolve_local};
use super::{CloseReason, Endpoint, EventKind, NetError, SendTarget};

/// The largest UDP payload there is.
const MAX_DATAGRAM: usize = 65_536;

/// How much a burst may fill before it is reported; one event per burst, not per datagram.
const BATCH_BYTES: usize = 1 << 20;

/// The kernel receive buffer asked for: a burst waits there while we catch up. The OS caps it
/// (Linux: `net.core.rmem_max`); the size obtained is reported when the socket is bound.
const RECEIVE_BUFFER_WANTED: usize = 16 << 20;

/// Binds `local` and runs until told to close.
pub(crate) async fn run(
    local: Endpoint,
    mut commands: mpsc::UnboundedReceiver<SessionCommand>,
    reporter: Reporter,
) {
    let (socket, receive_buffer) = match bind(&local).await {
        Ok(bound) => bound,
        Err(error) => {
            reporter.report(EventKind::Closed {
                reason: CloseReason::Failed(error),
            });
            return;
        }
    };
    match socket.local_addr() {
        Ok(local) => reporter.report(EventKind::Bound {
            local,
            receive_buffer,
        }),
        Err(source) => {
            reporter.report(EventKind::Closed {
                reason: CloseReason::Failed(NetError::Receive { source }),
            });
            return;
        }
    }
    let mut last_sender: Option<SocketAddr> = None;
    let mut scratch = BytesMut::with_capacity(BATCH_BYTES + MAX_DATAGRAM);
    loop {
        tokio::select! {
            ready = socket.readable() => {
                let drained = match ready {
                    Ok(()) => drain(&socket, &mut scratch),
                    Err(source) => Drained { datagrams: Vec::new(), error: Some(source) },
                };
                if let Some((peer, _)) = drained.datagrams.last() {
                    last_sender = Some(*peer);
                }
                if !drained.datagrams.is_empty() {
                    let len = drained.datagrams.iter().map(|(_, bytes)| bytes.len()).sum();
                    reporter.capture_room(len).await;
                    reporter.report(EventKind::Datagrams(drained.datagrams));
                }
                // An ICMP "port unreachable" for an earlier send shows up here on some systems;
                // it is worth showing, and the socket is still good.
                if let Some(source) = drained.error {
                    reporter.report(EventKind::Error(NetError::Receive { source }));
                }
            },
            command = commands.recv() => match command {
                None | Some(SessionCommand::Close) => break,
                Some(SessionCommand::Send { target, bytes, ack }) => {
                    let sent = send(&socket, target, bytes, last_sender, &reporter).await;
                    if let Some(ack) = ack {
                        if sent.is_ok() { ack.written() } else { ack.failed() }
                    }
                    if let Err(error) = sent {
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

/// Binds with a large receive buffer; returns the socket and the buffer size the OS granted.
async fn bind(local: &Endpoint) -> Result<(UdpSocket, usize), NetError> {
    let addr = resolve_local(local).await?;
    let bind_error = |source| NetError::Bind { addr, source };
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))
        .map_err(bind_error)?;
    // Best effort: a smaller buffer still works, it only drops sooner under a flood.
    let _ = socket.set_recv_buffer_size(RECEIVE_BUFFER_WANTED);
    socket.bind(&addr.into()).map_err(bind_error)?;
    socket.set_nonblocking(true).map_err(bind_error)?;
    let granted = socket.recv_buffer_size().unwrap_or(0);
    let socket = UdpSocket::from_std(socket.into()).map_err(bind_error)?;
    Ok((socket, granted))
}

/// What one drain of a readable socket gave.
struct Drained {
    datagrams: Vec<(SocketAddr, Bytes)>,
    error: Option<io::Error>,
}

/// Receives every datagram waiting, up to [`BATCH_BYTES`], straight into `scratch`, then moves
/// them into one buffer of exactly their total size. A burst costs two allocations, not one
/// per datagram, and no datagram keeps a large buffer alive.
fn drain(socket: &UdpSocket, scratch: &mut BytesMut) -> Drained {
    scratch.clear();
    let mut spans: Vec<(SocketAddr, usize)> = Vec::new();
    let mut error = None;
    while scratch.len() < BATCH_BYTES {
        scratch.reserve(MAX_DATAGRAM);
        let before = scratch.len();
        match socket.try_recv_buf_from(scratch) {
            Ok((_, peer)) => spans.push((peer, scratch.len() - before)),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    let all = Bytes::copy_from_slice(scratch);
    let mut start = 0;
    let datagrams = spans
        .into_iter()
        .map(|(peer, len)| {
            let datagram = all.slice(start..start + len);
            start += len;
            (peer, datagram)
        })
        .collect();
    Drained { datagrams, error }
}

async fn send(
    socket: &UdpSocket,
    target: SendTarget,
    bytes: Bytes,
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

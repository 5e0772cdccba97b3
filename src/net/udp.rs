//! UDP: one bound socket that receives from anyone and sends to a target or the last sender.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use bytes::{Bytes, BytesMut};
use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::delayed_replies::DelayedReplies;
use super::session::{Reporter, SessionCommand, resolve, resolve_local};
use super::{CloseReason, Endpoint, EventKind, NetError, SendTarget, SentBy};

/// The largest UDP payload there is.
const MAX_DATAGRAM: usize = 65_536;

/// How much a burst may fill before it is reported; one event per burst, not per datagram.
const BATCH_BYTES: usize = 1 << 20;

/// How many datagrams a burst may hold before it is reported: what a burst of tiny datagrams
/// costs in bookkeeping (save-to-file's queue, the log) stays bounded too.
const BATCH_DATAGRAMS: usize = 4096;

/// The kernel receive buffer asked for: a burst waits there while we catch up. The OS caps it
/// (Linux: `net.core.rmem_max`); the size obtained is reported when the socket is bound.
const RECEIVE_BUFFER_WANTED: usize = 16 << 20;

/// Binds `local` and runs until told to close; why it ended.
pub(crate) async fn run(
    local: Endpoint,
    multicast: Option<IpAddr>,
    mut commands: mpsc::UnboundedReceiver<SessionCommand>,
    reporter: Reporter,
) -> CloseReason {
    let (socket, receive_buffer) = match bind(&local, multicast).await {
        Ok(bound) => bound,
        Err(error) => {
            return CloseReason::Failed(error);
        }
    };
    let local = match socket.local_addr() {
        Ok(local) => local,
        Err(source) => {
            return CloseReason::Failed(NetError::Receive { source });
        }
    };
    reporter.report(EventKind::Bound {
        local,
        receive_buffer,
    });
    if let Some(group) = multicast {
        reporter.report(EventKind::JoinedGroup { group });
    }
    // Datagrams from this very socket (a target set to its own port) are never answered: an
    // echo to itself would bounce forever. Bound to every address, the port is ours alone on
    // this machine, so any local source with it is this socket.
    let own_addresses = if local.ip().is_unspecified() {
        super::local_addresses()
    } else {
        Vec::new()
    };
    let from_itself = |peer: &SocketAddr| {
        let ip = peer.ip().to_canonical();
        *peer == local
            || (local.ip().is_unspecified()
                && peer.port() == local.port()
                && (ip.is_loopback() || own_addresses.contains(&ip)))
    };
    let mut last_sender: Option<SocketAddr> = None;
    let mut target = ResolvedTarget::default();
    let mut scratch = BytesMut::with_capacity(BATCH_BYTES + MAX_DATAGRAM);
    // Answers waiting out auto reply's delay, sent in the order their datagrams came, and
    // never once the session is closed.
    let mut delayed = DelayedReplies::default();
    loop {
        tokio::select! {
            // The owner's commands first: "reply to last sender" answers whoever was last
            // when it was asked, not a datagram that came while the command waited. Then
            // answers that are due, which a flood of reads must not hold back.
            biased;
            command = commands.recv() => match command {
                None | Some(SessionCommand::Close) => break,
                Some(SessionCommand::Send { target: to, bytes, ack }) => {
                    let sent = send(&socket, to, bytes, last_sender, &mut target, &reporter).await;
                    if let Some(ack) = ack {
                        if sent.is_ok() { ack.written() } else { ack.failed() }
                    }
                    if let Err(error) = sent {
                        reporter.report(EventKind::Error(error));
                    }
                }
                Some(
                    SessionCommand::Disconnect(_)
                    | SessionCommand::DisconnectAll
                    | SessionCommand::StopListening,
                ) => {
                    reporter.report(EventKind::Error(NetError::WrongTarget));
                }
            },
            () = tokio::time::sleep_until(delayed.next_due().unwrap_or_else(Instant::now)),
                if delayed.next_due().is_some() => {
                let (replies, dropped) = delayed.pop();
                for (peer, reply) in replies {
                    answer(&socket, peer, reply, &reporter).await;
                }
                if let Some(dropped) = dropped {
                    reporter.report(EventKind::Error(dropped));
                }
            }
            ready = socket.readable() => {
                let drained = match ready {
                    Ok(()) => drain(&socket, &mut scratch),
                    Err(source) => Drained { datagrams: Vec::new(), error: Some(source) },
                };
                if let Some((peer, _)) = drained.datagrams.last() {
                    last_sender = Some(*peer);
                }
                if !drained.datagrams.is_empty() {
                    // Before any wait: the time the burst arrived.
                    let time = std::time::SystemTime::now();
                    let len = drained.datagrams.iter().map(|(_, bytes)| bytes.len()).sum();
                    let room = reporter.capture_room(drained.datagrams.len(), len).await;
                    let auto_reply = reporter.auto_reply();
                    let replies: Vec<(SocketAddr, Bytes)> = drained
                        .datagrams
                        .iter()
                        .filter(|(peer, _)| auto_reply.is_active() && !from_itself(peer))
                        .flat_map(|(peer, bytes)| {
                            auto_reply.replies_to(bytes).map(|reply| (*peer, reply))
                        })
                        .collect();
                    reporter.report_data(time, EventKind::Datagrams(drained.datagrams), room).await;
                    if auto_reply.delay.is_zero() {
                        // Answered before the next read, as the TCP sessions do.
                        for (peer, reply) in replies {
                            answer(&socket, peer, reply, &reporter).await;
                        }
                    } else if !replies.is_empty()
                        && let Some(dropped) = delayed.push(Instant::now() + auto_reply.delay, replies)
                    {
                        reporter.report(EventKind::Error(dropped));
                    }
                }
                // An ICMP "port unreachable" for an earlier send shows up here on some systems;
                // it is worth showing, and the socket is still good.
                if let Some(source) = drained.error {
                    reporter.report(EventKind::Error(NetError::Receive { source }));
                }
            },
        }
    }
    CloseReason::ByUser
}

/// Binds with a large receive buffer, broadcast allowed and the multicast group joined;
/// returns the socket and the buffer size the OS granted.
pub(crate) async fn bind(
    local: &Endpoint,
    multicast: Option<IpAddr>,
) -> Result<(UdpSocket, usize), NetError> {
    let addr = resolve_local(local).await?;
    let bind_error = |source| NetError::Bind { addr, source };
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))
        .map_err(bind_error)?;
    // Best effort: a smaller buffer still works, it only drops sooner under a flood.
    let _ = socket.set_recv_buffer_size(RECEIVE_BUFFER_WANTED);
    if addr.is_ipv4() {
        // Sending to 255.255.255.255 or a subnet's broadcast address needs this.
        socket.set_broadcast(true).map_err(bind_error)?;
    } else if addr.ip().is_unspecified() {
        // `::` takes IPv4 peers too, as people binding "any address" expect.
        let _ = socket.set_only_v6(false);
    }
    // A socket bound to one address only receives datagrams sent to that address, never a
    // group's; so with a group, the local address names the interface to join on, and the
    // socket listens on the port on every address.
    let listen = match multicast {
        Some(_) => {
            // Several programs on one machine may listen to the same group and port.
            socket.set_reuse_address(true).map_err(bind_error)?;
            let any = if addr.is_ipv4() {
                IpAddr::V4(Ipv4Addr::UNSPECIFIED)
            } else {
                IpAddr::V6(Ipv6Addr::UNSPECIFIED)
            };
            SocketAddr::new(any, addr.port())
        }
        None => addr,
    };
    socket
        .bind(&listen.into())
        .map_err(|source| NetError::Bind {
            addr: listen,
            source,
        })?;
    if let Some(group) = multicast {
        join(&socket, addr, group).map_err(|source| NetError::Multicast { group, source })?;
    }
    socket.set_nonblocking(true).map_err(bind_error)?;
    let granted = socket.recv_buffer_size().unwrap_or(0);
    let socket = UdpSocket::from_std(socket.into()).map_err(bind_error)?;
    Ok((socket, granted))
}

/// Joins `group` on the interface of the `local` address (the one the routing table picks for
/// the unspecified address; a link-local one names it), and sends to groups from that
/// interface too.
fn join(socket: &Socket, local: SocketAddr, group: IpAddr) -> io::Result<()> {
    match (group, local.ip()) {
        (IpAddr::V4(group), IpAddr::V4(interface)) => {
            socket.join_multicast_v4(&group, &interface)?;
            if !interface.is_unspecified() {
                socket.set_multicast_if_v4(&interface)?;
            }
            Ok(())
        }
        (IpAddr::V6(group), IpAddr::V6(interface)) => {
            let index = match local {
                SocketAddr::V6(v6) if v6.scope_id() != 0 => v6.scope_id(),
                _ => super::interfaces::index_of(IpAddr::V6(interface)).unwrap_or(0),
            };
            socket.join_multicast_v6(&group, index)?;
            if index != 0 {
                socket.set_multicast_if_v6(index)?;
            }
            Ok(())
        }
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the group and the local address must both be IPv4 or both IPv6",
        )),
    }
}

/// What one drain of a readable socket gave.
struct Drained {
    datagrams: Vec<(SocketAddr, Bytes)>,
    error: Option<io::Error>,
}

/// Receives every datagram waiting, up to [`BATCH_BYTES`] or [`BATCH_DATAGRAMS`], straight
/// into `scratch`, then moves
/// them into one buffer of exactly their total size. A burst costs two allocations, not one
/// per datagram, and no datagram keeps a large buffer alive.
fn drain(socket: &UdpSocket, scratch: &mut BytesMut) -> Drained {
    scratch.clear();
    let mut spans: Vec<(SocketAddr, usize)> = Vec::new();
    let mut error = None;
    while scratch.len() < BATCH_BYTES && spans.len() < BATCH_DATAGRAMS {
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

/// The address of the last UDP target sent to: a name is looked up once per change of
/// target, not once per datagram (a 1 ms cycle send to a name would look it up 1,000 times
/// a second).
#[derive(Debug, Default)]
struct ResolvedTarget {
    last: Option<(Endpoint, SocketAddr)>,
}

impl ResolvedTarget {
    /// The address of `endpoint`: the one found last time if it is the same target, else
    /// what `lookup` finds (remembered only if it found one).
    async fn address(
        &mut self,
        endpoint: Endpoint,
        lookup: impl AsyncFnOnce(&Endpoint) -> Result<SocketAddr, NetError>,
    ) -> Result<SocketAddr, NetError> {
        if let Some((last, addr)) = &self.last
            && *last == endpoint
        {
            return Ok(*addr);
        }
        let addr = lookup(&endpoint).await?;
        self.last = Some((endpoint, addr));
        Ok(addr)
    }
}

async fn send(
    socket: &UdpSocket,
    target: SendTarget,
    bytes: Bytes,
    last_sender: Option<SocketAddr>,
    resolved: &mut ResolvedTarget,
    reporter: &Reporter,
) -> Result<(), NetError> {
    let peer = match target {
        SendTarget::Datagram(endpoint) => {
            let lookup = async |endpoint: &Endpoint| {
                let addrs = resolve(endpoint).await?;
                pick_family(socket, addrs).ok_or_else(|| NetError::NoAddress {
                    endpoint: endpoint.clone(),
                })
            };
            resolved.address(endpoint, lookup).await?
        }
        SendTarget::LastSender => last_sender.ok_or(NetError::NoLastSender)?,
        SendTarget::Connected
        | SendTarget::AllClients
        | SendTarget::Client(_)
        | SendTarget::Relay { .. } => {
            return Err(NetError::WrongTarget);
        }
    };
    send_to(socket, peer, bytes, SentBy::Owner, reporter).await
}

/// Sends one datagram to `peer` and reports it sent `by` the owner or auto reply.
/// Sends auto reply's answer `reply` to `peer`; a failure is reported, and the socket goes on.
async fn answer(socket: &UdpSocket, peer: SocketAddr, reply: Bytes, reporter: &Reporter) {
    if let Err(error) = send_to(socket, peer, reply, SentBy::AutoReply, reporter).await {
        reporter.report(EventKind::Error(error));
    }
}

async fn send_to(
    socket: &UdpSocket,
    peer: SocketAddr,
    bytes: Bytes,
    by: SentBy,
    reporter: &Reporter,
) -> Result<(), NetError> {
    // Stamped before the send: the peer may read it before the call returns.
    let began = std::time::SystemTime::now();
    socket
        .send_to(&bytes, peer)
        .await
        .map_err(|source| NetError::Send { peer, source })?;
    reporter
        .report_data(began, EventKind::Sent { peer, bytes, by }, None)
        .await;
    Ok(())
}

/// Prefers a resolved address of the socket's own family (a name may resolve to both).
fn pick_family(socket: &UdpSocket, addrs: Vec<SocketAddr>) -> Option<SocketAddr> {
    let want_v6 = socket.local_addr().is_ok_and(|a| a.is_ipv6());
    let first = addrs.first().copied();
    addrs.into_iter().find(|a| a.is_ipv6() == want_v6).or(first)
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[tokio::test]
    async fn a_target_is_looked_up_once_per_change_not_once_per_datagram() {
        let lookups = Cell::new(0);
        let lookup = async |endpoint: &Endpoint| {
            lookups.set(lookups.get() + 1);
            Ok(SocketAddr::from((
                [127, 0, 0, lookups.get()],
                endpoint.port,
            )))
        };
        let mut target = ResolvedTarget::default();
        let device = Endpoint::new("device.local", 9000);
        let other = Endpoint::new("other.local", 9000);
        for _ in 0..1000 {
            let addr = target.address(device.clone(), lookup).await.unwrap();
            assert_eq!(addr, SocketAddr::from(([127, 0, 0, 1], 9000)));
        }
        assert_eq!(lookups.get(), 1);
        target.address(other, lookup).await.unwrap();
        let again = target.address(device, lookup).await.unwrap();
        assert_eq!(lookups.get(), 3, "each change of target looks up once");
        assert_eq!(again, SocketAddr::from(([127, 0, 0, 3], 9000)));
    }

    #[tokio::test]
    async fn a_failed_lookup_is_not_remembered() {
        let lookups = Cell::new(0);
        let failing = async |endpoint: &Endpoint| {
            lookups.set(lookups.get() + 1);
            Err(NetError::NoAddress {
                endpoint: endpoint.clone(),
            })
        };
        let mut target = ResolvedTarget::default();
        let device = Endpoint::new("device.local", 9000);
        assert!(target.address(device.clone(), failing).await.is_err());
        assert!(target.address(device, failing).await.is_err());
        assert_eq!(lookups.get(), 2);
    }
}

//! TCP server: an accept loop and one task per client.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use super::ack::Ack;
use super::auto_reply::StreamMatcher;
use super::peer_stream::PeerStream;
use super::session::{
    Reporter, SessionCommand, Stop, receive, resolve_local, secure, write_reported,
};
use super::tls::Acceptor;
use super::{CloseReason, Endpoint, EventKind, NetError, SendTarget, SentBy, ServerTls};

/// The server's handle on one client's task.
struct Client {
    /// Writes and the disconnect, in order.
    commands: mpsc::UnboundedSender<ClientCommand>,
    /// Ends the connection even while a write to the client waits.
    stop: watch::Sender<bool>,
}

impl Client {
    /// Ends the connection in order (TLS' goodbye, then TCP's FIN), at once: a write under
    /// way or waiting is given up, so a client that reads nothing cannot hold it.
    fn disconnect(&self) {
        let _ = self.commands.send(ClientCommand::Disconnect);
        // Even if it is waiting to write to a client that does not read.
        let _ = self.stop.send(true);
    }
}

/// What the server tells one client task.
enum ClientCommand {
    Write(Bytes, Option<Ack>),
    Disconnect,
}

/// Binds `local` and serves, with TLS if asked for, until told to close.
pub(crate) async fn run(
    local: Endpoint,
    tls: Option<ServerTls>,
    commands: mpsc::UnboundedReceiver<SessionCommand>,
    reporter: Reporter,
) -> CloseReason {
    let prepared = async {
        let listener = bind(&local).await?;
        let acceptor = match &tls {
            Some(options) => Some(acceptor(options, &listener).await?),
            None => None,
        };
        Ok::<_, NetError>((listener, acceptor))
    };
    let (listener, acceptor) = match prepared.await {
        Ok(prepared) => prepared,
        Err(error) => {
            return CloseReason::Failed(error);
        }
    };
    match listener.local_addr() {
        Ok(local) => {
            reporter.report(EventKind::Listening { local });
            if let (Some(acceptor), Some(options)) = (&acceptor, &tls) {
                reporter.report(EventKind::ServingTls {
                    certificate: acceptor.fingerprint,
                    self_signed: *options == ServerTls::SelfSigned,
                });
            }
        }
        Err(source) => {
            return CloseReason::Failed(NetError::Accept { source });
        }
    }
    serve(Some(listener), acceptor, commands, &reporter).await;
    CloseReason::ByUser
}

/// Connections the kernel may hold for us before we accept them. When thousands of devices
/// reconnect at once (after a power cut, say), a short queue overflows and each overflowed
/// client waits a second or more to retry; the OS caps this at its own maximum (somaxconn).
const LISTEN_BACKLOG: i32 = 8192;

pub(crate) async fn bind(local: &Endpoint) -> Result<TcpListener, NetError> {
    let addr = resolve_local(local).await?;
    let bind_error = |source| NetError::Bind { addr, source };
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))
        .map_err(bind_error)?;
    // As std and tokio do on Unix: rebinding right after Close must not fail on TIME_WAIT.
    // (On Windows the option would let another program steal the port, so it stays off.)
    #[cfg(unix)]
    socket.set_reuse_address(true).map_err(bind_error)?;
    if addr.is_ipv6() && addr.ip().is_unspecified() {
        // `::` takes IPv4 clients too, as people binding "any address" expect.
        let _ = socket.set_only_v6(false);
    }
    socket.bind(&addr.into()).map_err(bind_error)?;
    socket.listen(LISTEN_BACKLOG).map_err(bind_error)?;
    socket.set_nonblocking(true).map_err(bind_error)?;
    TcpListener::from_std(socket.into()).map_err(bind_error)
}

/// Reads or makes the server's certificate. One that is made names `localhost` and the
/// bound address, or every address of this machine when bound to all of them.
async fn acceptor(options: &ServerTls, listener: &TcpListener) -> Result<Acceptor, NetError> {
    let bound = listener.local_addr().map(|addr| addr.ip()).ok();
    let addresses: Vec<std::net::IpAddr> = match bound {
        Some(ip) if !ip.is_unspecified() => vec![ip],
        _ => super::local_addresses()
            .into_iter()
            .filter(|ip| !ip.is_unspecified())
            .collect(),
    };
    let options = options.clone();
    // Reading files and making a key: off the runtime's threads.
    tokio::task::spawn_blocking(move || Acceptor::new(&options, &addresses))
        .await
        .map_err(|join| NetError::Accept {
            source: std::io::Error::other(join),
        })?
        .map_err(NetError::from)
}

/// The next connection, or never once the server stopped listening (`None`).
pub(crate) async fn accept(
    listener: Option<&TcpListener>,
) -> Option<std::io::Result<(TcpStream, SocketAddr)>> {
    match listener {
        Some(listener) => Some(listener.accept().await),
        None => std::future::pending().await,
    }
}

/// The accept loop; returns when the owner closes the session or goes away.
async fn serve(
    mut listener: Option<TcpListener>,
    acceptor: Option<Acceptor>,
    mut commands: mpsc::UnboundedReceiver<SessionCommand>,
    reporter: &Reporter,
) {
    let mut clients: HashMap<SocketAddr, Client> = HashMap::new();
    // Dropping the set when the loop ends aborts every client task, closing their sockets.
    let mut tasks = JoinSet::new();
    // Client tasks say here when they end; the loop forgets the client and only then reports
    // it gone, so a send asked for after the owner saw it leave finds it missing.
    let (left_tx, mut left_rx) = mpsc::unbounded_channel::<(SocketAddr, CloseReason)>();
    loop {
        tokio::select! {
            // The owner's commands first: a send to all asked for before a client's connection
            // is taken goes to the clients there were, not to that one as well.
            biased;
            command = commands.recv() => match command {
                None | Some(SessionCommand::Close) => break,
                Some(SessionCommand::Send { target, bytes, ack }) => {
                    send(&clients, &target, &bytes, ack.as_ref(), reporter);
                }
                Some(SessionCommand::Disconnect(peer)) => {
                    match clients.get(&peer) {
                        Some(client) => client.disconnect(),
                        None => reporter.report(EventKind::Error(NetError::NoSuchClient { peer })),
                    }
                }
                Some(SessionCommand::DisconnectAll) => {
                    // Each leaves as its task ends, reported as one asked for by the owner.
                    clients.values().for_each(Client::disconnect);
                }
                Some(SessionCommand::StopListening) => {
                    // Closing the listening socket refuses new clients; the connected ones
                    // have sockets of their own and carry on.
                    if listener.take().is_some() {
                        reporter.report(EventKind::StoppedListening { clients: clients.len() });
                    }
                }
            },
            Some(accepted) = accept(listener.as_ref()) => match accepted {
                Ok((stream, peer)) => {
                    let (commands, rx) = mpsc::unbounded_channel();
                    let (stop, stop_rx) = Stop::new();
                    clients.insert(peer, Client { commands, stop });
                    reporter.report(EventKind::PeerJoined { peer });
                    let connection = Connection { stream, peer, tls: acceptor.clone() };
                    let client = client_task(connection, rx, stop_rx, reporter.clone(), left_tx.clone());
                    tasks.spawn(client);
                }
                Err(source) => {
                    reporter.report(EventKind::Error(NetError::Accept { source }));
                    // Out of descriptors, typically: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            Some((peer, reason)) = left_rx.recv() => {
                clients.remove(&peer);
                reporter.report(EventKind::PeerLeft { peer, reason });
            }
            // Reap finished tasks so the set does not grow with every client that ever came.
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
        }
    }
}

fn send(
    clients: &HashMap<SocketAddr, Client>,
    target: &SendTarget,
    bytes: &Bytes,
    ack: Option<&Ack>,
    reporter: &Reporter,
) {
    let write = || ClientCommand::Write(bytes.clone(), ack.cloned());
    let error = match *target {
        SendTarget::AllClients => {
            // A client whose task just ended is left out; its departure is already on its way.
            for client in clients.values() {
                let _ = client.commands.send(write());
            }
            clients.is_empty().then_some(NetError::NoClients)
        }
        SendTarget::Client(peer) => {
            let queued = clients
                .get(&peer)
                .is_some_and(|client| client.commands.send(write()).is_ok());
            (!queued).then_some(NetError::NoSuchClient { peer })
        }
        SendTarget::Connected
        | SendTarget::Datagram(_)
        | SendTarget::LastSender
        | SendTarget::Relay { .. } => Some(NetError::WrongTarget),
    };
    if let Some(error) = error {
        if let Some(ack) = ack {
            ack.failed();
        }
        reporter.report(EventKind::Error(error));
    }
}

/// A client's accepted connection, and the TLS it is to speak, if any.
struct Connection {
    stream: TcpStream,
    peer: SocketAddr,
    tls: Option<Acceptor>,
}

impl Connection {
    /// The stream to talk over: as it is, or once the client's TLS handshake is done (or
    /// why the connection ended first). Writes asked for meanwhile wait for it.
    async fn open(self, reporter: &Reporter, stop: &mut Stop) -> Result<PeerStream, CloseReason> {
        let Some(acceptor) = self.tls else {
            return Ok(PeerStream::Plain(self.stream));
        };
        secure(acceptor.handshake(self.stream), self.peer, reporter, stop).await
    }
}

/// Reads from and writes to one client until either side ends the connection. Over plain
/// TCP it holds no read buffer while idle, so ten thousand quiet clients cost little memory.
async fn client_task(
    connection: Connection,
    mut commands: mpsc::UnboundedReceiver<ClientCommand>,
    mut stop: Stop,
    reporter: Reporter,
    left: mpsc::UnboundedSender<(SocketAddr, CloseReason)>,
) {
    let peer = connection.peer;
    let mut stream = match connection.open(&reporter, &mut stop).await {
        Ok(stream) => stream,
        Err(reason) => {
            let _ = left.send((peer, reason));
            return;
        }
    };
    let mut matcher = StreamMatcher::default();
    let reason = loop {
        tokio::select! {
            outcome = stream.read() => {
                if let Some(reason) =
                    receive(outcome, &mut stream, peer, &reporter, &mut stop, &mut matcher).await
                {
                    break reason;
                }
            },
            command = commands.recv() => match command {
                Some(ClientCommand::Write(bytes, ack)) => {
                    // Reported before the ack, so a file send waits for the backlog too.
                    let written =
                        write_reported(&mut stream, peer, bytes, SentBy::Owner, &reporter, &mut stop).await;
                    if let Some(ack) = ack {
                        if written.is_ok() { ack.written() } else { ack.failed() }
                    }
                    if let Err(reason) = written {
                        break reason;
                    }
                }
                Some(ClientCommand::Disconnect) | None => {
                    let _ = stream.shutdown().await;
                    break CloseReason::ByUser;
                }
            },
        }
    };
    let _ = left.send((peer, reason));
}

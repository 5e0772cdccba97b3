//! TCP relay (转发): listens for clients and connects each one to the upstream server over a
//! connection of its own, then passes bytes both ways, reporting each read as it goes. A side
//! that ends its sending (FIN) has it passed on while the other way goes on; a side that
//! resets has the other reset too; an upstream that cannot be reached closes the client with
//! the reason. Auto reply answers either side instead of passing on what it matched, so a
//! rule can play the server (or the device) for one request.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncWrite, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_rustls::TlsStream;

use super::ack::Ack;
use super::auto_reply::StreamMatcher;
use super::impair::{Fate, Fates, SharedImpairments};
use super::peer_stream::{ReadOutcome, read_plain, read_records};
use super::relay_line::{Line, Next};
use super::session::{Reporter, SessionCommand, Stop, close_reason_for};
use super::tcp_client::connect;
use super::tls::Connector;
use super::{CloseReason, Endpoint, EventKind, NetError, SendTarget, SentBy, Way};

/// Where a relay connects its clients to, and how.
pub(crate) struct Upstream {
    /// The server.
    pub(crate) remote: Endpoint,
    /// How long connecting may take (and the TLS handshake, again, after it).
    pub(crate) timeout: Duration,
    /// TLS towards the server, ready to shake hands.
    pub(crate) tls: Option<Connector>,
}

/// Listens on `local` and relays each client to `upstream` until told to close, impaired as
/// `impairments` say.
pub(crate) async fn run(
    local: Endpoint,
    upstream: Endpoint,
    timeout: Duration,
    tls: Option<super::ClientTls>,
    impairments: SharedImpairments,
    commands: mpsc::UnboundedReceiver<SessionCommand>,
    reporter: Reporter,
) -> CloseReason {
    let prepared = async {
        let listener = super::tcp_server::bind(&local).await?;
        let tls = match tls {
            Some(options) => Some(Connector::new(options).await?),
            None => None,
        };
        Ok::<_, NetError>((listener, tls))
    };
    let (listener, tls) = match prepared.await {
        Ok(prepared) => prepared,
        Err(error) => return CloseReason::Failed(error),
    };
    match listener.local_addr() {
        Ok(local) => reporter.report(EventKind::Listening { local }),
        Err(source) => return CloseReason::Failed(NetError::Accept { source }),
    }
    let upstream = Arc::new(Upstream {
        remote: upstream,
        timeout,
        tls,
    });
    serve(
        listener,
        &upstream,
        commands,
        (&reporter, &Fates::new(impairments)),
    )
    .await;
    CloseReason::ByUser
}

/// The relay's handle on one pair's task.
struct Pair {
    /// Injected writes and the disconnect, in order.
    commands: mpsc::UnboundedSender<PairCommand>,
    /// Ends the pair even while a write to a side that does not read waits.
    stop: tokio::sync::watch::Sender<bool>,
}

impl Pair {
    fn disconnect(&self) {
        let _ = self.commands.send(PairCommand::Disconnect);
        let _ = self.stop.send(true);
    }
}

/// Bytes to write into one way of a pair on someone's behalf, with who decided it and the
/// acknowledgement a file or cycle send waits for.
type Injection = (Bytes, Option<Ack>, SentBy);

/// What the relay tells one pair's task.
enum PairCommand {
    /// Write bytes to one side, as if they had come from the other.
    Inject(Way, Bytes, Option<Ack>),
    /// End both connections in order.
    Disconnect,
}

/// The accept loop; returns when the owner closes the session or goes away.
async fn serve(
    listener: tokio::net::TcpListener,
    upstream: &Arc<Upstream>,
    mut commands: mpsc::UnboundedReceiver<SessionCommand>,
    (reporter, fates): (&Reporter, &Fates),
) {
    let mut listener = Some(listener);
    let mut pairs: HashMap<SocketAddr, Pair> = HashMap::new();
    // Dropping the set when the loop ends aborts every pair's task, closing its sockets.
    let mut tasks = JoinSet::new();
    let (left_tx, mut left_rx) = mpsc::unbounded_channel::<(SocketAddr, CloseReason)>();
    loop {
        tokio::select! {
            biased;
            command = commands.recv() => match command {
                None | Some(SessionCommand::Close) => break,
                Some(SessionCommand::Send { target, bytes, ack }) => {
                    inject(&pairs, &target, &bytes, ack.as_ref(), reporter);
                }
                Some(SessionCommand::Disconnect(client)) => match pairs.get(&client) {
                    Some(pair) => pair.disconnect(),
                    None => reporter.report(EventKind::Error(NetError::NoSuchClient { peer: client })),
                },
                Some(SessionCommand::DisconnectAll) => pairs.values().for_each(Pair::disconnect),
                Some(SessionCommand::StopListening) => {
                    if listener.take().is_some() {
                        reporter.report(EventKind::StoppedListening { clients: pairs.len() });
                    }
                }
            },
            Some(accepted) = super::tcp_server::accept(listener.as_ref()) => match accepted {
                Ok((stream, client)) => {
                    let (commands, rx) = mpsc::unbounded_channel();
                    let (stop, stop_rx) = Stop::new();
                    pairs.insert(client, Pair { commands, stop });
                    reporter.report(EventKind::PeerJoined { peer: client });
                    let pair = pair_task(
                        stream,
                        client,
                        Arc::clone(upstream),
                        rx,
                        stop_rx,
                        (reporter.clone(), fates.clone()),
                    );
                    let left = left_tx.clone();
                    tasks.spawn(async move {
                        let reason = pair.await;
                        let _ = left.send((client, reason));
                    });
                }
                Err(source) => {
                    reporter.report(EventKind::Error(NetError::Accept { source }));
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            Some((client, reason)) = left_rx.recv() => {
                pairs.remove(&client);
                reporter.report(EventKind::PeerLeft { peer: client, reason });
            }
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
        }
    }
}

/// Hands bytes the owner sends to the pairs `target` names.
fn inject(
    pairs: &HashMap<SocketAddr, Pair>,
    target: &SendTarget,
    bytes: &Bytes,
    ack: Option<&Ack>,
    reporter: &Reporter,
) {
    let error = match *target {
        SendTarget::Relay { way, client: None } => {
            for pair in pairs.values() {
                let command = PairCommand::Inject(way, bytes.clone(), ack.cloned());
                let _ = pair.commands.send(command);
            }
            pairs.is_empty().then_some(NetError::NoClients)
        }
        SendTarget::Relay {
            way,
            client: Some(client),
        } => {
            let command = PairCommand::Inject(way, bytes.clone(), ack.cloned());
            let queued = pairs
                .get(&client)
                .is_some_and(|pair| pair.commands.send(command).is_ok());
            (!queued).then_some(NetError::NoSuchClient { peer: client })
        }
        _ => Some(NetError::WrongTarget),
    };
    if let Some(error) = error {
        if let Some(ack) = ack {
            ack.failed();
        }
        reporter.report(EventKind::Error(error));
    }
}

/// Connects `client` to the upstream server and relays between them until both ways have
/// ended, a side resets or fails, or the owner disconnects the pair; why the pair ended.
async fn pair_task(
    client_stream: TcpStream,
    client: SocketAddr,
    upstream: Arc<Upstream>,
    mut commands: mpsc::UnboundedReceiver<PairCommand>,
    mut stop: Stop,
    (reporter, fates): (Reporter, Fates),
) -> CloseReason {
    let connected = tokio::select! {
        connected = connect_upstream(&upstream, client, &reporter) => connected,
        () = stop.requested() => return CloseReason::ByUser,
    };
    let upstream_side = match connected {
        Ok(side) => side,
        Err(error) => {
            // The client learns the upstream is not there the way a direct connection would
            // have told it: its connection ends.
            let mut client_stream = client_stream;
            let _ = client_stream.shutdown().await;
            return CloseReason::Failed(error);
        }
    };
    let (client_read, client_write) = client_stream.into_split();
    let mut client_side = Side {
        reader: Reader::Plain(client_read),
        writer: Writer::Plain(client_write),
        reset_handle: None,
    };
    let mut upstream_side = upstream_side;
    let ended = relay(
        client,
        &mut client_side,
        &mut upstream_side,
        &mut commands,
        &mut stop,
        (&reporter, &fates),
    )
    .await;
    match ended {
        PairEnd::Both => CloseReason::ByPeer,
        PairEnd::Disconnected => {
            // In order, both sides: TLS' goodbye, then TCP's FIN; a side that does not read
            // is not waited for.
            let close = async {
                let _ = client_side.writer.shutdown().await;
                let _ = upstream_side.writer.shutdown().await;
            };
            let _ = tokio::time::timeout(Duration::from_secs(1), close).await;
            CloseReason::ByUser
        }
        PairEnd::Broken { way, reason } => {
            // Passed on as it came: a reset as a reset, so the other side sees what its peer
            // would have seen without the relay.
            let other = match way {
                Way::ToUpstream => upstream_side,
                Way::ToClient => client_side,
            };
            other.reset();
            if matches!(reason, CloseReason::Reset) {
                reporter.report(EventKind::ResetPassedOn { client, way });
            }
            reason
        }
        PairEnd::Cut { way, after } => {
            // As a link that goes down mid-stream: neither side gets an orderly end.
            client_side.reset();
            upstream_side.reset();
            CloseReason::Cut { way, after }
        }
    }
}

/// Connects to the upstream server for `client` within the timeout, shaking hands with TLS if
/// asked for, and reports it connected.
async fn connect_upstream(
    upstream: &Upstream,
    client: SocketAddr,
    reporter: &Reporter,
) -> Result<Side, NetError> {
    let stream = connect(&upstream.remote, upstream.timeout, 0, |_| {}).await?;
    let (local, remote) = match (stream.local_addr(), stream.peer_addr()) {
        (Ok(local), Ok(remote)) => (local, remote),
        (Err(source), _) | (_, Err(source)) => return Err(NetError::Receive { source }),
    };
    let side = match &upstream.tls {
        None => {
            let (reader, writer) = stream.into_split();
            Side {
                reader: Reader::Plain(reader),
                writer: Writer::Plain(writer),
                reset_handle: None,
            }
        }
        Some(connector) => {
            // A copy of the socket to reset it by: TLS keeps the stream to itself.
            let reset_handle = socket2::SockRef::from(&stream).try_clone().ok();
            let handshake = connector.handshake(&upstream.remote.host, stream, remote);
            let (tls, summary) = tokio::time::timeout(upstream.timeout, handshake)
                .await
                .unwrap_or_else(|_| {
                    let waited = format!("no answer within {} s", upstream.timeout.as_secs_f32());
                    Err(std::io::Error::new(std::io::ErrorKind::TimedOut, waited))
                })
                .map_err(|source| NetError::TlsHandshake {
                    peer: remote,
                    source,
                })?;
            reporter.report(EventKind::Secured {
                peer: remote,
                summary,
            });
            let (reader, writer) = tokio::io::split(tls);
            Side {
                reader: Reader::Tls(reader),
                writer: Writer::Tls(writer),
                reset_handle,
            }
        }
    };
    reporter.report(EventKind::UpstreamConnected {
        client,
        local,
        upstream: remote,
    });
    Ok(side)
}

/// One connection of a pair, split so that each way runs on its own.
struct Side {
    reader: Reader,
    writer: Writer,
    /// The socket under TLS, to reset it by (plain TCP is reached through its halves).
    reset_handle: Option<socket2::Socket>,
}

impl Side {
    /// Ends the connection with a reset (RST): closed at once, with nothing sent before.
    fn reset(self) {
        let linger_now = |socket: socket2::SockRef<'_>| {
            let _ = socket.set_linger(Some(Duration::ZERO));
        };
        match (&self.reset_handle, &self.reader) {
            (Some(socket), _) => linger_now(socket2::SockRef::from(socket)),
            (None, Reader::Plain(reader)) => linger_now(socket2::SockRef::from(reader.as_ref())),
            (None, Reader::Tls(_)) => {}
        }
        // A write half dropped would end the sending first (FIN), which the peer would read
        // as an orderly end before the reset.
        if let Writer::Plain(writer) = self.writer {
            writer.forget();
        }
    }
}

/// The reading half of a side.
enum Reader {
    Plain(OwnedReadHalf),
    Tls(ReadHalf<TlsStream<TcpStream>>),
}

impl Reader {
    async fn read(&mut self) -> ReadOutcome {
        match self {
            Self::Plain(reader) => read_plain(reader.as_ref()).await,
            Self::Tls(reader) => read_records(reader, |_, _| {}).await,
        }
    }
}

/// The writing half of a side.
enum Writer {
    Plain(OwnedWriteHalf),
    Tls(WriteHalf<TlsStream<TcpStream>>),
}

impl Writer {
    fn stream(&mut self) -> &mut (dyn AsyncWrite + Send + Unpin) {
        match self {
            Self::Plain(writer) => writer,
            Self::Tls(writer) => writer,
        }
    }

    /// Writes all of `bytes` and pushes them out (TLS holds a record until flushed).
    async fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let stream = self.stream();
        stream.write_all(bytes).await?;
        stream.flush().await
    }

    /// Ends this side's sending: TLS' goodbye, then TCP's FIN.
    async fn shutdown(&mut self) -> std::io::Result<()> {
        self.stream().shutdown().await
    }
}

/// How a pair's relaying ended.
enum PairEnd {
    /// Both ways ended in order.
    Both,
    /// The owner disconnected it.
    Disconnected,
    /// A side broke off: the way whose read or write failed, and why.
    Broken { way: Way, reason: CloseReason },
    /// The impairment of `way` cut both connections off after that many bytes.
    Cut { way: Way, after: u64 },
}

/// How one way of a pair ended.
enum WayEnd {
    /// Its reading side ended its sending, which was passed on.
    Closed,
    /// Its reading side reset or failed (`Way` as read), or its writing side did.
    Broken(Way, CloseReason),
    /// Its impairment cut the pair off after that many bytes.
    Cut(Way, u64),
}

/// Relays both ways of a pair at once, each on its own so that a side that does not read
/// holds up only what goes to it, and injects what the owner sends into either way.
async fn relay(
    client: SocketAddr,
    client_side: &mut Side,
    upstream_side: &mut Side,
    commands: &mut mpsc::UnboundedReceiver<PairCommand>,
    stop: &mut Stop,
    (reporter, fates): (&Reporter, &Fates),
) -> PairEnd {
    let (to_upstream_tx, mut to_upstream_rx) = mpsc::unbounded_channel();
    let (to_client_tx, mut to_client_rx) = mpsc::unbounded_channel();
    let upstream_peer = upstream_side.peer();
    let of = |way| WayOf {
        way,
        client,
        reporter,
        fates,
    };
    let (to_upstream, to_client) = (of(Way::ToUpstream), of(Way::ToClient));
    let client_way = pass(
        &to_upstream,
        (&mut client_side.reader, client),
        (&mut upstream_side.writer, upstream_peer),
        (&mut to_upstream_rx, to_client_tx.clone()),
    );
    let upstream_way = pass(
        &to_client,
        (&mut upstream_side.reader, upstream_peer),
        (&mut client_side.writer, client),
        (&mut to_client_rx, to_upstream_tx.clone()),
    );
    tokio::pin!(client_way, upstream_way);
    let (mut client_done, mut upstream_done) = (false, false);
    loop {
        let ended = tokio::select! {
            ended = &mut client_way, if !client_done => {
                client_done = true;
                ended
            }
            ended = &mut upstream_way, if !upstream_done => {
                upstream_done = true;
                ended
            }
            command = commands.recv() => match command {
                Some(PairCommand::Inject(way, bytes, ack)) => {
                    let (sender, done) = match way {
                        Way::ToUpstream => (&to_upstream_tx, client_done),
                        Way::ToClient => (&to_client_tx, upstream_done),
                    };
                    if done || sender.send((bytes, ack, SentBy::Owner)).is_err() {
                        // That way has ended: nothing more can be written to that side.
                        reporter.report(EventKind::Error(NetError::NotConnected));
                    }
                    continue;
                }
                Some(PairCommand::Disconnect) | None => return PairEnd::Disconnected,
            },
            () = stop.requested() => return PairEnd::Disconnected,
        };
        match ended {
            WayEnd::Broken(way, reason) => return PairEnd::Broken { way, reason },
            WayEnd::Cut(way, after) => return PairEnd::Cut { way, after },
            WayEnd::Closed if client_done && upstream_done => return PairEnd::Both,
            WayEnd::Closed => {}
        }
    }
}

impl Side {
    /// The address of the other end, for errors and the log.
    fn peer(&self) -> SocketAddr {
        let unknown = SocketAddr::from(([0, 0, 0, 0], 0));
        match (&self.reset_handle, &self.reader) {
            (Some(socket), _) => socket
                .peer_addr()
                .ok()
                .and_then(|addr| addr.as_socket())
                .unwrap_or(unknown),
            (None, Reader::Plain(reader)) => reader.peer_addr().unwrap_or(unknown),
            (None, Reader::Tls(_)) => unknown,
        }
    }
}

/// Passes what `from` sends on to `to` (`way` of the pair of `client`), reporting each read
/// as it comes, and writes what is injected into that way between reads. What is read waits
/// on the way's line as its impairment says (see [`super::relay_line`]). A read that auto
/// reply answers is not passed on: the answers go back through `answer_back`, the other
/// way's injections. Ends when `from` ends its sending (passed on to `to` once all it sent
/// was written), either side breaks off, or the impairment cuts the pair off.
async fn pass(
    of: &WayOf<'_>,
    (from, from_peer): (&mut Reader, SocketAddr),
    (to, to_peer): (&mut Writer, SocketAddr),
    (injected, answer_back): (
        &mut mpsc::UnboundedReceiver<Injection>,
        mpsc::UnboundedSender<Injection>,
    ),
) -> WayEnd {
    let mut matcher = StreamMatcher::default();
    let mut line = Line::new();
    let mut reading = true;
    // Reset to when the line's next write is due, whenever it waits.
    let due = tokio::time::sleep_until(Instant::now());
    tokio::pin!(due);
    // A side's failure belongs to the way it would have been read from.
    let broken_writing = |error| WayEnd::Broken(of.way.back(), close_reason_for(error, to_peer));
    loop {
        let impairment = of.fates.stream(of.way);
        let waits = match line.next(&impairment, Instant::now()) {
            Next::Write(piece) => {
                let started = Instant::now();
                if let Err(error) = to.write_all(&piece).await {
                    return broken_writing(error);
                }
                line.wrote(piece.len(), started, &impairment);
                continue;
            }
            Next::Cut(after) => return WayEnd::Cut(of.way, after),
            Next::Wait(at) => {
                due.as_mut().reset(at);
                true
            }
            Next::Empty if !reading => {
                // The other side may still answer: only this way ends.
                let _ = to.shutdown().await;
                of.reporter.report(EventKind::HalfClosed {
                    client: of.client,
                    way: of.way,
                });
                return WayEnd::Closed;
            }
            Next::Empty => false,
        };
        tokio::select! {
            outcome = from.read(), if reading && line.has_room() => match outcome {
                ReadOutcome::Data(bytes) => {
                    take_read(of, bytes, (&mut matcher, &mut line), &answer_back).await;
                }
                ReadOutcome::Closed => {
                    reading = false;
                    line.release_unfinished();
                }
                ReadOutcome::Failed(error) => {
                    return WayEnd::Broken(of.way, close_reason_for(error, from_peer));
                }
            },
            Some(injection) = injected.recv() => {
                if let Err(error) = write_injected(of, to, injection).await {
                    return broken_writing(error);
                }
            }
            () = &mut due, if waits => {}
        }
    }
}

/// How long the end of a read that may begin an auto reply request waits for the rest before
/// it goes on: a device behind a serial server sends one request in pieces a few
/// milliseconds apart.
const HOLD_UNFINISHED: Duration = Duration::from_millis(100);

/// Takes a read of `bytes` from the way's reading side: reports it (with its delay, if the
/// impairment holds it) and puts it on the `line`, unless auto reply answers it, which sends
/// its answers through `answer_back` after auto reply's delay instead. An end that may begin
/// a rule's pattern is held back until the rest comes, so that a request cut across reads is
/// not half passed on before the read that completes it is answered.
async fn take_read(
    of: &WayOf<'_>,
    bytes: Bytes,
    (matcher, line): (&mut StreamMatcher, &mut Line),
    answer_back: &mpsc::UnboundedSender<Injection>,
) {
    let time = SystemTime::now();
    // Save-to-file keeps what the client sends, as a server's keeps what it receives (its
    // text format has both ways).
    let room = match of.way {
        Way::ToUpstream => of.reporter.capture_room(1, bytes.len()).await,
        Way::ToClient => None,
    };
    let auto_reply = of.reporter.auto_reply();
    let answers = if auto_reply.is_active() {
        matcher.replies_to(&auto_reply, &bytes)
    } else {
        Vec::new()
    };
    let delay = if answers.is_empty() {
        of.fates.read_delay(of.way)
    } else {
        None
    };
    let event = EventKind::Relayed {
        client: of.client,
        way: of.way,
        bytes: bytes.clone(),
        injected: None,
        impaired: delay.map(Fate::delayed),
    };
    of.reporter.report_data(time, event, room).await;
    if answers.is_empty() {
        let mut bytes = match line.take_unfinished() {
            Some(before) => {
                let mut joined = BytesMut::with_capacity(before.len() + bytes.len());
                joined.extend_from_slice(&before);
                joined.extend_from_slice(&bytes);
                joined.freeze()
            }
            None => bytes,
        };
        let delay = delay.unwrap_or_default();
        let unfinished = auto_reply.unfinished_match(&bytes);
        let complete = bytes.split_to(bytes.len() - unfinished);
        if !complete.is_empty() {
            line.put(complete, delay);
        }
        if !bytes.is_empty() {
            line.hold_back(bytes, delay, HOLD_UNFINISHED);
        }
        return;
    }
    // The start of the answered request, if held back, is not passed on either.
    let _ = line.take_unfinished();
    // Answered here instead of by the other side, after auto reply's delay (as a slow
    // device's), which holds up only this way.
    tokio::time::sleep(auto_reply.delay).await;
    for answer in answers {
        let _ = answer_back.send((answer, None, SentBy::AutoReply));
    }
}

/// Writes bytes injected into the way, acknowledges them, and reports them.
async fn write_injected(
    of: &WayOf<'_>,
    to: &mut Writer,
    (bytes, ack, by): Injection,
) -> std::io::Result<()> {
    let began = SystemTime::now();
    let written = to.write_all(&bytes).await;
    if let Some(ack) = &ack {
        if written.is_ok() {
            ack.written();
        } else {
            ack.failed();
        }
    }
    written?;
    let event = EventKind::Relayed {
        client: of.client,
        way: of.way,
        bytes,
        injected: Some(by),
        impaired: None,
    };
    of.reporter.report_data(began, event, None).await;
    Ok(())
}

/// Who a way's work is for: the way, its pair's client, where events go, and the relay's
/// impairments.
struct WayOf<'a> {
    way: Way,
    client: SocketAddr,
    reporter: &'a Reporter,
    fates: &'a Fates,
}

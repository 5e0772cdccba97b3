//! The engine the UI drives: one session at a time, commands in, events out.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::auto_reply::{AutoReply, SharedAutoReply};
use super::backlog::Backlog;
use super::capture::{self, CaptureFormat, CaptureProgress, FinishedCapture, SharedCapture};
use super::session::{Reporter, SessionCommand, Stop, Wake};
use super::transfer::{self, FilePacing, FileProgress};
use super::{
    ClientTls, Endpoint, Event, EventKind, FileError, NetError, SendTarget, ServerTls, SessionId,
    tcp_client, tcp_server, udp,
};

/// Wakes the owner when events are waiting. The GUI passes a repaint request; tests pass a
/// no-op. Being a plain callback keeps the engine free of any UI dependency. It is called at
/// most once per [`Wakeup`] kind between two [`EventReceiver::drain`] calls.
pub type Notifier = Arc<dyn Fn(Wakeup) + Send + Sync>;

/// Why the engine wakes its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wakeup {
    /// Events are waiting: drain them when convenient (a GUI paces its repaints).
    Events,
    /// The undrained data has reached its limit (16 MiB) and reads wait for a drain: drain as
    /// soon as possible.
    BacklogFull,
}

/// What to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionConfig {
    /// Listen for TCP clients on a local address.
    TcpServer {
        /// Address and port to bind; port 0 picks a free one.
        local: Endpoint,
        /// TLS for every client, with this certificate; `None` for plain TCP.
        tls: Option<ServerTls>,
    },
    /// Connect to a TCP server.
    TcpClient {
        /// The server to reach.
        remote: Endpoint,
        /// How long to wait for the connection.
        timeout: Duration,
        /// The local port to connect from; 0 lets the system pick one.
        local_port: u16,
        /// TLS over the connection; `None` for plain TCP.
        tls: Option<ClientTls>,
    },
    /// Bind a UDP socket.
    Udp {
        /// Address and port to bind; port 0 picks a free one.
        local: Endpoint,
        /// A multicast group to join (IPv4 or IPv6), if any.
        multicast: Option<std::net::IpAddr>,
    },
}

struct ActiveSession {
    id: SessionId,
    commands: mpsc::UnboundedSender<SessionCommand>,
    /// Ends a TCP client's connection even while a write to its peer waits (a server has one
    /// per client, and UDP never waits for a peer).
    stop: Option<watch::Sender<bool>>,
    reporter: Reporter,
    cycle: Option<SideTask<AtomicU64>>,
    file: Option<SideTask<FileProgress>>,
}

/// A send running beside the session (a cycle or a file) and its live progress.
struct SideTask<P> {
    task: JoinHandle<()>,
    progress: Arc<P>,
}

impl<P> SideTask<P> {
    /// Aborts the task; its progress if it was still running (a task that ended on its own
    /// has reported its end already).
    fn abort(self) -> Option<Arc<P>> {
        if self.task.is_finished() {
            return None;
        }
        self.task.abort();
        Some(self.progress)
    }
}

impl ActiveSession {
    /// Stops a running cycle send, reporting how many went out.
    fn stop_cycle(&mut self) {
        if let Some(sends) = self.cycle.take().and_then(SideTask::abort) {
            self.reporter.report(EventKind::CycleStopped {
                sends: sends.load(Ordering::Relaxed),
            });
        }
    }

    /// Cancels a file send under way, reporting how far it got.
    fn cancel_file(&mut self) {
        if let Some(progress) = self.file.take().and_then(SideTask::abort) {
            self.reporter.report(EventKind::FileDone {
                path: progress.path.clone(),
                sent: progress.sent(),
                complete: false,
            });
        }
    }
}

/// Runs network sessions on a tokio runtime on behalf of a UI, a test or a CLI.
pub struct Engine {
    runtime: Handle,
    events: mpsc::UnboundedSender<Event>,
    wake: Arc<Wake>,
    backlog: Arc<Backlog>,
    capture: SharedCapture,
    capture_writer: Option<FinishedCapture>,
    auto_reply: SharedAutoReply,
    next_id: u64,
    active: Option<ActiveSession>,
}

/// The owner's end of the event channel.
pub struct EventReceiver {
    events: mpsc::UnboundedReceiver<Event>,
    wake: Arc<Wake>,
    backlog: Arc<Backlog>,
}

impl EventReceiver {
    /// Everything waiting now, without blocking (for a UI frame). Events that arrive after this
    /// call wake the owner again and wait for the next drain: draining frees backlog room, so
    /// in a flood a drain that went on until the channel was empty might never end.
    pub fn drain(&mut self) -> impl Iterator<Item = Event> + '_ {
        self.wake.rearm();
        let waiting = self.events.len();
        (0..waiting).map_while(|_| {
            let event = self.events.try_recv().ok()?;
            self.backlog.release(&event.kind);
            Some(event)
        })
    }

    /// Waits for the next event (for tests and command-line use).
    pub async fn recv(&mut self) -> Option<Event> {
        let event = self.events.recv().await?;
        self.backlog.release(&event.kind);
        Some(event)
    }
}

impl Drop for EventReceiver {
    fn drop(&mut self) {
        self.backlog.close();
    }
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("active", &self.active.as_ref().map(|a| a.id))
            .finish_non_exhaustive()
    }
}

/// Why a file send could not start.
#[derive(Debug, thiserror::Error)]
pub enum SendFileError {
    /// Nothing is open.
    #[error(transparent)]
    NotOpen(#[from] NotOpen),
    /// The file cannot be read.
    #[error(transparent)]
    File(#[from] NetError),
}

/// Sending while nothing is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not open: press Open first")]
pub struct NotOpen;

impl Engine {
    /// An engine that spawns its sessions on `runtime` and calls `notify` whenever it reports.
    pub fn new(runtime: Handle, notify: Notifier) -> (Self, EventReceiver) {
        let (events, receiver) = mpsc::unbounded_channel();
        let wake = Arc::new(Wake::new(notify));
        let backlog = Arc::new(Backlog::default());
        (
            Self {
                runtime,
                events,
                wake: Arc::clone(&wake),
                backlog: Arc::clone(&backlog),
                capture: SharedCapture::default(),
                capture_writer: None,
                auto_reply: SharedAutoReply::default(),
                next_id: 0,
                active: None,
            },
            EventReceiver {
                events: receiver,
                wake,
                backlog,
            },
        )
    }

    /// Opens a session, closing any open one first. Progress and failure arrive as events.
    pub fn open(&mut self, config: SessionConfig) -> SessionId {
        self.close();
        self.next_id += 1;
        let id = SessionId(self.next_id);
        let (commands, command_rx) = mpsc::unbounded_channel();
        let reporter = Reporter::new(
            id,
            self.events.clone(),
            Arc::clone(&self.wake),
            Arc::clone(&self.backlog),
            self.capture.clone(),
            self.auto_reply.clone(),
        );
        let session_reporter = reporter.clone();
        tracing::info!(session = %id, ?config, "opening session");
        let stop = match config {
            SessionConfig::TcpServer { local, tls } => {
                self.runtime
                    .spawn(tcp_server::run(local, tls, command_rx, reporter));
                None
            }
            SessionConfig::TcpClient {
                remote,
                timeout,
                local_port,
                tls,
            } => {
                let (stop, stop_rx) = Stop::new();
                let target = tcp_client::Target {
                    remote,
                    timeout,
                    local_port,
                    tls,
                };
                self.runtime
                    .spawn(tcp_client::run(target, command_rx, reporter, stop_rx));
                Some(stop)
            }
            SessionConfig::Udp { local, multicast } => {
                self.runtime
                    .spawn(udp::run(local, multicast, command_rx, reporter));
                None
            }
        };
        self.active = Some(ActiveSession {
            id,
            commands,
            stop,
            reporter: session_reporter,
            cycle: None,
            file: None,
        });
        id
    }

    /// Closes the open session, if any. Its `Closed` event follows.
    pub fn close(&mut self) {
        if let Some(mut active) = self.active.take() {
            active.stop_cycle();
            active.cancel_file();
            // A session that already ended has dropped its receiver; nothing to close then.
            let _ = active.commands.send(SessionCommand::Close);
            if let Some(stop) = &active.stop {
                let _ = stop.send(true);
            }
        }
    }

    /// Queues bytes for sending; `Sent` or `Error` events report what happened.
    pub fn send(&self, target: SendTarget, bytes: impl Into<bytes::Bytes>) -> Result<(), NotOpen> {
        self.command(SessionCommand::Send {
            target,
            bytes: bytes.into(),
            ack: None,
        })
    }

    /// Sends one of `payloads` to `target` every `period` (at least 1 ms), each in turn and
    /// round again (one payload: the same every time), until `times` sends have gone (if
    /// given), [`Engine::stop_cycle`], Close, or a failed send; `CycleStopped` reports the end.
    /// Returns the live send count.
    pub fn start_cycle(
        &mut self,
        target: SendTarget,
        payloads: Vec<bytes::Bytes>,
        period: Duration,
        times: Option<u64>,
    ) -> Result<Arc<AtomicU64>, NotOpen> {
        let runtime = self.runtime.clone();
        let active = self.active.as_mut().ok_or(NotOpen)?;
        active.stop_cycle();
        let sends = Arc::new(AtomicU64::new(0));
        let task = runtime.spawn(transfer::cycle(
            active.commands.clone(),
            target,
            payloads,
            period,
            times,
            Arc::clone(&sends),
            active.reporter.clone(),
        ));
        active.cycle = Some(SideTask {
            task,
            progress: Arc::clone(&sends),
        });
        Ok(sends)
    }

    /// Stops the cycle send, if one runs.
    pub fn stop_cycle(&mut self) {
        if let Some(active) = &mut self.active {
            active.stop_cycle();
        }
    }

    /// Streams the file at `path` to `target`, in packets cut and paced as `pacing` says,
    /// until done, [`Engine::cancel_file`] or Close; `FileDone` reports the end. Returns the
    /// live progress.
    pub fn send_file(
        &mut self,
        target: SendTarget,
        path: PathBuf,
        pacing: FilePacing,
    ) -> Result<Arc<FileProgress>, SendFileError> {
        let runtime = self.runtime.clone();
        let active = self
            .active
            .as_mut()
            .ok_or(SendFileError::NotOpen(NotOpen))?;
        // Opening a file is quick and local; the reading and sending happen on the runtime.
        let (file, progress) = transfer::open_file(path)?;
        active.cancel_file();
        let task = runtime.spawn(transfer::send_file(
            active.commands.clone(),
            target,
            file,
            pacing,
            Arc::clone(&progress),
            active.reporter.clone(),
        ));
        active.file = Some(SideTask {
            task,
            progress: Arc::clone(&progress),
        });
        Ok(progress)
    }

    /// Cancels the file send under way, if any.
    pub fn cancel_file(&mut self) {
        if let Some(active) = &mut self.active {
            active.cancel_file();
        }
    }

    /// Starts saving every received byte to `path` (created or truncated), across sessions,
    /// until [`Engine::stop_capture`]. A capture already running is stopped first.
    pub fn start_capture(
        &mut self,
        path: &Path,
        format: CaptureFormat,
    ) -> Result<Arc<CaptureProgress>, FileError> {
        // Dropping the finished writer lets it complete in the background.
        drop(self.stop_capture());
        let (sink, progress, writer) = capture::start(path, format)?;
        self.capture.replace(Some(sink));
        self.capture_writer = Some(writer);
        Ok(progress)
    }

    /// Stops saving. The writer finishes what is queued on its own; wait on the returned
    /// handle to know when the file is complete.
    pub fn stop_capture(&mut self) -> Option<FinishedCapture> {
        self.capture.replace(None);
        self.capture_writer.take()
    }

    /// Answers what arrives from now on, in every session, as `reply` says (see [`AutoReply`]).
    pub fn set_auto_reply(&self, reply: AutoReply) {
        self.auto_reply.set(reply);
    }

    /// Has the open server session stop accepting clients, keeping those it has (closing the
    /// listening socket does not close the connections accepted from it).
    pub fn stop_listening(&self) -> Result<(), NotOpen> {
        self.command(SessionCommand::StopListening)
    }

    /// Disconnects one client of the open server session.
    pub fn disconnect(&self, peer: std::net::SocketAddr) -> Result<(), NotOpen> {
        self.command(SessionCommand::Disconnect(peer))
    }

    /// Disconnects every client of the open server session, which goes on listening.
    pub fn disconnect_all(&self) -> Result<(), NotOpen> {
        self.command(SessionCommand::DisconnectAll)
    }

    fn command(&self, command: SessionCommand) -> Result<(), NotOpen> {
        let active = self.active.as_ref().ok_or(NotOpen)?;
        active.commands.send(command).map_err(|_| NotOpen)
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.close();
    }
}

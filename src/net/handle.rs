//! One session of the engine, as its owner holds it: what is open in it (one Open..Close at
//! a time), and what it keeps across its Opens (save-to-file, auto reply, its backlog).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::auto_reply::{AutoReply, SharedAutoReply};
use super::backlog::Backlog;
use super::capture::{self, CaptureFormat, CaptureProgress, FinishedCapture, SharedCapture};
use super::engine::{Hub, SessionConfig};
use super::session::{Reporter, SessionCommand, Stop};
use super::transfer::{self, FilePacing, FileProgress};
use super::{
    CAPTURE_QUEUE_LIMIT, CloseReason, EventKind, FileError, NetError, SendTarget, SessionId, relay,
    relay_udp, tcp_client, tcp_server, udp,
};

/// A session: a TCP server, TCP client or UDP socket when open, with its own save-to-file,
/// auto reply, cycle send and file send. Made by [`super::Engine::session`]; dropping it
/// closes what is open.
pub struct Session {
    hub: Hub,
    backlog: Arc<Backlog>,
    capture: SharedCapture,
    capture_writer: Option<FinishedCapture>,
    auto_reply: SharedAutoReply,
    /// How a relay impairs each way, changed while it runs.
    impairments: super::impair::SharedImpairments,
    open: Option<Running>,
}

/// What one Open started.
struct Running {
    id: SessionId,
    commands: mpsc::UnboundedSender<SessionCommand>,
    /// Ends a TCP client's connection even while a write to its peer waits (a server has one
    /// per client, and UDP never waits for a peer).
    stop: Option<watch::Sender<bool>>,
    reporter: Reporter,
    cycle: Option<SideTask<AtomicU64>>,
    file: Option<SideTask<FileProgress>>,
    /// Ends when the session's task has ended, however it ended.
    task: JoinHandle<()>,
}

/// A send running beside the session (a cycle or a file) and its live progress.
struct SideTask<P> {
    task: JoinHandle<()>,
    progress: Arc<P>,
}

impl<P> SideTask<P> {
    /// Runs `send` on `runtime`, its progress kept beside it.
    fn spawn(
        runtime: &tokio::runtime::Handle,
        send: impl Future<Output = ()> + Send + 'static,
        progress: &Arc<P>,
    ) -> Self {
        Self {
            task: runtime.spawn(send),
            progress: Arc::clone(progress),
        }
    }

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

impl Running {
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

/// A session being closed; [`Closing::wait`] returns once its task has ended.
#[derive(Debug)]
pub struct Closing {
    task: JoinHandle<()>,
}

impl Closing {
    /// Waits until the closed session's task has ended and its `Closed` event is sent.
    pub async fn wait(self) {
        // The supervising task never panics: it only reports how the session's task ended.
        let _ = self.task.await;
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("open", &self.id())
            .finish_non_exhaustive()
    }
}

/// Sending while nothing is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not open: press Open first")]
pub struct NotOpen;

impl Session {
    pub(crate) fn new(hub: Hub) -> Self {
        Self {
            hub,
            backlog: Arc::new(Backlog::default()),
            capture: SharedCapture::default(),
            capture_writer: None,
            auto_reply: SharedAutoReply::default(),
            impairments: super::impair::SharedImpairments::default(),
            open: None,
        }
    }

    /// The id of what is open now, if anything: the id its events carry.
    pub fn id(&self) -> Option<SessionId> {
        self.open.as_ref().map(|running| running.id)
    }

    /// Opens `config`, closing what was open first. Progress and failure arrive as events
    /// carrying the returned id.
    pub fn open(&mut self, config: SessionConfig) -> SessionId {
        self.close();
        let id = self.hub.next_id();
        let (commands, command_rx) = mpsc::unbounded_channel();
        let reporter = Reporter::new(
            id,
            self.hub.events.clone(),
            Arc::clone(&self.hub.wake),
            Arc::clone(&self.backlog),
            self.capture.clone(),
            self.auto_reply.clone(),
        );
        let session_reporter = reporter.clone();
        tracing::info!(session = %id, ?config, "opening session");
        let runtime = &self.hub.runtime;
        let (stop, task) = match config {
            SessionConfig::TcpServer { local, tls } => (
                None,
                runtime.spawn(tcp_server::run(local, tls, command_rx, reporter)),
            ),
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
                let task = runtime.spawn(tcp_client::run(target, command_rx, reporter, stop_rx));
                (Some(stop), task)
            }
            SessionConfig::TcpRelay {
                local,
                upstream,
                timeout,
                tls,
            } => (
                None,
                runtime.spawn(relay::run(
                    local,
                    upstream,
                    timeout,
                    tls,
                    self.impairments.clone(),
                    command_rx,
                    reporter,
                )),
            ),
            SessionConfig::UdpRelay {
                local,
                upstream,
                idle,
            } => (
                None,
                runtime.spawn(relay_udp::run(
                    local,
                    upstream,
                    idle,
                    self.impairments.clone(),
                    command_rx,
                    reporter,
                )),
            ),
            SessionConfig::Udp { local, multicast } => (
                None,
                runtime.spawn(udp::run(local, multicast, command_rx, reporter)),
            ),
        };
        let task = runtime.spawn(supervise(task, session_reporter.clone()));
        self.open = Some(Running {
            id,
            commands,
            stop,
            reporter: session_reporter,
            cycle: None,
            file: None,
            task,
        });
        id
    }

    /// Closes what is open, if anything, with its cycle and file sends. Its `Closed` event
    /// follows; wait on the returned [`Closing`] to know its task has ended.
    pub fn close(&mut self) -> Option<Closing> {
        let mut running = self.open.take()?;
        running.stop_cycle();
        running.cancel_file();
        // A session that already ended has dropped its receiver; nothing to close then.
        let _ = running.commands.send(SessionCommand::Close);
        if let Some(stop) = &running.stop {
            let _ = stop.send(true);
        }
        Some(Closing { task: running.task })
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
    /// given), [`Session::stop_cycle`], Close, or a failed send; `CycleStopped` reports the
    /// end. Returns the live send count.
    pub fn start_cycle(
        &mut self,
        target: SendTarget,
        payloads: Vec<bytes::Bytes>,
        period: Duration,
        times: Option<u64>,
    ) -> Result<Arc<AtomicU64>, NotOpen> {
        let runtime = self.hub.runtime.clone();
        let running = self.open.as_mut().ok_or(NotOpen)?;
        running.stop_cycle();
        let sends = Arc::new(AtomicU64::new(0));
        let send = transfer::cycle(
            running.commands.clone(),
            target,
            payloads,
            period,
            times,
            Arc::clone(&sends),
            running.reporter.clone(),
        );
        running.cycle = Some(SideTask::spawn(&runtime, send, &sends));
        Ok(sends)
    }

    /// Stops the cycle send, if one runs.
    pub fn stop_cycle(&mut self) {
        if let Some(running) = &mut self.open {
            running.stop_cycle();
        }
    }

    /// Streams the file at `path` to `target`, in packets cut and paced as `pacing` says,
    /// until done, [`Session::cancel_file`] or Close; `FileDone` reports the end. Returns the
    /// live progress.
    pub fn send_file(
        &mut self,
        target: SendTarget,
        path: PathBuf,
        pacing: FilePacing,
    ) -> Result<Arc<FileProgress>, NotOpen> {
        let runtime = self.hub.runtime.clone();
        let running = self.open.as_mut().ok_or(NotOpen)?;
        // Opened on the runtime too: a file that cannot be read is reported as the send
        // ending with nothing sent.
        let progress = Arc::new(FileProgress::new(path));
        running.cancel_file();
        let send = transfer::send_file(
            running.commands.clone(),
            target,
            pacing,
            Arc::clone(&progress),
            running.reporter.clone(),
        );
        running.file = Some(SideTask::spawn(&runtime, send, &progress));
        Ok(progress)
    }

    /// Cancels the file send under way, if any.
    pub fn cancel_file(&mut self) {
        if let Some(running) = &mut self.open {
            running.cancel_file();
        }
    }

    /// Starts saving every byte this session receives to `path` (created or truncated),
    /// across its Opens, until [`Session::stop_capture`]. A capture already running is
    /// stopped first.
    pub fn start_capture(
        &mut self,
        path: &Path,
        format: CaptureFormat,
    ) -> Result<Arc<CaptureProgress>, FileError> {
        self.start_capture_queued(path, format, CAPTURE_QUEUE_LIMIT)
    }

    /// [`Session::start_capture`] with at most `queue_limit` bytes waiting in memory for a
    /// disk slower than the network, instead of [`CAPTURE_QUEUE_LIMIT`].
    pub fn start_capture_queued(
        &mut self,
        path: &Path,
        format: CaptureFormat,
        queue_limit: usize,
    ) -> Result<Arc<CaptureProgress>, FileError> {
        // Dropping the finished writer lets it complete in the background.
        drop(self.stop_capture());
        let (sink, progress, writer) = capture::start(path, format, queue_limit)?;
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

    /// Answers what arrives in this session from now on, across its Opens, as `reply` says
    /// (see [`AutoReply`]).
    pub fn set_auto_reply(&self, reply: AutoReply) {
        self.auto_reply.set(reply);
    }

    /// Sets how a relay impairs each way from now on, kept across Opens like auto reply;
    /// a UDP relay applies it to each datagram, its seeded choices starting afresh.
    pub fn set_impairments(&self, impairments: super::Impairments) {
        self.impairments.set(impairments);
    }

    /// Has the open server stop accepting clients, keeping those it has (closing the
    /// listening socket does not close the connections accepted from it).
    pub fn stop_listening(&self) -> Result<(), NotOpen> {
        self.command(SessionCommand::StopListening)
    }

    /// Disconnects one client of the open server.
    pub fn disconnect(&self, peer: std::net::SocketAddr) -> Result<(), NotOpen> {
        self.command(SessionCommand::Disconnect(peer))
    }

    /// Disconnects every client of the open server, which goes on listening.
    pub fn disconnect_all(&self) -> Result<(), NotOpen> {
        self.command(SessionCommand::DisconnectAll)
    }

    fn command(&self, command: SessionCommand) -> Result<(), NotOpen> {
        let running = self.open.as_ref().ok_or(NotOpen)?;
        running.commands.send(command).map_err(|_| NotOpen)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.close();
    }
}

/// Waits for a session's `task` and reports it closed once it has ended (so its commands are
/// refused from then on), with the reason it gave; one that ended by a panic is reported
/// closed with the panic's message, instead of leaving its owner waiting for a `Closed`
/// that never comes.
pub(crate) async fn supervise(task: JoinHandle<CloseReason>, reporter: Reporter) {
    let error = match task.await {
        Ok(reason) => {
            reporter.report(EventKind::Closed { reason });
            return;
        }
        Err(error) => error,
    };
    let reason = if error.is_panic() {
        let payload = error.into_panic();
        payload
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_owned())
    } else {
        "the task was cancelled".to_owned()
    };
    tracing::error!(%reason, "session task ended abnormally");
    reporter.report(EventKind::Closed {
        reason: CloseReason::Failed(NetError::Crashed { reason }),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Engine;

    #[tokio::test]
    async fn a_session_task_that_panics_is_reported_closed_with_its_message() {
        let (engine, mut events) = Engine::new(tokio::runtime::Handle::current(), Arc::new(|_| {}));
        let session = engine.session();
        let reporter = Reporter::new(
            SessionId(7),
            engine.hub.events.clone(),
            Arc::clone(&engine.hub.wake),
            Arc::clone(&session.backlog),
            session.capture.clone(),
            session.auto_reply.clone(),
        );
        #[allow(clippy::panic)]
        let task: JoinHandle<CloseReason> = tokio::spawn(async { panic!("a bug in the session") });
        supervise(task, reporter).await;
        let event = events.recv().await.unwrap();
        assert_eq!(event.session, SessionId(7));
        match event.kind {
            EventKind::Closed {
                reason: CloseReason::Failed(NetError::Crashed { reason }),
            } => assert_eq!(reason, "a bug in the session"),
            other => unreachable!("expected Closed after the panic, got {other:?}"),
        }
    }
}

//! The engine the UI drives: one session at a time, commands in, events out.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::sync::mpsc;

use super::capture::{self, CaptureError, CaptureProgress, FinishedCapture, SharedCapture};
use super::session::{Reporter, SessionCommand, Wake};
use super::{Endpoint, Event, SendTarget, SessionId, tcp_client, tcp_server, udp};

/// Wakes the owner when events are waiting. The GUI passes `ctx.request_repaint`; tests pass
/// a no-op. Being a plain callback keeps the engine free of any UI dependency. It is called
/// at most once between two [`EventReceiver::drain`] calls.
pub type Notifier = Arc<dyn Fn() + Send + Sync>;

/// What to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionConfig {
    /// Listen for TCP clients on a local address.
    TcpServer {
        /// Address and port to bind; port 0 picks a free one.
        local: Endpoint,
    },
    /// Connect to a TCP server.
    TcpClient {
        /// The server to reach.
        remote: Endpoint,
        /// How long to wait for the connection.
        timeout: Duration,
    },
    /// Bind a UDP socket.
    Udp {
        /// Address and port to bind; port 0 picks a free one.
        local: Endpoint,
    },
}

struct ActiveSession {
    id: SessionId,
    commands: mpsc::UnboundedSender<SessionCommand>,
}

/// Runs network sessions on a tokio runtime on behalf of a UI, a test or a CLI.
pub struct Engine {
    runtime: Handle,
    events: mpsc::UnboundedSender<Event>,
    wake: Arc<Wake>,
    capture: SharedCapture,
    capture_writer: Option<FinishedCapture>,
    next_id: u64,
    active: Option<ActiveSession>,
}

/// The owner's end of the event channel.
pub struct EventReceiver {
    events: mpsc::UnboundedReceiver<Event>,
    wake: Arc<Wake>,
}

impl EventReceiver {
    /// Everything waiting now, without blocking (for a UI frame). Events that arrive after this
    /// call wake the owner again.
    pub fn drain(&mut self) -> impl Iterator<Item = Event> + '_ {
        self.wake.rearm();
        std::iter::from_fn(|| self.events.try_recv().ok())
    }

    /// Waits for the next event (for tests and command-line use).
    pub async fn recv(&mut self) -> Option<Event> {
        self.events.recv().await
    }
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("active", &self.active.as_ref().map(|a| a.id))
            .finish_non_exhaustive()
    }
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
        (
            Self {
                runtime,
                events,
                wake: Arc::clone(&wake),
                capture: SharedCapture::default(),
                capture_writer: None,
                next_id: 0,
                active: None,
            },
            EventReceiver {
                events: receiver,
                wake,
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
            self.capture.clone(),
        );
        tracing::info!(session = %id, ?config, "opening session");
        match config {
            SessionConfig::TcpServer { local } => {
                self.runtime
                    .spawn(tcp_server::run(local, command_rx, reporter));
            }
            SessionConfig::TcpClient { remote, timeout } => {
                self.runtime
                    .spawn(tcp_client::run(remote, timeout, command_rx, reporter));
            }
            SessionConfig::Udp { local } => {
                self.runtime.spawn(udp::run(local, command_rx, reporter));
            }
        }
        self.active = Some(ActiveSession { id, commands });
        id
    }

    /// Closes the open session, if any. Its `Closed` event follows.
    pub fn close(&mut self) {
        if let Some(active) = self.active.take() {
            // A session that already ended has dropped its receiver; nothing to close then.
            let _ = active.commands.send(SessionCommand::Close);
        }
    }

    /// The open session, if any.
    pub fn session(&self) -> Option<SessionId> {
        self.active.as_ref().map(|a| a.id)
    }

    /// Queues bytes for sending; `Sent` or `Error` events report what happened.
    pub fn send(&self, target: SendTarget, bytes: impl Into<bytes::Bytes>) -> Result<(), NotOpen> {
        self.command(SessionCommand::Send {
            target,
            bytes: bytes.into(),
        })
    }

    /// Starts saving every received byte to `path` (created or truncated), across sessions,
    /// until [`Engine::stop_capture`]. A capture already running is stopped first.
    pub fn start_capture(&mut self, path: &Path) -> Result<Arc<CaptureProgress>, CaptureError> {
        // Dropping the finished writer lets it complete in the background.
        drop(self.stop_capture());
        let (sink, progress, writer) = capture::start(path)?;
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

    /// Disconnects one client of the open server session.
    pub fn disconnect(&self, peer: std::net::SocketAddr) -> Result<(), NotOpen> {
        self.command(SessionCommand::Disconnect(peer))
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

//! The engine the UI drives: one session at a time, commands in, events out.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::sync::mpsc;

use super::session::{Reporter, SessionCommand};
use super::{Endpoint, Event, SendTarget, SessionId, tcp_client, tcp_server, udp};

/// Wakes the owner when events are waiting. The GUI passes `ctx.request_repaint`; tests pass
/// a no-op. Being a plain callback keeps the engine free of any UI dependency.
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
    notify: Notifier,
    next_id: u64,
    active: Option<ActiveSession>,
}

/// The owner's end of the event channel.
pub struct EventReceiver {
    events: mpsc::UnboundedReceiver<Event>,
}

impl EventReceiver {
    /// The next waiting event, without blocking (for a UI frame).
    pub fn try_recv(&mut self) -> Option<Event> {
        self.events.try_recv().ok()
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
        (
            Self {
                runtime,
                events,
                notify,
                next_id: 0,
                active: None,
            },
            EventReceiver { events: receiver },
        )
    }

    /// Opens a session, closing any open one first. Progress and failure arrive as events.
    pub fn open(&mut self, config: SessionConfig) -> SessionId {
        self.close();
        self.next_id += 1;
        let id = SessionId(self.next_id);
        let (commands, command_rx) = mpsc::unbounded_channel();
        let reporter = Reporter::new(id, self.events.clone(), Arc::clone(&self.notify));
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
    pub fn send(&self, target: SendTarget, bytes: Vec<u8>) -> Result<(), NotOpen> {
        self.command(SessionCommand::Send {
            target,
            bytes: bytes.into(),
        })
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

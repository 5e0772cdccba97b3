//! Everything the window shows and edits, and how engine events change it. No egui here, so the
//! rules are testable on their own; `ui/` draws this and `app.rs` connects it to the engine.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use crate::codec::{SendFormat, build_payload};
use crate::counters::Counter;
use crate::i18n::{Language, Texts};
use crate::log::{Direction, Log, Notice};
use crate::net::{
    CloseReason, DEFAULT_CONNECT_TIMEOUT, Endpoint, Event, EventKind, FileProgress, NetError,
    SendTarget, SessionConfig, SessionId, parse_host, parse_port, parse_target,
};

/// Which kind of session the window opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Listen for TCP clients.
    #[default]
    TcpServer,
    /// Connect to a TCP server.
    TcpClient,
    /// Send and receive datagrams.
    Udp,
}

impl Mode {
    /// Every mode, in selector order.
    pub const ALL: [Self; 3] = [Self::TcpServer, Self::TcpClient, Self::Udp];

    /// The mode's name in the window's language.
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Self::TcpServer => t.tcp_server,
            Self::TcpClient => t.tcp_client,
            Self::Udp => t.udp,
        }
    }

    /// Whether port 0 ("any free port") makes sense: when binding, not when connecting.
    fn binds(self) -> bool {
        !matches!(self, Self::TcpClient)
    }
}

/// Where the connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Connection {
    /// Nothing open.
    #[default]
    Closed,
    /// Asked to open, nothing heard yet.
    Opening,
    /// TCP server accepting.
    Listening(SocketAddr),
    /// TCP client connecting.
    Connecting(Option<SocketAddr>),
    /// TCP client connected.
    Connected {
        /// Our end.
        local: SocketAddr,
        /// Their end.
        remote: SocketAddr,
    },
    /// UDP socket bound.
    Bound(SocketAddr),
}

impl Connection {
    /// Whether a session is under way (the button then says Close).
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Closed)
    }

    /// The state in words.
    pub fn describe(self, t: &Texts) -> String {
        match self {
            Self::Closed => t.state_closed.to_owned(),
            Self::Opening => t.state_opening.to_owned(),
            Self::Listening(local) => format!("{} {local}", t.state_listening),
            Self::Connecting(Some(remote)) => format!("{} {remote}", t.state_connecting),
            Self::Connecting(None) => t.state_connecting.to_owned(),
            Self::Connected { remote, .. } => format!("{} {remote}", t.state_connected),
            Self::Bound(local) => format!("{} {local}", t.state_bound),
        }
    }

    /// The local address once bound, listening or connected.
    pub fn local_addr(self) -> Option<SocketAddr> {
        match self {
            Self::Listening(local) | Self::Bound(local) | Self::Connected { local, .. } => {
                Some(local)
            }
            Self::Closed | Self::Opening | Self::Connecting(_) => None,
        }
    }
}

/// Which client(s) a TCP server sends to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServerTarget {
    /// Every connected client.
    #[default]
    All,
    /// One client.
    One(SocketAddr),
}

/// Receive settings that decide what the log shows (the log's own layout aside).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // four independent checkboxes, as the window shows them
pub struct DisplayOptions {
    /// Keep the newest line in view.
    pub autoscroll: bool,
    /// Wrap text rows at the log's width.
    pub auto_wrap: bool,
    /// Stop adding data to the log (counting and saving go on).
    pub paused: bool,
    /// Do not add received data to the log (counting and saving go on).
    pub hide_received: bool,
}

impl Default for DisplayOptions {
    fn default() -> Self {
        Self {
            autoscroll: true,
            auto_wrap: true,
            paused: false,
            hide_received: false,
        }
    }
}

impl DisplayOptions {
    fn shows(self, direction: Direction) -> bool {
        !(self.paused || (self.hide_received && direction == Direction::Rx))
    }
}

/// A save-to-file under way.
#[derive(Debug, Clone)]
pub struct CaptureStatus {
    /// The file.
    pub path: std::path::PathBuf,
    /// Bytes written so far.
    pub progress: Arc<crate::net::CaptureProgress>,
}

/// A line in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    /// What to say.
    pub text: String,
    /// Whether it reports a failure.
    pub is_error: bool,
}

/// Messages shown beside the fields they are about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors {
    /// About the address field.
    pub address: Option<String>,
    /// About the port field.
    pub port: Option<String>,
    /// About the UDP target field.
    pub target: Option<String>,
    /// About the send box.
    pub send: Option<String>,
    /// About the multicast group field.
    pub multicast: Option<String>,
}

/// Everything the window shows and edits.
#[derive(Debug)]
pub struct AppState {
    /// The label language.
    pub language: Language,
    /// The mode to open.
    pub mode: Mode,
    /// Local address (server, UDP) or remote address (client).
    pub address: String,
    /// The port field.
    pub port: String,
    /// How the send box becomes bytes: text or hex, encoding, escapes, checksum, line ending.
    pub send_format: SendFormat,
    /// The send box.
    pub send_text: String,
    /// TCP server: who to send to.
    pub server_target: ServerTarget,
    /// TCP server: the filter typed in the client selector.
    pub client_filter: String,
    /// UDP: where to send, `host:port`.
    pub udp_target: String,
    /// UDP: send to whoever sent last instead of `udp_target`.
    pub reply_to_last: bool,
    /// UDP: a multicast group to join when opening (empty for none).
    pub multicast_group: String,
    /// Named payloads, one click to send.
    pub quick_commands: Vec<crate::settings::QuickCommand>,
    /// The quick command being edited, and the name field of the editor.
    pub quick_editing: Option<usize>,
    /// The name for a quick command being added or edited.
    pub quick_name: String,
    /// The last sends, newest first.
    pub history: Vec<crate::settings::HistoryEntry>,
    /// The addresses offered for the local address field.
    pub local_addresses: Vec<std::net::IpAddr>,
    /// Where the connection stands.
    pub connection: Connection,
    /// Connected clients of a TCP server, sorted.
    pub clients: BTreeSet<SocketAddr>,
    /// The data log.
    pub log: Log,
    /// What was received since the last reset.
    pub rx: Counter,
    /// What was sent since the last reset.
    pub tx: Counter,
    /// Cycle send period in milliseconds (at least 1).
    pub cycle_period_ms: u64,
    /// The running cycle send's count, if one runs.
    pub cycle: Option<Arc<AtomicU64>>,
    /// The file being sent, if any.
    pub file: Option<Arc<FileProgress>>,
    /// Where received data is being saved, if anywhere.
    pub capture: Option<CaptureStatus>,
    /// Save the log as text (decoded with the log's encoding) rather than the raw bytes.
    pub capture_as_text: bool,
    /// How the log is shown.
    pub display: DisplayOptions,
    /// Bytes received or sent while the display was paused or hid them (still counted).
    pub not_shown: u64,
    /// The status bar's message.
    pub status: Option<StatusMessage>,
    /// Messages beside fields.
    pub errors: FieldErrors,
    session: Option<SessionId>,
}

impl Default for AppState {
    fn default() -> Self {
        Self::new(Language::default())
    }
}

impl AppState {
    /// A fresh window in `language`.
    pub fn new(language: Language) -> Self {
        Self {
            language,
            mode: Mode::default(),
            address: "127.0.0.1".to_owned(),
            port: "8080".to_owned(),
            send_format: SendFormat::default(),
            send_text: String::new(),
            server_target: ServerTarget::All,
            client_filter: String::new(),
            udp_target: "127.0.0.1:8081".to_owned(),
            reply_to_last: false,
            multicast_group: String::new(),
            local_addresses: crate::net::local_addresses(),
            quick_commands: Vec::new(),
            quick_editing: None,
            quick_name: String::new(),
            history: Vec::new(),
            connection: Connection::Closed,
            clients: BTreeSet::new(),
            log: Log::default(),
            rx: Counter::default(),
            tx: Counter::default(),
            capture: None,
            capture_as_text: false,
            cycle_period_ms: 1000,
            cycle: None,
            file: None,
            display: DisplayOptions::default(),
            not_shown: 0,
            status: None,
            errors: FieldErrors::default(),
            session: None,
        }
    }

    /// The labels in the current language.
    pub fn texts(&self) -> &'static Texts {
        self.language.texts()
    }

    /// Checks the address and port fields; on success the config to open, otherwise the
    /// messages are set beside the fields and nothing is opened.
    pub fn prepare_open(&mut self) -> Option<SessionConfig> {
        let host = parse_host(&self.address);
        let port = parse_port(&self.port, self.mode.binds());
        self.errors.address = host.as_ref().err().map(ToString::to_string);
        self.errors.port = port.as_ref().err().map(ToString::to_string);
        let (Ok(host), Ok(port)) = (host, port) else {
            self.set_error(
                [&self.errors.address, &self.errors.port]
                    .into_iter()
                    .flatten()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; "),
            );
            return None;
        };
        let multicast = match self.parse_multicast() {
            Ok(group) => group,
            Err(message) => {
                self.errors.multicast = Some(message.clone());
                self.set_error(message);
                return None;
            }
        };
        let endpoint = Endpoint::new(host, port);
        Some(match self.mode {
            Mode::TcpServer => SessionConfig::TcpServer { local: endpoint },
            Mode::TcpClient => SessionConfig::TcpClient {
                remote: endpoint,
                timeout: DEFAULT_CONNECT_TIMEOUT,
            },
            Mode::Udp => SessionConfig::Udp {
                local: endpoint,
                multicast,
            },
        })
    }

    /// The multicast group to join: none when the field is empty or the mode is not UDP.
    fn parse_multicast(&mut self) -> Result<Option<std::net::IpAddr>, String> {
        self.errors.multicast = None;
        let text = self.multicast_group.trim();
        if self.mode != Mode::Udp || text.is_empty() {
            return Ok(None);
        }
        match text.parse::<std::net::IpAddr>() {
            Ok(group) if group.is_multicast() => Ok(Some(group)),
            _ => Err(format!("{}: '{text}'", self.texts().not_multicast)),
        }
    }

    /// Records that a session was opened; events from any other session are ignored from now.
    pub fn opened(&mut self, session: SessionId) {
        self.session = Some(session);
        self.connection = Connection::Opening;
        self.clients.clear();
        self.server_target = ServerTarget::All;
        self.status = None;
    }

    /// Records that the person closed the session. The window shows it closed at once; the
    /// session's own `Closed` event, and any data that was already on its way, still arrive
    /// and are logged, so nothing received is lost from the log or the counters.
    pub fn closed_by_user(&mut self) {
        self.connection = Connection::Closed;
        self.cycle = None;
        self.file = None;
        self.clients.clear();
        self.status = None;
    }

    /// Checks the send box and the target; on success what to send, otherwise a message beside
    /// the send box (or the target field) and nothing is sent.
    pub fn prepare_send(&mut self) -> Option<(SendTarget, Vec<u8>)> {
        let target = self.prepare_target()?;
        match build_payload(&self.send_text, &self.send_format) {
            Ok(bytes) => {
                self.remember_send();
                Some((target, bytes))
            }
            Err(error) => self.refuse_send(error.to_string()),
        }
    }

    /// Checks quick command `index` and where it goes; on success what to send.
    pub fn prepare_quick(&mut self, index: usize) -> Option<(SendTarget, Vec<u8>)> {
        let command = self.quick_commands.get(index)?.clone();
        let target = self.prepare_target()?;
        match build_payload(&command.text, &command.format) {
            Ok(bytes) => Some((target, bytes)),
            Err(error) => self.refuse_send(format!("{}: {error}", command.name)),
        }
    }

    /// Puts the send box at the front of the history (once; the oldest fall off).
    fn remember_send(&mut self) {
        let entry = crate::settings::HistoryEntry {
            text: self.send_text.clone(),
            format: self.send_format,
        };
        self.history.retain(|old| *old != entry);
        self.history.insert(0, entry);
        self.history.truncate(crate::settings::HISTORY_LIMIT);
    }

    /// Puts a history entry back into the send box.
    pub fn recall(&mut self, index: usize) {
        if let Some(entry) = self.history.get(index) {
            self.send_text.clone_from(&entry.text);
            self.send_format = entry.format;
        }
    }

    /// Saves the send box as a quick command: a new one, or the one being edited.
    pub fn save_quick(&mut self) {
        let name = match self.quick_name.trim() {
            "" => self.send_text.chars().take(16).collect(),
            name => name.to_owned(),
        };
        let command = crate::settings::QuickCommand {
            name,
            text: self.send_text.clone(),
            format: self.send_format,
        };
        match self
            .quick_editing
            .take()
            .and_then(|i| self.quick_commands.get_mut(i))
        {
            Some(slot) => *slot = command,
            None => self.quick_commands.push(command),
        }
        self.quick_name.clear();
    }

    /// Loads quick command `index` into the send box and the name field for editing.
    pub fn edit_quick(&mut self, index: usize) {
        if let Some(command) = self.quick_commands.get(index) {
            self.send_text.clone_from(&command.text);
            self.send_format = command.format;
            self.quick_name.clone_from(&command.name);
            self.quick_editing = Some(index);
        }
    }

    /// Deletes quick command `index`.
    pub fn delete_quick(&mut self, index: usize) {
        if index < self.quick_commands.len() {
            self.quick_commands.remove(index);
            self.quick_editing = None;
        }
    }

    /// Checks that something is open and where a send goes; on failure a message beside the
    /// send box (or the target field).
    pub fn prepare_target(&mut self) -> Option<SendTarget> {
        let t = self.texts();
        self.errors.send = None;
        self.errors.target = None;
        match self.connection {
            Connection::Closed => return self.refuse_send(t.not_open.to_owned()),
            Connection::Opening | Connection::Connecting(_) => {
                return self.refuse_send(t.not_connected.to_owned());
            }
            Connection::Listening(_) | Connection::Connected { .. } | Connection::Bound(_) => {}
        }
        let target = match self.mode {
            Mode::TcpClient => SendTarget::Connected,
            Mode::TcpServer => match self.server_target {
                _ if self.clients.is_empty() => return self.refuse_send(t.no_clients.to_owned()),
                ServerTarget::All => SendTarget::AllClients,
                ServerTarget::One(peer) => SendTarget::Client(peer),
            },
            Mode::Udp if self.reply_to_last => SendTarget::LastSender,
            Mode::Udp => match parse_target(&self.udp_target) {
                Ok(endpoint) => SendTarget::Datagram(endpoint),
                Err(error) => {
                    let message = if self.udp_target.trim().is_empty() {
                        t.empty_target.to_owned()
                    } else {
                        error.to_string()
                    };
                    self.errors.target = Some(message.clone());
                    self.set_error(message);
                    return None;
                }
            },
        };
        self.status = None;
        Some(target)
    }

    /// The format a new save-to-file uses.
    pub fn capture_format(&self) -> crate::net::CaptureFormat {
        if self.capture_as_text {
            crate::net::CaptureFormat::Text(self.log.encoding())
        } else {
            crate::net::CaptureFormat::Raw
        }
    }

    /// Records that received data is now saved to `path`.
    pub fn capture_started(
        &mut self,
        path: std::path::PathBuf,
        progress: Arc<crate::net::CaptureProgress>,
    ) {
        self.set_info(format!("{} {}", self.texts().saving_to, path.display()));
        self.capture = Some(CaptureStatus { path, progress });
    }

    /// Shows why saving could not start.
    pub fn capture_failed(&mut self, error: &crate::net::CaptureError) {
        self.set_error(error.to_string());
    }

    /// Shows why a send was refused, beside the send box and in the status bar.
    pub fn refuse_send<T>(&mut self, message: String) -> Option<T> {
        self.errors.send = Some(message.clone());
        self.set_error(message);
        None
    }

    /// Applies one engine event; events from sessions other than the current one are dropped.
    pub fn apply(&mut self, event: Event) {
        if self.session != Some(event.session) {
            return;
        }
        match event.kind {
            EventKind::Listening { local } => {
                self.connection = Connection::Listening(local);
                self.log.notice(Notice::Listening(local));
            }
            EventKind::Bound {
                local,
                receive_buffer,
            } => {
                self.connection = Connection::Bound(local);
                self.log.notice(Notice::Bound(local, receive_buffer));
            }
            EventKind::JoinedGroup { group } => self.log.notice(Notice::JoinedGroup(group)),
            EventKind::Connecting { remote, .. } => {
                self.connection = Connection::Connecting(Some(remote));
                self.log.notice(Notice::Connecting(remote));
            }
            EventKind::Connected { local, remote } => {
                self.connection = Connection::Connected { local, remote };
                self.log.notice(Notice::Connected { local, remote });
            }
            EventKind::PeerJoined { peer } => {
                self.clients.insert(peer);
                self.log.notice(Notice::PeerJoined(peer));
            }
            EventKind::PeerLeft { peer, reason } => {
                self.clients.remove(&peer);
                self.log.peer_gone(peer);
                if self.server_target == ServerTarget::One(peer) {
                    self.server_target = ServerTarget::All;
                }
                self.log.notice(Notice::PeerLeft(peer, reason.to_string()));
            }
            EventKind::Received { peer, bytes } => {
                self.rx.add(bytes.len(), Instant::now());
                self.show_received(peer, bytes);
            }
            EventKind::Datagrams(datagrams) => {
                let now = Instant::now();
                for (peer, bytes) in datagrams {
                    self.rx.add(bytes.len(), now);
                    self.show_received(peer, bytes);
                }
            }
            EventKind::Sent { peer, bytes } => {
                self.tx.add(bytes.len(), Instant::now());
                if self.display.shows(Direction::Tx) {
                    self.log.sent(peer, bytes);
                } else {
                    self.not_shown += bytes.len() as u64;
                }
            }
            EventKind::CycleStopped { sends } => {
                self.cycle = None;
                self.log.notice(Notice::CycleStopped(sends));
            }
            EventKind::FileDone {
                path,
                sent,
                complete,
            } => {
                self.file = None;
                self.log.notice(Notice::FileDone {
                    path: path.display().to_string(),
                    sent,
                    complete,
                });
            }
            EventKind::Error(error) => self.report_error(&error),
            EventKind::Closed { reason } => {
                self.session = None;
                self.cycle = None;
                self.file = None;
                self.connection = Connection::Closed;
                self.clients.clear();
                if let CloseReason::Failed(error) = &reason {
                    self.report_error(error);
                } else {
                    self.set_info(format!("{}: {reason}", self.texts().session_closed));
                }
                self.log.notice(Notice::Closed(reason.to_string()));
            }
        }
    }

    fn show_received(&mut self, peer: SocketAddr, bytes: bytes::Bytes) {
        if self.display.shows(Direction::Rx) {
            self.log.received(peer, bytes);
        } else {
            self.not_shown += bytes.len() as u64;
        }
    }

    /// Zeroes the RX and TX counters.
    pub fn reset_counters(&mut self) {
        self.rx.reset();
        self.tx.reset();
        self.not_shown = 0;
    }

    fn report_error(&mut self, error: &NetError) {
        let text = error.to_string();
        self.log.notice(Notice::Error(text.clone()));
        self.set_error(text);
    }

    fn set_error(&mut self, text: String) {
        self.status = Some(StatusMessage {
            text,
            is_error: true,
        });
    }

    fn set_info(&mut self, text: String) {
        self.status = Some(StatusMessage {
            text,
            is_error: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::{AppState, Connection, Mode};
    use crate::net::{CloseReason, Event, EventKind, SessionId};

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    fn event(session: u64, kind: EventKind) -> Event {
        Event {
            session: SessionId(session),
            kind,
        }
    }

    #[test]
    fn events_from_an_old_session_are_dropped() {
        let mut state = AppState::default();
        state.opened(SessionId(2));
        state.apply(event(
            1,
            EventKind::Received {
                peer: addr(1),
                bytes: "stale".into(),
            },
        ));
        state.apply(event(
            1,
            EventKind::Closed {
                reason: CloseReason::ByPeer,
            },
        ));
        assert_eq!(state.rx.bytes, 0);
        assert!(state.log.entries().is_empty());
        assert_eq!(state.connection, Connection::Opening);

        state.apply(event(2, EventKind::Listening { local: addr(9) }));
        state.apply(event(
            2,
            EventKind::Received {
                peer: addr(1),
                bytes: "fresh".into(),
            },
        ));
        assert_eq!(state.connection, Connection::Listening(addr(9)));
        assert_eq!(state.rx.bytes, 5);
    }

    #[test]
    fn data_already_on_its_way_after_close_is_still_counted() {
        let mut state = AppState::default();
        state.opened(SessionId(1));
        state.apply(event(1, EventKind::Listening { local: addr(9) }));
        state.closed_by_user();
        assert_eq!(state.connection, Connection::Closed);
        state.apply(event(
            1,
            EventKind::Received {
                peer: addr(1),
                bytes: "late".into(),
            },
        ));
        assert_eq!(state.rx.bytes, 4);
    }

    #[test]
    fn a_leaving_selected_client_falls_back_to_all() {
        let mut state = AppState::default();
        state.opened(SessionId(1));
        state.apply(event(1, EventKind::PeerJoined { peer: addr(1) }));
        state.server_target = super::ServerTarget::One(addr(1));
        state.apply(event(
            1,
            EventKind::PeerLeft {
                peer: addr(1),
                reason: CloseReason::ByPeer,
            },
        ));
        assert_eq!(state.server_target, super::ServerTarget::All);
        assert!(state.clients.is_empty());
    }

    #[test]
    fn the_port_rule_follows_the_mode() {
        let mut state = AppState {
            port: "0".to_owned(),
            ..AppState::default()
        };
        assert!(
            state.prepare_open().is_some(),
            "a server may bind any free port"
        );
        state.mode = Mode::TcpClient;
        assert!(
            state.prepare_open().is_none(),
            "a client cannot connect to port 0"
        );
        assert!(state.errors.port.is_some());
    }
}

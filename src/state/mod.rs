//! Everything the window shows and edits, and how engine events change it. No egui here, so the
//! rules are testable on their own; `ui/` draws this and `app.rs` connects it to the engine.
//!
//! `types` holds the small types the window shows, `events` how engine events change the
//! state, and `sending` the rules for what a send, a quick command or the history does.

mod auto_reply;
mod events;
mod sending;
mod types;

pub use sending::SendPreview;

pub use types::{
    CaptureStatus, Connection, DisplayOptions, FieldErrors, Mode, ServerTarget, StatusMessage,
};

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use crate::codec::SendFormat;
use crate::counters::Counter;
use crate::i18n::{Language, Texts};
use crate::log::{Log, Notice};
use crate::messages::Message as _;
use crate::net::{
    DEFAULT_CONNECT_TIMEOUT, Endpoint, FileProgress, NetError, SessionConfig, SessionId,
    parse_host, parse_port,
};

/// Everything the window shows and edits.
#[derive(Debug)]
#[allow(clippy::struct_excessive_bools)] // one field per checkbox, as the window shows them
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
    /// Empty the send box once its contents are sent (发送完自动清空).
    pub clear_after_send: bool,
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
    /// Remote `host:port`s a TCP client connected to or UDP sent to, newest first (最近).
    pub recent_remotes: Vec<String>,
    /// Auto reply: send back everything that arrives.
    pub echo: bool,
    /// Auto reply: "when this arrives, answer that".
    pub reply_rules: Vec<crate::settings::AutoReplyRule>,
    /// The auto reply editor: what to look for.
    pub reply_pattern: String,
    /// The auto reply editor: what to answer.
    pub reply_text: String,
    /// The addresses offered for the local address field (filled by the app at start: listing
    /// interfaces is a system call, and the state itself does no I/O).
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
    /// How long peers took to send after a send to them, since the last reset.
    pub responses: crate::response_times::ResponseTimes,
    /// Cycle send period in milliseconds (at least 1).
    pub cycle_period_ms: u64,
    /// Cycle send sends the quick commands in turn, not the send box (轮流发送快捷指令).
    pub cycle_quick: bool,
    /// TCP client: how long a connection attempt may take, in milliseconds.
    pub connect_timeout_ms: u64,
    /// TCP client: connect again when the connection ends or fails (自动重连).
    pub auto_reconnect: bool,
    /// TCP client: how long to wait before connecting again, in milliseconds.
    pub reconnect_ms: u64,
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
    /// What Find looks for in the log.
    pub find_query: String,
    /// The last Find found nothing.
    pub find_missed: bool,
    /// Bring the entry Find found into view on the next frame.
    pub scroll_to_found: bool,
    preview: Option<sending::PreviewCache>,
    retries: events::RetryTally,
    /// The remote a TCP client is opening, remembered in the Recent list once connected.
    opening_remote: Option<String>,
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
            clear_after_send: false,
            server_target: ServerTarget::All,
            client_filter: String::new(),
            udp_target: "127.0.0.1:8081".to_owned(),
            reply_to_last: false,
            multicast_group: String::new(),
            local_addresses: Vec::new(),
            quick_commands: Vec::new(),
            quick_editing: None,
            quick_name: String::new(),
            history: Vec::new(),
            recent_remotes: Vec::new(),
            echo: false,
            reply_rules: Vec::new(),
            reply_pattern: String::new(),
            reply_text: String::new(),
            connection: Connection::Closed,
            clients: BTreeSet::new(),
            log: Log::default(),
            rx: Counter::default(),
            tx: Counter::default(),
            responses: crate::response_times::ResponseTimes::default(),
            capture: None,
            capture_as_text: false,
            cycle_period_ms: 1000,
            cycle_quick: false,
            connect_timeout_ms: duration_ms(DEFAULT_CONNECT_TIMEOUT),
            auto_reconnect: false,
            reconnect_ms: 1000,
            cycle: None,
            file: None,
            display: DisplayOptions::default(),
            not_shown: 0,
            status: None,
            errors: FieldErrors::default(),
            find_query: String::new(),
            find_missed: false,
            scroll_to_found: false,
            preview: None,
            retries: events::RetryTally::default(),
            opening_remote: None,
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
        self.errors.address = host.as_ref().err().map(|e| e.message(self.language));
        self.errors.port = port.as_ref().err().map(|e| e.message(self.language));
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
        self.opening_remote = (self.mode == Mode::TcpClient).then(|| endpoint.to_string());
        Some(match self.mode {
            Mode::TcpServer => SessionConfig::TcpServer { local: endpoint },
            Mode::TcpClient => SessionConfig::TcpClient {
                remote: endpoint,
                timeout: std::time::Duration::from_millis(self.connect_timeout_ms),
            },
            Mode::Udp => SessionConfig::Udp {
                local: endpoint,
                multicast,
            },
        })
    }

    /// Puts `remote` (`host:port`) at the front of the Recent list (once; the oldest fall off).
    pub(super) fn remember_remote(&mut self, remote: String) {
        self.recent_remotes.retain(|old| *old != remote);
        self.recent_remotes.insert(0, remote);
        self.recent_remotes.truncate(crate::settings::RECENT_LIMIT);
    }

    /// Fills the address and port fields (TCP client) or the target (UDP) from a Recent entry.
    pub fn use_recent(&mut self, remote: &str) {
        match self.mode {
            Mode::TcpClient => {
                if let Ok(endpoint) = crate::net::parse_target(remote) {
                    self.address = endpoint.host;
                    self.port = endpoint.port.to_string();
                }
            }
            Mode::Udp => {
                remote.clone_into(&mut self.udp_target);
                self.reply_to_last = false;
            }
            Mode::TcpServer => {}
        }
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
        self.nothing_open();
        self.retries = events::RetryTally::default();
        self.status = None;
    }

    /// Shows no session: closed, no clients, no cycle or file send under way.
    pub(super) fn nothing_open(&mut self) {
        self.connection = Connection::Closed;
        self.cycle = None;
        self.file = None;
        self.clients.clear();
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
        self.capture = Some(CaptureStatus {
            path,
            progress,
            shown: std::cell::Cell::new(0),
        });
    }

    /// Shows why saving could not start.
    pub fn capture_failed(&mut self, error: &crate::net::FileError) {
        self.set_error(error.message(self.language));
    }

    /// Shows how Save log ended.
    pub fn log_saved(&mut self, outcome: Result<crate::log::SavedLog, crate::net::FileError>) {
        match outcome {
            Ok(saved) => {
                let t = self.texts();
                self.set_info(format!(
                    "{} {} ({} {})",
                    t.log_saved,
                    saved.path.display(),
                    saved.lines,
                    t.lines
                ));
            }
            Err(error) => self.set_error(error.message(self.language)),
        }
    }

    /// Moves Find to the next entry holding the query and brings it into view; autoscroll stops
    /// so the log stays there.
    pub fn find_next(&mut self) {
        if self.find_query.is_empty() {
            self.find_missed = false;
            return;
        }
        self.find_missed = !self.log.find_next(&self.find_query);
        if !self.find_missed {
            self.scroll_to_found = true;
            self.display.autoscroll = false;
        }
    }

    /// Zeroes the RX and TX counters.
    pub fn reset_counters(&mut self) {
        self.rx.reset();
        self.tx.reset();
        self.responses.reset();
        self.not_shown = 0;
    }

    /// Logs `error`, which happened at `time`, and shows it in the status bar.
    pub(super) fn report_error(&mut self, error: &NetError, time: chrono::NaiveTime) {
        let text = error.message(self.language);
        self.log.notice(Notice::Error(text.clone()), time);
        self.set_error(text);
    }

    pub(super) fn set_error(&mut self, text: String) {
        self.status = Some(StatusMessage {
            text,
            is_error: true,
        });
    }

    pub(super) fn set_info(&mut self, text: String) {
        self.status = Some(StatusMessage {
            text,
            is_error: false,
        });
    }
}

/// Whole milliseconds in `duration`, saturating.
fn duration_ms(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
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
            time: std::time::SystemTime::now(),
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
    fn a_client_with_auto_reconnect_waits_then_tries_again_unless_closed_by_hand() {
        let closed = |reason| event(1, EventKind::Closed { reason });
        let mut state = AppState {
            mode: Mode::TcpClient,
            auto_reconnect: true,
            ..AppState::default()
        };
        state.opened(SessionId(1));
        state.apply(closed(CloseReason::ByPeer));
        assert!(matches!(state.connection, Connection::Reconnecting { .. }));
        assert!(
            state.connection.is_open(),
            "the button offers Close, to stop trying"
        );
        assert!(!state.has_receiver());
        state.closed_by_user();
        assert_eq!(state.connection, Connection::Closed);

        state.opened(SessionId(1));
        state.apply(closed(CloseReason::ByUser));
        assert_eq!(state.connection, Connection::Closed);

        // A server does not reconnect, whatever the checkbox says.
        state.mode = Mode::TcpServer;
        state.opened(SessionId(1));
        state.apply(closed(CloseReason::Reset));
        assert_eq!(state.connection, Connection::Closed);
    }

    #[test]
    fn a_device_that_stays_off_logs_its_failure_once_and_counts_the_attempts() {
        use crate::net::NetError;
        let refused = |port| {
            CloseReason::Failed(NetError::Connect {
                addr: addr(port),
                source: std::io::ErrorKind::ConnectionRefused.into(),
            })
        };
        let mut state = AppState {
            mode: Mode::TcpClient,
            auto_reconnect: true,
            language: crate::i18n::Language::English,
            ..AppState::default()
        };
        let attempt = |state: &mut AppState, session, port| {
            state.opened(SessionId(session));
            let connecting = EventKind::Connecting {
                endpoint: crate::net::Endpoint::new("127.0.0.1", port),
                remote: addr(port),
            };
            state.apply(event(session, connecting));
            state.apply(event(
                session,
                EventKind::Closed {
                    reason: refused(port),
                },
            ));
        };
        let notices = |state: &AppState| -> Vec<String> {
            let rows = state.log.rows(0, usize::MAX);
            rows.iter()
                .filter(|row| matches!(row, crate::log::Row::Notice(..)))
                .map(|row| crate::log::row_text(row, state.texts()).into_owned())
                .collect()
        };

        for session in 1..=5 {
            attempt(&mut state, session, 7);
        }
        let lines = notices(&state);
        assert_eq!(lines.len(), 2, "one Connecting and one failure: {lines:?}");
        assert!(lines[0].contains("Connecting to 127.0.0.1:7"), "{lines:?}");
        assert!(lines[1].contains("127.0.0.1:7"), "{lines:?}");
        assert!(matches!(
            state.connection,
            Connection::Reconnecting { failures: 5, .. }
        ));
        let t = state.texts();
        assert!(
            state.connection.describe(t).contains("5 failed in a row"),
            "{}",
            state.connection.describe(t)
        );
        assert!(state.status.as_ref().is_some_and(|s| s.is_error));

        // A different failure is news, and is logged.
        attempt(&mut state, 6, 8);
        assert_eq!(notices(&state).len(), 3);

        // A connection starts the count again: its loss and the next attempt are logged.
        state.opened(SessionId(7));
        state.apply(event(
            7,
            EventKind::Connected {
                local: addr(40000),
                remote: addr(8),
            },
        ));
        state.apply(event(
            7,
            EventKind::Closed {
                reason: CloseReason::ByPeer,
            },
        ));
        assert!(matches!(
            state.connection,
            Connection::Reconnecting { failures: 0, .. }
        ));
        attempt(&mut state, 8, 8);
        let lines = notices(&state);
        assert_eq!(lines.len(), 7, "{lines:?}");
        assert!(lines[5].contains("Connecting to 127.0.0.1:8"), "{lines:?}");
    }

    #[test]
    fn remotes_that_worked_are_remembered_newest_first_and_put_back_in_the_fields() {
        let mut state = AppState {
            mode: Mode::TcpClient,
            ..AppState::default()
        };
        let connect = |state: &mut AppState, session, address: &str, port: &str| {
            state.address = address.to_owned();
            state.port = port.to_owned();
            let _config = state.prepare_open().unwrap();
            state.opened(SessionId(session));
            let connected = EventKind::Connected {
                local: addr(40000),
                remote: addr(1),
            };
            state.apply(event(session, connected));
        };
        connect(&mut state, 1, "::1", "502");
        connect(&mut state, 2, "device.local", "9000");
        // A failed attempt is not remembered.
        state.address = "typo.local".to_owned();
        let _config = state.prepare_open().unwrap();
        state.opened(SessionId(3));
        state.apply(event(
            3,
            EventKind::Closed {
                reason: CloseReason::ByPeer,
            },
        ));
        connect(&mut state, 4, "::1", "502");
        assert_eq!(state.recent_remotes, ["[::1]:502", "device.local:9000"]);

        state.use_recent("device.local:9000");
        assert_eq!(
            (state.address.as_str(), state.port.as_str()),
            ("device.local", "9000")
        );
        state.use_recent("[::1]:502");
        assert_eq!(
            (state.address.as_str(), state.port.as_str()),
            ("::1", "502")
        );

        // UDP remembers the targets it sends to; the Recent list puts one back in the field.
        state.mode = Mode::Udp;
        state.connection = Connection::Bound(addr(5000));
        for port in 0..12 {
            state.udp_target = format!("10.0.0.{port}:7000");
            assert!(state.prepare_target().is_some());
        }
        assert_eq!(state.recent_remotes.len(), crate::settings::RECENT_LIMIT);
        assert_eq!(state.recent_remotes[0], "10.0.0.11:7000");
        state.reply_to_last = true;
        state.use_recent("10.0.0.5:7000");
        assert_eq!(state.udp_target, "10.0.0.5:7000");
        assert!(!state.reply_to_last);
    }

    #[test]
    fn an_entry_is_sent_again_to_its_peer_while_that_peer_can_be_reached() {
        use crate::net::{Endpoint, SendTarget};
        let mut state = AppState::new(crate::i18n::Language::English);
        assert_eq!(state.prepare_send_again(addr(7)), None);
        assert_eq!(state.errors.send.as_deref(), Some(state.texts().not_open));

        state.mode = Mode::TcpServer;
        state.connection = Connection::Listening(addr(9000));
        state.clients.insert(addr(7));
        assert_eq!(
            state.prepare_send_again(addr(7)),
            Some(SendTarget::Client(addr(7)))
        );
        assert_eq!(state.prepare_send_again(addr(8)), None);
        assert_eq!(
            state.errors.send.as_deref(),
            Some("127.0.0.1:8 is not connected any more, nothing was sent")
        );

        state.mode = Mode::TcpClient;
        state.connection = Connection::Connected {
            local: addr(40000),
            remote: addr(7),
        };
        assert_eq!(
            state.prepare_send_again(addr(7)),
            Some(SendTarget::Connected)
        );
        assert_eq!(state.prepare_send_again(addr(8)), None, "another server");

        state.mode = Mode::Udp;
        state.connection = Connection::Bound(addr(5000));
        let v6 = SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, 7));
        assert_eq!(
            state.prepare_send_again(v6),
            Some(SendTarget::Datagram(Endpoint::new("::1", 7)))
        );
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

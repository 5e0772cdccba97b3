//! Everything one session shows and edits, and how engine events change it. No egui here, so the
//! rules are testable on their own; `ui/` draws this and `controller` connects it to the
//! engine.
//!
//! `types` holds the small types the window shows, `events` how engine events change the
//! state, `sending` the rules for what a send or a quick command does, `send_mode` how the
//! send box follows the send format, `auto_reply` the rules as typed, and `limits` the ranges
//! a person may choose.

mod auto_reply;
mod events;
mod limits;
mod send_mode;
mod sending;
mod types;

pub use auto_reply::AutoReplyRule;
pub use limits::*;
pub use sending::SendPreview;

pub use types::{
    CaptureStatus, Connection, DisplayOptions, FieldErrors, Mode, PeerTotals, ServerTarget,
    SplitBy, SplitOptions, StatusMessage, TlsFilesMissing, TlsSettings,
};

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use bytes::Bytes;

use crate::codec::{Framing, PayloadError, SendFormat, build_payload};
use crate::counters::Counter;
use crate::i18n::{Language, Said, Texts};
use crate::log::{Log, Notice};
use crate::messages::Message as _;
use crate::net::{
    DEFAULT_CONNECT_TIMEOUT, Endpoint, FileProgress, NetError, SessionConfig, SessionId,
    parse_host, parse_port,
};

/// Everything one session of the window shows and edits (what all sessions share is
/// [`crate::workspace::Shared`]'s).
#[derive(Debug)]
#[allow(clippy::struct_excessive_bools)] // one field per checkbox, as the window shows them
pub struct SessionState {
    /// The label language: the app's, copied here for the messages the session makes.
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
    /// TCP server: the log shows only the selected client's data (只显示该客户端).
    pub show_selected_only: bool,
    /// TCP server: the filter typed in the client selector.
    pub client_filter: String,
    /// UDP: where to send, `host:port`.
    pub udp_target: String,
    /// UDP: send to whoever sent last instead of `udp_target`.
    pub reply_to_last: bool,
    /// UDP: a multicast group to join when opening (empty for none).
    pub multicast_group: String,
    /// Auto reply: send back everything that arrives.
    pub echo: bool,
    /// Auto reply: "when this arrives, answer that".
    pub reply_rules: Vec<AutoReplyRule>,
    /// Auto reply: how long to wait before answering, in milliseconds (0: at once).
    pub reply_delay_ms: u64,
    /// The auto reply editor: what to look for.
    pub reply_pattern: String,
    /// The auto reply editor: what to answer.
    pub reply_text: String,
    /// Where the connection stands.
    pub connection: Connection,
    /// Connected clients of a TCP server, sorted.
    pub clients: BTreeSet<SocketAddr>,
    /// TCP server: bytes received from and sent to each connected client.
    pub client_totals: std::collections::HashMap<SocketAddr, PeerTotals>,
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
    /// Cycle send stops after this many sends; 0 sends until stopped.
    pub cycle_times: u64,
    /// Cycle send sends the quick commands in turn, not the send box (轮流发送快捷指令).
    pub cycle_quick: bool,
    /// Send file: bytes per packet (0: the protocol's default, see [`crate::net::FilePacing`]).
    pub file_packet_size: usize,
    /// Send file: milliseconds from one packet to the next (0: no pause).
    pub file_interval_ms: u64,
    /// TCP client: how long a connection attempt may take, in milliseconds.
    pub connect_timeout_ms: u64,
    /// TCP client: the local port to connect from (0: any), for a device that only talks to
    /// a known port.
    pub client_local_port: u16,
    /// TCP client: connect again when the connection ends or fails (自动重连).
    pub auto_reconnect: bool,
    /// TCP client: how long to wait before connecting again, in milliseconds.
    pub reconnect_ms: u64,
    /// TLS for the TCP server and client.
    pub tls: TlsSettings,
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
    /// How TCP reads are split into messages, as set; [`SessionState::apply_split`] gives it to
    /// the log.
    pub split: SplitOptions,
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
    /// Where the entry Find found stands among the matches ("3 of 41"), as of the last Find.
    pub find_tally: Option<crate::log::FindTally>,
    /// Autoscroll as it was before Find stopped it, given back when the Find ends.
    autoscroll_before_find: Option<bool>,
    preview: Option<sending::PreviewCache>,
    retries: events::RetryTally,
    /// The remote a TCP client is opening, remembered in the Recent list once connected.
    opening_remote: Option<String>,
    /// The person pressed Close since the last Open: a failure reported after that (the
    /// session failed while the Close was on its way) must not start auto reconnect.
    closed_by_person: bool,
    /// A remote that worked since the workspace last looked (see
    /// [`SessionState::take_remote_to_remember`]).
    remote_to_remember: Option<String>,
    session: Option<SessionId>,
}

impl Default for SessionState {
    fn default() -> Self {
        Self::new(Language::default())
    }
}

impl SessionState {
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
            show_selected_only: false,
            client_filter: String::new(),
            udp_target: "127.0.0.1:8081".to_owned(),
            reply_to_last: false,
            multicast_group: String::new(),
            echo: false,
            reply_rules: Vec::new(),
            reply_delay_ms: 0,
            reply_pattern: String::new(),
            reply_text: String::new(),
            connection: Connection::Closed,
            clients: BTreeSet::new(),
            client_totals: std::collections::HashMap::new(),
            log: Log::default(),
            rx: Counter::default(),
            tx: Counter::default(),
            responses: crate::response_times::ResponseTimes::default(),
            capture: None,
            capture_as_text: false,
            cycle_period_ms: 1000,
            cycle_quick: false,
            cycle_times: 0,
            file_packet_size: 0,
            file_interval_ms: 0,
            connect_timeout_ms: duration_ms(DEFAULT_CONNECT_TIMEOUT),
            client_local_port: 0,
            auto_reconnect: false,
            reconnect_ms: 1000,
            tls: TlsSettings::default(),
            cycle: None,
            file: None,
            display: DisplayOptions::default(),
            split: SplitOptions::default(),
            not_shown: 0,
            status: None,
            errors: FieldErrors::default(),
            find_query: String::new(),
            find_missed: false,
            scroll_to_found: false,
            find_tally: None,
            autoscroll_before_find: None,
            preview: None,
            retries: events::RetryTally::default(),
            opening_remote: None,
            closed_by_person: false,
            remote_to_remember: None,
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
        let (Ok(host), Ok(port)) = (&host, &port) else {
            let said = Said::new(|language| {
                [
                    host.as_ref().err().map(|e| e.message(language)),
                    port.as_ref().err().map(|e| e.message(language)),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("; ")
            });
            self.set_error(said);
            return None;
        };
        let multicast = match self.parse_multicast() {
            Ok(group) => group,
            Err(said) => {
                self.errors.multicast = Some(said.get(self.language).to_owned());
                self.set_error(said);
                return None;
            }
        };
        let server_tls = match self.tls.server() {
            Ok(tls) => tls,
            // Only a server uses the files: a client opens whatever they say.
            Err(TlsFilesMissing) if self.mode == Mode::TcpServer => {
                self.errors.tls_files = Some(self.texts().tls_files_missing.to_owned());
                self.set_error(Said::new(|language| {
                    language.texts().tls_files_missing.to_owned()
                }));
                return None;
            }
            Err(TlsFilesMissing) => None,
        };
        self.errors.tls_files = None;
        let endpoint = Endpoint::new(host.clone(), *port);
        self.opening_remote = (self.mode == Mode::TcpClient).then(|| endpoint.to_string());
        Some(match self.mode {
            Mode::TcpServer => SessionConfig::TcpServer {
                local: endpoint,
                tls: server_tls,
            },
            Mode::TcpClient => SessionConfig::TcpClient {
                remote: endpoint,
                timeout: std::time::Duration::from_millis(self.connect_timeout_ms),
                local_port: self.client_local_port,
                tls: self.tls.client(),
            },
            Mode::Udp => SessionConfig::Udp {
                local: endpoint,
                multicast,
            },
        })
    }

    /// Checks again the fields that carry a message, after one was edited: the message goes
    /// as soon as the field is right, and says what is wrong now while it is not. A field
    /// without a message is left alone until the next Open or Send checks it.
    pub fn recheck_fields(&mut self) {
        let language = self.language;
        if self.errors.address.is_some() {
            self.errors.address = parse_host(&self.address).err().map(|e| e.message(language));
        }
        if self.errors.port.is_some() {
            self.errors.port = parse_port(&self.port, self.mode.binds())
                .err()
                .map(|e| e.message(language));
        }
        if self.errors.target.is_some() && !self.udp_target.trim().is_empty() {
            self.errors.target = crate::net::parse_target(&self.udp_target)
                .err()
                .map(|e| e.message(language));
        }
        if self.errors.multicast.is_some() {
            self.errors.multicast = self
                .parse_multicast()
                .err()
                .map(|said| said.get(language).to_owned());
        }
    }

    /// Notes a remote (`host:port`) that worked, for the app's Recent list.
    pub(super) fn remember_remote(&mut self, remote: String) {
        self.remote_to_remember = Some(remote);
    }

    /// The remote that last worked, once: the workspace puts it in the app's Recent list.
    pub fn take_remote_to_remember(&mut self) -> Option<String> {
        self.remote_to_remember.take()
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
    fn parse_multicast(&mut self) -> Result<Option<std::net::IpAddr>, Said> {
        self.errors.multicast = None;
        let text = self.multicast_group.trim();
        if self.mode != Mode::Udp || text.is_empty() {
            return Ok(None);
        }
        match text.parse::<std::net::IpAddr>() {
            Ok(group) if group.is_multicast() => Ok(Some(group)),
            _ => Err(Said::new(|language| {
                format!("{}: '{text}'", language.texts().not_multicast)
            })),
        }
    }

    /// Whether events of `session` are this state's to apply: it is the Open it made last.
    pub fn owns(&self, session: SessionId) -> bool {
        self.session == Some(session)
    }

    /// Records that a session was opened; events from any other session are ignored from now.
    pub fn opened(&mut self, session: SessionId) {
        self.session = Some(session);
        self.closed_by_person = false;
        self.connection = Connection::Opening;
        self.clients.clear();
        self.client_totals.clear();
        self.server_target = ServerTarget::All;
        self.status = None;
    }

    /// Records that the person closed the session. The window shows it closed at once; the
    /// session's own `Closed` event, and any data that was already on its way, still arrive
    /// and are logged, so nothing received is lost from the log or the counters.
    pub fn closed_by_user(&mut self) {
        self.closed_by_person = true;
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
        self.client_totals.clear();
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
        let shown = path.display().to_string();
        self.set_info(Said::new(|language| {
            format!("{} {shown}", language.texts().saving_to)
        }));
        self.capture = Some(CaptureStatus {
            path,
            progress,
            shown: std::cell::Cell::new(0),
        });
    }

    /// Shows why saving could not start.
    pub fn capture_failed(&mut self, error: &crate::net::FileError) {
        self.set_error(Said::new(|language| error.message(language)));
    }

    /// Shows how Save log ended.
    pub fn log_saved(&mut self, outcome: Result<crate::log::SavedLog, crate::net::FileError>) {
        match outcome {
            Ok(saved) => self.set_info(Said::new(|language| {
                let t = language.texts();
                format!(
                    "{} {} ({} {})",
                    t.log_saved,
                    saved.path.display(),
                    saved.lines,
                    t.lines
                )
            })),
            Err(error) => self.set_error(Said::new(|language| error.message(language))),
        }
    }

    /// Gives the log the way of splitting chosen in *Split messages*. A delimiter is read as
    /// text with escapes in the receive encoding; one that cannot be read turns splitting off
    /// and says why beside the field. A frame start is read as hex; while it cannot be, messages
    /// are cut without one, and the field says why.
    pub fn apply_split(&mut self) {
        let mut error = None;
        let start = match crate::codec::parse_hex(&self.split.frame_start) {
            Ok(start) => {
                self.errors.frame_start = None;
                Bytes::from(start)
            }
            Err(wrong) => {
                self.errors.frame_start = Some(wrong.message(self.language));
                Bytes::new()
            }
        };
        let framing = match self.split.by {
            SplitBy::Off => None,
            SplitBy::Delimiter => {
                let format = SendFormat::text(self.log.encoding(), true);
                match build_payload(&self.split.delimiter, &format) {
                    Ok(bytes) => Some(Framing::Delimiter(bytes.into())),
                    Err(PayloadError::Empty) => None,
                    Err(wrong) => {
                        error = Some(wrong.message(self.language));
                        None
                    }
                }
            }
            SplitBy::LengthField => Some(Framing::Length {
                field: self.split.length,
                start,
            }),
            SplitBy::FixedSize => {
                NonZeroUsize::new(self.split.fixed).map(|size| Framing::Fixed { size, start })
            }
        };
        self.log.set_framing(framing);
        self.errors.delimiter = error;
    }

    /// Has the log show only the selected client's data while that is asked for (TCP server,
    /// one client selected), everything otherwise: when the client leaves, the selection goes
    /// back to all clients, and so does the log.
    pub fn sync_log_filter(&mut self) {
        let shown = match (self.mode, self.server_target) {
            (Mode::TcpServer, ServerTarget::One(peer)) if self.show_selected_only => Some(peer),
            _ => None,
        };
        self.log.set_show_only(shown);
    }

    /// Moves Find to the next entry holding the query and brings it into view, and counts
    /// where it stands among the matches; autoscroll stops so the log stays there, until the
    /// Find ends ([`SessionState::end_find`]).
    pub fn find_next(&mut self) {
        if self.find_query.is_empty() {
            self.end_find();
            return;
        }
        self.find_tally = self.log.find_next(&self.find_query);
        self.find_missed = self.find_tally.is_none();
        if !self.find_missed {
            self.scroll_to_found = true;
            self.autoscroll_before_find
                .get_or_insert(self.display.autoscroll);
            self.display.autoscroll = false;
        }
    }

    /// The Find field was edited: what it said about the old query goes, and a field made
    /// empty ends the Find.
    pub fn find_edited(&mut self) {
        self.find_missed = false;
        self.find_tally = None;
        if self.find_query.is_empty() {
            self.end_find();
        }
    }

    /// Ends a Find (the field cleared, or Escape): autoscroll goes back to what it was before
    /// Find stopped it.
    pub fn end_find(&mut self) {
        self.find_missed = false;
        self.find_tally = None;
        if let Some(autoscroll) = self.autoscroll_before_find.take() {
            self.display.autoscroll = autoscroll;
        }
    }

    /// Zeroes the RX and TX counters.
    pub fn reset_counters(&mut self) {
        self.rx.reset();
        self.tx.reset();
        self.responses.reset();
        self.log.reset_check_tally();
        self.not_shown = 0;
    }

    /// Logs `error`, which happened at `time`, and shows it in the status bar.
    pub(super) fn report_error(&mut self, error: &NetError, time: chrono::NaiveTime) {
        let said = Said::new(|language| error.message(language));
        self.log.notice(Notice::Error(said.clone()), time);
        self.set_error(said);
    }

    /// Shows a failure in the status bar.
    pub(super) fn set_error(&mut self, said: Said) {
        self.status = Some(StatusMessage {
            said,
            is_error: true,
        });
    }

    /// Shows how something went in the status bar.
    pub(super) fn set_info(&mut self, said: Said) {
        self.status = Some(StatusMessage {
            said,
            is_error: false,
        });
    }
}

#[cfg(test)]
mod tests;

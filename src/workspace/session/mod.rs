//! Everything one session shows and edits, and how engine events change it. No egui here, so the
//! rules are testable on their own; `ui/` draws this and `controller` connects it to the
//! engine.
//!
//! Panels draw a `&SessionState` and return [`Edit`]s, which [`SessionState::edit`] applies
//! with the rules that go with them; nothing else but the engine's events changes the state.
//! `groups` holds the small structs the settings come in (the send box, targets, auto reply,
//! cycle, file pacing, a client's options, Find), `types` the other small types the window
//! shows, `edit` what a panel may ask, `events` how engine events change the state, `sending`
//! the rules for what a send or a quick command does, `send_mode` how the send box follows the
//! send format, `auto_reply` the rules as typed, and `limits` the ranges a person may choose.

mod auto_reply;
mod edit;
mod events;
mod groups;
mod limits;
mod send_mode;
mod sending;
mod types;

pub use auto_reply::AutoReplyRule;
pub use edit::{Edit, LogEdit};
pub use groups::{
    AutoReplySettings, ClientOptions, CycleOptions, FileOptions, FindState, ImpairTally, SendBox,
    Targets, Traffic,
};
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
use crate::i18n::{Language, Said, Texts};
use crate::log::{Log, Notice};
use crate::messages::Message as _;
use crate::net::{
    Endpoint, FileProgress, NetError, SessionConfig, SessionId, parse_host, parse_port,
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
    /// The send box and how it becomes bytes.
    pub send: SendBox,
    /// Where a send goes besides the connection: a server's client, a UDP target.
    pub target: Targets,
    /// UDP: a multicast group to join when opening (empty for none).
    pub multicast_group: String,
    /// TCP relay: the server each client is connected on to, `host:port`.
    pub upstream: String,
    /// UDP relay: what it does to each way's datagrams, changed while it runs.
    pub impairments: crate::net::Impairments,
    /// Auto reply: echo, rules and the rule editor.
    pub auto_reply: AutoReplySettings,
    /// Where the connection stands.
    pub connection: Connection,
    /// Connected clients of a TCP server, sorted.
    pub clients: BTreeSet<SocketAddr>,
    /// TCP server: bytes received from and sent to each connected client.
    pub client_totals: std::collections::HashMap<SocketAddr, PeerTotals>,
    /// The data log.
    pub log: Log,
    /// What went each way since the last reset.
    pub traffic: Traffic,
    /// How a cycle send repeats.
    pub cycle: CycleOptions,
    /// How Send file paces a file.
    pub pacing: FileOptions,
    /// A TCP client's connection options.
    pub client: ClientOptions,
    /// TLS for the TCP server and client.
    pub tls: TlsSettings,
    /// The running cycle send's count, if one runs.
    pub cycling: Option<Arc<AtomicU64>>,
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
    /// The status bar's message.
    pub status: Option<StatusMessage>,
    /// Messages beside fields.
    pub errors: FieldErrors,
    /// Find in the log.
    pub find: FindState,
    preview: std::cell::RefCell<Option<sending::PreviewCache>>,
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
            send: SendBox::default(),
            target: Targets::default(),
            multicast_group: String::new(),
            upstream: String::new(),
            impairments: crate::net::Impairments::default(),
            auto_reply: AutoReplySettings::default(),
            connection: Connection::Closed,
            clients: BTreeSet::new(),
            client_totals: std::collections::HashMap::new(),
            log: Log::default(),
            traffic: Traffic::default(),
            capture: None,
            capture_as_text: false,
            cycle: CycleOptions::default(),
            pacing: FileOptions::default(),
            client: ClientOptions::default(),
            tls: TlsSettings::default(),
            cycling: None,
            file: None,
            display: DisplayOptions::default(),
            split: SplitOptions::default(),
            status: None,
            errors: FieldErrors::default(),
            find: FindState::default(),
            preview: std::cell::RefCell::new(None),
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
        self.errors.address = host.as_ref().err().map(said_of);
        self.errors.port = port.as_ref().err().map(said_of);
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
                self.errors.multicast = Some(said.clone());
                self.set_error(said);
                return None;
            }
        };
        let server_tls = match self.tls.server() {
            Ok(tls) => tls,
            // Only a server uses the files: a client opens whatever they say.
            Err(TlsFilesMissing) if self.mode == Mode::TcpServer => {
                let said = Said::new(|language| language.texts().tls_files_missing.to_owned());
                self.errors.tls_files = Some(said.clone());
                self.set_error(said);
                return None;
            }
            Err(TlsFilesMissing) => None,
        };
        self.errors.tls_files = None;
        let upstream = match self.parse_upstream() {
            Ok(upstream) => upstream,
            Err(said) => {
                self.errors.upstream = Some(said.clone());
                self.set_error(said);
                return None;
            }
        };
        let endpoint = Endpoint::new(host.clone(), *port);
        self.opening_remote = (self.mode == Mode::TcpClient).then(|| endpoint.to_string());
        Some(match self.mode {
            Mode::TcpServer => SessionConfig::TcpServer {
                local: endpoint,
                tls: server_tls,
            },
            Mode::TcpClient => SessionConfig::TcpClient {
                remote: endpoint,
                timeout: std::time::Duration::from_millis(self.client.connect_timeout_ms),
                local_port: self.client.local_port,
                tls: self.tls.client(),
            },
            Mode::Udp => SessionConfig::Udp {
                local: endpoint,
                multicast,
            },
            Mode::TcpRelay => SessionConfig::TcpRelay {
                local: endpoint,
                upstream: upstream.unwrap_or_else(|| Endpoint::new("", 0)),
                timeout: std::time::Duration::from_millis(self.client.connect_timeout_ms),
                tls: self.tls.client(),
            },
            Mode::UdpRelay => SessionConfig::UdpRelay {
                local: endpoint,
                upstream: upstream.unwrap_or_else(|| Endpoint::new("", 0)),
                idle: std::time::Duration::from_millis(self.client.relay_idle_ms.max(1)),
            },
        })
    }

    /// Checks again the fields that carry a message, after one was edited: the message goes
    /// as soon as the field is right, and says what is wrong now while it is not. A field
    /// without a message is left alone until the next Open or Send checks it.
    pub fn recheck_fields(&mut self) {
        if self.errors.address.is_some() {
            self.errors.address = parse_host(&self.address).err().as_ref().map(said_of);
        }
        if self.errors.port.is_some() {
            self.errors.port = parse_port(&self.port, self.mode.binds())
                .err()
                .as_ref()
                .map(said_of);
        }
        if self.mode != Mode::Udp || self.target.reply_to_last {
            // Nothing reads the target now.
            self.errors.target = None;
        } else if self.errors.target.is_some() && !self.target.udp.trim().is_empty() {
            self.errors.target = crate::net::parse_target(&self.target.udp)
                .err()
                .as_ref()
                .map(said_of);
        }
        if self.errors.multicast.is_some() {
            self.errors.multicast = self.parse_multicast().err();
        }
        if self.errors.upstream.is_some() {
            self.errors.upstream = self.parse_upstream().err();
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
                remote.clone_into(&mut self.target.udp);
                self.target.reply_to_last = false;
            }
            Mode::TcpRelay | Mode::UdpRelay => remote.clone_into(&mut self.upstream),
            Mode::TcpServer => {}
        }
    }

    /// The relay's upstream server: none unless the mode is the relay, whose field must hold
    /// a `host:port`.
    fn parse_upstream(&self) -> Result<Option<Endpoint>, Said> {
        if !self.mode.relays() {
            return Ok(None);
        }
        if self.upstream.trim().is_empty() {
            return Err(Said::new(|language| {
                language.texts().empty_upstream.to_owned()
            }));
        }
        crate::net::parse_target(&self.upstream)
            .map(Some)
            .map_err(|error| said_of(&error))
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
        self.target.server = ServerTarget::All;
        self.sync_log_filter();
        self.log.set_relaying(self.mode.relays());
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
        self.cycling = None;
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

    /// What a capture of the log falls back on where its lines no longer say: whether the
    /// session speaks TCP, and its address now.
    pub fn wire(&self) -> crate::log::Wire {
        crate::log::Wire {
            tcp: self.mode.is_tcp(),
            local: self.connection.local_addr(),
        }
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
                self.errors.frame_start = Some(said_of(&wrong));
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
                        error = Some(said_of(&wrong));
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
        let shown = match self.mode {
            Mode::TcpServer | Mode::TcpRelay | Mode::UdpRelay => self.target.shown_client(),
            Mode::TcpClient | Mode::Udp => None,
        };
        self.log.store_mut().set_show_only(shown);
    }

    /// Moves Find to the next entry holding the query and brings it into view, and counts
    /// where it stands among the matches; autoscroll stops so the log stays there, until the
    /// Find ends ([`SessionState::end_find`]).
    pub fn find_next(&mut self) {
        if self.find.query.is_empty() {
            self.end_find();
            return;
        }
        self.find.tally = self.log.store_mut().find_next(&self.find.query);
        self.find.missed = self.find.tally.is_none();
        if !self.find.missed {
            self.find.scroll_to_found.set(true);
            self.find
                .autoscroll_before
                .get_or_insert(self.display.autoscroll);
            self.display.autoscroll = false;
        }
    }

    /// The Find field was edited: what it said about the old query goes, and a field made
    /// empty ends the Find.
    pub fn find_edited(&mut self) {
        self.find.missed = false;
        self.find.tally = None;
        if self.find.query.is_empty() {
            self.end_find();
        }
    }

    /// Ends a Find (the field cleared, or Escape): autoscroll goes back to what it was before
    /// Find stopped it.
    pub fn end_find(&mut self) {
        self.find.missed = false;
        self.find.tally = None;
        if let Some(autoscroll) = self.find.autoscroll_before.take() {
            self.display.autoscroll = autoscroll;
        }
    }

    /// Starts applying a frame's worth of events: new entries wait to be measured for the
    /// text view until [`SessionState::finish_drain`], so a flood's intake costs little more
    /// than a copy and what the log's budget drops meanwhile is never measured.
    pub fn start_drain(&mut self) {
        self.log.store_mut().defer_measuring(true);
    }

    /// Ends what [`SessionState::start_drain`] began: measures the entries waiting until
    /// `deadline`, the newest first when more came than a frame measures. Whether some still
    /// wait (for the next frame).
    pub fn finish_drain(&mut self, deadline: std::time::Instant) -> bool {
        let store = self.log.store_mut();
        store.defer_measuring(false);
        // A flood's newest entries first, as a log following its end shows them.
        store.skip_pending(crate::log::FOLLOWED_BYTES);
        !(store.measure_pending(Some(deadline)) && store.measure_skipped(Some(deadline)))
    }

    /// Brings the counters' rates up to `now`, so a rate falls to zero once nothing comes.
    pub fn catch_up_counters(&mut self, now: std::time::Instant) {
        self.traffic.rx.catch_up(now);
        self.traffic.tx.catch_up(now);
    }

    /// Zeroes the RX and TX counters.
    pub fn reset_counters(&mut self) {
        self.traffic.reset();
        self.log.reset_check_tally();
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

/// What `error` says, in every language.
fn said_of(error: &impl crate::messages::Message) -> Said {
    Said::new(|language| error.message(language))
}

#[cfg(test)]
mod tests;

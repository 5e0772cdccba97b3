//! What a send, a quick command or the history does to the state: checks, targets, refusals.

use super::{Connection, Mode, ServerTarget, SessionState};
use crate::codec::{PayloadError, SendFormat, build_payload, format_hex};
use crate::i18n::{Language, Said};
use crate::messages::Message as _;
use crate::net::{FilePacing, SendTarget, parse_target};
use crate::workspace::{HistoryEntry, QuickCommand};

/// Bytes of the send box shown in the preview line.
const PREVIEW_BYTES: usize = 16;

/// What the send box would put on the wire, for the line beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendPreview {
    /// The send box is empty.
    Empty,
    /// This many bytes; the first ones in hex, with `…` when there are more.
    Bytes(usize, String),
    /// Why the send box cannot be sent as it is.
    Refused(String),
}

/// The preview and what it was computed from, so it is recomputed only when that changes.
#[derive(Debug)]
pub(super) struct PreviewCache {
    text: String,
    format: SendFormat,
    language: Language,
    preview: SendPreview,
}

impl SessionState {
    /// What the send box would put on the wire as it stands (escapes, encoding, checksum and
    /// line ending applied), recomputed only after the text or the format changed.
    pub fn send_preview(&self) -> SendPreview {
        let mut cache = self.preview.borrow_mut();
        let stale = cache.as_ref().is_none_or(|cache| {
            cache.text != self.send.text
                || cache.format != self.send.format
                || cache.language != self.language
        });
        if stale {
            let preview = match build_payload(&self.send.text, &self.send.format) {
                Ok(bytes) => {
                    let head = bytes.get(..PREVIEW_BYTES).unwrap_or(&bytes);
                    let more = if bytes.len() > PREVIEW_BYTES {
                        " …"
                    } else {
                        ""
                    };
                    SendPreview::Bytes(bytes.len(), format!("{}{more}", format_hex(head)))
                }
                Err(PayloadError::Empty) => SendPreview::Empty,
                Err(error) => SendPreview::Refused(error.message(self.language)),
            };
            *cache = Some(PreviewCache {
                text: self.send.text.clone(),
                format: self.send.format,
                language: self.language,
                preview,
            });
        }
        cache
            .as_ref()
            .map_or(SendPreview::Empty, |cache| cache.preview.clone())
    }

    /// Checks the send box and the target; on success what to send, otherwise a message beside
    /// the send box (or the target field) and nothing is sent.
    pub fn prepare_send(&mut self) -> Option<(SendTarget, Vec<u8>)> {
        let target = self.prepare_target()?;
        match build_payload(&self.send.text, &self.send.format) {
            Ok(bytes) => Some((target, bytes)),
            Err(error) => self.refuse_send(Said::new(|language| error.message(language))),
        }
    }

    /// The send box as the history keeps it.
    pub fn history_entry(&self) -> HistoryEntry {
        HistoryEntry {
            text: self.send.text.clone(),
            format: self.send.format,
        }
    }

    /// Checks quick `command` and where it goes; on success what to send.
    pub fn prepare_quick(&mut self, command: &QuickCommand) -> Option<(SendTarget, Vec<u8>)> {
        let target = self.prepare_target()?;
        match build_payload(&command.text, &command.format) {
            Ok(bytes) => Some((target, bytes)),
            Err(error) => self.refuse_send(Said::new(|language| {
                format!("{}: {}", command.name, error.message(language))
            })),
        }
    }

    /// Checks what a cycle send would send and where: the send box, or with
    /// [`CycleOptions::quick`](super::CycleOptions::quick) every one of `quick` in turn (each read with its own
    /// format). On failure a message says why (naming a quick command that cannot be read)
    /// and nothing starts.
    pub fn prepare_cycle(
        &mut self,
        quick: &[QuickCommand],
    ) -> Option<(SendTarget, Vec<bytes::Bytes>)> {
        if !self.cycle.quick {
            let (target, bytes) = self.prepare_send()?;
            return Some((target, vec![bytes.into()]));
        }
        if quick.is_empty() {
            return self.refuse_send(Said::new(|language| {
                language.texts().no_quick_commands.to_owned()
            }));
        }
        let target = self.prepare_target()?;
        let mut payloads = Vec::with_capacity(quick.len());
        for command in quick {
            match build_payload(&command.text, &command.format) {
                Ok(bytes) => payloads.push(bytes.into()),
                Err(error) => {
                    return self.refuse_send(Said::new(|language| {
                        format!("{}: {}", command.name, error.message(language))
                    }));
                }
            }
        }
        Some((target, payloads))
    }

    /// Checks that `peer` (a log entry's) can be sent to now: the server still connected
    /// through a TCP client, the client still connected to a server, any address over UDP.
    /// On success where to send; otherwise a message says why.
    pub fn prepare_send_again(&mut self, peer: std::net::SocketAddr) -> Option<SendTarget> {
        self.errors.send = None;
        let reachable = match (self.mode, self.connection) {
            (
                Mode::TcpClient,
                Connection::Securing { remote, .. } | Connection::Connected { remote, .. },
            ) => (remote == peer).then_some(SendTarget::Connected),
            (Mode::TcpServer, Connection::Listening(_) | Connection::Serving(_)) => self
                .clients
                .contains(&peer)
                .then_some(SendTarget::Client(peer)),
            (
                Mode::TcpRelay | Mode::UdpRelay,
                Connection::Listening(_) | Connection::Serving(_) | Connection::Bound(_),
            ) => self.clients.contains(&peer).then_some(SendTarget::Relay {
                way: self.target.relay_way,
                client: Some(peer),
            }),
            (Mode::Udp, Connection::Bound(_)) => Some(SendTarget::Datagram(
                crate::net::Endpoint::new(peer.ip().to_string(), peer.port()),
            )),
            _ => None,
        };
        if reachable.is_none() {
            let open = self.connection.is_open();
            return self.refuse_send(Said::new(|language| {
                let t = language.texts();
                if open {
                    t.peer_not_connected.replace("{peer}", &peer.to_string())
                } else {
                    t.not_open.to_owned()
                }
            }));
        }
        self.status = None;
        reachable
    }

    /// Empties the send box (清除输入); a refusal of what it held goes too.
    pub fn clear_send_box(&mut self) {
        self.send.text.clear();
        if let Some(refusal) = self.errors.send.take()
            && self
                .status
                .as_ref()
                .is_some_and(|status| status.said == refusal)
        {
            self.status = None;
        }
    }

    /// Checks the send box again after an edit, while a refusal of it is shown: what is wrong
    /// with it now, or, once it reads and has somewhere to go, nothing.
    pub(super) fn recheck_send_box(&mut self) {
        let Some(refusal) = self.errors.send.clone() else {
            return;
        };
        let said = match build_payload(&self.send.text, &self.send.format) {
            Err(PayloadError::Empty) => None,
            Err(error) => Some(Said::new(|language| error.message(language))),
            Ok(_) => self.no_receiver(self.texts()).map(|_| {
                Said::new(|language| {
                    self.no_receiver(language.texts())
                        .unwrap_or_default()
                        .to_owned()
                })
            }),
        };
        if said.is_none()
            && self
                .status
                .as_ref()
                .is_some_and(|status| status.said == refusal)
        {
            self.status = None;
        }
        self.errors.send = said;
    }

    /// Puts `text`, read as `format`, in the send box: a history entry, a quick command being
    /// edited, a log entry's bytes. The one way besides the Send settings that the send format
    /// changes: the auto reply editor's fields, read with it, are first rewritten to the new
    /// mode (see [`SessionState::set_send_mode`]), so they still mean the same bytes.
    pub fn load_send_box(&mut self, text: &str, format: SendFormat) {
        self.send.text.clear();
        self.set_send_mode(format.mode);
        self.send.format = format;
        text.clone_into(&mut self.send.text);
    }

    /// Shows how a change to the app's quick commands went.
    pub fn show_outcome(&mut self, outcome: crate::workspace::Outcome) {
        if outcome.is_error {
            self.set_error(outcome.said);
        } else {
            self.set_info(outcome.said);
        }
    }

    /// Whether a send has somewhere to go: a connection, a bound socket, or a server with at
    /// least one client.
    pub fn has_receiver(&self) -> bool {
        self.no_receiver(self.texts()).is_none()
    }

    /// Why a send has nowhere to go, if it has not: nothing open, not connected yet, or a
    /// server without clients.
    fn no_receiver(&self, t: &'static crate::i18n::Texts) -> Option<&'static str> {
        match self.connection {
            Connection::Closed => Some(t.not_open),
            Connection::Opening | Connection::Connecting(_) | Connection::Reconnecting { .. } => {
                Some(t.not_connected)
            }
            Connection::Listening(_) | Connection::Serving(_) if self.clients.is_empty() => {
                Some(t.no_clients)
            }
            // A UDP relay has no one to send to until a source has sent.
            Connection::Bound(_) if self.mode == Mode::UdpRelay && self.clients.is_empty() => {
                Some(t.no_clients)
            }
            Connection::Listening(_)
            | Connection::Serving(_)
            // A send during the handshake waits for it in the session.
            | Connection::Securing { .. }
            | Connection::Connected { .. }
            | Connection::Bound(_) => None,
        }
    }

    /// How a file is cut and paced, as the send settings say.
    pub fn file_pacing(&self) -> FilePacing {
        FilePacing {
            packet_size: self.pacing.packet_size,
            interval: std::time::Duration::from_millis(self.pacing.interval_ms),
        }
    }

    /// Checks that something is open and where a send goes; on failure a message beside the
    /// send box (or the target field).
    pub fn prepare_target(&mut self) -> Option<SendTarget> {
        self.errors.send = None;
        self.errors.target = None;
        if self.no_receiver(self.texts()).is_some() {
            let said = Said::new(|language| {
                self.no_receiver(language.texts())
                    .unwrap_or_default()
                    .to_owned()
            });
            return self.refuse_send(said);
        }
        let target = match self.mode {
            Mode::TcpClient => SendTarget::Connected,
            Mode::TcpServer => match self.target.server {
                ServerTarget::All => SendTarget::AllClients,
                ServerTarget::One(peer) => SendTarget::Client(peer),
            },
            Mode::TcpRelay | Mode::UdpRelay => SendTarget::Relay {
                way: self.target.relay_way,
                client: match self.target.server {
                    ServerTarget::All => None,
                    ServerTarget::One(peer) => Some(peer),
                },
            },
            Mode::Udp if self.target.reply_to_last => SendTarget::LastSender,
            Mode::Udp => match parse_target(&self.target.udp) {
                Ok(endpoint) => {
                    self.remember_remote(endpoint.to_string());
                    SendTarget::Datagram(endpoint)
                }
                Err(error) => {
                    let empty = self.target.udp.trim().is_empty();
                    let said = Said::new(|language| {
                        if empty {
                            language.texts().empty_target.to_owned()
                        } else {
                            error.message(language)
                        }
                    });
                    self.errors.target = Some(said.clone());
                    self.set_error(said);
                    return None;
                }
            },
        };
        self.status = None;
        Some(target)
    }

    /// Shows why a send was refused, beside the send box and in the status bar.
    pub fn refuse_send<T>(&mut self, said: Said) -> Option<T> {
        self.errors.send = Some(said.clone());
        self.set_error(said);
        None
    }
}

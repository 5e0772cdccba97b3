//! What a send, a quick command or the history does to the state: checks, targets, refusals.

use super::{AppState, Connection, Mode, ServerTarget};
use crate::codec::{PayloadError, SendFormat, build_payload, format_hex};
use crate::i18n::Language;
use crate::messages::Message as _;
use crate::net::{FilePacing, SendTarget, parse_target};

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

impl AppState {
    /// What the send box would put on the wire as it stands (escapes, encoding, checksum and
    /// line ending applied), recomputed only after the text or the format changed.
    pub fn send_preview(&mut self) -> &SendPreview {
        let stale = self.preview.as_ref().is_none_or(|cache| {
            cache.text != self.send_text
                || cache.format != self.send_format
                || cache.language != self.language
        });
        if stale {
            let preview = match build_payload(&self.send_text, &self.send_format) {
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
            self.preview = Some(PreviewCache {
                text: self.send_text.clone(),
                format: self.send_format,
                language: self.language,
                preview,
            });
        }
        self.preview
            .as_ref()
            .map_or(&SendPreview::Empty, |cache| &cache.preview)
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
            Err(error) => self.refuse_send(error.message(self.language)),
        }
    }

    /// Checks quick command `index` and where it goes; on success what to send.
    pub fn prepare_quick(&mut self, index: usize) -> Option<(SendTarget, Vec<u8>)> {
        let command = self.quick_commands.get(index)?.clone();
        let target = self.prepare_target()?;
        match build_payload(&command.text, &command.format) {
            Ok(bytes) => Some((target, bytes)),
            Err(error) => self.refuse_send(format!(
                "{}: {}",
                command.name,
                error.message(self.language)
            )),
        }
    }

    /// Checks what a cycle send would send and where: the send box, or with
    /// [`AppState::cycle_quick`] every quick command in turn (each read with its own format).
    /// On failure a message says why (naming a quick command that cannot be read) and nothing
    /// starts.
    pub fn prepare_cycle(&mut self) -> Option<(SendTarget, Vec<bytes::Bytes>)> {
        if !self.cycle_quick {
            let (target, bytes) = self.prepare_send()?;
            return Some((target, vec![bytes.into()]));
        }
        if self.quick_commands.is_empty() {
            return self.refuse_send(self.texts().no_quick_commands.to_owned());
        }
        let target = self.prepare_target()?;
        let mut payloads = Vec::with_capacity(self.quick_commands.len());
        for command in &self.quick_commands {
            match build_payload(&command.text, &command.format) {
                Ok(bytes) => payloads.push(bytes.into()),
                Err(error) => {
                    let message = format!("{}: {}", command.name, error.message(self.language));
                    return self.refuse_send(message);
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
            (Mode::Udp, Connection::Bound(_)) => Some(SendTarget::Datagram(
                crate::net::Endpoint::new(peer.ip().to_string(), peer.port()),
            )),
            _ => None,
        };
        if reachable.is_none() {
            let message = if self.connection.is_open() {
                self.texts()
                    .peer_not_connected
                    .replace("{peer}", &peer.to_string())
            } else {
                self.texts().not_open.to_owned()
            };
            return self.refuse_send(message);
        }
        self.status = None;
        reachable
    }

    /// Empties the send box (清除输入); a refusal of what it held goes too.
    pub fn clear_send_box(&mut self) {
        self.send_text.clear();
        if let Some(refusal) = self.errors.send.take()
            && self
                .status
                .as_ref()
                .is_some_and(|status| status.text == refusal)
        {
            self.status = None;
        }
    }

    /// Puts the send box at the front of the history (once; the oldest fall off).
    fn remember_send(&mut self) {
        let entry = crate::settings::HistoryEntry {
            text: self.send_text.clone(),
            format: self.send_format,
        };
        super::put_first(&mut self.history, entry, crate::settings::HISTORY_LIMIT);
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

    /// Says how writing the quick commands to `path` went.
    pub fn quick_exported(
        &mut self,
        path: &std::path::Path,
        outcome: Result<(), crate::quick_file::QuickFileError>,
    ) {
        match outcome {
            Ok(()) => {
                let message = self
                    .texts()
                    .quick_exported
                    .replace("{n}", &self.quick_commands.len().to_string())
                    .replace("{path}", &path.display().to_string());
                self.set_info(message);
            }
            Err(error) => self.set_error(error.message(self.language)),
        }
    }

    /// Adds the quick commands read from `path` after the ones there (a command already there
    /// is not added twice), saying how it went; a file that could not be read changes nothing.
    pub fn quick_imported(
        &mut self,
        path: &std::path::Path,
        outcome: Result<Vec<crate::settings::QuickCommand>, crate::quick_file::QuickFileError>,
    ) {
        match outcome {
            Ok(commands) => {
                let (mut added, mut same) = (0, 0);
                for command in commands {
                    if self.quick_commands.contains(&command) {
                        same += 1;
                    } else {
                        self.quick_commands.push(command);
                        added += 1;
                    }
                }
                let message = self
                    .texts()
                    .quick_imported
                    .replace("{n}", &added.to_string())
                    .replace("{same}", &same.to_string())
                    .replace("{path}", &path.display().to_string());
                self.set_info(message);
            }
            Err(error) => self.set_error(error.message(self.language)),
        }
    }

    /// Deletes quick command `index`.
    pub fn delete_quick(&mut self, index: usize) {
        if index < self.quick_commands.len() {
            self.quick_commands.remove(index);
            self.quick_editing = None;
        }
    }

    /// Whether a send has somewhere to go: a connection, a bound socket, or a server with at
    /// least one client.
    pub fn has_receiver(&self) -> bool {
        self.no_receiver().is_none()
    }

    /// Why a send has nowhere to go, if it has not: nothing open, not connected yet, or a
    /// server without clients.
    fn no_receiver(&self) -> Option<&'static str> {
        let t = self.texts();
        match self.connection {
            Connection::Closed => Some(t.not_open),
            Connection::Opening | Connection::Connecting(_) | Connection::Reconnecting { .. } => {
                Some(t.not_connected)
            }
            Connection::Listening(_) | Connection::Serving(_) if self.clients.is_empty() => {
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
            packet_size: self.file_packet_size,
            interval: std::time::Duration::from_millis(self.file_interval_ms),
        }
    }

    /// Checks that something is open and where a send goes; on failure a message beside the
    /// send box (or the target field).
    pub fn prepare_target(&mut self) -> Option<SendTarget> {
        let t = self.texts();
        self.errors.send = None;
        self.errors.target = None;
        if let Some(reason) = self.no_receiver() {
            return self.refuse_send(reason.to_owned());
        }
        let target = match self.mode {
            Mode::TcpClient => SendTarget::Connected,
            Mode::TcpServer => match self.server_target {
                ServerTarget::All => SendTarget::AllClients,
                ServerTarget::One(peer) => SendTarget::Client(peer),
            },
            Mode::Udp if self.reply_to_last => SendTarget::LastSender,
            Mode::Udp => match parse_target(&self.udp_target) {
                Ok(endpoint) => {
                    self.remember_remote(endpoint.to_string());
                    SendTarget::Datagram(endpoint)
                }
                Err(error) => {
                    let message = if self.udp_target.trim().is_empty() {
                        t.empty_target.to_owned()
                    } else {
                        error.message(self.language)
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

    /// Shows why a send was refused, beside the send box and in the status bar.
    pub fn refuse_send<T>(&mut self, message: String) -> Option<T> {
        self.errors.send = Some(message.clone());
        self.set_error(message);
        None
    }
}

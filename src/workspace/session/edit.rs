//! What a panel asks to change in one session. Panels draw a `&SessionState` and return
//! [`Edit`]s; [`SessionState::edit`] applies each with the rules that go with it (a new receive
//! encoding re-reads the delimiter, a new send mode rewrites the send box, a field with a
//! message is checked again), so no panel needs to know them.

use std::time::Duration;

use super::{
    AutoReplySettings, ClientOptions, CycleOptions, DisplayOptions, FileOptions, Mode,
    SessionState, SplitBy, SplitOptions, Targets, TlsSettings,
};
use crate::codec::{Checksum, ChecksumSpan, InputMode, SendFormat, TextEncoding};

/// A change to one session's settings, fields or view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// The protocol to open.
    Mode(Mode),
    /// The address field.
    Address(String),
    /// The port field.
    Port(String),
    /// UDP: the multicast group field.
    MulticastGroup(String),
    /// The relay's upstream server field.
    Upstream(String),
    /// A UDP relay's impairments.
    Impairments(crate::net::Impairments),
    /// Fill the remote address (TCP client) or the UDP target from a Recent entry.
    UseRecent(String),
    /// A TCP client's connection options.
    Client(ClientOptions),
    /// The TLS settings.
    Tls(TlsSettings),
    /// What the send box holds, as typed.
    SendText(String),
    /// Empty the send box.
    ClearSendBox,
    /// Put this text, read as this format, in the send box.
    LoadSendBox(String, SendFormat),
    /// How the send box becomes bytes.
    SendFormat(SendFormat),
    /// Empty the send box after each send.
    ClearAfterSend(bool),
    /// Where a send goes.
    Targets(Targets),
    /// Echo, the reply delay, the rules' switches and the rule editor's fields.
    AutoReply(AutoReplySettings),
    /// Add a rule from the rule editor.
    AddReplyRule,
    /// Delete this rule.
    DeleteReplyRule(usize),
    /// How a cycle send repeats.
    Cycle(CycleOptions),
    /// How Send file paces a file.
    Pacing(FileOptions),
    /// Save-to-file writes the log's text rather than the raw bytes.
    CaptureAsText(bool),
    /// What the log shows and how it scrolls.
    Display(DisplayOptions),
    /// How TCP reads are split into messages.
    Split(SplitOptions),
    /// How the log reads and keeps what arrives.
    Log(LogEdit),
    /// What Find looks for, as typed.
    FindQuery(String),
    /// Move Find to the next match.
    FindNext,
    /// End the Find (Escape).
    EndFind,
    /// Zero the counters.
    ResetCounters,
}

/// A change to how the log reads, shows and keeps entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogEdit {
    /// Text or hex.
    View(InputMode),
    /// Log mode: a header row per entry and lifecycle lines.
    Headers(bool),
    /// Characters per text row (the log's width with auto line break).
    Columns(usize),
    /// The encoding received data is decoded with.
    Encoding(TextEncoding),
    /// Show control characters as escapes.
    Escapes(bool),
    /// The memory budget, in bytes.
    Budget(usize),
    /// Which checksum received messages end with, and what it covers.
    Check(Checksum, ChecksumSpan),
    /// Merge TCP reads that follow within this gap (none: no merging).
    MergeGap(Option<Duration>),
    /// Empty the log.
    Clear,
}

impl SessionState {
    /// Applies `edit` with the rules that go with it.
    pub fn edit(&mut self, edit: Edit) {
        match edit {
            Edit::Mode(mode) => {
                self.mode = mode;
                self.recheck_fields();
                self.sync_log_filter();
            }
            Edit::Address(address) => {
                self.address = address;
                self.recheck_fields();
            }
            Edit::Port(port) => {
                self.port = port;
                self.recheck_fields();
            }
            Edit::MulticastGroup(group) => {
                self.multicast_group = group;
                self.recheck_fields();
            }
            Edit::Upstream(upstream) => {
                self.upstream = upstream;
                self.recheck_fields();
            }
            Edit::Impairments(impairments) => self.impairments = impairments,
            Edit::UseRecent(remote) => {
                self.use_recent(&remote);
                self.recheck_fields();
            }
            Edit::Client(options) => self.client = options,
            Edit::Tls(tls) => {
                self.tls = tls;
                if self.tls.server().is_ok() {
                    self.errors.tls_files = None;
                }
            }
            Edit::SendText(text) => {
                self.send.text = text;
                self.recheck_send_box();
            }
            Edit::ClearSendBox => self.clear_send_box(),
            Edit::LoadSendBox(text, format) => {
                self.load_send_box(&text, format);
                self.recheck_send_box();
            }
            Edit::SendFormat(format) => {
                self.set_send_mode(format.mode);
                self.send.format = format;
                self.recheck_send_box();
            }
            Edit::ClearAfterSend(clear) => self.send.clear_after_send = clear,
            Edit::Targets(targets) => {
                self.target = targets;
                self.recheck_fields();
                self.sync_log_filter();
            }
            Edit::AutoReply(settings) => {
                self.auto_reply = settings;
                self.recheck_reply_editor();
            }
            Edit::AddReplyRule => self.add_reply_rule(),
            Edit::DeleteReplyRule(index) => self.delete_reply_rule(index),
            Edit::Cycle(options) => self.cycle = options,
            Edit::Pacing(options) => self.pacing = options,
            Edit::CaptureAsText(as_text) => self.capture_as_text = as_text,
            Edit::Display(display) => self.display = display,
            Edit::Split(split) => self.set_split(split),
            Edit::Log(edit) => self.edit_log(edit),
            Edit::FindQuery(query) => {
                self.find.query = query;
                self.find_edited();
            }
            Edit::FindNext => self.find_next(),
            Edit::EndFind => self.end_find(),
            Edit::ResetCounters => self.reset_counters(),
        }
    }

    /// Takes a new way of splitting; choosing a delimiter for the first time starts it at
    /// CRLF, the line ending a device sends most.
    fn set_split(&mut self, mut split: SplitOptions) {
        if split.by == SplitBy::Delimiter
            && self.split.by != SplitBy::Delimiter
            && split.delimiter.is_empty()
        {
            r"\r\n".clone_into(&mut split.delimiter);
        }
        self.split = split;
        self.apply_split();
    }

    fn edit_log(&mut self, edit: LogEdit) {
        let log = &mut self.log;
        let layout = log.store().layout();
        match edit {
            LogEdit::View(view) => log
                .store_mut()
                .set_layout(crate::log::RowLayout { view, ..layout }),
            LogEdit::Headers(headers) => log
                .store_mut()
                .set_layout(crate::log::RowLayout { headers, ..layout }),
            LogEdit::Columns(columns) => log
                .store_mut()
                .set_layout(crate::log::RowLayout { columns, ..layout }),
            LogEdit::Encoding(encoding) => {
                if encoding != log.encoding() {
                    log.set_encoding(encoding);
                    // The delimiter is text in the receive encoding.
                    self.apply_split();
                }
            }
            LogEdit::Escapes(escapes) => log.set_escapes(escapes),
            LogEdit::Budget(bytes) => log.store_mut().set_budget(bytes),
            LogEdit::Check(kind, span) => {
                log.set_check_kind(kind);
                log.set_check_span(span);
            }
            LogEdit::MergeGap(gap) => log.set_merge_gap(gap),
            LogEdit::Clear => log.clear(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Framing, InputMode};
    use crate::i18n::Language;
    use crate::workspace::ServerTarget;

    #[test]
    fn choosing_a_delimiter_starts_it_at_crlf_and_a_new_encoding_reads_it_again() {
        let mut state = SessionState::default();
        let split = SplitOptions {
            by: SplitBy::Delimiter,
            ..state.split.clone()
        };
        state.edit(Edit::Split(split));
        assert_eq!(state.split.delimiter, r"\r\n");
        assert_eq!(
            state.log.framing(),
            Some(&Framing::Delimiter(b"\r\n".to_vec().into()))
        );
        let split = SplitOptions {
            delimiter: "。".to_owned(),
            ..state.split.clone()
        };
        state.edit(Edit::Split(split));
        let utf8 = "。".as_bytes().to_vec();
        assert_eq!(state.log.framing(), Some(&Framing::Delimiter(utf8.into())));
        state.edit(Edit::Log(LogEdit::Encoding(TextEncoding::Gbk)));
        assert_eq!(
            state.log.framing(),
            Some(&Framing::Delimiter(vec![0xA1, 0xA3].into())),
            "the delimiter is the same character in the new encoding"
        );
    }

    #[test]
    fn a_new_send_mode_rewrites_the_send_box_to_the_same_bytes() {
        let mut state = SessionState::default();
        state.edit(Edit::SendText("AT".to_owned()));
        let hex = SendFormat {
            mode: InputMode::Hex,
            ..state.send.format
        };
        state.edit(Edit::SendFormat(hex));
        assert_eq!(state.send.text, "41 54");
        assert_eq!(state.send.format, hex);
    }

    #[test]
    fn a_field_with_a_message_is_checked_again_as_it_is_edited() {
        let mut state = SessionState::default();
        state.edit(Edit::Port("99999".to_owned()));
        assert!(state.prepare_open().is_none());
        let said = state.errors.port.clone().unwrap();
        let [chinese, english] = [Language::Chinese, Language::English].map(|l| said.get(l));
        assert!(
            english.contains("99999") && chinese != english,
            "{chinese} / {english}"
        );
        state.edit(Edit::Port("9000".to_owned()));
        assert_eq!(
            state.errors.port, None,
            "the message goes once the port is right"
        );
    }

    #[test]
    fn showing_one_client_only_limits_the_log_at_once() {
        let mut state = SessionState::default();
        let peer = "127.0.0.1:5000".parse().unwrap();
        state.edit(Edit::Targets(Targets {
            server: ServerTarget::One(peer),
            show_selected_only: true,
            ..Targets::default()
        }));
        assert_eq!(state.log.store().show_only(), Some(peer));
        state.edit(Edit::Mode(Mode::Udp));
        assert_eq!(
            state.log.store().show_only(),
            None,
            "only a server's log is limited"
        );
    }

    #[test]
    fn the_log_view_keeps_its_width_apart_from_the_view_chosen() {
        let mut state = SessionState::default();
        state.edit(Edit::Log(LogEdit::View(InputMode::Hex)));
        state.edit(Edit::Log(LogEdit::Columns(40)));
        let layout = state.log.store().layout();
        assert_eq!((layout.view, layout.columns), (InputMode::Hex, 40));
    }

    #[test]
    fn a_refused_send_box_or_rule_loses_its_message_once_it_reads() {
        let mut state = SessionState::new(Language::English);
        let hex = SendFormat {
            mode: InputMode::Hex,
            ..state.send.format
        };
        state.edit(Edit::SendFormat(hex));
        state.edit(Edit::SendText("01 0G".to_owned()));
        assert!(state.prepare_send().is_none());
        let english = |said: &Option<crate::i18n::Said>| {
            said.as_ref()
                .map(|said| said.get(Language::English).to_owned())
        };
        // Nothing is open, so the first refusal is that; typing says what is wrong with the
        // box itself, and once it reads, that nothing is open again.
        let not_open = |state: &SessionState| {
            english(&state.errors.send).is_some_and(|e| e.starts_with("Not open"))
        };
        assert!(not_open(&state));
        state.edit(Edit::SendText("01 0H".to_owned()));
        let said = english(&state.errors.send);
        assert!(
            said.as_ref().is_some_and(|e| e.contains("position 5")),
            "{said:?}"
        );
        state.edit(Edit::SendText("01 02".to_owned()));
        assert!(not_open(&state));

        let editor = |pattern: &str| AutoReplySettings {
            pattern: pattern.to_owned(),
            reply: "02".to_owned(),
            ..AutoReplySettings::default()
        };
        state.edit(Edit::AutoReply(editor("0G")));
        state.edit(Edit::AddReplyRule);
        assert!(state.errors.auto_reply.is_some());
        let still_wrong = editor("0X");
        state.edit(Edit::AutoReply(still_wrong));
        assert!(state.errors.auto_reply.is_some());
        let right = editor("01");
        state.edit(Edit::AutoReply(right));
        assert_eq!(state.errors.auto_reply, None);
        assert!(state.auto_reply.rules.is_empty(), "nothing added until Add");
    }
}

//! What the window remembers between runs: mode, addresses, every toggle, quick commands,
//! history and language (eframe keeps the window size). Stored as RON in eframe's storage; a
//! file that cannot be read falls back to defaults with a message, never a crash.

use serde::{Deserialize, Serialize};

use crate::codec::{Checksum, ChecksumSpan, InputMode, LengthField, SendFormat, TextEncoding};
use crate::i18n::Language;
use crate::state::{AppState, DisplayOptions, Mode, SplitBy, SplitOptions, TlsSettings};

/// The key under which the settings are stored.
pub const STORAGE_KEY: &str = "netdebug.settings";

/// The settings layout this build writes; older ones load with defaults for what they lack.
/// 2: *Split messages* became a choice of ways (layout 1 split at `split_at` when it was set).
const VERSION: u32 = 2;

/// The connect timeouts a person may choose, in milliseconds: 0.1 s to 10 minutes.
pub const CONNECT_TIMEOUT_MS: std::ops::RangeInclusive<u64> = 100..=600_000;

/// The waits before an auto reconnect a person may choose, in milliseconds.
pub const RECONNECT_MS: std::ops::RangeInclusive<u64> = 100..=600_000;

/// Most sends kept in the history.
pub const HISTORY_LIMIT: usize = 50;

/// The auto reply delays a person may choose, in milliseconds (0: at once).
pub const REPLY_DELAY_MS: std::ops::RangeInclusive<u64> = 0..=60_000;

/// The merge gaps for TCP reads a person may choose, in milliseconds (0: no merging).
pub const MERGE_READS_MS: std::ops::RangeInclusive<u64> = 0..=10_000;

/// The pauses between a file's packets a person may choose, in milliseconds (0: none).
pub const FILE_INTERVAL_MS: std::ops::RangeInclusive<u64> = 0..=60_000;

/// The sizes of fixed-size messages a person may choose, in bytes.
pub const SPLIT_FIXED_BYTES: std::ops::RangeInclusive<usize> = 1..=65_536;

/// Remote endpoints remembered for the Recent lists.
pub const RECENT_LIMIT: usize = 10;

/// A named payload that one click sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuickCommand {
    /// What the button says.
    pub name: String,
    /// The payload as typed (text or hex).
    pub text: String,
    /// How it becomes bytes.
    pub format: SendFormat,
}

/// An auto reply rule as typed: when `pattern` arrives, answer `reply`, both read with
/// `format` (the pattern without the checksum and line ending).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoReplyRule {
    /// Whether the rule answers.
    pub enabled: bool,
    /// What to look for in each read or datagram (empty: everything).
    pub pattern: String,
    /// What to send back.
    pub reply: String,
    /// How both become bytes.
    pub format: SendFormat,
}

/// One earlier send, to recall into the send box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The send box as it was.
    pub text: String,
    /// How it was read.
    pub format: SendFormat,
}

/// Everything remembered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs, clippy::struct_excessive_bools)] // one field per setting, as stored
pub struct Settings {
    pub version: u32,
    pub chinese: bool,
    pub mode: Mode,
    pub address: String,
    pub port: String,
    pub udp_target: String,
    pub reply_to_last: bool,
    pub multicast_group: String,
    pub send_format: SendFormat,
    pub clear_after_send: bool,
    pub hex_view: bool,
    pub decode_gbk: bool,
    pub show_escapes: bool,
    pub log_mode: bool,
    pub autoscroll: bool,
    pub auto_wrap: bool,
    pub rate_graph: bool,
    pub paused: bool,
    pub hide_received: bool,
    pub hide_sent: bool,
    pub log_limit_mb: usize,
    pub merge_reads_ms: u64,
    pub split_by: SplitBy,
    pub split_at: String,
    pub split_length: LengthField,
    pub split_fixed: usize,
    pub split_start: String,
    pub check_received: Checksum,
    pub check_span: ChecksumSpan,
    pub cycle_period_ms: u64,
    pub cycle_quick: bool,
    pub cycle_times: u64,
    pub file_packet_size: usize,
    pub file_interval_ms: u64,
    pub connect_timeout_ms: u64,
    pub auto_reconnect: bool,
    pub client_local_port: u16,
    pub reconnect_ms: u64,
    pub tls: TlsSettings,
    pub capture_as_text: bool,
    pub quick_commands: Vec<QuickCommand>,
    pub history: Vec<HistoryEntry>,
    pub recent_remotes: Vec<String>,
    pub echo: bool,
    pub reply_delay_ms: u64,
    pub show_selected_only: bool,
    pub reply_rules: Vec<AutoReplyRule>,
}

impl Default for Settings {
    fn default() -> Self {
        Self::from_state(&AppState::default())
    }
}

impl Settings {
    /// What `state` would remember.
    pub fn from_state(state: &AppState) -> Self {
        let layout = state.log.layout();
        Self {
            version: VERSION,
            chinese: state.language == Language::Chinese,
            mode: state.mode,
            address: state.address.clone(),
            port: state.port.clone(),
            udp_target: state.udp_target.clone(),
            reply_to_last: state.reply_to_last,
            multicast_group: state.multicast_group.clone(),
            send_format: state.send_format,
            clear_after_send: state.clear_after_send,
            hex_view: layout.view == InputMode::Hex,
            decode_gbk: state.log.encoding() == TextEncoding::Gbk,
            show_escapes: state.log.escapes(),
            log_mode: layout.headers,
            autoscroll: state.display.autoscroll,
            auto_wrap: state.display.auto_wrap,
            rate_graph: state.display.rate_graph,
            paused: state.display.paused,
            hide_received: state.display.hide_received,
            hide_sent: state.display.hide_sent,
            log_limit_mb: state.log.budget() >> 20,
            merge_reads_ms: merge_ms(state.log.merge_gap()),
            split_by: state.split.by,
            split_at: state.split.delimiter.clone(),
            split_length: state.split.length,
            split_fixed: state.split.fixed,
            split_start: state.split.frame_start.clone(),
            check_received: state.log.check_kind(),
            check_span: state.log.check_span(),
            cycle_period_ms: state.cycle_period_ms,
            cycle_quick: state.cycle_quick,
            cycle_times: state.cycle_times,
            file_packet_size: state.file_packet_size,
            file_interval_ms: state.file_interval_ms,
            connect_timeout_ms: state.connect_timeout_ms,
            auto_reconnect: state.auto_reconnect,
            client_local_port: state.client_local_port,
            tls: state.tls.clone(),
            reconnect_ms: state.reconnect_ms,
            capture_as_text: state.capture_as_text,
            quick_commands: state.quick_commands.clone(),
            history: state.history.clone(),
            recent_remotes: state.recent_remotes.clone(),
            echo: state.echo,
            reply_delay_ms: state.reply_delay_ms,
            show_selected_only: state.show_selected_only,
            reply_rules: state.reply_rules.clone(),
        }
    }

    /// Puts the remembered settings into `state`.
    pub fn apply(&self, state: &mut AppState) {
        state.language = if self.chinese {
            Language::Chinese
        } else {
            Language::English
        };
        state.mode = self.mode;
        state.address.clone_from(&self.address);
        state.port.clone_from(&self.port);
        state.udp_target.clone_from(&self.udp_target);
        state.reply_to_last = self.reply_to_last;
        state.multicast_group.clone_from(&self.multicast_group);
        state.send_format = self.send_format;
        state.clear_after_send = self.clear_after_send;
        state.log.set_encoding(if self.decode_gbk {
            TextEncoding::Gbk
        } else {
            TextEncoding::Utf8
        });
        state.log.set_escapes(self.show_escapes);
        state.log.set_layout(crate::log::RowLayout {
            view: if self.hex_view {
                InputMode::Hex
            } else {
                InputMode::Text
            },
            headers: self.log_mode,
            ..state.log.layout()
        });
        state.display = DisplayOptions {
            autoscroll: self.autoscroll,
            auto_wrap: self.auto_wrap,
            rate_graph: self.rate_graph,
            paused: self.paused,
            hide_received: self.hide_received,
            hide_sent: self.hide_sent,
        };
        state
            .log
            .set_budget(self.log_limit_mb.clamp(1, 65_536) << 20);
        state.log.set_merge_gap(merge_gap(self.merge_reads_ms));
        // After the encoding, which the delimiter is encoded in.
        state.split = SplitOptions {
            by: if self.version < 2 && !self.split_at.is_empty() {
                SplitBy::Delimiter
            } else {
                self.split_by
            },
            delimiter: self.split_at.clone(),
            length: LengthField {
                offset: self.split_length.offset.min(LengthField::MAX_OFFSET),
                ..self.split_length
            },
            fixed: self
                .split_fixed
                .clamp(*SPLIT_FIXED_BYTES.start(), *SPLIT_FIXED_BYTES.end()),
            frame_start: self.split_start.clone(),
        };
        state.apply_split();
        state.log.set_check_kind(self.check_received);
        state.log.set_check_span(self.check_span);
        state.cycle_period_ms = self.cycle_period_ms.max(1);
        state.cycle_quick = self.cycle_quick;
        state.cycle_times = self.cycle_times;
        state.file_packet_size = self.file_packet_size.min(crate::net::MAX_FILE_PACKET);
        state.file_interval_ms = self.file_interval_ms.min(*FILE_INTERVAL_MS.end());
        state.connect_timeout_ms = self
            .connect_timeout_ms
            .clamp(*CONNECT_TIMEOUT_MS.start(), *CONNECT_TIMEOUT_MS.end());
        state.auto_reconnect = self.auto_reconnect;
        state.client_local_port = self.client_local_port;
        state.tls = self.tls.clone();
        state.reconnect_ms = self
            .reconnect_ms
            .clamp(*RECONNECT_MS.start(), *RECONNECT_MS.end());
        state.capture_as_text = self.capture_as_text;
        state.quick_commands.clone_from(&self.quick_commands);
        state.history = self.history.iter().take(HISTORY_LIMIT).cloned().collect();
        state.recent_remotes = self
            .recent_remotes
            .iter()
            .take(RECENT_LIMIT)
            .cloned()
            .collect();
        state.echo = self.echo;
        state.show_selected_only = self.show_selected_only;
        state.reply_delay_ms = self
            .reply_delay_ms
            .clamp(*REPLY_DELAY_MS.start(), *REPLY_DELAY_MS.end());
        state.reply_rules.clone_from(&self.reply_rules);
    }

    /// The settings as stored text.
    pub fn to_text(&self) -> String {
        ron::ser::to_string(self).unwrap_or_default()
    }

    /// Reads stored text. Nothing stored gives defaults quietly; text that cannot be read (or
    /// was written by a newer NetDebug) gives defaults and the reason, for the status bar.
    pub fn from_text(text: Option<&str>) -> (Option<Self>, Option<String>) {
        let Some(text) = text else {
            return (None, None);
        };
        match ron::from_str::<Self>(text) {
            Ok(settings) if settings.version <= VERSION => (Some(settings), None),
            Ok(settings) => (
                None,
                Some(format!(
                    "saved settings are from a newer NetDebug (layout {}); defaults are used",
                    settings.version
                )),
            ),
            Err(error) => (
                None,
                Some(format!(
                    "saved settings could not be read ({error}); defaults are used"
                )),
            ),
        }
    }
}

/// Whole milliseconds in `duration`, saturating.
pub fn duration_ms(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The milliseconds the merge field shows for `gap` (0: no merging); [`merge_gap`] backwards.
pub fn merge_ms(gap: Option<std::time::Duration>) -> u64 {
    gap.map_or(0, duration_ms)
}

/// The merge gap for `ms` milliseconds (within [`MERGE_READS_MS`]); 0 is no merging.
pub fn merge_gap(ms: u64) -> Option<std::time::Duration> {
    let ms = ms.clamp(*MERGE_READS_MS.start(), *MERGE_READS_MS.end());
    (ms > 0).then(|| std::time::Duration::from_millis(ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Checksum, LineEnding};

    fn customised() -> AppState {
        let mut state = AppState::new(Language::Chinese);
        state.mode = Mode::Udp;
        state.address = "::".to_owned();
        state.port = "9000".to_owned();
        state.udp_target = "[::1]:9001".to_owned();
        state.reply_to_last = true;
        state.multicast_group = "239.1.2.3".to_owned();
        state.send_format = SendFormat {
            mode: InputMode::Hex,
            encoding: TextEncoding::Gbk,
            escapes: true,
            checksum: Checksum::Crc16Modbus,
            checksum_span: ChecksumSpan { from: 2, tail: 1 },
            line_ending: LineEnding::CrLf,
        };
        state.log.set_view(InputMode::Hex);
        state.log.set_encoding(TextEncoding::Gbk);
        state.log.set_escapes(true);
        state.log.set_budget(8 << 20);
        state.log.set_merge_gap(merge_gap(120));
        state.split.by = SplitBy::Delimiter;
        state.split.delimiter = r"\r\n".to_owned();
        state.split.length = "7:u32le:-3".parse().unwrap();
        state.split.fixed = 12;
        state.split.frame_start = "AA 55".to_owned();
        state.apply_split();
        state.log.set_check_kind(Checksum::Crc32);
        state.log.set_check_span(ChecksumSpan { from: 6, tail: 2 });
        state.display.autoscroll = false;
        state.display.hide_received = true;
        state.display.hide_sent = true;
        state.display.rate_graph = true;
        state.cycle_period_ms = 250;
        state.cycle_quick = true;
        state.cycle_times = 100;
        state.file_packet_size = 256;
        state.file_interval_ms = 20;
        state.clear_after_send = true;
        state.connect_timeout_ms = 1500;
        state.auto_reconnect = true;
        state.reconnect_ms = 250;
        state.client_local_port = 50_123;
        state.tls = TlsSettings {
            enabled: true,
            verify: false,
            certificate: "/etc/device/cert.pem".to_owned(),
            key: "/etc/device/key.pem".to_owned(),
        };
        state.capture_as_text = true;
        state.send_text = "01 03".to_owned();
        state.quick_name = "read".to_owned();
        state.save_quick();
        state.history.push(HistoryEntry {
            text: "AT".to_owned(),
            format: SendFormat::default(),
        });
        state.recent_remotes = vec!["[::1]:9001".to_owned(), "device.local:502".to_owned()];
        state.echo = true;
        state.reply_delay_ms = 250;
        state.show_selected_only = true;
        state.reply_pattern = "PING".to_owned();
        state.reply_text = "PONG".to_owned();
        state.send_format.mode = InputMode::Text;
        state.add_reply_rule();
        state.send_format.mode = InputMode::Hex;
        state
    }

    #[test]
    fn settings_round_trip_through_text() {
        let saved = Settings::from_state(&customised());
        let (loaded, problem) = Settings::from_text(Some(&saved.to_text()));
        assert_eq!(problem, None);
        let mut restored = AppState::new(Language::English);
        loaded.unwrap().apply(&mut restored);
        assert_eq!(Settings::from_state(&restored), saved);
        assert_eq!(restored.quick_commands[0].name, "read");
        assert_eq!(restored.recent_remotes, ["[::1]:9001", "device.local:502"]);
        assert_eq!(restored.mode, Mode::Udp);
        assert_eq!(restored.language, Language::Chinese);
        assert_eq!(
            restored.log.framing(),
            Some(&crate::codec::Framing::Delimiter(
                bytes::Bytes::from_static(b"\r\n")
            ))
        );
    }

    #[test]
    fn corrupt_or_newer_settings_fall_back_to_defaults_with_a_message() {
        let (settings, problem) = Settings::from_text(Some("(version: 1, port: 12"));
        assert!(settings.is_none());
        assert!(
            problem
                .unwrap()
                .contains("saved settings could not be read")
        );

        let (settings, problem) = Settings::from_text(Some("not ron at all {{{"));
        assert!(settings.is_none() && problem.is_some());

        let newer = Settings {
            version: VERSION + 1,
            ..Settings::default()
        };
        let (settings, problem) = Settings::from_text(Some(&newer.to_text()));
        assert!(settings.is_none());
        assert!(problem.unwrap().contains("newer NetDebug"));

        // An older file without today's fields loads, with defaults for what it lacks.
        let (settings, problem) = Settings::from_text(Some("(version: 1, port: \"502\")"));
        assert_eq!(problem, None);
        assert_eq!(settings.unwrap().port, "502");
        // Layout 1 split at its delimiter whenever one was typed; it still does.
        let (settings, _) = Settings::from_text(Some(r#"(version: 1, split_at: "\n")"#));
        let mut state = AppState::default();
        settings.unwrap().apply(&mut state);
        assert_eq!(state.split.by, SplitBy::Delimiter);
        assert_eq!(
            state.log.framing(),
            Some(&crate::codec::Framing::Delimiter(
                bytes::Bytes::from_static(b"\n")
            ))
        );

        // A send format saved before checksums had a span keeps its checksum, over everything.
        let (settings, problem) = Settings::from_text(Some(
            "(version: 2, send_format: (mode: Hex, encoding: Gbk, escapes: false, \
             checksum: Sum8, line_ending: CrLf))",
        ));
        assert_eq!(problem, None);
        let format = settings.unwrap().send_format;
        assert_eq!(format.checksum, Checksum::Sum8);
        assert_eq!(format.checksum_span, ChecksumSpan::default());

        assert_eq!(Settings::from_text(None), (None, None));
    }

    proptest::proptest! {
        /// A settings file damaged anywhere (cut short, a character changed) either loads and
        /// applies, or falls back with a message: never a panic.
        #[test]
        fn a_damaged_settings_file_never_panics(
            cut in 0usize..2000,
            at in 0usize..2000,
            replacement in proptest::char::any(),
        ) {
            let text = Settings::from_state(&customised()).to_text();
            let mut damaged: Vec<char> = text.chars().collect();
            if let Some(c) = damaged.get_mut(at % text.len()) {
                *c = replacement;
            }
            damaged.truncate(cut.max(1));
            let damaged: String = damaged.into_iter().collect();
            let (settings, problem) = Settings::from_text(Some(&damaged));
            proptest::prop_assert!(settings.is_some() != problem.is_some());
            if let Some(settings) = settings {
                let mut state = AppState::default();
                settings.apply(&mut state);
                proptest::prop_assert!(state.cycle_period_ms >= 1);
            }
        }
    }

    #[test]
    fn the_app_starts_from_defaults_and_says_so_when_settings_are_corrupt() {
        let state = crate::app::restored_state(Some("garbage"));
        let status = state.status.expect("a message");
        assert!(status.is_error && status.text.contains("defaults are used"));
        assert_eq!(state.port, AppState::default().port);
    }

    #[test]
    fn history_keeps_the_last_fifty_once_each_newest_first() {
        let mut state = AppState::default();
        state.connection = crate::state::Connection::Listening(([127, 0, 0, 1], 1).into());
        state.clients.insert(([127, 0, 0, 1], 2).into());
        for i in 0..60 {
            state.send_text = format!("cmd {i}");
            assert!(state.prepare_send().is_some());
        }
        state.send_text = "cmd 55".to_owned();
        assert!(state.prepare_send().is_some());
        assert_eq!(state.history.len(), HISTORY_LIMIT);
        assert_eq!(state.history[0].text, "cmd 55");
        assert_eq!(state.history[1].text, "cmd 59");
        assert_eq!(
            state.history.iter().filter(|e| e.text == "cmd 55").count(),
            1
        );
        state.recall(1);
        assert_eq!(state.send_text, "cmd 59");
    }
}

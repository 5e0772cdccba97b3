//! What a session remembers (mode, addresses, every toggle) and what the app remembers for all
//! of them (language, quick commands, history, Recent), as RON. A workspace file
//! ([`crate::workspace_file`]) holds one of the first per session and one of the second; the
//! single-session layouts 1 and 2 held both in one record, which these still read.

use serde::{Deserialize, Serialize};

use crate::codec::{Checksum, ChecksumSpan, InputMode, LengthField, SendFormat, TextEncoding};
use crate::i18n::Language;
use crate::workspace::{
    AutoReplyRule, CONNECT_TIMEOUT_MS, DisplayOptions, FILE_INTERVAL_MS, HISTORY_LIMIT,
    HistoryEntry, Mode, QuickCommand, RECENT_LIMIT, RECONNECT_MS, RELAY_IDLE_MS, REPLY_DELAY_MS,
    SPLIT_FIXED_BYTES, SessionState, Shared, SplitBy, SplitOptions, TlsSettings, merge_gap,
    merge_ms,
};

/// The settings layout this build writes; older ones load with defaults for what they lack.
/// 2: *Split messages* became a choice of ways (layout 1 split at `split_at` when it was set).
/// 3: a workspace of sessions (see [`crate::workspace_file`]).
pub const VERSION: u32 = 3;

/// What the app remembers for all its sessions.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs)] // one field per setting, as stored
pub struct SharedSettings {
    pub chinese: bool,
    pub quick_commands: Vec<QuickCommand>,
    pub history: Vec<HistoryEntry>,
    pub recent_remotes: Vec<String>,
}

impl SharedSettings {
    /// What `shared` would remember.
    pub fn from_shared(shared: &Shared) -> Self {
        Self {
            chinese: shared.language == Language::Chinese,
            quick_commands: shared.quick_commands.clone(),
            history: shared.history.clone(),
            recent_remotes: shared.recent_remotes.clone(),
        }
    }

    /// The shared state these settings describe (the machine's addresses are the app's to
    /// fill in).
    pub fn to_shared(&self) -> Shared {
        let mut shared = Shared::new(if self.chinese {
            Language::Chinese
        } else {
            Language::English
        });
        shared.quick_commands.clone_from(&self.quick_commands);
        shared.history = self.history.iter().take(HISTORY_LIMIT).cloned().collect();
        shared.recent_remotes = self
            .recent_remotes
            .iter()
            .take(RECENT_LIMIT)
            .cloned()
            .collect();
        shared
    }
}

/// What one session remembers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs, clippy::struct_excessive_bools)] // one field per setting, as stored
pub struct SessionSettings {
    pub version: u32,
    pub mode: Mode,
    pub address: String,
    pub port: String,
    pub udp_target: String,
    pub reply_to_last: bool,
    pub multicast_group: String,
    pub upstream: String,
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
    pub relay_idle_ms: u64,
    pub tls: TlsSettings,
    pub capture_as_text: bool,
    pub echo: bool,
    pub reply_delay_ms: u64,
    pub show_selected_only: bool,
    pub reply_rules: Vec<AutoReplyRule>,
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self::from_state(&SessionState::default())
    }
}

impl SessionSettings {
    /// What `state` would remember.
    pub fn from_state(state: &SessionState) -> Self {
        let layout = state.log.store().layout();
        Self {
            version: VERSION,
            mode: state.mode,
            address: state.address.clone(),
            port: state.port.clone(),
            udp_target: state.target.udp.clone(),
            reply_to_last: state.target.reply_to_last,
            multicast_group: state.multicast_group.clone(),
            upstream: state.upstream.clone(),
            send_format: state.send.format,
            clear_after_send: state.send.clear_after_send,
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
            log_limit_mb: state.log.store().budget() >> 20,
            merge_reads_ms: merge_ms(state.log.merge_gap()),
            split_by: state.split.by,
            split_at: state.split.delimiter.clone(),
            split_length: state.split.length,
            split_fixed: state.split.fixed,
            split_start: state.split.frame_start.clone(),
            check_received: state.log.check_kind(),
            check_span: state.log.check_span(),
            cycle_period_ms: state.cycle.period_ms,
            cycle_quick: state.cycle.quick,
            cycle_times: state.cycle.times,
            file_packet_size: state.pacing.packet_size,
            file_interval_ms: state.pacing.interval_ms,
            connect_timeout_ms: state.client.connect_timeout_ms,
            auto_reconnect: state.client.auto_reconnect,
            client_local_port: state.client.local_port,
            tls: state.tls.clone(),
            reconnect_ms: state.client.reconnect_ms,
            relay_idle_ms: state.client.relay_idle_ms,
            capture_as_text: state.capture_as_text,
            echo: state.auto_reply.echo,
            reply_delay_ms: state.auto_reply.delay_ms,
            show_selected_only: state.target.show_selected_only,
            reply_rules: state.auto_reply.rules.clone(),
        }
    }

    /// Puts the remembered settings into `state`.
    pub fn apply(&self, state: &mut SessionState) {
        state.mode = self.mode;
        state.address.clone_from(&self.address);
        state.port.clone_from(&self.port);
        state.target.udp.clone_from(&self.udp_target);
        state.target.reply_to_last = self.reply_to_last;
        state.multicast_group.clone_from(&self.multicast_group);
        state.upstream.clone_from(&self.upstream);
        state.send.format = self.send_format;
        state.send.clear_after_send = self.clear_after_send;
        state.log.set_encoding(if self.decode_gbk {
            TextEncoding::Gbk
        } else {
            TextEncoding::Utf8
        });
        state.log.set_escapes(self.show_escapes);
        let layout = state.log.store().layout();
        state.log.store_mut().set_layout(crate::log::RowLayout {
            view: if self.hex_view {
                InputMode::Hex
            } else {
                InputMode::Text
            },
            headers: self.log_mode,
            ..layout
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
            .store_mut()
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
        state.cycle.period_ms = self.cycle_period_ms.max(1);
        state.cycle.quick = self.cycle_quick;
        state.cycle.times = self.cycle_times;
        state.pacing.packet_size = self.file_packet_size.min(crate::net::MAX_FILE_PACKET);
        state.pacing.interval_ms = self.file_interval_ms.min(*FILE_INTERVAL_MS.end());
        state.client.connect_timeout_ms = self
            .connect_timeout_ms
            .clamp(*CONNECT_TIMEOUT_MS.start(), *CONNECT_TIMEOUT_MS.end());
        state.client.auto_reconnect = self.auto_reconnect;
        state.client.local_port = self.client_local_port;
        state.tls = self.tls.clone();
        state.client.reconnect_ms = self
            .reconnect_ms
            .clamp(*RECONNECT_MS.start(), *RECONNECT_MS.end());
        state.client.relay_idle_ms = self
            .relay_idle_ms
            .clamp(*RELAY_IDLE_MS.start(), *RELAY_IDLE_MS.end());
        state.capture_as_text = self.capture_as_text;
        state.auto_reply.echo = self.echo;
        state.target.show_selected_only = self.show_selected_only;
        state.auto_reply.delay_ms = self
            .reply_delay_ms
            .clamp(*REPLY_DELAY_MS.start(), *REPLY_DELAY_MS.end());
        state.auto_reply.rules.clone_from(&self.reply_rules);
    }
}

//! The small groups a session's settings come in, each edited as a whole by its panel and
//! given back through [`super::Edit`].

use std::net::SocketAddr;

use super::{AutoReplyRule, ServerTarget};
use crate::codec::SendFormat;
use crate::net::DEFAULT_CONNECT_TIMEOUT;

/// The send box (发送区): what is typed and how it becomes bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SendBox {
    /// What is typed.
    pub text: String,
    /// How it becomes bytes: text or hex, encoding, escapes, checksum, line ending.
    pub format: SendFormat,
    /// Empty the send box once its contents are sent (发送完自动清空).
    pub clear_after_send: bool,
}

/// Where a send goes, besides the connection itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    /// TCP server: who to send to.
    pub server: ServerTarget,
    /// TCP server: the log shows only the selected client's data (只显示该客户端).
    pub show_selected_only: bool,
    /// TCP server: the filter typed in the client selector.
    pub client_filter: String,
    /// UDP: where to send, `host:port`.
    pub udp: String,
    /// UDP: send to whoever sent last instead of `udp`.
    pub reply_to_last: bool,
    /// TCP relay: which side of the pair (or pairs, as `server` says) a send goes to.
    pub relay_way: crate::net::Way,
}

impl Default for Targets {
    fn default() -> Self {
        Self {
            server: ServerTarget::All,
            show_selected_only: false,
            client_filter: String::new(),
            udp: "127.0.0.1:8081".to_owned(),
            reply_to_last: false,
            relay_way: crate::net::Way::ToClient,
        }
    }
}

impl Targets {
    /// The TCP server client the log is limited to, if any.
    pub(super) fn shown_client(&self) -> Option<SocketAddr> {
        match self.server {
            ServerTarget::One(peer) if self.show_selected_only => Some(peer),
            _ => None,
        }
    }
}

/// A TCP client's connection options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientOptions {
    /// How long a connection attempt may take, in milliseconds.
    pub connect_timeout_ms: u64,
    /// The local port to connect from (0: any), for a device that only talks to a known port.
    pub local_port: u16,
    /// Connect again when the connection ends or fails (自动重连).
    pub auto_reconnect: bool,
    /// How long to wait before connecting again, in milliseconds.
    pub reconnect_ms: u64,
    /// A UDP relay forgets a source quiet both ways for this long, in milliseconds.
    pub relay_idle_ms: u64,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout_ms: super::duration_ms(DEFAULT_CONNECT_TIMEOUT),
            local_port: 0,
            auto_reconnect: false,
            relay_idle_ms: 60_000,
            reconnect_ms: 1000,
        }
    }
}

/// How a cycle send (定时发送) repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CycleOptions {
    /// Milliseconds from one send to the next (at least 1).
    pub period_ms: u64,
    /// Stop after this many sends; 0 sends until stopped.
    pub times: u64,
    /// Send the quick commands in turn, not the send box (轮流发送快捷指令).
    pub quick: bool,
}

impl Default for CycleOptions {
    fn default() -> Self {
        Self {
            period_ms: 1000,
            times: 0,
            quick: false,
        }
    }
}

/// How Send file paces a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FileOptions {
    /// Bytes per packet (0: the protocol's default, see [`crate::net::FilePacing`]).
    pub packet_size: usize,
    /// Milliseconds from one packet to the next (0: no pause).
    pub interval_ms: u64,
}

/// Auto reply (自动应答): echo, the rules, and the editor for a new rule.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AutoReplySettings {
    /// Send back everything that arrives.
    pub echo: bool,
    /// "When this arrives, answer that".
    pub rules: Vec<AutoReplyRule>,
    /// How long to wait before answering, in milliseconds (0: at once).
    pub delay_ms: u64,
    /// The editor: what to look for.
    pub pattern: String,
    /// The editor: what to answer.
    pub reply: String,
}

/// Find in the log: what is looked for and where it stands.
#[derive(Debug, Clone, Default)]
pub struct FindState {
    /// What Find looks for.
    pub query: String,
    /// The last Find found nothing.
    pub missed: bool,
    /// Bring the entry Find found into view when the log is drawn next.
    pub scroll_to_found: std::cell::Cell<bool>,
    /// Where the entry found stands among the matches ("3 of 41"), as of the last Find.
    pub tally: Option<crate::log::FindTally>,
    /// Autoscroll as it was before Find stopped it, given back when the Find ends.
    pub(super) autoscroll_before: Option<bool>,
}

/// What went each way since the last reset (the status bar's counters).
#[derive(Debug, Default)]
pub struct Traffic {
    /// What was received.
    pub rx: crate::counters::Counter,
    /// What was sent.
    pub tx: crate::counters::Counter,
    /// How long peers took to send after a send to them.
    pub responses: crate::response_times::ResponseTimes,
    /// Bytes received or sent while the display was paused or hid them (still counted).
    pub not_shown: u64,
    /// What a relay's impairment did to the datagrams it passed.
    pub impaired: ImpairTally,
}

/// How many relayed datagrams an impairment dropped, sent twice or held back for later
/// ones to overtake, since the counters were reset.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImpairTally {
    /// Lost, by chance or by the bandwidth limit's full queue.
    pub dropped: u64,
    /// Sent twice.
    pub duplicated: u64,
    /// Held back so that later ones overtake them.
    pub reordered: u64,
}

impl ImpairTally {
    /// Counts what `fate` did.
    pub fn count(&mut self, fate: &crate::net::Fate) {
        self.dropped += u64::from(fate.dropped);
        self.duplicated += u64::from(fate.duplicated);
        self.reordered += u64::from(fate.reordered);
    }

    /// Whether it has counted nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl Traffic {
    /// Zeroes everything.
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

//! A display row as the text a person reads: the window draws it, and Save log writes it, so
//! the file holds exactly what the window shows.

use std::borrow::Cow;

use super::{Annotation, Direction, HEX_BYTES_PER_ROW, LogBody, LogEntry, Notice, Row};
use crate::codec::format_hex;
use crate::i18n::Texts;

/// The text of `row`, with lifecycle lines in the language of `t`.
pub fn row_text<'a>(row: &Row<'a>, t: &Texts) -> Cow<'a, str> {
    match row {
        Row::Notice(entry, notice) => {
            Cow::Owned(format!("{} ● {}", time(entry), notice_text(notice, t)))
        }
        Row::Header(entry) => Cow::Owned(header(entry, t)),
        Row::Text(line) => line.clone(),
        Row::Hex(offset, bytes) => Cow::Owned(hex_row(*offset, bytes)),
    }
}

/// An entry on one line, for the all-sessions timeline: a lifecycle line as the log shows it,
/// or a data entry's header without its time (the timeline shows its own) and, after a colon,
/// its data: the decoded text with line breaks shown as `\\n`, or the bytes in hex. Long data
/// ends in `…`; the whole is in the session's own log.
///
/// `text` is the entry's text, or as much of its start as shows (see [`super::text_head`]
/// and [`ENTRY_LINE_BYTES`]).
pub fn entry_line(entry: &LogEntry, text: &str, hex: bool, t: &Texts) -> String {
    /// Characters of data shown, enough for a line of a wide window.
    const SHOWN: usize = 160;
    let LogBody::Data {
        direction,
        peer,
        bytes,
        relayed,
        ..
    } = &entry.body
    else {
        return match &entry.body {
            LogBody::Notice(notice) => format!("● {}", notice_text(notice, t)),
            LogBody::Data { .. } => String::new(),
        };
    };
    let arrow = direction_mark(*direction, *relayed, t);
    let mut line = format!("{arrow} {peer} ({} B)", bytes.len());
    for note in entry_notes(entry, t) {
        line.push_str(" · ");
        line.push_str(&note);
    }
    line.push_str(": ");
    if hex {
        let head = bytes.get(..SHOWN / 3).unwrap_or(bytes);
        line.push_str(&format_hex(head));
        if head.len() < bytes.len() {
            line.push_str(" …");
        }
    } else {
        for (shown, c) in text.chars().enumerate() {
            if shown == SHOWN {
                line.push('…');
                break;
            }
            match c {
                '\n' => line.push_str("\\n"),
                '\r' => line.push_str("\\r"),
                c if c.is_control() => line.push('·'),
                c => line.push(c),
            }
        }
    }
    line
}

/// Bytes of an entry whose text [`entry_line`] needs at most: no character is longer than four.
pub const ENTRY_LINE_BYTES: usize = 160 * 4;

/// The line that says how many of the oldest entries left the log to keep it within `budget`,
/// and the `day` what follows is on, if the date line that said so left with them.
pub fn dropped_marker(
    dropped: u64,
    budget: usize,
    day: Option<chrono::NaiveDate>,
    t: &Texts,
) -> String {
    let mut marker = t
        .dropped_marker
        .replace("{count}", &dropped.to_string())
        .replace("{limit}", &format!("{} MB", budget >> 20));
    if let Some(day) = day {
        marker.push_str(&t.dropped_day.replace("{date}", &day.to_string()));
    }
    marker
}

impl super::Store {
    /// [`dropped_marker`] for the entries this store dropped.
    pub fn dropped_line(&self, t: &Texts) -> String {
        dropped_marker(self.dropped(), self.budget(), self.dropped_day(), t)
    }
}

/// `[12:00:01.250]`: an entry's local time to the millisecond.
fn time(entry: &LogEntry) -> String {
    format!("[{}]", clock(entry))
}

/// `12:00:01.250`: an entry's local time to the millisecond.
pub(super) fn clock(entry: &LogEntry) -> impl std::fmt::Display + use<'_> {
    entry.time.format(crate::net::TIME_OF_DAY)
}

/// What a data entry's header says of its way: `RX ←` and `TX →` for a peer's, the way
/// through a relay for a relay's (see [`LogBody::Data`]).
fn direction_mark(direction: Direction, relayed: bool, t: &Texts) -> &'static str {
    match (direction, relayed) {
        (Direction::Rx, false) => "RX ←",
        (Direction::Tx, false) => "TX →",
        (Direction::Rx, true) => t.client_to_upstream,
        (Direction::Tx, true) => t.upstream_to_client,
    }
}

/// `[time] RX ← peer (n B)`: the header of a data entry, and for the first data a peer
/// sent after a send to it, how long after the send it came.
fn header(entry: &LogEntry, t: &Texts) -> String {
    let LogBody::Data {
        direction,
        peer,
        bytes,
        relayed,
        ..
    } = &entry.body
    else {
        return time(entry);
    };
    let arrow = direction_mark(*direction, *relayed, t);
    let mut header = format!("{} {arrow} {peer} ({} B)", time(entry), bytes.len());
    for note in entry_notes(entry, t) {
        header.push_str(" · ");
        header.push_str(&note);
    }
    header
}

/// What a data entry's header says about it beyond time, direction, peer and size: how long
/// after a send it came, or that auto reply sent it; that it continues a message or misses the
/// frame start; whether its checksum is right.
pub(super) fn entry_notes(entry: &LogEntry, t: &Texts) -> impl Iterator<Item = String> {
    let annotation = entry
        .annotation
        .map(|annotation| annotation_text(&annotation, t));
    let continued = entry.continues_message.then(|| t.continued.to_owned());
    let stray = entry
        .misses_frame_start
        .then(|| t.no_frame_start.to_owned());
    let check = entry.check.map(|check| check_text(check, t));
    annotation
        .into_iter()
        .chain(continued)
        .chain(stray)
        .chain(check)
}

/// Whether an entry's checksum is right, in the language of `t`.
fn check_text(check: super::Check, t: &Texts) -> String {
    let text = if check.good {
        t.check_good
    } else {
        t.check_bad
    };
    text.replace("{kind}", check.kind.name())
        .replace("{expected}", &format_hex(check.expected()))
}

/// What a header adds about its entry, in the language of `t`.
fn annotation_text(annotation: &Annotation, t: &Texts) -> String {
    match annotation {
        Annotation::SinceSend(after) => {
            let ms = format!("{:.3}", after.as_secs_f64() * 1000.0);
            t.since_send.replace("{ms}", &ms)
        }
        Annotation::AutoReply => t.auto_reply_sent.to_owned(),
        Annotation::Injected => t.injected.to_owned(),
        Annotation::Impaired(fate) => fate_text(fate, t),
    }
}

/// What an impairment did to a datagram, in the language of `t`: lost, or sent (twice,
/// held back) after a delay.
fn fate_text(fate: &crate::net::Fate, t: &Texts) -> String {
    if fate.dropped_by_queue() {
        return t.impaired_queue_full.to_owned();
    }
    if fate.dropped {
        return t.impaired_dropped.to_owned();
    }
    let ms = fate.delay.as_millis().to_string();
    let mut notes = vec![t.impaired_delayed.replace("{ms}", &ms)];
    if !fate.queued.is_zero() {
        let queued = fate.queued.as_millis().to_string();
        notes.push(t.impaired_queued.replace("{ms}", &queued));
    }
    if fate.duplicated {
        notes.push(t.impaired_duplicated.to_owned());
    }
    if fate.reordered {
        notes.push(t.impaired_reordered.to_owned());
    }
    notes.join(" · ")
}

/// `0010  41 42 43 …  ABC…`: offset, the bytes, and their printable ASCII.
fn hex_row(offset: usize, bytes: &[u8]) -> String {
    let width = HEX_BYTES_PER_ROW * 3 - 1;
    let mut row = format!("{offset:04X}  {:<width$}  ", format_hex(bytes));
    for &b in bytes {
        row.push(if b.is_ascii_graphic() || b == b' ' {
            char::from(b)
        } else {
            '.'
        });
    }
    row
}

/// A lifecycle line in the language of `t`.
pub(super) fn notice_text(notice: &Notice, t: &Texts) -> String {
    match notice {
        Notice::Listening(local) => format!("{} {local}", t.listening_on),
        Notice::StoppedListening(clients) => {
            t.stopped_listening.replace("{n}", &clients.to_string())
        }
        Notice::Bound(local, receive_buffer) => format!(
            "{} {local} ({} {} KB)",
            t.bound_on,
            t.receive_buffer,
            receive_buffer >> 10
        ),
        Notice::JoinedGroup(group) => format!("{} {group}", t.joined_group),
        Notice::Connecting(remote) => format!("{} {remote}", t.connecting_to),
        Notice::Connected { local, remote } => format!("{} {remote} ({local})", t.connected_to),
        Notice::ServingTls(fingerprint, self_signed) => {
            let line = if *self_signed {
                t.tls_serving_self_signed
            } else {
                t.tls_serving_files
            };
            line.replace("{fp}", &fingerprint.to_string())
        }
        Notice::Secured(peer, summary) => {
            let mut line = t
                .tls_secured
                .replace("{peer}", &peer.to_string())
                .replace("{protocol}", &summary.protocol)
                .replace("{cipher}", &summary.cipher);
            if let Some(fingerprint) = summary.certificate {
                let rest = if summary.verified {
                    t.tls_peer_verified
                } else {
                    t.tls_peer_unverified
                };
                line.push_str(&rest.replace("{fp}", &fingerprint.to_string()));
            }
            line
        }
        Notice::PeerJoined(peer) => format!("{}: {peer}", t.client_joined),
        Notice::PeerLeft(peer, reason) => {
            format!("{}: {peer} ({})", t.client_left, reason.get(t.language))
        }
        Notice::UpstreamConnected {
            client,
            local,
            upstream,
        } => t
            .upstream_connected
            .replace("{client}", &client.to_string())
            .replace("{upstream}", &upstream.to_string())
            .replace("{local}", &local.to_string()),
        Notice::HalfClosed(client, way) => match way {
            crate::net::Way::ToUpstream => t.client_half_closed,
            crate::net::Way::ToClient => t.upstream_half_closed,
        }
        .replace("{client}", &client.to_string()),
        Notice::ResetPassedOn(client, way) => match way {
            crate::net::Way::ToUpstream => t.client_reset,
            crate::net::Way::ToClient => t.upstream_reset,
        }
        .replace("{client}", &client.to_string()),
        Notice::Closed(reason) => format!("{}: {}", t.session_closed, reason.get(t.language)),
        Notice::CycleStopped(sends) => t.cycle_stopped.replace("{n}", &sends.to_string()),
        Notice::FileDone {
            path,
            sent,
            complete,
        } => {
            let state = if *complete {
                t.file_sent
            } else {
                t.file_stopped
            };
            format!("{state}: {path} ({sent} B)")
        }
        Notice::Error(message) => format!("{}: {}", t.error, message.get(t.language)),
        Notice::Date(date) => t
            .date_line
            .replace("{date}", &date.format(crate::net::DATE).to_string()),
    }
}

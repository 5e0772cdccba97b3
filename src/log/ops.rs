//! Everything the window does to the log, as data: one list that the log's model test
//! (proptest) and its fuzz target (cargo-fuzz, with the `arbitrary` feature) both draw
//! sequences from, so the two cannot drift apart. Not part of the app.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use chrono::NaiveTime;

use super::{Log, Notice, RowLayout};
use crate::codec::{
    Checksum, ChecksumSpan, Framing, InputMode, LengthField, LengthWidth, TextEncoding,
};
use crate::net::SentBy;

/// One thing done to the log; peers are numbered, see [`peer`].
#[derive(Debug, Clone)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[allow(missing_docs)] // each variant is the log method of the same name
pub enum LogOp {
    Datagram(u8, Vec<u8>),
    Read(u8, Vec<u8>),
    UnshownRead(u8, Vec<u8>),
    UnshownDatagram(u8, Vec<u8>),
    /// Sent to a peer while the display hides it, by the person (`true`) or auto reply.
    NoteSend(u8, bool),
    /// Sent to a peer, by the person (`true`) or auto reply.
    Sent(u8, Vec<u8>, bool),
    Notice,
    /// What comes next is on day `n` of a month (see [`Log::mark_day`]).
    Day(u8),
    PeerGone(u8),
    ConnectionsEnded,
    /// Time passes, in milliseconds.
    Wait(u16),
    MergeGap(Option<u16>),
    Split(Option<Vec<u8>>),
    /// Split by a length field: offset, width by its place in [`LengthWidth::ALL`], adjustment,
    /// frame start.
    SplitLength(u8, u8, i8, Vec<u8>),
    /// Split every so many bytes (0: not at all), with a frame start.
    SplitFixed(u8, Vec<u8>),
    /// A checksum by its place in [`Checksum::ALL`].
    Check(u8),
    /// The checked span: first byte covered, bytes after the checksum.
    CheckSpan(u8, u8),
    ShowOnly(Option<u8>),
    /// Log mode, text (else hex) view, columns.
    Layout(bool, bool, u8),
    /// GBK (else UTF-8).
    Encoding(bool),
    /// Text shown with escapes (see [`Log::set_escapes`]).
    Escapes(bool),
    Budget(u16),
    Find(String),
    Clear,
    /// New entries wait to be measured (see [`super::Store::defer_measuring`]).
    Defer(bool),
    /// Waiting entries are measured, up to this many, then skipped ones.
    MeasurePending(u8),
    /// Waiting entries but the newest this many bytes are skipped.
    SkipPending(u16),
    /// Data logged from now on goes through a relay, or not.
    Relaying(bool),
    /// Through a relay for peer `n`: back to it (else from it), written by the relay.
    Relayed(u8, bool, Vec<u8>, bool),
    /// [`LogOp::Relayed`] while the display hides it.
    UnshownRelayed(u8, bool, Vec<u8>, bool),
}

/// The way back to a relay's client when `back`, the way from it otherwise.
pub fn way(back: bool) -> super::Direction {
    if back {
        super::Direction::Tx
    } else {
        super::Direction::Rx
    }
}

/// The person when `owner`, auto reply otherwise.
fn sent_by(owner: bool) -> SentBy {
    if owner {
        SentBy::Owner
    } else {
        SentBy::AutoReply
    }
}

/// Peer `n` of four, on 127.0.0.1.
pub fn peer(n: u8) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 7000 + u16::from(n % 4)))
}

impl LogOp {
    /// Does this to `log`, at `time` (which [`LogOp::Wait`] moves on).
    pub fn apply(self, log: &mut Log, time: &mut NaiveTime) {
        match self {
            Self::Datagram(p, b) => {
                log.received(peer(p), Bytes::from(b), *time);
            }
            Self::Read(p, b) => {
                log.received_read(peer(p), Bytes::from(b), *time);
            }
            Self::UnshownRead(p, b) => {
                log.unshown_read(peer(p), &b, *time);
            }
            Self::UnshownDatagram(p, b) => {
                log.unshown_datagram(peer(p), &b, *time);
            }
            Self::NoteSend(p, owner) => log.note_send(peer(p), sent_by(owner), *time),
            Self::Relaying(on) => log.set_relaying(on),
            Self::Relayed(p, back, b, injected) => {
                let by = injected.then_some(SentBy::Owner);
                log.relayed(peer(p), way(back), Bytes::from(b), by, *time);
            }
            Self::UnshownRelayed(p, back, b, injected) => {
                let by = injected.then_some(SentBy::Owner);
                log.unshown_relayed(peer(p), way(back), &b, by, *time);
            }
            Self::Sent(p, b, owner) => log.sent(peer(p), Bytes::from(b), sent_by(owner), *time),
            Self::Notice => log.notice(
                Notice::Closed(crate::i18n::Said::same("closed".into())),
                *time,
            ),
            Self::Day(n) => {
                if let Some(date) = chrono::NaiveDate::from_ymd_opt(2026, 11, 1 + u32::from(n) % 30)
                {
                    log.mark_day(date, *time);
                }
            }
            Self::PeerGone(p) => log.peer_gone(peer(p)),
            Self::ConnectionsEnded => log.connections_ended(),
            Self::Wait(ms) => *time += chrono::TimeDelta::milliseconds(i64::from(ms)),
            Self::MergeGap(gap) => {
                log.set_merge_gap(gap.map(|ms| Duration::from_millis(u64::from(ms))));
            }
            // The window never sets an empty delimiter: an empty field means no splitting.
            Self::Split(delimiter) => {
                log.set_split_at(delimiter.filter(|d| !d.is_empty()).map(Bytes::from));
            }
            Self::SplitLength(offset, width, adjust, start) => {
                let index = usize::from(width) % LengthWidth::ALL.len();
                log.set_framing(Some(Framing::Length {
                    field: LengthField {
                        offset: usize::from(offset),
                        width: LengthWidth::ALL.get(index).copied().unwrap_or_default(),
                        adjust: i64::from(adjust),
                    },
                    start: Bytes::from(start),
                }));
            }
            Self::SplitFixed(size, start) => {
                let size = std::num::NonZeroUsize::new(usize::from(size));
                log.set_framing(size.map(|size| Framing::Fixed {
                    size,
                    start: Bytes::from(start),
                }));
            }
            Self::Check(kind) => {
                let index = usize::from(kind) % Checksum::ALL.len();
                log.set_check_kind(Checksum::ALL.get(index).copied().unwrap_or_default());
            }
            Self::CheckSpan(from, tail) => log.set_check_span(ChecksumSpan {
                from: u16::from(from),
                tail: u16::from(tail),
            }),
            Self::ShowOnly(p) => log.store_mut().set_show_only(p.map(peer)),
            Self::Layout(headers, text, columns) => log.store_mut().set_layout(RowLayout {
                view: if text {
                    InputMode::Text
                } else {
                    InputMode::Hex
                },
                headers,
                columns: usize::from(columns),
            }),
            Self::Encoding(gbk) => log.set_encoding(if gbk {
                TextEncoding::Gbk
            } else {
                TextEncoding::Utf8
            }),
            Self::Escapes(on) => log.set_escapes(on),
            Self::Budget(budget) => log.store_mut().set_budget(usize::from(budget)),
            Self::Find(query) => {
                let _ = log.store_mut().find_next(&query);
            }
            Self::Clear => log.clear(),
            Self::Defer(on) => log.store_mut().defer_measuring(on),
            Self::MeasurePending(count) => {
                for _ in 0..count {
                    if log.store_mut().measure_one_pending() {
                        // One skipped entry: the deadline has passed once it is read.
                        log.store_mut()
                            .measure_skipped(Some(std::time::Instant::now()));
                    }
                }
            }
            Self::SkipPending(keep) => log.store_mut().skip_pending(usize::from(keep)),
        }
    }
}

//! The data log: what arrived and what was sent, and what happened to the session.
//!
//! The log is bounded by a byte budget (oldest entries go first, and how many went is kept),
//! text is decoded once per entry when it arrives, and every entry knows how many display rows
//! it takes in the current view, so the UI lays out only the rows on screen.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::codec::{Checksum, ChecksumSpan, FrameCursor, Framing, InputMode, TextEncoding};
use crate::net::SentBy;

mod check;
mod export;
mod filter;
mod find;
mod format;
mod merge;
#[cfg(test)]
mod model_tests;
#[cfg(any(test, feature = "arbitrary"))]
#[doc(hidden)]
pub mod ops;
mod shape;
mod split;
#[cfg(test)]
mod split_tests;
mod stream_rows;
mod table;
mod text;
mod unshown;

pub use check::{CHECK_LIMIT, Check, CheckTally};
pub use export::{SavedLog, save_in_background};
pub use find::FindTally;
pub(crate) use find::Matcher;
pub use format::{dropped_marker, entry_line, row_text};
pub use merge::{CONTINUE_REACH, MERGE_LIMIT};
use shape::{LineStart, RowShape, text_rows};
use text::TextDecoder;

/// The default memory budget for the log's contents.
pub const DEFAULT_LOG_BUDGET: usize = 64 << 20;

/// A time for entries in tests, where the time does not matter.
#[cfg(test)]
const T0: NaiveTime = NaiveTime::MIN;

/// Bytes shown per row in the hex view.
pub const HEX_BYTES_PER_ROW: usize = 16;

/// Characters per row in the text view when auto line break is off; longer lines continue on
/// the next row, so one huge line never means laying out a huge row.
pub const TEXT_CHARS_PER_ROW: usize = 512;

/// How entries become display rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowLayout {
    /// Text or hex.
    pub view: InputMode,
    /// Log mode (按日志模式显示): a header row per data entry and lifecycle lines. Off shows only
    /// the data, the raw stream.
    pub headers: bool,
    /// Characters per text row: the log's width with auto line break, else [`TEXT_CHARS_PER_ROW`].
    pub columns: usize,
}

impl Default for RowLayout {
    fn default() -> Self {
        Self {
            view: InputMode::Text,
            headers: true,
            columns: TEXT_CHARS_PER_ROW,
        }
    }
}

/// Which way data went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Received from the peer.
    Rx,
    /// Sent to the peer.
    Tx,
}

/// A lifecycle event worth its own line, so a class can see what TCP and UDP do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A TCP server is listening.
    Listening(SocketAddr),
    /// A TCP server stopped listening; this many clients stay connected.
    StoppedListening(usize),
    /// A UDP socket is bound, with the kernel receive buffer it got.
    Bound(SocketAddr, usize),
    /// A UDP socket joined a multicast group.
    JoinedGroup(std::net::IpAddr),
    /// A TCP client is connecting.
    Connecting(SocketAddr),
    /// A TCP client connected.
    Connected {
        /// Our end.
        local: SocketAddr,
        /// Their end.
        remote: SocketAddr,
    },
    /// A TCP server speaks TLS with the certificate of this fingerprint, self-signed (made
    /// at Open) or read from files.
    ServingTls(crate::net::Fingerprint, bool),
    /// A TLS handshake with this peer finished.
    Secured(SocketAddr, crate::net::TlsSummary),
    /// A client joined our server.
    PeerJoined(SocketAddr),
    /// A client left our server, and why.
    PeerLeft(SocketAddr, crate::i18n::Said),
    /// The session ended, and why.
    Closed(crate::i18n::Said),
    /// A cycle send stopped after this many sends.
    CycleStopped(u64),
    /// A file send ended.
    FileDone {
        /// The file.
        path: String,
        /// Bytes sent.
        sent: u64,
        /// Whether all of it went.
        complete: bool,
    },
    /// Something failed.
    Error(crate::i18n::Said),
    /// The first line of a day follows: the date (times show only the time of day).
    Date(NaiveDate),
}

impl Notice {
    /// Whether the line reports a failure.
    pub fn is_error(&self) -> bool {
        matches!(self, Self::Error(_))
    }
}

/// What one log entry holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogBody {
    /// Bytes that went over the wire.
    Data {
        /// Received or sent.
        direction: Direction,
        /// The other end.
        peer: SocketAddr,
        /// Exactly the bytes.
        bytes: Bytes,
        /// The bytes decoded with the log's encoding, computed once when they arrive (shared,
        /// so a snapshot of the log for Save log copies no text).
        text: Arc<str>,
    },
    /// A lifecycle event.
    Notice(Notice),
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// Local time it happened.
    pub time: NaiveTime,
    /// What happened.
    pub body: LogBody,
    /// Data only: the same peer's stream, in the same direction, was in the middle of a line
    /// when this arrived, so without log mode this entry's text continues that line.
    pub joins_previous: bool,
    /// Data only: bytes of the same peer's stream, in the same direction, logged just before
    /// this entry without a break; without log mode the hex view runs on across reads, and
    /// this is where the entry starts in that run.
    run_offset: usize,
    /// What the header adds about the entry's data, if anything.
    pub annotation: Option<Annotation>,
    /// Received data only, with a checksum to check chosen: whether the entry ends with the
    /// right one.
    pub check: Option<Check>,
    /// Received data split into messages with a frame start: the entry does not begin with it
    /// (bytes cut off to find the next frame).
    pub misses_frame_start: bool,
    /// Received data split into messages: the rest of a message that its first entry could
    /// not hold (over [`MERGE_LIMIT`], or too many entries back to grow in place), so no
    /// message of its own: neither checked nor judged by the frame start.
    pub continues_message: bool,
}

/// What a data entry's header adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Annotation {
    /// The first data a peer sent after a send to it: how long after the send it came (a
    /// device's response time, if that is what it was).
    SinceSend(std::time::Duration),
    /// Sent by auto reply, not by the person.
    AutoReply,
}

impl LogEntry {
    /// Whether `peer`'s stream in `direction` is in the middle of a line after this entry.
    fn ends_mid_line(&self, direction: Direction, peer: SocketAddr) -> bool {
        self.stream_data(direction, peer).is_some_and(|(_, text)| {
            if text.is_empty() {
                self.joins_previous
            } else {
                !text.ends_with('\n')
            }
        })
    }

    /// Where the next read of `peer`'s stream in `direction` starts in the hex run, if it
    /// comes right after this entry: after this entry's bytes when it is of that stream, else
    /// a new run.
    fn stream_end(&self, direction: Direction, peer: SocketAddr) -> usize {
        self.stream_data(direction, peer)
            .map_or(0, |(bytes, _)| self.run_offset + bytes.len())
    }

    /// This entry's bytes and text when it is data of `peer`'s stream in `direction`.
    fn stream_data(&self, direction: Direction, peer: SocketAddr) -> Option<(&Bytes, &str)> {
        match &self.body {
            LogBody::Data {
                direction: d,
                peer: p,
                bytes,
                text,
            } if *d == direction && *p == peer => Some((bytes, text)),
            LogBody::Data { .. } | LogBody::Notice(_) => None,
        }
    }

    /// Its decoded text; empty for a notice.
    fn text(&self) -> &str {
        match &self.body {
            LogBody::Data { text, .. } => text,
            LogBody::Notice(_) => "",
        }
    }

    /// What its row count depends on.
    fn shape(&self) -> RowShape {
        match &self.body {
            LogBody::Data { bytes, text, .. } => {
                RowShape::data(bytes.len(), text, self.run_offset, self.joins_previous)
            }
            LogBody::Notice(_) => RowShape::notice(),
        }
    }

    /// Memory the entry holds, as the budget counts it.
    fn cost(&self) -> usize {
        let payload = match &self.body {
            // The text's allocation also holds the Arc's two counts.
            LogBody::Data { bytes, text, .. } => bytes.len() + text.len() + 2 * size_of::<usize>(),
            LogBody::Notice(_) => 64,
        };
        size_of::<Self>() + size_of::<u64>() + size_of::<RowShape>() + payload
    }
}

/// One display row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row<'a> {
    /// A lifecycle line.
    Notice(&'a LogEntry, &'a Notice),
    /// The header of a data entry: time, direction, peer, size.
    Header(&'a LogEntry),
    /// One line of data as text (in the raw stream, possibly joined from several entries).
    Text(Cow<'a, str>),
    /// One row of hex: the offset of its first byte (in the entry, or without log mode in the
    /// stream of reads it continues) and up to 16 bytes.
    Hex(usize, Cow<'a, [u8]>),
}

/// The log of entries, with the decoder that gives their text.
#[derive(Debug)]
pub struct Log {
    entries: VecDeque<LogEntry>,
    text: TextDecoder,
    layout: RowLayout,
    budget: usize,
    used: usize,
    dropped: u64,
    /// The entry Find found last, counted from the first entry ever kept (so it stays put as
    /// old entries are dropped).
    found: Option<u64>,
    /// What each entry's row count depends on, one per entry, apart from the entries so a
    /// recount reads little memory.
    shapes: VecDeque<RowShape>,
    /// Where each entry's text starts on its line of the raw text stream, one per entry
    /// (column 0 for one that does not join the line before), kept with the shapes.
    line_starts: VecDeque<LineStart>,
    /// Cumulative rows up to the end of each entry, counted from `row_base`.
    row_ends: VecDeque<u64>,
    /// Rows that belonged to entries since dropped.
    row_base: u64,
    /// When each peer was last sent data, until data from it comes; with the day (see
    /// [`Log::mark_day`]), so an answer just after midnight is still timed.
    last_send: HashMap<SocketAddr, NaiveDateTime>,
    /// A TCP read that comes within this time of the previous read from the same peer joins
    /// its entry; `None`: every read is an entry of its own.
    merge_gap: Option<std::time::Duration>,
    /// Where each peer's TCP stream last went, for its next read to continue.
    last_reads: HashMap<SocketAddr, merge::LastRead>,
    /// Each peer's message under way while the display does not show it.
    unshown: HashMap<SocketAddr, unshown::Unshown>,
    /// How TCP reads are cut into one entry per message; `None`: they are not (and the merge
    /// gap applies).
    framing: Option<Framing>,
    /// Where each peer's unfinished message stands, for `framing` (only peers with one under
    /// way). Kept whether the display shows the reads or not, and through Clear: a length
    /// field's count must not lose its place.
    cursors: HashMap<SocketAddr, FrameCursor>,
    /// The checksum received entries are checked for (校验接收); `None` checks nothing.
    check: Checksum,
    /// What of a received message `check` covers, and where in it the checksum sits.
    check_span: ChecksumSpan,
    /// How many checked entries were right and wrong.
    check_tally: CheckTally,
    /// The date of the last date line since the log was cleared: a new day gets its own.
    day: Option<NaiveDate>,
    /// The date of the last date line the budget dropped: the day the first kept entries are
    /// on, until a date line kept says otherwise.
    dropped_day: Option<NaiveDate>,
    /// Only this peer's data is shown (lifecycle lines all are); `None`: everything.
    show_only: Option<SocketAddr>,
    /// Whether each entry is hidden by `show_only`, one per entry while it is set (empty
    /// otherwise), so a recount reads no entries.
    hidden: VecDeque<bool>,
}

impl Default for Log {
    fn default() -> Self {
        Self::with_budget(DEFAULT_LOG_BUDGET)
    }
}

impl Log {
    /// An empty log that keeps at most about `budget` bytes.
    pub fn with_budget(budget: usize) -> Self {
        Self {
            entries: VecDeque::new(),
            text: TextDecoder::new(TextEncoding::default(), false),
            layout: RowLayout::default(),
            budget,
            used: 0,
            dropped: 0,
            found: None,
            shapes: VecDeque::new(),
            line_starts: VecDeque::new(),
            row_ends: VecDeque::new(),
            row_base: 0,
            last_send: HashMap::new(),
            merge_gap: None,
            last_reads: HashMap::new(),
            unshown: HashMap::new(),
            framing: None,
            cursors: HashMap::new(),
            check: Checksum::None,
            check_span: ChecksumSpan::default(),
            check_tally: CheckTally::default(),
            day: None,
            dropped_day: None,
            show_only: None,
            hidden: VecDeque::new(),
        }
    }

    /// A copy of the kept entries and how they are shown, to read on another thread (Save
    /// log). It does not continue the peers' streams: a character split across the next read
    /// is not completed in the copy.
    #[must_use]
    pub fn snapshot(&self) -> Self {
        Self {
            entries: self.entries.clone(),
            text: TextDecoder::new(self.text.streams.encoding(), self.text.streams.escapes()),
            layout: self.layout,
            budget: self.budget,
            used: self.used,
            dropped: self.dropped,
            found: self.found,
            shapes: self.shapes.clone(),
            line_starts: self.line_starts.clone(),
            row_ends: self.row_ends.clone(),
            row_base: self.row_base,
            last_send: HashMap::new(),
            merge_gap: self.merge_gap,
            last_reads: HashMap::new(),
            unshown: HashMap::new(),
            framing: self.framing.clone(),
            cursors: HashMap::new(),
            check: self.check,
            check_span: self.check_span,
            check_tally: self.check_tally,
            day: self.day,
            dropped_day: self.dropped_day,
            show_only: self.show_only,
            hidden: self.hidden.clone(),
        }
    }

    /// The day the first kept entries are on when the date line that said so was dropped to
    /// keep within the budget (the marker and a saved table still give it).
    pub fn dropped_day(&self) -> Option<NaiveDate> {
        self.dropped_day
    }

    /// The entries kept, oldest first.
    pub fn entries(&self) -> &VecDeque<LogEntry> {
        &self.entries
    }

    /// How many entries were dropped from view to stay within the budget since the last clear.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Memory the kept entries hold, as the budget counts it.
    pub fn used(&self) -> usize {
        self.used
    }

    /// The memory budget in bytes.
    pub fn budget(&self) -> usize {
        self.budget
    }

    /// Changes the budget, dropping the oldest entries if the log is now over it.
    pub fn set_budget(&mut self, budget: usize) {
        self.budget = budget;
        self.enforce_budget();
    }

    /// The encoding received text is decoded with.
    pub fn encoding(&self) -> TextEncoding {
        self.text.streams.encoding()
    }

    /// How rows are laid out.
    pub fn layout(&self) -> RowLayout {
        self.layout
    }

    /// Adds a lifecycle line for something that happened at `time`.
    pub fn notice(&mut self, notice: Notice, time: NaiveTime) {
        self.push(LogBody::Notice(notice), time, None);
    }

    /// Adds bytes received at `time` as a message of their own (a datagram), decoded as a
    /// continuation of what this peer sent before. Returns the time since the last send to the
    /// peer when this is the first data after it.
    pub fn received(
        &mut self,
        peer: SocketAddr,
        bytes: Bytes,
        time: NaiveTime,
    ) -> Option<std::time::Duration> {
        // Nothing read later continues a message that was whole.
        self.last_reads.remove(&peer);
        self.received_piece(peer, bytes, time)
    }

    /// Adds bytes received at `time` as a new entry (see [`Log::received`]).
    fn received_piece(
        &mut self,
        peer: SocketAddr,
        bytes: Bytes,
        time: NaiveTime,
    ) -> Option<std::time::Duration> {
        let since_send = self.since_send(peer, time);
        self.data(
            Direction::Rx,
            peer,
            bytes,
            time,
            since_send.map(Annotation::SinceSend),
        );
        since_send
    }

    /// The time since the last send to `peer`, once: data from it at `time` is the first
    /// since that send.
    pub(super) fn since_send(
        &mut self,
        peer: SocketAddr,
        time: NaiveTime,
    ) -> Option<std::time::Duration> {
        // Most reads follow no send: nothing to compute for them.
        let sent = self.last_send.remove(&peer)?;
        // A clock set back: no figure rather than a wrong one.
        (self.on_this_day(time) - sent).to_std().ok()
    }

    /// Adds bytes sent at `time`, `by` the person or auto reply; each send is a whole message,
    /// decoded on its own.
    pub fn sent(&mut self, peer: SocketAddr, bytes: Bytes, by: SentBy, time: NaiveTime) {
        self.note_send(peer, by, time);
        let annotation = (by == SentBy::AutoReply).then_some(Annotation::AutoReply);
        self.data(Direction::Tx, peer, bytes, time, annotation);
    }

    /// What a send by the person changes for the peer's next data: the time to it counts from
    /// here, and it is an answer, not more of what came before (a message not yet whole still
    /// is). Auto reply's sends answer the peer and change neither. [`Log::sent`] does this
    /// too; alone, it is for a send the display does not show, whose answer is still timed.
    pub fn note_send(&mut self, peer: SocketAddr, by: SentBy, time: NaiveTime) {
        if by == SentBy::Owner {
            self.last_send.insert(peer, self.on_this_day(time));
            if self.last_reads.get(&peer).is_some_and(|last| !last.open) {
                self.last_reads.remove(&peer);
            }
        }
    }

    fn data(
        &mut self,
        direction: Direction,
        peer: SocketAddr,
        bytes: Bytes,
        time: NaiveTime,
        annotation: Option<Annotation>,
    ) {
        let text = self.text.decode(direction, peer, &bytes);
        self.push(
            LogBody::Data {
                direction,
                peer,
                bytes,
                text,
            },
            time,
            annotation,
        );
    }

    /// Forgets a peer's pending partial character, unfinished message and last send (the peer
    /// is gone).
    pub fn peer_gone(&mut self, peer: SocketAddr) {
        self.text.streams.remove(peer);
        self.last_send.remove(&peer);
        self.last_reads.remove(&peer);
        self.unshown.remove(&peer);
        self.cursors.remove(&peer);
    }

    /// Forgets every peer's stream, as [`Log::peer_gone`] does for one: the session closed,
    /// and a new connection to the same address starts afresh.
    pub fn connections_ended(&mut self) {
        self.text.streams.clear();
        self.last_send.clear();
        self.last_reads.clear();
        self.unshown.clear();
        self.cursors.clear();
    }

    /// Removes every entry and the dropped count.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.text.streams.clear();
        self.last_send.clear();
        self.shapes.clear();
        self.line_starts.clear();
        self.hidden.clear();
        self.row_ends.clear();
        self.row_base = 0;
        self.used = 0;
        self.dropped = 0;
        self.found = None;
        self.last_reads.clear();
        self.unshown.clear();
        self.day = None;
        self.dropped_day = None;
    }

    /// `time` on the day the log last noted (any one day, the same for all, if none).
    fn on_this_day(&self, time: NaiveTime) -> NaiveDateTime {
        self.day.unwrap_or_default().and_time(time)
    }

    /// Notes that what comes next happened on `date`, at `time`: a line with the date goes
    /// first when the log has none for that day yet (since it started or was cleared), so a
    /// log or saved file that runs past midnight says which day each time is on.
    pub fn mark_day(&mut self, date: NaiveDate, time: NaiveTime) {
        if self.day != Some(date) {
            self.day = Some(date);
            self.notice(Notice::Date(date), time);
        }
    }

    /// Switches the decoding and decodes every entry again, once, replaying each peer's stream.
    pub fn set_encoding(&mut self, encoding: TextEncoding) {
        self.set_decoding(encoding, self.escapes());
    }

    /// Whether text is shown with the send box's escapes wherever it would not show (`\r`,
    /// `\0`, `\xNN` for a byte that is no character), so that every byte can be read off
    /// the text view.
    pub fn escapes(&self) -> bool {
        self.text.streams.escapes()
    }

    /// Turns escapes on or off, decoding every entry again as [`Log::set_encoding`] does.
    pub fn set_escapes(&mut self, escapes: bool) {
        self.set_decoding(self.encoding(), escapes);
    }

    fn set_decoding(&mut self, encoding: TextEncoding, escapes: bool) {
        if encoding == self.encoding() && escapes == self.escapes() {
            return;
        }
        self.text = TextDecoder::new(encoding, escapes);
        for entry in &mut self.entries {
            if let LogBody::Data {
                direction,
                peer,
                bytes,
                text,
            } = &mut entry.body
            {
                self.used -= text.len();
                *text = self.text.decode(*direction, *peer, bytes);
                self.used += text.len();
            }
        }
        // Where lines end may have moved with the new decoding.
        for index in 1..self.entries.len() {
            let joins = match self.entries.get(index).map(|e| &e.body) {
                Some(LogBody::Data {
                    direction, peer, ..
                }) => self
                    .entries
                    .get(index - 1)
                    .is_some_and(|previous| previous.ends_mid_line(*direction, *peer)),
                _ => false,
            };
            if let Some(entry) = self.entries.get_mut(index) {
                entry.joins_previous = joins;
            }
        }
        self.shapes = self.entries.iter().map(LogEntry::shape).collect();
        let mut previous: Option<(LineStart, &LogEntry)> = None;
        self.line_starts = self
            .entries
            .iter()
            .map(|entry| {
                let start = line_start(previous, entry);
                previous = Some((start, entry));
                start
            })
            .collect();
        self.recount_rows();
        self.enforce_budget();
    }

    /// Changes how rows are laid out (rows are recounted once, only if their number can
    /// change: hex rows do not depend on the width).
    pub fn set_layout(&mut self, layout: RowLayout) {
        let old = std::mem::replace(&mut self.layout, layout);
        let counts_change = old.view != layout.view
            || old.headers != layout.headers
            || (layout.view == InputMode::Text && old.columns != layout.columns);
        if counts_change {
            self.recount_rows();
        }
    }

    /// Switches between text and hex rows.
    pub fn set_view(&mut self, view: InputMode) {
        self.set_layout(RowLayout {
            view,
            ..self.layout
        });
    }

    /// Display rows of the kept entries in the current view.
    pub fn total_rows(&self) -> u64 {
        self.row_ends.back().map_or(0, |end| end - self.row_base)
    }

    /// The rows `first..first + count` of the current view, in order.
    pub fn rows(&self, first: u64, count: usize) -> Vec<Row<'_>> {
        // No more than there are, so asking for "all" allocates only what is needed.
        let left = usize::try_from(self.total_rows().saturating_sub(first)).unwrap_or(usize::MAX);
        let count = count.min(left);
        if !self.layout.headers {
            return match self.layout.view {
                InputMode::Text => self.stream_rows(first, count),
                InputMode::Hex => self.hex_stream_rows(first, count),
            };
        }
        let mut out = Vec::with_capacity(count);
        let (mut index, mut skip) = self.locate(first);
        while out.len() < count {
            let Some(entry) = self.entries.get(index) else {
                break;
            };
            if !self.hides(entry) {
                entry_rows(entry, self.layout, skip, count - out.len(), &mut out);
            }
            skip = 0;
            index += 1;
        }
        out
    }

    /// Every row of `entry` in the current view (text or hex) with its header, lines kept
    /// whole: an entry as a log printed line by line shows it.
    pub fn entry_lines<'a>(&self, entry: &'a LogEntry) -> Vec<Row<'a>> {
        let layout = RowLayout {
            headers: true,
            columns: usize::MAX,
            ..self.layout
        };
        let mut rows = Vec::new();
        entry_rows(entry, layout, 0, usize::MAX, &mut rows);
        rows
    }

    /// The entry holding row `row` of the current view, and how many of its rows come before.
    fn locate(&self, row: u64) -> (usize, u64) {
        let target = row + self.row_base;
        let index = self.row_ends.partition_point(|&end| end <= target);
        let start = index
            .checked_sub(1)
            .and_then(|i| self.row_ends.get(i))
            .copied()
            .unwrap_or(self.row_base);
        (index, target - start)
    }

    fn push(&mut self, body: LogBody, time: NaiveTime, annotation: Option<Annotation>) {
        let (joins_previous, run_offset) = match &body {
            LogBody::Data {
                direction, peer, ..
            } => {
                let previous = self.entries.back();
                (
                    previous.is_some_and(|p| p.ends_mid_line(*direction, *peer)),
                    previous.map_or(0, |p| p.stream_end(*direction, *peer)),
                )
            }
            LogBody::Notice(_) => (false, 0),
        };
        let mut entry = LogEntry {
            time,
            body,
            joins_previous,
            run_offset,
            annotation,
            check: None,
            misses_frame_start: false,
            continues_message: false,
        };
        entry.check = self.check_of(&entry);
        self.check_tally.count(entry.check, true);
        self.used += entry.cost();
        let shape = entry.shape();
        let hidden = self.hides(&entry);
        if self.show_only.is_some() {
            self.hidden.push_back(hidden);
        }
        let previous = self.line_starts.back().copied().zip(self.entries.back());
        let start = line_start(previous, &entry);
        let rows = if hidden {
            0
        } else {
            shape.rows(self.layout, start, || entry.text())
        };
        let end = self.row_ends.back().copied().unwrap_or(self.row_base) + rows;
        self.row_ends.push_back(end);
        self.shapes.push_back(shape);
        self.line_starts.push_back(start);
        self.entries.push_back(entry);
        self.enforce_budget();
    }

    /// Drops the oldest entries until within budget; the newest entry always stays.
    fn enforce_budget(&mut self) {
        while self.used > self.budget && self.entries.len() > 1 {
            if let Some(entry) = self.entries.pop_front() {
                self.used -= entry.cost();
                self.dropped += 1;
                if let LogBody::Notice(Notice::Date(date)) = entry.body {
                    self.dropped_day = Some(date);
                }
            }
            self.shapes.pop_front();
            self.line_starts.pop_front();
            self.hidden.pop_front();
            if let Some(end) = self.row_ends.pop_front() {
                self.row_base = end;
            }
        }
    }

    fn recount_rows(&mut self) {
        self.row_base = 0;
        // In place: there is one end per entry already.
        self.row_ends.resize(self.entries.len(), 0);
        // Slices, not the deques' iterators: this loop runs over every entry at each change of
        // width, and a deque's iterator checks which half it is in at every step. Once
        // contiguous, a deque stays so until it wraps, so this moves memory rarely.
        let shapes = self.shapes.make_contiguous();
        let row_ends = self.row_ends.make_contiguous();
        let hidden = self.hidden.make_contiguous();
        let (layout, entries) = (self.layout, &self.entries);
        let text = |index: usize| entries.get(index).map_or("", LogEntry::text);
        // Only the raw text stream reads where lines start.
        let raw_text = layout.view == InputMode::Text && !layout.headers;
        let line_starts: &[LineStart] = if raw_text {
            self.line_starts.make_contiguous()
        } else {
            &[]
        };
        let start = |index: usize| line_starts.get(index).copied().unwrap_or_default();
        let mut end = 0;
        if hidden.is_empty() {
            for (index, (shape, row_end)) in shapes.iter().zip(row_ends).enumerate() {
                end += shape.rows(layout, start(index), || text(index));
                *row_end = end;
            }
        } else {
            let each = shapes.iter().zip(hidden.iter()).zip(row_ends);
            for (index, ((shape, hidden), row_end)) in each.enumerate() {
                if !hidden {
                    end += shape.rows(layout, start(index), || text(index));
                }
                *row_end = end;
            }
        }
    }
}

/// Where `entry`'s text starts on its line of the raw stream, given the entry before it and
/// where that one started: where the line stood after it when `entry` joins it, else at the
/// start of a line.
fn line_start(previous: Option<(LineStart, &LogEntry)>, entry: &LogEntry) -> LineStart {
    match previous {
        Some((start, previous)) if entry.joins_previous => start.after(previous.text()),
        _ => LineStart::default(),
    }
}

/// Appends up to `limit` rows of `entry`, skipping its first `skip` rows.
fn entry_rows<'a>(
    entry: &'a LogEntry,
    layout: RowLayout,
    mut skip: u64,
    limit: usize,
    out: &mut Vec<Row<'a>>,
) {
    let (bytes, text) = match &entry.body {
        LogBody::Notice(notice) => {
            if layout.headers && skip == 0 && limit > 0 {
                out.push(Row::Notice(entry, notice));
            }
            return;
        }
        LogBody::Data { bytes, text, .. } => (bytes, text),
    };
    let start = out.len();
    if layout.headers {
        if skip == 0 {
            out.push(Row::Header(entry));
        } else {
            skip -= 1;
        }
    }
    let skip = usize::try_from(skip).unwrap_or(usize::MAX);
    let room = limit.saturating_sub(out.len() - start);
    match layout.view {
        InputMode::Text => out.extend(
            text_rows(text, layout.columns)
                .skip(skip)
                .take(room)
                .map(|line| Row::Text(Cow::Borrowed(line))),
        ),
        InputMode::Hex => out.extend(
            bytes
                .chunks(HEX_BYTES_PER_ROW)
                .enumerate()
                .skip(skip)
                .take(room)
                .map(|(i, chunk)| Row::Hex(i * HEX_BYTES_PER_ROW, Cow::Borrowed(chunk))),
        ),
    }
}

#[cfg(test)]
mod tests;

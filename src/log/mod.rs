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
use chrono::NaiveTime;

use crate::codec::{InputMode, StreamDecoder, TextEncoding};
use crate::net::SentBy;

mod export;
mod find;
mod format;
mod shape;
mod table;

pub use export::{SavedLog, save_in_background};
pub use format::{dropped_marker, row_text};
use shape::{RowShape, text_rows};

/// The default memory budget for the log's contents.
pub const DEFAULT_LOG_BUDGET: usize = 64 << 20;

/// A time for entries in tests, where the time does not matter.
#[cfg(test)]
const T0: NaiveTime = NaiveTime::MIN;

/// The largest entry that reads are merged into (see [`Log::set_merge_gap`]): each merge
/// copies the entry, so it stays small, and a message from a device is smaller still.
pub const MERGE_LIMIT: usize = 8 * 1024;

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
    /// A client joined our server.
    PeerJoined(SocketAddr),
    /// A client left our server, and why.
    PeerLeft(SocketAddr, String),
    /// The session ended, and why.
    Closed(String),
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
    Error(String),
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

/// How the log turns bytes into text: received bytes continue their peer's stream, so a
/// character split across reads shows whole; a send is a whole message, decoded on its own.
#[derive(Debug)]
struct TextDecoder {
    encoding: TextEncoding,
    streams: HashMap<SocketAddr, StreamDecoder>,
    /// Where text is decoded before [`printable`] copies it out: reused, so decoding does not
    /// allocate (and fault in) room for the worst case every time.
    scratch: String,
    /// Where [`printable`] cleans text that has control characters, reused likewise.
    cleaned: String,
}

impl TextDecoder {
    fn new(encoding: TextEncoding) -> Self {
        Self {
            encoding,
            streams: HashMap::new(),
            scratch: String::new(),
            cleaned: String::new(),
        }
    }

    /// The text of `bytes` that went `direction` to or from `peer`, as the log shows it.
    fn decode(&mut self, direction: Direction, peer: SocketAddr, bytes: &[u8]) -> Arc<str> {
        self.scratch.clear();
        match direction {
            Direction::Rx => self
                .streams
                .entry(peer)
                .or_insert_with(|| StreamDecoder::new(self.encoding))
                .decode_into(bytes, &mut self.scratch),
            Direction::Tx => self.encoding.decode_whole_into(bytes, &mut self.scratch),
        }
        printable(&self.scratch, &mut self.cleaned)
    }
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
    /// Cumulative rows up to the end of each entry, counted from `row_base`.
    row_ends: VecDeque<u64>,
    /// Rows that belonged to entries since dropped.
    row_base: u64,
    /// When each peer was last sent data, until data from it comes.
    last_send: HashMap<SocketAddr, NaiveTime>,
    /// A TCP read that comes within this time of the previous read from the same peer joins
    /// its entry; `None`: every read is an entry of its own.
    merge_gap: Option<std::time::Duration>,
    /// The peer and time of the last TCP read logged.
    last_read: Option<(SocketAddr, NaiveTime)>,
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
            text: TextDecoder::new(TextEncoding::default()),
            layout: RowLayout::default(),
            budget,
            used: 0,
            dropped: 0,
            found: None,
            shapes: VecDeque::new(),
            row_ends: VecDeque::new(),
            row_base: 0,
            last_send: HashMap::new(),
            merge_gap: None,
            last_read: None,
        }
    }

    /// A copy of the kept entries and how they are shown, to read on another thread (Save
    /// log). It does not continue the peers' streams: a character split across the next read
    /// is not completed in the copy.
    #[must_use]
    pub fn snapshot(&self) -> Self {
        Self {
            entries: self.entries.clone(),
            text: TextDecoder::new(self.text.encoding),
            layout: self.layout,
            budget: self.budget,
            used: self.used,
            dropped: self.dropped,
            found: self.found,
            shapes: self.shapes.clone(),
            row_ends: self.row_ends.clone(),
            row_base: self.row_base,
            last_send: HashMap::new(),
            merge_gap: self.merge_gap,
            last_read: None,
        }
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
        self.text.encoding
    }

    /// How rows are laid out.
    pub fn layout(&self) -> RowLayout {
        self.layout
    }

    /// Adds a lifecycle line for something that happened at `time`.
    pub fn notice(&mut self, notice: Notice, time: NaiveTime) {
        self.push(LogBody::Notice(notice), time, None);
    }

    /// Adds bytes received at `time`, decoded as a continuation of what this peer sent before.
    /// Returns the time since the last send to the peer when this is the first data after it.
    pub fn received(
        &mut self,
        peer: SocketAddr,
        bytes: Bytes,
        time: NaiveTime,
    ) -> Option<std::time::Duration> {
        let since_send = self
            .last_send
            .remove(&peer)
            // Across midnight the time of day goes back: no figure rather than a wrong one.
            .and_then(|sent| (time - sent).to_std().ok());
        self.data(
            Direction::Rx,
            peer,
            bytes,
            time,
            since_send.map(Annotation::SinceSend),
        );
        since_send
    }

    /// Adds a TCP read that came at `time`. With a merge gap set, a read that follows the
    /// previous read from the same peer within the gap, with nothing logged in between, joins
    /// that read's entry (up to [`MERGE_LIMIT`] bytes): the pieces of one message from a
    /// serial-to-network module show as one entry with one header.
    ///
    /// Returns the time since the last send to the peer when this read starts the first entry
    /// after it.
    pub fn received_read(
        &mut self,
        peer: SocketAddr,
        bytes: Bytes,
        time: NaiveTime,
    ) -> Option<std::time::Duration> {
        let follows = self.merge_gap.is_some_and(|gap| {
            self.last_read.is_some_and(|(last_peer, last_time)| {
                last_peer == peer && (time - last_time).to_std().is_ok_and(|since| since <= gap)
            })
        });
        self.last_read = Some((peer, time));
        let bytes = if follows {
            match self.merge_into_last(peer, bytes) {
                Ok(()) => return None,
                Err(bytes) => bytes,
            }
        } else {
            bytes
        };
        self.received(peer, bytes, time)
    }

    /// Appends `more` from `peer` to the last entry if it is data received from `peer` with
    /// room for it; gives `more` back otherwise.
    fn merge_into_last(&mut self, peer: SocketAddr, more: Bytes) -> Result<(), Bytes> {
        let Some(entry) = self.entries.back_mut() else {
            return Err(more);
        };
        let old_cost = entry.cost();
        let LogBody::Data {
            direction: Direction::Rx,
            peer: entry_peer,
            bytes,
            text,
        } = &mut entry.body
        else {
            return Err(more);
        };
        if *entry_peer != peer || bytes.len() + more.len() > MERGE_LIMIT {
            return Err(more);
        }
        let added = self.text.decode(Direction::Rx, peer, &more);
        let mut joined = bytes::BytesMut::with_capacity(bytes.len() + more.len());
        joined.extend_from_slice(bytes);
        joined.extend_from_slice(&more);
        *bytes = joined.freeze();
        let mut joined_text = String::with_capacity(text.len() + added.len());
        joined_text.push_str(text);
        joined_text.push_str(&added);
        *text = Arc::from(joined_text);
        self.used = self.used - old_cost + entry.cost();
        // The entry's rows change; those before it do not.
        let shape = entry.shape();
        let rows = shape.rows(self.layout, || entry.text());
        let start = self
            .row_ends
            .len()
            .checked_sub(2)
            .and_then(|i| self.row_ends.get(i))
            .copied()
            .unwrap_or(self.row_base);
        if let Some(end) = self.row_ends.back_mut() {
            *end = start + rows;
        }
        if let Some(last_shape) = self.shapes.back_mut() {
            *last_shape = shape;
        }
        self.enforce_budget();
        Ok(())
    }

    /// The merge gap for TCP reads, if merging is on.
    pub fn merge_gap(&self) -> Option<std::time::Duration> {
        self.merge_gap
    }

    /// Sets the merge gap for TCP reads (see [`Log::received_read`]); `None` turns merging off.
    /// Entries already logged stay as they are.
    pub fn set_merge_gap(&mut self, gap: Option<std::time::Duration>) {
        self.merge_gap = gap;
    }

    /// Adds bytes sent at `time`, `by` the person or auto reply; each send is a whole message,
    /// decoded on its own.
    pub fn sent(&mut self, peer: SocketAddr, bytes: Bytes, by: SentBy, time: NaiveTime) {
        let annotation = match by {
            SentBy::Owner => {
                // The time to the peer's next data counts from here.
                self.last_send.insert(peer, time);
                None
            }
            SentBy::AutoReply => Some(Annotation::AutoReply),
        };
        self.data(Direction::Tx, peer, bytes, time, annotation);
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

    /// Forgets a peer's pending partial character (the peer is gone).
    pub fn peer_gone(&mut self, peer: SocketAddr) {
        self.text.streams.remove(&peer);
        self.last_send.remove(&peer);
    }

    /// Removes every entry and the dropped count.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.text.streams.clear();
        self.last_send.clear();
        self.shapes.clear();
        self.row_ends.clear();
        self.row_base = 0;
        self.used = 0;
        self.dropped = 0;
        self.found = None;
    }

    /// Switches the decoding and decodes every entry again, once, replaying each peer's stream.
    pub fn set_encoding(&mut self, encoding: TextEncoding) {
        if encoding == self.text.encoding {
            return;
        }
        self.text = TextDecoder::new(encoding);
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
            entry_rows(entry, self.layout, skip, count - out.len(), &mut out);
            skip = 0;
            index += 1;
        }
        out
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

    /// Rows of the raw text stream (log mode off): an entry's rows are its lines, except a
    /// first line that continues the row before; a row that ends an entry takes in the first
    /// lines of the entries that continue it.
    fn stream_rows(&self, first: u64, count: usize) -> Vec<Row<'_>> {
        let columns = self.layout.columns;
        let mut out = Vec::with_capacity(count);
        let (mut index, mut skip) = self.locate(first);
        while out.len() < count {
            let Some(entry) = self.entries.get(index) else {
                break;
            };
            let LogBody::Data { text, .. } = &entry.body else {
                index += 1;
                skip = 0;
                continue;
            };
            let segments: Vec<&str> = if text.is_empty() {
                Vec::new()
            } else {
                text_rows(text, columns).collect()
            };
            let first_owned = usize::from(entry.joins_previous);
            let mut next = index + 1;
            let mut owned = usize::try_from(skip).unwrap_or(usize::MAX) + first_owned;
            while owned < segments.len() && out.len() < count {
                let mut row = Cow::Borrowed(segments.get(owned).copied().unwrap_or(""));
                if owned + 1 == segments.len() {
                    next = self.join_following(index + 1, columns, &mut row);
                }
                out.push(Row::Text(row));
                owned += 1;
            }
            index = next;
            skip = 0;
        }
        out
    }

    /// Rows of the raw stream in hex (log mode off): each peer's reads in one direction run on
    /// as one stream, 16 bytes a row; a row belongs to the entry its first byte is in and takes
    /// the rest of its bytes from the entries that continue the stream.
    fn hex_stream_rows(&self, first: u64, count: usize) -> Vec<Row<'_>> {
        let mut out = Vec::with_capacity(count);
        let (mut index, skip) = self.locate(first);
        let mut skip = usize::try_from(skip).unwrap_or(usize::MAX);
        while out.len() < count {
            let Some(entry) = self.entries.get(index) else {
                break;
            };
            if let LogBody::Data { bytes, .. } = &entry.body {
                let start = entry.run_offset;
                let first_row = start.div_ceil(HEX_BYTES_PER_ROW).saturating_add(skip);
                let end_row = (start + bytes.len()).div_ceil(HEX_BYTES_PER_ROW);
                for row in first_row..end_row {
                    if out.len() == count {
                        break;
                    }
                    let offset = row * HEX_BYTES_PER_ROW;
                    let local = offset - start;
                    let row_bytes = match bytes.get(local..local + HEX_BYTES_PER_ROW) {
                        Some(whole) => Cow::Borrowed(whole),
                        None => Cow::Owned(self.gather_row(index, local)),
                    };
                    out.push(Row::Hex(offset, row_bytes));
                }
            }
            index += 1;
            skip = 0;
        }
        out
    }

    /// The bytes of a hex row that starts `local` bytes into entry `index` and runs on into
    /// the entries that continue its stream.
    fn gather_row(&self, index: usize, local: usize) -> Vec<u8> {
        let mut row = Vec::with_capacity(HEX_BYTES_PER_ROW);
        let mut from = local;
        for entry in self.entries.range(index..) {
            let LogBody::Data { bytes, .. } = &entry.body else {
                break;
            };
            if row.len() < HEX_BYTES_PER_ROW && (entry.run_offset > 0 || row.is_empty()) {
                let take = (HEX_BYTES_PER_ROW - row.len()).min(bytes.len().saturating_sub(from));
                row.extend_from_slice(bytes.get(from..from + take).unwrap_or_default());
                from = 0;
            } else {
                break;
            }
        }
        row
    }

    /// Appends to `row` the first lines of the entries from `index` on that continue it;
    /// returns the first entry with rows of its own left to show.
    fn join_following(&self, mut index: usize, columns: usize, row: &mut Cow<'_, str>) -> usize {
        while let Some(entry) = self.entries.get(index) {
            let LogBody::Data { text, .. } = &entry.body else {
                break;
            };
            if !entry.joins_previous {
                break;
            }
            let mut segments = text_rows(text, columns);
            if let Some(first) = segments.next() {
                row.to_mut().push_str(first);
            }
            if text.is_empty() || segments.next().is_none() {
                // Wholly taken into this row; the next entry may continue it too.
                index += 1;
            } else {
                // Its further lines are its own rows.
                return index;
            }
        }
        index
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
        let entry = LogEntry {
            time,
            body,
            joins_previous,
            run_offset,
            annotation,
        };
        self.used += entry.cost();
        let shape = entry.shape();
        let rows = shape.rows(self.layout, || entry.text());
        let end = self.row_ends.back().copied().unwrap_or(self.row_base) + rows;
        self.row_ends.push_back(end);
        self.shapes.push_back(shape);
        self.entries.push_back(entry);
        self.enforce_budget();
    }

    /// Drops the oldest entries until within budget; the newest entry always stays.
    fn enforce_budget(&mut self) {
        while self.used > self.budget && self.entries.len() > 1 {
            if let Some(entry) = self.entries.pop_front() {
                self.used -= entry.cost();
                self.dropped += 1;
            }
            self.shapes.pop_front();
            if let Some(end) = self.row_ends.pop_front() {
                self.row_base = end;
            }
        }
    }

    fn recount_rows(&mut self) {
        self.row_base = 0;
        // In place: there is one end per entry already.
        self.row_ends.resize(self.entries.len(), 0);
        let mut end = 0;
        for (index, (shape, row_end)) in self.shapes.iter().zip(&mut self.row_ends).enumerate() {
            end += shape.rows(self.layout, || {
                self.entries.get(index).map_or("", LogEntry::text)
            });
            *row_end = end;
        }
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

/// Text as the log draws it: line breaks kept (CR dropped, so CRLF and LF look alike), other
/// control characters shown as `·`, since they have no glyph and would otherwise vanish. The
/// hex view always shows the exact bytes. Always a copy of exactly the text's size, so the
/// buffer it was decoded into can be reused and the log keeps no spare room.
fn printable(text: &str, out: &mut String) -> Arc<str> {
    if !may_hold_control(text) {
        return Arc::from(text);
    }
    out.clear();
    if !may_hold_control_besides_cr(text) {
        // Text with CRLF line ends, as devices send it: only the CRs go, found at memchr's
        // pace, the lines between copied whole.
        let mut run = 0;
        for cr in memchr::memchr_iter(b'\r', text.as_bytes()) {
            out.push_str(text.get(run..cr).unwrap_or_default());
            run = cr + 1;
        }
        out.push_str(text.get(run..).unwrap_or_default());
        return Arc::from(out.as_str());
    }
    // Byte by byte, copying the runs in between whole: every byte that changes is ASCII or
    // the lead byte 0xC2 of a C1 control, so the runs end on character boundaries.
    let bytes = text.as_bytes();
    let mut run = 0;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let (len, shown) = match byte {
            b'\r' => (1, None),
            0x00..=0x1F if byte != b'\n' && byte != b'\t' => (1, Some('·')),
            0x7F => (1, Some('·')),
            0xC2 if matches!(bytes.get(at + 1), Some(0x80..=0x9F)) => (2, Some('·')),
            _ => {
                at += 1;
                continue;
            }
        };
        out.push_str(text.get(run..at).unwrap_or_default());
        out.extend(shown);
        at += len;
        run = at;
    }
    out.push_str(text.get(run..).unwrap_or_default());
    Arc::from(out.as_str())
}

/// Whether `text` has a byte that can start a control character other than a line break or a
/// tab: C0, DEL, or 0xC2, which starts the C1 controls (and common characters such as °).
/// Checked 64 bytes at a time without an early exit, which the compiler turns into vector
/// instructions: a char-by-char search was a fifth of the window's time in a flood.
fn may_hold_control(text: &str) -> bool {
    holds_any(text, |b| {
        (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7F || b == 0xC2
    })
}

/// [`may_hold_control`], not counting carriage returns.
fn may_hold_control_besides_cr(text: &str) -> bool {
    holds_any(text, |b| {
        (b < 0x20 && b != b'\n' && b != b'\t' && b != b'\r') || b == 0x7F || b == 0xC2
    })
}

/// Whether any byte of `text` is `suspect`, checked 64 bytes at a time without an early exit
/// inside a block, which the compiler turns into vector instructions.
fn holds_any(text: &str, suspect: impl Fn(u8) -> bool) -> bool {
    text.as_bytes()
        .chunks(64)
        .any(|chunk| chunk.iter().fold(false, |found, &b| found | suspect(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 1))
    }

    fn row_texts(log: &Log, first: u64, count: usize) -> Vec<String> {
        log.rows(first, count)
            .into_iter()
            .map(|row| match row {
                Row::Notice(_, notice) => format!("notice {notice:?}"),
                Row::Header(_) => "header".to_owned(),
                Row::Text(text) => format!("text {text}"),
                Row::Hex(offset, bytes) => format!("hex {offset} {}", bytes.len()),
            })
            .collect()
    }

    #[test]
    fn the_first_data_after_a_send_says_how_long_after_the_send_it_came() {
        let at = |ms: i64| {
            NaiveTime::from_hms_opt(12, 0, 0).unwrap() + chrono::TimeDelta::milliseconds(ms)
        };
        let other = SocketAddr::from(([127, 0, 0, 1], 2));
        let annotations =
            |log: &Log| -> Vec<_> { log.entries().iter().map(|e| e.annotation).collect() };
        let mut log = Log::default();
        log.sent(peer(), "READ".into(), SentBy::Owner, at(100));
        log.received(other, "not an answer".into(), at(105));
        log.received(peer(), "VAL".into(), at(112));
        log.received(peer(), "UE".into(), at(113));
        assert_eq!(
            annotations(&log),
            [
                None,
                None,
                Some(Annotation::SinceSend(std::time::Duration::from_millis(12))),
                None
            ]
        );
        let t = crate::i18n::Language::English.texts();
        let header = row_text(&Row::Header(&log.entries()[2]), t);
        assert_eq!(
            header,
            "[12:00:00.112] RX ← 127.0.0.1:1 (3 B) · 12.000 ms after the send"
        );
        let header = row_text(&Row::Header(&log.entries()[3]), t);
        assert_eq!(header, "[12:00:00.113] RX ← 127.0.0.1:1 (2 B)");

        // Auto reply answers what arrived; what arrives next is not an answer to it.
        log.received(peer(), "PING".into(), at(200));
        log.sent(peer(), "PONG".into(), SentBy::AutoReply, at(201));
        log.received(peer(), "PING".into(), at(1200));
        assert_eq!(
            annotations(&log)[4..],
            [None, Some(Annotation::AutoReply), None]
        );
        let header = row_text(&Row::Header(&log.entries()[5]), t);
        assert_eq!(header, "[12:00:00.201] TX → 127.0.0.1:1 (4 B) · auto reply");

        // A client that left, a Clear, or midnight in between: no figure rather than a wrong one.
        log.sent(peer(), "READ".into(), SentBy::Owner, at(300));
        log.peer_gone(peer());
        log.received(peer(), "a new client on the same port".into(), at(350));
        log.sent(peer(), "READ".into(), SentBy::Owner, at(400));
        log.clear();
        log.received(peer(), "after Clear".into(), at(401));
        let midnight = NaiveTime::from_hms_opt(23, 59, 59).unwrap();
        log.sent(peer(), "READ".into(), SentBy::Owner, midnight);
        log.received(peer(), "late".into(), NaiveTime::MIN);
        assert_eq!(annotations(&log), [None, None, None]);
        let mut log = Log::default();
        log.sent(peer(), "READ".into(), SentBy::Owner, at(300));
        log.peer_gone(peer());
        log.received(peer(), "a new client on the same port".into(), at(350));
        assert_eq!(annotations(&log), [None, None]);
    }

    #[test]
    fn reads_that_follow_within_the_merge_gap_join_one_entry() {
        let at = |ms: i64| {
            NaiveTime::from_hms_opt(12, 0, 0).unwrap() + chrono::TimeDelta::milliseconds(ms)
        };
        let other = SocketAddr::from(([127, 0, 0, 1], 2));
        let mut log = Log::default();
        log.set_encoding(TextEncoding::Gbk);
        log.set_merge_gap(Some(std::time::Duration::from_millis(50)));
        // "温度=25\n" in GBK, in three pieces, one split inside a character; each piece comes
        // within 50 ms of the one before, so the last is 70 ms after the first and still joins.
        let gbk = TextEncoding::Gbk.encode("温度=25\n").unwrap();
        log.received_read(peer(), Bytes::copy_from_slice(&gbk[..3]), at(0));
        log.received_read(peer(), Bytes::copy_from_slice(&gbk[3..6]), at(35));
        log.received_read(peer(), Bytes::copy_from_slice(&gbk[6..]), at(70));
        // Too late, another peer, or a datagram: entries of their own.
        log.received_read(peer(), "late\n".into(), at(200));
        log.received_read(other, "other\n".into(), at(210));
        log.received_read(peer(), "after other\n".into(), at(220));
        log.received(peer(), "datagram".into(), at(225));
        // Something logged in between ends the message too.
        log.sent(peer(), "READ".into(), SentBy::Owner, at(230));
        log.received_read(peer(), "answer".into(), at(235));
        let texts: Vec<_> = log.entries().iter().map(|e| e.text().to_owned()).collect();
        assert_eq!(
            texts,
            [
                "温度=25\n",
                "late\n",
                "other\n",
                "after other\n",
                "datagram",
                "READ",
                "answer"
            ]
        );
        let LogBody::Data { bytes, .. } = &log.entries()[0].body else {
            panic!("data");
        };
        assert_eq!(bytes[..], gbk[..], "the exact bytes");
        assert_eq!(log.entries()[0].time, at(0), "the first piece's time");
        // The rows and the memory count follow the merged entry: one header, one line.
        assert_eq!(row_texts(&log, 0, 3), ["header", "text 温度=25", "header"]);
        let mut fresh = Log::default();
        fresh.set_encoding(TextEncoding::Gbk);
        fresh.received(peer(), Bytes::from(gbk), at(0));
        assert_eq!(log.entries()[0].cost(), fresh.entries()[0].cost());
        let counted: usize = log.entries().iter().map(LogEntry::cost).sum();
        assert_eq!(log.used(), counted);
        assert_eq!(log.total_rows(), 7 * 2);
        // Kept up to date in place, as a full recount finds them, in every view.
        for (view, headers) in [
            (InputMode::Hex, true),
            (InputMode::Text, false),
            (InputMode::Hex, false),
        ] {
            log.set_layout(RowLayout {
                view,
                headers,
                columns: 4,
            });
            log.received_read(other, "1234".into(), at(300));
            log.received_read(other, "5678".into(), at(301));
            let kept = log.total_rows();
            log.recount_rows();
            assert_eq!(kept, log.total_rows(), "{view:?} headers {headers}");
        }

        // An entry stops growing at the limit; without a gap nothing merges.
        let mut log = Log::default();
        log.set_merge_gap(Some(std::time::Duration::from_millis(50)));
        for i in 0..3 {
            log.received_read(peer(), Bytes::from(vec![b'x'; MERGE_LIMIT / 2]), at(i));
        }
        assert_eq!(log.entries().len(), 2);
        log.set_merge_gap(None);
        log.received_read(peer(), "y".into(), at(3));
        assert_eq!(log.entries().len(), 3);
    }

    #[test]
    fn control_characters_become_visible_and_line_breaks_stay() {
        assert_eq!(
            &*printable("a\r\nb\x00\x07\tc\u{7f}", &mut String::new()),
            "a\nb··\tc·"
        );
        // C1 controls too; characters that merely share their first byte stay.
        assert_eq!(&*printable("25°C\u{85}", &mut String::new()), "25°C·");
        assert_eq!(&*printable("25°C ±1", &mut String::new()), "25°C ±1");
        // A control far into a long text, past the first block of bytes checked.
        let long = format!("{}\x1b[0m", "x".repeat(1000));
        assert_eq!(
            &*printable(&long, &mut String::new()),
            format!("{}·[0m", "x".repeat(1000))
        );
        assert_eq!(
            &*printable("plain\ttext\n", &mut String::new()),
            "plain\ttext\n"
        );
        // CRLF text, the common case, takes the quick path; the result is the same.
        let mut reused = String::from("left over");
        assert_eq!(
            &*printable("温度=25\r\nok\r\n\r", &mut reused),
            "温度=25\nok\n"
        );
        assert_eq!(&*printable("\r\r\r", &mut reused), "");
    }

    proptest::proptest! {
        #[test]
        fn printable_changes_exactly_the_control_characters(text in "\\PC*|[\\x00-\\x7f\\u{80}-\\u{a0}°é你]*") {
            let needs_change = |c: char| c.is_control() && c != '\n' && c != '\t';
            let expected: String = text
                .chars()
                .filter(|&c| c != '\r')
                .map(|c| if needs_change(c) { '·' } else { c })
                .collect();
            proptest::prop_assert_eq!(&*printable(&text, &mut String::new()), expected);
        }
    }

    #[test]
    fn rows_cover_every_line_in_text_and_hex_views() {
        let mut log = Log::default();
        log.notice(Notice::Closed("x".to_owned()), T0);
        log.received(peer(), Bytes::from_static(b"one\ntwo\nthree\n"), T0);
        log.received(peer(), Bytes::from(vec![0u8; 40]), T0);
        assert_eq!(log.total_rows(), 1 + 4 + 2);
        assert_eq!(
            row_texts(&log, 0, 100),
            [
                "notice Closed(\"x\")",
                "header",
                "text one",
                "text two",
                "text three",
                "header",
                "text ········································"
            ]
        );
        assert_eq!(row_texts(&log, 3, 2), ["text two", "text three"]);

        log.set_view(InputMode::Hex);
        assert_eq!(log.total_rows(), 1 + 2 + 4);
        assert_eq!(
            row_texts(&log, 4, 10),
            ["hex 0 16", "hex 16 16", "hex 32 8"]
        );
    }

    #[test]
    fn long_lines_continue_on_the_next_row() {
        let mut log = Log::default();
        let line = "x".repeat(TEXT_CHARS_PER_ROW * 2 + 3);
        log.received(peer(), Bytes::from(format!("{line}\nend")), T0);
        assert_eq!(log.total_rows(), 1 + 3 + 1);
        let rows = log.rows(1, 10);
        let lengths: Vec<usize> = rows
            .iter()
            .map(|row| match row {
                Row::Text(text) => text.chars().count(),
                _ => 0,
            })
            .collect();
        assert_eq!(lengths, [TEXT_CHARS_PER_ROW, TEXT_CHARS_PER_ROW, 3, 3]);
    }

    #[test]
    fn raw_mode_drops_headers_and_notices_and_wrapping_follows_the_columns() {
        let mut log = Log::default();
        log.notice(Notice::Closed("x".to_owned()), T0);
        log.received(peer(), Bytes::from_static(b"abcdefghij"), T0);
        log.set_layout(RowLayout {
            headers: false,
            columns: 4,
            ..RowLayout::default()
        });
        assert_eq!(
            row_texts(&log, 0, 10),
            ["text abcd", "text efgh", "text ij"]
        );
        log.set_layout(RowLayout::default());
        assert_eq!(log.total_rows(), 3);
    }

    #[test]
    fn without_log_mode_the_stream_continues_across_reads() {
        let other = SocketAddr::from(([127, 0, 0, 1], 2));
        let mut log = Log::default();
        for chunk in ["hel", "lo\nwor", "ld\n", "x"] {
            log.received(peer(), Bytes::from(chunk), T0);
        }
        log.received(other, Bytes::from_static(b"other"), T0);
        log.received(peer(), Bytes::from_static(b"y"), T0);
        log.set_layout(RowLayout {
            headers: false,
            ..RowLayout::default()
        });
        // Another peer's data starts its own line, and so does the first peer's after it.
        assert_eq!(
            row_texts(&log, 0, 10),
            ["text hello", "text world", "text x", "text other", "text y"]
        );
        assert_eq!(log.total_rows(), 5);
        assert_eq!(row_texts(&log, 1, 2), ["text world", "text x"]);
        assert_eq!(row_texts(&log, 4, 5), ["text y"]);

        // Half a GBK character held back decodes to nothing and joins nothing.
        let mut gbk = Log::default();
        gbk.set_encoding(TextEncoding::Gbk);
        gbk.set_layout(RowLayout {
            headers: false,
            ..RowLayout::default()
        });
        for chunk in [&b"a"[..], &[0xC4][..], &[0xE3, b'b'][..]] {
            gbk.received(peer(), Bytes::copy_from_slice(chunk), T0);
        }
        assert_eq!(row_texts(&gbk, 0, 5), ["text a你b"]);
    }

    #[test]
    fn without_log_mode_hex_runs_on_across_reads_of_one_stream() {
        let other = SocketAddr::from(([127, 0, 0, 1], 2));
        let mut log = Log::default();
        log.set_layout(RowLayout {
            view: InputMode::Hex,
            headers: false,
            ..RowLayout::default()
        });
        // 10 + 16 + 3 bytes of one stream: rows of 16, 13 (across three reads).
        log.received(peer(), Bytes::from_static(b"ABCDEFGHIJ"), T0);
        log.received(peer(), Bytes::from_static(b"KLMNOPQRSTUVWXYZ"), T0);
        log.received(peer(), Bytes::from_static(b"123"), T0);
        // Another peer starts its own run, at offset 0; so does the first peer after it.
        log.received(other, Bytes::from_static(b"other"), T0);
        log.received(peer(), Bytes::from_static(b"y"), T0);
        let rows = log.rows(0, 10);
        let shown: Vec<(usize, &[u8])> = rows
            .iter()
            .map(|row| match row {
                Row::Hex(offset, bytes) => (*offset, &bytes[..]),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            shown,
            [
                (0, &b"ABCDEFGHIJKLMNOP"[..]),
                (16, &b"QRSTUVWXYZ123"[..]),
                (0, &b"other"[..]),
                (0, &b"y"[..]),
            ]
        );
        assert_eq!(log.total_rows(), 4);
        // Rows from the middle: the one starting in the second read, and on.
        assert_eq!(row_texts(&log, 1, 2), ["hex 16 13", "hex 0 5"]);

        // Log mode keeps each read on its own, offsets from its start.
        log.set_layout(RowLayout {
            view: InputMode::Hex,
            ..RowLayout::default()
        });
        assert_eq!(
            row_texts(&log, 0, 4),
            ["header", "hex 0 10", "header", "hex 0 16"]
        );
    }

    #[test]
    fn raw_hex_rows_hold_every_byte_in_order_and_each_row_is_reachable_alone() {
        let other = SocketAddr::from(([127, 0, 0, 1], 2));
        let reads = proptest::collection::vec((proptest::bool::ANY, 1usize..40), 0..30);
        proptest::test_runner::TestRunner::default()
            .run(&reads, |reads| {
                let mut log = Log::default();
                log.set_layout(RowLayout {
                    view: InputMode::Hex,
                    headers: false,
                    ..RowLayout::default()
                });
                let mut sent = Vec::new();
                for (n, (first_peer, len)) in reads.iter().enumerate() {
                    let bytes: Vec<u8> = (0..*len).map(|i| (n * 40 + i).to_le_bytes()[0]).collect();
                    sent.extend_from_slice(&bytes);
                    let from = if *first_peer { peer() } else { other };
                    log.received(from, Bytes::from(bytes), T0);
                }
                let total = usize::try_from(log.total_rows()).unwrap();
                let rows = log.rows(0, total + 5);
                proptest::prop_assert_eq!(rows.len(), total);
                let mut shown = Vec::new();
                for (i, row) in rows.iter().enumerate() {
                    let Row::Hex(offset, bytes) = row else {
                        return Err(proptest::test_runner::TestCaseError::fail("not hex"));
                    };
                    proptest::prop_assert!(offset % HEX_BYTES_PER_ROW == 0);
                    proptest::prop_assert_eq!(&log.rows(i as u64, 1)[..], &rows[i..=i]);
                    shown.extend_from_slice(bytes);
                }
                proptest::prop_assert_eq!(shown, sent);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn raw_hex_rows_stay_whole_when_the_budget_drops_the_start_of_a_run() {
        let mut log = Log::with_budget(5_000);
        log.set_layout(RowLayout {
            view: InputMode::Hex,
            headers: false,
            ..RowLayout::default()
        });
        for i in 0..500u32 {
            log.received(peer(), Bytes::from(vec![(i % 251) as u8; 7]), T0);
        }
        assert!(log.dropped() > 0);
        let total = usize::try_from(log.total_rows()).unwrap();
        let rows = log.rows(0, total + 5);
        assert_eq!(rows.len(), total);
        // Every row but the last is full: the run goes on across the reads that are kept.
        for row in &rows[..total - 1] {
            let Row::Hex(_, bytes) = row else {
                panic!("{row:?}")
            };
            assert_eq!(bytes.len(), HEX_BYTES_PER_ROW);
        }
    }

    #[test]
    fn the_budget_drops_the_oldest_entries_and_counts_them() {
        let mut log = Log::with_budget(10_000);
        for i in 0..1_000u32 {
            log.received(peer(), Bytes::from(i.to_string().into_bytes()), T0);
        }
        assert!(log.used() <= 10_000, "used {}", log.used());
        assert_eq!(log.dropped() + log.entries().len() as u64, 1_000);
        assert!(log.dropped() > 0);
        // Rows stay consistent after dropping: the last row is the newest entry's text.
        let last = log.total_rows() - 1;
        assert_eq!(row_texts(&log, last, 1), ["text 999"]);
        assert_eq!(row_texts(&log, 0, 1), ["header"]);

        log.set_budget(usize::MAX);
        log.clear();
        assert_eq!((log.dropped(), log.total_rows(), log.used()), (0, 0, 0));
    }

    #[test]
    fn a_log_switched_to_an_encoding_shows_what_one_built_with_it_shows() {
        // Reads of two peers' streams in both directions, cut anywhere (through GBK and UTF-8
        // characters and line breaks), in every layout, merged or not: the rows after switching
        // encoding and layout are the rows of a log that had them from the start, every counted
        // row exists, and the counts kept as reads arrive (and merge) are those a recount finds.
        let pieces = proptest::collection::vec(
            (
                proptest::bool::ANY,
                proptest::bool::ANY,
                proptest::collection::vec(
                    proptest::sample::select(vec![0x41u8, 0x0A, 0xC4, 0xE3, 0xE4, 0xBD, 0xA0]),
                    0..24,
                ),
            ),
            0..24,
        );
        let layouts = (
            proptest::bool::ANY,
            proptest::bool::ANY,
            proptest::sample::select(vec![1usize, 3, 8, TEXT_CHARS_PER_ROW]),
            proptest::bool::ANY,
        );
        let mut runner = proptest::test_runner::TestRunner::default();
        runner
            .run(
                &(pieces, layouts),
                |(pieces, (hex, headers, columns, merge))| {
                    let layout = RowLayout {
                        view: if hex { InputMode::Hex } else { InputMode::Text },
                        headers,
                        columns,
                    };
                    let second = SocketAddr::from(([127, 0, 0, 1], 2));
                    let fill = |log: &mut Log| {
                        // All at once: with a gap, every read that follows one from its peer merges.
                        log.set_merge_gap(merge.then_some(std::time::Duration::from_millis(50)));
                        for (from_second, sent, bytes) in &pieces {
                            let who = if *from_second { second } else { peer() };
                            let bytes = Bytes::from(bytes.clone());
                            if *sent {
                                log.sent(who, bytes, SentBy::Owner, T0);
                            } else {
                                log.received_read(who, bytes, T0);
                            }
                        }
                    };
                    let mut switched = Log::default();
                    fill(&mut switched);
                    switched.set_encoding(TextEncoding::Gbk);
                    switched.set_layout(layout);

                    let mut built = Log::default();
                    built.set_encoding(TextEncoding::Gbk);
                    built.set_layout(layout);
                    fill(&mut built);

                    // Asking for more rows than there are gives all of them.
                    let all = |log: &Log| row_texts(log, 0, usize::MAX);
                    proptest::prop_assert_eq!(switched.total_rows(), built.total_rows());
                    proptest::prop_assert_eq!(all(&switched), all(&built));
                    proptest::prop_assert_eq!(all(&built).len() as u64, built.total_rows());
                    let kept = built.total_rows();
                    built.recount_rows();
                    proptest::prop_assert_eq!(kept, built.total_rows());
                    let counted: usize = built.entries().iter().map(LogEntry::cost).sum();
                    proptest::prop_assert_eq!(built.used(), counted);
                    Ok(())
                },
            )
            .unwrap();
    }
}

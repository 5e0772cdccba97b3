//! The data log: what arrived and what was sent, and what happened to the session.
//!
//! Two jobs, kept apart. [`Log`] analyses each peer's stream on intake: decoding state,
//! splitting into messages, merging reads, checking checksums, timing answers; it decides what
//! the entries are. [`Store`] keeps those entries within a byte budget (oldest go first, and
//! how many went is kept) and knows how many display rows each takes in the current view, so
//! the UI lays out only the rows on screen; the layout, the one-client filter and Find are
//! its. Save log writes a copy of the store on another thread.

use foldhash::HashMap;
use std::borrow::Cow;
use std::net::SocketAddr;

use bytes::Bytes;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::codec::{Checksum, ChecksumSpan, FrameCursor, Framing, InputMode, TextEncoding};
use crate::net::SentBy;

#[cfg(test)]
mod binary_tests;
mod check;
mod deferred;
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
mod pcap;
mod relayed;
mod scan;
mod shape;
mod split;
#[cfg(test)]
mod split_tests;
mod store;
mod stream_rows;
mod table;
mod text;
mod unshown;

pub use check::{CHECK_LIMIT, Check, CheckTally};
pub use export::{PrintOut, SavedLog, save_in_background, write_entry_lines};
pub use find::FindTally;
pub(crate) use find::Matcher;
pub use format::{ENTRY_LINE_BYTES, dropped_marker, entry_line, row_text};
pub use merge::{CONTINUE_REACH, MERGE_LIMIT};
pub use pcap::Wire;
pub use scan::{Carry, Decoding, text_head};
pub use store::Store;

/// The default memory budget for the log's contents.
pub const DEFAULT_LOG_BUDGET: usize = 64 << 20;

/// How much of the newest entries waiting to be measured a frame measures before their
/// elders, which it skips (see [`Store::skip_pending`]): a little more than a frame's slice
/// measures of random binary.
pub const FOLLOWED_BYTES: usize = 2 << 20;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Received from the peer.
    Rx,
    /// Sent to the peer.
    Tx,
}

/// One way of one peer's bytes that the log reads as a stream: what a peer sends, and what a
/// relay passes back to its client (see [`LogEntry::stream`]). Its characters and messages
/// run on across reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Stream {
    /// The peer (a relay's client).
    pub(super) peer: SocketAddr,
    /// Which way: `Rx` for what the peer sends.
    pub(super) direction: Direction,
}

impl Stream {
    /// What `peer` sends.
    pub(super) fn received(peer: SocketAddr) -> Self {
        Self {
            peer,
            direction: Direction::Rx,
        }
    }
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
    /// A relay connected a client to the upstream server.
    UpstreamConnected {
        /// The client.
        client: SocketAddr,
        /// Our end of the upstream connection.
        local: SocketAddr,
        /// The upstream server.
        upstream: SocketAddr,
    },
    /// One side of a relayed pair (named by its client) ended its sending, passed on; the
    /// way that ended.
    HalfClosed(SocketAddr, crate::net::Way),
    /// One side of a relayed pair (named by its client) reset, passed on; the way it went.
    ResetPassedOn(SocketAddr, crate::net::Way),
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
        /// Where the peer's stream stood before them, for decoding them as it continues: the
        /// text is decoded only for what is drawn, found or saved (see [`Store::text`]).
        carry: Carry,
        /// It went through a relay, whose received data is what a client sent on to the
        /// upstream server and whose sent data what went back (the header says so).
        relayed: bool,
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
    /// Written by a relay on the person's behalf, not passed on from the other side.
    Injected,
    /// What a relay's impairment did to a datagram: lost, sent twice, held back.
    Impaired(crate::net::Fate),
}

impl LogEntry {
    /// Whether its data is a whole message (a send), so that a character cut off by its end
    /// is broken off, not continued by a later entry as in a stream.
    pub(super) fn is_whole(&self) -> bool {
        self.stream().is_none()
    }

    /// The stream this entry's data is part of, if it is read as one: a peer's received
    /// data, and what a relay passed back to its client; not a send, nor what a relay wrote
    /// on the person's (or auto reply's) behalf, each a whole message.
    pub(super) fn stream(&self) -> Option<Stream> {
        let written_here = matches!(
            self.annotation,
            Some(Annotation::Injected | Annotation::AutoReply)
        );
        match &self.body {
            LogBody::Data {
                direction,
                peer,
                relayed,
                ..
            } => ((*direction == Direction::Rx || *relayed) && !written_here).then_some(Stream {
                peer: *peer,
                direction: *direction,
            }),
            LogBody::Notice(_) => None,
        }
    }

    /// Where the next read of `peer`'s stream in `direction` starts in the hex run, if it
    /// comes right after this entry: after this entry's bytes when it is of that stream, else
    /// a new run.
    fn stream_end(&self, direction: Direction, peer: SocketAddr) -> usize {
        self.stream_bytes(direction, peer)
            .map_or(0, |bytes| self.run_offset + bytes.len())
    }

    /// This entry's bytes when it is data of `peer`'s stream in `direction`.
    fn stream_bytes(&self, direction: Direction, peer: SocketAddr) -> Option<&Bytes> {
        match &self.body {
            LogBody::Data {
                direction: d,
                peer: p,
                bytes,
                ..
            } if *d == direction && *p == peer => Some(bytes),
            LogBody::Data { .. } | LogBody::Notice(_) => None,
        }
    }

    /// Memory the entry holds, as the budget counts it.
    fn cost(&self) -> usize {
        let payload = match &self.body {
            LogBody::Data { bytes, .. } => bytes.len(),
            LogBody::Notice(_) => 64,
        };
        // With what the store keeps beside each entry: its shape, row end and line start.
        size_of::<Self>() + 40 + payload
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

/// The log: stream analysis on intake (each peer's decoding, splitting, merging, checking,
/// response times) in front of the display [`Store`] of entries it makes.
#[derive(Debug)]
pub struct Log {
    /// The entries and how they are shown.
    store: Store,
    /// Where each peer's received stream stands after its last read, for decoding the next
    /// (a character cut across reads shows whole). Bounded as `PeerStreams` are.
    carries: HashMap<Stream, Carry>,
    /// When each peer was last sent data, until data from it comes; with the day (see
    /// [`Log::mark_day`]), so an answer just after midnight is still timed.
    last_send: HashMap<SocketAddr, NaiveDateTime>,
    /// A TCP read that comes within this time of the previous read from the same peer joins
    /// its entry; `None`: every read is an entry of its own.
    merge_gap: Option<std::time::Duration>,
    /// Where each peer's TCP stream last went, for its next read to continue.
    last_reads: HashMap<Stream, merge::LastRead>,
    /// Each peer's message under way while the display does not show it.
    unshown: HashMap<Stream, unshown::Unshown>,
    /// How TCP reads are cut into one entry per message; `None`: they are not (and the merge
    /// gap applies).
    framing: Option<Framing>,
    /// Where each peer's unfinished message stands, for `framing` (only peers with one under
    /// way). Kept whether the display shows the reads or not, and through Clear: a length
    /// field's count must not lose its place.
    cursors: HashMap<Stream, FrameCursor>,
    /// The checksum received entries are checked for (校验接收); `None` checks nothing.
    check: Checksum,
    /// What of a received message `check` covers, and where in it the checksum sits.
    check_span: ChecksumSpan,
    /// How many checked entries were right and wrong.
    check_tally: CheckTally,
    /// The date of the last date line since the log was cleared: a new day gets its own.
    day: Option<NaiveDate>,
    /// Data logged now goes through a relay (see [`LogBody::Data`]).
    relaying: bool,
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
            store: Store::with_budget(budget),
            carries: HashMap::default(),
            last_send: HashMap::default(),
            merge_gap: None,
            last_reads: HashMap::default(),
            unshown: HashMap::default(),
            framing: None,
            cursors: HashMap::default(),
            check: Checksum::None,
            check_span: ChecksumSpan::default(),
            check_tally: CheckTally::default(),
            day: None,
            relaying: false,
        }
    }

    /// The entries and how they are shown.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The entries, to change how they are shown (layout, filter, Find, budget).
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// A copy of the kept entries and how they are shown, to read on another thread (Save
    /// log); the streams' analysis stays here.
    #[must_use]
    pub fn snapshot(&self) -> Store {
        self.store.clone()
    }

    /// The encoding received text is decoded with.
    pub fn encoding(&self) -> TextEncoding {
        self.store.decoding().encoding
    }

    /// Adds a lifecycle line for something that happened at `time`.
    pub fn notice(&mut self, notice: Notice, time: NaiveTime) {
        let _ = self.push(LogBody::Notice(notice), time, None);
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
        let stream = Stream::received(peer);
        // Nothing read later continues a message that was whole.
        self.last_reads.remove(&stream);
        self.stream_piece(stream, bytes, time)
    }

    /// Adds bytes of `stream` that came at `time` as a new entry (see [`Log::received`]); for
    /// a peer's received data, the time since the last send to it when this is its first
    /// data since.
    fn stream_piece(
        &mut self,
        stream: Stream,
        bytes: Bytes,
        time: NaiveTime,
    ) -> Option<std::time::Duration> {
        let since_send = match stream.direction {
            Direction::Rx => self.since_send(stream.peer, time),
            Direction::Tx => None,
        };
        self.stream_data(stream, bytes, time, since_send.map(Annotation::SinceSend));
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
        self.whole_data(Direction::Tx, peer, bytes, time, annotation);
    }

    /// What a send by the person changes for the peer's next data: the time to it counts from
    /// here, and it is an answer, not more of what came before (a message not yet whole still
    /// is). Auto reply's sends answer the peer and change neither. [`Log::sent`] does this
    /// too; alone, it is for a send the display does not show, whose answer is still timed.
    pub fn note_send(&mut self, peer: SocketAddr, by: SentBy, time: NaiveTime) {
        if by == SentBy::Owner {
            self.last_send.insert(peer, self.on_this_day(time));
            let stream = Stream::received(peer);
            if self.last_reads.get(&stream).is_some_and(|last| !last.open) {
                self.last_reads.remove(&stream);
            }
        }
    }

    /// Adds bytes of `stream`, decoded as a continuation of what came before in it.
    fn stream_data(
        &mut self,
        stream: Stream,
        bytes: Bytes,
        time: NaiveTime,
        annotation: Option<Annotation>,
    ) {
        let carry = self.carries.get(&stream).copied().unwrap_or_default();
        let after = self.push(
            LogBody::Data {
                direction: stream.direction,
                peer: stream.peer,
                bytes,
                carry,
                relayed: self.relaying,
            },
            time,
            annotation,
        );
        // Most reads end between characters as the one before did: nothing to note.
        if after != carry {
            self.carry_on(stream, after);
        }
    }

    /// Adds bytes that are a whole message of their own (a send), decoded on their own; a
    /// relay's are written by it on the person's behalf, as the header says.
    fn whole_data(
        &mut self,
        direction: Direction,
        peer: SocketAddr,
        bytes: Bytes,
        time: NaiveTime,
        annotation: Option<Annotation>,
    ) {
        let annotation = if self.relaying {
            annotation.or(Some(Annotation::Injected))
        } else {
            annotation
        };
        // Written between the reads of a stream the same way, it ends that stream's entry:
        // what comes next is shown after it, as it went.
        self.last_reads.remove(&Stream { peer, direction });
        let body = LogBody::Data {
            direction,
            peer,
            bytes,
            carry: Carry::START,
            relayed: self.relaying,
        };
        let _ = self.push(body, time, annotation);
    }

    /// Notes where `stream` stands now.
    pub(super) fn carry_on(&mut self, stream: Stream, carry: Carry) {
        if self.carries.len() >= crate::codec::MAX_PEER_STREAMS
            && !self.carries.contains_key(&stream)
        {
            // Ever new peers (a UDP socket hearing from new ports): those in the middle of a
            // character stay; a forgotten one's next read starts afresh.
            self.carries
                .retain(|_, carry| *carry != Carry::CLEAN && *carry != Carry::START);
            if self.carries.len() >= crate::codec::MAX_PEER_STREAMS / 2 {
                self.carries.clear();
            }
        }
        self.carries.insert(stream, carry);
    }

    /// Forgets a peer's pending partial character, unfinished message and last send (the peer
    /// is gone).
    pub fn peer_gone(&mut self, peer: SocketAddr) {
        self.last_send.remove(&peer);
        // Both ways of a relay's client.
        for direction in [Direction::Rx, Direction::Tx] {
            let stream = Stream { peer, direction };
            self.carries.remove(&stream);
            self.last_reads.remove(&stream);
            self.unshown.remove(&stream);
            self.cursors.remove(&stream);
        }
    }

    /// Forgets every peer's stream, as [`Log::peer_gone`] does for one: the session closed,
    /// and a new connection to the same address starts afresh.
    pub fn connections_ended(&mut self) {
        self.carries.clear();
        self.last_send.clear();
        self.last_reads.clear();
        self.unshown.clear();
        self.cursors.clear();
    }

    /// Removes every entry and the dropped count; each peer's stream starts afresh, except
    /// where its unfinished message stands (a length field's count must not lose its place).
    pub fn clear(&mut self) {
        self.store.clear();
        self.carries.clear();
        self.last_send.clear();
        self.last_reads.clear();
        self.unshown.clear();
        self.day = None;
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
        self.store.decoding().escapes
    }

    /// Turns escapes on or off, decoding every entry again as [`Log::set_encoding`] does.
    pub fn set_escapes(&mut self, escapes: bool) {
        self.set_decoding(self.encoding(), escapes);
    }

    fn set_decoding(&mut self, encoding: TextEncoding, escapes: bool) {
        if encoding == self.encoding() && escapes == self.escapes() {
            return;
        }
        self.carries = self.store.set_decoding(Decoding { encoding, escapes });
    }

    /// Adds an entry of `body` at `time`, checked if it is received data; where its stream
    /// stands after it.
    fn push(&mut self, body: LogBody, time: NaiveTime, annotation: Option<Annotation>) -> Carry {
        let mut entry = self.store.new_entry(body, time, annotation);
        entry.check = self.check_of(&entry);
        self.check_tally.count(entry.check, true);
        self.store.push(entry)
    }
}

#[cfg(test)]
mod tests;

//! Splitting TCP reads into messages: one entry per message, however TCP cut the stream.
//!
//! TCP delivers a byte stream, not messages: two lines a device sent apart can come in one
//! read, and one line in two. With a [`Framing`] set (a delimiter, a length field, a fixed
//! size), the log cuts each peer's stream where its messages end instead, so every line or
//! frame is an entry of its own.

use bytes::Bytes;
use chrono::NaiveTime;

use super::{Log, LogBody, Stream};
use crate::codec::Framing;

impl Log {
    /// Adds a TCP read with splitting on, given where messages end in it (see [`Log::cut`]):
    /// the first piece completes this peer's unfinished entry (wherever other peers' entries
    /// have put it, within [`super::CONTINUE_REACH`]), and a last piece that ends no message
    /// stays open for the next read. When `continues`, the read begins with the rest of a
    /// message from earlier reads: if its entry cannot take it, that rest is an entry marked
    /// as such (see [`super::LogEntry::continues_message`]).
    pub(super) fn received_split(
        &mut self,
        stream: Stream,
        bytes: &Bytes,
        time: NaiveTime,
        mut ends: Vec<usize>,
        continues: bool,
    ) -> Option<std::time::Duration> {
        let open = self
            .last_reads
            .get(&stream)
            .filter(|last| last.open)
            .and_then(|last| self.continuable(last.entry));
        let complete = ends.last() == Some(&bytes.len());
        if !complete && !bytes.is_empty() {
            ends.push(bytes.len());
        }
        let pieces = ends.len();
        let mut new_entries = false;
        let mut since_send = None;
        let mut start = 0;
        for (i, end) in ends.into_iter().enumerate() {
            let piece = bytes.slice(start..end);
            start = end;
            // The last piece is a message still under way, unless the read ended one.
            let open_piece = i + 1 == pieces && !complete;
            if piece.is_empty() {
                // A stray piece ended right where the read began (see `Framing::start`).
                if let Some(index) = open.filter(|_| i == 0) {
                    self.judge_frame_start(index, false);
                }
                continue;
            }
            let piece = match open.filter(|_| i == 0) {
                Some(index) => match self.merge_into(index, stream, piece) {
                    Ok(()) => {
                        self.judge_frame_start(index, open_piece);
                        if pieces == 1 {
                            // Still the same message, in the same entry.
                            if let Some(last) = self.last_reads.get_mut(&stream) {
                                last.open = !complete;
                                last.time = time;
                            }
                        }
                        continue;
                    }
                    Err(piece) => piece,
                },
                None => piece,
            };
            if let Some(after) = self.stream_piece(stream, piece, time) {
                since_send.get_or_insert(after);
            }
            let index = self.store.entries().len().saturating_sub(1);
            if i == 0 && continues {
                self.mark_continuation(index);
            }
            self.judge_frame_start(index, open_piece);
            new_entries = true;
        }
        if new_entries {
            // Once per read, not per message: a read can hold thousands of lines.
            self.note_read(stream, time, !complete);
        }
        since_send
    }

    /// Marks the entry at `index`, just added, as the rest of a message: not checked, and
    /// not counted in the tally.
    fn mark_continuation(&mut self, index: usize) {
        if let Some(entry) = self.store.mark(index) {
            entry.continues_message = true;
            self.check_tally.count(entry.check.take(), false);
        }
    }

    /// Marks whether the entry at `index`, a message or part of one (`open`: more may come),
    /// misses the frame start (see [`super::LogEntry::misses_frame_start`]).
    fn judge_frame_start(&mut self, index: usize, open: bool) {
        let framing = self.framing.as_ref();
        if let Some(entry) = self.store.mark(index) {
            let streamed = entry.stream().is_some();
            entry.misses_frame_start = !entry.continues_message
                && match &entry.body {
                    LogBody::Data { bytes, .. } if streamed => {
                        framing.is_some_and(|framing| framing.misses_start(bytes, open))
                    }
                    LogBody::Data { .. } | LogBody::Notice(_) => false,
                };
        }
    }

    /// Where messages end in `bytes`, `peer`'s next TCP read (the offset just after each), as
    /// the framing cuts its stream; empty with splitting off. Every read goes through here,
    /// shown or not, so the peer's cursor keeps its place.
    pub(super) fn cut(&mut self, stream: Stream, bytes: &[u8]) -> Vec<usize> {
        let Some(framing) = &self.framing else {
            return Vec::new();
        };
        let cursor = self.cursors.entry(stream).or_default();
        let ends = cursor.cut(framing, bytes);
        if cursor.is_idle() {
            // Thousands of clients between messages keep nothing.
            self.cursors.remove(&stream);
        }
        ends
    }

    /// How TCP reads are split into messages, if they are.
    pub fn framing(&self) -> Option<&Framing> {
        self.framing.as_ref()
    }

    /// Splits TCP reads into messages (see [`Log::received_read`]); `None` turns splitting
    /// off. Entries already logged stay as they are; each peer's next read starts a message.
    pub fn set_framing(&mut self, framing: Option<Framing>) {
        if framing != self.framing {
            self.framing = framing;
            // Entries cut the old way are not continued the new way.
            self.last_reads.clear();
            self.unshown.clear();
            self.cursors.clear();
            for index in 0..self.store.entries().len() {
                self.judge_frame_start(index, false);
            }
            // What a whole message is, and where its checksum sits, changed.
            if self.check != crate::codec::Checksum::None {
                self.check_again();
            }
        }
    }

    /// Splits TCP reads after `delimiter` (see [`Log::set_framing`]); `None` or an empty
    /// delimiter turns splitting off. For tests and the fuzz target's operations; the window
    /// goes through [`crate::workspace::SessionState::apply_split`].
    #[cfg(any(test, feature = "arbitrary"))]
    pub fn set_split_at(&mut self, delimiter: Option<Bytes>) {
        let delimiter = delimiter.filter(|d| !d.is_empty());
        self.set_framing(delimiter.map(Framing::Delimiter));
    }
}

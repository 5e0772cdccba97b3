//! Continuing entries with TCP reads: the pieces of one message from a peer show as one entry,
//! whether they are joined by time (the merge gap) or by splitting (see `split.rs`), and
//! however the reads of other peers interleave with them.

use std::net::SocketAddr;

use bytes::Bytes;
use chrono::NaiveTime;

use super::{Log, LogBody, Stream};

/// The largest entry that reads are merged into (see [`Log::set_merge_gap`]): each merge
/// copies the entry, so it stays small, and a message from a device is smaller still.
pub const MERGE_LIMIT: usize = 8 * 1024;

/// How far back (in entries) a peer's read may still continue its entry: the rows of every
/// entry after it move, so the cost of a continuation stays bounded when thousands of clients
/// interleave.
pub const CONTINUE_REACH: usize = 1024;

/// Where a peer's TCP stream last went in the log, so its next read can continue that entry.
#[derive(Debug, Clone, Copy)]
pub(super) struct LastRead {
    /// The entry, counted from the first entry ever kept (as Find counts), so it stays put as
    /// old entries are dropped.
    pub(super) entry: u64,
    /// When the read came.
    pub(super) time: NaiveTime,
    /// With splitting on: the entry's message is not whole yet.
    pub(super) open: bool,
}

impl Log {
    /// Adds a TCP read that came at `time`. With a merge gap set, a read that follows the
    /// previous read from the same peer within the gap joins that read's entry (up to
    /// [`MERGE_LIMIT`] bytes), even when other peers' data was logged in between: the pieces
    /// of one message from a serial-to-network module show as one entry with one header. A
    /// send to the peer ends its entry, so an answer shows apart from what came before.
    ///
    /// With splitting on (see [`Log::set_framing`]), reads are cut into messages instead and
    /// the merge gap does not apply.
    ///
    /// Returns the time since the last send to the peer when this read starts the first entry
    /// after it.
    pub fn received_read(
        &mut self,
        peer: SocketAddr,
        bytes: Bytes,
        time: NaiveTime,
    ) -> Option<std::time::Duration> {
        self.stream_read(Stream::received(peer), bytes, time)
    }

    /// [`Log::received_read`] for any stream (a relay's way back to its client too).
    pub(super) fn stream_read(
        &mut self,
        stream: Stream,
        bytes: Bytes,
        time: NaiveTime,
    ) -> Option<std::time::Duration> {
        // Whether this read begins with the rest of a message from earlier reads.
        let mid_message = self
            .cursors
            .get(&stream)
            .is_some_and(crate::codec::FrameCursor::in_message);
        let ends = self.cut(stream, &bytes);
        let (bytes, time, before) = match self.take_unshown(stream) {
            // The display is back mid-message: the message shows whole, from its start.
            Some((start, began)) => {
                let mut whole = bytes::BytesMut::with_capacity(start.len() + bytes.len());
                whole.extend_from_slice(&start);
                whole.extend_from_slice(&bytes);
                (whole.freeze(), began, start.len())
            }
            None => (bytes, time, 0),
        };
        if self.framing.is_some() {
            // The start of the message ends no message.
            let ends = ends.into_iter().map(|end| before + end).collect();
            let continues = mid_message && before == 0;
            return self.received_split(stream, &bytes, time, ends, continues);
        }
        let follows = self.merge_gap.and_then(|gap| {
            let last = self.last_reads.get(&stream)?;
            let since = (time - last.time).to_std().ok()?;
            (since <= gap).then_some(last.entry)
        });
        let bytes = match follows.and_then(|entry| self.continuable(entry)) {
            Some(index) => match self.merge_into(index, stream, bytes) {
                Ok(()) => {
                    if let Some(last) = self.last_reads.get_mut(&stream) {
                        last.time = time;
                    }
                    return None;
                }
                Err(bytes) => bytes,
            },
            None => bytes,
        };
        let since_send = self.stream_piece(stream, bytes, time);
        self.note_read(stream, time, false);
        since_send
    }

    /// Remembers that `stream`'s last read went to the newest entry.
    pub(super) fn note_read(&mut self, stream: Stream, time: NaiveTime, open: bool) {
        let entry = self.store.next_number().saturating_sub(1);
        self.last_reads
            .insert(stream, LastRead { entry, time, open });
    }

    /// The index of `entry` (counted as [`LastRead::entry`]) if it is kept and within
    /// [`CONTINUE_REACH`] of the newest entry.
    pub(super) fn continuable(&self, entry: u64) -> Option<usize> {
        let index = self.store.index_of(entry)?;
        (self.store.entries().len() - index <= CONTINUE_REACH).then_some(index)
    }

    /// Appends `more` of `stream` to the entry at `index` if it is data of `stream` with room
    /// for it; gives `more` back otherwise.
    pub(super) fn merge_into(
        &mut self,
        index: usize,
        stream: Stream,
        more: Bytes,
    ) -> Result<(), Bytes> {
        let fits = self.store.entries().get(index).is_some_and(|entry| {
            entry.stream() == Some(stream)
                && matches!(&entry.body, LogBody::Data { bytes, .. }
                    if bytes.len() + more.len() <= MERGE_LIMIT)
        });
        if !fits {
            return Err(more);
        }
        let (kind, span, framing) = (self.check, self.check_span, self.framing.as_ref());
        let checks = self.store.change(index, |entry| {
            let LogBody::Data { bytes, .. } = &mut entry.body else {
                return None;
            };
            let mut joined = bytes::BytesMut::with_capacity(bytes.len() + more.len());
            joined.extend_from_slice(bytes);
            joined.extend_from_slice(&more);
            *bytes = joined.freeze();
            // The message grew: its checksum is the one at its new end.
            let new_check = if entry.continues_message {
                None
            } else {
                super::check::check(kind, span, bytes, framing)
            };
            Some((std::mem::replace(&mut entry.check, new_check), new_check))
        });
        if let Some((checks, after)) = checks {
            self.carry_on(stream, after);
            if let Some((old_check, new_check)) = checks {
                self.check_tally.count(old_check, false);
                self.check_tally.count(new_check, true);
            }
        }
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
}

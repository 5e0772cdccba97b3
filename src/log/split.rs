//! Splitting TCP reads at a delimiter: one entry per message, however TCP cut the stream.
//!
//! TCP delivers a byte stream, not messages: two lines a device sent apart can come in one
//! read, and one line in two. With a delimiter set, the log cuts the stream after each
//! delimiter instead, so every line (or frame ending in `\x03`, or …) is an entry of its own.

use std::net::SocketAddr;

use bytes::Bytes;
use chrono::NaiveTime;

use super::{Direction, Log, LogBody};

impl Log {
    /// Adds a TCP read with splitting on: the read is cut after each `delimiter`, the first
    /// piece completes this peer's unfinished entry (wherever other peers' entries have put it,
    /// within [`super::CONTINUE_REACH`]), and a last piece without a delimiter stays open for
    /// the next read.
    pub(super) fn received_split(
        &mut self,
        peer: SocketAddr,
        bytes: &Bytes,
        time: NaiveTime,
        delimiter: &[u8],
    ) -> Option<std::time::Duration> {
        let open = self
            .last_reads
            .get(&peer)
            .filter(|last| last.open)
            .and_then(|last| self.continuable(last.entry));
        let carried = open.map_or_else(Bytes::new, |index| {
            self.unfinished_tail(index, peer, delimiter.len())
        });
        let mut ends = frame_ends(&carried, bytes, delimiter);
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
            let piece = match open.filter(|_| i == 0) {
                Some(index) => match self.merge_into(index, peer, piece) {
                    Ok(()) => {
                        if pieces == 1 {
                            // Still the same message, in the same entry.
                            if let Some(last) = self.last_reads.get_mut(&peer) {
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
            if let Some(after) = self.received_piece(peer, piece, time) {
                since_send.get_or_insert(after);
            }
            new_entries = true;
        }
        if new_entries {
            // Once per read, not per message: a read can hold thousands of lines.
            self.note_read(peer, time, !complete);
        }
        since_send
    }

    /// The last bytes (fewer than the delimiter's length) of the entry at `index`, if it is
    /// data from `peer`: where a delimiter cut in two by TCP begins.
    fn unfinished_tail(&self, index: usize, peer: SocketAddr, delimiter_len: usize) -> Bytes {
        match self.entries.get(index).map(|entry| &entry.body) {
            Some(LogBody::Data {
                direction: Direction::Rx,
                peer: entry_peer,
                bytes,
                ..
            }) if *entry_peer == peer => {
                let keep = bytes.len().min(delimiter_len.saturating_sub(1));
                bytes.slice(bytes.len() - keep..)
            }
            _ => Bytes::new(),
        }
    }

    /// The delimiter TCP reads are split at, if splitting is on.
    pub fn split_at(&self) -> Option<&[u8]> {
        self.split_at.as_deref()
    }

    /// Splits TCP reads after `delimiter` (see [`Log::received_read`]); `None` or an empty
    /// delimiter turns splitting off. Entries already logged stay as they are.
    pub fn set_split_at(&mut self, delimiter: Option<Bytes>) {
        let delimiter = delimiter.filter(|d| !d.is_empty());
        if delimiter != self.split_at {
            self.split_at = delimiter;
            // Entries cut the old way are not continued the new way.
            self.last_reads.clear();
            self.unshown.clear();
            // A checksum sits before the delimiter.
            if self.check != crate::codec::Checksum::None {
                self.check_again();
            }
        }
    }
}

/// Where messages end in `bytes` (the offset just after each delimiter), given the `carried`
/// end of the unfinished message before it, which may hold the start of a delimiter.
pub(super) fn frame_ends(carried: &[u8], bytes: &[u8], delimiter: &[u8]) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut from = 0;
    if !carried.is_empty() {
        // `carried` is shorter than the delimiter, so a delimiter found here starts in it and
        // ends in `bytes`.
        let take = bytes.len().min(delimiter.len().saturating_sub(1));
        let mut seam = Vec::with_capacity(carried.len() + take);
        seam.extend_from_slice(carried);
        seam.extend_from_slice(bytes.get(..take).unwrap_or_default());
        if let Some(at) = memchr::memmem::find(&seam, delimiter) {
            from = at + delimiter.len() - carried.len();
            ends.push(from);
        }
    }
    let rest = bytes.get(from..).unwrap_or_default();
    ends.extend(memchr::memmem::find_iter(rest, delimiter).map(|at| from + at + delimiter.len()));
    ends
}

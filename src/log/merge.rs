//! Merging TCP reads: the pieces of one message that arrive within a gap show as one entry.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use chrono::NaiveTime;

use super::{Direction, Log, LogBody};

/// The largest entry that reads are merged into (see [`Log::set_merge_gap`]): each merge
/// copies the entry, so it stays small, and a message from a device is smaller still.
pub const MERGE_LIMIT: usize = 8 * 1024;

impl Log {
    /// Adds a TCP read that came at `time`. With a merge gap set, a read that follows the
    /// previous read from the same peer within the gap, with nothing logged in between, joins
    /// that read's entry (up to [`MERGE_LIMIT`] bytes): the pieces of one message from a
    /// serial-to-network module show as one entry with one header.
    ///
    /// With a delimiter set (see [`Log::set_split_at`]), reads are cut into messages at the
    /// delimiter instead and the merge gap does not apply.
    ///
    /// Returns the time since the last send to the peer when this read starts the first entry
    /// after it.
    pub fn received_read(
        &mut self,
        peer: SocketAddr,
        bytes: Bytes,
        time: NaiveTime,
    ) -> Option<std::time::Duration> {
        if let Some(delimiter) = self.split_at.clone() {
            return self.received_split(peer, &bytes, time, &delimiter);
        }
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
    pub(super) fn merge_into_last(&mut self, peer: SocketAddr, more: Bytes) -> Result<(), Bytes> {
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
        // The message grew: its checksum is the one at its new end.
        let new_check = super::check::check(self.check, bytes, self.split_at.as_deref());
        let mut joined_text = String::with_capacity(text.len() + added.len());
        joined_text.push_str(text);
        joined_text.push_str(&added);
        *text = Arc::from(joined_text);
        self.used = self.used - old_cost + entry.cost();
        self.check_tally.count(entry.check, false);
        self.check_tally.count(new_check, true);
        entry.check = new_check;
        // The entry's rows change; those before it do not.
        let shape = entry.shape();
        let rows = if super::filter::hidden(self.show_only, entry) {
            0
        } else {
            shape.rows(self.layout, || entry.text())
        };
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

    /// Notes a TCP read from `peer` that is not logged (the display is paused or hides
    /// received data): the next read from it starts an entry of its own, as what joined them
    /// is missing from the log.
    pub fn skipped_read(&mut self, peer: SocketAddr) {
        if self.last_read.is_some_and(|(last, _)| last == peer) {
            self.last_read = None;
        }
        if self.open_frame == Some(peer) {
            self.open_frame = None;
        }
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

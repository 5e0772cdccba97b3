//! Measuring what comes in a flood later than it comes: entries wait to be measured until
//! the frame has taken in what came, the newest first when more came than a frame measures,
//! and those the budget drops before their turn are never measured (see
//! [`Store::defer_measuring`]).

use std::time::Instant;

use super::shape::LineStart;
use super::store::{measure, shape_of, skipped_shape};
use super::{LogEntry, Store};

impl Store {
    /// Whether new entries wait to be measured by [`Store::measure_pending`] instead of being
    /// measured as they come: a flood's intake then costs little more than a copy, and
    /// entries the budget drops before anyone sees them are never measured at all. Until they
    /// are, they take no rows (the view shows the entries before them).
    pub fn defer_measuring(&mut self, deferring: bool) {
        self.deferring = deferring;
    }

    /// Entries not measured yet: waiting or skipped (see [`Store::defer_measuring`] and
    /// [`Store::skip_pending`]).
    pub fn unmeasured_entries(&self) -> usize {
        self.pending() + self.skipped.len()
    }

    /// Entries at the end not measured yet (see [`Store::defer_measuring`]).
    pub fn pending(&self) -> usize {
        self.entries.len() - self.row_ends.len()
    }

    /// Measures waiting entries, oldest first, until `deadline` (all of them for `None`);
    /// whether none is left.
    pub fn measure_pending(&mut self, deadline: Option<Instant>) -> bool {
        while !self.measure_one_pending() {
            if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                return false;
            }
        }
        true
    }

    /// In log mode, with more waiting to be measured than the newest `keep` bytes: skips the
    /// older ones, so that the entries measured next are the newest (those a log following its
    /// end shows) rather than ones the budget is about to drop. A skipped entry takes no rows
    /// in the text view until [`Store::measure_skipped`] reads it. In the raw stream, where an
    /// entry's line may go on from the one before, nothing is skipped.
    pub fn skip_pending(&mut self, keep: usize) {
        if !self.layout.headers {
            return;
        }
        let mut first_kept = self.entries.len();
        let mut kept = 0;
        while first_kept > self.row_ends.len() {
            let cost = self.entries.get(first_kept - 1).map_or(0, LogEntry::cost);
            if kept + cost > keep {
                break;
            }
            kept += cost;
            first_kept -= 1;
        }
        for index in self.row_ends.len()..first_kept {
            let Some(entry) = self.entries.get(index) else {
                break;
            };
            let shape = skipped_shape(entry);
            let rows = self.rows_at(index, &shape, LineStart::default(), 0);
            if shape.is_skipped() {
                let number = self.dropped + index as u64;
                self.skipped.push_back(number);
                self.newest_skipped = Some(number);
            }
            self.append_counted(shape, LineStart::default(), rows);
            self.tail = LineStart::default();
        }
    }

    /// Reads skipped entries (see [`Store::skip_pending`]), newest first, until `deadline`
    /// (all of them for `None`); whether none is left.
    pub fn measure_skipped(&mut self, deadline: Option<Instant>) -> bool {
        if !self.measures_text() {
            // Their hex rows are known; the text waits for the text view.
            return self.skipped.is_empty();
        }
        // The rows each entry read now adds, by index, for one pass over the ends after it.
        let mut added: Vec<(usize, u64)> = Vec::new();
        while let Some(&number) = self.skipped.back() {
            if !added.is_empty() && deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                break;
            }
            self.skipped.pop_back();
            let Some(index) = self.index_of(number) else {
                continue;
            };
            let Some(entry) = self.entries.get(index) else {
                continue;
            };
            let (summary, _) = measure(self.decoding, entry, self.measuring_step());
            let shape = shape_of(entry, &summary);
            // In log mode, the only one that skips: rows do not depend on the line's start.
            let rows = self.rows_at(
                index,
                &shape,
                LineStart::default(),
                summary.rows_after_first_line,
            );
            if let Some(old) = self.shapes.get_mut(index) {
                *old = shape;
            }
            added.push((index, rows));
        }
        added.sort_unstable();
        let mut more = 0;
        let mut next = added.iter().peekable();
        let from = added
            .first()
            .map_or(self.row_ends.len(), |&(index, _)| index);
        for (index, end) in self.row_ends.iter_mut().enumerate().skip(from) {
            while let Some(&&(at, rows)) = next.peek()
                && at == index
            {
                more += rows;
                next.next();
            }
            *end += more;
        }
        self.skipped.is_empty()
    }

    /// Measures every entry that waits or was skipped.
    pub fn measure_all(&mut self) {
        self.measure_pending(None);
        self.measure_skipped(None);
    }

    /// Measures the oldest waiting entry, if any; whether none is left.
    pub fn measure_one_pending(&mut self) -> bool {
        if self.pending() > 0 {
            self.count_entry(self.row_ends.len());
        }
        self.pending() == 0
    }
}

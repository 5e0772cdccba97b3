//! The display store: the entries the log made, within a memory budget, and the rows they
//! take in the current view. Only what is drawn is laid out; the stream analysis in front of
//! it (`Log`) decides what the entries are.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{NaiveDate, NaiveTime};

use super::shape::text_rows;
use super::shape::{LineStart, RowShape};
use super::{
    Annotation, Direction, HEX_BYTES_PER_ROW, LogBody, LogEntry, Notice, Row, RowLayout, filter,
};
use crate::codec::InputMode;

/// The entries kept and how they are shown: layout, filter, Find.
#[derive(Debug, Clone)]
pub struct Store {
    pub(super) entries: VecDeque<LogEntry>,
    pub(super) layout: RowLayout,
    pub(super) budget: usize,
    pub(super) used: usize,
    pub(super) dropped: u64,
    /// The entry Find found last, counted as [`Store::next_number`] counts.
    pub(super) found: Option<u64>,
    /// What each entry's row count depends on, one per entry, apart from the entries so a
    /// recount reads little memory.
    pub(super) shapes: VecDeque<RowShape>,
    /// Where each entry's text starts on its line of the raw text stream, one per entry
    /// (column 0 for one that does not join the line before), kept with the shapes.
    pub(super) line_starts: VecDeque<LineStart>,
    /// Cumulative rows up to the end of each entry, counted from `row_base`.
    pub(super) row_ends: VecDeque<u64>,
    /// Rows that belonged to entries since dropped.
    pub(super) row_base: u64,
    /// The date of the last date line the budget dropped: the day the first kept entries are
    /// on, until a date line kept says otherwise.
    pub(super) dropped_day: Option<NaiveDate>,
    /// Only this peer's data is shown (lifecycle lines all are); `None`: everything.
    pub(super) show_only: Option<SocketAddr>,
    /// Whether each entry is hidden by `show_only`, one per entry while it is set (empty
    /// otherwise), so a recount reads no entries.
    pub(super) hidden: VecDeque<bool>,
}

impl Default for Store {
    fn default() -> Self {
        Self::with_budget(super::DEFAULT_LOG_BUDGET)
    }
}

impl Store {
    /// An empty store that keeps at most about `budget` bytes.
    pub fn with_budget(budget: usize) -> Self {
        Self {
            entries: VecDeque::new(),
            layout: RowLayout::default(),
            budget,
            used: 0,
            dropped: 0,
            found: None,
            shapes: VecDeque::new(),
            line_starts: VecDeque::new(),
            row_ends: VecDeque::new(),
            row_base: 0,
            dropped_day: None,
            show_only: None,
            hidden: VecDeque::new(),
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

    /// Changes the budget, dropping the oldest entries if the store is now over it.
    pub fn set_budget(&mut self, budget: usize) {
        self.budget = budget;
        self.enforce_budget();
    }

    /// How rows are laid out.
    pub fn layout(&self) -> RowLayout {
        self.layout
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
    pub(super) fn locate(&self, row: u64) -> (usize, u64) {
        let target = row + self.row_base;
        let index = self.row_ends.partition_point(|&end| end <= target);
        let start = index
            .checked_sub(1)
            .and_then(|i| self.row_ends.get(i))
            .copied()
            .unwrap_or(self.row_base);
        (index, target - start)
    }

    /// A new entry of `body` at `time` as it would follow the newest: whether it continues
    /// that one's line and where it stands in its stream's hex run. Not checked yet.
    pub(super) fn new_entry(
        &self,
        body: LogBody,
        time: NaiveTime,
        annotation: Option<Annotation>,
    ) -> LogEntry {
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
        LogEntry {
            time,
            body,
            joins_previous,
            run_offset,
            annotation,
            check: None,
            misses_frame_start: false,
            continues_message: false,
        }
    }

    /// Appends `entry` (made by [`Store::new_entry`]), counting its rows, and drops the
    /// oldest entries if the store is now over its budget.
    pub(super) fn push(&mut self, entry: LogEntry) {
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

    /// Changes the entry at `index` with `change`, which may grow its bytes and text (a read
    /// merged into it): its cost and rows are counted again, and where the entries after it
    /// end moves. Its neighbours are other peers' or other directions' data, so how they join
    /// it in the raw stream stays as it was. Whatever `change` returns.
    pub(super) fn change<T>(
        &mut self,
        index: usize,
        change: impl FnOnce(&mut LogEntry) -> T,
    ) -> Option<T> {
        let entry = self.entries.get_mut(index)?;
        let old_cost = entry.cost();
        let changed = change(entry);
        self.used = self.used - old_cost + entry.cost();
        let shape = entry.shape();
        let rows = if filter::hidden(self.show_only, entry) {
            0
        } else {
            let start = self.line_starts.get(index).copied().unwrap_or_default();
            shape.rows(self.layout, start, || entry.text())
        };
        let start = index
            .checked_sub(1)
            .and_then(|i| self.row_ends.get(i))
            .copied()
            .unwrap_or(self.row_base);
        if let Some(&old_end) = self.row_ends.get(index) {
            let new_end = start + rows;
            for end in self.row_ends.range_mut(index..) {
                *end = *end - old_end + new_end;
            }
        }
        if let Some(old_shape) = self.shapes.get_mut(index) {
            *old_shape = shape;
        }
        self.enforce_budget();
        Some(changed)
    }

    /// The entry at `index`, to mark (its check, its frame start): nothing that changes its
    /// rows.
    pub(super) fn mark(&mut self, index: usize) -> Option<&mut LogEntry> {
        self.entries.get_mut(index)
    }

    /// The number the next entry gets, counting every entry ever kept since the last clear
    /// (so it stays put as old entries are dropped).
    pub(super) fn next_number(&self) -> u64 {
        self.dropped + self.entries.len() as u64
    }

    /// The index of entry `number` (see [`Store::next_number`]) while it is kept.
    pub(super) fn index_of(&self, number: u64) -> Option<usize> {
        let index = usize::try_from(number.checked_sub(self.dropped)?).ok()?;
        (index < self.entries.len()).then_some(index)
    }

    /// Gives every data entry its text again with `decode` (a new encoding, escapes on or
    /// off), replaying each peer's stream in order, and finds again where lines end.
    pub(super) fn redecode(
        &mut self,
        mut decode: impl FnMut(Direction, SocketAddr, &Bytes) -> Arc<str>,
    ) {
        for entry in &mut self.entries {
            if let LogBody::Data {
                direction,
                peer,
                bytes,
                text,
            } = &mut entry.body
            {
                self.used -= text.len();
                *text = decode(*direction, *peer, bytes);
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

    /// Removes every entry and the dropped count.
    pub(super) fn clear(&mut self) {
        self.entries.clear();
        self.shapes.clear();
        self.line_starts.clear();
        self.hidden.clear();
        self.row_ends.clear();
        self.row_base = 0;
        self.used = 0;
        self.dropped = 0;
        self.found = None;
        self.dropped_day = None;
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

    pub(super) fn recount_rows(&mut self) {
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
pub(super) fn entry_rows<'a>(
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

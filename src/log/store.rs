//! The display store: the entries the log made, within a memory budget, and the rows they
//! take in the current view. Only what is drawn is laid out; the stream analysis in front of
//! it (`Log`) decides what the entries are.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::net::SocketAddr;

use foldhash::HashMap;

use chrono::{NaiveDate, NaiveTime};

use super::scan::{Carry, Decoding, carry_after, scan};
use super::shape::{
    LineStart, Measured, RowShape, TAB_COLUMNS, TextSummary, line_rows, row_step, text_rows_at,
};
use super::{
    Annotation, Direction, HEX_BYTES_PER_ROW, LogBody, LogEntry, Notice, Row, RowLayout, Stream,
    filter,
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
    /// How the entries' bytes are shown as text.
    pub(super) decoding: Decoding,
    /// Where the raw stream's line stands after the newest entry.
    pub(super) tail: LineStart,
    /// Whether text rows are counted at all (see [`Store::set_counting_text`]).
    pub(super) counting_text: bool,
    /// Some entries' text was not measured: the view showed none when they came.
    pub(super) unmeasured: bool,
    /// New entries wait to be measured (see [`Store::defer_measuring`]).
    pub(super) deferring: bool,
    /// The entries skipped to keep up with a flood (see [`Store::skip_pending`]), by number
    /// (as [`Store::next_number`] counts), oldest first, while kept.
    pub(super) skipped: VecDeque<u64>,
    /// The newest entry skipped since every entry was last read in full, by number: where the
    /// raw stream's lines join after it is not known until they are read again.
    pub(super) newest_skipped: Option<u64>,
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
            decoding: Decoding::default(),
            tail: LineStart::default(),
            counting_text: true,
            unmeasured: false,
            deferring: false,
            skipped: VecDeque::new(),
            newest_skipped: None,
        }
    }

    /// Whether the text view's rows are counted, which means reading each entry's
    /// characters as it comes (the widths of its lines); on by default. Off for a log that no
    /// one scrolls (headless printing, which lays out each entry as it prints it): entries
    /// then cost a look at their end only, as in the hex view.
    pub fn set_counting_text(&mut self, counting: bool) {
        self.counting_text = counting;
        self.measure_if_needed();
    }

    /// Whether new entries' text is measured: the text view is counted.
    pub(super) fn measures_text(&self) -> bool {
        self.counting_text && self.layout.view == InputMode::Text
    }

    /// Measures every entry's text if the view now needs what was skipped.
    fn measure_if_needed(&mut self) {
        if self.unmeasured && self.measures_text() {
            // Each entry's place in its stream is already right: only the widths are new.
            let _ = self.set_decoding(self.decoding);
        }
    }

    /// What `entry`'s text is like with the current decoding, if the view needs it (the
    /// default summary otherwise), and where its stream stands after it.
    fn measure(&self, entry: &LogEntry) -> (TextSummary, Carry) {
        measure(self.decoding, entry, self.measuring_step())
    }

    /// The grid step text rows are counted at, if they are (see [`measure`]).
    pub(super) fn measuring_step(&self) -> Option<usize> {
        self.measures_text().then(|| row_step(self.layout.columns))
    }

    /// How the entries' bytes are shown as text.
    pub fn decoding(&self) -> Decoding {
        self.decoding
    }

    /// The text of `entry` (kept here) as the log shows it; empty for a notice.
    pub fn text(&self, entry: &LogEntry) -> String {
        super::scan::text_head(entry, self.decoding, usize::MAX)
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
        let raw_text = layout.view == InputMode::Text && !layout.headers;
        if self.unmeasured && self.measures_text() {
            self.measure_if_needed();
        } else if raw_text && self.newest_skipped.is_some() {
            // The raw stream joins lines across entries, which skipped ones left unknown.
            let _ = self.set_decoding(self.decoding);
        } else if counts_change {
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
            // A skipped entry takes no rows in the text view (see `skip_pending`).
            let skipped = self.layout.view == InputMode::Text
                && self.shapes.get(index).is_some_and(RowShape::is_skipped);
            if !self.hides(entry) && !skipped {
                let limit = count - out.len();
                entry_rows(entry, self.decoding, self.layout, skip, limit, &mut out);
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
        entry_rows(entry, self.decoding, layout, 0, usize::MAX, &mut rows);
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
                let same_stream =
                    previous.is_some_and(|p| p.stream_bytes(*direction, *peer).is_some());
                let mid_line = self.shapes.back().is_some_and(RowShape::ends_mid_line);
                (
                    same_stream && mid_line,
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

    /// Appends `entry` (made by [`Store::new_entry`]), counting its rows unless measuring is
    /// deferred, and drops the oldest entries if the store is now over its budget. Where its
    /// stream stands after it.
    pub(super) fn push(&mut self, entry: LogEntry) -> Carry {
        self.used += entry.cost();
        if self.show_only.is_some() {
            self.hidden.push_back(self.hides(&entry));
        }
        let defer = self.pending() > 0 || (self.deferring && self.measures_text());
        let after = if defer {
            // Read off its end, as the hex view does; its text waits.
            let after = measure(self.decoding, &entry, None).1;
            self.entries.push_back(entry);
            after
        } else {
            self.entries.push_back(entry);
            self.count_entry(self.entries.len() - 1)
        };
        self.enforce_budget();
        after
    }

    /// Measures the entry at `index`, the first not measured yet: whether it joins the line
    /// before, its shape, where its line starts and where its rows end. Where its stream
    /// stands after it.
    pub(super) fn count_entry(&mut self, index: usize) -> Carry {
        let previous = index
            .checked_sub(1)
            .and_then(|previous| Some((self.entries.get(previous)?, self.shapes.get(previous)?)));
        let joins_previous = match (previous, self.entries.get(index)) {
            (
                Some((previous, shape)),
                Some(LogEntry {
                    body:
                        LogBody::Data {
                            direction, peer, ..
                        },
                    ..
                }),
            ) => previous.stream_bytes(*direction, *peer).is_some() && shape.ends_mid_line(),
            _ => false,
        };
        let (decoding, step) = (self.decoding, self.measuring_step());
        let Some(entry) = self.entries.get_mut(index) else {
            return Carry::START;
        };
        entry.joins_previous = joins_previous;
        let (summary, after) = measure(decoding, entry, step);
        self.unmeasured |= !self.measures_text();
        let Some(entry) = self.entries.get(index) else {
            return after;
        };
        let shape = shape_of(entry, &summary);
        let start = if entry.joins_previous {
            self.tail
        } else {
            LineStart::default()
        };
        self.tail = start.after(summary.tail);
        let rows = self.rows_at(index, &shape, start, summary.rows_after_first_line);
        self.append_counted(shape, start, rows);
        after
    }

    /// The rows the entry at `index` takes with `shape`, its line starting at `start` and its
    /// lines after the first taking `rest` rows: none while the filter hides it.
    pub(super) fn rows_at(
        &self,
        index: usize,
        shape: &RowShape,
        start: LineStart,
        rest: usize,
    ) -> u64 {
        if self.hidden.get(index).copied().unwrap_or(false) {
            0
        } else {
            shape.rows(self.layout, start, |_| rest)
        }
    }

    /// Counts the next entry not counted yet as `shape`, its line starting at `start`, taking
    /// `rows` rows.
    pub(super) fn append_counted(&mut self, shape: RowShape, start: LineStart, rows: u64) {
        let end = self.row_ends.back().copied().unwrap_or(self.row_base) + rows;
        self.row_ends.push_back(end);
        self.shapes.push_back(shape);
        self.line_starts.push_back(start);
    }

    /// Changes the entry at `index` with `change`, which may grow its bytes (a read merged
    /// into it): its cost and rows are counted again, and where the entries after it end
    /// moves. Its neighbours are other peers' or other directions' data, so how they join it
    /// in the raw stream stays as it was. Whatever `change` returns, and where the entry's
    /// stream stands after it.
    pub(super) fn change<T>(
        &mut self,
        index: usize,
        change: impl FnOnce(&mut LogEntry) -> T,
    ) -> Option<(T, Carry)> {
        let newest = index + 1 == self.entries.len();
        let entry = self.entries.get_mut(index)?;
        let old_cost = entry.cost();
        let changed = change(entry);
        self.used = self.used - old_cost + entry.cost();
        let entry = self.entries.get(index)?;
        if index >= self.row_ends.len() {
            // Not measured yet: that waits, as for any entry pending.
            let after = measure(self.decoding, entry, None).1;
            self.enforce_budget();
            return Some((changed, after));
        }
        let start = self.line_starts.get(index).copied().unwrap_or_default();
        let (shape, rows, after) = if self.shapes.get(index).is_some_and(RowShape::is_skipped) {
            // Skipped: it stays so, with its new length for the hex view.
            let shape = skipped_shape(entry);
            let rows = shape.rows(self.layout, start, |_| 0);
            (shape, rows, measure(self.decoding, entry, None).1)
        } else {
            let (summary, after) = self.measure(entry);
            self.unmeasured |= !self.measures_text();
            let shape = shape_of(entry, &summary);
            if newest {
                self.tail = start.after(summary.tail);
            }
            let rows = shape.rows(self.layout, start, |_| summary.rows_after_first_line);
            (shape, rows, after)
        };
        let rows = if filter::hidden(self.show_only, entry) {
            0
        } else {
            rows
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
        Some((changed, after))
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

    /// Shows the entries' bytes as text with `decoding` from now on: each peer's stream is
    /// read again in order, for where its lines end and what each entry's rows are. Where each
    /// stream (see [`Stream`]) stands after its last entry.
    pub(super) fn set_decoding(&mut self, decoding: Decoding) -> HashMap<Stream, Carry> {
        self.decoding = decoding;
        let mut carries: HashMap<Stream, Carry> = HashMap::default();
        let mut tail = LineStart::default();
        let mut previous: Option<(RowShape, Option<(Direction, SocketAddr)>)> = None;
        self.shapes.clear();
        self.line_starts.clear();
        self.row_ends.clear();
        self.row_base = 0;
        let step = self.measuring_step();
        self.unmeasured = step.is_none();
        self.skipped.clear();
        self.newest_skipped = None;
        let mut end = 0;
        for (index, entry) in self.entries.iter_mut().enumerate() {
            let continues = entry.stream();
            let stream = match &mut entry.body {
                LogBody::Data {
                    direction,
                    peer,
                    carry,
                    ..
                } => {
                    if let Some(continues) = continues {
                        *carry = carries.get(&continues).copied().unwrap_or_default();
                    }
                    Some((*direction, *peer))
                }
                LogBody::Notice(_) => None,
            };
            entry.joins_previous = stream.is_some()
                && previous.is_some_and(|(shape, previous_stream)| {
                    previous_stream == stream && shape.ends_mid_line()
                });
            let (summary, after) = measure(decoding, entry, step);
            if let Some(continues) = continues {
                carries.insert(continues, after);
            }
            let shape = shape_of(entry, &summary);
            let start = if entry.joins_previous {
                tail
            } else {
                LineStart::default()
            };
            tail = start.after(summary.tail);
            // Counted from the summary at hand, as a new entry's are, not by a second scan.
            if !self.hidden.get(index).copied().unwrap_or(false) {
                end += shape.rows(self.layout, start, |_| summary.rows_after_first_line);
            }
            self.row_ends.push_back(end);
            self.shapes.push_back(shape);
            self.line_starts.push_back(start);
            previous = Some((shape, stream));
        }
        self.tail = tail;
        carries
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
        self.tail = LineStart::default();
        self.skipped.clear();
        self.newest_skipped = None;
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
            self.hidden.pop_front();
            if self.skipped.front() == Some(&(self.dropped - 1)) {
                self.skipped.pop_front();
            }
            // Measured entries come first: one dropped while entries are measured was.
            if let Some(end) = self.row_ends.pop_front() {
                self.row_base = end;
                self.shapes.pop_front();
                self.line_starts.pop_front();
            }
        }
    }

    pub(super) fn recount_rows(&mut self) {
        self.row_base = 0;
        // In place: there is one end per measured entry already.
        self.row_ends.resize(self.shapes.len(), 0);
        // Slices, not the deques' iterators: this loop runs over every entry at each change of
        // width, and a deque's iterator checks which half it is in at every step. Once
        // contiguous, a deque stays so until it wraps, so this moves memory rarely.
        let shapes = self.shapes.make_contiguous();
        let row_ends = self.row_ends.make_contiguous();
        let hidden = self.hidden.make_contiguous();
        let (layout, entries, decoding) = (self.layout, &self.entries, self.decoding);
        let rest = |index: usize, step: usize| {
            entries
                .get(index)
                .map_or(0, |entry| rows_after_first_line(decoding, entry, step))
        };
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
                end += shape.rows(layout, start(index), |step| rest(index, step));
                *row_end = end;
            }
        } else {
            let each = shapes.iter().zip(hidden.iter()).zip(row_ends);
            for (index, ((shape, hidden), row_end)) in each.enumerate() {
                if !hidden {
                    end += shape.rows(layout, start(index), |step| rest(index, step));
                }
                *row_end = end;
            }
        }
    }
}

/// What `entry`'s text is like with `decoding` (its rows after the first line counted at
/// grid step `step`), and where its stream stands after it. Without a step, only the latter
/// (the text's summary is the default), read off the entry's end where it can be.
pub(super) fn measure(
    decoding: Decoding,
    entry: &LogEntry,
    step: Option<usize>,
) -> (TextSummary, Carry) {
    match &entry.body {
        LogBody::Data { bytes, carry, .. } => {
            let whole = entry.is_whole();
            let Some(step) = step else {
                return (
                    TextSummary::default(),
                    carry_after(decoding, *carry, bytes, whole),
                );
            };
            let mut measured = Measured::at_step(step);
            let after = scan(decoding, *carry, bytes, whole, &mut measured);
            (measured.summary(), after)
        }
        LogBody::Notice(_) => (TextSummary::default(), Carry::START),
    }
}

/// `entry`'s shape while its text is skipped (see [`Store::skip_pending`]).
pub(super) fn skipped_shape(entry: &LogEntry) -> RowShape {
    match &entry.body {
        LogBody::Data { bytes, .. } => RowShape::skipped(bytes.len(), entry.run_offset),
        LogBody::Notice(_) => RowShape::notice(),
    }
}

/// `entry`'s shape, its text being as `summary` says.
pub(super) fn shape_of(entry: &LogEntry, summary: &TextSummary) -> RowShape {
    match &entry.body {
        LogBody::Data { bytes, .. } => {
            RowShape::data(bytes.len(), summary, entry.run_offset, entry.joins_previous)
        }
        LogBody::Notice(_) => RowShape::notice(),
    }
}

/// The rows of `entry`'s text lines after the first at grid step `step`, read off its bytes.
fn rows_after_first_line(decoding: Decoding, entry: &LogEntry, step: usize) -> usize {
    measure(decoding, entry, Some(step)).0.rows_after_first_line
}

/// Appends up to `limit` rows of `entry`, its text decoded with `decoding`, skipping its
/// first `skip` rows.
pub(super) fn entry_rows<'a>(
    entry: &'a LogEntry,
    decoding: Decoding,
    layout: RowLayout,
    mut skip: u64,
    limit: usize,
    out: &mut Vec<Row<'a>>,
) {
    let (bytes, carry) = match &entry.body {
        LogBody::Notice(notice) => {
            if layout.headers && skip == 0 && limit > 0 {
                out.push(Row::Notice(entry, notice));
            }
            return;
        }
        LogBody::Data { bytes, carry, .. } => (bytes, *carry),
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
        InputMode::Text => {
            let whole = entry.is_whole();
            let lines = Lines {
                decoding,
                carry,
                bytes,
                whole,
            };
            lines.rows(row_step(layout.columns), skip, room, out);
        }
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

/// An entry's bytes read as lines of text: only the lines that rows are wanted from are
/// decoded, since an entry is a read of up to a few hundred KiB and a frame shows a few dozen
/// rows. A line feed is a line feed in UTF-8 and GBK alike, and ends any character under way
/// (but with escapes), so each line after the first decodes on its own.
struct Lines<'b> {
    decoding: Decoding,
    carry: Carry,
    bytes: &'b [u8],
    whole: bool,
}

impl Lines<'_> {
    /// Appends up to `room` rows at grid step `step` (each line cut by [`line_rows`]) past
    /// the first `skip`.
    fn rows(&self, step: usize, skip: usize, room: usize, out: &mut Vec<Row<'_>>) {
        if self.decoding.escapes {
            // The escaping decoder may hold a line feed back with the start of a character
            // before it, so lines are only known from the text.
            let text = super::scan::decode(self.decoding, self.carry, self.bytes, self.whole);
            let rows = text_rows_at(&text, step).skip(skip).take(room);
            out.extend(rows.map(|row| Row::Text(Cow::Owned(row.to_owned()))));
            return;
        }
        // Each byte shows at most a tab's columns; a character held from before adds a few.
        if skip == 0 && (self.bytes.len() + 3).saturating_mul(TAB_COLUMNS) < step {
            // No line can reach a row's end (a log not wrapped, as headless prints and Save
            // log writes): the entry is decoded once and cut at its line breaks.
            let text = super::scan::decode(self.decoding, self.carry, self.bytes, self.whole);
            // A break ending the entry adds no row; an entry with no text is one empty row.
            let body = text.strip_suffix('\n').unwrap_or(&text);
            let lines = body.split('\n').take(room);
            out.extend(lines.map(|line| Row::Text(Cow::Owned(line.to_owned()))));
            return;
        }
        self.rows_line_by_line(step, skip, room, out);
    }

    /// [`Lines::rows`] without escapes, decoding only the lines rows are wanted from.
    fn rows_line_by_line(&self, step: usize, mut skip: usize, room: usize, out: &mut Vec<Row<'_>>) {
        let mut taken = 0;
        let mut from = 0;
        let mut carry = self.carry;
        while taken < room {
            let rest = self.bytes.get(from..).unwrap_or_default();
            let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |at| at + 1);
            let line = rest.get(..end).unwrap_or_default();
            let ends = from + end == self.bytes.len();
            let whole = self.whole && ends;
            // What follows the last line break is a line only if it shows something.
            let open_end = from > 0 && line.last() != Some(&b'\n');
            // While the rows wanted are further on, a line is only counted.
            let passed = skip > 0 && {
                let mut measured = Measured::default();
                let _ = scan(self.decoding, carry, line, whole, &mut measured);
                let summary = measured.summary();
                let rows = if open_end && summary.no_text {
                    0
                } else {
                    summary.first_line_rows(step)
                };
                let passed = rows <= skip;
                if passed {
                    skip -= rows;
                }
                passed
            };
            if !passed {
                let text = super::scan::decode(self.decoding, carry, line, whole);
                let body = text.strip_suffix('\n').unwrap_or(&text);
                if !(open_end && body.is_empty()) {
                    let pieces = line_rows(body, 0, 0, step).skip(skip).take(room - taken);
                    for (_, piece) in pieces {
                        out.push(Row::Text(Cow::Owned(piece.to_owned())));
                        taken += 1;
                    }
                }
                skip = 0;
            }
            if ends || end == 0 {
                break;
            }
            from += end;
            carry = Carry::CLEAN;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::TextEncoding;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn an_entry_decoded_once_has_the_rows_read_line_by_line(
            bytes in proptest::collection::vec(
                prop_oneof![4 => any::<u8>(), 1 => Just(b'\n'), 1 => Just(b'\r')],
                0..300,
            ),
            held in proptest::collection::vec(0xC2..=0xFE_u8, 0..2),
            gbk in any::<bool>(),
            whole in any::<bool>(),
        ) {
            let encoding = if gbk { TextEncoding::Gbk } else { TextEncoding::Utf8 };
            let decoding = Decoding { encoding, escapes: false };
            // Where a stream stands when a lead byte came last (or at its start).
            let carry = scan(decoding, Carry::START, &held, false, &mut Measured::default());
            let lines = Lines { decoding, carry, bytes: &bytes, whole };
            let step = row_step(usize::MAX);
            let (mut once, mut by_line) = (Vec::new(), Vec::new());
            lines.rows(step, 0, usize::MAX, &mut once);
            lines.rows_line_by_line(step, 0, usize::MAX, &mut by_line);
            prop_assert_eq!(once, by_line);
        }
    }
}

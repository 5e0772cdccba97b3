//! How many display rows an entry takes, from a few numbers measured once when it arrives.
//!
//! A change of width (auto line break) or of view recounts every entry's rows. Reading each
//! entry again for that made resizing a million-line log take tens of milliseconds a frame;
//! these shapes sit in an array of their own, 20 bytes each, so a recount reads little memory
//! and touches no entry unless one has several lines and one of them is too long for a row.
//! Lines are cut on a grid of fixed steps from their start (see [`row_step`]), so where a
//! line's rows fall follows from its width even when it continues a line begun by earlier
//! reads, as in the raw stream (see [`LineStart`]).

use crate::codec::InputMode;

use super::scan::Sink;
#[cfg(test)]
use super::scan::feed_text;
use super::{HEX_BYTES_PER_ROW, RowLayout, TEXT_CHARS_PER_ROW};

/// What the row count of a text depends on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct TextShape {
    /// Lines (a line break at the very end starts none).
    lines: u32,
    /// At least the columns of the longest line, from its bytes (no character takes more
    /// columns than it has bytes but a tab, four for one): a line this bound fits in a step
    /// takes one row.
    widest_line: u32,
    /// Where the first line's last character starts, plus one; 0 for a first line without a
    /// character of its own (empty, or only combining accents for the character before it).
    first_line_end: u32,
}

impl TextShape {
    /// The shape of `text`, as the log shows it.
    #[cfg(test)]
    fn of(text: &str) -> Self {
        measure_text(text).shape
    }

    /// The number of rows [`line_rows`] cuts the lines into at `step` for the text this is the shape of,
    /// or with `joined`, the rows the raw stream gives it when its first line continues a
    /// line that stood at that [`LineStart`]; `rest` counts the rows of the lines after the
    /// first at `step` when the shape alone cannot tell.
    // Inlined with `RowShape::rows`, for the same reason (measured, so the lint is wrong here).
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn rows(
        &self,
        step: usize,
        joined: Option<LineStart>,
        rest: impl FnOnce(usize) -> usize,
    ) -> usize {
        // The usual case: every line fits in a row.
        if joined.is_none() && self.widest_line as usize <= step {
            return self.lines as usize;
        }
        let end = self.first_line_end as usize;
        let first = match joined {
            None if end == 0 => 1,
            None => (end - 1) / step + 1,
            Some(_) if end == 0 => 0,
            Some(start) => {
                let column = start.column as usize;
                let first_row = column / step;
                let last_row = (column + end - 1) / step;
                // The row the line was on is the previous entry's.
                last_row - first_row + 1 - usize::from(first_row == start.previous as usize / step)
            }
        };
        let rest = if self.lines <= 1 {
            0
        } else if self.widest_line as usize <= step {
            self.lines as usize - 1
        } else {
            rest(step)
        };
        first + rest
    }
}

/// Everything an entry's row count depends on, in any layout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct RowShape {
    /// Data only: its decoded text's shape.
    text: TextShape,
    /// Data only: its length in bytes.
    bytes: u32,
    /// Data only: where it starts within a hex row of its run of reads (run offset mod 16).
    run_phase: u8,
    /// What kind of entry it is and how its text ends: the `FLAG_` bits.
    flags: u8,
}

/// A lifecycle line rather than data.
const FLAG_NOTICE: u8 = 1;
/// Data only: its decoded text is empty (half a character so far).
const FLAG_NO_TEXT: u8 = 2;
/// Data only: its text continues the previous entry's line in the raw stream.
const FLAG_JOINS_PREVIOUS: u8 = 4;
/// Data only: its text ends with a line break.
const FLAG_ENDS_WITH_BREAK: u8 = 8;
/// Data only: its text was not read yet (a flood's, skipped to keep up): it takes no rows in
/// the text view until it is.
const FLAG_SKIPPED: u8 = 16;

// The recount's speed rests on this staying small.
const _: () = assert!(size_of::<RowShape>() <= 20);

impl RowShape {
    /// A lifecycle line's.
    pub(super) fn notice() -> Self {
        Self {
            flags: FLAG_NOTICE,
            ..Self::default()
        }
    }

    /// A data entry's of `bytes` whose text is `text`: `run_offset` is where it starts in its
    /// run of reads (see the log).
    pub(super) fn data(
        bytes: usize,
        text: &TextSummary,
        run_offset: usize,
        joins_previous: bool,
    ) -> Self {
        let flag = |on: bool, flag: u8| if on { flag } else { 0 };
        Self {
            text: text.shape,
            bytes: saturate(bytes),
            // Below 16, so it always fits.
            run_phase: u8::try_from(run_offset % HEX_BYTES_PER_ROW).unwrap_or_default(),
            flags: flag(text.no_text, FLAG_NO_TEXT)
                | flag(joins_previous, FLAG_JOINS_PREVIOUS)
                | flag(text.ends_with_break, FLAG_ENDS_WITH_BREAK),
        }
    }

    /// A data entry's of `bytes` whose text is not read yet (see [`FLAG_SKIPPED`]): its hex
    /// rows are known, and the raw stream's line ends with it.
    pub(super) fn skipped(bytes: usize, run_offset: usize) -> Self {
        let ended = TextSummary {
            ends_with_break: true,
            ..TextSummary::default()
        };
        let mut shape = Self::data(bytes, &ended, run_offset, false);
        shape.flags |= FLAG_SKIPPED;
        shape
    }

    /// Whether its text was not read yet (see [`RowShape::skipped`]).
    pub(super) fn is_skipped(&self) -> bool {
        self.flags & FLAG_SKIPPED != 0
    }

    /// Data only: whether its stream is in the middle of a line after it (an entry without
    /// text leaves it where the entry before left it).
    pub(super) fn ends_mid_line(&self) -> bool {
        if self.flags & FLAG_NO_TEXT != 0 {
            self.flags & FLAG_JOINS_PREVIOUS != 0
        } else {
            self.flags & FLAG_ENDS_WITH_BREAK == 0
        }
    }

    /// Display rows in `layout`: notices take one (none without headers); data takes a header
    /// row plus its text rows, or one row per [`HEX_BYTES_PER_ROW`] bytes in hex. In the raw
    /// text stream an entry that joins the line before starts where `start` says. `rest`
    /// counts the rows of its lines after the first at a step, in the rare case the shape
    /// cannot tell.
    // Always inlined into the recount's loop, with `TextShape::rows`, whatever else changes
    // in this file: when a change elsewhere in it left either out of line, resizing a
    // million-entry log took 2.0 ms a frame instead of 1.0.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    pub(super) fn rows(
        &self,
        layout: RowLayout,
        start: LineStart,
        rest: impl FnOnce(usize) -> usize,
    ) -> u64 {
        let headers = u64::from(layout.headers);
        if self.flags & FLAG_NOTICE != 0 {
            return headers;
        }
        if self.flags & FLAG_SKIPPED != 0 && layout.view == InputMode::Text {
            return 0;
        }
        let step = row_step(layout.columns);
        let content = match layout.view {
            // The raw stream: an entry's first line continues the line before when it joins,
            // and an entry with no text yet adds nothing.
            InputMode::Text if !layout.headers => {
                if self.flags & FLAG_NO_TEXT != 0 {
                    return 0;
                }
                let joins = self.flags & FLAG_JOINS_PREVIOUS != 0;
                self.text.rows(step, joins.then_some(start), rest)
            }
            InputMode::Text => self.text.rows(step, None, rest),
            // The raw stream: the rows that start in this entry.
            InputMode::Hex if !layout.headers => {
                let phase = usize::from(self.run_phase);
                (phase + self.bytes as usize).div_ceil(HEX_BYTES_PER_ROW) - usize::from(phase > 0)
            }
            // An empty datagram is its header alone: "(0 B)" says it all.
            InputMode::Hex => (self.bytes as usize).div_ceil(HEX_BYTES_PER_ROW),
        };
        headers + content as u64
    }
}

/// The columns a tab takes: egui draws it as wide as four spaces.
pub(super) const TAB_COLUMNS: usize = 4;

/// The grid step for a log `columns` wide. A row holds the characters that start within one
/// step of the grid, so a character that starts at its end reaches past it by up to three
/// columns (a tab's); the step is that much narrower than the log, so no row is wider than
/// the log, and never narrower than a tab, so that every step between a line's first and
/// last character has a character starting in it.
pub(super) fn row_step(columns: usize) -> usize {
    columns.saturating_sub(TAB_COLUMNS - 1).max(TAB_COLUMNS)
}

/// How many columns of the monospace log `c` takes. Two for East Asian wide and fullwidth
/// characters (汉字, ，), and for the ambiguous ones from U+2100 on (℃, ①): the monospace font
/// lacks those, so a CJK font draws them an em wide, more than one column and less than two.
/// One for the rest (Latin, Greek, Cyrillic, arrows, which the monospace font has), none for
/// combining marks, four for a tab.
pub(super) fn char_columns(c: char) -> usize {
    use unicode_width::UnicodeWidthChar as _;
    if c == '\t' {
        return TAB_COLUMNS;
    }
    if c.is_ascii() {
        return 1;
    }
    match (c.width(), c.width_cjk()) {
        (Some(2), _) => 2,
        (_, Some(2)) if c >= '\u{2100}' => 2,
        (Some(columns), _) => columns,
        (None, _) => 1,
    }
}

/// `n` as a `u32`, or `u32::MAX` if larger.
fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Where a text starts on its line of the raw stream, where a peer's reads run on as one
/// text: an entry that joins the line before takes up where the previous one left off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct LineStart {
    /// The columns of the line before the text.
    pub(super) column: u32,
    /// Where the character just before the text starts (with `column` 0, nothing does).
    pub(super) previous: u32,
}

impl LineStart {
    /// Where the line stands after a text that starts here and ends as `tail` says.
    pub(super) fn after(self, tail: LineTail) -> Self {
        if tail.broken {
            return Self {
                column: saturate(tail.column),
                previous: saturate(tail.last_start.unwrap_or_default()),
            };
        }
        match tail.last_start {
            Some(at) => Self {
                column: self.column.saturating_add(saturate(tail.column)),
                previous: self.column.saturating_add(saturate(at)),
            },
            None => self,
        }
    }

    /// [`LineStart::after`] a text.
    #[cfg(test)]
    fn after_text(self, text: &str) -> Self {
        self.after(measure_text(text).tail)
    }
}

/// How a text's last line ends, for the text after it to take up where it left off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct LineTail {
    /// The text holds a line break: its last line starts at column 0.
    broken: bool,
    /// The columns of its last line.
    column: usize,
    /// Where the last character of its last line (not counting zero-width ones) starts.
    last_start: Option<usize>,
}

/// What an entry's text is like, for counting its rows: measured as it is scanned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct TextSummary {
    shape: TextShape,
    /// The text is empty (half a character so far).
    pub(super) no_text: bool,
    /// The text ends with a line break.
    pub(super) ends_with_break: bool,
    /// How its last line ends.
    pub(super) tail: LineTail,
    /// The rows of its lines after the first at the grid step it was measured for.
    pub(super) rows_after_first_line: usize,
}

impl TextSummary {
    /// The rows of its first line at grid step `step` when the line starts a row.
    pub(super) fn first_line_rows(&self, step: usize) -> usize {
        match self.shape.first_line_end as usize {
            0 => 1,
            end => (end - 1) / step + 1,
        }
    }
}

/// Measures a text told character by character (see [`Sink`]).
#[derive(Debug)]
pub(super) struct Measured {
    /// The grid step the rows of the lines after the first are counted at (see
    /// [`row_step`]), so a new entry's rows need no second look at it.
    step: usize,
    rows_after_first_line: usize,
    breaks: usize,
    column: usize,
    /// Where the last character of the line (not counting zero-width ones) starts, plus
    /// one; 0 for none. Kept so, not as an `Option`, for the scan to update without a branch.
    last_end: usize,
    widest: usize,
    first_line_end: Option<usize>,
    any: bool,
    ends_with_break: bool,
}

impl Sink for Measured {
    #[inline]
    fn stretch(&mut self, columns: usize, last_end: usize, any: bool) {
        self.any |= any;
        self.ends_with_break &= !any;
        self.last_end = if last_end > 0 {
            self.column + last_end
        } else {
            self.last_end
        };
        self.column += columns;
    }

    #[inline]
    fn line_break(&mut self) {
        self.widest = self.widest.max(self.last_end);
        if self.breaks > 0 {
            self.rows_after_first_line += self.last_end.saturating_sub(1) / self.step + 1;
        }
        self.first_line_end.get_or_insert(self.last_end);
        self.breaks += 1;
        self.any = true;
        self.ends_with_break = true;
        self.column = 0;
        self.last_end = 0;
    }
}

impl Default for Measured {
    fn default() -> Self {
        Self::at_step(TEXT_CHARS_PER_ROW)
    }
}

impl Measured {
    /// Measuring, with the rows of the lines after the first counted at grid step `step`.
    pub(super) fn at_step(step: usize) -> Self {
        Self {
            step: step.max(1),
            rows_after_first_line: 0,
            breaks: 0,
            column: 0,
            last_end: 0,
            widest: 0,
            first_line_end: None,
            any: false,
            ends_with_break: false,
        }
    }

    /// What the text told was like.
    pub(super) fn summary(&self) -> TextSummary {
        let rows_after_first_line = if self.breaks > 0 && !self.ends_with_break {
            self.rows_after_first_line + self.last_end.saturating_sub(1) / self.step + 1
        } else {
            self.rows_after_first_line
        };
        let lines = if self.ends_with_break {
            self.breaks
        } else {
            self.breaks + 1
        };
        TextSummary {
            shape: TextShape {
                lines: saturate(lines),
                widest_line: saturate(self.widest.max(self.last_end)),
                first_line_end: saturate(self.first_line_end.unwrap_or(self.last_end)),
            },
            no_text: !self.any,
            ends_with_break: self.ends_with_break,
            tail: LineTail {
                broken: self.breaks > 0,
                column: self.column,
                last_start: self.last_end.checked_sub(1),
            },
            rows_after_first_line,
        }
    }
}

/// Measures `text`, already as the log shows it.
#[cfg(test)]
pub(super) fn measure_text(text: &str) -> TextSummary {
    let mut measured = Measured::default();
    feed_text(text, &mut measured);
    measured.summary()
}

/// Each character of `line` with the column it starts at when the line stands at `column`
/// before it, and its width. A zero-width character (a combining accent) is given the start
/// of the character it goes with, so that the two are never cut apart: `previous`, where the
/// character before the line starts, for one that comes first.
fn char_starts(
    line: &str,
    column: usize,
    previous: usize,
) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let mut next = column;
    let mut last = previous;
    line.char_indices().map(move |(at, c)| {
        let width = char_columns(c);
        if width > 0 {
            last = next;
            next += width;
        }
        (at, last, width)
    })
}

/// The rows of one line, which starts at `column` of its line, the character before it at
/// `previous`: each piece with the grid row it is on (see [`row_step`]), the characters that
/// start in one step of the grid together. An empty line is one empty row.
pub(super) fn line_rows(
    line: &str,
    column: usize,
    previous: usize,
    step: usize,
) -> impl Iterator<Item = (usize, &str)> {
    let empty = line.is_empty().then_some((column / step, line));
    // The usual line, ASCII without tabs: every character one column, cut by arithmetic. So
    // too a line that fits on its row however wide its characters are (no character takes
    // more columns than a tab, or more than its bytes otherwise), as in a log not wrapped.
    let fits = column / step == previous.min(column) / step
        && column.saturating_add(line.len().saturating_mul(TAB_COLUMNS))
            < (column / step + 1).saturating_mul(step);
    let plain = fits || !super::text::holds_any(line, |b| b == b'\t' || b >= 0x80);
    let mut starts = (!plain).then(|| char_starts(line, column, previous).peekable());
    // Where the first piece starts: a zero-width character first goes with the one before.
    let first_start = match starts.as_mut().and_then(|starts| starts.peek()) {
        Some(&(_, start, _)) => start,
        None => column,
    };
    let mut rest = (!line.is_empty()).then_some((line, first_start));
    let pieces = std::iter::from_fn(move || {
        let (left, at_column) = rest?;
        let row = at_column / step;
        let row_end = (row + 1) * step;
        let (cut, next_column) = match starts.as_mut() {
            None => ((row_end - at_column).min(left.len()), row_end),
            Some(starts) => {
                let offset = line.len() - left.len();
                let mut cut = (left.len(), row_end);
                while let Some(&(at, start, _)) = starts.peek() {
                    if start >= row_end {
                        cut = (at - offset, start);
                        break;
                    }
                    starts.next();
                }
                cut
            }
        };
        let (piece, after) = (left.get(..cut)?, left.get(cut..)?);
        rest = (!after.is_empty()).then_some((after, next_column));
        Some((row, piece))
    });
    empty.into_iter().chain(pieces)
}

/// The rows of an entry's text in a log `columns` wide: each line cut where a grid step of
/// [`row_step`] ends (see [`line_rows`]). Each entry is its own block, so a line break
/// ending it adds no empty row.
#[cfg(test)]
pub(super) fn text_rows(text: &str, columns: usize) -> impl Iterator<Item = &str> {
    text_rows_at(text, row_step(columns))
}

/// The rows of an entry's text on a grid of `step` (see [`row_step`]).
pub(super) fn text_rows_at(text: &str, step: usize) -> impl Iterator<Item = &str> {
    text.strip_suffix('\n')
        .unwrap_or(text)
        .split('\n')
        .flat_map(move |line| line_rows(line, 0, 0, step).map(|(_, piece)| piece))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows of `text`'s lines after the first at `step`.
    fn rows_after(text: &str, step: usize) -> usize {
        let mut measured = Measured::at_step(step);
        feed_text(text, &mut measured);
        measured.summary().rows_after_first_line
    }

    /// Text with every kind of character: one column, two, none, a tab, line breaks.
    fn any_text(lines: bool) -> impl proptest::strategy::Strategy<Value = String> {
        let pattern = if lines {
            "[a-z\\n\\t好😀℃é\\u{301}]{0,40}"
        } else {
            "[a-z\\t好😀℃é\\u{301}]{1,40}"
        };
        proptest::string::string_regex(pattern).unwrap()
    }

    #[test]
    fn a_text_shape_counts_the_rows_text_rows_gives() {
        let mut runner = proptest::test_runner::TestRunner::default();
        runner
            .run(&(any_text(true), 1usize..14), |(text, columns)| {
                let shape = TextShape::of(&text);
                proptest::prop_assert_eq!(
                    shape.rows(row_step(columns), None, |step| rows_after(&text, step)),
                    text_rows(&text, columns).count(),
                    "{:?} at {} columns",
                    text,
                    columns
                );
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_text_that_continues_a_line_owns_the_rows_its_characters_begin() {
        // `before` and `text` as two reads of one stream, against the two as one read.
        let mut runner = proptest::test_runner::TestRunner::default();
        runner
            .run(
                &(any_text(false), any_text(true), 1usize..14),
                |(before, text, columns)| {
                    let start = LineStart::default().after_text(&before);
                    let owned = TextShape::of(&text).rows(row_step(columns), Some(start), |step| {
                        rows_after(&text, step)
                    });
                    let whole = format!("{before}{text}");
                    let expected =
                        text_rows(&whole, columns).count() - text_rows(&before, columns).count();
                    proptest::prop_assert_eq!(owned, expected, "{:?} + {:?}", before, text);
                    // And where the line stands after both is where it stands after the whole.
                    let whole_end = LineStart::default().after_text(&whole);
                    proptest::prop_assert_eq!(start.after_text(&text), whole_end);
                    Ok(())
                },
            )
            .unwrap();
    }

    #[test]
    fn chinese_takes_two_columns_a_character_so_a_row_is_never_wider_than_the_log() {
        // 10 columns: rows on a grid of 7, so a character starting at 6 still fits.
        let rows: Vec<_> = text_rows("历史数据 0123456789", 10).collect();
        assert_eq!(rows, ["历史数据", " 01234", "56789"]);
        let rows: Vec<_> = text_rows("温度=25.0℃ 湿度=62%", 12).collect();
        assert_eq!(rows, ["温度=25.0", "℃ 湿度=6", "2%"]);
        // A tab is as wide as four spaces.
        let rows: Vec<_> = text_rows("a\tb\tc", 7).collect();
        assert_eq!(rows, ["a\t", "b\t", "c"]);
        // A combining accent stays with its letter.
        let rows: Vec<_> = text_rows("abcde\u{301}f", 7).collect();
        assert_eq!(rows, ["abcd", "e\u{301}f"]);
        // Latin, Greek and Cyrillic letters take one, as the monospace font draws them.
        assert_eq!(text_rows("éαП", 7).count(), 1);
    }

    #[test]
    fn rows_are_never_wider_than_the_log_and_never_much_narrower() {
        let mut runner = proptest::test_runner::TestRunner::default();
        let width = |row: &str| row.chars().map(char_columns).sum::<usize>();
        runner
            .run(&(any_text(false), 1usize..20), |(line, columns)| {
                let rows: Vec<&str> = text_rows(&line, columns).collect();
                proptest::prop_assert_eq!(rows.concat(), line.clone());
                let step = row_step(columns);
                for (number, row) in rows.iter().enumerate() {
                    // The grid is never narrower than a tab, so a very narrow log gets 7.
                    proptest::prop_assert!(width(row) <= columns.max(7), "{:?}", rows);
                    if number + 1 < rows.len() {
                        proptest::prop_assert!(width(row) + 3 >= step, "{:?}", rows);
                    }
                }
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn raw_hex_rows_are_the_rows_that_start_in_an_entry() {
        // Rows start every 16 bytes of the run; an entry owns those that start in it.
        let layout = RowLayout {
            view: InputMode::Hex,
            headers: false,
            columns: 80,
        };
        let mut runner = proptest::test_runner::TestRunner::default();
        runner
            .run(&(0usize..100_000, 0usize..1000), |(run_offset, bytes)| {
                let starts = (run_offset..run_offset + bytes)
                    .filter(|offset| offset % HEX_BYTES_PER_ROW == 0)
                    .count() as u64;
                let shape = RowShape::data(bytes, &measure_text(""), run_offset, false);
                let shape_rows = shape.rows(layout, LineStart::default(), |_| 0);
                proptest::prop_assert_eq!(shape_rows, starts);
                Ok(())
            })
            .unwrap();
    }
}

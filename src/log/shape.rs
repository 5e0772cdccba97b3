//! How many display rows an entry takes, from a few numbers measured once when it arrives.
//!
//! A change of width (auto line break) or of view recounts every entry's rows. Reading each
//! entry again for that made resizing a million-line log take tens of milliseconds a frame;
//! these shapes sit in an array of their own, 20 bytes each, so a recount reads little memory
//! and touches no entry unless one has several lines and one of them is too long for a row.

use crate::codec::InputMode;

use super::{HEX_BYTES_PER_ROW, RowLayout};

/// What the row count of a text depends on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct TextShape {
    /// Lines (a line break at the very end starts none).
    lines: u32,
    /// At least the columns of the longest line, from its bytes (no character takes more
    /// columns than it has bytes but a tab, four for one): a line this bound fits in a row
    /// takes one row.
    widest_line: u32,
    /// Characters, line breaks excluded, when the text is a single line of characters that
    /// take one column each, so its rows follow from the count; [`UNEVEN`] when some
    /// character takes another number of columns (a tab, a wide or a zero-width one).
    chars: u32,
}

/// [`TextShape::chars`] when the rows of a long line must be found by reading it.
const UNEVEN: u32 = u32::MAX;

impl TextShape {
    /// Entries are single reads (at most a few hundred KiB), far below `u32::MAX`.
    fn of(text: &str) -> Self {
        let text = text.strip_suffix('\n').unwrap_or(text);
        let mut shape = Self::default();
        let mut longest_line = 0;
        // memchr rather than `split('\n')`: the line breaks of every arriving read are counted
        // here, and str's searcher costs a comparison call per line.
        let mut line_start = 0;
        let line_ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]);
        for line_end in line_ends {
            shape.lines = shape.lines.saturating_add(1);
            longest_line = longest_line.max(line_end - line_start);
            line_start = line_end + 1;
        }
        // One pass over the usual text, ASCII without tabs, whose characters are one column
        // each; a closer look only at the rest.
        let plain = !super::text::holds_any(text, |b| b == b'\t' || b >= 0x80);
        let tabs = !plain && memchr::memchr(b'\t', text.as_bytes()).is_some();
        let uneven = tabs || (!plain && text.chars().any(|c| char_columns(c) != 1));
        shape.widest_line = saturate(if tabs {
            longest_line.saturating_mul(TAB_COLUMNS)
        } else {
            longest_line
        });
        if uneven {
            shape.chars = UNEVEN;
        } else if shape.lines == 1 && longest_line > 0 {
            let chars = if plain {
                text.len()
            } else {
                text.chars().count()
            };
            shape.chars = saturate(chars).min(UNEVEN - 1);
        }
        shape
    }

    /// The number of rows [`text_rows`] gives at `columns` for the text this is the shape of;
    /// `text` supplies it when the shape alone cannot tell.
    fn rows<'a>(&self, columns: usize, text: impl FnOnce() -> &'a str) -> usize {
        let columns = columns.max(1);
        if self.widest_line as usize <= columns {
            self.lines as usize
        } else if self.lines == 1 && self.chars != UNEVEN {
            (self.chars as usize).div_ceil(columns).max(1)
        } else {
            rows_by_scanning(text(), columns)
        }
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
    /// A lifecycle line rather than data.
    notice: bool,
    /// Data only: its decoded text is empty (half a character so far).
    no_text: bool,
    /// Data only: its text continues the previous entry's line in the raw stream.
    joins_previous: bool,
}

// The recount's speed rests on this staying small.
const _: () = assert!(size_of::<RowShape>() <= 20);

impl RowShape {
    /// A lifecycle line's.
    pub(super) fn notice() -> Self {
        Self {
            notice: true,
            ..Self::default()
        }
    }

    /// A data entry's: `run_offset` is where it starts in its run of reads (see the log).
    pub(super) fn data(bytes: usize, text: &str, run_offset: usize, joins_previous: bool) -> Self {
        Self {
            text: TextShape::of(text),
            bytes: saturate(bytes),
            // Below 16, so it always fits.
            run_phase: u8::try_from(run_offset % HEX_BYTES_PER_ROW).unwrap_or_default(),
            notice: false,
            no_text: text.is_empty(),
            joins_previous,
        }
    }

    /// Display rows in `layout`: notices take one (none without headers); data takes a header
    /// row plus its text rows, or one row per [`HEX_BYTES_PER_ROW`] bytes in hex. `text`
    /// supplies the entry's text in the rare case the shape cannot tell.
    pub(super) fn rows<'a>(&self, layout: RowLayout, text: impl FnOnce() -> &'a str) -> u64 {
        let headers = u64::from(layout.headers);
        if self.notice {
            return headers;
        }
        let content = match layout.view {
            // The raw stream: an entry's first line continues the previous row when it joins,
            // and an entry with no text yet adds nothing.
            InputMode::Text if !layout.headers => {
                if self.no_text {
                    return 0;
                }
                self.text.rows(layout.columns, text) - usize::from(self.joins_previous)
            }
            InputMode::Text => self.text.rows(layout.columns, text),
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

/// The rare case of [`TextShape::rows`] (several lines and a long one, or a long line with
/// wide characters or tabs), kept out of line so the common one stays small enough to inline
/// into the recount's loop.
#[cold]
#[inline(never)]
fn rows_by_scanning(text: &str, columns: usize) -> usize {
    text_rows(text, columns).count()
}

/// The columns a tab takes: egui draws it as wide as four spaces.
const TAB_COLUMNS: usize = 4;

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

/// The rows of an entry's text: its lines, long ones cut so that each row is at most
/// `columns` columns wide (see [`char_columns`]; a row holds at least one character). Each
/// entry is its own block, so a line break ending it adds no empty row.
pub(super) fn text_rows(text: &str, columns: usize) -> impl Iterator<Item = &str> {
    let columns = columns.max(1);
    text.strip_suffix('\n')
        .unwrap_or(text)
        .split('\n')
        .flat_map(move |line| {
            let mut rest = Some(line);
            std::iter::from_fn(move || {
                let line = rest?;
                if let Some(i) = row_end(line, columns) {
                    rest = line.get(i..);
                    line.get(..i)
                } else {
                    rest = None;
                    Some(line)
                }
            })
        })
}

/// Where the first row of `line` ends: before the first character that would take it past
/// `columns`, or `None` when the whole line fits.
fn row_end(line: &str, columns: usize) -> Option<usize> {
    // Fast path: a line of at most that many bytes and no tab is at most that many columns.
    if line.len() <= columns && memchr::memchr(b'\t', line.as_bytes()).is_none() {
        return None;
    }
    let mut used = 0;
    for (i, c) in line.char_indices() {
        used += char_columns(c);
        if used > columns && i > 0 {
            return Some(i);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_shape_counts_the_rows_text_rows_gives() {
        let mut runner = proptest::test_runner::TestRunner::default();
        runner
            .run(
                &(
                    proptest::string::string_regex("[a-z\\n\\t好😀℃é\\u{301}]{0,40}").unwrap(),
                    1usize..12,
                ),
                |(text, columns)| {
                    let shape = TextShape::of(&text);
                    proptest::prop_assert_eq!(
                        shape.rows(columns, || &text),
                        text_rows(&text, columns).count(),
                        "{:?} at {} columns",
                        text,
                        columns
                    );
                    Ok(())
                },
            )
            .unwrap();
    }

    #[test]
    fn chinese_takes_two_columns_a_character_so_a_row_is_never_wider_than_the_log() {
        let rows: Vec<_> = text_rows("历史数据 0123456789", 10).collect();
        assert_eq!(rows, ["历史数据 0", "123456789"]);
        let rows: Vec<_> = text_rows("温度=25.0℃ 湿度=62%", 12).collect();
        assert_eq!(rows, ["温度=25.0℃ ", "湿度=62%"]);
        // A tab is as wide as four spaces; a combining accent adds nothing.
        let rows: Vec<_> = text_rows("a\tb\tc", 6).collect();
        assert_eq!(rows, ["a\tb", "\tc"]);
        let rows: Vec<_> = text_rows("e\u{301}e\u{301}e\u{301}", 2).collect();
        assert_eq!(rows, ["e\u{301}e\u{301}", "e\u{301}"]);
        // Latin, Greek and Cyrillic letters take one, as the monospace font draws them.
        assert_eq!(text_rows("éαП", 3).count(), 1);
    }

    #[test]
    fn each_row_is_as_full_as_the_width_allows_and_no_fuller() {
        let mut runner = proptest::test_runner::TestRunner::default();
        let width = |row: &str| row.chars().map(char_columns).sum::<usize>();
        runner
            .run(
                &(
                    proptest::string::string_regex("[a-z\\t好😀℃é\\u{301}]{1,60}").unwrap(),
                    1usize..20,
                ),
                |(line, columns)| {
                    let rows: Vec<&str> = text_rows(&line, columns).collect();
                    proptest::prop_assert_eq!(rows.concat(), line.clone());
                    for pair in rows.windows(2) {
                        let (row, next) = (pair[0], pair[1]);
                        // A row passes the width only when one character alone does.
                        proptest::prop_assert!(
                            width(row) <= columns || row.chars().count() == 1,
                            "{:?} in {:?}",
                            row,
                            rows
                        );
                        // And the next row's first character would not have fitted.
                        let first = next.chars().next().map_or(0, char_columns);
                        proptest::prop_assert!(width(row) + first > columns, "{:?}", rows);
                    }
                    Ok(())
                },
            )
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
                let shape = RowShape::data(bytes, "", run_offset, false);
                proptest::prop_assert_eq!(shape.rows(layout, || ""), starts);
                Ok(())
            })
            .unwrap();
    }
}

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
    /// Bytes in the longest line: a line no longer than a row in bytes fits in one row.
    longest_line_bytes: u32,
    /// Characters, line breaks excluded; used when the text is a single line.
    chars: u32,
}

impl TextShape {
    /// Entries are single reads (at most a few hundred KiB), far below `u32::MAX`.
    fn of(text: &str) -> Self {
        let text = text.strip_suffix('\n').unwrap_or(text);
        let mut shape = Self::default();
        // memchr rather than `split('\n')`: the line breaks of every arriving read are counted
        // here, and str's searcher costs a comparison call per line.
        let mut line_start = 0;
        let line_ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]);
        for line_end in line_ends {
            shape.lines = shape.lines.saturating_add(1);
            shape.longest_line_bytes = shape
                .longest_line_bytes
                .max(saturate(line_end - line_start));
            line_start = line_end + 1;
        }
        if shape.lines == 1 && shape.longest_line_bytes > 0 {
            shape.chars = saturate(text.chars().count());
        }
        shape
    }

    /// The number of rows [`text_rows`] gives at `columns` for the text this is the shape of;
    /// `text` supplies it when the shape alone cannot tell.
    fn rows<'a>(&self, columns: usize, text: impl FnOnce() -> &'a str) -> usize {
        let columns = columns.max(1);
        if self.longest_line_bytes as usize <= columns {
            self.lines as usize
        } else if self.lines == 1 {
            (self.chars as usize).div_ceil(columns).max(1)
        } else {
            rows_of_long_lines(text(), columns)
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

/// The rare case of [`TextShape::rows`], kept out of line so the common one stays small
/// enough to inline into the recount's loop.
#[cold]
#[inline(never)]
fn rows_of_long_lines(text: &str, columns: usize) -> usize {
    text_rows(text, columns).count()
}

/// `n` as a `u32`, or `u32::MAX` if larger.
fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The rows of an entry's text: its lines, long ones cut every `columns` characters. Each
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
                // Fast path: a line of at most that many bytes has at most that many chars.
                let cut = if line.len() <= columns {
                    None
                } else {
                    line.char_indices().nth(columns).map(|(i, _)| i)
                };
                if let Some(i) = cut {
                    rest = line.get(i..);
                    line.get(..i)
                } else {
                    rest = None;
                    Some(line)
                }
            })
        })
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
                    proptest::string::string_regex("[a-z\\n好😀]{0,40}").unwrap(),
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

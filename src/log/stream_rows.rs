//! The raw stream's rows (log mode off): a peer's reads in one direction run on as one text,
//! or in hex as one dump of 16 bytes a row, across entries.

use std::borrow::Cow;

use super::shape::{line_rows, row_step};
use super::{HEX_BYTES_PER_ROW, LogBody, Row, Store};

impl Store {
    /// Rows of the raw text stream (log mode off): a peer's reads run on as one text, cut into
    /// rows on the grid of [`row_step`] counted from each line's start, however the reads cut
    /// it. A row belongs to the entry its first character is in and takes in the characters
    /// of the entries after it that start on the same row.
    pub(super) fn stream_rows(&self, first: u64, count: usize) -> Vec<Row<'_>> {
        let step = row_step(self.layout.columns);
        let mut out = Vec::with_capacity(count);
        let (mut index, mut skip) = self.locate(first);
        while out.len() < count {
            let Some(entry) = self.entries.get(index) else {
                break;
            };
            if !matches!(entry.body, LogBody::Data { .. }) || self.hides(entry) {
                index += 1;
                skip = 0;
                continue;
            }
            let entry_text = self.text(entry);
            let pieces = self.owned_pieces(index, &entry_text, step);
            let skip_pieces = usize::try_from(skip).unwrap_or(usize::MAX);
            let mut next = index + 1;
            for (number, &(row, piece)) in pieces.iter().enumerate().skip(skip_pieces) {
                if out.len() == count {
                    break;
                }
                let mut text = Cow::Owned(piece.to_owned());
                if number + 1 == pieces.len() {
                    next = self.join_following(index + 1, row, step, &mut text);
                }
                out.push(Row::Text(text));
            }
            index = next;
            skip = 0;
        }
        out
    }

    /// The pieces of entry `index`'s text, `text`, that begin rows of their own, with the grid
    /// row each is on: its first line's pieces but one on the row the line was on when it
    /// joins it.
    fn owned_pieces<'t>(&self, index: usize, text: &'t str, step: usize) -> Vec<(usize, &'t str)> {
        let (Some(entry), Some(start)) = (self.entries.get(index), self.line_starts.get(index))
        else {
            return Vec::new();
        };
        if text.is_empty() {
            return Vec::new();
        }
        let mut lines = text.strip_suffix('\n').unwrap_or(text).split('\n');
        let first = lines.next().unwrap_or_default();
        let mut pieces: Vec<(usize, &str)> = if entry.joins_previous {
            let taken_row = start.previous as usize / step;
            if first.is_empty() {
                Vec::new()
            } else {
                line_rows(first, start.column as usize, start.previous as usize, step)
                    .filter(|&(row, _)| row != taken_row)
                    .collect()
            }
        } else {
            line_rows(first, 0, 0, step).collect()
        };
        for line in lines {
            pieces.extend(line_rows(line, 0, 0, step));
        }
        pieces
    }

    /// Rows of the raw stream in hex (log mode off): each peer's reads in one direction run on
    /// as one stream, 16 bytes a row; a row belongs to the entry its first byte is in and takes
    /// the rest of its bytes from the entries that continue the stream.
    pub(super) fn hex_stream_rows(&self, first: u64, count: usize) -> Vec<Row<'_>> {
        let mut out = Vec::with_capacity(count);
        let (mut index, skip) = self.locate(first);
        let mut skip = usize::try_from(skip).unwrap_or(usize::MAX);
        while out.len() < count {
            let Some(entry) = self.entries.get(index) else {
                break;
            };
            if let LogBody::Data { bytes, .. } = &entry.body
                && !self.hides(entry)
            {
                let start = entry.run_offset;
                let first_row = start.div_ceil(HEX_BYTES_PER_ROW).saturating_add(skip);
                let end_row = (start + bytes.len()).div_ceil(HEX_BYTES_PER_ROW);
                for row in first_row..end_row {
                    if out.len() == count {
                        break;
                    }
                    let offset = row * HEX_BYTES_PER_ROW;
                    let local = offset - start;
                    let row_bytes = match bytes.get(local..local + HEX_BYTES_PER_ROW) {
                        Some(whole) => Cow::Borrowed(whole),
                        None => Cow::Owned(self.gather_row(index, local)),
                    };
                    out.push(Row::Hex(offset, row_bytes));
                }
            }
            index += 1;
            skip = 0;
        }
        out
    }

    /// The bytes of a hex row that starts `local` bytes into entry `index` and runs on into
    /// the entries that continue its stream.
    fn gather_row(&self, index: usize, local: usize) -> Vec<u8> {
        let mut row = Vec::with_capacity(HEX_BYTES_PER_ROW);
        let mut from = local;
        for entry in self.entries.range(index..) {
            let LogBody::Data { bytes, .. } = &entry.body else {
                break;
            };
            if row.len() < HEX_BYTES_PER_ROW && (entry.run_offset > 0 || row.is_empty()) {
                let take = (HEX_BYTES_PER_ROW - row.len()).min(bytes.len().saturating_sub(from));
                row.extend_from_slice(bytes.get(from..from + take).unwrap_or_default());
                from = 0;
            } else {
                break;
            }
        }
        row
    }

    /// Appends to `text`, the end of grid row `row`, the characters of the entries from
    /// `index` on that continue the line on that row; returns the first entry with rows of its
    /// own left to show.
    fn join_following(
        &self,
        mut index: usize,
        row: usize,
        step: usize,
        text: &mut Cow<'_, str>,
    ) -> usize {
        while let (Some(entry), Some(start)) =
            (self.entries.get(index), self.line_starts.get(index))
        {
            if !entry.joins_previous {
                break;
            }
            let entry_text = self.text(entry);
            let body = entry_text.strip_suffix('\n').unwrap_or(&entry_text);
            let first = body.split('\n').next().unwrap_or_default();
            let (column, previous) = (start.column as usize, start.previous as usize);
            let mut pieces = line_rows(first, column, previous, step);
            match pieces.next() {
                Some((on, piece)) if on == row && !first.is_empty() => {
                    text.to_mut().push_str(piece);
                }
                // Half a character so far: nothing to show, and the line runs on past it.
                _ if entry_text.is_empty() => {
                    index += 1;
                    continue;
                }
                _ => return index,
            }
            if pieces.next().is_some() || first.len() < body.len() {
                // Its further rows or lines are its own.
                return index;
            }
            // Wholly taken into this row; the next entry may continue it too.
            index += 1;
        }
        index
    }
}

//! The raw stream's rows (log mode off): a peer's reads in one direction run on as one text,
//! or in hex as one dump of 16 bytes a row, across entries.

use std::borrow::Cow;

use super::shape::text_rows;
use super::{HEX_BYTES_PER_ROW, Log, LogBody, Row};

impl Log {
    /// Rows of the raw text stream (log mode off): an entry's rows are its lines, except a
    /// first line that continues the row before; a row that ends an entry takes in the first
    /// lines of the entries that continue it.
    pub(super) fn stream_rows(&self, first: u64, count: usize) -> Vec<Row<'_>> {
        let columns = self.layout.columns;
        let mut out = Vec::with_capacity(count);
        let (mut index, mut skip) = self.locate(first);
        while out.len() < count {
            let Some(entry) = self.entries.get(index) else {
                break;
            };
            let LogBody::Data { text, .. } = &entry.body else {
                index += 1;
                skip = 0;
                continue;
            };
            if self.hides(entry) {
                index += 1;
                skip = 0;
                continue;
            }
            let segments: Vec<&str> = if text.is_empty() {
                Vec::new()
            } else {
                text_rows(text, columns).collect()
            };
            let first_owned = usize::from(entry.joins_previous);
            let mut next = index + 1;
            let mut owned = usize::try_from(skip).unwrap_or(usize::MAX) + first_owned;
            while owned < segments.len() && out.len() < count {
                let mut row = Cow::Borrowed(segments.get(owned).copied().unwrap_or(""));
                if owned + 1 == segments.len() {
                    next = self.join_following(index + 1, columns, &mut row);
                }
                out.push(Row::Text(row));
                owned += 1;
            }
            index = next;
            skip = 0;
        }
        out
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

    /// Appends to `row` the first lines of the entries from `index` on that continue it;
    /// returns the first entry with rows of its own left to show.
    fn join_following(&self, mut index: usize, columns: usize, row: &mut Cow<'_, str>) -> usize {
        while let Some(entry) = self.entries.get(index) {
            let LogBody::Data { text, .. } = &entry.body else {
                break;
            };
            if !entry.joins_previous {
                break;
            }
            let mut segments = text_rows(text, columns);
            if let Some(first) = segments.next() {
                row.to_mut().push_str(first);
            }
            if text.is_empty() || segments.next().is_none() {
                // Wholly taken into this row; the next entry may continue it too.
                index += 1;
            } else {
                // Its further lines are its own rows.
                return index;
            }
        }
        index
    }
}

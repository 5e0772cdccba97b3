//! What the automata that read the middle of binary data (UTF-8's and GBK's) share: how a
//! byte's effect is packed into 8 bits of a table row, and the stretch of a line they sum
//! those effects into before telling a [`Sink`].

use super::{REPLACEMENT_COLUMNS, Sink, TAB_COLUMNS};

/// How many bytes the middle of binary data is read at a time before the reading looks
/// again for a run of ASCII text.
pub(super) const MIDDLE_CHUNK: usize = 64;

/// In what a byte does, its low bits: the columns of what it shows (a `�` for the character
/// under way it broke off, and itself if it is a character by itself).
pub(super) const COLUMNS: u8 = 0b111;
/// In what a byte does, the two bits from here: where the last character it shows that
/// takes columns starts, plus one (as [`Sink::stretch`]'s `last_end`); 0: it shows none.
pub(super) const LAST_END: u32 = 3;
/// The byte is a line feed.
pub(super) const BREAK: u8 = 1 << 5;

/// What a byte that shows one character of `columns` columns does.
pub(super) const fn shows(columns: u8) -> u8 {
    columns | 1 << LAST_END
}

/// What an ASCII byte does between characters in either encoding.
pub(super) const fn ascii(byte: u8) -> u8 {
    match byte {
        b'\n' => BREAK,
        // A carriage return is dropped.
        b'\r' => 0,
        b'\t' => shows(TAB_COLUMNS),
        // A control character shows as `·`.
        _ => shows(1),
    }
}

/// What a byte that breaks off the character under way does: a `�` first, then what it
/// does between characters (`what`).
pub(super) const fn after_broken(what: u8) -> u8 {
    let own = what & COLUMNS;
    let last_end = if own > 0 { REPLACEMENT_COLUMNS + 1 } else { 1 };
    (what & !(COLUMNS | 0b11 << LAST_END)) | (REPLACEMENT_COLUMNS + own) | last_end << LAST_END
}

/// The stretch of a line since the last break, summed byte by byte in registers and told to
/// a sink at the next break or the end.
#[derive(Default)]
pub(super) struct Stretch {
    column: usize,
    last_end: usize,
    /// Whether a character that takes no columns came (one that does sets `last_end`).
    zero_width: bool,
}

impl Stretch {
    /// Adds what a byte does (its [`COLUMNS`] and [`LAST_END`]).
    #[inline]
    pub(super) fn add(&mut self, does: u8) {
        self.add_columns(
            usize::from(does & COLUMNS),
            usize::from(does >> LAST_END & 0b11),
        );
    }

    /// Adds characters of `columns` columns, the last that takes any ending at `last_end` of
    /// them (0: none does).
    #[inline]
    pub(super) fn add_columns(&mut self, columns: usize, last_end: usize) {
        self.last_end = if last_end > 0 {
            self.column + last_end
        } else {
            self.last_end
        };
        self.column += columns;
    }

    /// Adds one character `width` columns wide (0 for one that goes with the one before).
    #[inline]
    pub(super) fn add_char(&mut self, width: usize) {
        self.add_columns(width, usize::from(width > 0));
        self.zero_width |= width == 0;
    }

    /// Tells `sink` the stretch and starts a new one.
    #[inline]
    pub(super) fn tell(&mut self, sink: &mut impl Sink) {
        sink.stretch(
            self.column,
            self.last_end,
            self.last_end > 0 || self.zero_width,
        );
        *self = Self::default();
    }
}

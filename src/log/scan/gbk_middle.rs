//! GBK beyond ASCII where it is not Chinese text (random binary, as often as not) read by an
//! automaton of two states, between characters and after a lead byte, kept as a bit offset
//! into a table row picked by the byte alone (see `utf8_middle`). A pair's columns come from
//! the pair table without a branch; four-byte GB18030 sequences, rare, are read as the
//! character-by-character reading does, and pairs that make no character are left to it.

use super::stretch::{BREAK, MIDDLE_CHUNK, Stretch, after_broken, ascii, shows};
use super::{BLOCK, GBK_PAIRS, REPLACEMENT_COLUMNS, Sink, Step, all_printable, entry, gbk_step};

/// Between characters.
const READY: u8 = 0;
/// After a lead byte (`81`–`FE`); a state is its bits' offset in an [`AUTOMATON`] row.
const AFTER_LEAD: u8 = 16;

/// The byte is a digit after a lead byte: a four-byte sequence may be under way.
const FOUR: u8 = 1 << 6;
/// The byte is a second byte after a lead byte: the pair's columns are in the pair table.
const PAIR: u8 = 1 << 7;
const _: () = assert!(PAIR == 0x80, "a pair's mask is made from the top bit");
/// In the pair table, a pair that makes no character (`u8::MAX` there).
const NO_PAIR: u8 = 1 << 7;

/// For each byte and each state before it, 16 bits at the state's offset: what the byte does
/// (see [`super::stretch`]; [`FOUR`] and [`PAIR`] too), and above that the state after it.
// Built at compile time, where an index out of bounds or a byte that does not fit fails the
// build, not a run.
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
static AUTOMATON: [u32; 256] = {
    let mut rows = [0; 256];
    let mut byte = 0;
    while byte < 256 {
        let (to, what) = ready(byte as u8);
        let (to_after_lead, what_after_lead) = after_lead(byte as u8);
        rows[byte] = (what as u32 | (to as u32) << 8)
            | (what_after_lead as u32 | (to_after_lead as u32) << 8) << AFTER_LEAD;
        byte += 1;
    }
    rows
};

/// The state after `byte` between characters, and what it does.
const fn ready(byte: u8) -> (u8, u8) {
    match byte {
        0x00..=0x7F => (READY, ascii(byte)),
        // €, an ambiguous width below U+2100: one column (see `char_columns`).
        0x80 => (READY, shows(1)),
        0xFF => (READY, shows(REPLACEMENT_COLUMNS)),
        _ => (AFTER_LEAD, 0),
    }
}

/// The state after `byte` after a lead byte, and what it does (encoding_rs' reading, the
/// WHATWG standard's: an ASCII byte that makes no character with the lead is read again on
/// its own after the lead's `�`).
const fn after_lead(byte: u8) -> (u8, u8) {
    match byte {
        0x30..=0x39 => (READY, FOUR),
        0x40..=0x7E | 0x80..=0xFE => (READY, PAIR | 1 << super::stretch::LAST_END),
        0xFF => (READY, shows(REPLACEMENT_COLUMNS)),
        _ => (READY, after_broken(ascii(byte))),
    }
}

/// Where a lead and second byte's columns are kept in [`GBK_PAIRS`]: any two bytes give an
/// index within it.
#[inline]
pub(super) fn pair_index(lead: u8, second: u8) -> usize {
    usize::from(lead.wrapping_sub(0x81) & 0x7F) << 8 | usize::from(second)
}

/// GBK from `at` (a character's start) on, told to `sink` byte by byte with no branch for
/// most bytes, until a run of printable ASCII follows a chunk of [`MIDDLE_CHUNK`] bytes, the
/// bytes end, or a character comes that this reading leaves to the character-by-character
/// one. Returns where a character starts again: where that one, or the one under way at the
/// end, began.
// The table rows hold 16 bits per state: the casts take one state's bits on purpose.
#[allow(clippy::cast_possible_truncation)]
pub(super) fn scan_gbk_middle(bytes: &[u8], at: usize, sink: &mut impl Sink) -> usize {
    let pairs = &*GBK_PAIRS;
    let mut stretch = Stretch::default();
    let mut state = READY;
    let mut previous = 0_u8;
    let mut end = at;
    let mut next_look = at + MIDDLE_CHUNK;
    while let Some(&byte) = bytes.get(end) {
        if end >= next_look {
            if state == READY && bytes.get(end..end + BLOCK).is_some_and(all_printable) {
                break;
            }
            next_look = end + MIDDLE_CHUNK;
        }
        let row = entry(&AUTOMATON, byte) >> state;
        let does = row as u8;
        // The pair's columns if the byte makes one with the byte before, else 0.
        let pair_columns = pairs
            .get(pair_index(previous, byte))
            .copied()
            .unwrap_or(u8::MAX)
            & 0_u8.wrapping_sub(does >> 7);
        if (does & (BREAK | FOUR)) | (pair_columns & NO_PAIR) != 0 {
            // Rare among random bytes (a four-byte start one in 50): a branch mostly predicted.
            if does & BREAK != 0 {
                stretch.add(does);
                stretch.tell(sink);
                sink.line_break();
            } else if does & FOUR != 0 {
                let lead = end - 1;
                match gbk_step(bytes.get(lead..).unwrap_or_default(), false) {
                    Step::Char(4, width) => {
                        stretch.add_char(width);
                        (state, previous, end) = (READY, 0, lead + 4);
                        continue;
                    }
                    Step::Char(1, width) => {
                        // The lead alone is `�`; the digit is a character of its own.
                        stretch.add_char(width);
                        stretch.add(ascii(byte));
                        (state, previous, end) = (READY, byte, end + 1);
                        continue;
                    }
                    // Cut off by the end: the other reading knows whether more is to come.
                    _ => {
                        (state, end) = (READY, lead);
                        break;
                    }
                }
            } else {
                // A pair that makes no character: left to the other reading.
                (state, end) = (READY, end - 1);
                break;
            }
        } else {
            // A pair's own columns are 0 in `does`: its columns from the table go there.
            stretch.add(does | pair_columns);
        }
        state = (row >> 8) as u8;
        previous = byte;
        end += 1;
    }
    stretch.tell(sink);
    if state == READY { end } else { end - 1 }
}

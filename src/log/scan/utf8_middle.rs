//! UTF-8 beyond ASCII (random binary, as often as not) read by an automaton whose states are
//! bit offsets into a table row picked by the byte alone: the next state is a shift and a
//! mask away from the one before, so the bytes follow one another at about a cycle each
//! instead of waiting for a table look-up that depends on the state (a reading that kept
//! the character's bits and ranges took about 6 ns a byte of random data).

use super::{
    BLOCK, REPLACEMENT_COLUMNS, REPLACEMENT_WIDTH, Sink, TAB_COLUMNS, all_printable, entry,
    shown_columns,
};

/// How many bytes the middle of UTF-8 is read at a time (see [`scan_utf8_middle`]) before
/// the reading looks again for a run of ASCII text.
const MIDDLE_CHUNK: usize = 64;

/// Between characters.
const READY: usize = 0;
/// One continuation byte to come.
const NEED_ONE: usize = 1;
/// Two continuation bytes to come.
const NEED_TWO: usize = 2;
/// After `E0`, whose next byte is `A0`–`BF`.
const AFTER_E0: usize = 3;
/// After `ED`, whose next byte is `80`–`9F` (no surrogates).
const AFTER_ED: usize = 4;
/// After `F0`, whose next byte is `90`–`BF`.
const AFTER_F0: usize = 5;
/// After `F1`–`F3`, three continuation bytes to come.
const AFTER_F1_F3: usize = 6;
/// After `F4`, whose next byte is `80`–`8F` (nothing beyond U+10FFFF).
const AFTER_F4: usize = 7;
/// How many states there are; each takes 8 bits of a table row.
const STATES: usize = 8;

/// In what a byte does, its low bits: the columns of what it shows (a `�` for the character
/// under way it broke off, and itself if it is a character by itself).
const COLUMNS: u8 = 0b111;
/// In what a byte does, the two bits from here: where the last character it shows that
/// takes columns starts, plus one (as [`Sink::stretch`]'s `last_end`); 0: it shows none.
const LAST_END: u32 = 3;
/// The byte is a line feed.
const BREAK: u8 = 1 << 5;
/// The byte ends a character of several bytes, whose columns need its code point.
const COMPLETE: u8 = 1 << 6;

/// For each byte, the state after it for each state before it, as that state's bit offset
/// (state × 8) in 8 bits at the offset of the state before.
static NEXT: [u64; 256] = AUTOMATON.0;

/// For each byte, what it does ([`COLUMNS`], [`LAST_END`], [`BREAK`], [`COMPLETE`]) for
/// each state before it, in 8 bits at that state's offset.
static DOES: [u64; 256] = AUTOMATON.1;

/// The tables of [`NEXT`] and [`DOES`], built at compile time, where an index out of bounds
/// fails the build, not a run.
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
const AUTOMATON: ([u64; 256], [u64; 256]) = {
    let mut next = [0; 256];
    let mut does = [0; 256];
    let mut byte = 0;
    while byte < 256 {
        let mut state = 0;
        while state < STATES {
            let (to, what) = transition(state, byte as u8);
            next[byte] |= ((to * 8) as u64) << (state * 8);
            does[byte] |= (what as u64) << (state * 8);
            state += 1;
        }
        byte += 1;
    }
    (next, does)
};

/// What a byte shows as `columns` columns: one character that takes them, or none.
const fn shows(columns: u8) -> u8 {
    columns | 1 << LAST_END
}

/// The state after `byte` between characters, and what it does.
const fn ready(byte: u8) -> (usize, u8) {
    match byte {
        b'\n' => (READY, BREAK),
        // A carriage return is dropped.
        b'\r' => (READY, 0),
        b'\t' => (READY, shows(TAB_COLUMNS)),
        // A control character shows as `·`.
        0x00..=0x7F => (READY, shows(1)),
        0xC2..=0xDF => (NEED_ONE, 0),
        0xE0 => (AFTER_E0, 0),
        0xED => (AFTER_ED, 0),
        0xE1..=0xEF => (NEED_TWO, 0),
        0xF0 => (AFTER_F0, 0),
        0xF1..=0xF3 => (AFTER_F1_F3, 0),
        0xF4 => (AFTER_F4, 0),
        // Bytes that can start no character: one `�` each.
        _ => (READY, shows(REPLACEMENT_COLUMNS)),
    }
}

/// The state after `byte` in `state`, and what it does. A byte that does not continue the
/// character under way ends it as one `�` (encoding_rs' and the WHATWG standard's reading)
/// and is then read as if between characters.
const fn transition(state: usize, byte: u8) -> (usize, u8) {
    let (low, high, then) = match state {
        READY => return ready(byte),
        NEED_ONE => (0x80, 0xBF, READY),
        NEED_TWO => (0x80, 0xBF, NEED_ONE),
        AFTER_E0 => (0xA0, 0xBF, NEED_ONE),
        AFTER_ED => (0x80, 0x9F, NEED_ONE),
        AFTER_F0 => (0x90, 0xBF, NEED_TWO),
        AFTER_F1_F3 => (0x80, 0xBF, NEED_TWO),
        _ => (0x80, 0x8F, NEED_TWO),
    };
    if low <= byte && byte <= high {
        (then, if then == READY { COMPLETE } else { 0 })
    } else {
        let (to, what) = ready(byte);
        let own = what & COLUMNS;
        // The `�` first, then the byte's own character if it shows one.
        let last_end = if own > 0 { REPLACEMENT_COLUMNS + 1 } else { 1 };
        (
            to,
            (what & !(COLUMNS | 0b11 << LAST_END))
                | (REPLACEMENT_COLUMNS + own)
                | last_end << LAST_END,
        )
    }
}

/// UTF-8 from `at` (a character's start) on, told to `sink` byte by byte with no branch for
/// most bytes, until a run of printable ASCII follows a chunk of [`MIDDLE_CHUNK`] bytes or the
/// bytes end. Returns where a character starts again: where the one under way at the end
/// began, if one is.
// The table rows hold 8 bits per state: the casts take one state's bits on purpose.
#[allow(clippy::cast_possible_truncation)]
pub(super) fn scan_utf8_middle(bytes: &[u8], at: usize, sink: &mut impl Sink) -> usize {
    // The stretch of the line since the last break, told to `sink` at the next break.
    let (mut column, mut last_end, mut seen) = (0, 0, 0_u8);
    let mut state = 0_u64;
    let mut end = at;
    for chunk in bytes.get(at..).unwrap_or_default().chunks(MIDDLE_CHUNK) {
        if state == 0 && chunk.get(..BLOCK).is_some_and(all_printable) && end > at {
            break;
        }
        for &byte in chunk {
            let does = (entry(&DOES, byte) >> state) as u8;
            state = (entry(&NEXT, byte) >> state) & 0xFF;
            let ends = usize::from(does >> LAST_END & 0b11);
            last_end = if ends > 0 { column + ends } else { last_end };
            column += usize::from(does & COLUMNS);
            seen |= does;
            if does & (BREAK | COMPLETE) != 0 {
                // Rare among random bytes: a branch that is mostly predicted.
                if does & BREAK != 0 {
                    sink.stretch(column, last_end, seen >> LAST_END & 0b11 != 0);
                    sink.line_break();
                    (column, last_end, seen) = (0, 0, 0);
                } else {
                    let width = completed_columns(bytes.get(..=end).unwrap_or_default());
                    last_end = if width > 0 { column + 1 } else { last_end };
                    column += width;
                    seen |= 1 << LAST_END;
                }
            }
            end += 1;
        }
    }
    sink.stretch(column, last_end, seen >> LAST_END & 0b11 != 0);
    if state == 0 {
        end
    } else {
        // The character under way began at its lead byte, within the last three.
        under_way_start(bytes.get(..end).unwrap_or_default())
    }
}

/// The columns of the character of several bytes that `bytes`' last byte completes.
fn completed_columns(bytes: &[u8]) -> usize {
    let start = under_way_start(
        bytes
            .get(..bytes.len().saturating_sub(1))
            .unwrap_or_default(),
    );
    bytes
        .get(start..)
        .and_then(|bytes| std::str::from_utf8(bytes).ok())
        .and_then(|text| text.chars().next())
        .map_or(REPLACEMENT_WIDTH, shown_columns)
}

/// Where the lead byte of the character under way at the end of `bytes` is: the last byte
/// of the last three that is no continuation byte.
fn under_way_start(bytes: &[u8]) -> usize {
    let from = bytes.len().saturating_sub(3);
    bytes
        .get(from..)
        .unwrap_or_default()
        .iter()
        .rposition(|&byte| byte >= 0xC0)
        .map_or(from, |lead| from + lead)
}

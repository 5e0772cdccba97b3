//! UTF-8 beyond ASCII (random binary, as often as not) read by an automaton whose states are
//! bit offsets into a table row picked by the byte alone: the next state is a shift and a
//! mask away from the one before, so the bytes follow one another at about a cycle each
//! instead of waiting for a table look-up that depends on the state (a reading that kept
//! the character's bits and ranges took about 6 ns a byte of random data).

use super::stretch::{BREAK, MIDDLE_CHUNK, Stretch, after_broken, ascii, shows};
use super::{
    BLOCK, REPLACEMENT_COLUMNS, REPLACEMENT_WIDTH, Sink, all_printable, entry, shown_columns,
};

/// Between characters.
pub(super) const READY: usize = 0;
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
pub(super) const STATES: usize = 8;

/// The byte ends a character of several bytes, whose columns need its code point.
const COMPLETE: u8 = 1 << 6;

/// For each byte, the state after it for each state before it, as that state's bit offset
/// (state × 8) in 8 bits at the offset of the state before.
pub(super) static NEXT: [u64; 256] = AUTOMATON.0;

/// For each byte, what it does (see [`super::stretch`]; [`COMPLETE`] too) for each state
/// before it, in 8 bits at that state's offset.
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

/// The state after `byte` between characters, and what it does.
pub(super) const fn ready(byte: u8) -> (usize, u8) {
    match byte {
        0x00..=0x7F => (READY, ascii(byte)),
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

/// Whether `byte` continues the character under way in `state` (not [`READY`]): the state
/// after it if it does.
pub(super) const fn continued(state: usize, byte: u8) -> Option<usize> {
    let (low, high, then) = match state {
        NEED_ONE => (0x80, 0xBF, READY),
        NEED_TWO => (0x80, 0xBF, NEED_ONE),
        AFTER_E0 => (0xA0, 0xBF, NEED_ONE),
        AFTER_ED => (0x80, 0x9F, NEED_ONE),
        AFTER_F0 => (0x90, 0xBF, NEED_TWO),
        AFTER_F1_F3 => (0x80, 0xBF, NEED_TWO),
        _ => (0x80, 0x8F, NEED_TWO),
    };
    if low <= byte && byte <= high {
        Some(then)
    } else {
        None
    }
}

/// The state after `byte` in `state`, and what it does. A byte that does not continue the
/// character under way ends it as one `�` (encoding_rs' and the WHATWG standard's reading)
/// and is then read as if between characters.
const fn transition(state: usize, byte: u8) -> (usize, u8) {
    if state == READY {
        return ready(byte);
    }
    if let Some(then) = continued(state, byte) {
        (then, if then == READY { COMPLETE } else { 0 })
    } else {
        let (to, what) = ready(byte);
        (to, after_broken(what))
    }
}

/// UTF-8 from `at` (a character's start) on, told to `sink` byte by byte with no branch for
/// most bytes, until a run of printable ASCII follows a chunk of [`MIDDLE_CHUNK`] bytes or the
/// bytes end. Returns where a character starts again: where the one under way at the end
/// began, if one is.
// The table rows hold 8 bits per state: the casts take one state's bits on purpose.
#[allow(clippy::cast_possible_truncation)]
pub(super) fn scan_utf8_middle(bytes: &[u8], at: usize, sink: &mut impl Sink) -> usize {
    let mut stretch = Stretch::default();
    let mut state = 0_u64;
    let mut end = at;
    for chunk in bytes.get(at..).unwrap_or_default().chunks(MIDDLE_CHUNK) {
        if state == 0 && chunk.get(..BLOCK).is_some_and(all_printable) && end > at {
            break;
        }
        for &byte in chunk {
            let does = (entry(&DOES, byte) >> state) as u8;
            state = (entry(&NEXT, byte) >> state) & 0xFF;
            stretch.add(does);
            if does & (BREAK | COMPLETE) != 0 {
                // Rare among random bytes: a branch that is mostly predicted.
                if does & BREAK != 0 {
                    stretch.tell(sink);
                    sink.line_break();
                } else {
                    stretch.add_char(completed_columns(bytes.get(..=end).unwrap_or_default()));
                }
            }
            end += 1;
        }
    }
    stretch.tell(sink);
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

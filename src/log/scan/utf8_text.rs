//! UTF-8 read into the text the log shows in one pass: each character as itself, control
//! characters as `·`, carriage returns dropped and each maximal invalid sequence one `�`, as
//! std's and encoding_rs's lossy readings (both WHATWG's) and [`super::printable_into`] give
//! it. Random binary breaks the text every byte or two, where a reading in valid runs and
//! invalid pieces pays a call for each.

use super::utf8_middle::{NEXT, READY, STATES, continued};
use super::{printable_into, printable_pieces};

/// The UTF-8 character that bytes beginning with a byte of 0x80 or more start.
pub(super) enum Utf8Char {
    /// A character of this many bytes.
    Valid(usize, char),
    /// This many bytes that are no character: one `�`.
    Invalid(usize),
    /// The start of a character that goes on past the bytes.
    Incomplete,
}

/// The character `bytes` begin with (the first byte 0x80 or more), as encoding_rs decodes it:
/// bytes that are no character are one `�` for the longest start of a character among them,
/// and a start cut off by the end is one too when the end is `last`.
#[inline]
pub(super) fn utf8_char(bytes: &[u8], last: bool) -> Utf8Char {
    let Some(&first) = bytes.first() else {
        return Utf8Char::Incomplete;
    };
    let (need, low, high) = match first {
        0xC2..=0xDF => (2, 0x80, 0xBF),
        0xE0 => (3, 0xA0, 0xBF),
        0xE1..=0xEC | 0xEE | 0xEF => (3, 0x80, 0xBF),
        0xED => (3, 0x80, 0x9F),
        0xF0 => (4, 0x90, 0xBF),
        0xF1..=0xF3 => (4, 0x80, 0xBF),
        0xF4 => (4, 0x80, 0x8F),
        _ => return Utf8Char::Invalid(1),
    };
    let mut code = u32::from(first) & (0x7F >> need);
    for k in 1..need {
        let (low, high) = if k == 1 { (low, high) } else { (0x80, 0xBF) };
        match bytes.get(k) {
            None if last => return Utf8Char::Invalid(k),
            None => return Utf8Char::Incomplete,
            Some(&byte) if (low..=high).contains(&byte) => {
                code = code << 6 | u32::from(byte & 0x3F);
            }
            Some(_) => return Utf8Char::Invalid(k),
        }
    }
    char::from_u32(code).map_or(Utf8Char::Invalid(need), |c| Utf8Char::Valid(need, c))
}

/// Appends the text of `bytes` (which begin between characters) as the log shows it; a
/// character cut off by the end shows nothing unless the end is `whole` (the stream's).
pub(super) fn utf8_lossy_into(bytes: &[u8], whole: bool, out: &mut String) {
    // Text, in any language, is valid (but maybe for a character cut off at the end): checked
    // at std's pace and copied whole but for its control characters. Binary fails the check
    // within a few bytes.
    let (text, rest) = valid_start(bytes);
    printable_into(text, out);
    if rest.is_empty() {
        return;
    }
    let mut text = Vec::new();
    utf8_lossy_bytes_into(rest, whole, &mut text);
    // Valid by construction (only what was written now is checked); the lossy reading is
    // only there to need no panic.
    out.push_str(&String::from_utf8_lossy(&text));
}

/// [`utf8_lossy_into`] into UTF-8 bytes, as headless printing writes them, by an automaton
/// on the states of [`NEXT`] (see [`super::utf8_middle`]) with no branch for most bytes:
/// each byte writes what [`EMIT`] says for it and its state, a character's bytes are written
/// as they come and taken back (with a `�` written instead) if the character breaks off.
/// Blocks of plain text are copied whole.
// The table entries pack bytes and counts into a u64 on purpose.
#[allow(clippy::cast_possible_truncation)]
pub(super) fn utf8_lossy_bytes_into(bytes: &[u8], whole: bool, out: &mut Vec<u8>) {
    // Text, as in `utf8_lossy_into`.
    let (text, bytes) = valid_start(bytes);
    out.reserve(text.len());
    printable_pieces(text, |piece| out.extend_from_slice(piece.as_bytes()));
    let mut at_out = out.len();
    // A byte shows as at most 3 bytes (a `�`) and every byte writes 8; a character under way
    // may have written its bytes already.
    out.resize(at_out + bytes.len() * 3 + 16, 0);
    // Where the character under way began in `out`.
    let mut under_way = at_out;
    let mut state = READY_STATE;
    let mut at = 0;
    while at < bytes.len() {
        let block_end = at + PLAIN_BLOCK;
        if state == READY_STATE && copy_plain_block(bytes, at, out, at_out) {
            at = block_end;
            at_out += PLAIN_BLOCK;
            continue;
        }
        for &byte in bytes
            .get(at..block_end.min(bytes.len()))
            .unwrap_or_default()
        {
            let emit = EMIT
                .get(usize::from(byte))
                .and_then(|row| row.get((state / 8) as usize))
                .copied()
                .unwrap_or_default();
            state = (super::entry(&NEXT, byte) >> state) & 0xFF;
            let base = if emit & TAKE_BACK == 0 {
                at_out
            } else {
                under_way
            };
            if let Some(to) = out.get_mut(base..base + 8) {
                to.copy_from_slice(&emit.to_le_bytes());
            }
            at_out = base + ((emit >> LEN_SHIFT) & 0xF) as usize;
            if emit & BEGINS != 0 {
                under_way = base + if emit & AFTER_REPLACEMENT == 0 { 0 } else { 3 };
            }
            if emit & MAY_END_C1 != 0 {
                // Rare among random bytes: a C1 control (`C2 80`–`C2 9F`) shows as `·`. (Its
                // own flag: a test of the byte here would be a branch guessed wrong often.)
                if out.get(at_out - 2) == Some(&0xC2)
                    && let Some(last) = out.get_mut(at_out - 1)
                {
                    *last = 0xB7;
                }
            }
        }
        at = block_end;
    }
    if state != READY_STATE {
        // Cut off by the end: shown by the next read, or broken off as one `�`.
        at_out = under_way;
        if whole {
            if let Some(to) = out.get_mut(at_out..at_out + 3) {
                to.copy_from_slice(&REPLACEMENT[..3]);
            }
            at_out += 3;
        }
    }
    out.truncate(at_out);
}

/// A start of `bytes` that is valid UTF-8, and the rest: all of it that is valid but for a
/// character begun in the last three bytes (text cut off by a read's end, checked once).
fn valid_start(bytes: &[u8]) -> (&str, &[u8]) {
    let tail = bytes.len().saturating_sub(3);
    let end = bytes
        .get(tail..)
        .unwrap_or_default()
        .iter()
        .rposition(|&byte| byte >= 0xC0)
        .map_or(bytes.len(), |lead| tail + lead);
    let (head, last) = bytes.split_at(end.min(bytes.len()));
    match std::str::from_utf8(head) {
        Ok(text) => (text, last),
        Err(error) => {
            let (valid, rest) = bytes.split_at(error.valid_up_to());
            (std::str::from_utf8(valid).unwrap_or_default(), rest)
        }
    }
}

/// [`READY`] as the bit offset [`NEXT`] gives states as.
const READY_STATE: u64 = READY as u64 * 8;

/// In an [`EMIT`] entry: the bit where the count of bytes to write starts (the bytes are
/// below it).
const LEN_SHIFT: u32 = 48;
/// In an [`EMIT`] entry: write from where the character under way began (it broke off).
const TAKE_BACK: u64 = 1 << 52;
/// In an [`EMIT`] entry: the byte begins a character of several bytes.
const BEGINS: u64 = 1 << 53;
/// In an [`EMIT`] entry: that character's bytes come after a `�` this byte writes first.
const AFTER_REPLACEMENT: u64 = 1 << 54;
/// In an [`EMIT`] entry: the byte completes a character of several bytes that may be a C1
/// control (`80`–`9F` after one lead byte, which may be `C2`).
const MAY_END_C1: u64 = 1 << 55;

/// What each byte writes in each state: up to 6 bytes and their count, and the flags above.
static EMIT: [[u64; STATES]; 256] = emit_table();

/// The table of [`EMIT`], built at compile time, where an index out of bounds fails the
/// build, not a run.
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
const fn emit_table() -> [[u64; STATES]; 256] {
    let mut table = [[0; STATES]; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        let mut state = 0;
        while state < STATES {
            table[byte][state] = if state == READY {
                between_entry(b, 0)
            } else {
                match continued(state, b) {
                    Some(then) => {
                        let c1 = then == READY && b <= 0x9F;
                        b as u64 | 1 << LEN_SHIFT | if c1 { MAY_END_C1 } else { 0 }
                    }
                    None => TAKE_BACK | between_entry(b, 3),
                }
            };
            state += 1;
        }
        byte += 1;
    }
    table
}

/// The entry of `byte` read between characters after `skip` bytes already written (a `�`
/// when 3).
#[allow(clippy::indexing_slicing)]
const fn between_entry(byte: u8, skip: usize) -> u64 {
    let shown = between_byte(byte);
    let (bytes, len, flags) = if shown.len == LEAD {
        let after = if skip == 0 { 0 } else { AFTER_REPLACEMENT };
        ([byte, 0, 0, 0], 1, BEGINS | after)
    } else {
        (shown.bytes, shown.len as usize, 0)
    };
    let mut entry = 0_u64;
    let mut k = 0;
    while k < skip {
        entry |= (REPLACEMENT[k] as u64) << (8 * k);
        k += 1;
    }
    let mut k = 0;
    while k < len {
        entry |= (bytes[k] as u64) << (8 * (skip + k));
        k += 1;
    }
    entry | ((skip + len) as u64) << LEN_SHIFT | flags
}

/// `�` in UTF-8.
pub(super) const REPLACEMENT: [u8; 4] = [0xEF, 0xBF, 0xBD, 0];

/// What a byte between characters shows, as UTF-8 (`len` of `bytes`), or [`LEAD`] for a byte
/// that begins a character of several bytes.
#[derive(Clone, Copy)]
pub(super) struct Shown {
    /// The bytes shown, as UTF-8.
    pub(super) bytes: [u8; 4],
    /// How many of `bytes` there are, or [`LEAD`].
    pub(super) len: u8,
}

/// [`Shown::len`] of a byte that begins a character of several bytes.
const LEAD: u8 = u8::MAX;

/// How the log shows `c`: a C1 control character as `·`, as [`super::printable_into`] does.
pub(super) fn shown_char(c: char) -> char {
    if ('\u{80}'..='\u{9F}').contains(&c) {
        '·'
    } else {
        c
    }
}

/// What `byte` shows between characters.
pub(super) const fn between_byte(byte: u8) -> Shown {
    const DOT: [u8; 4] = [0xC2, 0xB7, 0, 0];
    match byte {
        b'\r' => Shown {
            bytes: [0; 4],
            len: 0,
        },
        b'\n' | b'\t' | 0x20..=0x7E => Shown {
            bytes: [byte, 0, 0, 0],
            len: 1,
        },
        0x00..=0x7F => Shown { bytes: DOT, len: 2 },
        0xC2..=0xF4 => Shown {
            bytes: [0; 4],
            len: LEAD,
        },
        _ => Shown {
            bytes: REPLACEMENT,
            len: 3,
        },
    }
}

/// Plain bytes (see [`copy_plain_block`]) are looked for this many at a time.
pub(super) const PLAIN_BLOCK: usize = 16;

/// Copies the [`PLAIN_BLOCK`] bytes of `bytes` at `at` to `out` at `at_out` if each is ASCII
/// that shows as itself (printable, a line feed or a tab); whether it did. Checked without
/// an early exit, which the compiler turns into vector instructions.
pub(super) fn copy_plain_block(bytes: &[u8], at: usize, out: &mut [u8], at_out: usize) -> bool {
    let plain = |byte: u8| (0x20..0x7F).contains(&byte) || byte == b'\n' || byte == b'\t';
    match (
        bytes.get(at..at + PLAIN_BLOCK),
        out.get_mut(at_out..at_out + PLAIN_BLOCK),
    ) {
        (Some(block), Some(to)) if block.iter().fold(true, |all, &b| all & plain(b)) => {
            to.copy_from_slice(block);
            true
        }
        _ => false,
    }
}

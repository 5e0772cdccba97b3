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
/// each byte writes what [`EMIT`] says for it and its state. A character of several bytes is
/// written when its last byte comes (a branch, but a rare one among random bytes, where most
/// bytes of 0x80 or more are no character), from the bytes read. Blocks of plain text are
/// copied whole.
pub(super) fn utf8_lossy_bytes_into(bytes: &[u8], whole: bool, out: &mut Vec<u8>) {
    // Text, as in `utf8_lossy_into`.
    let (text, bytes) = valid_start(bytes);
    out.reserve(text.len());
    printable_pieces(text, |piece| out.extend_from_slice(piece.as_bytes()));
    let mut at_out = out.len();
    // Bytes show as at most 3 bytes each on average (a `�` for itself, or one for a character
    // it breaks off and one for itself after one byte or more), so a block's window never
    // reaches past the end.
    out.resize(at_out + bytes.len() * 3 + WINDOW, 0);
    let written = out.as_mut_slice();
    let mut state = READY_STATE;
    let mut blocks = bytes.chunks_exact(PLAIN_BLOCK);
    let mut at = 0;
    for block in &mut blocks {
        if state == READY_STATE && copy_plain_block(bytes, at, written, at_out) {
            at_out += PLAIN_BLOCK;
        } else {
            (state, at_out) = write_block(bytes, at, block, state, written, at_out);
        }
        at += PLAIN_BLOCK;
    }
    let rest = blocks.remainder();
    (state, at_out) = write_block(bytes, at, rest, state, written, at_out);
    if state != READY_STATE && whole {
        // Cut off by the end of the stream: one `�` (otherwise the next read shows it).
        if let Some(to) = written.get_mut(at_out..at_out + 3) {
            to.copy_from_slice(&REPLACEMENT[..3]);
        }
        at_out += 3;
    }
    out.truncate(at_out);
}

/// How many bytes of output a block of [`PLAIN_BLOCK`] bytes is written into: 3 for each
/// byte, up to 5 more for a character begun before it that one of its bytes ends or breaks
/// off, and the 8 that every byte writes.
pub(super) const WINDOW: usize = 64 + 8;

/// Writes `block`, the bytes of `bytes` at `at`, in `state` to `written` at `at_out`: each
/// byte what [`EMIT`] says for it and its state; the state after it and where its text ends.
/// Inlined so that a whole block's loop unrolls and the window's bounds are known.
// The table entries pack bytes and a count into a u64 on purpose.
#[allow(clippy::cast_possible_truncation, clippy::inline_always)]
#[inline(always)]
fn write_block(
    bytes: &[u8],
    at: usize,
    block: &[u8],
    mut state: u64,
    written: &mut [u8],
    at_out: usize,
) -> (u64, usize) {
    let Some(window) = written
        .get_mut(at_out..)
        .and_then(|rest| rest.first_chunk_mut::<WINDOW>())
    else {
        return (state, at_out);
    };
    let mut in_window = 0;
    for (k, &byte) in block.iter().enumerate() {
        let emit = EMIT
            .get(usize::from(byte) << 3 | (state >> 3 & 7) as usize)
            .copied()
            .unwrap_or_default();
        state = (super::entry(&NEXT, byte) >> state) & 0xFF;
        // Below 64 (see `WINDOW`); the mask only tells the compiler so.
        debug_assert!(in_window < 64, "a block wrote past its window");
        let to = in_window & 63;
        if let Some(to) = window.get_mut(to..to + 8) {
            to.copy_from_slice(&emit.to_le_bytes());
        }
        in_window += ((emit >> LEN_SHIFT) & 0xF) as usize;
        if emit & COMPLETES != 0 {
            let read = bytes.get(..=at + k).unwrap_or_default();
            in_window = write_completed(read, window, in_window);
        }
    }
    (state, at_out + in_window)
}

/// Writes the character of several bytes that the last of `bytes` completes (its lead byte
/// among the three before) to `written` at `at_out`, a C1 control as `·`; where it ends.
fn write_completed(bytes: &[u8], written: &mut [u8], at_out: usize) -> usize {
    let from = bytes.len().saturating_sub(4);
    let tail = bytes.get(from..).unwrap_or_default();
    let lead = tail
        .iter()
        .rposition(|&byte| byte >= 0xC0)
        .unwrap_or_default();
    let character = match tail.get(lead..).unwrap_or_default() {
        [0xC2, second] if *second <= 0x9F => "·".as_bytes(),
        character => character,
    };
    if let Some(to) = written.get_mut(at_out..at_out + character.len()) {
        to.copy_from_slice(character);
    }
    at_out + character.len()
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
/// In an [`EMIT`] entry: the byte completes a character of several bytes, to be written
/// from the bytes read (see [`write_completed`]).
const COMPLETES: u64 = 1 << 52;

/// What each byte writes in each state (at `byte × 8 + state`): up to 6 bytes and their
/// count, and whether it completes a character.
static EMIT: [u64; 256 * STATES] = emit_table();

/// The table of [`EMIT`], built at compile time, where an index out of bounds fails the
/// build, not a run.
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
const fn emit_table() -> [u64; 256 * STATES] {
    let mut table = [0; 256 * STATES];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        let mut state = 0;
        while state < STATES {
            table[byte * STATES + state] = if state == READY {
                between_entry(b, 0)
            } else {
                match continued(state, b) {
                    Some(READY) => COMPLETES,
                    Some(_) => 0,
                    None => between_entry(b, 3),
                }
            };
            state += 1;
        }
        byte += 1;
    }
    table
}

/// The entry of `byte` read between characters after `skip` bytes already written (a `�`
/// when 3); a byte that begins a character of several bytes writes nothing itself.
#[allow(clippy::indexing_slicing)]
const fn between_entry(byte: u8, skip: usize) -> u64 {
    let shown = between_byte(byte);
    let len = if shown.len == LEAD {
        0
    } else {
        shown.len as usize
    };
    let mut entry = 0_u64;
    let mut k = 0;
    while k < skip {
        entry |= (REPLACEMENT[k] as u64) << (8 * k);
        k += 1;
    }
    let mut k = 0;
    while k < len {
        entry |= (shown.bytes[k] as u64) << (8 * (skip + k));
        k += 1;
    }
    entry | ((skip + len) as u64) << LEN_SHIFT
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

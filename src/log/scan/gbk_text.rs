//! GBK read into the text the log shows, as UTF-8 bytes, in one pass: each pair looked up in
//! a table of its UTF-8 made once from encoding_rs' own, ASCII as [`super::printable_into`]
//! shows it. encoding_rs' decoder and the search for control characters after it took about
//! 11 ns a byte of random data, most of it branches the data makes unpredictable.

use std::sync::LazyLock;

use super::utf8_text::{
    PLAIN_BLOCK, REPLACEMENT, WINDOW, between_byte, copy_plain_block, shown_char,
};
use super::{GbkPiece, gb18030_char, gbk_piece, pair_index, unmapped_pair_len};

/// In a [`PAIR_TEXT`] or [`SINGLE_TEXT`] entry: where the count of bytes to write starts (the
/// bytes are in the low five).
const LEN_SHIFT: u32 = 56;
/// In a [`PAIR_TEXT`] entry: the second byte is a digit, which may begin a four-byte
/// sequence, read on its own.
const FOUR: u64 = 1 << 48;

/// What a byte writes between characters: [`piece_text`]'s text for it, packed; nothing for
/// a lead byte (its pair writes).
static SINGLE_TEXT: LazyLock<[u64; 256]> = LazyLock::new(|| {
    let mut table = [0; 256];
    for (byte, slot) in (0..=u8::MAX).zip(table.iter_mut()) {
        if !(0x81..=0xFE).contains(&byte)
            && let Some((_, text, count)) = piece_text(&[byte], 0, true)
        {
            *slot = pack(&[text.get(..count).unwrap_or_default()]);
        }
    }
    table
});

/// What a lead and a second byte write, at [`pair_index`]: the pair's character, or `�`
/// and then what the second byte writes on its own when it is read again.
static PAIR_TEXT: LazyLock<Box<[u64; 1 << 15]>> = LazyLock::new(|| {
    // On the heap: too large for the stack. Its size known, a look-up needs no bounds check.
    let mut pairs: Box<[u64; 1 << 15]> = vec![0_u64; 1 << 15]
        .into_boxed_slice()
        .try_into()
        .unwrap_or_else(|_| Box::new([0; 1 << 15]));
    for lead in 0x81..=0xFE_u8 {
        for second in 0..=u8::MAX {
            let Some(slot) = pairs.get_mut(pair_index(lead, second)) else {
                continue;
            };
            *slot = if (0x30..=0x39).contains(&second) {
                FOUR
            } else {
                match piece_text(&[lead, second], 0, true) {
                    Some((2, text, count)) => pack(&[text.get(..count).unwrap_or_default()]),
                    Some((_, text, count)) => {
                        let again = SINGLE_TEXT.get(usize::from(second)).copied().unwrap_or(0);
                        let again_len = (again >> LEN_SHIFT) as usize;
                        let again_bytes = again.to_le_bytes();
                        pack(&[
                            text.get(..count).unwrap_or_default(),
                            again_bytes.get(..again_len).unwrap_or_default(),
                        ])
                    }
                    None => 0,
                }
            };
        }
    }
    pairs
});

/// `pieces` one after the other in the low bytes, their length in the top byte.
fn pack(pieces: &[&[u8]]) -> u64 {
    let mut bytes = [0_u8; 8];
    let mut len = 0;
    for &byte in pieces.iter().flat_map(|piece| piece.iter()) {
        if let Some(slot) = bytes.get_mut(len) {
            *slot = byte;
        }
        len += 1;
    }
    u64::from_le_bytes(bytes) & ((1 << 40) - 1) | (len as u64) << LEN_SHIFT
}

/// Appends the text of `held` (the start of a character cut off by the read before) and
/// `bytes` as the log shows it, as UTF-8; a character cut off by the end shows nothing unless
/// the end is `whole` (the stream's). Between characters a byte writes what [`SINGLE_TEXT`]
/// says, after a lead byte what [`PAIR_TEXT`] says for the two: both are looked up at every
/// byte and one is taken, with no branch on the byte but for the rare digit after a lead.
// The table entries pack bytes and counts into a u64 on purpose.
#[allow(clippy::cast_possible_truncation)]
pub(super) fn gbk_lossy_bytes_into(held: &[u8], bytes: &[u8], whole: bool, out: &mut Vec<u8>) {
    let mut at = 0;
    if !held.is_empty() {
        // The characters that begin in what was held, read from a copy of it and the bytes
        // after it that they can reach (four at most).
        let reach = bytes.len().min(4);
        let seam = [held, bytes.get(..reach).unwrap_or_default()].concat();
        let last = whole && reach == bytes.len();
        let mut in_seam = 0;
        while in_seam < held.len() {
            let Some((len, text, count)) = piece_text(&seam, in_seam, last) else {
                return;
            };
            out.extend_from_slice(text.get(..count).unwrap_or_default());
            in_seam += len;
        }
        at = in_seam - held.len();
    }
    let (single, pairs) = (&*SINGLE_TEXT, &**PAIR_TEXT);
    let mut at_out = out.len();
    // Bytes show as at most 3 bytes each on average (a `�`, or `�` and `·` for two), so a
    // block's window never reaches past the end.
    out.resize(at_out + bytes.len() * 3 + WINDOW, 0);
    let written = out.as_mut_slice();
    let mut after_lead = false;
    let mut lead = 0_u8;
    while at < bytes.len() {
        if !after_lead && copy_plain_block(bytes, at, written, at_out) {
            // Text: copied a block at a time.
            at += PLAIN_BLOCK;
            at_out += PLAIN_BLOCK;
            continue;
        }
        let Some(window) = written
            .get_mut(at_out..)
            .and_then(|rest| rest.first_chunk_mut::<WINDOW>())
        else {
            break;
        };
        let mut in_window = 0;
        let end = (at + PLAIN_BLOCK).min(bytes.len());
        while at < end {
            let Some(&byte) = bytes.get(at) else {
                break;
            };
            let alone = single.get(usize::from(byte)).copied().unwrap_or(0);
            let pair = pairs.get(pair_index(lead, byte)).copied().unwrap_or(0);
            let text = if after_lead { pair } else { alone };
            if text & FOUR != 0 {
                // Rare: a digit after a lead byte (no byte alone has the flag), read from the
                // lead on.
                let Some((len, text, count)) = piece_text(bytes, at - 1, whole) else {
                    at = bytes.len() + 1;
                    break;
                };
                if let Some(to) = window.get_mut(in_window..in_window + 4) {
                    to.copy_from_slice(&text);
                }
                in_window += count;
                at += len - 1;
                after_lead = false;
                continue;
            }
            // Below 64 (see `WINDOW`); the mask only tells the compiler so.
            debug_assert!(in_window < 64, "a block wrote past its window");
            let to = in_window & 63;
            if let Some(to) = window.get_mut(to..to + 8) {
                to.copy_from_slice(&text.to_le_bytes());
            }
            in_window += (text >> LEN_SHIFT) as usize;
            after_lead = !after_lead && byte.wrapping_sub(0x81) < 0x7E;
            lead = byte;
            at += 1;
        }
        at_out += in_window;
    }
    if after_lead && at == bytes.len() && whole {
        // A lead byte that the stream's end broke off.
        if let Some(to) = written.get_mut(at_out..at_out + 3) {
            to.copy_from_slice(REPLACEMENT.get(..3).unwrap_or_default());
        }
        at_out += 3;
    }
    out.truncate(at_out);
}

/// The character at `at` in `bytes`: how many bytes it takes and its text (UTF-8, the first
/// `count` bytes of four), or `None` for one cut off by the end (not `last`).
#[inline]
fn piece_text(bytes: &[u8], at: usize, last: bool) -> Option<(usize, [u8; 4], usize)> {
    let rest = bytes.get(at..).unwrap_or_default();
    Some(match gbk_piece(rest, last) {
        GbkPiece::Ascii(byte) => {
            let shown = between_byte(byte);
            (1, shown.bytes, usize::from(shown.len))
        }
        GbkPiece::Euro => (1, [0xE2, 0x82, 0xAC, 0], 3),
        // Read here only at a seam between reads and to make the tables: decoded as it is.
        GbkPiece::Pair(lead, second) => {
            let pair = [lead, second];
            let decoded =
                encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(&pair);
            let mut utf8 = [0; 4];
            match decoded.and_then(|text| text.chars().next()) {
                Some(c) => {
                    let len = c.encode_utf8(&mut utf8).len();
                    (2, utf8, len)
                }
                None => (unmapped_pair_len(second), REPLACEMENT, 3),
            }
        }
        GbkPiece::Four(four) => {
            let mut utf8 = [0; 4];
            // Four bytes reach the C1 controls too.
            let shown = gb18030_char(four).map(shown_char);
            match shown.map_or(0, |c| c.encode_utf8(&mut utf8).len()) {
                0 => (4, REPLACEMENT, 3),
                len => (4, utf8, len),
            }
        }
        GbkPiece::Broken(len) => (len, REPLACEMENT, 3),
        GbkPiece::Incomplete => return None,
    })
}

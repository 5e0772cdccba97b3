//! An entry's text read off its bytes without building it: how wide each character the log
//! shows is, and where its lines break. The store keeps only the bytes and decodes the text of
//! the rows it draws; counting rows needs no more than this.
//!
//! Decoding random binary as text (encoding_rs validating, failing and starting over at nearly
//! every byte, then a copy of three bytes of `�` for each) cost about 40 ns a byte; reading
//! the same bytes for their widths here costs about 2.5 (UTF-8) to 3.5 (GBK), and ASCII text
//! a quarter of one (`cargo bench --bench log_intake`).

mod gbk_middle;
mod gbk_text;
mod stretch;
mod utf8_middle;
mod utf8_text;

use std::sync::LazyLock;

use super::shape::char_columns;
use super::text::{printable_into, printable_pieces};
use crate::codec::{StreamDecoder, TextEncoding};
use gbk_middle::{pair_index, scan_gbk_middle};
use gbk_text::gbk_lossy_bytes_into;
use utf8_middle::scan_utf8_middle;
use utf8_text::{Utf8Char, utf8_char, utf8_lossy_bytes_into, utf8_lossy_into};

/// How entries' bytes become the text the log shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Decoding {
    /// The encoding.
    pub encoding: TextEncoding,
    /// Whether what would not show is written with the send box's escapes.
    pub escapes: bool,
}

/// Where a peer's stream stands before an entry's bytes, as its decoder would: the first
/// bytes of a character that the read before ended in, and whether the stream has not begun
/// yet (a UTF-8 byte order mark at its start is dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Carry {
    pending: [u8; 3],
    len: u8,
    at_start: bool,
}

impl Default for Carry {
    fn default() -> Self {
        Self::START
    }
}

impl Carry {
    /// A stream that has not begun.
    pub const START: Self = Self {
        pending: [0; 3],
        len: 0,
        at_start: true,
    };

    /// Between two characters, past the start: after a line break, for instance.
    pub(super) const CLEAN: Self = Self {
        pending: [0; 3],
        len: 0,
        at_start: false,
    };

    /// The bytes held back.
    fn held(&self) -> &[u8] {
        self.pending
            .get(..usize::from(self.len))
            .unwrap_or_default()
    }

    /// Holding `bytes` (at most three: no character is longer than four).
    fn holding(bytes: &[u8], at_start: bool) -> Self {
        let mut pending = [0; 3];
        let mut len = 0;
        for (slot, &byte) in pending.iter_mut().zip(bytes) {
            *slot = byte;
            len += 1;
        }
        Self {
            pending,
            len,
            at_start,
        }
    }
}

/// What a scan tells about the text, character by character or a stretch of a line at a time.
pub(super) trait Sink {
    /// Characters on one line that take `columns` columns in all, the last of them that takes
    /// any starting at `last_end` - 1 of those (`last_end` 0: none does); `any`: whether
    /// there were characters at all (a carriage return, dropped, is none).
    fn stretch(&mut self, columns: usize, last_end: usize, any: bool);

    /// A character `width` columns wide; 0 for one that goes with the character before it.
    #[inline]
    fn char(&mut self, width: usize) {
        self.stretch(width, usize::from(width > 0), true);
    }

    /// `count` characters one column wide each.
    #[inline]
    fn run(&mut self, count: usize) {
        self.stretch(count, count, count > 0);
    }

    /// A line break.
    fn line_break(&mut self);
}

/// What the bytes at a position are.
#[derive(Clone, Copy)]
enum Step {
    /// A character of this many bytes, this many columns wide.
    Char(usize, usize),
    /// A line feed.
    Break,
    /// A carriage return, which the log drops.
    Skip,
    /// The start of a character that goes on past the bytes.
    Incomplete,
}

/// The columns of `�`, which stands for bytes that are no character.
const REPLACEMENT_COLUMNS: u8 = 2;

/// The columns of a tab.
const TAB_COLUMNS: u8 = 4;

/// [`REPLACEMENT_COLUMNS`] as a width.
const REPLACEMENT_WIDTH: usize = REPLACEMENT_COLUMNS as usize;

/// Printable ASCII, most of what devices send as text, is counted this many at a time.
const BLOCK: usize = 32;

/// `table`'s entry for `byte` (a table of one entry for every byte).
#[inline]
fn entry<T: Copy + Default>(table: &[T; 256], byte: u8) -> T {
    table.get(usize::from(byte)).copied().unwrap_or_default()
}

/// The UTF-8 byte order mark.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// Tells `sink` the characters and line breaks of `bytes` as the log shows them with
/// `decoding`, the stream standing at `carry` before them; with `whole`, the bytes end their
/// stream (a message sent), so a character cut off at their end is shown as `�`. Returns where
/// the stream stands after them.
pub(super) fn scan(
    decoding: Decoding,
    carry: Carry,
    bytes: &[u8],
    whole: bool,
    sink: &mut impl Sink,
) -> Carry {
    if decoding.escapes {
        return scan_escaped(decoding.encoding, carry, bytes, whole, sink);
    }
    match decoding.encoding {
        TextEncoding::Utf8 => scan_plain::<Utf8>(carry, bytes, whole, sink),
        TextEncoding::Gbk => scan_plain::<Gbk>(carry, bytes, whole, sink),
    }
}

/// The bytes at the end of an entry [`carry_after`] looks through for a character of its own.
const TAIL: usize = 64;

/// Where the stream stands after `bytes` (as [`scan`] returns), read off their end alone
/// where it can be: after an ASCII byte in UTF-8, or a byte below `0x30` in GBK (neither
/// continues any character, so the reading is between characters after it, whatever came
/// before), only what follows need be read. For a view that shows no text (the hex view,
/// headless), which needs the stream's place for later entries but not the widths.
pub(super) fn carry_after(decoding: Decoding, carry: Carry, bytes: &[u8], whole: bool) -> Carry {
    /// Tells nothing to no one.
    struct Discard;
    impl Sink for Discard {
        fn stretch(&mut self, _: usize, _: usize, _: bool) {}
        fn line_break(&mut self) {}
    }
    let tail_start = bytes.len().saturating_sub(TAIL);
    let ends_any = match decoding.encoding {
        TextEncoding::Utf8 => 0x80,
        TextEncoding::Gbk => 0x30,
    };
    let boundary = bytes
        .get(tail_start..)
        .and_then(|tail| tail.iter().rposition(|&byte| byte < ends_any));
    match boundary {
        // Escapes hold back more than a character; a stream at its start may begin with a BOM.
        Some(at) if !decoding.escapes && !carry.at_start => {
            let rest = bytes.get(tail_start + at + 1..).unwrap_or_default();
            scan(decoding, Carry::CLEAN, rest, whole, &mut Discard)
        }
        _ => scan(decoding, carry, bytes, whole, &mut Discard),
    }
}

/// How an encoding's characters are read off bytes.
trait Reading {
    /// Whether a UTF-8 byte order mark at the stream's start is dropped.
    const BOM: bool;
    /// Each byte's columns when it is a character (or `�`) by itself whatever follows it;
    /// [`SPECIAL`] when it is not: a line feed, a carriage return, a lead byte. A static,
    /// not a constant, so that no use of it copies it.
    fn single() -> &'static [u8; 256];
    /// The character `bytes` begin with; `last`: no bytes follow them.
    fn step(bytes: &[u8], last: bool) -> Step;

    /// The columns of the character of two bytes that `bytes` (a lead byte and one more) are,
    /// when they are one and it is neither of the rarer kinds [`Reading::step`] reads.
    fn pair(bytes: &[u8]) -> Option<usize>;

    /// Reads the bytes from `at` (beyond ASCII) on as long as they are not ASCII text, telling
    /// `sink`, and returns where it stopped: `at` itself when the character there is one for
    /// [`Reading::step`].
    fn middle(bytes: &[u8], at: usize, sink: &mut impl Sink) -> usize;
}

/// Whether every byte of `block` is printable ASCII, checked without an early exit, which the
/// compiler turns into vector instructions.
#[inline]
fn all_printable(block: &[u8]) -> bool {
    block
        .iter()
        .fold(true, |all, &b| all & (b.wrapping_sub(0x20) < 0x5F))
}

/// In [`Reading::single`]: look closer.
const SPECIAL: u8 = u8::MAX;

/// Columns of the bytes that are a character by themselves whichever encoding reads them:
/// ASCII (a control character shows as `·`), but for line feeds and carriage returns.
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
const fn ascii_single() -> [u8; 256] {
    let mut single = [SPECIAL; 256];
    let mut byte = 0;
    while byte < 0x80 {
        single[byte] = match byte as u8 {
            b'\n' | b'\r' => SPECIAL,
            b'\t' => TAB_COLUMNS,
            _ => 1,
        };
        byte += 1;
    }
    single
}

/// UTF-8 as encoding_rs decodes it.
struct Utf8;

/// [`Reading::single`] for UTF-8.
// Built at compile time, where an index out of bounds or a byte that does not fit fails the
// build, not a run.
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
static UTF8_SINGLE: [u8; 256] = {
    let mut single = ascii_single();
    let mut byte = 0x80;
    while byte < 0x100 {
        // Bytes that can start no character: one `�` each.
        if byte < 0xC2 || byte > 0xF4 {
            single[byte] = REPLACEMENT_COLUMNS;
        }
        byte += 1;
    }
    single
};

impl Reading for Utf8 {
    const BOM: bool = true;

    #[inline]
    fn single() -> &'static [u8; 256] {
        &UTF8_SINGLE
    }

    #[inline]
    fn step(bytes: &[u8], last: bool) -> Step {
        utf8_step(bytes, last)
    }

    #[inline]
    fn pair(_: &[u8]) -> Option<usize> {
        // All of UTF-8 beyond ASCII is read by `scan_utf8_middle`.
        None
    }

    #[inline]
    fn middle(bytes: &[u8], at: usize, sink: &mut impl Sink) -> usize {
        scan_utf8_middle(bytes, at, sink)
    }
}

/// GBK as encoding_rs decodes it.
struct Gbk;

/// [`Reading::single`] for GBK.
// Built at compile time, where an index out of bounds or a byte that does not fit fails the
// build, not a run.
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
static GBK_SINGLE: [u8; 256] = {
    let mut single = ascii_single();
    // €, an ambiguous width below U+2100: one column (see `char_columns`).
    single[0x80] = 1;
    single[0xFF] = REPLACEMENT_COLUMNS;
    single
};

impl Reading for Gbk {
    const BOM: bool = false;

    #[inline]
    fn single() -> &'static [u8; 256] {
        &GBK_SINGLE
    }

    #[inline]
    fn step(bytes: &[u8], last: bool) -> Step {
        gbk_step(bytes, last)
    }

    #[inline]
    fn pair(bytes: &[u8]) -> Option<usize> {
        match *bytes {
            [lead @ 0x81..=0xFE, second @ (0x40..=0x7E | 0x80..=0xFE)] => {
                pair_columns(lead, second)
            }
            _ => None,
        }
    }

    #[inline]
    fn middle(bytes: &[u8], at: usize, sink: &mut impl Sink) -> usize {
        scan_gbk_middle(bytes, at, sink)
    }
}

/// [`scan`] without escapes, reading characters as `R` does.
#[inline]
fn scan_plain<R: Reading>(carry: Carry, bytes: &[u8], whole: bool, sink: &mut impl Sink) -> Carry {
    let mut held = carry.held();
    let mut at = 0;
    if R::BOM && carry.at_start {
        let mut opening = [0; 3];
        let mut len = 0;
        for (slot, &byte) in opening.iter_mut().zip(held.iter().chain(bytes)) {
            *slot = byte;
            len += 1;
        }
        let opening = opening.get(..len).unwrap_or_default();
        if opening == BOM {
            at = 3 - held.len();
            held = &[];
        } else if BOM.starts_with(opening) && !whole {
            // Too little yet to tell whether the stream begins with one.
            return Carry::holding(opening, true);
        }
    }
    if !held.is_empty() {
        // A character under way: it ends within the next three bytes.
        let mut seam = [0; 6];
        let mut len = 0;
        for (slot, &byte) in seam.iter_mut().zip(held.iter().chain(bytes.iter().take(3))) {
            *slot = byte;
            len += 1;
        }
        let seam = seam.get(..len).unwrap_or_default();
        let seam_is_all = bytes.len() <= 3;
        let mut pos = 0;
        while pos < held.len() {
            let rest = seam.get(pos..).unwrap_or_default();
            match R::step(rest, whole && seam_is_all) {
                Step::Incomplete => return Carry::holding(rest, false),
                found => pos += tell(found, sink),
            }
        }
        at = pos - held.len();
    }
    while let Some((&first, _)) = bytes.get(at..).and_then(<[u8]>::split_first) {
        if first >= 0x80 {
            if let Some(width) = R::pair(bytes.get(at..at + 2).unwrap_or_default()) {
                // GBK's Chinese, looked up a character at a time while it lasts, which text
                // keeps doing (a branch that is predicted, unlike the automaton's steps).
                sink.char(width);
                at += 2;
                while let Some(width) = R::pair(bytes.get(at..at + 2).unwrap_or_default()) {
                    sink.char(width);
                    at += 2;
                }
                continue;
            }
            // Beyond ASCII and no Chinese (bytes that are no text, as often as not): every
            // byte alike until ASCII text comes again, but for the rarer characters read below.
            let next = R::middle(bytes, at, sink);
            if next > at {
                at = next;
                continue;
            }
        }
        let single = entry(R::single(), first);
        if single == 1 && (0x20..0x7F).contains(&first) {
            let rest = bytes.get(at..).unwrap_or_default();
            let run = match rest.get(..BLOCK) {
                Some(block) if all_printable(block) => BLOCK,
                _ => rest
                    .iter()
                    .position(|b| !(0x20..0x7F).contains(b))
                    .unwrap_or(rest.len()),
            };
            sink.run(run);
            at += run;
        } else if single != SPECIAL {
            sink.char(usize::from(single));
            at += 1;
        } else if first == b'\r' {
            at += 1;
        } else if first == b'\n' {
            sink.line_break();
            at += 1;
        } else {
            let rest = bytes.get(at..).unwrap_or_default();
            match R::step(rest, whole) {
                Step::Incomplete => return Carry::holding(rest, false),
                found => at += tell(found, sink),
            }
        }
    }
    Carry::CLEAN
}

/// Tells `sink` what `step` found; how many bytes it took.
#[inline]
fn tell(step: Step, sink: &mut impl Sink) -> usize {
    match step {
        Step::Char(len, width) => {
            sink.char(width);
            len
        }
        Step::Break => {
            sink.line_break();
            1
        }
        Step::Skip | Step::Incomplete => 1,
    }
}

/// An ASCII byte as the log shows it: a control character as `·`, one column.
#[inline]
fn ascii_step(byte: u8) -> Step {
    match byte {
        b'\n' => Step::Break,
        b'\r' => Step::Skip,
        b'\t' => Step::Char(1, usize::from(TAB_COLUMNS)),
        _ => Step::Char(1, 1),
    }
}

/// The UTF-8 character `bytes` begin with, as encoding_rs decodes it: bytes that are no
/// character become one `�` for the longest start of a character among them.
#[inline]
fn utf8_step(bytes: &[u8], last: bool) -> Step {
    match bytes.first() {
        Some(&first) if first < 0x80 => ascii_step(first),
        _ => match utf8_char(bytes, last) {
            Utf8Char::Valid(len, c) => Step::Char(len, shown_columns(c)),
            Utf8Char::Invalid(len) => Step::Char(len, REPLACEMENT_WIDTH),
            Utf8Char::Incomplete => Step::Incomplete,
        },
    }
}

/// The columns `c` takes once shown: a C1 control character is shown as `·`.
fn shown_columns(c: char) -> usize {
    if ('\u{80}'..='\u{9F}').contains(&c) {
        1
    } else if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        // CJK ideographs, most of what is not ASCII in Chinese text: wide, without a look
        // through Unicode's tables (see `char_columns`).
        2
    } else {
        char_columns(c)
    }
}

/// The GBK character `bytes` begin with, as encoding_rs decodes it (see [`gbk_piece`]).
#[inline]
fn gbk_step(bytes: &[u8], last: bool) -> Step {
    match gbk_piece(bytes, last) {
        GbkPiece::Ascii(byte) => ascii_step(byte),
        // €, an ambiguous width below U+2100: one column (see `char_columns`).
        GbkPiece::Euro => Step::Char(1, 1),
        GbkPiece::Pair(lead, second) => match pair_columns(lead, second) {
            Some(width) => Step::Char(2, width),
            None => Step::Char(unmapped_pair_len(second), REPLACEMENT_WIDTH),
        },
        GbkPiece::Four(four) => Step::Char(
            4,
            gb18030_char(four).map_or(REPLACEMENT_WIDTH, shown_columns),
        ),
        GbkPiece::Broken(len) => Step::Char(len, REPLACEMENT_WIDTH),
        GbkPiece::Incomplete => Step::Incomplete,
    }
}

/// What GBK bytes begin with.
#[derive(Clone, Copy)]
enum GbkPiece {
    /// An ASCII byte.
    Ascii(u8),
    /// `80`: €.
    Euro,
    /// A lead byte and a second byte that may make a character with it (the pair tables say).
    Pair(u8, u8),
    /// A four-byte GB18030 sequence, well formed.
    Four([u8; 4]),
    /// Bytes that are no character: one `�` for this many.
    Broken(usize),
    /// The start of a character that goes on past the bytes.
    Incomplete,
}

/// What `bytes` begin with as encoding_rs decodes GBK (as GB18030, which the WHATWG standard
/// makes GBK's decoder): a byte that begins no character is `�`, and an ASCII byte after a
/// lead byte that makes no character with it is read again on its own. A start cut off by
/// the end is broken off when the end is `last`.
#[inline]
fn gbk_piece(bytes: &[u8], last: bool) -> GbkPiece {
    let Some(&first) = bytes.first() else {
        return GbkPiece::Incomplete;
    };
    match first {
        0x00..=0x7F => GbkPiece::Ascii(first),
        0x80 => GbkPiece::Euro,
        0xFF => GbkPiece::Broken(1),
        lead => match bytes.get(1) {
            None if last => GbkPiece::Broken(1),
            None => GbkPiece::Incomplete,
            Some(0x30..=0x39) => gb18030_four(bytes, last),
            Some(&second @ (0x40..=0x7E | 0x80..=0xFE)) => GbkPiece::Pair(lead, second),
            Some(0x00..=0x7F) => GbkPiece::Broken(1),
            Some(_) => GbkPiece::Broken(2),
        },
    }
}

/// The bytes a lead and `second` byte that make no character are read as one `�`: the lead
/// alone when `second` is ASCII (read again on its own), both otherwise.
fn unmapped_pair_len(second: u8) -> usize {
    if second < 0x80 { 1 } else { 2 }
}

/// A four-byte GB18030 sequence that `bytes` begin with (a lead byte and a digit so far).
#[cold]
fn gb18030_four(bytes: &[u8], last: bool) -> GbkPiece {
    match (bytes.get(2), bytes.get(3)) {
        (None, _) if last => GbkPiece::Broken(2),
        (Some(0x81..=0xFE), None) if last => GbkPiece::Broken(3),
        (None, _) | (Some(0x81..=0xFE), None) => GbkPiece::Incomplete,
        (Some(&third @ 0x81..=0xFE), Some(&fourth @ 0x30..=0x39)) => GbkPiece::Four([
            bytes.first().copied().unwrap_or_default(),
            bytes.get(1).copied().unwrap_or_default(),
            third,
            fourth,
        ]),
        // The bytes after the lead are read again on their own.
        _ => GbkPiece::Broken(1),
    }
}

/// The character a well-formed four-byte GB18030 sequence stands for, if any.
#[cold]
fn gb18030_char(four: [u8; 4]) -> Option<char> {
    encoding_rs::GBK
        .decode_without_bom_handling_and_without_replacement(&four)
        .and_then(|text| text.chars().next())
}

/// Each GBK pair's columns, made once from encoding_rs' own table, at [`pair_index`];
/// `u8::MAX` for none. Room for any two bytes, so that a look-up needs no bounds check.
static GBK_PAIRS: LazyLock<[u8; 1 << 15]> = LazyLock::new(|| {
    let mut pairs = [u8::MAX; 1 << 15];
    for lead in 0x81..=0xFE_u8 {
        for second in (0x40..=0x7E_u8).chain(0x80..=0xFE) {
            let pair = [lead, second];
            let decoded =
                encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(&pair);
            if let Some(c) = decoded.and_then(|text| text.chars().next())
                && let Some(slot) = pairs.get_mut(pair_index(lead, second))
            {
                *slot = u8::try_from(shown_columns(c)).unwrap_or(u8::MAX);
            }
        }
    }
    pairs
});

/// Columns of the character a GBK lead and second byte make, `None` if they make none.
fn pair_columns(lead: u8, second: u8) -> Option<usize> {
    GBK_PAIRS
        .get(pair_index(lead, second))
        .filter(|&&width| width != u8::MAX)
        .map(|&width| usize::from(width))
}

/// [`scan`] with escapes: decoded by the escaping decoder (which, character by character,
/// knows what it holds back), since a person turns it on to read a few entries closely.
fn scan_escaped(
    encoding: TextEncoding,
    carry: Carry,
    bytes: &[u8],
    whole: bool,
    sink: &mut impl Sink,
) -> Carry {
    let mut decoder = StreamDecoder::escaping(encoding, true);
    let mut text = String::new();
    decoder.decode_into(carry.held(), &mut text);
    decoder.decode_into(bytes, &mut text);
    if whole {
        decoder.finish_into(&mut text);
    }
    feed_text(&text, sink);
    Carry::holding(decoder.held_back().unwrap_or_default(), false)
}

/// Tells `sink` the characters and line breaks of `text`, already as the log shows it.
pub(super) fn feed_text(text: &str, sink: &mut impl Sink) {
    let mut rest = text;
    while !rest.is_empty() {
        let run = rest
            .bytes()
            .position(|b| !(0x20..0x7F).contains(&b))
            .unwrap_or(rest.len());
        if run > 0 {
            sink.run(run);
            rest = rest.get(run..).unwrap_or_default();
            continue;
        }
        let mut chars = rest.chars();
        match chars.next() {
            Some('\n') => sink.line_break(),
            Some(c) => sink.char(char_columns(c)),
            None => {}
        }
        rest = chars.as_str();
    }
}

/// Appends to `out` the text of `bytes` as the log shows it with `decoding`, the stream
/// standing at `carry` before them (see [`scan`]).
pub(super) fn decode_into(
    decoding: Decoding,
    carry: Carry,
    bytes: &[u8],
    whole: bool,
    out: &mut String,
) {
    if reads_quickly(decoding, carry) {
        let rest = utf8_seam_into(carry.held(), bytes, whole, out);
        return utf8_lossy_into(rest, whole, out);
    }
    let mut decoder = if decoding.escapes {
        StreamDecoder::escaping(decoding.encoding, true)
    } else {
        StreamDecoder::resuming(decoding.encoding, carry.at_start)
    };
    let mut text = String::new();
    decoder.decode_into(carry.held(), &mut text);
    decoder.decode_into(bytes, &mut text);
    if whole {
        decoder.finish_into(&mut text);
    }
    if decoding.escapes {
        out.push_str(&text);
    } else {
        printable_into(&text, out);
    }
}

/// Whether text decoded with `decoding` from `carry` on is read by [`utf8_lossy_into`]: the
/// usual case in the middle of a stream, binary or text. It reads as encoding_rs does (both
/// follow WHATWG), several times faster on bytes that are no text.
fn reads_quickly(decoding: Decoding, carry: Carry) -> bool {
    !decoding.escapes && decoding.encoding == TextEncoding::Utf8 && !carry.at_start
}

/// [`decode`] as UTF-8 bytes appended to `out`, for writing out. In the middle of a stream
/// without escapes, by writers with no branch per byte for either encoding (whose text needs
/// no check that it is UTF-8); otherwise as [`decode`] reads it.
pub(super) fn decode_bytes_into(
    decoding: Decoding,
    carry: Carry,
    bytes: &[u8],
    whole: bool,
    out: &mut Vec<u8>,
) {
    if decoding.escapes || carry.at_start {
        out.extend_from_slice(decode(decoding, carry, bytes, whole).as_bytes());
        return;
    }
    match decoding.encoding {
        TextEncoding::Utf8 => {
            let mut seam = String::new();
            let rest = utf8_seam_into(carry.held(), bytes, whole, &mut seam);
            out.extend_from_slice(seam.as_bytes());
            utf8_lossy_bytes_into(rest, whole, out);
        }
        TextEncoding::Gbk => gbk_lossy_bytes_into(carry.held(), bytes, whole, out),
    }
}

/// The text of about the first `limit` bytes of `entry` as the log shows it with `decoding`,
/// for a line that shows its start (see [`super::entry_line`]); empty for a notice.
pub fn text_head(entry: &super::LogEntry, decoding: Decoding, limit: usize) -> String {
    match &entry.body {
        super::LogBody::Data { bytes, carry, .. } => {
            let head = bytes.get(..limit).unwrap_or(bytes);
            let whole = entry.is_whole() && head.len() == bytes.len();
            decode(decoding, *carry, head, whole)
        }
        super::LogBody::Notice(_) => String::new(),
    }
}

/// Appends the character that `held` (the start of one, cut off by the read before) begins
/// and `bytes` go on with, or its `�`; the bytes after it, between characters again. All of
/// `bytes` when they do not finish it and more is to come (not `whole`).
fn utf8_seam_into<'b>(held: &[u8], bytes: &'b [u8], whole: bool, out: &mut String) -> &'b [u8] {
    if held.is_empty() {
        return bytes;
    }
    let mut seam = [0; 6];
    let mut len = 0;
    for (slot, &byte) in seam.iter_mut().zip(held.iter().chain(bytes.iter().take(3))) {
        *slot = byte;
        len += 1;
    }
    let seam = seam.get(..len).unwrap_or_default();
    let taken = match utf8_step(seam, whole && bytes.len() <= 3) {
        Step::Char(len, _) => len.saturating_sub(held.len()),
        // Still under way: nothing shows yet.
        _ => return &[],
    };
    let (first, rest) = bytes.split_at(taken.min(bytes.len()));
    let mut decoder = StreamDecoder::resuming(TextEncoding::Utf8, false);
    let mut text = String::new();
    decoder.decode_into(held, &mut text);
    decoder.decode_into(first, &mut text);
    // The character is whole, or broken off: either way it shows now.
    decoder.finish_into(&mut text);
    printable_into(&text, out);
    rest
}

/// The text of `bytes` as the log shows it (see [`decode_into`]).
pub(super) fn decode(decoding: Decoding, carry: Carry, bytes: &[u8], whole: bool) -> String {
    let mut out = String::new();
    decode_into(decoding, carry, bytes, whole, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Records what a scan tells, line by line, to compare with the decoded text.
    #[derive(Default, Debug, PartialEq, Eq)]
    struct Record {
        /// Each line's columns, where its last character that takes any ends (see
        /// [`Sink::stretch`]), and whether it has characters; the last one not broken yet.
        lines: Vec<(usize, usize, bool)>,
        line: (usize, usize, bool),
    }

    impl Sink for Record {
        fn stretch(&mut self, columns: usize, last_end: usize, any: bool) {
            let (column, end, had) = self.line;
            let end = if last_end > 0 { column + last_end } else { end };
            self.line = (column + columns, end, had | any);
        }
        fn line_break(&mut self) {
            self.lines.push(std::mem::take(&mut self.line));
        }
    }

    /// What a scan of `text` should tell.
    fn expected(text: &str) -> Record {
        let mut record = Record::default();
        for c in text.chars() {
            if c == '\n' {
                record.line_break();
            } else {
                record.char(char_columns(c));
            }
        }
        record
    }

    /// Bytes as devices and noise send them: random, with the pieces of characters that
    /// UTF-8 and GBK cut.
    fn noisy_bytes() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            any::<u8>().prop_map(|b| vec![b]),
            Just(vec![0xEF, 0xBB, 0xBF]),
            Just("温度\r\n".as_bytes().to_vec()),
            Just(vec![0xC4, 0xE3, 0xBA, 0xC3]),
            Just(vec![0x81, 0x30, 0x81, 0x30]),
            Just(vec![0x84, 0x31, 0xA4, 0x39]),
            (0x81..=0xFE_u8, 0x30..=0x39_u8, any::<u8>(), 0x30..=0x39_u8)
                .prop_map(|(a, b, c, d)| vec![a, b, c, d]),
            (0x81..=0xFE_u8, any::<u8>()).prop_map(|(a, b)| vec![a, b]),
            (0xE0..=0xF4_u8, 0x80..=0xBF_u8, any::<u8>()).prop_map(|(a, b, c)| vec![a, b, c]),
            Just("\u{85}\u{301}😀\t".as_bytes().to_vec()),
            // Longer than the blocks plain text is read in.
            Just(b"temperature=25.5, humidity=40 %, status=ok, uptime=3d\r\n".to_vec()),
        ];
        proptest::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
    }

    fn all_decodings() -> impl Strategy<Value = Decoding> {
        (
            prop_oneof![Just(TextEncoding::Utf8), Just(TextEncoding::Gbk)],
            any::<bool>(),
        )
            .prop_map(|(encoding, escapes)| Decoding { encoding, escapes })
    }

    #[test]
    fn chinese_ideographs_take_the_columns_the_log_measures() {
        for c in '\u{4E00}'..='\u{9FFF}' {
            assert_eq!(char_columns(c), 2, "{c}");
        }
    }

    #[test]
    fn the_columns_of_a_replacement_character_are_what_the_log_measures() {
        assert_eq!(REPLACEMENT_WIDTH, char_columns('\u{FFFD}'));
        assert_eq!(usize::from(TAB_COLUMNS), char_columns('\t'));
        assert_eq!(1, char_columns('€'));
    }

    /// [`decode_bytes_into`] after bytes already written, which it keeps.
    fn decode_bytes(decoding: Decoding, carry: Carry, bytes: &[u8], whole: bool) -> Vec<u8> {
        let mut out = b"kept".to_vec();
        decode_bytes_into(decoding, carry, bytes, whole, &mut out);
        assert!(out.starts_with(b"kept"));
        out.split_off(4)
    }

    #[test]
    fn bytes_that_write_the_most_text_are_written_whole_at_any_place_in_a_block() {
        // Each pair writes two or three characters for two bytes: a broken-off lead byte's
        // `�` and a control character's `·` or a second `�`, the most a byte can write.
        let heavy: [&[u8]; 4] = [b"\xC2\x01", b"\xE0\xFF", b"\x81\x01", b"\x81\xFF"];
        for encoding in [TextEncoding::Utf8, TextEncoding::Gbk] {
            let decoding = Decoding {
                encoding,
                escapes: false,
            };
            for pattern in heavy {
                for shift in 0..2 * utf8_text::PLAIN_BLOCK {
                    let bytes = [vec![b'x'; shift], pattern.repeat(40)].concat();
                    let written = decode_bytes(decoding, Carry::CLEAN, &bytes, true);
                    let shown = decode(decoding, Carry::CLEAN, &bytes, true);
                    assert_eq!(
                        String::from_utf8(written).unwrap(),
                        shown,
                        "{pattern:?} {shift}"
                    );
                }
            }
        }
    }

    proptest! {
        /// Cut anywhere into reads, the scan tells what the decoded text holds, and the
        /// reads decoded from where the scan said each one starts are the text read whole.
        #[test]
        fn a_scan_tells_what_the_text_decoded_whole_holds(
            bytes in noisy_bytes(),
            cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..4),
            decoding in all_decodings(),
            whole in any::<bool>(),
        ) {
            let mut at: Vec<usize> = cuts.iter().map(|cut| cut.index(bytes.len() + 1)).collect();
            at.sort_unstable();
            let mut carry = Carry::START;
            let mut record = Record::default();
            let mut pieces = String::new();
            let mut from = 0;
            for end in at.into_iter().chain([bytes.len()]) {
                let read = &bytes[from..end];
                let last = whole && end == bytes.len();
                decode_into(decoding, carry, read, last, &mut pieces);
                carry = scan(decoding, carry, read, last, &mut record);
                from = end;
            }
            let text = decode(decoding, Carry::START, &bytes, whole);
            prop_assert_eq!(&pieces, &text);
            prop_assert_eq!(record, expected(&text));
        }

        #[test]
        fn the_quick_lossy_reading_is_encoding_rs_reading(
            bytes in noisy_bytes(),
            whole in any::<bool>(),
        ) {
            let mut decoder = StreamDecoder::resuming(TextEncoding::Utf8, false);
            let mut text = String::new();
            decoder.decode_into(&bytes, &mut text);
            if whole {
                decoder.finish_into(&mut text);
            }
            let mut expected = String::new();
            printable_into(&text, &mut expected);
            let mut quick = String::new();
            utf8_lossy_into(&bytes, whole, &mut quick);
            prop_assert_eq!(&quick, &expected);
            // As bytes too, after what was already written.
            let mut written = b"before".to_vec();
            utf8_lossy_bytes_into(&bytes, whole, &mut written);
            prop_assert_eq!(written, [b"before", expected.as_bytes()].concat());
        }

        #[test]
        fn text_written_as_bytes_is_the_text_shown(
            bytes in noisy_bytes(),
            before in noisy_bytes(),
            decoding in all_decodings(),
            whole in any::<bool>(),
        ) {
            // Where a stream stands after any bytes: at a character cut off, or not.
            let carry = scan(decoding, Carry::START, &before, false, &mut Record::default());
            prop_assert_eq!(
                String::from_utf8(decode_bytes(decoding, carry, &bytes, whole)).unwrap(),
                decode(decoding, carry, &bytes, whole)
            );
        }

        #[test]
        fn the_end_of_a_read_tells_where_its_stream_stands(
            bytes in noisy_bytes(),
            noise in proptest::collection::vec(any::<u8>(), 0..200),
            cut in any::<prop::sample::Index>(),
            decoding in all_decodings(),
            whole in any::<bool>(),
        ) {
            // Long reads, whose end alone is read, cut anywhere.
            let bytes = [noise, bytes].concat();
            let cut = cut.index(bytes.len() + 1);
            let (first, second) = bytes.split_at(cut);
            let mut discard = Record::default();
            let carry = scan(decoding, Carry::START, first, false, &mut discard);
            prop_assert_eq!(carry_after(decoding, Carry::START, first, false), carry);
            prop_assert_eq!(
                carry_after(decoding, carry, second, whole),
                scan(decoding, carry, second, whole, &mut discard)
            );
        }
    }
}

//! Cutting a TCP byte stream into messages: after a delimiter, by a length field in each
//! message's header, or every so many bytes.
//!
//! TCP keeps no message boundaries, so a device's protocol draws them: text lines end with a
//! delimiter, binary frames carry their length in a header (Modbus TCP's MBAP header, a
//! `AA 55 LEN …` frame), some sensors send frames of one size. A [`FrameCursor`] per stream
//! remembers where the unfinished message stands between reads.

use std::fmt;
use std::num::NonZeroUsize;
use std::str::FromStr;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

/// How a length field is stored: its size and byte order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum LengthWidth {
    /// One byte.
    U8,
    /// Two bytes, most significant first (network order, as Modbus TCP).
    #[default]
    U16Be,
    /// Two bytes, least significant first.
    U16Le,
    /// Four bytes, most significant first.
    U32Be,
    /// Four bytes, least significant first.
    U32Le,
}

impl LengthWidth {
    /// Every width, in the order a menu lists them.
    pub const ALL: [Self; 5] = [Self::U8, Self::U16Be, Self::U16Le, Self::U32Be, Self::U32Le];

    /// The field's size in bytes.
    pub fn bytes(self) -> usize {
        match self {
            Self::U8 => 1,
            Self::U16Be | Self::U16Le => 2,
            Self::U32Be | Self::U32Le => 4,
        }
    }

    /// Its name in menus and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::U8 => "u8",
            Self::U16Be => "u16be",
            Self::U16Le => "u16le",
            Self::U32Be => "u32be",
            Self::U32Le => "u32le",
        }
    }

    /// The value of `field`, which holds exactly [`LengthWidth::bytes`] bytes.
    fn read(self, field: &[u8]) -> u64 {
        let big_endian = matches!(self, Self::U8 | Self::U16Be | Self::U32Be);
        let fold = |value: u64, byte: &u8| value << 8 | u64::from(*byte);
        if big_endian {
            field.iter().fold(0, fold)
        } else {
            field.iter().rev().fold(0, fold)
        }
    }
}

/// Where each message's length is found and what it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct LengthField {
    /// Bytes from the message's start to the field.
    pub offset: usize,
    /// The field's size and byte order.
    pub width: LengthWidth,
    /// Added to the field's value to give how many bytes follow the field: 0 when it counts
    /// what follows it (Modbus TCP), 2 when a 2-byte checksum after the data it counts is left
    /// out, minus the field's end (offset + size) when it counts the whole message.
    pub adjust: i64,
}

impl Default for LengthField {
    /// Modbus TCP: the MBAP header's length, two bytes at offset 4, counts what follows it.
    fn default() -> Self {
        Self {
            offset: 4,
            width: LengthWidth::U16Be,
            adjust: 0,
        }
    }
}

impl LengthField {
    /// The furthest a length field may sit from the message's start: the header is kept per
    /// peer until it is whole.
    pub const MAX_OFFSET: usize = 4096;

    /// The bytes up to the field's end: what must arrive before the message's length is known.
    pub fn header_len(self) -> usize {
        self.offset + self.width.bytes()
    }

    /// The whole message's length, read from its `header` (at least [`Self::header_len`]
    /// bytes). A length that would end the message inside its own header ends it right after
    /// the field, so a stream of bad lengths still moves on.
    pub fn message_len(self, header: &[u8]) -> Option<u64> {
        let field = header.get(self.offset..self.header_len())?;
        let header_len = self.header_len() as i128;
        let total = header_len + i128::from(self.width.read(field)) + i128::from(self.adjust);
        Some(u64::try_from(total.max(header_len)).unwrap_or(u64::MAX))
    }
}

/// Why a length field given as text cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LengthFieldError {
    /// Not `OFFSET:WIDTH` or `OFFSET:WIDTH:ADJUST`.
    #[error("expected OFFSET:WIDTH[:ADJUST], such as 4:u16be or 2:u8:+2, not {0:?}")]
    Shape(String),
    /// The offset is no number in range.
    #[error("the offset {0:?} is not a number from 0 to {max}", max = LengthField::MAX_OFFSET)]
    Offset(String),
    /// The width is none of the known ones.
    #[error("the width {0:?} is not one of u8, u16be, u16le, u32be, u32le")]
    Width(String),
    /// The adjustment is no whole number.
    #[error("the adjustment {0:?} is not a whole number")]
    Adjust(String),
}

impl FromStr for LengthField {
    type Err = LengthFieldError;

    /// Reads `OFFSET:WIDTH[:ADJUST]`: `4:u16be` for Modbus TCP, `2:u8:+2` for a one-byte
    /// length at offset 2 that leaves out a 2-byte checksum.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(':').map(str::trim).collect();
        let (offset, width, adjust) = match parts[..] {
            [offset, width] => (offset, width, "0"),
            [offset, width, adjust] => (offset, width, adjust),
            _ => return Err(LengthFieldError::Shape(text.to_owned())),
        };
        let offset = offset
            .parse()
            .ok()
            .filter(|&offset| offset <= Self::MAX_OFFSET)
            .ok_or_else(|| LengthFieldError::Offset(offset.to_owned()))?;
        let width = LengthWidth::ALL
            .into_iter()
            .find(|known| known.name().eq_ignore_ascii_case(width))
            .ok_or_else(|| LengthFieldError::Width(width.to_owned()))?;
        let adjust = adjust
            .strip_prefix('+')
            .unwrap_or(adjust)
            .parse()
            .map_err(|_| LengthFieldError::Adjust(adjust.to_owned()))?;
        Ok(Self {
            offset,
            width,
            adjust,
        })
    }
}

impl fmt::Display for LengthField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{:+}", self.offset, self.width.name(), self.adjust)
    }
}

/// How a TCP stream is cut into messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Framing {
    /// Each message ends with these bytes (never empty).
    Delimiter(Bytes),
    /// Each message's header says how long it is.
    Length {
        /// Where the length is and what it counts.
        field: LengthField,
        /// The bytes every message begins with (帧头), or none (see [`Framing::start`]).
        start: Bytes,
    },
    /// Every message is this long.
    Fixed {
        /// Bytes per message.
        size: NonZeroUsize,
        /// The bytes every message begins with (帧头), or none (see [`Framing::start`]).
        start: Bytes,
    },
}

impl Framing {
    /// Cut by `field`, with no frame start.
    pub fn length(field: LengthField) -> Self {
        Self::Length {
            field,
            start: Bytes::new(),
        }
    }

    /// Cut every `size` bytes, with no frame start.
    pub fn fixed(size: NonZeroUsize) -> Self {
        Self::Fixed {
            size,
            start: Bytes::new(),
        }
    }

    /// The bytes every message begins with (帧头), empty if none is set. With one, a stream
    /// that lost step (a byte dropped or corrupted, a length field that lies) finds it again:
    /// where a message should begin and these bytes are not there, what comes up to their next
    /// occurrence is cut off as one piece that is no message, and the next message starts there.
    pub fn start(&self) -> &[u8] {
        match self {
            Self::Delimiter(_) => &[],
            Self::Length { start, .. } | Self::Fixed { start, .. } => start,
        }
    }

    /// Whether `piece`, cut from a stream, is no message because it does not begin with the
    /// frame start. A piece still `open` (more may come) that has only part of the start so
    /// far is not judged yet.
    pub fn misses_start(&self, piece: &[u8], open: bool) -> bool {
        let start = self.start();
        !(piece.starts_with(start) || open && start.starts_with(piece))
    }

    /// The part of a whole `message` whose end holds a checksum (all of it, or what comes
    /// before the delimiter); `None` while `message` is not a whole one.
    pub fn checked_part<'a>(&self, message: &'a [u8]) -> Option<&'a [u8]> {
        // A message is never shorter than its frame start.
        let least = self.start().len() as u64;
        let whole = match self {
            Self::Delimiter(delimiter) => return message.strip_suffix(&delimiter[..]),
            Self::Length { field, .. } => field
                .message_len(message)
                .is_some_and(|len| len.max(least) == message.len() as u64),
            Self::Fixed { size, .. } => (size.get() as u64).max(least) == message.len() as u64,
        };
        (whole && message.starts_with(self.start())).then_some(message)
    }
}

/// Where one stream's unfinished message stands between reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrameCursor {
    /// Delimiter: the message's last bytes, fewer than the delimiter's length, where a
    /// delimiter cut in two by TCP begins. Length field: the header so far, up to the field's
    /// end.
    kept: Vec<u8>,
    /// Bytes of the message so far.
    taken: u64,
    /// The message's whole length, once known.
    length: Option<u64>,
    /// With a frame start: the message under way did not begin with it, so it is no message
    /// and ends where the start next turns up.
    stray: bool,
}

impl FrameCursor {
    /// Whether no message is under way (the last read ended one, or nothing came yet).
    pub fn is_idle(&self) -> bool {
        self.taken == 0
    }

    /// Whether a message (not a stray piece hunting for the frame start) is under way: the
    /// next read begins with the rest of it.
    pub fn in_message(&self) -> bool {
        self.taken > 0 && !self.stray
    }

    /// Where messages end in `bytes`, the next read of the stream: the offset just after each
    /// end. What follows the last end is the unfinished message, remembered for the next read.
    /// The first end can be 0: a stray piece (see [`Framing::start`]) that ended with the
    /// previous read, as this one begins with the frame start.
    pub fn cut(&mut self, framing: &Framing, bytes: &[u8]) -> Vec<usize> {
        let ends = match framing {
            Framing::Delimiter(delimiter) => self.cut_at_delimiter(delimiter, bytes),
            Framing::Length { field, start } => {
                self.cut_by_length(bytes, field.header_len(), start, |header| {
                    field.message_len(header)
                })
            }
            Framing::Fixed { size, start } => {
                self.cut_by_length(bytes, 0, start, |_| Some(size.get() as u64))
            }
        };
        let rest = bytes.len() - ends.last().copied().unwrap_or(0);
        if !ends.is_empty() {
            self.taken = 0;
        }
        self.taken += rest as u64;
        ends
    }

    fn cut_at_delimiter(&mut self, delimiter: &[u8], bytes: &[u8]) -> Vec<usize> {
        let mut ends = Vec::new();
        if delimiter.is_empty() {
            // Nothing to look for: no message ever ends.
            return ends;
        }
        let mut from = 0;
        let keep = delimiter.len() - 1;
        if !self.kept.is_empty() {
            // `kept` is shorter than the delimiter, so a delimiter found here starts in it and
            // ends in `bytes`.
            let take = bytes.len().min(keep);
            let mut seam = Vec::with_capacity(self.kept.len() + take);
            seam.extend_from_slice(&self.kept);
            seam.extend_from_slice(bytes.get(..take).unwrap_or_default());
            if let Some(at) = memchr::memmem::find(&seam, delimiter) {
                from = at + delimiter.len() - self.kept.len();
                ends.push(from);
            }
        }
        let rest = bytes.get(from..).unwrap_or_default();
        ends.extend(
            memchr::memmem::find_iter(rest, delimiter).map(|at| from + at + delimiter.len()),
        );
        let unfinished = bytes
            .get(ends.last().copied().unwrap_or(0)..)
            .unwrap_or_default();
        // Only the last `keep` bytes matter: a long read without a delimiter is not copied.
        if !ends.is_empty() || unfinished.len() >= keep {
            self.kept.clear();
        }
        let tail = unfinished.len().saturating_sub(keep);
        self.kept
            .extend_from_slice(unfinished.get(tail..).unwrap_or_default());
        let surplus = self.kept.len().saturating_sub(keep);
        self.kept.drain(..surplus);
        ends
    }

    /// Cuts where each message's length says, once its first `header_len` bytes (kept until
    /// then) give it. With a frame `start`, a message must begin with it: one that does not
    /// is a stray piece, which ends where `start` next begins (or where the read ends in part
    /// of it), and the search for that starts one byte into the piece. A piece that began in
    /// an earlier read is searched from this read on: a start that overlaps itself (`FE FE`)
    /// and began inside the earlier read's bytes is then missed, which costs that one message.
    fn cut_by_length(
        &mut self,
        bytes: &[u8],
        header_len: usize,
        start: &[u8],
        length_of: impl Fn(&[u8]) -> Option<u64>,
    ) -> Vec<usize> {
        // The start is part of what must be seen before the message is known.
        let header_len = header_len.max(start.len());
        let mut ends = Vec::new();
        let mut at = 0;
        // Where in this read the message under way began, if it began in it.
        let mut began = (self.taken == 0).then_some(0);
        loop {
            if self.stray {
                let Some(next) = next_start(bytes, at, start) else {
                    break;
                };
                ends.push(next);
                self.stray = false;
                began = Some(next);
                at = next;
            }
            if self.length.is_none() {
                let wanted = header_len.saturating_sub(self.kept.len());
                let take = wanted.min(bytes.len() - at);
                self.kept
                    .extend_from_slice(bytes.get(at..at + take).unwrap_or_default());
                at += take;
                let seen = self.kept.len().min(start.len());
                if self.kept.get(..seen) != start.get(..seen) {
                    // No message begins here: hunt for the start from the next byte.
                    self.stray = true;
                    self.kept.clear();
                    at = began.map_or(0, |began| began + 1);
                    continue;
                }
                if self.kept.len() == header_len {
                    self.length = length_of(&self.kept);
                }
            }
            let Some(length) = self.length else {
                break;
            };
            let taken = match began {
                Some(began) => (at - began) as u64,
                None => self.taken + at as u64,
            };
            let missing = length.saturating_sub(taken);
            let left = (bytes.len() - at) as u64;
            if missing > left {
                break;
            }
            // `missing` fits: it is at most what is left of this read.
            at += usize::try_from(missing).unwrap_or(usize::MAX);
            ends.push(at);
            began = Some(at);
            self.length = None;
            self.kept.clear();
        }
        ends
    }
}

/// Where in `bytes`, from `from` on, `start` next begins, whole or cut off by the read's end.
fn next_start(bytes: &[u8], from: usize, start: &[u8]) -> Option<usize> {
    let rest = bytes.get(from..)?;
    if let Some(found) = memchr::memmem::find(rest, start) {
        return Some(from + found);
    }
    // A start cut in two by TCP: the read ends with its first bytes.
    let tail = rest.len().saturating_sub(start.len().saturating_sub(1));
    (tail..rest.len())
        .find(|&at| rest.get(at..).is_some_and(|part| start.starts_with(part)))
        .map(|at| from + at)
}

#[cfg(test)]
mod tests {
    use proptest::strategy::Strategy;

    use super::*;

    fn framed(framing: &Framing, reads: &[&[u8]]) -> Vec<Vec<u8>> {
        let mut cursor = FrameCursor::default();
        let mut messages = Vec::new();
        let mut current = Vec::new();
        for read in reads {
            let mut start = 0;
            for end in cursor.cut(framing, read) {
                current.extend_from_slice(&read[start..end]);
                messages.push(std::mem::take(&mut current));
                start = end;
            }
            current.extend_from_slice(&read[start..]);
        }
        assert_eq!(cursor.is_idle(), current.is_empty());
        if !current.is_empty() {
            messages.push(current);
        }
        messages
    }

    #[test]
    fn modbus_tcp_frames_are_cut_by_their_mbap_length() {
        // Two responses to "read one register" and half of a third, cut anywhere by TCP.
        let response = [0, 1, 0, 0, 0, 5, 1, 3, 2, 0, 42];
        let stream: Vec<u8> = response.repeat(3);
        let framing = Framing::length(LengthField::default());
        for first in 0..stream.len() {
            for second in first..stream.len() {
                let (a, rest) = stream.split_at(first);
                let (b, c) = rest.split_at(second - first);
                let messages = framed(&framing, &[a, b, c]);
                assert_eq!(messages, vec![response.to_vec(); 3], "{first} {second}");
            }
        }
    }

    #[test]
    fn lengths_count_what_the_adjustment_says() {
        // AA 55, a one-byte count of the data, the data, a 2-byte checksum left out of it.
        let field: LengthField = "2:u8:+2".parse().unwrap();
        let framing = Framing::length(field);
        let frame = [0xaa, 0x55, 3, b'a', b'b', b'c', 0x12, 0x34];
        let messages = framed(&framing, &[&[frame, frame].concat()]);
        assert_eq!(messages, vec![frame.to_vec(); 2]);
        assert_eq!(framing.checked_part(&frame), Some(&frame[..]));
        assert_eq!(framing.checked_part(&frame[..7]), None);

        // A little-endian count of the whole message, header included.
        let field: LengthField = "0:u32le:-4".parse().unwrap();
        let message = [7, 0, 0, 0, b'x', b'y', b'z'];
        let messages = framed(&Framing::length(field), &[&message, &message[..2]]);
        assert_eq!(messages, vec![message.to_vec(), message[..2].to_vec()]);

        // A length that would end inside the header ends the message after the field.
        let messages = framed(&Framing::length(field), &[&[0, 0, 0, 0, 1, 0, 0, 0]]);
        assert_eq!(messages, vec![vec![0; 4], vec![1, 0, 0, 0]]);
    }

    #[test]
    fn a_frame_start_finds_the_frames_again_after_noise_or_a_lying_length() {
        // AA 55, a one-byte count of the data, the data, a 2-byte checksum left out of it.
        let framing = Framing::Length {
            field: "2:u8:+2".parse().unwrap(),
            start: Bytes::from_static(&[0xaa, 0x55]),
        };
        let frame = [0xaa, 0x55, 2, 0x10, 0x20, 0x12, 0x34];
        // Noise before a frame, a frame whose length byte was corrupted (it claims 11 bytes of
        // data, so it swallows the start of the next frame), then frames again.
        let mut lying = frame;
        lying[2] = 11;
        let stream = [
            &[0x00, 0x55, 0x13][..],
            &frame,
            &lying,
            &frame,
            &frame,
            &frame,
        ]
        .concat();
        let expected: Vec<Vec<u8>> = vec![
            vec![0x00, 0x55, 0x13],
            frame.to_vec(),
            // The lying frame: 3 + 11 + 2 bytes, through the frame after it and two bytes more...
            [&lying[..], &frame, &frame[..2]].concat(),
            // ...which leaves the rest of the next one, no frame, cut off before the one after.
            frame[2..].to_vec(),
            frame.to_vec(),
        ];
        // However TCP cuts it, even between the start's two bytes.
        for cut in 0..stream.len() {
            let (a, b) = stream.split_at(cut);
            assert_eq!(framed(&framing, &[a, b]), expected, "cut at {cut}");
        }
        let one_byte_reads: Vec<&[u8]> = stream.chunks(1).collect();
        assert_eq!(framed(&framing, &one_byte_reads), expected);
        // A read that ends in what may be the start's first byte ends the stray piece before
        // it; when the next read shows it was not, it is a stray piece of its own. No frame is
        // lost either way.
        let reads: [&[u8]; 2] = [&[0x00, 0xaa], &[0x13, 0xaa, 0x55, 0, 0, 0]];
        let messages = framed(&framing, &reads);
        assert_eq!(
            messages,
            [&[0x00][..], &[0xaa, 0x13], &[0xaa, 0x55, 0, 0, 0]]
        );
        assert!(framing.misses_start(&expected[0], false));
        assert!(framing.misses_start(&expected[3], false));
        assert!(!framing.misses_start(&expected[1], false));
        // A piece still open with the start's first byte is not judged yet.
        assert!(!framing.misses_start(&[0xaa], true));
        assert!(framing.misses_start(&[0xaa], false));
        assert_eq!(framing.checked_part(&expected[0]), None);
        assert_eq!(framing.checked_part(&frame), Some(&frame[..]));

        // Fixed-size frames find their start the same way.
        let framing = Framing::Fixed {
            size: NonZeroUsize::new(3).unwrap(),
            start: Bytes::from_static(b"#"),
        };
        let messages = framed(&framing, &[b"x#a", b"b#cdy", b"y#ef"]);
        assert_eq!(messages, [&b"x"[..], b"#ab", b"#cd", b"yy", b"#ef"]);
    }

    #[test]
    fn fixed_size_messages_and_delimiters_cut_across_reads() {
        let framing = Framing::fixed(NonZeroUsize::new(4).unwrap());
        let messages = framed(&framing, &[b"abcde", b"fgh", b"ijklmn"]);
        assert_eq!(messages, [&b"abcd"[..], b"efgh", b"ijkl", b"mn"]);

        let framing = Framing::Delimiter(Bytes::from_static(b"\r\n"));
        let messages = framed(&framing, &[b"one\r", b"\ntwo\r\nthr", b"ee\r", b"\n"]);
        assert_eq!(messages, [&b"one\r\n"[..], b"two\r\n", b"three\r\n"]);
        assert_eq!(
            FrameCursor::default().cut(&Framing::Delimiter(Bytes::new()), b"abc"),
            Vec::<usize>::new()
        );
        let framing = Framing::Delimiter(Bytes::from_static(b"END"));
        let messages = framed(&framing, &[b"aE", b"N", b"Db", b"EN"]);
        assert_eq!(messages, [&b"aEND"[..], b"bEN"]);
    }

    #[test]
    fn any_cut_of_a_stream_gives_the_same_messages() {
        let widths = proptest::sample::select(LengthWidth::ALL.to_vec());
        // Frame starts that do not overlap themselves (see `cut_by_length`), or none.
        let starts = || {
            proptest::sample::select(vec![&b""[..], b"", b"a", b"ab", b"\x01a", b"a\x01\x02"])
                .prop_map(Bytes::from_static)
        };
        let field =
            (0usize..6, widths, -8i64..8, starts()).prop_map(|(offset, width, adjust, start)| {
                Framing::Length {
                    field: LengthField {
                        offset,
                        width,
                        adjust,
                    },
                    start,
                }
            });
        let framing = proptest::prop_oneof![
            field,
            (1usize..9, starts()).prop_map(|(size, start)| Framing::Fixed {
                size: NonZeroUsize::new(size).unwrap(),
                start
            }),
            proptest::collection::vec(proptest::sample::select(b"ab\n".to_vec()), 1..4)
                .prop_map(|d| Framing::Delimiter(Bytes::from(d))),
        ];
        // Small random bytes, so that lengths stay short and delimiters turn up.
        let stream =
            proptest::collection::vec(proptest::sample::select(b"\0\x01\x02ab\n".to_vec()), 0..200);
        let cuts = proptest::collection::vec(0usize..200, 0..20);
        proptest::test_runner::TestRunner::default()
            .run(&(framing, stream, cuts), |(framing, stream, mut cuts)| {
                let whole = framed(&framing, &[&stream]);
                cuts.push(0);
                cuts.push(stream.len());
                for cut in &mut cuts {
                    *cut = (*cut).min(stream.len());
                }
                cuts.sort_unstable();
                let reads: Vec<&[u8]> = cuts.windows(2).map(|w| &stream[w[0]..w[1]]).collect();
                let pieces = framed(&framing, &reads);
                let start = framing.start();
                if start.is_empty() {
                    proptest::prop_assert_eq!(&pieces, &whole);
                } else {
                    // A read that ends in part of the start may cut a stray piece in two
                    // (see `a_frame_start_finds_the_frames_again…`), but the frames found
                    // are the same.
                    let frames = |pieces: &[Vec<u8>]| -> Vec<Vec<u8>> {
                        let last = pieces.len().saturating_sub(1);
                        pieces[..last]
                            .iter()
                            .filter(|piece| !framing.misses_start(piece, false))
                            .cloned()
                            .collect()
                    };
                    proptest::prop_assert_eq!(frames(&pieces), frames(&whole));
                    proptest::prop_assert_eq!(pieces.concat(), stream.clone());
                }
                proptest::prop_assert_eq!(whole.concat(), stream);
                // Every message but the last is whole, or a stray piece that holds no frame
                // start after its first byte and is followed by one.
                for (i, message) in whole.iter().enumerate().rev().skip(1) {
                    if framing.misses_start(message, false) {
                        let inside = memchr::memmem::find(&message[1..], start);
                        proptest::prop_assert_eq!(inside, None, "{:?}", message);
                        let next = &whole[i + 1];
                        proptest::prop_assert!(
                            next.starts_with(start) || start.starts_with(next),
                            "{:?} after {:?}",
                            next,
                            message
                        );
                    } else {
                        proptest::prop_assert!(
                            framing.checked_part(message).is_some(),
                            "{:?}",
                            message
                        );
                    }
                }
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn length_fields_read_and_print_as_typed() {
        for (text, shown) in [
            ("4:u16be", "4:u16be:+0"),
            ("2:U8:+2", "2:u8:+2"),
            (" 0 : u32le : -4 ", "0:u32le:-4"),
        ] {
            let field: LengthField = text.parse().unwrap();
            assert_eq!(field.to_string(), shown);
            assert_eq!(shown.parse::<LengthField>().unwrap(), field);
        }
        for (text, error) in [
            ("4", LengthFieldError::Shape("4".into())),
            ("x:u8", LengthFieldError::Offset("x".into())),
            ("5000:u8", LengthFieldError::Offset("5000".into())),
            ("1:u24", LengthFieldError::Width("u24".into())),
            ("1:u8:two", LengthFieldError::Adjust("two".into())),
        ] {
            assert_eq!(text.parse::<LengthField>(), Err(error), "{text}");
        }
    }
}

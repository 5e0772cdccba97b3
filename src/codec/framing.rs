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
    Length(LengthField),
    /// Every message is this long.
    Fixed(NonZeroUsize),
}

impl Framing {
    /// The part of a whole `message` whose end holds a checksum (all of it, or what comes
    /// before the delimiter); `None` while `message` is not a whole one.
    pub fn checked_part<'a>(&self, message: &'a [u8]) -> Option<&'a [u8]> {
        let whole = match self {
            Self::Delimiter(delimiter) => return message.strip_suffix(&delimiter[..]),
            Self::Length(field) => field
                .message_len(message)
                .is_some_and(|len| len == message.len() as u64),
            Self::Fixed(size) => message.len() == size.get(),
        };
        whole.then_some(message)
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
}

impl FrameCursor {
    /// Whether no message is under way (the last read ended one, or nothing came yet).
    pub fn is_idle(&self) -> bool {
        self.taken == 0
    }

    /// Where messages end in `bytes`, the next read of the stream: the offset just after each
    /// end. What follows the last end is the unfinished message, remembered for the next read.
    pub fn cut(&mut self, framing: &Framing, bytes: &[u8]) -> Vec<usize> {
        let ends = match framing {
            Framing::Delimiter(delimiter) => self.cut_at_delimiter(delimiter, bytes),
            Framing::Length(field) => self.cut_by_length(bytes, field.header_len(), |header| {
                field.message_len(header)
            }),
            Framing::Fixed(size) => self.cut_by_length(bytes, 0, |_| Some(size.get() as u64)),
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
    /// then) give it.
    fn cut_by_length(
        &mut self,
        bytes: &[u8],
        header_len: usize,
        length_of: impl Fn(&[u8]) -> Option<u64>,
    ) -> Vec<usize> {
        let mut ends = Vec::new();
        let mut at = 0;
        // Within one read, `taken` counts from the message's start as the loop goes.
        let mut taken = self.taken;
        loop {
            if self.length.is_none() {
                let wanted = header_len.saturating_sub(self.kept.len());
                let take = wanted.min(bytes.len() - at);
                self.kept
                    .extend_from_slice(bytes.get(at..at + take).unwrap_or_default());
                at += take;
                taken += take as u64;
                if self.kept.len() == header_len {
                    self.length = length_of(&self.kept);
                }
            }
            let Some(length) = self.length else {
                break;
            };
            let missing = length.saturating_sub(taken);
            let left = (bytes.len() - at) as u64;
            if missing > left {
                break;
            }
            // `missing` fits: it is at most what is left of this read.
            at += usize::try_from(missing).unwrap_or(usize::MAX);
            ends.push(at);
            taken = 0;
            self.length = None;
            self.kept.clear();
        }
        ends
    }
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
        let framing = Framing::Length(LengthField::default());
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
        let framing = Framing::Length(field);
        let frame = [0xaa, 0x55, 3, b'a', b'b', b'c', 0x12, 0x34];
        let messages = framed(&framing, &[&[frame, frame].concat()]);
        assert_eq!(messages, vec![frame.to_vec(); 2]);
        assert_eq!(framing.checked_part(&frame), Some(&frame[..]));
        assert_eq!(framing.checked_part(&frame[..7]), None);

        // A little-endian count of the whole message, header included.
        let field: LengthField = "0:u32le:-4".parse().unwrap();
        let message = [7, 0, 0, 0, b'x', b'y', b'z'];
        let messages = framed(&Framing::Length(field), &[&message, &message[..2]]);
        assert_eq!(messages, vec![message.to_vec(), message[..2].to_vec()]);

        // A length that would end inside the header ends the message after the field.
        let messages = framed(&Framing::Length(field), &[&[0, 0, 0, 0, 1, 0, 0, 0]]);
        assert_eq!(messages, vec![vec![0; 4], vec![1, 0, 0, 0]]);
    }

    #[test]
    fn fixed_size_messages_and_delimiters_cut_across_reads() {
        let framing = Framing::Fixed(NonZeroUsize::new(4).unwrap());
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
        let field = (0usize..6, widths, -8i64..8).prop_map(|(offset, width, adjust)| {
            Framing::Length(LengthField {
                offset,
                width,
                adjust,
            })
        });
        let framing = proptest::prop_oneof![
            field,
            (1usize..9).prop_map(|size| Framing::Fixed(NonZeroUsize::new(size).unwrap())),
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
                proptest::prop_assert_eq!(&framed(&framing, &reads), &whole);
                proptest::prop_assert_eq!(whole.concat(), stream);
                // Every message but the last is whole.
                for message in whole.iter().rev().skip(1) {
                    proptest::prop_assert!(
                        framing.checked_part(message).is_some(),
                        "{:?}",
                        message
                    );
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

//! Which bytes of a frame a checksum covers and where it sits: many device frames leave their
//! header out of it (`AA 55`, covered from byte 2) or end with a mark after it (DL/T 645's
//! `16`, an ETX `03`), as SSCOM's "from byte N to the end minus M" setting describes.

use super::{Checksum, Digest};

/// The part of a frame a checksum covers: from byte `from` up to the checksum, which sits
/// before the frame's last `tail` bytes. The default covers everything and ends the frame.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(default)]
pub struct ChecksumSpan {
    /// The first byte covered, counted from 0: 2 leaves out an `AA 55` header.
    pub from: u16,
    /// How many bytes come after the checksum, uncovered: 1 for an end mark such as `16`.
    pub tail: u16,
}

/// Why a checksum cannot be put into a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the checksum covers the bytes from byte {from} (counted from 0) on and {tail} bytes \
     follow it, but the payload has only {len} bytes: nothing is left for it to cover"
)]
pub struct ChecksumSpanError {
    /// The span's first byte.
    pub from: u16,
    /// The span's bytes after the checksum.
    pub tail: u16,
    /// The payload's length.
    pub len: usize,
}

impl ChecksumSpan {
    /// The largest `from` and `tail` offered: a header or trailer is a few bytes, and this
    /// matches the furthest length field a frame can have.
    pub const MAX: u16 = 4096;

    /// Whether this covers the whole payload and ends the frame (no setting made).
    pub fn is_whole(self) -> bool {
        self == Self::default()
    }

    /// Puts `kind`'s checksum of the covered part into `frame` (made of everything but the
    /// checksum), before its last `tail` bytes. Nothing is changed when there is nothing to
    /// cover.
    pub fn insert(self, kind: Checksum, frame: &mut Vec<u8>) -> Result<(), ChecksumSpanError> {
        if kind == Checksum::None {
            return Ok(());
        }
        let error = ChecksumSpanError {
            from: self.from,
            tail: self.tail,
            len: frame.len(),
        };
        let end = frame
            .len()
            .checked_sub(usize::from(self.tail))
            .filter(|&end| end > usize::from(self.from))
            .ok_or(error)?;
        let covered = frame.get(usize::from(self.from)..end).ok_or(error)?;
        let digest = kind.digest(covered);
        frame.splice(end..end, digest.as_bytes().iter().copied());
        Ok(())
    }

    /// In a received `frame` that carries `kind`'s checksum: the checksum it should carry,
    /// and the bytes where it sits. `None` when the frame is too short to hold a covered byte,
    /// the checksum and the tail.
    pub fn locate(self, kind: Checksum, frame: &[u8]) -> Option<(Digest, &[u8])> {
        let end = frame.len().checked_sub(usize::from(self.tail))?;
        let start = end
            .checked_sub(kind.width())
            .filter(|&start| start > usize::from(self.from))?;
        let covered = frame.get(usize::from(self.from)..start)?;
        Some((kind.digest(covered), frame.get(start..end)?))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::codec::parse_hex;

    #[test]
    fn the_default_appends_over_everything() {
        let mut frame = parse_hex("01 02 03").unwrap();
        ChecksumSpan::default()
            .insert(Checksum::Sum8, &mut frame)
            .unwrap();
        assert_eq!(frame, parse_hex("01 02 03 06").unwrap());
    }

    #[test]
    fn a_header_is_left_out_and_a_tail_follows() {
        // AA 55, a count, the data, SUM8 of the count and the data, then an end mark.
        let mut frame = parse_hex("AA 55 02 10 20 0D").unwrap();
        let span = ChecksumSpan { from: 2, tail: 1 };
        span.insert(Checksum::Sum8, &mut frame).unwrap();
        assert_eq!(frame, parse_hex("AA 55 02 10 20 32 0D").unwrap());
        let (expected, found) = span.locate(Checksum::Sum8, &frame).unwrap();
        assert_eq!((expected.as_bytes(), found), (&[0x32][..], &[0x32][..]));
    }

    #[test]
    fn dlt645_read_frame_gets_its_cs_before_the_16() {
        // DL/T 645-2007 read of 00 01 00 00 (data +33h) from meter AA…AA: CS is the sum of
        // everything from the first 68 up to it, and 16 ends the frame.
        let mut frame = parse_hex("68 AA AA AA AA AA AA 68 11 04 33 33 34 33 16").unwrap();
        ChecksumSpan { from: 0, tail: 1 }
            .insert(Checksum::Sum8, &mut frame)
            .unwrap();
        assert_eq!(
            frame,
            parse_hex("68 AA AA AA AA AA AA 68 11 04 33 33 34 33 AE 16").unwrap()
        );
    }

    #[test]
    fn crc_bytes_go_in_wire_order_before_the_tail() {
        let mut frame = b"123456789\x03".to_vec();
        ChecksumSpan { from: 0, tail: 1 }
            .insert(Checksum::Crc16Modbus, &mut frame)
            .unwrap();
        assert_eq!(frame, b"123456789\x37\x4B\x03");
    }

    #[test]
    fn nothing_to_cover_is_refused_and_changes_nothing() {
        for (hex, from, tail) in [
            ("AA 55", 2, 0),
            ("AA 55 16", 2, 1),
            ("16", 0, 1),
            ("", 0, 0),
        ] {
            let mut frame = parse_hex(hex).unwrap_or_default();
            let before = frame.clone();
            let error = ChecksumSpan { from, tail }
                .insert(Checksum::Xor8, &mut frame)
                .unwrap_err();
            assert_eq!(error.len, before.len());
            assert_eq!(frame, before, "{hex} {from} {tail}");
        }
        let message = ChecksumSpanError {
            from: 2,
            tail: 1,
            len: 3,
        }
        .to_string();
        assert!(
            message.contains("byte 2") && message.contains("only 3 bytes"),
            "{message}"
        );
    }

    #[test]
    fn no_checksum_needs_no_room() {
        let mut frame = Vec::new();
        ChecksumSpan { from: 3, tail: 3 }
            .insert(Checksum::None, &mut frame)
            .unwrap();
        assert!(frame.is_empty());
    }

    #[test]
    fn a_frame_too_short_is_not_located() {
        let span = ChecksumSpan { from: 2, tail: 1 };
        // Header, checksum, tail: no covered byte.
        assert!(
            span.locate(Checksum::Sum8, &[0xAA, 0x55, 0x00, 0x16])
                .is_none()
        );
        assert!(span.locate(Checksum::Crc32, &[0; 7]).is_none());
        assert!(span.locate(Checksum::Crc32, &[0; 8]).is_some());
    }

    proptest! {
        #[test]
        fn what_insert_builds_locate_finds_right(
            payload in proptest::collection::vec(any::<u8>(), 0..64),
            from in 0u16..8,
            tail in 0u16..8,
            kind in proptest::sample::select(Checksum::ALL.to_vec()),
        ) {
            let span = ChecksumSpan { from, tail };
            let mut frame = payload.clone();
            match span.insert(kind, &mut frame) {
                Ok(()) if kind == Checksum::None => prop_assert_eq!(&frame, &payload),
                Ok(()) => {
                    prop_assert_eq!(frame.len(), payload.len() + kind.width());
                    let (expected, found) = span.locate(kind, &frame).unwrap();
                    prop_assert_eq!(expected.as_bytes(), found);
                    // The bytes around the checksum are the payload's, in order.
                    let at = payload.len() - usize::from(tail);
                    prop_assert_eq!(&frame[..at], &payload[..at]);
                    prop_assert_eq!(&frame[at + kind.width()..], &payload[at..]);
                }
                Err(error) => {
                    prop_assert!(payload.len() <= usize::from(from) + usize::from(tail));
                    prop_assert_eq!(error.len, payload.len());
                    prop_assert_eq!(&frame, &payload);
                }
            }
        }
    }
}

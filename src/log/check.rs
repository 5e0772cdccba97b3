//! Checking the checksum a received message ends with (校验接收): a device's frames carry
//! one, and a wrong one is what an engineer is looking for.

use super::{Log, LogBody, LogEntry};
use crate::codec::{Checksum, ChecksumSpan, Digest, Framing};

/// Entries longer than this are not checked: a message with a checksum is a frame, and
/// checking a bulk read would cost more than it tells.
pub const CHECK_LIMIT: usize = 64 * 1024;

/// Whether one received entry ends with the checksum of the bytes before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    /// The checksum looked for.
    pub kind: Checksum,
    /// Whether the entry ends with it.
    pub good: bool,
    /// The checksum the entry should end with.
    expected: Digest,
}

impl Check {
    /// The bytes the entry should have ended with, in wire order.
    pub fn expected(&self) -> &[u8] {
        self.expected.as_bytes()
    }
}

/// How many checked entries had a good and a wrong checksum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CheckTally {
    /// Entries whose checksum was right.
    pub good: u64,
    /// Entries whose checksum was wrong.
    pub bad: u64,
}

impl CheckTally {
    /// Counts `check` in (`add`) or out again (not `add`: its entry changed).
    pub(super) fn count(&mut self, check: Option<Check>, add: bool) {
        let Some(check) = check else { return };
        let count = if check.good {
            &mut self.good
        } else {
            &mut self.bad
        };
        *count = if add {
            count.saturating_add(1)
        } else {
            count.saturating_sub(1)
        };
    }
}

impl Log {
    /// The checksum received entries are checked for.
    pub fn check_kind(&self) -> Checksum {
        self.check
    }

    /// Checks received entries for `kind` from now on, and the entries kept again (the tally
    /// then counts those).
    pub fn set_check_kind(&mut self, kind: Checksum) {
        if kind != self.check {
            self.check = kind;
            self.unshown.clear();
            self.check_again();
        }
    }

    /// What of a received message the checksum covers, and where it sits.
    pub fn check_span(&self) -> ChecksumSpan {
        self.check_span
    }

    /// Checks with `span` from now on, and the entries kept again.
    pub fn set_check_span(&mut self, span: ChecksumSpan) {
        if span != self.check_span {
            self.check_span = span;
            self.unshown.clear();
            self.check_again();
        }
    }

    /// How many checked entries were right and wrong, since the checksum was chosen or the
    /// tally reset (dropped entries stay counted).
    pub fn check_tally(&self) -> CheckTally {
        self.check_tally
    }

    /// Starts the tally again from nothing.
    pub fn reset_check_tally(&mut self) {
        self.check_tally = CheckTally::default();
    }

    /// The check of `entry` as things stand: received data only.
    pub(super) fn check_of(&self, entry: &LogEntry) -> Option<Check> {
        if entry.continues_message {
            return None;
        }
        match &entry.body {
            // What a peer sends, and what a relay passes back: each way checked alike.
            LogBody::Data { bytes, .. } if entry.stream().is_some() => {
                check(self.check, self.check_span, bytes, self.framing.as_ref())
            }
            LogBody::Data { .. } | LogBody::Notice(_) => None,
        }
    }

    /// Checks every entry kept again (the checksum or the delimiter changed); the tally
    /// becomes theirs.
    pub(super) fn check_again(&mut self) {
        let mut tally = CheckTally::default();
        let mut entries = std::mem::take(&mut self.store.entries);
        for entry in &mut entries {
            entry.check = self.check_of(entry);
            tally.count(entry.check, true);
        }
        self.store.entries = entries;
        self.check_tally = tally;
    }
}

/// Checks that `bytes` end with the `kind` checksum of the bytes before it, or, with a
/// `span`, carry the checksum of the part it covers where it says. With splitting on, only a
/// whole message is checked (see [`Framing::checked_part`]: at a delimiter, the checksum comes
/// before it). Entries too short to hold a covered byte and the checksum, or over
/// [`CHECK_LIMIT`], are not checked.
pub(super) fn check(
    kind: Checksum,
    span: ChecksumSpan,
    bytes: &[u8],
    framing: Option<&Framing>,
) -> Option<Check> {
    if kind == Checksum::None || bytes.len() > CHECK_LIMIT {
        return None;
    }
    let frame = match framing {
        Some(framing) => framing.checked_part(bytes)?,
        None => bytes,
    };
    let (expected, found) = span.locate(kind, frame)?;
    Some(Check {
        kind,
        good: expected.as_bytes() == found,
        expected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::parse_hex;

    fn checked(kind: Checksum, hex: &str, delimiter: Option<&[u8]>) -> Option<(bool, Vec<u8>)> {
        let framing = delimiter.map(|d| Framing::Delimiter(bytes::Bytes::copy_from_slice(d)));
        check(
            kind,
            ChecksumSpan::default(),
            &parse_hex(hex).unwrap(),
            framing.as_ref(),
        )
        .map(|check| (check.good, check.expected().to_vec()))
    }

    #[test]
    fn frames_are_checked_against_the_checksum_they_end_with() {
        use Checksum::{Crc16CcittFalse, Crc16Modbus, Crc32, None, Sum8, Xor8};
        // (kind, frame, whether it is right, the checksum it should end with)
        let cases = [
            // Modbus RTU "read holding register 0, one register", and a corrupted copy.
            (Crc16Modbus, "01 03 00 00 00 01 84 0A", true, "84 0A"),
            (Crc16Modbus, "01 03 00 00 00 02 84 0A", false, "C4 0B"),
            // The standard check values of "123456789".
            (Crc16CcittFalse, "313233343536373839 29B1", true, "29 B1"),
            (Crc32, "313233343536373839 CBF43926", true, "CB F4 39 26"),
            (Sum8, "01 02 03 06", true, "06"),
            (Xor8, "01 02 03 01", false, "00"),
        ];
        for (kind, frame, good, expected) in cases {
            assert_eq!(
                checked(kind, frame, Option::None),
                Some((good, parse_hex(expected).unwrap())),
                "{kind:?} {frame}"
            );
        }
        let good = |expected: &str| Some((true, parse_hex(expected).unwrap()));
        // With splitting on, the delimiter after the checksum is not part of it, and an
        // entry still waiting for its delimiter is not checked yet.
        assert_eq!(checked(Sum8, "41 42 83 0D 0A", Some(b"\r\n")), good("83"));
        assert_eq!(checked(Sum8, "41 42 83", Some(b"\r\n")), Option::None);
        // Nothing to check: no checksum chosen, or no payload before the checksum.
        assert_eq!(checked(None, "01 02", Option::None), Option::None);
        assert_eq!(checked(Crc16Modbus, "84 0A", Option::None), Option::None);
        assert_eq!(checked(Crc32, "01", Option::None), Option::None);
        let bulk = vec![0; CHECK_LIMIT + 1];
        assert_eq!(
            check(Sum8, ChecksumSpan::default(), &bulk, Option::None),
            Option::None
        );
    }

    #[test]
    fn the_log_checks_received_entries_as_they_grow_and_counts_them() {
        use crate::log::SentBy;
        use crate::log::tests::peer;
        let frame = |hex: &str| bytes::Bytes::from(parse_hex(hex).unwrap());
        let t = crate::i18n::Language::English.texts();
        let header = |log: &Log, i: usize| {
            crate::log::row_text(&crate::log::Row::Header(&log.store().entries()[i]), t)
                .into_owned()
        };
        let time = chrono::NaiveTime::MIN;
        let mut log = Log::default();
        log.received(peer(), frame("01 03 00 00 00 01 84 0A"), time);
        assert_eq!(
            log.store().entries()[0].check,
            None,
            "nothing chosen, nothing checked"
        );
        log.set_check_kind(Checksum::Crc16Modbus);
        assert_eq!(log.check_tally(), CheckTally { good: 1, bad: 0 });
        log.received(peer(), frame("01 03 02 00 2A 00 00"), time);
        // What was sent is not checked.
        log.sent(
            peer(),
            frame("01 03 00 00 00 01 00 00"),
            SentBy::Owner,
            time,
        );
        assert_eq!(log.check_tally(), CheckTally { good: 1, bad: 1 });
        assert!(header(&log, 0).ends_with("(8 B) · CRC16/MODBUS OK"));
        assert!(
            header(&log, 1).ends_with("· CRC16/MODBUS wrong, expected 39 9B"),
            "{}",
            header(&log, 1)
        );
        assert!(!header(&log, 2).contains("CRC16"));

        // A frame that arrives in pieces and merges is counted once, as it ends up.
        log.reset_check_tally();
        log.set_merge_gap(Some(std::time::Duration::from_millis(50)));
        log.received_read(peer(), frame("01 03 00"), time);
        log.received_read(peer(), frame("00 00 01 84 0A"), time);
        assert_eq!(log.check_tally(), CheckTally { good: 1, bad: 0 });
        // Split at CRLF: the checksum comes before the delimiter, and a message waiting for
        // its delimiter is not checked until it comes.
        log.set_split_at(Some(bytes::Bytes::from_static(b"\r\n")));
        log.set_check_kind(Checksum::Sum8);
        log.reset_check_tally();
        log.received_read(peer(), frame("41 42 83"), time);
        assert_eq!(log.store().entries().back().unwrap().check, None);
        log.received_read(peer(), frame("0D 0A 41 42 00 0D 0A"), time);
        assert_eq!(log.check_tally(), CheckTally { good: 1, bad: 1 });
        let count = log.store().entries().len();
        let last_two: Vec<_> = log
            .store()
            .entries()
            .range(count - 2..)
            .map(|entry| entry.check.map(|check| check.good))
            .collect();
        assert_eq!(last_two, [Some(true), Some(false)]);
        // Another checksum: everything kept is checked again, and the tally is theirs (the
        // Modbus frames, which do not end with the delimiter, are not checked now).
        log.set_check_kind(Checksum::Crc16Modbus);
        assert_eq!(log.check_tally(), CheckTally { good: 0, bad: 2 });
        log.set_check_kind(Checksum::None);
        assert!(
            log.store()
                .entries()
                .iter()
                .all(|entry| entry.check.is_none())
        );
        assert_eq!(log.check_tally(), CheckTally::default());
    }

    #[test]
    fn a_tally_counts_entries_in_and_out_again() {
        let good = check(Checksum::Sum8, ChecksumSpan::default(), &[1, 1], None);
        let bad = check(Checksum::Sum8, ChecksumSpan::default(), &[1, 2], None);
        let mut tally = CheckTally::default();
        tally.count(good, true);
        tally.count(bad, true);
        tally.count(bad, true);
        tally.count(None, true);
        tally.count(bad, false);
        assert_eq!(tally, CheckTally { good: 1, bad: 1 });
    }
}

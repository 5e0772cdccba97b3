//! Received data the display does not show (paused, or received data hidden): not logged, but
//! still cut into messages and checked, so *Check received*'s tally counts on as the byte
//! counters do, and the message under way when the display comes back shows whole.

use std::net::SocketAddr;

use bytes::{Bytes, BytesMut};
use chrono::NaiveTime;

use super::check::{Check, check};
use super::{Direction, Log, LogBody, LogEntry, MERGE_LIMIT, Stream};

/// A peer's message under way while the display does not show it.
#[derive(Debug)]
pub(super) struct Unshown {
    /// Its bytes so far (at most [`MERGE_LIMIT`]: a longer one is no message to check).
    bytes: BytesMut,
    /// When it began.
    time: NaiveTime,
    /// When its last read came, for the merge gap.
    last: NaiveTime,
    /// How it was counted in the tally (merging by time counts a message as it grows).
    check: Option<Check>,
    /// Split into messages: the log entry that shows the message's start (its first bytes are
    /// those of `bytes`), which the rest completes in place once the display is back.
    shown: Option<super::merge::LastRead>,
}

impl Log {
    /// Takes a TCP read from `peer` that the display does not show. The messages it completes
    /// are checked and counted (with a checksum to check), cut as the log would cut them: by
    /// the framing, by the merge gap, or one per read. Split into messages, a message under
    /// way is kept (up to [`MERGE_LIMIT`]) to show whole once the display is back; otherwise
    /// the next read shown starts an entry of its own, as what joins them is missing.
    ///
    /// Returns the time since the last send to the peer when this is its first data after it:
    /// response times are measured whatever the display shows.
    pub fn unshown_read(
        &mut self,
        peer: SocketAddr,
        bytes: &[u8],
        time: NaiveTime,
    ) -> Option<std::time::Duration> {
        self.unshown_stream_read(Stream::received(peer), bytes, time)
    }

    /// [`Log::unshown_read`] for any stream (a relay's way back to its client too).
    pub(super) fn unshown_stream_read(
        &mut self,
        stream: Stream,
        bytes: &[u8],
        time: NaiveTime,
    ) -> Option<std::time::Duration> {
        let since_send = match stream.direction {
            Direction::Rx => self.since_send(stream.peer, time),
            Direction::Tx => None,
        };
        let open_entry = self.last_reads.remove(&stream);
        let ends = self.cut(stream, bytes);
        if self.framing.is_none() {
            if self.check == crate::codec::Checksum::None {
                self.unshown.remove(&stream);
            } else {
                self.unshown_merged(stream, bytes, time);
            }
            return since_send;
        }
        let mut pending = match self.unshown.remove(&stream) {
            Some(pending) => pending,
            None => self.unshown_start(open_entry, time),
        };
        let mut start = 0;
        // An end can be at 0: a stray piece (see `Framing::start`) ended with the last read.
        let ended = !ends.is_empty();
        for end in ends {
            let piece = bytes.get(start..end).unwrap_or_default();
            // The first piece ends the message so far, if the log's entry could hold it all.
            let whole = start == 0
                && !pending.bytes.is_empty()
                && pending.bytes.len() + piece.len() <= MERGE_LIMIT;
            let message = if whole {
                pending.bytes.extend_from_slice(piece);
                &pending.bytes[..]
            } else {
                piece
            };
            self.check_tally.count(
                check(self.check, self.check_span, message, self.framing.as_ref()),
                true,
            );
            start = end;
        }
        pending.last = time;
        if ended {
            // What is left began in this read, and no entry shows it.
            pending.bytes.clear();
            pending.time = time;
            pending.shown = None;
        }
        let rest = bytes.get(start..).unwrap_or_default();
        // As the log cuts a message at MERGE_LIMIT, and one cut short is not checked; kept at
        // its own size, not the read's, for each of thousands of clients.
        if !rest.is_empty() && pending.bytes.len() + rest.len() <= MERGE_LIMIT {
            pending.bytes.extend_from_slice(rest);
        } else if !rest.is_empty() {
            pending.bytes.clear();
        }
        if !pending.bytes.is_empty() {
            self.unshown.insert(stream, pending);
        }
        since_send
    }

    /// A message unseen from this read on. When the log shows its start (`open_entry`, still
    /// not whole yet), it goes on from there: checked whole, and completed in that
    /// entry once the display is back.
    fn unshown_start(
        &self,
        open_entry: Option<super::merge::LastRead>,
        time: NaiveTime,
    ) -> Unshown {
        let open = open_entry.filter(|last| last.open);
        let started =
            open.and_then(|last| self.continuable(last.entry))
                .and_then(|index| match self.store.entries().get(index) {
                    Some(
                        entry @ LogEntry {
                            body: LogBody::Data { bytes, .. },
                            ..
                        },
                    ) if entry.stream().is_some() => Some(BytesMut::from(&bytes[..])),
                    _ => None,
                });
        Unshown {
            shown: open.filter(|_| started.is_some()),
            bytes: started.unwrap_or_default(),
            time,
            last: time,
            check: None,
        }
    }

    /// [`Log::unshown_read`] without splitting: each read a message, or with a merge gap the
    /// reads that follow within it one message, counted again as it grows.
    fn unshown_merged(&mut self, stream: Stream, bytes: &[u8], time: NaiveTime) {
        let follows = self.unshown.get(&stream).is_some_and(|pending| {
            self.merge_gap.is_some_and(|gap| {
                (time - pending.last)
                    .to_std()
                    .is_ok_and(|since| since <= gap)
                    && pending.bytes.len() + bytes.len() <= MERGE_LIMIT
            })
        });
        if follows && let Some(pending) = self.unshown.get_mut(&stream) {
            pending.bytes.extend_from_slice(bytes);
            pending.last = time;
            let new_check = check(self.check, self.check_span, &pending.bytes, None);
            self.check_tally.count(pending.check, false);
            self.check_tally.count(new_check, true);
            pending.check = new_check;
            return;
        }
        let new_check = check(self.check, self.check_span, bytes, None);
        self.check_tally.count(new_check, true);
        if self.merge_gap.is_some() {
            let pending = Unshown {
                bytes: BytesMut::from(bytes),
                time,
                last: time,
                check: new_check,
                shown: None,
            };
            self.unshown.insert(stream, pending);
        } else {
            self.unshown.remove(&stream);
        }
    }

    /// Takes a datagram from `peer` the display does not show: checked on its own. Returns the
    /// time since the last send to the peer when this is its first data after it.
    pub fn unshown_datagram(
        &mut self,
        peer: SocketAddr,
        bytes: &[u8],
        time: NaiveTime,
    ) -> Option<std::time::Duration> {
        self.check_tally
            .count(check(self.check, self.check_span, bytes, None), true);
        self.since_send(peer, time)
    }

    /// The part of `peer`'s message that came while the display did not show it, to show with
    /// the rest now that it does (split into messages: the message shows whole, checked
    /// once), and the time it began. When an entry shows the message's start, that entry is
    /// the one the rest completes, and only what it lacks is given. A message merged by time
    /// was counted already and is not shown again.
    pub(super) fn take_unshown(&mut self, stream: Stream) -> Option<(Bytes, NaiveTime)> {
        let pending = self.unshown.remove(&stream)?;
        self.framing.as_ref()?;
        let mut bytes = pending.bytes.freeze();
        if let Some(last) = pending.shown
            && let Some(index) = self.continuable(last.entry)
            && let Some(LogBody::Data { bytes: start, .. }) =
                self.store.entries().get(index).map(|entry| &entry.body)
            && bytes.starts_with(start)
        {
            bytes = bytes.slice(start.len()..);
            self.last_reads.insert(stream, last);
        }
        Some((bytes, pending.time))
    }
}

#[cfg(test)]
mod tests {
    use super::super::split_tests::entry_bytes;
    use super::super::tests::peer;
    use super::*;
    use crate::codec::{Checksum, Framing};
    use crate::log::CheckTally;

    fn at(ms: i64) -> NaiveTime {
        NaiveTime::from_hms_opt(12, 0, 0).unwrap() + chrono::TimeDelta::milliseconds(ms)
    }

    /// `payload`, its SUM8 (plus one when `wrong`), and CRLF.
    fn frame(payload: &[u8], wrong: bool) -> Vec<u8> {
        let sum = Checksum::Sum8.digest(payload).as_bytes()[0];
        let mut frame = payload.to_vec();
        frame.push(sum.wrapping_add(u8::from(wrong)));
        frame.extend_from_slice(b"\r\n");
        frame
    }

    fn checking_log(split: bool) -> Log {
        let mut log = Log::default();
        log.set_check_kind(Checksum::Sum8);
        if split {
            log.set_split_at(Some(Bytes::from_static(b"\r\n")));
        }
        log
    }

    #[test]
    fn a_message_under_way_when_the_display_stops_and_starts_shows_whole_and_counts_once() {
        let mut log = checking_log(true);
        let message = frame(b"temp=25", false);
        log.received_read(peer(), Bytes::copy_from_slice(&message[..3]), at(0));
        // Paused: the middle comes unseen.
        log.unshown_read(peer(), &message[3..6], at(1));
        assert_eq!(entry_bytes(&log), [message[..3].to_vec()]);
        // Back: the rest completes the entry that shows the start, middle included.
        log.received_read(peer(), Bytes::copy_from_slice(&message[6..]), at(2));
        assert_eq!(entry_bytes(&log), std::slice::from_ref(&message));
        assert_eq!(log.check_tally(), CheckTally { good: 1, bad: 0 });
        let kept = log.store().total_rows();
        log.store_mut().recount_rows();
        assert_eq!(kept, log.store().total_rows());

        // A message that starts unseen shows whole once the display is back, with the time it
        // began; one completed unseen is only counted.
        let wrong = frame(b"hum=61", true);
        log.unshown_read(peer(), &wrong, at(3));
        log.unshown_read(peer(), &message[..4], at(4));
        log.received_read(peer(), Bytes::copy_from_slice(&message[4..]), at(5));
        assert_eq!(entry_bytes(&log), [message.clone(), message.clone()]);
        assert_eq!(log.store().entries().back().unwrap().time, at(4));
        assert_eq!(log.check_tally(), CheckTally { good: 2, bad: 1 });
    }

    #[test]
    fn unseen_reads_and_datagrams_are_checked_as_the_log_would_cut_them() {
        // Without a delimiter to cut at, a frame is a payload and its checksum.
        let unframed = |payload: &[u8], wrong: bool| {
            let mut bytes = frame(payload, wrong);
            bytes.truncate(payload.len() + 1);
            bytes
        };
        let good = unframed(b"01", false);
        let wrong = unframed(b"02", true);
        // One message per read.
        let mut log = checking_log(false);
        log.unshown_read(peer(), &good, at(0));
        log.unshown_read(peer(), &wrong, at(1));
        log.unshown_datagram(peer(), &good, at(2));
        assert_eq!(log.check_tally(), CheckTally { good: 2, bad: 1 });
        assert!(log.store().entries().is_empty(), "nothing shown");
        // Reads within the merge gap are one message, counted as it grows.
        let mut log = checking_log(false);
        log.set_merge_gap(Some(std::time::Duration::from_millis(50)));
        log.unshown_read(peer(), &good[..2], at(0));
        log.unshown_read(peer(), &good[2..], at(30));
        log.unshown_read(peer(), &wrong, at(200));
        assert_eq!(log.check_tally(), CheckTally { good: 1, bad: 1 });
        assert!(log.store().entries().is_empty(), "nothing shown");
        // Nothing to check: nothing is kept for it.
        let mut log = Log::default();
        log.set_merge_gap(Some(std::time::Duration::from_millis(50)));
        log.unshown_read(peer(), &good, at(0));
        assert!(log.unshown.is_empty());
    }

    #[test]
    fn an_unseen_flood_keeps_only_the_message_under_way() {
        let mut log = checking_log(true);
        let mut flood = b"line\r\n".repeat(40_000);
        flood.extend_from_slice(b"par");
        log.unshown_read(peer(), &flood, at(0));
        let pending = &log.unshown[&Stream::received(peer())];
        assert_eq!(&pending.bytes[..], b"par");
        assert!(
            pending.bytes.capacity() <= 2 * MERGE_LIMIT,
            "{}",
            pending.bytes.capacity()
        );
        // A message longer than an entry can hold is not kept at all.
        log.unshown_read(peer(), &vec![b'x'; MERGE_LIMIT], at(1));
        assert!(log.unshown.is_empty());
    }

    /// `AA`, the payload's length, the payload, and the SUM8 of all that (plus one when
    /// `wrong`): a binary frame for the length field `1:u8:+1`.
    fn binary_frame(payload: &[u8], wrong: bool) -> Vec<u8> {
        let mut frame = vec![0xaa, u8::try_from(payload.len()).unwrap()];
        frame.extend_from_slice(payload);
        let sum = Checksum::Sum8.digest(&frame).as_bytes()[0];
        frame.push(sum.wrapping_add(u8::from(wrong)));
        frame
    }

    #[test]
    fn the_tally_is_the_same_whatever_the_display_skipped() {
        // Frames, right and wrong, cut into reads anywhere, each read shown or not: every
        // frame is counted once, as it is with everything shown; text lines split at CRLF and
        // binary frames split by their length field alike.
        let binary = proptest::bool::ANY;
        let frames = proptest::collection::vec(
            (
                proptest::collection::vec(proptest::sample::select(b"ab\r".to_vec()), 1..12),
                proptest::bool::ANY,
            ),
            0..30,
        );
        let cuts = proptest::collection::vec(0usize..300, 0..30);
        let shown = proptest::collection::vec(proptest::bool::ANY, 31);
        proptest::test_runner::TestRunner::default()
            .run(
                &(frames, cuts, shown, binary),
                |(frames, mut cuts, shown, binary)| {
                    let stream: Vec<u8> = frames
                        .iter()
                        .flat_map(|(payload, wrong)| {
                            if binary {
                                binary_frame(payload, *wrong)
                            } else {
                                frame(payload, *wrong)
                            }
                        })
                        .collect();
                    let wrong = frames.iter().filter(|(_, wrong)| *wrong).count() as u64;
                    cuts.push(0);
                    cuts.push(stream.len());
                    for cut in &mut cuts {
                        *cut = (*cut).min(stream.len());
                    }
                    cuts.sort_unstable();
                    let mut log = checking_log(true);
                    if binary {
                        log.set_framing(Some(Framing::length("1:u8:+1".parse().unwrap())));
                    }
                    for (i, pair) in cuts.windows(2).enumerate() {
                        let read = &stream[pair[0]..pair[1]];
                        if shown[i % shown.len()] {
                            log.received_read(peer(), Bytes::copy_from_slice(read), at(0));
                        } else {
                            log.unshown_read(peer(), read, at(0));
                        }
                    }
                    proptest::prop_assert_eq!(
                        log.check_tally(),
                        CheckTally {
                            good: frames.len() as u64 - wrong,
                            bad: wrong
                        }
                    );
                    let kept = log.store().total_rows();
                    log.store_mut().recount_rows();
                    proptest::prop_assert_eq!(kept, log.store().total_rows());
                    Ok(())
                },
            )
            .unwrap();
    }
}

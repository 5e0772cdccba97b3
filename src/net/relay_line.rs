//! The line between reading and writing one way of a TCP relay: what was read waits here
//! until its delay is up, and goes on re-cut into writes of the way's write size, with its
//! gap between them and held to its bandwidth limit, until the way has passed on as many
//! bytes as its impairment allows. Unimpaired, each read goes on whole as soon as it came.
//! The end of a read that may begin an auto reply request is held back a little while (see
//! [`Line::hold_back`]).

use std::collections::VecDeque;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::time::Instant;

use super::impair::Impairment;

/// How many bytes read from one side may wait on the line: the reading stops while it is
/// full, so a slow impaired link holds up its sender as a real one would, while a delayed
/// link still carries this much at once.
pub(super) const LINE_BYTES: usize = 4 << 20;

/// Bytes read from one side, waiting to go on to the other.
struct Segment {
    /// Not written before this.
    due: Instant,
    bytes: Bytes,
}

/// The end of the last read, held back because it may be the start of a request auto reply
/// answers in the other side's place.
struct Unfinished {
    bytes: Bytes,
    /// The read's impairment delay, which starts once it goes on.
    delay: Duration,
    /// Goes on then if the rest has not come.
    until: Instant,
}

/// One way's line.
pub(super) struct Line {
    waiting: VecDeque<Segment>,
    unfinished: Option<Unfinished>,
    /// How many bytes wait.
    held: usize,
    /// When the last segment is due: a later one never overtakes it (TCP keeps order,
    /// whatever the jitter).
    last_due: Instant,
    /// When the gap and the bandwidth limit let the next write go; `None` before the first.
    free_at: Option<Instant>,
    /// How many bytes went on.
    passed_on: u64,
}

/// What the line has for its writer now.
pub(super) enum Next {
    /// Write these bytes.
    Write(Bytes),
    /// Nothing is due before then.
    Wait(Instant),
    /// Nothing waits.
    Empty,
    /// The way passed on what its impairment allows: cut it off after these many bytes.
    Cut(u64),
}

impl Line {
    pub(super) fn new() -> Self {
        let now = Instant::now();
        Self {
            waiting: VecDeque::new(),
            unfinished: None,
            held: 0,
            last_due: now,
            free_at: None,
            passed_on: 0,
        }
    }

    /// Whether more may be read onto the line.
    pub(super) fn has_room(&self) -> bool {
        self.held < LINE_BYTES
    }

    /// Puts `bytes` read now on the line, to go on after `delay` (and after all before them).
    pub(super) fn put(&mut self, bytes: Bytes, delay: Duration) {
        self.last_due = self.last_due.max(Instant::now() + delay);
        self.held += bytes.len();
        self.waiting.push_back(Segment {
            due: self.last_due,
            bytes,
        });
    }

    /// Holds `bytes`, the end of the read just put, back from the other side for `hold`:
    /// they may start a request that auto reply will answer once the rest comes, and which
    /// must not then be half passed on. Taken back with [`Line::take_unfinished`], or put on
    /// the line (with `delay`) when the time is up or [`Line::release_unfinished`] says.
    pub(super) fn hold_back(&mut self, bytes: Bytes, delay: Duration, hold: Duration) {
        self.release_unfinished();
        let until = Instant::now() + hold;
        self.unfinished = Some(Unfinished {
            bytes,
            delay,
            until,
        });
    }

    /// The bytes held back, no longer held: the next read goes on from them.
    pub(super) fn take_unfinished(&mut self) -> Option<Bytes> {
        self.unfinished.take().map(|unfinished| unfinished.bytes)
    }

    /// Puts the bytes held back on the line (no more is coming to complete them).
    pub(super) fn release_unfinished(&mut self) {
        if let Some(Unfinished { bytes, delay, .. }) = self.unfinished.take() {
            self.put(bytes, delay);
        }
    }

    /// What to do next under `impairment`, at `now`. A write it hands out counts as done
    /// (see [`Line::wrote`] for the time it takes).
    pub(super) fn next(&mut self, impairment: &Impairment, now: Instant) -> Next {
        if impairment.cut_after > 0 && self.passed_on >= impairment.cut_after {
            return Next::Cut(self.passed_on);
        }
        if self
            .unfinished
            .as_ref()
            .is_some_and(|held| held.until <= now)
        {
            self.release_unfinished();
        }
        let held_until = self.unfinished.as_ref().map(|held| held.until);
        let Some(first) = self.waiting.front() else {
            return held_until.map_or(Next::Empty, Next::Wait);
        };
        let at = self
            .free_at
            .map_or(first.due, |free_at| first.due.max(free_at));
        if at > now {
            return Next::Wait(held_until.map_or(at, |until| until.min(at)));
        }
        let piece = self.take(impairment, now);
        self.held -= piece.len();
        self.passed_on += piece.len() as u64;
        Next::Write(piece)
    }

    /// Notes that a write of `len` bytes that `started` has ended: the gap and the bandwidth
    /// limit hold the next one back.
    pub(super) fn wrote(&mut self, len: usize, started: Instant, impairment: &Impairment) {
        let busy = impairment.busy_after(len);
        if busy.is_zero() {
            return;
        }
        // Kept to the schedule while the writes keep up with it, so that waking up and
        // writing take nothing from the bandwidth; from this write's start once behind.
        let from = match self.free_at {
            Some(free_at) if started <= free_at + busy => free_at,
            _ => started,
        };
        self.free_at = Some(from + busy);
    }

    /// The next write from the due segments at the head of the line: the first whole when
    /// the impairment does not limit writes, otherwise up to its limit (joining what came
    /// meanwhile), and never beyond the cut.
    fn take(&mut self, impairment: &Impairment, now: Instant) -> Bytes {
        let to_cut = (impairment.cut_after > 0).then(|| {
            let left = impairment.cut_after.saturating_sub(self.passed_on);
            usize::try_from(left).unwrap_or(usize::MAX)
        });
        let limit = [impairment.write_limit(), to_cut]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(usize::MAX);
        let mut piece = BytesMut::new();
        while piece.len() < limit {
            let Some(front) = self.waiting.front_mut().filter(|front| front.due <= now) else {
                break;
            };
            let wanted = limit - piece.len();
            let part = if front.bytes.len() > wanted {
                front.bytes.split_to(wanted)
            } else {
                let used = std::mem::take(&mut front.bytes);
                self.waiting.pop_front();
                used
            };
            if piece.is_empty() && (part.len() == wanted || limit == usize::MAX) {
                // The whole write is one segment's bytes: no copy.
                return part;
            }
            piece.extend_from_slice(&part);
        }
        piece.freeze()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every write the line hands out at `now` under `impairment`, noting each done.
    fn writes(line: &mut Line, impairment: &Impairment, now: Instant) -> Vec<Vec<u8>> {
        let mut writes = Vec::new();
        while let Next::Write(piece) = line.next(impairment, now) {
            line.wrote(piece.len(), now, impairment);
            writes.push(piece.to_vec());
        }
        writes
    }

    #[test]
    fn unimpaired_each_read_goes_on_whole_and_in_order() {
        let mut line = Line::new();
        line.put(Bytes::from_static(b"one"), Duration::ZERO);
        line.put(Bytes::from_static(b"two"), Duration::ZERO);
        let none = Impairment::default();
        assert_eq!(writes(&mut line, &none, Instant::now()), [b"one", b"two"]);
        assert!(matches!(line.next(&none, Instant::now()), Next::Empty));
    }

    #[test]
    fn re_cutting_splits_large_reads_and_joins_small_ones() {
        let mut line = Line::new();
        line.put(Bytes::from_static(b"0123456789"), Duration::ZERO);
        line.put(Bytes::from_static(b"ab"), Duration::ZERO);
        let cut_in_fours = Impairment {
            write_size: 4,
            ..Impairment::default()
        };
        let written = writes(&mut line, &cut_in_fours, Instant::now());
        assert_eq!(written, [&b"0123"[..], b"4567", b"89ab"]);
    }

    #[test]
    fn a_gap_or_a_bandwidth_limit_hold_the_next_write_back() {
        let mut line = Line::new();
        line.put(Bytes::from_static(b"abcdef"), Duration::ZERO);
        let gapped = Impairment {
            write_size: 2,
            write_gap_ms: 100,
            ..Impairment::default()
        };
        let now = Instant::now();
        assert_eq!(writes(&mut line, &gapped, now), [b"ab"]);
        let Next::Wait(at) = line.next(&gapped, now) else {
            panic!("the gap holds the next write");
        };
        assert!(at >= now + Duration::from_millis(100));
        assert_eq!(writes(&mut line, &gapped, at), [b"cd"]);
        // 1000 B/s: writes of 50 bytes, each holding the line 50 ms.
        let slow = Impairment {
            rate_bytes_per_s: 1000,
            ..Impairment::default()
        };
        let mut line = Line::new();
        line.put(Bytes::from(vec![7; 120]), Duration::ZERO);
        let now = Instant::now();
        let first = writes(&mut line, &slow, now);
        assert_eq!(first.iter().map(Vec::len).collect::<Vec<_>>(), [50]);
        let Next::Wait(at) = line.next(&slow, now) else {
            panic!("the limit holds the next write");
        };
        assert!(at >= now + Duration::from_millis(50));
    }

    #[test]
    fn a_delay_holds_reads_and_jitter_never_reorders_them() {
        let mut line = Line::new();
        let now = Instant::now();
        line.put(Bytes::from_static(b"late"), Duration::from_millis(80));
        line.put(Bytes::from_static(b"less late"), Duration::from_millis(10));
        let none = Impairment::default();
        assert!(
            matches!(line.next(&none, now), Next::Wait(at) if at >= now + Duration::from_millis(80))
        );
        let later = now + Duration::from_millis(200);
        assert_eq!(
            writes(&mut line, &none, later),
            [&b"late"[..], b"less late"]
        );
    }

    #[test]
    fn held_back_bytes_go_on_when_their_time_is_up_or_are_taken_back() {
        let none = Impairment::default();
        let mut line = Line::new();
        line.put(Bytes::from_static(b"data "), Duration::ZERO);
        line.hold_back(
            Bytes::from_static(b"GET"),
            Duration::ZERO,
            Duration::from_millis(100),
        );
        let now = Instant::now();
        assert_eq!(writes(&mut line, &none, now), [b"data "]);
        let Next::Wait(until) = line.next(&none, now) else {
            panic!("the held bytes wait for the rest");
        };
        assert!(until >= now + Duration::from_millis(90));
        assert_eq!(writes(&mut line, &none, until), [b"GET"]);
        assert!(matches!(line.next(&none, until), Next::Empty));

        line.hold_back(
            Bytes::from_static(b"GET"),
            Duration::ZERO,
            Duration::from_secs(9),
        );
        assert_eq!(line.take_unfinished().as_deref(), Some(&b"GET"[..]));
        assert!(matches!(line.next(&none, Instant::now()), Next::Empty));

        // The end of the stream: what is held goes on at once, after what came before it.
        line.put(Bytes::from_static(b"x"), Duration::from_millis(50));
        line.hold_back(
            Bytes::from_static(b"G"),
            Duration::ZERO,
            Duration::from_secs(9),
        );
        line.release_unfinished();
        let later = Instant::now() + Duration::from_millis(60);
        assert_eq!(writes(&mut line, &none, later), [b"x", b"G"]);
    }

    #[test]
    fn the_cut_comes_after_exactly_the_bytes_allowed() {
        let mut line = Line::new();
        line.put(Bytes::from(vec![1; 30]), Duration::ZERO);
        line.put(Bytes::from(vec![2; 30]), Duration::ZERO);
        let cut = Impairment {
            cut_after: 45,
            ..Impairment::default()
        };
        let now = Instant::now();
        let written = writes(&mut line, &cut, now);
        assert_eq!(written.iter().map(Vec::len).sum::<usize>(), 45);
        assert!(matches!(line.next(&cut, now), Next::Cut(45)));
        assert!(line.has_room());
    }
}

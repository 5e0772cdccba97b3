//! RX and TX counters: bytes, frames (datagrams, or reads for TCP) and the current rate.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How far back the rate looks.
const RATE_WINDOW: Duration = Duration::from_secs(1);

/// How much rate history is kept for the graph.
pub const HISTORY: Duration = Duration::from_mins(2);

/// One direction's totals and rate.
#[derive(Debug, Clone, Default)]
pub struct Counter {
    /// Bytes since the last reset.
    pub bytes: u64,
    /// Frames since the last reset: datagrams for UDP, reads or writes for TCP.
    pub frames: u64,
    window_start: Option<Instant>,
    window_bytes: u64,
    rate: f64,
    /// The rate of each completed window at its end, oldest first, for the last [`HISTORY`].
    history: VecDeque<(Instant, f64)>,
}

impl Counter {
    /// Counts one frame of `len` bytes at `now`.
    pub fn add(&mut self, len: usize, now: Instant) {
        self.bytes += len as u64;
        self.frames += 1;
        self.catch_up(now);
        self.window_bytes += len as u64;
    }

    /// The rate over the last completed window, in bytes per second, as of `now`: what
    /// [`Counter::catch_up`] to `now` would make it, without changing anything.
    pub fn rate(&self, now: Instant) -> f64 {
        self.window_start
            .and_then(|start| self.closed_window_rate(start, now))
            .unwrap_or(self.rate)
    }

    /// The rate the window begun at `start` ends with if it is over by `now`: its bytes over
    /// its time, or zero once a whole window went by with nothing (a pause).
    fn closed_window_rate(&self, start: Instant, now: Instant) -> Option<f64> {
        let elapsed = now.saturating_duration_since(start);
        if elapsed < RATE_WINDOW {
            None
        } else if elapsed >= RATE_WINDOW * 2 {
            Some(0.0)
        } else {
            Some(self.window_bytes as f64 / elapsed.as_secs_f64())
        }
    }

    /// Whether the rate is still above zero (so the display should look again soon).
    pub fn is_active(&self) -> bool {
        self.window_bytes > 0 || self.rate > 0.0
    }

    /// The rate over time, as `(when, bytes per second)` points, oldest first: one per second
    /// of traffic, and zeros across a silence.
    pub fn history(&self) -> &VecDeque<(Instant, f64)> {
        &self.history
    }

    /// Zeroes everything.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// Closes the windows that ended by `now`, so the history has them (and a silence) in it.
    pub fn catch_up(&mut self, now: Instant) {
        let start = *self.window_start.get_or_insert(now);
        if let Some(rate) = self.closed_window_rate(start, now) {
            // A window that saw nothing (after a pause longer than one window) reads as zero.
            let silent = now.saturating_duration_since(start) >= RATE_WINDOW * 2;
            self.rate = rate;
            // Bytes are only ever added to a window before it is a window old, so the window's
            // own rate is over one window, whenever it is closed.
            let window_end = start + RATE_WINDOW;
            self.record(
                window_end,
                self.window_bytes as f64 / RATE_WINDOW.as_secs_f64(),
            );
            if silent {
                // Down to zero right after, and flat until now, not a ramp to the next window.
                self.record(window_end + RATE_WINDOW, 0.0);
                self.record(now, 0.0);
            }
            self.window_bytes = 0;
            self.window_start = Some(now);
            while self
                .history
                .front()
                .is_some_and(|(when, _)| now.saturating_duration_since(*when) > HISTORY)
            {
                self.history.pop_front();
            }
        }
    }

    fn record(&mut self, when: Instant, rate: f64) {
        // A zero at the end of one silence already stands for the start of the next.
        if self.history.back() != Some(&(when, rate)) {
            self.history.push_back((when, rate));
        }
    }
}

/// Formats a byte rate for the status bar.
pub fn format_rate(bytes_per_second: f64) -> String {
    match bytes_per_second {
        r if r >= 1e6 => format!("{:.1} MB/s", r / 1e6),
        r if r >= 1e3 => format!("{:.1} KB/s", r / 1e3),
        r => format!("{r:.0} B/s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_history_has_a_point_per_second_of_traffic_and_zeros_across_a_silence() {
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        let mut counter = Counter::default();
        // Three seconds at 500 B/s, then four seconds of nothing, then 2000 B in a second.
        for i in 0..30 {
            counter.add(50, at(i * 100));
        }
        for i in 0..20 {
            counter.add(100, at(7000 + i * 50));
        }
        counter.catch_up(at(8000));
        let points: Vec<(u64, f64)> = counter
            .history()
            .iter()
            .map(|(when, rate)| {
                let ms = u64::try_from(when.duration_since(start).as_millis()).unwrap();
                (ms, *rate)
            })
            .collect();
        assert_eq!(
            points,
            [
                (1000, 500.0),
                (2000, 500.0),
                (3000, 500.0),
                (4000, 0.0),
                (7000, 0.0),
                (8000, 2000.0)
            ]
        );

        // Only the last two minutes are kept.
        counter.catch_up(at(200_000));
        assert!(
            counter
                .history()
                .iter()
                .all(|(when, _)| at(200_000).duration_since(*when) <= HISTORY)
        );
    }

    #[test]
    fn counts_bytes_frames_and_the_rate_over_a_second() {
        let start = Instant::now();
        let mut counter = Counter::default();
        for i in 0..10 {
            counter.add(100, start + Duration::from_millis(i * 100));
        }
        assert_eq!((counter.bytes, counter.frames), (1000, 10));
        let rate = counter.rate(start + Duration::from_secs(1));
        assert!((rate - 1000.0).abs() < 1.0, "{rate}");
        // Quiet for a while: the rate falls to zero.
        assert!(counter.rate(start + Duration::from_secs(2)) < 1.0);
        assert!(counter.rate(start + Duration::from_secs(5)) < 1.0);
        counter.reset();
        assert_eq!((counter.bytes, counter.frames), (0, 0));
        assert!(counter.history().is_empty());
        assert_eq!(format_rate(1500.0), "1.5 KB/s");
        assert_eq!(format_rate(12.0), "12 B/s");
    }
}

//! RX and TX counters: bytes, frames (datagrams, or reads for TCP) and the current rate.

use std::time::{Duration, Instant};

/// How far back the rate looks.
const RATE_WINDOW: Duration = Duration::from_secs(1);

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
}

impl Counter {
    /// Counts one frame of `len` bytes at `now`.
    pub fn add(&mut self, len: usize, now: Instant) {
        self.bytes += len as u64;
        self.frames += 1;
        self.roll(now);
        self.window_bytes += len as u64;
    }

    /// The rate over the last completed window, in bytes per second, as of `now`.
    pub fn rate(&mut self, now: Instant) -> f64 {
        self.roll(now);
        self.rate
    }

    /// Whether the rate is still above zero (so the display should look again soon).
    pub fn is_active(&self) -> bool {
        self.window_bytes > 0 || self.rate > 0.0
    }

    /// Zeroes everything.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    fn roll(&mut self, now: Instant) {
        let start = *self.window_start.get_or_insert(now);
        let elapsed = now.saturating_duration_since(start);
        if elapsed >= RATE_WINDOW {
            // A window that saw nothing (after a pause longer than one window) reads as zero.
            self.rate = if elapsed >= RATE_WINDOW * 2 {
                0.0
            } else {
                self.window_bytes as f64 / elapsed.as_secs_f64()
            };
            self.window_bytes = 0;
            self.window_start = Some(now);
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
        assert_eq!(format_rate(1500.0), "1.5 KB/s");
        assert_eq!(format_rate(12.0), "12 B/s");
    }
}

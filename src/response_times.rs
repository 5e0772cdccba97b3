//! Response times: how long peers took to send something after a send to them (the log's
//! "ms after the send"), summed up for the status bar, so a cycle send that polls a device
//! measures the device as it goes.

use std::time::Duration;

/// The times since the send seen since the last reset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResponseTimes {
    /// How many.
    pub count: u64,
    /// The latest.
    pub last: Duration,
    /// The shortest.
    pub min: Duration,
    /// The longest.
    pub max: Duration,
    total: Duration,
}

impl ResponseTimes {
    /// Counts one.
    pub fn add(&mut self, after: Duration) {
        self.min = if self.count == 0 {
            after
        } else {
            self.min.min(after)
        };
        self.max = self.max.max(after);
        self.last = after;
        self.total = self.total.saturating_add(after);
        self.count += 1;
    }

    /// The mean, if any were counted.
    pub fn average(&self) -> Option<Duration> {
        let count = u32::try_from(self.count).unwrap_or(u32::MAX);
        (count > 0).then(|| self.total / count)
    }

    /// Forgets them all.
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

/// A response time in milliseconds for the status bar, with three significant digits down
/// to a microsecond: a device on the loopback or a LAN answers within a fraction of a
/// millisecond, which one decimal would show as `0.0`.
pub fn short_ms(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    let decimals = if ms < 1.0 {
        3
    } else if ms < 10.0 {
        2
    } else {
        1
    };
    format!("{ms:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_times_keep_their_digits() {
        let shown: Vec<String> = [44, 4_478, 12_345, 80_400, 1_500_000]
            .map(|us| short_ms(Duration::from_micros(us)))
            .into();
        assert_eq!(shown, ["0.044", "4.48", "12.3", "80.4", "1500.0"]);
    }

    #[test]
    fn last_min_max_and_mean() {
        let mut times = ResponseTimes::default();
        assert_eq!(times.average(), None);
        for ms in [12, 3, 30] {
            times.add(Duration::from_millis(ms));
        }
        assert_eq!(times.count, 3);
        assert_eq!(times.last, Duration::from_millis(30));
        assert_eq!(times.min, Duration::from_millis(3));
        assert_eq!(times.max, Duration::from_millis(30));
        assert_eq!(times.average(), Some(Duration::from_millis(15)));
        times.reset();
        assert_eq!(times, ResponseTimes::default());
    }
}

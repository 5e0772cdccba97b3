//! The ranges a person may choose for a session's numbers, kept by the window, the command
//! line and the settings alike.

use std::time::Duration;

/// The connect timeouts a person may choose, in milliseconds: 0.1 s to 10 minutes.
pub const CONNECT_TIMEOUT_MS: std::ops::RangeInclusive<u64> = 100..=600_000;

/// The waits before an auto reconnect a person may choose, in milliseconds.
pub const RECONNECT_MS: std::ops::RangeInclusive<u64> = 100..=600_000;

/// The idle timeouts of a UDP relay's sources a person may choose, in milliseconds: 0.1 s to
/// an hour.
pub const RELAY_IDLE_MS: std::ops::RangeInclusive<u64> = 100..=3_600_000;

/// The auto reply delays a person may choose, in milliseconds (0: at once).
pub const REPLY_DELAY_MS: std::ops::RangeInclusive<u64> = 0..=60_000;

/// The merge gaps for TCP reads a person may choose, in milliseconds (0: no merging).
pub const MERGE_READS_MS: std::ops::RangeInclusive<u64> = 0..=10_000;

/// The pauses between a file's packets a person may choose, in milliseconds (0: none).
pub const FILE_INTERVAL_MS: std::ops::RangeInclusive<u64> = 0..=60_000;

/// The sizes of fixed-size messages a person may choose, in bytes.
pub const SPLIT_FIXED_BYTES: std::ops::RangeInclusive<usize> = 1..=65_536;

/// Whole milliseconds in `duration`, saturating.
pub fn duration_ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The milliseconds the merge field shows for `gap` (0: no merging); [`merge_gap`] backwards.
pub fn merge_ms(gap: Option<Duration>) -> u64 {
    gap.map_or(0, duration_ms)
}

/// The merge gap for `ms` milliseconds (within [`MERGE_READS_MS`]); 0 is no merging.
pub fn merge_gap(ms: u64) -> Option<Duration> {
    let ms = ms.clamp(*MERGE_READS_MS.start(), *MERGE_READS_MS.end());
    (ms > 0).then(|| Duration::from_millis(ms))
}

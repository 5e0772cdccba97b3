//! How soon network events repaint the window: at once for an occasional packet, a steady
//! few frames per second while data keeps coming, however fast it comes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The frame interval while data keeps arriving: ten log updates a second, which a person can
/// still follow, instead of one frame per packet.
pub const FLOOD_FRAME_INTERVAL: Duration = Duration::from_millis(100);

/// Wake-ups closer together than this mean data keeps arriving.
const FLOOD_GAP: Duration = Duration::from_millis(250);

/// Paces the repaints that network events ask for. Shared with the engine's threads, which
/// call [`RepaintPacer::delay`] once per wake-up (the engine wakes the window at most once
/// per drain).
#[derive(Debug)]
pub struct RepaintPacer {
    start: Instant,
    /// When the previous wake-up came, in nanoseconds after `start`; 0 for never.
    previous: AtomicU64,
}

impl Default for RepaintPacer {
    fn default() -> Self {
        Self {
            start: Instant::now(),
            previous: AtomicU64::new(0),
        }
    }
}

impl RepaintPacer {
    /// How long to wait before repainting for a wake-up that comes now.
    pub fn delay(&self) -> Duration {
        let now = u64::try_from(self.start.elapsed().as_nanos())
            .unwrap_or(u64::MAX)
            .max(1);
        let previous = self.previous.swap(now, Ordering::Relaxed);
        delay_after((previous != 0).then(|| Duration::from_nanos(now.saturating_sub(previous))))
    }
}

/// The repaint delay for a wake-up that comes `since_previous` after the one before it
/// (`None` for the first): none after a quiet spell, so a reply shows at once; the flood
/// interval while wake-ups keep coming.
pub fn delay_after(since_previous: Option<Duration>) -> Duration {
    match since_previous {
        Some(gap) if gap < FLOOD_GAP => FLOOD_FRAME_INTERVAL,
        _ => Duration::ZERO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_occasional_packet_repaints_at_once_and_a_flood_at_the_flood_interval() {
        assert_eq!(delay_after(None), Duration::ZERO);
        assert_eq!(delay_after(Some(Duration::from_secs(1))), Duration::ZERO);
        assert_eq!(delay_after(Some(FLOOD_GAP)), Duration::ZERO);
        assert_eq!(
            delay_after(Some(Duration::from_millis(100))),
            FLOOD_FRAME_INTERVAL
        );
        assert_eq!(delay_after(Some(Duration::ZERO)), FLOOD_FRAME_INTERVAL);
    }

    #[test]
    fn the_pacer_switches_to_the_flood_interval_on_the_second_quick_wake_up() {
        let pacer = RepaintPacer::default();
        assert_eq!(pacer.delay(), Duration::ZERO);
        assert_eq!(pacer.delay(), FLOOD_FRAME_INTERVAL);
    }
}

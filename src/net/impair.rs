//! Making a relayed link bad on purpose (链路劣化), each way on its own: delayed (with
//! jitter) and held to a bandwidth limit; datagrams lost, duplicated or reordered; a TCP
//! stream re-cut into writes of a set size with gaps between them, or cut off after so many
//! bytes. Every random choice comes from a seed, one sequence per way, so a run repeats
//! exactly when the same data comes in the same order.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::Way;

/// How long a reordered datagram is held back beyond its delay: what comes in the meantime
/// overtakes it.
pub const REORDER_HOLD: Duration = Duration::from_millis(50);

/// The longest a datagram waits for a bandwidth limit: one that would wait longer is dropped,
/// as a router drops what its full queue cannot take.
pub const RATE_QUEUE: Duration = Duration::from_secs(1);

/// How much of a second a TCP write under a bandwidth limit carries (a twentieth: 50 ms), so
/// that a slow link delivers in a steady trickle rather than in bursts a second apart.
const RATE_SLICES_PER_SECOND: u32 = 20;

/// What a relay does to the datagrams of one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Impairment {
    /// Each is held this many milliseconds before it goes on.
    pub delay_ms: u32,
    /// And up to this many more, chosen at random for each.
    pub jitter_ms: u32,
    /// The share lost, in percent.
    pub loss_percent: u8,
    /// The share sent twice, in percent.
    pub duplicate_percent: u8,
    /// The share held back [`REORDER_HOLD`] longer, so that later ones overtake it, in
    /// percent.
    pub reorder_percent: u8,
    /// The most bytes that go on in a second; 0 for no limit.
    pub rate_bytes_per_s: u32,
    /// TCP: the stream goes on in writes of at most this many bytes (what came meanwhile
    /// joined up to it); 0 to write each read as it came.
    pub write_size: u32,
    /// TCP: this many milliseconds pass between two writes.
    pub write_gap_ms: u32,
    /// TCP: once this many bytes went this way, both connections are cut off with a reset;
    /// 0 for never.
    pub cut_after: u64,
}

impl Impairment {
    /// Whether it changes anything.
    pub fn is_active(&self) -> bool {
        *self != Self::default()
    }

    /// What of it a UDP relay does: all but re-cutting and cutting off.
    #[must_use]
    pub fn for_datagrams(&self) -> Self {
        Self {
            write_size: 0,
            write_gap_ms: 0,
            cut_after: 0,
            ..*self
        }
    }

    /// What of it a TCP relay does: all but losing, duplicating and reordering.
    #[must_use]
    pub fn for_stream(&self) -> Self {
        Self {
            loss_percent: 0,
            duplicate_percent: 0,
            reorder_percent: 0,
            ..*self
        }
    }

    /// Whether it holds what comes for a while (delay or jitter).
    pub fn delays(&self) -> bool {
        self.delay_ms > 0 || self.jitter_ms > 0
    }

    /// The most bytes a TCP write may carry now: the write size, and under a bandwidth limit
    /// a twentieth of a second's worth (at least one byte); `None` for no limit.
    pub fn write_limit(&self) -> Option<usize> {
        let sizes = [
            (self.write_size > 0).then_some(self.write_size),
            (self.rate_bytes_per_s > 0)
                .then(|| (self.rate_bytes_per_s / RATE_SLICES_PER_SECOND).max(1)),
        ];
        let limit = sizes.into_iter().flatten().min()?;
        Some(usize::try_from(limit).unwrap_or(usize::MAX))
    }

    /// How long the link is busy after passing on `len` bytes: what the bandwidth limit needs
    /// to carry them, and the gap between writes.
    pub fn busy_after(&self, len: usize) -> Duration {
        let carrying = match self.rate_bytes_per_s {
            0 => Duration::ZERO,
            rate => Duration::from_secs_f64(len as f64 / f64::from(rate)),
        };
        carrying + Duration::from_millis(u64::from(self.write_gap_ms))
    }
}

/// Both ways' impairments and the seed of their random choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Impairments {
    /// What goes from the clients to the upstream.
    pub to_upstream: Impairment,
    /// What goes back to the clients.
    pub to_client: Impairment,
    /// Where the random choices start, for both ways.
    pub seed: u64,
}

impl Impairments {
    /// The impairment of `way`.
    pub fn of(&self, way: Way) -> Impairment {
        match way {
            Way::ToUpstream => self.to_upstream,
            Way::ToClient => self.to_client,
        }
    }
}

/// What an impairment did to one datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fate {
    /// It was lost: it never went on.
    pub dropped: bool,
    /// It went on twice.
    pub duplicated: bool,
    /// It was held back so that later ones overtake it.
    pub reordered: bool,
    /// How long it was held before it went on (the reorder hold and the wait for the
    /// bandwidth limit included).
    pub delay: Duration,
    /// How long of that it waited for the bandwidth limit; dropped, how long it would have
    /// had to wait (longer than [`RATE_QUEUE`]).
    pub queued: Duration,
}

impl Fate {
    /// Held for `delay` and nothing else (auto reply's answers, a TCP read).
    pub fn delayed(delay: Duration) -> Self {
        Self {
            dropped: false,
            duplicated: false,
            reordered: false,
            delay,
            queued: Duration::ZERO,
        }
    }

    /// Whether the bandwidth limit's full queue dropped it (rather than chance).
    pub fn dropped_by_queue(&self) -> bool {
        self.dropped && self.queued > Duration::ZERO
    }
}

/// The random choices of one way: a deterministic sequence from the seed (SplitMix64), four
/// draws for each datagram whatever the settings, so turning one impairment on does not
/// change the others' choices.
#[derive(Debug, Clone)]
pub struct Chance {
    state: u64,
}

impl Chance {
    /// The sequence of `way` from `seed`.
    pub fn new(seed: u64, way: Way) -> Self {
        let lane = match way {
            Way::ToUpstream => 0x5555_5555_5555_5555,
            Way::ToClient => 0xAAAA_AAAA_AAAA_AAAA,
        };
        Self { state: seed ^ lane }
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Whether a draw falls within `percent` of a hundred.
    fn within(&mut self, percent: u8) -> bool {
        self.next() % 100 < u64::from(percent.min(100))
    }

    /// The fate of the next datagram under `impairment`.
    pub fn fate(&mut self, impairment: &Impairment) -> Fate {
        let dropped = self.within(impairment.loss_percent);
        let duplicated = self.within(impairment.duplicate_percent);
        let reordered = self.within(impairment.reorder_percent);
        let jitter = self.next() % (u64::from(impairment.jitter_ms) + 1);
        let hold = if reordered {
            REORDER_HOLD
        } else {
            Duration::ZERO
        };
        Fate {
            dropped,
            duplicated: duplicated && !dropped,
            reordered: reordered && !dropped,
            delay: Duration::from_millis(u64::from(impairment.delay_ms) + jitter) + hold,
            queued: Duration::ZERO,
        }
    }

    /// How long the next TCP read is held under `impairment`: its delay and jitter (one
    /// draw for each read).
    pub fn read_delay(&mut self, impairment: &Impairment) -> Duration {
        let jitter = self.next() % (u64::from(impairment.jitter_ms) + 1);
        Duration::from_millis(u64::from(impairment.delay_ms) + jitter)
    }
}

/// The impairments in force, shared by the owner (which changes them while the session runs)
/// and the relay (which reads them for each datagram).
#[derive(Debug, Clone, Default)]
pub(crate) struct SharedImpairments(Arc<Mutex<Impairments>>);

impl SharedImpairments {
    pub(crate) fn set(&self, impairments: Impairments) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = impairments;
    }

    /// The impairments in force now.
    pub(crate) fn current(&self) -> Impairments {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Each way's seeded choices and its bandwidth limit's queue, started again whenever the
/// impairments change, so that a run from that moment repeats exactly. Shared by all of a
/// relay's tasks.
#[derive(Debug, Clone)]
pub(crate) struct Fates(Arc<Mutex<Lanes>>);

#[derive(Debug)]
struct Lanes {
    shared: SharedImpairments,
    seen: Impairments,
    to_upstream: Lane,
    to_client: Lane,
}

/// One way's choices, and when its bandwidth limit lets the next datagram start.
#[derive(Debug)]
struct Lane {
    chance: Chance,
    free_at: Instant,
}

impl Lane {
    fn new(seed: u64, way: Way) -> Self {
        Self {
            chance: Chance::new(seed, way),
            free_at: Instant::now(),
        }
    }
}

impl Fates {
    pub(crate) fn new(shared: SharedImpairments) -> Self {
        let seen = shared.current();
        Self(Arc::new(Mutex::new(Lanes {
            shared,
            seen,
            to_upstream: Lane::new(seen.seed, Way::ToUpstream),
            to_client: Lane::new(seen.seed, Way::ToClient),
        })))
    }

    /// The impairment of `way` now, and its lane (started again if the settings changed).
    fn lane<T>(&self, way: Way, then: impl FnOnce(&Impairment, &mut Lane) -> T) -> T {
        let mut lanes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let now = lanes.shared.current();
        if now != lanes.seen {
            lanes.seen = now;
            lanes.to_upstream = Lane::new(now.seed, Way::ToUpstream);
            lanes.to_client = Lane::new(now.seed, Way::ToClient);
        }
        let lane = match way {
            Way::ToUpstream => &mut lanes.to_upstream,
            Way::ToClient => &mut lanes.to_client,
        };
        then(&now.of(way), lane)
    }

    /// The fate of the next datagram of `len` bytes that goes `way`; `None` while that way
    /// is not impaired.
    pub(crate) fn datagram(&self, way: Way, len: usize) -> Option<Fate> {
        self.lane(way, |impairment, lane| {
            let impairment = &impairment.for_datagrams();
            if !impairment.is_active() {
                return None;
            }
            let mut fate = lane.chance.fate(impairment);
            if impairment.rate_bytes_per_s == 0 || fate.dropped {
                return Some(fate);
            }
            // The limit carries the datagrams one after another from when each is ready.
            let hold = if fate.reordered {
                REORDER_HOLD
            } else {
                Duration::ZERO
            };
            let ready = Instant::now() + fate.delay.saturating_sub(hold);
            let starts = ready.max(lane.free_at);
            fate.queued = starts - ready;
            if fate.queued > RATE_QUEUE {
                fate.dropped = true;
                fate.duplicated = false;
                fate.reordered = false;
                return Some(fate);
            }
            let copies = if fate.duplicated { 2 } else { 1 };
            lane.free_at = starts + impairment.busy_after(len * copies);
            fate.delay += fate.queued;
            Some(fate)
        })
    }

    /// How long the next read of a TCP stream that goes `way` is held; `None` while that way
    /// is neither delayed nor jittered.
    pub(crate) fn read_delay(&self, way: Way) -> Option<Duration> {
        self.lane(way, |impairment, lane| {
            impairment
                .delays()
                .then(|| lane.chance.read_delay(impairment))
        })
    }

    /// What a TCP relay does to `way` now.
    pub(crate) fn stream(&self, way: Way) -> Impairment {
        self.lane(way, |impairment, _| impairment.for_stream())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_fates_and_each_way_its_own() {
        let impairment = Impairment {
            loss_percent: 30,
            duplicate_percent: 10,
            reorder_percent: 10,
            jitter_ms: 20,
            delay_ms: 5,
            ..Impairment::default()
        };
        let fates = |seed, way| {
            let mut chance = Chance::new(seed, way);
            (0..1000)
                .map(|_| chance.fate(&impairment))
                .collect::<Vec<_>>()
        };
        assert_eq!(fates(7, Way::ToUpstream), fates(7, Way::ToUpstream));
        assert_ne!(fates(7, Way::ToUpstream), fates(7, Way::ToClient));
        assert_ne!(fates(7, Way::ToUpstream), fates(8, Way::ToUpstream));
        // About the share asked for.
        let lost = fates(7, Way::ToUpstream)
            .iter()
            .filter(|fate| fate.dropped)
            .count();
        assert!((250..350).contains(&lost), "{lost} of 1000 lost");
        assert!(
            fates(7, Way::ToUpstream)
                .iter()
                .all(|fate| fate.delay >= Duration::from_millis(5)
                    && fate.delay <= Duration::from_millis(25) + REORDER_HOLD)
        );
    }
}

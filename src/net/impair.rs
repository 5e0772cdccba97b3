//! Making a relayed link bad on purpose (链路劣化), each way on its own: datagrams delayed
//! (with jitter), lost, duplicated or reordered. Every random choice comes from a seed, one
//! sequence per way, so a run repeats exactly when the same datagrams come in the same order.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::Way;

/// How long a reordered datagram is held back beyond its delay: what comes in the meantime
/// overtakes it.
pub const REORDER_HOLD: Duration = Duration::from_millis(50);

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
}

impl Impairment {
    /// Whether it changes anything.
    pub fn is_active(&self) -> bool {
        *self != Self::default()
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
    /// How long it was held before it went on (the reorder hold included).
    pub delay: Duration,
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
        }
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

//! Data the owner has not drained yet is bounded. A session waits for room before it reports
//! received or sent bytes, so a window that cannot keep up with a flood slows TCP senders down
//! (and leaves datagrams in the kernel's receive buffer) instead of queueing without limit.

use super::EventKind;
use super::budget::ByteBudget;

/// Bytes of data that may wait for the owner (16 MiB): a fraction of a second of a loopback
/// flood, and three times a 100,000-datagram burst of 56 B.
const LIMIT: usize = 16 << 20;

/// The room left for undrained data.
#[derive(Debug)]
pub(crate) struct Backlog {
    room: ByteBudget,
}

impl Default for Backlog {
    fn default() -> Self {
        Self {
            room: ByteBudget::new(LIMIT),
        }
    }
}

impl Backlog {
    /// The bytes `kind` carries.
    pub(crate) fn cost(kind: &EventKind) -> usize {
        match kind {
            EventKind::Received { bytes, .. }
            | EventKind::Sent { bytes, .. }
            | EventKind::Relayed { bytes, .. } => bytes.len(),
            EventKind::Datagrams(datagrams) => datagrams.iter().map(|(_, d)| d.len()).sum(),
            _ => 0,
        }
    }

    /// Takes the room `kind` needs. When there is none, calls `full` (to hurry the owner) and
    /// waits.
    pub(crate) async fn reserve(&self, kind: &EventKind, full: impl FnOnce()) {
        let cost = Self::cost(kind);
        if cost == 0 || self.room.try_take(cost) {
            return;
        }
        full();
        self.room.take(cost).await;
    }

    /// Gives back the room of an event the owner has drained.
    pub(crate) fn release(&self, kind: &EventKind) {
        self.room.give_back(Self::cost(kind));
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::net::SocketAddr;
    use std::time::Duration;

    use bytes::Bytes;

    use super::*;

    fn received(len: usize) -> EventKind {
        EventKind::Received {
            peer: SocketAddr::from(([127, 0, 0, 1], 9)),
            bytes: Bytes::from(vec![0; len]),
        }
    }

    #[tokio::test]
    async fn a_full_backlog_waits_for_a_drain_and_hurries_the_owner() {
        let backlog = Backlog::default();
        let big = received(LIMIT - 1024);
        let hurried = Cell::new(false);
        backlog.reserve(&big, || hurried.set(true)).await;
        assert!(!hurried.get(), "there was room");
        let small = received(2000);
        // 1 KiB left, 2 KiB needed: waits until the big event is drained.
        let wait = backlog.reserve(&small, || hurried.set(true));
        tokio::pin!(wait);
        assert!(
            tokio::time::timeout(Duration::from_millis(50), &mut wait)
                .await
                .is_err()
        );
        backlog.release(&big);
        wait.await;
        assert!(hurried.get());
    }

    #[tokio::test]
    async fn events_without_data_take_no_room() {
        let backlog = Backlog::default();
        backlog.reserve(&received(LIMIT), || {}).await;
        backlog
            .reserve(&EventKind::CycleStopped { sends: 1 }, || {})
            .await;
    }
}

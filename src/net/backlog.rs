//! Data the owner has not drained yet is bounded. A session waits for room before it reports
//! received or sent bytes, so a window that cannot keep up with a flood slows TCP senders down
//! (and leaves datagrams in the kernel's receive buffer) instead of queueing without limit.

use tokio::sync::Semaphore;

use super::EventKind;

/// Bytes of data that may wait for the owner, in KiB (16 MiB): a fraction of a second of a
/// loopback flood, and three times a 100,000-datagram burst of 56 B.
const LIMIT_KIB: usize = 16 * 1024;

/// Room for `len` bytes in KiB permits out of `limit`, never more than the whole `limit` (so
/// one event larger than the limit still gets through, alone).
pub(crate) fn kib_permits(len: usize, limit: usize) -> u32 {
    u32::try_from(len.div_ceil(1024).min(limit)).unwrap_or(u32::MAX)
}

/// The room left for undrained data.
#[derive(Debug)]
pub(crate) struct Backlog {
    room: Semaphore,
}

impl Default for Backlog {
    fn default() -> Self {
        Self {
            room: Semaphore::new(LIMIT_KIB),
        }
    }
}

impl Backlog {
    /// The room `kind` takes: the bytes it carries.
    fn cost(kind: &EventKind) -> u32 {
        let len = match kind {
            EventKind::Received { bytes, .. } | EventKind::Sent { bytes, .. } => bytes.len(),
            EventKind::Datagrams(datagrams) => datagrams.iter().map(|(_, d)| d.len()).sum(),
            _ => 0,
        };
        kib_permits(len, LIMIT_KIB)
    }

    /// Takes the room `kind` needs. When there is none, calls `full` (to hurry the owner) and
    /// waits; returns at once once the owner is gone.
    pub(crate) async fn reserve(&self, kind: &EventKind, full: impl FnOnce()) {
        let cost = Self::cost(kind);
        if cost == 0 {
            return;
        }
        let permit = if let Ok(permit) = self.room.try_acquire_many(cost) {
            permit
        } else {
            full();
            let Ok(permit) = self.room.acquire_many(cost).await else {
                return;
            };
            permit
        };
        // Given back by `release` when the owner drains the event.
        permit.forget();
    }

    /// Gives back the room of an event the owner has drained.
    pub(crate) fn release(&self, kind: &EventKind) {
        self.room.add_permits(Self::cost(kind) as usize);
    }

    /// The owner is gone: nobody waits for room any more.
    pub(crate) fn close(&self) {
        self.room.close();
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
        let big = received(LIMIT_KIB * 1024 - 1024);
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
    async fn events_without_data_take_no_room_and_a_closed_backlog_never_waits() {
        let backlog = Backlog::default();
        backlog.reserve(&received(LIMIT_KIB * 1024), || {}).await;
        backlog
            .reserve(&EventKind::CycleStopped { sends: 1 }, || {})
            .await;
        backlog.close();
        backlog.reserve(&received(10), || {}).await;
    }
}

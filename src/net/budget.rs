//! A byte budget for a queue between two threads: room is taken before bytes go in and given
//! back when they come out, so a fast producer waits for a slow consumer instead of the queue
//! growing without limit. Save-to-file's writer queue and the owner's event backlog use it.

use tokio::sync::Semaphore;

/// Room for at most a fixed number of bytes, counted in KiB.
#[derive(Debug)]
pub(crate) struct ByteBudget {
    room: Semaphore,
    limit_kib: usize,
}

impl ByteBudget {
    /// A budget of `limit` bytes (rounded down to whole KiB).
    pub(crate) fn new(limit: usize) -> Self {
        let limit_kib = limit / 1024;
        Self {
            room: Semaphore::new(limit_kib),
            limit_kib,
        }
    }

    /// The room `len` bytes take, in KiB rounded up, never more than the whole budget (so
    /// something larger than the budget still goes through, alone).
    fn kib(&self, len: usize) -> u32 {
        u32::try_from(len.div_ceil(1024).min(self.limit_kib)).unwrap_or(u32::MAX)
    }

    /// Takes room for `len` bytes if there is some now.
    pub(crate) fn try_take(&self, len: usize) -> bool {
        self.room
            .try_acquire_many(self.kib(len))
            .map(tokio::sync::SemaphorePermit::forget)
            .is_ok()
    }

    /// Waits for room for `len` bytes and takes it; returns at once once the budget is closed.
    pub(crate) async fn take(&self, len: usize) {
        if let Ok(permit) = self.room.acquire_many(self.kib(len)).await {
            // Given back by `give_back` once the bytes have left the queue.
            permit.forget();
        }
    }

    /// Gives back the room of `len` bytes that have left the queue.
    pub(crate) fn give_back(&self, len: usize) {
        self.room.add_permits(self.kib(len) as usize);
    }

    /// The consumer is gone: nobody waits for room any more.
    pub(crate) fn close(&self) {
        self.room.close();
    }
}

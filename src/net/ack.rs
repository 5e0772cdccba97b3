//! Acknowledged sends: a file or a cycle send waits for each chunk to be written before the
//! next, so it streams in bounded memory and stops at the first failure.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::oneshot;

/// Travels with a send; when the last clone is dropped (every peer written to, or given up
/// on), the waiter learns whether it went out.
#[derive(Debug, Clone)]
pub(crate) struct Ack(Arc<AckState>);

#[derive(Debug)]
struct AckState {
    done: AtomicBool,
    failed: AtomicBool,
    waiter: Mutex<Option<oneshot::Sender<bool>>>,
}

impl Ack {
    /// An ack and the receiver that resolves to `true` if the send went out everywhere asked.
    pub(crate) fn new() -> (Self, oneshot::Receiver<bool>) {
        let (waiter, result) = oneshot::channel();
        (
            Self(Arc::new(AckState {
                done: AtomicBool::new(false),
                failed: AtomicBool::new(false),
                waiter: Mutex::new(Some(waiter)),
            })),
            result,
        )
    }

    /// The bytes were written.
    pub(crate) fn written(&self) {
        self.0.done.store(true, Ordering::Relaxed);
    }

    /// Writing failed, or there was nobody to write to.
    pub(crate) fn failed(&self) {
        self.0.failed.store(true, Ordering::Relaxed);
    }
}

impl Drop for AckState {
    fn drop(&mut self) {
        let ok = self.done.load(Ordering::Relaxed) && !self.failed.load(Ordering::Relaxed);
        if let Some(waiter) = self
            .waiter
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            let _ = waiter.send(ok);
        }
    }
}

//! Recycled TCP read buffers. A bulk read hands its buffer on to the log and to save-to-file
//! without a copy; when the last of them lets go, the buffer comes back here for a later read.
//! Freed to the allocator instead, glibc returns such blocks to the kernel and the next read
//! faults them in again, zeroed: a tenth of save-to-file's throughput in the `tcp_stream`
//! benchmark. Small reads borrow a buffer only for the moment of the read.

use std::sync::{Mutex, PoisonError};

use bytes::Bytes;

/// The size of every buffer: the largest single TCP read, which becomes one event and one
/// log entry (256 KiB moved save-to-file from about 2.3 to 2.7 GB/s over 64 KiB).
pub(crate) const READ_CHUNK: usize = 256 * 1024;

/// How many idle buffers are kept (2 MiB); more are freed, so a burst of reads that are
/// still held elsewhere never leaves a large idle pool behind.
const KEEP: usize = 8;

/// The idle buffers, each empty with [`READ_CHUNK`] bytes of room.
static IDLE: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

/// An empty buffer with room for [`READ_CHUNK`] bytes, recycled if one is idle.
pub(crate) fn take() -> Vec<u8> {
    IDLE.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .pop()
        .unwrap_or_else(|| Vec::with_capacity(READ_CHUNK))
}

/// Returns a buffer taken with [`take`] for a later read.
pub(crate) fn give_back(mut buffer: Vec<u8>) {
    if buffer.capacity() != READ_CHUNK {
        return;
    }
    buffer.clear();
    let mut idle = IDLE.lock().unwrap_or_else(PoisonError::into_inner);
    if idle.len() < KEEP {
        idle.push(buffer);
    }
}

/// The filled part of `buffer` as [`Bytes`], without a copy; the buffer is given back once
/// every clone of them is dropped.
pub(crate) fn share(buffer: Vec<u8>) -> Bytes {
    Bytes::from_owner(Recycled(buffer))
}

/// A buffer on loan to [`Bytes`], returned to the idle list when dropped.
struct Recycled(Vec<u8>);

impl AsRef<[u8]> for Recycled {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for Recycled {
    fn drop(&mut self) {
        give_back(std::mem::take(&mut self.0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_buffer_comes_back_when_its_last_clone_is_dropped() {
        let mut buffer = take();
        buffer.extend_from_slice(b"bulk data");
        let address = buffer.as_ptr();
        let bytes = share(buffer);
        let clone = bytes.clone();
        assert_eq!(&clone[..], b"bulk data");
        drop(bytes);
        drop(clone);
        // Other tests in this process may take buffers too; ours is among the idle ones.
        let idle = IDLE.lock().unwrap_or_else(PoisonError::into_inner);
        assert!(idle.iter().any(|b| b.as_ptr() == address && b.is_empty()));
        assert!(idle.len() <= KEEP);
    }
}

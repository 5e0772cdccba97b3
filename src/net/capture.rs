//! Save-to-file: every received byte goes to a file as it arrives, on a writer thread of its
//! own, whatever the display does (hidden, paused, or trimmed by its memory budget).
//!
//! The queue to the writer is bounded: when the disk is slower than the network, reads wait
//! for room ([`SharedCapture::reserve`]), so TCP slows its sender down instead of the queue
//! growing without limit, and no byte is dropped.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::thread::JoinHandle;

use bytes::Bytes;
use tokio::sync::Semaphore;

/// Bytes that may wait for the writer before reads wait too, in KiB (64 MiB).
const QUEUE_LIMIT_KIB: usize = 64 * 1024;

/// Queue room for `len` bytes, in KiB permits, never more than the whole queue.
fn kib(len: usize) -> u32 {
    u32::try_from(len.div_ceil(1024).min(QUEUE_LIMIT_KIB)).unwrap_or(u32::MAX)
}

/// Why a capture file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// Creating the file failed.
    #[error("cannot create {path}: {source}")]
    Create {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Writing failed part way (disk full, say).
    #[error("writing {path} failed after {written} bytes: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Bytes written before the failure.
        written: u64,
        /// Why.
        source: std::io::Error,
    },
    /// The writer thread could not be started.
    #[error("cannot start the writer for {path}: {source}")]
    Spawn {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// How a running capture is doing, readable from any thread.
#[derive(Debug, Default)]
pub struct CaptureProgress {
    written: AtomicU64,
}

impl CaptureProgress {
    /// Bytes written to the file so far.
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }
}

/// A running capture: feed it with [`CaptureSink::push`]; dropping the sink's last clone ends it.
#[derive(Debug, Clone)]
pub(crate) struct CaptureSink {
    chunks: mpsc::Sender<Bytes>,
    room: Arc<Semaphore>,
}

impl CaptureSink {
    /// Queues received bytes for the file. Never blocks the network task.
    pub(crate) fn push(&self, bytes: &Bytes) {
        // A failed writer has already reported its error; the bytes have nowhere to go.
        let _ = self.chunks.send(bytes.clone());
    }
}

/// The engine's end of the current capture, if any; shared with every session's reporter.
#[derive(Debug, Clone, Default)]
pub(crate) struct SharedCapture {
    sink: Arc<Mutex<Option<CaptureSink>>>,
}

impl SharedCapture {
    /// Waits until the file's queue has room for `len` more bytes and takes it; returns at
    /// once when nothing is being saved (or the writer has stopped).
    pub(crate) async fn reserve(&self, len: usize) {
        let room = self
            .sink
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|sink| Arc::clone(&sink.room));
        if let Some(room) = room
            && let Ok(permit) = room.acquire_many(kib(len)).await
        {
            // Given back by the writer once the bytes are in the file.
            permit.forget();
        }
    }

    pub(crate) fn push(&self, bytes: &Bytes) {
        if let Some(sink) = self
            .sink
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            sink.push(bytes);
        }
    }

    pub(crate) fn replace(&self, sink: Option<CaptureSink>) {
        *self.sink.lock().unwrap_or_else(PoisonError::into_inner) = sink;
    }
}

/// A capture that was stopped; [`FinishedCapture::wait`] returns once every queued byte is on
/// disk.
#[derive(Debug)]
pub struct FinishedCapture {
    writer: JoinHandle<Result<u64, CaptureError>>,
}

impl FinishedCapture {
    /// Blocks until the writer has flushed everything; the total written, or why it failed.
    pub fn wait(self) -> Result<u64, CaptureError> {
        self.writer.join().unwrap_or_else(|_| {
            Err(CaptureError::Spawn {
                path: PathBuf::new(),
                source: std::io::Error::other("the capture writer panicked"),
            })
        })
    }
}

/// Creates `path` and starts its writer thread.
pub(crate) fn start(
    path: &Path,
) -> Result<(CaptureSink, Arc<CaptureProgress>, FinishedCapture), CaptureError> {
    let file = File::create(path).map_err(|source| CaptureError::Create {
        path: path.to_owned(),
        source,
    })?;
    let (chunks, queue) = mpsc::channel::<Bytes>();
    let room = Arc::new(Semaphore::new(QUEUE_LIMIT_KIB));
    let progress = Arc::new(CaptureProgress::default());
    let writer_progress = Arc::clone(&progress);
    let writer_path = path.to_owned();
    let writer_room = Arc::clone(&room);
    let writer = std::thread::Builder::new()
        .name("netdebug-capture".to_owned())
        .spawn(move || {
            let result = write_all(&writer_path, file, &queue, &writer_progress, &writer_room);
            // However the writer ends, nobody may wait for room again.
            writer_room.close();
            result
        })
        .map_err(|source| CaptureError::Spawn {
            path: path.to_owned(),
            source,
        })?;
    Ok((
        CaptureSink { chunks, room },
        progress,
        FinishedCapture { writer },
    ))
}

fn write_all(
    path: &Path,
    file: File,
    queue: &mpsc::Receiver<Bytes>,
    progress: &CaptureProgress,
    room: &Semaphore,
) -> Result<u64, CaptureError> {
    // Chunks at least this big bypass the buffer and go straight to the file, without a copy;
    // small ones are gathered so a trickle of bytes is not one system call each.
    let mut out = BufWriter::with_capacity(64 * 1024, file);
    let fail = |source, written| CaptureError::Write {
        path: path.to_owned(),
        written,
        source,
    };
    // Ends when every sender is gone: the capture was stopped and its queue is drained.
    for chunk in queue {
        out.write_all(&chunk)
            .map_err(|e| fail(e, progress.written()))?;
        progress
            .written
            .fetch_add(chunk.len() as u64, Ordering::Relaxed);
        room.add_permits(kib(chunk.len()) as usize);
    }
    out.flush().map_err(|e| fail(e, progress.written()))?;
    Ok(progress.written())
}

//! A writer that hands what it is given, in batches, to a thread of its own that writes it
//! on: headless printing of a flood decodes the next entries on one thread while the kernel
//! copies the last batch to stdout on another (the copy was a fifth of the printing thread's
//! time).

use std::io::{self, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

/// Bytes gathered before they are handed over, unless flushed sooner.
const BATCH: usize = 1 << 20;

/// Batches handed over and not yet written, at most: the writer waits beyond that, so memory
/// stays bounded when the output is slower than what is printed.
const IN_FLIGHT: usize = 4;

/// Writes to an inner writer on a thread of its own (see the module). A flush hands the batch
/// over without waiting for it to be written; [`BackgroundWriter::finish`] waits for all.
#[derive(Debug)]
pub struct BackgroundWriter {
    buffer: Vec<u8>,
    batches: Option<SyncSender<Vec<u8>>>,
    /// Written batches coming back, to be filled again.
    spare: Receiver<Vec<u8>>,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl BackgroundWriter {
    /// Starts the thread that writes to `out`.
    pub fn new(mut out: impl Write + Send + 'static) -> io::Result<Self> {
        let (batches, to_write) = sync_channel::<Vec<u8>>(IN_FLIGHT);
        let (give_back, spare) = sync_channel(IN_FLIGHT + 1);
        let thread = std::thread::Builder::new()
            .name("netdebug-print".to_owned())
            .spawn(move || {
                for mut batch in to_write {
                    out.write_all(&batch)?;
                    out.flush()?;
                    batch.clear();
                    let _ = give_back.try_send(batch);
                }
                Ok(())
            })?;
        Ok(Self {
            buffer: Vec::with_capacity(BATCH),
            batches: Some(batches),
            spare,
            thread: Some(thread),
        })
    }

    /// Hands what was written over to the thread.
    fn hand_over(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let fresh = self
            .spare
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(BATCH));
        let batch = std::mem::replace(&mut self.buffer, fresh);
        let sent = self.batches.as_ref().map(|batches| batches.send(batch));
        match sent {
            Some(Ok(())) => Ok(()),
            // The thread stopped: it failed to write, and says why.
            _ => Err(self.stop()),
        }
    }

    /// Stops the thread and gives its failure (or that it had stopped).
    fn stop(&mut self) -> io::Error {
        self.batches = None;
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(Err(error))) => error,
            _ => io::Error::new(io::ErrorKind::BrokenPipe, "the output thread stopped"),
        }
    }

    /// Writes everything still held and waits until the thread has written it all.
    pub fn finish(mut self) -> io::Result<()> {
        self.hand_over()?;
        self.batches = None;
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(io::Error::other("the output thread panicked")),
            None => Ok(()),
        }
    }
}

impl Write for BackgroundWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= BATCH {
            self.hand_over()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.hand_over()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A writer whose bytes the test can read, failing once `fail_after` bytes were written.
    #[derive(Clone, Default)]
    struct Shared {
        bytes: Arc<Mutex<Vec<u8>>>,
        fail_after: Option<usize>,
    }

    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            let mut kept = self.bytes.lock().unwrap();
            if self
                .fail_after
                .is_some_and(|limit| kept.len() + bytes.len() > limit)
            {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"));
            }
            kept.extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn everything_written_arrives_in_order_once_finished() {
        let shared = Shared::default();
        let mut writer = BackgroundWriter::new(shared.clone()).unwrap();
        let mut expected = Vec::new();
        for line in 0..200_000_u32 {
            let text = format!("line {line}\n");
            writer.write_all(text.as_bytes()).unwrap();
            expected.extend_from_slice(text.as_bytes());
            if line % 1000 == 0 {
                writer.flush().unwrap();
            }
        }
        writer.finish().unwrap();
        assert_eq!(*shared.bytes.lock().unwrap(), expected);
    }

    #[test]
    fn a_failed_write_is_reported_not_lost() {
        let shared = Shared {
            fail_after: Some(10),
            ..Shared::default()
        };
        let mut writer = BackgroundWriter::new(shared).unwrap();
        writer.write_all(&[b'x'; 64]).unwrap();
        let flushed = writer.flush().and_then(|()| {
            // The thread may not have failed yet: more batches meet it.
            let batch = vec![b'x'; BATCH];
            for _ in 0..=IN_FLIGHT {
                writer.write_all(&batch)?;
            }
            Ok(())
        });
        let finished = writer.finish();
        let error = flushed.err().or(finished.err()).unwrap();
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
    }
}

//! A writer that hands what it is given, in batches, to threads of its own: one does the
//! work it was handed (an entry's text to decode) in its place, another writes the bytes on.
//! Headless printing of a flood then takes in the next reads on the main thread, decodes on
//! the second and copies to stdout on the third (decoding random binary was nearly all of
//! the main thread's time, and the copy to stdout a third of the decoding thread's).

use std::io::{self, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use crate::log::PrintOut;

/// Bytes gathered (or read by work handed over) before they are handed over, unless flushed
/// sooner.
const BATCH: usize = 1 << 20;

/// Batches handed over and not yet written, at most: the writer waits beyond that, so memory
/// stays bounded when the output is slower than what is printed.
const IN_FLIGHT: usize = 4;

/// Work that appends bytes to the output, done on the writing thread.
type Work = Box<dyn FnOnce(&mut Vec<u8>) + Send>;

/// What is handed over at once: bytes, and work whose bytes go at a place among them.
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    /// Each piece of work with where its bytes go in `bytes`, in order.
    work: Vec<(usize, Work)>,
    /// Bytes the work reads, about.
    work_size: usize,
}

impl Batch {
    fn with_capacity(capacity: usize) -> Self {
        Self {
            bytes: Vec::with_capacity(capacity),
            ..Self::default()
        }
    }

    fn is_empty(&self) -> bool {
        self.bytes.is_empty() && self.work.is_empty()
    }

    fn is_full(&self) -> bool {
        self.bytes.len() + self.work_size >= BATCH
    }

    /// Appends the batch's bytes and its work's to `made`, handing it on (see
    /// [`make_bytes`]) when full and at the end, so that a flush reaches the output.
    fn make(
        &mut self,
        made: &mut Vec<u8>,
        hand_on: &mut impl FnMut(&mut Vec<u8>) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut from = 0;
        for (at, work) in self.work.drain(..) {
            made.extend_from_slice(self.bytes.get(from..at).unwrap_or_default());
            from = at;
            work(made);
            if made.len() >= BATCH {
                hand_on(made)?;
            }
        }
        made.extend_from_slice(self.bytes.get(from..).unwrap_or_default());
        self.bytes.clear();
        self.work_size = 0;
        hand_on(made)
    }
}

/// Makes the bytes of each batch from `batches` (giving it back for reuse) and hands them on
/// to `made_bytes` in buffers of about [`BATCH`], reusing those `spare` gives back.
fn make_bytes(
    batches: &Receiver<Batch>,
    give_back: &SyncSender<Batch>,
    made_bytes: &SyncSender<Vec<u8>>,
    spare: &Receiver<Vec<u8>>,
) -> io::Result<()> {
    let mut made = Vec::with_capacity(BATCH);
    let mut hand_on = |made: &mut Vec<u8>| {
        if made.is_empty() {
            return Ok(());
        }
        let fresh = spare
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(BATCH));
        made_bytes
            .send(std::mem::replace(made, fresh))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the output thread stopped"))
    };
    for mut batch in batches {
        batch.make(&mut made, &mut hand_on)?;
        let _ = give_back.try_send(batch);
    }
    Ok(())
}

/// Writes each buffer from `made_bytes` to `out`, giving it back to be filled again.
fn write_bytes(
    mut out: impl Write,
    made_bytes: &Receiver<Vec<u8>>,
    give_back: &SyncSender<Vec<u8>>,
) -> io::Result<()> {
    for mut bytes in made_bytes {
        out.write_all(&bytes)?;
        out.flush()?;
        bytes.clear();
        let _ = give_back.try_send(bytes);
    }
    Ok(())
}

/// Writes to an inner writer on threads of its own (see the module). A flush hands the batch
/// over without waiting for it to be written; [`BackgroundWriter::finish`] waits for all.
pub struct BackgroundWriter {
    batch: Batch,
    batches: Option<SyncSender<Batch>>,
    /// Written batches coming back, to be filled again.
    spare: Receiver<Batch>,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl std::fmt::Debug for BackgroundWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackgroundWriter")
            .field("held", &self.batch.bytes.len())
            .field("work", &self.batch.work.len())
            .finish_non_exhaustive()
    }
}

impl BackgroundWriter {
    /// Starts the threads that make the bytes and write them to `out`.
    pub fn new(out: impl Write + Send + 'static) -> io::Result<Self> {
        let (batches, to_make) = sync_channel::<Batch>(IN_FLIGHT);
        let (give_back, spare) = sync_channel(IN_FLIGHT + 1);
        let (made_bytes, to_write) = sync_channel(IN_FLIGHT);
        let (give_back_bytes, spare_bytes) = sync_channel(IN_FLIGHT + 1);
        let writing = std::thread::Builder::new()
            .name("netdebug-write".to_owned())
            .spawn(move || write_bytes(out, &to_write, &give_back_bytes))?;
        let thread = std::thread::Builder::new()
            .name("netdebug-print".to_owned())
            .spawn(move || {
                let made = make_bytes(&to_make, &give_back, &made_bytes, &spare_bytes);
                drop(made_bytes);
                // When making stopped for want of the writing thread, its failure is why.
                let written = writing
                    .join()
                    .unwrap_or_else(|_| Err(io::Error::other("the output thread panicked")));
                written.and(made)
            })?;
        Ok(Self {
            batch: Batch::with_capacity(BATCH),
            batches: Some(batches),
            spare,
            thread: Some(thread),
        })
    }

    /// Hands what was written over to the threads.
    fn hand_over(&mut self) -> io::Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let fresh = self
            .spare
            .try_recv()
            .unwrap_or_else(|_| Batch::with_capacity(BATCH));
        let batch = std::mem::replace(&mut self.batch, fresh);
        let sent = self.batches.as_ref().map(|batches| batches.send(batch));
        match sent {
            Some(Ok(())) => Ok(()),
            // The thread stopped: it failed to write, and says why.
            _ => Err(self.stop()),
        }
    }

    /// Stops the threads and gives their failure (or that they had stopped).
    fn stop(&mut self) -> io::Error {
        self.batches = None;
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(Err(error))) => error,
            _ => io::Error::new(io::ErrorKind::BrokenPipe, "the output thread stopped"),
        }
    }

    /// Writes everything still held and waits until the threads have written it all.
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
        self.batch.bytes.extend_from_slice(bytes);
        if self.batch.is_full() {
            self.hand_over()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.hand_over()
    }
}

impl PrintOut for BackgroundWriter {
    fn write_later(
        &mut self,
        size: usize,
        work: impl FnOnce(&mut Vec<u8>) + Send + 'static,
    ) -> io::Result<()> {
        let at = self.batch.bytes.len();
        self.batch.work.push((at, Box::new(work)));
        self.batch.work_size += size;
        if self.batch.is_full() {
            self.hand_over()?;
        }
        Ok(())
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
    fn work_handed_over_writes_its_bytes_where_it_was_handed_over() {
        let shared = Shared::default();
        let mut writer = BackgroundWriter::new(shared.clone()).unwrap();
        let mut expected = Vec::new();
        for n in 0..10_000_usize {
            let header = format!("entry {n}\n");
            writer.write_all(header.as_bytes()).unwrap();
            expected.extend_from_slice(header.as_bytes());
            // Bodies of up to 4 KiB: batches fill with work as well as with bytes.
            let body = vec![b'a' + u8::try_from(n % 26).unwrap(); n % 64 * 64];
            expected.extend_from_slice(&body);
            writer
                .write_later(body.len(), move |out| out.extend_from_slice(&body))
                .unwrap();
            if n % 3000 == 0 {
                writer.flush().unwrap();
            }
        }
        writer.finish().unwrap();
        assert_eq!(*shared.bytes.lock().unwrap(), expected);
    }

    #[test]
    fn a_flush_reaches_the_output_without_waiting_for_more() {
        let shared = Shared::default();
        let mut writer = BackgroundWriter::new(shared.clone()).unwrap();
        writer.write_all(b"header\n").unwrap();
        writer
            .write_later(4, |out| out.extend_from_slice(b"body\n"))
            .unwrap();
        writer.flush().unwrap();
        // A person watching a headless run sees each line as it comes, not at the end.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while shared.bytes.lock().unwrap().len() < 12 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(*shared.bytes.lock().unwrap(), b"header\nbody\n");
        writer.finish().unwrap();
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

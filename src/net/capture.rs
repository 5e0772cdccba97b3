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

use std::borrow::Cow;
use std::net::SocketAddr;
use std::time::SystemTime;

use bytes::Bytes;

use super::budget::ByteBudget;
use super::{EventKind, FileError, Way};
use crate::codec::{PeerStreams, TextEncoding};

/// Bytes that may wait for the writer before reads wait too (64 MiB), unless the session
/// is told otherwise.
pub const CAPTURE_QUEUE_LIMIT: usize = 64 << 20;

/// What a received chunk costs in the writer's queue beside its bytes (the record and the
/// channel's slot for it), so a flood of tiny datagrams is bounded by memory, not by its
/// payload alone.
pub(crate) const RECORD_COST: usize = 128;

/// The room `chunks` received chunks of `bytes` bytes in all take in the writer's queue.
pub(crate) fn queue_cost(chunks: usize, bytes: usize) -> usize {
    bytes.saturating_add(chunks.saturating_mul(RECORD_COST))
}

/// How a running capture is doing, readable from any thread.
#[derive(Debug, Default)]
pub struct CaptureProgress {
    written: AtomicU64,
    queued: AtomicU64,
    peak_queued: AtomicU64,
    failed: std::sync::atomic::AtomicBool,
}

impl CaptureProgress {
    /// Whether the writer stopped on a failure (the file could not be created or written):
    /// stop the capture and wait on it for the reason.
    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    /// Bytes written to the file so far.
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    /// Received bytes waiting in memory for the writer now, with each chunk's
    /// bookkeeping (128 bytes a chunk).
    pub fn queued(&self) -> u64 {
        self.queued.load(Ordering::Relaxed)
    }

    /// The most that ever waited for the writer at once, as [`CaptureProgress::queued`].
    pub fn peak_queued(&self) -> u64 {
        self.peak_queued.load(Ordering::Relaxed)
    }

    fn enqueued(&self, cost: usize) {
        let now = self.queued.fetch_add(cost as u64, Ordering::Relaxed) + cost as u64;
        self.peak_queued.fetch_max(now, Ordering::Relaxed);
    }

    fn dequeued(&self, cost: usize) {
        self.queued.fetch_sub(cost as u64, Ordering::Relaxed);
    }
}

/// Room taken in a capture's queue for one received event; given back, exactly as taken,
/// when dropped: by the writer once the event's bytes are in the file, or at once when they
/// never go there (no capture any more, or the writer failed).
#[derive(Debug)]
pub(crate) struct Room {
    budget: Arc<ByteBudget>,
    len: usize,
}

impl Drop for Room {
    fn drop(&mut self) {
        self.budget.give_back(self.len);
    }
}

/// What the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum CaptureFormat {
    /// Exactly the received bytes, nothing else.
    #[default]
    Raw,
    /// The log as text: a timestamped line per event, received and sent data decoded with
    /// the encoding, with the headers the window's log mode shows (lifecycle lines in
    /// English, as the file is for sharing).
    Text(TextEncoding),
}

/// One thing for the file.
#[derive(Debug)]
pub(crate) enum Record {
    /// Bytes received (`rx`) or sent; the last record of a received event carries the room
    /// the event took.
    Data {
        time: SystemTime,
        rx: bool,
        peer: SocketAddr,
        bytes: Bytes,
        #[expect(dead_code, reason = "held for its Drop, which gives the room back")]
        room: Option<Room>,
    },
    /// A lifecycle line (text format only), and whose streams end with it.
    Notice {
        time: SystemTime,
        text: String,
        ended: Ended,
    },
}

impl Record {
    /// When it happened.
    fn time(&self) -> SystemTime {
        match self {
            Self::Data { time, .. } | Self::Notice { time, .. } => *time,
        }
    }
}

/// Whose received streams a lifecycle event ends, so the writer forgets their decoders.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ended {
    /// Nobody's.
    None,
    /// One client's: it left.
    Peer(SocketAddr),
    /// Everybody's: the session closed.
    All,
}

/// A running capture, fed through [`SharedCapture::record`]; dropping the sink's last clone ends
/// it.
#[derive(Debug, Clone)]
pub(crate) struct CaptureSink {
    records: mpsc::Sender<Record>,
    room: Arc<ByteBudget>,
    format: CaptureFormat,
    progress: Arc<CaptureProgress>,
}

/// A session's end of its current capture, if any; shared with its reporter.
#[derive(Debug, Clone, Default)]
pub(crate) struct SharedCapture {
    sink: Arc<Mutex<Option<CaptureSink>>>,
}

impl SharedCapture {
    /// Waits until the file's queue has room for `len` more bytes and takes it; `None` at
    /// once when nothing is being saved (or the writer has stopped).
    pub(crate) async fn reserve(&self, len: usize) -> Option<Room> {
        let budget = self
            .sink
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|sink| Arc::clone(&sink.room))?;
        budget.take(len).await;
        Some(Room { budget, len })
    }

    /// Queues what `kind`, which happened at `time`, means for the file, if anything, with
    /// the `room` its received bytes took. Never blocks the network task.
    pub(crate) fn record(&self, time: SystemTime, kind: &EventKind, room: Option<Room>) {
        let guard = self.sink.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(sink) = guard.as_ref() else {
            return;
        };
        let text = matches!(sink.format, CaptureFormat::Text(_));
        // Counted as queued before it is sent, so the writer never takes off more than was
        // put on. A failed writer has already reported its error; the records have nowhere
        // to go (and their room goes back as they are dropped).
        let data = |rx: bool, peer: SocketAddr, bytes: &Bytes, room| {
            let cost = queue_cost(1, bytes.len());
            if rx {
                sink.progress.enqueued(cost);
            }
            let record = Record::Data {
                time,
                rx,
                peer,
                bytes: bytes.clone(),
                room,
            };
            if sink.records.send(record).is_err() && rx {
                sink.progress.dequeued(cost);
            }
        };
        match kind {
            EventKind::Received { peer, bytes } => data(true, *peer, bytes, room),
            EventKind::Datagrams(datagrams) => {
                let mut room = room;
                let last = datagrams.len().saturating_sub(1);
                for (i, (peer, bytes)) in datagrams.iter().enumerate() {
                    let room = if i == last { room.take() } else { None };
                    data(true, *peer, bytes, room);
                }
            }
            EventKind::Sent { peer, bytes, .. } if text => data(false, *peer, bytes, None),
            // A relay's client sends what a server would receive; what goes back to it is
            // what a server would send.
            EventKind::Relayed {
                client,
                way: Way::ToUpstream,
                bytes,
                ..
            } => data(true, *client, bytes, room),
            EventKind::Relayed { client, bytes, .. } if text => data(false, *client, bytes, None),
            other if text => {
                if let Some(text) = describe(other) {
                    let ended = match other {
                        EventKind::PeerLeft { peer, .. } => Ended::Peer(*peer),
                        EventKind::Closed { .. } => Ended::All,
                        _ => Ended::None,
                    };
                    let _ = sink.records.send(Record::Notice { time, text, ended });
                }
            }
            _ => {}
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
    writer: JoinHandle<Result<u64, FileError>>,
}

impl FinishedCapture {
    /// Blocks until the writer has flushed everything; the total written, or why it failed.
    pub fn wait(self) -> Result<u64, FileError> {
        self.writer.join().unwrap_or_else(|_| {
            Err(FileError::Spawn {
                path: PathBuf::new(),
                source: std::io::Error::other("the capture writer panicked"),
            })
        })
    }
}

/// Starts the writer thread of `path`, which creates the file (a FIFO with no reader yet, or
/// a slow network disk, holds up that thread, never the caller's) and writes what is queued,
/// at most `queue_limit` bytes ([`queue_cost`]). A file that cannot be created ends the
/// writer as a failed write does: [`CaptureProgress::failed`], the reason from
/// [`FinishedCapture::wait`].
pub(crate) fn start(
    path: &Path,
    format: CaptureFormat,
    queue_limit: usize,
) -> Result<(CaptureSink, Arc<CaptureProgress>, FinishedCapture), FileError> {
    let (records, queue) = mpsc::channel::<Record>();
    let room = Arc::new(ByteBudget::new(queue_limit));
    let progress = Arc::new(CaptureProgress::default());
    let writer_progress = Arc::clone(&progress);
    let writer_path = path.to_owned();
    let writer_room = Arc::clone(&room);
    let writer = std::thread::Builder::new()
        .name("netdebug-capture".to_owned())
        .spawn(move || {
            let result = File::create(&writer_path)
                .map_err(|source| FileError::Create {
                    path: writer_path.clone(),
                    source,
                })
                .and_then(|file| write_all(&writer_path, file, format, &queue, &writer_progress));
            // However the writer ends, nobody may wait for room again.
            writer_room.close();
            if result.is_err() {
                writer_progress.failed.store(true, Ordering::Relaxed);
            }
            result
        })
        .map_err(|source| FileError::Spawn {
            path: path.to_owned(),
            source,
        })?;
    Ok((
        CaptureSink {
            records,
            room,
            format,
            progress: Arc::clone(&progress),
        },
        progress,
        FinishedCapture { writer },
    ))
}

fn write_all(
    path: &Path,
    file: File,
    format: CaptureFormat,
    queue: &mpsc::Receiver<Record>,
    progress: &CaptureProgress,
) -> Result<u64, FileError> {
    // Chunks at least this big bypass the buffer and go straight to the file, without a copy;
    // small ones are gathered so a trickle of bytes is not one system call each.
    let mut out = BufWriter::with_capacity(64 * 1024, file);
    let fail = |source, written| FileError::Write {
        path: path.to_owned(),
        written,
        source,
    };
    // Every byte written is counted as it goes, for the window's progress.
    let write = |out: &mut BufWriter<_>, bytes: &[u8]| {
        out.write_all(bytes)
            .map_err(|e| fail(e, progress.written()))?;
        progress
            .written
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok::<(), FileError>(())
    };
    let mut decoders = PeerStreams::new(match format {
        CaptureFormat::Text(encoding) => encoding,
        CaptureFormat::Raw => TextEncoding::default(),
    });
    // The day the text's last line was on: its first line, and the first of each new day,
    // follow a line with the date, as the times alone would not tell a night's capture apart.
    let mut day = None;
    // Ends when every sender is gone: the capture was stopped and its queue is drained.
    let mut next = queue.recv().ok();
    while let Some(record) = next {
        // The text's time of day for this record, worked out once (raw bytes carry none).
        let mut stamp = chrono::NaiveTime::MIN;
        if let CaptureFormat::Text(_) = format {
            let (date, time_of_day) = super::local_date_and_time(record.time());
            stamp = time_of_day;
            if day != Some(date) {
                day = Some(date);
                let line = format!(
                    "[{}] ● date: {}\n",
                    time_of_day.format(super::TIME_OF_DAY),
                    date.format(super::DATE)
                );
                write(&mut out, line.as_bytes())?;
            }
        }
        let line = match (&record, format) {
            (
                Record::Data {
                    bytes, rx: true, ..
                },
                CaptureFormat::Raw,
            ) => Cow::Borrowed(&bytes[..]),
            // Raw bytes keep only what was received: nothing to write.
            (Record::Data { .. } | Record::Notice { .. }, CaptureFormat::Raw) => {
                Cow::Borrowed(&[][..])
            }
            (Record::Notice { text, ended, .. }, CaptureFormat::Text(_)) => {
                match ended {
                    Ended::None => {}
                    Ended::Peer(peer) => decoders.remove(*peer),
                    Ended::All => decoders.clear(),
                }
                let line = format!("[{}] ● {text}\n", stamp.format(super::TIME_OF_DAY));
                Cow::Owned(line.into_bytes())
            }
            (
                Record::Data {
                    rx, peer, bytes, ..
                },
                CaptureFormat::Text(encoding),
            ) => {
                let text = if *rx {
                    let mut text = String::new();
                    decoders.decode_into(*peer, bytes, &mut text);
                    text
                } else {
                    encoding.decode_whole(bytes)
                };
                let arrow = if *rx { "RX ←" } else { "TX →" };
                let line = format!(
                    "[{}] {arrow} {peer} ({} B)\n{}\n",
                    stamp.format(super::TIME_OF_DAY),
                    bytes.len(),
                    text.strip_suffix('\n').unwrap_or(&text)
                );
                Cow::Owned(line.into_bytes())
            }
        };
        write(&mut out, &line)?;
        if let Record::Data {
            rx: true, bytes, ..
        } = &record
        {
            progress.dequeued(queue_cost(1, bytes.len()));
        }
        // The record's room goes back now, as it is dropped.
        drop(record);
        next = match queue.try_recv() {
            Ok(record) => Some(record),
            // Caught up: what is buffered goes to the file now, not when 64 KiB have gathered,
            // so a device that sends a line a minute is on disk a line a minute. In a flood the
            // queue is rarely empty and the buffer still gathers small writes.
            Err(mpsc::TryRecvError::Empty) => {
                out.flush().map_err(|e| fail(e, progress.written()))?;
                queue.recv().ok()
            }
            Err(mpsc::TryRecvError::Disconnected) => None,
        };
    }
    out.flush().map_err(|e| fail(e, progress.written()))?;
    Ok(progress.written())
}

/// A lifecycle event as one line of the text log, in English (the file is for sharing).
fn describe(kind: &EventKind) -> Option<String> {
    Some(match kind {
        EventKind::Listening { local } => format!("listening on {local}"),
        EventKind::StoppedListening { clients } => {
            format!("stopped listening; {clients} connected clients stay")
        }
        EventKind::Bound { local, .. } => format!("UDP bound to {local}"),
        EventKind::JoinedGroup { group } => format!("joined multicast group {group}"),
        EventKind::Connecting { remote, .. } => format!("connecting to {remote}"),
        EventKind::Connected { local, remote } => format!("connected to {remote} from {local}"),
        EventKind::ServingTls {
            certificate,
            self_signed,
        } => {
            let made = if *self_signed {
                "a self-signed certificate made at open"
            } else {
                "the certificate from the files given"
            };
            format!("TLS on: {made}, SHA-256 {certificate}")
        }
        EventKind::Secured { peer, summary } => format!("TLS with {peer}: {summary}"),
        EventKind::PeerJoined { peer } => format!("client joined: {peer}"),
        EventKind::PeerLeft { peer, reason } => format!("client left: {peer} ({reason})"),
        EventKind::Error(error) => format!("error: {error}"),
        EventKind::Closed { reason } => format!("closed: {reason}"),
        EventKind::CycleStopped { sends } => format!("cycle send stopped after {sends} sends"),
        EventKind::FileDone { path, sent, .. } => {
            format!("file {} sent {sent} bytes", path.display())
        }
        EventKind::UpstreamConnected {
            client,
            local,
            upstream,
        } => format!("client {client} connected to upstream {upstream} from {local}"),
        EventKind::HalfClosed {
            client,
            way: Way::ToUpstream,
        } => format!("client {client} ended its sending; passed on to upstream"),
        EventKind::HalfClosed {
            client,
            way: Way::ToClient,
        } => format!("upstream ended its sending to {client}; passed on"),
        EventKind::ResetPassedOn {
            client,
            way: Way::ToUpstream,
        } => format!("client {client} reset its connection; upstream reset too"),
        EventKind::ResetPassedOn {
            client,
            way: Way::ToClient,
        } => format!("upstream reset the connection of {client}; passed on"),
        EventKind::Received { .. }
        | EventKind::Datagrams(_)
        | EventKind::Sent { .. }
        | EventKind::Relayed { .. } => {
            return None;
        }
    })
}

#[cfg(test)]
mod tests {
    use chrono::{Local, TimeZone};

    use super::*;

    fn at(day: u32, h: u32, m: u32, s: u32) -> SystemTime {
        Local
            .with_ymd_and_hms(2026, 11, day, h, m, s)
            .earliest()
            .unwrap()
            .into()
    }

    #[test]
    fn a_text_capture_says_the_date_at_its_start_and_at_midnight() {
        let path =
            std::env::temp_dir().join(format!("netdebug-capture-days-{}.txt", std::process::id()));
        let (sink, _progress, finished) = start(
            &path,
            CaptureFormat::Text(TextEncoding::Utf8),
            CAPTURE_QUEUE_LIMIT,
        )
        .unwrap();
        let peer: SocketAddr = "127.0.0.1:502".parse().unwrap();
        let data = |time, text: &'static str| Record::Data {
            time,
            rx: true,
            peer,
            bytes: Bytes::from_static(text.as_bytes()),
            room: None,
        };
        for record in [
            data(at(24, 23, 59, 58), "a"),
            data(at(24, 23, 59, 59), "b"),
            data(at(25, 0, 0, 1), "c"),
        ] {
            sink.records.send(record).unwrap();
        }
        drop(sink);
        let written = finished.wait().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(written, text.len() as u64, "the date lines are counted");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "[23:59:58.000] ● date: 2026-11-24",
                "[23:59:58.000] RX ← 127.0.0.1:502 (1 B)",
                "a",
                "[23:59:59.000] RX ← 127.0.0.1:502 (1 B)",
                "b",
                "[00:00:01.000] ● date: 2026-11-25",
                "[00:00:01.000] RX ← 127.0.0.1:502 (1 B)",
                "c",
            ]
        );
    }

    #[test]
    fn a_raw_capture_is_only_the_bytes() {
        let path = std::env::temp_dir().join(format!(
            "netdebug-capture-raw-days-{}.bin",
            std::process::id()
        ));
        let (sink, _progress, finished) =
            start(&path, CaptureFormat::Raw, CAPTURE_QUEUE_LIMIT).unwrap();
        let peer: SocketAddr = "127.0.0.1:502".parse().unwrap();
        for (time, byte) in [(at(24, 23, 59, 59), 1u8), (at(25, 0, 0, 1), 2)] {
            sink.records
                .send(Record::Data {
                    time,
                    rx: true,
                    peer,
                    bytes: Bytes::copy_from_slice(&[byte]),
                    room: None,
                })
                .unwrap();
        }
        drop(sink);
        finished.wait().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(bytes, [1, 2]);
    }
}

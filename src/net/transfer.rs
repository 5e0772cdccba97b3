//! Sends that run on their own: a cycle send (a payload every period, or several in turn) and
//! a file sent in chunks. Each chunk waits for the previous one to be written, so both stream in bounded
//! memory and stop at the first failure.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc;

use super::ack::Ack;
use super::session::{Reporter, SessionCommand};
use super::{EventKind, NetError, SendTarget};

/// The shortest cycle period.
pub const MIN_CYCLE_PERIOD: Duration = Duration::from_millis(1);

/// Bytes per chunk of a file over TCP.
const TCP_FILE_CHUNK: usize = 64 * 1024;

/// Bytes per datagram of a file over UDP: fits an Ethernet frame without fragmenting.
const UDP_FILE_CHUNK: usize = 1400;

/// The largest packet a file can be sent in: the largest UDP payload over IPv4.
pub const MAX_FILE_PACKET: usize = 65_507;

/// How a file is cut and paced: a device with a small buffer, or a firmware loader that takes
/// one block at a time, needs packets of a set size with a pause between them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FilePacing {
    /// Bytes per packet (every packet but the last is exactly this long); 0: 64 KiB chunks over
    /// TCP, 1400-byte datagrams over UDP.
    pub packet_size: usize,
    /// The time from one packet to the next; zero: each as soon as the previous one is
    /// written.
    pub interval: Duration,
}

impl FilePacing {
    /// The bytes per packet for `target`: as set (at most [`MAX_FILE_PACKET`]), or the default.
    fn packet_size(self, target: &SendTarget) -> usize {
        match (self.packet_size, target) {
            (0, SendTarget::Datagram(_) | SendTarget::LastSender) => UDP_FILE_CHUNK,
            (0, SendTarget::Connected | SendTarget::AllClients | SendTarget::Client(_)) => {
                TCP_FILE_CHUNK
            }
            (size, _) => size.min(MAX_FILE_PACKET),
        }
    }
}

/// How far a file send has got, readable from any thread.
#[derive(Debug)]
pub struct FileProgress {
    /// The file.
    pub path: PathBuf,
    /// Its size once opened ([`UNKNOWN`] until then).
    total: AtomicU64,
    sent: AtomicU64,
}

/// The size of a file not opened yet.
const UNKNOWN: u64 = u64::MAX;

impl FileProgress {
    /// Progress of a send of `path`, not opened yet.
    pub(crate) fn new(path: PathBuf) -> Self {
        Self {
            path,
            total: AtomicU64::new(UNKNOWN),
            sent: AtomicU64::new(0),
        }
    }

    /// Bytes sent so far.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// The file's size when the send opened it; `None` until then.
    pub fn total(&self) -> Option<u64> {
        Some(self.total.load(Ordering::Relaxed)).filter(|total| *total != UNKNOWN)
    }
}

/// Sends `bytes` and waits until it is written; `false` if it was not (or the session ended).
async fn send_acked(
    commands: &mpsc::UnboundedSender<SessionCommand>,
    target: &SendTarget,
    bytes: Bytes,
) -> bool {
    let (ack, written) = Ack::new();
    let command = SessionCommand::Send {
        target: target.clone(),
        bytes,
        ack: Some(ack),
    };
    commands.send(command).is_ok() && written.await.unwrap_or(false)
}

/// Sends one of `payloads` every `period`, each in turn and round again, on a fixed schedule
/// (a late send does not shift the ones after it), until `times` sends have gone (if given),
/// a send fails or the task is aborted. No payloads, nothing to send: it stops at once.
pub(crate) async fn cycle(
    commands: mpsc::UnboundedSender<SessionCommand>,
    target: SendTarget,
    payloads: Vec<Bytes>,
    period: Duration,
    times: Option<u64>,
    sends: Arc<AtomicU64>,
    reporter: Reporter,
) {
    let mut ticks = tokio::time::interval(period.max(MIN_CYCLE_PERIOD));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let times = usize::try_from(times.unwrap_or(u64::MAX)).unwrap_or(usize::MAX);
    for bytes in payloads.iter().cycle().take(times) {
        ticks.tick().await;
        if !send_acked(&commands, &target, bytes.clone()).await {
            break;
        }
        sends.fetch_add(1, Ordering::Relaxed);
    }
    reporter.report(EventKind::CycleStopped {
        sends: sends.load(Ordering::Relaxed),
    });
}

/// Opens the file of `progress` and records its size; the failure, worded with the path.
async fn open_file(progress: &FileProgress) -> Result<tokio::fs::File, NetError> {
    let fail = |source| NetError::File {
        path: progress.path.clone(),
        source,
    };
    let file = tokio::fs::File::open(&progress.path).await.map_err(fail)?;
    let total = file.metadata().await.map_err(fail)?.len();
    progress.total.store(total, Ordering::Relaxed);
    Ok(file)
}

/// Opens the file of `progress` (on the runtime: a file on a slow disk or a FIFO holds up no
/// window) and streams it to `target` in packets cut and paced as `pacing` says. A file that
/// cannot be read is reported, and the send ends with nothing sent.
pub(crate) async fn send_file(
    commands: mpsc::UnboundedSender<SessionCommand>,
    target: SendTarget,
    pacing: FilePacing,
    progress: Arc<FileProgress>,
    reporter: Reporter,
) {
    let mut file = match open_file(&progress).await {
        Ok(file) => file,
        Err(error) => {
            reporter.report(EventKind::Error(error));
            reporter.report(EventKind::FileDone {
                path: progress.path.clone(),
                sent: 0,
                complete: false,
            });
            return;
        }
    };
    let packet_size = pacing.packet_size(&target);
    let mut ticks = (!pacing.interval.is_zero()).then(|| {
        let mut ticks = tokio::time::interval(pacing.interval);
        // A packet whose write was late still leaves the full interval before the next: the
        // receiver gets its pause.
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks
    });
    let complete = loop {
        let packet = match read_packet(&mut file, packet_size).await {
            Ok(packet) if packet.is_empty() => break true,
            Ok(packet) => packet,
            Err(source) => {
                reporter.report(EventKind::Error(NetError::File {
                    path: progress.path.clone(),
                    source,
                }));
                break false;
            }
        };
        if let Some(ticks) = &mut ticks {
            ticks.tick().await;
        }
        let len = packet.len() as u64;
        if !send_acked(&commands, &target, packet).await {
            break false;
        }
        progress.sent.fetch_add(len, Ordering::Relaxed);
    };
    reporter.report(EventKind::FileDone {
        path: progress.path.clone(),
        sent: progress.sent(),
        complete,
    });
}

/// Reads up to `size` bytes, fewer only at the end of the file: a read can return less than
/// asked for, and a paced packet must still be whole.
async fn read_packet(file: &mut tokio::fs::File, size: usize) -> std::io::Result<Bytes> {
    let mut packet = BytesMut::with_capacity(size);
    while packet.len() < size {
        if file.read_buf(&mut packet).await? == 0 {
            break;
        }
    }
    Ok(packet.freeze())
}

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

/// How far a file send has got, readable from any thread.
#[derive(Debug)]
pub struct FileProgress {
    /// The file.
    pub path: PathBuf,
    /// Its size when the send started.
    pub total: u64,
    sent: AtomicU64,
}

impl FileProgress {
    /// Bytes sent so far.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
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

/// Opens `path` for [`send_file`], reading its size.
pub(crate) fn open_file(path: PathBuf) -> Result<(tokio::fs::File, Arc<FileProgress>), NetError> {
    let fail = |source| NetError::File {
        path: path.clone(),
        source,
    };
    let file = std::fs::File::open(&path).map_err(fail)?;
    let total = file.metadata().map_err(fail)?.len();
    Ok((
        tokio::fs::File::from_std(file),
        Arc::new(FileProgress {
            path,
            total,
            sent: AtomicU64::new(0),
        }),
    ))
}

/// Streams a file to `target` chunk by chunk.
pub(crate) async fn send_file(
    commands: mpsc::UnboundedSender<SessionCommand>,
    target: SendTarget,
    mut file: tokio::fs::File,
    progress: Arc<FileProgress>,
    reporter: Reporter,
) {
    let chunk_size = match target {
        SendTarget::Datagram(_) | SendTarget::LastSender => UDP_FILE_CHUNK,
        SendTarget::Connected | SendTarget::AllClients | SendTarget::Client(_) => TCP_FILE_CHUNK,
    };
    let complete = loop {
        let mut chunk = BytesMut::with_capacity(chunk_size);
        match file.read_buf(&mut chunk).await {
            Ok(0) => break true,
            Ok(n) => {
                if !send_acked(&commands, &target, chunk.freeze()).await {
                    break false;
                }
                progress.sent.fetch_add(n as u64, Ordering::Relaxed);
            }
            Err(source) => {
                reporter.report(EventKind::Error(NetError::File {
                    path: progress.path.clone(),
                    source,
                }));
                break false;
            }
        }
    };
    reporter.report(EventKind::FileDone {
        path: progress.path.clone(),
        sent: progress.sent(),
        complete,
    });
}

//! One TCP connection's byte stream, plain or inside TLS, read and written the same way.
//!
//! Plain TCP is read when the socket is ready, with no buffer held while it is idle (ten
//! thousand quiet clients cost little); TLS has to be read through rustls, which decrypts
//! whole records, so a TLS connection holds a record-sized read buffer while it waits.

use std::future::Future as _;
use std::io;

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsStream;

use super::read_buffers::{self, READ_CHUNK};

/// A connected stream.
pub(crate) enum PeerStream {
    /// TCP as it is.
    Plain(TcpStream),
    /// TCP carrying TLS (boxed: rustls' state is a few kilobytes).
    Tls(Box<TlsStream<TcpStream>>),
}

/// What one read gave.
pub(crate) enum ReadOutcome {
    /// Bytes, in a buffer no more than twice their size.
    Data(Bytes),
    /// The peer closed its end.
    Closed,
    /// The read failed.
    Failed(io::Error),
}

/// The most a TLS read takes: one record's worth, the most rustls decrypts at once, so an
/// idle TLS connection holds no more than that.
const TLS_READ: usize = 16 * 1024;

/// Reads smaller than this are copied into a buffer of their own size, so a few bytes never
/// keep a large buffer alive in the log; larger ones are handed on without copying, and
/// never hold more than twice their size.
const COPY_BELOW: usize = READ_CHUNK / 2;

impl PeerStream {
    /// Waits for what the peer sends next: over plain TCP up to [`READ_CHUNK`] (256 KiB, so a
    /// bulk transfer costs few system calls, events and file writes) into a recycled buffer,
    /// over TLS up to [`TLS_READ`].
    ///
    /// Cancel-safe, for `select!`: once bytes are taken from the socket the future returns
    /// them without waiting again, and TLS keeps what it decrypted until the next read.
    pub(crate) async fn read(&mut self) -> ReadOutcome {
        match self {
            Self::Plain(stream) => read_plain(stream).await,
            Self::Tls(stream) => read_records(&mut **stream, gather).await,
        }
    }

    /// Writes all of `bytes` and pushes them out (TLS holds a record until flushed).
    pub(crate) async fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Self::Plain(stream) => stream.write_all(bytes).await,
            Self::Tls(stream) => {
                stream.write_all(bytes).await?;
                stream.flush().await
            }
        }
    }

    /// Ends our side in order: TLS says goodbye first, then TCP sends its FIN.
    pub(crate) async fn shutdown(&mut self) -> io::Result<()> {
        match self {
            Self::Plain(stream) => stream.shutdown().await,
            Self::Tls(stream) => stream.shutdown().await,
        }
    }
}

/// Waits for what the peer sends next over plain TCP, as [`PeerStream::read`] does (either
/// half of a split stream reads through the whole stream it refers to).
pub(crate) async fn read_plain(stream: &TcpStream) -> ReadOutcome {
    loop {
        if let Err(error) = stream.readable().await {
            return ReadOutcome::Failed(error);
        }
        let mut buffer = Loan(read_buffers::take());
        match stream.try_read_buf(&mut buffer.0) {
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
            result => return outcome(result, buffer),
        }
    }
}

/// Waits for what TLS decrypts next from `stream` (a TLS stream or the read half of one), up
/// to [`TLS_READ`]; a full record's buffer is handed to `more` to add to.
pub(crate) async fn read_records<R: AsyncRead + Unpin>(
    stream: &mut R,
    more: impl FnOnce(&mut R, &mut Vec<u8>),
) -> ReadOutcome {
    let mut buffer = Vec::with_capacity(TLS_READ);
    match stream.read_buf(&mut buffer).await {
        Ok(0) => ReadOutcome::Closed,
        // As for plain reads: a few bytes do not keep a whole buffer alive.
        Ok(n) if n < TLS_READ / 2 => ReadOutcome::Data(Bytes::copy_from_slice(&buffer)),
        Ok(_) => {
            more(stream, &mut buffer);
            ReadOutcome::Data(Bytes::from(buffer))
        }
        // Many peers (devices, `nc`, curl) close the TCP connection without TLS' closing
        // message; that is how they end, not a failure.
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => ReadOutcome::Closed,
        Err(error) => ReadOutcome::Failed(error),
    }
}

/// Adds to a full record in `buffer` the records already there to decrypt, up to
/// [`READ_CHUNK`], without waiting: a bulk transfer then costs one event and one file write
/// per 256 KiB, as over plain TCP, instead of one per 16 KiB record. An end or an error met
/// here is left for the next read, which meets it again.
fn gather(stream: &mut TlsStream<TcpStream>, buffer: &mut Vec<u8>) {
    // Polled once each: a read that would wait is dropped, and the next `read` registers
    // the real waker again.
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    while buffer.len() + TLS_READ <= READ_CHUNK {
        buffer.reserve(TLS_READ);
        let read = std::pin::pin!(stream.read_buf(buffer));
        match read.poll(&mut context) {
            std::task::Poll::Ready(Ok(n)) if n > 0 => {}
            _ => return,
        }
    }
}

/// A plain read's result as an outcome, with the buffer shared on when it is worth it.
fn outcome(result: io::Result<usize>, mut buffer: Loan) -> ReadOutcome {
    match result {
        Ok(0) => ReadOutcome::Closed,
        Ok(n) if n < COPY_BELOW => ReadOutcome::Data(Bytes::copy_from_slice(&buffer.0)),
        Ok(_) => ReadOutcome::Data(read_buffers::share(std::mem::take(&mut buffer.0))),
        Err(error) => ReadOutcome::Failed(error),
    }
}

/// A read buffer that goes back to the pool however the read ends, cancelled included.
struct Loan(Vec<u8>);

impl Drop for Loan {
    fn drop(&mut self) {
        read_buffers::give_back(std::mem::take(&mut self.0));
    }
}

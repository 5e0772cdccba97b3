//! The network engine: TCP server, TCP client and UDP sessions on a tokio runtime.
//!
//! The UI (or a test, or a CLI) owns an [`Engine`] and any number of [`Session`]s it made, calls
//! [`Session::open`], [`Session::send`] and [`Session::close`], and drains the [`Event`]s of all
//! of them from the one [`EventReceiver`]. Every event carries the [`SessionId`] of the Open it
//! came from, so the owner knows whose it is, and events from an Open that was closed can be
//! told apart.
//! Nothing here knows about egui: the engine wakes its owner through a plain callback.

mod ack;
mod address;
mod auto_reply;
mod backlog;
mod budget;
mod capture;
mod delayed_replies;
mod engine;
mod error;
mod event;
mod file_error;
mod handle;
mod impair;
mod interfaces;
mod peer_stream;
mod read_buffers;
mod relay;
mod relay_line;
mod relay_udp;
mod session;
mod tcp_client;
mod tcp_server;
mod tls;
mod transfer;
mod udp;

pub use address::{AddressError, Endpoint, PortError, parse_host, parse_port, parse_target};
pub use auto_reply::{AutoReply, ReplyRule};
pub use capture::{CAPTURE_QUEUE_LIMIT, CaptureFormat, CaptureProgress, FinishedCapture};
pub use delayed_replies::DELAYED_REPLY_LIMIT;
pub use engine::{Engine, EventReceiver, Notifier, SessionConfig, Wakeup};
pub(crate) use error::HandshakeFailure;
pub use error::NetError;
pub use event::{
    CloseReason, DATE, Event, EventKind, SentBy, SessionId, TIME_OF_DAY, Way, local_date_and_time,
};
pub use file_error::FileError;
pub use handle::{Closing, NotOpen, Session};
pub use impair::{Chance, Fate, Impairment, Impairments, RATE_QUEUE, REORDER_HOLD};
pub use interfaces::local_addresses;
pub use session::SendTarget;
pub use tls::{ClientTls, Fingerprint, PemKind, ServerTls, TlsError, TlsSummary};
pub use transfer::{FilePacing, FileProgress, MAX_FILE_PACKET, MIN_CYCLE_PERIOD};

/// How long a TCP client waits for a connection before giving up, unless told otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

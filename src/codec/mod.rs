//! Text and bytes: encodings (UTF-8, GBK), hex parsing and formatting, and turning what a person
//! typed into the exact payload to send. Pure functions, no I/O, no UI.

mod as_text;
mod checksum;
mod checksum_span;
mod code_literal;
mod encoding;
mod escape;
mod escaped_text;
mod framing;
mod hex;
mod payload;
mod peer_streams;

pub use as_text::text_for_bytes;
pub use checksum::{Checksum, Digest, LineEnding};
pub use checksum_span::{ChecksumSpan, ChecksumSpanError};
pub use code_literal::{c_array_initializer, python_bytes_literal};
pub use encoding::{EncodeError, StreamDecoder, TextEncoding};
pub use escape::{ESCAPE_HELP, EscapeError, Piece, unescape};
pub use framing::{FrameCursor, Framing, LengthField, LengthFieldError, LengthWidth};
pub use hex::{HexError, format_hex, parse_hex};
pub use payload::{InputMode, PayloadError, SendFormat, build_payload, encode_payload};
pub use peer_streams::{MAX_PEER_STREAMS, PeerStreams};

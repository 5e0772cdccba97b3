//! Text and bytes: encodings (UTF-8, GBK), hex parsing and formatting, and turning what a person
//! typed into the exact payload to send. Pure functions, no I/O, no UI.

mod encoding;
mod hex;
mod payload;

pub use encoding::{EncodeError, StreamDecoder, TextEncoding};
pub use hex::{HexError, format_hex, parse_hex};
pub use payload::{InputMode, PayloadError, encode_payload};

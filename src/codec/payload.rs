//! Turning the send box into the bytes that go on the wire.

use super::{EncodeError, HexError, TextEncoding, parse_hex};

/// How the send box is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputMode {
    /// The text is encoded with the chosen [`TextEncoding`].
    #[default]
    Text,
    /// The text is hex digits, see [`parse_hex`].
    Hex,
}

/// Why the send box cannot be turned into bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// Bad hex.
    #[error(transparent)]
    Hex(#[from] HexError),
    /// Text the encoding cannot represent.
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// Nothing to send.
    #[error("nothing to send: the send box is empty")]
    Empty,
}

/// The exact bytes to send for `input`, read as `mode` and encoded with `encoding`.
pub fn encode_payload(
    input: &str,
    mode: InputMode,
    encoding: TextEncoding,
) -> Result<Vec<u8>, PayloadError> {
    let bytes = match mode {
        InputMode::Text => encoding.encode(input)?,
        InputMode::Hex => parse_hex(input)?,
    };
    if bytes.is_empty() {
        return Err(PayloadError::Empty);
    }
    Ok(bytes)
}

//! Turning the send box into the bytes that go on the wire.

use super::escape::{EscapeError, Piece, unescape};
use super::{
    Checksum, ChecksumSpan, ChecksumSpanError, EncodeError, HexError, LineEnding, TextEncoding,
    parse_hex,
};

/// How the send box is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum InputMode {
    /// The text is encoded with the chosen [`TextEncoding`].
    #[default]
    Text,
    /// The text is hex digits, see [`parse_hex`].
    Hex,
}

/// Everything that decides how the send box becomes bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct SendFormat {
    /// Text or hex.
    pub mode: InputMode,
    /// The encoding for text.
    pub encoding: TextEncoding,
    /// Whether `\r \n \t \\ \0 \xNN` are resolved in text mode.
    pub escapes: bool,
    /// A checksum over the payload, appended after it.
    pub checksum: Checksum,
    /// What of the payload the checksum covers, and where it goes (the end by default).
    #[serde(default)]
    pub checksum_span: ChecksumSpan,
    /// What goes last.
    pub line_ending: LineEnding,
}

impl SendFormat {
    /// Text in `encoding`, escapes read or not, nothing appended: a payload alone, or a
    /// delimiter.
    pub fn text(encoding: TextEncoding, escapes: bool) -> Self {
        Self {
            mode: InputMode::Text,
            encoding,
            escapes,
            ..Self::default()
        }
    }
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
    /// A bad escape sequence.
    #[error(transparent)]
    Escape(#[from] EscapeError),
    /// Nothing to send.
    #[error("nothing to send: the send box is empty")]
    Empty,
    /// Too few bytes for the checksum's span.
    #[error(transparent)]
    ChecksumSpan(#[from] ChecksumSpanError),
}

/// The exact bytes to send for `input`: the payload read as `format` says, its checksum
/// (appended, or before the bytes its span leaves after it), then the line ending.
pub fn build_payload(input: &str, format: &SendFormat) -> Result<Vec<u8>, PayloadError> {
    let mut bytes = match (format.mode, format.escapes) {
        (InputMode::Hex, _) => parse_hex(input)?,
        (InputMode::Text, false) => format.encoding.encode(input)?,
        (InputMode::Text, true) => {
            let mut bytes = Vec::with_capacity(input.len());
            for piece in unescape(input)? {
                match piece {
                    Piece::Text(text) => bytes.extend(format.encoding.encode(&text)?),
                    Piece::Byte(byte) => bytes.push(byte),
                }
            }
            bytes
        }
    };
    if bytes.is_empty() {
        return Err(PayloadError::Empty);
    }
    format.checksum_span.insert(format.checksum, &mut bytes)?;
    bytes.extend_from_slice(format.line_ending.bytes());
    Ok(bytes)
}

/// The bytes for `input` read as `mode` and `encoding`, with nothing appended.
pub fn encode_payload(
    input: &str,
    mode: InputMode,
    encoding: TextEncoding,
) -> Result<Vec<u8>, PayloadError> {
    build_payload(
        input,
        &SendFormat {
            mode,
            encoding,
            ..SendFormat::default()
        },
    )
}

//! Escape sequences in the send box's text mode: `\r \n \t \\ \0 \xNN`.

/// What an escaped text turns into: text runs (to be encoded) and raw bytes from `\xNN`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text to encode with the chosen encoding.
    Text(String),
    /// A byte that goes out exactly as written.
    Byte(u8),
}

/// An escape sequence that means nothing. Positions are 1-based character positions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EscapeError {
    /// `\` followed by a character that starts no escape.
    #[error("unknown escape '\\{ch}' at position {position}; use \\r \\n \\t \\\\ \\0 or \\xNN")]
    Unknown {
        /// The character after the backslash.
        ch: char,
        /// Position of the backslash.
        position: usize,
    },
    /// `\x` not followed by two hex digits.
    #[error("'\\x' at position {position} needs two hex digits, as in \\x0D")]
    BadHex {
        /// Position of the backslash.
        position: usize,
    },
    /// A backslash as the very last character.
    #[error("a lone '\\' at position {position} ends the text; write \\\\ for a backslash")]
    Trailing {
        /// Position of the backslash.
        position: usize,
    },
}

/// The escapes, for the tooltip.
pub const ESCAPE_HELP: &str = "\\r  carriage return (0D)\n\\n  line feed (0A)\n\\t  tab (09)\n\\\\  backslash\n\\0  zero byte (00)\n\\xNN  the byte NN in hex, e.g. \\x1B";

/// Splits `input` into text and raw bytes, resolving escapes.
pub fn unescape(input: &str) -> Result<Vec<Piece>, EscapeError> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = input.chars().enumerate().peekable();
    while let Some((index, c)) = chars.next() {
        if c != '\\' {
            text.push(c);
            continue;
        }
        let position = index + 1;
        let Some((_, next)) = chars.next() else {
            return Err(EscapeError::Trailing { position });
        };
        match next {
            'r' => text.push('\r'),
            'n' => text.push('\n'),
            't' => text.push('\t'),
            '\\' => text.push('\\'),
            '0' => text.push('\0'),
            'x' => {
                let hi = chars.next().and_then(|(_, c)| c.to_digit(16));
                let lo = chars.next().and_then(|(_, c)| c.to_digit(16));
                let (Some(hi), Some(lo)) = (hi, lo) else {
                    return Err(EscapeError::BadHex { position });
                };
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Byte(u8::try_from(hi * 16 + lo).unwrap_or(0)));
            }
            other => {
                return Err(EscapeError::Unknown {
                    ch: other,
                    position,
                });
            }
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

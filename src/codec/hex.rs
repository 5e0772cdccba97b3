//! Hex as people type it: `01 02 ff`, `0102FF`, `0x01,0x02`.

use std::fmt::Write as _;

/// Why a hex string was refused. Positions are 1-based character positions in the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    /// A character that is neither a hex digit nor a separator.
    #[error("invalid hex character '{ch}' at position {position}")]
    InvalidChar {
        /// The offending character.
        ch: char,
        /// Its 1-based character position.
        position: usize,
    },
    /// A group of digits with an odd length longer than one, such as `123`: the last digit has
    /// no partner, and guessing would send the wrong bytes.
    #[error("odd number of hex digits in a group: digit at position {position} has no partner")]
    OddDigits {
        /// The 1-based position of the unpaired digit.
        position: usize,
    },
    /// `0x` with no digits after it.
    #[error("'0x' at position {position} is not followed by hex digits")]
    EmptyPrefix {
        /// The 1-based position of the `0`.
        position: usize,
    },
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-')
}

/// Parses hex bytes. Groups are split by whitespace, `,`, `;`, `:` or `-`; each group may carry a
/// `0x`/`0X` prefix and holds either one digit (`f` is `0f`) or an even number of digits
/// (`0102ff` is three bytes).
pub fn parse_hex(input: &str) -> Result<Vec<u8>, HexError> {
    let chars: Vec<char> = input.chars().collect();
    let mut bytes = Vec::with_capacity(chars.len() / 2);
    let mut i = 0;
    while i < chars.len() {
        let c = chars.get(i).copied().unwrap_or(' ');
        if is_separator(c) {
            i += 1;
            continue;
        }
        let group_start = i;
        let mut end = i;
        while end < chars.len() && !chars.get(end).copied().is_some_and(is_separator) {
            end += 1;
        }
        parse_group(&chars, group_start, end, &mut bytes)?;
        i = end;
    }
    Ok(bytes)
}

/// Parses `chars[start..end]`, one group with no separators, appending its bytes.
fn parse_group(
    chars: &[char],
    start: usize,
    end: usize,
    out: &mut Vec<u8>,
) -> Result<(), HexError> {
    let group = chars.get(start..end).unwrap_or(&[]);
    let has_prefix = matches!(group, ['0', 'x' | 'X', ..]);
    let digits_start = if has_prefix { start + 2 } else { start };
    let digits = chars.get(digits_start..end).unwrap_or(&[]);
    if has_prefix && digits.is_empty() {
        return Err(HexError::EmptyPrefix {
            position: start + 1,
        });
    }
    let mut values = Vec::with_capacity(digits.len());
    for (offset, &ch) in digits.iter().enumerate() {
        let value = ch.to_digit(16).ok_or(HexError::InvalidChar {
            ch,
            position: digits_start + offset + 1,
        })?;
        values.push(u8::try_from(value).unwrap_or(0));
    }
    match values.as_slice() {
        [single] => out.push(*single),
        pairs if pairs.len() % 2 == 0 => {
            out.extend(pairs.chunks_exact(2).map(|p| match p {
                [hi, lo] => (hi << 4) | lo,
                _ => 0,
            }));
        }
        _ => return Err(HexError::OddDigits { position: end }),
    }
    Ok(())
}

/// Formats bytes as upper-case hex pairs separated by spaces: `41 42 FF`.
pub fn format_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{b:02X}");
    }
    out
}

//! Bytes written as source code, to paste into the programs people test devices with: a
//! Python bytes literal (`s.send(b'\x01\x03')`, as in the course notes' socket programs) and
//! a C array initializer for firmware test vectors.

use std::fmt::Write as _;

/// How many bytes a line of a C array holds.
const C_BYTES_PER_LINE: usize = 16;

/// `bytes` as a Python bytes literal, as Python's own `repr` writes it: printable ASCII as
/// itself, `\t`, `\n`, `\r`, `\\` and `\'` escaped, every other byte as `\xNN`.
pub fn python_bytes_literal(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 3);
    out.push_str("b'");
    for &byte in bytes {
        match byte {
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            b' '..=b'~' => out.push(char::from(byte)),
            _ => {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
    }
    out.push('\'');
    out
}

/// `bytes` as a C array initializer, `{0x01, 0x03}`; longer than a line, one line of 16
/// bytes after another, indented, between braces on lines of their own.
pub fn c_array_initializer(bytes: &[u8]) -> String {
    let line = |chunk: &[u8]| {
        chunk
            .iter()
            .map(|byte| format!("0x{byte:02X}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if bytes.len() <= C_BYTES_PER_LINE {
        return format!("{{{}}}", line(bytes));
    }
    let lines: Vec<String> = bytes
        .chunks(C_BYTES_PER_LINE)
        .map(|chunk| format!("    {}", line(chunk)))
        .collect();
    format!("{{\n{}\n}}", lines.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a literal [`python_bytes_literal`] writes back into its bytes, as Python would.
    fn python_reads(literal: &str) -> Vec<u8> {
        let inner = literal
            .strip_prefix("b'")
            .and_then(|rest| rest.strip_suffix('\''))
            .unwrap();
        let mut bytes = Vec::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                assert!(
                    c.is_ascii() && !c.is_ascii_control() && c != '\'',
                    "{c:?} bare"
                );
                bytes.push(c as u8);
                continue;
            }
            match chars.next().unwrap() {
                't' => bytes.push(b'\t'),
                'n' => bytes.push(b'\n'),
                'r' => bytes.push(b'\r'),
                '\\' => bytes.push(b'\\'),
                '\'' => bytes.push(b'\''),
                'x' => {
                    let hex: String = chars.by_ref().take(2).collect();
                    bytes.push(u8::from_str_radix(&hex, 16).unwrap());
                }
                other => panic!("unknown escape \\{other}"),
            }
        }
        bytes
    }

    #[test]
    fn python_literals_read_as_python_writes_them() {
        assert_eq!(python_bytes_literal(b""), "b''");
        assert_eq!(
            python_bytes_literal("温度=25.3\r\n".as_bytes()),
            r"b'\xe6\xb8\xa9\xe5\xba\xa6=25.3\r\n'"
        );
        assert_eq!(
            python_bytes_literal(b"it's a \\ \t\x00\x7f\xff"),
            r"b'it\'s a \\ \t\x00\x7f\xff'"
        );
    }

    #[test]
    fn c_arrays_fit_a_line_or_go_sixteen_bytes_a_line() {
        assert_eq!(c_array_initializer(b""), "{}");
        assert_eq!(
            c_array_initializer(&[0x01, 0x03, 0xAA]),
            "{0x01, 0x03, 0xAA}"
        );
        let seventeen: Vec<u8> = (0..17).collect();
        assert_eq!(
            c_array_initializer(&seventeen),
            "{\n    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, \
             0x0C, 0x0D, 0x0E, 0x0F,\n    0x10\n}"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_come_back_from_their_python_literal(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64),
        ) {
            proptest::prop_assert_eq!(python_reads(&python_bytes_literal(&bytes)), bytes);
        }

        #[test]
        fn any_bytes_come_back_from_their_c_array(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64),
        ) {
            let array = c_array_initializer(&bytes);
            let read: Vec<u8> = array
                .trim_matches(|c: char| c == '{' || c == '}' || c.is_whitespace())
                .split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| u8::from_str_radix(item.strip_prefix("0x").unwrap(), 16).unwrap())
                .collect();
            proptest::prop_assert_eq!(read, bytes);
        }
    }
}

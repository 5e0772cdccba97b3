//! The way back from bytes to the send box's text: what the send box shows when it switches
//! from hex to text, so that Send still sends exactly those bytes.

use super::{SendFormat, StreamDecoder, TextEncoding, build_payload};

/// Text that the send box, read as `encoding` text (with escapes if `escapes`), turns back
/// into exactly `bytes`; `None` when there is none: bytes that are not text in the encoding
/// (or control characters, which would not show, other than line breaks and tabs), with
/// escapes off.
///
/// With escapes on, what is not printable text is written as an escape (`\r`, `\n`, `\t`,
/// `\0`, `\\`, or `\xNN` for other control characters and bytes that are no character), so
/// `41 54 0D 0A` shows as `AT\r\n` and a Modbus frame as `\x01\x03…`.
pub fn text_for_bytes(bytes: &[u8], encoding: TextEncoding, escapes: bool) -> Option<String> {
    if bytes.is_empty() {
        return Some(String::new());
    }
    let text = if escapes {
        escaped(bytes, encoding)
    } else {
        // Control characters other than line breaks and tabs would sit in the box unseen:
        // they are no text to show without escapes.
        encoding.decode_exact(bytes).filter(|text| {
            !text
                .chars()
                .any(|ch| ch.is_control() && !"\r\n\t".contains(ch))
        })?
    };
    // Whichever way it was made, only text that gives the same bytes back will do.
    let format = SendFormat::text(encoding, escapes);
    (build_payload(&text, &format).ok()? == bytes).then_some(text)
}

/// `bytes` as text with escapes: each character that encodes back to its own bytes as itself
/// (or its escape), every other byte as `\xNN`.
fn escaped(bytes: &[u8], encoding: TextEncoding) -> String {
    let mut decoder = StreamDecoder::escaping(encoding, false);
    let mut out = String::with_capacity(bytes.len());
    decoder.decode_into(bytes, &mut out);
    decoder.finish_into(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_become_text_that_sends_them_again() {
        use TextEncoding::{Gbk, Utf8};
        let cases: [(&[u8], TextEncoding, bool, Option<&str>); 12] = [
            (b"AT\r\n", Utf8, true, Some(r"AT\r\n")),
            (b"AT\r\n", Utf8, false, Some("AT\r\n")),
            (&[0x01, 0x03, 0x00, 0x2A], Utf8, true, Some(r"\x01\x03\0*")),
            // Not text at all: with escapes off there is no way back.
            (&[0x01, 0xFF], Utf8, false, None),
            // Text, but its control characters would not show: escapes are needed.
            (&[0x01, 0x03, 0x00, 0x2A], Utf8, false, None),
            (b"a\tb\r\n", Utf8, false, Some("a\tb\r\n")),
            (&[0xC4, 0xE3, 0xBA, 0xC3], Gbk, false, Some("你好")),
            (&[0xC4, 0xE3, 0xBA, 0xC3], Gbk, true, Some("你好")),
            (
                &[0xC4, 0xE3, 0xBA, 0xC3],
                Utf8,
                true,
                Some(r"\xC4\xE3\xBA\xC3"),
            ),
            ("温度\\".as_bytes(), Utf8, true, Some(r"温度\\")),
            // Half a character at the end, and a C1 control character.
            (&[b'a', 0xC4], Gbk, true, Some(r"a\xC4")),
            (&[0xC2, 0x85], Utf8, true, Some(r"\xC2\x85")),
        ];
        for (bytes, encoding, escapes, expected) in cases {
            assert_eq!(
                text_for_bytes(bytes, encoding, escapes).as_deref(),
                expected,
                "{bytes:02X?} as {encoding} escapes {escapes}"
            );
        }
    }

    #[test]
    fn any_bytes_come_back_exactly_through_escaped_text() {
        let bytes = proptest::collection::vec(proptest::num::u8::ANY, 0..64);
        let encodings = proptest::sample::select(TextEncoding::ALL.to_vec());
        proptest::test_runner::TestRunner::default()
            .run(&(bytes, encodings), |(bytes, encoding)| {
                // With escapes there is always a way back (the function checks it is exact).
                proptest::prop_assert!(text_for_bytes(&bytes, encoding, true).is_some());
                Ok(())
            })
            .unwrap();
    }
}

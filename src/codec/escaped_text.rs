//! Decoded text with what does not show written out as the send box's escapes (`\r \n \t \0
//! \\ \xNN`): the log's *Show escapes* view, where `AT\r\n` and `OK\n` look different, a
//! zero byte is `\0` and a byte that is no character in the encoding is `\xNN`, not `�`.

use super::TextEncoding;

/// The escaping decoder's state: the start of a character cut off by the end of a read.
#[derive(Debug)]
pub(super) struct Escaper {
    encoding: TextEncoding,
    /// Whether a line feed, after its `\n`, still breaks the line (for the log's rows).
    keep_breaks: bool,
    /// The first bytes of a character that the last read ended in, at most three.
    pending: Vec<u8>,
}

impl Escaper {
    pub(super) fn new(encoding: TextEncoding, keep_breaks: bool) -> Self {
        Self {
            encoding,
            keep_breaks,
            pending: Vec::new(),
        }
    }

    /// The first bytes of a character that the last read ended in.
    pub(super) fn held_back(&self) -> &[u8] {
        &self.pending
    }

    /// Appends `bytes`, the stream's next read, to `out` as escaped text: each character
    /// that the send box would write back as the same bytes as itself (or its escape), every
    /// other byte as `\xNN`. With `last`, the stream ends, and a character cut off by its
    /// end is bytes.
    ///
    /// Decoded here, character by character, rather than by encoding_rs' decoder: GBK
    /// decodes some pairs (`A3 A0`, `A2 E3`) to characters it encodes otherwise, which only a
    /// look at each character's own bytes can tell.
    pub(super) fn decode_into(&mut self, bytes: &[u8], last: bool, out: &mut String) {
        let mut at = 0;
        if !self.pending.is_empty() {
            // The character under way is at most four bytes: it ends within the next three.
            let mut seam = std::mem::take(&mut self.pending);
            let kept = seam.len();
            let from_read = bytes.len().min(3);
            seam.extend_from_slice(bytes.get(..from_read).unwrap_or_default());
            let seam_is_all = from_read == bytes.len();
            while at < kept {
                let rest = seam.get(at..).unwrap_or_default();
                let Some(used) = self.next(rest, last && seam_is_all, out) else {
                    // Only when the whole read fit in the seam and still did not end it.
                    self.pending = rest.to_vec();
                    return;
                };
                at += used;
            }
            at -= kept;
        }
        while let Some(rest) = bytes.get(at..).filter(|rest| !rest.is_empty()) {
            // Printable ASCII, most of what devices send, is copied in runs.
            let plain = rest
                .iter()
                .position(|&b| !is_plain(b))
                .unwrap_or(rest.len());
            if plain > 0 {
                out.push_str(
                    std::str::from_utf8(rest.get(..plain).unwrap_or_default()).unwrap_or_default(),
                );
                at += plain;
                continue;
            }
            let Some(used) = self.next(rest, last, out) else {
                self.pending = rest.to_vec();
                break;
            };
            at += used;
        }
    }

    /// Writes the character (or the bytes) that `bytes` begin with and says how many bytes
    /// that took; `None` when `bytes` are the start of a character that goes on past them
    /// (never when `last`).
    fn next(&self, bytes: &[u8], last: bool, out: &mut String) -> Option<usize> {
        let &first = bytes.first()?;
        if first.is_ascii() {
            push_char(out, char::from(first), self.encoding, self.keep_breaks);
            return Some(1);
        }
        let len = match self.encoding {
            TextEncoding::Utf8 => utf8_len(first),
            TextEncoding::Gbk => gbk_len(bytes),
        };
        let Some(len) = len else {
            push_byte(out, first);
            return Some(1);
        };
        let Some(run) = bytes.get(..len) else {
            if !last {
                return None;
            }
            push_byte(out, first);
            return Some(1);
        };
        if let Some(ch) = self.one_char(run) {
            push_char(out, ch, self.encoding, self.keep_breaks);
            return Some(len);
        }
        push_byte(out, first);
        match run {
            // A GBK pair that is no character is two bytes, as the text view has one `�`
            // for it; but an ASCII second byte is a character of its own.
            [_, second] if self.encoding == TextEncoding::Gbk && !second.is_ascii() => {
                push_byte(out, *second);
                Some(2)
            }
            _ => Some(1),
        }
    }

    /// The one character `run` is, if it is one that encodes back to exactly `run`.
    fn one_char(&self, run: &[u8]) -> Option<char> {
        match self.encoding {
            // UTF-8 has one way to write each character: valid is exact.
            TextEncoding::Utf8 => single(std::str::from_utf8(run).ok()?),
            TextEncoding::Gbk => {
                let text = self.encoding.decode_exact(run)?;
                (self.encoding.encode(&text).ok()? == run)
                    .then(|| single(&text))
                    .flatten()
            }
        }
    }
}

/// The character `text` is, if it is exactly one.
fn single(text: &str) -> Option<char> {
    let mut chars = text.chars();
    let ch = chars.next()?;
    chars.next().is_none().then_some(ch)
}

/// Whether `byte` is printable ASCII that stands for itself (not the escapes' backslash).
fn is_plain(byte: u8) -> bool {
    (0x20..=0x7E).contains(&byte) && byte != b'\\'
}

/// How long the UTF-8 character that `first`, a byte above ASCII, begins is; `None` for a
/// byte that begins none.
fn utf8_len(first: u8) -> Option<usize> {
    match first {
        0xC2..=0xDF => Some(2),
        0xE0..=0xEF => Some(3),
        0xF0..=0xF4 => Some(4),
        _ => None,
    }
}

/// How long the GBK (read as GB18030) character that `bytes` begin with, its first byte
/// above ASCII, is as far as its bytes show: `80` alone, a lead byte and a second, or a lead,
/// a digit, a lead and a digit; `None` for a byte that begins none. Whether the bytes are a
/// character is for the decoder to say.
fn gbk_len(bytes: &[u8]) -> Option<usize> {
    match bytes {
        [0x80, ..] => Some(1),
        // A lead and a digit begin four bytes, as far as what follows them goes.
        [0x81..=0xFE, 0x30..=0x39]
        | [0x81..=0xFE, 0x30..=0x39, 0x81..=0xFE]
        | [0x81..=0xFE, 0x30..=0x39, 0x81..=0xFE, 0x30..=0x39, ..] => Some(4),
        // A lead alone may begin either: its second byte will tell.
        [0x81..=0xFE] | [0x81..=0xFE, 0x40..=0x7E | 0x80..=0xFE, ..] => Some(2),
        _ => None,
    }
}

/// Appends `ch` as the send box reads it with escapes on: a backslash doubled, the common
/// control characters as `\r \n \t \0`, the other ones (and the byte order mark, which has no
/// width) as `\xNN` for each of their bytes in `encoding`; with `keep_breaks`, a line feed
/// also breaks the line after its `\n`.
pub(super) fn push_char(out: &mut String, ch: char, encoding: TextEncoding, keep_breaks: bool) {
    match ch {
        '\\' => out.push_str("\\\\"),
        '\r' => out.push_str("\\r"),
        '\n' => {
            out.push_str("\\n");
            if keep_breaks {
                out.push('\n');
            }
        }
        '\t' => out.push_str("\\t"),
        '\0' => out.push_str("\\0"),
        ch if ch.is_control() || ch == '\u{FEFF}' => {
            for byte in encoding
                .encode(ch.encode_utf8(&mut [0; 4]))
                .unwrap_or_default()
            {
                push_byte(out, byte);
            }
        }
        ch => out.push(ch),
    }
}

/// Appends `\xNN`.
pub(super) fn push_byte(out: &mut String, byte: u8) {
    use std::fmt::Write as _;
    // Writing to a String cannot fail.
    let _ = write!(out, "\\x{byte:02X}");
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::codec::{SendFormat, StreamDecoder, TextEncoding, build_payload};

    /// `reads` through one escaping stream decoder, ended after the last.
    fn escaped(encoding: TextEncoding, reads: &[&[u8]], keep_breaks: bool) -> String {
        let mut decoder = StreamDecoder::escaping(encoding, keep_breaks);
        let mut out = String::new();
        for read in reads {
            decoder.decode_into(read, &mut out);
        }
        decoder.finish_into(&mut out);
        out
    }

    #[test]
    fn what_does_not_show_is_written_as_escapes() {
        use TextEncoding::{Gbk, Utf8};
        let cases: [(TextEncoding, &[&[u8]], &str); 9] = [
            (Utf8, &[b"AT\r\n"], r"AT\r\n"),
            (Utf8, &[b"OK\n\x00\x1b[0m\t\\"], r"OK\n\0\x1B[0m\t\\"),
            (Utf8, &["温度=25".as_bytes()], "温度=25"),
            // A character split across reads shows whole; a byte that is none shows as hex.
            (Utf8, &[&[0xE6, 0xB8], &[0xA9, 0xFF, b'A']], r"温\xFFA"),
            // A sequence that turns out malformed in a later read: its bytes from both.
            (Utf8, &[&[b'a', 0xE6], &[0xB8], b"b"], r"a\xE6\xB8b"),
            (
                Utf8,
                &[&[0xEF, 0xBB, 0xBF, b'x', 0xC2, 0x85]],
                r"\xEF\xBB\xBFx\xC2\x85",
            ),
            (
                Gbk,
                &[&[0xC4], &[0xE3, 0xBA, 0xC3, b'\r', b'\n']],
                r"你好\r\n",
            ),
            (Gbk, &[&[0xC4, b' ', 0xFF]], r"\xC4 \xFF"),
            // Cut off by the stream's end.
            (Gbk, &[&[b'a', 0xC4]], r"a\xC4"),
        ];
        for (encoding, reads, expected) in cases {
            assert_eq!(
                escaped(encoding, reads, false),
                expected,
                "{reads:02X?} as {encoding}"
            );
        }
        // For the log, a line feed still ends its line.
        assert_eq!(escaped(Utf8, &[b"a\r\nb\n"], true), "a\\r\\n\nb\\n\n");
    }

    /// Bytes as a device sends them in `encoding`: text the send box can write, control
    /// characters, and bytes that are no text at all.
    fn device_bytes(encoding: TextEncoding) -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            any::<u8>().prop_map(|b| vec![b]),
            // GBK decodes these to characters it writes otherwise (`€` is `80`).
            prop::sample::select(vec![
                vec![0xA2, 0xE3],
                vec![0xA3, 0xA0],
                vec![0x81, 0x30, 0x81, 0x30]
            ]),
            prop::sample::select(vec!["你好", "温度", "°C", "€", "A\\x", "🙂"]).prop_map(
                move |text| encoding
                    .encode(text)
                    .unwrap_or_else(|_| text.as_bytes().to_vec())
            ),
        ];
        prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        /// Whatever the bytes and however they are cut into reads, the escaped text read
        /// back by the send box with escapes on is exactly those bytes.
        #[test]
        fn escaped_text_sends_the_same_bytes_again(
            (encoding, bytes, cuts) in prop::sample::select(TextEncoding::ALL.to_vec())
                .prop_flat_map(|encoding| (
                    Just(encoding),
                    device_bytes(encoding),
                    prop::collection::vec(0usize..8, 0..12),
                ))
        ) {
            let mut reads = Vec::new();
            let mut rest = bytes.as_slice();
            for cut in cuts {
                let (read, after) = rest.split_at(cut.min(rest.len()));
                reads.push(read);
                rest = after;
            }
            reads.push(rest);
            let text = escaped(encoding, &reads, false);
            let format = SendFormat::text(encoding, true);
            // The send box refuses to send nothing; nothing shows as nothing.
            let sent = if text.is_empty() { Some(Vec::new()) } else { build_payload(&text, &format).ok() };
            prop_assert_eq!(sent, Some(bytes), "{}", text);
        }
    }
}

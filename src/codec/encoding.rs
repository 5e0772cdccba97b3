//! Text encodings our users' devices speak: UTF-8 and GBK.

use std::fmt;

use encoding_rs::{EncoderResult, Encoding, GBK, UTF_8};

use super::escaped_text::Escaper;

/// A text encoding for the send box and the receive log.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum TextEncoding {
    /// UTF-8, the default on Linux and macOS and in most new protocols.
    #[default]
    Utf8,
    /// GBK (a superset of GB2312), what Chinese Windows programs and many devices use.
    Gbk,
}

impl TextEncoding {
    /// Every encoding, in the order a selector lists them.
    pub const ALL: [Self; 2] = [Self::Utf8, Self::Gbk];

    fn encoding_rs(self) -> &'static Encoding {
        match self {
            Self::Utf8 => UTF_8,
            Self::Gbk => GBK,
        }
    }

    /// Encodes `text`, refusing characters the encoding cannot represent (GBK has no emoji, for
    /// instance) instead of silently sending something else.
    pub fn encode(self, text: &str) -> Result<Vec<u8>, EncodeError> {
        match self {
            Self::Utf8 => Ok(text.as_bytes().to_vec()),
            Self::Gbk => encode_strict(GBK, text, self),
        }
    }

    /// Decodes `bytes` if they are all text in this encoding, `None` otherwise.
    pub fn decode_exact(self, bytes: &[u8]) -> Option<String> {
        self.encoding_rs()
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(std::borrow::Cow::into_owned)
    }

    /// Decodes one complete message at once; undecodable bytes become U+FFFD.
    pub fn decode_whole(self, bytes: &[u8]) -> String {
        let mut text = String::new();
        self.decode_whole_into(bytes, &mut text);
        text
    }

    /// [`TextEncoding::decode_whole`], appending to `out`.
    pub fn decode_whole_into(self, bytes: &[u8], out: &mut String) {
        let mut decoder = StreamDecoder::new(self);
        decoder.decode_into(bytes, out);
        decoder.finish_into(out);
    }
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Utf8 => "UTF-8",
            Self::Gbk => "GBK",
        })
    }
}

/// Text that cannot be encoded as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// A character has no representation in the chosen encoding.
    #[error("character '{ch}' at position {position} cannot be encoded as {encoding}")]
    Unmappable {
        /// The character that has no mapping.
        ch: char,
        /// Its 1-based character position in the input.
        position: usize,
        /// The encoding that was asked for.
        encoding: TextEncoding,
    },
}

fn encode_strict(
    encoding: &'static Encoding,
    text: &str,
    which: TextEncoding,
) -> Result<Vec<u8>, EncodeError> {
    let mut encoder = encoding.new_encoder();
    let capacity = encoder
        .max_buffer_length_from_utf8_without_replacement(text.len())
        .unwrap_or(text.len() * 2);
    let mut out = Vec::with_capacity(capacity);
    let (result, read) = encoder.encode_from_utf8_to_vec_without_replacement(text, &mut out, true);
    match result {
        EncoderResult::InputEmpty => Ok(out),
        EncoderResult::Unmappable(ch) => {
            // `read` counts bytes up to and including the unmappable character.
            let before = text.get(..read.saturating_sub(ch.len_utf8())).unwrap_or("");
            Err(EncodeError::Unmappable {
                ch,
                position: before.chars().count() + 1,
                encoding: which,
            })
        }
        // The buffer was sized for the worst case, so this cannot happen; report it as the
        // first character rather than panic.
        EncoderResult::OutputFull => Err(EncodeError::Unmappable {
            ch: text.chars().next().unwrap_or('\u{FFFD}'),
            position: 1,
            encoding: which,
        }),
    }
}

/// Decodes a byte stream chunk by chunk, keeping an incomplete multibyte character from the end
/// of one chunk until the next arrives, so a character split across two TCP reads shows whole.
pub struct StreamDecoder {
    inner: Inner,
}

/// The two ways of decoding: as text is shown, or with what would not show escaped.
enum Inner {
    Plain(encoding_rs::Decoder),
    Escaping(Escaper),
}

impl StreamDecoder {
    /// A decoder for `encoding`; a UTF-8 byte order mark at the start is dropped.
    pub fn new(encoding: TextEncoding) -> Self {
        Self {
            inner: Inner::Plain(encoding.encoding_rs().new_decoder_with_bom_removal()),
        }
    }

    /// A decoder for `encoding` that takes up a stream past its start: a byte order mark
    /// there is a character like any other. With `at_start`, it is [`StreamDecoder::new`].
    pub fn resuming(encoding: TextEncoding, at_start: bool) -> Self {
        let encoding = encoding.encoding_rs();
        let decoder = if at_start {
            encoding.new_decoder_with_bom_removal()
        } else {
            encoding.new_decoder_without_bom_handling()
        };
        Self {
            inner: Inner::Plain(decoder),
        }
    }

    /// The bytes of a character cut off by the end of the last read that an escaping
    /// decoder holds back; `None` for a plain decoder, which does not tell.
    pub fn held_back(&self) -> Option<&[u8]> {
        match &self.inner {
            Inner::Plain(_) => None,
            Inner::Escaping(escaper) => Some(escaper.held_back()),
        }
    }

    /// A decoder whose text is written with the send box's escapes wherever it would not
    /// show: `\r \n \t \0 \\`, other control characters and every byte that is no
    /// character (a byte order mark included) as `\xNN`. Read by the send box with escapes
    /// on, the text is the same bytes again. With `keep_breaks`, a line feed still breaks
    /// the line after its `\n`, for a log that shows lines.
    pub fn escaping(encoding: TextEncoding, keep_breaks: bool) -> Self {
        Self {
            inner: Inner::Escaping(Escaper::new(encoding, keep_breaks)),
        }
    }

    /// Decodes the next chunk; an incomplete character at its end is held back.
    pub fn decode(&mut self, bytes: &[u8]) -> String {
        let mut out = String::new();
        self.decode_into(bytes, &mut out);
        out
    }

    /// Ends the stream: bytes still held back become U+FFFD.
    pub fn finish(&mut self) -> String {
        let mut out = String::new();
        self.finish_into(&mut out);
        out
    }

    /// [`StreamDecoder::decode`], appending to `out` (a buffer the caller reuses, say).
    pub fn decode_into(&mut self, bytes: &[u8], out: &mut String) {
        self.decode_inner(bytes, false, out);
    }

    /// [`StreamDecoder::finish`], appending to `out`.
    pub fn finish_into(&mut self, out: &mut String) {
        self.decode_inner(&[], true, out);
    }

    fn decode_inner(&mut self, bytes: &[u8], last: bool, out: &mut String) {
        let decoder = match &mut self.inner {
            Inner::Plain(decoder) => decoder,
            Inner::Escaping(escaper) => return escaper.decode_into(bytes, last, out),
        };
        // Room for the worst case (three bytes out per byte in), so one call decodes it all.
        let room = decoder
            .max_utf8_buffer_length(bytes.len())
            .unwrap_or(bytes.len() * 3 + 16);
        out.reserve(room);
        let (result, _read, _replaced) = decoder.decode_to_string(bytes, out, last);
        debug_assert!(matches!(result, encoding_rs::CoderResult::InputEmpty));
    }
}

impl fmt::Debug for StreamDecoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Plain(decoder) => f
                .debug_struct("StreamDecoder")
                .field("encoding", &decoder.encoding().name())
                .finish(),
            Inner::Escaping(escaper) => escaper.fmt(f),
        }
    }
}

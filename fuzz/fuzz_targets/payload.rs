//! The send box: any text read with any send settings is built into bytes or refused, never a
//! panic; hex goes back and forth exactly; and bytes written back as text send the same bytes
//! (always possible with escapes).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use netdebug::codec::{
    Checksum, ChecksumSpan, InputMode, LineEnding, SendFormat, TextEncoding, build_payload, format_hex,
    parse_hex, text_for_bytes,
};

#[derive(Debug, Arbitrary)]
struct Input {
    text: String,
    hex: bool,
    gbk: bool,
    escapes: bool,
    checksum: u8,
    checksum_from: u8,
    checksum_tail: u8,
    line_ending: u8,
}

fuzz_target!(|input: Input| {
    let encoding = if input.gbk {
        TextEncoding::Gbk
    } else {
        TextEncoding::Utf8
    };
    let format = SendFormat {
        mode: if input.hex {
            InputMode::Hex
        } else {
            InputMode::Text
        },
        encoding,
        escapes: input.escapes,
        checksum: Checksum::ALL[usize::from(input.checksum) % Checksum::ALL.len()],
        checksum_span: ChecksumSpan {
            from: u16::from(input.checksum_from),
            tail: u16::from(input.checksum_tail),
        },
        line_ending: LineEnding::ALL[usize::from(input.line_ending) % LineEnding::ALL.len()],
    };
    let _ = build_payload(&input.text, &format);
    if let Ok(bytes) = parse_hex(&input.text) {
        assert_eq!(parse_hex(&format_hex(&bytes)).ok(), Some(bytes.clone()));
        // (An empty send box is refused, by design.)
        for escapes in [false, true].into_iter().filter(|_| !bytes.is_empty()) {
            let text = text_for_bytes(&bytes, encoding, escapes);
            // With escapes every byte has a way back.
            assert!(text.is_some() || !escapes, "{bytes:02X?}");
            if let Some(text) = text {
                let back = build_payload(&text, &SendFormat::text(encoding, escapes));
                assert_eq!(back.ok(), Some(bytes.clone()), "{text:?}");
            }
        }
    }
});

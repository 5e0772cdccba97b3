//! Codec tables: hex parsing, GBK and UTF-8 round trips, streaming decode across chunks.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

use netdebug::codec::{
    EncodeError, HexError, InputMode, PayloadError, StreamDecoder, TextEncoding, encode_payload,
    format_hex, parse_hex,
};
use netdebug::net::{AddressError, PortError, parse_host, parse_port, parse_target};
use proptest::prelude::*;

#[test]
fn hex_accepts_the_forms_people_type() {
    let cases: &[(&str, &[u8])] = &[
        ("01 02 ff", &[0x01, 0x02, 0xFF]),
        ("0102FF", &[0x01, 0x02, 0xFF]),
        ("0x01,0x02", &[0x01, 0x02]),
        ("0X0A, 0x0b;0C", &[0x0A, 0x0B, 0x0C]),
        ("  41 42\n43\t44  ", b"ABCD"),
        ("aa-bb:cc", &[0xAA, 0xBB, 0xCC]),
        ("1 2 f", &[0x01, 0x02, 0x0F]),
        ("", &[]),
        ("   ", &[]),
    ];
    for (input, expected) in cases {
        assert_eq!(
            parse_hex(input).as_deref(),
            Ok(*expected),
            "input {input:?}"
        );
    }
}

#[test]
fn hex_refuses_bad_input_with_the_position_of_the_first_bad_character() {
    let cases: &[(&str, HexError)] = &[
        (
            "41 4g",
            HexError::InvalidChar {
                ch: 'g',
                position: 5,
            },
        ),
        (
            "zz",
            HexError::InvalidChar {
                ch: 'z',
                position: 1,
            },
        ),
        (
            "01 02 你",
            HexError::InvalidChar {
                ch: '你',
                position: 7,
            },
        ),
        ("0x", HexError::EmptyPrefix { position: 1 }),
        ("01 0x", HexError::EmptyPrefix { position: 4 }),
        ("123", HexError::OddDigits { position: 3 }),
        ("0x123 45", HexError::OddDigits { position: 5 }),
    ];
    for (input, expected) in cases {
        assert_eq!(parse_hex(input).as_ref(), Err(expected), "input {input:?}");
    }
    assert_eq!(
        HexError::InvalidChar {
            ch: 'g',
            position: 5
        }
        .to_string(),
        "invalid hex character 'g' at position 5"
    );
}

#[test]
fn hex_formats_as_spaced_upper_case_pairs() {
    assert_eq!(format_hex(&[0x41, 0x42, 0xFF, 0x00]), "41 42 FF 00");
    assert_eq!(format_hex(&[]), "");
}

#[test]
fn gbk_and_utf8_encode_as_expected() {
    assert_eq!(
        TextEncoding::Gbk.encode("你好").unwrap(),
        [0xC4, 0xE3, 0xBA, 0xC3]
    );
    assert_eq!(
        TextEncoding::Utf8.encode("你好").unwrap(),
        "你好".as_bytes()
    );
    assert_eq!(TextEncoding::Gbk.encode("AB").unwrap(), b"AB");
    assert_eq!(
        TextEncoding::Gbk.decode_whole(&[0xC4, 0xE3, 0xBA, 0xC3]),
        "你好"
    );
}

#[test]
fn gbk_refuses_what_it_cannot_encode() {
    assert_eq!(
        TextEncoding::Gbk.encode("ok 😀"),
        Err(EncodeError::Unmappable {
            ch: '😀',
            position: 4,
            encoding: TextEncoding::Gbk
        })
    );
}

#[test]
fn a_multibyte_character_split_across_chunks_decodes_whole() {
    for (encoding, bytes) in [
        (TextEncoding::Gbk, vec![0xC4, 0xE3, 0xBA, 0xC3]),
        (TextEncoding::Utf8, "你好".as_bytes().to_vec()),
    ] {
        for split in 1..bytes.len() {
            let mut decoder = StreamDecoder::new(encoding);
            let mut text = decoder.decode(&bytes[..split]);
            text += &decoder.decode(&bytes[split..]);
            text += &decoder.finish();
            assert_eq!(text, "你好", "{encoding} split at {split}");
        }
    }
}

#[test]
fn undecodable_bytes_become_replacement_characters() {
    assert_eq!(TextEncoding::Utf8.decode_whole(b"a\xffb"), "a\u{FFFD}b");
    let mut decoder = StreamDecoder::new(TextEncoding::Utf8);
    assert_eq!(decoder.decode(&[0xE4, 0xBD]), "");
    assert_eq!(decoder.finish(), "\u{FFFD}");
}

#[test]
fn payload_follows_the_mode_and_refuses_empty_input() {
    assert_eq!(
        encode_payload("41 42", InputMode::Hex, TextEncoding::Utf8),
        Ok(b"AB".to_vec())
    );
    assert_eq!(
        encode_payload("41 42", InputMode::Text, TextEncoding::Utf8),
        Ok(b"41 42".to_vec())
    );
    assert_eq!(
        encode_payload("", InputMode::Text, TextEncoding::Gbk),
        Err(PayloadError::Empty)
    );
    assert_eq!(
        encode_payload(" ", InputMode::Hex, TextEncoding::Gbk),
        Err(PayloadError::Empty)
    );
    assert!(matches!(
        encode_payload("4x", InputMode::Hex, TextEncoding::Utf8),
        Err(PayloadError::Hex(HexError::InvalidChar {
            ch: 'x',
            position: 2
        }))
    ));
}

#[test]
fn ports_and_addresses_are_checked_before_use() {
    assert_eq!(parse_port("8080", false), Ok(8080));
    assert_eq!(parse_port(" 0 ", true), Ok(0));
    assert!(matches!(
        parse_port("0", false),
        Err(PortError::Invalid { .. })
    ));
    assert!(matches!(
        parse_port("65536", true),
        Err(PortError::Invalid { .. })
    ));
    assert!(matches!(
        parse_port("-1", true),
        Err(PortError::Invalid { .. })
    ));
    assert!(matches!(
        parse_port("80a", true),
        Err(PortError::Invalid { .. })
    ));
    assert_eq!(parse_port("", true), Err(PortError::Empty));

    assert_eq!(parse_host("127.0.0.1").as_deref(), Ok("127.0.0.1"));
    assert_eq!(parse_host("[::1]").as_deref(), Ok("::1"));
    assert_eq!(
        parse_host("device-1.local").as_deref(),
        Ok("device-1.local")
    );
    assert!(matches!(
        parse_host("300.1.1.1"),
        Err(AddressError::Malformed { .. })
    ));
    assert!(matches!(
        parse_host("a b"),
        Err(AddressError::Malformed { .. })
    ));
    assert_eq!(parse_host("  "), Err(AddressError::Empty));
    // A link-local address names its interface, by name or number.
    for zoned in ["fe80::1%eth0", "[fe80::1%3]", "fe80::1%en0.5"] {
        assert_eq!(
            parse_host(zoned).as_deref(),
            Ok(zoned.trim_matches(['[', ']'])),
            "{zoned}"
        );
    }
    for bad in [
        "fe80::1%",
        "127.0.0.1%eth0",
        "fe80::1%eth 0",
        "fe80::zz%eth0",
    ] {
        assert!(
            matches!(parse_host(bad), Err(AddressError::Malformed { .. })),
            "{bad}"
        );
    }
    let target = parse_target("[fe80::1%eth0]:502").unwrap();
    assert_eq!((target.host.as_str(), target.port), ("fe80::1%eth0", 502));

    let target = parse_target("[::1]:9000").unwrap();
    assert_eq!((target.host.as_str(), target.port), ("::1", 9000));
    let target = parse_target("localhost:7").unwrap();
    assert_eq!((target.host.as_str(), target.port), ("localhost", 7));
    assert!(matches!(
        parse_target("127.0.0.1"),
        Err(AddressError::MissingPort { .. })
    ));
    assert!(matches!(
        parse_target("::1"),
        Err(AddressError::MissingPort { .. })
    ));
    assert!(matches!(
        parse_target("127.0.0.1:0"),
        Err(AddressError::Port(_))
    ));
}

proptest! {
    #[test]
    fn hex_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        prop_assert_eq!(parse_hex(&format_hex(&bytes)).unwrap(), bytes);
    }

    #[test]
    fn utf8_survives_any_chunking(text in "\\PC{0,64}", cut in 0usize..256) {
        let bytes = text.as_bytes();
        let cut = cut.min(bytes.len());
        let mut decoder = StreamDecoder::new(TextEncoding::Utf8);
        let mut out = decoder.decode(&bytes[..cut]);
        out += &decoder.decode(&bytes[cut..]);
        out += &decoder.finish();
        prop_assert_eq!(out, text);
    }

    #[test]
    fn gbk_round_trips_what_it_can_encode(text in "[a-zA-Z0-9 你好世界中文网络调试助手，。]{0,32}") {
        let bytes = TextEncoding::Gbk.encode(&text).unwrap();
        prop_assert_eq!(TextEncoding::Gbk.decode_whole(&bytes), text);
    }

    #[test]
    fn hex_parsing_never_panics(input in "\\PC{0,64}") {
        let _ = parse_hex(&input);
    }

    #[test]
    fn any_send_box_either_builds_or_is_refused_without_panicking(
        input in "(\\PC|\\\\[rnt0x\\\\qZ]|[0-9a-fA-F ]){0,48}",
        hex in any::<bool>(),
        gbk in any::<bool>(),
        escapes in any::<bool>(),
        checksum in 0usize..netdebug::codec::Checksum::ALL.len(),
        from in 0u16..4,
        tail in 0u16..4,
        ending in 0usize..4,
    ) {
        use netdebug::codec::{Checksum, ChecksumSpan, LineEnding, SendFormat, build_payload};
        let format = SendFormat {
            mode: if hex { InputMode::Hex } else { InputMode::Text },
            encoding: if gbk { TextEncoding::Gbk } else { TextEncoding::Utf8 },
            escapes,
            checksum: Checksum::ALL[checksum],
            checksum_span: ChecksumSpan { from, tail },
            line_ending: LineEnding::ALL[ending],
        };
        if let Ok(bytes) = build_payload(&input, &format) {
            // Whatever was built ends with the chosen line ending.
            prop_assert!(bytes.ends_with(format.line_ending.bytes()));
        }
    }
}

#[test]
fn checksums_match_the_standard_check_values() {
    use netdebug::codec::Checksum;
    let check = b"123456789";
    // CRC catalogue check values, in the byte order each goes on the wire.
    assert_eq!(Checksum::Crc16Modbus.compute(check), [0x37, 0x4B]); // 0x4B37, low byte first
    assert_eq!(Checksum::Crc16CcittFalse.compute(check), [0x29, 0xB1]); // 0x29B1
    assert_eq!(Checksum::Crc32.compute(check), [0xCB, 0xF4, 0x39, 0x26]); // 0xCBF43926
    assert_eq!(Checksum::Sum8.compute(check), [0xDD]); // 477 mod 256
    assert_eq!(Checksum::Xor8.compute(check), [0x31]);
    assert_eq!(Checksum::Sum16.compute(check), [0x01, 0xDD]); // 477, high byte first
    assert_eq!(Checksum::Crc8.compute(check), [0xF4]);
    assert_eq!(Checksum::Crc8Maxim.compute(check), [0xA1]);
    assert_eq!(Checksum::Crc16Xmodem.compute(check), [0x31, 0xC3]); // 0x31C3
    assert_eq!(Checksum::None.compute(check), Vec::<u8>::new());
    // A Modbus RTU request, "read 1 holding register at 0 from unit 1": 01 03 00 00 00 01 84 0A.
    assert_eq!(
        Checksum::Crc16Modbus.compute(&[0x01, 0x03, 0x00, 0x00, 0x00, 0x01]),
        [0x84, 0x0A]
    );
}

#[test]
fn escapes_resolve_and_bad_ones_are_refused_with_positions() {
    use netdebug::codec::{EscapeError, Piece, unescape};
    assert_eq!(
        unescape(r"AT\r\n").unwrap(),
        [Piece::Text("AT\r\n".to_owned())]
    );
    assert_eq!(
        unescape(r"a\tb\\c\0").unwrap(),
        [Piece::Text("a\tb\\c\0".to_owned())]
    );
    assert_eq!(
        unescape(r"\x1B[0m\xff").unwrap(),
        [
            Piece::Byte(0x1B),
            Piece::Text("[0m".to_owned()),
            Piece::Byte(0xFF)
        ]
    );
    assert_eq!(
        unescape(r"ok\xZ1"),
        Err(EscapeError::BadHex { position: 3 })
    );
    assert_eq!(unescape(r"\x1"), Err(EscapeError::BadHex { position: 1 }));
    assert_eq!(
        unescape("end\\"),
        Err(EscapeError::Trailing { position: 4 })
    );
    assert_eq!(
        unescape(r"a\qb"),
        Err(EscapeError::Unknown {
            ch: 'q',
            position: 2
        })
    );
    assert!(
        EscapeError::Trailing { position: 4 }
            .to_string()
            .contains("lone '\\' at position 4")
    );
}

#[test]
fn the_payload_is_text_then_checksum_then_line_ending() {
    use netdebug::codec::{Checksum, ChecksumSpan, LineEnding, SendFormat, build_payload};
    let format = SendFormat {
        mode: InputMode::Text,
        encoding: TextEncoding::Gbk,
        escapes: true,
        checksum: Checksum::Xor8,
        checksum_span: ChecksumSpan::default(),
        line_ending: LineEnding::CrLf,
    };
    // GBK 你 = C4 E3, then a raw byte from \x01; XOR of C4 E3 01 = 26.
    assert_eq!(
        build_payload(r"你\x01", &format).unwrap(),
        [0xC4, 0xE3, 0x01, 0x26, 0x0D, 0x0A]
    );
    // Without escapes the backslash is just text.
    let plain = SendFormat {
        escapes: false,
        checksum: Checksum::None,
        line_ending: LineEnding::None,
        ..format
    };
    assert_eq!(build_payload(r"\n", &plain).unwrap(), b"\\n");
    // Hex mode with a Modbus CRC.
    let modbus = SendFormat {
        mode: InputMode::Hex,
        checksum: Checksum::Crc16Modbus,
        line_ending: LineEnding::None,
        ..format
    };
    assert_eq!(
        build_payload("01 03 00 00 00 01", &modbus).unwrap(),
        [0x01, 0x03, 0x00, 0x00, 0x00, 0x01, 0x84, 0x0A]
    );
    assert!(matches!(
        build_payload(r"bad\xZ1", &format),
        Err(PayloadError::Escape(_))
    ));
    // A sum over the data after an AA 55 header, before an ETX that ends the frame.
    let framed = SendFormat {
        checksum: Checksum::Sum8,
        checksum_span: ChecksumSpan { from: 2, tail: 1 },
        ..modbus
    };
    assert_eq!(
        build_payload("AA 55 02 10 20 03", &framed).unwrap(),
        [0xAA, 0x55, 0x02, 0x10, 0x20, 0x32, 0x03]
    );
    // Nothing left to cover is refused, not sent with a checksum of nothing.
    assert!(matches!(
        build_payload("AA 55 03", &framed),
        Err(PayloadError::ChecksumSpan(error)) if error.len == 3
    ));
}

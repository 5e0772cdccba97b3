//! Decoded text as the log shows it.

/// Text as the log draws it: line breaks kept (CR dropped, so CRLF and LF look alike), other
/// control characters shown as `·`, since they have no glyph and would otherwise vanish. The
/// hex view always shows the exact bytes. Appended to `out`.
pub(super) fn printable_into(text: &str, out: &mut String) {
    printable_pieces(text, |piece| out.push_str(piece));
}

/// [`printable_into`], told to `push` piece by piece (runs of `text`, and `·`), so that it can
/// go into bytes as well as a string without a copy in between.
pub(super) fn printable_pieces<'t>(text: &'t str, mut push: impl FnMut(&'t str)) {
    if !may_hold_control(text) {
        push(text);
        return;
    }
    if !may_hold_control_besides_cr(text) {
        // Text with CRLF line ends, as devices send it: only the CRs go, found at memchr's
        // pace, the lines between copied whole.
        let mut run = 0;
        for cr in memchr::memchr_iter(b'\r', text.as_bytes()) {
            push(text.get(run..cr).unwrap_or_default());
            run = cr + 1;
        }
        push(text.get(run..).unwrap_or_default());
        return;
    }
    // Byte by byte, pushing the runs in between whole: every byte that changes is ASCII or
    // the lead byte 0xC2 of a C1 control, so the runs end on character boundaries.
    let bytes = text.as_bytes();
    let mut run = 0;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let (len, shown) = match byte {
            b'\r' => (1, None),
            0x00..=0x1F if byte != b'\n' && byte != b'\t' => (1, Some("·")),
            0x7F => (1, Some("·")),
            0xC2 if matches!(bytes.get(at + 1), Some(0x80..=0x9F)) => (2, Some("·")),
            _ => {
                at += 1;
                continue;
            }
        };
        push(text.get(run..at).unwrap_or_default());
        if let Some(shown) = shown {
            push(shown);
        }
        at += len;
        run = at;
    }
    push(text.get(run..).unwrap_or_default());
}

/// Whether `text` has a byte that can start a control character other than a line break or a
/// tab: C0, DEL, or 0xC2, which starts the C1 controls (and common characters such as °).
/// Checked 64 bytes at a time without an early exit, which the compiler turns into vector
/// instructions: a char-by-char search was a fifth of the window's time in a flood.
fn may_hold_control(text: &str) -> bool {
    holds_any(text, |b| {
        (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7F || b == 0xC2
    })
}

/// [`may_hold_control`], not counting carriage returns.
fn may_hold_control_besides_cr(text: &str) -> bool {
    holds_any(text, |b| {
        (b < 0x20 && b != b'\n' && b != b'\t' && b != b'\r') || b == 0x7F || b == 0xC2
    })
}

/// Whether any byte of `text` is `suspect`, checked 64 bytes at a time without an early exit
/// inside a block, which the compiler turns into vector instructions.
pub(super) fn holds_any(text: &str, suspect: impl Fn(u8) -> bool) -> bool {
    text.as_bytes()
        .chunks(64)
        .any(|chunk| chunk.iter().fold(false, |found, &b| found | suspect(b)))
}

#[cfg(test)]
mod tests {
    /// `text` as the log shows it.
    fn printable(text: &str) -> String {
        let mut out = String::new();
        super::printable_into(text, &mut out);
        out
    }

    #[test]
    fn control_characters_become_visible_and_line_breaks_stay() {
        assert_eq!(&*printable("a\r\nb\x00\x07\tc\u{7f}"), "a\nb··\tc·");
        // C1 controls too; characters that merely share their first byte stay.
        assert_eq!(&*printable("25°C\u{85}"), "25°C·");
        assert_eq!(&*printable("25°C ±1"), "25°C ±1");
        // A control far into a long text, past the first block of bytes checked.
        let long = format!("{}\x1b[0m", "x".repeat(1000));
        assert_eq!(&*printable(&long), format!("{}·[0m", "x".repeat(1000)));
        assert_eq!(&*printable("plain\ttext\n"), "plain\ttext\n");
        // CRLF text, the common case, takes the quick path; the result is the same.
        assert_eq!(&*printable("温度=25\r\nok\r\n\r"), "温度=25\nok\n");
        assert_eq!(&*printable("\r\r\r"), "");
    }

    proptest::proptest! {
        #[test]
        fn printable_changes_exactly_the_control_characters(text in "\\PC*|[\\x00-\\x7f\\u{80}-\\u{a0}°é你]*") {
            let needs_change = |c: char| c.is_control() && c != '\n' && c != '\t';
            let expected: String = text
                .chars()
                .filter(|&c| c != '\r')
                .map(|c| if needs_change(c) { '·' } else { c })
                .collect();
            proptest::prop_assert_eq!(&*printable(&text), expected);
        }
    }
}

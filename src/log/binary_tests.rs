//! Random binary, as devices send it: bytes that are no text in the encoding, cut into reads
//! anywhere (in the middle of a character, of an invalid sequence, of a CRLF), read by the log
//! exactly as the same bytes arriving in one read.

use proptest::prelude::*;

use super::tests::{entry_texts, peer};
use super::*;
use crate::codec::InputMode;

/// Bytes that are mostly no text: any byte, with UTF-8 and GBK lead bytes, continuation bytes
/// and line ends often, so sequences are begun, broken and cut across reads.
fn binary() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        prop_oneof![
            4 => any::<u8>(),
            1 => Just(0xE4),
            1 => Just(0xBD),
            1 => Just(0x80),
            1 => Just(0xC4),
            1 => Just(b'\r'),
            1 => Just(b'\n'),
        ],
        0..300,
    )
}

/// A log that takes `reads` (pieces of one peer's stream) as TCP reads, each an entry.
fn log_of(reads: &[&[u8]], encoding: TextEncoding, escapes: bool, layout: RowLayout) -> Log {
    let mut log = Log::default();
    log.set_encoding(encoding);
    log.set_escapes(escapes);
    log.store_mut().set_layout(layout);
    for read in reads {
        log.received_read(peer(), Bytes::copy_from_slice(read), T0);
    }
    log
}

/// What the raw stream shows, a row each: the text rows' text, the hex rows' offsets and bytes.
fn shown(log: &Log) -> Vec<String> {
    let rows = log.store().rows(0, usize::MAX);
    rows.iter()
        .map(|row| match row {
            Row::Text(text) => text.to_string(),
            Row::Hex(offset, bytes) => format!("{offset} {bytes:02X?}"),
            Row::Notice(..) | Row::Header(_) => String::new(),
        })
        .collect()
}

/// What Save log writes.
fn saved(log: &Log) -> String {
    let mut out = Vec::new();
    export::write_log(
        log.store(),
        crate::i18n::Language::English.texts(),
        &mut out,
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

proptest! {
    #[test]
    fn binary_cut_anywhere_shows_finds_and_saves_as_if_read_whole(
        bytes in binary(),
        cuts in proptest::collection::vec(any::<proptest::sample::Index>(), 0..6),
        gbk in any::<bool>(),
        escapes in any::<bool>(),
        hex in any::<bool>(),
        columns in 4usize..40,
    ) {
        let encoding = if gbk { TextEncoding::Gbk } else { TextEncoding::Utf8 };
        let view = if hex { InputMode::Hex } else { InputMode::Text };
        // The raw stream (log mode off), where reads run on into one text: how the reads
        // were cut must not show.
        let layout = RowLayout { view, headers: false, columns };
        let mut at: Vec<usize> = cuts.iter().map(|cut| cut.index(bytes.len() + 1)).collect();
        at.extend([0, bytes.len()]);
        at.sort_unstable();
        let pieces: Vec<&[u8]> = at.windows(2).map(|w| &bytes[w[0]..w[1]]).collect();
        let mut whole = log_of(&[&bytes], encoding, escapes, layout);
        let mut cut = log_of(&pieces, encoding, escapes, layout);

        prop_assert_eq!(shown(&cut), shown(&whole));
        prop_assert_eq!(cut.store().total_rows(), whole.store().total_rows());
        prop_assert_eq!(saved(&cut), saved(&whole));
        // Taken in as a flood is, measured later and a few at a time: the same rows.
        let mut later = Log::default();
        later.set_encoding(encoding);
        later.set_escapes(escapes);
        later.store_mut().set_layout(layout);
        later.store_mut().defer_measuring(true);
        for (number, read) in pieces.iter().enumerate() {
            later.received_read(peer(), Bytes::copy_from_slice(read), T0);
            if number % 2 == 1 {
                later.store_mut().measure_one_pending();
            }
            if number % 3 == 2 {
                later.store_mut().skip_pending(read.len());
            }
        }
        later.store_mut().measure_all();
        prop_assert_eq!(shown(&later), shown(&whole));
        prop_assert_eq!(saved(&later), saved(&whole));
        if hex {
            // Taken in while the hex view measured no text: switched to text, the rows are
            // those of a log that was in the text view all along.
            let text_layout = RowLayout { view: InputMode::Text, ..layout };
            let mut switched = log_of(&pieces, encoding, escapes, layout);
            switched.store_mut().set_view(InputMode::Text);
            let text_all_along = log_of(&pieces, encoding, escapes, text_layout);
            prop_assert_eq!(shown(&switched), shown(&text_all_along));
            prop_assert_eq!(switched.store().total_rows(), text_all_along.store().total_rows());
        }
        // Printed entry by entry (headless), each line as the rows of the entry say.
        for entry in cut.store().entries() {
            let texts = crate::i18n::Language::English.texts();
            let mut printed = Vec::new();
            write_entry_lines(cut.store(), entry, texts, &mut printed).unwrap();
            let mut lines = String::new();
            for row in cut.store().entry_lines(entry) {
                lines.push_str(&row_text(&row, texts));
                lines.push('\n');
            }
            prop_assert_eq!(String::from_utf8(printed).unwrap(), lines);
        }
        // The text is the whole input decoded at once.
        let text: String = entry_texts(&cut).concat();
        prop_assert_eq!(&text, &entry_texts(&whole).concat());
        // Find looks within an entry: a piece of any read's text is found in both.
        if !hex {
            let texts = entry_texts(&cut);
            let longest = texts.iter().max_by_key(|text| text.len()).cloned();
            let query: String = longest
                .unwrap_or_default()
                .chars()
                .skip(columns % 5)
                .take(3)
                .collect();
            if !query.trim().is_empty() {
                let found = |log: &mut Log| log.store_mut().find_next(&query).is_some();
                prop_assert!(found(&mut cut), "{:?} not found in the cut log", query);
                prop_assert!(found(&mut whole), "{:?} not found in the whole log", query);
            }
        }
    }
}

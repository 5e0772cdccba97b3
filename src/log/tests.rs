//! The log's tests: rows in every view, the budget, merging, encodings.

use super::*;

pub(super) fn peer() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 1))
}

/// Each entry's text, oldest first.
pub(super) fn entry_texts(log: &Log) -> Vec<String> {
    let entries = log.store().entries().iter();
    entries.map(|entry| log.store().text(entry)).collect()
}

pub(super) fn row_texts(log: &Log, first: u64, count: usize) -> Vec<String> {
    log.store()
        .rows(first, count)
        .into_iter()
        .map(|row| match row {
            Row::Notice(_, notice) => format!("notice {notice:?}"),
            Row::Header(_) => "header".to_owned(),
            Row::Text(text) => format!("text {text}"),
            Row::Hex(offset, bytes) => format!("hex {offset} {}", bytes.len()),
        })
        .collect()
}

#[test]
fn the_first_data_after_a_send_says_how_long_after_the_send_it_came() {
    let at =
        |ms: i64| NaiveTime::from_hms_opt(12, 0, 0).unwrap() + chrono::TimeDelta::milliseconds(ms);
    let other = SocketAddr::from(([127, 0, 0, 1], 2));
    let annotations =
        |log: &Log| -> Vec<_> { log.store().entries().iter().map(|e| e.annotation).collect() };
    let mut log = Log::default();
    log.sent(peer(), "READ".into(), SentBy::Owner, at(100));
    log.received(other, "not an answer".into(), at(105));
    log.received(peer(), "VAL".into(), at(112));
    log.received(peer(), "UE".into(), at(113));
    assert_eq!(
        annotations(&log),
        [
            None,
            None,
            Some(Annotation::SinceSend(std::time::Duration::from_millis(12))),
            None
        ]
    );
    let t = crate::i18n::Language::English.texts();
    let header = row_text(&Row::Header(&log.store().entries()[2]), t);
    assert_eq!(
        header,
        "[12:00:00.112] RX ← 127.0.0.1:1 (3 B) · 12.000 ms after the send"
    );
    let header = row_text(&Row::Header(&log.store().entries()[3]), t);
    assert_eq!(header, "[12:00:00.113] RX ← 127.0.0.1:1 (2 B)");

    // Auto reply answers what arrived; what arrives next is not an answer to it.
    log.received(peer(), "PING".into(), at(200));
    log.sent(peer(), "PONG".into(), SentBy::AutoReply, at(201));
    log.received(peer(), "PING".into(), at(1200));
    assert_eq!(
        annotations(&log)[4..],
        [None, Some(Annotation::AutoReply), None]
    );
    let header = row_text(&Row::Header(&log.store().entries()[5]), t);
    assert_eq!(header, "[12:00:00.201] TX → 127.0.0.1:1 (4 B) · auto reply");

    // A client that left, a Clear, or a time of day that went back with no new day noted (a
    // clock set back): no figure rather than a wrong one.
    log.sent(peer(), "READ".into(), SentBy::Owner, at(300));
    log.peer_gone(peer());
    log.received(peer(), "a new client on the same port".into(), at(350));
    log.sent(peer(), "READ".into(), SentBy::Owner, at(400));
    log.clear();
    log.received(peer(), "after Clear".into(), at(401));
    let late = NaiveTime::from_hms_opt(23, 59, 59).unwrap();
    log.sent(peer(), "READ".into(), SentBy::Owner, late);
    log.received(peer(), "late".into(), NaiveTime::MIN);
    assert_eq!(annotations(&log), [None, None, None]);
    let mut log = Log::default();
    log.sent(peer(), "READ".into(), SentBy::Owner, at(300));
    log.peer_gone(peer());
    log.received(peer(), "a new client on the same port".into(), at(350));
    assert_eq!(annotations(&log), [None, None]);
}

#[test]
fn reads_that_follow_within_the_merge_gap_join_one_entry() {
    let at =
        |ms: i64| NaiveTime::from_hms_opt(12, 0, 0).unwrap() + chrono::TimeDelta::milliseconds(ms);
    let other = SocketAddr::from(([127, 0, 0, 1], 2));
    let mut log = Log::default();
    log.set_encoding(TextEncoding::Gbk);
    log.set_merge_gap(Some(std::time::Duration::from_millis(50)));
    // "温度=25\n" in GBK, in three pieces, one split inside a character; each piece comes
    // within 50 ms of the one before, so the last is 70 ms after the first and still joins.
    let gbk = TextEncoding::Gbk.encode("温度=25\n").unwrap();
    log.received_read(peer(), Bytes::copy_from_slice(&gbk[..3]), at(0));
    log.received_read(peer(), Bytes::copy_from_slice(&gbk[3..6]), at(35));
    log.received_read(peer(), Bytes::copy_from_slice(&gbk[6..]), at(70));
    // Too late: an entry of its own. Another peer's read in between does not keep the next
    // piece from joining it.
    log.received_read(peer(), "la".into(), at(200));
    log.received_read(other, "other\n".into(), at(210));
    log.received_read(peer(), "te\n".into(), at(220));
    // A datagram is an entry of its own.
    log.received(peer(), "datagram".into(), at(225));
    // A send to the peer ends its entry: what comes next is the answer.
    log.received_read(peer(), "before".into(), at(226));
    log.sent(peer(), "READ".into(), SentBy::Owner, at(230));
    log.received_read(peer(), "answer".into(), at(235));
    let texts = entry_texts(&log);
    assert_eq!(
        texts,
        [
            "温度=25\n",
            "late\n",
            "other\n",
            "datagram",
            "before",
            "READ",
            "answer"
        ]
    );
    let LogBody::Data { bytes, .. } = &log.store().entries()[0].body else {
        panic!("data");
    };
    assert_eq!(bytes[..], gbk[..], "the exact bytes");
    assert_eq!(
        log.store().entries()[0].time,
        at(0),
        "the first piece's time"
    );
    // The rows and the memory count follow the merged entry: one header, one line.
    assert_eq!(row_texts(&log, 0, 3), ["header", "text 温度=25", "header"]);
    let mut fresh = Log::default();
    fresh.set_encoding(TextEncoding::Gbk);
    fresh.received(peer(), Bytes::from(gbk), at(0));
    assert_eq!(
        log.store().entries()[0].cost(),
        fresh.store().entries()[0].cost()
    );
    let counted: usize = log.store().entries().iter().map(LogEntry::cost).sum();
    assert_eq!(log.store().used(), counted);
    assert_eq!(log.store().total_rows(), 7 * 2);
    // Kept up to date in place, as a full recount finds them, in every view.
    for (view, headers) in [
        (InputMode::Hex, true),
        (InputMode::Text, false),
        (InputMode::Hex, false),
    ] {
        log.store_mut().set_layout(RowLayout {
            view,
            headers,
            columns: 4,
        });
        log.received_read(other, "1234".into(), at(300));
        log.received_read(peer(), "x".into(), at(301));
        // Joins the entry before the last.
        log.received_read(other, "5678".into(), at(302));
        let kept = log.store().total_rows();
        log.store_mut().recount_rows();
        assert_eq!(kept, log.store().total_rows(), "{view:?} headers {headers}");
    }

    // An entry stops growing at the limit; without a gap nothing merges.
    let mut log = Log::default();
    log.set_merge_gap(Some(std::time::Duration::from_millis(50)));
    for i in 0..3 {
        log.received_read(peer(), Bytes::from(vec![b'x'; MERGE_LIMIT / 2]), at(i));
    }
    assert_eq!(log.store().entries().len(), 2);
    log.set_merge_gap(None);
    log.received_read(peer(), "y".into(), at(3));
    assert_eq!(log.store().entries().len(), 3);
}

#[test]
fn rows_cover_every_line_in_text_and_hex_views() {
    let mut log = Log::default();
    log.notice(Notice::Closed(crate::i18n::Said::same("x".to_owned())), T0);
    log.received(peer(), Bytes::from_static(b"one\ntwo\nthree\n"), T0);
    log.received(peer(), Bytes::from(vec![0u8; 40]), T0);
    assert_eq!(log.store().total_rows(), 1 + 4 + 2);
    assert_eq!(
        row_texts(&log, 0, 100),
        [
            "notice Closed(Said { chinese: \"x\", english: \"x\" })",
            "header",
            "text one",
            "text two",
            "text three",
            "header",
            "text ········································"
        ]
    );
    assert_eq!(row_texts(&log, 3, 2), ["text two", "text three"]);

    log.store_mut().set_view(InputMode::Hex);
    assert_eq!(log.store().total_rows(), 1 + 2 + 4);
    assert_eq!(
        row_texts(&log, 4, 10),
        ["hex 0 16", "hex 16 16", "hex 32 8"]
    );
}

#[test]
fn long_lines_continue_on_the_next_row() {
    let mut log = Log::default();
    // Rows a little narrower than the log, so a tab at a row's end still fits.
    let step = shape::row_step(TEXT_CHARS_PER_ROW);
    assert_eq!(step, TEXT_CHARS_PER_ROW - 3);
    let line = "x".repeat(step * 2 + 3);
    log.received(peer(), Bytes::from(format!("{line}\nend")), T0);
    assert_eq!(log.store().total_rows(), 1 + 3 + 1);
    let rows = log.store().rows(1, 10);
    let lengths: Vec<usize> = rows
        .iter()
        .map(|row| match row {
            Row::Text(text) => text.chars().count(),
            _ => 0,
        })
        .collect();
    assert_eq!(lengths, [step, step, 3, 3]);
}

#[test]
fn raw_mode_drops_headers_and_notices_and_wrapping_follows_the_columns() {
    let mut log = Log::default();
    log.notice(Notice::Closed(crate::i18n::Said::same("x".to_owned())), T0);
    log.received(peer(), Bytes::from_static(b"abcdefghij"), T0);
    log.store_mut().set_layout(RowLayout {
        headers: false,
        columns: 4,
        ..RowLayout::default()
    });
    assert_eq!(
        row_texts(&log, 0, 10),
        ["text abcd", "text efgh", "text ij"]
    );
    log.store_mut().set_layout(RowLayout::default());
    assert_eq!(log.store().total_rows(), 3);
}

#[test]
fn without_log_mode_a_line_that_came_in_several_reads_wraps_as_one_line() {
    let mut log = Log::default();
    for chunk in ["ab", "cd", "e", "fgh\nij", "klmnopq", "你好"] {
        log.received(peer(), Bytes::from(chunk), T0);
    }
    log.store_mut().set_layout(RowLayout {
        headers: false,
        columns: 7,
        ..RowLayout::default()
    });
    // Rows on a grid of 4 columns from each line's start, however the reads cut the line.
    let rows = row_texts(&log, 0, 10);
    assert_eq!(
        rows,
        [
            "text abcd",
            "text efgh",
            "text ijkl",
            "text mnop",
            "text q你好"
        ]
    );
    assert_eq!(log.store().total_rows(), 5);
    for (row, text) in rows.iter().enumerate() {
        assert_eq!(&row_texts(&log, row as u64, 1), std::slice::from_ref(text));
    }
}

#[test]
fn without_log_mode_the_stream_continues_across_reads() {
    let other = SocketAddr::from(([127, 0, 0, 1], 2));
    let mut log = Log::default();
    for chunk in ["hel", "lo\nwor", "ld\n", "x"] {
        log.received(peer(), Bytes::from(chunk), T0);
    }
    log.received(other, Bytes::from_static(b"other"), T0);
    log.received(peer(), Bytes::from_static(b"y"), T0);
    log.store_mut().set_layout(RowLayout {
        headers: false,
        ..RowLayout::default()
    });
    // Another peer's data starts its own line, and so does the first peer's after it.
    assert_eq!(
        row_texts(&log, 0, 10),
        ["text hello", "text world", "text x", "text other", "text y"]
    );
    assert_eq!(log.store().total_rows(), 5);
    assert_eq!(row_texts(&log, 1, 2), ["text world", "text x"]);
    assert_eq!(row_texts(&log, 4, 5), ["text y"]);

    // Half a GBK character held back decodes to nothing and joins nothing.
    let mut gbk = Log::default();
    gbk.set_encoding(TextEncoding::Gbk);
    gbk.store_mut().set_layout(RowLayout {
        headers: false,
        ..RowLayout::default()
    });
    for chunk in [&b"a"[..], &[0xC4][..], &[0xE3, b'b'][..]] {
        gbk.received(peer(), Bytes::copy_from_slice(chunk), T0);
    }
    assert_eq!(row_texts(&gbk, 0, 5), ["text a你b"]);
}

#[test]
fn without_log_mode_hex_runs_on_across_reads_of_one_stream() {
    let other = SocketAddr::from(([127, 0, 0, 1], 2));
    let mut log = Log::default();
    log.store_mut().set_layout(RowLayout {
        view: InputMode::Hex,
        headers: false,
        ..RowLayout::default()
    });
    // 10 + 16 + 3 bytes of one stream: rows of 16, 13 (across three reads).
    log.received(peer(), Bytes::from_static(b"ABCDEFGHIJ"), T0);
    log.received(peer(), Bytes::from_static(b"KLMNOPQRSTUVWXYZ"), T0);
    log.received(peer(), Bytes::from_static(b"123"), T0);
    // Another peer starts its own run, at offset 0; so does the first peer after it.
    log.received(other, Bytes::from_static(b"other"), T0);
    log.received(peer(), Bytes::from_static(b"y"), T0);
    let rows = log.store().rows(0, 10);
    let shown: Vec<(usize, &[u8])> = rows
        .iter()
        .map(|row| match row {
            Row::Hex(offset, bytes) => (*offset, &bytes[..]),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        shown,
        [
            (0, &b"ABCDEFGHIJKLMNOP"[..]),
            (16, &b"QRSTUVWXYZ123"[..]),
            (0, &b"other"[..]),
            (0, &b"y"[..]),
        ]
    );
    assert_eq!(log.store().total_rows(), 4);
    // Rows from the middle: the one starting in the second read, and on.
    assert_eq!(row_texts(&log, 1, 2), ["hex 16 13", "hex 0 5"]);

    // Log mode keeps each read on its own, offsets from its start.
    log.store_mut().set_layout(RowLayout {
        view: InputMode::Hex,
        ..RowLayout::default()
    });
    assert_eq!(
        row_texts(&log, 0, 4),
        ["header", "hex 0 10", "header", "hex 0 16"]
    );
}

#[test]
fn raw_hex_rows_hold_every_byte_in_order_and_each_row_is_reachable_alone() {
    let other = SocketAddr::from(([127, 0, 0, 1], 2));
    let reads = proptest::collection::vec((proptest::bool::ANY, 1usize..40), 0..30);
    proptest::test_runner::TestRunner::default()
        .run(&reads, |reads| {
            let mut log = Log::default();
            log.store_mut().set_layout(RowLayout {
                view: InputMode::Hex,
                headers: false,
                ..RowLayout::default()
            });
            let mut sent = Vec::new();
            for (n, (first_peer, len)) in reads.iter().enumerate() {
                let bytes: Vec<u8> = (0..*len).map(|i| (n * 40 + i).to_le_bytes()[0]).collect();
                sent.extend_from_slice(&bytes);
                let from = if *first_peer { peer() } else { other };
                log.received(from, Bytes::from(bytes), T0);
            }
            let total = usize::try_from(log.store().total_rows()).unwrap();
            let rows = log.store().rows(0, total + 5);
            proptest::prop_assert_eq!(rows.len(), total);
            let mut shown = Vec::new();
            for (i, row) in rows.iter().enumerate() {
                let Row::Hex(offset, bytes) = row else {
                    return Err(proptest::test_runner::TestCaseError::fail("not hex"));
                };
                proptest::prop_assert!(offset % HEX_BYTES_PER_ROW == 0);
                proptest::prop_assert_eq!(&log.store().rows(i as u64, 1)[..], &rows[i..=i]);
                shown.extend_from_slice(bytes);
            }
            proptest::prop_assert_eq!(shown, sent);
            Ok(())
        })
        .unwrap();
}

#[test]
fn raw_hex_rows_stay_whole_when_the_budget_drops_the_start_of_a_run() {
    let mut log = Log::with_budget(5_000);
    log.store_mut().set_layout(RowLayout {
        view: InputMode::Hex,
        headers: false,
        ..RowLayout::default()
    });
    for i in 0..500u32 {
        log.received(peer(), Bytes::from(vec![(i % 251) as u8; 7]), T0);
    }
    assert!(log.store().dropped() > 0);
    let total = usize::try_from(log.store().total_rows()).unwrap();
    let rows = log.store().rows(0, total + 5);
    assert_eq!(rows.len(), total);
    // Every row but the last is full: the run goes on across the reads that are kept.
    for row in &rows[..total - 1] {
        let Row::Hex(_, bytes) = row else {
            panic!("{row:?}")
        };
        assert_eq!(bytes.len(), HEX_BYTES_PER_ROW);
    }
}

#[test]
fn a_udp_socket_that_hears_from_ever_new_ports_keeps_few_decoders() {
    // A scanner, or devices that send each datagram from a new port: the log's entries are
    // bounded by its budget, and the peers' text streams are bounded too.
    let mut log = Log::with_budget(100_000);
    for n in 0..40_000u16 {
        let [high, low] = n.to_be_bytes();
        let source = SocketAddr::from(([10, 0, high, low], 1000 + n));
        log.received(source, Bytes::from_static(b"ping"), T0);
    }
    assert!(log.carries.len() <= crate::codec::MAX_PEER_STREAMS);
    assert!(log.store().used() <= 100_000);
}

#[test]
fn the_budget_drops_the_oldest_entries_and_counts_them() {
    let mut log = Log::with_budget(10_000);
    for i in 0..1_000u32 {
        log.received(peer(), Bytes::from(i.to_string().into_bytes()), T0);
    }
    assert!(log.store().used() <= 10_000, "used {}", log.store().used());
    assert_eq!(
        log.store().dropped() + log.store().entries().len() as u64,
        1_000
    );
    assert!(log.store().dropped() > 0);
    // Rows stay consistent after dropping: the last row is the newest entry's text.
    let last = log.store().total_rows() - 1;
    assert_eq!(row_texts(&log, last, 1), ["text 999"]);
    assert_eq!(row_texts(&log, 0, 1), ["header"]);
    // The row ends kept while entries came and went, the deques wrapping round, are those a
    // recount finds, with one peer's data hidden too.
    let other = SocketAddr::from(([127, 0, 0, 1], 9));
    for i in 0..500u32 {
        let from = if i % 3 == 0 { other } else { peer() };
        log.received(
            from,
            Bytes::from(format!("line {i}\nnext").into_bytes()),
            T0,
        );
    }
    for shown in [None, Some(other)] {
        log.store_mut().set_show_only(shown);
        log.received(other, "shown".into(), T0);
        log.received(peer(), "hidden when filtered".into(), T0);
        let kept = (log.store().total_rows(), row_texts(&log, 0, usize::MAX));
        log.store_mut().recount_rows();
        let found = (log.store().total_rows(), row_texts(&log, 0, usize::MAX));
        assert_eq!(kept, found, "filter {shown:?}");
    }

    log.store_mut().set_budget(usize::MAX);
    log.clear();
    assert_eq!(
        (
            log.store().dropped(),
            log.store().total_rows(),
            log.store().used()
        ),
        (0, 0, 0)
    );
}

#[test]
fn escapes_show_what_text_would_hide_and_switch_back() {
    let mut log = Log::default();
    log.received(peer(), Bytes::from_static(b"OK\r\n\0\xFF"), T0);
    log.sent(peer(), Bytes::from_static(b"AT\r\n"), SentBy::Owner, T0);
    let plain = ["header", "text OK", "text ·\u{FFFD}", "header", "text AT"];
    assert_eq!(row_texts(&log, 0, usize::MAX), plain);
    log.set_escapes(true);
    assert!(log.escapes());
    // Each line still ends its row, after its `\n`; the memory count follows the text.
    assert_eq!(
        row_texts(&log, 0, usize::MAX),
        [
            "header",
            r"text OK\r\n",
            r"text \0\xFF",
            "header",
            r"text AT\r\n"
        ]
    );
    let counted: usize = log.store().entries().iter().map(LogEntry::cost).sum();
    assert_eq!(log.store().used(), counted);
    // Find looks for what is shown.
    assert!(log.store_mut().find_next(r"\xFF").is_some());
    // The encoding switches with escapes kept, and back without.
    log.set_encoding(TextEncoding::Gbk);
    assert!(log.escapes());
    log.set_escapes(false);
    assert_eq!(row_texts(&log, 0, usize::MAX), plain);
}

#[test]
fn a_log_switched_to_an_encoding_shows_what_one_built_with_it_shows() {
    // Reads of two peers' streams in both directions, cut anywhere (through GBK and UTF-8
    // characters and line breaks), in every layout, merged, split or neither: the rows after switching
    // encoding and layout are the rows of a log that had them from the start, every counted
    // row exists, and the counts kept as reads arrive (and merge, or split) are those a
    // recount finds.
    let pieces = proptest::collection::vec(
        (
            proptest::bool::ANY,
            proptest::bool::ANY,
            proptest::collection::vec(
                proptest::sample::select(vec![
                    0x41u8, 0x0A, 0x0D, 0x5C, 0xC4, 0xE3, 0xE4, 0xBD, 0xA0,
                ]),
                0..24,
            ),
        ),
        0..24,
    );
    let layouts = (
        proptest::bool::ANY,
        proptest::bool::ANY,
        proptest::sample::select(vec![1usize, 3, 8, TEXT_CHARS_PER_ROW]),
        // Each read its own entry, merged within a gap, or split after each line break.
        0u8..3,
        // With escapes or without.
        proptest::bool::ANY,
    );
    let mut runner = proptest::test_runner::TestRunner::default();
    runner
        .run(
            &(pieces, layouts),
            |(pieces, (hex, headers, columns, grouping, escapes))| {
                let layout = RowLayout {
                    view: if hex { InputMode::Hex } else { InputMode::Text },
                    headers,
                    columns,
                };
                let second = SocketAddr::from(([127, 0, 0, 1], 2));
                let fill = |log: &mut Log| {
                    // All at once: with a gap, every read that follows one from its peer merges.
                    log.set_merge_gap(
                        (grouping == 1).then_some(std::time::Duration::from_millis(50)),
                    );
                    log.set_split_at((grouping == 2).then_some(Bytes::from_static(b"\n")));
                    for (from_second, sent, bytes) in &pieces {
                        let who = if *from_second { second } else { peer() };
                        let bytes = Bytes::from(bytes.clone());
                        if *sent {
                            log.sent(who, bytes, SentBy::Owner, T0);
                        } else {
                            log.received_read(who, bytes, T0);
                        }
                    }
                };
                let mut switched = Log::default();
                fill(&mut switched);
                switched.set_encoding(TextEncoding::Gbk);
                switched.set_escapes(escapes);
                switched.store_mut().set_layout(layout);

                let mut built = Log::default();
                built.set_encoding(TextEncoding::Gbk);
                built.set_escapes(escapes);
                built.store_mut().set_layout(layout);
                fill(&mut built);

                // Asking for more rows than there are gives all of them.
                let all = |log: &Log| row_texts(log, 0, usize::MAX);
                proptest::prop_assert_eq!(
                    switched.store().total_rows(),
                    built.store().total_rows()
                );
                proptest::prop_assert_eq!(all(&switched), all(&built));
                proptest::prop_assert_eq!(all(&built).len() as u64, built.store().total_rows());
                let kept = built.store().total_rows();
                built.store_mut().recount_rows();
                proptest::prop_assert_eq!(kept, built.store().total_rows());
                let counted: usize = built.store().entries().iter().map(LogEntry::cost).sum();
                proptest::prop_assert_eq!(built.store().used(), counted);
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn a_relays_two_ways_are_each_a_stream_of_their_own() {
    let t0 = NaiveTime::from_hms_opt(12, 0, 0).unwrap();
    let mut log = Log::default();
    log.set_relaying(true);
    log.set_split_at(Some(Bytes::from_static(b"\n")));
    let gbk = TextEncoding::Gbk;
    log.set_encoding(gbk);
    let answer = gbk.encode("温度=25\n").unwrap();
    let (start, rest) = answer.split_at(2 + 1);
    // The upstream's answer cut inside a character, the client's request read in between,
    // and a message the relay wrote itself, which ends the answer's entry (it went out
    // between the answer's two reads): each way is cut and decoded on its own.
    log.relayed(
        peer(),
        Direction::Tx,
        Bytes::copy_from_slice(start),
        None,
        t0,
    );
    log.relayed(peer(), Direction::Rx, "GET".into(), None, t0);
    log.relayed(
        peer(),
        Direction::Tx,
        "typed".into(),
        Some(SentBy::Owner),
        t0,
    );
    log.relayed(
        peer(),
        Direction::Tx,
        Bytes::copy_from_slice(rest),
        None,
        t0,
    );
    log.relayed(peer(), Direction::Rx, " /\nnext".into(), None, t0);
    let texts = ["温", "GET /\n", "typed", "度=25\n", "next"];
    assert_eq!(entry_texts(&log), texts);
    let ways: Vec<_> = log
        .store()
        .entries()
        .iter()
        .map(|entry| entry.stream().map(|stream| stream.direction))
        .collect();
    assert_eq!(
        ways,
        [
            Some(Direction::Tx),
            Some(Direction::Rx),
            None,
            Some(Direction::Tx),
            Some(Direction::Rx)
        ]
    );
    // Read again for another encoding, each way still runs on across its reads.
    log.set_encoding(TextEncoding::Utf8);
    log.set_encoding(gbk);
    assert_eq!(entry_texts(&log), texts);
}

//! Any sequence of what the window does to the log (data in every form, sends, lifecycle
//! lines, every setting switched at any moment, budgets small enough to drop entries) keeps
//! the log's books straight: no panic, every byte received kept in order, rows and memory
//! counted as a recount finds them.

use std::collections::HashMap;

use proptest::prelude::*;

use super::ops::{LogOp, peer, way};
use super::tests::row_texts;
use super::*;

/// Bytes from a small alphabet, so delimiters, line breaks and GBK lead bytes come often.
fn bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        prop_oneof![
            Just(b'a'),
            Just(b'\n'),
            Just(b'\r'),
            Just(0xC4),
            Just(0xE3),
            Just(0xE4),
            Just(0xBD),
            Just(0xA0),
            any::<u8>(),
        ],
        0..40,
    )
}

/// A frame start, often none, otherwise made of bytes that `bytes` gives often.
fn start() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => Just(Vec::new()),
        1 => Just(b"a".to_vec()),
        1 => Just(b"\na".to_vec()),
        1 => Just(b"aa".to_vec()),
    ]
}

fn op() -> impl Strategy<Value = LogOp> {
    let peer = 0u8..3;
    prop_oneof![
        6 => (peer.clone(), bytes()).prop_map(|(p, b)| LogOp::Read(p, b)),
        3 => (peer.clone(), bytes()).prop_map(|(p, b)| LogOp::Datagram(p, b)),
        2 => (peer.clone(), bytes()).prop_map(|(p, b)| LogOp::UnshownRead(p, b)),
        1 => (peer.clone(), bytes()).prop_map(|(p, b)| LogOp::UnshownDatagram(p, b)),
        1 => (peer.clone(), any::<bool>()).prop_map(|(p, o)| LogOp::NoteSend(p, o)),
        2 => (peer.clone(), bytes(), any::<bool>()).prop_map(|(p, b, o)| LogOp::Sent(p, b, o)),
        1 => Just(LogOp::Notice),
        1 => (0u8..3).prop_map(LogOp::Day),
        1 => peer.clone().prop_map(LogOp::PeerGone),
        1 => Just(LogOp::ConnectionsEnded),
        2 => (0u16..200).prop_map(LogOp::Wait),
        1 => proptest::option::of(1u16..100).prop_map(LogOp::MergeGap),
        1 => proptest::option::of(prop_oneof![
            Just(b"\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"aa".to_vec()),
            Just(vec![0xE4]),
        ])
        .prop_map(LogOp::Split),
        1 => (0u8..4, 0u8..5, -4i8..4, start())
            .prop_map(|(o, w, a, s)| LogOp::SplitLength(o, w, a, s)),
        1 => (0u8..6, start()).prop_map(|(size, s)| LogOp::SplitFixed(size, s)),
        1 => (0u8..10).prop_map(LogOp::Check),
        1 => (0u8..4, 0u8..3).prop_map(|(from, tail)| LogOp::CheckSpan(from, tail)),
        1 => proptest::option::of(peer.clone()).prop_map(LogOp::ShowOnly),
        1 => (any::<bool>(), any::<bool>(), 1u8..12).prop_map(|(h, t, c)| LogOp::Layout(h, t, c)),
        1 => any::<bool>().prop_map(LogOp::Encoding),
        1 => any::<bool>().prop_map(LogOp::Escapes),
        1 => (0u16..4000).prop_map(LogOp::Budget),
        1 => bytes().prop_map(|b| LogOp::Find(String::from_utf8_lossy(&b).into_owned())),
        1 => Just(LogOp::Clear),
        1 => any::<bool>().prop_map(LogOp::Defer),
        1 => (0u8..4).prop_map(LogOp::MeasurePending),
        1 => (0u16..200).prop_map(LogOp::SkipPending),
        1 => any::<bool>().prop_map(LogOp::Relaying),
        3 => (peer.clone(), any::<bool>(), bytes(), any::<bool>())
            .prop_map(|(p, back, b, i)| LogOp::Relayed(p, back, b, i)),
        1 => (peer.clone(), any::<bool>(), bytes(), any::<bool>())
            .prop_map(|(p, back, b, i)| LogOp::UnshownRelayed(p, back, b, i)),
    ]
}

/// What the log must hold of each stream's bytes (each peer's received bytes, each relay
/// client's way back): everything since the last clear, or, once its data was not shown,
/// nothing known.
#[derive(Default)]
struct Model {
    received: HashMap<Stream, Vec<u8>>,
    unknown: std::collections::HashSet<Stream>,
}

impl Model {
    /// Notes what `op` means for the bytes the log must hold, then does it.
    fn apply(&mut self, log: &mut Log, op: LogOp, time: &mut NaiveTime) {
        match &op {
            LogOp::Datagram(p, b) | LogOp::Read(p, b) => {
                let stream = Stream::received(peer(*p));
                self.received.entry(stream).or_default().extend(b);
            }
            LogOp::Relayed(p, back, b, false) => {
                let stream = Stream {
                    peer: peer(*p),
                    direction: way(*back),
                };
                self.received.entry(stream).or_default().extend(b);
            }
            // What shows of it later (the start of a message) is not predicted here.
            LogOp::UnshownRead(p, _) => {
                self.unknown.insert(Stream::received(peer(*p)));
            }
            LogOp::UnshownRelayed(p, back, _, false) => {
                self.unknown.insert(Stream {
                    peer: peer(*p),
                    direction: way(*back),
                });
            }
            LogOp::Clear => {
                self.received.clear();
                self.unknown.clear();
            }
            _ => {}
        }
        op.apply(log, time);
    }

    /// Each stream's bytes in the log, oldest first, end where the stream's bytes end and
    /// are all of them unless the budget dropped entries.
    fn check_bytes(&self, log: &Log) -> Result<(), TestCaseError> {
        let mut kept: HashMap<Stream, Vec<u8>> = HashMap::new();
        for entry in log.store().entries() {
            if let (Some(stream), LogBody::Data { bytes, .. }) = (entry.stream(), &entry.body) {
                kept.entry(stream).or_default().extend_from_slice(bytes);
            }
        }
        for (stream, received) in &self.received {
            if self.unknown.contains(stream) {
                continue;
            }
            let shown = kept.remove(stream).unwrap_or_default();
            if log.store().dropped() == 0 {
                prop_assert_eq!(&shown, received, "{:?}", stream);
            } else {
                prop_assert!(received.ends_with(&shown), "{:?}: {:?}", stream, shown);
            }
        }
        Ok(())
    }
}

/// Rows, memory and the budget are what a recount and a sum find; every row can be read
/// alone as well as in a run.
fn check_books(log: &mut Log) -> Result<(), TestCaseError> {
    let counted: usize = log.store().entries().iter().map(LogEntry::cost).sum();
    prop_assert_eq!(log.store().used(), counted);
    prop_assert!(log.store().used() <= log.store().budget() || log.store().entries().len() <= 1);
    let kept = (log.store().total_rows(), row_texts(log, 0, usize::MAX));
    log.store_mut().recount_rows();
    let found = (log.store().total_rows(), row_texts(log, 0, usize::MAX));
    prop_assert_eq!(&kept, &found);
    prop_assert_eq!(found.1.len() as u64, found.0);
    // No text row is wider than the log (the grid is never narrower than a tab, so a log
    // narrower than 7 columns gets rows of up to 7).
    let columns = log.store().layout().columns.max(7);
    for row in log.store().rows(0, usize::MAX) {
        if let Row::Text(text) = row {
            let width: usize = text.chars().map(shape::char_columns).sum();
            prop_assert!(width <= columns, "{:?} in {} columns", text, columns);
        }
    }
    for (row, text) in (0..found.0).zip(&found.1) {
        prop_assert_eq!(&row_texts(log, row, 1), std::slice::from_ref(text));
    }
    // Every way of saving it reads every entry; a capture has a packet for each data entry
    // at least (more for long entries and each connection's handshake and close).
    let texts = &crate::i18n::EN;
    prop_assert!(export::write_log(log.store(), texts, &mut Vec::new()).is_ok());
    prop_assert!(table::write_csv(log.store(), texts, Vec::new()).is_ok());
    let data = log
        .store()
        .entries()
        .iter()
        .filter(|entry| matches!(entry.body, LogBody::Data { .. }) && !log.store().hides(entry))
        .count() as u64;
    for tcp in [false, true] {
        let wire = Wire { tcp, local: None };
        let packets = pcap::write_pcap(log.store(), wire, Vec::new());
        prop_assert!(packets.is_ok_and(|packets| packets >= data));
    }
    Ok(())
}

/// Runs `check` on `cases` sequences of up to 60 operations.
fn for_op_sequences(cases: u32, check: impl Fn(Vec<LogOp>) -> Result<(), TestCaseError>) {
    let config = ProptestConfig {
        cases,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    runner
        .run(&proptest::collection::vec(op(), 1..60), check)
        .unwrap();
}

#[test]
fn any_sequence_of_operations_keeps_the_books_straight() {
    for_op_sequences(400, |ops| {
        let mut log = Log::default();
        let mut model = Model::default();
        let mut time = NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default();
        for op in ops {
            model.apply(&mut log, op, &mut time);
            model.check_bytes(&log)?;
            check_books(&mut log)?;
        }
        Ok(())
    });
}

#[test]
fn entries_measured_later_show_as_entries_measured_at_once() {
    for_op_sequences(300, |ops| {
        let mut at_once = Log::default();
        let mut later = Log::default();
        later.store_mut().defer_measuring(true);
        let (mut time, mut later_time) = (T0, T0);
        for op in ops {
            let deferring = matches!(
                op,
                LogOp::Defer(_) | LogOp::MeasurePending(_) | LogOp::SkipPending(_)
            );
            // A dropped entry's line ends are never read if it was not measured, so the
            // budget stays out of this comparison; so do a peer's new connections, which
            // a log measured all over again (switched back from hex) reads as one stream.
            let apart = matches!(
                op,
                LogOp::Budget(_) | LogOp::PeerGone(_) | LogOp::ConnectionsEnded
            );
            if deferring || apart {
                if deferring {
                    op.apply(&mut later, &mut later_time);
                }
                continue;
            }
            op.clone().apply(&mut at_once, &mut time);
            op.apply(&mut later, &mut later_time);
        }
        later.store_mut().measure_all();
        prop_assert_eq!(later.store().total_rows(), at_once.store().total_rows());
        prop_assert_eq!(
            row_texts(&later, 0, usize::MAX),
            row_texts(&at_once, 0, usize::MAX)
        );
        Ok(())
    });
}

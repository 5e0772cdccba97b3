//! Splitting TCP reads at a delimiter.

use super::tests::{peer, row_texts};
use super::*;

fn at(ms: i64) -> NaiveTime {
    NaiveTime::from_hms_opt(12, 0, 0).unwrap() + chrono::TimeDelta::milliseconds(ms)
}

fn entry_bytes(log: &Log) -> Vec<Vec<u8>> {
    log.entries()
        .iter()
        .filter_map(|entry| match &entry.body {
            LogBody::Data { bytes, .. } => Some(bytes.to_vec()),
            LogBody::Notice(_) => None,
        })
        .collect()
}

#[test]
fn reads_are_cut_into_one_entry_per_message_whatever_tcp_did() {
    let gbk = |text: &str| TextEncoding::Gbk.encode(text).unwrap();
    let mut log = Log::default();
    log.set_encoding(TextEncoding::Gbk);
    log.set_split_at(Some(Bytes::from_static(b"\r\n")));
    log.sent(peer(), "READ".into(), SentBy::Owner, at(0));
    // Three messages in four reads: one cut inside a character, one between \r and \n, one
    // read holding the end of one message, a whole one and the start of the next.
    let stream = gbk("温度=25\r\n湿度=40\r\n压力=1\r\n");
    let cuts = [0, 3, 9, 22, stream.len()];
    for (pair, ms) in cuts.windows(2).zip([10, 20, 30, 40]) {
        let read = Bytes::copy_from_slice(&stream[pair[0]..pair[1]]);
        log.received_read(peer(), read, at(ms));
    }
    assert_eq!(
        entry_bytes(&log)[1..],
        [gbk("温度=25\r\n"), gbk("湿度=40\r\n"), gbk("压力=1\r\n")]
    );
    let texts: Vec<_> = log.entries().iter().map(|e| e.text().to_owned()).collect();
    // (The text drops the carriage returns of line ends, as everywhere in the log.)
    assert_eq!(texts[1..], ["温度=25\n", "湿度=40\n", "压力=1\n"]);
    // Each message has the time of the read it began in; the first says how long after the
    // send it came.
    let times: Vec<_> = log.entries().iter().map(|e| e.time).collect();
    assert_eq!(times, [at(0), at(10), at(30), at(30)]);
    assert_eq!(
        log.entries()[1].annotation,
        Some(Annotation::SinceSend(std::time::Duration::from_millis(10)))
    );
    assert_eq!(log.entries()[2].annotation, None);
    // Rows and memory follow the entries grown in place.
    let kept = log.total_rows();
    log.recount_rows();
    assert_eq!(kept, log.total_rows());
    let counted: usize = log.entries().iter().map(LogEntry::cost).sum();
    assert_eq!(log.used(), counted);
    assert_eq!(
        row_texts(&log, 0, 4),
        ["header", "text READ", "header", "text 温度=25"]
    );
}

#[test]
fn an_unfinished_message_ends_when_something_else_is_logged() {
    let other = SocketAddr::from(([127, 0, 0, 1], 2));
    let mut log = Log::default();
    log.set_split_at(Some(Bytes::from_static(b"\n")));
    log.received_read(peer(), "par".into(), at(0));
    log.received_read(peer(), "tial".into(), at(1));
    // Another client's message, then the rest of the first client's.
    log.received_read(other, "b\n".into(), at(2));
    log.received_read(peer(), " end\nnext".into(), at(3));
    // A read the window did not show: what follows cannot join what came before it.
    log.skipped_read(peer());
    log.received_read(peer(), " after a gap".into(), at(4));
    // A datagram is a message of its own.
    log.received(peer(), "datagram".into(), at(5));
    log.received_read(peer(), "tcp\n".into(), at(6));
    assert_eq!(
        entry_bytes(&log),
        [
            &b"partial"[..],
            b"b\n",
            b" end\n",
            b"next",
            b" after a gap",
            b"datagram",
            b"tcp\n"
        ]
    );
    // Turning it off: each read is an entry again, and no merging happens either.
    log.set_split_at(None);
    log.received_read(peer(), "x".into(), at(7));
    log.received_read(peer(), "y\nz".into(), at(8));
    assert_eq!(entry_bytes(&log).len(), 9);
    // An empty delimiter means off.
    log.set_split_at(Some(Bytes::new()));
    assert_eq!(log.split_at(), None);
}

#[test]
fn split_messages_are_the_stream_cut_after_each_delimiter() {
    // Any stream cut into reads anywhere gives the entries that cutting the whole stream after
    // each delimiter gives, for delimiters of one, two and three bytes that can overlap
    // themselves.
    let stream = proptest::collection::vec(proptest::sample::select(b"ab\r\n".to_vec()), 0..200);
    let cuts = proptest::collection::vec(0usize..200, 0..20);
    let delimiters = proptest::sample::select(vec![&b"\n"[..], b"\r\n", b"aab", b"aa"]);
    proptest::test_runner::TestRunner::default()
        .run(
            &(stream, cuts, delimiters),
            |(stream, mut cuts, delimiter)| {
                cuts.push(0);
                cuts.push(stream.len());
                for cut in &mut cuts {
                    *cut = (*cut).min(stream.len());
                }
                cuts.sort_unstable();
                let mut log = Log::default();
                log.set_split_at(Some(Bytes::copy_from_slice(delimiter)));
                for pair in cuts.windows(2) {
                    let read = Bytes::copy_from_slice(&stream[pair[0]..pair[1]]);
                    log.received_read(peer(), read, T0);
                }
                let mut expected = Vec::new();
                let mut start = 0;
                for found in memchr::memmem::find_iter(&stream, delimiter) {
                    // find_iter does not overlap matches, as the splitting does not.
                    let end = found + delimiter.len();
                    expected.push(stream[start..end].to_vec());
                    start = end;
                }
                if start < stream.len() {
                    expected.push(stream[start..].to_vec());
                }
                proptest::prop_assert_eq!(entry_bytes(&log), expected);
                Ok(())
            },
        )
        .unwrap();
}

//! Splitting TCP reads into messages.

use super::tests::{entry_texts, peer, row_texts};
use super::*;
use crate::codec::{Framing, LengthWidth};

fn at(ms: i64) -> NaiveTime {
    NaiveTime::from_hms_opt(12, 0, 0).unwrap() + chrono::TimeDelta::milliseconds(ms)
}

/// The bytes of each data entry, oldest first.
pub(super) fn entry_bytes(log: &Log) -> Vec<Vec<u8>> {
    log.store()
        .entries()
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
    let texts = entry_texts(&log);
    // (The text drops the carriage returns of line ends, as everywhere in the log.)
    assert_eq!(texts[1..], ["温度=25\n", "湿度=40\n", "压力=1\n"]);
    // Each message has the time of the read it began in; the first says how long after the
    // send it came.
    let times: Vec<_> = log.store().entries().iter().map(|e| e.time).collect();
    assert_eq!(times, [at(0), at(10), at(30), at(30)]);
    assert_eq!(
        log.store().entries()[1].annotation,
        Some(Annotation::SinceSend(std::time::Duration::from_millis(10)))
    );
    assert_eq!(log.store().entries()[2].annotation, None);
    // Rows and memory follow the entries grown in place.
    let kept = log.store().total_rows();
    log.store_mut().recount_rows();
    assert_eq!(kept, log.store().total_rows());
    let counted: usize = log.store().entries().iter().map(LogEntry::cost).sum();
    assert_eq!(log.store().used(), counted);
    assert_eq!(
        row_texts(&log, 0, 4),
        ["header", "text READ", "header", "text 温度=25"]
    );
}

#[test]
fn an_unfinished_message_waits_for_its_delimiter_while_other_entries_come() {
    let other = SocketAddr::from(([127, 0, 0, 1], 2));
    let mut log = Log::default();
    log.set_split_at(Some(Bytes::from_static(b"\n")));
    log.received_read(peer(), "par".into(), at(0));
    log.received_read(peer(), "tial".into(), at(1));
    // Another client's message, a lifecycle line and a send to the first client come in
    // between: the rest of the first client's message still completes its entry.
    log.received_read(other, "b\n".into(), at(2));
    log.notice(Notice::PeerJoined(other), at(2));
    log.sent(peer(), "READ".into(), SentBy::Owner, at(2));
    log.received_read(peer(), " end\nnext".into(), at(3));
    // A read the window did not show: what follows cannot join what came before it.
    log.unshown_read(peer(), b"unseen\n", at(4));
    log.received_read(peer(), " after a gap".into(), at(4));
    // A datagram is a message of its own.
    log.received(peer(), "datagram".into(), at(5));
    log.received_read(peer(), "tcp\n".into(), at(6));
    assert_eq!(
        entry_bytes(&log),
        [
            &b"partial end\n"[..],
            b"b\n",
            b"READ",
            b"next",
            b" after a gap",
            b"datagram",
            b"tcp\n"
        ]
    );
    // The message grew above later entries: their rows moved with it.
    let kept = log.store().total_rows();
    log.store_mut().recount_rows();
    assert_eq!(kept, log.store().total_rows());
    assert_eq!(
        row_texts(&log, 0, 4),
        ["header", "text partial end", "header", "text b"]
    );
    // The response time counts to the first message after the send, not to the end of one
    // that began before it.
    assert!(matches!(
        log.store().entries()[4].annotation,
        Some(Annotation::SinceSend(_))
    ));

    // Turning it off: each read is an entry again, and no merging happens either.
    log.set_split_at(None);
    log.received_read(peer(), "x".into(), at(7));
    log.received_read(peer(), "y\nz".into(), at(8));
    assert_eq!(entry_bytes(&log).len(), 9);
    // An empty delimiter means off.
    log.set_split_at(Some(Bytes::new()));
    assert_eq!(log.framing(), None);
}

#[test]
fn bytes_cut_off_to_find_the_frame_start_are_entries_marked_as_such() {
    let t = crate::i18n::Language::English.texts();
    let other = SocketAddr::from(([127, 0, 0, 1], 2));
    let mut log = Log::default();
    log.store_mut().set_view(InputMode::Hex);
    // AA 55, a one-byte count of the data, the data, a SUM8 of all before it.
    log.set_framing(Some(Framing::Length {
        field: "2:u8:+1".parse().unwrap(),
        start: Bytes::from_static(&[0xaa, 0x55]),
    }));
    log.set_check_kind(Checksum::Sum8);
    let frame = |data: u8| {
        let head = [0xaa, 0x55, 1, data];
        let sum = head.iter().fold(0u8, |sum, b| sum.wrapping_add(*b));
        Bytes::from([&head[..], &[sum]].concat())
    };
    // Noise, then a frame; a read that ends in what may be a start, which the next read shows
    // was not; another client's frame in between; then a frame cut inside its start.
    log.received_read(
        peer(),
        [&[0x13, 0x37][..], &frame(1)].concat().into(),
        at(0),
    );
    log.received_read(peer(), Bytes::from_static(&[0x00, 0xaa]), at(1));
    log.received_read(other, frame(2), at(2));
    log.received_read(peer(), Bytes::from_static(&[0x01, 0xaa]), at(3));
    log.received_read(peer(), frame(3).slice(1..), at(4));
    let marked: Vec<_> = log
        .store()
        .entries()
        .iter()
        .map(|entry| (entry.misses_frame_start, entry.check.map(|c| c.good)))
        .collect();
    assert_eq!(
        entry_bytes(&log),
        [
            vec![0x13, 0x37],
            frame(1).to_vec(),
            vec![0x00],
            // Grown in place, before the other client's frame, as the next read came.
            vec![0xaa, 0x01],
            frame(2).to_vec(),
            frame(3).to_vec(),
        ]
    );
    assert_eq!(
        marked,
        [
            (true, None),
            (false, Some(true)),
            (true, None),
            (true, None),
            (false, Some(true)),
            (false, Some(true)),
        ]
    );
    let headers: Vec<_> = log
        .store()
        .entries()
        .iter()
        .map(|entry| row_text(&Row::Header(entry), t).into_owned())
        .collect();
    assert!(
        headers[0].ends_with("(2 B) · no frame start"),
        "{headers:?}"
    );
    assert!(headers[1].ends_with("(5 B) · SUM8 OK"), "{headers:?}");
    // Only frames are checked, so the noise counts as neither right nor wrong.
    assert_eq!(log.check_tally().good, 3);
    assert_eq!(log.check_tally().bad, 0);

    // Unseen while the display is paused: noise, then a frame whose start came in the same
    // read as the noise ended; the display is back before its last bytes.
    log.unshown_read(peer(), &[0x00], at(5));
    log.unshown_read(peer(), &frame(4)[..3], at(6));
    log.received_read(peer(), frame(4).slice(3..), at(7));
    let last = log.store().entries().back().unwrap();
    assert_eq!(entry_bytes(&log).last().unwrap(), &frame(4).to_vec());
    assert!(!last.misses_frame_start);
    assert_eq!(last.check.map(|check| check.good), Some(true));

    // A start still open is not judged until the rest comes.
    log.received_read(peer(), Bytes::from_static(&[0xaa]), at(5));
    assert!(!log.store().entries().back().unwrap().misses_frame_start);
    // Splitting without a start judges nothing.
    log.set_framing(Some(Framing::length("2:u8:+1".parse().unwrap())));
    assert!(
        log.store()
            .entries()
            .iter()
            .all(|entry| !entry.misses_frame_start)
    );
}

#[test]
fn a_message_too_far_back_or_forgotten_is_not_continued() {
    let other = SocketAddr::from(([127, 0, 0, 1], 2));
    let mut log = Log::default();
    log.set_split_at(Some(Bytes::from_static(b"\n")));
    log.received_read(peer(), "far".into(), at(0));
    for _ in 0..CONTINUE_REACH {
        log.received_read(other, "x\n".into(), at(1));
    }
    log.received_read(peer(), " away\n".into(), at(2));
    // Dropped to stay within the budget.
    log.received_read(peer(), "dropped".into(), at(3));
    log.store_mut().set_budget(0);
    log.received_read(other, "y\n".into(), at(3));
    log.store_mut().set_budget(DEFAULT_LOG_BUDGET);
    log.received_read(peer(), " later\n".into(), at(4));
    // The peer left and a new one came from the same address; the session closed.
    log.received_read(peer(), "gone".into(), at(5));
    log.peer_gone(peer());
    log.received_read(peer(), "new\n".into(), at(6));
    log.received_read(peer(), "closed".into(), at(7));
    log.connections_ended();
    log.received_read(peer(), "reconnected\n".into(), at(8));
    let mine: Vec<_> = log
        .store()
        .entries()
        .iter()
        .filter(|entry| matches!(&entry.body, LogBody::Data { peer: p, .. } if *p == peer()))
        .map(|entry| log.store().text(entry))
        .collect();
    assert_eq!(
        mine,
        [" later\n", "gone", "new\n", "closed", "reconnected\n"]
    );
    assert_eq!(
        log.store().dropped(),
        u64::try_from(CONTINUE_REACH).unwrap() + 3,
        "far, the others' lines, away and dropped"
    );
}

#[test]
fn split_messages_are_each_peers_stream_cut_where_its_messages_end() {
    // Two peers' streams, each cut into reads anywhere, the reads interleaved in any order,
    // give each peer the entries that cutting its whole stream into messages gives: after
    // each delimiter, for delimiters of one, two and three bytes that can overlap themselves,
    // by length fields of each width, or every so many bytes.
    let stream = || {
        let alphabet = b"\0\x01\x02ab\r\n".to_vec();
        proptest::collection::vec(proptest::sample::select(alphabet), 0..200)
    };
    let cuts = || proptest::collection::vec(0usize..200, 0..20);
    let turns = proptest::collection::vec(proptest::bool::ANY, 0..40);
    let length = |offset, width, adjust| {
        Framing::length(crate::codec::LengthField {
            offset,
            width,
            adjust,
        })
    };
    let fixed = |size| Framing::fixed(std::num::NonZeroUsize::new(size).unwrap());
    let framings = proptest::sample::select(vec![
        Framing::Delimiter(Bytes::from_static(b"\n")),
        Framing::Delimiter(Bytes::from_static(b"\r\n")),
        Framing::Delimiter(Bytes::from_static(b"aab")),
        Framing::Delimiter(Bytes::from_static(b"aa")),
        length(0, LengthWidth::U8, 0),
        length(1, LengthWidth::U16Be, -2),
        length(2, LengthWidth::U16Le, 1),
        length(0, LengthWidth::U32Le, -4),
        fixed(1),
        fixed(3),
    ]);
    let other = SocketAddr::from(([127, 0, 0, 1], 2));
    proptest::test_runner::TestRunner::default()
        .run(
            &((stream(), cuts()), (stream(), cuts()), turns, framings),
            |(first, second, turns, framing)| {
                let reads = [reads_of(&first.0, first.1), reads_of(&second.0, second.1)];
                let mut log = Log::default();
                log.set_framing(Some(framing.clone()));
                let mut next = [0, 0];
                let order = turns
                    .into_iter()
                    .map(usize::from)
                    .chain(std::iter::repeat_n(0, reads[0].len()))
                    .chain(std::iter::repeat_n(1, reads[1].len()));
                for who in order {
                    if let Some(read) = reads[who].get(next[who]) {
                        let from = if who == 0 { peer() } else { other };
                        log.received_read(from, read.clone(), T0);
                        next[who] += 1;
                    }
                }
                for (from, stream) in [(peer(), &first.0), (other, &second.0)] {
                    let entries: Vec<_> = log
                        .store()
                        .entries()
                        .iter()
                        .filter_map(|entry| match &entry.body {
                            LogBody::Data { peer: p, bytes, .. } if *p == from => {
                                Some(bytes.to_vec())
                            }
                            _ => None,
                        })
                        .collect();
                    proptest::prop_assert_eq!(entries, messages_by(stream, &framing));
                }
                let kept = log.store().total_rows();
                log.store_mut().recount_rows();
                proptest::prop_assert_eq!(kept, log.store().total_rows());
                Ok(())
            },
        )
        .unwrap();
}

/// `stream` cut into reads at `cuts`.
fn reads_of(stream: &[u8], mut cuts: Vec<usize>) -> Vec<Bytes> {
    cuts.push(0);
    cuts.push(stream.len());
    for cut in &mut cuts {
        *cut = (*cut).min(stream.len());
    }
    cuts.sort_unstable();
    cuts.windows(2)
        .map(|pair| Bytes::copy_from_slice(&stream[pair[0]..pair[1]]))
        .collect()
}

/// `stream` cut into messages, the simplest way.
fn messages_by(stream: &[u8], framing: &Framing) -> Vec<Vec<u8>> {
    let (offset, width, adjust) = match framing {
        Framing::Delimiter(delimiter) => return messages(stream, delimiter),
        Framing::Fixed { size, .. } => {
            return stream.chunks(size.get()).map(<[u8]>::to_vec).collect();
        }
        Framing::Length { field, .. } => (field.offset, field.width.bytes(), field.adjust),
    };
    let mut expected = Vec::new();
    let mut rest = stream;
    while !rest.is_empty() {
        let header = offset + width;
        let length = match rest.get(offset..header) {
            Some(field) => {
                let mut field = field.to_vec();
                if matches!(
                    framing,
                    Framing::Length { field: f, .. } if matches!(f.width, LengthWidth::U16Le | LengthWidth::U32Le)
                ) {
                    field.reverse();
                }
                let value = field.iter().fold(0i64, |v, b| v * 256 + i64::from(*b));
                usize::try_from(i64::try_from(header).unwrap() + value + adjust)
                    .unwrap_or(0)
                    .max(header)
            }
            None => rest.len(),
        };
        let (message, after) = rest.split_at(length.min(rest.len()));
        expected.push(message.to_vec());
        rest = after;
    }
    expected
}

/// `stream` cut after each delimiter.
fn messages(stream: &[u8], delimiter: &[u8]) -> Vec<Vec<u8>> {
    let mut expected = Vec::new();
    let mut start = 0;
    for found in memchr::memmem::find_iter(stream, delimiter) {
        // find_iter does not overlap matches, as the splitting does not.
        let end = found + delimiter.len();
        expected.push(stream[start..end].to_vec());
        start = end;
    }
    if start < stream.len() {
        expected.push(stream[start..].to_vec());
    }
    expected
}

#[test]
fn a_message_too_long_for_one_entry_goes_on_in_entries_marked_continued() {
    let t = &crate::i18n::EN;
    let crc = |bytes: &[u8]| Checksum::Crc16Modbus.compute(bytes);
    // `AA 55`, a u16 length of the data, the data, a CRC16 of the length and the data.
    let frame = |data: &[u8]| {
        let mut frame = vec![0xAA, 0x55];
        frame.extend_from_slice(&u16::try_from(data.len()).unwrap().to_be_bytes());
        frame.extend_from_slice(data);
        frame.extend_from_slice(&crc(&frame[2..]));
        frame
    };
    let mut log = Log::default();
    log.set_framing(Some(Framing::Length {
        field: "2:u16be:+2".parse().unwrap(),
        start: Bytes::from_static(&[0xAA, 0x55]),
    }));
    log.set_check_kind(Checksum::Crc16Modbus);
    log.set_check_span(ChecksumSpan { from: 2, tail: 0 });
    // A 20 KB frame, in 4 KB reads, then a short one.
    let mut stream = frame(&vec![7; 20_000]);
    stream.extend_from_slice(&frame(b"ok"));
    for read in stream.chunks(4096) {
        log.received_read(peer(), Bytes::copy_from_slice(read), at(0));
    }
    let seen: Vec<_> = log
        .store()
        .entries()
        .iter()
        .map(|e| {
            (
                e.continues_message,
                e.misses_frame_start,
                e.check.map(|c| c.good),
            )
        })
        .collect();
    // The long one fills entries of MERGE_LIMIT; the rest is no noise and no message of its
    // own, so neither orange nor checked; the frame after it is found and checked.
    assert_eq!(
        seen,
        [
            (false, false, None),
            (true, false, None),
            (true, false, None),
            (false, false, Some(true)),
        ]
    );
    let lengths: Vec<_> = entry_bytes(&log).iter().map(Vec::len).collect();
    assert_eq!(
        lengths,
        [MERGE_LIMIT, MERGE_LIMIT, 20_006 - 2 * MERGE_LIMIT, 8]
    );
    let header = row_text(&Row::Header(&log.store().entries()[1]), t).into_owned();
    assert!(header.ends_with("(8192 B) · continued"), "{header}");
    assert_eq!((log.check_tally().good, log.check_tally().bad), (1, 0));

    // A line longer than an entry: its rest ends with the delimiter, but is not checked as
    // if it were a line of its own (it would be wrong); turning the check off and on again
    // leaves it so.
    let mut log = Log::default();
    log.set_split_at(Some(Bytes::from_static(b"\n")));
    log.set_check_kind(Checksum::Sum8);
    let mut line = vec![b'x'; 10_000];
    line.extend_from_slice(&[0x78, b'\n']);
    line.extend_from_slice(&[0x01, 0x01, b'\n']);
    for read in line.chunks(3000) {
        log.received_read(peer(), Bytes::copy_from_slice(read), at(0));
    }
    log.set_check_kind(Checksum::None);
    log.set_check_kind(Checksum::Sum8);
    let seen: Vec<_> = log
        .store()
        .entries()
        .iter()
        .map(|e| (e.continues_message, e.check.map(|c| c.good)))
        .collect();
    assert_eq!(seen, [(false, None), (true, None), (false, Some(true))]);
    assert_eq!((log.check_tally().good, log.check_tally().bad), (1, 0));
}

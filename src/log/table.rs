//! Save log as a table (CSV) for a spreadsheet: one row per entry, whatever the view, with
//! the date and time, direction, peer, size, the data as text and as hex, and what the header
//! adds.

use std::io::{self, Write};

use super::format::{clock, entry_notes, notice_text};
use super::{Direction, LogBody, Notice};
use crate::codec::format_hex;
use crate::i18n::Texts;
use crate::log::Store;

/// The column names (for programs as much as people, so in English).
const COLUMNS: [&str; 7] = ["time", "direction", "peer", "bytes", "text", "hex", "note"];

/// Writes `log` as CSV, lifecycle lines in the language of `t`; returns the rows written
/// (the column names not counted).
pub(super) fn write_csv(log: &Store, t: &Texts, mut out: impl Write) -> io::Result<u64> {
    // The byte order mark tells spreadsheet programs (Excel above all) that the file is
    // UTF-8, so Chinese text opens as text, not as mojibake.
    out.write_all("\u{FEFF}".as_bytes())?;
    let mut table = csv::Writer::from_writer(out);
    table.write_record(COLUMNS)?;
    let mut rows = 0;
    if log.dropped() > 0 {
        let marker = log.dropped_line(t);
        table.write_record(["", "event", "", "", &marker, "", ""])?;
        rows += 1;
    }
    // The date goes in the time column, so a night's recording sorts and plots across
    // midnight; date lines still give their own rows, as in the window.
    let mut day = log.dropped_day();
    // As the window shows it: without the data a filter hides.
    for entry in log.entries().iter().filter(|entry| !log.hides(entry)) {
        if let LogBody::Notice(Notice::Date(date)) = &entry.body {
            day = Some(*date);
        }
        let time = match day {
            Some(day) => format!("{day} {}", clock(entry)),
            None => clock(entry).to_string(),
        };
        match &entry.body {
            LogBody::Notice(notice) => {
                table.write_record([&time, "event", "", "", &notice_text(notice, t), "", ""])?;
            }
            LogBody::Data {
                direction,
                peer,
                bytes,
                ..
            } => {
                let text = log.text(entry);
                let direction = match direction {
                    Direction::Rx => "RX",
                    Direction::Tx => "TX",
                };
                let note = entry_notes(entry, t).collect::<Vec<_>>().join("; ");
                table.write_record([
                    time.as_str(),
                    direction,
                    &peer.to_string(),
                    &bytes.len().to_string(),
                    // The line break that ends an entry ends its cell; the hex keeps it.
                    text.strip_suffix('\n').unwrap_or(&text),
                    &format_hex(bytes),
                    &note,
                ])?;
            }
        }
        rows += 1;
    }
    table.flush()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use chrono::NaiveTime;

    use super::*;
    use crate::i18n::Language;
    use crate::log::Log;
    use crate::log::Notice;
    use crate::net::SentBy;

    #[test]
    fn each_entry_is_a_row_with_its_note_and_the_dropped_count_comes_first() {
        let peer = SocketAddr::from(([127, 0, 0, 1], 502));
        let at = |ms| NaiveTime::from_hms_milli_opt(9, 30, 0, ms).unwrap();
        let mut log = Log::with_budget(600);
        log.notice(Notice::PeerJoined(peer), at(0));
        log.sent(peer, "READ".into(), SentBy::Owner, at(100));
        log.received(peer, "a, \"quoted\"\nline\n".into(), at(112));
        log.sent(
            peer,
            bytes::Bytes::from_static(&[0x06]),
            SentBy::AutoReply,
            at(113),
        );
        assert!(
            log.store().dropped() > 0,
            "the small budget dropped the first entries"
        );
        let mut out = Vec::new();
        let rows = write_csv(log.store(), Language::English.texts(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let table = text.strip_prefix('\u{FEFF}').unwrap();
        let read: Vec<Vec<String>> = csv::Reader::from_reader(table.as_bytes())
            .records()
            .map(|row| row.unwrap().iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(rows, read.len() as u64);
        assert_eq!(read[0][1], "event");
        assert!(read[0][4].contains("dropped"), "{:?}", read[0]);
        let last = &read[read.len() - 2..];
        assert_eq!(
            last[0],
            [
                "09:30:00.112",
                "RX",
                "127.0.0.1:502",
                "17",
                "a, \"quoted\"\nline",
                "61 2C 20 22 71 75 6F 74 65 64 22 0A 6C 69 6E 65 0A",
                "12.000 ms after the send"
            ]
        );
        assert_eq!(
            last[1],
            [
                "09:30:00.113",
                "TX",
                "127.0.0.1:502",
                "1",
                "·",
                "06",
                "auto reply"
            ]
        );
    }

    #[test]
    fn rows_carry_their_date_even_once_the_date_line_was_dropped() {
        let peer = SocketAddr::from(([127, 0, 0, 1], 502));
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let at = |h| NaiveTime::from_hms_opt(h, 59, 0).unwrap();
        let mut log = Log::with_budget(2000);
        log.mark_day(day(24), at(22));
        for _ in 0..20 {
            log.received(peer, "night reading\n".into(), at(23));
        }
        log.mark_day(day(25), at(0));
        log.received(peer, "after midnight\n".into(), at(0));
        assert_eq!(
            log.store().dropped_day(),
            Some(day(24)),
            "the first date line was dropped"
        );
        let mut out = Vec::new();
        write_csv(log.store(), Language::English.texts(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let read: Vec<Vec<String>> =
            csv::Reader::from_reader(text.trim_start_matches('\u{FEFF}').as_bytes())
                .records()
                .map(|row| row.unwrap().iter().map(str::to_owned).collect())
                .collect();
        assert!(
            read[0][4].ends_with("; what follows begins on 2026-11-24"),
            "{:?}",
            read[0]
        );
        assert_eq!(read[1][0], "2026-11-24 23:59:00.000");
        let last = read.len() - 1;
        assert_eq!(read[last - 1][0], "2026-11-25 00:59:00.000");
        assert_eq!(read[last - 1][4], "Date: 2026-11-25");
        assert_eq!(read[last][0], "2026-11-25 00:59:00.000");
        assert_eq!(read[last][4], "after midnight");
        log.clear();
        assert_eq!(log.store().dropped_day(), None);
    }
}

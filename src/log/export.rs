//! Save log (保存数据): the log as the window shows it (view, log mode, lifecycle lines, the
//! dropped-entries marker) written to a UTF-8 text file, or to a `.csv` file as a table (see
//! [`super::table`]), on a thread of its own so a full log never stalls the window. Long lines
//! stay whole in the file instead of breaking at the window's width.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{LogBody, LogEntry, Row, RowLayout, Store, row_text};
use crate::codec::InputMode;
use crate::i18n::Texts;
use crate::net::FileError;

/// Rows formatted per batch: enough to amortise finding them, few enough to keep little memory.
const ROWS_PER_BATCH: usize = 4096;

/// A finished save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedLog {
    /// The file written.
    pub path: PathBuf,
    /// Lines written (a CSV's rows, a capture's packets).
    pub lines: u64,
}

/// Writes every row of `log` in its view, one line each, lifecycle lines in the language of
/// `t`; returns the number of lines.
pub(super) fn write_log(log: &Store, t: &Texts, out: &mut impl Write) -> io::Result<u64> {
    let mut lines = 0;
    if log.dropped() > 0 {
        writeln!(out, "{}", log.dropped_line(t))?;
        lines += 1;
    }
    let mut first = 0;
    loop {
        let rows = log.rows(first, ROWS_PER_BATCH);
        if rows.is_empty() {
            return Ok(lines);
        }
        for row in &rows {
            writeln!(out, "{}", row_text(row, t))?;
        }
        lines += rows.len() as u64;
        first += rows.len() as u64;
    }
}

/// Where a log printed line by line goes: a writer that also takes work making bytes (an
/// entry's text, to decode) to do in order with what is written around it, now or on a
/// thread of its own.
pub trait PrintOut: Write {
    /// Appends what `work` appends to a buffer, after what was written before and before
    /// what is written after; `size` is about how many bytes it reads, to bound what waits.
    ///
    /// # Errors
    /// When the output failed.
    fn write_later(
        &mut self,
        size: usize,
        work: impl FnOnce(&mut Vec<u8>) + Send + 'static,
    ) -> io::Result<()>;
}

impl PrintOut for Vec<u8> {
    fn write_later(
        &mut self,
        _size: usize,
        work: impl FnOnce(&mut Vec<u8>) + Send + 'static,
    ) -> io::Result<()> {
        work(self);
        Ok(())
    }
}

/// Writes `entry` (kept in `log`) as a log printed line by line shows it, in `log`'s view: the
/// rows of [`Store::entry_lines`], one line each, lifecycle lines in the language of `t`.
///
/// # Errors
/// When `out` failed.
pub fn write_entry_lines(
    log: &Store,
    entry: &LogEntry,
    t: &Texts,
    out: &mut impl PrintOut,
) -> io::Result<()> {
    let decoding = log.decoding();
    match &entry.body {
        // Text without escapes: its lines are its text's, so the text is written in one go
        // instead of a copy for each line (random binary breaks a line every 256 bytes).
        LogBody::Data { bytes, carry, .. }
            if log.layout().view == InputMode::Text && !decoding.escapes =>
        {
            writeln!(out, "{}", row_text(&Row::Header(entry), t))?;
            let whole = entry.is_whole();
            let (bytes, carry) = (bytes.clone(), *carry);
            out.write_later(bytes.len(), move |text| {
                let start = text.len();
                super::scan::decode_bytes_into(decoding, carry, &bytes, whole, text);
                // A break ending the entry adds no line; an entry with no text is one empty
                // line.
                if text.len() == start || text.last() != Some(&b'\n') {
                    text.push(b'\n');
                }
            })
        }
        _ => {
            for row in log.entry_lines(entry) {
                writeln!(out, "{}", row_text(&row, t))?;
            }
            Ok(())
        }
    }
}

/// Saves `log` (a [`super::Log::snapshot`]) to `path` on a thread of its own and calls `done`
/// with the outcome: as text, as CSV for a `.csv` file, or as a packet capture on `wire`
/// for a `.pcap` file. Fails at once only when the thread cannot start.
pub fn save_in_background(
    mut log: Store,
    t: &'static Texts,
    (path, wire): (PathBuf, super::Wire),
    done: impl FnOnce(Result<SavedLog, FileError>) + Send + 'static,
) -> Result<(), FileError> {
    let spawn_path = path.clone();
    std::thread::Builder::new()
        .name("netdebug-save-log".to_owned())
        .spawn(move || {
            // Every row goes to the file, measured here rather than on the window's thread.
            log.measure_all();
            // A line as long as it is: the file has no width to wrap at.
            log.set_layout(RowLayout {
                columns: usize::MAX,
                ..log.layout()
            });
            done(save(&log, t, &path, wire));
        })
        .map(drop)
        .map_err(|source| FileError::Spawn {
            path: spawn_path,
            source,
        })
}

fn save(log: &Store, t: &Texts, path: &Path, wire: super::Wire) -> Result<SavedLog, FileError> {
    let file = File::create(path).map_err(|source| FileError::Create {
        path: path.to_owned(),
        source,
    })?;
    let mut out = BufWriter::with_capacity(256 * 1024, file);
    // What reached the file before a failure, as save-to-file reports it.
    let fail = |out: &BufWriter<File>, source| FileError::Write {
        path: path.to_owned(),
        written: out.get_ref().metadata().map_or(0, |file| file.len()),
        source,
    };
    let is = |wanted: &str| {
        path.extension()
            .is_some_and(|extension| extension.eq_ignore_ascii_case(wanted))
    };
    let written = if is("csv") {
        super::table::write_csv(log, t, &mut out)
    } else if is("pcap") {
        super::pcap::write_pcap(log, wire, &mut out)
    } else {
        write_log(log, t, &mut out)
    };
    let lines = written.map_err(|source| fail(&out, source))?;
    out.into_inner().map_err(|error| {
        let (source, out) = error.into_parts();
        fail(&out, source)
    })?;
    Ok(SavedLog {
        path: path.to_owned(),
        lines,
    })
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::*;
    use crate::codec::InputMode;
    use crate::i18n::Language;
    use crate::log::Log;
    use crate::log::Notice;
    use crate::log::T0;
    use crate::net::SentBy;

    /// The lines of the saved log with each line's time (`[hh:mm:ss.mmm] `) cut off.
    fn saved_lines(log: &Log, language: Language) -> Vec<String> {
        let mut out = Vec::new();
        let lines = write_log(log.store(), language.texts(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines_seen: Vec<String> = text
            .lines()
            .map(|line| match line.strip_prefix('[') {
                Some(rest) if rest.get(12..14) == Some("] ") => rest[14..].to_owned(),
                _ => line.to_owned(),
            })
            .collect();
        assert_eq!(lines, lines_seen.len() as u64);
        lines_seen
    }

    /// What a capture would fall back on: a TCP session whose address is not known.
    const TCP_SERVER: crate::log::Wire = crate::log::Wire {
        tcp: true,
        local: None,
    };

    fn sample() -> (Log, SocketAddr) {
        let peer = SocketAddr::from(([127, 0, 0, 1], 4000));
        let mut log = Log::default();
        log.notice(Notice::PeerJoined(peer), T0);
        log.received(peer, "温度=25\nstatus ".into(), T0);
        log.received(peer, "ok\n".into(), T0);
        log.sent(
            peer,
            bytes::Bytes::from_static(b"READ\x01"),
            SentBy::Owner,
            T0,
        );
        (log, peer)
    }

    #[test]
    fn the_file_holds_the_log_as_the_window_shows_it() {
        let (mut log, _) = sample();
        assert_eq!(
            saved_lines(&log, Language::English),
            [
                "● Client joined: 127.0.0.1:4000",
                "RX ← 127.0.0.1:4000 (17 B)",
                "温度=25",
                "status ",
                "RX ← 127.0.0.1:4000 (3 B)",
                "ok",
                "TX → 127.0.0.1:4000 (5 B)",
                "READ·",
            ]
        );
        assert_eq!(
            saved_lines(&log, Language::Chinese)[0],
            "● 客户端接入: 127.0.0.1:4000"
        );

        log.store_mut().set_view(InputMode::Hex);
        assert_eq!(
            saved_lines(&log, Language::English)[1..3],
            [
                "RX ← 127.0.0.1:4000 (17 B)",
                "0000  E6 B8 A9 E5 BA A6 3D 32 35 0A 73 74 61 74 75 73  ......=25.status",
            ]
        );

        // Without log mode: the raw stream, a line continued across reads, no lifecycle lines.
        let layout = log.store().layout();
        log.store_mut().set_layout(RowLayout {
            view: InputMode::Text,
            headers: false,
            ..layout
        });
        assert_eq!(
            saved_lines(&log, Language::English),
            ["温度=25", "status ok", "READ·"]
        );
    }

    #[test]
    fn long_lines_stay_whole_and_the_dropped_marker_comes_first() {
        let peer = SocketAddr::from(([127, 0, 0, 1], 4000));
        let mut log = Log::with_budget(4096);
        log.received(peer, format!("{}\n", "old ".repeat(500)).into(), T0);
        let long_line = "x".repeat(3000);
        log.received(peer, format!("{long_line}\nend\n").into(), T0);
        assert!(log.store().dropped() > 0);
        let path = std::env::temp_dir().join(format!("netdebug-log-{}.txt", std::process::id()));
        let (done, outcome) = std::sync::mpsc::channel();
        save_in_background(
            log.snapshot(),
            Language::English.texts(),
            (path.clone(), TCP_SERVER),
            move |result| done.send(result).unwrap(),
        )
        .unwrap();
        let saved = outcome.recv().unwrap().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(saved.lines, lines.len() as u64);
        assert!(lines[0].contains("dropped"), "{}", lines[0]);
        assert!(
            text.contains(&long_line),
            "a 3000-character line is one line in the file"
        );
    }

    #[test]
    fn a_file_that_cannot_be_created_is_an_error_not_a_panic() {
        let (log, _) = sample();
        let path = std::env::temp_dir()
            .join("no-such-dir-netdebug")
            .join("log.txt");
        let (done, outcome) = std::sync::mpsc::channel();
        save_in_background(
            log.snapshot(),
            Language::English.texts(),
            (path, TCP_SERVER),
            move |result| {
                done.send(result).unwrap();
            },
        )
        .unwrap();
        let error = outcome.recv().unwrap().unwrap_err();
        assert!(matches!(error, FileError::Create { .. }), "{error}");
    }
}

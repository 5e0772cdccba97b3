//! `--headless` under a flood: the real release binary as a TCP server with save-to-file,
//! 500 MiB of random binary and then of text lines sent into it as fast as 127.0.0.1 takes
//! them, its log printed to a file (stdout redirected, as a script keeps it) and, again, with
//! `--quiet`. Beside each, in the same run, `socat -u TCP-LISTEN:… OPEN:…` taking the same
//! bytes into a file (where socat is installed) and a plain read-to-file loop, as ratios.
//! Prints the time until the saved file is complete, until the process has printed
//! everything and ended, its peak memory, and whether the saved file is byte-exact. Figures,
//! not asserts. The log is printed as UTF-8 and again as GBK. `-- text` (or `random`) runs one
//! kind; `-- --printed` skips `--quiet`.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss
)] // measurement code: a panic is a failed run

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How much is sent each run.
const TOTAL: u64 = 500 << 20;
/// Sent this many bytes at a time.
const CHUNK: usize = 1 << 20;
/// The headless server ends after this much quiet once the sender has gone.
const IDLE_MS: u64 = 300;

fn main() {
    println!("headless_flood: {}", support::machine());
    let random = support::random_bytes(CHUNK);
    let lines: Vec<u8> = "T=25.3 H=61% P=1013.2 state=OK seq=000123 crc=ABCD ----------------\r\n"
        .bytes()
        .cycle()
        .take(CHUNK)
        .collect();
    let dir = support::ram_dir().join(format!("netdebug-headless-flood-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // `cargo bench --bench headless_flood -- text` measures only what names "text".
    let only = std::env::args().skip(1).find(|arg| !arg.starts_with('-'));
    for (name, chunk) in [("random binary", &random), ("text lines", &lines)] {
        if only
            .as_ref()
            .is_some_and(|only| !name.contains(only.as_str()))
        {
            continue;
        }
        let rate = |took: Duration| TOTAL as f64 / took.as_secs_f64() / 1e6;
        let bare = rate(support::bare_read_to_file(
            chunk,
            TOTAL,
            &dir.join("bare.bin"),
        ));
        let socat = support::socat_to_file(chunk, TOTAL, &dir.join("socat.bin")).map(rate);
        // The ratios are to socat, the reference the issues name, where it is installed.
        let (reference, bare_rate) = match socat {
            Some(socat) => ("socat", socat),
            None => ("the plain loop", bare),
        };
        println!(
            "{name}: a plain read-to-file loop {bare:.0} MB/s, socat -u TCP-LISTEN FILE {}",
            socat.map_or("not installed".to_owned(), |socat| format!(
                "{socat:.0} MB/s"
            ))
        );
        let runs = [
            ("log printed to a file", false, "utf8"),
            ("log printed to a file, read as GBK", false, "gbk"),
            ("--quiet", true, "utf8"),
        ];
        for (how, quiet, encoding) in runs {
            if quiet && std::env::args().any(|arg| arg == "--printed") {
                continue;
            }
            let run = headless(chunk, &dir, quiet, encoding);
            let saved_rate = TOTAL as f64 / run.saved.as_secs_f64() / 1e6;
            let done_rate = TOTAL as f64 / run.done.as_secs_f64() / 1e6;
            println!(
                "  headless, {how}: file complete at {saved_rate:.0} MB/s ({:.2}x {reference}), \
                 all printed and ended at {done_rate:.0} MB/s ({:.2}x); printed {:.1} MB; \
                 peak memory {} MB; saved file byte-exact: {}",
                saved_rate / bare_rate,
                done_rate / bare_rate,
                run.printed as f64 / 1e6,
                run.peak_rss >> 20,
                run.exact,
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// What one headless run measured.
struct Run {
    /// From the first byte sent until the saved file had every byte.
    saved: Duration,
    /// From the first byte sent until the process ended, less its idle wait.
    done: Duration,
    /// Bytes of log printed.
    printed: u64,
    peak_rss: u64,
    exact: bool,
}

/// Runs the release binary as a headless TCP server saving to a file in `dir`, its log
/// printed to another there (nothing but errors with `quiet`) with its text read as
/// `encoding`, and floods it with `chunk`.
fn headless(chunk: &[u8], dir: &Path, quiet: bool, encoding: &str) -> Run {
    let saved: PathBuf = dir.join("saved.bin");
    let printed = dir.join("printed.txt");
    let port = support::free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_netdebug"));
    command
        .args(["--headless", "--lang", "en", "--mode", "tcp-server"])
        .args(["--address", "127.0.0.1", "--port", &port.to_string()])
        .args(["--exit-after-idle-ms", &IDLE_MS.to_string()])
        .args(["--encoding", encoding])
        .arg("--save")
        .arg(&saved)
        .stdout(Stdio::from(std::fs::File::create(&printed).unwrap()))
        .stderr(Stdio::inherit());
    if quiet {
        command.arg("--quiet");
    }
    let mut child = command.spawn().unwrap();
    let pid = child.id();
    let mut stream = support::connect_when_listening(port, Duration::from_secs(10));
    let start = Instant::now();
    let sender = {
        let chunk = chunk.to_vec();
        std::thread::spawn(move || {
            for _ in 0..TOTAL / chunk.len() as u64 {
                stream.write_all(&chunk).unwrap();
            }
        })
    };
    let mut peak_rss = 0;
    let mut saved_at = None;
    let status = loop {
        peak_rss = peak_rss.max(support::rss_bytes(pid).unwrap_or(0));
        if saved_at.is_none() && std::fs::metadata(&saved).map_or(0, |m| m.len()) >= TOTAL {
            saved_at = Some(start.elapsed());
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_mins(10),
            "the headless run never ended"
        );
        std::thread::sleep(Duration::from_millis(2));
    };
    let done = start
        .elapsed()
        .saturating_sub(Duration::from_millis(IDLE_MS));
    sender.join().unwrap();
    assert!(status.success(), "the headless run failed: {status}");
    let exact = support::holds_repeated(&saved, chunk, TOTAL);
    let run = Run {
        saved: saved_at.unwrap_or(done),
        done,
        printed: std::fs::metadata(&printed).unwrap().len(),
        peak_rss,
        exact,
    };
    std::fs::remove_file(&saved).unwrap();
    std::fs::remove_file(&printed).unwrap();
    run
}

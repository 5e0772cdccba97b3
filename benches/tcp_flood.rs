//! A TCP flood into the window: 2 GB sent as fast as possible to a server session whose events
//! are applied to the window's state (decoded into the log) on the window's own schedule:
//! a frame when the repaint pacer asks for one, at once when the engine says its backlog is
//! full. Prints throughput, the longest and p99 frame (the cost of one drain), the peak
//! memory, and that every byte was counted while the log kept to its budget. Six times: one
//! letter over and over; 80-character lines ending in CRLF, as devices send text; the same
//! lines split into one entry each (*Split messages* at `\r\n`), and also checked for a
//! CRC16/MODBUS (*Check received*); GBK lines, as Chinese devices send it; and 64-byte binary
//! frames (`AA 55`, a length, the data, a CRC16/MODBUS) split by their length field and
//! checked. Then random binary, as devices send it, with save-to-file on, in the text view as
//! UTF-8 and as GBK and in the hex view, each beside `socat -u TCP-LISTEN:… OPEN:…` (where
//! socat is installed) and a plain read-to-file loop taking the same bytes into the same
//! directory in the same run, as ratios; the saved file is compared with what was sent.
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
use std::sync::Arc;
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use netdebug::codec::TextEncoding;
use netdebug::controller::{DRAIN_BUDGET, measuring_deadline};
use netdebug::net::{Endpoint, Engine, SessionConfig, Wakeup};
use netdebug::repaint::RepaintPacer;

const TOTAL: u64 = 2 << 30;
const CHUNK: usize = 1 << 20;
/// Random binary is sent 500 MiB at a time: today the log takes it far slower than text.
const BINARY_TOTAL: u64 = 500 << 20;

/// Whether this process floods random binary.
fn binary() -> bool {
    std::env::args().any(|arg| arg.starts_with("binary"))
}

/// Bytes this flood sends.
fn total() -> u64 {
    if binary() { BINARY_TOTAL } else { TOTAL }
}

fn main() {
    // Each flood runs in a process of its own, so neither one's memory counts in the other's
    // peak.
    if let Some(kind) = std::env::args().skip_while(|arg| arg != "--flood").nth(1) {
        let chunk: Vec<u8> = match kind.as_str() {
            "letters" => vec![b'A'; CHUNK],
            "gbk" => {
                let line = TextEncoding::Gbk.encode("温度=25.3℃ 湿度=61%\r\n").unwrap();
                line.iter().copied().cycle().take(CHUNK).collect()
            }
            "binary-utf8" | "binary-gbk" | "binary-hex" => support::random_bytes(CHUNK),
            "lines" | "split" | "checked" => (0..CHUNK)
                .map(|i| match i % 80 {
                    78 => b'\r',
                    79 => b'\n',
                    _ => b'A',
                })
                .collect(),
            "frames" => {
                let mut frame = vec![0xAA, 0x55, 59];
                frame.extend_from_slice(&[b'A'; 59]);
                let crc = netdebug::codec::Checksum::Crc16Modbus.digest(&frame);
                frame.extend_from_slice(crc.as_bytes());
                // 64 bytes: a chunk holds whole frames, so the stream stays in step.
                assert_eq!(CHUNK % frame.len(), 0);
                frame.repeat(CHUNK / frame.len())
            }
            other => panic!("no flood called {other}"),
        };
        flood(&chunk);
        return;
    }
    println!("tcp_flood: {}", support::machine());
    for (kind, name) in [
        ("letters", "one letter over and over"),
        ("lines", "80-character lines ending in CRLF"),
        ("split", "the same lines split into one entry each at CRLF"),
        (
            "checked",
            "the same lines split at CRLF and each checked for a CRC16/MODBUS",
        ),
        ("gbk", "GBK lines, half of them Chinese, decoded as GBK"),
        (
            "frames",
            "64-byte binary frames split by their length field, each checked for a CRC16/MODBUS",
        ),
        (
            "binary-utf8",
            "random binary, saved to a file, text view decoding UTF-8",
        ),
        (
            "binary-gbk",
            "random binary, saved to a file, text view decoding GBK",
        ),
        ("binary-hex", "random binary, saved to a file, hex view"),
    ] {
        println!("  {name}:");
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--flood", kind])
            .status()
            .unwrap();
        assert!(status.success(), "the {kind} flood failed");
    }
}

fn flood(chunk: &[u8]) {
    let runtime = support::runtime();
    // The app's notifier, with the repaint requests sent here instead of to egui: how long
    // until the next frame.
    let (repaint, repaint_requests) = channel::<Duration>();
    let pacer = RepaintPacer::default();
    let (engine, mut events) = Engine::new(
        runtime.handle().clone(),
        Arc::new(move |wakeup| {
            let _ = repaint.send(match wakeup {
                Wakeup::Events => pacer.delay(),
                Wakeup::BacklogFull => Duration::ZERO,
            });
        }),
    );
    let mut session = engine.session();
    let (mut state, local) = support::open_and_wait(
        &mut session,
        &mut events,
        SessionConfig::TcpServer {
            local: Endpoint::new("127.0.0.1", 0),
            tls: None,
        },
    );
    if std::env::args().any(|arg| arg == "gbk" || arg == "binary-gbk") {
        state.log.set_encoding(TextEncoding::Gbk);
    }
    if std::env::args().any(|arg| arg == "checked" || arg == "frames") {
        state
            .log
            .set_check_kind(netdebug::codec::Checksum::Crc16Modbus);
    }
    if std::env::args().any(|arg| arg == "split" || arg == "checked") {
        state.split.by = netdebug::workspace::SplitBy::Delimiter;
        r"\r\n".clone_into(&mut state.split.delimiter);
        state.apply_split();
    }
    if std::env::args().any(|arg| arg == "frames") {
        state.split.by = netdebug::workspace::SplitBy::LengthField;
        state.split.length = "2:u8:+2".parse().unwrap();
        state.apply_split();
    }
    if std::env::args().any(|arg| arg == "binary-hex") {
        state
            .log
            .store_mut()
            .set_view(netdebug::codec::InputMode::Hex);
    }
    let total = total();
    // Random binary: the bare references first, then the same bytes saved by the session,
    // all into the same directory (RAM, where there is one: the disk is not measured).
    let dir = support::ram_dir();
    let id = std::process::id();
    let rate = |took: Duration| total as f64 / 1e6 / took.as_secs_f64();
    let bare = binary().then(|| {
        let path = dir.join(format!("netdebug-bare-{id}.bin"));
        rate(support::bare_read_to_file(chunk, total, &path))
    });
    let socat = binary()
        .then(|| {
            support::socat_to_file(chunk, total, &dir.join(format!("netdebug-socat-{id}.bin")))
        })
        .flatten()
        .map(rate);
    let saved = dir.join(format!("netdebug-flood-{id}.bin"));
    if binary() {
        session
            .start_capture(&saved, netdebug::net::CaptureFormat::Raw)
            .unwrap();
    }
    let before = support::peak_rss_bytes().unwrap_or(0);

    let sent = chunk.to_vec();
    let sender = std::thread::spawn(move || {
        let mut stream = std::net::TcpStream::connect(local).unwrap();
        let start = Instant::now();
        for _ in 0..total / CHUNK as u64 {
            stream.write_all(&sent).unwrap();
        }
        start.elapsed()
    });

    // The window's loop: sleep until the earliest repaint asked for, then one frame that
    // drains and applies everything waiting.
    let start = Instant::now();
    let mut next_frame: Option<Instant> = None;
    let mut frame_ms = Vec::new();
    while state.traffic.rx.bytes < total {
        assert!(
            start.elapsed() < Duration::from_mins(3),
            "the flood stalled"
        );
        let wait = next_frame.map_or(Duration::from_secs(1), |at| {
            at.saturating_duration_since(Instant::now())
        });
        match repaint_requests.recv_timeout(wait) {
            Ok(delay) => {
                let at = Instant::now() + delay;
                next_frame = Some(next_frame.map_or(at, |next| next.min(at)));
                continue;
            }
            Err(RecvTimeoutError::Timeout) if next_frame.is_some() => {}
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => panic!("the engine is gone"),
        }
        next_frame = None;
        let frame = Instant::now();
        state.start_drain();
        for event in events.drain_until(frame + DRAIN_BUDGET) {
            state.apply(event);
        }
        let entries_wait = state.finish_drain(measuring_deadline(frame + DRAIN_BUDGET));
        frame_ms.push(frame.elapsed().as_secs_f64() * 1e3);
        if entries_wait || events.has_waiting() {
            // The window's next frame comes at once, as the controller asks.
            next_frame = Some(Instant::now());
        }
    }
    // With save-to-file on, the flood is in only once the file is complete.
    let written = session.stop_capture().map(|writer| writer.wait().unwrap());
    let elapsed = start.elapsed();
    let send_time = sender.join().unwrap();
    let peak = support::peak_rss_bytes().unwrap_or(0);

    let frames = frame_ms.len();
    let longest = frame_ms.iter().copied().fold(0.0, f64::max);
    let (median, p99) = support::median_p99(&mut frame_ms);
    println!(
        "    {} MB sent in {:.2} s; counted by the window: {} B in {:.2} s = {:.0} MB/s, text decoded into the log",
        total >> 20,
        send_time.as_secs_f64(),
        state.traffic.rx.bytes,
        elapsed.as_secs_f64(),
        total as f64 / 1e6 / elapsed.as_secs_f64()
    );
    if let (Some(bare), Some(written)) = (bare, written) {
        let speed = total as f64 / 1e6 / elapsed.as_secs_f64();
        let exact = support::holds_repeated(&saved, chunk, total);
        println!(
            "    saved {written} B, byte-exact: {exact}; a plain read-to-file loop {bare:.0} MB/s, NetDebug {:.2}x of it",
            speed / bare
        );
        match socat {
            Some(socat) => println!(
                "    socat -u TCP-LISTEN FILE {socat:.0} MB/s, NetDebug {:.2}x of it",
                speed / socat
            ),
            None => println!("    (no socat here to compare with)"),
        }
        assert!(exact && written == total, "the saved file differs");
        let _ = std::fs::remove_file(&saved);
    }
    println!(
        "    {frames} frames; applying one drain: median {median:.1} ms, p99 {p99:.1} ms, longest {longest:.1} ms"
    );
    println!(
        "    peak resident memory: {:.0} MB before the flood, {:.0} MB during it (log budget {} MB, engine backlog 16 MB)",
        before as f64 / 1e6,
        peak as f64 / 1e6,
        state.log.store().budget() >> 20
    );
    println!(
        "    log: {} entries kept, {} dropped from view, {:.1} MB used",
        state.log.store().entries().len(),
        state.log.store().dropped(),
        state.log.store().used() as f64 / 1e6
    );
    // What the flood's frames left to measure, which the window's next frames do in slices.
    let waiting = state.log.store().unmeasured_entries();
    let catch_up = Instant::now();
    state.log.store_mut().measure_all();
    println!(
        "    left to measure after it: {waiting} entries, {:.0} ms",
        catch_up.elapsed().as_secs_f64() * 1e3
    );
    if std::env::args().any(|arg| arg == "frames") {
        let tally = state.log.check_tally();
        println!(
            "    checked: {} frames right, {} wrong (of {} sent)",
            tally.good,
            tally.bad,
            TOTAL / 64
        );
        assert_eq!(
            (tally.good, tally.bad),
            (TOTAL / 64, 0),
            "frames out of step"
        );
    }
    session.close();
}

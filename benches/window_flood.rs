//! The real window under a flood: the release binary on a display (Xvfb if none) as a TCP
//! server with save-to-file (`--mode tcp-server --save … --open`), 500 MiB of random binary
//! sent into it as fast as 127.0.0.1 takes it, in the text view as UTF-8 and as GBK and in the
//! hex view. Prints the time until the saved file is complete beside `socat -u TCP-LISTEN:…
//! OPEN:…` taking the same bytes (where socat is installed), the window's peak memory, and
//! whether the file is byte-exact. The window draws every frame in software under Xvfb
//! (Mesa's llvmpipe), in the same process. Figures, not asserts.
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
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How much is sent each run.
const TOTAL: u64 = 500 << 20;
/// Sent this many bytes at a time.
const CHUNK: usize = 1 << 20;

fn main() {
    println!("window_flood: {}", support::machine());
    let Some(display) = support::Display::get() else {
        return;
    };
    let chunk = support::random_bytes(CHUNK);
    let dir = support::ram_dir().join(format!("netdebug-window-flood-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rate = |took: Duration| TOTAL as f64 / took.as_secs_f64() / 1e6;
    let socat = support::socat_to_file(&chunk, TOTAL, &dir.join("socat.bin")).map(rate);
    match socat {
        Some(socat) => println!("socat -u TCP-LISTEN FILE: {socat:.0} MB/s"),
        None => println!("(no socat here to compare with)"),
    }
    for (view, extra) in [
        ("text view, UTF-8", &[][..]),
        ("text view, GBK", &["--encoding", "gbk"][..]),
        ("hex view", &["--show", "hex"][..]),
    ] {
        let (took, peak, exact) = flood_window(&display.name, &chunk, &dir, extra);
        let speed = rate(took);
        let ratio = socat.map_or(String::new(), |socat| {
            format!(" = {:.2}x socat", speed / socat)
        });
        println!(
            "  {view}: file complete at {speed:.0} MB/s{ratio}; peak memory {} MB; \
             saved file byte-exact: {exact}",
            peak >> 20
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Starts the window as a TCP server saving into `dir` (with `extra` options), floods it with
/// `chunk`, and ends it: the time from connecting until the file was complete, the peak
/// resident memory, and whether the file holds exactly what was sent.
fn flood_window(display: &str, chunk: &[u8], dir: &Path, extra: &[&str]) -> (Duration, u64, bool) {
    let saved = dir.join("saved.bin");
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let port = support::free_port();
    // A home of its own: no settings or workspace of an earlier run are restored.
    let mut app = Command::new(env!("CARGO_BIN_EXE_netdebug"))
        .args([
            "--lang",
            "en",
            "--mode",
            "tcp-server",
            "--address",
            "127.0.0.1",
        ])
        .args(["--port", &port.to_string(), "--open", "--save"])
        .arg(&saved)
        .args(extra)
        .env("DISPLAY", display)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_RUNTIME_DIR", &home)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = app.id();
    let mut stream = support::connect_when_listening(port, Duration::from_secs(30));
    let start = Instant::now();
    let sender = {
        let chunk = chunk.to_vec();
        std::thread::spawn(move || {
            for _ in 0..TOTAL / chunk.len() as u64 {
                stream.write_all(&chunk).unwrap();
            }
            stream
        })
    };
    let mut peak = 0;
    while std::fs::metadata(&saved).map_or(0, |m| m.len()) < TOTAL {
        peak = peak.max(support::rss_bytes(pid).unwrap_or(0));
        assert!(
            start.elapsed() < Duration::from_mins(5),
            "the flood stalled"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let took = start.elapsed();
    drop(sender.join().unwrap());
    let _ = app.kill();
    let _ = app.wait();
    let exact = support::holds_repeated(&saved, chunk, TOTAL);
    std::fs::remove_file(&saved).unwrap();
    (took, peak, exact)
}

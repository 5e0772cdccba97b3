//! Benchmark 6: the release binary under a display (Xvfb if none): time from spawn to the first
//! frame, and resident memory once idle. Five runs.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)] // measurement code: a panic is a failed run

mod support;

use std::time::{Duration, Instant};

fn main() {
    println!("startup: {}", support::machine());
    let Some(display) = support::Display::get() else {
        return;
    };
    let mut first_frames = Vec::new();
    let mut idle_rss = Vec::new();
    let mut split = support::RssBreakdown::default();
    for _ in 0..5 {
        let start = Instant::now();
        let mut app = display.spawn_app(&["--lang", "zh", "--print-first-frame"]);
        let _stdout = support::wait_for_first_frame(&mut app);
        first_frames.push(start.elapsed().as_secs_f64() * 1e3);
        std::thread::sleep(Duration::from_secs(3));
        idle_rss.push(support::rss_bytes(app.id()).unwrap_or(0) as f64 / 1e6);
        split = support::RssBreakdown::of(app.id()).unwrap_or_default();
        let _ = app.kill();
        let _ = app.wait();
    }
    let (first_median, _) = support::median_p99(&mut first_frames);
    let (rss_median, _) = support::median_p99(&mut idle_rss);
    println!(
        "  start to first frame: median {first_median:.0} ms (runs: {})",
        join(&first_frames, "ms")
    );
    println!(
        "  idle resident memory: median {rss_median:.0} MB (runs: {})",
        join(&idle_rss, "MB")
    );
    let mb = |bytes: u64| bytes as f64 / 1e6;
    println!(
        "  last run's memory by place: graphics driver libraries (Mesa, LLVM, GL, X) {:.0} MB, NetDebug binary {:.0} MB, heap and other anonymous memory {:.0} MB, other files (libraries, fonts) {:.0} MB; NetDebug's own part (binary + anonymous) {:.0} MB",
        mb(split.graphics_driver),
        mb(split.binary),
        mb(split.anonymous),
        mb(split.other),
        mb(split.binary + split.anonymous)
    );
}

fn join(values: &[f64], unit: &str) -> String {
    values
        .iter()
        .map(|v| format!("{v:.0} {unit}"))
        .collect::<Vec<_>>()
        .join(", ")
}

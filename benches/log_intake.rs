//! What the log costs per byte it takes in, on one thread, without sockets: 64 MiB of each
//! kind of data users have (random binary, ASCII lines, Chinese lines in GBK and in UTF-8)
//! read into a log as 64 KiB reads, in UTF-8 and in GBK, beside a plain copy of the same
//! bytes into a buffer (what any receiver must do at least) as a ratio. Then the re-scan an
//! encoding switch makes of all the log keeps. Figures, not asserts.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss
)] // measurement code: a panic is a failed run

mod support;

use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use chrono::NaiveTime;
use netdebug::codec::TextEncoding;
use netdebug::log::{Log, write_entry_lines};

/// How much of each kind is read in.
const TOTAL: usize = 64 << 20;
/// The size of each read.
const READ: usize = 64 << 10;

fn main() {
    println!("log_intake: {}", support::machine());
    let peer: SocketAddr = "127.0.0.1:9000".parse().unwrap();
    let ascii: Vec<u8> = "T=25.3 H=61% P=1013.2 state=OK seq=000123 crc=ABCD ----------------\r\n"
        .bytes()
        .cycle()
        .take(TOTAL)
        .collect();
    let chinese = "温度=25.3℃ 湿度=61% 状态=正常\r\n";
    let gbk = TextEncoding::Gbk.encode(chinese).unwrap();
    let kinds: [(&str, Vec<u8>); 4] = [
        ("random binary", support::random_bytes(TOTAL)),
        ("ASCII lines", ascii),
        (
            "Chinese lines, GBK",
            gbk.iter().copied().cycle().take(TOTAL).collect(),
        ),
        (
            "Chinese lines, UTF-8",
            chinese.bytes().cycle().take(TOTAL).collect(),
        ),
    ];
    let copy = copy_ns_per_byte(&kinds[0].1);
    println!("plain copy into a buffer: {copy:.3} ns/B");
    // `cargo bench --bench log_intake -- random` measures only what names "random".
    let only = std::env::args().skip(1).find(|arg| !arg.starts_with('-'));
    for (name, data) in &kinds {
        for encoding in [TextEncoding::Utf8, TextEncoding::Gbk] {
            let case = format!("{name} as {encoding:?}");
            if only
                .as_ref()
                .is_some_and(|only| !case.contains(only.as_str()))
            {
                continue;
            }
            let (intake, rescan, printed) = intake_ns_per_byte(data, encoding, peer);
            println!(
                "{case:<30}: intake {intake:.2} ns/B = {:.0} MB/s ({:.1}x a copy), \
                 re-scan on a switch {rescan:.2} ns/B, printed (headless) {printed:.2} ns/B",
                1e3 / intake,
                intake / copy,
            );
        }
    }
}

/// Nanoseconds per byte to copy `data` read by read into a buffer that is reused.
fn copy_ns_per_byte(data: &[u8]) -> f64 {
    let mut buffer = vec![0_u8; READ];
    let start = Instant::now();
    for read in data.chunks(READ) {
        buffer[..read.len()].copy_from_slice(read);
        std::hint::black_box(&mut buffer);
    }
    start.elapsed().as_nanos() as f64 / data.len() as f64
}

/// Nanoseconds per byte to read `data` into a log as `encoding`, to scan what it keeps again
/// when the encoding switches away and back, and to print what it keeps as headless does.
fn intake_ns_per_byte(data: &[u8], encoding: TextEncoding, peer: SocketAddr) -> (f64, f64, f64) {
    let mut log = Log::default();
    log.set_encoding(encoding);
    let reads: Vec<Bytes> = data.chunks(READ).map(Bytes::copy_from_slice).collect();
    let time = NaiveTime::MIN;
    let start = Instant::now();
    for read in reads {
        log.received(peer, read, time);
    }
    let intake = start.elapsed().as_nanos() as f64 / data.len() as f64;
    let kept = log.store().used();
    let other = match encoding {
        TextEncoding::Utf8 => TextEncoding::Gbk,
        TextEncoding::Gbk => TextEncoding::Utf8,
    };
    log.set_encoding(other);
    let start = Instant::now();
    log.set_encoding(encoding);
    let rescan = start.elapsed().as_nanos() as f64 / kept as f64;
    let texts = netdebug::i18n::Language::English.texts();
    // Written into a buffer that is reused, as headless writes into its BufWriter's.
    let mut printed = Vec::new();
    let start = Instant::now();
    for entry in log.store().entries() {
        write_entry_lines(log.store(), entry, texts, &mut printed).unwrap();
        std::hint::black_box(&mut printed).clear();
    }
    let print = start.elapsed().as_nanos() as f64 / kept as f64;
    (intake, rescan, print)
}

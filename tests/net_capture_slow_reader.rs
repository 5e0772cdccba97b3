//! Save-to-file into a target slower than the network: memory stays bounded, by what each
//! received chunk really costs, and nothing that was received is lost from the file.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test
#![cfg(unix)] // a FIFO is the slow reader

mod common;

use std::io::Read as _;
use std::time::Duration;

use common::{WAIT, open_udp, session};
use netdebug::net::{CaptureFormat, EventKind};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_small_datagrams_into_a_slow_fifo_keeps_the_queue_under_its_limit() {
    // Far below the default, so a flood of a few MB shows whether the limit holds.
    const QUEUE_LIMIT: usize = 256 << 10;
    const DATAGRAMS: u32 = 60_000;
    let fifo = std::env::temp_dir().join(format!("netdebug-slow-fifo-{}", std::process::id()));
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo failed");
    // The slow disk: 1 KiB every 10 ms, about 6,400 of these datagrams a second.
    let reader_path = fifo.clone();
    let reader = std::thread::spawn(move || {
        let mut file = std::fs::File::open(reader_path).unwrap();
        let mut saved = Vec::new();
        let mut buf = [0; 1024];
        loop {
            let n = file.read(&mut buf).unwrap();
            if n == 0 {
                return saved;
            }
            saved.extend_from_slice(&buf[..n]);
            std::thread::sleep(Duration::from_millis(10));
        }
    });
    let (mut session, mut events) = session();
    // Opening a FIFO for writing waits for its reader, which the thread above is.
    let progress = session
        .start_capture_queued(&fifo, CaptureFormat::Raw, QUEUE_LIMIT)
        .unwrap();
    let local = open_udp(&mut session, &mut events).await;

    let flood = std::thread::spawn(move || {
        let device = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        for i in 0..DATAGRAMS {
            device.send_to(&i.to_be_bytes(), local).unwrap();
        }
    });
    // Drained as the window does, so only save-to-file holds the session back; the kernel
    // drops what the stalled session leaves in its buffer.
    let mut received = Vec::new();
    let mut quiet = 0;
    let deadline = tokio::time::Instant::now() + WAIT;
    while quiet < 20 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(16)).await;
        let before = received.len();
        for event in events.drain() {
            if let EventKind::Datagrams(datagrams) = event.kind {
                for (_, bytes) in datagrams {
                    received.extend_from_slice(&bytes);
                }
            }
        }
        quiet = if received.len() == before && flood.is_finished() {
            quiet + 1
        } else {
            0
        };
    }
    flood.join().unwrap();
    let peak = progress.peak_queued();
    // A burst is reported whole once it has room, and one burst (at most 4,096 datagrams)
    // may be larger than the whole limit: the bound is the limit plus one burst.
    let one_burst = 4096 * (4 + 128);
    assert!(
        peak <= (QUEUE_LIMIT + one_burst) as u64,
        "{peak} bytes waited for the writer, with a limit of {QUEUE_LIMIT}"
    );
    assert!(
        peak >= (QUEUE_LIMIT / 2) as u64,
        "the reader was never the slower one ({peak} bytes queued at most)"
    );

    let written = session.stop_capture().unwrap().wait().unwrap();
    let saved = reader.join().unwrap();
    std::fs::remove_file(&fifo).unwrap();
    assert_eq!(
        written,
        received.len() as u64,
        "every datagram received is saved"
    );
    assert_eq!(saved, received, "the file holds exactly what was received");
    assert_eq!(progress.queued(), 0);
}

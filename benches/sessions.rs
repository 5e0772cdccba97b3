//! Benchmark 9: a workspace of many sessions, each figure beside one session alone in the same
//! run.
//! (a) 8 UDP sessions each receiving 2,000 datagrams/s for 10 s, one shown: CPU-seconds of the
//!     engine and the window's frames (egui layout and tessellation, no rasterizing), senders
//!     left out, and every datagram counted;
//! (b) frame time with 8 sessions each holding a 1,000,000-line log, one shown, then two side
//!     by side;
//! (c) the release app opening a workspace of 20 sessions: time to its first frame.
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

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use netdebug::controller::Controller;
use netdebug::i18n::Language;
use netdebug::ui::{Action, Layout};
use netdebug::workspace::{Mode, TabId, Workspace};

const RATE: u64 = 2_000;
const SECONDS: u64 = 10;
const PAYLOAD: &[u8] = b"sensor 0042 temperature=25.3 humidity=61% status=OK\r\n";
const LINES: u32 = 1_000_000;
const FRAMES: usize = 200;

/// A workspace of `count` sessions in `mode` on 127.0.0.1, any free port.
fn workspace(count: usize, mode: Mode) -> Workspace {
    let mut workspace = Workspace::new(Language::English);
    for _ in 1..count {
        workspace.add_fresh();
    }
    for tab in workspace.tabs_mut() {
        tab.state.mode = mode;
        "127.0.0.1".clone_into(&mut tab.state.address);
        "0".clone_into(&mut tab.state.port);
    }
    let first = workspace.tabs()[0].id;
    workspace.focus(first);
    workspace
}

/// CPU time of this process's threads: the engine's (the runtime's workers, `bench-net`) and
/// the rest but the senders (named `sender`), which is the window's thread.
fn cpu_engine_and_window() -> (Duration, Duration) {
    let (mut engine, mut window) = (Duration::ZERO, Duration::ZERO);
    for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        let path = task.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        if name.starts_with("sender") {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(path.join("stat")) else {
            continue;
        };
        // Fields after the command name, which is in parentheses: utime is the 12th, stime
        // the 13th of those, in clock ticks (100 a second on Linux).
        let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let fields: Vec<&str> = after.split_whitespace().collect();
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        let time = Duration::from_millis(ticks * 10);
        if name.starts_with("bench-net") {
            engine += time;
        } else {
            window += time;
        }
    }
    (engine, window)
}

/// One frame of the real window at 1280×800: layout and tessellation.
fn frame(ctx: &egui::Context, workspace: &mut Workspace, layout: &mut Layout) -> f64 {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    };
    let start = Instant::now();
    let mut commands = Vec::new();
    let output = ctx.run_ui(input, |ui| {
        commands = netdebug::ui::window_ui(ui, workspace, layout);
    });
    support::apply_edits(workspace, commands);
    let _ = ctx.tessellate(output.shapes, output.pixels_per_point);
    start.elapsed().as_secs_f64() * 1e3
}

/// What (a) measured for one number of sessions.
struct Flood {
    /// CPU time of the engine's threads.
    engine: Duration,
    /// CPU time of the window's thread: applying events and drawing frames.
    window: Duration,
    sent: u64,
    counted: u64,
    frames: usize,
}

impl Flood {
    fn total(&self) -> f64 {
        (self.engine + self.window).as_secs_f64()
    }

    fn line(&self, what: &str) -> String {
        format!(
            "{what}: {:.2} CPU-s (engine {:.2}, window thread {:.2}), {} of {} datagrams counted, {} frames",
            self.total(),
            self.engine.as_secs_f64(),
            self.window.as_secs_f64(),
            self.counted,
            self.sent,
            self.frames
        )
    }
}

/// (a) for `count` sessions.
fn udp_sessions(count: usize) -> Flood {
    let runtime = support::runtime();
    let mut controller = Controller::new(
        runtime.handle().clone(),
        workspace(count, Mode::Udp),
        Arc::new(|_| {}),
    );
    let ids: Vec<TabId> = controller.workspace.tabs().iter().map(|t| t.id).collect();
    for id in &ids {
        controller.perform(*id, Action::Open);
    }
    let start = Instant::now();
    let ports: Vec<u16> = loop {
        controller.tick();
        let ports: Vec<Option<u16>> = controller
            .workspace
            .tabs()
            .iter()
            .map(|tab| tab.state.connection.local_addr().map(|a| a.port()))
            .collect();
        if ports.iter().all(Option::is_some) {
            break ports.into_iter().flatten().collect();
        }
        assert!(start.elapsed() < Duration::from_secs(10), "not all opened");
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut layout = Layout::new(&controller.workspace);
    let ctx = egui::Context::default();
    netdebug::fonts::install(&ctx);
    let cpu_start = cpu_engine_and_window();
    let senders = spawn_senders(&ports);
    let mut frames = 0;
    let sent = RATE * SECONDS * count as u64;
    let counted = |controller: &Controller| -> u64 {
        controller
            .workspace
            .tabs()
            .iter()
            .map(|tab| tab.state.traffic.rx.frames)
            .sum()
    };
    let deadline = Instant::now() + Duration::from_secs(SECONDS + 10);
    while (senders.iter().any(|s| !s.is_finished()) || counted(&controller) < sent)
        && Instant::now() < deadline
    {
        std::thread::sleep(netdebug::repaint::FLOOD_FRAME_INTERVAL);
        controller.tick();
        frame(&ctx, &mut controller.workspace, &mut layout);
        frames += 1;
    }
    let cpu_end = cpu_engine_and_window();
    for sender in senders {
        sender.join().unwrap();
    }
    Flood {
        engine: cpu_end.0.saturating_sub(cpu_start.0),
        window: cpu_end.1.saturating_sub(cpu_start.1),
        sent,
        counted: counted(&controller),
        frames,
    }
}

/// Senders on threads of their own, each `RATE` datagrams a second for `SECONDS` to one of
/// `ports`.
fn spawn_senders(ports: &[u16]) -> Vec<std::thread::JoinHandle<()>> {
    ports
        .iter()
        .enumerate()
        .map(|(i, port)| {
            let port = *port;
            std::thread::Builder::new()
                .name(format!("sender{i}"))
                .spawn(move || support::send_paced(PAYLOAD, port, RATE, SECONDS))
                .unwrap()
        })
        .collect()
}

/// The bare reference for (a): `count` plain tokio tasks on a runtime like the app's, each
/// counting the datagrams of its socket. Its CPU time and the datagrams counted.
fn bare_udp(count: usize) -> (Duration, u64) {
    use std::sync::atomic::{AtomicU64, Ordering};
    let runtime = support::runtime();
    let counted = Arc::new(AtomicU64::new(0));
    let ports: Vec<u16> = (0..count)
        .map(|_| {
            let socket = runtime
                .block_on(tokio::net::UdpSocket::bind("127.0.0.1:0"))
                .unwrap();
            let port = socket.local_addr().unwrap().port();
            let counted = Arc::clone(&counted);
            runtime.spawn(async move {
                let mut buf = vec![0u8; 65_536];
                while socket.recv_from(&mut buf).await.is_ok() {
                    counted.fetch_add(1, Ordering::Relaxed);
                }
            });
            port
        })
        .collect();
    let start = cpu_engine_and_window().0;
    let senders = spawn_senders(&ports);
    for sender in senders {
        sender.join().unwrap();
    }
    std::thread::sleep(Duration::from_millis(200));
    let cpu = cpu_engine_and_window().0.saturating_sub(start);
    (cpu, counted.load(Ordering::Relaxed))
}

/// (b): frame times with `count` sessions of `LINES` lines each, one shown, then (with two or
/// more) two side by side: (median, p99) of each.
fn full_logs(count: usize) -> ((f64, f64), Option<(f64, f64)>) {
    let mut workspace = workspace(count, Mode::TcpServer);
    let peer = std::net::SocketAddr::from(([127, 0, 0, 1], 40_000));
    for tab in workspace.tabs_mut() {
        let log = &mut tab.state.log;
        log.store_mut().set_budget(usize::MAX);
        for i in 0..LINES {
            let line = format!("sensor {i:07} temperature=25.{} humidity=61%\n", i % 10);
            log.received(peer, Bytes::from(line.into_bytes()), chrono::NaiveTime::MIN);
        }
    }
    let mut layout = Layout::new(&workspace);
    let ctx = egui::Context::default();
    netdebug::fonts::install(&ctx);
    let measure = |workspace: &mut Workspace, layout: &mut Layout| {
        for _ in 0..20 {
            frame(&ctx, workspace, layout);
        }
        let mut times: Vec<f64> = (0..FRAMES)
            .map(|_| frame(&ctx, workspace, layout))
            .collect();
        support::median_p99(&mut times)
    };
    let one = measure(&mut workspace, &mut layout);
    let two = (count > 1).then(|| {
        let second = workspace.tabs()[1].id;
        layout.side_by_side(second);
        measure(&mut workspace, &mut layout)
    });
    (one, two)
}

/// (c): median time from spawn to the first frame of the app opening a workspace of `count`
/// sessions, over five runs.
fn startup(display: &support::Display, count: usize) -> f64 {
    let file = std::env::temp_dir().join(format!("netdebug-bench-{count}-sessions.ron"));
    let text = netdebug::workspace_file::WorkspaceFile::from_workspace(
        &workspace(count, Mode::Udp),
        String::new(),
    )
    .to_text();
    std::fs::write(&file, text).unwrap();
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let mut app =
            display.spawn_app(&["--workspace", file.to_str().unwrap(), "--print-first-frame"]);
        let _stdout = support::wait_for_first_frame(&mut app);
        times.push(start.elapsed().as_secs_f64() * 1e3);
        let _ = app.kill();
        let _ = app.wait();
    }
    std::fs::remove_file(&file).unwrap();
    support::median_p99(&mut times).0
}

fn main() {
    println!("sessions: {}", support::machine());
    let one = udp_sessions(1);
    let many = udp_sessions(8);
    println!(
        "  (a) 2,000 datagrams/s each for {SECONDS} s, one session shown, engine + window frames (no rasterizing), senders left out:"
    );
    println!("      {}", one.line("1 session "));
    println!(
        "      {}; {:.2}x the single session for 8x the traffic",
        many.line("8 sessions"),
        many.total() / one.total().max(0.01)
    );
    let (bare_one, bare_one_counted) = bare_udp(1);
    let (bare_many, bare_many_counted) = bare_udp(8);
    println!(
        "      bare tokio recv loops (reference): 1 socket {:.2} CPU-s ({bare_one_counted} counted), 8 sockets {:.2} CPU-s ({bare_many_counted} counted); NetDebug's engine {:.1}x and {:.1}x of them",
        bare_one.as_secs_f64(),
        bare_many.as_secs_f64(),
        one.engine.as_secs_f64() / bare_one.as_secs_f64().max(0.01),
        many.engine.as_secs_f64() / bare_many.as_secs_f64().max(0.01)
    );
    let fill = Instant::now();
    let ((alone_median, alone_p99), _) = full_logs(1);
    let ((one_median, one_p99), two) = full_logs(8);
    let (two_median, two_p99) = two.unwrap();
    println!(
        "  (b) frame time at 1280x800, each session holding {LINES} lines (filled in {:.0} s): one session alone median {alone_median:.2} ms p99 {alone_p99:.2} ms; 8 sessions, one shown median {one_median:.2} ms p99 {one_p99:.2} ms; two side by side median {two_median:.2} ms p99 {two_p99:.2} ms",
        fill.elapsed().as_secs_f64()
    );
    if let Some(peak) = support::peak_rss_bytes() {
        println!("      peak resident memory {:.0} MB", peak as f64 / 1e6);
    }
    let Some(display) = support::Display::get() else {
        return;
    };
    let one = startup(&display, 1);
    let twenty = startup(&display, 20);
    println!(
        "  (c) release app, spawn to first frame (median of 5): 1 session {one:.0} ms, a workspace of 20 sessions {twenty:.0} ms"
    );
}

//! Benchmark 5: 2,000 datagrams per second for 10 s into a UDP session with the display on.
//! Prints the CPU seconds used (a) by the release app under a display (Xvfb if none), all of
//! it, rasterizing included, and (b) in this process by the same engine, window state and egui
//! layout and tessellation at the app's frame cap, without rasterizing: NetDebug's own cost
//! where a GPU draws the frames.
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

use netdebug::net::{Endpoint, SessionConfig};

use std::time::{Duration, Instant};

const RATE: u64 = 2_000;
const SECONDS: u64 = 10;
const PAYLOAD: &[u8] = b"sensor 0042 temperature=25.3 humidity=61% status=OK\r\n";

/// (b): the engine on its runtime, and on this thread the window's frame loop at the app's
/// frame interval under traffic, laying out and tessellating the real window.
fn headless() {
    let runtime = support::runtime();
    let (mut session, mut events) = support::session(&runtime);
    let (state, local) = support::open_and_wait(
        &mut session,
        &mut events,
        SessionConfig::Udp {
            local: Endpoint::new("127.0.0.1", 0),
            multicast: None,
        },
    );
    let sender =
        std::thread::spawn(move || support::send_paced(PAYLOAD, local.port(), RATE, SECONDS));
    let mut window = support::Window::new(state);
    let ctx = egui::Context::default();
    netdebug::fonts::install(&ctx);
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1024.0, 700.0));
    let pid = std::process::id();
    let cpu_start = support::cpu_time(pid).unwrap();
    let start = Instant::now();
    let mut frames = 0;
    while !sender.is_finished() {
        std::thread::sleep(netdebug::repaint::FLOOD_FRAME_INTERVAL);
        for event in events.drain() {
            window.workspace.apply(event);
        }
        let input = egui::RawInput {
            screen_rect: Some(screen),
            ..Default::default()
        };
        let output = ctx.run_ui(input, |ui| {
            window.ui(ui);
        });
        let _ = ctx.tessellate(output.shapes, output.pixels_per_point);
        frames += 1;
    }
    let cpu = support::cpu_time(pid).unwrap().saturating_sub(cpu_start);
    println!(
        "  (b) engine + window state + egui layout and tessellation, no rasterizing: {} datagrams shown in {:.2} s, {frames} frames, {:.2} CPU-seconds for this whole process, sender included",
        window.state().traffic.rx.bytes / PAYLOAD.len() as u64,
        start.elapsed().as_secs_f64(),
        cpu.as_secs_f64()
    );
    session.close();
}

fn main() {
    println!("udp_cpu: {}", support::machine());
    headless();
    let Some(display) = support::Display::get() else {
        return;
    };
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let port_text = port.to_string();
    let mut app = display.spawn_app(&[
        "--lang",
        "en",
        "--mode",
        "udp",
        "--address",
        "127.0.0.1",
        "--port",
        &port_text,
        "--open",
        "--print-first-frame",
    ]);
    let _stdout = support::wait_for_first_frame(&mut app);
    std::thread::sleep(Duration::from_secs(2));
    let pid = app.id();
    let idle_start = support::cpu_time(pid).unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let idle = support::cpu_time(pid).unwrap().saturating_sub(idle_start);

    let cpu_start = support::cpu_time(pid).unwrap();
    let start = Instant::now();
    support::send_paced(PAYLOAD, port, RATE, SECONDS);
    let sent_in = start.elapsed();
    std::thread::sleep(Duration::from_millis(200));
    let busy = support::cpu_time(pid).unwrap().saturating_sub(cpu_start);
    let rss = support::rss_bytes(pid).unwrap_or(0);
    let _ = app.kill();
    let _ = app.wait();

    println!(
        "  (a) app under {}: sent {} datagrams in {:.2} s; the app used {:.2} CPU-seconds (idle: {:.2} CPU-s over 2 s); RSS after {:.0} MB",
        display.name,
        RATE * SECONDS,
        sent_in.as_secs_f64(),
        busy.as_secs_f64(),
        idle.as_secs_f64(),
        rss as f64 / 1e6
    );
}

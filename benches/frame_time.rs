//! Benchmark 3: frame time with a 1,000,000-line log, text and hex views, through a headless
//! egui context running the real window code (layout and tessellation). Prints median and p99.
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

use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use netdebug::codec::InputMode;
use netdebug::workspace::SessionState;

const LINES: u32 = 1_000_000;
const FRAMES: usize = 300;

fn main() {
    println!("frame_time: {}", support::machine());
    let mut window = support::Window::new(SessionState::default());
    window.state().log.store_mut().set_budget(usize::MAX);
    let peers: Vec<SocketAddr> = (0..4)
        .map(|i| SocketAddr::from(([127, 0, 0, 1], 40_000 + i)))
        .collect();
    let fill = Instant::now();
    for i in 0..LINES {
        let line = format!("sensor {i:07} temperature=25.{} humidity=61%\n", i % 10);
        window.state().log.received(
            peers[(i % 4) as usize],
            Bytes::from(line.into_bytes()),
            chrono::NaiveTime::MIN,
        );
    }
    println!(
        "  filled {} entries ({:.0} MB counted) in {:.1} s",
        window.state().log.store().entries().len(),
        window.state().log.store().used() as f64 / 1e6,
        fill.elapsed().as_secs_f64()
    );

    let ctx = egui::Context::default();
    netdebug::fonts::install(&ctx);
    for view in [InputMode::Text, InputMode::Hex] {
        window.state().log.store_mut().set_view(view);
        let (median, p99, scrolled_median, scrolled_p99) = measure(&ctx, &mut window);
        let (resized_median, resized_p99) = resizing(&ctx, &mut window);
        save_log(window.state());
        // Find over every entry: a miss reads them all.
        let start = Instant::now();
        let hit = window
            .state()
            .log
            .store_mut()
            .find_next("no such reading")
            .is_some();
        println!(
            "    find: {} entries searched in {:.1} ms on the window's thread (found: {hit})",
            window.state().log.store().entries().len(),
            start.elapsed().as_secs_f64() * 1e3
        );
        // A hit near the end, in other capitals, counted among the matches ("1 of 1").
        let start = Instant::now();
        let tally = window.state().log.store_mut().find_next("SENSOR 0999990");
        println!(
            "    find in any case and count the matches: {:.1} ms ({tally:?})",
            start.elapsed().as_secs_f64() * 1e3
        );
        if view == InputMode::Text {
            // One client of the four shown (Only this client in the log): turning it on
            // recounts every entry, reading each, and so does every resize while it is on.
            window.state().mode = netdebug::workspace::Mode::TcpServer;
            window.state().target.server = netdebug::workspace::ServerTarget::One(peers[1]);
            window.state().target.show_selected_only = true;
            let start = Instant::now();
            window.state().sync_log_filter();
            let turned_on = start.elapsed().as_secs_f64() * 1e3;
            let (median, p99, _, _) = measure(&ctx, &mut window);
            let (resized_median, resized_p99) = resizing(&ctx, &mut window);
            println!(
                "    one client of four shown ({} rows): turning it on {turned_on:.1} ms; still {median:.2} ms median / {p99:.2} ms p99; resizing {resized_median:.2} ms median / {resized_p99:.2} ms p99",
                window.state().log.store().total_rows()
            );
            window.state().target.show_selected_only = false;
            window.state().sync_log_filter();
            // Show escapes, like a change of encoding, decodes every entry again, on the
            // window's thread.
            let start = Instant::now();
            window.state().log.set_escapes(true);
            let turned_on = start.elapsed().as_secs_f64() * 1e3;
            let (median, p99, _, _) = measure(&ctx, &mut window);
            let start = Instant::now();
            window.state().log.set_escapes(false);
            let turned_off = start.elapsed().as_secs_f64() * 1e3;
            let start = Instant::now();
            window
                .state()
                .log
                .set_encoding(netdebug::codec::TextEncoding::Gbk);
            let to_gbk = start.elapsed().as_secs_f64() * 1e3;
            window
                .state()
                .log
                .set_encoding(netdebug::codec::TextEncoding::Utf8);
            println!(
                "    show escapes: turning it on {turned_on:.0} ms, off {turned_off:.0} ms (every entry decoded again; decoding as GBK instead {to_gbk:.0} ms); on, still {median:.2} ms median / {p99:.2} ms p99"
            );
        }
        if view == InputMode::Hex {
            // The same frames with the rate graph on, two minutes of history in each line.
            window.state().reset_counters();
            let start = Instant::now()
                .checked_sub(std::time::Duration::from_secs(121))
                .unwrap();
            for second in 0..120u32 {
                let at = start + std::time::Duration::from_secs(u64::from(second));
                window
                    .state()
                    .traffic
                    .rx
                    .add(1000 * (second as usize % 7 + 1), at);
                window.state().traffic.tx.add(500, at);
            }
            window.state().display.rate_graph = true;
            let (graph_median, graph_p99, _, _) = measure(&ctx, &mut window);
            window.state().display.rate_graph = false;
            println!(
                "    with the rate graph on ({} + {} points): still {graph_median:.2} ms median / {graph_p99:.2} ms p99",
                window.state().traffic.rx.history().len(),
                window.state().traffic.tx.history().len()
            );
        }
        println!(
            "  {view:?} view, {} rows: still {median:.2} ms median / {p99:.2} ms p99; scrolling {scrolled_median:.2} ms median / {scrolled_p99:.2} ms p99; resizing the window (auto line break on) {resized_median:.2} ms median / {resized_p99:.2} ms p99",
            window.state().log.store().total_rows()
        );
    }
}

/// Save log on the whole log in its current view: the copy taken on the window's thread at
/// the click, then the file written on a thread of its own.
fn save_log(state: &SessionState) {
    let path = std::env::temp_dir().join(format!("netdebug-bench-log-{}.txt", std::process::id()));
    let start = Instant::now();
    let snapshot = state.log.snapshot();
    let copied = start.elapsed();
    let (done, outcome) = std::sync::mpsc::channel();
    let to = (path.clone(), state.wire());
    netdebug::log::save_in_background(snapshot, state.texts(), to, move |result| {
        done.send(result).unwrap();
    })
    .unwrap();
    let saved = outcome.recv().unwrap().unwrap();
    let written = start.elapsed();
    let size = std::fs::metadata(&path).unwrap().len();
    std::fs::remove_file(&path).unwrap();
    println!(
        "    save log: {:.0} ms on the window's thread (copy), file of {} lines / {:.0} MB written in {:.2} s",
        copied.as_secs_f64() * 1e3,
        saved.lines,
        size as f64 / 1e6,
        written.as_secs_f64()
    );
}

/// Frames with no input (the log at rest), then frames scrolling up through the log.
fn measure(ctx: &egui::Context, window: &mut support::Window) -> (f64, f64, f64, f64) {
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 800.0));
    let mut shown = Vec::new();
    let mut shaded = 0.0;
    let mut frame = |events: Vec<egui::Event>| {
        let input = egui::RawInput {
            screen_rect: Some(screen),
            events,
            ..Default::default()
        };
        let start = Instant::now();
        let output = ctx.run_ui(input, |ui| {
            window.ui(ui);
        });
        let shapes = output.shapes.clone();
        let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
        let elapsed = start.elapsed().as_secs_f64() * 1e3;
        shaded = triangle_area(&primitives) / screen.area();
        // What the frame drew from the log, to show the measurement is of real rows.
        shown = log_rows_drawn(&shapes);
        elapsed
    };
    // Warm up: fonts, galley caches, the first layout.
    for _ in 0..20 {
        frame(Vec::new());
    }
    let mut still: Vec<f64> = (0..FRAMES).map(|_| frame(Vec::new())).collect();
    frame(vec![egui::Event::PointerMoved(egui::pos2(700.0, 300.0))]);
    let mut scrolling: Vec<f64> = (0..FRAMES)
        .map(|_| {
            frame(vec![egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: egui::vec2(0.0, 600.0),
                modifiers: egui::Modifiers::NONE,
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
            }])
        })
        .collect();
    println!(
        "    after scrolling: {} log rows drawn, first {:?}; triangles cover {shaded:.2} x the window (what a software renderer shades per frame)",
        shown.len(),
        shown.first().map_or("", String::as_str)
    );
    let (a, b) = support::median_p99(&mut still);
    let (c, d) = support::median_p99(&mut scrolling);
    (a, b, c, d)
}

/// Frames while the window is dragged narrower and wider, a few pixels a frame: with auto line
/// break on, every width change can change how many rows each entry takes.
fn resizing(ctx: &egui::Context, window: &mut support::Window) -> (f64, f64) {
    window.state().display.auto_wrap = true;
    let mut times: Vec<f64> = (0..100)
        .map(|i| {
            let width = 1280.0 - 8.0 * f32::from(u8::try_from(i % 50).unwrap());
            let input = egui::RawInput {
                screen_rect: Some(egui::Rect::from_min_size(
                    egui::Pos2::ZERO,
                    egui::vec2(width, 800.0),
                )),
                ..Default::default()
            };
            let start = Instant::now();
            let output = ctx.run_ui(input, |ui| {
                window.ui(ui);
            });
            let _ = ctx.tessellate(output.shapes, output.pixels_per_point);
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    support::median_p99(&mut times)
}

/// The summed area of every triangle in a frame, in points²: the pixels a renderer shades.
fn triangle_area(primitives: &[egui::ClippedPrimitive]) -> f32 {
    let mut area = 0.0;
    for clipped in primitives {
        if let egui::epaint::Primitive::Mesh(mesh) = &clipped.primitive {
            for triangle in mesh.indices.chunks_exact(3) {
                let [a, b, c] = [0, 1, 2].map(|i| mesh.vertices[triangle[i] as usize].pos);
                area += ((b - a).x * (c - a).y - (c - a).x * (b - a).y).abs() / 2.0;
            }
        }
    }
    area
}

/// The texts of drawn rows that come from the log's data (its lines or hex rows).
fn log_rows_drawn(shapes: &[egui::epaint::ClippedShape]) -> Vec<String> {
    let mut rows = Vec::new();
    for clipped in shapes {
        if let egui::Shape::Text(text) = &clipped.shape {
            let content = text.galley.job.text.as_str();
            if content.contains("sensor") || content.contains("73 65 6E 73") {
                rows.push(content.to_owned());
            }
        }
    }
    rows
}

//! The window's layout on the real app with egui_kittest, for every window size, text size,
//! language and mode: each control a session cannot do without (protocol, address, port,
//! Open; Show as, Decode as, log mode; Send as, Encode as, Append, Checksum; cycle send and
//! its period; the send box and Send; the status bar's state, counters and reset) lies inside
//! the window, none overlaps another, and at 1024×700, and at 1280×800 with A+ twice, all of
//! them are in sight without scrolling.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;
mod ui;

use egui::Rect;
use egui_kittest::kittest::Queryable;
use netdebug::i18n::{EN, Language, Texts, ZH};
use netdebug::workspace::Mode;
use ui::Ui;

/// Window sizes, in points.
const SIZES: [[f32; 2]; 4] = [
    [800.0, 600.0],
    [1024.0, 700.0],
    [1280.0, 800.0],
    [1920.0, 1080.0],
];

/// Text sizes from A- to A+ three times.
const TEXT_SIZES: [f32; 5] = [0.9, 1.0, 1.1, 1.2, 1.3];

/// The labels of the controls a session cannot do without, in `mode`.
fn essentials(t: &Texts, mode: Mode) -> Vec<&'static str> {
    let (address, port) = match mode {
        Mode::TcpClient => (t.remote_address, t.remote_port),
        Mode::TcpServer | Mode::Udp | Mode::TcpRelay | Mode::UdpRelay => {
            (t.local_address, t.local_port)
        }
    };
    // A relay needs its upstream, and which side a send goes to.
    let relay = match mode {
        Mode::TcpRelay | Mode::UdpRelay => vec![t.upstream, t.send_to_client, t.send_to_upstream],
        Mode::TcpServer | Mode::TcpClient | Mode::Udp => Vec::new(),
    };
    let mut essentials = vec![
        t.protocol,
        address,
        port,
        t.open,
        t.show_as,
        t.decode_as,
        t.log_mode,
        t.send_as,
        t.encode_as,
        t.append,
        t.checksum,
        t.cycle_send,
        t.cycle_period,
        t.send_data,
        t.send,
        t.reset_counters,
    ];
    essentials.extend(relay);
    essentials
}

/// Where the control labelled `label` is drawn, once.
fn rect_of(ui: &Ui, label: &str) -> Rect {
    let mut found = ui.harness.query_all_by_label(label);
    let node = found
        .next()
        .unwrap_or_else(|| panic!("no control labelled {label:?}"));
    assert!(found.next().is_none(), "two controls labelled {label:?}");
    node.rect()
}

/// Whether two rectangles share more than a hairline.
fn overlap(a: Rect, b: Rect) -> bool {
    let shared = a.intersect(b);
    shared.width() > 1.0 && shared.height() > 1.0
}

/// Checks every size and text size in `language` for `mode`.
fn check(language: Language, mode: Mode) {
    let t = language.texts();
    let labels = essentials(t, mode);
    for (size_index, size) in SIZES.into_iter().enumerate() {
        let mut ui = Ui::sized(language, size);
        ui.harness.state_mut().state_mut().mode = mode;
        for (zoom_index, zoom) in TEXT_SIZES.into_iter().enumerate() {
            ui.harness.ctx.set_zoom_factor(zoom);
            ui.harness.run_steps(4);
            let window = ui.harness.ctx.content_rect();
            let what = format!("{language:?} {mode:?} {size:?} at text size {zoom}");
            // Where everything must be in sight at once, by place in the tables: 1024×700 at
            // normal size, 1280×800 at A+ twice, and full HD at any size.
            let must_fit = matches!((size_index, zoom_index), (1, 1) | (2, 3) | (3, _));
            let mut rects = Vec::new();
            for label in &labels {
                let before = rect_of(&ui, label);
                if must_fit {
                    assert!(
                        window.contains_rect(before),
                        "{what}: {label:?} at {before:?} is not in sight in {window:?}"
                    );
                }
                // Scrolled to, as a person would, it is whole and inside the window.
                ui.harness.get_by_label(label).scroll_to_me();
                ui.harness.run_steps(12);
                let rect = rect_of(&ui, label);
                assert!(
                    window.contains_rect(rect),
                    "{what}: {label:?} at {rect:?} is outside {window:?}"
                );
                rects.push((label, rect));
            }
            // Scrolling moved the column: compare the controls as they are now.
            let rects: Vec<(&&str, Rect)> = rects
                .iter()
                .map(|(label, _)| (*label, rect_of(&ui, label)))
                .collect();
            for (i, (a, rect_a)) in rects.iter().enumerate() {
                for (b, rect_b) in rects.iter().skip(i + 1) {
                    assert!(
                        !overlap(*rect_a, *rect_b),
                        "{what}: {a:?} {rect_a:?} overlaps {b:?} {rect_b:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_tcp_servers_controls_fit_in_english() {
    check(Language::English, Mode::TcpServer);
}

#[test]
fn a_tcp_clients_controls_fit_in_english() {
    check(Language::English, Mode::TcpClient);
}

#[test]
fn a_udp_sockets_controls_fit_in_english() {
    check(Language::English, Mode::Udp);
}

#[test]
fn a_tcp_servers_controls_fit_in_chinese() {
    check(Language::Chinese, Mode::TcpServer);
}

#[test]
fn a_tcp_clients_controls_fit_in_chinese() {
    check(Language::Chinese, Mode::TcpClient);
}

#[test]
fn a_udp_sockets_controls_fit_in_chinese() {
    check(Language::Chinese, Mode::Udp);
}

#[test]
fn a_tcp_relays_controls_fit_in_english() {
    check(Language::English, Mode::TcpRelay);
}

#[test]
fn a_tcp_relays_controls_fit_in_chinese() {
    check(Language::Chinese, Mode::TcpRelay);
}

#[test]
fn a_udp_relays_controls_fit_in_both_languages() {
    check(Language::English, Mode::UdpRelay);
    check(Language::Chinese, Mode::UdpRelay);
}

/// Both languages' tables name the same controls.
#[test]
fn both_languages_name_every_control() {
    for mode in Mode::ALL {
        assert_eq!(essentials(&EN, mode).len(), essentials(&ZH, mode).len());
    }
}

/// Two sessions side by side in a 1280×800 window, in both languages and at A+ twice: each
/// shows its tab (name and state), log, send box and Send, none over another.
#[test]
fn two_sessions_side_by_side_each_show_their_essentials() {
    for (language, zoom) in [
        (Language::English, 1.0),
        (Language::Chinese, 1.0),
        (Language::English, 1.2),
    ] {
        let t = language.texts();
        let mut ui = Ui::sized(language, [1280.0, 800.0]);
        ui.harness.ctx.set_zoom_factor(zoom);
        ui.harness.run_steps(4);
        ui.click(t.new_session);
        ui.choose(t.protocol, t.udp);
        ui.click(t.side_by_side);
        ui.harness.run_steps(4);
        let window = ui.harness.ctx.content_rect();
        let mut rects = Vec::new();
        for label in [t.send_data, t.send, t.data_log] {
            let found: Vec<Rect> = ui
                .harness
                .query_all_by_label(label)
                .map(|node| node.rect())
                .collect();
            assert_eq!(
                found.len(),
                2,
                "{language:?} at {zoom}: {label:?} {found:?}"
            );
            for rect in found {
                assert!(window.contains_rect(rect), "{label:?} at {rect:?}");
                rects.push((label, rect));
            }
        }
        let tabs: Vec<Rect> = ui
            .harness
            .query_all_by_role(egui::accesskit::Role::Tab)
            .map(|node| node.rect())
            .collect();
        assert_eq!(tabs.len(), 2);
        for rect in tabs {
            assert!(window.contains_rect(rect), "a tab at {rect:?}");
            rects.push(("tab", rect));
        }
        for (i, (a, rect_a)) in rects.iter().enumerate() {
            for (b, rect_b) in rects.iter().skip(i + 1) {
                assert!(
                    !overlap(*rect_a, *rect_b),
                    "{language:?} at {zoom}: {a:?} {rect_a:?} overlaps {b:?} {rect_b:?}"
                );
            }
        }
    }
}

/// The names of a `mode` relay's impairment fields, both ways.
fn impairment_fields(t: &Texts, mode: Mode) -> Vec<String> {
    let rows = match mode {
        Mode::TcpRelay => vec![
            t.impair_delay,
            t.impair_jitter,
            t.impair_rate,
            t.impair_write_size,
            t.impair_write_gap,
            t.impair_cut,
        ],
        _ => vec![
            t.impair_loss,
            t.impair_duplicate,
            t.impair_reorder,
            t.impair_delay,
            t.impair_jitter,
            t.impair_rate,
        ],
    };
    rows.into_iter()
        .flat_map(|row| {
            [t.client_to_upstream, t.upstream_to_client].map(|way| format!("{row} {way}"))
        })
        .collect()
}

#[test]
fn an_open_impairment_grid_fits_the_window_for_both_relays_in_both_languages() {
    for language in [Language::English, Language::Chinese] {
        let t = language.texts();
        for mode in [Mode::TcpRelay, Mode::UdpRelay] {
            let fields = impairment_fields(t, mode);
            for size in [[800.0, 600.0], [1280.0, 800.0]] {
                let mut ui = Ui::sized(language, size);
                ui.harness.state_mut().state_mut().mode = mode;
                for zoom in [0.9, 1.3] {
                    ui.harness.ctx.set_zoom_factor(zoom);
                    ui.harness.run_steps(4);
                    ui.reveal(&fields[0]);
                    let window = ui.harness.ctx.content_rect();
                    let what = format!("{language:?} {mode:?} {size:?} at text size {zoom}");
                    for field in &fields {
                        ui.harness.get_by_label(field).scroll_to_me();
                        ui.harness.run_steps(12);
                        let rect = rect_of(&ui, field);
                        assert!(
                            window.contains_rect(rect),
                            "{what}: {field:?} at {rect:?} is outside {window:?}"
                        );
                    }
                    // The grid scrolls as one: each field beside, never over, another.
                    let now: Vec<Rect> = fields.iter().map(|field| rect_of(&ui, field)).collect();
                    for (i, a) in now.iter().enumerate() {
                        for (j, b) in now.iter().enumerate().skip(i + 1) {
                            assert!(
                                !overlap(*a, *b),
                                "{what}: {:?} overlaps {:?}",
                                fields[i],
                                fields[j]
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn long_section_summaries_never_widen_the_settings_column() {
    for language in [Language::English, Language::Chinese] {
        let t = language.texts();
        let mut ui = Ui::sized(language, [800.0, 600.0]);
        {
            let state = ui.harness.state_mut().state_mut();
            state.mode = Mode::TcpRelay;
            let impaired = netdebug::net::Impairment {
                jitter_ms: 5,
                write_size: 4,
                ..netdebug::net::Impairment::default()
            };
            state.impairments.to_upstream = impaired;
            state.impairments.to_client = impaired;
            state.impairments.seed = u64::MAX;
            state.display.rate_graph = true;
            state.display.hide_sent = true;
        }
        for zoom in TEXT_SIZES {
            ui.harness.ctx.set_zoom_factor(zoom);
            ui.harness.run_steps(6);
            let window = ui.harness.ctx.content_rect();
            let what = format!("{language:?} at text size {zoom}");
            // The column keeps to its share; the log and the send box keep theirs.
            let column = rect_of(&ui, t.local_port).right();
            assert!(
                column <= window.width() * 0.5,
                "{what}: the column ends at {column}"
            );
            for label in [t.find, t.clear_input] {
                let rect = rect_of(&ui, label);
                assert!(window.contains_rect(rect), "{what}: {label:?} at {rect:?}");
            }
        }
    }
}

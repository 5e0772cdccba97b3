//! The status bar: state, the last message, RX/TX counters and their reset.

use egui::{Align, Layout, RichText, Ui};

use crate::state::AppState;

pub(super) fn status_bar_ui(ui: &mut Ui, state: &mut AppState) {
    let t = state.texts();
    // Counters first, from the right, so a long message is cut short instead of covering them.
    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
        if ui.button(t.reset_counters).clicked() {
            state.reset_counters();
        }
        responses_ui(ui, state);
        check_tally_ui(ui, state);
        let now = std::time::Instant::now();
        for (name, counter) in [("TX", &mut state.tx), ("RX", &mut state.rx)] {
            let rate = crate::counters::format_rate(counter.rate(now));
            ui.label(
                RichText::new(format!(
                    "{name}: {} B / {} {} / {rate}",
                    counter.bytes, counter.frames, t.frames
                ))
                .monospace(),
            );
            // The rate falls back to zero by itself; look again while it is moving.
            if counter.is_active() {
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(500));
            }
        }
        ui.with_layout(Layout::left_to_right(Align::Center), |ui| {
            // Cut short, as the message is, when the counters leave little room: drawn whole
            // it ran into them.
            let described = state.connection.describe(t);
            ui.add(egui::Label::new(described.as_str()).truncate())
                .on_hover_text(described);
            ui.separator();
            if let Some(status) = &state.status {
                let color = if status.is_error {
                    ui.visuals().error_fg_color
                } else {
                    ui.visuals().text_color()
                };
                let text = super::sentence(&status.text);
                ui.add(egui::Label::new(RichText::new(text.as_ref()).color(color)).truncate())
                    .on_hover_text(text);
            }
        });
    });
}

/// How received checksums came out, while they are being checked.
fn check_tally_ui(ui: &mut Ui, state: &AppState) {
    let kind = state.log.check_kind();
    if kind == crate::codec::Checksum::None {
        return;
    }
    let t = state.texts();
    let tally = state.log.check_tally();
    let text = t
        .check_tally
        .replace("{kind}", kind.name())
        .replace("{good}", &tally.good.to_string())
        .replace("{bad}", &tally.bad.to_string());
    let text = RichText::new(text).monospace();
    let text = if tally.bad > 0 {
        text.color(ui.visuals().error_fg_color)
    } else {
        text
    };
    ui.label(text).on_hover_text(t.check_tally_help);
    ui.separator();
}

/// The response times, once there are any: the last, the mean and the longest.
fn responses_ui(ui: &mut Ui, state: &AppState) {
    let times = &state.responses;
    let Some(average) = times.average() else {
        return;
    };
    let t = state.texts();
    let ms = |duration: std::time::Duration| format!("{:.1}", duration.as_secs_f64() * 1000.0);
    let text = t
        .responses
        .replace("{last}", &ms(times.last))
        .replace("{avg}", &ms(average))
        .replace("{max}", &ms(times.max))
        .replace("{n}", &times.count.to_string());
    ui.label(RichText::new(text).monospace())
        .on_hover_text(t.responses_help.replace("{min}", &ms(times.min)));
    ui.separator();
}

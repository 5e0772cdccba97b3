//! The status bar: state, the last message, RX/TX counters and their reset.

use egui::{Align, Layout, RichText, TextStyle, Ui};

use crate::workspace::SessionState;

pub(super) fn status_bar_ui(ui: &mut Ui, state: &mut SessionState) {
    let t = state.texts();
    let now = std::time::Instant::now();
    let counters = [("TX", &mut state.tx), ("RX", &mut state.rx)].map(|(name, counter)| {
        let rate = crate::counters::format_rate(counter.rate(now));
        format!(
            "{name}: {} B / {} {} / {rate}",
            counter.bytes, counter.frames, t.frames
        )
    });
    let described = state.connection.describe(t);
    let tally = check_tally_text(state);
    // Counters first, from the right, so a long message is cut short instead of covering them.
    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
        if ui.button(t.reset_counters).clicked() {
            state.reset_counters();
        }
        // What the bar must fit beside the response times for the state to show whole.
        let monospace: Vec<&str> = counters.iter().chain(&tally).map(String::as_str).collect();
        responses_ui(ui, state, &monospace, &described);
        if let Some(tally) = tally {
            check_tally_ui(ui, state, tally);
        }
        for (text, counter) in counters.into_iter().zip([&state.tx, &state.rx]) {
            ui.label(RichText::new(text).monospace());
            // The rate falls back to zero by itself; look again while it is moving.
            if counter.is_active() {
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(500));
            }
        }
        ui.with_layout(Layout::left_to_right(Align::Center), |ui| {
            // Cut short, as the message is, when the counters leave little room: drawn whole
            // it ran into them.
            ui.add(egui::Label::new(described.as_str()).truncate())
                .on_hover_text(described);
            ui.separator();
            if let Some(status) = &state.status {
                let color = if status.is_error {
                    ui.visuals().error_fg_color
                } else {
                    ui.visuals().text_color()
                };
                let text = super::sentence(status.text(state.language));
                ui.add(egui::Label::new(RichText::new(text.as_ref()).color(color)).truncate())
                    .on_hover_text(text);
            }
        });
    });
}

/// How wide `text` is drawn in `style`, on one line.
fn text_width(ui: &Ui, text: &str, style: &TextStyle) -> f32 {
    let font = style.resolve(ui.style());
    ui.fonts_mut(|fonts| {
        fonts
            .layout_no_wrap(text.to_owned(), font, egui::Color32::PLACEHOLDER)
            .size()
            .x
    })
}

/// How received checksums came out, while they are being checked.
fn check_tally_text(state: &SessionState) -> Option<String> {
    let kind = state.log.check_kind();
    if kind == crate::codec::Checksum::None {
        return None;
    }
    let tally = state.log.check_tally();
    let text = state
        .texts()
        .check_tally
        .replace("{kind}", kind.name())
        .replace("{good}", &tally.good.to_string())
        .replace("{bad}", &tally.bad.to_string());
    Some(text)
}

/// The checksum tally, red once a check has failed.
fn check_tally_ui(ui: &mut Ui, state: &SessionState, text: String) {
    let t = state.texts();
    let text = RichText::new(text).monospace();
    let text = if state.log.check_tally().bad > 0 {
        text.color(ui.visuals().error_fg_color)
    } else {
        text
    };
    ui.label(text).on_hover_text(t.check_tally_help);
    ui.separator();
}

/// The response times, once there are any: the last, the mean and the longest, or only the
/// last when the whole would leave too little room for the `monospace` texts beside them (the
/// counters, the checksum tally) and `described`, the state, which should show whole.
fn responses_ui(ui: &mut Ui, state: &SessionState, monospace: &[&str], described: &str) {
    let times = &state.responses;
    let Some(average) = times.average() else {
        return;
    };
    let t = state.texts();
    let ms = crate::response_times::short_ms;
    let whole = t
        .responses
        .replace("{last}", &ms(times.last))
        .replace("{avg}", &ms(average))
        .replace("{max}", &ms(times.max))
        .replace("{n}", &times.count.to_string());
    let help = t.responses_help.replace("{min}", &ms(times.min));
    // Measured only now that there are response times to show.
    let spacing = 2.0 * ui.spacing().item_spacing.x;
    let others = monospace
        .iter()
        .map(|text| text_width(ui, text, &TextStyle::Monospace) + spacing)
        .sum::<f32>()
        + text_width(ui, described, &TextStyle::Body)
        + spacing;
    let room = ui.available_width() - others;
    let (text, help) = if text_width(ui, &whole, &TextStyle::Monospace) <= room {
        (whole, help)
    } else {
        // The rest stays a hover away rather than pushing the state out of sight.
        let last = t.responses_last.replace("{last}", &ms(times.last));
        (last, format!("{whole}\n{help}"))
    };
    ui.label(RichText::new(text).monospace())
        .on_hover_text(help);
    ui.separator();
}

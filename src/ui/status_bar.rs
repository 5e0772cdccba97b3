//! The status bar: state, the last message, RX/TX counters and their reset.

use egui::{Align, Layout, RichText, TextStyle, Ui};

use crate::workspace::SessionState;

/// How much the status bar shows, from all of it to the least; what a level leaves out is in
/// the counters' tooltip. The state is always whole, and each counter keeps its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fit {
    /// Everything.
    All,
    /// The response times as the last one only.
    LastResponse,
    /// The counters as bytes only (frames and rates in the tooltip).
    BytesOnly,
    /// No response times.
    NoResponses,
    /// No checksum tally either.
    Least,
}

pub(super) fn status_bar_ui(ui: &mut Ui, state: &SessionState, actions: &mut Vec<super::Action>) {
    let t = state.texts();
    let now = std::time::Instant::now();
    let counters = [("TX", &state.traffic.tx), ("RX", &state.traffic.rx)].map(|(name, counter)| {
        let rate = crate::counters::format_rate(counter.rate(now));
        (
            format!(
                "{name}: {} B / {} {} / {rate}",
                counter.bytes, counter.frames, t.frames
            ),
            format!("{name}: {} B", counter.bytes),
        )
    });
    let described = state.connection.describe(t);
    let tally = tallies_text(state);
    let responses = responses_texts(state);
    // The first level, from all to least, at which everything shown leaves the state whole.
    // Each item is followed by the gap between items; some by a separator too, which takes
    // about twice that.
    let gap = ui.spacing().item_spacing.x;
    let separator = 2.0 * gap;
    let mono = |text: &str| text_width(ui, text, &TextStyle::Monospace) + gap;
    let reset = text_width(ui, t.reset_counters, &TextStyle::Button)
        + 2.0 * ui.spacing().button_padding.x
        + gap;
    let room = ui.available_width()
        - reset
        - text_width(ui, &described, &TextStyle::Body)
        - gap
        - separator;
    let width = |fit: Fit| {
        let counters: f32 = counters
            .iter()
            .map(|(whole, bytes)| mono(if fit >= Fit::BytesOnly { bytes } else { whole }))
            .sum();
        let responses = responses
            .as_ref()
            .map_or(0.0, |(whole, last, _)| match fit {
                Fit::All => mono(whole) + separator,
                Fit::LastResponse | Fit::BytesOnly => mono(last) + separator,
                Fit::NoResponses | Fit::Least => 0.0,
            });
        let tally = tally
            .as_deref()
            .filter(|_| fit < Fit::Least)
            .map_or(0.0, |tally| mono(tally) + separator);
        counters + responses + tally
    };
    let fit = [
        Fit::All,
        Fit::LastResponse,
        Fit::BytesOnly,
        Fit::NoResponses,
    ]
    .into_iter()
    .find(|fit| width(*fit) <= room)
    .unwrap_or(Fit::Least);
    // Whatever is left out, and the response times' details, a hover away.
    let mut hidden: Vec<String> = Vec::new();
    if fit >= Fit::BytesOnly {
        hidden.extend(counters.iter().map(|(whole, _)| whole.clone()));
    }
    if let Some((whole, _, help)) = &responses {
        if fit >= Fit::LastResponse {
            hidden.push(whole.clone());
        }
        hidden.push(help.clone());
    }
    if fit == Fit::Least {
        hidden.extend(tally.clone());
    }
    // Counters first, from the right, so a long message is cut short instead of covering them.
    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
        if ui.button(t.reset_counters).clicked() {
            actions.push(super::Action::Edit(crate::workspace::Edit::ResetCounters));
        }
        if let Some((whole, last, help)) = &responses {
            let shown = match fit {
                Fit::All => Some(whole),
                Fit::LastResponse | Fit::BytesOnly => Some(last),
                Fit::NoResponses | Fit::Least => None,
            };
            if let Some(shown) = shown {
                ui.label(RichText::new(shown.as_str()).monospace())
                    .on_hover_text(help.as_str());
                ui.separator();
            }
        }
        if let Some(tally) = tally.filter(|_| fit < Fit::Least) {
            tallies_ui(ui, state, tally);
        }
        for ((whole, bytes), counter) in counters
            .into_iter()
            .zip([&state.traffic.tx, &state.traffic.rx])
        {
            let text = if fit >= Fit::BytesOnly { bytes } else { whole };
            let label = ui.label(RichText::new(text).monospace());
            if !hidden.is_empty() {
                label.on_hover_text(hidden.join("\n"));
            }
            // The rate falls back to zero by itself; look again while it is moving.
            if counter.is_active() {
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(500));
            }
        }
        ui.with_layout(Layout::left_to_right(Align::Center), |ui| {
            // Whole: the state is what the bar is for. The message has what is left.
            ui.label(described.as_str());
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

/// The tallies kept beside the counters: how received checksums came out while they are
/// checked, and what a relay's impairment did once it did anything.
fn tallies_text(state: &SessionState) -> Option<String> {
    let t = state.texts();
    let kind = state.log.check_kind();
    let checks = (kind != crate::codec::Checksum::None).then(|| {
        let tally = state.log.check_tally();
        t.check_tally
            .replace("{kind}", kind.name())
            .replace("{good}", &tally.good.to_string())
            .replace("{bad}", &tally.bad.to_string())
    });
    let impaired = state.traffic.impaired;
    let impairments = (!impaired.is_empty()).then(|| {
        let parts: Vec<String> = [
            (impaired.dropped, t.impair_tally_dropped),
            (impaired.duplicated, t.impair_tally_duplicated),
            (impaired.reordered, t.impair_tally_reordered),
        ]
        .into_iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, text)| text.replace("{n}", &count.to_string()))
        .collect();
        t.impair_tally.replace("{parts}", &parts.join(" · "))
    });
    let both: Vec<String> = [checks, impairments].into_iter().flatten().collect();
    (!both.is_empty()).then(|| both.join(" | "))
}

/// The tallies, red once a check has failed, each one's help on hover.
fn tallies_ui(ui: &mut Ui, state: &SessionState, text: String) {
    let t = state.texts();
    let text = RichText::new(text).monospace();
    let text = if state.log.check_tally().bad > 0 {
        text.color(ui.visuals().error_fg_color)
    } else {
        text
    };
    let mut help = Vec::new();
    if state.log.check_kind() != crate::codec::Checksum::None {
        help.push(t.check_tally_help);
    }
    if !state.traffic.impaired.is_empty() {
        help.push(t.impair_tally_help);
    }
    ui.label(text).on_hover_text(help.join("\n\n"));
    ui.separator();
}

/// The response times, once there are any: the whole line (last, mean, longest), the last
/// alone, and the help with the shortest.
fn responses_texts(state: &SessionState) -> Option<(String, String, String)> {
    let times = &state.traffic.responses;
    let average = times.average()?;
    let t = state.texts();
    let ms = crate::response_times::short_ms;
    let whole = t
        .responses
        .replace("{last}", &ms(times.last))
        .replace("{avg}", &ms(average))
        .replace("{max}", &ms(times.max))
        .replace("{n}", &times.count.to_string());
    let last = t.responses_last.replace("{last}", &ms(times.last));
    let help = t.responses_help.replace("{min}", &ms(times.min));
    Some((whole, last, help))
}

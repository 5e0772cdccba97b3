//! The rate graph (速率曲线): RX and TX bytes per second over the last minute, above the log,
//! so a burst, a stall or a steady stream can be seen at a glance.

use std::time::Instant;

use egui::Ui;
use egui_plot::{Corner, HoverPosition, Legend, Line, Plot};

use super::palette::Palette;
use crate::counters::{Counter, format_rate};
use crate::workspace::SessionState;

/// Seconds of history shown.
const SHOWN_SECONDS: f64 = 60.0;

pub(super) fn rate_graph_ui(ui: &mut Ui, state: &SessionState) {
    let now = Instant::now();
    // Seconds before now, so the graph reads "the last minute" and needs no clock of its own.
    let points = |counter: &Counter| -> Vec<[f64; 2]> {
        counter
            .history()
            .iter()
            .map(|(when, rate)| [-now.saturating_duration_since(*when).as_secs_f64(), *rate])
            .collect()
    };
    let palette = Palette::of(ui);
    Plot::new("rate_graph")
        .height(110.0)
        // Top left: the newest data is on the right.
        .legend(Legend::default().position(Corner::LeftTop))
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .include_x(-SHOWN_SECONDS)
        .include_x(0.0)
        .include_y(0.0)
        .y_axis_formatter(|mark, _| format_rate(mark.value))
        .x_axis_formatter(|mark, _| format!("{:.0} s", mark.value))
        .label_formatter(|hover| match hover {
            HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(format!(
                "{plot_name} {:.0} s: {}",
                position.x,
                format_rate(position.y)
            )),
            HoverPosition::Elsewhere { .. } => None,
        })
        .show(ui, |plot| {
            plot.line(Line::new("RX", points(&state.traffic.rx)).color(palette.rx));
            plot.line(Line::new("TX", points(&state.traffic.tx)).color(palette.tx));
        });
}

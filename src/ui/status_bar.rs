//! The status bar: state, the last message, RX/TX counters and their reset.

use egui::{RichText, Ui};

use crate::state::AppState;

pub(super) fn status_bar_ui(ui: &mut Ui, state: &mut AppState) {
    let t = state.texts();
    ui.horizontal(|ui| {
        ui.label(state.connection.describe(t));
        ui.separator();
        if let Some(status) = &state.status {
            let color = if status.is_error {
                ui.visuals().error_fg_color
            } else {
                ui.visuals().text_color()
            };
            ui.colored_label(color, &status.text);
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button(t.reset_counters).clicked() {
                state.reset_counters();
            }
            ui.label(RichText::new(format!("TX: {}", state.tx_bytes)).monospace());
            ui.label(RichText::new(format!("RX: {}", state.rx_bytes)).monospace());
        });
    });
}

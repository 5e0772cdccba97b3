//! A UDP relay's impairments (链路劣化), each way in a column of its own: loss, duplication,
//! reordering, delay and jitter, and the seed their random choices come from. Changed while
//! the relay runs.

use egui::Ui;

use super::Action;
use crate::net::{Impairment, Impairments};
use crate::workspace::{Edit, SessionState};

/// The impairment fields of `state`'s relay.
pub(super) fn impairments_ui(ui: &mut Ui, state: &SessionState, actions: &mut Vec<Action>) {
    let t = state.texts();
    let mut impairments: Impairments = state.impairments;
    egui::Grid::new("impairments")
        .num_columns(3)
        .spacing([6.0, 2.0])
        .show(ui, |ui| {
            // Short headers: the column is narrow (the fields' names carry the full marks).
            ui.label("");
            ui.label(t.send_to_upstream);
            ui.label(t.send_to_client);
            ui.end_row();
            let rows: [(&str, Field); 5] = [
                (t.impair_loss, |i| FieldValue::Percent(&mut i.loss_percent)),
                (t.impair_duplicate, |i| {
                    FieldValue::Percent(&mut i.duplicate_percent)
                }),
                (t.impair_reorder, |i| {
                    FieldValue::Percent(&mut i.reorder_percent)
                }),
                (t.impair_delay, |i| FieldValue::Millis(&mut i.delay_ms)),
                (t.impair_jitter, |i| FieldValue::Millis(&mut i.jitter_ms)),
            ];
            for (label, field) in rows {
                ui.label(label);
                for (way, impairment) in [
                    (t.client_to_upstream, &mut impairments.to_upstream),
                    (t.upstream_to_client, &mut impairments.to_client),
                ] {
                    let name = format!("{label} {way}");
                    field(impairment).ui(ui, &name);
                }
                ui.end_row();
            }
        });
    ui.horizontal(|ui| {
        let label = ui.label(t.impair_seed);
        ui.add(egui::DragValue::new(&mut impairments.seed))
            .labelled_by(label.id)
            .on_hover_text(t.impair_seed_help);
    });
    if impairments != state.impairments {
        actions.push(Action::Edit(Edit::Impairments(impairments)));
    }
}

/// Picks one of an impairment's fields.
type Field = fn(&mut Impairment) -> FieldValue<'_>;

/// One impairment field, in its unit.
enum FieldValue<'a> {
    Percent(&'a mut u8),
    Millis(&'a mut u32),
}

impl FieldValue<'_> {
    /// Draws the field, named `name` for screen readers (and tests).
    fn ui(self, ui: &mut Ui, name: &str) {
        let response = match self {
            Self::Percent(value) => ui.add(egui::DragValue::new(value).range(0..=100).suffix(" %")),
            Self::Millis(value) => ui.add(
                egui::DragValue::new(value)
                    .range(0..=60_000)
                    .suffix(" ms")
                    .speed(5),
            ),
        };
        let _ = response.accessible_name(name);
    }
}

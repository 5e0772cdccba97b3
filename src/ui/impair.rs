//! A relay's impairments (链路劣化), each way in a column of its own: for UDP loss,
//! duplication and reordering, for TCP re-cutting the stream and cutting the connection off,
//! for both delay, jitter and a bandwidth limit; and the seed their random choices come
//! from. Changed while the relay runs.

use egui::Ui;

use super::Action;
use crate::i18n::Texts;
use crate::net::{Impairment, Impairments};
use crate::workspace::{Edit, Mode, SessionState};

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
            for (label, field) in rows(state.mode, t) {
                ui.label(label);
                for (way, impairment) in [
                    (t.client_to_upstream, &mut impairments.to_upstream),
                    (t.upstream_to_client, &mut impairments.to_client),
                ] {
                    let name = format!("{label} {way}");
                    field(impairment).ui(ui, &name, t);
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

/// The rows of a `mode` relay's grid: its fields' names and how to reach them.
fn rows(mode: Mode, t: &Texts) -> Vec<(&'static str, Field)> {
    let mut rows: Vec<(&'static str, Field)> = Vec::new();
    if mode == Mode::UdpRelay {
        rows.push((t.impair_loss, |i| FieldValue::Percent(&mut i.loss_percent)));
        rows.push((t.impair_duplicate, |i| {
            FieldValue::Percent(&mut i.duplicate_percent)
        }));
        rows.push((t.impair_reorder, |i| {
            FieldValue::Percent(&mut i.reorder_percent)
        }));
    }
    rows.push((t.impair_delay, |i| FieldValue::Millis(&mut i.delay_ms)));
    rows.push((t.impair_jitter, |i| FieldValue::Millis(&mut i.jitter_ms)));
    rows.push((t.impair_rate, |i| FieldValue::Rate(&mut i.rate_bytes_per_s)));
    if mode == Mode::TcpRelay {
        rows.push((t.impair_write_size, |i| FieldValue::Size(&mut i.write_size)));
        rows.push((t.impair_write_gap, |i| {
            FieldValue::Millis(&mut i.write_gap_ms)
        }));
        rows.push((t.impair_cut, |i| FieldValue::Total(&mut i.cut_after)));
    }
    rows
}

/// One impairment field, in its unit.
enum FieldValue<'a> {
    Percent(&'a mut u8),
    Millis(&'a mut u32),
    /// Bytes a second; 0 for no limit.
    Rate(&'a mut u32),
    /// Bytes of one write; 0 for no limit.
    Size(&'a mut u32),
    /// Bytes all told; 0 for no limit.
    Total(&'a mut u64),
}

impl FieldValue<'_> {
    /// Draws the field, named `name` for screen readers (and tests).
    fn ui(self, ui: &mut Ui, name: &str, t: &Texts) {
        let response = match self {
            Self::Percent(value) => ui.add(egui::DragValue::new(value).range(0..=100).suffix(" %")),
            Self::Millis(value) => ui.add(
                egui::DragValue::new(value)
                    .range(0..=60_000)
                    .suffix(" ms")
                    .speed(5),
            ),
            Self::Rate(value) => ui
                .add(
                    limit(value, "B/s", t.impair_off)
                        .range(0..=1_000_000_000)
                        .speed(10),
                )
                .on_hover_text(t.impair_zero_is_off),
            Self::Size(value) => ui
                .add(limit(value, "B", t.impair_off).range(0..=1_048_576))
                .on_hover_text(t.impair_zero_is_off),
            Self::Total(value) => ui
                .add(
                    limit(value, "B", t.impair_off)
                        .range(0..=1_000_000_000_000_u64)
                        .speed(10),
                )
                .on_hover_text(t.impair_zero_is_off),
        };
        let _ = response.accessible_name(name);
    }
}

/// A field of bytes (or bytes a second) where 0 means no limit: it reads `off` then, the
/// number and its `unit` otherwise, and takes either back (or nothing, for off).
fn limit<'a, N: egui::emath::Numeric>(
    value: &'a mut N,
    unit: &'static str,
    off: &'static str,
) -> egui::DragValue<'a> {
    egui::DragValue::new(value)
        .custom_formatter(move |n, _| {
            if n == 0.0 {
                off.to_owned()
            } else {
                format!("{n} {unit}")
            }
        })
        .custom_parser(move |text| {
            let text = text.trim();
            if text.is_empty() || text == off {
                return Some(0.0);
            }
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
}

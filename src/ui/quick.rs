//! Quick commands (快捷指令): named payloads, one click to send; add, edit, delete.

use egui::{RichText, Ui};

use super::Action;
use crate::state::AppState;

pub(super) fn quick_commands_ui(ui: &mut Ui, state: &mut AppState, actions: &mut Vec<Action>) {
    let t = state.texts();
    let mut edit = None;
    let mut delete = None;
    for (index, command) in state.quick_commands.iter().enumerate() {
        ui.horizontal(|ui| {
            if ui
                .button(RichText::new(&command.name).strong())
                .on_hover_text(&command.text)
                .clicked()
            {
                actions.push(Action::SendQuick(index));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.small_button(t.delete).clicked() {
                    delete = Some(index);
                }
                if ui.small_button(t.edit).clicked() {
                    edit = Some(index);
                }
            });
        });
    }
    if let Some(index) = edit {
        state.edit_quick(index);
    }
    if let Some(index) = delete {
        state.delete_quick(index);
    }
    ui.horizontal(|ui| {
        let label = ui.label(t.quick_name);
        ui.add(egui::TextEdit::singleline(&mut state.quick_name).desired_width(f32::INFINITY))
            .labelled_by(label.id);
    });
    let save = if state.quick_editing.is_some() {
        t.quick_save
    } else {
        t.quick_add
    };
    ui.horizontal(|ui| {
        if ui.button(save).clicked() {
            state.save_quick();
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.small_button(t.quick_import).clicked() {
                actions.push(Action::PickQuickImport);
            }
            if ui
                .add_enabled(
                    !state.quick_commands.is_empty(),
                    egui::Button::new(t.quick_export).small(),
                )
                .clicked()
            {
                actions.push(Action::PickQuickExport);
            }
        });
    });
}

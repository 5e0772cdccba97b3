//! Quick commands (快捷指令): named payloads, one click to send; add, edit, delete.

use egui::{Key, Modifiers, RichText, Ui};

use super::Action;
use crate::workspace::{QuickEdit, SessionState, Shared};

/// The keys that send the first twelve quick commands, as function keys send a terminal
/// program's preset strings.
const KEYS: [Key; 12] = [
    Key::F1,
    Key::F2,
    Key::F3,
    Key::F4,
    Key::F5,
    Key::F6,
    Key::F7,
    Key::F8,
    Key::F9,
    Key::F10,
    Key::F11,
    Key::F12,
];

/// F1 to F12 send the first twelve quick commands, whether their section is open or not.
pub(super) fn quick_keys(ui: &Ui, shared: &Shared, actions: &mut Vec<Action>) {
    for (index, key) in KEYS.iter().enumerate().take(shared.quick_commands.len()) {
        if ui.input_mut(|input| input.consume_key(Modifiers::NONE, *key)) {
            actions.push(Action::SendQuick(index));
        }
    }
}

/// The app's quick commands, sent in and edited from the focused session `state`.
pub(super) fn quick_commands_ui(
    ui: &mut Ui,
    state: &SessionState,
    shared: &Shared,
    actions: &mut Vec<Action>,
) {
    let t = state.texts();
    for (index, command) in shared.quick_commands.iter().enumerate() {
        let key = KEYS.get(index).copied();
        ui.horizontal(|ui| {
            if let Some(key) = key {
                ui.label(RichText::new(key.name()).small().weak());
            }
            if ui
                .button(RichText::new(&command.name).strong())
                .on_hover_text(&command.text)
                .clicked()
            {
                actions.push(Action::SendQuick(index));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.small_button(t.delete).clicked() {
                    actions.push(Action::Quick(QuickEdit::Delete(index)));
                }
                if ui.small_button(t.edit).clicked() {
                    actions.push(Action::Quick(QuickEdit::Edit(index)));
                }
            });
        });
    }
    ui.horizontal(|ui| {
        let label = ui.label(t.quick_name);
        let mut name = shared.quick_name.clone();
        let field = egui::TextEdit::singleline(&mut name).desired_width(f32::INFINITY);
        if ui.add(field).labelled_by(label.id).changed() {
            actions.push(Action::Quick(QuickEdit::Name(name)));
        }
    });
    let save = if shared.quick_editing.is_some() {
        t.quick_save
    } else {
        t.quick_add
    };
    ui.horizontal(|ui| {
        if ui.button(save).clicked() {
            actions.push(Action::Quick(QuickEdit::Save));
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.small_button(t.quick_import).clicked() {
                actions.push(Action::PickQuickImport);
            }
            if ui
                .add_enabled(
                    !shared.quick_commands.is_empty(),
                    egui::Button::new(t.quick_export).small(),
                )
                .clicked()
            {
                actions.push(Action::PickQuickExport);
            }
        });
    });
}

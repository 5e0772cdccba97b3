//! The send box under the log, with its target and the Send button.

use egui::{ComboBox, RichText, Ui};

use super::Action;
use crate::state::{AppState, Connection, Mode, ServerTarget};

pub(super) fn send_box_ui(ui: &mut Ui, state: &mut AppState, actions: &mut Vec<Action>) {
    ui.add_space(4.0);
    match state.mode {
        Mode::TcpServer => server_target_ui(ui, state, actions),
        Mode::Udp => udp_target_ui(ui, state),
        Mode::TcpClient => {
            if let Connection::Connected { remote, .. } = state.connection {
                ui.label(RichText::new(format!("→ {remote}")).weak());
            }
        }
    }
    let t = state.texts();
    ui.horizontal(|ui| {
        let button_width = 90.0;
        let box_width =
            (ui.available_width() - button_width - ui.spacing().item_spacing.x).max(100.0);
        let height = (ui.available_height() - 22.0).max(40.0);
        ui.add_sized(
            [box_width, height],
            egui::TextEdit::multiline(&mut state.send_text)
                .hint_text(t.send_data)
                .font(egui::TextStyle::Monospace),
        )
        .accessible_name(t.send_data);
        if ui
            .add_sized(
                [button_width, height],
                egui::Button::new(RichText::new(t.send).strong()),
            )
            .clicked()
        {
            actions.push(Action::Send);
        }
    });
    if let Some(error) = &state.errors.send {
        ui.colored_label(ui.visuals().error_fg_color, error);
    }
}

fn server_target_ui(ui: &mut Ui, state: &mut AppState, actions: &mut Vec<Action>) {
    let t = state.texts();
    let all = format!("{} ({})", t.all_clients, state.clients.len());
    ui.horizontal(|ui| {
        let selected = match state.server_target {
            ServerTarget::All => all.clone(),
            ServerTarget::One(peer) => peer.to_string(),
        };
        ComboBox::new("server_target", t.send_to)
            .selected_text(selected)
            .width(200.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut state.server_target, ServerTarget::All, all);
                for peer in &state.clients {
                    ui.selectable_value(
                        &mut state.server_target,
                        ServerTarget::One(*peer),
                        peer.to_string(),
                    );
                }
            });
        if let ServerTarget::One(peer) = state.server_target
            && ui.button(t.disconnect_client).clicked()
        {
            actions.push(Action::Disconnect(peer));
        }
    });
}

fn udp_target_ui(ui: &mut Ui, state: &mut AppState) {
    let t = state.texts();
    ui.horizontal(|ui| {
        let enabled = !state.reply_to_last;
        let label = ui.label(t.target);
        ui.add_enabled(
            enabled,
            egui::TextEdit::singleline(&mut state.udp_target)
                .hint_text("127.0.0.1:8081")
                .desired_width(200.0),
        )
        .labelled_by(label.id);
        ui.checkbox(&mut state.reply_to_last, t.reply_to_last);
    });
    if let Some(error) = &state.errors.target {
        ui.colored_label(ui.visuals().error_fg_color, error);
    }
}

//! The send box under the log, with its target and the Send button.

use std::net::SocketAddr;

use egui::{ComboBox, RichText, Ui};

use super::Action;
use crate::workspace::{Connection, Mode, SendPreview, ServerTarget, SessionState, Shared};

/// The send box of session `state`; the history and Recent lists are the app's (`shared`).
pub(super) fn send_box_ui(
    ui: &mut Ui,
    state: &mut SessionState,
    shared: &Shared,
    actions: &mut Vec<Action>,
) {
    ui.add_space(4.0);
    match state.mode {
        Mode::TcpServer => server_target_ui(ui, state, actions),
        Mode::Udp => udp_target_ui(ui, state, shared),
        Mode::TcpClient => {
            if let Connection::Securing { remote, .. } | Connection::Connected { remote, .. } =
                state.connection
            {
                ui.label(RichText::new(format!("→ {remote}")).weak());
            }
        }
    }
    let t = state.texts();
    ui.horizontal(|ui| {
        history_ui(ui, state, shared);
        ui.separator();
        // At the far right, so the preview's length never moves it.
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.small_button(t.clear_input).clicked() {
                state.clear_send_box();
            }
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                preview_ui(ui, state);
            });
        });
    });
    // Ctrl+Enter (Cmd+Enter on macOS) sends, taken before the send box can read it as a newline.
    if ui.input_mut(|input| input.consume_key(egui::Modifiers::COMMAND, egui::Key::Enter)) {
        actions.push(Action::Send);
    }
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
        super::error_label(ui, error);
    }
}

fn server_target_ui(ui: &mut Ui, state: &mut SessionState, actions: &mut Vec<Action>) {
    let t = state.texts();
    let all = format!("{} ({})", t.all_clients, state.clients.len());
    // Wrapped, so a narrow session (side by side) keeps its Send button in sight.
    ui.horizontal_wrapped(|ui| {
        let selected = match state.server_target {
            ServerTarget::All => all.clone(),
            ServerTarget::One(peer) => peer.to_string(),
        };
        ComboBox::new("server_target", t.send_to)
            .selected_text(selected)
            .width(ui.available_width().clamp(120.0, 220.0))
            .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside)
            .show_ui(ui, |ui| client_list_ui(ui, state, &all));
        match state.server_target {
            ServerTarget::One(peer) => {
                if ui.button(t.disconnect_client).clicked() {
                    actions.push(Action::Disconnect(peer));
                }
            }
            ServerTarget::All => {
                let button = egui::Button::new(t.disconnect_all);
                if ui
                    .add_enabled(!state.clients.is_empty(), button)
                    .on_hover_text(t.disconnect_all_help)
                    .clicked()
                {
                    actions.push(Action::DisconnectAll);
                }
            }
        }
        let one = matches!(state.server_target, ServerTarget::One(_));
        ui.add_enabled(
            one,
            egui::Checkbox::new(&mut state.show_selected_only, t.show_selected_only),
        )
        .on_hover_text(t.show_selected_only_help);
    });
}

fn udp_target_ui(ui: &mut Ui, state: &mut SessionState, shared: &Shared) {
    let t = state.texts();
    let edited = ui
        .horizontal_wrapped(|ui| {
            let enabled = !state.reply_to_last;
            let label = ui.label(t.target);
            let target = ui
                .add_enabled(
                    enabled,
                    egui::TextEdit::singleline(&mut state.udp_target)
                        .hint_text("127.0.0.1:8081")
                        .desired_width(ui.available_width().clamp(120.0, 200.0)),
                )
                .labelled_by(label.id);
            ui.checkbox(&mut state.reply_to_last, t.reply_to_last);
            super::recent_remotes_ui(ui, state, shared);
            target.changed()
        })
        .inner;
    if edited {
        state.recheck_fields();
    }
    if let Some(error) = &state.errors.target {
        super::error_label(ui, error);
    }
}

/// The client list in the selector: a filter field and only the visible rows laid out, so it
/// stays quick with ten thousand clients.
fn client_list_ui(ui: &mut Ui, state: &mut SessionState, all: &str) {
    let t = state.texts();
    let mut chosen = None;
    if ui
        .selectable_label(state.server_target == ServerTarget::All, all)
        .clicked()
    {
        chosen = Some(ServerTarget::All);
    }
    let label = ui.label(t.filter_clients);
    ui.add(egui::TextEdit::singleline(&mut state.client_filter).hint_text("192.168."))
        .labelled_by(label.id);
    let filter = state.client_filter.trim();
    // Without a filter the rows on screen are read straight from the sorted set; only a
    // filter needs the matching clients gathered.
    let matching: Option<Vec<SocketAddr>> = (!filter.is_empty()).then(|| {
        state
            .clients
            .iter()
            .filter(|peer| peer.to_string().contains(filter))
            .copied()
            .collect()
    });
    let count = matching.as_ref().map_or(state.clients.len(), Vec::len);
    let row_height = ui.text_style_height(&egui::TextStyle::Button);
    egui::ScrollArea::vertical()
        .max_height(320.0)
        .show_rows(ui, row_height, count, |ui, rows| {
            let shown: Vec<SocketAddr> = match &matching {
                Some(matching) => matching.get(rows).unwrap_or_default().to_vec(),
                None => state
                    .clients
                    .iter()
                    .skip(rows.start)
                    .take(rows.len())
                    .copied()
                    .collect(),
            };
            for peer in shown {
                let selected = state.server_target == ServerTarget::One(peer);
                ui.horizontal(|ui| {
                    if ui.selectable_label(selected, peer.to_string()).clicked() {
                        chosen = Some(ServerTarget::One(peer));
                    }
                    let totals = state.client_totals.get(&peer).copied().unwrap_or_default();
                    ui.weak(format!("RX {} B · TX {} B", totals.rx, totals.tx));
                });
            }
        });
    if let Some(target) = chosen {
        state.server_target = target;
        ui.close();
    }
}

/// The last sends (历史发送): picking one puts it back in the send box.
fn history_ui(ui: &mut Ui, state: &mut SessionState, shared: &Shared) {
    let t = state.texts();
    let mut recall = None;
    // Shows the last send, as NetAssist's history box does; the list holds the rest.
    let newest = shared
        .history
        .first()
        .map_or_else(|| "—".to_owned(), |entry| preview(&entry.text, 16));
    ComboBox::new("history", t.history)
        .selected_text(newest)
        .width(150.0)
        .show_ui(ui, |ui| {
            for (index, entry) in shared.history.iter().enumerate() {
                if ui
                    .selectable_label(false, preview(&entry.text, 60))
                    .clicked()
                {
                    recall = Some(index);
                }
            }
        });
    if let Some(entry) = recall.and_then(|index| shared.history.get(index)) {
        state.load_send_box(&entry.text, entry.format);
    }
}

/// What Send would put on the wire, updated as the send box and the send settings change, so a
/// checksum or an escape can be checked before anything goes out.
fn preview_ui(ui: &mut Ui, state: &mut SessionState) {
    let t = state.texts();
    let text = match state.send_preview() {
        SendPreview::Empty => return,
        SendPreview::Bytes(len, head) => RichText::new(format!("→ {len} B: {head}")).monospace(),
        SendPreview::Refused(reason) => {
            RichText::new(super::sentence(reason).into_owned()).color(ui.visuals().warn_fg_color)
        }
    };
    ui.add(egui::Label::new(text).truncate())
        .on_hover_text(t.preview_help);
}

/// The first line of `text`, cut to `chars` characters; an ellipsis says when there is more.
fn preview(text: &str, chars: usize) -> String {
    let first_line = text.lines().next().unwrap_or_default();
    let mut shown: String = first_line.chars().take(chars).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    shown
}

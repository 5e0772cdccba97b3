//! The send box under the log, with its target and the Send button.

use std::net::SocketAddr;

use egui::{ComboBox, RichText, Ui};

use super::Action;
use crate::workspace::{
    Connection, Edit, Mode, SendPreview, ServerTarget, SessionState, Shared, Targets,
};

/// The send box of session `state`; the history and Recent lists are the app's (`shared`).
pub(super) fn send_box_ui(
    ui: &mut Ui,
    state: &SessionState,
    shared: &Shared,
    actions: &mut Vec<Action>,
) {
    ui.add_space(4.0);
    let mut target = state.target.clone();
    // What the target row asks besides the target itself (a Recent entry rewrites the
    // target, so it comes after).
    let mut asked = Vec::new();
    match state.mode {
        Mode::TcpServer => server_target_ui(ui, state, &mut target, &mut asked),
        Mode::TcpRelay | Mode::UdpRelay => {
            relay_way_ui(ui, state, &mut target);
            server_target_ui(ui, state, &mut target, &mut asked);
        }
        Mode::Udp => udp_target_ui(ui, state, &mut target, shared, &mut asked),
        Mode::TcpClient => {
            if let Connection::Securing { remote, .. } | Connection::Connected { remote, .. } =
                state.connection
            {
                ui.label(RichText::new(format!("→ {remote}")).weak());
            }
        }
    }
    if target != state.target {
        actions.push(Action::Edit(Edit::Targets(target)));
    }
    actions.append(&mut asked);
    let t = state.texts();
    ui.horizontal(|ui| {
        history_ui(ui, state, shared, actions);
        ui.separator();
        // At the far right, so the preview's length never moves it.
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.small_button(t.clear_input).clicked() {
                actions.push(Action::Edit(Edit::ClearSendBox));
            }
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                preview_ui(ui, state);
            });
        });
    });
    // Ctrl+Enter (Cmd+Enter on macOS) sends, taken before the send box can read it as a newline.
    let mut send =
        ui.input_mut(|input| input.consume_key(egui::Modifiers::COMMAND, egui::Key::Enter));
    ui.horizontal(|ui| {
        let button_width = 90.0;
        let box_width =
            (ui.available_width() - button_width - ui.spacing().item_spacing.x).max(100.0);
        let height = (ui.available_height() - 22.0).max(40.0);
        let mut text = state.send.text.clone();
        let typed = ui
            .add_sized(
                [box_width, height],
                egui::TextEdit::multiline(&mut text)
                    .hint_text(t.send_data)
                    .font(egui::TextStyle::Monospace),
            )
            .accessible_name(t.send_data)
            .changed();
        if typed {
            actions.push(Action::Edit(Edit::SendText(text)));
        }
        send |= ui
            .add_sized(
                [button_width, height],
                egui::Button::new(RichText::new(t.send).strong()),
            )
            .clicked();
    });
    // After what was typed this frame, so the send holds it.
    if send {
        actions.push(Action::Send);
    }
    if let Some(error) = &state.errors.send {
        super::error_label(ui, error.get(state.language));
    }
}

/// Which client a TCP server sends to, editing `target`; disconnecting goes to `actions`.
/// Which side of a relay's pairs the send box writes to: the clients or the upstream.
fn relay_way_ui(ui: &mut Ui, state: &SessionState, target: &mut Targets) {
    use crate::net::Way;
    let t = state.texts();
    ui.horizontal(|ui| {
        for (way, label) in [
            (Way::ToClient, t.send_to_client),
            (Way::ToUpstream, t.send_to_upstream),
        ] {
            ui.radio_value(&mut target.relay_way, way, label);
        }
    });
}

fn server_target_ui(
    ui: &mut Ui,
    state: &SessionState,
    target: &mut Targets,
    actions: &mut Vec<Action>,
) {
    let t = state.texts();
    let all = format!("{} ({})", t.all_clients, state.clients.len());
    // Wrapped, so a narrow session (side by side) keeps its Send button in sight.
    ui.horizontal_wrapped(|ui| {
        let selected = match target.server {
            ServerTarget::All => all.clone(),
            ServerTarget::One(peer) => peer.to_string(),
        };
        ComboBox::new("server_target", t.send_to)
            .selected_text(selected)
            .width(ui.available_width().clamp(120.0, 220.0))
            .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside)
            .show_ui(ui, |ui| client_list_ui(ui, state, target, &all));
        match target.server {
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
        let one = matches!(target.server, ServerTarget::One(_));
        ui.add_enabled(
            one,
            egui::Checkbox::new(&mut target.show_selected_only, t.show_selected_only),
        )
        .on_hover_text(t.show_selected_only_help);
    });
}

/// Where a UDP send goes, editing `target`; a Recent entry goes to `actions`.
fn udp_target_ui(
    ui: &mut Ui,
    state: &SessionState,
    target: &mut Targets,
    shared: &Shared,
    actions: &mut Vec<Action>,
) {
    let t = state.texts();
    ui.horizontal_wrapped(|ui| {
        let enabled = !target.reply_to_last;
        let label = ui.label(t.target);
        ui.add_enabled(
            enabled,
            egui::TextEdit::singleline(&mut target.udp)
                .hint_text("127.0.0.1:8081")
                .desired_width(ui.available_width().clamp(120.0, 200.0)),
        )
        .labelled_by(label.id);
        ui.checkbox(&mut target.reply_to_last, t.reply_to_last);
        super::recent_remotes_ui(ui, state, shared, actions);
    });
}

/// The client list in the selector: a filter field and only the visible rows laid out, so it
/// stays quick with ten thousand clients.
fn client_list_ui(ui: &mut Ui, state: &SessionState, target: &mut Targets, all: &str) {
    let t = state.texts();
    let mut chosen = None;
    if ui
        .selectable_label(target.server == ServerTarget::All, all)
        .clicked()
    {
        chosen = Some(ServerTarget::All);
    }
    let label = ui.label(t.filter_clients);
    ui.add(egui::TextEdit::singleline(&mut target.client_filter).hint_text("192.168."))
        .labelled_by(label.id);
    let filter = target.client_filter.trim();
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
                let selected = target.server == ServerTarget::One(peer);
                let totals = state.client_totals.get(&peer).copied().unwrap_or_default();
                ui.horizontal(|ui| {
                    if ui
                        .selectable_label(selected, pair_name(peer, &totals))
                        .clicked()
                    {
                        chosen = Some(ServerTarget::One(peer));
                    }
                    ui.weak(totals_text(state, &totals));
                });
            }
        });
    if let Some(chosen) = chosen {
        target.server = chosen;
        ui.close();
    }
}

/// A client in the list: its address, and for a relay the pair's other leg too (the local end
/// of its connection to the upstream), as the log names them.
fn pair_name(peer: SocketAddr, totals: &crate::workspace::PeerTotals) -> String {
    match totals.upstream_leg {
        Some(leg) => format!("{peer} → {leg}"),
        None => peer.to_string(),
    }
}

/// What went each way for a client in the list: a relay's by way.
fn totals_text(state: &SessionState, totals: &crate::workspace::PeerTotals) -> String {
    let t = state.texts();
    if state.mode.relays() {
        format!(
            "{} {} B · {} {} B",
            t.send_to_upstream, totals.rx, t.send_to_client, totals.tx
        )
    } else {
        format!("RX {} B · TX {} B", totals.rx, totals.tx)
    }
}

/// The last sends (历史发送): picking one puts it back in the send box.
fn history_ui(ui: &mut Ui, state: &SessionState, shared: &Shared, actions: &mut Vec<Action>) {
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
        actions.push(Action::Edit(Edit::LoadSendBox(
            entry.text.clone(),
            entry.format,
        )));
    }
}

/// What Send would put on the wire, updated as the send box and the send settings change, so a
/// checksum or an escape can be checked before anything goes out.
fn preview_ui(ui: &mut Ui, state: &SessionState) {
    let t = state.texts();
    // What is wrong with the target takes the preview's place, so it moves nothing.
    if let Some(error) = &state.errors.target {
        super::error_in_place(ui, error.get(state.language));
        return;
    }
    let text = match state.send_preview() {
        SendPreview::Empty => return,
        SendPreview::Bytes(len, head) => RichText::new(format!("→ {len} B: {head}")).monospace(),
        SendPreview::Refused(reason) => {
            RichText::new(super::sentence(&reason).into_owned()).color(ui.visuals().warn_fg_color)
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

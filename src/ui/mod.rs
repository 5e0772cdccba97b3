//! The window: settings on the left, the data log on the right, the send box below it, the
//! status bar at the bottom. Panels draw [`AppState`] and return [`Action`]s for the engine.

mod auto_reply;
mod log_view;
mod palette;
mod quick;
mod rate_graph;
mod send_box;
mod settings;
mod split;
mod status_bar;
mod tls;

use crate::state::AppState;
pub use tls::TlsFile;

/// What the person asked for that needs the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Open a session with the current settings.
    Open,
    /// Close the open session.
    Close,
    /// Send the send box.
    Send,
    /// Disconnect one client of the server.
    Disconnect(std::net::SocketAddr),
    /// Disconnect every client of the server, which goes on listening.
    DisconnectAll,
    /// Have the server stop accepting clients, keeping those it has.
    StopListening,
    /// Start sending the send box (or the quick commands in turn) every cycle period.
    StartCycle,
    /// Stop the cycle send.
    StopCycle,
    /// Ask which file to send.
    PickFileToSend,
    /// Send this file.
    SendFile(std::path::PathBuf),
    /// Stop sending the file.
    CancelFile,
    /// Ask where to save received data.
    PickCaptureFile,
    /// Save received data to this file.
    StartCapture(std::path::PathBuf),
    /// Stop saving.
    StopCapture,
    /// Ask where to save the log as shown.
    PickLogFile,
    /// Save the log as shown to this file.
    SaveLog(std::path::PathBuf),
    /// Send quick command number n.
    SendQuick(usize),
    /// Ask where to export the quick commands.
    PickQuickExport,
    /// Export the quick commands to this file.
    ExportQuick(std::path::PathBuf),
    /// Ask which quick command file to import.
    PickQuickImport,
    /// Add the quick commands in this file.
    ImportQuick(std::path::PathBuf),
    /// Send these bytes (a log entry's) to this peer again.
    SendAgain(std::net::SocketAddr, bytes::Bytes),
    /// Ask for one of the TLS server's files.
    PickTlsFile(TlsFile),
    /// Use this file as the TLS server's certificate or key.
    UseTlsFile(TlsFile, std::path::PathBuf),
}

/// While a file is dragged over the window, says that dropping it sends it.
fn drop_hint_ui(ui: &egui::Ui, state: &AppState) {
    if ui.input(|input| input.raw.hovered_files.is_empty()) {
        return;
    }
    let painter = ui.ctx().layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("drop_hint"),
    ));
    let screen = ui.ctx().content_rect();
    painter.rect_filled(screen, 0.0, egui::Color32::from_black_alpha(160));
    painter.text(
        screen.center(),
        egui::Align2::CENTER_CENTER,
        state.texts().drop_to_send,
        egui::TextStyle::Heading.resolve(ui.style()),
        egui::Color32::WHITE,
    );
}

/// Lays out the whole window and returns what was asked of the engine this frame.
pub fn window_ui(ui: &mut egui::Ui, state: &mut AppState) -> Vec<Action> {
    let mut actions = Vec::new();
    // Panels leave the background to the window's clear colour (the same panel fill, see
    // `NetDebugApp::clear_color`), so no frame shades every pixel of the window.
    let side = egui::Frame::side_top_panel(ui.style()).fill(egui::Color32::TRANSPARENT);
    let central = egui::Frame::central_panel(ui.style()).fill(egui::Color32::TRANSPARENT);
    egui::Panel::bottom("status_bar")
        .frame(side)
        .show(ui, |ui| status_bar::status_bar_ui(ui, state));
    egui::Panel::left("settings")
        .frame(side)
        .resizable(true)
        .default_size(262.0)
        .min_size(220.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                settings::settings_ui(ui, state, &mut actions);
            });
        });
    egui::Panel::bottom("send_box")
        .frame(side)
        .resizable(true)
        .default_size(130.0)
        .min_size(100.0)
        .show(ui, |ui| send_box::send_box_ui(ui, state, &mut actions));
    // After the client selector, before the log: the log shows what was chosen this frame.
    state.sync_log_filter();
    egui::CentralPanel::default()
        .frame(central)
        .show(ui, |ui| log_view::log_ui(ui, state, &mut actions));
    drop_hint_ui(ui, state);
    actions
}

/// A label followed by a single-line text field that the label names (for screen readers and
/// tests), with an error message under it when there is one.
fn labelled_field(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    hint: &str,
    error: Option<&str>,
    enabled: bool,
) -> egui::Response {
    let label = ui.label(label);
    let response = ui
        .add_enabled(
            enabled,
            egui::TextEdit::singleline(value)
                .hint_text(hint)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
    if let Some(error) = error {
        error_label(ui, error);
    }
    response
}

/// A message that stands on its own (beside a field, in the status bar), as a sentence: the
/// library's English errors start in lower case so they can also sit inside other text.
fn sentence(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some(first) if first.is_lowercase() => {
            format!("{}{}", first.to_uppercase(), &text[first.len_utf8()..]).into()
        }
        _ => text.into(),
    }
}

/// The Recent list (最近使用): a remote a TCP client connected to or UDP sent to before, one
/// click to put it back in the fields.
fn recent_remotes_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let t = state.texts();
    let mut chosen = None;
    ui.add_enabled_ui(!state.recent_remotes.is_empty(), |ui| {
        egui::ComboBox::new("recent_remotes", t.recent)
            .selected_text("host:port")
            .show_ui(ui, |ui| {
                for remote in &state.recent_remotes {
                    if ui.selectable_label(false, remote).clicked() {
                        chosen = Some(remote.clone());
                    }
                }
            });
    });
    if let Some(remote) = chosen {
        state.use_recent(&remote);
    }
}

/// An error shown beside what caused it.
fn error_label(ui: &mut egui::Ui, text: &str) {
    ui.colored_label(ui.visuals().error_fg_color, sentence(text));
}

#[cfg(test)]
mod tests {
    use super::sentence;

    #[test]
    fn a_message_on_its_own_starts_with_a_capital() {
        assert_eq!(sentence("no client is connected"), "No client is connected");
        assert_eq!(sentence("Listening"), "Listening");
        assert_eq!(sentence("ünreachable"), "Ünreachable");
        assert_eq!(sentence("端口已被占用"), "端口已被占用");
        assert_eq!(sentence(""), "");
    }
}

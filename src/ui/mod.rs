//! The window: the focused session's settings on the left and its status bar at the bottom;
//! on the right the sessions in tabs and side by side, each with its data log and send box. Panels draw a
//! [`SessionState`] and return [`Action`]s for its engine session; the window returns them as
//! [`Command`]s that name the session.

mod auto_reply;
mod impair;
mod log_view;
mod palette;
mod quick;
mod rate_graph;
mod send_box;
mod settings;
mod split;
mod status_bar;
mod tiles;
mod timeline;
mod tls;

pub use tiles::{Layout, Pane, health_colour, session_colour};
pub use tls::TlsFile;

use crate::workspace::{Edit, QuickEdit, SessionState, Shared, TabId, Workspace};

/// What the person asked of one session: a change to its state, or something for its engine
/// session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Change the session's settings, fields or view.
    Edit(Edit),
    /// Change the app's quick commands, from this session's send box.
    Quick(QuickEdit),
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

/// What the person asked of the workspace rather than of one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkspaceAction {
    /// Add a session with default settings beside the focused one.
    Add,
    /// Add a copy of this session's settings (closed, with an empty log).
    Duplicate(TabId),
    /// Close this session's sockets and remove it.
    Close(TabId),
    /// Ask for a new name for this session.
    StartRename(TabId),
    /// Give this session this name (empty: automatic).
    Rename(TabId, String),
    /// Show this session's settings in the left column.
    Focus(TabId),
    /// Move this session into a column of its own beside the others.
    SideBySide(TabId),
    /// Switch the app's language.
    SwitchLanguage,
    /// Ask where to save the workspace.
    PickSaveWorkspace,
    /// Save the workspace to this file.
    SaveWorkspace(std::path::PathBuf),
    /// Ask which workspace file to open.
    PickOpenWorkspace,
    /// Show the all-sessions timeline.
    ShowTimeline,
    /// Close the all-sessions timeline.
    CloseTimeline,
    /// Find this in the timeline from the next Find on.
    TimelineQuery(String),
    /// Move the timeline's Find to the next match.
    TimelineFindNext,
    /// Ask where to save the timeline.
    PickSaveTimeline,
    /// Save the timeline as shown to this file.
    SaveTimeline(std::path::PathBuf),
    /// Open this workspace file in place of the current workspace.
    OpenWorkspace(std::path::PathBuf),
}

/// What a frame asked for: of one session, or of the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// An action of this session.
    Session(TabId, Action),
    /// An action of the workspace.
    Workspace(WorkspaceAction),
}

/// While a file is dragged over the window, says that dropping it sends it.
fn drop_hint_ui(ui: &egui::Ui, state: &SessionState) {
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

/// Lays out the whole window and returns what was asked this frame.
pub fn window_ui(
    ui: &mut egui::Ui,
    workspace: &mut Workspace,
    layout: &mut Layout,
) -> Vec<Command> {
    let mut commands = Vec::new();
    // Panels leave the background to the window's clear colour (the same panel fill, see
    // `NetDebugApp::clear_color`), so no frame shades every pixel of the window.
    let side = egui::Frame::side_top_panel(ui.style()).fill(egui::Color32::TRANSPARENT);
    // The focused session's, across the whole window as in NetAssist: the counters and the
    // state need the width; each tab keeps its own state dot.
    let focused = workspace.focused();
    egui::Panel::bottom("status_bar")
        .frame(side)
        .show(ui, |ui| {
            let mut actions = Vec::new();
            status_bar::status_bar_ui(ui, workspace.focused_state(), &mut actions);
            commands.extend(
                actions
                    .into_iter()
                    .map(|action| Command::Session(focused, action)),
            );
        });
    egui::Panel::left("settings")
        .frame(side)
        .resizable(true)
        .default_size(262.0)
        .min_size(220.0)
        .show(ui, |ui| settings_column_ui(ui, workspace, &mut commands));
    egui::CentralPanel::default()
        .frame(egui::Frame::NONE)
        .show(ui, |ui| layout.ui(ui, workspace, &mut commands));
    drop_hint_ui(ui, workspace.focused_state());
    commands
}

/// The left column: the app's buttons, then the focused session's settings under its name
/// and colour, so it is plain which session they belong to.
fn settings_column_ui(ui: &mut egui::Ui, workspace: &Workspace, commands: &mut Vec<Command>) {
    let t = workspace.shared.texts();
    if settings::app_header_ui(ui, t) {
        commands.push(Command::Workspace(WorkspaceAction::SwitchLanguage));
    }
    workspace_menu_ui(ui, t, commands);
    let focused = workspace.focused();
    if let Some(tab) = workspace.tab(focused) {
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new("●").color(health_colour(tab.health(), ui)));
            ui.add(
                egui::Label::new(
                    egui::RichText::new(tab.title())
                        .strong()
                        .color(session_colour(focused)),
                )
                .truncate(),
            )
            .on_hover_text(t.settings_of_session);
        });
    }
    ui.separator();
    let mut actions = Vec::new();
    if let Some(tab) = workspace.tab(focused) {
        egui::ScrollArea::vertical().show(ui, |ui| {
            settings::settings_ui(ui, &tab.state, &workspace.shared, &mut actions);
        });
    }
    commands.extend(
        actions
            .into_iter()
            .map(|action| Command::Session(focused, action)),
    );
}

/// Save and open the workspace as a file.
fn workspace_menu_ui(ui: &mut egui::Ui, t: &crate::i18n::Texts, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new(t.workspace).weak());
        if ui.small_button(t.open_workspace).clicked() {
            commands.push(Command::Workspace(WorkspaceAction::PickOpenWorkspace));
        }
        if ui.small_button(t.save_workspace).clicked() {
            commands.push(Command::Workspace(WorkspaceAction::PickSaveWorkspace));
        }
        if ui
            .small_button(t.show_timeline)
            .on_hover_text(t.show_timeline_help)
            .clicked()
        {
            commands.push(Command::Workspace(WorkspaceAction::ShowTimeline));
        }
    });
}

/// One session: its send box at the bottom, its log above it.
fn session_ui(ui: &mut egui::Ui, state: &SessionState, shared: &Shared, actions: &mut Vec<Action>) {
    let side = egui::Frame::side_top_panel(ui.style()).fill(egui::Color32::TRANSPARENT);
    let central = egui::Frame::central_panel(ui.style()).fill(egui::Color32::TRANSPARENT);
    egui::Panel::bottom("send_box")
        .frame(side)
        .resizable(true)
        .default_size(130.0)
        .min_size(100.0)
        .show(ui, |ui| send_box::send_box_ui(ui, state, shared, actions));
    egui::CentralPanel::default()
        .frame(central)
        .show(ui, |ui| log_view::log_ui(ui, state, actions));
}

/// A label followed by a single-line text field that the label names (for screen readers and
/// tests); an error message sits beside the label, so it never moves what is under the field.
fn labelled_field(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    hint: &str,
    error: Option<&str>,
    enabled: bool,
) -> egui::Response {
    let label = ui
        .horizontal(|ui| {
            let label = ui.label(label);
            if let Some(error) = error {
                error_in_place(ui, error);
            }
            label
        })
        .inner;
    ui.add_enabled(
        enabled,
        egui::TextEdit::singleline(value)
            .hint_text(hint)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id)
}

/// An error in what is left of the current row, in small red text: cut short with "…" when
/// the row is too narrow, whole on hover.
fn error_in_place(ui: &mut egui::Ui, text: &str) {
    let text = sentence(text);
    let shown = egui::RichText::new(text.as_ref())
        .small()
        .color(ui.visuals().error_fg_color);
    ui.add(egui::Label::new(shown).truncate())
        .on_hover_text(text.as_ref());
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
fn recent_remotes_ui(
    ui: &mut egui::Ui,
    state: &SessionState,
    shared: &Shared,
    actions: &mut Vec<Action>,
) {
    let t = state.texts();
    let mut chosen = None;
    // Not disabled while empty: a disabled combo is a child `Ui`, which a wrapping row
    // cannot move to its next line.
    unlabelled_combo(ui, "recent_remotes", t.recent, t.recent, |ui| {
        if shared.recent_remotes.is_empty() {
            ui.weak("—");
        }
        for remote in &shared.recent_remotes {
            if ui.selectable_label(false, remote).clicked() {
                chosen = Some(remote.clone());
            }
        }
    });
    if let Some(remote) = chosen {
        actions.push(Action::Edit(Edit::UseRecent(remote)));
    }
}

/// A small combo box showing `selected` with no label beside it (a row has no room), named
/// `name` for screen readers and tests, and in its tooltip.
fn unlabelled_combo(
    ui: &mut egui::Ui,
    id: &str,
    name: &str,
    selected: &str,
    contents: impl FnOnce(&mut egui::Ui),
) {
    let response = egui::ComboBox::from_id_salt(id)
        .selected_text(selected)
        .width(0.0)
        .wrap_mode(egui::TextWrapMode::Extend)
        .show_ui(ui, contents)
        .response;
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, ui.is_enabled(), name));
    response.on_hover_text(name);
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

//! The eframe app: the window around the [`Controller`]: draws its workspace, turns UI
//! commands into its actions, and does what needs a window (file dialogs, Save log, the
//! workspace file, screenshots).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;

use tokio::runtime::Handle;

use crate::controller::Controller;
use crate::dialogs::{DialogPurpose, Dialogs};
use crate::i18n::{Language, Said};
use crate::log::SavedLog;
use crate::messages::Message as _;
use crate::net::{FileError, Wakeup};
use crate::repaint::RepaintPacer;
use crate::screenshot::ScreenshotPlan;
use crate::ui::{self, Action, Command, Layout, WorkspaceAction};
use crate::workspace::{SessionState, Shared, StatusMessage, TabId, Workspace};
use crate::workspace_file::{STORAGE_KEY, WorkspaceFile};

/// What came back from work done off the window's thread.
enum Finished {
    /// A Save log of this session ended.
    LogSaved(TabId, Result<SavedLog, FileError>),
    /// The workspace was written to this file (or why not).
    WorkspaceSaved(PathBuf, Result<(), String>),
    /// The timeline was written to this file (or why not).
    TimelineSaved(PathBuf, Result<(), String>),
    /// A workspace file was read (or why not).
    WorkspaceRead(PathBuf, Result<String, String>),
    /// The quick commands were written to a file, as session `TabId` asked.
    QuickExported(
        TabId,
        PathBuf,
        Result<(), crate::quick_file::QuickFileError>,
    ),
    /// Quick commands were read from a file, as session `TabId` asked.
    QuickImported(
        TabId,
        PathBuf,
        Result<Vec<crate::workspace::QuickCommand>, crate::quick_file::QuickFileError>,
    ),
}

/// The NetDebug window.
pub struct NetDebugApp {
    controller: Controller,
    layout: Layout,
    screenshot: Option<ScreenshotPlan>,
    /// The title last given to the window.
    shown_title: Option<String>,
    first_frame: Option<Box<dyn FnOnce()>>,
    /// A theme asked for on the command line, set at the first frame.
    theme_asked: Option<egui::Theme>,
    /// A text size asked for on the command line, set at the first frame.
    text_size_asked: Option<f32>,
    dialogs: Dialogs,
    finished: (mpsc::Sender<Finished>, mpsc::Receiver<Finished>),
    ctx: egui::Context,
}

impl NetDebugApp {
    /// The app with the workspace eframe stored last time (defaults if none or unreadable).
    pub fn new(cc: &eframe::CreationContext<'_>, runtime: Handle) -> Self {
        let stored = cc
            .storage
            .and_then(|storage| storage.get_string(STORAGE_KEY));
        Self::from_text(cc, runtime, stored.as_deref())
    }

    /// The app with the workspace in `text` (a workspace file, or a settings record of the
    /// single-session layouts); defaults and a message when it cannot be read.
    pub fn from_text(
        cc: &eframe::CreationContext<'_>,
        runtime: Handle,
        text: Option<&str>,
    ) -> Self {
        let (file, problem) = WorkspaceFile::from_text(text);
        let file = file.unwrap_or_else(|| fresh_file(Language::from_system()));
        let mut app = Self::with_workspace(cc, runtime, file.to_workspace(), &file.layout);
        if let Some(problem) = problem {
            tracing::warn!(%problem, "workspace");
            app.state_mut().status = Some(StatusMessage::error(problem));
        }
        app
    }

    /// The app with the workspace file at `path` (`--workspace FILE`); defaults and a message
    /// when it cannot be read.
    pub fn from_file(
        cc: &eframe::CreationContext<'_>,
        runtime: Handle,
        path: &std::path::Path,
    ) -> Self {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_text(cc, runtime, Some(&text)),
            Err(error) => {
                let mut app = Self::from_text(cc, runtime, None);
                app.state_mut().status = Some(StatusMessage::error(format!(
                    "cannot read {}: {error}; defaults are used",
                    path.display()
                )));
                app
            }
        }
    }

    /// The app with one session, `state` (tests start from a fresh one).
    pub fn with_state(
        cc: &eframe::CreationContext<'_>,
        runtime: Handle,
        state: SessionState,
    ) -> Self {
        let workspace = Workspace::with_session(Shared::new(state.language), state);
        Self::with_workspace(cc, runtime, workspace, "")
    }

    /// The app with `workspace`, arranged as `layout` says (see [`Layout::from_text`]).
    pub fn with_workspace(
        cc: &eframe::CreationContext<'_>,
        runtime: Handle,
        mut workspace: Workspace,
        layout: &str,
    ) -> Self {
        workspace.shared.local_addresses = crate::net::local_addresses();
        crate::fonts::install(&cc.egui_ctx);
        // Scroll bars that are always in sight, as in any desktop tool: egui's default floating
        // bars are invisible until the pointer is over them, so neither the log nor the
        // settings column showed that there was more, and the log's horizontal bar, when it
        // did appear, covered its last row.
        cc.egui_ctx
            .all_styles_mut(|style| style.spacing.scroll = egui::style::ScrollStyle::solid());
        let ctx = cc.egui_ctx.clone();
        let dialogs = Dialogs::new(runtime.clone());
        // A single packet repaints at once; a flood costs one frame per interval, not one per
        // packet. The engine wakes us at most once per drain anyway.
        let pacer = RepaintPacer::default();
        let layout = Layout::from_text(layout, &workspace);
        let controller = Controller::new(
            runtime,
            workspace,
            Arc::new(move |wakeup| match wakeup {
                Wakeup::Events => ctx.request_repaint_after(pacer.delay()),
                // Reads are waiting for this frame's drain.
                Wakeup::BacklogFull => ctx.request_repaint(),
            }),
        );
        Self {
            controller,
            layout,
            screenshot: None,
            shown_title: None,
            first_frame: None,
            theme_asked: None,
            text_size_asked: None,
            dialogs,
            finished: mpsc::channel(),
            ctx: cc.egui_ctx.clone(),
        }
    }

    /// Has the app photograph itself as `plan` says.
    pub fn set_screenshot(&mut self, plan: ScreenshotPlan) {
        self.screenshot = Some(plan);
    }

    /// Calls `callback` once the first frame is drawn.
    pub fn on_first_frame(&mut self, callback: Box<dyn FnOnce()>) {
        self.first_frame = Some(callback);
    }

    /// Draws the window in `theme` from the first frame on, over the theme remembered with the
    /// window (set then, not now, so that nothing that sets up the context after the app is
    /// made, as eframe restoring its memory, undoes it).
    pub fn ask_theme(&mut self, theme: egui::Theme) {
        self.theme_asked = Some(theme);
    }

    /// Draws the window at text size `zoom` (1.0 normal, each A+ adds 0.1) from the first
    /// frame on, as [`NetDebugApp::ask_theme`] does for the theme.
    pub fn ask_text_size(&mut self, zoom: f32) {
        self.text_size_asked = Some(zoom);
    }

    /// Labels the app and every session in `language`.
    pub fn set_language(&mut self, language: Language) {
        self.controller.workspace.set_language(language);
    }

    /// Performs `action` (a cycle send, a file send) in the focused session as soon as it has
    /// someone to send to.
    pub fn perform_when_ready(&mut self, action: Action) {
        let focused = self.controller.workspace.focused();
        self.controller.perform_when_ready(focused, action);
    }

    /// The title last given to the window (see [`crate::workspace::Connection::window_title`]).
    pub fn window_title(&self) -> Option<&str> {
        self.shown_title.as_deref()
    }

    /// What the focused session shows.
    pub fn state(&self) -> &SessionState {
        self.controller.state()
    }

    /// What the focused session shows, to change.
    pub fn state_mut(&mut self) -> &mut SessionState {
        self.controller.state_mut()
    }

    /// The whole workspace: what the sessions share, and every session.
    pub fn workspace(&self) -> &Workspace {
        &self.controller.workspace
    }

    /// How the window arranges the sessions.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The workspace as a file would hold it now.
    pub fn workspace_file(&self) -> WorkspaceFile {
        WorkspaceFile::from_workspace(&self.controller.workspace, self.layout.to_text())
    }

    /// Opens every session: servers and UDP sockets first, so the clients of the workspace
    /// find them listening. The focus stays where it was.
    pub fn open_all(&mut self) {
        let focused = self.focused();
        let mut order: Vec<(bool, TabId)> = self
            .controller
            .workspace
            .tabs()
            .iter()
            .map(|tab| (tab.state.mode == crate::workspace::Mode::TcpClient, tab.id))
            .collect();
        order.sort_by_key(|(client, _)| *client);
        for (_, id) in order {
            self.perform_in(id, Action::Open);
        }
        self.controller.workspace.focus(focused);
    }

    /// Does what `action` asks of the focused session.
    pub fn perform(&mut self, action: Action) {
        let focused = self.controller.workspace.focused();
        self.perform_in(focused, action);
    }

    /// Does what `command` asks.
    pub fn command(&mut self, command: Command) {
        match command {
            Command::Session(tab, action) => self.perform_in(tab, action),
            Command::Workspace(action) => self.perform_workspace(action),
        }
    }

    /// Opens the file dialog for `purpose`, or says in the focused session's status bar why
    /// none can open.
    fn open_dialog(&mut self, purpose: DialogPurpose) {
        if let Err(error) = self.dialogs.open(purpose, &self.ctx) {
            self.controller.state_mut().status = Some(StatusMessage {
                said: Said::new(|language| error.message(language)),
                is_error: true,
            });
        }
    }

    /// Does what `action` asks of session `tab`: file dialogs and Save log here, the rest
    /// through the [`Controller`].
    fn perform_in(&mut self, tab: TabId, action: Action) {
        // The dialog answers go to the session that asked, in focus when they come back.
        self.controller.workspace.focus(tab);
        match action {
            Action::PickFileToSend => self.open_dialog(DialogPurpose::SendFile),
            Action::PickQuickExport => self.open_dialog(DialogPurpose::ExportQuick),
            Action::PickQuickImport => self.open_dialog(DialogPurpose::ImportQuick),
            Action::PickCaptureFile => self.open_dialog(DialogPurpose::Capture),
            Action::PickLogFile => self.open_dialog(DialogPurpose::SaveLog),
            Action::PickTlsFile(file) => self.open_dialog(DialogPurpose::Tls(file)),
            // Files are read and written off the window's thread; the outcome comes back.
            Action::ExportQuick(path) => {
                let commands = self.controller.workspace.shared.quick_commands.clone();
                self.in_background(move || {
                    let written = crate::quick_file::export(&path, &commands);
                    Finished::QuickExported(tab, path, written)
                });
            }
            Action::ImportQuick(path) => {
                self.in_background(move || {
                    let read = crate::quick_file::import(&path);
                    Finished::QuickImported(tab, path, read)
                });
            }
            Action::SaveLog(path) => {
                let finished = self.finished.0.clone();
                let ctx = self.ctx.clone();
                let Some(state) = self
                    .controller
                    .workspace
                    .tab_mut(tab)
                    .map(|tab| &mut tab.state)
                else {
                    return;
                };
                // The copy is taken now, so the file holds the log as it is at the click.
                let started = crate::log::save_in_background(
                    state.log.snapshot(),
                    state.texts(),
                    (path, state.wire()),
                    move |outcome| {
                        let _ = finished.send(Finished::LogSaved(tab, outcome));
                        ctx.request_repaint();
                    },
                );
                if let Err(error) = started {
                    state.log_saved(Err(error));
                }
            }
            other => self.controller.perform(tab, other),
        }
    }

    fn perform_workspace(&mut self, action: WorkspaceAction) {
        let workspace = &mut self.controller.workspace;
        match action {
            WorkspaceAction::Add => {
                let id = workspace.add_fresh();
                self.controller.sync_sessions();
                self.layout.sync(&self.controller.workspace);
                self.layout.show(id);
            }
            WorkspaceAction::Duplicate(id) => {
                let Some(tab) = workspace.tab(id) else {
                    return;
                };
                // Through the settings record, so a copy takes exactly what a saved session
                // keeps: its settings, not its connection or log.
                let settings = crate::settings::SessionSettings::from_state(&tab.state);
                let mut state = SessionState::new(workspace.shared.language);
                settings.apply(&mut state);
                let name = if tab.name.is_empty() {
                    String::new()
                } else {
                    format!("{} (2)", tab.name)
                };
                workspace.focus(id);
                let copy = workspace.add(state, name);
                self.controller.sync_sessions();
                self.layout.sync(&self.controller.workspace);
                self.layout.show(copy);
            }
            WorkspaceAction::Close(id) => {
                if workspace.remove(id).is_some() {
                    // Its engine session is dropped here, which closes its sockets.
                    self.controller.sync_sessions();
                    self.layout.sync(&self.controller.workspace);
                }
            }
            WorkspaceAction::StartRename(id) => {
                if let Some(tab) = workspace.tab(id) {
                    self.layout.start_rename(id, tab.title());
                }
            }
            WorkspaceAction::Rename(id, name) => workspace.rename(id, &name),
            WorkspaceAction::Focus(id) => workspace.focus(id),
            WorkspaceAction::SideBySide(id) => {
                self.layout.side_by_side(id);
                workspace.focus(id);
            }
            WorkspaceAction::SwitchLanguage => {
                let language = workspace.shared.language.toggled();
                workspace.set_language(language);
            }
            WorkspaceAction::PickSaveWorkspace => {
                self.open_dialog(DialogPurpose::SaveWorkspace);
            }
            WorkspaceAction::PickOpenWorkspace => {
                self.open_dialog(DialogPurpose::OpenWorkspace);
            }
            WorkspaceAction::ShowTimeline => self.layout.show_timeline(),
            WorkspaceAction::CloseTimeline => self.layout.close_timeline(),
            WorkspaceAction::TimelineQuery(query) => workspace.set_timeline_query(query),
            WorkspaceAction::TimelineFindNext => workspace.timeline_find_next(),
            WorkspaceAction::PickSaveTimeline => {
                self.open_dialog(DialogPurpose::SaveTimeline);
            }
            WorkspaceAction::SaveTimeline(path) => {
                let workspace = &self.controller.workspace;
                // The rows are taken now, so the file holds the timeline as it is at the click;
                // the lines are made and written off the window's thread.
                let rows = workspace.timeline().snapshot(workspace.tabs());
                let t = workspace.shared.texts();
                self.in_background(move || {
                    let text = crate::workspace::timeline_text(&rows, t);
                    let written = std::fs::write(&path, text)
                        .map_err(|error| format!("cannot write {}: {error}", path.display()));
                    Finished::TimelineSaved(path, written)
                });
            }
            WorkspaceAction::SaveWorkspace(path) => {
                let text = self.workspace_file().to_text();
                self.in_background(move || {
                    let written = std::fs::write(&path, text)
                        .map_err(|error| format!("cannot write {}: {error}", path.display()));
                    Finished::WorkspaceSaved(path, written)
                });
            }
            WorkspaceAction::OpenWorkspace(path) => {
                self.in_background(move || {
                    let read = std::fs::read_to_string(&path)
                        .map_err(|error| format!("cannot read {}: {error}", path.display()));
                    Finished::WorkspaceRead(path, read)
                });
            }
        }
    }

    /// Runs `job` on a thread of its own (file I/O never holds up a frame) and repaints once
    /// it is done; its outcome arrives in [`Finished`].
    fn in_background(&self, job: impl FnOnce() -> Finished + Send + 'static) {
        let finished = self.finished.0.clone();
        let ctx = self.ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("netdebug-file".to_owned())
            .spawn(move || {
                let _ = finished.send(job());
                ctx.request_repaint();
            });
        if let Err(error) = spawned {
            tracing::error!(%error, "cannot start a file thread");
        }
    }

    /// Applies what work off the window's thread finished.
    fn apply_finished(&mut self, finished: Finished) {
        match finished {
            Finished::LogSaved(tab, outcome) => {
                if let Some(tab) = self.controller.workspace.tab_mut(tab) {
                    tab.state.log_saved(outcome);
                }
            }
            Finished::WorkspaceSaved(path, outcome) | Finished::TimelineSaved(path, outcome) => {
                self.controller.state_mut().status = Some(match outcome {
                    Ok(()) => StatusMessage {
                        said: Said::new(|language| {
                            format!("{} {}", language.texts().file_saved, path.display())
                        }),
                        is_error: false,
                    },
                    Err(text) => StatusMessage::error(text),
                });
            }
            // The text names the file already.
            Finished::WorkspaceRead(_, Err(text)) => {
                self.controller.state_mut().status = Some(StatusMessage::error(text));
            }
            Finished::WorkspaceRead(path, Ok(text)) => self.open_workspace_text(&path, &text),
            Finished::QuickExported(tab, path, written) => {
                let written =
                    written.map_err(|error| Said::new(|language| error.message(language)));
                if let Some((state, shared)) = self.controller.workspace.split_mut(tab) {
                    state.show_outcome(shared.quick_exported(&path, written));
                }
            }
            Finished::QuickImported(tab, path, read) => {
                let read = read.map_err(|error| Said::new(|language| error.message(language)));
                if let Some((state, shared)) = self.controller.workspace.split_mut(tab) {
                    state.show_outcome(shared.quick_imported(&path, read));
                }
            }
        }
    }

    /// Replaces the workspace with the one in `text`, read from `path`: every session of the
    /// old one closes. Text that cannot be read changes nothing and says why.
    fn open_workspace_text(&mut self, path: &std::path::Path, text: &str) {
        let (file, problem) = WorkspaceFile::from_text(Some(text));
        let Some(file) = file else {
            self.controller.state_mut().status = Some(StatusMessage::error(format!(
                "{}: {}",
                path.display(),
                problem.unwrap_or_default()
            )));
            return;
        };
        let mut workspace = file.to_workspace();
        // The machine's addresses are not the file's.
        workspace.shared.local_addresses =
            std::mem::take(&mut self.controller.workspace.shared.local_addresses);
        self.controller.replace_workspace(workspace);
        self.layout = Layout::from_text(&file.layout, &self.controller.workspace);
        self.controller.state_mut().status = Some(StatusMessage {
            said: Said::new(|language| {
                format!("{} {}", language.texts().workspace_opened, path.display())
            }),
            is_error: false,
        });
    }
}

/// The file of a fresh workspace in `language`.
fn fresh_file(language: Language) -> WorkspaceFile {
    WorkspaceFile::from_workspace(&Workspace::new(language), String::new())
}

/// The workspace to start from, given the stored text (if any), and why it could not be read.
pub fn restored_workspace(stored: Option<&str>) -> (Workspace, Option<String>) {
    let (file, problem) = WorkspaceFile::from_text(stored);
    let file = file.unwrap_or_else(|| fresh_file(Language::from_system()));
    (file.to_workspace(), problem)
}

impl eframe::App for NetDebugApp {
    /// The panels are transparent (see [`ui::window_ui`]): the background is this clear, which
    /// costs nothing, instead of a full-window fill that a software renderer shades pixel by
    /// pixel every frame.
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        visuals.panel_fill.to_normalized_gamma_f32()
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        storage.set_string(STORAGE_KEY, self.workspace_file().to_text());
    }

    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        if let Some(theme) = self.theme_asked.take() {
            ctx.set_theme(theme);
        }
        if let Some(zoom) = self.text_size_asked.take() {
            ctx.set_zoom_factor(zoom);
        }
        // Before the tick: a timeline out of sight costs nothing.
        let in_sight = self.layout.timeline_in_sight();
        self.controller.workspace.follow_timeline(in_sight);
        if let Some(wait) = self.controller.tick() {
            ctx.request_repaint_after(wait);
        }
        let answers: Vec<_> = self.dialogs.answers().collect();
        for (purpose, path) in answers {
            self.command(match purpose {
                DialogPurpose::SendFile => Command::Session(self.focused(), Action::SendFile(path)),
                DialogPurpose::Capture => {
                    Command::Session(self.focused(), Action::StartCapture(path))
                }
                DialogPurpose::SaveLog => Command::Session(self.focused(), Action::SaveLog(path)),
                DialogPurpose::ExportQuick => {
                    Command::Session(self.focused(), Action::ExportQuick(path))
                }
                DialogPurpose::ImportQuick => {
                    Command::Session(self.focused(), Action::ImportQuick(path))
                }
                DialogPurpose::Tls(file) => {
                    Command::Session(self.focused(), Action::UseTlsFile(file, path))
                }
                DialogPurpose::SaveWorkspace => {
                    Command::Workspace(WorkspaceAction::SaveWorkspace(path))
                }
                DialogPurpose::OpenWorkspace => {
                    Command::Workspace(WorkspaceAction::OpenWorkspace(path))
                }
                DialogPurpose::SaveTimeline => {
                    Command::Workspace(WorkspaceAction::SaveTimeline(path))
                }
            });
        }
        // A file dropped on the window is sent as Send file sends one (to the same target, with
        // the same refusals when there is nowhere to send it).
        let dropped = ctx.input(|input| {
            input
                .raw
                .dropped_files
                .first()
                .map(|file| file.path().to_owned())
        });
        if let Some(path) = dropped {
            self.perform(Action::SendFile(path));
        }
        while let Ok(finished) = self.finished.1.try_recv() {
            self.apply_finished(finished);
        }
        let state = self.controller.state();
        let title = state.connection.window_title(state.texts());
        // Only when it changes: each title command is a call to the window system.
        if self.shown_title.as_ref() != Some(&title) {
            self.shown_title = Some(title.clone());
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title));
        }
        if let Some(plan) = &mut self.screenshot {
            plan.tick(ctx);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        tracing::trace!(
            log_entries = self.controller.state().log.store().entries().len(),
            "frame"
        );
        for command in ui::window_ui(ui, &mut self.controller.workspace, &mut self.layout) {
            self.command(command);
        }
        self.controller.sync_auto_reply();
        if let Some(callback) = self.first_frame.take() {
            callback();
        }
    }
}

impl NetDebugApp {
    fn focused(&self) -> TabId {
        self.controller.workspace.focused()
    }
}

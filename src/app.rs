//! The eframe app: the window around the [`Controller`]: draws its state, turns UI actions into
//! its commands, and does what needs a window (file dialogs, Save log, screenshots).

use std::sync::Arc;

use tokio::runtime::Handle;

use crate::controller::Controller;
use crate::dialogs::{DialogPurpose, Dialogs};
use crate::i18n::Language;
use crate::log::SavedLog;
use crate::net::{FileError, Wakeup};
use crate::repaint::RepaintPacer;
use crate::screenshot::ScreenshotPlan;
use crate::settings::{STORAGE_KEY, Settings};
use crate::state::AppState;
use crate::ui::{self, Action};

/// How a Save log ended.
type SaveOutcome = Result<SavedLog, FileError>;

/// The NetDebug window.
pub struct NetDebugApp {
    controller: Controller,
    screenshot: Option<ScreenshotPlan>,
    /// The title last given to the window.
    shown_title: Option<String>,
    first_frame: Option<Box<dyn FnOnce()>>,
    /// A theme asked for on the command line, set at the first frame.
    theme_asked: Option<egui::Theme>,
    dialogs: Dialogs,
    saved_logs: (
        std::sync::mpsc::Sender<SaveOutcome>,
        std::sync::mpsc::Receiver<SaveOutcome>,
    ),
    ctx: egui::Context,
}

impl NetDebugApp {
    /// The app with the settings eframe stored last time (defaults if none or unreadable).
    pub fn new(cc: &eframe::CreationContext<'_>, runtime: Handle) -> Self {
        let stored = cc
            .storage
            .and_then(|storage| storage.get_string(STORAGE_KEY));
        Self::with_state(cc, runtime, restored_state(stored.as_deref()))
    }

    /// The app starting from `state` (tests start from a fresh one).
    pub fn with_state(
        cc: &eframe::CreationContext<'_>,
        runtime: Handle,
        mut state: AppState,
    ) -> Self {
        state.local_addresses = crate::net::local_addresses();
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
        let controller = Controller::new(
            runtime,
            state,
            Arc::new(move |wakeup| match wakeup {
                Wakeup::Events => ctx.request_repaint_after(pacer.delay()),
                // Reads are waiting for this frame's drain.
                Wakeup::BacklogFull => ctx.request_repaint(),
            }),
        );
        Self {
            controller,
            screenshot: None,
            shown_title: None,
            first_frame: None,
            theme_asked: None,
            dialogs,
            saved_logs: std::sync::mpsc::channel(),
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

    /// Performs `action` (a cycle send, a file send) as soon as the session has someone to
    /// send to.
    pub fn perform_when_ready(&mut self, action: Action) {
        self.controller.perform_when_ready(action);
    }

    /// The title last given to the window (see [`crate::state::Connection::window_title`]).
    pub fn window_title(&self) -> Option<&str> {
        self.shown_title.as_deref()
    }

    /// What the window shows.
    pub fn state(&self) -> &AppState {
        &self.controller.state
    }

    /// What the window shows, to change.
    pub fn state_mut(&mut self) -> &mut AppState {
        &mut self.controller.state
    }

    /// Does what `action` asks: file dialogs and Save log here, the rest through the
    /// [`Controller`].
    pub fn perform(&mut self, action: Action) {
        match action {
            Action::PickFileToSend => self.dialogs.open(DialogPurpose::SendFile, &self.ctx),
            Action::PickQuickExport => self.dialogs.open(DialogPurpose::ExportQuick, &self.ctx),
            Action::PickQuickImport => self.dialogs.open(DialogPurpose::ImportQuick, &self.ctx),
            Action::PickCaptureFile => self.dialogs.open(DialogPurpose::Capture, &self.ctx),
            Action::PickLogFile => self.dialogs.open(DialogPurpose::SaveLog, &self.ctx),
            Action::PickTlsFile(file) => self.dialogs.open(DialogPurpose::Tls(file), &self.ctx),
            Action::SaveLog(path) => {
                let saved = self.saved_logs.0.clone();
                let ctx = self.ctx.clone();
                let state = &mut self.controller.state;
                // The copy is taken now, so the file holds the log as it is at the click.
                let started = crate::log::save_in_background(
                    state.log.snapshot(),
                    state.texts(),
                    path,
                    move |outcome| {
                        let _ = saved.send(outcome);
                        ctx.request_repaint();
                    },
                );
                if let Err(error) = started {
                    state.log_saved(Err(error));
                }
            }
            other => self.controller.perform(other),
        }
    }
}

/// The state to start from, given the stored settings text (if any).
pub fn restored_state(stored: Option<&str>) -> AppState {
    let mut state = AppState::new(Language::from_system());
    let (settings, problem) = Settings::from_text(stored);
    if let Some(settings) = settings {
        settings.apply(&mut state);
    }
    if let Some(problem) = problem {
        tracing::warn!(%problem, "settings");
        state.status = Some(crate::state::StatusMessage {
            text: problem,
            is_error: true,
        });
    }
    state
}

impl eframe::App for NetDebugApp {
    /// The panels are transparent (see [`ui::window_ui`]): the background is this clear, which
    /// costs nothing, instead of a full-window fill that a software renderer shades pixel by
    /// pixel every frame.
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        visuals.panel_fill.to_normalized_gamma_f32()
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        storage.set_string(
            STORAGE_KEY,
            Settings::from_state(&self.controller.state).to_text(),
        );
    }

    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        if let Some(theme) = self.theme_asked.take() {
            ctx.set_theme(theme);
        }
        if let Some(wait) = self.controller.tick() {
            ctx.request_repaint_after(wait);
        }
        let answers: Vec<_> = self.dialogs.answers().collect();
        for (purpose, path) in answers {
            self.perform(match purpose {
                DialogPurpose::SendFile => Action::SendFile(path),
                DialogPurpose::Capture => Action::StartCapture(path),
                DialogPurpose::SaveLog => Action::SaveLog(path),
                DialogPurpose::ExportQuick => Action::ExportQuick(path),
                DialogPurpose::ImportQuick => Action::ImportQuick(path),
                DialogPurpose::Tls(file) => Action::UseTlsFile(file, path),
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
        while let Ok(outcome) = self.saved_logs.1.try_recv() {
            self.controller.state.log_saved(outcome);
        }
        let state = &self.controller.state;
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
            log_entries = self.controller.state.log.entries().len(),
            "frame"
        );
        for action in ui::window_ui(ui, &mut self.controller.state) {
            self.perform(action);
        }
        self.controller.sync_auto_reply();
        if let Some(callback) = self.first_frame.take() {
            callback();
        }
    }
}

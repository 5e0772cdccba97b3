//! The eframe app: drains engine events into [`AppState`] and turns UI actions into commands.

use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Handle;

use crate::dialogs::{DialogPurpose, Dialogs};
use crate::i18n::Language;
use crate::log::SavedLog;
use crate::messages::Message as _;
use crate::net::FileError;
use crate::net::{Engine, EventReceiver, SendTarget, Wakeup};
use crate::repaint::RepaintPacer;
use crate::screenshot::ScreenshotPlan;
use crate::settings::{STORAGE_KEY, Settings};
use crate::state::AppState;
use crate::ui::{self, Action};

/// How a Save log ended.
type SaveOutcome = Result<SavedLog, FileError>;

/// The NetDebug window.
pub struct NetDebugApp {
    engine: Engine,
    events: EventReceiver,
    state: AppState,
    screenshot: Option<ScreenshotPlan>,
    shown_title: Option<Language>,
    first_frame: Option<Box<dyn FnOnce()>>,
    /// Start a cycle send as soon as a send has somewhere to go (`--cycle-ms`).
    cycle_when_ready: bool,
    dialogs: Dialogs,
    /// The auto reply the engine was last given, as the window had it.
    applied_auto_reply: (bool, Vec<crate::settings::AutoReplyRule>),
    /// Outcomes of Save log, sent from its writing thread.
    saved_logs: (
        std::sync::mpsc::Sender<SaveOutcome>,
        std::sync::mpsc::Receiver<SaveOutcome>,
    ),
    ctx: egui::Context,
}

impl NetDebugApp {
    /// The app as it was left last time (or fresh, in the system's language), with its
    /// sessions on `runtime`. Settings that cannot be read are replaced by defaults, and the
    /// status bar says why.
    pub fn new(cc: &eframe::CreationContext<'_>, runtime: Handle) -> Self {
        let stored = cc
            .storage
            .and_then(|storage| storage.get_string(STORAGE_KEY));
        Self::with_state(cc, runtime, restored_state(stored.as_deref()))
    }

    /// The app starting from `state` (tests and the command line preset fields this way).
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
        let (engine, events) = Engine::new(
            runtime,
            Arc::new(move |wakeup| match wakeup {
                Wakeup::Events => ctx.request_repaint_after(pacer.delay()),
                // Reads are waiting for this frame's drain.
                Wakeup::BacklogFull => ctx.request_repaint(),
            }),
        );
        Self {
            engine,
            events,
            state,
            screenshot: None,
            shown_title: None,
            first_frame: None,
            cycle_when_ready: false,
            dialogs,
            applied_auto_reply: (false, Vec::new()),
            saved_logs: std::sync::mpsc::channel(),
            ctx: cc.egui_ctx.clone(),
        }
    }

    /// Takes a screenshot as planned (the `--screenshot` option).
    pub fn set_screenshot(&mut self, plan: ScreenshotPlan) {
        self.screenshot = Some(plan);
    }

    /// Runs `callback` once, after the first frame is laid out.
    pub fn on_first_frame(&mut self, callback: Box<dyn FnOnce()>) {
        self.first_frame = Some(callback);
    }

    /// Starts a cycle send of the send box, as its checkbox does, as soon as a send has
    /// somewhere to go: once connected or bound, or for a server once a client has joined.
    pub fn start_cycle_when_ready(&mut self) {
        self.cycle_when_ready = true;
    }

    /// What the window shows.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// What the window shows, to change before the first frame (command-line presets).
    pub fn state_mut(&mut self) -> &mut AppState {
        &mut self.state
    }

    /// Runs an action as if its button had been pressed.
    pub fn perform(&mut self, action: Action) {
        match action {
            Action::Open => {
                // Remembered settings may have auto reply on: in force before anything arrives.
                self.sync_auto_reply();
                if let Some(config) = self.state.prepare_open() {
                    let session = self.engine.open(config);
                    self.state.opened(session);
                }
            }
            Action::Close => {
                self.engine.close();
                self.state.closed_by_user();
            }
            Action::Send => {
                let prepared = self.state.prepare_send();
                // Cleared only once the bytes are on their way: a refused send keeps the typing.
                if self.send_prepared(prepared) && self.state.clear_after_send {
                    self.state.send_text.clear();
                }
            }
            Action::Disconnect(peer) => {
                let _ = self.engine.disconnect(peer);
            }
            Action::StartCycle => {
                if let Some((target, payloads)) = self.state.prepare_cycle() {
                    let period = Duration::from_millis(self.state.cycle_period_ms)
                        .max(crate::net::MIN_CYCLE_PERIOD);
                    let times = (self.state.cycle_times > 0).then_some(self.state.cycle_times);
                    match self.engine.start_cycle(target, payloads, period, times) {
                        Ok(sends) => self.state.cycle = Some(sends),
                        Err(error) => {
                            let message = error.message(self.state.language);
                            self.state.refuse_send::<()>(message);
                        }
                    }
                }
            }
            Action::StopCycle => self.engine.stop_cycle(),
            Action::PickFileToSend => self.dialogs.open(DialogPurpose::SendFile, &self.ctx),
            Action::SendFile(path) => {
                if let Some(target) = self.state.prepare_target() {
                    match self.engine.send_file(target, path) {
                        Ok(progress) => self.state.file = Some(progress),
                        Err(error) => {
                            let message = error.message(self.state.language);
                            self.state.refuse_send::<()>(message);
                        }
                    }
                }
            }
            Action::CancelFile => self.engine.cancel_file(),
            Action::SendQuick(index) => {
                let prepared = self.state.prepare_quick(index);
                self.send_prepared(prepared);
            }
            Action::PickQuickExport => self.dialogs.open(DialogPurpose::ExportQuick, &self.ctx),
            Action::PickQuickImport => self.dialogs.open(DialogPurpose::ImportQuick, &self.ctx),
            // The state does no I/O: the file is read or written here, the outcome shown there.
            Action::ExportQuick(path) => {
                let outcome = crate::quick_file::export(&path, &self.state.quick_commands);
                self.state.quick_exported(&path, outcome);
            }
            Action::ImportQuick(path) => {
                let outcome = crate::quick_file::import(&path);
                self.state.quick_imported(&path, outcome);
            }
            Action::SendAgain(peer, bytes) => {
                let prepared = self.state.prepare_send_again(peer);
                self.send_prepared(prepared.map(|target| (target, bytes.to_vec())));
            }
            Action::PickCaptureFile => self.dialogs.open(DialogPurpose::Capture, &self.ctx),
            Action::PickLogFile => self.dialogs.open(DialogPurpose::SaveLog, &self.ctx),
            Action::SaveLog(path) => {
                let saved = self.saved_logs.0.clone();
                let ctx = self.ctx.clone();
                // The copy is taken now, so the file holds the log as it is at the click.
                let started = crate::log::save_in_background(
                    self.state.log.snapshot(),
                    self.state.texts(),
                    path,
                    move |outcome| {
                        let _ = saved.send(outcome);
                        ctx.request_repaint();
                    },
                );
                if let Err(error) = started {
                    self.state.log_saved(Err(error));
                }
            }
            Action::StartCapture(path) => match self
                .engine
                .start_capture(&path, self.state.capture_format())
            {
                Ok(progress) => self.state.capture_started(path, progress),
                Err(error) => self.state.capture_failed(&error),
            },
            Action::StopCapture => {
                // The writer finishes what is queued on its own thread.
                drop(self.engine.stop_capture());
                self.state.capture = None;
            }
        }
    }
}

impl NetDebugApp {
    /// Auto reply runs in the engine: tells it when the window's echo or rules have changed.
    fn sync_auto_reply(&mut self) {
        let (echo, rules) = &self.applied_auto_reply;
        if *echo != self.state.echo || *rules != self.state.reply_rules {
            self.engine.set_auto_reply(self.state.auto_reply());
            self.applied_auto_reply = (self.state.echo, self.state.reply_rules.clone());
        }
    }

    /// Sends what the state prepared (nothing, if it refused and said why); whether it went
    /// to the engine.
    fn send_prepared(&mut self, prepared: Option<(SendTarget, Vec<u8>)>) -> bool {
        let Some((target, bytes)) = prepared else {
            return false;
        };
        if self.engine.send(target, bytes).is_err() {
            // The session ended on its own a moment ago; its Closed event is on the way.
            self.state.errors.send = Some(self.state.texts().not_open.to_owned());
            return false;
        }
        true
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
        storage.set_string(STORAGE_KEY, Settings::from_state(&self.state).to_text());
    }

    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        // Everything waiting is applied in one go: one repaint per frame, however many packets.
        for event in self.events.drain() {
            self.state.apply(event);
        }
        if let crate::state::Connection::Reconnecting { at, .. } = self.state.connection {
            let wait = at.saturating_duration_since(std::time::Instant::now());
            if wait.is_zero() {
                // Closed first, so an Open that cannot start leaves the window closed and
                // saying why, not waiting for ever.
                self.state.connection = crate::state::Connection::Closed;
                self.perform(Action::Open);
            } else {
                ctx.request_repaint_after(wait);
            }
        }
        if self.cycle_when_ready && self.state.has_receiver() {
            self.cycle_when_ready = false;
            self.perform(Action::StartCycle);
        }
        let answers: Vec<_> = self.dialogs.answers().collect();
        for (purpose, path) in answers {
            self.perform(match purpose {
                DialogPurpose::SendFile => Action::SendFile(path),
                DialogPurpose::Capture => Action::StartCapture(path),
                DialogPurpose::SaveLog => Action::SaveLog(path),
                DialogPurpose::ExportQuick => Action::ExportQuick(path),
                DialogPurpose::ImportQuick => Action::ImportQuick(path),
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
            self.state.log_saved(outcome);
        }
        if self.shown_title != Some(self.state.language) {
            self.shown_title = Some(self.state.language);
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(
                self.state.texts().title.to_owned(),
            ));
        }
        if let Some(plan) = &mut self.screenshot {
            plan.tick(ctx);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        tracing::trace!(log_entries = self.state.log.entries().len(), "frame");
        for action in ui::window_ui(ui, &mut self.state) {
            self.perform(action);
        }
        self.sync_auto_reply();
        if let Some(callback) = self.first_frame.take() {
            callback();
        }
    }
}

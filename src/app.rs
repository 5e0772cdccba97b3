//! The eframe app: drains engine events into [`AppState`] and turns UI actions into commands.

use std::sync::Arc;

use tokio::runtime::Handle;

use crate::i18n::Language;
use crate::net::{Engine, EventReceiver};
use crate::screenshot::ScreenshotPlan;
use crate::state::AppState;
use crate::ui::{self, Action};

/// How soon after network events the window repaints (at most 20 frames per second of log
/// updates, however fast data arrives).
const EVENT_REPAINT_DELAY: std::time::Duration = std::time::Duration::from_millis(50);

/// The NetDebug window.
pub struct NetDebugApp {
    engine: Engine,
    events: EventReceiver,
    state: AppState,
    screenshot: Option<ScreenshotPlan>,
    shown_title: Option<Language>,
    first_frame: Option<Box<dyn FnOnce()>>,
}

impl NetDebugApp {
    /// The app in the system's language, with its sessions on `runtime`.
    pub fn new(cc: &eframe::CreationContext<'_>, runtime: Handle) -> Self {
        Self::with_state(cc, runtime, AppState::new(Language::from_system()))
    }

    /// The app starting from `state` (tests and the command line preset fields this way).
    pub fn with_state(cc: &eframe::CreationContext<'_>, runtime: Handle, state: AppState) -> Self {
        crate::fonts::install(&cc.egui_ctx);
        let ctx = cc.egui_ctx.clone();
        // Network events repaint after a short delay rather than at once: a flood then costs
        // at most one frame per interval, while a single packet still shows without a lag a
        // person would notice. The engine wakes us at most once per drain anyway.
        let (engine, events) = Engine::new(
            runtime,
            Arc::new(move || ctx.request_repaint_after(EVENT_REPAINT_DELAY)),
        );
        Self {
            engine,
            events,
            state,
            screenshot: None,
            shown_title: None,
            first_frame: None,
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

    /// What the window shows.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Runs an action as if its button had been pressed.
    pub fn perform(&mut self, action: Action) {
        match action {
            Action::Open => {
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
                if let Some((target, bytes)) = self.state.prepare_send()
                    && self.engine.send(target, bytes).is_err()
                {
                    // The session ended on its own a moment ago; its Closed event is on the way.
                    self.state.errors.send = Some(self.state.texts().not_open.to_owned());
                }
            }
            Action::Disconnect(peer) => {
                let _ = self.engine.disconnect(peer);
            }
        }
    }
}

impl eframe::App for NetDebugApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        // Everything waiting is applied in one go: one repaint per frame, however many packets.
        for event in self.events.drain() {
            self.state.apply(event);
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
        if let Some(callback) = self.first_frame.take() {
            callback();
        }
    }
}

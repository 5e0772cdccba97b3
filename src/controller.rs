//! What drives the engine from the workspace, with or without a window: one engine
//! [`Session`] per session of the workspace, and for each opening, sending, cycle and file
//! sends, saving, auto reply, reconnecting. The window ([`crate::NetDebugApp`]) and the
//! headless mode ([`crate::headless`]) both run through it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::runtime::Handle;

use crate::i18n::Said;
use crate::messages::Message as _;
use crate::net::{Engine, EventReceiver, SendTarget, Session, Wakeup};
use crate::ui::{Action, TlsFile};
use crate::workspace::{AutoReplyRule, Connection, SessionState, Shared, TabId, Workspace};

/// How long one frame spends applying what the engine reported, at most (and at least one
/// event): the rest of a 60 Hz frame is left for drawing it.
pub const DRAIN_BUDGET: Duration = Duration::from_millis(8);

/// The least time a frame gives to measuring the entries a drain left waiting (see
/// [`crate::log::Store::defer_measuring`]), however long the drain took.
pub const MEASURE_SLICE: Duration = Duration::from_millis(4);

/// Until when a frame whose drain was to end at `drain_deadline` measures the entries the
/// drain left waiting: what is left of the drain's budget, and at least [`MEASURE_SLICE`].
pub fn measuring_deadline(drain_deadline: Instant) -> Instant {
    drain_deadline.max(Instant::now() + MEASURE_SLICE)
}

/// The engine's side of one session of the workspace.
struct Driver {
    session: Session,
    /// What to do as soon as there is someone to send to (`--cycle-ms`, `--send-file`).
    when_ready: Vec<Action>,
    /// The echo, rules and delay the engine's auto reply was last built from.
    applied_auto_reply: (bool, Vec<AutoReplyRule>, u64),
    /// The relay impairments the engine has, to tell it only of changes.
    applied_impairments: crate::net::Impairments,
}

impl Driver {
    fn new(engine: &Engine) -> Self {
        Self {
            session: engine.session(),
            when_ready: Vec::new(),
            applied_auto_reply: (false, Vec::new(), 0),
            applied_impairments: crate::net::Impairments::default(),
        }
    }
}

/// The engine, the workspace it changes, and what connects them.
pub struct Controller {
    engine: Engine,
    events: EventReceiver,
    drivers: HashMap<TabId, Driver>,
    /// What the window shows (or the headless mode prints).
    pub workspace: Workspace,
}

impl Controller {
    /// An engine on `runtime` for `workspace`; `wake` is called when events are waiting.
    pub fn new(
        runtime: Handle,
        workspace: Workspace,
        wake: Arc<dyn Fn(Wakeup) + Send + Sync>,
    ) -> Self {
        let (engine, events) = Engine::new(runtime, wake);
        let mut controller = Self {
            engine,
            events,
            drivers: HashMap::new(),
            workspace,
        };
        controller.sync_sessions();
        controller
    }

    /// The focused session's state (the only one, without a window).
    pub fn state(&self) -> &SessionState {
        self.workspace.focused_state()
    }

    /// The focused session's state, to change.
    pub fn state_mut(&mut self) -> &mut SessionState {
        self.workspace.focused_state_mut()
    }

    /// Gives every session of the workspace an engine session, and closes the engine
    /// sessions of sessions gone from it (their sockets closed, their ports free).
    pub fn sync_sessions(&mut self) {
        for tab in self.workspace.tabs() {
            self.drivers
                .entry(tab.id)
                .or_insert_with(|| Driver::new(&self.engine));
        }
        let workspace = &self.workspace;
        // Dropping a Session closes what it has open.
        self.drivers.retain(|id, _| workspace.tab(*id).is_some());
    }

    /// Puts `workspace` in place of the current one: every session of the old one closes
    /// (its sockets, cycle and file sends and save-to-file end), and each of the new one gets
    /// an engine session of its own, even where a new session has an old one's id.
    pub fn replace_workspace(&mut self, workspace: Workspace) {
        self.drivers.clear();
        self.workspace = workspace;
        self.sync_sessions();
    }

    /// Performs `action` in session `tab` as soon as it has someone to send to.
    pub fn perform_when_ready(&mut self, tab: TabId, action: Action) {
        if let Some(driver) = self.drivers.get_mut(&tab) {
            driver.when_ready.push(action);
        }
    }

    /// Whether events the engine reported wait to be applied (a flood's, beyond what one
    /// [`Controller::tick`] applies).
    pub fn has_waiting_events(&self) -> bool {
        self.events.has_waiting()
    }

    /// Applies what the engine reported (for up to [`DRAIN_BUDGET`]), reconnects where auto
    /// reconnect's wait is over and performs what waited for a receiver. Returns how soon to
    /// look again: at once while events wait, else for a reconnect still to come.
    pub fn tick(&mut self) -> Option<Duration> {
        // What waits is applied in one go, one repaint per frame however many packets, but
        // for no longer than a frame can spare: a flood's backlog goes over several frames,
        // one at once after another, and the window answers in between.
        let deadline = Instant::now() + DRAIN_BUDGET;
        for tab in self.workspace.tabs_mut() {
            tab.state.start_drain();
        }
        for event in self.events.drain_until(deadline) {
            self.workspace.apply(event);
        }
        let measured_by = measuring_deadline(deadline);
        let mut waiting_entries = false;
        for tab in self.workspace.tabs_mut() {
            waiting_entries |= tab.state.finish_drain(measured_by);
        }
        self.workspace.collect_remembered();
        self.workspace.update_timeline();
        let mut again: Option<Duration> =
            (waiting_entries || self.events.has_waiting()).then_some(Duration::ZERO);
        let ids: Vec<TabId> = self.workspace.tabs().iter().map(|tab| tab.id).collect();
        for id in ids {
            let Some(tab) = self.workspace.tab_mut(id) else {
                continue;
            };
            tab.state.catch_up_counters(Instant::now());
            if let Connection::Reconnecting { at, .. } = tab.state.connection {
                let wait = at.saturating_duration_since(Instant::now());
                if wait.is_zero() {
                    // Closed first, so an Open that cannot start leaves the session closed
                    // and saying why, not waiting for ever.
                    tab.state.connection = Connection::Closed;
                    self.perform(id, Action::Open);
                } else {
                    again = Some(again.map_or(wait, |again| again.min(wait)));
                }
            }
            self.finish_failed_capture(id);
            let ready = self
                .workspace
                .tab(id)
                .is_some_and(|tab| tab.state.has_receiver());
            if let Some(driver) = self.drivers.get_mut(&id)
                && ready
                && !driver.when_ready.is_empty()
            {
                for action in std::mem::take(&mut driver.when_ready) {
                    self.perform(id, action);
                }
            }
        }
        again
    }

    /// Does what `action` asks of session `tab`'s engine. Actions that need a window (file
    /// dialogs, Save log, quick command files, done off its thread) are the window's to do
    /// and do nothing here.
    pub fn perform(&mut self, tab: TabId, action: Action) {
        let Some(driver) = self.drivers.get_mut(&tab) else {
            return;
        };
        let Some((state, shared)) = self.workspace.split_mut(tab) else {
            return;
        };
        driver.perform(action, state, shared);
        self.workspace.collect_remembered();
    }

    /// Does what `action` asks of the focused session.
    pub fn perform_focused(&mut self, action: Action) {
        self.perform(self.workspace.focused(), action);
    }

    /// Ends session `id`'s save-to-file if its writer stopped on a failure, and shows why.
    fn finish_failed_capture(&mut self, id: TabId) {
        let Some(tab) = self.workspace.tab_mut(id) else {
            return;
        };
        let failed = tab
            .state
            .capture
            .as_ref()
            .is_some_and(|capture| capture.progress.failed());
        if !failed {
            return;
        }
        tab.state.capture = None;
        // The writer has ended: waiting for it returns at once.
        let outcome = self
            .drivers
            .get_mut(&id)
            .and_then(|driver| driver.session.stop_capture())
            .map(crate::net::FinishedCapture::wait);
        if let Some(Err(error)) = outcome {
            tab.state.capture_failed(&error);
        }
    }

    /// Stops saving received data in the focused session, if it is on, and waits until the
    /// file is complete: the bytes written, or why writing failed.
    pub fn finish_capture(&mut self) -> Option<Result<u64, crate::net::FileError>> {
        let tab = self.workspace.focused();
        self.workspace.focused_state_mut().capture = None;
        self.drivers
            .get_mut(&tab)?
            .session
            .stop_capture()
            .map(crate::net::FinishedCapture::wait)
    }

    /// Auto reply runs in the engine: tells it, for every session, when the echo, the rules
    /// or the delay have changed.
    pub fn sync_auto_reply(&mut self) {
        for tab in self.workspace.tabs() {
            if let Some(driver) = self.drivers.get_mut(&tab.id) {
                driver.sync_auto_reply(&tab.state);
            }
        }
    }
}

impl Driver {
    fn perform(&mut self, action: Action, state: &mut SessionState, shared: &mut Shared) {
        match action {
            Action::Open => {
                // Remembered settings may have auto reply on: in force before anything arrives.
                self.sync_auto_reply(state);
                if let Some(config) = state.prepare_open() {
                    let session = self.session.open(config);
                    state.opened(session);
                }
            }
            Action::Close => {
                self.session.close();
                state.closed_by_user();
            }
            Action::Edit(edit) => state.edit(edit),
            Action::Quick(edit) => shared.edit_quick_commands(edit, state),
            Action::Send => {
                let prepared = state.prepare_send();
                let entry = state.history_entry();
                // Cleared only once the bytes are on their way: a refused send keeps the typing.
                if self.send_prepared(prepared, state) {
                    shared.remember_send(entry);
                    if state.send.clear_after_send {
                        state.edit(crate::workspace::Edit::ClearSendBox);
                    }
                }
            }
            Action::Disconnect(peer) => {
                let _ = self.session.disconnect(peer);
            }
            Action::DisconnectAll => {
                let _ = self.session.disconnect_all();
            }
            Action::StopListening => {
                let _ = self.session.stop_listening();
            }
            Action::StartCycle => self.start_cycle(state, shared),
            Action::StopCycle => self.session.stop_cycle(),
            Action::SendFile(path) => {
                if let Some(target) = state.prepare_target() {
                    let pacing = state.file_pacing();
                    match self.session.send_file(target, path, pacing) {
                        Ok(progress) => state.file = Some(progress),
                        Err(error) => {
                            state.refuse_send::<()>(Said::new(|language| error.message(language)));
                        }
                    }
                }
            }
            Action::CancelFile => self.session.cancel_file(),
            Action::SendQuick(index) => {
                let prepared = match shared.quick_commands.get(index) {
                    Some(command) => state.prepare_quick(command),
                    None => None,
                };
                self.send_prepared(prepared, state);
            }
            Action::SendAgain(peer, bytes) => {
                let prepared = state.prepare_send_again(peer);
                self.send_prepared(prepared.map(|target| (target, bytes.to_vec())), state);
            }
            Action::StartCapture(path) => {
                match self.session.start_capture(&path, state.capture_format()) {
                    Ok(progress) => state.capture_started(path, progress),
                    Err(error) => state.capture_failed(&error),
                }
            }
            Action::StopCapture => {
                // The writer finishes what is queued on its own thread.
                drop(self.session.stop_capture());
                state.capture = None;
            }
            Action::UseTlsFile(file, path) => {
                let field = match file {
                    TlsFile::Certificate => &mut state.tls.certificate,
                    TlsFile::Key => &mut state.tls.key,
                };
                *field = path.display().to_string();
                state.errors.tls_files = None;
            }
            Action::PickFileToSend
            | Action::PickTlsFile(_)
            | Action::PickCaptureFile
            | Action::PickLogFile
            | Action::PickQuickExport
            | Action::PickQuickImport
            | Action::ExportQuick(_)
            | Action::ImportQuick(_)
            | Action::SaveLog(_) => {
                tracing::debug!(?action, "needs a window");
            }
        }
    }

    fn start_cycle(&mut self, state: &mut SessionState, shared: &Shared) {
        let Some((target, payloads)) = state.prepare_cycle(&shared.quick_commands) else {
            return;
        };
        let period = Duration::from_millis(state.cycle.period_ms).max(crate::net::MIN_CYCLE_PERIOD);
        let times = (state.cycle.times > 0).then_some(state.cycle.times);
        match self.session.start_cycle(target, payloads, period, times) {
            Ok(sends) => state.cycling = Some(sends),
            Err(error) => {
                state.refuse_send::<()>(Said::new(|language| error.message(language)));
            }
        }
    }

    fn sync_auto_reply(&mut self, state: &SessionState) {
        // A relay's impairments are the engine's too, changed while it runs.
        if self.applied_impairments != state.impairments {
            self.session.set_impairments(state.impairments);
            self.applied_impairments = state.impairments;
        }
        // The settings are compared, not the bytes they make: this runs every frame, and
        // encoding each rule would cost that much more.
        let (echo, rules, delay) = &self.applied_auto_reply;
        if *echo != state.auto_reply.echo
            || *rules != state.auto_reply.rules
            || *delay != state.auto_reply.delay_ms
        {
            self.session.set_auto_reply(state.auto_reply());
            self.applied_auto_reply = (
                state.auto_reply.echo,
                state.auto_reply.rules.clone(),
                state.auto_reply.delay_ms,
            );
        }
    }

    /// Sends what the state prepared (nothing, if it refused and said why); whether it went
    /// to the engine.
    fn send_prepared(
        &mut self,
        prepared: Option<(SendTarget, Vec<u8>)>,
        state: &mut SessionState,
    ) -> bool {
        let Some((target, bytes)) = prepared else {
            return false;
        };
        if self.session.send(target, bytes).is_err() {
            // The session ended on its own a moment ago; its Closed event is on the way.
            state.errors.send = Some(Said::new(|language| language.texts().not_open.to_owned()));
            return false;
        }
        true
    }
}

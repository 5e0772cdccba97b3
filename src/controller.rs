//! What drives the engine from the state, with or without a window: opening, sending, cycle
//! and file sends, saving, auto reply, reconnecting. The window ([`crate::NetDebugApp`]) and
//! the headless mode ([`crate::headless`]) both run through it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::runtime::Handle;

use crate::messages::Message as _;
use crate::net::{Engine, EventReceiver, SendTarget, Session, Wakeup};
use crate::state::{AppState, Connection};
use crate::ui::{Action, TlsFile};

/// The engine, the state it changes, and what connects them.
pub struct Controller {
    session: Session,
    events: EventReceiver,
    /// What the window shows (or the headless mode prints).
    pub state: AppState,
    /// What to do as soon as there is someone to send to (`--cycle-ms`, `--send-file`).
    when_ready: Vec<Action>,
    /// The echo, rules and delay the engine's auto reply was last built from.
    applied_auto_reply: (bool, Vec<crate::settings::AutoReplyRule>, u64),
}

impl Controller {
    /// An engine on `runtime` for `state`; `wake` is called when events are waiting.
    pub fn new(runtime: Handle, state: AppState, wake: Arc<dyn Fn(Wakeup) + Send + Sync>) -> Self {
        let (engine, events) = Engine::new(runtime, wake);
        Self {
            session: engine.session(),
            events,
            state,
            when_ready: Vec::new(),
            applied_auto_reply: (false, Vec::new(), 0),
        }
    }

    /// Performs `action` (a cycle send, a file send) as soon as the session has someone to
    /// send to.
    pub fn perform_when_ready(&mut self, action: Action) {
        self.when_ready.push(action);
    }

    /// Applies everything the engine reported, reconnects when auto reconnect's wait is over
    /// and performs what waited for a receiver. Returns how soon to look again for
    /// a reconnect still to come.
    pub fn tick(&mut self) -> Option<Duration> {
        // Everything waiting is applied in one go: one repaint per frame, however many packets.
        for event in self.events.drain() {
            self.state.apply(event);
        }
        let mut again = None;
        if let Connection::Reconnecting { at, .. } = self.state.connection {
            let wait = at.saturating_duration_since(Instant::now());
            if wait.is_zero() {
                // Closed first, so an Open that cannot start leaves the session closed and
                // saying why, not waiting for ever.
                self.state.connection = Connection::Closed;
                self.perform(Action::Open);
            } else {
                again = Some(wait);
            }
        }
        if !self.when_ready.is_empty() && self.state.has_receiver() {
            for action in std::mem::take(&mut self.when_ready) {
                self.perform(action);
            }
        }
        again
    }

    /// Does what `action` asks of the engine. Actions that need a window (file dialogs, Save
    /// log) are the window's to do and do nothing here.
    pub fn perform(&mut self, action: Action) {
        match action {
            Action::Open => {
                // Remembered settings may have auto reply on: in force before anything arrives.
                self.sync_auto_reply();
                if let Some(config) = self.state.prepare_open() {
                    let session = self.session.open(config);
                    self.state.opened(session);
                }
            }
            Action::Close => {
                self.session.close();
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
                let _ = self.session.disconnect(peer);
            }
            Action::DisconnectAll => {
                let _ = self.session.disconnect_all();
            }
            Action::StopListening => {
                let _ = self.session.stop_listening();
            }
            Action::StartCycle => self.start_cycle(),
            Action::StopCycle => self.session.stop_cycle(),
            Action::SendFile(path) => {
                if let Some(target) = self.state.prepare_target() {
                    let pacing = self.state.file_pacing();
                    match self.session.send_file(target, path, pacing) {
                        Ok(progress) => self.state.file = Some(progress),
                        Err(error) => {
                            let message = error.message(self.state.language);
                            self.state.refuse_send::<()>(message);
                        }
                    }
                }
            }
            Action::CancelFile => self.session.cancel_file(),
            Action::SendQuick(index) => {
                let prepared = self.state.prepare_quick(index);
                self.send_prepared(prepared);
            }
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
            Action::StartCapture(path) => match self
                .session
                .start_capture(&path, self.state.capture_format())
            {
                Ok(progress) => self.state.capture_started(path, progress),
                Err(error) => self.state.capture_failed(&error),
            },
            Action::StopCapture => {
                // The writer finishes what is queued on its own thread.
                drop(self.session.stop_capture());
                self.state.capture = None;
            }
            Action::UseTlsFile(file, path) => {
                let field = match file {
                    TlsFile::Certificate => &mut self.state.tls.certificate,
                    TlsFile::Key => &mut self.state.tls.key,
                };
                *field = path.display().to_string();
                self.state.errors.tls_files = None;
            }
            Action::PickFileToSend
            | Action::PickTlsFile(_)
            | Action::PickCaptureFile
            | Action::PickLogFile
            | Action::PickQuickExport
            | Action::PickQuickImport
            | Action::SaveLog(_) => {
                tracing::debug!(?action, "needs a window");
            }
        }
    }

    fn start_cycle(&mut self) {
        let Some((target, payloads)) = self.state.prepare_cycle() else {
            return;
        };
        let period =
            Duration::from_millis(self.state.cycle_period_ms).max(crate::net::MIN_CYCLE_PERIOD);
        let times = (self.state.cycle_times > 0).then_some(self.state.cycle_times);
        match self.session.start_cycle(target, payloads, period, times) {
            Ok(sends) => self.state.cycle = Some(sends),
            Err(error) => {
                let message = error.message(self.state.language);
                self.state.refuse_send::<()>(message);
            }
        }
    }

    /// Stops saving received data, if it is on, and waits until the file is complete: the
    /// bytes written, or why writing failed.
    pub fn finish_capture(&mut self) -> Option<Result<u64, crate::net::FileError>> {
        self.state.capture = None;
        self.session
            .stop_capture()
            .map(crate::net::FinishedCapture::wait)
    }

    /// Auto reply runs in the engine: tells it when the echo, the rules or the delay have
    /// changed.
    pub fn sync_auto_reply(&mut self) {
        // The settings are compared, not the bytes they make: this runs every frame, and
        // encoding each rule would cost that much more.
        let state = &self.state;
        let (echo, rules, delay) = &self.applied_auto_reply;
        if *echo != state.echo || *rules != state.reply_rules || *delay != state.reply_delay_ms {
            self.session.set_auto_reply(state.auto_reply());
            self.applied_auto_reply = (state.echo, state.reply_rules.clone(), state.reply_delay_ms);
        }
    }

    /// Sends what the state prepared (nothing, if it refused and said why); whether it went
    /// to the engine.
    fn send_prepared(&mut self, prepared: Option<(SendTarget, Vec<u8>)>) -> bool {
        let Some((target, bytes)) = prepared else {
            return false;
        };
        if self.session.send(target, bytes).is_err() {
            // The session ended on its own a moment ago; its Closed event is on the way.
            self.state.errors.send = Some(self.state.texts().not_open.to_owned());
            return false;
        }
        true
    }
}

//! NetDebug without a window (`--headless`), for scripts and machines without a desktop: the
//! command line sets up a session as it would the window's, the session opens at once, the
//! send box is sent once there is someone to send to (or cycled with `--cycle-ms`), and the
//! log is printed to stdout as it grows, each entry with its header line as in log mode. It ends when the session
//! does (the peer closed, an error), after `--exit-after-idle-ms` with nothing sent or
//! received, or on Ctrl+C.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use tokio::runtime::Handle;

use crate::cli::Args;
use crate::controller::Controller;
use crate::i18n::{Language, Texts};
use crate::log::{Log, LogBody, PrintOut, dropped_marker, write_entry_lines};
use crate::ui::Action;
use crate::workspace::{Connection, SessionState, Workspace};

/// How often the loop looks at the session when nothing wakes it (for the idle exit and
/// auto reconnect's wait).
const POLL: Duration = Duration::from_millis(50);

/// How a headless run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The session opened and ran until it ended or went idle.
    Ran,
    /// The session never opened: the reason, as the log shows it.
    Failed(String),
}

/// Runs the session the command line describes on `runtime`, printing the log to `out`.
pub fn run(args: &Args, runtime: Handle, out: &mut impl PrintOut) -> std::io::Result<Outcome> {
    // Only the command line counts: a script must not depend on what the window remembered.
    let workspace = Workspace::new(args.language().unwrap_or(Language::English));
    let (wake, woken) = channel::<()>();
    // Ctrl+C ends the run as the session ending would: the file complete, the log printed.
    let stopped = Arc::new(AtomicBool::new(false));
    let interrupt = wake.clone();
    let on_interrupt = Arc::clone(&stopped);
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_interrupt.store(true, Ordering::Relaxed);
            let _ = interrupt.send(());
        }
    });
    let mut controller = Controller::new(
        runtime,
        workspace,
        Arc::new(move |_| {
            let _ = wake.send(());
        }),
    );
    args.preset(controller.state_mut());
    // Printed entry by entry, never scrolled: the text view's rows need no counting.
    controller
        .state_mut()
        .log
        .store_mut()
        .set_counting_text(false);
    if let Some(path) = &args.save {
        controller.perform_focused(Action::StartCapture(path.clone()));
    }
    controller.perform_focused(Action::Open);
    let cycle = args.cycle_ms.is_some();
    let session = controller.workspace.focused();
    for action in args.when_ready() {
        controller.perform_when_ready(session, action);
    }
    let mut send_once = !cycle && !controller.state().send.text.is_empty();
    let idle_exit = args.exit_after_idle_ms.map(Duration::from_millis);
    let mut printer = Printer {
        printed: 0,
        quiet: args.quiet,
    };
    let mut opened = false;
    let mut last_activity = Instant::now();
    let mut activity = Activity::of(controller.state());
    loop {
        // A flood's events are applied a frame's worth at a time: with more waiting, no wait.
        if !controller.has_waiting_events() {
            match woken.recv_timeout(POLL) {
                Ok(()) => while woken.try_recv().is_ok() {},
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        controller.tick();
        let state = controller.state();
        opened |= state.connection.local_addr().is_some();
        if send_once && state.has_receiver() {
            send_once = false;
            controller.perform_focused(Action::Send);
        }
        let state = controller.state();
        printer.print(&state.log, state.texts(), false, out)?;
        let now = Activity::of(state);
        if now != activity {
            activity = now;
            last_activity = Instant::now();
        }
        let ended = state.connection == Connection::Closed;
        let idle = idle_exit.is_some_and(|idle| last_activity.elapsed() >= idle);
        if ended || idle || stopped.load(Ordering::Relaxed) {
            break;
        }
    }
    // Before Close, which clears the status bar's message.
    let outcome = if opened {
        Outcome::Ran
    } else {
        let state = controller.state();
        let status = state.status.as_ref();
        Outcome::Failed(
            status
                .map(|status| status.text(state.language).to_owned())
                .unwrap_or_default(),
        )
    };
    controller.perform_focused(Action::Close);
    // The last events (what was sent last, the close) and the file, complete.
    std::thread::sleep(POLL);
    controller.tick();
    while controller.has_waiting_events() {
        controller.tick();
    }
    if let Some(Err(error)) = controller.finish_capture() {
        use crate::messages::Message as _;
        let message = error.message(controller.state().language);
        writeln!(out, "{message}")?;
    }
    let state = controller.state();
    printer.print(&state.log, state.texts(), true, out)?;
    out.flush()?;
    Ok(outcome)
}

/// What changes while data moves, to tell a quiet session from a busy one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Activity {
    rx: u64,
    tx: u64,
    entries: u64,
}

impl Activity {
    fn of(state: &SessionState) -> Self {
        Self {
            rx: state.traffic.rx.bytes,
            tx: state.traffic.tx.bytes,
            entries: state.log.store().dropped() + state.log.store().entries().len() as u64,
        }
    }
}

/// Prints log entries once each, as they come.
#[derive(Debug, Default)]
struct Printer {
    /// Entries printed, counted from the first entry ever logged.
    printed: u64,
    /// Only errors are printed (`--quiet`).
    quiet: bool,
}

impl Printer {
    /// Prints the entries not printed yet. While reads are merged or split into messages, the
    /// last entry may still grow, so it waits for the next one, or for `all`.
    fn print(
        &mut self,
        log: &Log,
        t: &Texts,
        all: bool,
        out: &mut impl PrintOut,
    ) -> std::io::Result<()> {
        let dropped = log.store().dropped();
        if self.printed < dropped && !self.quiet {
            // Gone to the log's budget before they could be printed: say how many.
            writeln!(
                out,
                "{}",
                dropped_marker(dropped - self.printed, log.store().budget(), None, t)
            )?;
            self.printed = dropped;
        }
        let growing = log.merge_gap().is_some() || log.framing().is_some();
        let settled = if all || !growing {
            log.store().entries().len()
        } else {
            log.store().entries().len().saturating_sub(1)
        };
        let first = usize::try_from(self.printed - dropped).unwrap_or(usize::MAX);
        for entry in log.store().entries().range(first.min(settled)..settled) {
            self.printed += 1;
            if self.quiet && !matches!(&entry.body, LogBody::Notice(notice) if notice.is_error()) {
                continue;
            }
            write_entry_lines(log.store(), entry, t, out)?;
        }
        out.flush()
    }
}

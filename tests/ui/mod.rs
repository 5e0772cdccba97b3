//! Drives the real app the way a person does, for the egui_kittest UI tests: find widgets by
//! label, click, choose, type, and wait for what the window shows.
#![allow(dead_code)] // each test file uses its own part

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use clap::Parser as _;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use netdebug::NetDebugApp;
use netdebug::cli::Args;
use netdebug::i18n::Language;
use netdebug::workspace::{Connection, SessionState};

use super::common::WAIT;

/// The app in a headless harness, with the runtime its engine runs on.
pub struct Ui {
    pub harness: Harness<'static, NetDebugApp>,
    _runtime: tokio::runtime::Runtime,
}

/// The size of [`Ui::tall`]'s window.
const TALL: [f32; 2] = [1100.0, 1500.0];

impl Ui {
    pub fn new(language: Language) -> Self {
        Self::sized(language, [1100.0, 760.0])
    }

    /// A window tall enough to show the whole settings column without scrolling.
    pub fn tall() -> Self {
        Self::sized(Language::English, TALL)
    }

    pub fn sized(language: Language, size: [f32; 2]) -> Self {
        Self::sized_with(language, size, Harness::builder())
    }

    fn sized_with(
        language: Language,
        size: [f32; 2],
        builder: egui_kittest::HarnessBuilder<NetDebugApp>,
    ) -> Self {
        Self::built_with(size, builder, move |cc, handle| {
            NetDebugApp::with_state(cc, handle, SessionState::new(language))
        })
    }

    /// The app as `netdebug ARGS` starts it (from fresh settings).
    pub fn from_command_line(args: &[&str]) -> Self {
        let args = Args::try_parse_from([&["netdebug"], args].concat())
            .and_then(Args::checked)
            .unwrap();
        Self::built([1100.0, 760.0], move |cc, handle| {
            let mut app = NetDebugApp::with_state(cc, handle, SessionState::new(Language::English));
            args.apply(&mut app);
            app
        })
    }

    /// [`Ui::tall`], drawing a box for a character no font has instead of failing: for data
    /// shown as GBK text that the bundled GB2312 font does not cover (mojibake, traditional
    /// characters), which a machine without CJK fonts shows as boxes too.
    pub fn tall_allowing_tofu() -> Self {
        Self::sized_with(
            Language::English,
            TALL,
            Harness::builder().allow_missing_glyphs(),
        )
    }

    pub fn built(
        size: [f32; 2],
        app: impl FnOnce(&eframe::CreationContext<'_>, tokio::runtime::Handle) -> NetDebugApp + 'static,
    ) -> Self {
        Self::built_with(size, Harness::builder(), app)
    }

    fn built_with(
        size: [f32; 2],
        builder: egui_kittest::HarnessBuilder<NetDebugApp>,
        app: impl FnOnce(&eframe::CreationContext<'_>, tokio::runtime::Handle) -> NetDebugApp + 'static,
    ) -> Self {
        let runtime = super::common::runtime();
        let handle = runtime.handle().clone();
        let harness = builder
            .with_size(size)
            .build_eframe(move |cc| app(cc, handle));
        Self {
            harness,
            _runtime: runtime,
        }
    }

    pub fn english() -> Self {
        Self::new(Language::English)
    }

    /// Steps frames until `done` holds, failing after [`WAIT`].
    pub fn step_until(
        &mut self,
        what: &str,
        done: impl Fn(&Harness<'static, NetDebugApp>) -> bool,
    ) {
        let start = Instant::now();
        loop {
            self.harness.step();
            if done(&self.harness) {
                return;
            }
            assert!(start.elapsed() < WAIT, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    pub fn wait_for_text(&mut self, text: &str) {
        self.step_until(&format!("the window to show {text:?}"), |h| {
            h.query_all_by_label_contains(text).next().is_some()
        });
    }

    pub fn shows(&self, text: &str) -> bool {
        self.harness
            .query_all_by_label_contains(text)
            .next()
            .is_some()
    }

    /// Unfolds the folded settings sections, one at a time, until a widget labelled `label`
    /// is there, as a person opens "More…" to find a setting.
    pub fn reveal(&mut self, label: &str) {
        for _ in 0..8 {
            if self.harness.query_all_by_label(label).next().is_some() {
                return;
            }
            let folded = self
                .harness
                .query_all_by_role(Role::DisclosureTriangle)
                .find(|node| node.accesskit_node().data().is_expanded() == Some(false))
                .map(|node| node.accesskit_node().label().unwrap_or_default());
            let Some(folded) = folded else {
                return;
            };
            self.harness.get_by_label(&folded).scroll_to_me();
            self.harness.run_steps(20);
            self.harness.get_by_label(&folded).click();
            self.harness.run_steps(3);
        }
    }

    /// Clicks a widget as a person would: scrolled into view first, since a click aimed at
    /// one outside the visible part of a scroll area lands on whatever is drawn there.
    pub fn click(&mut self, label: &str) {
        self.reveal(label);
        self.harness.get_by_label(label).scroll_to_me();
        // Scrolling is animated: let it settle so the click lands where the widget ends up.
        self.harness.run_steps(20);
        self.harness.get_by_label(label).click();
        self.harness.run_steps(2);
    }

    /// Opens a combo box and picks an entry, scrolling the combo box into view first as
    /// [`Ui::click`] does.
    pub fn choose(&mut self, combo: &str, entry: &str) {
        self.reveal(combo);
        self.harness
            .get_by_role_and_label(Role::ComboBox, combo)
            .scroll_to_me();
        self.harness.run_steps(20);
        self.harness
            .get_by_role_and_label(Role::ComboBox, combo)
            .click();
        self.harness.run_steps(2);
        self.harness.get_by_label(entry).click();
        self.harness.run_steps(2);
    }

    /// Replaces a text field's contents the way a person does: focus, select all, type.
    pub fn set_text(&mut self, field: &str, text: &str) {
        self.reveal(field);
        self.harness.get_by_label(field).scroll_to_me();
        self.harness.run_steps(20);
        self.harness.get_by_label(field).focus();
        self.harness.run_steps(1);
        self.harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
        self.harness.run_steps(1);
        if text.is_empty() {
            self.harness.key_press(Key::Backspace);
        } else {
            self.harness.get_by_label(field).type_text(text);
        }
        self.harness.run_steps(2);
    }

    /// Sets a number field as a screen reader would, unfolding its section first.
    pub fn set_number(&mut self, label: &str, value: f64) {
        self.reveal(label);
        self.harness.get_by_label(label).set_value_accesskit(value);
    }

    pub fn wait_for_combo(&mut self, combo: &str, value: &str) {
        self.reveal(combo);
        self.step_until(&format!("{combo} to show {value:?}"), |h| {
            h.get_by_role_and_label(Role::ComboBox, combo)
                .value()
                .as_deref()
                == Some(value)
        });
    }

    pub fn connection(&self) -> Connection {
        self.harness.state().state().connection
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.connection().local_addr().expect("session is bound")
    }

    /// Chooses TCP Client and aims it at 127.0.0.1:`port`, not yet open.
    pub fn client_of(&mut self, port: u16) {
        self.choose("Protocol", "TCP Client");
        self.set_text("Remote address", "127.0.0.1");
        self.set_text("Remote port", &port.to_string());
    }

    /// The received entries in the log, oldest first.
    pub fn received(&self) -> Vec<netdebug::log::LogEntry> {
        let log = &self.harness.state().state().log;
        log.store()
            .entries()
            .iter()
            .filter(|e| {
                matches!(
                    e.body,
                    netdebug::log::LogBody::Data {
                        direction: netdebug::log::Direction::Rx,
                        ..
                    }
                )
            })
            .cloned()
            .collect()
    }

    /// The text of each received entry, oldest first.
    pub fn received_bytes(&self) -> Vec<Vec<u8>> {
        self.received()
            .iter()
            .filter_map(|entry| match &entry.body {
                netdebug::log::LogBody::Data { bytes, .. } => Some(bytes.to_vec()),
                netdebug::log::LogBody::Notice(_) => None,
            })
            .collect()
    }

    pub fn received_texts(&self) -> Vec<String> {
        let store = self.harness.state().state().log.store();
        self.received()
            .iter()
            .map(|entry| store.text(entry))
            .collect()
    }

    pub fn open(&mut self) {
        self.click("Open");
        self.step_until("the session to open", |h| {
            h.state().state().connection.local_addr().is_some()
        });
    }
}

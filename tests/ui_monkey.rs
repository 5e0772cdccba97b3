//! A monkey at the window: random clicks on every button, checkbox and combo box, random text
//! (bad hex, bad escapes, characters GBK lacks, very long lines) in every free text field,
//! random numbers (negative, huge) in every number field, shortcut keys, and loopback peers
//! that connect, send and leave meanwhile, in every mode and in sessions it adds, closes and
//! puts side by side. The app must never panic, and its books must stay straight: a session's
//! counters only go back to zero through Reset counters.
//!
//! Kept on this machine: the monkey never edits where traffic goes (the address, the port,
//! the UDP target and multicast group, the local address picker); the test sets them, to
//! 127.0.0.1 and peers of its own. File dialogs are not clicked (headless, there is no
//! desktop to show them). The language switch is a button like any other.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;
mod ui;

use std::io::Write as _;
use std::net::{TcpListener, TcpStream, UdpSocket};

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT, Queryable};
use proptest::prelude::*;
use ui::Ui;

/// The labels `pick` names, in both languages.
fn in_both_languages<const N: usize>(
    pick: impl Fn(&netdebug::i18n::Texts) -> [&'static str; N],
) -> Vec<&'static str> {
    [&netdebug::i18n::EN, &netdebug::i18n::ZH]
        .into_iter()
        .flat_map(pick)
        .collect()
}

/// Buttons left alone, in either language: those that open a file dialog.
fn left_alone() -> Vec<&'static str> {
    in_both_languages(|t| {
        [
            t.send_file,
            t.save_log,
            t.save_to_file,
            t.quick_import,
            t.quick_export,
            t.open_workspace,
            t.save_workspace,
        ]
    })
}

/// Fields and pickers that say where traffic goes, in either language.
fn where_to() -> Vec<&'static str> {
    in_both_languages(|t| {
        [
            t.local_address,
            t.remote_address,
            t.local_port,
            t.remote_port,
            t.target,
            t.multicast_group,
            t.pick_address,
        ]
    })
}

/// What the monkey types: good and bad input of every kind the fields read.
const TEXTS: [&str; 14] = [
    "",
    "41 42",
    "0x01,0x02",
    "01 03 00 00 00 01",
    "0G",
    "\\xZ1",
    "end\\",
    "AT\\r\\n",
    "你好",
    "Erdő",
    "\\\\",
    "\r\n",
    "PING",
    "a much longer line that goes on and on well past the width of any row, \
     with 温度=25 and 湿度=40 and \\x00 in it, repeated: a much longer line",
];

/// Numbers for number fields, in and far out of their ranges.
const NUMBERS: [f64; 8] = [-5.0, 0.0, 1.0, 3.0, 250.0, 65_536.0, 1e9, 1e15];

/// Keys the window has shortcuts for.
const KEYS: [(Modifiers, Key); 6] = [
    (Modifiers::COMMAND, Key::Enter),
    (Modifiers::COMMAND, Key::F),
    (Modifiers::NONE, Key::F1),
    (Modifiers::NONE, Key::Enter),
    (Modifiers::NONE, Key::Escape),
    (Modifiers::COMMAND, Key::Plus),
];

/// One thing the monkey (or a peer) does; numbers pick among what is on screen.
#[derive(Debug, Clone)]
enum Act {
    Open,
    Click(usize),
    Choose(usize, usize),
    Type(usize, usize),
    Number(usize, usize),
    Press(usize),
    PeerSends(usize),
    PeerLeaves,
    Wait,
}

fn act() -> impl Strategy<Value = Act> {
    let n = || any::<usize>();
    prop_oneof![
        2 => Just(Act::Open),
        6 => n().prop_map(Act::Click),
        3 => (n(), n()).prop_map(|(a, b)| Act::Choose(a, b)),
        4 => (n(), n()).prop_map(|(a, b)| Act::Type(a, b)),
        2 => (n(), n()).prop_map(|(a, b)| Act::Number(a, b)),
        1 => n().prop_map(Act::Press),
        5 => n().prop_map(Act::PeerSends),
        1 => Just(Act::PeerLeaves),
        1 => Just(Act::Wait),
    ]
}

/// The labels of the widgets with `role` now on screen that the monkey may use.
fn labels(ui: &Ui, role: Role) -> Vec<String> {
    let excluded: Vec<&str> = left_alone().into_iter().chain(where_to()).collect();
    let mut labels: Vec<String> = ui
        .harness
        .query_all_by_role(role)
        .filter_map(|node| node.accesskit_node().label())
        .filter(|label| !excluded.contains(&label.as_str()))
        .collect();
    labels.sort();
    labels.dedup();
    labels
}

/// The peers of the test's own that the app's sessions talk to.
struct Peers {
    /// What a TCP client session connects to.
    listener: TcpListener,
    /// What a UDP session sends to and hears from.
    udp: UdpSocket,
    /// Connections to or from the app.
    streams: Vec<TcpStream>,
}

impl Peers {
    /// Takes connections the app made to the listener.
    fn accept(&mut self) {
        while let Ok((stream, _)) = self.listener.accept() {
            stream.set_nonblocking(true).unwrap();
            self.streams.push(stream);
        }
    }

    /// Sends `bytes` to the app as its open session takes them: a client connects to a
    /// server, a datagram goes to a UDP socket, a connected peer writes.
    fn send(&mut self, ui: &Ui, bytes: &[u8]) {
        let state = ui.harness.state().state();
        let Some(local) = state.connection.local_addr() else {
            return;
        };
        match state.mode {
            netdebug::workspace::Mode::TcpServer | netdebug::workspace::Mode::TcpRelay => {
                if let Ok(mut stream) = TcpStream::connect(local) {
                    let _ = stream.write_all(bytes);
                    stream.set_nonblocking(true).unwrap();
                    self.streams.push(stream);
                }
            }
            netdebug::workspace::Mode::Udp | netdebug::workspace::Mode::UdpRelay => {
                let _ = self.udp.send_to(bytes, local);
            }
            netdebug::workspace::Mode::TcpClient => {
                if let Some(stream) = self.streams.last_mut() {
                    let _ = stream.write_all(bytes);
                }
            }
        }
    }
}

fn run(acts: Vec<Act>) {
    let mut ui = Ui::tall_allowing_tofu();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    {
        let state = ui.harness.state_mut().state_mut();
        "127.0.0.1".clone_into(&mut state.address);
        state.port = listener.local_addr().unwrap().port().to_string();
        state.target.udp = udp.local_addr().unwrap().to_string();
        // A relay connects its clients on to the listener, as the TCP client connects to it.
        state.upstream = listener.local_addr().unwrap().to_string();
    }
    let mut peers = Peers {
        listener,
        udp,
        streams: Vec::new(),
    };
    // Each session's counters as last seen.
    let mut counted = std::collections::HashMap::new();
    for act in acts {
        let mut reset = false;
        match act {
            // Open or Close, whichever the button says: sessions come and go. A client
            // connects to the test's listener; a server or UDP socket takes any free port.
            Act::Open => {
                let state = ui.harness.state_mut().state_mut();
                state.port = match state.mode {
                    netdebug::workspace::Mode::TcpClient => {
                        peers.listener.local_addr().unwrap().port().to_string()
                    }
                    _ => "0".to_owned(),
                };
                let (en, zh) = (&netdebug::i18n::EN, &netdebug::i18n::ZH);
                for label in [en.open, en.close, zh.open, zh.close] {
                    if ui.harness.query_all_by_label(label).count() == 1 {
                        ui.click(label);
                        break;
                    }
                }
            }
            Act::Click(n) => {
                let mut targets = labels(&ui, Role::Button);
                targets.extend(labels(&ui, Role::CheckBox));
                if !targets.is_empty() {
                    let label = targets[n % targets.len()].clone();
                    reset = label == netdebug::i18n::EN.reset_counters
                        || label == netdebug::i18n::ZH.reset_counters;
                    // Another widget of the same name may have gone with the last frame.
                    if ui.harness.query_all_by_label(&label).count() == 1 {
                        ui.click(&label);
                    }
                }
            }
            Act::Choose(combo, entry) => {
                let combos = labels(&ui, Role::ComboBox);
                let picked = (!combos.is_empty()).then(|| combos[combo % combos.len()].clone());
                // Sessions side by side have combo boxes of the same name: one is enough.
                if let Some(combo) = picked.filter(|combo| {
                    ui.harness
                        .query_all_by_role_and_label(Role::ComboBox, combo)
                        .count()
                        == 1
                }) {
                    let before = labels(&ui, Role::Button);
                    let node = ui.harness.get_by_role_and_label(Role::ComboBox, &combo);
                    node.scroll_to_me();
                    ui.harness.run_steps(20);
                    ui.harness
                        .get_by_role_and_label(Role::ComboBox, &combo)
                        .click();
                    ui.harness.run_steps(2);
                    // The entries are what the popup added.
                    let entries: Vec<String> = labels(&ui, Role::Button)
                        .into_iter()
                        .filter(|label| !before.contains(label))
                        .collect();
                    match entries.get(entry % entries.len().max(1)) {
                        Some(entry) if ui.harness.query_all_by_label(entry).count() == 1 => {
                            ui.harness.get_by_label(entry).click();
                        }
                        _ => ui.harness.key_press(Key::Escape),
                    }
                }
            }
            Act::Type(field, text) => {
                let mut fields = labels(&ui, Role::TextInput);
                fields.extend(labels(&ui, Role::MultilineTextInput));
                if !fields.is_empty() {
                    let field = fields[field % fields.len()].clone();
                    if ui.harness.query_all_by_label(&field).count() == 1 {
                        ui.set_text(&field, TEXTS[text % TEXTS.len()]);
                    }
                }
            }
            Act::Number(field, number) => {
                let fields = labels(&ui, Role::SpinButton);
                if !fields.is_empty() {
                    let field = &fields[field % fields.len()];
                    if ui.harness.query_all_by_label(field).count() == 1 {
                        ui.harness
                            .get_by_label(field)
                            .set_value_accesskit(NUMBERS[number % NUMBERS.len()]);
                    }
                }
            }
            Act::Press(key) => {
                let (modifiers, key) = KEYS[key % KEYS.len()];
                ui.harness.key_press_modifiers(modifiers, key);
            }
            Act::PeerSends(text) => {
                let text = TEXTS[text % TEXTS.len()];
                peers.send(&ui, text.as_bytes());
            }
            Act::PeerLeaves => {
                peers.streams.pop();
            }
            Act::Wait => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
        ui.harness.run_steps(2);
        peers.accept();
        let workspace = ui.harness.state().workspace();
        for tab in workspace.tabs() {
            let now = (tab.state.traffic.rx.bytes, tab.state.traffic.tx.bytes);
            let before = counted.insert(tab.id, now).unwrap_or((0, 0));
            let was_reset = reset && tab.id == workspace.focused();
            assert!(
                was_reset || (now.0 >= before.0 && now.1 >= before.1),
                "{:?}'s counters went back from {before:?} to {now:?}",
                tab.id
            );
        }
    }
}

#[test]
fn a_monkey_at_the_window_breaks_nothing() {
    common::check_sequences(4, proptest::collection::vec(act(), 120..160), run);
}

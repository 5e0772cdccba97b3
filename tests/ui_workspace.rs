//! The workspace on the real app with egui_kittest: sessions in tabs and side by side, each
//! with its own sockets and log; rename, close (its port free again), and the workspace
//! restored from its file, or from a settings record of the single-session layout.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;
mod ui;

use std::net::TcpListener;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use netdebug::NetDebugApp;
use netdebug::workspace::{Connection, Mode, TabId};
use ui::Ui;

/// eframe's storage, in memory.
#[derive(Default)]
struct Memory(std::collections::HashMap<String, String>);

impl eframe::Storage for Memory {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }

    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }

    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }

    fn flush(&mut self) {}
}

/// Whether session `id`'s log shows `text` received.
fn received(ui: &Ui, id: TabId, text: &str) -> bool {
    let workspace = ui.harness.state().workspace();
    let Some(tab) = workspace.tab(id) else {
        return false;
    };
    let store = tab.state.log.store();
    store.entries().iter().any(|entry| match &entry.body {
        netdebug::log::LogBody::Data {
            direction: netdebug::log::Direction::Rx,
            ..
        } => store.text(entry).contains(text),
        netdebug::log::LogBody::Data { .. } | netdebug::log::LogBody::Notice(_) => false,
    })
}

/// The label of session `id`'s tab.
/// Chooses `item` in the menu of session `id`'s tab (a right click on it).
fn tab_menu(ui: &mut Ui, id: TabId, item: &str) {
    let label = tab_label(ui, id);
    ui.harness
        .get_by_role_and_label(Role::Tab, &label)
        .click_secondary();
    ui.harness.run_steps(2);
    ui.click(item);
}

fn tab_label(ui: &Ui, id: TabId) -> String {
    let workspace = ui.harness.state().workspace();
    let tab = workspace.tab(id).unwrap();
    match tab.unseen() {
        0 => tab.title(),
        unseen => format!("{} (+{unseen})", tab.title()),
    }
}

/// Which of the widgets labelled `label` is furthest right, in query order.
fn rightmost(ui: &Ui, label: &str) -> usize {
    let lefts: Vec<f32> = ui
        .harness
        .query_all_by_label(label)
        .map(|node| node.rect().left())
        .collect();
    (0..lefts.len())
        .max_by(|a, b| lefts[*a].total_cmp(&lefts[*b]))
        .unwrap()
}

fn click_tab(ui: &mut Ui, id: TabId) {
    let label = tab_label(ui, id);
    ui.harness.get_by_role_and_label(Role::Tab, &label).click();
    ui.harness.run_steps(2);
}

#[test]
fn a_server_and_its_client_in_two_tabs_talk_side_by_side_and_close_frees_the_port() {
    let mut ui = Ui::english();
    let server = ui.harness.state().workspace().focused();
    ui.set_text("Local address", "127.0.0.1");
    ui.set_text("Local port", "0");
    ui.open();
    let port = ui.local_addr().port();

    // A second session, in a tab of its own, connects to the first.
    ui.click("New session");
    let client = ui.harness.state().workspace().focused();
    assert_ne!(client, server);
    assert_eq!(ui.harness.state().state().connection, Connection::Closed);
    ui.client_of(port);
    ui.open();
    ui.set_text("Send data", "hello server");
    ui.click("Send");

    // The server's tab, not shown, says something arrived, until it is looked at.
    ui.step_until("the server's tab to mark what arrived", |h| {
        h.state().workspace().tab(server).unwrap().unseen() == 1
    });
    let marked = tab_label(&ui, server);
    assert!(marked.ends_with("(+1)"), "{marked}");
    assert!(ui.harness.query_by_label(&marked).is_some());
    click_tab(&mut ui, server);
    assert_eq!(ui.harness.state().workspace().focused(), server);
    assert_eq!(
        ui.harness.state().workspace().tab(server).unwrap().unseen(),
        0
    );
    ui.wait_for_text("hello server");
    assert!(!received(&ui, client, "hello server"));

    ui.set_text("Send data", "hello client");
    ui.click("Send");
    ui.step_until("the client to receive", |h| {
        let tab = h.state().workspace().tab(client).unwrap();
        tab.state.traffic.rx.bytes == 12
    });
    assert!(received(&ui, client, "hello client"));
    assert!(!received(&ui, server, "hello client"));
    let workspace = ui.harness.state().workspace();
    assert_eq!(workspace.tab(server).unwrap().state.traffic.rx.bytes, 12);
    assert_eq!(workspace.tab(client).unwrap().state.traffic.tx.bytes, 12);

    // The timeline shows both sides in order: client sends, server receives, server
    // answers, client receives.
    ui.click("Timeline");
    ui.step_until("the timeline", |h| {
        h.query_all_by_label("All sessions").count() > 0
    });
    let lines: Vec<(TabId, String)> = {
        let workspace = ui.harness.state().workspace();
        let timeline = workspace.timeline();
        let t = workspace.shared.texts();
        (0..timeline.items().len())
            .filter_map(|at| timeline.line(at, workspace.tabs(), t))
            .filter(|line| line.text.contains("hello"))
            .map(|line| {
                let direction: String = line.text.chars().take(4).collect();
                let data = line.text.rsplit(": ").next().unwrap_or_default();
                (line.tab, format!("{direction} {data}"))
            })
            .collect()
    };
    assert_eq!(
        lines,
        [
            (client, "TX → hello server".to_owned()),
            (server, "RX ← hello server".to_owned()),
            (server, "TX → hello client".to_owned()),
            (client, "RX ← hello client".to_owned()),
        ]
    );
    assert!(ui.shows("TX → 127.0.0.1"));
    ui.click("Close the timeline");
    ui.harness.run_steps(2);
    assert_eq!(ui.harness.query_all_by_label("All sessions").count(), 0);

    // Side by side: the server (the front tab) moves into a column on the right, and both
    // sessions are in sight, each with its own send box.
    ui.click("Side by side");
    ui.harness.run_steps(3);
    let visible = ui.harness.state().layout().visible();
    assert_eq!(visible.len(), 2, "{visible:?}");
    assert_eq!(ui.harness.query_all_by_label("Send data").count(), 2);
    assert_eq!(ui.harness.query_all_by_label("Send").count(), 2);
    let window = ui.harness.ctx.content_rect();
    for label in ["Send", "Send data"] {
        for node in ui.harness.query_all_by_label(label) {
            let rect = node.rect();
            assert!(
                window.contains_rect(rect),
                "{label} at {rect:?} outside {window:?}"
            );
        }
    }
    // Each send box sends from its own session: the right one is the server's.
    let right = rightmost(&ui, "Send data");
    ui.harness
        .query_all_by_label("Send data")
        .nth(right)
        .unwrap()
        .focus();
    ui.harness.run_steps(1);
    ui.harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    ui.harness.run_steps(1);
    ui.harness
        .query_all_by_label("Send data")
        .nth(right)
        .unwrap()
        .type_text("from the right");
    ui.harness.run_steps(2);
    let right = rightmost(&ui, "Send");
    ui.harness
        .query_all_by_label("Send")
        .nth(right)
        .unwrap()
        .click();
    ui.step_until("the client to receive from the right-hand box", |h| {
        h.state()
            .workspace()
            .tab(client)
            .unwrap()
            .state
            .traffic
            .rx
            .bytes
            == 12 + 14
    });
    assert_eq!(
        ui.harness
            .state()
            .workspace()
            .tab(server)
            .unwrap()
            .state
            .traffic
            .rx
            .bytes,
        12
    );

    // Rename the client's tab.
    tab_menu(&mut ui, client, "Rename session");
    ui.step_until("the rename dialog", |h| {
        h.query_by_label("Session name").is_some()
    });
    ui.set_text("Session name", "device under test");
    ui.click("OK");
    assert_eq!(
        ui.harness.state().workspace().tab(client).unwrap().title(),
        "device under test"
    );
    assert!(ui.harness.query_by_label("device under test").is_some());

    // Closing the server's session closes its socket: the port is free again, and the
    // client sees its server go.
    let server_label = tab_label(&ui, server);
    ui.click(&format!("Close session {server_label}"));
    ui.step_until("the client to see the server go", |h| {
        h.state().workspace().tab(client).unwrap().state.connection == Connection::Closed
    });
    assert!(ui.harness.state().workspace().tab(server).is_none());
    assert_eq!(ui.harness.state().workspace().tabs().len(), 1);
    TcpListener::bind(("127.0.0.1", port)).expect("the closed session's port is free");
}

#[test]
fn the_workspace_comes_back_from_its_file_with_every_session_and_the_layout() {
    let mut ui = Ui::english();
    ui.choose("Protocol", "UDP");
    ui.set_text("Local port", "7001");
    ui.click("New session");
    ui.choose("Protocol", "TCP Client");
    ui.set_text("Remote port", "502");
    ui.click("Side by side");
    ui.harness.run_steps(3);
    let saved = ui.harness.state().workspace_file();
    assert_eq!(saved.sessions.len(), 2);

    // What eframe keeps when the window closes is what the next start reads.
    let mut storage = Memory::default();
    eframe::App::save(ui.harness.state_mut(), &mut storage);
    let text = storage
        .0
        .get(netdebug::workspace_file::STORAGE_KEY)
        .cloned()
        .unwrap();
    assert_eq!(text, saved.to_text());
    let mut again = Ui::built([1100.0, 760.0], move |cc, handle| {
        NetDebugApp::from_text(cc, handle, Some(&text))
    });
    again.harness.run_steps(3);
    let workspace = again.harness.state().workspace();
    let modes: Vec<Mode> = workspace.tabs().iter().map(|tab| tab.state.mode).collect();
    assert_eq!(modes, [Mode::Udp, Mode::TcpClient]);
    assert_eq!(workspace.tabs()[0].state.port, "7001");
    assert_eq!(workspace.tabs()[1].state.port, "502");
    assert_eq!(
        again.harness.state().layout().visible().len(),
        2,
        "still side by side"
    );
    assert_eq!(again.harness.query_all_by_label("Send data").count(), 2);
}

#[test]
fn a_session_is_duplicated_with_its_settings_closed_and_with_an_empty_log() {
    let mut ui = Ui::english();
    ui.choose("Protocol", "UDP");
    ui.set_text("Local port", "0");
    ui.choose("Show as", "Hex");
    ui.open();
    let first = ui.harness.state().workspace().focused();
    tab_menu(&mut ui, first, "Duplicate session");
    ui.harness.run_steps(2);
    let workspace = ui.harness.state().workspace();
    assert_eq!(workspace.tabs().len(), 2);
    let copy = workspace.focused_state();
    assert_ne!(workspace.focused(), first);
    assert_eq!((copy.mode, copy.port.as_str()), (Mode::Udp, "0"));
    assert_eq!(
        copy.log.store().layout().view,
        netdebug::codec::InputMode::Hex
    );
    assert_eq!(copy.connection, Connection::Closed);
    assert!(copy.log.store().entries().is_empty());
    assert!(workspace.tab(first).unwrap().state.connection.is_open());
}

#[test]
fn a_settings_record_of_the_single_session_layout_opens_as_one_tab() {
    let text = r#"(version: 2, chinese: false, mode: TcpClient, address: "10.0.0.7",
        port: "502", echo: true, quick_commands: [(name: "read", text: "01 03",
        format: (mode: Hex, encoding: Utf8, escapes: false, checksum: None, line_ending: None))])"#;
    let mut ui = Ui::built([1100.0, 760.0], move |cc, handle| {
        NetDebugApp::from_text(cc, handle, Some(text))
    });
    ui.harness.run_steps(3);
    let workspace = ui.harness.state().workspace();
    assert_eq!(workspace.tabs().len(), 1);
    let state = workspace.focused_state();
    assert_eq!(
        (state.mode, state.address.as_str()),
        (Mode::TcpClient, "10.0.0.7")
    );
    assert!(state.auto_reply.echo);
    assert!(ui.shows("TCP Client 10.0.0.7:502"));
    assert!(ui.shows("Quick commands · 1 saved"));
    ui.reveal("read");
    assert!(
        ui.harness.query_by_label("read").is_some(),
        "its quick command is there"
    );

    // A damaged file gives defaults and says so.
    let mut damaged = Ui::built([1100.0, 760.0], |cc, handle| {
        NetDebugApp::from_text(
            cc,
            handle,
            Some("(version: 3, sessions: [(id: 1, settings: ("),
        )
    });
    damaged.harness.run_steps(3);
    assert!(damaged.shows("Saved settings could not be read"));
    assert_eq!(damaged.harness.state().workspace().tabs().len(), 1);
}

#[test]
fn opening_a_workspace_file_closes_every_session_of_the_old_one() {
    let mut ui = Ui::english();
    ui.set_text("Local address", "127.0.0.1");
    ui.set_text("Local port", "0");
    ui.open();
    let port = ui.local_addr().port();
    // A file of one session, with the id the open one has.
    let file = std::env::temp_dir().join(format!(
        "netdebug-open-workspace-{}.ron",
        std::process::id()
    ));
    let other = netdebug::workspace::Workspace::new(netdebug::i18n::Language::English);
    let text =
        netdebug::workspace_file::WorkspaceFile::from_workspace(&other, String::new()).to_text();
    std::fs::write(&file, text).unwrap();
    ui.harness
        .state_mut()
        .command(netdebug::ui::Command::Workspace(
            netdebug::ui::WorkspaceAction::OpenWorkspace(file.clone()),
        ));
    ui.wait_for_text("Opened workspace");
    assert_eq!(ui.connection(), Connection::Closed);
    let start = std::time::Instant::now();
    while TcpListener::bind(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < common::WAIT,
            "the old session's port is still taken"
        );
        ui.harness.run_steps(1);
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    std::fs::remove_file(file).unwrap();
}

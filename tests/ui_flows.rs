//! UI flows on the real app with egui_kittest: find widgets by label, click, type, and check
//! what the log shows and what a raw peer socket received. Headless; no display needed.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;
mod ui;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use common::WAIT;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use netdebug::NetDebugApp;
use netdebug::codec::Checksum;
use netdebug::i18n::Language;
use netdebug::log::Annotation;
use netdebug::workspace::{Connection, SessionState};
use ui::Ui;

/// The app's quick commands.
fn quick_commands(ui: &Ui) -> &[netdebug::workspace::QuickCommand] {
    &ui.harness.state().workspace().shared.quick_commands
}

fn read_exactly(stream: &mut TcpStream, len: usize) -> Vec<u8> {
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let mut buf = vec![0; len];
    stream.read_exact(&mut buf).unwrap();
    buf
}

fn assert_nothing_arrives(stream: &mut TcpStream) {
    stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut buf = [0u8; 16];
    match stream.read(&mut buf) {
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
        other => panic!("expected nothing, got {other:?}"),
    }
}

#[test]
fn tcp_server_flow_receives_sends_text_and_hex_and_refuses_bad_hex() {
    let mut ui = Ui::english();
    ui.choose("Protocol", "UDP");
    ui.choose("Protocol", "TCP Server");
    ui.set_text("Local address", "127.0.0.1");
    ui.set_text("Local port", "0");
    ui.open();
    let addr = ui.local_addr();
    assert!(matches!(ui.connection(), Connection::Listening(_)));
    ui.wait_for_text(&format!("Listening on {addr}"));
    assert!(ui.shows("Close"), "the button turns into Close");

    let mut device = TcpStream::connect(addr).unwrap();
    let device_addr = device.local_addr().unwrap();
    ui.wait_for_text(&format!("Client joined: {device_addr}"));
    ui.wait_for_combo("Send to", "All clients (1)");

    device.write_all(b"hello from device").unwrap();
    ui.wait_for_text("hello from device");
    ui.wait_for_text(&format!("RX ← {device_addr}"));

    ui.set_text("Send data", "ping");
    ui.click("Send");
    assert_eq!(read_exactly(&mut device, 4), b"ping");
    ui.wait_for_text("TX: 4");

    ui.choose("Send as", "Hex");
    ui.set_text("Send data", "41 42");
    ui.click("Send");
    assert_eq!(read_exactly(&mut device, 2), b"AB");

    ui.set_text("Send data", "41 4g");
    ui.click("Send");
    ui.wait_for_text("Invalid hex character 'g' at position 5");
    assert_nothing_arrives(&mut device);
    assert_eq!(
        ui.harness.state().state().traffic.tx.bytes,
        6,
        "the refused send counted nothing"
    );

    // Received data can be shown as hex.
    ui.choose("Show as", "Hex");
    ui.wait_for_text("68 65 6C 6C 6F");

    drop(device);
    ui.wait_for_text(&format!("Client left: {device_addr}"));
    ui.click("Close");
    ui.wait_for_text("Closed: closed locally");
    assert_eq!(ui.connection(), Connection::Closed);
}

#[test]
fn the_command_line_presets_the_window_and_cycles_hex_to_the_first_client() {
    let mut ui = Ui::from_command_line(&[
        "--mode",
        "tcp-server",
        "--address",
        "127.0.0.1",
        "--port",
        "0",
        "--open",
        "--show",
        "hex",
        "--send-hex",
        "41 42",
        "--cycle-ms",
        "20",
    ]);
    ui.step_until("the server to listen", |h| {
        matches!(h.state().state().connection, Connection::Listening(_))
    });
    ui.wait_for_combo("Show as", "Hex");
    ui.wait_for_combo("Send as", "Hex");
    assert_eq!(
        ui.harness.get_by_label("Send data").value().as_deref(),
        Some("41 42"),
        "the send box holds the hex"
    );
    // No client yet: the cycle send waits rather than failing.
    ui.harness.run_steps(3);
    assert!(ui.harness.state().state().cycling.is_none());
    assert!(!ui.shows("Cycle send stopped"));

    let mut device = TcpStream::connect(ui.local_addr()).unwrap();
    device.write_all(b"hi").unwrap();
    ui.wait_for_text("68 69");
    ui.step_until("the cycle send to start", |h| {
        h.state().state().cycling.is_some()
    });
    assert_eq!(read_exactly(&mut device, 4), b"ABAB");
    assert!(ui.shows("Period (ms)"));
    assert_eq!(ui.harness.state().state().cycle.period_ms, 20);
}

#[test]
fn tcp_server_sends_to_one_selected_client_and_disconnects_it_or_all() {
    let mut ui = Ui::english();
    ui.set_text("Local port", "0");
    ui.open();
    let addr = ui.local_addr();
    let mut first = TcpStream::connect(addr).unwrap();
    ui.wait_for_text(&format!("Client joined: {}", first.local_addr().unwrap()));
    let mut second = TcpStream::connect(addr).unwrap();
    let second_addr = second.local_addr().unwrap();
    ui.wait_for_text(&format!("Client joined: {second_addr}"));
    ui.wait_for_combo("Send to", "All clients (2)");

    ui.set_text("Send data", "to all");
    ui.click("Send");
    assert_eq!(read_exactly(&mut first, 6), b"to all");
    assert_eq!(read_exactly(&mut second, 6), b"to all");

    // Pick the second client through the selector's filter.
    let first_addr = first.local_addr().unwrap();
    ui.harness
        .get_by_role_and_label(Role::ComboBox, "Send to")
        .click();
    ui.harness.run_steps(2);
    let listed = |ui: &Ui, peer: SocketAddr| ui.harness.query_by_label(&peer.to_string()).is_some();
    assert!(listed(&ui, first_addr));
    // Each client with what went each way: 6 bytes to each, nothing back yet.
    assert_eq!(ui.harness.query_all_by_label("RX 0 B · TX 6 B").count(), 2);
    ui.set_text("Filter", &format!(":{}", second_addr.port()));
    assert!(!listed(&ui, first_addr), "the filter hides other clients");
    ui.click(&second_addr.to_string());
    ui.wait_for_combo("Send to", &second_addr.to_string());
    ui.set_text("Send data", "just you");
    ui.click("Send");
    assert_eq!(read_exactly(&mut second, 8), b"just you");
    assert_nothing_arrives(&mut first);

    ui.click("Disconnect client");
    ui.wait_for_text(&format!("Client left: {second_addr} (closed locally)"));
    let mut buf = [0u8; 1];
    second.set_read_timeout(Some(WAIT)).unwrap();
    assert_eq!(
        second.read(&mut buf).unwrap(),
        0,
        "the kicked client sees the close"
    );
    ui.wait_for_combo("Send to", "All clients (1)");

    // With all clients selected, Disconnect all kicks every one; the server listens on.
    let mut third = TcpStream::connect(addr).unwrap();
    ui.wait_for_text(&format!("Client joined: {}", third.local_addr().unwrap()));
    ui.wait_for_combo("Send to", "All clients (2)");
    ui.click("Disconnect all");
    ui.wait_for_text(&format!("Client left: {first_addr} (closed locally)"));
    ui.wait_for_text(&format!(
        "Client left: {} (closed locally)",
        third.local_addr().unwrap()
    ));
    for kicked in [&mut first, &mut third] {
        kicked.set_read_timeout(Some(WAIT)).unwrap();
        assert_eq!(kicked.read(&mut buf).unwrap(), 0);
    }
    ui.wait_for_combo("Send to", "All clients (0)");
    assert!(
        ui.harness
            .get_by_label("Disconnect all")
            .accesskit_node()
            .is_disabled(),
        "nobody left to disconnect"
    );
    let mut again = TcpStream::connect(addr).unwrap();
    ui.wait_for_combo("Send to", "All clients (1)");
    ui.set_text("Send data", "welcome back");
    ui.click("Send");
    assert_eq!(read_exactly(&mut again, 12), b"welcome back");
}

#[test]
fn tcp_client_flow_connects_sends_gbk_receives_and_sees_the_peer_close() {
    let (mut ui, _server, mut peer, port) = client_of_a_device();
    ui.wait_for_text(&format!("Connected to 127.0.0.1:{port}"));

    ui.set_text("Send data", "hello server");
    ui.click("Send");
    assert_eq!(read_exactly(&mut peer, 12), b"hello server");

    ui.choose("Encode as", "GBK");
    ui.set_text("Send data", "你好");
    ui.click("Send");
    assert_eq!(read_exactly(&mut peer, 4), [0xC4, 0xE3, 0xBA, 0xC3]);

    // GBK "你好" split across two writes still shows whole when decoding as GBK.
    ui.choose("Decode as", "GBK");
    peer.write_all(&[0xC4, 0xE3, 0xBA]).unwrap();
    peer.flush().unwrap();
    std::thread::sleep(Duration::from_millis(50));
    ui.harness.run_steps(3);
    peer.write_all(&[0xC3, b'!']).unwrap();
    ui.step_until("both halves", |h| h.state().state().traffic.rx.bytes == 5);
    let text: String = ui.received_texts().concat();
    assert_eq!(text, "你好!");

    drop(peer);
    ui.wait_for_text("Closed: closed by peer");
    ui.step_until("the button to read Open again", |h| {
        h.query_by_label("Open").is_some()
    });
}

#[test]
fn hidden_sends_leave_only_the_answers_in_the_log_and_are_still_timed() {
    let (mut ui, _server, mut device, _) = client_of_a_device();
    ui.click("Hide sent data");
    ui.wait_for_text("0 B not shown (counted and saved)");
    ui.set_text("Send data", "READ");
    ui.click("Send");
    assert_eq!(read_exactly(&mut device, 4), b"READ");
    device.write_all(b"VALUE=42").unwrap();
    ui.wait_for_text("ms after the send");
    let state = ui.harness.state().state();
    assert_eq!(
        (state.traffic.tx.bytes, state.traffic.not_shown),
        (4, 4),
        "counted, not shown"
    );
    let sent = state.log.store().entries().iter().any(|entry| {
        matches!(
            entry.body,
            netdebug::log::LogBody::Data {
                direction: netdebug::log::Direction::Tx,
                ..
            }
        )
    });
    assert!(!sent, "no sent entry");
    assert_eq!(ui.received_texts(), ["VALUE=42"]);
    assert_eq!(state.traffic.responses.count, 1);

    // With received data hidden too, nothing shows, and the device's answers are still timed.
    ui.click("Hide received data");
    ui.click("Send");
    assert_eq!(read_exactly(&mut device, 4), b"READ");
    device.write_all(b"VALUE=43").unwrap();
    ui.step_until("the second answer timed", |h| {
        h.state().state().traffic.responses.count == 2
    });
    assert_eq!(ui.received_texts(), ["VALUE=42"]);
    assert_eq!(ui.harness.state().state().traffic.not_shown, 16);
}

#[test]
fn the_log_times_bytes_as_they_arrive_and_how_long_the_device_took_to_answer() {
    let (mut ui, _server, mut device, _) = client_of_a_device();
    let last_received = |ui: &Ui| ui.received().pop().unwrap();

    // A device that takes 80 ms to answer.
    ui.set_text("Send data", "READ");
    ui.click("Send");
    assert_eq!(read_exactly(&mut device, 4), b"READ");
    std::thread::sleep(Duration::from_millis(80));
    device.write_all(b"VALUE=42").unwrap();
    ui.wait_for_text("ms after the send");
    let Some(Annotation::SinceSend(answered)) = last_received(&ui).annotation else {
        panic!("no time since the send");
    };
    assert!(
        answered >= Duration::from_millis(80) && answered < WAIT,
        "{answered:?}"
    );
    // The status bar sums them up.
    let responses = ui.harness.state().state().traffic.responses;
    assert_eq!((responses.count, responses.last), (1, answered));
    let ms = netdebug::response_times::short_ms(answered);
    let whole = format!("Response {ms} ms (avg {ms}, max {ms}, 1×)");
    // In a wide window, all of it beside the state and the counters with their frames and rates.
    ui.harness.set_size(egui::vec2(1280.0, 760.0));
    ui.wait_for_text(&whole);

    // In a narrow window the last time alone gives the state its room, the rest in a hover.
    ui.harness.set_size(egui::vec2(900.0, 760.0));
    ui.harness.run_steps(2);
    assert!(!ui.shows(&whole));
    assert!(ui.shows(&format!("Response {ms} ms")));
    let state = ui.connection().describe(ui.harness.state().state().texts());
    // The status bar's, not the one under the Open button.
    let shown = ui
        .harness
        .query_all_by_label(&state)
        .map(|label| label.rect())
        .max_by(|a, b| a.top().total_cmp(&b.top()))
        .unwrap()
        .width();
    let font = egui::TextStyle::Body.resolve(&ui.harness.ctx.global_style());
    let whole_width = ui.harness.ctx.fonts_mut(|fonts| {
        fonts
            .layout_no_wrap(state.clone(), font, egui::Color32::WHITE)
            .size()
            .x
    });
    assert!(
        shown >= whole_width,
        "{state:?} cut to {shown} of {whole_width}"
    );
    // Narrower still, the counters keep their labels and bytes, the rest in their hover.
    ui.harness.set_size(egui::vec2(720.0, 760.0));
    ui.harness.run_steps(2);
    assert!(ui.shows("RX: 8 B") && !ui.shows("RX: 8 B /"));
    ui.harness.set_size(egui::vec2(1280.0, 760.0));
    ui.harness.run_steps(2);
    assert!(ui.shows(&whole));
    ui.harness.set_size(egui::vec2(1100.0, 760.0));
    ui.harness.run_steps(2);

    // Bytes the window gets round to a second late keep the time they arrived.
    let written = chrono::Local::now().time();
    device.write_all(b"late").unwrap();
    std::thread::sleep(Duration::from_secs(1));
    ui.step_until("the late bytes", |h| {
        h.state().state().traffic.rx.bytes == 12
    });
    let entry = last_received(&ui);
    assert_eq!(entry.annotation, None, "only the first data answers a send");
    let lag = (entry.time - written).to_std().unwrap();
    assert!(
        lag < Duration::from_millis(600),
        "logged {lag:?} after it was written"
    );

    ui.click("Reset counters");
    assert_eq!(ui.harness.state().state().traffic.responses.count, 0);
    assert!(!ui.shows("Response "));
}

#[test]
fn remotes_used_before_are_one_click_away() {
    let (mut ui, server, _device, port) = client_of_a_device();
    ui.click("Close");

    // Another address typed, then the one that worked picked from Recent.
    ui.set_text("Remote address", "192.0.2.1");
    ui.set_text("Remote port", "1");
    ui.choose("Recent", &format!("127.0.0.1:{port}"));
    let state = ui.harness.state().state();
    assert_eq!(
        (state.address.as_str(), state.port.as_str()),
        ("127.0.0.1", &*port.to_string())
    );
    ui.open();
    let _again = server.accept().unwrap();
    ui.click("Close");

    // UDP: a target sent to is remembered beside the target field.
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let target = peer.local_addr().unwrap().to_string();
    ui.choose("Protocol", "UDP");
    ui.set_text("Local address", "127.0.0.1");
    ui.set_text("Local port", "0");
    ui.open();
    ui.set_text("Target", &target);
    ui.set_text("Send data", "hi");
    ui.click("Send");
    let mut buf = [0u8; 8];
    peer.set_read_timeout(Some(WAIT)).unwrap();
    assert_eq!(peer.recv(&mut buf).unwrap(), 2);
    ui.set_text("Target", "192.0.2.1:9");
    ui.choose("Recent", &target);
    assert_eq!(ui.harness.state().state().target.udp, target);
    assert_eq!(
        ui.harness.state().workspace().shared.recent_remotes,
        [target, format!("127.0.0.1:{port}")]
    );
}

#[test]
fn a_tcp_client_connects_from_the_local_port_set_in_the_window() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let local_port = common::free_port();
    let mut ui = Ui::english();
    ui.client_of(port);
    ui.set_number("Local port (0 = any)", f64::from(local_port));
    ui.harness.run_steps(2);
    ui.open();
    let (_device, peer) = server.accept().unwrap();
    assert_eq!(peer.port(), local_port);
    ui.wait_for_text(&format!("(127.0.0.1:{local_port})"));
}

#[test]
fn a_tcp_client_gives_up_after_the_connect_timeout_set_in_the_window() {
    let (addr, _keep) = common::unanswering_listener();
    let mut ui = Ui::english();
    ui.client_of(addr.port());
    assert_eq!(ui.harness.state().state().client.connect_timeout_ms, 5000);
    ui.set_number("Connect timeout (ms)", 300.0);
    ui.harness.run_steps(2);
    let started = Instant::now();
    ui.click("Open");
    ui.wait_for_text(&format!(
        "connecting to 127.0.0.1:{} timed out after 0.3 s",
        addr.port()
    ));
    // Gave up on the window's timeout, not the default 5 s.
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(ui.connection(), Connection::Closed);

    // Out of range is clamped to what a person may choose: at least 0.1 s.
    ui.set_number("Connect timeout (ms)", 5.0);
    ui.harness.run_steps(2);
    assert_eq!(ui.harness.state().state().client.connect_timeout_ms, 100);
}

#[test]
fn a_tcp_client_with_auto_reconnect_comes_back_after_the_server_drops_it() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let mut ui = Ui::english();
    ui.client_of(port);
    ui.click("Auto reconnect");
    ui.set_number("every (ms)", 200.0);
    ui.harness.run_steps(2);
    ui.open();
    let (first, _) = server.accept().unwrap();
    ui.wait_for_text(&format!("Connected to 127.0.0.1:{port}"));

    // The server drops the client: the window says so, waits, and connects again.
    drop(first);
    ui.wait_for_text("Closed: closed by peer");
    ui.step_until("a second connection", |h| {
        h.state()
            .state()
            .log
            .store()
            .entries()
            .iter()
            .filter(|e| {
                matches!(
                    &e.body,
                    netdebug::log::LogBody::Notice(netdebug::log::Notice::Connected { .. })
                )
            })
            .count()
            == 2
    });
    let (mut second, _) = server.accept().unwrap();
    ui.set_text("Send data", "back");
    ui.click("Send");
    assert_eq!(read_exactly(&mut second, 4), b"back");

    // Close by hand ends it: no more attempts.
    ui.click("Close");
    ui.wait_for_text("Closed: closed locally");
    server.set_nonblocking(true).unwrap();
    for _ in 0..10 {
        ui.harness.run_steps(2);
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(server.accept().is_err(), "no third connection after Close");
    assert_eq!(ui.connection(), Connection::Closed);
}

#[test]
fn auto_reconnect_to_a_device_that_stays_off_logs_the_failure_once() {
    // A port nobody listens on: every attempt is refused.
    let port = common::free_port();
    let mut ui = Ui::english();
    ui.client_of(port);
    ui.click("Auto reconnect");
    ui.set_number("every (ms)", 100.0);
    ui.harness.run_steps(2);
    ui.click("Open");
    ui.step_until("four refused attempts", |h| {
        matches!(
            h.state().state().connection,
            Connection::Reconnecting { failures: 4.., .. }
        )
    });
    let log = &ui.harness.state().state().log;
    let errors = log
        .store()
        .entries()
        .iter()
        .filter(|e| {
            matches!(
                &e.body,
                netdebug::log::LogBody::Notice(netdebug::log::Notice::Error(_))
            )
        })
        .count();
    assert_eq!(errors, 1, "one failure line for four failed attempts");
    assert!(ui.shows("failed in a row"));
    ui.click("Close");
    assert_eq!(ui.connection(), Connection::Closed);
}

#[test]
fn the_command_line_records_a_device_across_reconnects_into_a_file() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port().to_string();
    let path = std::env::temp_dir().join(format!("netdebug-record-{}.bin", std::process::id()));
    let saved = path.to_str().unwrap().to_owned();
    let mut ui = Ui::from_command_line(&[
        "--mode",
        "tcp-client",
        "--address",
        "127.0.0.1",
        "--port",
        &port,
        "--save",
        &saved,
        "--auto-reconnect-ms",
        "200",
        "--open",
    ]);
    // A device that says something, reboots (drops the connection) and says more.
    let (mut first, _) = server.accept().unwrap();
    first.write_all(b"boot 1\n").unwrap();
    ui.wait_for_text("boot 1");
    drop(first);
    ui.step_until("a second connection", |h| {
        matches!(
            h.state().state().connection,
            Connection::Connecting(_) | Connection::Connected { .. }
        ) && h.state().state().log.store().entries().len() > 4
    });
    let (mut second, _) = server.accept().unwrap();
    second.write_all(b"boot 2\n").unwrap();
    // On disk as it arrives, while the app still runs: no Stop, no quit.
    let start = Instant::now();
    while std::fs::read(&path).unwrap_or_default() != b"boot 1\nboot 2\n" {
        ui.harness.run_steps(1);
        assert!(start.elapsed() < WAIT, "the file never held both boots");
        std::thread::sleep(Duration::from_millis(10));
    }
    ui.click("Stop saving");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn udp_flow_receives_sends_to_target_and_replies_to_last_sender() {
    let mut ui = Ui::english();
    ui.choose("Protocol", "UDP");
    // The local address can be picked from this machine's addresses.
    ui.choose("Pick a local address", "::1");
    assert_eq!(ui.harness.state().state().address, "::1");
    ui.choose("Pick a local address", "127.0.0.1");
    assert_eq!(ui.harness.state().state().address, "127.0.0.1");
    ui.set_text("Local port", "0");
    ui.open();
    let local = ui.local_addr();
    ui.wait_for_text(&format!("UDP bound to {local}"));

    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(WAIT)).unwrap();
    peer.send_to(b"datagram one", local).unwrap();
    ui.wait_for_text("datagram one");
    ui.wait_for_text(&format!("RX ← {}", peer.local_addr().unwrap()));

    ui.set_text("Target", &peer.local_addr().unwrap().to_string());
    ui.set_text("Send data", "to target");
    ui.click("Send");
    let mut buf = [0u8; 64];
    let (n, from) = peer.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], from), (&b"to target"[..], local));

    let other = UdpSocket::bind("127.0.0.1:0").unwrap();
    other.set_read_timeout(Some(WAIT)).unwrap();
    other.send_to(b"from other", local).unwrap();
    ui.wait_for_text("from other");
    ui.click("Reply to last sender");
    ui.set_text("Send data", "reply");
    ui.click("Send");
    let (n, _) = other.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"reply");
}

#[test]
fn bad_input_gives_clear_messages_and_opens_or_sends_nothing() {
    let mut ui = Ui::english();
    ui.set_text("Send data", "hello");
    ui.click("Send");
    ui.wait_for_text("Not open: press Open first");

    let open_at = ui.harness.get_by_label("Open").rect();
    ui.set_text("Local port", "70000");
    ui.click("Open");
    ui.wait_for_text("Port '70000' is not valid: use 0-65535");
    assert_eq!(ui.connection(), Connection::Closed);
    // The message sits on a line kept for it: nothing under it moves.
    assert_eq!(ui.harness.get_by_label("Open").rect(), open_at);
    // Still wrong, it says so; right, it goes at once.
    ui.set_text("Local port", "-1");
    let port_error = |ui: &Ui| ui.harness.state().state().errors.port.clone();
    assert!(port_error(&ui).is_some_and(|error| error.get(Language::English).contains("'-1'")));
    ui.set_text("Local port", "9000");
    assert_eq!(port_error(&ui), None);
    assert_eq!(ui.harness.get_by_label("Open").rect(), open_at);

    ui.choose("Protocol", "TCP Client");
    ui.set_text("Remote port", "0");
    ui.set_text("Remote address", "300.1.1.1");
    ui.click("Open");
    ui.wait_for_text("Port '0' is not valid: use 1-65535");
    ui.wait_for_text("'300.1.1.1' is not an IP address or host name");
    assert_eq!(ui.connection(), Connection::Closed);

    // A refused connection is reported and the app goes on.
    let port = common::free_port();
    ui.set_text("Remote address", "127.0.0.1");
    ui.set_text("Remote port", &port.to_string());
    ui.click("Open");
    ui.wait_for_text("cannot connect to 127.0.0.1");
    ui.step_until("closed", |h| {
        h.state().state().connection == Connection::Closed
    });

    // A port in use is reported.
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    ui.choose("Protocol", "TCP Server");
    ui.set_text(
        "Local port",
        &taken.local_addr().unwrap().port().to_string(),
    );
    ui.click("Open");
    ui.wait_for_text("the port is already in use");

    // UDP: a group that is not a multicast address is refused before anything opens.
    ui.choose("Protocol", "UDP");
    ui.set_text("Local port", "0");
    ui.set_text("Multicast group", "10.0.0.1");
    // Folded away, the field comes back in sight with its message when Open refuses it.
    let section = ui
        .harness
        .query_all_by_role(Role::DisclosureTriangle)
        .find_map(|node| {
            let label = node.accesskit_node().label().unwrap_or_default();
            label.starts_with("More network settings").then_some(label)
        })
        .unwrap();
    ui.click(&section);
    assert!(ui.harness.query_by_label("Multicast group").is_none());
    ui.click("Open");
    ui.wait_for_text("Not a multicast address");
    assert_eq!(ui.connection(), Connection::Closed);
    assert!(ui.harness.query_by_label("Multicast group").is_some());
    ui.set_text("Multicast group", "");

    // UDP with a target that has no port sends nothing.
    ui.open();
    ui.set_text("Target", "127.0.0.1");
    ui.set_text("Send data", "x");
    ui.click("Send");
    ui.wait_for_text("needs a port");
    assert_eq!(ui.harness.state().state().traffic.tx.bytes, 0);
}

#[test]
fn the_chinese_window_explains_bad_input_in_chinese() {
    let mut ui = Ui::new(Language::Chinese);
    ui.set_text("本地端口", "70000");
    ui.click("打开");
    ui.wait_for_text("端口“70000”无效：应为 0–65535（0 表示任一空闲端口）");
    assert_eq!(ui.connection(), Connection::Closed);

    // The operating system's refusal, named in Chinese.
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    ui.set_text("本地端口", &port.to_string());
    ui.click("打开");
    ui.wait_for_text("端口已被占用");
    ui.step_until("closed", |h| {
        h.state().state().connection == Connection::Closed
    });

    // Bad hex: the position and the character, in Chinese, and nothing sent.
    drop(taken);
    ui.set_text("本地端口", "0");
    ui.click("打开");
    ui.step_until("the session to open", |h| {
        h.state().state().connection.local_addr().is_some()
    });
    let mut peer = TcpStream::connect(ui.local_addr()).unwrap();
    ui.step_until("the client to join", |h| {
        h.state().state().clients.len() == 1
    });
    ui.choose("发送方式", "十六进制");
    ui.set_text("发送数据", "41 4Z");
    ui.click("发送");
    ui.wait_for_text("第 5 个字符“Z”不是十六进制数字");
    assert_eq!(ui.harness.state().state().traffic.tx.bytes, 0);
    peer.set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut buf = [0u8; 4];
    assert!(peer.read(&mut buf).is_err(), "nothing reached the peer");
}

#[test]
fn text_is_made_larger_for_a_projector_and_smaller_again() {
    let mut ui = Ui::english();
    let zoom = |ui: &Ui| ui.harness.ctx.zoom_factor();
    assert!((zoom(&ui) - 1.0).abs() < 1e-6);
    ui.click("A+");
    ui.click("A+");
    ui.harness.run_steps(2);
    assert!((zoom(&ui) - 1.2).abs() < 1e-6, "{}", zoom(&ui));
    ui.click("A-");
    ui.harness.run_steps(2);
    assert!((zoom(&ui) - 1.1).abs() < 1e-6, "{}", zoom(&ui));
    // The keyboard does the same.
    ui.harness
        .key_press_modifiers(Modifiers::COMMAND, Key::Minus);
    ui.harness.run_steps(2);
    assert!((zoom(&ui) - 1.0).abs() < 1e-6, "{}", zoom(&ui));
}

#[test]
fn a_light_theme_for_a_projector_is_one_click_away_and_the_command_line_can_ask_for_it() {
    let mut ui = Ui::english();
    let theme = |ui: &Ui| ui.harness.ctx.theme();
    // Without a system theme to follow, egui falls back to dark.
    assert_eq!(theme(&ui), egui::Theme::Dark);
    ui.click("Light");
    ui.harness.run_steps(2);
    assert_eq!(theme(&ui), egui::Theme::Light);
    assert!(ui.harness.ctx.global_style().visuals.panel_fill.r() > 200);
    // The button names the other theme, as the language button names the other language.
    assert!(!ui.shows("Light"));
    ui.click("Dark");
    ui.harness.run_steps(2);
    assert_eq!(theme(&ui), egui::Theme::Dark);

    let mut ui = Ui::from_command_line(&["--theme", "light", "--lang", "zh"]);
    ui.harness.run_steps(2);
    assert_eq!(theme(&ui), egui::Theme::Light);
    ui.click("深色");
    ui.harness.run_steps(2);
    assert_eq!(theme(&ui), egui::Theme::Dark);
    assert!(ui.shows("浅色"));
}

#[test]
fn chinese_labels_render_with_the_bundled_font_and_switch_to_english() {
    let mut ui = Ui::new(Language::Chinese);
    ui.harness.run_steps(2);
    for label in [
        "网络设置",
        "接收设置",
        "发送设置",
        "打开",
        "发送",
        "协议类型",
        "本地端口",
    ] {
        assert!(
            ui.harness.query_by_label(label).is_some(),
            "missing {label}"
        );
    }
    ui.click("English");
    ui.wait_for_text("Network settings");
    assert!(ui.shows("Receive settings") && ui.harness.query_by_label("Open").is_some());
    ui.click("中文");
    ui.wait_for_text("网络设置");
}

/// Whether some row of the log whose text holds `text` is drawn where the log is: below its
/// title and within the window.
fn log_row_in_sight(ui: &Ui, text: &str) -> bool {
    let log_top = ui.harness.get_by_label("Data log").rect().bottom();
    let window = ui.harness.ctx.content_rect();
    ui.harness
        .query_all_by_label_contains(text)
        .any(|row| row.rect().top() >= log_top && window.contains_rect(row.rect()))
}

#[test]
fn a_log_following_its_end_shows_rows_when_it_loses_more_than_it_gains() {
    // A flood's frame: the budget drops more rows at the top than the measured newest add at
    // the end (the rest is skipped). The log, following its end, must show the new end at
    // once, not the offset of the frame before, past the rows that are left.
    let mut ui = Ui::english();
    let peer = SocketAddr::from(([127, 0, 0, 1], 9000));
    let time = chrono::NaiveTime::MIN;
    for n in 0..5_000 {
        let line = format!("old line {n:05}\n");
        ui.harness
            .state_mut()
            .state_mut()
            .log
            .received(peer, line.into(), time);
    }
    ui.harness.run_steps(3);
    assert!(log_row_in_sight(&ui, "old line 04999"), "the end followed");
    {
        let log = &mut ui.harness.state_mut().state_mut().log;
        log.store_mut().defer_measuring(true);
        for n in 0..400 {
            log.received(peer, format!("new line {n:05}\n").into(), time);
        }
        // Room for the new lines only: every old one goes.
        let half = log.store().used() / 2;
        log.store_mut().set_budget(half);
        log.store_mut().defer_measuring(false);
        log.store_mut().skip_pending(100);
        log.store_mut().measure_pending(None);
    }
    ui.harness.step();
    assert!(
        log_row_in_sight(&ui, "new line 00399"),
        "the frame after showed none of the new end"
    );
}

#[test]
fn the_log_limit_drops_old_entries_from_view_but_counts_every_byte() {
    let mut ui = Ui::english();
    ui.set_number("Log limit (MB)", 1.0);
    ui.harness.run_steps(2);
    assert_eq!(ui.harness.state().state().log.store().budget(), 1 << 20);
    ui.set_text("Local port", "0");
    ui.open();
    let mut device = TcpStream::connect(ui.local_addr()).unwrap();
    let chunk = vec![b'x'; 1000];
    for _ in 0..3000 {
        device.write_all(&chunk).unwrap();
    }
    ui.step_until("all 3 MB counted", |h| {
        h.state().state().traffic.rx.bytes == 3_000_000
    });
    ui.wait_for_text("older entries dropped from view to keep the log under 1 MB");
    let log = &ui.harness.state().state().log;
    assert!(log.store().used() <= 1 << 20);
    assert!(log.store().dropped() > 0);
}

#[test]
fn the_client_selector_finds_one_client_among_ten_thousand() {
    let mut state = SessionState::new(Language::English);
    state.clients = (0..10_000u16)
        .map(|i| SocketAddr::from(([10, 0, (i >> 8) as u8, (i & 0xFF) as u8], 40_000 + i)))
        .collect();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let handle = runtime.handle().clone();
    let mut harness = Harness::builder()
        .with_size([1100.0, 760.0])
        .build_eframe(move |cc| NetDebugApp::with_state(cc, handle, state));
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::ComboBox, "Send to")
        .click();
    harness.run_steps(2);
    // Only the rows in view are laid out, not ten thousand.
    let listed = harness
        .query_all_by_label_contains("10.0.")
        .filter(|node| node.value().is_none())
        .count();
    assert!(listed > 0 && listed < 100, "{listed} rows laid out");

    let wanted = "10.0.39.15:49999";
    assert!(harness.query_by_label(wanted).is_none(), "not in view yet");
    harness.get_by_label("Filter").focus();
    harness.run_steps(1);
    harness.get_by_label("Filter").type_text(":49999");
    harness.run_steps(2);
    harness.get_by_label(wanted).click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().state().target.server,
        netdebug::workspace::ServerTarget::One(wanted.parse().unwrap())
    );
}

/// A server on port 0 with one raw client connected; returns the client.
/// An English window connected as a TCP client to a listening socket of the test's: the
/// listener (for more connections), the accepted device end, and the port.
#[test]
fn auto_line_break_keeps_chinese_lines_within_the_log() {
    let (mut ui, _server, mut device, _) = client_of_a_device();
    // A Chinese character is drawn about twice as wide as a digit: counted as one, a row of
    // them ran past the log's right edge.
    let line = format!("历史数据 {}", "0123456789".repeat(30));
    device.write_all(line.as_bytes()).unwrap();
    ui.step_until("the line", |h| {
        h.state().state().traffic.rx.bytes == line.len() as u64
    });
    ui.harness.run_steps(2);
    // The log's rows are the labels that hold a piece of the line.
    let rows: Vec<_> = ui
        .harness
        .query_all_by_role(Role::Label)
        .filter_map(|row| Some((row.value()?, row.rect())))
        .filter(|(text, _)| text.len() >= 3 && line.contains(text.as_str()))
        .collect();
    assert!(rows.len() >= 3, "{rows:?}");
    assert_eq!(
        rows.iter()
            .map(|(text, _)| text.as_str())
            .collect::<String>(),
        line
    );
    let log_right = ui.harness.get_by_label("Clear").rect().right();
    for (text, rect) in &rows {
        assert!(
            rect.right() <= log_right,
            "{text:?} ends at {rect:?}, past {log_right}"
        );
    }
}

#[test]
fn a_raw_stream_line_that_came_in_several_reads_wraps_within_the_log() {
    let (mut ui, _server, mut device, _) = client_of_a_device();
    ui.click("Log mode (time, direction, peer)");
    // One line of 270 characters in three reads, each shorter than a row: the rows are cut
    // from the line's start, not from each read's.
    let piece = "0123456789".repeat(9);
    send_in_pieces(&mut ui, &mut device, &[&piece, &piece, &piece]);
    ui.harness.run_steps(2);
    let rows: Vec<_> = ui
        .harness
        .query_all_by_role(Role::Label)
        .filter_map(|row| Some((row.value()?, row.rect())))
        .filter(|(text, _)| text.len() >= 3 && text.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    assert!(rows.len() >= 3, "{rows:?}");
    let text: String = rows.iter().map(|(text, _)| text.as_str()).collect();
    assert_eq!(text, piece.repeat(3));
    let log_right = ui.harness.get_by_label("Clear").rect().right();
    for (text, rect) in &rows {
        assert!(
            rect.right() <= log_right,
            "{text:?} ends at {rect:?}, past {log_right}"
        );
    }
    // Every row but the last is as long as the first (the grid leaves three columns for a
    // tab at a row's end).
    let widths: Vec<usize> = rows.iter().map(|(text, _)| text.len()).collect();
    assert!(
        widths.iter().rev().skip(1).all(|&w| w == widths[0]),
        "{widths:?}"
    );
}

fn client_of_a_device() -> (Ui, TcpListener, TcpStream, u16) {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let mut ui = Ui::english();
    ui.client_of(port);
    ui.open();
    let (device, _) = server.accept().unwrap();
    (ui, server, device, port)
}

fn server_with_one_client(ui: &mut Ui) -> TcpStream {
    ui.set_text("Local port", "0");
    ui.open();
    let device = TcpStream::connect(ui.local_addr()).unwrap();
    ui.wait_for_text(&format!("Client joined: {}", device.local_addr().unwrap()));
    device
}

/// Sends a message as a serial-to-network module does: in pieces a few milliseconds apart,
/// each one read by the engine (and counted by the window) before the next goes.
fn send_in_pieces<P: AsRef<[u8]>>(ui: &mut Ui, device: &mut TcpStream, pieces: &[P]) {
    for piece in pieces {
        let piece = piece.as_ref();
        let before = ui.harness.state().state().traffic.rx.bytes;
        device.write_all(piece).unwrap();
        device.flush().unwrap();
        let after = before + piece.len() as u64;
        ui.step_until("the piece", |h| h.state().state().traffic.rx.bytes == after);
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The title the app gave the window in the last frame, if it gave one.
fn title_given(harness: &Harness<'static, NetDebugApp>) -> Option<String> {
    harness
        .output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)?
        .commands
        .iter()
        .find_map(|command| match command {
            egui::ViewportCommand::Title(title) => Some(title.clone()),
            _ => None,
        })
}

#[test]
fn the_window_title_says_what_the_session_is() {
    let mut ui = Ui::english();
    let title = |ui: &Ui| ui.harness.state().window_title().map(str::to_owned);
    assert_eq!(title(&ui).as_deref(), Some("NetDebug network assistant"));
    ui.set_text("Local port", "0");
    ui.open();
    let listening = format!("NetDebug network assistant — Listening {}", ui.local_addr());
    ui.step_until("the title to say so", |h| {
        h.state().window_title() == Some(listening.as_str())
    });
    // Given once, not every frame.
    ui.harness.run_steps(2);
    assert_eq!(title_given(&ui.harness), None);
    ui.click("Close");
    assert_eq!(title(&ui).as_deref(), Some("NetDebug network assistant"));
    ui.click("中文");
    assert_eq!(title(&ui).as_deref(), Some("NetDebug 网络调试助手"));
}

#[test]
fn a_server_that_stops_listening_keeps_its_clients_as_a_class_can_see() {
    let mut ui = Ui::english();
    let mut device = server_with_one_client(&mut ui);
    let addr = ui.local_addr();
    ui.click("Stop listening");
    ui.wait_for_text(
        "Stopped listening: new connections are refused; the 1 connected clients stay",
    );
    ui.wait_for_text("Not listening; clients stay");
    assert!(ui.harness.query_by_label("Stop listening").is_none());
    let refused = TcpStream::connect(addr).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);
    // The client connected before still talks both ways.
    ui.set_text("Send data", "still connected");
    ui.click("Send");
    assert_eq!(read_exactly(&mut device, 15), b"still connected");
    device.write_all(b"me too").unwrap();
    ui.step_until("the reply", |h| h.state().state().traffic.rx.bytes == 6);
    ui.click("Close");
    ui.wait_for_text("Closed");
}

#[test]
fn the_log_shows_only_the_selected_client_when_asked() {
    let mut ui = Ui::english();
    let mut first = server_with_one_client(&mut ui);
    let mut second = TcpStream::connect(ui.local_addr()).unwrap();
    let second_addr = second.local_addr().unwrap();
    ui.wait_for_text(&format!("Client joined: {second_addr}"));
    first.write_all(b"from the first").unwrap();
    second.write_all(b"from the second").unwrap();
    ui.step_until("both", |h| h.state().state().traffic.rx.bytes == 29);
    assert!(ui.shows("from the first") && ui.shows("from the second"));

    ui.harness
        .get_by_role_and_label(Role::ComboBox, "Send to")
        .click();
    ui.harness.run_steps(2);
    ui.click(&second_addr.to_string());
    ui.wait_for_combo("Send to", &second_addr.to_string());
    ui.harness.key_press(Key::Escape);
    ui.harness.run_steps(2);
    ui.click("Only this client in the log");
    ui.wait_for_text(&format!("· only {second_addr}"));
    assert!(
        !ui.shows("from the first"),
        "the other client's data is hidden"
    );
    assert!(ui.shows("from the second"));
    assert!(ui.shows(&format!("Client joined: {}", first.local_addr().unwrap())));
    // Counting goes on for everyone; what arrives from the other client stays hidden.
    first.write_all(b"more from the first").unwrap();
    ui.step_until("counted", |h| h.state().state().traffic.rx.bytes == 48);
    assert!(!ui.shows("more from the first"));

    ui.click("Only this client in the log");
    ui.wait_for_text("more from the first");
    assert!(!ui.shows("· only"));
}

#[test]
fn pieces_of_one_message_merge_into_one_entry() {
    let mut ui = Ui::english();
    let mut device = server_with_one_client(&mut ui);
    let peer = device.local_addr().unwrap();
    ui.set_number("Merge reads within (ms)", 500.0);
    ui.harness.run_steps(2);
    send_in_pieces(&mut ui, &mut device, &["tem", "p=2", "5\n"]);
    assert_eq!(ui.received_texts(), ["temp=25\n"]);
    ui.wait_for_text(&format!("RX ← {peer} (8 B)"));
    assert_eq!(
        ui.harness.state().state().traffic.rx.frames,
        3,
        "still three reads"
    );

    // Off again: each read is its own entry.
    ui.set_number("Merge reads within (ms)", 0.0);
    ui.harness.run_steps(2);
    send_in_pieces(&mut ui, &mut device, &["hum", "=61\n"]);
    assert_eq!(ui.received_texts(), ["temp=25\n", "hum", "=61\n"]);
}

#[test]
fn messages_split_at_a_delimiter_are_one_entry_each_however_tcp_cut_them() {
    let mut ui = Ui::english();
    let mut device = server_with_one_client(&mut ui);
    let peer = device.local_addr().unwrap();
    // Chosen, it splits at CRLF, the usual line end, until another delimiter is typed.
    ui.choose("Split messages", "At a delimiter");
    assert_eq!(
        ui.harness.get_by_label("Delimiter").value().as_deref(),
        Some(r"\r\n")
    );
    // A delimiter that cannot be read is explained beside the field and splits nothing; the
    // message moves none of the settings under it.
    // (Measured from the field: typing in it may scroll the column.)
    let merge_below = |ui: &Ui| {
        let field = ui.harness.get_by_label("Delimiter").rect();
        ui.harness
            .get_by_label("Merge reads within (ms)")
            .rect()
            .top()
            - field.bottom()
    };
    let gap = merge_below(&ui);
    ui.set_text("Delimiter", r"\xZ1");
    ui.wait_for_text("'\\x' at position 1 needs two hex digits");
    assert_eq!(ui.harness.state().state().log.framing(), None);
    assert!((merge_below(&ui) - gap).abs() < 0.5);

    ui.set_text("Delimiter", r"\r\n");
    assert!(!ui.shows("needs two hex digits"));
    // Merging by time gives way while splitting decides.
    assert!(
        ui.harness
            .get_by_label("Merge reads within (ms)")
            .accesskit_node()
            .is_disabled()
    );
    // Two messages in one read, one in three reads with its CRLF cut in two.
    send_in_pieces(
        &mut ui,
        &mut device,
        &["temp=25\r\nhu", "m=6", "1\r", "\nok\r\n"],
    );
    assert_eq!(ui.received_texts(), ["temp=25\n", "hum=61\n", "ok\n"]);
    ui.wait_for_text(&format!("RX ← {peer} (9 B)"));
    ui.wait_for_text(&format!("RX ← {peer} (8 B)"));
    assert_eq!(
        ui.harness.state().state().traffic.rx.frames,
        4,
        "still four reads"
    );

    // Off: each read is its own entry again.
    ui.choose("Split messages", "Off");
    assert!(
        !ui.harness
            .get_by_label("Merge reads within (ms)")
            .accesskit_node()
            .is_disabled()
    );
    send_in_pieces(&mut ui, &mut device, &["a\nb", "c\n"]);
    assert_eq!(ui.received_texts()[3..], ["a\nb", "c\n"]);
}

/// Sets the length field's place, width (as the menu names it) and adjustment.
fn set_length_field(ui: &mut Ui, offset: u8, width: &str, adjust: i8) {
    ui.set_number("Length at byte", f64::from(offset));
    ui.choose("Length field", width);
    ui.set_number("Length adjustment", f64::from(adjust));
}

#[test]
fn binary_frames_are_cut_by_their_length_field_or_size_and_checked_whole() {
    let mut ui = Ui::english();
    let mut device = server_with_one_client(&mut ui);
    let peer = device.local_addr().unwrap();
    // Modbus TCP, the default: the MBAP header's length at byte 4 counts what follows it.
    ui.choose("Split messages", "By length field");
    ui.wait_for_text("A message is 6 + the value +0 bytes");
    let response = |value: u8| [0, 7, 0, 0, 0, 5, 1, 3, 2, 0, value];
    let (first, second) = (response(25), response(26));
    // Two responses in three reads, the second's header cut in two.
    send_in_pieces(
        &mut ui,
        &mut device,
        &[
            &[&first[..], &second[..3]].concat()[..],
            &second[3..10],
            &second[10..],
        ],
    );
    assert_eq!(ui.received_bytes(), [first.to_vec(), second.to_vec()]);
    ui.wait_for_text(&format!("RX ← {peer} (11 B)"));

    // AA 55, a one-byte count of the data, the data and a CRC16/MODBUS it does not count.
    set_length_field(&mut ui, 2, "u8", 2);
    ui.wait_for_text("A message is 3 + the value +2 bytes");
    ui.choose("Check received", "CRC16/MODBUS");
    let frame = |data: &[u8], wrong: bool| {
        let mut frame = vec![0xaa, 0x55, u8::try_from(data.len()).unwrap()];
        frame.extend_from_slice(data);
        let mut crc = Checksum::Crc16Modbus.digest(&frame).as_bytes().to_vec();
        crc[0] ^= u8::from(wrong);
        frame.extend_from_slice(&crc);
        frame
    };
    let stream = [
        frame(b"temp=25", false),
        frame(b"hum", true),
        frame(b"", false),
    ]
    .concat();
    // Cut where TCP likes: inside a header, inside a checksum.
    send_in_pieces(
        &mut ui,
        &mut device,
        &[&stream[..4], &stream[4..11], &stream[11..]],
    );
    ui.wait_for_text("(12 B) · CRC16/MODBUS OK");
    ui.wait_for_text("(8 B) · CRC16/MODBUS wrong");
    ui.wait_for_text("(5 B) · CRC16/MODBUS OK");
    ui.wait_for_text("CRC16/MODBUS: 2 OK, 1 wrong");
    ui.choose("Check received", "—");

    // Fixed size: every four bytes, the rest waiting for more.
    ui.choose("Split messages", "Fixed size");
    ui.set_number("Bytes per message", 4.0);
    ui.harness.run_steps(2);
    let before = ui.received().len();
    send_in_pieces(&mut ui, &mut device, &["abcde", "fghij"]);
    assert_eq!(ui.received_texts()[before..], ["abcd", "efgh", "ij"]);
    send_in_pieces(&mut ui, &mut device, &["kl"]);
    assert_eq!(ui.received_texts()[before..], ["abcd", "efgh", "ijkl"]);
}

#[test]
fn a_frame_start_finds_the_frames_again_after_noise_and_a_corrupted_length() {
    let mut ui = Ui::english();
    let mut device = server_with_one_client(&mut ui);
    // AA 55, a one-byte count of the data, the data and a SUM8 it does not count.
    ui.choose("Split messages", "By length field");
    set_length_field(&mut ui, 2, "u8", 1);
    ui.choose("Check received", "SUM8");
    ui.set_text("Frame start (hex)", "AA 5G");
    ui.wait_for_text("Invalid hex character 'G' at position 5");
    ui.set_text("Frame start (hex)", "AA 55");
    assert!(!ui.shows("Invalid hex character"));
    let frame = |data: &[u8]| {
        let mut frame = vec![0xaa, 0x55, u8::try_from(data.len()).unwrap()];
        frame.extend_from_slice(data);
        frame.push(frame.iter().fold(0u8, |sum, b| sum.wrapping_add(*b)));
        frame
    };
    // Line noise, a frame, a frame whose count was corrupted from 2 to 6 (it takes the
    // next frame's first four bytes), then two more frames: without the frame start every
    // frame after the corrupted one would be cut in the wrong place.
    let mut corrupted = frame(b"25");
    corrupted[2] = 6;
    let stream = [
        vec![0x00, 0x13],
        frame(b"24"),
        corrupted,
        frame(b"26"),
        frame(b"27"),
        frame(b"28"),
    ]
    .concat();
    send_in_pieces(
        &mut ui,
        &mut device,
        &[&stream[..9], &stream[9..20], &stream[20..]],
    );
    assert_eq!(
        ui.received_bytes(),
        [
            vec![0x00, 0x13],
            frame(b"24"),
            [&stream[8..14], &frame(b"26")[..4]].concat(),
            frame(b"26")[4..].to_vec(),
            frame(b"27"),
            frame(b"28"),
        ]
    );
    let marked: Vec<bool> = ui
        .received()
        .iter()
        .map(|entry| entry.misses_frame_start)
        .collect();
    assert_eq!(marked, [true, false, false, true, false, false]);
    ui.wait_for_text("(2 B) · no frame start");
    // The corrupted frame is cut by its own count, and its checksum then is wrong.
    ui.wait_for_text("(10 B) · SUM8 wrong");
    ui.wait_for_text("SUM8: 3 OK, 1 wrong");
}

#[test]
fn each_clients_messages_stay_whole_when_clients_send_in_turn() {
    let mut ui = Ui::english();
    let mut first = server_with_one_client(&mut ui);
    let mut second = TcpStream::connect(ui.local_addr()).unwrap();
    ui.wait_for_text(&format!("Client joined: {}", second.local_addr().unwrap()));
    ui.choose("Split messages", "At a delimiter");
    // Two serial-to-network modules each send a line in pieces, the pieces taking turns.
    send_in_pieces(&mut ui, &mut first, &["temp="]);
    send_in_pieces(&mut ui, &mut second, &["hum=6"]);
    send_in_pieces(&mut ui, &mut first, &["25\r\n"]);
    send_in_pieces(&mut ui, &mut second, &["1\r\n"]);
    assert_eq!(ui.received_texts(), ["temp=25\n", "hum=61\n"]);
    ui.wait_for_text(&format!("RX ← {} (9 B)", first.local_addr().unwrap()));
    ui.wait_for_text(&format!("RX ← {} (8 B)", second.local_addr().unwrap()));
}

#[test]
fn received_checksums_are_checked_and_counted() {
    let (mut ui, _server, mut device, _) = client_of_a_device();
    ui.choose("Check received", "CRC16/MODBUS");
    // A Modbus RTU answer with the right CRC, then one with a wrong CRC.
    let frames: [&[u8]; 2] = [
        &[0x01, 0x03, 0x02, 0x00, 0x2A, 0x39, 0x9B],
        &[0x01, 0x03, 0x02, 0x00, 0x2B, 0x39, 0x9B],
    ];
    for frame in frames {
        let before = ui.harness.state().state().traffic.rx.bytes;
        device.write_all(frame).unwrap();
        ui.step_until("the frame", |h| {
            h.state().state().traffic.rx.bytes == before + 7
        });
    }
    ui.wait_for_text("(7 B) · CRC16/MODBUS OK");
    ui.wait_for_text("(7 B) · CRC16/MODBUS wrong, expected F8 5B");
    ui.wait_for_text("CRC16/MODBUS: 1 OK, 1 wrong");
    ui.click("Reset counters");
    ui.wait_for_text("CRC16/MODBUS: 0 OK, 0 wrong");
    // Paused, the frames are not shown but still checked and counted, as bytes are.
    ui.click("Pause display");
    let shown = ui.received().len();
    for frame in frames {
        let before = ui.harness.state().state().traffic.rx.bytes;
        device.write_all(frame).unwrap();
        ui.step_until("the frame", |h| {
            h.state().state().traffic.rx.bytes == before + 7
        });
    }
    ui.wait_for_text("CRC16/MODBUS: 1 OK, 1 wrong");
    assert_eq!(ui.received().len(), shown, "nothing more shown");
    ui.click("Pause display");
    // Off: no marks, no count.
    ui.choose("Check received", "—");
    ui.harness.run_steps(2);
    assert!(!ui.shows("CRC16/MODBUS"));
}

#[test]
fn switching_the_send_box_to_hex_and_back_keeps_its_bytes() {
    let (mut ui, _server, mut device, _) = client_of_a_device();
    let send_box = |ui: &Ui| ui.harness.get_by_label("Send data").value().unwrap();
    ui.set_text("Send data", "温度=25");
    ui.choose("Send as", "Hex");
    assert_eq!(send_box(&ui), "E6 B8 A9 E5 BA A6 3D 32 35");
    ui.click("Send");
    assert_eq!(read_exactly(&mut device, 9), "温度=25".as_bytes());
    ui.choose("Send as", "Text");
    assert_eq!(send_box(&ui), "温度=25");
    // Text the encoding cannot represent is kept as typed, and the status bar says why.
    ui.choose("Encode as", "GBK");
    ui.set_text("Send data", "Erdő");
    ui.choose("Send as", "Hex");
    assert_eq!(send_box(&ui), "Erdő");
    ui.wait_for_text("The send box was kept as it was");
}

#[test]
fn send_options_escapes_line_ending_checksum_and_ctrl_enter() {
    let mut ui = Ui::english();
    let mut device = server_with_one_client(&mut ui);

    // Escapes in text mode, then CRLF appended; sent with Ctrl+Enter.
    ui.click("Escape sequences");
    ui.choose("Append", "CRLF");
    ui.set_text("Send data", r"AT\x2BGMR");
    ui.harness
        .key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    ui.harness.run_steps(2);
    assert_eq!(read_exactly(&mut device, 8), b"AT+GMR\r\n");

    // A bad escape is refused and nothing goes out.
    ui.set_text("Send data", r"oops\xZ1");
    ui.click("Send");
    ui.wait_for_text("'\\x' at position 5 needs two hex digits");
    assert_nothing_arrives(&mut device);

    // Hex with a Modbus CRC, no line ending: the standard read-register request.
    ui.choose("Append", "—");
    ui.choose("Send as", "Hex");
    ui.choose("Checksum", "CRC16/MODBUS");
    ui.set_text("Send data", "01 03 00 00 00 01");
    ui.click("Send");
    assert_eq!(
        read_exactly(&mut device, 8),
        [0x01, 0x03, 0x00, 0x00, 0x00, 0x01, 0x84, 0x0A]
    );
    ui.wait_for_text("TX: 16 B / 2 frames");
}

#[test]
fn a_checksum_can_leave_out_a_header_and_come_before_an_end_mark() {
    let mut ui = Ui::tall();
    let mut device = server_with_one_client(&mut ui);
    // Sent: SUM8 of what follows AA 55, put before the ETX that ends the frame.
    ui.choose("Send as", "Hex");
    ui.choose("Checksum", "SUM8");
    ui.set_number("Checksum from byte", 2.0);
    ui.set_number("Bytes after checksum", 1.0);
    ui.wait_for_text("Frame: 2 B + covered + SUM8 + 1 B");
    ui.set_text("Send data", "AA 55 02 10 20 03");
    ui.wait_for_text("→ 7 B: AA 55 02 10 20 32 03");
    ui.click("Send");
    assert_eq!(
        read_exactly(&mut device, 7),
        [0xAA, 0x55, 0x02, 0x10, 0x20, 0x32, 0x03]
    );
    // A frame with nothing between header and end mark: explained, nothing sent.
    ui.set_text("Send data", "AA 55 03");
    ui.click("Send");
    ui.wait_for_text("but the payload has only 3 bytes");
    assert_nothing_arrives(&mut device);

    // Received: the same span finds the device's checksums where they sit.
    ui.choose("Check received", "SUM8");
    ui.set_number("Check from byte", 2.0);
    ui.set_number("Bytes after check", 1.0);
    let frames: [&[u8]; 2] = [
        &[0xAA, 0x55, 0x02, 0x10, 0x20, 0x32, 0x03],
        &[0xAA, 0x55, 0x01, 0x07, 0x09, 0x03],
    ];
    for frame in frames {
        let before = ui.harness.state().state().traffic.rx.bytes;
        device.write_all(frame).unwrap();
        let after = before + frame.len() as u64;
        ui.step_until("the frame", |h| h.state().state().traffic.rx.bytes == after);
    }
    // (The first answer also says how long after the send it came.)
    ui.wait_for_text("after the send · SUM8 OK");
    ui.wait_for_text("(6 B) · SUM8 wrong, expected 08");
    ui.wait_for_text("SUM8: 1 OK, 1 wrong");
    // Back to the whole payload: the same frames no longer end with their sum.
    ui.set_number("Check from byte", 0.0);
    ui.set_number("Bytes after check", 0.0);
    ui.wait_for_text("SUM8: 0 OK, 2 wrong");
}

#[test]
fn clear_after_send_empties_the_send_box_only_when_the_bytes_went() {
    let mut ui = Ui::tall();
    let mut device = server_with_one_client(&mut ui);
    ui.click("Clear after send");
    ui.set_text("Send data", "AT+GMR");
    ui.click("Send");
    assert_eq!(read_exactly(&mut device, 6), b"AT+GMR");
    assert_eq!(ui.harness.state().state().send.text, "");
    // The last send is still in the history, to recall.
    assert_eq!(
        ui.harness.state().workspace().shared.history[0].text,
        "AT+GMR"
    );

    // A refused send keeps the typing to fix.
    ui.choose("Send as", "Hex");
    ui.set_text("Send data", "41 4Z");
    ui.click("Send");
    ui.wait_for_text("Invalid hex character 'Z' at position 5");
    assert_eq!(ui.harness.state().state().send.text, "41 4Z");
    assert_nothing_arrives(&mut device);

    // Clear input (清除输入) empties it by hand, and the refusal goes with it.
    ui.click("Clear input");
    assert_eq!(ui.harness.state().state().send.text, "");
    assert!(!ui.shows("Invalid hex character"));
}

#[test]
fn the_bytes_send_would_put_on_the_wire_are_shown_as_you_type() {
    let mut ui = Ui::tall();
    assert!(!ui.shows("→ "), "nothing to preview in an empty send box");
    ui.set_text("Send data", "AT");
    ui.choose("Append", "CRLF");
    ui.wait_for_text("→ 4 B: 41 54 0D 0A");
    ui.choose("Send as", "Hex");
    ui.choose("Append", "—");
    ui.choose("Checksum", "CRC16/MODBUS");
    ui.set_text("Send data", "01 03 00 00 00 01");
    ui.wait_for_text("→ 8 B: 01 03 00 00 00 01 84 0A");
    ui.set_text("Send data", "01 0G");
    ui.wait_for_text("Invalid hex character 'G' at position 5");
    // Long payloads show their first 16 bytes.
    ui.choose("Checksum", "—");
    ui.set_text("Send data", &"AB ".repeat(40));
    ui.wait_for_text(&format!("→ 40 B: {} …", ["AB"; 16].join(" ")));
}

#[test]
fn receive_options_log_mode_pause_and_hide_keep_counting() {
    let mut ui = Ui::english();
    let mut device = server_with_one_client(&mut ui);
    let peer = device.local_addr().unwrap();

    // Log mode off: the raw stream, without header lines; two reads continue one line.
    ui.click("Log mode (time, direction, peer)");
    device.write_all(b"raw-").unwrap();
    ui.step_until("the first read", |h| {
        h.state().state().traffic.rx.frames == 1
    });
    device.write_all(b"one").unwrap();
    ui.step_until("the second read", |h| {
        h.state().state().traffic.rx.frames == 2
    });
    ui.harness.run_steps(2);
    assert!(
        ui.harness.query_by_label("raw-one").is_some(),
        "one row, joined"
    );
    assert!(!ui.shows(&format!("RX ← {peer}")), "no header in raw mode");
    ui.click("Log mode (time, direction, peer)");
    ui.wait_for_text(&format!("RX ← {peer}"));

    // Paused: counted, not shown; resumed: shown again.
    ui.click("Pause display");
    device.write_all(b"while-paused").unwrap();
    ui.step_until("counted", |h| h.state().state().traffic.rx.bytes == 19);
    ui.harness.run_steps(2);
    assert!(!ui.shows("while-paused"));
    ui.wait_for_text("12 B not shown (counted and saved)");
    ui.click("Pause display");

    // Hidden received data: counted, not shown.
    ui.click("Hide received data");
    device.write_all(b"hidden-rx").unwrap();
    ui.step_until("counted", |h| h.state().state().traffic.rx.bytes == 28);
    ui.harness.run_steps(2);
    assert!(!ui.shows("hidden-rx"));
    ui.click("Hide received data");
    device.write_all(b"visible-again").unwrap();
    ui.wait_for_text("visible-again");
    ui.wait_for_text("RX: 41 B / 5 frames");

    ui.click("Reset counters");
    ui.wait_for_text("RX: 0 B / 0 frames");

    ui.click("Clear");
    ui.step_until("the log empty", |h| {
        h.state().state().log.store().entries().is_empty()
    });
    assert!(!ui.shows("visible-again"));
}

#[test]
fn cycle_send_file_send_and_save_to_file_through_the_window() {
    let mut ui = Ui::english();
    let mut device = server_with_one_client(&mut ui);

    // Cycle send every 5 ms, stopped from the same checkbox.
    ui.set_number("Period (ms)", 5.0);
    ui.set_text("Send data", "beat;");
    ui.click("Cycle send");
    assert_eq!(read_exactly(&mut device, 15), b"beat;beat;beat;");
    ui.click("Cycle send");
    ui.wait_for_text("Cycle send stopped after");
    // A send already queued when the cycle stopped still goes out; wait for the count to settle.
    let mut sends = ui.harness.state().state().traffic.tx.frames;
    loop {
        std::thread::sleep(Duration::from_millis(100));
        ui.harness.run_steps(2);
        let now = ui.harness.state().state().traffic.tx.frames;
        if now == sends {
            break;
        }
        sends = now;
    }
    assert!(sends >= 3);

    // Send a file; the dialog only supplies the path, so the test supplies it directly.
    let drained = {
        let mut rest = vec![0u8; usize::try_from(sends - 3).unwrap() * 5];
        device.read_exact(&mut rest).unwrap();
        rest
    };
    assert!(drained.chunks(5).all(|c| c == b"beat;"));
    let contents: Vec<u8> = (0..200_000u32).map(|i| (i % 241) as u8).collect();
    let path = std::env::temp_dir().join(format!("netdebug-ui-{}.bin", std::process::id()));
    std::fs::write(&path, &contents).unwrap();
    ui.harness
        .state_mut()
        .perform(netdebug::ui::Action::SendFile(path.clone()));
    assert_eq!(read_exactly(&mut device, contents.len()), contents);
    ui.wait_for_text(&format!("File sent: {}", path.display()));

    // The same file again in 50,000-byte packets, 5 ms apart: four writes, each in the log.
    ui.set_number("File packet size (0 = auto)", 50_000.0);
    ui.set_number("File packet interval (ms)", 5.0);
    ui.harness.run_steps(2);
    let peer = device.local_addr().unwrap();
    let before = ui.harness.state().state().traffic.tx.frames;
    ui.harness
        .state_mut()
        .perform(netdebug::ui::Action::SendFile(path.clone()));
    assert_eq!(read_exactly(&mut device, contents.len()), contents);
    ui.step_until("four packets", |h| {
        h.state().state().traffic.tx.frames == before + 4
    });
    let sent: Vec<_> = ui
        .harness
        .state()
        .state()
        .log
        .store()
        .entries()
        .iter()
        .filter_map(|entry| match &entry.body {
            netdebug::log::LogBody::Data {
                direction: netdebug::log::Direction::Tx,
                peer: to,
                bytes,
                ..
            } if *to == peer => Some(bytes.len()),
            _ => None,
        })
        .collect();
    assert_eq!(sent[sent.len() - 4..], [50_000; 4]);
    std::fs::remove_file(&path).unwrap();

    // Save received data to a file while the display is hidden: every byte lands in it.
    let saved = std::env::temp_dir().join(format!("netdebug-ui-save-{}.bin", std::process::id()));
    ui.harness
        .state_mut()
        .perform(netdebug::ui::Action::StartCapture(saved.clone()));
    ui.wait_for_text(&format!("Saving to {}", saved.display()));
    ui.click("Hide received data");
    let payload: Vec<u8> = (0..500_000u32).map(|i| (i % 239) as u8).collect();
    device.write_all(&payload).unwrap();
    ui.step_until("all counted", |h| {
        h.state().state().traffic.rx.bytes == payload.len() as u64
    });
    ui.wait_for_text(&format!("{} B", payload.len()));
    ui.click("Stop saving");
    // The writer finishes on its own thread; wait for the file to be complete.
    let start = Instant::now();
    while std::fs::metadata(&saved).map_or(0, |m| m.len()) < payload.len() as u64 {
        assert!(start.elapsed() < WAIT, "the file never got every byte");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(std::fs::read(&saved).unwrap() == payload);
    std::fs::remove_file(&saved).unwrap();
}

#[test]
fn save_log_writes_what_the_window_shows_and_explains_a_bad_path() {
    let mut ui = Ui::english();
    let mut device = server_with_one_client(&mut ui);
    let peer = device.local_addr().unwrap();
    device.write_all("温度=25.3\n".as_bytes()).unwrap();
    ui.wait_for_text("温度=25.3");
    ui.set_text("Send data", "READ");
    ui.click("Send");
    assert_eq!(read_exactly(&mut device, 4), b"READ");
    ui.wait_for_text(&format!("TX → {peer} (4 B)"));
    assert!(ui.shows("Save log…"), "the button sits beside Clear");

    // The dialog only supplies the path, so the test supplies it directly.
    let path = std::env::temp_dir().join(format!("netdebug-ui-log-{}.txt", std::process::id()));
    ui.harness
        .state_mut()
        .perform(netdebug::ui::Action::SaveLog(path.clone()));
    ui.wait_for_text(&format!("Log saved to {}", path.display()));
    let saved = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let lines: Vec<&str> = saved.lines().collect();
    let local = ui.local_addr();
    // The day's date first: the times that follow are times of day.
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    assert!(lines[0].ends_with(&format!("● Date: {today}")), "{saved}");
    assert!(
        lines[1].ends_with(&format!("● Listening on {local}")),
        "{saved}"
    );
    assert!(
        lines[2].ends_with(&format!("● Client joined: {peer}")),
        "{saved}"
    );
    assert!(
        lines[3].ends_with(&format!("RX ← {peer} (12 B)")),
        "{saved}"
    );
    assert_eq!(lines[4], "温度=25.3");
    assert!(lines[5].ends_with(&format!("TX → {peer} (4 B)")), "{saved}");
    assert_eq!(lines[6], "READ");
    assert_eq!(lines.len(), 7);

    // Named .csv: a table for a spreadsheet, one row per entry, UTF-8 with a byte order mark.
    let path = path.with_extension("csv");
    ui.harness
        .state_mut()
        .perform(netdebug::ui::Action::SaveLog(path.clone()));
    ui.wait_for_text(&format!("Log saved to {}", path.display()));
    let saved = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let table = saved.strip_prefix('\u{FEFF}').expect("a byte order mark");
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(table.as_bytes())
        .records()
        .map(|row| row.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 5, "{saved}");
    assert_eq!(rows[0][1..5], ["event", "", "", &format!("Date: {today}")]);
    assert_eq!(
        rows[1][1..5],
        ["event", "", "", &format!("Listening on {local}")]
    );
    assert_eq!(
        rows[3][1..7],
        [
            "RX",
            &peer.to_string(),
            "12",
            "温度=25.3",
            "E6 B8 A9 E5 BA A6 3D 32 35 2E 33 0A",
            ""
        ]
    );
    assert_eq!(
        rows[4][1..6],
        ["TX", &peer.to_string(), "4", "READ", "52 45 41 44"]
    );

    // Named .pcap: the conversation as the packets that carried it, for Wireshark.
    let path = path.with_extension("pcap");
    ui.harness
        .state_mut()
        .perform(netdebug::ui::Action::SaveLog(path.clone()));
    ui.wait_for_text(&format!("Log saved to {}", path.display()));
    let capture = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let packets = common::pcap::tcp_segments(&capture);
    let (syn, data) = packets.split_at(3);
    assert_eq!(
        syn.iter()
            .map(|p| (p.from, p.flags.as_str()))
            .collect::<Vec<_>>(),
        [(peer, "SYN"), (local, "SYN ACK"), (peer, "ACK")],
        "the device connected to the server"
    );
    assert_eq!(data.len(), 2);
    assert_eq!((data[0].from, data[0].to), (peer, local));
    assert_eq!(data[0].payload, "温度=25.3\n".as_bytes());
    assert_eq!((data[1].from, data[1].to), (local, peer));
    assert_eq!(data[1].payload, b"READ");
    // Sequence numbers run on from the handshake, as Wireshark's stream follows them.
    assert_eq!(data[0].seq, syn[0].seq.wrapping_add(1));
    assert_eq!(data[1].seq, syn[1].seq.wrapping_add(1));
    assert_eq!(data[1].ack, data[0].seq.wrapping_add(12));

    let nowhere = std::env::temp_dir()
        .join("netdebug-no-such-dir")
        .join("log.txt");
    ui.harness
        .state_mut()
        .perform(netdebug::ui::Action::SaveLog(nowhere.clone()));
    ui.wait_for_text(&format!("Cannot create {}", nowhere.display()));
    assert!(!nowhere.exists());
}

#[test]
fn auto_reply_echoes_and_answers_by_rule_from_the_window() {
    let mut ui = Ui::tall();
    let mut device = server_with_one_client(&mut ui);
    let peer = device.local_addr().unwrap();

    ui.click("Echo received data");
    // The editor says how it reads what is typed: as the send box does.
    assert!(ui.shows("Read as the send settings say: Text · UTF-8"));
    device.write_all(b"hello").unwrap();
    assert_eq!(read_exactly(&mut device, 5), b"hello");
    // Marked as auto reply's, so nobody takes it for a send of their own.
    ui.wait_for_text(&format!("TX → {peer} (5 B) · auto reply"));
    // A slow device: the echo leaves only after the delay set in the window.
    ui.set_number("Reply after (ms)", 300.0);
    ui.harness.run_steps(2);
    let asked = Instant::now();
    device.write_all(b"slow").unwrap();
    let mut echoed = [0; 4];
    // The window must keep drawing meanwhile, as it would; the echo comes from the engine.
    let reader = std::thread::spawn(move || {
        device.read_exact(&mut echoed).unwrap();
        (device, echoed, asked.elapsed())
    });
    ui.step_until("the slow echo", |h| h.state().state().traffic.tx.bytes == 9);
    let (returned, echoed, after) = reader.join().unwrap();
    let mut device = returned;
    assert_eq!(&echoed, b"slow");
    assert!(
        after >= Duration::from_millis(300),
        "echoed after {after:?}"
    );
    ui.set_number("Reply after (ms)", 0.0);
    ui.harness.run_steps(2);
    ui.click("Echo received data");

    // Typed as text, then Send as switched to hex: the rule's fields turn into the same bytes,
    // as the send box does, and the rule made of them answers as the text one would.
    ui.set_text("When received contains", "PING");
    ui.set_text("reply with", "PONG");
    ui.choose("Send as", "Hex");
    let field = |ui: &Ui, label| ui.harness.get_by_label(label).value().unwrap();
    assert_eq!(field(&ui, "When received contains"), "50 49 4E 47");
    assert_eq!(field(&ui, "reply with"), "50 4F 4E 47");
    ui.click("Add rule");
    device.write_all(b"PING").unwrap();
    assert_eq!(read_exactly(&mut device, 4), b"PONG");
    ui.click("Delete");

    // A hex rule read with the send settings: the reply gets the CRC16/MODBUS checksum.
    ui.choose("Checksum", "CRC16/MODBUS");
    ui.set_text("When received contains", "01 03");
    ui.set_text("reply with", "01 03 02 00 2A");
    ui.click("Add rule");
    ui.wait_for_text("01 03 → 01 03 02 00 2A");
    device
        .write_all(&[0x01, 0x03, 0x00, 0x00, 0x00, 0x01, 0x84, 0x0A])
        .unwrap();
    assert_eq!(
        read_exactly(&mut device, 7),
        [0x01, 0x03, 0x02, 0x00, 0x2A, 0x39, 0x9B]
    );

    // Something else gets no answer; a disabled rule answers nothing.
    device.write_all(b"other").unwrap();
    assert_nothing_arrives(&mut device);
    ui.click("01 03 → 01 03 02 00 2A");
    device.write_all(&[0x01, 0x03]).unwrap();
    assert_nothing_arrives(&mut device);

    // A rule that cannot be read is explained and not added.
    ui.set_text("When received contains", "0G");
    ui.set_text("reply with", "00");
    ui.click("Add rule");
    ui.wait_for_text("Invalid hex character 'G' at position 2");
    assert_eq!(ui.harness.state().state().auto_reply.rules.len(), 1);

    ui.click("Delete");
    assert!(ui.harness.state().state().auto_reply.rules.is_empty());
}

#[test]
fn a_log_entry_is_copied_or_sent_again_from_its_menu() {
    let mut ui = Ui::english();
    let mut device = server_with_one_client(&mut ui);
    let peer = device.local_addr().unwrap();
    let frame = "温度=25.3\n".as_bytes();
    device.write_all(frame).unwrap();
    let header = format!("RX ← {peer} (12 B)");
    ui.wait_for_text(&header);

    let copied = |ui: &mut Ui, item: &str| -> Option<String> {
        ui.harness
            .query_all_by_label_contains(&header)
            .next()
            .unwrap()
            .click_secondary();
        ui.harness.run_steps(2);
        ui.harness.get_by_label(item).click();
        ui.harness.run_steps(1);
        ui.harness
            .output()
            .platform_output
            .commands
            .iter()
            .find_map(|command| match command {
                egui::OutputCommand::CopyText(text) => Some(text.clone()),
                _ => None,
            })
    };
    assert_eq!(
        copied(&mut ui, "Copy as text").as_deref(),
        Some("温度=25.3\n")
    );
    assert_eq!(
        copied(&mut ui, "Copy as hex").as_deref(),
        Some("E6 B8 A9 E5 BA A6 3D 32 35 2E 33 0A")
    );
    // For the test script or the firmware that sends the same bytes.
    assert_eq!(
        copied(&mut ui, "Copy as Python bytes").as_deref(),
        Some(r"b'\xe6\xb8\xa9\xe5\xba\xa6=25.3\n'")
    );
    assert_eq!(
        copied(&mut ui, "Copy as C array").as_deref(),
        Some("{0xE6, 0xB8, 0xA9, 0xE5, 0xBA, 0xA6, 0x3D, 0x32, 0x35, 0x2E, 0x33, 0x0A}")
    );

    // Back to the device, byte for byte.
    assert_eq!(copied(&mut ui, "Put in the send box (hex)"), None);
    ui.harness.run_steps(1);
    assert_eq!(
        ui.harness.state().state().send.text,
        "E6 B8 A9 E5 BA A6 3D 32 35 2E 33 0A"
    );
    ui.wait_for_combo("Send as", "Hex");
    ui.click("Send");
    assert_eq!(read_exactly(&mut device, frame.len()), frame);

    // Or straight back to that peer, in one click, as often as wanted.
    for _ in 0..2 {
        assert_eq!(copied(&mut ui, &format!("Send again to {peer}")), None);
        assert_eq!(read_exactly(&mut device, frame.len()), frame);
    }
    // Not once it has left: said so, nothing sent.
    drop(device);
    ui.wait_for_text(&format!("Client left: {peer}"));
    assert_eq!(copied(&mut ui, &format!("Send again to {peer}")), None);
    ui.wait_for_text(&format!(
        "{peer} is not connected any more, nothing was sent"
    ));
}

#[test]
fn the_rate_graph_shows_rx_and_tx_over_the_last_minute() {
    let mut ui = Ui::english();
    let mut device = server_with_one_client(&mut ui);
    // The plot draws its axes and legend with the painter, not as widgets: look at the texts
    // the frame drew.
    let drawn = |ui: &Ui| -> Vec<String> {
        ui.harness
            .output()
            .shapes
            .iter()
            .filter_map(|clipped| match &clipped.shape {
                egui::Shape::Text(text) => Some(text.galley.job.text.clone()),
                _ => None,
            })
            .collect()
    };
    assert!(
        !drawn(&ui).iter().any(|t| t == "-60 s"),
        "no graph until asked"
    );
    ui.click("Rate graph");
    let texts = drawn(&ui);
    for expected in ["-60 s", "-30 s", "0 s", "0 B/s"] {
        assert!(
            texts.iter().any(|t| t == expected),
            "{expected:?} in {texts:?}"
        );
    }

    // Each completed second becomes a point of bytes per second; however the 3000 bytes fall
    // into seconds, the points add up to them.
    device.write_all(&[0x55; 3000]).unwrap();
    ui.step_until("the bytes in completed seconds", |h| {
        let history = h.state().state().traffic.rx.history();
        (history.iter().map(|(_, rate)| rate).sum::<f64>() - 3000.0).abs() < 1.0
    });
    // With data, the legend names the lines.
    ui.harness.run_steps(2);
    let texts = drawn(&ui);
    for expected in ["RX", "TX"] {
        assert!(
            texts.iter().any(|t| t == expected),
            "{expected:?} in {texts:?}"
        );
    }
}

#[test]
fn find_brings_the_next_matching_entry_into_view() {
    let mut ui = Ui::english();
    ui.choose("Protocol", "UDP");
    ui.set_text("Local port", "0");
    ui.open();
    let device = UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..300 {
        device
            .send_to(format!("reading {i:03}").as_bytes(), ui.local_addr())
            .unwrap();
    }
    ui.step_until("every datagram", |h| {
        h.state().state().traffic.rx.frames == 300
    });
    ui.wait_for_text("reading 299");
    assert!(!ui.shows("reading 123"), "far above the rows on screen");

    // Ctrl+F goes to the Find field; typing then goes there.
    ui.harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    ui.harness.run_steps(1);
    ui.harness
        .event(egui::Event::Text("reading 123".to_owned()));
    ui.harness.run_steps(1);
    assert_eq!(ui.harness.state().state().find.query, "reading 123");
    ui.harness.key_press(Key::Enter);
    ui.harness.run_steps(3);
    assert!(ui.shows("reading 123"), "brought into view");
    assert!(!ui.shows("reading 299"));
    assert!(
        !ui.harness.state().state().display.autoscroll,
        "the log stays there"
    );

    // The hex view finds bytes: "32 39 39" is "299".
    ui.choose("Show as", "Hex");
    ui.set_text("Find", "32 39 39");
    ui.harness.key_press(Key::Enter);
    ui.harness.run_steps(3);
    let found = ui.harness.state().state().log.store().found().unwrap();
    assert_eq!(
        found,
        ui.harness.state().state().log.store().entries().len() - 1
    );

    ui.set_text("Find", "humidity");
    ui.harness.key_press(Key::Enter);
    ui.harness.run_steps(2);
    assert!(ui.shows("not found"));
    // Typing something else takes the message away until Enter looks again.
    ui.set_text("Find", "reading 2");
    assert!(!ui.shows("not found"));
}

#[test]
fn find_ignores_case_counts_the_matches_and_gives_autoscroll_back() {
    let mut ui = Ui::english();
    ui.choose("Protocol", "UDP");
    ui.set_text("Local port", "0");
    ui.open();
    let device = UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..41 {
        device
            .send_to(format!("Alarm {i:02}").as_bytes(), ui.local_addr())
            .unwrap();
        device
            .send_to(format!("reading {i:02}").as_bytes(), ui.local_addr())
            .unwrap();
    }
    ui.step_until("every datagram", |h| {
        h.state().state().traffic.rx.frames == 82
    });
    assert!(ui.harness.state().state().display.autoscroll);

    ui.set_text("Find", "ALARM");
    for _ in 0..3 {
        ui.harness.get_by_label("Find").focus();
        ui.harness.run_steps(1);
        ui.harness.key_press(Key::Enter);
        ui.harness.run_steps(2);
    }
    assert!(
        ui.shows("3 of 41"),
        "the third of 41 alarms, found in capitals"
    );
    assert!(ui.shows("Alarm 02"));
    assert!(!ui.harness.state().state().display.autoscroll);
    // Escape ends the Find: the log follows new data again.
    ui.harness.key_press(Key::Escape);
    ui.harness.run_steps(2);
    assert!(ui.harness.state().state().display.autoscroll);
    assert!(!ui.shows("3 of 41"));

    // So does clearing the field, and a log that was not following stays so.
    ui.click("Autoscroll");
    assert!(!ui.harness.state().state().display.autoscroll);
    ui.set_text("Find", "reading 4");
    ui.harness.key_press(Key::Enter);
    ui.harness.run_steps(2);
    assert!(ui.shows("1 of 1"));
    ui.set_text("Find", "");
    assert!(!ui.harness.state().state().display.autoscroll);
    ui.click("Autoscroll");
    ui.set_text("Find", "reading");
    ui.harness.key_press(Key::Enter);
    ui.harness.run_steps(2);
    assert!(ui.shows("1 of 41"));
    assert!(!ui.harness.state().state().display.autoscroll);
    ui.set_text("Find", "");
    assert!(ui.harness.state().state().display.autoscroll);
}

/// A file dragged onto the window, as the windowing layer hands it to egui.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|error| error.to_string())
    }
}

#[test]
fn a_file_dropped_on_the_window_is_sent() {
    let mut ui = Ui::english();
    let path = std::env::temp_dir().join(format!("netdebug-drop-{}.bin", std::process::id()));
    let contents: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &contents).unwrap();

    // Nothing open: refused with a message, nothing sent.
    ui.harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path.clone())));
    ui.harness.run_steps(2);
    ui.wait_for_text("Not open: press Open first");

    let mut device = server_with_one_client(&mut ui);
    // While it is dragged over the window, the window says what dropping it does.
    ui.harness
        .input_mut()
        .hovered_files
        .push(egui::HoveredFile {
            path: Some(path.clone()),
            ..Default::default()
        });
    ui.harness.run_steps(1);
    let hint = ui.harness.output().shapes.iter().any(|clipped| {
        matches!(&clipped.shape, egui::Shape::Text(text) if text.galley.job.text == "Drop the file to send it")
    });
    assert!(hint, "no hint while a file hovers");
    ui.harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path.clone())));
    ui.harness.run_steps(2);
    assert_eq!(read_exactly(&mut device, contents.len()), contents);
    ui.wait_for_text(&format!("File sent: {}", path.display()));
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn cycle_send_takes_the_quick_commands_in_turn() {
    let mut ui = Ui::tall();
    let mut device = server_with_one_client(&mut ui);
    ui.set_number("Period (ms)", 5.0);
    ui.click("Cycle through quick commands");

    // None saved yet, then one that cannot be read: refused with a reason, nothing starts.
    ui.click("Cycle send");
    ui.wait_for_text("No quick commands to cycle through");
    ui.choose("Send as", "Hex");
    ui.set_text("Send data", "ZZ");
    ui.set_text("Name", "Broken");
    ui.click("Add the send box");
    ui.click("Cycle send");
    ui.wait_for_text("Broken: invalid hex character 'Z' at position 1");
    assert!(ui.harness.state().state().cycling.is_none());
    assert_nothing_arrives(&mut device);
    ui.click("Delete");

    // Each command keeps its own format: two in text, one in hex.
    ui.set_text("Send data", "43 3B");
    ui.set_text("Name", "c");
    ui.click("Add the send box");
    ui.choose("Send as", "Text");
    for (name, text) in [("a", "A;"), ("b", "B;")] {
        ui.set_text("Send data", text);
        ui.set_text("Name", name);
        ui.click("Add the send box");
    }
    ui.set_text("Send data", "not this");
    ui.click("Cycle send");
    assert_eq!(read_exactly(&mut device, 12), b"C;A;B;C;A;B;");
    ui.click("Cycle send");
    ui.wait_for_text("Cycle send stopped after");
    // Drain what was on its way when it stopped: read until 300 ms pass without a byte.
    device
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    while device.read(&mut [0u8; 4096]).is_ok_and(|n| n > 0) {}

    // A count: four sends, then it stops by itself and unticks.
    ui.set_number("Times (0 = until stopped)", 4.0);
    ui.harness.run_steps(2);
    ui.click("Cycle send");
    assert_eq!(read_exactly(&mut device, 8), b"C;A;B;C;");
    ui.wait_for_text("Cycle send stopped after 4 sends");
    ui.step_until("the cycle to end", |h| h.state().state().cycling.is_none());
    assert_nothing_arrives(&mut device);
}

#[test]
fn quick_commands_are_exported_to_a_file_and_imported_from_one() {
    let mut ui = Ui::tall();
    for (name, text) in [("读温度", "READ T"), ("status", "STATUS")] {
        ui.set_text("Send data", text);
        ui.set_text("Name", name);
        ui.click("Add the send box");
    }
    assert!(ui.shows("Export…") && ui.shows("Import…"), "beside Add");
    // The dialogs only supply the paths, so the test supplies them directly.
    let path = std::env::temp_dir().join(format!("netdebug-ui-quick-{}.ron", std::process::id()));
    let perform = |ui: &mut Ui, action| {
        ui.harness.state_mut().perform(action);
        ui.harness.run_steps(2);
    };
    perform(&mut ui, netdebug::ui::Action::ExportQuick(path.clone()));
    ui.wait_for_text(&format!("Exported 2 quick commands to {}", path.display()));
    let exported = quick_commands(&ui).to_vec();

    // Another engineer's window: empty, then the file's commands, once each.
    let mut other = Ui::tall();
    perform(&mut other, netdebug::ui::Action::ImportQuick(path.clone()));
    other.wait_for_text("Imported 2 quick commands");
    assert_eq!(quick_commands(&other), exported);
    perform(&mut other, netdebug::ui::Action::ImportQuick(path.clone()));
    other.wait_for_text("Imported 0 quick commands");
    other.wait_for_text("(2 already there)");
    assert_eq!(quick_commands(&other).len(), 2);
    other.reveal("读温度");
    assert!(other.shows("读温度"));

    // A file that is not one: said so, nothing changes.
    std::fs::write(&path, "temp=25\n").unwrap();
    perform(&mut other, netdebug::ui::Action::ImportQuick(path.clone()));
    other.wait_for_text("is not a NetDebug quick command file");
    assert_eq!(quick_commands(&other).len(), 2);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn quick_commands_add_send_edit_delete_and_history_recall() {
    let mut ui = Ui::tall();
    let mut device = server_with_one_client(&mut ui);

    // Add the send box as a quick command named "ping", then send it with one click.
    ui.set_text("Send data", "PING");
    ui.set_text("Name", "ping");
    ui.click("Add the send box");
    ui.set_text("Send data", "something else");
    ui.click("ping");
    assert_eq!(read_exactly(&mut device, 4), b"PING");

    // Edit it: loads into the send box and name field; save the change.
    ui.click("Edit");
    assert_eq!(ui.harness.state().state().send.text, "PING");
    ui.set_text("Send data", "PONG");
    ui.set_text("Name", "pong");
    ui.click("Save changes");
    ui.click("pong");
    assert_eq!(read_exactly(&mut device, 4), b"PONG");
    assert!(ui.harness.query_by_label("ping").is_none());
    // F1 sends the first quick command, F2 the second; F3 has none and sends nothing.
    ui.set_text("Send data", "STATUS");
    ui.set_text("Name", "status");
    ui.click("Add the send box");
    for key in [Key::F2, Key::F1, Key::F3] {
        ui.harness.key_press(key);
        ui.harness.run_steps(2);
    }
    assert_eq!(read_exactly(&mut device, 10), b"STATUSPONG");
    assert_nothing_arrives(&mut device);
    // Folded away, its header says how many there are, and the keys still send them.
    ui.click("Quick commands");
    ui.wait_for_text("Quick commands · 2 saved");
    ui.harness.key_press(Key::F1);
    ui.harness.run_steps(2);
    assert_eq!(read_exactly(&mut device, 4), b"PONG");
    // The second command's Delete.
    ui.reveal("Delete");
    ui.harness
        .get_all_by_label("Delete")
        .last()
        .unwrap()
        .click();
    ui.harness.run_steps(2);
    assert_eq!(quick_commands(&ui).len(), 1);

    // History: what the Send button sent, recalled into the send box.
    ui.set_text("Send data", "first");
    ui.click("Send");
    ui.set_text("Send data", "second");
    ui.click("Send");
    assert_eq!(read_exactly(&mut device, 11), b"firstsecond");
    let history = ui.harness.get_by_role_and_label(Role::ComboBox, "History");
    assert_eq!(
        history.accesskit_node().value().as_deref(),
        Some("second"),
        "the box shows the last send"
    );
    history.click();
    ui.harness.run_steps(2);
    // The log shows "first" too; the history popup's entry is the one that can be clicked.
    ui.harness
        .get_all_by_label("first")
        .find(|node| node.accesskit_node().role() == Role::Button)
        .expect("the history entry")
        .click();
    ui.harness.run_steps(2);
    assert_eq!(ui.harness.state().state().send.text, "first");

    ui.click("Delete");
    assert!(quick_commands(&ui).is_empty());
}

#[test]
fn the_title_row_fits_the_settings_column_in_either_language_and_theme() {
    for language in [Language::English, Language::Chinese] {
        let mut ui = Ui::new(language);
        let t = language.texts();
        for theme in [t.theme_light, t.theme_dark] {
            let row = ["NetDebug", "A-", "A+", theme, t.switch_language]
                .map(|label| ui.harness.get_by_label(label).rect());
            for pair in row.windows(2) {
                assert!(pair[0].right() <= pair[1].left(), "{language:?}: {row:?}");
            }
            // The name whole, not shortened to make room.
            let font = egui::TextStyle::Heading.resolve(&ui.harness.ctx.global_style());
            let whole = ui.harness.ctx.fonts_mut(|fonts| {
                let name = fonts.layout_no_wrap("NetDebug".into(), font, egui::Color32::WHITE);
                name.size().x
            });
            assert!(row[0].width() >= whole, "{language:?}: {row:?}, {whole}");
            ui.click(theme);
            ui.harness.run_steps(2);
        }
    }
}

#[test]
fn show_escapes_reveals_line_endings_and_stray_bytes_and_a_copied_line_sends_them_again() {
    let (mut ui, _server, mut device, _) = client_of_a_device();
    let reply: &[u8] = b"OK\r\n\x00\xFF";
    device.write_all(reply).unwrap();
    ui.step_until("the reply", |h| h.state().state().traffic.rx.bytes == 6);
    // As plain text the line ending is gone and the two bytes are a dot and a �.
    ui.wait_for_text("·\u{FFFD}");
    assert!(!ui.shows(r"OK\r\n"));
    ui.click("Show escapes");
    ui.wait_for_text(r"OK\r\n");
    ui.wait_for_text(r"\0\xFF");
    assert!(!ui.shows("·\u{FFFD}"));
    // What the log shows, typed into the send box with escapes on, is the same bytes.
    ui.click("Escape sequences");
    ui.set_text("Send data", r"OK\r\n\0\xFF");
    ui.click("Send");
    assert_eq!(read_exactly(&mut device, reply.len()), reply);
    // The sent entry shows the same way; turned off, the log is as it was.
    ui.click("Show escapes");
    ui.wait_for_text("·\u{FFFD}");
    assert!(!ui.shows(r"\0\xFF"));
}

#[test]
fn files_that_cannot_be_opened_say_so_without_holding_up_the_window() {
    let mut ui = Ui::english();
    let _device = server_with_one_client(&mut ui);
    let nowhere = std::env::temp_dir().join("netdebug-no-such-dir");
    ui.harness
        .state_mut()
        .perform(netdebug::ui::Action::StartCapture(nowhere.join("rx.bin")));
    ui.wait_for_text(&format!(
        "Cannot create {}",
        nowhere.join("rx.bin").display()
    ));
    assert!(ui.harness.state().state().capture.is_none(), "not saving");
    ui.harness
        .state_mut()
        .perform(netdebug::ui::Action::SendFile(nowhere.join("firmware.bin")));
    ui.wait_for_text(&format!(
        "Cannot read {}",
        nowhere.join("firmware.bin").display()
    ));
    ui.step_until("the file send to end", |h| h.state().state().file.is_none());
    assert_eq!(ui.harness.state().state().traffic.tx.bytes, 0);
}

#[test]
fn switching_the_language_relabels_what_the_log_and_status_bar_already_say() {
    let mut ui = Ui::english();
    ui.set_text("Send data", "hello");
    ui.click("Send");
    ui.wait_for_text("Not open: press Open first");
    // A session that fails to open logs why in red.
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    ui.set_text(
        "Local port",
        &taken.local_addr().unwrap().port().to_string(),
    );
    ui.click("Open");
    ui.wait_for_text("the port is already in use");
    ui.click("中文");
    ui.wait_for_text("端口已被占用");
    assert!(
        !ui.shows("already in use"),
        "the log line and the status bar relabelled"
    );
}

#[test]
fn a_relay_in_a_tab_shows_both_ways_marked_and_injects_into_the_chosen_side() {
    let upstream = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut ui = Ui::english();
    ui.choose("Protocol", "TCP Relay");
    ui.set_text("Local address", "127.0.0.1");
    ui.set_text("Local port", "0");
    // Open with no upstream: said so, nothing opens.
    ui.click("Open");
    ui.wait_for_text("Type the upstream server (address:port)");
    assert_eq!(ui.connection(), Connection::Closed);
    ui.set_text(
        "Upstream server",
        &upstream.local_addr().unwrap().to_string(),
    );
    ui.open();
    let relay = ui.local_addr();

    let mut device = TcpStream::connect(relay).unwrap();
    let device_addr = device.local_addr().unwrap();
    let (mut server, _) = upstream.accept().unwrap();
    ui.wait_for_text(&format!("{device_addr} connected to upstream"));
    device.write_all(b"GET /status").unwrap();
    assert_eq!(read_exactly(&mut server, 11), b"GET /status");
    server.write_all(b"200 OK").unwrap();
    assert_eq!(read_exactly(&mut device, 6), b"200 OK");
    ui.wait_for_text(&format!("client→upstream {device_addr} (11 B)"));
    ui.wait_for_text(&format!("upstream→client {device_addr} (6 B)"));
    ui.wait_for_text("GET /status");
    ui.wait_for_text("200 OK");

    // Typed into the send box: to the client by default, then to the upstream.
    ui.wait_for_combo("Send to", "All clients (1)");
    ui.set_text("Send data", "hello device");
    ui.click("Send");
    assert_eq!(read_exactly(&mut device, 12), b"hello device");
    ui.wait_for_text(&format!("upstream→client {device_addr} (12 B) · injected"));
    assert_nothing_arrives(&mut server);
    ui.click("To upstream");
    ui.set_text("Send data", "hello server");
    ui.click("Send");
    assert_eq!(read_exactly(&mut server, 12), b"hello server");
    ui.wait_for_text(&format!("client→upstream {device_addr} (12 B) · injected"));
    assert_nothing_arrives(&mut device);
    let traffic = &ui.harness.state().state().traffic;
    assert_eq!((traffic.rx.bytes, traffic.tx.bytes), (23, 18));
    // The relay list: the pair, both legs, and what went each way.
    let leg = server.peer_addr().unwrap();
    ui.harness
        .get_by_role_and_label(Role::ComboBox, "Send to")
        .click();
    ui.harness.run_steps(2);
    assert!(
        ui.harness
            .query_by_label(&format!("{device_addr} → {leg}"))
            .is_some()
    );
    assert!(
        ui.harness
            .query_by_label("To upstream 23 B · To client 18 B")
            .is_some()
    );
    ui.click(&format!("{device_addr} → {leg}"));
    ui.click("Disconnect client");
    ui.wait_for_text(&format!("Client left: {device_addr} (closed locally)"));
}

#[test]
fn a_tcp_relays_write_size_and_cut_set_in_the_window_re_cut_and_cut_off_the_stream() {
    let upstream = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut ui = Ui::english();
    ui.choose("Protocol", "TCP Relay");
    ui.set_text("Local address", "127.0.0.1");
    ui.set_text("Local port", "0");
    ui.set_text(
        "Upstream server",
        &upstream.local_addr().unwrap().to_string(),
    );
    ui.open();
    let mut device = TcpStream::connect(ui.local_addr()).unwrap();
    let (mut server, _) = upstream.accept().unwrap();
    ui.wait_for_text("connected to upstream");
    // Set while the relay runs: what goes back to the device in writes of 2 bytes, 150 ms
    // apart, so the device reads them one by one (拆包).
    ui.set_number("Write size upstream→client", 2.0);
    ui.set_number("Write gap upstream→client", 150.0);
    ui.set_number("Cut after client→upstream", 3.0);
    ui.harness.run_steps(2);
    server.write_all(b"abcdef").unwrap();
    device.set_read_timeout(Some(WAIT)).unwrap();
    let mut buffer = [0; 16];
    let mut reads = Vec::new();
    while reads.concat::<u8>().len() < 6 {
        let len = device.read(&mut buffer).unwrap();
        assert!(len > 0, "the device's connection ended early");
        reads.push(buffer[..len].to_vec());
    }
    assert_eq!(reads, [b"ab", b"cd", b"ef"]);
    // Three bytes on to the upstream, then both connections cut off with a reset.
    device.write_all(b"12345").unwrap();
    server.set_read_timeout(Some(WAIT)).unwrap();
    let mut got = Vec::new();
    let ended = server.read_to_end(&mut got);
    assert_eq!(got, b"123");
    assert_eq!(
        ended.map_err(|error| error.kind()).err(),
        Some(ErrorKind::ConnectionReset)
    );
    ui.wait_for_text("cut off by the impairment after 3 bytes client→upstream");
}

#[test]
fn a_udp_relays_loss_set_in_the_window_drops_datagrams_until_it_is_taken_off() {
    let upstream = UdpSocket::bind("127.0.0.1:0").unwrap();
    upstream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut ui = Ui::english();
    ui.choose("Protocol", "UDP Relay");
    ui.set_text("Local address", "127.0.0.1");
    ui.set_text("Local port", "0");
    ui.set_text(
        "Upstream server",
        &upstream.local_addr().unwrap().to_string(),
    );
    ui.set_number("Loss client→upstream", 100.0);
    ui.harness.run_steps(2);
    ui.open();
    let relay = ui.local_addr();
    let device = UdpSocket::bind("127.0.0.1:0").unwrap();
    device.send_to(b"lost", relay).unwrap();
    ui.wait_for_text("dropped (not passed on)");
    ui.wait_for_text("Impaired: 1 dropped");
    let mut buffer = [0; 16];
    assert!(
        upstream.recv_from(&mut buffer).is_err(),
        "a lost datagram went on"
    );
    // Taken off while the relay runs: the next one goes on.
    ui.set_number("Loss client→upstream", 0.0);
    ui.harness.run_steps(2);
    device.send_to(b"kept", relay).unwrap();
    upstream.set_read_timeout(Some(WAIT)).unwrap();
    let (len, _) = upstream.recv_from(&mut buffer).unwrap();
    assert_eq!(&buffer[..len], b"kept");
    // Both counted as what the device sent, the lost one too.
    ui.step_until("both datagrams counted", |h| {
        h.state().state().traffic.rx.bytes == 8
    });
}

#[test]
fn a_file_dialog_that_cannot_open_is_explained_in_the_status_bar() {
    if netdebug::dialogs::can_open_where(|name| std::env::var_os(name)) {
        eprintln!("note: a file dialog can open on this machine; nothing to explain");
        return;
    }
    let mut ui = Ui::english();
    ui.click("Send file…");
    ui.wait_for_text("No file dialog can open here: install zenity");
    ui.click("中文");
    ui.wait_for_text("无法打开文件对话框");
}

use super::*;
use crate::codec::{Checksum, ChecksumSpan, InputMode, LineEnding, SendFormat, TextEncoding};
use crate::i18n::Language;
use crate::settings::VERSION;
use crate::workspace::{HistoryEntry, Mode, SplitBy, TlsSettings, merge_gap};

fn customised() -> SessionState {
    let mut state = SessionState::new(Language::Chinese);
    state.mode = Mode::Udp;
    state.address = "::".to_owned();
    state.port = "9000".to_owned();
    state.target.udp = "[::1]:9001".to_owned();
    state.target.reply_to_last = true;
    state.multicast_group = "239.1.2.3".to_owned();
    state.send.format = SendFormat {
        mode: InputMode::Hex,
        encoding: TextEncoding::Gbk,
        escapes: true,
        checksum: Checksum::Crc16Modbus,
        checksum_span: ChecksumSpan { from: 2, tail: 1 },
        line_ending: LineEnding::CrLf,
    };
    state.log.store_mut().set_view(InputMode::Hex);
    state.log.set_encoding(TextEncoding::Gbk);
    state.log.set_escapes(true);
    state.log.store_mut().set_budget(8 << 20);
    state.log.set_merge_gap(merge_gap(120));
    state.split.by = SplitBy::Delimiter;
    state.split.delimiter = r"\r\n".to_owned();
    state.split.length = "7:u32le:-3".parse().unwrap();
    state.split.fixed = 12;
    state.split.frame_start = "AA 55".to_owned();
    state.apply_split();
    state.log.set_check_kind(Checksum::Crc32);
    state.log.set_check_span(ChecksumSpan { from: 6, tail: 2 });
    state.display.autoscroll = false;
    state.display.hide_received = true;
    state.display.hide_sent = true;
    state.display.rate_graph = true;
    state.cycle.period_ms = 250;
    state.cycle.quick = true;
    state.cycle.times = 100;
    state.pacing.packet_size = 256;
    state.pacing.interval_ms = 20;
    state.send.clear_after_send = true;
    state.client.connect_timeout_ms = 1500;
    state.client.auto_reconnect = true;
    state.client.reconnect_ms = 250;
    state.client.local_port = 50_123;
    state.tls = TlsSettings {
        enabled: true,
        verify: false,
        certificate: "/etc/device/cert.pem".to_owned(),
        key: "/etc/device/key.pem".to_owned(),
    };
    state.capture_as_text = true;
    state.send.text = "01 03".to_owned();
    state.auto_reply.echo = true;
    state.auto_reply.delay_ms = 250;
    state.target.show_selected_only = true;
    state.auto_reply.pattern = "PING".to_owned();
    state.auto_reply.reply = "PONG".to_owned();
    state.send.format.mode = InputMode::Text;
    state.add_reply_rule();
    state.send.format.mode = InputMode::Hex;
    state
}

/// A workspace of two sessions, the second customised and renamed, with shared lists.
fn customised_workspace() -> Workspace {
    let mut workspace = Workspace::new(Language::Chinese);
    let id = workspace.add(customised(), "device".to_owned());
    workspace.shared.quick_name = "read".to_owned();
    workspace.shared.save_quick("01 03", SendFormat::default());
    workspace.shared.remember_send(HistoryEntry {
        text: "AT".to_owned(),
        format: SendFormat::default(),
    });
    workspace
        .shared
        .remember_remote("device.local:502".to_owned());
    workspace.shared.remember_remote("[::1]:9001".to_owned());
    workspace.focus(id);
    workspace
}

#[test]
fn a_workspace_round_trips_through_text() {
    let saved = WorkspaceFile::from_workspace(&customised_workspace(), "tiles".to_owned());
    let (loaded, problem) = WorkspaceFile::from_text(Some(&saved.to_text()));
    assert_eq!(problem, None);
    let restored = loaded.unwrap().to_workspace();
    assert_eq!(
        WorkspaceFile::from_workspace(&restored, "tiles".to_owned()),
        saved
    );
    assert_eq!(restored.tabs().len(), 2);
    assert_eq!(restored.shared.quick_commands[0].name, "read");
    assert_eq!(
        restored.shared.recent_remotes,
        ["[::1]:9001", "device.local:502"]
    );
    assert_eq!(restored.shared.language, Language::Chinese);
    let device = restored.tab(restored.focused()).unwrap();
    assert_eq!(device.name, "device");
    assert_eq!(device.state.mode, Mode::Udp);
    assert_eq!(device.state.language, Language::Chinese);
    assert_eq!(
        device.state.log.framing(),
        Some(&crate::codec::Framing::Delimiter(
            bytes::Bytes::from_static(b"\r\n")
        ))
    );
}

#[test]
fn a_single_session_settings_record_opens_as_one_tab_with_all_its_settings() {
    let text = r#"(version: 2, chinese: true, mode: Udp, port: "9000", udp_target: "10.0.0.7:9001",
        echo: true, quick_commands: [(name: "read", text: "01 03", format: (mode: Hex,
        encoding: Utf8, escapes: false, checksum: None, line_ending: None))],
        history: [(text: "AT", format: (mode: Text, encoding: Gbk, escapes: true,
        checksum: None, line_ending: CrLf))], recent_remotes: ["10.0.0.7:9001"])"#;
    let (file, problem) = WorkspaceFile::from_text(Some(text));
    assert_eq!(problem, None);
    let workspace = file.unwrap().to_workspace();
    assert_eq!(workspace.tabs().len(), 1);
    let state = workspace.focused_state();
    assert_eq!((state.mode, state.port.as_str()), (Mode::Udp, "9000"));
    assert_eq!(state.target.udp, "10.0.0.7:9001");
    assert!(state.auto_reply.echo);
    assert_eq!(state.language, Language::Chinese);
    assert_eq!(workspace.shared.quick_commands[0].text, "01 03");
    assert_eq!(
        workspace.shared.history[0].format.encoding,
        TextEncoding::Gbk
    );
    assert_eq!(workspace.shared.recent_remotes, ["10.0.0.7:9001"]);
}

#[test]
fn corrupt_or_newer_settings_fall_back_to_defaults_with_a_message() {
    let (settings, problem) = WorkspaceFile::from_text(Some("(version: 1, port: 12"));
    assert!(settings.is_none());
    assert!(
        problem
            .unwrap()
            .contains("saved settings could not be read")
    );

    let (settings, problem) = WorkspaceFile::from_text(Some("not ron at all {{{"));
    assert!(settings.is_none() && problem.is_some());

    let newer = WorkspaceFile {
        version: VERSION + 1,
        ..WorkspaceFile::default()
    };
    let (settings, problem) = WorkspaceFile::from_text(Some(&newer.to_text()));
    assert!(settings.is_none());
    assert!(problem.unwrap().contains("newer NetDebug"));

    // An older file without today's fields loads, with defaults for what it lacks.
    let (settings, problem) = WorkspaceFile::from_text(Some("(version: 1, port: \"502\")"));
    assert_eq!(problem, None);
    assert_eq!(settings.unwrap().sessions[0].settings.port, "502");
    // Layout 1 split at its delimiter whenever one was typed; it still does.
    let (settings, _) = WorkspaceFile::from_text(Some(r#"(version: 1, split_at: "\n")"#));
    let workspace = settings.unwrap().to_workspace();
    let state = workspace.focused_state();
    assert_eq!(state.split.by, SplitBy::Delimiter);
    assert_eq!(
        state.log.framing(),
        Some(&crate::codec::Framing::Delimiter(
            bytes::Bytes::from_static(b"\n")
        ))
    );

    // A send format saved before checksums had a span keeps its checksum, over everything.
    let (settings, problem) = WorkspaceFile::from_text(Some(
        "(version: 2, send_format: (mode: Hex, encoding: Gbk, escapes: false, \
         checksum: Sum8, line_ending: CrLf))",
    ));
    assert_eq!(problem, None);
    let format = settings.unwrap().sessions[0].settings.send_format;
    assert_eq!(format.checksum, Checksum::Sum8);
    assert_eq!(format.checksum_span, ChecksumSpan::default());

    assert_eq!(WorkspaceFile::from_text(None), (None, None));
}

proptest::proptest! {
    /// A settings file damaged anywhere (cut short, a character changed) either loads and
    /// applies, or falls back with a message: never a panic.
    #[test]
    fn a_damaged_settings_file_never_panics(
        cut in 0usize..2000,
        at in 0usize..2000,
        replacement in proptest::char::any(),
    ) {
        let text = WorkspaceFile::from_workspace(&customised_workspace(), String::new()).to_text();
        let mut damaged: Vec<char> = text.chars().collect();
        if let Some(c) = damaged.get_mut(at % text.len()) {
            *c = replacement;
        }
        damaged.truncate(cut.max(1));
        let damaged: String = damaged.into_iter().collect();
        let (settings, problem) = WorkspaceFile::from_text(Some(&damaged));
        proptest::prop_assert!(settings.is_some() != problem.is_some());
        if let Some(settings) = settings {
            let workspace = settings.to_workspace();
            proptest::prop_assert!(!workspace.tabs().is_empty());
            proptest::prop_assert!(workspace.focused_state().cycle.period_ms >= 1);
        }
    }
}

#[test]
fn the_app_starts_from_defaults_and_says_so_when_settings_are_corrupt() {
    let (workspace, problem) = crate::app::restored_workspace(Some("garbage"));
    assert!(problem.expect("a message").contains("defaults are used"));
    assert_eq!(workspace.focused_state().port, SessionState::default().port);
}

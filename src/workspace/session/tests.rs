//! The state's tests: engine events, sends, reconnects, the Recent list.

use std::net::SocketAddr;

use super::{ClientOptions, Connection, Mode, SessionState};
use crate::net::{CloseReason, Event, EventKind, SessionId};

fn addr(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// The log's rows as the window shows them, each as text.
fn log_lines(state: &SessionState) -> Vec<String> {
    state
        .log
        .store()
        .rows(0, usize::MAX)
        .iter()
        .map(|row| crate::log::row_text(row, state.texts()).into_owned())
        .collect()
}

fn event(session: u64, kind: EventKind) -> Event {
    Event {
        session: SessionId(session),
        time: std::time::SystemTime::now(),
        kind,
    }
}

#[test]
fn events_from_an_old_session_are_dropped() {
    let mut state = SessionState::default();
    state.opened(SessionId(2));
    state.apply(event(
        1,
        EventKind::Received {
            peer: addr(1),
            bytes: "stale".into(),
        },
    ));
    state.apply(event(
        1,
        EventKind::Closed {
            reason: CloseReason::ByPeer,
        },
    ));
    assert_eq!(state.traffic.rx.bytes, 0);
    assert!(state.log.store().entries().is_empty());
    assert_eq!(state.connection, Connection::Opening);

    state.apply(event(2, EventKind::Listening { local: addr(9) }));
    state.apply(event(
        2,
        EventKind::Received {
            peer: addr(1),
            bytes: "fresh".into(),
        },
    ));
    assert_eq!(state.connection, Connection::Listening(addr(9)));
    assert_eq!(state.traffic.rx.bytes, 5);
}

#[test]
fn data_already_on_its_way_after_close_is_still_counted() {
    let mut state = SessionState::default();
    state.opened(SessionId(1));
    state.apply(event(1, EventKind::Listening { local: addr(9) }));
    state.closed_by_user();
    assert_eq!(state.connection, Connection::Closed);
    state.apply(event(
        1,
        EventKind::Received {
            peer: addr(1),
            bytes: "late".into(),
        },
    ));
    assert_eq!(state.traffic.rx.bytes, 4);
}

#[test]
fn a_leaving_selected_client_falls_back_to_all() {
    let mut state = SessionState::default();
    state.opened(SessionId(1));
    state.apply(event(1, EventKind::PeerJoined { peer: addr(1) }));
    state.target.server = super::ServerTarget::One(addr(1));
    state.apply(event(
        1,
        EventKind::PeerLeft {
            peer: addr(1),
            reason: CloseReason::ByPeer,
        },
    ));
    assert_eq!(state.target.server, super::ServerTarget::All);
    assert!(state.clients.is_empty());
}

#[test]
fn a_client_with_auto_reconnect_waits_then_tries_again_unless_closed_by_hand() {
    let closed = |reason| event(1, EventKind::Closed { reason });
    let mut state = SessionState {
        mode: Mode::TcpClient,
        client: ClientOptions {
            auto_reconnect: true,
            ..ClientOptions::default()
        },
        ..SessionState::default()
    };
    state.opened(SessionId(1));
    state.apply(closed(CloseReason::ByPeer));
    assert!(matches!(state.connection, Connection::Reconnecting { .. }));
    assert!(
        state.connection.is_open(),
        "the button offers Close, to stop trying"
    );
    assert!(!state.has_receiver());
    state.closed_by_user();
    assert_eq!(state.connection, Connection::Closed);

    state.opened(SessionId(1));
    state.apply(closed(CloseReason::ByUser));
    assert_eq!(state.connection, Connection::Closed);

    // A failure that was on its way when the person pressed Close does not start it again.
    state.opened(SessionId(1));
    state.closed_by_user();
    state.apply(closed(CloseReason::Reset));
    assert_eq!(state.connection, Connection::Closed);

    // A server does not reconnect, whatever the checkbox says.
    state.mode = Mode::TcpServer;
    state.opened(SessionId(1));
    state.apply(closed(CloseReason::Reset));
    assert_eq!(state.connection, Connection::Closed);
}

#[test]
fn a_device_that_stays_off_logs_its_failure_once_and_counts_the_attempts() {
    use crate::net::NetError;
    let refused = |port| {
        CloseReason::Failed(NetError::Connect {
            addr: addr(port),
            source: std::io::ErrorKind::ConnectionRefused.into(),
        })
    };
    let mut state = SessionState {
        mode: Mode::TcpClient,
        client: ClientOptions {
            auto_reconnect: true,
            ..ClientOptions::default()
        },
        language: crate::i18n::Language::English,
        ..SessionState::default()
    };
    let attempt = |state: &mut SessionState, session, port| {
        state.opened(SessionId(session));
        let connecting = EventKind::Connecting {
            endpoint: crate::net::Endpoint::new("127.0.0.1", port),
            remote: addr(port),
        };
        state.apply(event(session, connecting));
        state.apply(event(
            session,
            EventKind::Closed {
                reason: refused(port),
            },
        ));
    };
    let notices = |state: &SessionState| -> Vec<String> {
        let rows = state.log.store().rows(0, usize::MAX);
        rows.iter()
            .filter(|row| matches!(row, crate::log::Row::Notice(..)))
            .map(|row| crate::log::row_text(row, state.texts()).into_owned())
            // (The day's date line is not what this is about.)
            .filter(|line| !line.contains("Date: "))
            .collect()
    };

    for session in 1..=5 {
        attempt(&mut state, session, 7);
    }
    let lines = notices(&state);
    assert_eq!(lines.len(), 2, "one Connecting and one failure: {lines:?}");
    assert!(lines[0].contains("Connecting to 127.0.0.1:7"), "{lines:?}");
    assert!(lines[1].contains("127.0.0.1:7"), "{lines:?}");
    assert!(matches!(
        state.connection,
        Connection::Reconnecting { failures: 5, .. }
    ));
    let t = state.texts();
    assert!(
        state.connection.describe(t).contains("5 failed in a row"),
        "{}",
        state.connection.describe(t)
    );
    assert!(state.status.as_ref().is_some_and(|s| s.is_error));

    // A different failure is news, and is logged.
    attempt(&mut state, 6, 8);
    assert_eq!(notices(&state).len(), 3);

    // A connection starts the count again: its loss and the next attempt are logged.
    state.opened(SessionId(7));
    state.apply(event(
        7,
        EventKind::Connected {
            local: addr(40000),
            remote: addr(8),
        },
    ));
    state.apply(event(
        7,
        EventKind::Closed {
            reason: CloseReason::ByPeer,
        },
    ));
    assert!(matches!(
        state.connection,
        Connection::Reconnecting { failures: 0, .. }
    ));
    attempt(&mut state, 8, 8);
    let lines = notices(&state);
    assert_eq!(lines.len(), 7, "{lines:?}");
    assert!(lines[5].contains("Connecting to 127.0.0.1:8"), "{lines:?}");
}

#[test]
fn remotes_that_worked_are_remembered_newest_first_and_put_back_in_the_fields() {
    let mut state = SessionState {
        mode: Mode::TcpClient,
        ..SessionState::default()
    };
    // What the workspace does after each event: a remote that worked goes to the app's list.
    let mut shared = crate::workspace::Shared::default();
    let mut remember = |state: &mut SessionState| {
        if let Some(remote) = state.take_remote_to_remember() {
            shared.remember_remote(remote);
        }
        shared.recent_remotes.clone()
    };
    let connect = |state: &mut SessionState, session, address: &str, port: &str| {
        state.address = address.to_owned();
        state.port = port.to_owned();
        let _config = state.prepare_open().unwrap();
        state.opened(SessionId(session));
        let connected = EventKind::Connected {
            local: addr(40000),
            remote: addr(1),
        };
        state.apply(event(session, connected));
    };
    connect(&mut state, 1, "::1", "502");
    remember(&mut state);
    connect(&mut state, 2, "device.local", "9000");
    remember(&mut state);
    // A failed attempt is not remembered.
    state.address = "typo.local".to_owned();
    let _config = state.prepare_open().unwrap();
    state.opened(SessionId(3));
    state.apply(event(
        3,
        EventKind::Closed {
            reason: CloseReason::ByPeer,
        },
    ));
    remember(&mut state);
    connect(&mut state, 4, "::1", "502");
    assert_eq!(remember(&mut state), ["[::1]:502", "device.local:9000"]);

    state.use_recent("device.local:9000");
    assert_eq!(
        (state.address.as_str(), state.port.as_str()),
        ("device.local", "9000")
    );
    state.use_recent("[::1]:502");
    assert_eq!(
        (state.address.as_str(), state.port.as_str()),
        ("::1", "502")
    );

    // UDP remembers the targets it sends to; the Recent list puts one back in the field.
    state.mode = Mode::Udp;
    state.connection = Connection::Bound(addr(5000));
    let mut recent = Vec::new();
    for port in 0..12 {
        state.target.udp = format!("10.0.0.{port}:7000");
        assert!(state.prepare_target().is_some());
        recent = remember(&mut state);
    }
    assert_eq!(recent.len(), crate::workspace::RECENT_LIMIT);
    assert_eq!(recent[0], "10.0.0.11:7000");
    state.target.reply_to_last = true;
    state.use_recent("10.0.0.5:7000");
    assert_eq!(state.target.udp, "10.0.0.5:7000");
    assert!(!state.target.reply_to_last);
}

/// The refusal beside the send box, in the session's language.
fn send_error(state: &SessionState) -> Option<&str> {
    state
        .errors
        .send
        .as_ref()
        .map(|said| said.get(state.language))
}

#[test]
fn an_entry_is_sent_again_to_its_peer_while_that_peer_can_be_reached() {
    use crate::net::{Endpoint, SendTarget};
    let mut state = SessionState::new(crate::i18n::Language::English);
    assert_eq!(state.prepare_send_again(addr(7)), None);
    assert_eq!(send_error(&state), Some(state.texts().not_open));

    state.mode = Mode::TcpServer;
    state.connection = Connection::Listening(addr(9000));
    state.clients.insert(addr(7));
    assert_eq!(
        state.prepare_send_again(addr(7)),
        Some(SendTarget::Client(addr(7)))
    );
    assert_eq!(state.prepare_send_again(addr(8)), None);
    assert_eq!(
        send_error(&state),
        Some("127.0.0.1:8 is not connected any more, nothing was sent")
    );

    state.mode = Mode::TcpClient;
    state.connection = Connection::Connected {
        local: addr(40000),
        remote: addr(7),
    };
    assert_eq!(
        state.prepare_send_again(addr(7)),
        Some(SendTarget::Connected)
    );
    assert_eq!(state.prepare_send_again(addr(8)), None, "another server");

    state.mode = Mode::Udp;
    state.connection = Connection::Bound(addr(5000));
    let v6 = SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, 7));
    assert_eq!(
        state.prepare_send_again(v6),
        Some(SendTarget::Datagram(Endpoint::new("::1", 7)))
    );
}

#[test]
fn a_server_counts_what_went_to_and_from_each_client() {
    let mut state = SessionState {
        mode: Mode::TcpServer,
        ..SessionState::default()
    };
    state.opened(SessionId(1));
    for port in [1, 2] {
        state.apply(event(1, EventKind::PeerJoined { peer: addr(port) }));
    }
    let data = |peer, len: usize, received: bool| {
        let bytes = bytes::Bytes::from(vec![b'x'; len]);
        if received {
            EventKind::Received { peer, bytes }
        } else {
            EventKind::Sent {
                peer,
                bytes,
                by: crate::net::SentBy::Owner,
            }
        }
    };
    state.apply(event(1, data(addr(1), 10, true)));
    state.apply(event(1, data(addr(1), 5, false)));
    state.apply(event(1, data(addr(2), 7, true)));
    state.apply(event(1, data(addr(1), 1, true)));
    assert_eq!(
        state.client_totals[&addr(1)],
        super::PeerTotals {
            rx: 11,
            tx: 5,
            upstream_leg: None
        }
    );
    assert_eq!(
        state.client_totals[&addr(2)],
        super::PeerTotals {
            rx: 7,
            tx: 0,
            upstream_leg: None
        }
    );
    state.apply(event(
        1,
        EventKind::PeerLeft {
            peer: addr(2),
            reason: CloseReason::ByPeer,
        },
    ));
    assert!(!state.client_totals.contains_key(&addr(2)));
    state.closed_by_user();
    assert!(state.client_totals.is_empty());
}

#[test]
fn the_port_rule_follows_the_mode() {
    let mut state = SessionState {
        port: "0".to_owned(),
        ..SessionState::default()
    };
    assert!(
        state.prepare_open().is_some(),
        "a server may bind any free port"
    );
    state.mode = Mode::TcpClient;
    assert!(
        state.prepare_open().is_none(),
        "a client cannot connect to port 0"
    );
    assert!(state.errors.port.is_some());
}

#[test]
fn each_day_starts_with_its_date_and_clear_starts_again() {
    use chrono::{Local, TimeZone};
    let at = |day: u32, h: u32, m: u32, s: u32| -> std::time::SystemTime {
        Local
            .with_ymd_and_hms(2026, 11, day, h, m, s)
            .earliest()
            .unwrap()
            .into()
    };
    let mut state = SessionState {
        language: crate::i18n::Language::English,
        ..SessionState::default()
    };
    state.opened(SessionId(1));
    let received = |state: &mut SessionState, time, text: &'static str| {
        state.apply(Event {
            session: SessionId(1),
            time,
            kind: EventKind::Received {
                peer: addr(1),
                bytes: text.into(),
            },
        });
    };
    let lines = log_lines;
    received(&mut state, at(24, 23, 59, 58), "a\n");
    received(&mut state, at(24, 23, 59, 59), "b\n");
    received(&mut state, at(25, 0, 0, 1), "c\n");
    let shown = lines(&state);
    let dates: Vec<_> = shown.iter().filter(|l| l.contains("Date: ")).collect();
    assert_eq!(dates.len(), 2, "{shown:?}");
    assert!(
        shown[0].contains("[23:59:58.000] ● Date: 2026-11-24"),
        "{shown:?}"
    );
    assert!(
        dates[1].contains("[00:00:01.000] ● Date: 2026-11-25"),
        "{shown:?}"
    );
    // The new day's line comes just before its first entry.
    let at_c = shown
        .iter()
        .position(|l| l.contains("00:00:01.000] RX"))
        .unwrap();
    assert!(shown[at_c - 1].contains("Date: 2026-11-25"), "{shown:?}");
    // An answer just after midnight to a send just before it is timed across the day.
    state.apply(Event {
        session: SessionId(1),
        time: at(25, 23, 59, 59),
        kind: EventKind::Sent {
            peer: addr(1),
            bytes: "ask".into(),
            by: crate::net::SentBy::Owner,
        },
    });
    received(&mut state, at(26, 0, 0, 1), "answer\n");
    assert!(
        lines(&state)
            .iter()
            .any(|l| l.contains("(7 B) · 2000.000 ms after the send")),
        "{:?}",
        lines(&state)
    );
    // After Clear, the next entry says its date again, so a saved log has it.
    state.log.clear();
    received(&mut state, at(25, 0, 0, 2), "d\n");
    assert!(
        lines(&state)[0].contains("Date: 2026-11-25"),
        "{:?}",
        lines(&state)
    );
}

#[test]
fn a_relays_ways_are_counted_and_logged_as_a_servers_received_and_sent() {
    use crate::net::{SentBy, Way};
    let mut state = SessionState {
        mode: Mode::TcpRelay,
        ..SessionState::default()
    };
    state.opened(SessionId(1));
    let client = addr(5000);
    let kinds = [
        EventKind::PeerJoined { peer: client },
        EventKind::UpstreamConnected {
            client,
            local: addr(6000),
            upstream: addr(7000),
        },
        EventKind::Relayed {
            client,
            way: Way::ToUpstream,
            bytes: "request".into(),
            injected: None,
            impaired: None,
        },
        EventKind::Relayed {
            client,
            way: Way::ToClient,
            bytes: "answer".into(),
            injected: None,
            impaired: None,
        },
        EventKind::Relayed {
            client,
            way: Way::ToClient,
            bytes: "typed".into(),
            injected: Some(SentBy::Owner),
            impaired: None,
        },
        EventKind::Relayed {
            client,
            way: Way::ToClient,
            bytes: "PONG".into(),
            injected: Some(SentBy::AutoReply),
            impaired: None,
        },
        EventKind::HalfClosed {
            client,
            way: Way::ToUpstream,
        },
        EventKind::ResetPassedOn {
            client,
            way: Way::ToClient,
        },
    ];
    for kind in kinds {
        state.apply(event(1, kind));
    }
    assert_eq!(state.traffic.rx.bytes, 7);
    assert_eq!(state.traffic.tx.bytes, 15);
    let lines = log_lines(&state);
    let has = |text: &str| lines.iter().any(|line| line.contains(text));
    assert!(has(
        "127.0.0.1:5000 connected to upstream 127.0.0.1:7000 (from 127.0.0.1:6000)"
    ));
    assert!(has("client→upstream 127.0.0.1:5000 (7 B)") && has("request"));
    assert!(has("upstream→client 127.0.0.1:5000 (6 B)") && has("answer"));
    assert!(has("upstream→client 127.0.0.1:5000 (5 B) · injected") && has("typed"));
    assert!(has("upstream→client 127.0.0.1:5000 (4 B) · auto reply") && has("PONG"));
    assert!(has(
        "127.0.0.1:5000 ended its sending (FIN); passed on to upstream"
    ));
    assert!(has(
        "Upstream reset the connection of 127.0.0.1:5000 (RST); passed on"
    ));
}

#[test]
fn a_udp_relays_impaired_datagrams_say_what_happened_to_them() {
    use crate::net::{Fate, Way};
    let mut state = SessionState {
        mode: Mode::UdpRelay,
        ..SessionState::default()
    };
    state.opened(SessionId(1));
    let client = addr(5000);
    let ms = std::time::Duration::from_millis;
    let fate = |dropped, duplicated, delay, queued| Fate {
        dropped,
        duplicated,
        reordered: false,
        delay: ms(delay),
        queued: ms(queued),
    };
    for (bytes, impaired) in [
        ("lost", Some(fate(true, false, 0, 0))),
        ("twice", Some(fate(false, true, 20, 0))),
        ("plain", None),
        ("full", Some(fate(true, false, 0, 1200))),
        ("slow", Some(fate(false, false, 300, 250))),
    ] {
        state.apply(event(
            1,
            EventKind::Relayed {
                client,
                way: Way::ToUpstream,
                bytes: bytes.into(),
                injected: None,
                impaired,
            },
        ));
    }
    let lines = log_lines(&state);
    let header_of = |text: &str| {
        let at = lines.iter().position(|line| line == text).unwrap();
        lines[at - 1].clone()
    };
    assert!(header_of("lost").ends_with("(4 B) · dropped (not passed on)"));
    assert!(header_of("twice").ends_with("(5 B) · passed on after 20 ms · sent twice"));
    assert!(header_of("plain").ends_with("(5 B)"));
    assert!(header_of("full").ends_with("(4 B) · dropped: the bandwidth limit's queue is full"));
    assert!(
        header_of("slow")
            .ends_with("(4 B) · passed on after 300 ms · 250 ms of it queued for the bandwidth")
    );
    // Each datagram an entry of its own, counted as what the client sent.
    assert_eq!(state.traffic.rx.bytes, 22);
    // The status bar's tally: two lost (by chance, by the full queue), one sent twice.
    let tally = state.traffic.impaired;
    assert_eq!(
        (tally.dropped, tally.duplicated, tally.reordered),
        (2, 1, 0)
    );
    state.reset_counters();
    assert!(state.traffic.impaired.is_empty());
}

#[test]
fn a_tcp_relays_delayed_reads_say_by_how_much_and_plain_ones_stream_on() {
    use crate::net::{Fate, Way};
    let mut state = SessionState {
        mode: Mode::TcpRelay,
        ..SessionState::default()
    };
    state.opened(SessionId(1));
    state
        .log
        .set_merge_gap(Some(std::time::Duration::from_mins(1)));
    let client = addr(5000);
    let delayed = Some(Fate::delayed(std::time::Duration::from_millis(40)));
    for (bytes, impaired) in [("late", delayed), ("r1", None), ("r2", None)] {
        state.apply(event(
            1,
            EventKind::Relayed {
                client,
                way: Way::ToUpstream,
                bytes: bytes.into(),
                injected: None,
                impaired,
            },
        ));
    }
    let lines = log_lines(&state);
    let at = lines.iter().position(|line| line == "late").unwrap();
    assert!(
        lines[at - 1].ends_with("(4 B) · passed on after 40 ms"),
        "{lines:?}"
    );
    // Undelayed reads go on as a stream: merged into one entry within the merge gap.
    assert!(lines.iter().any(|line| line == "r1r2"), "{lines:?}");
}

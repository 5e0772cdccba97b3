//! `--headless`: the real binary runs a session from its command line without a window and
//! prints the log; the peers here are plain std sockets on 127.0.0.1. The idle exits are long
//! enough that a busy machine does not end a run before its peer has answered.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::process::{Command, Output};
use std::time::Duration;

fn netdebug(args: &[&str]) -> Output {
    netdebug_logging(args, Some("warn"))
}

/// The headless binary run with `args` and `RUST_LOG` set to `rust_log` (unset for `None`).
fn netdebug_logging(args: &[&str], rust_log: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_netdebug"));
    command.args(["--headless", "--lang", "en"]).args(args);
    match rust_log {
        Some(filter) => command.env("RUST_LOG", filter),
        None => command.env_remove("RUST_LOG"),
    };
    command.output().unwrap()
}

/// A headless UDP socket on 127.0.0.1 that sends to `target`, with `more` options.
fn udp_to(target: &str, more: &[&str]) -> Output {
    let mut args = vec![
        "--mode",
        "udp",
        "--address",
        "127.0.0.1",
        "--port",
        "0",
        "--target",
        target,
    ];
    args.extend_from_slice(more);
    netdebug(&args)
}

/// A headless TCP client of 127.0.0.1:`port`, with `more` options.
fn tcp_client_of(port: u16, more: &[&str]) -> Output {
    let port = port.to_string();
    let mut args = vec![
        "--mode",
        "tcp-client",
        "--address",
        "127.0.0.1",
        "--port",
        &port,
    ];
    args.extend_from_slice(more);
    netdebug(&args)
}

/// A headless relay on 127.0.0.1:`port` to `upstream`, with `more` options.
fn relay_on(port: u16, upstream: &str, more: &[&str]) -> Output {
    let port = port.to_string();
    let mut args = vec![
        "--mode",
        "relay",
        "--address",
        "127.0.0.1",
        "--port",
        &port,
        "--upstream",
        upstream,
    ];
    args.extend_from_slice(more);
    netdebug(&args)
}

/// A UDP device on 127.0.0.1: its address, and a thread that answers the first datagram
/// with `answer` and gives that datagram back.
fn udp_device_answering(answer: &'static [u8]) -> (String, std::thread::JoinHandle<Vec<u8>>) {
    let device = UdpSocket::bind("127.0.0.1:0").unwrap();
    device
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let target = device.local_addr().unwrap().to_string();
    let answering = std::thread::spawn(move || {
        let mut buffer = [0; 64];
        let (len, from) = device.recv_from(&mut buffer).unwrap();
        device.send_to(answer, from).unwrap();
        buffer[..len].to_vec()
    });
    (target, answering)
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn a_tcp_client_sends_once_prints_the_answer_and_ends_when_idle() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let device = std::thread::spawn(move || {
        let (mut stream, _) = server.accept().unwrap();
        let mut request = [0; 6];
        stream.read_exact(&mut request).unwrap();
        stream.write_all("PONG 你好\n".as_bytes()).unwrap();
        // Held open: the run ends because it went quiet, not because we closed.
        let mut rest = Vec::new();
        stream.read_to_end(&mut rest).unwrap();
        request
    });
    let output = tcp_client_of(
        port,
        &[
            "--send-text",
            r"PING\r\n",
            "--escapes",
            "--exit-after-idle-ms",
            "1000",
        ],
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(&device.join().unwrap(), b"PING\r\n");
    let printed = stdout(&output);
    let lines: Vec<&str> = printed.lines().collect();
    let tx = lines
        .iter()
        .position(|l| l.contains(&format!("TX → 127.0.0.1:{port} (6 B)")));
    let rx = lines
        .iter()
        .position(|l| l.contains(&format!("RX ← 127.0.0.1:{port} (12 B)")));
    let (Some(tx), Some(rx)) = (tx, rx) else {
        panic!("{printed}");
    };
    assert_eq!(lines[tx + 1], "PING");
    assert_eq!(lines[rx + 1], "PONG 你好");
    assert!(
        lines.last().unwrap().contains("Closed: closed locally"),
        "{printed}"
    );
}

#[test]
fn quiet_prints_no_log_but_still_says_why_a_session_failed() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let device = std::thread::spawn(move || {
        let (mut stream, _) = server.accept().unwrap();
        let mut request = [0; 4];
        stream.read_exact(&mut request).unwrap();
        stream.write_all(b"PONG\n").unwrap();
        request
    });
    let output = tcp_client_of(
        port,
        &[
            "--send-text",
            "PING",
            "--quiet",
            "--exit-after-idle-ms",
            "500",
        ],
    );
    assert!(output.status.success(), "{output:?}");
    // It sent and heard as without --quiet; it only printed nothing of it.
    assert_eq!(&device.join().unwrap(), b"PING");
    assert_eq!(stdout(&output), "");

    let closed = common::free_port();
    let output = tcp_client_of(closed, &["--send-text", "never sent", "--quiet"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("the session did not open"), "{stderr}");
}

#[test]
fn a_modbus_tcp_answer_cut_by_tcp_prints_as_one_message() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let device = std::thread::spawn(move || {
        let (mut stream, _) = server.accept().unwrap();
        stream.set_nodelay(true).unwrap();
        let mut request = [0; 12];
        stream.read_exact(&mut request).unwrap();
        // The answer in three writes, its header cut in two.
        let answer = [0, 1, 0, 0, 0, 5, 1, 3, 2, 0, 42];
        for piece in [&answer[..4], &answer[4..9], &answer[9..]] {
            stream.write_all(piece).unwrap();
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut rest = Vec::new();
        stream.read_to_end(&mut rest).unwrap();
        request
    });
    let output = tcp_client_of(
        port,
        &[
            "--send-hex",
            "00 01 00 00 00 06 01 03 00 00 00 01",
            "--split-length",
            "4:u16be",
            "--show",
            "hex",
            "--exit-after-idle-ms",
            "1000",
        ],
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(device.join().unwrap(), [0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 1]);
    let printed = stdout(&output);
    assert_eq!(printed.matches("RX ←").count(), 1, "{printed}");
    assert!(
        printed.contains(&format!("RX ← 127.0.0.1:{port} (11 B)")),
        "{printed}"
    );
    assert!(
        printed.contains("0000  00 01 00 00 00 05 01 03 02 00 2A"),
        "{printed}"
    );
}

#[test]
fn a_session_that_cannot_open_exits_with_the_reason() {
    let port = common::free_port();
    let output = tcp_client_of(port, &["--send-text", "never sent"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "the session did not open: cannot connect to 127.0.0.1:{port}"
        )),
        "{stderr}"
    );
    assert!(!stdout(&output).contains("TX"));
}

#[test]
fn udp_asks_a_modbus_device_once_and_prints_its_checked_answer() {
    // Holding register 0 is 42, with its CRC16/MODBUS.
    let (target, answering) = udp_device_answering(&[0x01, 0x03, 0x02, 0x00, 0x2A, 0x39, 0x9B]);
    // The README's example.
    let output = udp_to(
        &target,
        &[
            "--send-hex",
            "01 03 00 00 00 01",
            "--checksum",
            "crc16-modbus",
            "--show",
            "hex",
            "--check",
            "crc16-modbus",
            "--exit-after-idle-ms",
            "1000",
        ],
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        answering.join().unwrap(),
        [0x01, 0x03, 0x00, 0x00, 0x00, 0x01, 0x84, 0x0A]
    );
    let printed = stdout(&output);
    assert!(
        printed.contains(&format!("RX ← {target} (7 B)")),
        "{printed}"
    );
    assert!(printed.contains("· CRC16/MODBUS OK"), "{printed}");
    assert!(printed.contains("0000  01 03 02 00 2A 39 9B"), "{printed}");
}

#[test]
fn a_file_goes_to_a_udp_device_in_paced_packets_and_the_run_ends_when_idle() {
    let device = UdpSocket::bind("127.0.0.1:0").unwrap();
    device
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let target = device.local_addr().unwrap().to_string();
    let firmware: Vec<u8> = (0..100u8).collect();
    let path = std::env::temp_dir().join(format!("netdebug-headless-{}.bin", std::process::id()));
    std::fs::write(&path, &firmware).unwrap();
    let receiving = std::thread::spawn(move || {
        let mut datagrams = Vec::new();
        let mut buffer = [0; 256];
        while datagrams.iter().map(Vec::len).sum::<usize>() < 100 {
            let (len, _) = device.recv_from(&mut buffer).unwrap();
            datagrams.push(buffer[..len].to_vec());
        }
        datagrams
    });
    let output = udp_to(
        &target,
        &[
            "--send-file",
            path.to_str().unwrap(),
            "--file-packet-size",
            "32",
            "--file-interval-ms",
            "5",
            "--exit-after-idle-ms",
            "500",
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let datagrams = receiving.join().unwrap();
    let sizes: Vec<_> = datagrams.iter().map(Vec::len).collect();
    assert_eq!(sizes, [32, 32, 32, 4]);
    assert_eq!(datagrams.concat(), firmware);
    let printed = stdout(&output);
    assert_eq!(
        printed.matches(&format!("TX → {target} (32 B)")).count(),
        3,
        "{printed}"
    );
    assert!(printed.contains("File sent"), "{printed}");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_headless_echo_server_answers_its_clients() {
    // Port 0 would leave us guessing the port.
    let port = common::free_port();
    let server = std::thread::spawn(move || {
        netdebug(&[
            "--mode",
            "tcp-server",
            "--address",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--echo",
            "--exit-after-idle-ms",
            "3000",
        ])
    });
    let mut client = common::connect_when_listening(port);
    client.write_all(b"hello").unwrap();
    let mut echoed = [0; 5];
    client.read_exact(&mut echoed).unwrap();
    assert_eq!(&echoed, b"hello");
    drop(client);
    let output = server.join().unwrap();
    assert!(output.status.success(), "{output:?}");
    let printed = stdout(&output);
    assert!(
        printed.contains(&format!("Listening on 127.0.0.1:{port}")),
        "{printed}"
    );
    assert!(printed.contains("· auto reply"), "{printed}");
}

/// Ctrl+C ends a run that would otherwise go on (a server with no idle exit) cleanly: the
/// saved file complete, the log printed, status 0.
#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_ends_a_headless_server_with_its_file_complete() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    let port = common::free_port();
    let dir = std::env::temp_dir().join(format!("netdebug-headless-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let saved = dir.join("received.bin");
    let child = Command::new(env!("CARGO_BIN_EXE_netdebug"))
        .args(["--headless", "--lang", "en", "--mode", "tcp-server"])
        .args(["--address", "127.0.0.1", "--port", &port.to_string()])
        .arg("--save")
        .arg(&saved)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut client = common::connect_when_listening(port);
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    client.write_all(&data).unwrap();
    // Until the file has it all: then the interrupt finds nothing in flight.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while std::fs::metadata(&saved).map_or(0, |m| m.len()) < data.len() as u64 {
        assert!(
            std::time::Instant::now() < deadline,
            "the file never filled"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    kill(
        Pid::from_raw(i32::try_from(child.id()).unwrap()),
        Signal::SIGINT,
    )
    .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(std::fs::read(&saved).unwrap(), data);
    let printed = stdout(&output);
    assert!(printed.contains("Client joined"), "{printed}");
    assert!(printed.contains("Closed: closed locally"), "{printed}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn show_escapes_prints_what_a_modem_answers_byte_for_byte() {
    // An answer whose line endings and stray bytes plain text would hide.
    let (target, answering) = udp_device_answering(b"\r\nOK\r\n\x00\xFF");
    let output = udp_to(
        &target,
        &[
            "--send-text",
            r"AT\r",
            "--escapes",
            "--show-escapes",
            "--exit-after-idle-ms",
            "1000",
        ],
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(answering.join().unwrap(), b"AT\r");
    let printed = stdout(&output);
    let lines: Vec<&str> = printed.lines().collect();
    let tx = lines.iter().position(|l| l.contains("TX →")).unwrap();
    let rx = lines.iter().position(|l| l.contains("RX ←")).unwrap();
    assert_eq!(lines[tx + 1], r"AT\r", "{printed}");
    assert_eq!(
        lines[rx + 1..rx + 4],
        [r"\r\n", r"OK\r\n", r"\0\xFF"],
        "{printed}"
    );
}

#[test]
fn a_relay_passes_both_ways_injects_and_prints_each_way_marked() {
    let upstream = TcpListener::bind("127.0.0.1:0").unwrap();
    let upstream_addr = upstream.local_addr().unwrap().to_string();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = upstream.accept().unwrap();
        let mut request = [0; 7];
        stream.read_exact(&mut request).unwrap();
        stream.write_all(b"answer").unwrap();
        let mut rest = Vec::new();
        stream.read_to_end(&mut rest).unwrap();
        request
    });
    let port = common::free_port();
    let client = std::thread::spawn(move || {
        let mut stream = common::connect_when_listening(port);
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        // Sent once the client is there: the injected greeting.
        let mut greeting = [0; 5];
        stream.read_exact(&mut greeting).unwrap();
        stream.write_all(b"request").unwrap();
        let mut answer = [0; 6];
        stream.read_exact(&mut answer).unwrap();
        // Held open: the run ends because it went quiet.
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
        [greeting.to_vec(), answer.to_vec()]
    });
    let output = relay_on(
        port,
        &upstream_addr,
        &["--send-text", "hello", "--exit-after-idle-ms", "1500"],
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(&server.join().unwrap(), b"request");
    assert_eq!(
        client.join().unwrap(),
        [b"hello".to_vec(), b"answer".to_vec()]
    );
    let printed = stdout(&output);
    let lines: Vec<&str> = printed.lines().collect();
    let after = |mark: &str| {
        let at = lines
            .iter()
            .position(|line| line.contains(mark))
            .unwrap_or_else(|| panic!("no {mark:?} in {printed}"));
        lines[at + 1]
    };
    assert_eq!(after("upstream→client"), "hello", "{printed}");
    assert_eq!(after("client→upstream"), "request", "{printed}");
    assert!(printed.contains("(5 B) · injected"), "{printed}");
    assert!(
        printed.contains(&format!("connected to upstream {upstream_addr}")),
        "{printed}"
    );
    assert!(printed.contains("(6 B)\nanswer"), "{printed}");
}

#[test]
fn a_udp_relay_from_the_command_line_passes_a_question_and_its_answer() {
    let upstream = UdpSocket::bind("127.0.0.1:0").unwrap();
    upstream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let upstream_addr = upstream.local_addr().unwrap().to_string();
    let server = std::thread::spawn(move || {
        let mut buffer = [0; 64];
        let (len, from) = upstream.recv_from(&mut buffer).unwrap();
        upstream.send_to(b"pong", from).unwrap();
        buffer[..len].to_vec()
    });
    // A UDP port that was free a moment ago.
    let port = UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let device = std::thread::spawn(move || {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        // Until the relay is bound and answers.
        let mut buffer = [0; 64];
        for _ in 0..50 {
            socket.send_to(b"ping", ("127.0.0.1", port)).unwrap();
            if let Ok(len) = socket.recv(&mut buffer) {
                return buffer[..len].to_vec();
            }
        }
        Vec::new()
    });
    let output = relay_on(
        port,
        &upstream_addr,
        &["--relay-udp", "--exit-after-idle-ms", "1500"],
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(server.join().unwrap(), b"ping");
    assert_eq!(device.join().unwrap(), b"pong");
    let printed = stdout(&output);
    assert!(printed.contains("client→upstream"), "{printed}");
    assert!(printed.contains("upstream→client"), "{printed}");
    assert!(printed.contains("(4 B)\npong"), "{printed}");
}

#[test]
fn headless_prints_no_diagnostics_unless_rust_log_asks_and_never_colours_a_pipe() {
    let run = |rust_log: Option<&str>| {
        let args = [
            "--mode",
            "udp",
            "--address",
            "127.0.0.1",
            "--port",
            "0",
            "--exit-after-idle-ms",
            "200",
        ];
        let output = netdebug_logging(&args, rust_log);
        assert!(output.status.success(), "{output:?}");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    // By default only warnings and errors, and a UDP socket that opens and idles has none.
    let quiet = run(None);
    assert!(quiet.is_empty(), "{quiet}");
    // Asked for, the app says what it does; stderr is a pipe here, so without colour codes.
    let told = run(Some("netdebug=info"));
    assert!(told.contains("opening session"), "{told}");
    assert!(!told.contains('\u{1b}'), "{told:?}");
}

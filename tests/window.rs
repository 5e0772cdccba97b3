//! The real binary in a real window: it starts, draws the interface and photographs it, with
//! OpenGL and, where OpenGL is missing, with wgpu instead; its command line opens a server
//! or connects a client, and starts a cycle send that a socket receives; its settings and its
//! window size outlive a restart, and damaged settings fall back to defaults; on a Chinese
//! system it starts in Chinese.
//!
//! Needs Xvfb (and, for wgpu, a Vulkan driver such as Mesa's lavapipe). Where Xvfb is missing
//! the tests say so and pass, unless `NETDEBUG_REQUIRE_DISPLAY` is set, as `.ci/run` sets it
//! after installing both, in which case they fail.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;

use std::collections::HashSet;
use std::io::{BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::xvfb::Xvfb;
use common::{connect_when_listening, free_port};
use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{AtomEnum, ConfigureWindowAux, ConnectionExt as _, MapState, Window};
use x11rb::rust_connection::RustConnection;

/// Xvfb with `extra` arguments, or `None` (after [`common::skip_unless_required`]) where
/// there is none.
fn virtual_display(extra: &[&str]) -> Option<Xvfb> {
    match Xvfb::start(extra) {
        Ok(xvfb) => Some(xvfb),
        Err(error) => {
            common::skip_unless_required(
                "NETDEBUG_REQUIRE_DISPLAY",
                &format!("no Xvfb here ({error}); apt-get install xvfb"),
            );
            None
        }
    }
}

/// A fresh directory for the app's settings, runtime files and screenshot, removed when
/// dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("netdebug-window-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Where eframe keeps the app's settings under the `XDG_DATA_HOME` that [`run_app`] sets.
fn settings_file(dir: &Path) -> PathBuf {
    dir.join("netdebug").join("app.ron")
}

/// The command line that presets a TCP server on 127.0.0.1:`port` with labels in `lang`.
fn server_preset<'a>(lang: &'a str, port: &'a str) -> [&'a str; 8] {
    [
        "--lang",
        lang,
        "--mode",
        "tcp-server",
        "--address",
        "127.0.0.1",
        "--port",
        port,
    ]
}

/// Where the app run in `dir` writes its screenshot.
fn shot(dir: &Path) -> PathBuf {
    dir.join("window.png")
}

/// The app with fresh settings in `dir` on `display`, photographing itself after a moment
/// and closing; `env` adds to its environment.
fn run_app(display: &Xvfb, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_netdebug"))
        .arg("--screenshot")
        .arg(shot(dir))
        .args(["--screenshot-delay-ms", "1500", "--quit-after-screenshot"])
        .args(args)
        .env("DISPLAY", &display.name)
        .env("XDG_RUNTIME_DIR", dir)
        .env("XDG_DATA_HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .env("RUST_LOG", "netdebug=info")
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the app")
}

/// How a run of the app ended, and what it logged.
struct Finished {
    status: ExitStatus,
    log: String,
}

/// Waits for the app to close by itself, killing it after a minute. Its log is read as it
/// comes, so a chatty app never blocks on a full pipe.
fn finish(mut app: Child) -> Finished {
    let mut stderr = app.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut log = String::new();
        let _ = stderr.read_to_string(&mut log);
        log
    });
    let deadline = Instant::now() + Duration::from_mins(1);
    let status = loop {
        if let Some(status) = app.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = app.kill();
            let _ = app.wait();
            panic!(
                "the app did not close after its screenshot: {}",
                reader.join().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Finished {
        status,
        log: reader.join().unwrap(),
    }
}

/// The app's window on `display` once it is on screen (its title starts with "NetDebug"), with
/// its title, and the connection that found it.
fn app_window(display: &Xvfb) -> (RustConnection, Window, String) {
    let (x, screen) = x11rb::connect(Some(&display.name)).unwrap();
    let root = x.setup().roots[screen].root;
    let title_atom = x
        .intern_atom(false, b"_NET_WM_NAME")
        .unwrap()
        .reply()
        .unwrap()
        .atom;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        for window in x.query_tree(root).unwrap().reply().unwrap().children {
            let title = x
                .get_property(false, window, title_atom, AtomEnum::ANY, 0, 256)
                .unwrap()
                .reply()
                .unwrap()
                .value;
            let attributes = x.get_window_attributes(window).unwrap().reply().unwrap();
            if title.starts_with(b"NetDebug") && attributes.map_state == MapState::VIEWABLE {
                let title = String::from_utf8(title).unwrap();
                return (x, window, title);
            }
        }
        assert!(Instant::now() < deadline, "the app's window never appeared");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Resizes the app's window on `display` to `size` pixels once it is on screen, as a person
/// dragging its corner would (Xvfb has no window manager to ask, so straight to X).
///
/// Just after it appears, the app may still be setting its own first size, which can land
/// after ours: the size is asked for again until the window has kept it for a while.
fn resize_window(display: &Xvfb, size: [u32; 2]) {
    let (x, window, _) = app_window(display);
    let wanted = ConfigureWindowAux::new().width(size[0]).height(size[1]);
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut kept = 0;
    while kept < 3 {
        assert!(
            Instant::now() < deadline,
            "the window would not keep its new size"
        );
        let geometry = x.get_geometry(window).unwrap().reply().unwrap();
        if [u32::from(geometry.width), u32::from(geometry.height)] == size {
            kept += 1;
        } else {
            kept = 0;
            x.configure_window(window, &wanted).unwrap();
            x.flush().unwrap();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The picture's size and how many colours it uses: an interface with text and widgets
/// has many, a blank or single-colour window has one or two.
fn picture(path: &Path) -> ([u32; 2], usize) {
    let decoder = png::Decoder::new(BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let colours: HashSet<&[u8]> = pixels[..info.buffer_size()].chunks(4).collect();
    ([info.width, info.height], colours.len())
}

/// Asserts the app run in `dir` exited well and drew its whole default window with text on
/// it.
fn assert_drew_the_interface(run: &Finished, dir: &Path) {
    let log = &run.log;
    assert!(run.status.success(), "the app failed: {log}");
    let (size, colours) = picture(&shot(dir));
    assert_eq!(size, [1024, 700], "the default window size");
    assert!(colours > 50, "only {colours} colours: nothing drawn? {log}");
}

/// Reads exactly `len` bytes from `peer`, waiting at most 30 s.
fn read_bytes(peer: &mut TcpStream, len: usize) -> Vec<u8> {
    peer.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut bytes = vec![0; len];
    peer.read_exact(&mut bytes).unwrap();
    bytes
}

#[test]
fn the_window_draws_with_opengl_and_its_command_line_opens_a_server() {
    let Some(display) = virtual_display(&[]) else {
        return;
    };
    let port = free_port();
    let dir = Scratch::new("opengl");
    let cycle = ["--open", "--send-text", "ping", "--cycle-ms", "100"];
    let app = run_app(
        &display,
        &dir.0,
        &[&server_preset("zh", &port.to_string())[..], &cycle].concat(),
        &[],
    );
    // The server the command line opened takes a connection while the window is up, and its
    // cycle send, waiting for a client, starts once one has joined.
    let mut peer = connect_when_listening(port);
    peer.write_all("你好".as_bytes()).unwrap();
    assert_eq!(read_bytes(&mut peer, 8), b"pingping");
    // The window's title says what it is, for the task bar.
    let listening = format!("NetDebug 网络调试助手 — 正在监听 127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, _, title) = app_window(&display);
        if title == listening {
            break;
        }
        assert!(Instant::now() < deadline, "the title stayed {title:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = finish(app);
    let log = &output.log;
    assert!(!log.contains("drawing with wgpu"), "{log}");
    assert_drew_the_interface(&output, &dir.0);
}

#[test]
fn the_command_line_connects_a_client_that_sends_hex_every_period() {
    let Some(display) = virtual_display(&[]) else {
        return;
    };
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let dir = Scratch::new("client");
    let args = [
        "--mode",
        "tcp-client",
        "--address",
        "127.0.0.1",
        "--port",
        &port,
        "--open",
        "--send-hex",
        "41 42 0D 0A",
        "--cycle-ms",
        "50",
    ];
    let app = run_app(&display, &dir.0, &args, &[]);
    let (mut peer, _) = listener.accept().unwrap();
    assert_eq!(read_bytes(&mut peer, 8), b"AB\r\nAB\r\n");
    let output = finish(app);
    assert_drew_the_interface(&output, &dir.0);
}

#[test]
fn the_command_line_starts_an_echo_server() {
    let Some(display) = virtual_display(&[]) else {
        return;
    };
    let port = free_port();
    let dir = Scratch::new("echo");
    let app = run_app(
        &display,
        &dir.0,
        &[
            &server_preset("en", &port.to_string())[..],
            &["--open", "--echo"],
        ]
        .concat(),
        &[],
    );
    let mut peer = connect_when_listening(port);
    peer.write_all("回声 echo".as_bytes()).unwrap();
    assert_eq!(read_bytes(&mut peer, 11), "回声 echo".as_bytes());
    let output = finish(app);
    assert_drew_the_interface(&output, &dir.0);
}

#[test]
fn without_opengl_the_window_draws_with_wgpu() {
    // No GLX on the display and no EGL vendor to load: OpenGL cannot start at all.
    let Some(display) = virtual_display(&["-extension", "GLX"]) else {
        return;
    };
    let dir = Scratch::new("wgpu");
    let app = run_app(
        &display,
        &dir.0,
        &[],
        &[("__EGL_VENDOR_LIBRARY_DIRS", "/nonexistent")],
    );
    let output = finish(app);
    let log = &output.log;
    assert!(
        log.contains("OpenGL could not start; drawing with wgpu instead"),
        "{log}"
    );
    assert_drew_the_interface(&output, &dir.0);
}

#[test]
fn settings_are_remembered_and_a_corrupt_settings_file_starts_from_defaults() {
    let Some(display) = virtual_display(&[]) else {
        return;
    };
    let dir = Scratch::new("settings");
    let port = free_port();
    // First run: choose TCP Server on a port, in English; closing saves the settings.
    let first = run_app(
        &display,
        &dir.0,
        &server_preset("en", &port.to_string()),
        &[],
    );
    assert_drew_the_interface(&finish(first), &dir.0);
    let saved = std::fs::read_to_string(settings_file(&dir.0)).expect("settings saved on close");
    assert!(saved.contains(&port.to_string()), "{saved}");

    // Second run, told only to open: it listens on the remembered mode, address and port.
    let second = run_app(&display, &dir.0, &["--open"], &[]);
    drop(connect_when_listening(port));
    assert_drew_the_interface(&finish(second), &dir.0);

    // Damaged settings: the app starts from the defaults, says so, and draws as usual.
    std::fs::write(
        settings_file(&dir.0),
        "{\n    \"netdebug.settings\": \"(version:1,port:\",\n}\n",
    )
    .unwrap();
    let third = finish(run_app(&display, &dir.0, &[], &[]));
    let log = &third.log;
    assert!(log.contains("saved settings could not be read"), "{log}");
    assert_drew_the_interface(&third, &dir.0);

    // A file that is not settings at all: the same, without a word from us (eframe drops it).
    std::fs::write(settings_file(&dir.0), "\u{0}not ron {{{").unwrap();
    assert_drew_the_interface(&finish(run_app(&display, &dir.0, &[], &[])), &dir.0);
}

#[test]
fn the_window_size_is_remembered() {
    let Some(display) = virtual_display(&[]) else {
        return;
    };
    let dir = Scratch::new("size");
    // First run: the window is made smaller than the default while it is up; a later
    // screenshot gives the resize time to land.
    let args = ["--lang", "en", "--screenshot-delay-ms", "4000"];
    let first = run_app(&display, &dir.0, &args, &[]);
    resize_window(&display, [900, 600]);
    let first = finish(first);
    assert!(first.status.success(), "the app failed: {}", first.log);
    assert_eq!(picture(&shot(&dir.0)).0, [900, 600], "the resized window");

    // Second run: it opens at the size it had when it closed.
    let second = finish(run_app(&display, &dir.0, &["--lang", "en"], &[]));
    assert!(second.status.success(), "the app failed: {}", second.log);
    let (size, colours) = picture(&shot(&dir.0));
    assert_eq!(size, [900, 600], "the remembered size");
    assert!(colours > 50, "only {colours} colours: nothing drawn?");
}

#[test]
fn a_chinese_system_starts_in_chinese() {
    let Some(display) = virtual_display(&[]) else {
        return;
    };
    let dir = Scratch::new("locale");
    // No --lang and no saved settings: the system's locale decides.
    let app = run_app(&display, &dir.0, &[], &[("LC_ALL", "zh_CN.UTF-8")]);
    let (_, _, title) = app_window(&display);
    assert_eq!(title, "NetDebug 网络调试助手");
    assert_drew_the_interface(&finish(app), &dir.0);
}

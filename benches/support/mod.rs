//! Shared by the benchmarks: process figures from /proc, and a display for the GUI ones.
//! Lints are relaxed by each benchmark's own crate root, which includes this module.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use netdebug::net::{Engine, EventReceiver, Session};

#[path = "../../tests/common/xvfb.rs"]
mod xvfb;

/// The TLS tests' rustls peers and certificates, for the TLS benchmark.
#[path = "../../tests/common/tls.rs"]
pub mod tls;

/// `len` random bytes, the same each run (xorshift64*, enough to be no text).
pub fn random_bytes(len: usize) -> Vec<u8> {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len.div_ceil(8))
        .flat_map(|_| {
            seed ^= seed >> 12;
            seed ^= seed << 25;
            seed ^= seed >> 27;
            seed.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes()
        })
        .take(len)
        .collect()
}

/// A multi-thread runtime like the app's: two named workers.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("bench-net")
        .enable_all()
        .build()
        .unwrap()
}

/// A session of an engine that wakes no one.
pub fn session(runtime: &tokio::runtime::Runtime) -> (Session, EventReceiver) {
    let (engine, events) = Engine::new(runtime.handle().clone(), Arc::new(|_| {}));
    (engine.session(), events)
}

/// Opens `config` the way the window does and applies events until the session is bound or
/// listening; the window state and the local address.
pub fn open_and_wait(
    session: &mut Session,
    events: &mut EventReceiver,
    config: netdebug::net::SessionConfig,
) -> (netdebug::workspace::SessionState, std::net::SocketAddr) {
    let mut state = netdebug::workspace::SessionState::default();
    state.opened(session.open(config));
    let start = std::time::Instant::now();
    loop {
        for event in events.drain() {
            state.apply(event);
        }
        if let Some(local) = state.connection.local_addr() {
            return (state, local);
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the session never opened"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Where a benchmark's save-to-file goes to measure NetDebug rather than the disk: RAM
/// (`/dev/shm`) where there is one, else the system temp directory.
pub fn ram_dir() -> std::path::PathBuf {
    let ram = std::path::Path::new("/dev/shm");
    if ram.is_dir() {
        ram.to_owned()
    } else {
        std::env::temp_dir()
    }
}

/// The bare reference: `total` bytes of `chunk` (sent over and over) over loopback TCP into
/// the file at `path` by a plain read/write loop. The time from the first byte read until the
/// last is written (no sync: NetDebug's save-to-file does not sync either).
pub fn bare_read_to_file(chunk: &[u8], total: u64, path: &std::path::Path) -> Duration {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let local = listener.local_addr().unwrap();
    let reader_path = path.to_owned();
    let reader = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut file = std::fs::File::create(&reader_path).unwrap();
        let mut buffer = vec![0; 64 << 10];
        let mut start = None;
        let mut got = 0;
        while got < total {
            let n = stream.read(&mut buffer).unwrap();
            assert!(n > 0, "the bare reader's peer left early");
            start.get_or_insert_with(std::time::Instant::now);
            file.write_all(&buffer[..n]).unwrap();
            got += n as u64;
        }
        start.unwrap().elapsed()
    });
    let mut stream = std::net::TcpStream::connect(local).unwrap();
    for _ in 0..total / chunk.len() as u64 {
        stream.write_all(chunk).unwrap();
    }
    drop(stream);
    let elapsed = reader.join().unwrap();
    let _ = std::fs::remove_file(path);
    elapsed
}

/// Whether the file at `path` is `chunk` repeated to `total` bytes (a multiple of it).
pub fn holds_repeated(path: &std::path::Path, chunk: &[u8], total: u64) -> bool {
    use std::io::Read;
    let mut file = std::fs::File::open(path).unwrap();
    let mut piece = vec![0; chunk.len()];
    for _ in 0..total / chunk.len() as u64 {
        if file.read_exact(&mut piece).is_err() || piece != chunk {
            return false;
        }
    }
    file.read(&mut piece).unwrap() == 0
}

/// A port on 127.0.0.1 nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Connects to `port` on 127.0.0.1 once something listens there, waiting up to `wait`.
pub fn connect_when_listening(port: u16, wait: Duration) -> std::net::TcpStream {
    let deadline = std::time::Instant::now() + wait;
    loop {
        match std::net::TcpStream::connect(("127.0.0.1", port)) {
            Ok(stream) => return stream,
            Err(error) => {
                assert!(
                    std::time::Instant::now() < deadline,
                    "never listening: {error}"
                );
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
}

/// `socat -u TCP-LISTEN:… OPEN:<path>` taking `total` bytes of `chunk` into the file at
/// `path`: the reference the issues measure against. The time from connecting until socat
/// has written everything and ended; `None` where socat is not installed.
pub fn socat_to_file(chunk: &[u8], total: u64, path: &std::path::Path) -> Option<Duration> {
    use std::io::Write;
    let port = free_port();
    let mut socat = Command::new("socat")
        .arg("-u")
        .arg(format!("TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr"))
        .arg(format!("OPEN:{},creat,trunc", path.display()))
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stream = connect_when_listening(port, Duration::from_secs(10));
    let start = std::time::Instant::now();
    for _ in 0..total / chunk.len() as u64 {
        stream.write_all(chunk).unwrap();
    }
    drop(stream);
    let status = socat.wait().unwrap();
    let elapsed = start.elapsed();
    assert!(status.success(), "socat failed: {status}");
    assert_eq!(
        std::fs::metadata(path).unwrap().len(),
        total,
        "socat lost bytes"
    );
    let _ = std::fs::remove_file(path);
    Some(elapsed)
}

/// Writes `total` bytes (a multiple of `chunk`) to `stream`, `chunk` bytes at a time, as a
/// sender that goes as fast as it can.
pub fn send_total(stream: &mut impl std::io::Write, total: u64, chunk: usize) {
    let bytes = vec![0x5Au8; chunk];
    let mut sent = 0u64;
    while sent < total {
        stream.write_all(&bytes).unwrap();
        sent += chunk as u64;
    }
}

/// Opens the server `config` with save-to-file (raw) into `path`, has `send` send `total`
/// bytes to the address it listens on, and drains the events as the window would, keeping
/// nothing; MB/s from the send's start until the file holds every byte (asserted).
pub fn save_received(
    runtime: &tokio::runtime::Runtime,
    config: netdebug::net::SessionConfig,
    path: &std::path::Path,
    total: u64,
    send: impl FnOnce(std::net::SocketAddr) -> std::thread::JoinHandle<()>,
) -> f64 {
    use netdebug::net::EventKind;
    let (mut session, mut events) = session(runtime);
    session
        .start_capture(path, netdebug::net::CaptureFormat::Raw)
        .unwrap();
    session.open(config);
    let addr = loop {
        if let Some(EventKind::Listening { local }) = events.drain().next().map(|e| e.kind) {
            break local;
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let start = std::time::Instant::now();
    let sender = send(addr);
    let mut received = 0u64;
    while received < total {
        for event in events.drain() {
            if let EventKind::Received { bytes, .. } = event.kind {
                received += bytes.len() as u64;
            }
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let written = session.stop_capture().unwrap().wait().unwrap();
    let elapsed = start.elapsed();
    // A sender that waits for the server to close (as the TLS one does) ends here.
    session.close();
    sender.join().unwrap();
    assert_eq!(written, total, "the file holds every byte");
    std::fs::remove_file(path).unwrap();
    total as f64 / 1e6 / elapsed.as_secs_f64()
}

/// Resident memory of a process in bytes (VmRSS), Linux only.
pub fn rss_bytes(pid: u32) -> Option<u64> {
    memory_bytes(&pid.to_string(), "VmRSS:")
}

/// The peak resident memory of this process so far in bytes (VmHWM), Linux only.
pub fn peak_rss_bytes() -> Option<u64> {
    memory_bytes("self", "VmHWM:")
}

/// A memory figure (given in kB) from /proc/`pid`/status, in bytes.
fn memory_bytes(pid: &str, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// User + system CPU time a process has used, Linux only.
pub fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    // Clock ticks are 100 per second on every Linux configuration in use.
    Some(Duration::from_millis((utime + stime) * 10))
}

/// Resident memory of a process split by where it lives, in bytes, from /proc/PID/smaps
/// (Linux only): the graphics driver's libraries (Mesa, LLVM, GL, Vulkan, X), the NetDebug
/// binary, anonymous memory (heap, stacks, textures a software driver keeps), and the rest
/// (other libraries, mapped fonts).
#[derive(Debug, Default, Clone, Copy)]
pub struct RssBreakdown {
    pub graphics_driver: u64,
    pub binary: u64,
    pub anonymous: u64,
    pub other: u64,
}

impl RssBreakdown {
    pub fn of(pid: u32) -> Option<Self> {
        let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).ok()?;
        let binary = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
        let binary = binary.to_string_lossy().into_owned();
        let mut split = Self::default();
        let mut mapping = String::new();
        for line in smaps.lines() {
            let mut fields = line.split_whitespace();
            let Some(first) = fields.next() else { continue };
            if first.contains('-') && !first.ends_with(':') {
                // A mapping's header: range, perms, offset, device, inode, then the path.
                fields.nth(4).unwrap_or("").clone_into(&mut mapping);
            } else if first == "Rss:" {
                let kb: u64 = fields.next()?.parse().ok()?;
                let bytes = kb * 1024;
                let name = mapping.rsplit('/').next().unwrap_or("");
                let driver = [
                    "libLLVM",
                    "_dri.so",
                    "libgallium",
                    "libvulkan",
                    "libGL",
                    "libEGL",
                    "libglapi",
                    "libX",
                    "libxcb",
                    "libz3",
                    "libstdc++",
                    "libdrm",
                    "libwayland",
                    "libxshmfence",
                    "libexpat",
                    "libsensors",
                    "libelf",
                    "libedit",
                    "libicu",
                    "libtinfo",
                    "libxml2",
                    "libzstd",
                    "libffi",
                    "libgbm",
                    "SYSV",
                ];
                if mapping == binary {
                    split.binary += bytes;
                } else if mapping.is_empty() || mapping.starts_with('[') {
                    split.anonymous += bytes;
                } else if driver.iter().any(|d| name.contains(d)) {
                    split.graphics_driver += bytes;
                } else {
                    split.other += bytes;
                }
            }
        }
        Some(split)
    }

    pub fn total(&self) -> u64 {
        self.graphics_driver + self.binary + self.anonymous + self.other
    }
}

/// Datagrams the kernel dropped for the UDP socket bound to `port` on 127.0.0.1, from
/// /proc/net/udp (its last column).
pub fn udp_drops(port: u16) -> Option<u64> {
    let table = std::fs::read_to_string("/proc/net/udp").ok()?;
    let wanted = format!("0100007F:{port:04X}");
    table
        .lines()
        .skip(1)
        .find(|l| l.split_whitespace().nth(1) == Some(wanted.as_str()))
        .and_then(|l| l.split_whitespace().last()?.parse().ok())
}

/// A display for the GUI benchmarks: the one in `DISPLAY`, or a fresh Xvfb. `None` (with a
/// message) when neither is available.
pub struct Display {
    /// Kept so the server runs as long as the display is in use.
    _xvfb: Option<xvfb::Xvfb>,
    pub name: String,
}

impl Display {
    pub fn get() -> Option<Self> {
        if let Ok(name) = std::env::var("DISPLAY") {
            return Some(Self { _xvfb: None, name });
        }
        match xvfb::Xvfb::start(&[]) {
            Ok(server) => Some(Self {
                name: server.name.clone(),
                _xvfb: Some(server),
            }),
            Err(error) => {
                println!("skipped: no DISPLAY and no Xvfb ({error}); apt-get install xvfb");
                None
            }
        }
    }

    /// The release app on this display, with extra arguments.
    pub fn spawn_app(&self, args: &[&str]) -> Child {
        let runtime_dir = std::env::temp_dir().join("netdebug-bench-xdg");
        let _ = std::fs::create_dir_all(&runtime_dir);
        Command::new(env!("CARGO_BIN_EXE_netdebug"))
            .args(args)
            .env("DISPLAY", &self.name)
            .env("XDG_RUNTIME_DIR", runtime_dir)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the app")
    }
}

/// Median and 99th percentile of a sample.
pub fn median_p99(samples: &mut [f64]) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples[i]
    };
    (at(0.5), at(0.99))
}

/// One line describing this machine, for the figures.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    format!("{cpu}, {cores} cores")
}

/// Waits for the app's `first-frame` line on its stdout, skipping anything else.
pub fn wait_for_first_frame(
    app: &mut Child,
) -> std::io::Lines<std::io::BufReader<std::process::ChildStdout>> {
    use std::io::BufRead;
    let mut lines = std::io::BufReader::new(app.stdout.take().unwrap()).lines();
    loop {
        let line = lines
            .next()
            .expect("the app exited before its first frame")
            .unwrap();
        if line == "first-frame" {
            return lines;
        }
    }
}

/// The real window's panels around a workspace, without eframe: for frame benchmarks.
pub struct Window {
    /// What the window draws.
    pub workspace: netdebug::workspace::Workspace,
    layout: netdebug::ui::Layout,
}

impl Window {
    /// A window of one session, `state`.
    pub fn new(state: netdebug::workspace::SessionState) -> Self {
        let shared = netdebug::workspace::Shared::new(state.language);
        let workspace = netdebug::workspace::Workspace::with_session(shared, state);
        let layout = netdebug::ui::Layout::new(&workspace);
        Self { workspace, layout }
    }

    /// The focused session's state.
    pub fn state(&mut self) -> &mut netdebug::workspace::SessionState {
        self.workspace.focused_state_mut()
    }

    /// Lays out one frame of the whole window, and applies the edits it returned.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let commands = netdebug::ui::window_ui(ui, &mut self.workspace, &mut self.layout);
        apply_edits(&mut self.workspace, commands);
    }
}

/// Applies what a frame asked of the sessions' own state (the log's width among it), as the
/// app does; what needs the engine is left out.
pub fn apply_edits(
    workspace: &mut netdebug::workspace::Workspace,
    commands: Vec<netdebug::ui::Command>,
) {
    use netdebug::ui::{Action, Command};
    for command in commands {
        if let Command::Session(id, Action::Edit(edit)) = command
            && let Some(tab) = workspace.tab_mut(id)
        {
            tab.state.edit(edit);
        }
    }
}

/// Sends `payload` to 127.0.0.1:`port` `rate` times a second for `seconds`, paced against
/// the clock, so the rate holds however long each send takes.
pub fn send_paced(payload: &[u8], port: u16, rate: u64, seconds: u64) {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let start = std::time::Instant::now();
    for i in 0..rate * seconds {
        let due = start + Duration::from_micros(i * 1_000_000 / rate);
        if let Some(wait) = due.checked_duration_since(std::time::Instant::now()) {
            std::thread::sleep(wait);
        }
        socket.send_to(payload, ("127.0.0.1", port)).unwrap();
    }
}

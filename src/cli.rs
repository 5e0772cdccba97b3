//! The command line: presets for the window (mode, addresses, send box, cycle send…), which
//! win over the remembered settings, and options for screenshots and benchmarks.

use std::path::PathBuf;

use clap::{ArgGroup, Parser, ValueEnum};

use crate::NetDebugApp;
use crate::codec::{Checksum, ChecksumSpan, InputMode, LineEnding, TextEncoding, parse_hex};
use crate::i18n::Language;
use crate::ui::Action;
use crate::workspace::{Mode, SessionState, SplitBy};

/// NetDebug, a network debugging assistant (网络调试助手) for TCP and UDP.
#[derive(Debug, Clone, Parser)]
// One field per command-line switch; the last of a repeated option wins, as in most
// command lines.
#[allow(clippy::struct_excessive_bools)]
#[command(version, about, args_override_self = true)]
#[command(group(ArgGroup::new("split_length_or_fixed").args(["split_length", "split_fixed"])))]
pub struct Args {
    /// Start in this mode: tcp-server, tcp-client, udp, relay
    #[arg(long, value_enum, hide_possible_values = true)]
    pub mode: Option<ModeArg>,
    /// Local address (server, UDP) or remote (client)
    ///
    /// Local for a TCP server, UDP and a relay; remote for a TCP client: an IPv4 or IPv6
    /// address, or for a client a name.
    #[arg(long)]
    pub address: Option<String>,
    /// Port (0 picks a free one where binding)
    #[arg(long)]
    pub port: Option<String>,
    /// UDP: where sends go, host:port
    #[arg(long, value_name = "HOST:PORT")]
    pub target: Option<String>,
    /// Relay: the server each client is relayed to
    ///
    /// A relay (`--mode relay`) connects each client on to it: a name or an IPv4/IPv6
    /// address, and the port.
    #[arg(long, value_name = "HOST:PORT")]
    pub upstream: Option<String>,
    /// Relay: relay UDP datagrams instead of TCP
    #[arg(long)]
    pub relay_udp: bool,
    /// Relay: impair what goes to the upstream
    ///
    /// Settings as `delay=50,jitter=10,rate=1000` (ms and
    /// bytes a second), for UDP also `loss=30,dup=5,reorder=5` (percent), for TCP also
    /// `write=4,gap=20,cut=1000` (re-cut into writes of 4 bytes 20 ms apart, cut off after
    /// 1000 bytes); any of them.
    #[arg(long, value_name = "SETTINGS", value_parser = impairment, requires = "upstream")]
    pub impair_up: Option<crate::net::Impairment>,
    /// Relay: impair what goes back to the clients
    ///
    /// The same settings as `--impair-up`.
    #[arg(long, value_name = "SETTINGS", value_parser = impairment, requires = "upstream")]
    pub impair_down: Option<crate::net::Impairment>,
    /// Relay: seed of the impairments' random choices
    ///
    /// The same seed and the same traffic meet the same fate: a run repeats exactly.
    #[arg(long, value_name = "N", requires = "upstream")]
    pub impair_seed: Option<u64>,
    /// UDP relay: forget a source quiet this long
    ///
    /// Milliseconds with nothing either way, 100 to 3600000; 60000 by default.
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(crate::workspace::RELAY_IDLE_MS))]
    pub relay_idle_ms: Option<u64>,
    /// Open (listen, connect or bind) at once
    ///
    /// With --workspace, every session of it (servers and UDP sockets first, so its clients
    /// find them).
    #[arg(long)]
    pub open: bool,
    /// Run without a window, printing the log
    ///
    /// Run without a window: open at once, send the send box once there is someone to send to
    /// (or cycle it with --cycle-ms), print the log to stdout as it grows, and end when the
    /// session does, after --exit-after-idle-ms of quiet, or on Ctrl+C. Remembered
    /// settings are not used, only the command line. Only warnings and errors go to stderr
    /// (`RUST_LOG=netdebug=info` for more). Exits with 1 if the session cannot open.
    #[arg(long)]
    pub headless: bool,
    /// With --headless: print nothing but errors
    ///
    /// No log lines, for a run whose data goes to a file (--save) and whose log nobody reads.
    #[arg(long, requires = "headless")]
    pub quiet: bool,
    /// With --headless: end after this long idle
    ///
    /// Milliseconds with nothing sent or received.
    #[arg(long, value_name = "MS", requires = "headless")]
    pub exit_after_idle_ms: Option<u64>,
    /// Text to put in the send box
    #[arg(long, value_name = "TEXT", conflicts_with = "send_hex")]
    pub send_text: Option<String>,
    /// Read escapes (\r \n \xNN …) in the send text
    ///
    /// \r \n \t \\ \0 \xNN, as in `--send-text 'AT\r\n'`.
    #[arg(long)]
    pub escapes: bool,
    /// Bytes in hex to put in the send box
    ///
    /// `01 02 ff`, `0102FF` or `0x01,0x02`; sent as hex.
    #[arg(long, value_name = "HEX", value_parser = checked_hex)]
    pub send_hex: Option<String>,
    /// Send the send box every this many ms
    ///
    /// Cycle send, at least 1 ms, from the moment something can receive it: once connected,
    /// bound, or for a server once a client joins.
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    pub cycle_ms: Option<u64>,
    /// With --cycle-ms: stop after this many sends
    #[arg(long, value_name = "N", requires = "cycle_ms", value_parser = clap::value_parser!(u64).range(1..))]
    pub cycle_times: Option<u64>,
    /// TCP client: give up connecting after this long
    ///
    /// Milliseconds, 100 to 600000; 5000 by default.
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(crate::workspace::CONNECT_TIMEOUT_MS))]
    pub connect_timeout_ms: Option<u64>,
    /// TCP client: connect again this long after it ends
    ///
    /// Milliseconds (100 to 600000) after the connection ends or an attempt fails; it goes on
    /// trying until Close.
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(crate::workspace::RECONNECT_MS))]
    pub auto_reconnect_ms: Option<u64>,
    /// Send this file once someone can receive it
    ///
    /// Streamed, as Send file… does, from the moment something can receive it.
    #[arg(long, value_name = "FILE")]
    pub send_file: Option<PathBuf>,
    /// Cut a sent file into packets of this size
    ///
    /// Bytes, 1 to 65507; by default 64 KiB chunks over TCP, 1400-byte datagrams over UDP.
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..=crate::net::MAX_FILE_PACKET as u64))]
    pub file_packet_size: Option<u64>,
    /// Wait this long between a file's packets
    ///
    /// Milliseconds from one packet to the next, 0 to 60000.
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(crate::workspace::FILE_INTERVAL_MS))]
    pub file_interval_ms: Option<u64>,
    /// Save everything received to this file
    ///
    /// From the start; the file is created or truncated.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// What --save writes: raw (default) or text
    ///
    /// raw: the bytes as received; text: the log, a timestamped line per event with the data
    /// decoded.
    #[arg(long, value_enum, requires = "save", hide_possible_values = true)]
    pub save_as: Option<SaveAsArg>,
    /// Auto reply: echo what arrives to its sender
    ///
    /// Everything that arrives goes straight back: an echo server.
    #[arg(long)]
    pub echo: bool,
    /// Auto reply: answer after this many ms
    ///
    /// As a slow device would; 0 to 60000.
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(crate::workspace::REPLY_DELAY_MS))]
    pub reply_delay_ms: Option<u64>,
    /// Show the RX/TX rate graph above the log
    #[arg(long)]
    pub rate_graph: bool,
    /// Leave what is sent out of the log
    ///
    /// Counting, saving and response times go on.
    #[arg(long)]
    pub hide_sent: bool,
    /// Show escapes for what would not show (\r \n …)
    ///
    /// Received and sent text shows \r \n \t \0 \\, and \xNN for other control
    /// characters and bytes that are no text.
    #[arg(long)]
    pub show_escapes: bool,
    /// TCP: merge reads this many ms apart in the log
    ///
    /// A read that follows the previous one from the same peer within this many ms joins its
    /// log entry (0 to 10000; 0, the default, merges nothing).
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(crate::workspace::MERGE_READS_MS))]
    pub merge_ms: Option<u64>,
    /// TCP: split received data after a delimiter
    ///
    /// One log entry per message however TCP cut the stream; escapes work: '\n', '\r\n',
    /// '\x03'.
    #[arg(long, value_name = "DELIMITER", value_parser = checked_escapes)]
    pub split_at: Option<String>,
    /// TCP: split received data by a length field
    ///
    /// The field in each message's header, given as `OFFSET:WIDTH[:ADJUST]`: the field's
    /// offset from the message's start, its width
    /// (u8, u16be, u16le, u32be, u32le) and what to add to its value to give the bytes after
    /// the field. '4:u16be' is Modbus TCP; '2:u8:+2' a one-byte length at offset 2 that leaves
    /// out a 2-byte checksum.
    #[arg(long, value_name = "SPEC", conflicts_with_all = ["split_at", "split_fixed"])]
    pub split_length: Option<crate::codec::LengthField>,
    /// TCP: split received data every this many bytes
    #[arg(long, value_name = "BYTES", conflicts_with = "split_at", value_parser = fixed_size)]
    pub split_fixed: Option<usize>,
    /// With a split: the bytes each message starts with
    ///
    /// With --split-length or --split-fixed: the frame start (帧头), in hex ('AA 55'). Where
    /// it is missing, what comes before its next occurrence is cut off as a piece of its own,
    /// so a stream that lost step finds its frames again.
    #[arg(long, value_name = "HEX", value_parser = checked_hex)]
    #[arg(requires = "split_length_or_fixed")]
    pub frame_start: Option<String>,
    /// TCP client: connect from this local port
    ///
    /// 0, the default, lets the system pick.
    #[arg(long, value_name = "PORT")]
    pub local_port: Option<u16>,
    /// TCP server and client: speak TLS
    ///
    /// TLS (SSL) over the connection. A server shows a
    /// self-signed certificate made at start unless --tls-cert and --tls-key are given; a
    /// client checks the server's certificate unless --tls-any-cert.
    #[arg(long)]
    pub tls: bool,
    /// TLS client: take any server certificate
    ///
    /// A device's self-signed one, say; the log still shows its SHA-256 fingerprint.
    #[arg(long, requires = "tls")]
    pub tls_any_cert: bool,
    /// TLS server: the certificate chain (PEM)
    #[arg(long, value_name = "PEM", requires_all = ["tls", "tls_key"])]
    pub tls_cert: Option<PathBuf>,
    /// TLS server: the certificate's key (PEM)
    #[arg(long, value_name = "PEM", requires_all = ["tls", "tls_cert"])]
    pub tls_key: Option<PathBuf>,
    /// Check each entry's checksum (crc16-modbus, …)
    ///
    /// Each received entry must end with this checksum of the bytes before it (before the
    /// --split-at delimiter, if any): sum8, sum16, xor8, crc8, crc8-maxim, crc16-modbus,
    /// crc16-ccitt-false, crc16-xmodem, crc32.
    #[arg(long, value_name = "SUM", value_enum, hide_possible_values = true)]
    pub check: Option<ChecksumArg>,
    /// With --check: which bytes it covers
    ///
    /// With --check: the checksum covers the message from byte FROM (counted from 0) and is
    /// followed by TAIL more bytes (0 if left out): '2' leaves out an AA 55 header, '0:1' finds
    /// it before an end mark such as DL/T 645's 16.
    #[arg(long, value_name = "FROM[:TAIL]", requires = "check", value_parser = checksum_span)]
    pub check_span: Option<ChecksumSpan>,
    /// Add this checksum to what is sent
    ///
    /// After the send box's bytes, or as --checksum-span says; one of those --check takes.
    #[arg(long, value_name = "SUM", value_enum, hide_possible_values = true)]
    pub checksum: Option<ChecksumArg>,
    /// With --checksum: which bytes it covers
    ///
    /// With --checksum: it covers the send box's bytes from byte FROM (counted from 0) and
    /// goes before their last TAIL bytes (0 if left out).
    #[arg(long, value_name = "FROM[:TAIL]", requires = "checksum", value_parser = checksum_span)]
    pub checksum_span: Option<ChecksumSpan>,
    /// Add this line ending to sends: cr, lf, crlf
    ///
    /// After the checksum: none, cr (0D), lf (0A) or crlf (0D 0A).
    #[arg(long, value_name = "END", value_enum, hide_possible_values = true)]
    pub line_ending: Option<LineEndingArg>,
    /// Show received data as text or hex
    #[arg(long, value_enum, hide_possible_values = true)]
    pub show: Option<ShowArg>,
    /// Text encoding: utf8 or gbk
    ///
    /// For both the log and the send box.
    #[arg(long, value_enum, hide_possible_values = true)]
    pub encoding: Option<EncodingArg>,
    /// Open this workspace file
    ///
    /// Its sessions, their settings and how they are laid out, instead of the last
    /// workspace; the other options then preset its focused session.
    #[arg(long, value_name = "FILE")]
    pub workspace: Option<PathBuf>,
    /// Label language: zh or en (the system's)
    ///
    /// zh: Chinese, en: English; by default the system's.
    #[arg(long, value_enum, hide_possible_values = true)]
    pub lang: Option<LangArg>,
    /// Window theme: light or dark
    ///
    /// By default the one last chosen, or the system's.
    #[arg(long, value_enum, hide_possible_values = true)]
    pub theme: Option<ThemeArg>,
    /// Write a PNG of the window to this file
    ///
    /// After --screenshot-delay-ms.
    #[arg(long, value_name = "PNG")]
    pub screenshot: Option<PathBuf>,
    /// Window size in points, WIDTHxHEIGHT
    ///
    /// 1024x700 by default.
    #[arg(long, value_name = "WxH", value_parser = window_size)]
    pub window_size: Option<[f32; 2]>,
    /// Text size: 1.0 normal, A+ adds 0.1
    ///
    /// 0.5 to 5.
    #[arg(long, value_name = "SCALE", value_parser = text_size)]
    pub text_size: Option<f32>,
    /// Take the screenshot this long after start
    #[arg(long, value_name = "MS", default_value_t = 1500)]
    pub screenshot_delay_ms: u64,
    /// Close the window once the screenshot is written
    #[arg(long)]
    pub quit_after_screenshot: bool,
    /// Say when the first frame is laid out
    ///
    /// One line to stdout, for benchmarks.
    #[arg(long)]
    pub print_first_frame: bool,
    /// Draw with glow (OpenGL, default) or wgpu
    ///
    /// By default OpenGL (glow), falling back to wgpu (Vulkan, Metal, DirectX) when OpenGL
    /// cannot start.
    #[arg(long, value_enum, hide_possible_values = true)]
    pub renderer: Option<RendererArg>,
}

/// How the window is drawn (`--renderer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RendererArg {
    /// OpenGL.
    Glow,
    /// wgpu: Vulkan, Metal or DirectX.
    Wgpu,
}

impl RendererArg {
    /// The eframe renderer this names.
    pub fn renderer(self) -> eframe::Renderer {
        match self {
            Self::Glow => eframe::Renderer::Glow,
            Self::Wgpu => eframe::Renderer::Wgpu,
        }
    }
}

/// What `--save` writes (`--save-as`).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SaveAsArg {
    /// Exactly the received bytes.
    Raw,
    /// The log as text: a timestamped line per event, data decoded.
    Text,
}

/// The protocol to start in (`--mode`).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ModeArg {
    /// TCP server.
    TcpServer,
    /// TCP client.
    TcpClient,
    /// UDP.
    Udp,
    /// TCP relay between clients and an upstream server (`--upstream`).
    Relay,
}

/// How received data is shown (`--show`).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ShowArg {
    /// Decoded text.
    Text,
    /// Hex bytes.
    Hex,
}

/// The text encoding (`--encoding`).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EncodingArg {
    /// UTF-8.
    Utf8,
    /// GBK.
    Gbk,
}

/// A checksum (`--check`, `--checksum`).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ChecksumArg {
    /// Sum of the bytes, modulo 256.
    Sum8,
    /// Sum of the bytes, modulo 65536, high byte first.
    Sum16,
    /// XOR of the bytes.
    Xor8,
    /// CRC-8 (poly 0x07).
    Crc8,
    /// CRC-8/MAXIM (1-Wire).
    Crc8Maxim,
    /// CRC-16/MODBUS, low byte first.
    Crc16Modbus,
    /// CRC-16/CCITT-FALSE, high byte first.
    Crc16CcittFalse,
    /// CRC-16/XMODEM, high byte first.
    Crc16Xmodem,
    /// CRC-32, high byte first.
    Crc32,
}

impl ChecksumArg {
    /// The checksum this names.
    pub fn checksum(self) -> Checksum {
        match self {
            Self::Sum8 => Checksum::Sum8,
            Self::Sum16 => Checksum::Sum16,
            Self::Xor8 => Checksum::Xor8,
            Self::Crc8 => Checksum::Crc8,
            Self::Crc8Maxim => Checksum::Crc8Maxim,
            Self::Crc16Modbus => Checksum::Crc16Modbus,
            Self::Crc16CcittFalse => Checksum::Crc16CcittFalse,
            Self::Crc16Xmodem => Checksum::Crc16Xmodem,
            Self::Crc32 => Checksum::Crc32,
        }
    }
}

/// What ends each send (`--line-ending`).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LineEndingArg {
    /// Nothing.
    None,
    /// CR (0D).
    Cr,
    /// LF (0A).
    Lf,
    /// CR LF (0D 0A).
    Crlf,
}

/// The label language (`--lang`).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    /// Chinese.
    Zh,
    /// English.
    En,
}

/// The window's theme (`--theme`).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ThemeArg {
    /// Dark text on a light background.
    Light,
    /// Light text on a dark background.
    Dark,
}

impl Args {
    /// The arguments, or what in them does not go together that clap cannot tell: an
    /// impairment a relay of that kind does not do.
    pub fn checked(self) -> Result<Self, clap::Error> {
        let sides = [
            ("--impair-up", self.impair_up),
            ("--impair-down", self.impair_down),
        ];
        for (flag, impairment) in sides {
            let Some(impairment) = impairment else {
                continue;
            };
            let (kept, wrong) = if self.relay_udp {
                let wrong = "write, gap and cut are for a TCP relay";
                (impairment.for_datagrams(), wrong)
            } else {
                let wrong = "loss, dup and reorder are for a UDP relay (--relay-udp)";
                (impairment.for_stream(), wrong)
            };
            if kept != impairment {
                let message = format!("{flag}: {wrong}\n");
                return Err(clap::Error::raw(
                    clap::error::ErrorKind::ArgumentConflict,
                    message,
                ));
            }
        }
        Ok(self)
    }

    /// The label language asked for, if any.
    pub fn language(&self) -> Option<Language> {
        match self.lang? {
            LangArg::Zh => Some(Language::Chinese),
            LangArg::En => Some(Language::English),
        }
    }

    /// Everything the command line asks of a new app, in order: the presets (which win over
    /// the remembered settings), then Open, then a cycle send once it has a receiver.
    pub fn apply(&self, app: &mut NetDebugApp) {
        if let Some(language) = self.language() {
            app.set_language(language);
        }
        self.preset(app.state_mut());
        if let Some(size) = self.text_size {
            app.ask_text_size(size);
        }
        match self.theme {
            Some(ThemeArg::Light) => app.ask_theme(egui::Theme::Light),
            Some(ThemeArg::Dark) => app.ask_theme(egui::Theme::Dark),
            None => {}
        }
        if let Some(path) = &self.save {
            // Before Open, so the first byte is in the file too.
            app.perform(Action::StartCapture(path.clone()));
        }
        if self.open {
            app.open_all();
        }
        for action in self.when_ready() {
            app.perform_when_ready(action);
        }
    }

    /// What waits for someone to send to: a cycle send, then a file send.
    pub fn when_ready(&self) -> Vec<Action> {
        let cycle = self.cycle_ms.map(|_| Action::StartCycle);
        let file = self.send_file.clone().map(Action::SendFile);
        cycle.into_iter().chain(file).collect()
    }

    /// Presets the state; they win over the remembered settings.
    pub fn preset(&self, state: &mut SessionState) {
        if let Some(language) = self.language() {
            state.language = language;
        }
        if let Some(mode) = self.mode {
            state.mode = match mode {
                ModeArg::TcpServer => Mode::TcpServer,
                ModeArg::TcpClient => Mode::TcpClient,
                ModeArg::Udp => Mode::Udp,
                ModeArg::Relay if self.relay_udp => Mode::UdpRelay,
                ModeArg::Relay => Mode::TcpRelay,
            };
        }
        if let Some(upstream) = &self.upstream {
            state.upstream.clone_from(upstream);
        }
        if let Some(address) = &self.address {
            state.address.clone_from(address);
        }
        if let Some(port) = &self.port {
            state.port.clone_from(port);
        }
        if let Some(target) = &self.target {
            state.target.udp.clone_from(target);
        }
        if let Some(encoding) = self.encoding {
            let encoding = match encoding {
                EncodingArg::Utf8 => TextEncoding::Utf8,
                EncodingArg::Gbk => TextEncoding::Gbk,
            };
            state.send.format.encoding = encoding;
            state.log.set_encoding(encoding);
        }
        if let Some(show) = self.show {
            state.log.store_mut().set_view(match show {
                ShowArg::Text => InputMode::Text,
                ShowArg::Hex => InputMode::Hex,
            });
        }
        if let Some(text) = &self.send_text {
            state.send.text.clone_from(text);
        }
        if self.escapes {
            state.send.format.escapes = true;
        }
        if let Some(hex) = &self.send_hex {
            state.send.text.clone_from(hex);
            state.send.format.mode = InputMode::Hex;
        }
        if self.echo {
            state.auto_reply.echo = true;
        }
        if let Some(delay) = self.reply_delay_ms {
            state.auto_reply.delay_ms = delay;
        }
        if self.hide_sent {
            state.display.hide_sent = true;
        }
        if self.show_escapes {
            state.log.set_escapes(true);
        }
        if self.rate_graph {
            state.display.rate_graph = true;
        }
        if let Some(up) = self.impair_up {
            state.impairments.to_upstream = up;
        }
        if let Some(down) = self.impair_down {
            state.impairments.to_client = down;
        }
        if let Some(seed) = self.impair_seed {
            state.impairments.seed = seed;
        }
        if let Some(idle) = self.relay_idle_ms {
            state.client.relay_idle_ms = idle;
        }
        if let Some(wait) = self.auto_reconnect_ms {
            state.client.auto_reconnect = true;
            state.client.reconnect_ms = wait;
        }
        if let Some(save_as) = self.save_as {
            state.capture_as_text = matches!(save_as, SaveAsArg::Text);
        }
        if let Some(timeout) = self.connect_timeout_ms {
            state.client.connect_timeout_ms = timeout;
        }
        if let Some(period) = self.cycle_ms {
            state.cycle.period_ms = period;
        }
        if let Some(times) = self.cycle_times {
            state.cycle.times = times;
        }
        if let Some(size) = self.file_packet_size {
            state.pacing.packet_size = usize::try_from(size).unwrap_or(crate::net::MAX_FILE_PACKET);
        }
        if let Some(ms) = self.file_interval_ms {
            state.pacing.interval_ms = ms;
        }
        if let Some(ms) = self.merge_ms {
            state.log.set_merge_gap(crate::workspace::merge_gap(ms));
        }
        if let Some(delimiter) = &self.split_at {
            state.split.by = SplitBy::Delimiter;
            state.split.delimiter.clone_from(delimiter);
        }
        if let Some(field) = self.split_length {
            state.split.by = SplitBy::LengthField;
            state.split.length = field;
        }
        if let Some(size) = self.split_fixed {
            state.split.by = SplitBy::FixedSize;
            state.split.fixed = size;
        }
        if let Some(start) = &self.frame_start {
            state.split.frame_start.clone_from(start);
        }
        // Encoded with the receive encoding, which --encoding may have changed.
        state.apply_split();
        if let Some(port) = self.local_port {
            state.client.local_port = port;
        }
        if self.tls {
            state.tls = crate::workspace::TlsSettings {
                enabled: true,
                verify: !self.tls_any_cert,
                certificate: path_text(self.tls_cert.as_deref()),
                key: path_text(self.tls_key.as_deref()),
            };
        }
        if let Some(check) = self.check {
            state.log.set_check_kind(check.checksum());
        }
        if let Some(span) = self.check_span {
            state.log.set_check_span(span);
        }
        if let Some(checksum) = self.checksum {
            state.send.format.checksum = checksum.checksum();
        }
        if let Some(span) = self.checksum_span {
            state.send.format.checksum_span = span;
        }
        if let Some(ending) = self.line_ending {
            state.send.format.line_ending = match ending {
                LineEndingArg::None => LineEnding::None,
                LineEndingArg::Cr => LineEnding::Cr,
                LineEndingArg::Lf => LineEnding::Lf,
                LineEndingArg::Crlf => LineEnding::CrLf,
            };
        }
    }
}

/// `--check-span` and `--checksum-span`: `FROM` or `FROM:TAIL`, each up to
/// [`ChecksumSpan::MAX`].
fn checksum_span(input: &str) -> Result<ChecksumSpan, String> {
    let number = |part: &str| {
        part.trim()
            .parse::<u16>()
            .ok()
            .filter(|value| *value <= ChecksumSpan::MAX)
            .ok_or_else(|| {
                format!(
                    "{part:?} in {input:?} is not a number of bytes from 0 to {}",
                    ChecksumSpan::MAX
                )
            })
    };
    let (from, tail) = input.split_once(':').unwrap_or((input, "0"));
    Ok(ChecksumSpan {
        from: number(from)?,
        tail: number(tail)?,
    })
}

/// `--send-hex` as given, if it is hex; otherwise why not, with the position, at the command
/// line rather than in the window.
fn checked_hex(input: &str) -> Result<String, String> {
    parse_hex(input)
        .map(|_| input.to_owned())
        .map_err(|error| error.to_string())
}

/// `loss=30,dup=5,reorder=5,delay=50,jitter=10,rate=1000,write=4,gap=20,cut=1000` as an
/// impairment (any of them, in any order; percentages up to 100, milliseconds up to 60000).
fn impairment(input: &str) -> Result<crate::net::Impairment, String> {
    let mut impairment = crate::net::Impairment::default();
    for setting in input.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (name, value) = setting
            .split_once('=')
            .ok_or_else(|| format!("'{setting}' is not a setting like loss=30"))?;
        let number = |limit: u32| {
            value
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n <= limit)
                .ok_or_else(|| format!("'{value}' for {name} is not a number from 0 to {limit}"))
        };
        let percent = || number(100).map(|n| u8::try_from(n).unwrap_or(100));
        match name.trim() {
            "loss" => impairment.loss_percent = percent()?,
            "dup" => impairment.duplicate_percent = percent()?,
            "reorder" => impairment.reorder_percent = percent()?,
            "delay" => impairment.delay_ms = number(60_000)?,
            "jitter" => impairment.jitter_ms = number(60_000)?,
            "rate" => impairment.rate_bytes_per_s = number(1_000_000_000)?,
            "write" => impairment.write_size = number(1_048_576)?,
            "gap" => impairment.write_gap_ms = number(60_000)?,
            "cut" => {
                impairment.cut_after = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("'{value}' for cut is not a number of bytes"))?;
            }
            other => {
                return Err(format!(
                    "'{other}' is none of loss, dup, reorder, delay, jitter, rate, write, gap, cut"
                ));
            }
        }
    }
    Ok(impairment)
}

/// `1280x800` as a window size.
fn window_size(input: &str) -> Result<[f32; 2], String> {
    let wrong = || format!("'{input}' is not a size like 1280x800");
    let (width, height) = input.split_once(['x', 'X']).ok_or_else(wrong)?;
    let number = |text: &str| {
        text.trim()
            .parse::<u16>()
            .ok()
            .filter(|n| (200..=10_000).contains(n))
            .map(f32::from)
            .ok_or_else(wrong)
    };
    Ok([number(width)?, number(height)?])
}

/// A text size (zoom factor) egui accepts.
fn text_size(input: &str) -> Result<f32, String> {
    input
        .parse::<f32>()
        .ok()
        .filter(|size| (0.5..=5.0).contains(size))
        .ok_or_else(|| format!("'{input}' is not a text size from 0.5 to 5"))
}

/// A size of fixed-size messages within [`crate::workspace::SPLIT_FIXED_BYTES`].
fn fixed_size(input: &str) -> Result<usize, String> {
    let range = crate::workspace::SPLIT_FIXED_BYTES;
    input
        .parse()
        .ok()
        .filter(|size| range.contains(size))
        .ok_or_else(|| {
            format!(
                "{input} is not a size from {} to {}",
                range.start(),
                range.end()
            )
        })
}

/// A path as the settings' text field holds it (empty for none).
fn path_text(path: Option<&std::path::Path>) -> String {
    path.map(|path| path.display().to_string())
        .unwrap_or_default()
}

/// `--split-at` as given, if its escapes are good; otherwise why not, with the position.
fn checked_escapes(input: &str) -> Result<String, String> {
    crate::codec::unescape(input)
        .map(|_| input.to_owned())
        .map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Framing;
    use bytes::Bytes;

    fn parsed(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from([&["netdebug"], args].concat()).and_then(Args::checked)
    }

    #[test]
    fn a_udp_relays_impairments_are_preset_and_wrong_ones_refused() {
        let mut state = SessionState::default();
        parsed(&[
            "--mode",
            "relay",
            "--relay-udp",
            "--upstream",
            "127.0.0.1:9",
            "--impair-up",
            "loss=30, delay=50",
            "--impair-down",
            "dup=5,reorder=10,jitter=20",
            "--impair-seed",
            "9",
        ])
        .unwrap()
        .preset(&mut state);
        assert_eq!(state.mode, Mode::UdpRelay);
        assert_eq!(state.upstream, "127.0.0.1:9");
        let up = state.impairments.to_upstream;
        let down = state.impairments.to_client;
        assert_eq!(
            (up.loss_percent, up.delay_ms, up.duplicate_percent),
            (30, 50, 0)
        );
        assert_eq!(
            (down.duplicate_percent, down.reorder_percent, down.jitter_ms),
            (5, 10, 20)
        );
        assert_eq!(state.impairments.seed, 9);
        for wrong in [
            "loss=101",
            "lose=3",
            "delay",
            "jitter=-1",
            "write=4",
            "cut=x",
        ] {
            let refused = parsed(&[
                "--mode",
                "relay",
                "--relay-udp",
                "--upstream",
                "127.0.0.1:9",
                "--impair-up",
                wrong,
            ]);
            assert!(refused.is_err(), "{wrong}");
        }
        // Only a relay impairs.
        assert!(parsed(&["--impair-up", "loss=1"]).is_err());
    }

    #[test]
    fn short_help_gives_each_option_one_line_and_long_help_the_details() {
        use clap::CommandFactory as _;
        let short = Args::command().render_help().to_string();
        let options: Vec<&str> = short
            .lines()
            .skip_while(|line| !line.starts_with("Options:"))
            .skip(1)
            .filter(|line| !line.is_empty())
            .collect();
        assert!(options.len() > 50, "{short}");
        for line in &options {
            assert!(
                line.trim_start().starts_with('-'),
                "a second line: {line:?}"
            );
            assert!(line.chars().count() <= 100, "too long: {line:?}");
        }
        let long = Args::command().render_long_help().to_string();
        assert!(long.contains("'4:u16be' is Modbus TCP"), "{long}");
        assert!(long.contains("crc16-ccitt-false"), "{long}");
    }

    #[test]
    fn a_tcp_relays_impairments_are_preset_and_udp_ones_refused() {
        let mut state = SessionState::default();
        let relay = ["--mode", "relay", "--upstream", "127.0.0.1:9"];
        let impaired = |up: &str| {
            let args = [
                &relay[..],
                &["--impair-up", up, "--impair-down", "cut=1000000"],
            ]
            .concat();
            parsed(&args)
        };
        impaired("delay=5,jitter=2,rate=1000,write=4,gap=20")
            .unwrap()
            .preset(&mut state);
        assert_eq!(state.mode, Mode::TcpRelay);
        let up = state.impairments.to_upstream;
        assert_eq!(
            (up.delay_ms, up.jitter_ms, up.rate_bytes_per_s),
            (5, 2, 1000)
        );
        assert_eq!((up.write_size, up.write_gap_ms), (4, 20));
        assert_eq!(state.impairments.to_client.cut_after, 1_000_000);
        for wrong in ["loss=1", "dup=2", "reorder=3"] {
            let refused = impaired(wrong).map(drop).unwrap_err().to_string();
            assert!(refused.contains("--relay-udp"), "{wrong}: {refused}");
        }
    }

    #[test]
    fn tls_options_are_preset_and_a_key_needs_its_certificate() {
        let mut state = SessionState::default();
        parsed(&["--tls", "--tls-any-cert"])
            .unwrap()
            .preset(&mut state);
        assert!(state.tls.enabled && !state.tls.verify);
        assert_eq!(
            state.tls.server(),
            Ok(Some(crate::net::ServerTls::SelfSigned))
        );
        parsed(&["--tls", "--tls-cert", "c.pem", "--tls-key", "k.pem"])
            .unwrap()
            .preset(&mut state);
        assert!(state.tls.verify);
        assert_eq!(
            state.tls.server(),
            Ok(Some(crate::net::ServerTls::Files {
                certificate: "c.pem".into(),
                key: "k.pem".into(),
            }))
        );
        assert!(parsed(&["--tls", "--tls-key", "k.pem"]).is_err());
        assert!(parsed(&["--tls-any-cert"]).is_err());
    }

    #[test]
    fn connection_reply_graph_and_saving_options_are_preset() {
        let mut state = SessionState::default();
        parsed(&["--connect-timeout-ms", "250"])
            .unwrap()
            .preset(&mut state);
        assert_eq!(state.client.connect_timeout_ms, 250);
        assert!(!state.auto_reply.echo);
        assert!(!state.log.escapes());
        parsed(&["--echo", "--rate-graph", "--hide-sent", "--show-escapes"])
            .unwrap()
            .preset(&mut state);
        assert!(state.auto_reply.echo && state.display.rate_graph && state.display.hide_sent);
        assert!(state.log.escapes());
        parsed(&[
            "--auto-reconnect-ms",
            "2000",
            "--save",
            "x.txt",
            "--save-as",
            "text",
        ])
        .unwrap()
        .preset(&mut state);
        assert!(state.client.auto_reconnect && state.capture_as_text);
        assert_eq!(state.client.reconnect_ms, 2000);
        assert!(
            parsed(&["--save-as", "text"]).is_err(),
            "--save-as needs --save"
        );
        assert!(parsed(&["--auto-reconnect-ms", "10"]).is_err());
        parsed(&["--merge-ms", "40"]).unwrap().preset(&mut state);
        assert_eq!(
            state.log.merge_gap(),
            Some(std::time::Duration::from_millis(40))
        );
        assert!(parsed(&["--merge-ms", "10001"]).is_err());
        parsed(&["--encoding", "gbk", "--split-at", r"\x03结束"])
            .unwrap()
            .preset(&mut state);
        assert_eq!(
            state.log.framing(),
            Some(&Framing::Delimiter(Bytes::from_static(
                b"\x03\xbd\xe1\xca\xf8"
            )))
        );
        assert!(parsed(&["--split-at", r"\xZ1"]).is_err());
        parsed(&["--split-length", "2:u8:+2"])
            .unwrap()
            .preset(&mut state);
        assert_eq!(
            state.log.framing(),
            Some(&Framing::length("2:u8:+2".parse().unwrap()))
        );
        let error = parsed(&["--split-length", "2:u24"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("not one of u8, u16be"), "{error}");
        parsed(&["--split-fixed", "8"]).unwrap().preset(&mut state);
        assert_eq!(
            state.log.framing(),
            Some(&Framing::fixed(std::num::NonZeroUsize::new(8).unwrap()))
        );
        assert!(parsed(&["--split-fixed", "0"]).is_err());
        parsed(&["--split-fixed", "8", "--frame-start", "aa55"])
            .unwrap()
            .preset(&mut state);
        assert_eq!(
            state.log.framing(),
            Some(&Framing::Fixed {
                size: std::num::NonZeroUsize::new(8).unwrap(),
                start: Bytes::from_static(&[0xaa, 0x55])
            })
        );
        assert_eq!(state.split.frame_start, "aa55");
        assert!(parsed(&["--split-fixed", "8", "--frame-start", "AA 5G"]).is_err());
        assert!(parsed(&["--frame-start", "AA"]).is_err());
        assert!(parsed(&["--split-fixed", "8", "--split-at", r"\n"]).is_err());
        parsed(&["--check", "crc16-modbus"])
            .unwrap()
            .preset(&mut state);
        assert_eq!(state.log.check_kind(), Checksum::Crc16Modbus);
        assert_eq!(state.log.check_span(), ChecksumSpan::default());
        parsed(&["--check", "sum8", "--check-span", "0:1"])
            .unwrap()
            .preset(&mut state);
        assert_eq!(state.log.check_span(), ChecksumSpan { from: 0, tail: 1 });
        assert!(parsed(&["--check-span", "2"]).is_err(), "needs --check");
        parsed(&["--checksum", "crc8-maxim", "--check", "crc16-xmodem"])
            .unwrap()
            .preset(&mut state);
        assert_eq!(state.send.format.checksum, Checksum::Crc8Maxim);
        assert_eq!(state.log.check_kind(), Checksum::Crc16Xmodem);
        for bad in ["x", "2:", "2:1:0", "4097", "-1", "1:70000"] {
            assert!(
                parsed(&["--checksum", "sum8", "--checksum-span", bad]).is_err(),
                "{bad}"
            );
        }
        parsed(&[
            "--send-hex",
            "AA 55 02 10 20 0D",
            "--checksum",
            "sum8",
            "--checksum-span",
            "2:1",
            "--line-ending",
            "crlf",
        ])
        .unwrap()
        .preset(&mut state);
        assert_eq!(
            crate::codec::build_payload(&state.send.text, &state.send.format).unwrap(),
            parse_hex("AA 55 02 10 20 32 0D 0D 0A").unwrap()
        );
        parsed(&["--escapes"]).unwrap().preset(&mut state);
        assert!(state.send.format.escapes);
        parsed(&["--local-port", "50123"])
            .unwrap()
            .preset(&mut state);
        assert_eq!(state.client.local_port, 50_123);
        assert!(parsed(&["--local-port", "65536"]).is_err());
        parsed(&["--cycle-ms", "10", "--cycle-times", "100"])
            .unwrap()
            .preset(&mut state);
        assert_eq!((state.cycle.period_ms, state.cycle.times), (10, 100));
        assert!(
            parsed(&["--cycle-times", "100"]).is_err(),
            "--cycle-times needs --cycle-ms"
        );
        for refused in ["5", "600001", "soon"] {
            assert!(
                parsed(&["--connect-timeout-ms", refused]).is_err(),
                "{refused}"
            );
        }
    }
}

//! The small types the window shows: mode, connection, targets, options, messages.

use crate::i18n::Said;
use std::net::SocketAddr;
use std::sync::Arc;

use crate::codec::LengthField;
use crate::i18n::Texts;
use crate::log::Direction;

/// Which kind of session the window opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Mode {
    /// Listen for TCP clients.
    #[default]
    TcpServer,
    /// Connect to a TCP server.
    TcpClient,
    /// Send and receive datagrams.
    Udp,
    /// Sit between TCP clients and their server (转发): each client that connects is
    /// connected on to the upstream server, and both ways are logged.
    TcpRelay,
    /// Sit between UDP peers and their server: each source's datagrams go on to the
    /// upstream server from a socket of its own, and the answers back to it.
    UdpRelay,
}

impl Mode {
    /// Every mode, in selector order.
    pub const ALL: [Self; 5] = [
        Self::TcpServer,
        Self::TcpClient,
        Self::Udp,
        Self::TcpRelay,
        Self::UdpRelay,
    ];

    /// The mode's name in the window's language.
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Self::TcpServer => t.tcp_server,
            Self::TcpClient => t.tcp_client,
            Self::Udp => t.udp,
            Self::TcpRelay => t.tcp_relay,
            Self::UdpRelay => t.udp_relay,
        }
    }

    /// Whether it speaks TCP (a server, a client or a relay) rather than UDP.
    pub fn is_tcp(self) -> bool {
        matches!(self, Self::TcpServer | Self::TcpClient | Self::TcpRelay)
    }

    /// Whether it relays between clients and an upstream server.
    pub fn relays(self) -> bool {
        matches!(self, Self::TcpRelay | Self::UdpRelay)
    }

    /// Whether port 0 ("any free port") makes sense: when binding, not when connecting.
    pub(super) fn binds(self) -> bool {
        !matches!(self, Self::TcpClient)
    }
}

/// How the person asked for TCP reads to be split into messages (分包方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum SplitBy {
    /// One entry per read (or per merge, see the merge gap).
    #[default]
    Off,
    /// After each delimiter.
    Delimiter,
    /// By a length field in each message's header.
    LengthField,
    /// Every so many bytes.
    FixedSize,
}

impl SplitBy {
    /// Every way, in selector order.
    pub const ALL: [Self; 4] = [
        Self::Off,
        Self::Delimiter,
        Self::LengthField,
        Self::FixedSize,
    ];

    /// Its name in the window's language.
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Self::Off => t.split_off,
            Self::Delimiter => t.split_delimiter,
            Self::LengthField => t.split_length,
            Self::FixedSize => t.split_fixed,
        }
    }
}

/// The splitting settings as the person left them, each way's own kept while another is
/// chosen; [`crate::workspace::SessionState::apply_split`] gives the chosen one to the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitOptions {
    /// The way chosen.
    pub by: SplitBy,
    /// The delimiter as typed (escapes allowed, read in the receive encoding; empty: none).
    pub delimiter: String,
    /// Where each message's length is.
    pub length: LengthField,
    /// Bytes per message, for a fixed size.
    pub fixed: usize,
    /// The bytes each message begins with (帧头), in hex as typed, for a length field or a
    /// fixed size; empty: none.
    pub frame_start: String,
}

impl Default for SplitOptions {
    fn default() -> Self {
        Self {
            by: SplitBy::Off,
            delimiter: String::new(),
            length: LengthField::default(),
            fixed: 8,
            frame_start: String::new(),
        }
    }
}

/// Where the connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Connection {
    /// Nothing open.
    #[default]
    Closed,
    /// Asked to open, nothing heard yet.
    Opening,
    /// TCP server accepting.
    Listening(SocketAddr),
    /// TCP server no longer accepting (Stop listening): the clients it has stay connected.
    Serving(SocketAddr),
    /// TCP client connecting.
    Connecting(Option<SocketAddr>),
    /// TCP client connected, its TLS handshake under way (sends wait for it).
    Securing {
        /// Our end.
        local: SocketAddr,
        /// Their end.
        remote: SocketAddr,
    },
    /// TCP client connected (and, with TLS, secured).
    Connected {
        /// Our end.
        local: SocketAddr,
        /// Their end.
        remote: SocketAddr,
    },
    /// UDP socket bound.
    Bound(SocketAddr),
    /// TCP client with auto reconnect: the connection ended or failed, and the next attempt
    /// starts at `at`.
    Reconnecting {
        /// When the next attempt starts.
        at: std::time::Instant,
        /// Attempts that failed in a row since the last connection (0 after a connection
        /// ended).
        failures: u32,
    },
}

impl Connection {
    /// Whether a session is under way (the button then says Close).
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Closed)
    }

    /// The state in words.
    pub fn describe(self, t: &Texts) -> String {
        match self {
            Self::Closed => t.state_closed.to_owned(),
            Self::Opening => t.state_opening.to_owned(),
            Self::Listening(local) => format!("{} {local}", t.state_listening),
            Self::Serving(local) => format!("{} ({local})", t.state_serving),
            Self::Connecting(Some(remote)) => format!("{} {remote}", t.state_connecting),
            Self::Connecting(None) => t.state_connecting.to_owned(),
            Self::Securing { remote, .. } => format!("{} {remote}", t.state_securing),
            Self::Connected { remote, .. } => format!("{} {remote}", t.state_connected),
            Self::Bound(local) => format!("{} {local}", t.state_bound),
            Self::Reconnecting { failures: 0, .. } => t.state_reconnecting.to_owned(),
            Self::Reconnecting { failures, .. } => format!(
                "{} ({})",
                t.state_reconnecting,
                t.reconnect_failures.replace("{n}", &failures.to_string())
            ),
        }
    }

    /// The window's title for this state: the program's name, and while a session is open,
    /// the state in words, so two NetDebug windows (a server and a client, side by side in
    /// class) are told apart in the task bar.
    pub fn window_title(self, t: &Texts) -> String {
        match self {
            Self::Closed => t.title.to_owned(),
            open => format!("{} — {}", t.title, open.describe(t)),
        }
    }

    /// The local address once bound, listening or connected.
    pub fn local_addr(self) -> Option<SocketAddr> {
        match self {
            Self::Listening(local)
            | Self::Serving(local)
            | Self::Bound(local)
            | Self::Securing { local, .. }
            | Self::Connected { local, .. } => Some(local),
            Self::Closed | Self::Opening | Self::Connecting(_) | Self::Reconnecting { .. } => None,
        }
    }
}

/// Which client(s) a TCP server sends to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServerTarget {
    /// Every connected client.
    #[default]
    All,
    /// One client.
    One(SocketAddr),
}

/// Receive settings that decide what the log shows (the log's own layout aside).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // independent checkboxes, as the window shows them
pub struct DisplayOptions {
    /// Keep the newest line in view.
    pub autoscroll: bool,
    /// Wrap text rows at the log's width.
    pub auto_wrap: bool,
    /// Stop adding data to the log (counting and saving go on).
    pub paused: bool,
    /// Do not add received data to the log (counting and saving go on).
    pub hide_received: bool,
    /// Do not add sent data to the log (counting, saving and response times go on).
    pub hide_sent: bool,
    /// Show the RX and TX rates over the last minute above the log.
    pub rate_graph: bool,
}

impl Default for DisplayOptions {
    fn default() -> Self {
        Self {
            autoscroll: true,
            auto_wrap: true,
            paused: false,
            hide_received: false,
            hide_sent: false,
            rate_graph: false,
        }
    }
}

impl DisplayOptions {
    pub(super) fn shows(self, direction: Direction) -> bool {
        let hidden = match direction {
            Direction::Rx => self.hide_received,
            Direction::Tx => self.hide_sent,
        };
        !(self.paused || hidden)
    }
}

/// A save-to-file under way.
#[derive(Debug, Clone)]
pub struct CaptureStatus {
    /// The file.
    pub path: std::path::PathBuf,
    /// Bytes written so far.
    pub progress: Arc<crate::net::CaptureProgress>,
    /// The count the window showed last, to know whether it is still moving.
    pub shown: std::cell::Cell<u64>,
}

/// A line in the status bar, in every language (switching re-labels it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    /// What to say.
    pub said: Said,
    /// Whether it reports a failure.
    pub is_error: bool,
}

impl StatusMessage {
    /// A failure, in words of no language (a path, an OS message).
    pub fn error(text: String) -> Self {
        Self {
            said: Said::same(text),
            is_error: true,
        }
    }

    /// What it says in `language`.
    pub fn text(&self, language: crate::i18n::Language) -> &str {
        self.said.get(language)
    }
}

/// TLS over TCP (Packet Sender's SSL), as the network settings set it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct TlsSettings {
    /// TCP server and client speak TLS.
    pub enabled: bool,
    /// TCP client: check the server's certificate (off: take any, for a device's own).
    pub verify: bool,
    /// TCP server: the certificate's PEM file; empty with `key`: a self-signed one.
    pub certificate: String,
    /// TCP server: the private key's PEM file.
    pub key: String,
}

impl Default for TlsSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            verify: true,
            certificate: String::new(),
            key: String::new(),
        }
    }
}

impl TlsSettings {
    /// What a server opened now would use, or `None` for plain TCP; an error when only one
    /// of the two files is given.
    pub fn server(&self) -> Result<Option<crate::net::ServerTls>, TlsFilesMissing> {
        if !self.enabled {
            return Ok(None);
        }
        let (certificate, key) = (self.certificate.trim(), self.key.trim());
        match (certificate.is_empty(), key.is_empty()) {
            (true, true) => Ok(Some(crate::net::ServerTls::SelfSigned)),
            (false, false) => Ok(Some(crate::net::ServerTls::Files {
                certificate: certificate.into(),
                key: key.into(),
            })),
            _ => Err(TlsFilesMissing),
        }
    }

    /// What a client opened now would use, or `None` for plain TCP.
    pub fn client(&self) -> Option<crate::net::ClientTls> {
        self.enabled.then_some(crate::net::ClientTls {
            verify: self.verify,
        })
    }
}

/// A TLS server was given a certificate without its key, or a key without its certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlsFilesMissing;

/// Messages shown beside the fields they are about, in every language (switching re-labels
/// them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors {
    /// About the address field.
    pub address: Option<Said>,
    /// About the port field.
    pub port: Option<Said>,
    /// About the UDP target field.
    pub target: Option<Said>,
    /// About the send box.
    pub send: Option<Said>,
    /// About the multicast group field.
    pub multicast: Option<Said>,
    /// About the relay's upstream server field.
    pub upstream: Option<Said>,
    /// About the auto reply editor.
    pub auto_reply: Option<Said>,
    /// About the delimiter TCP reads are split at.
    pub delimiter: Option<Said>,
    /// About the frame start messages begin with.
    pub frame_start: Option<Said>,
    /// About the TLS server's certificate and key files.
    pub tls_files: Option<Said>,
}

/// What went each way between a TCP server and one client (a relay: between the client and
/// the upstream, received being what went on to the upstream).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeerTotals {
    /// Bytes received from it.
    pub rx: u64,
    /// Bytes sent to it.
    pub tx: u64,
    /// A relay's: the local address its connection (or socket) to the upstream is from.
    pub upstream_leg: Option<SocketAddr>,
}

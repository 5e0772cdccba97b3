//! Errors from the engine and the codecs as the window shows them, in its language.
//!
//! The library's errors print English (logs, tests, the saved text log); a person using the
//! window in Chinese reads the same facts in Chinese. Operating-system reasons that have a
//! common kind (refused, reset, in use…) are named in Chinese too, with the OS error number.

use std::io;

use crate::codec::{ChecksumSpanError, EncodeError, EscapeError, HexError, PayloadError};
use crate::i18n::Language;
use crate::net::{
    AddressError, CloseReason, FileError, HandshakeFailure, NetError, NotOpen, PemKind, PortError,
    TlsError,
};

impl Message for crate::log::FindTally {
    fn message(&self, language: Language) -> String {
        let Self { position, total } = *self;
        match language {
            Language::English => format!("{position} of {total}"),
            Language::Chinese => format!("第 {position} 条，共 {total} 条"),
        }
    }
}

/// Something the window tells a person, in their language.
pub trait Message {
    /// The text in `language`.
    fn message(&self, language: Language) -> String;
}

/// English is each error's own `Display`; only Chinese needs a table.
macro_rules! english_or {
    ($self:ident, $language:ident, $chinese:expr) => {
        match $language {
            Language::English => $self.to_string(),
            Language::Chinese => $chinese,
        }
    };
}

impl Message for PayloadError {
    fn message(&self, language: Language) -> String {
        match self {
            Self::Hex(error) => error.message(language),
            Self::Encode(error) => error.message(language),
            Self::Escape(error) => error.message(language),
            Self::Empty => english_or!(self, language, "发送框为空，没有可发送的内容".to_owned()),
            Self::ChecksumSpan(error) => error.message(language),
        }
    }
}

impl Message for ChecksumSpanError {
    fn message(&self, language: Language) -> String {
        let Self { from, tail, len } = *self;
        english_or!(
            self,
            language,
            format!(
                "校验从第 {from} 字节（从 0 数起）开始、其后还有 {tail} 个字节，\
                 但数据只有 {len} 个字节，没有可校验的内容"
            )
        )
    }
}

impl Message for HexError {
    fn message(&self, language: Language) -> String {
        english_or!(
            self,
            language,
            match self {
                Self::InvalidChar { ch, position } => {
                    format!("第 {position} 个字符“{ch}”不是十六进制数字")
                }
                Self::OddDigits { position } =>
                    format!("第 {position} 个字符处的十六进制数字没有配对（每个字节要两位，如 0A）"),
                Self::EmptyPrefix { position } => {
                    format!("第 {position} 个字符处的“0x”后面没有十六进制数字")
                }
            }
        )
    }
}

impl Message for EncodeError {
    fn message(&self, language: Language) -> String {
        english_or!(
            self,
            language,
            match self {
                Self::Unmappable {
                    ch,
                    position,
                    encoding,
                } => format!("第 {position} 个字符“{ch}”无法用 {encoding} 编码"),
            }
        )
    }
}

impl Message for EscapeError {
    fn message(&self, language: Language) -> String {
        english_or!(
            self,
            language,
            match self {
                Self::Unknown { ch, position } => format!(
                    "第 {position} 个字符处的转义“\\{ch}”无效；可用 \\r \\n \\t \\\\ \\0 或 \\xNN"
                ),
                Self::BadHex { position } =>
                    format!("第 {position} 个字符处的“\\x”后面要有两位十六进制数字，如 \\x0D"),
                Self::Trailing { position } =>
                    format!("第 {position} 个字符处的“\\”单独出现在末尾；反斜杠本身请写成 \\\\"),
            }
        )
    }
}

impl Message for PortError {
    fn message(&self, language: Language) -> String {
        english_or!(
            self,
            language,
            match self {
                Self::Empty => "请输入端口号".to_owned(),
                Self::Invalid {
                    text,
                    allow_zero: true,
                } => format!("端口“{text}”无效：应为 0–65535（0 表示任一空闲端口）"),
                Self::Invalid {
                    text,
                    allow_zero: false,
                } => format!("端口“{text}”无效：应为 1–65535"),
            }
        )
    }
}

impl Message for AddressError {
    fn message(&self, language: Language) -> String {
        match self {
            Self::Port(error) => error.message(language),
            Self::Empty => english_or!(self, language, "请输入地址".to_owned()),
            Self::Malformed { text } => {
                english_or!(self, language, format!("“{text}”不是 IP 地址或主机名"))
            }
            Self::MissingPort { text } => english_or!(
                self,
                language,
                format!("“{text}”缺少端口：请写成 主机:端口，如 127.0.0.1:8080 或 [::1]:8080")
            ),
        }
    }
}

impl Message for NetError {
    fn message(&self, language: Language) -> String {
        english_or!(
            self,
            language,
            match self {
                Self::Resolve { endpoint, source } => {
                    format!("无法解析 {endpoint}：找不到这个主机（{source}）")
                }
                Self::NoAddress { endpoint } => format!("{endpoint} 没有解析到任何地址"),
                Self::LinkLocalZone { addr } => {
                    format!(
                        "{addr} 是链路本地地址：请加上网卡名或编号，例如 {addr}%eth0 或 {addr}%2"
                    )
                }
                Self::Bind { addr, source } => format!(
                    "无法绑定 {addr}：{}",
                    match source.kind() {
                        io::ErrorKind::AddrInUse => format!("端口已被占用{}", os_code(source)),
                        io::ErrorKind::AddrNotAvailable =>
                            format!("本机没有这个地址{}", os_code(source)),
                        io::ErrorKind::PermissionDenied => format!(
                            "权限不足，1024 以下的端口可能需要管理员权限{}",
                            os_code(source)
                        ),
                        _ => io_reason(source),
                    }
                ),
                Self::Multicast { group, source } => {
                    format!("无法加入组播组 {group}：{}", io_reason(source))
                }
                Self::Connect { addr, source } => {
                    format!("无法连接 {addr}：{}", io_reason(source))
                }
                Self::ConnectTimeout { endpoint, timeout } => format!(
                    "连接 {endpoint} 超时（{} 秒内没有应答）",
                    timeout.as_secs_f32()
                ),
                Self::Accept { source } => format!("接受连接失败：{}", io_reason(source)),
                Self::Connection { peer, source } => {
                    format!("与 {peer} 的连接出错：{}", io_reason(source))
                }
                Self::Send { peer, source } => {
                    format!("发送到 {peer} 失败：{}", io_reason(source))
                }
                Self::Receive { source } => format!("接收失败：{}", io_reason(source)),
                Self::NoSuchClient { peer } => format!("客户端 {peer} 未连接"),
                Self::NoClients => "没有已连接的客户端，未发送".to_owned(),
                Self::NoLastSender => "还没有收到过数据报，没有可回复的发送方".to_owned(),
                Self::NotConnected => "尚未连接，未发送".to_owned(),
                Self::File { path, source } => {
                    format!("无法读取 {}：{}", path.display(), io_reason(source))
                }
                Self::WrongTarget => "这个发送目标不适用于当前会话".to_owned(),
                Self::Crashed { reason } => format!("会话因内部错误而停止：{reason}"),
                Self::Tls(error) => error.message(language),
                Self::TlsHandshake { peer, source } => format!(
                    "与 {peer} 的 TLS 握手失败：{}",
                    match HandshakeFailure::of(source) {
                        HandshakeFailure::Untrusted(reason) => format!(
                            "对方证书不受信任（{reason:?}）；如仍要连接，请取消勾选“验证证书”"
                        ),
                        HandshakeFailure::NotTls => format!("对方似乎不使用 TLS（{source}）"),
                        HandshakeFailure::ClosedEarly => "对方在握手中关闭了连接".to_owned(),
                        HandshakeFailure::Other => io_reason(source),
                    }
                ),
                Self::RepliesDropped { count, limit } => format!(
                    "自动应答丢弃了 {count} 条应答：等待延时发送的应答已达 {} MiB",
                    limit >> 20
                ),
            }
        )
    }
}

impl Message for TlsError {
    fn message(&self, language: Language) -> String {
        english_or!(
            self,
            language,
            match self {
                Self::Pem { what, path, reason } => {
                    let what = match what {
                        PemKind::Certificate => "证书",
                        PemKind::PrivateKey => "私钥",
                    };
                    format!("无法从 {} 读取{what}：{reason}", path.display())
                }
                Self::Generate(error) => format!("无法生成自签名证书：{error}"),
                Self::Config(error) => format!("TLS 配置无效（例如私钥与证书不配对）：{error}"),
            }
        )
    }
}

impl Message for CloseReason {
    fn message(&self, language: Language) -> String {
        match self {
            Self::Failed(error) => error.message(language),
            Self::ByUser => english_or!(self, language, "本地关闭".to_owned()),
            Self::ByPeer => english_or!(self, language, "对方关闭了连接".to_owned()),
            Self::Reset => english_or!(self, language, "连接被对方重置".to_owned()),
            Self::Idle(idle) => english_or!(
                self,
                language,
                format!("{} 秒内两个方向都没有数据", idle.as_secs_f32())
            ),
            Self::Cut { way, after } => english_or!(self, language, {
                let way = match way {
                    crate::net::Way::ToUpstream => "客户端→上游",
                    crate::net::Way::ToClient => "上游→客户端",
                };
                format!("链路劣化：{way}转发 {after} 字节后切断连接")
            }),
        }
    }
}

impl Message for crate::dialogs::NoFileDialog {
    fn message(&self, language: Language) -> String {
        english_or!(
            self,
            language,
            "无法打开文件对话框：请安装 zenity，或 xdg-desktop-portal 及桌面的文件选择后端\
             （xdg-desktop-portal-gtk、-kde 或 -gnome）"
                .to_owned()
        )
    }
}

impl Message for FileError {
    fn message(&self, language: Language) -> String {
        english_or!(
            self,
            language,
            match self {
                Self::Create { path, source } => {
                    format!("无法创建 {}：{}", path.display(), io_reason(source))
                }
                Self::Write {
                    path,
                    written,
                    source,
                } => format!(
                    "写入 {} 失败（已写入 {written} 字节）：{}",
                    path.display(),
                    io_reason(source)
                ),
                Self::Spawn { path, source } => format!(
                    "无法启动 {} 的写入线程：{}",
                    path.display(),
                    io_reason(source)
                ),
            }
        )
    }
}

impl Message for crate::quick_file::QuickFileError {
    fn message(&self, language: Language) -> String {
        english_or!(
            self,
            language,
            match self {
                Self::Write { path, source } => {
                    format!("无法写入 {}：{}", path.display(), io_reason(source))
                }
                Self::Read { path, source } => {
                    format!("无法读取 {}：{}", path.display(), io_reason(source))
                }
                Self::NotQuickCommands { path, reason } => {
                    format!("{} 不是 NetDebug 快捷指令文件（{reason}）", path.display())
                }
                Self::Newer { path, version } => {
                    format!(
                        "{} 来自更新版本的 NetDebug（格式 {version}）",
                        path.display()
                    )
                }
            }
        )
    }
}

impl Message for NotOpen {
    fn message(&self, language: Language) -> String {
        language.texts().not_open.to_owned()
    }
}

/// An OS error in Chinese where its kind is a common one, with the OS's number; otherwise the
/// OS's own words.
fn io_reason(error: &io::Error) -> String {
    let kind = match error.kind() {
        io::ErrorKind::ConnectionRefused => "连接被拒绝（对方没有在这个端口监听）",
        io::ErrorKind::ConnectionReset => "连接被对方重置",
        io::ErrorKind::ConnectionAborted => "连接被中止",
        io::ErrorKind::NotConnected => "未连接",
        io::ErrorKind::BrokenPipe => "连接已断开",
        io::ErrorKind::TimedOut => "超时",
        io::ErrorKind::AddrInUse => "地址已被占用",
        io::ErrorKind::AddrNotAvailable => "本机没有这个地址",
        io::ErrorKind::PermissionDenied => "权限不足",
        io::ErrorKind::NotFound => "找不到",
        io::ErrorKind::HostUnreachable => "主机不可达",
        io::ErrorKind::NetworkUnreachable => "网络不可达",
        io::ErrorKind::NetworkDown => "网络已断开",
        io::ErrorKind::StorageFull => "磁盘已满",
        _ => return error.to_string(),
    };
    format!("{kind}{}", os_code(error))
}

/// `（os error N）` when the error came from the OS, so the number can be looked up.
fn os_code(error: &io::Error) -> String {
    error
        .raw_os_error()
        .map_or_else(String::new, |code| format!("（os error {code}）"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{SendFormat, TextEncoding, build_payload, parse_hex, unescape};
    use crate::net::{Endpoint, parse_port, parse_target};
    use std::net::SocketAddr;
    use std::time::Duration;

    fn both<M: Message + std::fmt::Display>(error: &M) -> (String, String) {
        (
            error.message(Language::English),
            error.message(Language::Chinese),
        )
    }

    #[test]
    fn a_failed_tls_handshake_says_why_and_what_to_do_in_both_languages() {
        let peer: SocketAddr = "127.0.0.1:8883".parse().unwrap();
        // As tokio-rustls hands rustls' errors on: inside an io::Error.
        let handshake = |error: rustls::Error| NetError::TlsHandshake {
            peer,
            source: io::Error::new(io::ErrorKind::InvalidData, error),
        };
        let untrusted = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let (en, zh) = both(&handshake(untrusted));
        assert!(en.contains("not trusted (UnknownIssuer)"), "{en}");
        assert!(en.contains("turn off Verify certificate"), "{en}");
        assert!(
            zh.contains("127.0.0.1:8883") && zh.contains("“验证证书”"),
            "{zh}"
        );
        let not_tls = rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType);
        let (en, zh) = both(&handshake(not_tls));
        assert!(en.contains("does not seem to speak TLS"), "{en}");
        assert!(zh.contains("似乎不使用 TLS"), "{zh}");
        let closed = NetError::TlsHandshake {
            peer,
            source: io::ErrorKind::UnexpectedEof.into(),
        };
        assert!(both(&closed).1.contains("在握手中关闭了连接"));
    }

    #[test]
    fn english_is_the_errors_own_text() {
        let hex = parse_hex("41 4Z").unwrap_err();
        assert_eq!(hex.message(Language::English), hex.to_string());
        let port = parse_port("70000", false).unwrap_err();
        assert_eq!(port.message(Language::English), port.to_string());
        let reset = CloseReason::Reset;
        assert_eq!(reset.message(Language::English), reset.to_string());
    }

    #[test]
    fn chinese_keeps_positions_characters_and_addresses() {
        let (_, zh) = both(&parse_hex("41 4Z").unwrap_err());
        assert_eq!(zh, "第 5 个字符“Z”不是十六进制数字");
        let (_, zh) = both(&unescape("ab\\q").unwrap_err());
        assert!(zh.starts_with("第 3 个字符处的转义“\\q”无效"), "{zh}");
        let (_, zh) = both(&unescape("ab\\").unwrap_err());
        assert!(zh.contains("第 3 个字符") && zh.contains("末尾"), "{zh}");
        let gbk = SendFormat {
            encoding: TextEncoding::Gbk,
            ..SendFormat::default()
        };
        let error = build_payload("好😀", &gbk).unwrap_err();
        assert_eq!(
            error.message(Language::Chinese),
            "第 2 个字符“😀”无法用 GBK 编码"
        );
        let framed = SendFormat {
            mode: crate::codec::InputMode::Hex,
            checksum: crate::codec::Checksum::Sum8,
            checksum_span: crate::codec::ChecksumSpan { from: 2, tail: 1 },
            ..SendFormat::default()
        };
        let (_, zh) = both(&build_payload("AA 55 03", &framed).unwrap_err());
        assert!(
            zh.contains("第 2 字节") && zh.contains("只有 3 个字节"),
            "{zh}"
        );
        let (_, zh) = both(&parse_port("0", false).unwrap_err());
        assert_eq!(zh, "端口“0”无效：应为 1–65535");
        let (_, zh) = both(&parse_port("x", true).unwrap_err());
        assert!(zh.contains("0 表示任一空闲端口"), "{zh}");
        let (_, zh) = both(&parse_target("127.0.0.1").unwrap_err());
        assert!(zh.starts_with("“127.0.0.1”缺少端口"), "{zh}");
    }

    #[test]
    fn os_reasons_are_named_with_their_number() {
        let addr: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let refused = NetError::Connect {
            addr,
            source: io::Error::from_raw_os_error(111),
        };
        let zh = refused.message(Language::Chinese);
        if io::Error::from_raw_os_error(111).kind() == io::ErrorKind::ConnectionRefused {
            assert_eq!(
                zh,
                "无法连接 127.0.0.1:9：连接被拒绝（对方没有在这个端口监听）（os error 111）"
            );
        }
        let in_use = NetError::Bind {
            addr,
            source: io::Error::from(io::ErrorKind::AddrInUse),
        };
        assert_eq!(
            in_use.message(Language::Chinese),
            "无法绑定 127.0.0.1:9：端口已被占用"
        );
        let timeout = NetError::ConnectTimeout {
            endpoint: Endpoint::new("10.0.0.1", 80),
            timeout: Duration::from_secs(5),
        };
        assert_eq!(
            timeout.message(Language::Chinese),
            "连接 10.0.0.1:80 超时（5 秒内没有应答）"
        );
        // A kind with no Chinese name keeps the OS's own words.
        let odd = io::Error::other("something unusual");
        assert_eq!(io_reason(&odd), "something unusual");
    }

    #[test]
    fn close_reasons_and_refusals_have_chinese_text() {
        assert_eq!(
            CloseReason::ByPeer.message(Language::Chinese),
            "对方关闭了连接"
        );
        assert_eq!(
            NetError::NoLastSender.message(Language::Chinese),
            "还没有收到过数据报，没有可回复的发送方"
        );
        assert_eq!(
            NotOpen.message(Language::Chinese),
            Language::Chinese.texts().not_open
        );
    }
}

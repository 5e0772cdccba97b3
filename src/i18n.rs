//! Every string the window shows, in Chinese and English.

/// The language of the window's labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// 简体中文.
    Chinese,
    /// English.
    #[default]
    English,
}

impl Language {
    /// Chinese when the system locale is Chinese, English otherwise.
    pub fn from_system() -> Self {
        Self::from_locale(sys_locale::get_locale().as_deref())
    }

    /// Chinese for any `zh` locale tag (`zh-CN`, `zh_TW.UTF-8`, ...), English otherwise.
    pub fn from_locale(locale: Option<&str>) -> Self {
        match locale {
            Some(tag) if tag.to_ascii_lowercase().starts_with("zh") => Self::Chinese,
            _ => Self::English,
        }
    }

    /// The labels in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Self::Chinese => &ZH,
            Self::English => &EN,
        }
    }

    /// The other language, for the switch.
    #[must_use]
    pub fn toggled(self) -> Self {
        match self {
            Self::Chinese => Self::English,
            Self::English => Self::Chinese,
        }
    }
}

/// Words in every language the window speaks, made when something happened and shown in the
/// language of the moment: switching the language re-labels what the log and the status bar
/// already say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    chinese: String,
    english: String,
}

impl Said {
    /// What `words` says in each language.
    pub fn new(words: impl Fn(Language) -> String) -> Self {
        Self {
            chinese: words(Language::Chinese),
            english: words(Language::English),
        }
    }

    /// Words that are the same in every language (a path, an address).
    pub fn same(text: String) -> Self {
        Self {
            chinese: text.clone(),
            english: text,
        }
    }

    /// The words in `language`.
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::Chinese => &self.chinese,
            Language::English => &self.english,
        }
    }
}

/// The window's strings in one language.
#[allow(missing_docs)]
#[derive(Debug)]
pub struct Texts {
    /// The language these are in.
    pub language: Language,
    pub title: &'static str,
    pub switch_language: &'static str,
    pub network: &'static str,
    pub protocol: &'static str,
    pub tcp_server: &'static str,
    pub tcp_client: &'static str,
    pub udp: &'static str,
    pub tcp_relay: &'static str,
    pub udp_relay: &'static str,
    /// A UDP relay's idle timeout, after which a quiet source is forgotten.
    pub relay_idle: &'static str,
    pub relay_idle_help: &'static str,
    /// The relay's upstream server field.
    pub upstream: &'static str,
    pub upstream_help: &'static str,
    /// The header mark of what a relay's client sent on to the upstream.
    pub client_to_upstream: &'static str,
    /// The header mark of what went back from the upstream to a relay's client.
    pub upstream_to_client: &'static str,
    /// The relay's send target: which side the send box writes to.
    pub send_to_client: &'static str,
    pub send_to_upstream: &'static str,
    /// In a relayed entry's header: the person sent it, it came from neither side.
    pub injected: &'static str,
    /// A relay's impairment section and its fields.
    pub impairment: &'static str,
    pub impairment_help: &'static str,
    pub impairment_help_tcp: &'static str,
    pub impair_rate: &'static str,
    pub impair_write_size: &'static str,
    pub impair_write_gap: &'static str,
    pub impair_cut: &'static str,
    /// What 0 means in the bandwidth, write size and cut fields, and how they show it.
    pub impair_zero_is_off: &'static str,
    pub impair_off: &'static str,
    /// In the impairment section's summary: both ways are impaired.
    pub both_ways: &'static str,
    pub impair_loss: &'static str,
    pub impair_duplicate: &'static str,
    pub impair_reorder: &'static str,
    pub impair_delay: &'static str,
    pub impair_jitter: &'static str,
    pub impair_seed: &'static str,
    pub impair_seed_help: &'static str,
    /// In a relayed datagram's header: the impairment lost it.
    pub impaired_dropped: &'static str,
    /// In a relayed datagram's header: held `{ms}` ms before it went on.
    pub impaired_delayed: &'static str,
    pub impaired_duplicated: &'static str,
    pub impaired_reordered: &'static str,
    /// In a relayed datagram's header: the bandwidth limit's queue was full.
    pub impaired_queue_full: &'static str,
    /// In a relayed datagram's header: `{ms}` ms of its delay were the bandwidth limit's.
    pub impaired_queued: &'static str,
    pub empty_upstream: &'static str,
    pub local_address: &'static str,
    pub remote_address: &'static str,
    pub local_port: &'static str,
    pub remote_port: &'static str,
    pub open: &'static str,
    pub close: &'static str,
    pub receive: &'static str,
    pub show_as: &'static str,
    pub decode_as: &'static str,
    pub send_settings: &'static str,
    pub send_as: &'static str,
    pub encode_as: &'static str,
    pub text: &'static str,
    pub hex: &'static str,
    pub data_log: &'static str,
    pub clear: &'static str,
    /// The Find field's hint and name.
    pub find: &'static str,
    /// Find found nothing.
    pub not_found: &'static str,
    /// A log entry's menu: copy its text.
    pub copy_text: &'static str,
    /// A log entry's menu: copy its bytes in hex.
    pub copy_hex: &'static str,
    /// A log entry's menu: copy its bytes as a Python bytes literal.
    pub copy_python: &'static str,
    /// A log entry's menu: copy its bytes as a C array initializer.
    pub copy_c_array: &'static str,
    /// A log entry's menu: put its bytes in the send box.
    pub to_send_box: &'static str,
    /// Log entry menu: send the entry's bytes to its peer again (`{peer}`).
    pub send_again: &'static str,
    /// Refusal: the entry's peer is not connected any more (`{peer}`).
    pub peer_not_connected: &'static str,
    /// The button that saves the log as shown to a text file (保存数据).
    pub save_log: &'static str,
    /// Status once the log is saved, before the path.
    pub log_saved: &'static str,
    /// After the number of lines saved.
    pub lines: &'static str,
    pub send_data: &'static str,
    pub send: &'static str,
    pub send_to: &'static str,
    pub all_clients: &'static str,
    pub disconnect_client: &'static str,
    /// Button that disconnects every client of the server.
    pub disconnect_all: &'static str,
    /// Tooltip of Disconnect all.
    pub disconnect_all_help: &'static str,
    pub target: &'static str,
    pub reply_to_last: &'static str,
    pub reset_counters: &'static str,
    pub state_closed: &'static str,
    pub state_opening: &'static str,
    pub state_listening: &'static str,
    pub state_connecting: &'static str,
    /// Waiting to connect again (auto reconnect).
    pub state_reconnecting: &'static str,
    /// In a received entry's header: how long after the last send to the peer it came (`{ms}`).
    pub since_send: &'static str,
    /// In a sent entry's header: auto reply sent it.
    pub auto_reply_sent: &'static str,
    /// Status bar: response times (`{last}`, `{avg}`, `{max}` in ms, `{n}` of them).
    pub responses: &'static str,
    /// Button: switch to the light theme.
    pub theme_light: &'static str,
    /// Tooltip of the light theme button.
    pub theme_light_help: &'static str,
    /// Button: switch to the dark theme.
    pub theme_dark: &'static str,
    /// Tooltip of the dark theme button.
    pub theme_dark_help: &'static str,
    /// Status bar, when short of room: the last response time (`{last}` in ms).
    pub responses_last: &'static str,
    /// Tooltip of the response times (`{min}` in ms).
    pub responses_help: &'static str,
    /// Button: write the quick commands to a file.
    pub quick_export: &'static str,
    /// Button: add the quick commands of a file.
    pub quick_import: &'static str,
    /// Status after an export (`{n}` commands, `{path}`).
    pub quick_exported: &'static str,
    /// Status after an import (`{n}` added, `{same}` already there, `{path}`).
    pub quick_imported: &'static str,
    /// Button that empties the send box.
    pub clear_input: &'static str,
    /// Label of the merge gap for TCP reads.
    pub merge_reads: &'static str,
    /// Tooltip of the merge gap.
    pub merge_reads_help: &'static str,
    /// Label of the checksum received entries are checked for.
    pub check_received: &'static str,
    /// Tooltip of the receive check.
    pub check_received_help: &'static str,
    /// A header's note for a right checksum; `{kind}` is its name.
    pub check_good: &'static str,
    /// A header's note for a wrong checksum; `{kind}`, and `{expected}` in hex.
    pub check_bad: &'static str,
    /// The status bar's count of checked entries: `{kind}`, `{good}`, `{bad}`.
    pub check_tally: &'static str,
    /// Tooltip of that count.
    pub check_tally_help: &'static str,
    /// In the status bar: what a relay's impairment did, `{parts}` of the three below.
    pub impair_tally: &'static str,
    pub impair_tally_dropped: &'static str,
    pub impair_tally_duplicated: &'static str,
    pub impair_tally_reordered: &'static str,
    pub impair_tally_help: &'static str,
    /// Label of the first byte a sent checksum covers.
    pub checksum_from: &'static str,
    /// Label of how many of the send box's last bytes go after its checksum.
    pub checksum_tail: &'static str,
    /// Label of the first byte a received message's checksum covers.
    pub check_from: &'static str,
    /// Label of how many bytes end a received message after its checksum.
    pub check_tail: &'static str,
    /// Tooltip of the span fields, sent and received.
    pub checksum_span_help: &'static str,
    /// The frame a span makes, in words: `{from}` and `{tail}` bytes left out, `{kind}`.
    pub checksum_span_rule: &'static str,
    /// The status message when the send box could not be rewritten for text or hex.
    pub send_box_kept: &'static str,
    /// An auto reply field kept as typed at a switch to hex; `{reason}`.
    pub reply_field_kept: &'static str,
    /// The status message when switching to text turned escapes on.
    pub escapes_turned_on: &'static str,
    /// The checkbox that filters the log to the selected client.
    pub show_selected_only: &'static str,
    /// Its tooltip.
    pub show_selected_only_help: &'static str,
    /// The log header's note while filtered, before the peer.
    pub showing_only: &'static str,
    /// Label of auto reply's delay.
    pub reply_delay: &'static str,
    /// Its tooltip.
    pub reply_delay_help: &'static str,
    /// The state of a server that stopped listening.
    pub state_serving: &'static str,
    /// The Stop listening button.
    pub stop_listening: &'static str,
    /// Its tooltip.
    pub stop_listening_help: &'static str,
    /// The log line when a server stopped listening; `{n}` clients stay.
    pub stopped_listening: &'static str,
    /// Label of the TCP client's local port.
    pub client_local_port: &'static str,
    /// Tooltip of the TCP client's local port.
    pub client_local_port_help: &'static str,
    /// Label of the way TCP reads are split into messages.
    pub split_by: &'static str,
    /// Its tooltip.
    pub split_by_help: &'static str,
    /// Not splitting.
    pub split_off: &'static str,
    /// Splitting after a delimiter.
    pub split_delimiter: &'static str,
    /// Splitting by a length field.
    pub split_length: &'static str,
    /// Splitting every so many bytes.
    pub split_fixed: &'static str,
    /// Label of the delimiter TCP reads are split at.
    pub split_at: &'static str,
    /// Tooltip of the split delimiter.
    pub split_at_help: &'static str,
    /// What the empty split field says (it is off).
    pub split_at_hint: &'static str,
    /// Label of the length field's offset.
    pub length_offset: &'static str,
    /// Label of the length field's width and byte order.
    pub length_width: &'static str,
    /// Label of what is added to the length field's value.
    pub length_adjust: &'static str,
    /// Tooltip of the length field settings.
    pub length_help: &'static str,
    /// The length rule in words: `{header}` bytes up to the field's end, `{adjust}` signed.
    pub length_rule: &'static str,
    /// Most significant byte first.
    pub big_endian: &'static str,
    /// Least significant byte first.
    pub little_endian: &'static str,
    /// Label of the size of fixed-size messages.
    pub fixed_size: &'static str,
    /// Label of the bytes each message begins with (帧头).
    pub frame_start: &'static str,
    /// What the empty frame start field says.
    pub frame_start_hint: &'static str,
    /// Tooltip of the frame start field.
    pub frame_start_help: &'static str,
    /// The header note of an entry that holds the rest of a message too long for one entry.
    pub continued: &'static str,
    /// The note on a received entry that does not begin with the frame start.
    pub no_frame_start: &'static str,
    /// The list of remotes used before.
    pub recent: &'static str,
    /// Tooltip of the A+ button.
    pub zoom_in: &'static str,
    /// Tooltip of the A- button.
    pub zoom_out: &'static str,
    /// After the reconnect state: how many attempts in a row have failed (`{n}`).
    pub reconnect_failures: &'static str,
    /// The auto reconnect checkbox.
    pub auto_reconnect: &'static str,
    /// Label of the wait before an auto reconnect.
    pub reconnect_every: &'static str,
    /// The TLS checkbox of the TCP modes.
    pub tls: &'static str,
    /// Its tooltip.
    pub tls_help: &'static str,
    /// TCP client with TLS: the checkbox that checks the server's certificate.
    pub tls_verify: &'static str,
    /// Its tooltip.
    pub tls_verify_help: &'static str,
    /// TCP server with TLS: the certificate file field.
    pub tls_certificate: &'static str,
    /// TCP server with TLS: the private key file field.
    pub tls_key: &'static str,
    /// Shown in both file fields while empty.
    pub tls_files_hint: &'static str,
    /// The button beside a file field that opens a file dialog.
    pub choose_file: &'static str,
    /// Refusal to open a TLS server with only one of the two files.
    pub tls_files_missing: &'static str,
    /// Log line after Listening: a self-signed certificate was made (`{fp}`).
    pub tls_serving_self_signed: &'static str,
    /// Log line after Listening: the certificate came from the files (`{fp}`).
    pub tls_serving_files: &'static str,
    /// Log line of a finished handshake: `{peer}`, `{protocol}`, `{cipher}`.
    pub tls_secured: &'static str,
    /// Its continuation when the peer showed a certificate (`{fp}`), verified.
    pub tls_peer_verified: &'static str,
    /// Its continuation when the peer showed a certificate (`{fp}`), taken unverified.
    pub tls_peer_unverified: &'static str,
    pub state_connected: &'static str,
    /// State: connected, the TLS handshake under way.
    pub state_securing: &'static str,
    pub state_bound: &'static str,
    pub clients: &'static str,
    pub listening_on: &'static str,
    pub bound_on: &'static str,
    pub connecting_to: &'static str,
    pub connected_to: &'static str,
    pub client_joined: &'static str,
    pub client_left: &'static str,
    pub upstream_connected: &'static str,
    pub client_half_closed: &'static str,
    pub upstream_half_closed: &'static str,
    pub client_reset: &'static str,
    pub upstream_reset: &'static str,
    pub session_closed: &'static str,
    pub error: &'static str,
    pub not_open: &'static str,
    pub not_connected: &'static str,
    pub no_clients: &'static str,
    pub empty_target: &'static str,
    pub dropped_marker: &'static str,
    /// Added to the dropped marker when the date line went with the entries: `{date}`.
    pub dropped_day: &'static str,
    pub receive_buffer: &'static str,
    pub log_limit: &'static str,
    pub filter_clients: &'static str,
    pub log_mode: &'static str,
    pub auto_wrap: &'static str,
    /// The checkbox that shows the rate graph.
    pub rate_graph: &'static str,
    pub autoscroll: &'static str,
    pub pause_display: &'static str,
    pub hide_received: &'static str,
    /// Label of the hide-sent-data checkbox.
    pub hide_sent: &'static str,
    /// Its tooltip.
    pub hide_sent_help: &'static str,
    /// The checkbox that shows text with escapes where it would not show.
    pub show_escapes: &'static str,
    /// Its tooltip.
    pub show_escapes_help: &'static str,
    pub escapes: &'static str,
    /// The checkbox that empties the send box after a send.
    pub clear_after_send: &'static str,
    /// Shown while a file is dragged over the window.
    pub drop_to_send: &'static str,
    pub reply_reads_as: &'static str,
    pub more_network: &'static str,
    pub more_receive: &'static str,
    pub more_send: &'static str,
    pub quick_count: &'static str,
    pub rule_count: &'static str,
    pub timeline: &'static str,
    pub close_timeline: &'static str,
    pub show_timeline: &'static str,
    pub show_timeline_help: &'static str,
    pub timeline_empty: &'static str,
    pub timeline_fell_off: &'static str,
    pub new_session: &'static str,
    pub close_tab: &'static str,
    pub rename_session: &'static str,
    pub session_name: &'static str,
    pub ok: &'static str,
    pub cancel: &'static str,
    pub duplicate_session: &'static str,
    pub side_by_side: &'static str,
    pub side_by_side_help: &'static str,
    pub tab_help: &'static str,
    pub settings_of_session: &'static str,
    pub workspace: &'static str,
    pub open_workspace: &'static str,
    pub save_workspace: &'static str,
    pub file_saved: &'static str,
    pub workspace_opened: &'static str,
    /// Tooltip of the line that previews the bytes Send puts on the wire.
    pub preview_help: &'static str,
    pub append: &'static str,
    pub checksum: &'static str,
    pub not_shown: &'static str,
    pub rate: &'static str,
    pub frames: &'static str,
    pub cycle_send: &'static str,
    pub cycle_period: &'static str,
    /// Label of how many sends a cycle makes (0: until stopped).
    pub cycle_times: &'static str,
    /// Checkbox: the cycle sends the quick commands in turn instead of the send box.
    pub cycle_quick: &'static str,
    /// Refusal: cycling through quick commands with none saved.
    pub no_quick_commands: &'static str,
    /// Label of the TCP client's connect timeout.
    pub connect_timeout: &'static str,
    pub cycle_stopped: &'static str,
    /// The line that starts each day in the log: `{date}`.
    pub date_line: &'static str,
    pub cycle_count: &'static str,
    pub send_file: &'static str,
    /// Label of a file's bytes per packet (0: the protocol's default).
    pub file_packet_size: &'static str,
    /// Label of the pause between a file's packets.
    pub file_interval: &'static str,
    pub file_sent: &'static str,
    pub file_stopped: &'static str,
    pub save_to_file: &'static str,
    pub stop_saving: &'static str,
    pub save_format: &'static str,
    pub raw_bytes: &'static str,
    pub log_text: &'static str,
    pub saving_to: &'static str,
    pub multicast_group: &'static str,
    pub not_multicast: &'static str,
    pub joined_group: &'static str,
    pub pick_address: &'static str,
    pub quick_commands: &'static str,
    pub quick_name: &'static str,
    /// Title of the auto reply group.
    pub auto_reply: &'static str,
    /// The echo checkbox.
    pub echo: &'static str,
    /// Label of the auto reply pattern field.
    pub reply_when: &'static str,
    /// Label of the auto reply answer field.
    pub reply_with: &'static str,
    /// The button that adds an auto reply rule.
    pub add_rule: &'static str,
    /// Tooltip of the auto reply group: how rules are read and matched.
    pub auto_reply_help: &'static str,
    pub quick_add: &'static str,
    pub quick_save: &'static str,
    pub edit: &'static str,
    pub delete: &'static str,
    pub history: &'static str,
}

/// 简体中文.
pub static ZH: Texts = Texts {
    language: Language::Chinese,
    title: "NetDebug 网络调试助手",
    switch_language: "English",
    network: "网络设置",
    protocol: "协议类型",
    tcp_server: "TCP 服务器",
    tcp_client: "TCP 客户端",
    udp: "UDP",
    tcp_relay: "TCP 转发",
    udp_relay: "UDP 转发",
    relay_idle: "空闲超时 (ms)",
    relay_idle_help: "某个来源在这么久内两个方向都没有数据，就不再为它保留通往上游的端口；它再发数据时重新分配。",
    upstream: "上游服务器",
    upstream_help: "每个连上本机的客户端，都由本机另开一条连接接到这里（主机名或地址:端口），两个方向的数据都记入日志。",
    client_to_upstream: "客户端→上游",
    upstream_to_client: "上游→客户端",
    send_to_client: "发给客户端",
    send_to_upstream: "发给上游",
    injected: "手动注入",
    impairment: "链路劣化",
    impairment_help: "让经过转发的数据报按比例丢失、重复、乱序，延迟转发（可加抖动），或限制带宽（队列等待超过 1 秒的丢弃），两个方向各自设置，运行中随时可改。日志的标题行注明每个数据报的遭遇。",
    impairment_help_tcp: "延迟转发（可加抖动，顺序不变）、限制带宽、把数据流重新切成指定大小的写入并在其间留出间隔（用真实的对端演示和测试粘包/拆包），或在一个方向转发指定字节数后切断两条连接（双方都收到复位）。两个方向各自设置，运行中随时可改。",
    impair_rate: "限速",
    impair_write_size: "分包大小",
    impair_write_gap: "分包间隔",
    impair_cut: "断开于",
    impair_zero_is_off: "0 表示不限制",
    impair_off: "不限",
    both_ways: "双向",
    impair_loss: "丢包",
    impair_duplicate: "重复",
    impair_reorder: "乱序",
    impair_delay: "延迟",
    impair_jitter: "抖动",
    impair_seed: "随机种子",
    impair_seed_help: "丢包、重复、乱序和抖动的随机选择都由这个种子决定：同样的种子、同样的数据报，结果完全一样。修改任何设置都会从种子重新开始。",
    impaired_dropped: "已丢弃（未转发）",
    impaired_delayed: "延迟 {ms} ms 转发",
    impaired_duplicated: "重复发送",
    impaired_reordered: "乱序",
    impaired_queue_full: "已丢弃：限速队列已满",
    impaired_queued: "其中限速排队 {ms} ms",
    empty_upstream: "请填写上游服务器（地址:端口）",
    local_address: "本地主机地址",
    remote_address: "远程主机地址",
    local_port: "本地端口",
    remote_port: "远程端口",
    open: "打开",
    close: "关闭",
    receive: "接收设置",
    show_as: "显示方式",
    decode_as: "接收编码",
    send_settings: "发送设置",
    send_as: "发送方式",
    encode_as: "发送编码",
    text: "文本",
    hex: "十六进制",
    data_log: "数据日志",
    clear: "清除",
    find: "查找",
    not_found: "未找到",
    copy_text: "复制为文本",
    copy_hex: "复制为十六进制",
    copy_python: "复制为 Python 字节串",
    copy_c_array: "复制为 C 数组",
    to_send_box: "放入发送框（十六进制）",
    send_again: "再发一次给 {peer}",
    peer_not_connected: "{peer} 已不在连接中，未发送",
    save_log: "保存数据…",
    log_saved: "日志已保存到",
    lines: "行",
    send_data: "发送数据",
    send: "发送",
    send_to: "发送到",
    all_clients: "所有客户端",
    disconnect_client: "断开客户端",
    disconnect_all: "断开全部",
    disconnect_all_help: "断开所有已连接的客户端；服务器继续监听，客户端可以重新连接",
    target: "目标主机",
    reply_to_last: "回复最后发送者",
    reset_counters: "复位计数",
    state_closed: "未打开",
    state_opening: "正在打开",
    state_listening: "正在监听",
    state_connecting: "正在连接",
    state_reconnecting: "等待重连",
    reconnect_failures: "已连续失败 {n} 次",
    zoom_in: "放大界面",
    recent: "最近使用",
    responses: "响应 {last} ms（平均 {avg}，最长 {max}，{n} 次）",
    responses_last: "响应 {last} ms",
    theme_light: "浅色",
    theme_light_help: "换成浅色主题（投影或明亮的房间里更清楚）",
    theme_dark: "深色",
    theme_dark_help: "换成深色主题",
    responses_help: "对端在本程序发送之后、第一次发来数据所用的时间（日志里的“发送后 … ms”）。\n最短 {min} ms。复位计数时清零。",
    clear_input: "清除输入",
    quick_export: "导出…",
    quick_import: "导入…",
    quick_exported: "已导出 {n} 条快捷指令到 {path}",
    quick_imported: "从 {path} 导入 {n} 条快捷指令（{same} 条已存在）",
    merge_reads: "合并间隔 (ms)",
    merge_reads_help: "0：每次 TCP 读取各占一条记录。\n大于 0：同一对端在这段时间内接连到达的数据并入同一条记录（最多 8 KB），\n例如串口转网络模块把一条消息拆成几段发来时。只影响显示，计数和保存不变。",
    send_box_kept: "发送框内容保持不变：{reason}",
    reply_field_kept: "应答字段保持不变：{reason}",
    escapes_turned_on: "已开启转义符：这些字节不全是 {encoding} 文本，用 \\xNN 写出",
    show_selected_only: "只显示该客户端",
    show_selected_only_help: "数据日志只显示所选客户端收发的数据（连接事件全部显示），查找和保存数据也一样。\n计数和接收保存到文件不受影响。",
    showing_only: "只显示",
    reply_delay: "延时应答 (ms)",
    reply_delay_help: "等这么久再应答，模拟一台慢设备，用来检验客户端的超时处理。0：立即应答。\nTCP 在等待期间不再读取（一次处理一个请求的设备）；UDP 照常接收，每个应答在各自的数据报之后延时发出。",
    state_serving: "已停止监听，保持已有连接",
    stop_listening: "停止监听",
    stop_listening_help: "关闭监听套接字：新的客户端连不上（连接被拒绝），已经连上的客户端照常收发。\n这正是 accept 返回的套接字与监听套接字彼此独立的演示。关闭按钮结束一切。",
    stopped_listening: "已停止监听：新的连接将被拒绝，已连接的 {n} 个客户端保持连接",
    client_local_port: "本地端口 (0 = 自动)",
    client_local_port_help: "从本机的这个端口去连接服务器。0：由系统任选一个端口（通常的做法）。\n有的设备（例如某些 PLC 的以太网模块）只接受来自指定端口的连接。",
    check_received: "校验接收",
    check_received_help: "检查每条接收记录末尾的校验值是否与它前面的数据相符（例如 Modbus RTU 帧末尾的 CRC16）。\n按分隔符分包时，校验值在分隔符之前，尚未收到分隔符的记录暂不检查。\n记录头注明校验正确或错误（及应有的值），状态栏统计正确和错误的条数，复位计数时清零。\n超过 64 KB 的记录不检查。",
    check_good: "{kind} 校验正确",
    check_bad: "{kind} 校验错误，应为 {expected}",
    check_tally: "{kind}：{good} 正确，{bad} 错误",
    check_tally_help: "接收记录的校验结果（选择校验方式或复位计数以来）。暂停显示或不显示接收数据时，收到的消息照样检查和计数。",
    impair_tally: "链路劣化：{parts}",
    impair_tally_dropped: "丢弃 {n}",
    impair_tally_duplicated: "重复 {n}",
    impair_tally_reordered: "乱序 {n}",
    impair_tally_help: "复位计数以来，链路劣化对转发的数据报做了什么：丢弃（按比例或限速队列已满）、重复发送、乱序。日志里每个数据报的标题行注明了它的遭遇。",
    checksum_from: "校验起始字节",
    checksum_span_rule: "帧：{from} 字节 + 校验部分 + {kind} + {tail} 字节",
    checksum_tail: "校验后字节数",
    check_from: "接收校验起始字节",
    check_tail: "接收校验后字节数",
    checksum_span_help: "校验值覆盖哪些字节（字节从 0 数起）：起始字节为 2 时不算 AA 55 这样的 2 字节帧头。\n校验后字节数：帧在校验值之后还有几个不参与校验的字节，例如 DL/T 645 的结束符 16 或 ETX 03；发送时校验值放在发送内容的最后这几个字节之前，接收时在消息的最后这几个字节之前找它。\n都为 0：校验全部数据，校验值在最后。",
    split_by: "分包方式",
    split_by_help: "TCP 只传字节流：设备分开发的两条消息可能一次读到，一条消息也可能分两次读到。\n按分隔符、按报文头里的长度字段或按固定长度把每个对端的数据切成消息，每条消息一条记录，不管 TCP 怎样切分。\n只影响 TCP 的显示（和校验接收），计数和保存不变；开启时不按合并间隔合并。",
    split_off: "不分包",
    split_delimiter: "按分隔符",
    split_length: "按长度字段",
    split_fixed: "固定长度",
    split_at: "分隔符",
    split_at_hint: r"不分包（例如 \r\n）",
    split_at_help: "接收的数据在每个分隔符之后断开（支持转义：\\n、\\r\\n、\\x03，按接收编码编码）。留空则不分包。",
    length_offset: "长度字段位置",
    length_width: "长度字段类型",
    length_adjust: "长度修正",
    length_help: "每条消息的报文头里有一个长度字段：位置是它离消息开头的字节数，类型是它的字节数和字节序。\n消息长度 = 长度字段之前和它本身的字节 + 字段值 + 修正。\nModbus TCP：位置 4，u16 大端，修正 0。AA 55 LEN 数据 CRC16（LEN 只算数据）：位置 2，u8，修正 +2。\n字段值算整条消息时，修正为负的（位置 + 字段字节数）。",
    length_rule: "每条消息 {header} + 字段值 {adjust} 字节",
    big_endian: "大端",
    little_endian: "小端",
    fixed_size: "每条字节数",
    frame_start: "帧头 (十六进制)",
    frame_start_hint: "无（例如 AA 55）",
    frame_start_help: "每条消息开头的字节，十六进制。设了帧头，数据流错位后（丢了或错了一个字节、长度字段不对）能自己找回：该是消息开头的地方没有帧头时，到下一个帧头之前的字节单独成一条，标出“无帧头”，下一条从帧头开始。留空则不检查。",
    continued: "接上条",
    no_frame_start: "无帧头",
    zoom_out: "缩小界面",
    since_send: "发送后 {ms} ms",
    auto_reply_sent: "自动应答",
    auto_reconnect: "自动重连",
    tls: "TLS (SSL) 加密",
    tls_help: "在 TCP 连接上使用 TLS（SSL）。日志里显示的是解密后的数据，计数也是解密后的字节数。\n客户端：连接 https、MQTTS (8883) 等加密服务，或带证书的设备。\n服务器：每个客户端连上后先完成 TLS 握手。",
    tls_verify: "验证证书",
    tls_verify_help: "用本机信任的证书颁发机构检查服务器证书，并核对证书上的名称与所连地址。\n关闭后接受任何证书（设备常用的自签名证书），日志里仍显示证书的 SHA-256 指纹，可与设备上的对照。",
    tls_certificate: "证书 (PEM)",
    tls_key: "私钥 (PEM)",
    tls_files_hint: "留空：自动生成自签名证书",
    choose_file: "选择文件…",
    tls_files_missing: "证书和私钥要一起给出；两个都留空则使用自动生成的自签名证书",
    tls_serving_self_signed: "已启用 TLS：本次打开时生成的自签名证书，SHA-256 {fp}",
    tls_serving_files: "已启用 TLS：证书来自所给文件，SHA-256 {fp}",
    tls_secured: "与 {peer} 的 TLS 握手完成：{protocol}，{cipher}",
    tls_peer_verified: "；对方证书 SHA-256 {fp}，已验证",
    tls_peer_unverified: "；对方证书 SHA-256 {fp}，未验证",
    reconnect_every: "间隔 (ms)",
    state_connected: "已连接",
    state_securing: "TLS 握手中",
    state_bound: "已绑定",
    clients: "客户端",
    listening_on: "开始监听",
    bound_on: "UDP 已绑定",
    connecting_to: "正在连接",
    connected_to: "已连接到",
    client_joined: "客户端接入",
    client_left: "客户端离开",
    upstream_connected: "{client} 已接通上游 {upstream}（本地 {local}）",
    client_half_closed: "{client} 结束发送（FIN），已转告上游",
    upstream_half_closed: "上游结束向 {client} 发送（FIN），已转告",
    client_reset: "{client} 重置了连接（RST），上游连接也已重置",
    upstream_reset: "上游重置了 {client} 的连接（RST），已转告",
    session_closed: "已关闭",
    error: "错误",
    not_open: "未打开：请先点击“打开”",
    not_connected: "尚未连接，未发送",
    no_clients: "没有已连接的客户端，未发送",
    empty_target: "请填写目标主机 host:port",
    dropped_marker: "… 为保持日志在 {limit} 以内，已从显示中移除 {count} 条较早的记录（计数与保存不受影响）",
    dropped_day: "；以下记录从 {date} 开始",
    receive_buffer: "接收缓冲区",
    log_limit: "日志上限 (MB)",
    filter_clients: "筛选",
    log_mode: "按日志模式显示",
    auto_wrap: "自动换行",
    rate_graph: "速率曲线",
    autoscroll: "自动滚动",
    pause_display: "暂停显示",
    hide_received: "接收数据不显示",
    hide_sent: "发送数据不显示",
    hide_sent_help: "发送的数据不进数据日志，日志里只有收到的数据；计数、保存和响应时间照常。\n例如循环发送轮询设备时，只看设备的回答。",
    show_escapes: "显示转义符",
    show_escapes_help: "文本里看不见的内容按发送框的转义符显示：回车 \\r、换行 \\n、制表 \\t、零字节 \\0、反斜杠 \\\\，\n其他控制字符和不是该编码文字的字节显示为 \\xNN，不显示成 · 或 �。\n于是 OK\\r\\n 和 OK\\n 一眼分得清；把一行复制到发送框（勾选转义符），发出的就是同样的字节。",
    escapes: "转义符",
    clear_after_send: "发送完自动清空",
    drop_to_send: "松开鼠标即发送此文件",
    reply_reads_as: "按发送设置读取：{format}",
    more_network: "更多网络设置",
    more_receive: "更多接收设置",
    more_send: "更多发送设置",
    quick_count: "{n} 条",
    rule_count: "{n} 条规则",
    timeline: "全部会话时间线",
    close_timeline: "关闭时间线",
    show_timeline: "时间线",
    show_timeline_help: "把所有会话的收发按时间排在一栏里显示，标出每条属于哪个会话、与上一条相隔多久",
    timeline_empty: "还没有任何会话收发数据或状态变化。",
    timeline_fell_off: "较早的 {n} 条已移出时间线（最多 {limit} 条；它们仍在各自会话的日志里）",
    new_session: "新建会话",
    close_tab: "关闭会话",
    rename_session: "重命名会话",
    session_name: "会话名称",
    ok: "确定",
    cancel: "取消",
    duplicate_session: "复制会话",
    side_by_side: "并排显示",
    side_by_side_help: "把这个会话移到右边单独一栏，与其他会话并排",
    tab_help: "双击重命名；右键：复制、并排、关闭；拖动可调整顺序或拖到一侧并排",
    settings_of_session: "左侧设置属于这个会话（点击会话的标签或日志切换）",
    workspace: "工作区",
    open_workspace: "打开…",
    save_workspace: "保存…",
    file_saved: "已保存到",
    workspace_opened: "已打开工作区",
    preview_help: "点击发送时实际发出的字节：已处理转义符、编码、校验和附加位",
    append: "自动发送附加位",
    checksum: "校验",
    not_shown: "未显示（已计数、已保存）",
    rate: "速率",
    frames: "帧",
    cycle_send: "循环发送",
    cycle_period: "周期 (ms)",
    cycle_times: "次数 (0=不限)",
    cycle_quick: "轮流发送快捷指令",
    no_quick_commands: "没有快捷指令可轮流发送",
    connect_timeout: "连接超时 (ms)",
    cycle_stopped: "循环发送已停止，共发送 {n} 次",
    date_line: "日期：{date}",
    cycle_count: "已发送",
    send_file: "打开文件数据源…",
    file_packet_size: "文件每包字节 (0=自动)",
    file_interval: "文件包间隔 (ms)",
    file_sent: "文件已发送",
    file_stopped: "文件发送中止",
    save_to_file: "接收保存到文件…",
    stop_saving: "停止保存",
    save_format: "保存格式",
    raw_bytes: "原始数据",
    log_text: "日志文本",
    saving_to: "正在保存到",
    multicast_group: "组播地址",
    not_multicast: "不是组播地址（IPv4 224.0.0.0–239.255.255.255，IPv6 ff00::/8）",
    joined_group: "已加入组播",
    pick_address: "选择本机地址",
    quick_commands: "快捷指令",
    quick_name: "名称",
    auto_reply: "自动应答",
    echo: "回显收到的数据",
    reply_when: "收到包含",
    reply_with: "则回复",
    add_rule: "添加规则",
    auto_reply_help: "收到的数据包含左边的内容时，立即把右边的内容发回给发送方（TCP 中跨两次读取到达的内容也能找到；UDP 逐个数据报匹配）。\n两栏按添加时的发送设置解读（文本/十六进制、编码、转义符）；回复还会加上校验和附加位。\n左栏留空表示收到任何数据都回复。",
    quick_add: "添加发送框内容",
    quick_save: "保存修改",
    edit: "编辑",
    delete: "删除",
    history: "历史发送",
};

/// English.
pub static EN: Texts = Texts {
    language: Language::English,
    title: "NetDebug network assistant",
    switch_language: "中文",
    network: "Network settings",
    protocol: "Protocol",
    tcp_server: "TCP Server",
    tcp_client: "TCP Client",
    udp: "UDP",
    tcp_relay: "TCP Relay",
    udp_relay: "UDP Relay",
    relay_idle: "Idle timeout (ms)",
    relay_idle_help: "A source with nothing either way for this long loses its socket to the upstream; its next datagram gets a new one.",
    upstream: "Upstream server",
    upstream_help: "Each client that connects here is connected on to this server (name or address:port) over a connection of its own; both ways go in the log.",
    client_to_upstream: "client→upstream",
    upstream_to_client: "upstream→client",
    send_to_client: "To client",
    send_to_upstream: "To upstream",
    injected: "injected",
    impairment: "Impair the link",
    impairment_help: "Lose, duplicate or reorder a share of the relayed datagrams, pass them on late (with jitter), or limit the bandwidth (what would queue longer than 1 s is dropped), each way on its own, changed while it runs. Each datagram's header says what happened to it.",
    impairment_help_tcp: "Pass the stream on late (with jitter, in order), limit its bandwidth, re-cut it into writes of a set size with a gap between them (to show and test how a real peer copes with 粘包/拆包), or cut both connections off once a way has passed on so many bytes (both sides see a reset). Each way on its own, changed while it runs.",
    impair_rate: "Bandwidth",
    impair_write_size: "Write size",
    impair_write_gap: "Write gap",
    impair_cut: "Cut after",
    impair_zero_is_off: "0: no limit",
    impair_off: "off",
    both_ways: "Both ways",
    impair_loss: "Loss",
    impair_duplicate: "Duplicate",
    impair_reorder: "Reorder",
    impair_delay: "Delay",
    impair_jitter: "Jitter",
    impair_seed: "Seed",
    impair_seed_help: "Every random choice (loss, duplication, reordering, jitter) comes from this seed: the same seed and the same datagrams give the same result. Changing any setting starts again from the seed.",
    impaired_dropped: "dropped (not passed on)",
    impaired_delayed: "passed on after {ms} ms",
    impaired_duplicated: "sent twice",
    impaired_reordered: "reordered",
    impaired_queue_full: "dropped: the bandwidth limit's queue is full",
    impaired_queued: "{ms} ms of it queued for the bandwidth",
    empty_upstream: "Type the upstream server (address:port)",
    local_address: "Local address",
    remote_address: "Remote address",
    local_port: "Local port",
    remote_port: "Remote port",
    open: "Open",
    close: "Close",
    receive: "Receive settings",
    show_as: "Show as",
    decode_as: "Decode as",
    send_settings: "Send settings",
    send_as: "Send as",
    encode_as: "Encode as",
    text: "Text",
    hex: "Hex",
    data_log: "Data log",
    clear: "Clear",
    find: "Find",
    not_found: "not found",
    copy_text: "Copy as text",
    copy_hex: "Copy as hex",
    copy_python: "Copy as Python bytes",
    copy_c_array: "Copy as C array",
    to_send_box: "Put in the send box (hex)",
    send_again: "Send again to {peer}",
    peer_not_connected: "{peer} is not connected any more, nothing was sent",
    save_log: "Save log…",
    log_saved: "Log saved to",
    lines: "lines",
    send_data: "Send data",
    send: "Send",
    send_to: "Send to",
    all_clients: "All clients",
    disconnect_client: "Disconnect client",
    disconnect_all: "Disconnect all",
    disconnect_all_help: "Disconnects every connected client; the server goes on listening, so they can connect again",
    target: "Target",
    reply_to_last: "Reply to last sender",
    reset_counters: "Reset counters",
    state_closed: "Closed",
    state_opening: "Opening",
    state_listening: "Listening",
    state_connecting: "Connecting",
    state_reconnecting: "Waiting to reconnect",
    reconnect_failures: "{n} failed in a row",
    zoom_in: "Larger text",
    recent: "Recent",
    responses: "Response {last} ms (avg {avg}, max {max}, {n}×)",
    responses_last: "Response {last} ms",
    theme_light: "Light",
    theme_light_help: "Switch to the light theme (clearer on a projector or in a bright room)",
    theme_dark: "Dark",
    theme_dark_help: "Switch to the dark theme",
    responses_help: "How long peers took to send something after a send to them (the log's \"ms after the send\").\nShortest {min} ms. Reset counters clears them.",
    clear_input: "Clear input",
    quick_export: "Export…",
    quick_import: "Import…",
    quick_exported: "Exported {n} quick commands to {path}",
    quick_imported: "Imported {n} quick commands from {path} ({same} already there)",
    merge_reads: "Merge reads within (ms)",
    merge_reads_help: "0: each TCP read is an entry of its own.\nAbove 0: data from the same peer that follows the previous read within this time joins its entry (up to 8 KB),\nas when a serial-to-network module sends one message in pieces. Only the display changes; counting and saving do not.",
    send_box_kept: "The send box was kept as it was: {reason}",
    reply_field_kept: "The auto reply field was kept as it was: {reason}",
    escapes_turned_on: "Escapes turned on: these bytes are not all {encoding} text, so some are written as \\xNN",
    show_selected_only: "Only this client in the log",
    show_selected_only_help: "The data log shows only what the selected client sent and received (every connection event still shows), and so do Find and Save log.\nCounters and save-to-file are not affected.",
    showing_only: "only",
    reply_delay: "Reply after (ms)",
    reply_delay_help: "Waits this long before answering, as a slow device would: to see how a client handles its timeout. 0: at once.\nOver TCP nothing more is read meanwhile (a device that handles one request at a time); UDP goes on receiving, and each answer leaves its delay after its own datagram.",
    state_serving: "Not listening; clients stay",
    stop_listening: "Stop listening",
    stop_listening_help: "Closes the listening socket: new clients are refused, the connected ones go on sending and receiving,\nas each accepted connection has a socket of its own. Close ends everything.",
    stopped_listening: "Stopped listening: new connections are refused; the {n} connected clients stay",
    client_local_port: "Local port (0 = any)",
    client_local_port_help: "Connect from this port of this machine. 0: the system picks one (the usual way).\nSome devices (the Ethernet modules of some PLCs, for one) only accept connections from a set port.",
    check_received: "Check received",
    check_received_help: "Checks that each received entry ends with the checksum of the bytes before it (such as the CRC16 at the end of a Modbus RTU frame).\nWhen splitting at a delimiter, the checksum comes before the delimiter, and an entry still waiting for its delimiter is not checked yet.\nThe header says whether the checksum is right (and if not, what it should be); the status bar counts right and wrong ones until Reset counters.\nEntries over 64 KB are not checked.",
    check_good: "{kind} OK",
    check_bad: "{kind} wrong, expected {expected}",
    check_tally: "{kind}: {good} OK, {bad} wrong",
    check_tally_help: "How received entries' checksums came out since the checksum was chosen or the counters reset. Messages that arrive while the display is paused or hides received data are checked and counted all the same.",
    impair_tally: "Impaired: {parts}",
    impair_tally_dropped: "{n} dropped",
    impair_tally_duplicated: "{n} sent twice",
    impair_tally_reordered: "{n} reordered",
    impair_tally_help: "What the link's impairment did to relayed datagrams since the counters were reset: dropped (by chance or by the bandwidth limit's full queue), sent twice, reordered. Each datagram's header in the log says what happened to it.",
    checksum_from: "Checksum from byte",
    checksum_span_rule: "Frame: {from} B + covered + {kind} + {tail} B",
    checksum_tail: "Bytes after checksum",
    check_from: "Check from byte",
    check_tail: "Bytes after check",
    checksum_span_help: "Which bytes the checksum covers, counted from 0: from byte 2 leaves out a 2-byte header such as AA 55.\nBytes after: how many bytes end the frame after the checksum, not covered, such as DL/T 645's end mark 16 or an ETX 03. A sent checksum goes before that many of the send box's last bytes; a received one is looked for before that many of the message's last bytes.\n0 and 0: the whole payload, the checksum last.",
    split_by: "Split messages",
    split_by_help: "TCP carries a stream of bytes: two messages a device sent apart can arrive in one read, and one message in two.\nCut each peer's data into messages at a delimiter, by a length field in each message's header, or every so many bytes: one entry per message, however TCP cut it.\nOnly the TCP display (and Check received) changes; counting and saving do not. While on, reads are not merged by time.",
    split_off: "Off",
    split_delimiter: "At a delimiter",
    split_length: "By length field",
    split_fixed: "Fixed size",
    split_at: "Delimiter",
    split_at_hint: r"none (e.g. \r\n)",
    split_at_help: "Received data is cut after each delimiter (escapes work: \\n, \\r\\n, \\x03; encoded like received text). Empty: no splitting.",
    length_offset: "Length at byte",
    length_width: "Length field",
    length_adjust: "Length adjustment",
    length_help: "Each message's header holds its length: the field sits this many bytes from the message's start, in this width and byte order.\nA message is the bytes up to the field's end + the field's value + the adjustment.\nModbus TCP: at byte 4, u16 big-endian, adjustment 0. AA 55 LEN data CRC16 (LEN counts the data): at byte 2, u8, adjustment +2.\nA field that counts the whole message: adjustment minus (offset + field width).",
    length_rule: "A message is {header} + the value {adjust} bytes",
    big_endian: "big-endian",
    little_endian: "little-endian",
    fixed_size: "Bytes per message",
    frame_start: "Frame start (hex)",
    frame_start_hint: "none (e.g. AA 55)",
    frame_start_help: "The bytes each message begins with, in hex. With a frame start set, a stream that lost step (a byte lost or corrupted, a length field that lies) finds its frames again: where a message should begin and the frame start is not there, the bytes up to its next occurrence are cut off as one entry, marked \"no frame start\", and the next message begins there. Empty: not checked.",
    continued: "continued",
    no_frame_start: "no frame start",
    zoom_out: "Smaller text",
    since_send: "{ms} ms after the send",
    auto_reply_sent: "auto reply",
    auto_reconnect: "Auto reconnect",
    tls: "TLS (SSL)",
    tls_help: "Speak TLS (SSL) over the TCP connection. The log shows the data decrypted, and the counters count decrypted bytes.\nClient: reach HTTPS, MQTTS (8883) and other encrypted services, or a device with a certificate.\nServer: every client does a TLS handshake once connected.",
    tls_verify: "Verify certificate",
    tls_verify_help: "Check the server's certificate against the authorities this system trusts, and its name against the address connected to.\nOff, any certificate is taken (as devices' self-signed ones need); the log still shows its SHA-256 fingerprint to compare with the device's.",
    tls_certificate: "Certificate (PEM)",
    tls_key: "Private key (PEM)",
    tls_files_hint: "empty: a self-signed one is made",
    choose_file: "Choose a file…",
    tls_files_missing: "Give both the certificate and its private key, or neither for a self-signed certificate made at Open",
    tls_serving_self_signed: "TLS on: a self-signed certificate made at Open, SHA-256 {fp}",
    tls_serving_files: "TLS on: the certificate from the files given, SHA-256 {fp}",
    tls_secured: "TLS with {peer}: {protocol}, {cipher}",
    tls_peer_verified: "; its certificate SHA-256 {fp}, verified",
    tls_peer_unverified: "; its certificate SHA-256 {fp}, not verified",
    reconnect_every: "every (ms)",
    state_connected: "Connected",
    state_securing: "TLS handshake with",
    state_bound: "Bound",
    clients: "clients",
    listening_on: "Listening on",
    bound_on: "UDP bound to",
    connecting_to: "Connecting to",
    connected_to: "Connected to",
    client_joined: "Client joined",
    client_left: "Client left",
    upstream_connected: "{client} connected to upstream {upstream} (from {local})",
    client_half_closed: "{client} ended its sending (FIN); passed on to upstream",
    upstream_half_closed: "Upstream ended its sending to {client} (FIN); passed on",
    client_reset: "{client} reset its connection (RST); upstream reset too",
    upstream_reset: "Upstream reset the connection of {client} (RST); passed on",
    session_closed: "Closed",
    error: "Error",
    not_open: "Not open: press Open first",
    not_connected: "Not connected yet, nothing was sent",
    no_clients: "No client is connected, nothing was sent",
    empty_target: "Enter a target host:port",
    dropped_marker: "… {count} older entries dropped from view to keep the log under {limit} (counters and saving are not affected)",
    dropped_day: "; what follows begins on {date}",
    receive_buffer: "receive buffer",
    log_limit: "Log limit (MB)",
    filter_clients: "Filter",
    log_mode: "Log mode (time, direction, peer)",
    auto_wrap: "Auto line break",
    rate_graph: "Rate graph",
    autoscroll: "Autoscroll",
    pause_display: "Pause display",
    hide_received: "Hide received data",
    hide_sent: "Hide sent data",
    hide_sent_help: "What you send is not added to the data log, so it shows only what comes in; counting, saving and response times go on.\nFor a cycle send polling a device: the log shows its answers alone.",
    show_escapes: "Show escapes",
    show_escapes_help: "Text that would not show is written with the send box's escapes: carriage return \\r, line feed \\n, tab \\t, zero byte \\0, backslash \\\\;\nother control characters and bytes that are no text in the encoding as \\xNN, instead of · or �.\nSo OK\\r\\n and OK\\n look different, and a line copied into the send box (with escapes on) sends the same bytes.",
    escapes: "Escape sequences",
    clear_after_send: "Clear after send",
    drop_to_send: "Drop the file to send it",
    reply_reads_as: "Read as the send settings say: {format}",
    more_network: "More network settings",
    more_receive: "More receive settings",
    more_send: "More send settings",
    quick_count: "{n} saved",
    rule_count: "{n} rules",
    timeline: "All sessions",
    close_timeline: "Close the timeline",
    show_timeline: "Timeline",
    show_timeline_help: "Show every session's entries in one column by time, each with its session and the time since the one before",
    timeline_empty: "No session has logged anything yet.",
    timeline_fell_off: "{n} older entries left the timeline (it keeps {limit}; they are still in their sessions' logs)",
    new_session: "New session",
    close_tab: "Close session",
    rename_session: "Rename session",
    session_name: "Session name",
    ok: "OK",
    cancel: "Cancel",
    duplicate_session: "Duplicate session",
    side_by_side: "Side by side",
    side_by_side_help: "Move this session into a column of its own, beside the others",
    tab_help: "Double-click to rename; right-click to duplicate, put side by side or close; drag to reorder or to a side",
    settings_of_session: "The settings in this column belong to this session (click another session's tab or log to switch)",
    workspace: "Workspace",
    open_workspace: "Open…",
    save_workspace: "Save…",
    file_saved: "Saved to",
    workspace_opened: "Opened workspace",
    preview_help: "The bytes Send puts on the wire: escapes, encoding, checksum and line ending applied",
    append: "Append",
    checksum: "Checksum",
    not_shown: "not shown (counted and saved)",
    rate: "rate",
    frames: "frames",
    cycle_send: "Cycle send",
    cycle_period: "Period (ms)",
    cycle_times: "Times (0 = until stopped)",
    cycle_quick: "Cycle through quick commands",
    no_quick_commands: "No quick commands to cycle through",
    connect_timeout: "Connect timeout (ms)",
    cycle_stopped: "Cycle send stopped after {n} sends",
    date_line: "Date: {date}",
    cycle_count: "sent",
    send_file: "Send file…",
    file_packet_size: "File packet size (0 = auto)",
    file_interval: "File packet interval (ms)",
    file_sent: "File sent",
    file_stopped: "File send stopped",
    save_to_file: "Save received data…",
    stop_saving: "Stop saving",
    save_format: "Save as",
    raw_bytes: "Raw bytes",
    log_text: "Log text",
    saving_to: "Saving to",
    multicast_group: "Multicast group",
    not_multicast: "not a multicast address (IPv4 224.0.0.0-239.255.255.255, IPv6 ff00::/8)",
    joined_group: "Joined multicast group",
    pick_address: "Pick a local address",
    quick_commands: "Quick commands",
    quick_name: "Name",
    auto_reply: "Auto reply",
    echo: "Echo received data",
    reply_when: "When received contains",
    reply_with: "reply with",
    add_rule: "Add rule",
    auto_reply_help: "When what arrives contains the first field, the second is sent straight back to its sender (over TCP even when it arrives split across reads; UDP matches each datagram).\nBoth are read with the send settings at the time the rule is added (text or hex, encoding, escapes); the reply also gets the checksum and line ending.\nAn empty first field answers everything.",
    quick_add: "Add the send box",
    quick_save: "Save changes",
    edit: "Edit",
    delete: "Delete",
    history: "History",
};

#[cfg(test)]
mod tests {
    use super::Language;

    #[test]
    fn chinese_locales_pick_chinese() {
        for tag in ["zh-CN", "zh_TW.UTF-8", "ZH-hans", "zh"] {
            assert_eq!(Language::from_locale(Some(tag)), Language::Chinese, "{tag}");
        }
        for tag in [Some("en-US"), Some("de"), None] {
            assert_eq!(Language::from_locale(tag), Language::English, "{tag:?}");
        }
    }
}

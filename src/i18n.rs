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

/// The window's strings in one language.
#[allow(missing_docs)]
#[derive(Debug)]
pub struct Texts {
    pub title: &'static str,
    pub switch_language: &'static str,
    pub network: &'static str,
    pub protocol: &'static str,
    pub tcp_server: &'static str,
    pub tcp_client: &'static str,
    pub udp: &'static str,
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
    pub send_data: &'static str,
    pub send: &'static str,
    pub send_to: &'static str,
    pub all_clients: &'static str,
    pub disconnect_client: &'static str,
    pub target: &'static str,
    pub reply_to_last: &'static str,
    pub reset_counters: &'static str,
    pub state_closed: &'static str,
    pub state_opening: &'static str,
    pub state_listening: &'static str,
    pub state_connecting: &'static str,
    pub state_connected: &'static str,
    pub state_bound: &'static str,
    pub clients: &'static str,
    pub listening_on: &'static str,
    pub bound_on: &'static str,
    pub connecting_to: &'static str,
    pub connected_to: &'static str,
    pub client_joined: &'static str,
    pub client_left: &'static str,
    pub session_closed: &'static str,
    pub error: &'static str,
    pub not_open: &'static str,
    pub not_connected: &'static str,
    pub no_clients: &'static str,
    pub empty_target: &'static str,
    pub dropped_marker: &'static str,
    pub receive_buffer: &'static str,
    pub log_limit: &'static str,
    pub filter_clients: &'static str,
    pub log_mode: &'static str,
    pub auto_wrap: &'static str,
    pub autoscroll: &'static str,
    pub pause_display: &'static str,
    pub hide_received: &'static str,
    pub escapes: &'static str,
    pub append: &'static str,
    pub checksum: &'static str,
    pub not_shown: &'static str,
    pub rate: &'static str,
    pub frames: &'static str,
    pub cycle_send: &'static str,
    pub cycle_period: &'static str,
    pub cycle_stopped: &'static str,
    pub cycle_count: &'static str,
    pub send_file: &'static str,
    pub cancel: &'static str,
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
}

/// 简体中文.
pub static ZH: Texts = Texts {
    title: "NetDebug 网络调试助手",
    switch_language: "English",
    network: "网络设置",
    protocol: "协议类型",
    tcp_server: "TCP 服务器",
    tcp_client: "TCP 客户端",
    udp: "UDP",
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
    send_data: "发送数据",
    send: "发送",
    send_to: "发送到",
    all_clients: "所有客户端",
    disconnect_client: "断开客户端",
    target: "目标主机",
    reply_to_last: "回复最后发送者",
    reset_counters: "复位计数",
    state_closed: "未打开",
    state_opening: "正在打开",
    state_listening: "正在监听",
    state_connecting: "正在连接",
    state_connected: "已连接",
    state_bound: "已绑定",
    clients: "客户端",
    listening_on: "开始监听",
    bound_on: "UDP 已绑定",
    connecting_to: "正在连接",
    connected_to: "已连接到",
    client_joined: "客户端接入",
    client_left: "客户端离开",
    session_closed: "已关闭",
    error: "错误",
    not_open: "未打开：请先点击“打开”",
    not_connected: "尚未连接，未发送",
    no_clients: "没有已连接的客户端，未发送",
    empty_target: "请填写目标主机 host:port",
    dropped_marker: "… 为保持日志在 {limit} 以内，已从显示中移除 {count} 条较早的记录（计数与保存不受影响）",
    receive_buffer: "接收缓冲区",
    log_limit: "日志上限 (MB)",
    filter_clients: "筛选",
    log_mode: "按日志模式显示",
    auto_wrap: "自动换行",
    autoscroll: "自动滚动",
    pause_display: "暂停显示",
    hide_received: "接收数据不显示",
    escapes: "转义符",
    append: "自动发送附加位",
    checksum: "校验",
    not_shown: "未显示（已计数、已保存）",
    rate: "速率",
    frames: "帧",
    cycle_send: "循环发送",
    cycle_period: "周期 (ms)",
    cycle_stopped: "循环发送已停止，共发送 {n} 次",
    cycle_count: "已发送",
    send_file: "打开文件数据源…",
    cancel: "取消",
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
};

/// English.
pub static EN: Texts = Texts {
    title: "NetDebug network assistant",
    switch_language: "中文",
    network: "Network settings",
    protocol: "Protocol",
    tcp_server: "TCP Server",
    tcp_client: "TCP Client",
    udp: "UDP",
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
    send_data: "Send data",
    send: "Send",
    send_to: "Send to",
    all_clients: "All clients",
    disconnect_client: "Disconnect client",
    target: "Target",
    reply_to_last: "Reply to last sender",
    reset_counters: "Reset counters",
    state_closed: "Closed",
    state_opening: "Opening",
    state_listening: "Listening",
    state_connecting: "Connecting",
    state_connected: "Connected",
    state_bound: "Bound",
    clients: "clients",
    listening_on: "Listening on",
    bound_on: "UDP bound to",
    connecting_to: "Connecting to",
    connected_to: "Connected to",
    client_joined: "Client joined",
    client_left: "Client left",
    session_closed: "Closed",
    error: "Error",
    not_open: "Not open: press Open first",
    not_connected: "Not connected yet, nothing was sent",
    no_clients: "No client is connected, nothing was sent",
    empty_target: "Enter a target host:port",
    dropped_marker: "… {count} older entries dropped from view to keep the log under {limit} (counters and saving are not affected)",
    receive_buffer: "receive buffer",
    log_limit: "Log limit (MB)",
    filter_clients: "Filter",
    log_mode: "Log mode (time, direction, peer)",
    auto_wrap: "Auto line break",
    autoscroll: "Autoscroll",
    pause_display: "Pause display",
    hide_received: "Hide received data",
    escapes: "Escape sequences",
    append: "Append",
    checksum: "Checksum",
    not_shown: "not shown (counted and saved)",
    rate: "rate",
    frames: "frames",
    cycle_send: "Cycle send",
    cycle_period: "Period (ms)",
    cycle_stopped: "Cycle send stopped after {n} sends",
    cycle_count: "sent",
    send_file: "Send file…",
    cancel: "Cancel",
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

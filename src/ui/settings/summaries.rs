//! What a folded settings section holds that differs from the defaults, in a few words for
//! its header ("Split: By length field · CRC-16/MODBUS"), so a glance tells what a session
//! does without opening every section.

use crate::codec::Checksum;
use crate::i18n::Texts;
use crate::workspace::{Mode, SessionState, Shared, SplitBy};

/// The parts that apply, joined.
fn join(parts: impl IntoIterator<Item = Option<String>>) -> String {
    parts.into_iter().flatten().collect::<Vec<_>>().join(" · ")
}

/// `text` when `on`.
fn when(on: bool, text: &str) -> Option<String> {
    on.then(|| text.to_owned())
}

/// A client's timeout, local port and reconnecting, TLS, a multicast group.
pub(super) fn network(state: &SessionState) -> String {
    let t = state.texts();
    let client = state.mode == Mode::TcpClient;
    let tcp = state.mode.is_tcp();
    let group = state.multicast_group.trim();
    join([
        when(tcp && state.tls.enabled, t.tls),
        when(client && state.client.auto_reconnect, t.auto_reconnect),
        (client && state.client.local_port != 0)
            .then(|| format!("{} {}", t.client_local_port, state.client.local_port)),
        (state.mode == Mode::Udp && !group.is_empty()).then(|| group.to_owned()),
    ])
}

/// Which ways of a relay are impaired, and the seed when any is (the values are in the
/// section: a summary that long would widen the column).
pub(super) fn impairments(state: &SessionState) -> String {
    let t = state.texts();
    let impairments = state.impairments;
    let does = |impairment: crate::net::Impairment| match state.mode {
        Mode::TcpRelay => impairment.for_stream().is_active(),
        _ => impairment.for_datagrams().is_active(),
    };
    let up = does(impairments.to_upstream);
    let down = does(impairments.to_client);
    // The seed matters only where something is left to chance.
    let chance = |impairment: crate::net::Impairment| {
        impairment.jitter_ms > 0
            || (state.mode == Mode::UdpRelay
                && impairment.loss_percent
                    + impairment.duplicate_percent
                    + impairment.reorder_percent
                    > 0)
    };
    let random = chance(impairments.to_upstream) || chance(impairments.to_client);
    let ways = match (up, down) {
        (true, true) => Some(t.both_ways),
        (true, false) => Some(t.send_to_upstream),
        (false, true) => Some(t.send_to_client),
        (false, false) => None,
    };
    join([
        ways.map(str::to_owned),
        random.then(|| format!("{} {}", t.impair_seed, impairments.seed)),
    ])
}

/// Escapes, pausing and hiding, the rate graph, splitting, checking, merging, saving.
pub(super) fn receive(state: &SessionState) -> String {
    let t = state.texts();
    let display = state.display;
    let check = state.log.check_kind();
    join([
        when(state.log.escapes(), t.show_escapes),
        when(display.paused, t.pause_display),
        when(display.hide_received, t.hide_received),
        when(display.hide_sent, t.hide_sent),
        when(display.rate_graph, t.rate_graph),
        (state.split.by != SplitBy::Off)
            .then(|| format!("{}: {}", t.split_by, state.split.by.label(t))),
        (check != Checksum::None).then(|| format!("{} {}", t.check_received, check.name())),
        state
            .log
            .merge_gap()
            .map(|gap| format!("{} {}", t.merge_reads, gap.as_millis())),
        state
            .capture
            .as_ref()
            .map(|capture| format!("{} {}", t.saving_to, file_name(&capture.path))),
    ])
}

/// Escapes, clearing the send box, a cycle's count and quick commands, a file's pacing.
pub(super) fn send(state: &SessionState) -> String {
    let t = state.texts();
    let format = state.send.format;
    join([
        when(
            format.escapes && format.mode == crate::codec::InputMode::Text,
            t.escapes,
        ),
        when(state.send.clear_after_send, t.clear_after_send),
        (state.cycle.times > 0).then(|| format!("{} {}", t.cycle_times, state.cycle.times)),
        when(state.cycle.quick, t.cycle_quick),
        (state.pacing.packet_size > 0)
            .then(|| format!("{} {} B", t.file_packet_size, state.pacing.packet_size)),
        (state.pacing.interval_ms > 0)
            .then(|| format!("{} {}", t.file_interval, state.pacing.interval_ms)),
    ])
}

/// How many quick commands the app has.
pub(super) fn quick(shared: &Shared, t: &Texts) -> String {
    match shared.quick_commands.len() {
        0 => String::new(),
        n => t.quick_count.replace("{n}", &n.to_string()),
    }
}

/// Echo and the rules that answer.
pub(super) fn auto_reply(state: &SessionState) -> String {
    let t = state.texts();
    let rules = state
        .auto_reply
        .rules
        .iter()
        .filter(|rule| rule.enabled)
        .count();
    join([
        when(state.auto_reply.echo, t.echo),
        (rules > 0).then(|| t.rule_count.replace("{n}", &rules.to_string())),
    ])
}

/// The last part of `path`, for a header that has little room.
fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}

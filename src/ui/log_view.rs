//! The data log on the right. Only the rows on screen are laid out, so a log of a million
//! lines draws as fast as one of ten.

use egui::{Color32, RichText, ScrollArea, TextStyle, Ui};

use crate::codec::format_hex;
use crate::i18n::Texts;
use crate::log::{
    Direction, HEX_BYTES_PER_ROW, LogBody, LogEntry, Notice, Row, RowLayout, TEXT_CHARS_PER_ROW,
};
use crate::state::AppState;

const NOTICE_COLOR: Color32 = Color32::from_rgb(0x3b, 0x82, 0xc4);
const RX_COLOR: Color32 = Color32::from_rgb(0x2e, 0x9a, 0x5a);
const TX_COLOR: Color32 = Color32::from_rgb(0xb0, 0x6a, 0x1c);
const MARKER_COLOR: Color32 = Color32::from_rgb(0xc0, 0x90, 0x30);

pub(super) fn log_ui(ui: &mut Ui, state: &mut AppState) {
    let t = state.texts();
    ui.horizontal(|ui| {
        ui.label(RichText::new(t.data_log).strong());
        ui.label(RichText::new(format!("({})", state.log.entries().len())).weak());
        if state.log.dropped() > 0 {
            // Always in sight, unlike the marker row at the top of the log.
            marker_ui(ui, state.log.dropped(), state.log.budget(), t);
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button(t.clear).clicked() {
                state.log.clear();
            }
        });
    });
    ui.separator();

    if state.display.paused || state.display.hide_received || state.not_shown > 0 {
        ui.colored_label(
            MARKER_COLOR,
            format!("{} B {}", state.not_shown, t.not_shown),
        );
    }

    // Auto line break: as many characters per row as the log is wide (the font is monospace).
    let row_height = ui.text_style_height(&TextStyle::Monospace);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // clamped to a sane range
    let columns = if state.display.auto_wrap {
        let char_width =
            ui.fonts_mut(|fonts| fonts.glyph_width(&TextStyle::Monospace.resolve(ui.style()), '0'));
        let width = ui.available_width() - ui.spacing().scroll.allocated_width();
        (width / char_width.max(1.0)).clamp(8.0, 100_000.0) as usize
    } else {
        TEXT_CHARS_PER_ROW
    };
    state.log.set_layout(RowLayout {
        columns,
        ..state.log.layout()
    });

    let log = &state.log;
    let marker = log.dropped() > 0;
    let total_rows = log.total_rows() + u64::from(marker);
    ui.spacing_mut().item_spacing.y = 1.0;
    // Wrapped rows never overflow sideways; only unwrapped ones need a horizontal bar.
    ScrollArea::new([!state.display.auto_wrap, true])
        .auto_shrink([false, false])
        // A log soon outgrows its view; a bar that is always there never animates in (a burst
        // of frames) and never shifts the rows sideways.
        .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysVisible)
        .stick_to_bottom(state.display.autoscroll)
        .show_rows(
            ui,
            row_height,
            usize::try_from(total_rows).unwrap_or(usize::MAX),
            |ui, visible| {
                let mut first = visible.start as u64;
                let mut count = visible.len();
                if marker && first == 0 && count > 0 {
                    marker_ui(ui, log.dropped(), log.budget(), t);
                    count -= 1;
                } else if marker {
                    first -= 1;
                }
                for row in log.rows(first, count) {
                    row_ui(ui, row, t);
                }
            },
        );
}

fn marker_ui(ui: &mut Ui, dropped: u64, budget: usize, t: &Texts) {
    let text = t
        .dropped_marker
        .replace("{count}", &dropped.to_string())
        .replace("{limit}", &format!("{} MB", budget >> 20));
    ui.add(egui::Label::new(RichText::new(text).monospace().color(MARKER_COLOR)).extend());
}

fn row_ui(ui: &mut Ui, row: Row<'_>, t: &Texts) {
    let text = match row {
        Row::Notice(entry, notice) => {
            let color = if notice.is_error() {
                ui.visuals().error_fg_color
            } else {
                NOTICE_COLOR
            };
            RichText::new(format!("{} ● {}", time(entry), notice_text(notice, t)))
                .color(color)
                .italics()
        }
        Row::Header(entry) => header(entry),
        Row::Text(line) => RichText::new(line),
        Row::Hex(offset, bytes) => RichText::new(hex_row(offset, &bytes)),
    };
    ui.add(egui::Label::new(text.monospace()).extend());
}

fn time(entry: &LogEntry) -> String {
    format!("[{}]", entry.time.format("%H:%M:%S%.3f"))
}

fn header(entry: &LogEntry) -> RichText {
    let LogBody::Data {
        direction,
        peer,
        bytes,
        ..
    } = &entry.body
    else {
        return RichText::new(time(entry));
    };
    let (arrow, color) = match direction {
        Direction::Rx => ("RX ←", RX_COLOR),
        Direction::Tx => ("TX →", TX_COLOR),
    };
    RichText::new(format!(
        "{} {arrow} {peer} ({} B)",
        time(entry),
        bytes.len()
    ))
    .color(color)
}

/// `0010  41 42 43 …  ABC…`: offset, the bytes, and their printable ASCII.
fn hex_row(offset: usize, bytes: &[u8]) -> String {
    let ascii: String = bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                char::from(b)
            } else {
                '.'
            }
        })
        .collect();
    let width = HEX_BYTES_PER_ROW * 3 - 1;
    format!("{offset:04X}  {:<width$}  {ascii}", format_hex(bytes))
}

/// A lifecycle line in the window's language.
pub(super) fn notice_text(notice: &Notice, t: &Texts) -> String {
    match notice {
        Notice::Listening(local) => format!("{} {local}", t.listening_on),
        Notice::Bound(local, receive_buffer) => format!(
            "{} {local} ({} {} KB)",
            t.bound_on,
            t.receive_buffer,
            receive_buffer >> 10
        ),
        Notice::JoinedGroup(group) => format!("{} {group}", t.joined_group),
        Notice::Connecting(remote) => format!("{} {remote}", t.connecting_to),
        Notice::Connected { local, remote } => format!("{} {remote} ({local})", t.connected_to),
        Notice::PeerJoined(peer) => format!("{}: {peer}", t.client_joined),
        Notice::PeerLeft(peer, reason) => format!("{}: {peer} ({reason})", t.client_left),
        Notice::Closed(reason) => format!("{}: {reason}", t.session_closed),
        Notice::CycleStopped(sends) => t.cycle_stopped.replace("{n}", &sends.to_string()),
        Notice::FileDone {
            path,
            sent,
            complete,
        } => {
            let state = if *complete {
                t.file_sent
            } else {
                t.file_stopped
            };
            format!("{state}: {path} ({sent} B)")
        }
        Notice::Error(message) => format!("{}: {message}", t.error),
    }
}

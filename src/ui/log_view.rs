//! The data log on the right.

use egui::{Color32, RichText, ScrollArea, Ui};

use crate::codec::{InputMode, format_hex};
use crate::i18n::Texts;
use crate::log::{Direction, LogBody, LogEntry, Notice};
use crate::state::AppState;

const NOTICE_COLOR: Color32 = Color32::from_rgb(0x3b, 0x82, 0xc4);
const RX_COLOR: Color32 = Color32::from_rgb(0x2e, 0x9a, 0x5a);
const TX_COLOR: Color32 = Color32::from_rgb(0xb0, 0x6a, 0x1c);

pub(super) fn log_ui(ui: &mut Ui, state: &mut AppState) {
    let t = state.texts();
    ui.horizontal(|ui| {
        ui.label(RichText::new(t.data_log).strong());
        ui.label(RichText::new(format!("({})", state.log.entries().len())).weak());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button(t.clear).clicked() {
                state.log.clear();
            }
        });
    });
    ui.separator();
    let view = state.rx_view;
    ScrollArea::vertical()
        .auto_shrink([false, false])
        .stick_to_bottom(true)
        .show(ui, |ui| {
            for entry in state.log.entries() {
                entry_ui(ui, entry, view, t);
            }
        });
}

fn entry_ui(ui: &mut Ui, entry: &LogEntry, view: InputMode, t: &Texts) {
    let time = entry.time.format("%H:%M:%S%.3f");
    match &entry.body {
        LogBody::Notice(notice) => {
            let color = if notice.is_error() {
                ui.visuals().error_fg_color
            } else {
                NOTICE_COLOR
            };
            ui.label(
                RichText::new(format!("[{time}] ● {}", notice_text(notice, t)))
                    .color(color)
                    .italics(),
            );
        }
        LogBody::Data {
            direction,
            peer,
            bytes,
            text,
        } => {
            let (arrow, color) = match direction {
                Direction::Rx => ("RX ←", RX_COLOR),
                Direction::Tx => ("TX →", TX_COLOR),
            };
            ui.label(
                RichText::new(format!("[{time}] {arrow} {peer} ({} B)", bytes.len()))
                    .color(color)
                    .monospace()
                    .size(11.5),
            );
            let shown = match view {
                // Each entry is its own block, so a line break ending it only adds a blank line.
                InputMode::Text => text.strip_suffix('\n').unwrap_or(text).to_owned(),
                InputMode::Hex => format_hex(bytes),
            };
            ui.label(RichText::new(shown).monospace());
        }
    }
}

/// A lifecycle line in the window's language.
pub(super) fn notice_text(notice: &Notice, t: &Texts) -> String {
    match notice {
        Notice::Listening(local) => format!("{} {local}", t.listening_on),
        Notice::Bound(local) => format!("{} {local}", t.bound_on),
        Notice::Connecting(remote) => format!("{} {remote}", t.connecting_to),
        Notice::Connected { local, remote } => format!("{} {remote} ({local})", t.connected_to),
        Notice::PeerJoined(peer) => format!("{}: {peer}", t.client_joined),
        Notice::PeerLeft(peer, reason) => format!("{}: {peer} ({reason})", t.client_left),
        Notice::Closed(reason) => format!("{}: {reason}", t.session_closed),
        Notice::Error(message) => format!("{}: {message}", t.error),
    }
}

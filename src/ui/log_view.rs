//! The data log on the right. Only the rows on screen are laid out, so a log of a million
//! lines draws as fast as one of ten.

use egui::{RichText, ScrollArea, TextStyle, Ui};

use super::Action;
use super::palette::Palette;
use crate::codec::{InputMode, c_array_initializer, format_hex, python_bytes_literal};
use crate::i18n::Texts;
use crate::log::{Direction, LogBody, LogEntry, Row, TEXT_CHARS_PER_ROW, row_text};
use crate::messages::Message as _;
use crate::workspace::{Edit, LogEdit, SessionState};

/// The log's header (count, Clear, Save log, Find), the rate graph and the rows on screen.
pub(super) fn log_ui(ui: &mut Ui, state: &SessionState, actions: &mut Vec<Action>) {
    let t = state.texts();
    ui.horizontal(|ui| {
        ui.label(RichText::new(t.data_log).strong());
        ui.label(RichText::new(format!("({})", state.log.store().entries().len())).weak());
        if let Some(peer) = state.log.store().show_only() {
            let marker = Palette::of(ui).marker;
            ui.label(RichText::new(format!("· {} {peer}", t.showing_only)).color(marker));
        }
        if state.log.store().dropped() > 0 {
            // Always in sight, unlike the marker row at the top of the log.
            marker_ui(ui, &state.log, t);
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button(t.clear).clicked() {
                actions.push(Action::Edit(Edit::Log(LogEdit::Clear)));
            }
            if ui.button(t.save_log).clicked() {
                actions.push(Action::PickLogFile);
            }
            find_ui(ui, state, actions);
        });
    });
    ui.separator();
    if state.display.rate_graph {
        super::rate_graph::rate_graph_ui(ui, state);
        ui.separator();
    }

    let display = state.display;
    if display.paused || display.hide_received || display.hide_sent || state.traffic.not_shown > 0 {
        ui.colored_label(
            Palette::of(ui).marker,
            format!("{} B {}", state.traffic.not_shown, t.not_shown),
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
    // Drawn with the columns it has; the next frame has the new ones.
    if columns != state.log.store().layout().columns {
        actions.push(Action::Edit(Edit::Log(LogEdit::Columns(columns))));
        ui.ctx().request_repaint();
    }

    let log = &state.log;
    // What an entry's menu asked for, done once the log is drawn.
    let mut chosen = None;
    let marker = log.store().dropped() > 0;
    let total_rows = log.store().total_rows() + u64::from(marker);
    let found = log.store().found();
    ui.spacing_mut().item_spacing.y = 1.0;
    let mut scroll = ScrollArea::new([!state.display.auto_wrap, true]);
    let to_found = state.find.scroll_to_found.take();
    if to_found && let Some(index) = found {
        // Rows are evenly spaced, so the found entry's first row is a multiplication away; two
        // rows above it stay in sight for context.
        let row = (log.store().first_row(index) + u64::from(marker)).saturating_sub(2);
        #[allow(clippy::cast_precision_loss)] // a row number far beyond f32's precision is fine
        let offset = row as f32 * (row_height + ui.spacing().item_spacing.y);
        scroll = scroll.vertical_scroll_offset(offset);
    }
    // Following the end, the end is where this frame's rows end: a flood's log loses rows at
    // its top as fast as it gains them at its end, and the offset egui keeps from the frame
    // before may point past the rows that are left (a blank log for a frame).
    let follow_id = ui.make_persistent_id("log_follows_end");
    let followed_end = ui.data(|data| data.get_temp::<f32>(follow_id));
    if state.display.autoscroll
        && !to_found
        && let Some(inner_height) = followed_end
    {
        #[allow(clippy::cast_precision_loss)] // a row number far beyond f32's precision is fine
        let content = total_rows as f32 * (row_height + ui.spacing().item_spacing.y);
        scroll = scroll.vertical_scroll_offset((content - inner_height).max(0.0));
    }
    let found = found.and_then(|index| log.store().entries().get(index));
    // Wrapped rows never overflow sideways; only unwrapped ones need a horizontal bar.
    let output = scroll
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
                    marker_ui(ui, log, t);
                    count -= 1;
                } else if marker {
                    first -= 1;
                }
                for row in log.store().rows(first, count) {
                    if let Some(choice) = row_ui(ui, log.store(), &row, found, t) {
                        chosen = Some(choice);
                    }
                }
            },
        );
    let inner_height = output.inner_rect.height();
    let at_end = output.state.clamped_offset().y + inner_height >= output.content_size.y - 1.0;
    ui.data_mut(|data| {
        if at_end {
            data.insert_temp(follow_id, inner_height);
        } else {
            data.remove::<f32>(follow_id);
        }
    });
    match chosen {
        Some(MenuChoice::ToSendBox(bytes)) => {
            let format = crate::codec::SendFormat {
                mode: InputMode::Hex,
                ..state.send.format
            };
            actions.push(Action::Edit(Edit::LoadSendBox(format_hex(&bytes), format)));
        }
        Some(MenuChoice::SendAgain(peer, bytes)) => actions.push(Action::SendAgain(peer, bytes)),
        None => {}
    }
}

/// What a log entry's menu asks for.
enum MenuChoice {
    /// Put these bytes in the send box, as hex.
    ToSendBox(bytes::Bytes),
    /// Send these bytes to this peer again.
    SendAgain(std::net::SocketAddr, bytes::Bytes),
}

/// The Find field: Enter moves to the next entry that holds what was typed.
fn find_ui(ui: &mut Ui, state: &SessionState, actions: &mut Vec<Action>) {
    let t = state.texts();
    let mut query = state.find.query.clone();
    let response = ui.add(
        egui::TextEdit::singleline(&mut query)
            .hint_text(t.find)
            .desired_width(140.0),
    );
    let response = response.accessible_name(t.find);
    // Ctrl+F (Cmd+F on macOS) goes to the field, as in any program with a search.
    if ui.input_mut(|input| input.consume_key(egui::Modifiers::COMMAND, egui::Key::F)) {
        response.request_focus();
    }
    if response.changed() {
        actions.push(Action::Edit(Edit::FindQuery(query)));
    }
    if response.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter)) {
        actions.push(Action::Edit(Edit::FindNext));
        // Enter again finds the one after.
        response.request_focus();
    }
    if response.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Escape)) {
        actions.push(Action::Edit(Edit::EndFind));
    }
    if state.find.missed {
        ui.label(RichText::new(t.not_found).color(ui.visuals().warn_fg_color));
    } else if let Some(tally) = state.find.tally {
        ui.label(tally.message(state.language));
    }
}

fn marker_ui(ui: &mut Ui, log: &crate::log::Log, t: &Texts) {
    let text = log.store().dropped_line(t);
    let marker = Palette::of(ui).marker;
    ui.add(egui::Label::new(RichText::new(text).monospace().color(marker)).extend());
}

/// Draws one row; a data entry's header has a menu (right click) to copy the entry, put its
/// bytes in the send box or send them to its peer again, which returns the choice.
fn row_ui(
    ui: &mut Ui,
    store: &crate::log::Store,
    row: &Row<'_>,
    found: Option<&LogEntry>,
    t: &Texts,
) -> Option<MenuChoice> {
    let text = RichText::new(row_text(row, t)).monospace();
    let palette = Palette::of(ui);
    let text = match row {
        Row::Notice(_, notice) if notice.is_error() => {
            text.color(ui.visuals().error_fg_color).italics()
        }
        Row::Notice(..) => text.color(palette.notice).italics(),
        Row::Header(entry) => match &entry.body {
            // A wrong checksum is what the person is looking for.
            LogBody::Data { .. } if entry.check.is_some_and(|check| !check.good) => {
                text.color(ui.visuals().error_fg_color)
            }
            // Bytes cut off to find the next frame: something went wrong on the line.
            LogBody::Data { .. } if entry.misses_frame_start => {
                text.color(ui.visuals().warn_fg_color)
            }
            LogBody::Data {
                direction: Direction::Rx,
                ..
            } => text.color(palette.rx),
            LogBody::Data {
                direction: Direction::Tx,
                ..
            } => text.color(palette.tx),
            LogBody::Notice(_) => text,
        },
        Row::Text(_) | Row::Hex(..) => text,
    };
    // The entry Find moved to stands out.
    let text = match (row, found) {
        (Row::Header(entry), Some(found)) if std::ptr::eq(*entry, found) => {
            text.background_color(ui.visuals().selection.bg_fill)
        }
        _ => text,
    };
    let label = egui::Label::new(text);
    // A lifecycle line is one row whatever its length: one that does not fit (a TLS
    // certificate's fingerprint, an error's reason) ends in "…" and shows whole on hover.
    let label = if matches!(row, Row::Notice(..)) {
        label.truncate()
    } else {
        label.extend()
    };
    let response = ui.add(label);
    let Row::Header(
        entry @ LogEntry {
            body: LogBody::Data { bytes, peer, .. },
            ..
        },
    ) = row
    else {
        return None;
    };
    let mut choice = None;
    response.context_menu(|ui| {
        if ui.button(t.copy_text).clicked() {
            ui.ctx().copy_text(store.text(entry));
        }
        if ui.button(t.copy_hex).clicked() {
            ui.ctx().copy_text(format_hex(bytes));
        }
        if ui.button(t.copy_python).clicked() {
            ui.ctx().copy_text(python_bytes_literal(bytes));
        }
        if ui.button(t.copy_c_array).clicked() {
            ui.ctx().copy_text(c_array_initializer(bytes));
        }
        if ui.button(t.to_send_box).clicked() {
            choice = Some(MenuChoice::ToSendBox(bytes.clone()));
        }
        let send_again = t.send_again.replace("{peer}", &peer.to_string());
        if ui.button(send_again).clicked() {
            choice = Some(MenuChoice::SendAgain(*peer, bytes.clone()));
        }
    });
    choice
}

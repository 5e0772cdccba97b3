//! The all-sessions timeline: every session's entries in time order, each tagged with its
//! session's name and colour and the time since the entry before. Only the rows on screen are
//! laid out.

use egui::{RichText, ScrollArea, TextStyle, Ui};

use super::{Command, WorkspaceAction, session_colour};
use crate::workspace::{Timeline, Workspace};

/// Draws the timeline with its Find and Save log.
pub(super) fn timeline_ui(ui: &mut Ui, workspace: &Workspace, commands: &mut Vec<Command>) {
    let t = workspace.shared.texts();
    let (timeline, tabs) = (workspace.timeline(), workspace.tabs());
    ui.horizontal(|ui| {
        ui.label(RichText::new(t.timeline).strong());
        ui.label(RichText::new(format!("({})", timeline.items().len())).weak());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button(t.save_log).clicked() {
                commands.push(Command::Workspace(WorkspaceAction::PickSaveTimeline));
            }
            let mut query = timeline.find_query().to_owned();
            let field = ui.add(
                egui::TextEdit::singleline(&mut query)
                    .hint_text(t.find)
                    .desired_width(ui.available_width().clamp(60.0, 160.0)),
            );
            let field = field.accessible_name(t.find);
            if field.changed() {
                commands.push(Command::Workspace(WorkspaceAction::TimelineQuery(query)));
            }
            let entered =
                field.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter));
            if entered {
                commands.push(Command::Workspace(WorkspaceAction::TimelineFindNext));
                field.request_focus();
            }
            if timeline.find_missed() {
                ui.colored_label(ui.visuals().warn_fg_color, t.not_found);
            }
        });
    });
    ui.separator();
    if let Some(fell_off) = Some(timeline.fell_off()).filter(|count| *count > 0) {
        ui.weak(
            t.timeline_fell_off
                .replace("{n}", &fell_off.to_string())
                .replace("{limit}", &crate::workspace::TIMELINE_LIMIT.to_string()),
        );
    }
    if timeline.items().is_empty() {
        ui.weak(t.timeline_empty);
        return;
    }
    rows_ui(ui, timeline, tabs, t, timeline.take_scroll_to_found());
}

/// The rows on screen, in monospace so the times line up.
fn rows_ui(
    ui: &mut Ui,
    timeline: &Timeline,
    tabs: &[crate::workspace::Tab],
    t: &'static crate::i18n::Texts,
    scroll_to: Option<usize>,
) {
    let row_height = ui.text_style_height(&TextStyle::Monospace);
    let count = timeline.items().len();
    let mut area = ScrollArea::both()
        .auto_shrink([false, false])
        .stick_to_bottom(scroll_to.is_none() && timeline.found().is_none());
    if let Some(row) = scroll_to {
        #[allow(clippy::cast_precision_loss)] // a row number to a position on screen
        let offset = (row as f32 * (row_height + ui.spacing().item_spacing.y)
            - ui.available_height() / 2.0)
            .max(0.0);
        area = area.vertical_scroll_offset(offset);
    }
    area.show_rows(ui, row_height, count, |ui, rows| {
        for at in rows {
            let Some(line) = timeline.line(at, tabs, t) else {
                ui.weak("…");
                continue;
            };
            let found = timeline.found() == Some(at);
            ui.horizontal(|ui| {
                ui.spacing_mut().item_spacing.x = 6.0;
                let mono = |text: String| RichText::new(text).monospace();
                ui.label(mono(format!("[{}]", line.time)).weak());
                ui.label(mono(format!("{:>10}", line.since)).weak());
                ui.label(
                    mono(format!("● {}", line.session))
                        .color(session_colour(line.tab))
                        .strong(),
                );
                let text = mono(line.text);
                let text = if found {
                    text.background_color(ui.visuals().selection.bg_fill)
                } else {
                    text
                };
                ui.add(egui::Label::new(text).extend());
            });
        }
    });
}

//! Auto reply (自动应答): echo, and rules that answer what arrives.

use egui::Ui;

use super::Action;
use crate::codec::format_hex;
use crate::workspace::{Edit, SessionState};

/// Echo, the reply delay, the rules with a switch each, and the editor for a new rule.
pub(super) fn auto_reply_ui(ui: &mut Ui, state: &SessionState, actions: &mut Vec<Action>) {
    let t = state.texts();
    let mut settings = state.auto_reply.clone();
    ui.checkbox(&mut settings.echo, t.echo);
    let delay = egui::DragValue::new(&mut settings.delay_ms)
        .range(crate::workspace::REPLY_DELAY_MS)
        .speed(10);
    super::settings::number_row(ui, t.reply_delay, true, delay).on_hover_text(t.reply_delay_help);
    let mut delete = None;
    for (index, rule) in settings.rules.iter_mut().enumerate() {
        let pattern = if rule.pattern.is_empty() {
            "*"
        } else {
            rule.pattern.as_str()
        };
        let text = format!("{pattern} → {}", rule.reply);
        ui.horizontal(|ui| {
            let checkbox = ui.checkbox(&mut rule.enabled, text);
            // The bytes each side stands for, to check a hex or escaped rule at a glance
            // (worked out only while the pointer is on it).
            checkbox.on_hover_ui(|ui| {
                if let Ok(bytes) = rule.to_bytes() {
                    ui.label(format!(
                        "{} → {}",
                        format_hex(&bytes.pattern),
                        format_hex(&bytes.reply)
                    ));
                }
            });
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.small_button(t.delete).clicked() {
                    delete = Some(index);
                }
            });
        });
    }
    // The editor reads what is typed as the send box does: say how.
    let format = state.send.format;
    let mode = match format.mode {
        crate::codec::InputMode::Text => t.text,
        crate::codec::InputMode::Hex => t.hex,
    };
    let escapes = if format.escapes && format.mode == crate::codec::InputMode::Text {
        format!(" · {}", t.escapes)
    } else {
        String::new()
    };
    ui.weak(t.reply_reads_as.replace(
        "{format}",
        &format!("{mode} · {}{escapes}", format.encoding),
    ));
    for (label, value, hint) in [
        (t.reply_when, &mut settings.pattern, "PING / 01 03"),
        (t.reply_with, &mut settings.reply, "PONG / 01 03 02 00 2A"),
    ] {
        let label = ui.label(label);
        ui.add(
            egui::TextEdit::singleline(value)
                .hint_text(hint)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
    }
    // The rules as switched before one is deleted by its index.
    if settings != state.auto_reply {
        actions.push(Action::Edit(Edit::AutoReply(settings)));
    }
    if let Some(index) = delete {
        actions.push(Action::Edit(Edit::DeleteReplyRule(index)));
    }
    if ui.button(t.add_rule).clicked() {
        actions.push(Action::Edit(Edit::AddReplyRule));
    }
    if let Some(error) = &state.errors.auto_reply {
        super::error_label(ui, error.get(state.language));
    }
}

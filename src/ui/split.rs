//! *Split messages* (分包方式) in the receive settings: off, at a delimiter, by a length field
//! in each message's header, or every so many bytes, then optionally from a frame start.

use egui::{ComboBox, Ui};

use super::settings::number_row;
use super::{Action, labelled_field};
use crate::codec::{LengthField, LengthWidth};
use crate::i18n::Texts;
use crate::workspace::SPLIT_FIXED_BYTES;
use crate::workspace::{Edit, SessionState, SplitBy};

/// The way of splitting and its own settings, given back as a whole when one changes.
pub(super) fn split_ui(ui: &mut Ui, state: &SessionState, actions: &mut Vec<Action>) {
    let t = state.texts();
    let mut split = state.split.clone();
    ComboBox::new("split_by", t.split_by)
        .selected_text(split.by.label(t))
        .show_ui(ui, |ui| {
            for way in SplitBy::ALL {
                ui.selectable_value(&mut split.by, way, way.label(t));
            }
        })
        .response
        .on_hover_text(t.split_by_help);
    match split.by {
        SplitBy::Off => {}
        SplitBy::Delimiter => {
            labelled_field(
                ui,
                t.split_at,
                &mut split.delimiter,
                t.split_at_hint,
                state
                    .errors
                    .delimiter
                    .as_ref()
                    .map(|said| said.get(state.language)),
                true,
            )
            .on_hover_text(t.split_at_help);
        }
        SplitBy::LengthField => length_field_ui(ui, &mut split.length, t),
        SplitBy::FixedSize => {
            let size = egui::DragValue::new(&mut split.fixed).range(SPLIT_FIXED_BYTES);
            number_row(ui, t.fixed_size, true, size);
        }
    }
    if matches!(split.by, SplitBy::LengthField | SplitBy::FixedSize) {
        labelled_field(
            ui,
            t.frame_start,
            &mut split.frame_start,
            t.frame_start_hint,
            state
                .errors
                .frame_start
                .as_ref()
                .map(|said| said.get(state.language)),
            true,
        )
        .on_hover_text(t.frame_start_help);
    }
    if split != state.split {
        actions.push(Action::Edit(Edit::Split(split)));
    }
}

/// Where the length field is, how wide, and what its value counts; then the rule they make,
/// in words, so that the adjustment is no guess.
fn length_field_ui(ui: &mut Ui, field: &mut LengthField, t: &Texts) {
    let offset = egui::DragValue::new(&mut field.offset).range(0..=LengthField::MAX_OFFSET);
    number_row(ui, t.length_offset, true, offset).on_hover_text(t.length_help);
    ComboBox::new("length_width", t.length_width)
        .selected_text(width_label(field.width, t))
        .show_ui(ui, |ui| {
            for width in LengthWidth::ALL {
                ui.selectable_value(&mut field.width, width, width_label(width, t));
            }
        })
        .response
        .on_hover_text(t.length_help);
    let adjust = egui::DragValue::new(&mut field.adjust)
        .range(-65_536..=65_536)
        .custom_formatter(|value, _| format!("{value:+}"));
    number_row(ui, t.length_adjust, true, adjust).on_hover_text(t.length_help);
    let rule = t
        .length_rule
        .replace("{header}", &field.header_len().to_string())
        .replace("{adjust}", &format!("{:+}", field.adjust));
    ui.weak(rule);
}

/// `u16 big-endian`, `u8`: the width and, where it matters, the byte order.
fn width_label(width: LengthWidth, t: &Texts) -> String {
    let (bits, order) = match width {
        LengthWidth::U8 => return "u8".to_owned(),
        LengthWidth::U16Be => ("u16", t.big_endian),
        LengthWidth::U16Le => ("u16", t.little_endian),
        LengthWidth::U32Be => ("u32", t.big_endian),
        LengthWidth::U32Le => ("u32", t.little_endian),
    };
    format!("{bits} {order}")
}

//! The TLS part of the network settings: on or off for the TCP modes; for a client whether
//! the server's certificate is checked, for a server the certificate and key files (none: a
//! self-signed certificate made at Open).

use egui::Ui;

use super::{Action, error_in_place};
use crate::workspace::{Edit, Mode, SessionState};

/// Which of a TLS server's two files a dialog chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsFile {
    /// The certificate chain.
    Certificate,
    /// Its private key.
    Key,
}

/// Draws the TLS settings for the TCP modes (nothing for UDP); `open` greys them out.
pub(super) fn tls_ui(ui: &mut Ui, state: &SessionState, actions: &mut Vec<Action>, open: bool) {
    if !state.mode.is_tcp() {
        return;
    }
    let mut tls = state.tls.clone();
    tls_fields_ui(ui, state, &mut tls, actions, open);
    if tls != state.tls {
        actions.push(Action::Edit(Edit::Tls(tls)));
    }
}

/// The fields of [`tls_ui`], editing `tls`.
fn tls_fields_ui(
    ui: &mut Ui,
    state: &SessionState,
    tls: &mut crate::workspace::TlsSettings,
    actions: &mut Vec<Action>,
    open: bool,
) {
    let t = state.texts();
    ui.horizontal(|ui| {
        ui.add_enabled(!open, egui::Checkbox::new(&mut tls.enabled, t.tls))
            .on_hover_text(t.tls_help);
        // Beside the switch, so it moves none of the fields under it.
        if let Some(error) = &state.errors.tls_files {
            error_in_place(ui, error.get(state.language));
        }
    });
    if !tls.enabled {
        return;
    }
    // A relay speaks TLS to its upstream as a client does.
    if matches!(state.mode, Mode::TcpClient | Mode::TcpRelay) {
        ui.add_enabled(!open, egui::Checkbox::new(&mut tls.verify, t.tls_verify))
            .on_hover_text(t.tls_verify_help);
        return;
    }
    let files = [
        (TlsFile::Certificate, t.tls_certificate),
        (TlsFile::Key, t.tls_key),
    ];
    for (file, label) in files {
        let value = match file {
            TlsFile::Certificate => &mut tls.certificate,
            TlsFile::Key => &mut tls.key,
        };
        let choose = format!("{} ({label})", t.choose_file);
        if file_row(ui, label, &choose, value, t.tls_files_hint, !open) {
            actions.push(Action::PickTlsFile(file));
        }
    }
}

/// A labelled path field with a button that asks for the file; whether it was clicked.
fn file_row(
    ui: &mut Ui,
    label: &str,
    choose: &str,
    value: &mut String,
    hint: &str,
    enabled: bool,
) -> bool {
    let label = ui.label(label);
    ui.horizontal(|ui| {
        let button_width = ui.spacing().interact_size.x;
        ui.add_enabled(
            enabled,
            egui::TextEdit::singleline(value)
                .hint_text(hint)
                .desired_width(ui.available_width() - button_width - ui.spacing().item_spacing.x),
        )
        .labelled_by(label.id);
        ui.add_enabled(enabled, egui::Button::new("…"))
            .on_hover_text(choose)
            .clicked()
    })
    .inner
}

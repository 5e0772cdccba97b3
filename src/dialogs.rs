//! Native file dialogs (rfd's async ones, so the window never freezes), run on the tokio
//! runtime; the chosen path comes back through a channel the app polls each frame.

use std::path::PathBuf;
use std::sync::mpsc;

use tokio::runtime::Handle;

/// What a file is being chosen for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogPurpose {
    /// A file to send.
    SendFile,
    /// Where to save received data.
    Capture,
    /// Where to save the log as shown.
    SaveLog,
    /// Where to export the quick commands.
    ExportQuick,
    /// A quick command file to import.
    ImportQuick,
    /// The TLS server's certificate or key.
    Tls(crate::ui::TlsFile),
    /// Where to save the workspace.
    SaveWorkspace,
    /// A workspace file to open.
    OpenWorkspace,
    /// Where to save the all-sessions timeline.
    SaveTimeline,
}

/// Opens dialogs and collects their answers.
#[derive(Debug)]
pub struct Dialogs {
    runtime: Handle,
    answers_tx: mpsc::Sender<(DialogPurpose, PathBuf)>,
    answers: mpsc::Receiver<(DialogPurpose, PathBuf)>,
}

impl Dialogs {
    /// Dialogs whose futures run on `runtime`.
    pub fn new(runtime: Handle) -> Self {
        let (answers_tx, answers) = mpsc::channel();
        Self {
            runtime,
            answers_tx,
            answers,
        }
    }

    /// Shows the dialog for `purpose`; its answer (if the person chose a file) arrives later
    /// from [`Dialogs::answers`], and `ctx` is repainted then.
    pub fn open(&self, purpose: DialogPurpose, ctx: &egui::Context) {
        let answers = self.answers_tx.clone();
        let ctx = ctx.clone();
        self.runtime.spawn(async move {
            let dialog = rfd::AsyncFileDialog::new();
            let chosen = match purpose {
                DialogPurpose::SendFile => dialog.pick_file().await,
                DialogPurpose::Tls(_) => {
                    dialog
                        .add_filter("PEM", &["pem", "crt", "cer", "key"])
                        .add_filter("*", &["*"])
                        .pick_file()
                        .await
                }
                DialogPurpose::ImportQuick => {
                    dialog
                        .add_filter("NetDebug quick commands", &["ron"])
                        .pick_file()
                        .await
                }
                DialogPurpose::ExportQuick => {
                    dialog
                        .set_file_name("netdebug-commands.ron")
                        .save_file()
                        .await
                }
                DialogPurpose::Capture => {
                    dialog
                        .set_file_name("netdebug-received.bin")
                        .save_file()
                        .await
                }
                DialogPurpose::SaveWorkspace => {
                    dialog
                        .set_file_name("netdebug-workspace.ron")
                        .add_filter("NetDebug workspace", &["ron"])
                        .save_file()
                        .await
                }
                DialogPurpose::OpenWorkspace => {
                    dialog
                        .add_filter("NetDebug workspace", &["ron"])
                        .add_filter("*", &["*"])
                        .pick_file()
                        .await
                }
                DialogPurpose::SaveTimeline => {
                    dialog
                        .set_file_name("netdebug-timeline.txt")
                        .add_filter("Text", &["txt"])
                        .save_file()
                        .await
                }
                DialogPurpose::SaveLog => {
                    dialog
                        .set_file_name("netdebug-log.txt")
                        .add_filter("Text", &["txt"])
                        .add_filter("CSV (spreadsheet)", &["csv"])
                        .save_file()
                        .await
                }
            };
            if let Some(file) = chosen {
                let _ = answers.send((purpose, file.path().to_owned()));
                ctx.request_repaint();
            }
        });
    }

    /// The answers that arrived since the last call.
    pub fn answers(&self) -> impl Iterator<Item = (DialogPurpose, PathBuf)> + '_ {
        self.answers.try_iter()
    }
}

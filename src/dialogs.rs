//! Native file dialogs (rfd's async ones, so the window never freezes), run on the tokio
//! runtime; the chosen path comes back through a channel the app polls each frame. Where no
//! dialog can open (a Linux without a desktop portal and without zenity, where rfd would
//! return nothing, as if cancelled), opening one says so instead.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
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
    ///
    /// # Errors
    /// [`NoFileDialog`] where no dialog can open at all.
    pub fn open(&self, purpose: DialogPurpose, ctx: &egui::Context) -> Result<(), NoFileDialog> {
        if !can_open_where(|name| std::env::var_os(name)) {
            return Err(NoFileDialog);
        }
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
                        .add_filter("pcap (Wireshark)", &["pcap"])
                        .save_file()
                        .await
                }
            };
            if let Some(file) = chosen {
                let _ = answers.send((purpose, file.path().to_owned()));
                ctx.request_repaint();
            }
        });
        Ok(())
    }

    /// The answers that arrived since the last call.
    pub fn answers(&self) -> impl Iterator<Item = (DialogPurpose, PathBuf)> + '_ {
        self.answers.try_iter()
    }
}

/// No file dialog can open here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "no file dialog can open here: install zenity, or xdg-desktop-portal with a desktop's \
     file chooser (xdg-desktop-portal-gtk, -kde or -gnome)"
)]
pub struct NoFileDialog;

/// Whether a file dialog can open, the environment read through `var`. rfd asks the desktop
/// portal over D-Bus and falls back to zenity on Linux and the BSDs; elsewhere the system
/// always has one.
pub fn can_open_where(var: impl Fn(&str) -> Option<OsString>) -> bool {
    if cfg!(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "dragonfly",
        target_os = "netbsd",
        target_os = "openbsd"
    )) {
        zenity_on_path(&var) || portal_file_chooser(&var)
    } else {
        true
    }
}

/// Whether `zenity` is in one of `PATH`'s folders.
fn zenity_on_path(var: &impl Fn(&str) -> Option<OsString>) -> bool {
    var("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join("zenity").is_file()))
}

/// Whether a desktop portal with a file chooser can be reached: a session bus, the portal
/// service D-Bus starts on demand, and a portal backend that offers the file chooser.
fn portal_file_chooser(var: &impl Fn(&str) -> Option<OsString>) -> bool {
    let bus = var("DBUS_SESSION_BUS_ADDRESS").is_some()
        || var("XDG_RUNTIME_DIR").is_some_and(|dir| Path::new(&dir).join("bus").exists());
    if !bus {
        return false;
    }
    let data_dirs = var("XDG_DATA_DIRS")
        .filter(|dirs| !dirs.is_empty())
        .unwrap_or_else(|| OsString::from("/usr/local/share:/usr/share"));
    let dirs: Vec<PathBuf> = std::env::split_paths(&data_dirs).collect();
    let service = dirs.iter().any(|dir| {
        dir.join("dbus-1/services/org.freedesktop.portal.Desktop.service")
            .is_file()
    });
    service
        && dirs.iter().any(|dir| {
            std::fs::read_dir(dir.join("xdg-desktop-portal/portals")).is_ok_and(|entries| {
                entries.flatten().any(|entry| {
                    std::fs::read_to_string(entry.path())
                        .is_ok_and(|text| text.contains("org.freedesktop.impl.portal.FileChooser"))
                })
            })
        })
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// An environment of `vars` only.
    fn env(vars: &[(&str, &Path)]) -> impl Fn(&str) -> Option<OsString> {
        let vars: Vec<(String, OsString)> = vars
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.as_os_str().to_owned()))
            .collect();
        move |name| {
            vars.iter()
                .find(|(var, _)| var == name)
                .map(|(_, value)| value.clone())
        }
    }

    #[test]
    fn a_dialog_opens_with_zenity_or_a_portal_with_a_file_chooser_and_not_without() {
        let root = std::env::temp_dir().join(format!("netdebug-dialogs-{}", std::process::id()));
        let bin = root.join("bin");
        let share = root.join("share");
        let runtime = root.join("run");
        for dir in [
            &bin,
            &share.join("dbus-1/services"),
            &share.join("xdg-desktop-portal/portals"),
            &runtime,
        ] {
            std::fs::create_dir_all(dir).unwrap();
        }
        // Nothing: no zenity on the path, no bus.
        assert!(!can_open_where(env(&[("PATH", &bin)])));
        std::fs::write(bin.join("zenity"), "").unwrap();
        assert!(can_open_where(env(&[("PATH", &bin)])));
        std::fs::remove_file(bin.join("zenity")).unwrap();
        // A bus and the portal's service, but no backend with a file chooser yet.
        std::fs::write(runtime.join("bus"), "").unwrap();
        std::fs::write(
            share.join("dbus-1/services/org.freedesktop.portal.Desktop.service"),
            "[D-BUS Service]\n",
        )
        .unwrap();
        let portal = [
            ("XDG_RUNTIME_DIR", runtime.as_path()),
            ("XDG_DATA_DIRS", share.as_path()),
        ];
        assert!(!can_open_where(env(&portal)));
        std::fs::write(
            share.join("xdg-desktop-portal/portals/gtk.portal"),
            "[portal]\nInterfaces=org.freedesktop.impl.portal.FileChooser;\n",
        )
        .unwrap();
        assert!(can_open_where(env(&portal)));
        std::fs::remove_dir_all(&root).unwrap();
    }
}

//! The workspace as a file: what the app shares, every session's settings and name, which one
//! was focused and how the window laid them out. eframe keeps the last one (so the workspace
//! comes back on the next start); Save workspace and `--workspace FILE` write and read the
//! same text. A settings record of the single-session layouts (1 and 2) opens as one session;
//! text that cannot be read gives defaults and the reason, never a crash.

use serde::{Deserialize, Serialize};

use crate::settings::{SessionSettings, SharedSettings, VERSION};
use crate::workspace::{SessionState, TabId, Workspace};

/// The key under which eframe keeps the last workspace.
pub const STORAGE_KEY: &str = "netdebug.settings";

/// One session as the file keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionEntry {
    /// Its id, which the layout refers to.
    pub id: u64,
    /// The name the person gave it (empty: automatic).
    pub name: String,
    /// Its settings.
    pub settings: SessionSettings,
}

impl Default for SessionEntry {
    fn default() -> Self {
        Self {
            id: 1,
            name: String::new(),
            settings: SessionSettings::default(),
        }
    }
}

/// Everything a workspace file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkspaceFile {
    /// The layout of the file ([`VERSION`] for what this build writes).
    pub version: u32,
    /// What the sessions share.
    pub shared: SharedSettings,
    /// The sessions, in tab order.
    pub sessions: Vec<SessionEntry>,
    /// The id of the session whose settings were shown.
    pub focused: u64,
    /// How the window arranged the sessions, in the window's own words (empty: one group of
    /// tabs in session order).
    pub layout: String,
}

impl Default for WorkspaceFile {
    fn default() -> Self {
        Self::from_workspace(&Workspace::default(), String::new())
    }
}

/// Only the layout number, read first to know how to read the rest.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Probe {
    version: u32,
}

impl WorkspaceFile {
    /// What `workspace` would save, with the window's `layout`.
    pub fn from_workspace(workspace: &Workspace, layout: String) -> Self {
        Self {
            version: VERSION,
            shared: SharedSettings::from_shared(&workspace.shared),
            sessions: workspace
                .tabs()
                .iter()
                .map(|tab| SessionEntry {
                    id: tab.id.0,
                    name: tab.name.clone(),
                    settings: SessionSettings::from_state(&tab.state),
                })
                .collect(),
            focused: workspace.focused().0,
            layout,
        }
    }

    /// The workspace the file describes (a file without sessions gives one fresh session).
    pub fn to_workspace(&self) -> Workspace {
        let shared = self.shared.to_shared();
        let language = shared.language;
        let sessions = self.sessions.iter().map(|entry| {
            let mut state = SessionState::new(language);
            entry.settings.apply(&mut state);
            (TabId(entry.id), entry.name.clone(), state)
        });
        Workspace::restore(shared, sessions, TabId(self.focused))
    }

    /// The file as text.
    pub fn to_text(&self) -> String {
        ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default()).unwrap_or_default()
    }

    /// Reads a workspace file, or a settings record of the single-session layouts. Nothing
    /// gives defaults quietly; text that cannot be read (or was written by a newer NetDebug)
    /// gives defaults and the reason, for the status bar.
    pub fn from_text(text: Option<&str>) -> (Option<Self>, Option<String>) {
        let Some(text) = text else {
            return (None, None);
        };
        let version = match ron::from_str::<Probe>(text) {
            Ok(probe) => probe.version,
            Err(error) => return (None, Some(unreadable(&error))),
        };
        if version > VERSION {
            return (
                None,
                Some(format!(
                    "saved settings are from a newer NetDebug (layout {version}); defaults are used"
                )),
            );
        }
        let read = if version < 3 {
            Self::from_single_session(text)
        } else {
            ron::from_str::<Self>(text)
        };
        match read {
            Ok(file) => (Some(file), None),
            Err(error) => (None, Some(unreadable(&error))),
        }
    }

    /// A record of layouts 1 and 2, which held one session's settings and the app's in one.
    fn from_single_session(text: &str) -> Result<Self, ron::error::SpannedError> {
        let settings: SessionSettings = ron::from_str(text)?;
        let shared: SharedSettings = ron::from_str(text)?;
        Ok(Self {
            version: settings.version,
            shared,
            sessions: vec![SessionEntry {
                id: 1,
                name: String::new(),
                settings,
            }],
            focused: 1,
            layout: String::new(),
        })
    }
}

fn unreadable(error: &ron::error::SpannedError) -> String {
    format!("saved settings could not be read ({error}); defaults are used")
}

#[cfg(test)]
mod tests;

//! What every session of the window shares: the language, the quick commands and their
//! editor, the send history, the Recent list and the machine's addresses.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::codec::SendFormat;
use crate::i18n::{Language, Said, Texts};

/// Most sends kept in the history.
pub const HISTORY_LIMIT: usize = 50;

/// Remote endpoints remembered for the Recent lists.
pub const RECENT_LIMIT: usize = 10;

/// A named payload that one click sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuickCommand {
    /// What the button says.
    pub name: String,
    /// The payload as typed (text or hex).
    pub text: String,
    /// How it becomes bytes.
    pub format: SendFormat,
}

/// One earlier send, to recall into a send box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The send box as it was.
    pub text: String,
    /// How it was read.
    pub format: SendFormat,
}

/// What the app keeps once for all its sessions.
#[derive(Debug, Default)]
pub struct Shared {
    /// The label language. Each session keeps a copy for the messages it makes, which
    /// [`crate::workspace::Workspace::set_language`] keeps equal to this.
    pub language: Language,
    /// Named payloads, one click to send in any session.
    pub quick_commands: Vec<QuickCommand>,
    /// The quick command being edited, if one is.
    pub quick_editing: Option<usize>,
    /// The name for a quick command being added or edited.
    pub quick_name: String,
    /// The last sends of every session, newest first.
    pub history: Vec<HistoryEntry>,
    /// Remote `host:port`s a TCP client connected to or UDP sent to, newest first (最近使用).
    pub recent_remotes: Vec<String>,
    /// The addresses offered for the local address field (filled by the app at start: listing
    /// interfaces is a system call, and the state itself does no I/O).
    pub local_addresses: Vec<std::net::IpAddr>,
}

/// A change the quick commands' editor asks for, in the session it is shown in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuickEdit {
    /// Start editing this command: its name to the name field, its text to the send box.
    Edit(usize),
    /// Delete this command.
    Delete(usize),
    /// Save the send box as a command under the name typed (a new one, or the one edited).
    Save,
    /// The name field, as typed.
    Name(String),
}

/// How a quick-command change went, for the status bar of the session it was asked in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// What to say.
    pub said: Said,
    /// Whether it is a failure.
    pub is_error: bool,
}

impl Shared {
    /// Nothing shared yet, labelled in `language`.
    pub fn new(language: Language) -> Self {
        Self {
            language,
            ..Self::default()
        }
    }

    /// The labels in the app's language.
    pub fn texts(&self) -> &'static Texts {
        self.language.texts()
    }

    /// Puts `remote` (`host:port`) at the front of the Recent list (once; the oldest fall off).
    pub fn remember_remote(&mut self, remote: String) {
        put_first(&mut self.recent_remotes, remote, RECENT_LIMIT);
    }

    /// Puts a send at the front of the history (once; the oldest fall off).
    pub fn remember_send(&mut self, entry: HistoryEntry) {
        put_first(&mut self.history, entry, HISTORY_LIMIT);
    }

    /// Saves `text` read as `format` as a quick command: a new one, or the one being edited.
    /// An empty name field names it after the start of its text.
    pub fn save_quick(&mut self, text: &str, format: SendFormat) {
        let name = match self.quick_name.trim() {
            "" => text.chars().take(16).collect(),
            name => name.to_owned(),
        };
        let command = QuickCommand {
            name,
            text: text.to_owned(),
            format,
        };
        match self
            .quick_editing
            .take()
            .and_then(|i| self.quick_commands.get_mut(i))
        {
            Some(slot) => *slot = command,
            None => self.quick_commands.push(command),
        }
        self.quick_name.clear();
    }

    /// Starts editing quick command `index`: its name goes into the name field, and the
    /// command is returned for the send box to load.
    pub fn edit_quick(&mut self, index: usize) -> Option<&QuickCommand> {
        let command = self.quick_commands.get(index)?;
        self.quick_name.clone_from(&command.name);
        self.quick_editing = Some(index);
        Some(command)
    }

    /// Applies `edit`, asked in session `state`, whose send box it reads or fills.
    pub fn edit_quick_commands(&mut self, edit: QuickEdit, state: &mut super::SessionState) {
        match edit {
            QuickEdit::Edit(index) => {
                if let Some(command) = self.edit_quick(index) {
                    state.load_send_box(&command.text, command.format);
                }
            }
            QuickEdit::Delete(index) => self.delete_quick(index),
            QuickEdit::Save => self.save_quick(&state.send.text, state.send.format),
            QuickEdit::Name(name) => self.quick_name = name,
        }
    }

    /// Deletes quick command `index`.
    pub fn delete_quick(&mut self, index: usize) {
        if index < self.quick_commands.len() {
            self.quick_commands.remove(index);
            self.quick_editing = None;
        }
    }

    /// What to say about writing the quick commands to `path` (the error already worded).
    pub fn quick_exported(&self, path: &Path, outcome: Result<(), Said>) -> Outcome {
        match outcome {
            Ok(()) => Outcome {
                said: Said::new(|language| {
                    language
                        .texts()
                        .quick_exported
                        .replace("{n}", &self.quick_commands.len().to_string())
                        .replace("{path}", &path.display().to_string())
                }),
                is_error: false,
            },
            Err(said) => Outcome {
                said,
                is_error: true,
            },
        }
    }

    /// Adds the quick commands read from `path` after the ones there (a command already there
    /// is not added twice) and says how it went; a file that could not be read changes
    /// nothing.
    pub fn quick_imported(
        &mut self,
        path: &Path,
        outcome: Result<Vec<QuickCommand>, Said>,
    ) -> Outcome {
        match outcome {
            Ok(commands) => {
                let (mut added, mut same) = (0, 0);
                for command in commands {
                    if self.quick_commands.contains(&command) {
                        same += 1;
                    } else {
                        self.quick_commands.push(command);
                        added += 1;
                    }
                }
                Outcome {
                    said: Said::new(|language| {
                        language
                            .texts()
                            .quick_imported
                            .replace("{n}", &added.to_string())
                            .replace("{same}", &same.to_string())
                            .replace("{path}", &path.display().to_string())
                    }),
                    is_error: false,
                }
            }
            Err(said) => Outcome {
                said,
                is_error: true,
            },
        }
    }
}

/// Puts `item` at the front of a most-recent-first `list`, once (an equal one further down
/// goes), keeping at most `limit`.
pub(crate) fn put_first<T: PartialEq>(list: &mut Vec<T>, item: T, limit: usize) {
    list.retain(|old| *old != item);
    list.insert(0, item);
    list.truncate(limit);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_keeps_the_last_fifty_once_each_newest_first() {
        let mut shared = Shared::default();
        let entry = |text: String| HistoryEntry {
            text,
            format: SendFormat::default(),
        };
        for i in 0..60 {
            shared.remember_send(entry(format!("cmd {i}")));
        }
        shared.remember_send(entry("cmd 55".to_owned()));
        assert_eq!(shared.history.len(), HISTORY_LIMIT);
        assert_eq!(shared.history[0].text, "cmd 55");
        assert_eq!(shared.history[1].text, "cmd 59");
        assert_eq!(
            shared.history.iter().filter(|e| e.text == "cmd 55").count(),
            1
        );
    }

    #[test]
    fn a_quick_command_is_added_edited_and_deleted() {
        let mut shared = Shared::default();
        shared.save_quick("AT+GMR\r\n and more", SendFormat::default());
        assert_eq!(shared.quick_commands[0].name, "AT+GMR\r\n and mor");
        let loaded = shared.edit_quick(0).cloned();
        assert_eq!(
            loaded.map(|c| c.text),
            Some("AT+GMR\r\n and more".to_owned())
        );
        shared.quick_name = "version".to_owned();
        shared.save_quick("AT+GMR", SendFormat::default());
        assert_eq!(shared.quick_commands.len(), 1);
        assert_eq!(shared.quick_commands[0].name, "version");
        assert!(shared.quick_name.is_empty() && shared.quick_editing.is_none());
        shared.delete_quick(0);
        assert!(shared.quick_commands.is_empty());
    }
}

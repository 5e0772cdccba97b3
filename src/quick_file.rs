//! Quick commands shared as a file (导出 / 导入快捷指令): a team's command set for a device,
//! passed from one engineer's NetDebug to another's. The file is the same RON the settings
//! keep the commands in, with a version of its own.

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::workspace::QuickCommand;

/// The layout of the file this NetDebug writes; a newer one is refused rather than misread.
const VERSION: u32 = 1;

/// What the file holds.
#[derive(Debug, Serialize, Deserialize)]
struct QuickCommandFile {
    version: u32,
    commands: Vec<QuickCommand>,
}

/// Why quick commands could not be exported or imported.
#[derive(Debug, thiserror::Error)]
pub enum QuickFileError {
    /// Writing the file failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// Reading the file failed.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The file is not a quick command file (or is damaged).
    #[error("{path} is not a NetDebug quick command file ({reason})")]
    NotQuickCommands {
        /// The file.
        path: PathBuf,
        /// What the reader found wrong.
        reason: String,
    },
    /// The file was written by a newer NetDebug.
    #[error("{path} is from a newer NetDebug (layout {version})")]
    Newer {
        /// The file.
        path: PathBuf,
        /// Its layout.
        version: u32,
    },
}

/// Writes `commands` to `path`.
pub fn export(path: &Path, commands: &[QuickCommand]) -> Result<(), QuickFileError> {
    let file = QuickCommandFile {
        version: VERSION,
        commands: commands.to_vec(),
    };
    let pretty = ron::ser::PrettyConfig::default();
    let text =
        ron::ser::to_string_pretty(&file, pretty).map_err(|error| QuickFileError::Write {
            path: path.to_owned(),
            source: io::Error::other(error),
        })?;
    std::fs::write(path, text).map_err(|source| QuickFileError::Write {
        path: path.to_owned(),
        source,
    })
}

/// Reads the quick commands in `path`.
pub fn import(path: &Path) -> Result<Vec<QuickCommand>, QuickFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| QuickFileError::Read {
        path: path.to_owned(),
        source,
    })?;
    let file: QuickCommandFile =
        ron::from_str(&text).map_err(|error| QuickFileError::NotQuickCommands {
            path: path.to_owned(),
            reason: error.to_string(),
        })?;
    if file.version > VERSION {
        return Err(QuickFileError::Newer {
            path: path.to_owned(),
            version: file.version,
        });
    }
    Ok(file.commands)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Checksum, InputMode, SendFormat, TextEncoding};

    fn temp(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("netdebug-quick-{}-{name}", std::process::id()))
    }

    #[test]
    fn commands_round_trip_and_a_wrong_or_newer_file_is_refused() {
        let commands = vec![
            QuickCommand {
                name: "读保持寄存器".to_owned(),
                text: "01 03 00 00 00 01".to_owned(),
                format: SendFormat {
                    mode: InputMode::Hex,
                    checksum: Checksum::Crc16Modbus,
                    ..SendFormat::default()
                },
            },
            QuickCommand {
                name: "AT".to_owned(),
                text: "AT+GMR\\r\\n".to_owned(),
                format: SendFormat {
                    encoding: TextEncoding::Gbk,
                    escapes: true,
                    ..SendFormat::default()
                },
            },
        ];
        let path = temp("round-trip.ron");
        export(&path, &commands).unwrap();
        assert_eq!(import(&path).unwrap(), commands);

        std::fs::write(&path, "(version: 9, commands: [])").unwrap();
        assert!(matches!(
            import(&path),
            Err(QuickFileError::Newer { version: 9, .. })
        ));
        std::fs::write(&path, "temp=25\n").unwrap();
        assert!(matches!(
            import(&path),
            Err(QuickFileError::NotQuickCommands { .. })
        ));
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(import(&path), Err(QuickFileError::Read { .. })));
        let nowhere = temp("no-such-dir").join("commands.ron");
        assert!(matches!(
            export(&nowhere, &commands),
            Err(QuickFileError::Write { .. })
        ));
    }
}

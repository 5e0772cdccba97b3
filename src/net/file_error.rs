//! The one error for files NetDebug writes on a thread of its own: received data saved as it
//! arrives, and Save log.

use std::io;
use std::path::PathBuf;

/// Why a file written on a thread of its own (save-to-file, Save log) could not be.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Creating the file failed.
    #[error("cannot create {path}: {source}")]
    Create {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// Writing failed part way (disk full, say).
    #[error("writing {path} failed after {written} bytes: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Bytes written before the failure.
        written: u64,
        /// Why.
        source: io::Error,
    },
    /// The writer thread could not be started.
    #[error("cannot start the writer for {path}: {source}")]
    Spawn {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

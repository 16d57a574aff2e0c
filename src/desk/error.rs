//! Why the desk could not read a directory or a log.

use std::path::PathBuf;

/// The directory of logs could not be read (`incidents`, `report`).
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("cannot read {}: {source}", dir.display())]
    ReadDir {
        dir: PathBuf,
        source: std::io::Error,
    },
}

/// Why a file is not a readable warroom log ([`super::summary::summarize`]); the listing
/// shows it beside the file's name.
#[derive(Debug, thiserror::Error)]
pub enum SummaryError {
    #[error("cannot read: {0}")]
    Read(#[from] std::io::Error),
    #[error("empty file, not a warroom log")]
    Empty,
    #[error("the first line is not a warroom log header")]
    NoHeader,
    /// The thread summarising it failed.
    #[error("internal error")]
    Internal,
}

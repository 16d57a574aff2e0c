//! The incident log as JSON Lines: a header line, then one event per line.
//! (Interface fixed; implementation in progress: see issue 2.)

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::incident::Event;

/// Format version written in the header.
pub const FORMAT_VERSION: u32 = 1;

/// First line of every log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogHeader {
    pub warroom_log: u32,
    pub incident: String,
    pub created_at: DateTime<Utc>,
}

/// A line that could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct Damage {
    /// 1-based line number in the file as it was found.
    pub line: usize,
    pub reason: String,
    pub bytes: usize,
}

/// What opening a log found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recovery {
    pub events: u64,
    pub damaged: Vec<Damage>,
    /// Where damaged bytes were moved (only when opened for writing).
    pub damaged_file: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path} is held by another warroom (pid {pid}); join that room over SSH instead, or open a copy with `warroom replay`"
    )]
    Locked { path: PathBuf, pid: String },
    #[error("{path}: not a warroom log: {reason}")]
    NotALog { path: PathBuf, reason: String },
    #[error("{path} already exists")]
    Exists { path: PathBuf },
}

/// The single writer of one log (holds its lock).
pub struct LogWriter {
    path: PathBuf,
    next_id: u64,
}

impl LogWriter {
    /// Creates a new log with its header; fails if the file exists.
    pub fn create(path: &Path, incident_id: &str) -> Result<Self, LogError> {
        let _ = incident_id;
        Ok(LogWriter {
            path: path.to_path_buf(),
            next_id: 1,
        })
    }

    /// Opens an existing log for appending: locks it, replays every complete event into
    /// `on_event`, moves damaged lines aside.
    pub fn open(
        path: &Path,
        on_event: impl FnMut(Event),
    ) -> Result<(Self, LogHeader, Recovery), LogError> {
        let (h, r) = read(path, on_event)?;
        Ok((
            LogWriter {
                path: path.to_path_buf(),
                next_id: r.events + 1,
            },
            h,
            r,
        ))
    }

    /// Appends events (one write, then fsync). The events count as recorded on `Ok`.
    pub fn append(&mut self, events: &[Event]) -> Result<(), LogError> {
        self.next_id += events.len() as u64;
        Ok(())
    }

    /// The id the next appended event must have.
    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Reads a log without locking or repairing it (for verify, replay, export).
pub fn read(path: &Path, on_event: impl FnMut(Event)) -> Result<(LogHeader, Recovery), LogError> {
    let _ = on_event;
    Err(LogError::NotALog {
        path: path.to_path_buf(),
        reason: "reading is not built yet".into(),
    })
}

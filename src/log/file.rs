//! The incident log as JSON Lines: a header line, then one event per line.
//!
//! `{"warroom_log":1,"incident":"…","created_at":"…"}` then one [`Event`] per line.
//! One process writes a log (an exclusive lock on `<log>.lock` holding its pid). Appends
//! are one write of the whole batch followed by `sync_data` (group commit): an event
//! counts as recorded once `append` returns. Opening a log for writing streams it,
//! reports every torn or corrupt line, moves those bytes to `<log>.damaged` and cuts them
//! out of the log, so it stays appendable.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::lock::LogLock;
use super::repair;
use super::scan::scan;
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

/// An event whose id is not greater than every id before it (a duplicate, or a wrap
/// past the largest id).
#[derive(Clone, Debug, PartialEq)]
pub struct IdProblem {
    /// 1-based line of the event.
    pub line: usize,
    pub id: u64,
    /// The largest id before it, and its line.
    pub previous: u64,
    pub previous_line: usize,
}

/// Most id problems listed one by one (all are counted).
pub const MAX_ID_PROBLEMS: usize = 1000;

/// What opening a log found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recovery {
    pub events: u64,
    pub damaged: Vec<Damage>,
    /// Where damaged bytes were moved (only when opened for writing).
    pub damaged_file: Option<PathBuf>,
    /// Events whose ids do not increase (the first `MAX_ID_PROBLEMS` of them).
    pub id_problems: Vec<IdProblem>,
    /// How many events have ids that do not increase.
    pub id_problem_count: u64,
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
    #[error(
        "{path}: event ids are used up (the last id is {}); nothing more can be appended to this log: start a new one (warroom --new, or --log NEW.jsonl)",
        u64::MAX
    )]
    IdsExhausted { path: PathBuf },
    #[error(
        "{path}: refusing to append event id {id}: ids must increase and the last id is {last}"
    )]
    IdOutOfOrder { path: PathBuf, id: u64, last: u64 },
}

/// The single writer of one log (holds its lock until dropped).
#[derive(Debug)]
pub struct LogWriter {
    path: PathBuf,
    file: File,
    /// Bytes known to be in the log (a failed append is cut back to this).
    len: u64,
    /// The largest id in the log (0: none yet).
    last_id: u64,
    /// A failed append could not be cut back: cut it before the next one.
    torn: bool,
    _lock: LogLock,
}

impl LogWriter {
    /// Creates a new log with its header (parent folders too); fails if the file exists.
    pub fn create(path: &Path, incident_id: &str) -> Result<Self, LogError> {
        let io = |source| LogError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| LogError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let lock = LogLock::acquire(path)?;
        let mut file = OpenOptions::new()
            .append(true)
            .create_new(true)
            .open(path)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    LogError::Exists {
                        path: path.to_path_buf(),
                    }
                } else {
                    io(e)
                }
            })?;
        let header = LogHeader {
            warroom_log: FORMAT_VERSION,
            incident: incident_id.to_string(),
            created_at: Utc::now(),
        };
        let mut line = serde_json::to_vec(&header).map_err(|e| io(e.into()))?;
        line.push(b'\n');
        file.write_all(&line).map_err(io)?;
        file.sync_all().map_err(io)?;
        repair::sync_dir(path);
        Ok(LogWriter {
            path: path.to_path_buf(),
            file,
            len: line.len() as u64,
            last_id: 0,
            torn: false,
            _lock: lock,
        })
    }

    /// Opens an existing log for appending: locks it, replays every complete event into
    /// `on_event`, moves damaged lines aside.
    pub fn open(
        path: &Path,
        on_event: impl FnMut(Event),
    ) -> Result<(Self, LogHeader, Recovery), LogError> {
        let io = |source| LogError::Io {
            path: path.to_path_buf(),
            source,
        };
        let lock = LogLock::acquire(path)?;
        let scanned = scan(path, on_event)?;
        if scanned.max_id == u64::MAX {
            return Err(LogError::IdsExhausted {
                path: path.to_path_buf(),
            });
        }
        let damaged_file = repair::repair(path, &scanned)?;
        let mut file = OpenOptions::new().append(true).open(path).map_err(io)?;
        let mut len = scanned.good_end;
        if !scanned.header_newline {
            file.write_all(b"\n").map_err(io)?;
            file.sync_data().map_err(io)?;
            len += 1;
        }
        let recovery = Recovery {
            events: scanned.events,
            damaged: scanned.damaged.into_iter().map(|d| d.damage).collect(),
            damaged_file,
            id_problems: scanned.id_problems,
            id_problem_count: scanned.id_problem_count,
        };
        Ok((
            LogWriter {
                path: path.to_path_buf(),
                file,
                len,
                last_id: scanned.max_id,
                torn: false,
                _lock: lock,
            },
            scanned.header,
            recovery,
        ))
    }

    /// Appends events (one write, then fsync). The events count as recorded on `Ok`.
    /// On error nothing of the batch stays in the log (it is cut back). Ids must
    /// increase: an id not above the last one (a duplicate, or a wrap past `u64::MAX`)
    /// refuses the whole batch.
    pub fn append(&mut self, events: &[Event]) -> Result<(), LogError> {
        let Some(last) = events.iter().map(|e| e.id).max() else {
            return Ok(());
        };
        if self.last_id == u64::MAX {
            return Err(LogError::IdsExhausted {
                path: self.path.clone(),
            });
        }
        let mut prev = self.last_id;
        for e in events {
            if e.id <= prev {
                return Err(LogError::IdOutOfOrder {
                    path: self.path.clone(),
                    id: e.id,
                    last: prev,
                });
            }
            prev = e.id;
        }
        let io = |source| LogError::Io {
            path: self.path.clone(),
            source,
        };
        let mut buf = Vec::with_capacity(events.len() * 160);
        for e in events {
            serde_json::to_writer(&mut buf, e).map_err(|e| io(e.into()))?;
            buf.push(b'\n');
        }
        if self.torn {
            // The last failed append is still in the file: it must go before anything
            // else is written after it.
            self.file.set_len(self.len).map_err(io)?;
            self.torn = false;
        }
        let written = self
            .file
            .write_all(&buf)
            .and_then(|()| self.file.sync_data());
        if let Err(e) = written {
            // Leave no half batch behind: the next append must start on a line of its own.
            self.torn = self.file.set_len(self.len).is_err();
            return Err(io(e));
        }
        self.len += buf.len() as u64;
        self.last_id = last;
        Ok(())
    }

    /// The id the next appended event must have. 0 once the ids are used up (the last id
    /// is `u64::MAX`): `append` refuses it.
    pub fn next_id(&self) -> u64 {
        self.last_id.wrapping_add(1)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Reads a log without locking or repairing it (for verify, replay, export).
pub fn read(path: &Path, on_event: impl FnMut(Event)) -> Result<(LogHeader, Recovery), LogError> {
    let scanned = scan(path, on_event)?;
    Ok((
        scanned.header,
        Recovery {
            events: scanned.events,
            damaged: scanned.damaged.into_iter().map(|d| d.damage).collect(),
            damaged_file: None,
            id_problems: scanned.id_problems,
            id_problem_count: scanned.id_problem_count,
        },
    ))
}

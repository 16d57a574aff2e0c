//! Events a room has recorded locally and not yet shared on the stream.
//!
//! Each entry is fsynced to `<mirror>.outbox` (JSON Lines: the message id and the event)
//! before anyone is told it is recorded, so a crash or an unreachable server loses
//! nothing: the entries are published in order when the server answers (their message ids
//! make a repeat a no-op on the server) and removed once it has acknowledged them.

use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use crate::incident::Event;

/// One event waiting to be shared.
#[derive(Debug)]
pub struct Entry {
    pub msg_id: String,
    pub event: Event,
    /// 1: the first seed event of a new incident, published only if the incident is
    /// still empty (two rooms opening a new incident at once do not both seed it); 2: the
    /// rest of that seed (dropped with it); 0: any other event.
    pub seed: u8,
    pub ack: Option<oneshot::Sender<u64>>,
}

#[derive(Serialize, Deserialize)]
struct Line {
    msg_id: String,
    event: Event,
    #[serde(default)]
    seed: u8,
}

#[derive(Debug)]
pub struct Outbox {
    path: PathBuf,
    file: File,
    pub q: VecDeque<Entry>,
}

/// Why the outbox could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Encode(#[from] serde_json::Error),
}

fn io(path: &Path, source: std::io::Error) -> OutboxError {
    OutboxError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl Outbox {
    /// Opens (or creates) the outbox and reads what a previous run left in it. Damaged
    /// lines are skipped and counted.
    pub fn open(path: &Path) -> Result<(Outbox, usize), OutboxError> {
        let mut q = VecDeque::new();
        let mut damaged = 0;
        if let Ok(f) = File::open(path) {
            for line in BufReader::new(f).lines() {
                let Ok(line) = line else {
                    damaged += 1;
                    continue;
                };
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<Line>(&line) {
                    Ok(l) => q.push_back(Entry {
                        msg_id: l.msg_id,
                        event: l.event,
                        seed: l.seed,
                        ack: None,
                    }),
                    Err(_) => damaged += 1,
                }
            }
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| io(path, e))?;
        Ok((
            Outbox {
                path: path.to_path_buf(),
                file,
                q,
            },
            damaged,
        ))
    }

    /// Appends entries (one write, fsync); on error nothing is added.
    pub fn push(&mut self, entries: Vec<Entry>) -> Result<(), OutboxError> {
        let mut buf = Vec::new();
        for e in &entries {
            let line = Line {
                msg_id: e.msg_id.clone(),
                event: e.event.clone(),
                seed: e.seed,
            };
            serde_json::to_writer(&mut buf, &line)?;
            buf.push(b'\n');
        }
        let len = self.file.metadata().map(|m| m.len()).unwrap_or(0);
        if let Err(e) = self
            .file
            .write_all(&buf)
            .and_then(|()| self.file.sync_data())
        {
            let _ = self.file.set_len(len);
            return Err(io(&self.path, e));
        }
        self.q.extend(entries);
        Ok(())
    }

    /// Writes the remaining entries back (after some were shared): a new file renamed
    /// over the old one, so a crash leaves either the old or the new list.
    pub fn rewrite(&mut self) -> Result<(), OutboxError> {
        if self.q.is_empty() {
            self.file.set_len(0).map_err(|e| io(&self.path, e))?;
            return self.file.sync_data().map_err(|e| io(&self.path, e));
        }
        let tmp = super::sidecar(&self.path, ".tmp");
        let mut buf = Vec::new();
        for e in &self.q {
            let line = Line {
                msg_id: e.msg_id.clone(),
                event: e.event.clone(),
                seed: e.seed,
            };
            serde_json::to_writer(&mut buf, &line)?;
            buf.push(b'\n');
        }
        let mut f = File::create(&tmp).map_err(|e| io(&tmp, e))?;
        f.write_all(&buf)
            .and_then(|()| f.sync_all())
            .map_err(|e| io(&tmp, e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| io(&self.path, e))?;
        self.file = OpenOptions::new()
            .append(true)
            .open(&self.path)
            .map_err(|e| io(&self.path, e))?;
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.q.len()
    }
    pub fn is_empty(&self) -> bool {
        self.q.is_empty()
    }
}

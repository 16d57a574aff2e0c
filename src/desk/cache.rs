//! The list's memory of what it read: `.warroom-list.json` in the log folder maps each
//! log's file name, length and modification time to its summary. A log that is the same
//! length with the same modification time as last time (logs are only appended to) is not
//! read again; any other log is read in full and its entry replaced. The file is a cache:
//! missing, unreadable, from another version or in a read-only folder, the list reads
//! every log and says nothing.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::summary::Summary;

/// The cache file's name in the log folder (not `*.jsonl`: never listed as a log).
pub const FILE: &str = ".warroom-list.json";
const VERSION: u32 = 1;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Entry {
    len: u64,
    mtime_ns: u128,
    summary: Summary,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    version: u32,
    logs: BTreeMap<String, Entry>,
}

/// A log's length and modification time (ns since the epoch).
pub fn stamp(path: &Path) -> Option<(u64, u128)> {
    let m = std::fs::metadata(path).ok()?;
    let t = m
        .modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some((m.len(), t))
}

fn name(path: &Path) -> Option<String> {
    Some(path.file_name()?.to_string_lossy().into_owned())
}

impl Cache {
    /// The folder's cache, or an empty one.
    pub fn load(dir: &Path) -> Cache {
        std::fs::read(dir.join(FILE))
            .ok()
            .and_then(|b| serde_json::from_slice::<Cache>(&b).ok())
            .filter(|c| c.version == VERSION)
            .unwrap_or_default()
    }

    /// The summary of `path` as last read, if the log has not changed since.
    pub fn get(&self, path: &Path, stamp: Option<(u64, u128)>) -> Option<Summary> {
        let (len, mtime_ns) = stamp?;
        let e = self.logs.get(&name(path)?)?;
        (e.len == len && e.mtime_ns == mtime_ns).then(|| Summary {
            path: path.to_path_buf(),
            ..e.summary.clone()
        })
    }

    /// How many logs it remembers.
    pub fn len(&self) -> usize {
        self.logs.len()
    }
    pub fn is_empty(&self) -> bool {
        self.logs.is_empty()
    }

    /// A new cache of exactly these summaries (logs gone from the folder are dropped).
    pub fn of(summaries: &[(Summary, Option<(u64, u128)>)]) -> Cache {
        let mut c = Cache {
            version: VERSION,
            logs: BTreeMap::new(),
        };
        for (s, st) in summaries {
            if let (Some((len, mtime_ns)), Some(n)) = (st, name(&s.path)) {
                c.logs.insert(
                    n,
                    Entry {
                        len: *len,
                        mtime_ns: *mtime_ns,
                        summary: s.clone(),
                    },
                );
            }
        }
        c
    }

    /// Writes the cache into `dir` (through a temporary file and a rename, so a reader
    /// never sees half of it); a failure only means the next list reads every log.
    pub fn save(&self, dir: &Path) {
        let Ok(bytes) = serde_json::to_vec(self) else {
            return;
        };
        let tmp = dir.join(format!("{FILE}.{}.tmp", std::process::id()));
        if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, dir.join(FILE)).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

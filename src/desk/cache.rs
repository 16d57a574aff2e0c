//! The desk's memory of what it read: `.warroom-list.json` in the log folder maps each
//! log's file name, length and modification time to its list summary and to what the
//! report takes from it ([`Facts`]). A log that is the same length with the same
//! modification time as last time (logs are only appended to) is not read again; any
//! other log is read in full and its entry replaced. `warroom incidents` fills the
//! summary, `warroom report` both (it reads each log whole anyway); each keeps what the
//! other stored for an unchanged log. The file is a cache: missing, unreadable, from
//! another version or in a read-only folder, the list or report reads every log and says
//! nothing.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::report::Facts;
use super::summary::Summary;

/// The cache file's name in the log folder (not `*.jsonl`: never listed as a log).
pub const FILE: &str = ".warroom-list.json";
const VERSION: u32 = 2;

/// A log's length and modification time (ns since the epoch).
pub type Stamp = (u64, u128);

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Entry {
    len: u64,
    mtime_ns: u128,
    /// The list's summary (none when only the report has read the log and could not
    /// summarise it).
    #[serde(default)]
    summary: Option<Summary>,
    /// What the report takes from the log (none until a report has read it).
    #[serde(default)]
    report: Option<Facts>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    version: u32,
    logs: BTreeMap<String, Entry>,
}

/// A log's length and modification time (ns since the epoch).
pub fn stamp(path: &Path) -> Option<Stamp> {
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

    /// An empty cache.
    pub fn new() -> Cache {
        Cache {
            version: VERSION,
            logs: BTreeMap::new(),
        }
    }

    /// The entry of `path`, if the log has not changed since it was made.
    fn entry(&self, path: &Path, stamp: Option<Stamp>) -> Option<&Entry> {
        let (len, mtime_ns) = stamp?;
        let e = self.logs.get(&name(path)?)?;
        (e.len == len && e.mtime_ns == mtime_ns).then_some(e)
    }

    /// The summary of `path` as last read, if the log has not changed since.
    pub fn get(&self, path: &Path, stamp: Option<Stamp>) -> Option<Summary> {
        let s = self.entry(path, stamp)?.summary.as_ref()?;
        Some(Summary {
            path: path.to_path_buf(),
            ..s.clone()
        })
    }

    /// What the report took from `path` when it last read it, if the log has not changed.
    pub fn facts(&self, path: &Path, stamp: Option<Stamp>) -> Option<Facts> {
        self.entry(path, stamp)?.report.clone()
    }

    /// How many logs it remembers.
    pub fn len(&self) -> usize {
        self.logs.len()
    }
    pub fn is_empty(&self) -> bool {
        self.logs.is_empty()
    }

    /// Remembers `path` as read at `stamp`: its summary, and its report facts (`None`
    /// keeps those of an unchanged log already in `old`, if any; so does the summary).
    pub fn put(
        &mut self,
        old: &Cache,
        path: &Path,
        stamp: Option<Stamp>,
        summary: Option<Summary>,
        report: Option<Facts>,
    ) {
        let (Some((len, mtime_ns)), Some(n)) = (stamp, name(path)) else {
            return;
        };
        let before = old.entry(path, stamp);
        let summary = summary.or_else(|| before.and_then(|e| e.summary.clone()));
        let report = report.or_else(|| before.and_then(|e| e.report.clone()));
        if summary.is_none() && report.is_none() {
            return;
        }
        self.logs.insert(
            n,
            Entry {
                len,
                mtime_ns,
                summary,
                report,
            },
        );
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

//! Moving damaged lines out of a log so it stays appendable.
//!
//! The damaged bytes are first appended to `<log>.damaged` and fsynced (never lost), then
//! the log is cut: truncated when only its tail is damaged (the usual torn write),
//! otherwise rewritten without the damaged lines to a temporary file that is fsynced and
//! renamed over the log.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::file::LogError;
use super::lock::sidecar;
use super::scan::Scanned;

/// Repairs the log at `path` after `scanned`; returns where damaged bytes went.
pub(crate) fn repair(path: &Path, scanned: &Scanned) -> Result<Option<PathBuf>, LogError> {
    if scanned.damaged.is_empty() {
        return Ok(None);
    }
    let damaged_path = sidecar(path, ".damaged");
    let on = |p: &Path| {
        let p = p.to_path_buf();
        move |source| LogError::Io { path: p, source }
    };

    let mut log = File::open(path).map_err(on(path))?;
    let mut aside = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&damaged_path)
        .map_err(on(&damaged_path))?;
    for d in &scanned.damaged {
        log.seek(SeekFrom::Start(d.offset)).map_err(on(path))?;
        let copied = io::copy(&mut (&mut log).take(d.damage.bytes as u64), &mut aside)
            .map_err(on(&damaged_path))?;
        if copied != d.damage.bytes as u64 {
            return Err(on(path)(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the log shrank while it was being repaired",
            )));
        }
    }
    aside.sync_all().map_err(on(&damaged_path))?;
    drop(aside);

    let tail_only = scanned.damaged.iter().all(|d| d.offset >= scanned.good_end);
    if tail_only {
        let f = OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(on(path))?;
        f.set_len(scanned.good_end).map_err(on(path))?;
        f.sync_all().map_err(on(path))?;
        return Ok(Some(damaged_path));
    }

    // Rewrite: copy every byte range between damaged lines.
    let tmp = sidecar(path, ".repair.tmp");
    let mut out = File::create(&tmp).map_err(on(&tmp))?;
    let mut pos = 0u64;
    let mut copy_range = |from: u64, to: u64| -> Result<(), LogError> {
        if to > from {
            log.seek(SeekFrom::Start(from)).map_err(on(path))?;
            io::copy(&mut (&mut log).take(to - from), &mut out).map_err(on(&tmp))?;
        }
        Ok(())
    };
    for d in &scanned.damaged {
        copy_range(pos, d.offset)?;
        pos = d.offset + d.damage.bytes as u64;
    }
    copy_range(pos, scanned.len)?;
    out.sync_all().map_err(on(&tmp))?;
    drop(out);
    std::fs::rename(&tmp, path).map_err(on(path))?;
    sync_dir(path);
    Ok(Some(damaged_path))
}

/// Makes a rename or a new file in the log's folder durable (best effort).
pub(crate) fn sync_dir(path: &Path) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

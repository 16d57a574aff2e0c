//! The exclusive lock on a log: a sidecar `<log>.lock` file, locked with
//! `File::try_lock`, holding the holder's pid so a second opener can name it.
//! The lock is released when the `LogLock` is dropped (the file is closed).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::file::LogError;

/// `<log>` + `suffix` (e.g. `a.jsonl` → `a.jsonl.lock`).
pub(crate) fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// Held while a process owns a log.
#[derive(Debug)]
pub(crate) struct LogLock {
    file: File,
}

impl Drop for LogLock {
    /// Unlocks explicitly rather than only closing: a child process forked at this moment
    /// (before its exec closes inherited descriptors) shares the open file and would keep
    /// the lock alive for a while after we are gone.
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

impl LogLock {
    /// Takes the lock of `log`, or says who holds it.
    pub(crate) fn acquire(log: &Path) -> Result<LogLock, LogError> {
        let lock_path = sidecar(log, ".lock");
        let io = |source| LogError::Io {
            path: lock_path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut pid = String::new();
                // The holder writes its pid right after locking; a racing reader may see
                // an empty file.
                let _ = file.read_to_string(&mut pid);
                let pid = crate::text::line(pid.trim());
                return Err(LogError::Locked {
                    path: log.to_path_buf(),
                    pid: if pid.is_empty() {
                        "unknown".into()
                    } else {
                        pid
                    },
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.write_all(format!("{}\n", std::process::id()).as_bytes())
            .map_err(io)?;
        Ok(LogLock { file })
    }
}

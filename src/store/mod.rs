//! Where a room's events are kept, behind one interface: the room's single writer
//! (`room/writer.rs`) holds a [`Store`] and does not otherwise know which it has.
//!
//! - [`Store::Memory`]: ids only, nothing kept (tests, the core of a live room).
//! - [`Store::File`] (`file.rs`): the local JSON Lines log, appended and fsynced; the
//!   writer folds what it wrote.
//! - [`Store::Nats`] (`nats.rs`): NATS JetStream. Events are staged in a local outbox
//!   (fsynced), published in order, and folded only when the stream delivers them back, so
//!   every room of the incident folds the same events in the same order.
pub mod file;
pub mod nats;
mod nats_read;
mod outbox;

use std::path::{Path, PathBuf};

use crate::incident::{Draft, Event};

pub use file::FileStore;
pub use nats::{NatsStore, ShareError};
pub use outbox::OutboxError;

/// Why a store could not record events.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The log could not be written: the cause in words a person reads in the header
    /// ("No space left on device").
    #[error("{}", file::reason(.0))]
    Log(#[source] crate::log::LogError),
    /// The blocking task that writes the log failed.
    #[error("log writer failed: {0}")]
    Writer(#[source] tokio::task::JoinError),
    #[error("a shared store records through its outbox")]
    Shared,
}

pub enum Store {
    Memory { next_id: u64 },
    File(FileStore),
    Nats(Box<NatsStore>),
}

impl Store {
    /// Gives drafts ids and records them (memory, file); the events, to fold, on success.
    /// For `Nats` use [`NatsStore::stage`] and [`NatsStore::share`]: the stream folds.
    pub async fn append(&mut self, drafts: Vec<Draft>) -> Result<Vec<Event>, StoreError> {
        match self {
            Store::Memory { next_id } => Ok(drafts
                .into_iter()
                .map(|d| {
                    let e = d.into_event(*next_id);
                    *next_id = next_id.wrapping_add(1);
                    e
                })
                .collect()),
            Store::File(f) => f.append(drafts).await,
            Store::Nats(_) => Err(StoreError::Shared),
        }
    }
}

/// `<path>` + `suffix` (e.g. `a.jsonl` → `a.jsonl.outbox`).
pub(crate) fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

//! The local store: the incident's JSON Lines log (`crate::log`), one write and one fsync
//! per batch, off the async threads.

use std::sync::{Arc, Mutex};

use super::StoreError;
use crate::incident::{Draft, Event};
use crate::log::{LogError, LogWriter};

pub struct FileStore(Arc<Mutex<LogWriter>>);

impl FileStore {
    pub fn new(w: LogWriter) -> Self {
        FileStore(Arc::new(Mutex::new(w)))
    }

    /// Gives the drafts the next ids and appends them; the events once they are on disk.
    pub async fn append(&mut self, drafts: Vec<Draft>) -> Result<Vec<Event>, StoreError> {
        let w = self.0.clone();
        let res = tokio::task::spawn_blocking(move || {
            let mut w = match w.lock() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            let mut id = w.next_id();
            let events: Vec<Event> = drafts
                .into_iter()
                .map(|d| {
                    let e = d.into_event(id);
                    id = id.wrapping_add(1);
                    e
                })
                .collect();
            w.append(&events).map(|()| events)
        })
        .await;
        match res {
            Ok(Ok(events)) => Ok(events),
            Ok(Err(e)) => Err(StoreError::Log(e)),
            Err(e) => Err(StoreError::Writer(e)),
        }
    }
}

/// The cause in words a person reads in the header: "No space left on device".
pub(super) fn reason(e: &LogError) -> String {
    match e {
        LogError::Io { source, .. } => {
            let s = source.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
        other => other.to_string(),
    }
}

//! The live room: single writer of the log, holds the folded state, tells every view
//! when it changed. (Interface fixed; implementation in progress: see issue 3.)

use std::sync::{Arc, RwLock, RwLockReadGuard};

use tokio::sync::{mpsc, watch};

use crate::incident::{Draft, Incident};

/// A handle on a running room, cheap to clone: one per view and per source.
#[derive(Clone)]
pub struct RoomHandle {
    incident: Arc<RwLock<Incident>>,
    version: watch::Receiver<u64>,
    tx: mpsc::Sender<Draft>,
}

impl RoomHandle {
    /// Starts a room that folds into memory only (no log): for tests and as the core
    /// of the live room. Events get ids from `next_id` on.
    pub fn start_in_memory(incident: Incident) -> RoomHandle {
        let next_id = incident.last_id + 1;
        let incident = Arc::new(RwLock::new(incident));
        let (vtx, vrx) = watch::channel(0u64);
        let (tx, mut rx) = mpsc::channel::<Draft>(4096);
        let state = incident.clone();
        tokio::spawn(async move {
            let mut id = next_id;
            let mut version = 0u64;
            let mut batch = Vec::new();
            while rx.recv_many(&mut batch, 1024).await > 0 {
                {
                    let mut inc = match state.write() {
                        Ok(g) => g,
                        Err(p) => p.into_inner(),
                    };
                    for d in batch.drain(..) {
                        inc.apply(&d.into_event(id));
                        id += 1;
                    }
                }
                version += 1;
                if vtx.send(version).is_err() && vtx.is_closed() {
                    // No view listens; keep folding for sources.
                }
            }
        });
        RoomHandle {
            incident,
            version: vrx,
            tx,
        }
    }
}

/// The room has stopped.
#[derive(Debug, thiserror::Error)]
#[error("the room has closed")]
pub struct RoomClosed;

impl RoomHandle {
    /// Sends an event to be recorded (appended, fsynced, folded).
    pub async fn record(&self, draft: Draft) -> Result<(), RoomClosed> {
        self.tx.send(draft).await.map_err(|_| RoomClosed)
    }
    /// Like `record`, never waits (for views).
    pub fn try_record(&self, draft: Draft) -> Result<(), RoomClosed> {
        self.tx.try_send(draft).map_err(|_| RoomClosed)
    }
    /// Bumped after every recorded batch.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.version.clone()
    }
    /// The current state, to draw from. Hold it only while drawing.
    pub fn read(&self) -> RwLockReadGuard<'_, Incident> {
        match self.incident.read() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }
    /// A sender for sources.
    pub fn sender(&self) -> mpsc::Sender<Draft> {
        self.tx.clone()
    }
}

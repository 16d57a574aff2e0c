//! The room task: the single writer of the log.
//!
//! Every draft (from sources and from people) joins one queue ([`Held`]). The task writes
//! the queue in batches (one write, one fsync), and only then folds the events, answers
//! the receipts of those who wait, and bumps the version: an event counts, and is shown,
//! once it is on disk.
//!
//! When the log cannot be written (disk full, I/O error) nothing is folded and nothing
//! is acknowledged: drafts stay held (bounded, see `held.rs`), the write is retried with
//! backoff, and the room's health says so (the header's red line). When the log takes
//! writes again, a `source_health` failure of the incident log (dated when it started)
//! goes first, then every held draft in order, then one recovery: real events with real
//! ids, so the live state is always the fold of the log.

use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, mpsc, watch};
use tokio::time::Instant;

use super::held::{Held, Pending};
use super::{LOG_SOURCE, RoomHealth, Submission};
use crate::incident::{Actor, Draft, Event, EventKind, Incident};
use crate::log::{LogError, LogWriter};

/// Most drafts written as one batch (one write, one fsync).
const MAX_BATCH: usize = 1024;
/// Most source events held while the log cannot be written (~20 MB).
const MAX_HELD: usize = 50_000;
/// First retry after a failed write; doubles up to `MAX_BACKOFF`.
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// How long a stopping room keeps retrying a failing log before giving up on what it holds.
const STOP_GRACE: Duration = Duration::from_secs(5);

pub(super) enum Writer {
    Memory { next_id: u64 },
    Log(Arc<Mutex<LogWriter>>),
}

impl Writer {
    /// Gives the drafts ids and records them; the events on success.
    async fn append(&mut self, drafts: Vec<Draft>) -> Result<Vec<Event>, String> {
        match self {
            Writer::Memory { next_id } => Ok(drafts
                .into_iter()
                .map(|d| {
                    let e = d.into_event(*next_id);
                    *next_id = next_id.wrapping_add(1);
                    e
                })
                .collect()),
            Writer::Log(w) => {
                let w = w.clone();
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
                    Ok(Err(e)) => Err(reason(&e)),
                    Err(e) => Err(format!("log writer failed: {e}")),
                }
            }
        }
    }
}

/// The cause in words a person reads in the header: "No space left on device".
fn reason(e: &LogError) -> String {
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

/// The log is failing: since when, why, when to try again.
struct Failure {
    since: DateTime<Utc>,
    reason: String,
    backoff: Duration,
    retry_at: Instant,
    /// The failure's own timeline entry is in the log.
    written: bool,
}

impl Failure {
    /// The failure's timeline entry, dated when it started, written first once it can be.
    fn notice(&self, held: &Held) -> Draft {
        let sources = held.len() - held.actions();
        let dropped = match held.dropped() {
            0 => String::new(),
            n => format!(", {n} oldest source events dropped"),
        };
        Draft::new(
            self.since,
            Actor::System,
            EventKind::SourceHealth {
                source: LOG_SOURCE.to_string(),
                ok: false,
                error: Some(format!(
                    "{}; {} actions and {sources} source events were held until it could be written{dropped}",
                    self.reason,
                    held.actions()
                )),
            },
        )
    }
}

pub(super) struct Room {
    pub writer: Writer,
    pub state: Arc<RwLock<Incident>>,
    pub sources: mpsc::Receiver<Draft>,
    pub people: mpsc::Receiver<Submission>,
    pub version: watch::Sender<u64>,
    pub health: watch::Sender<RoomHealth>,
    pub stop: Arc<Notify>,
    pub done: watch::Sender<bool>,
}

impl Room {
    pub async fn run(mut self) {
        let mut held = Held::new(MAX_HELD);
        let mut fail: Option<Failure> = None;
        let mut version = 0u64;
        let mut stop_by: Option<Instant> = None;
        let (mut sources_open, mut people_open) = (true, true);
        let mut from_sources = Vec::with_capacity(64);
        let mut from_people = Vec::with_capacity(16);
        loop {
            let due = fail.as_ref().is_none_or(|f| Instant::now() >= f.retry_at);
            if due && (!held.is_empty() || fail.is_some()) {
                self.flush(&mut held, &mut fail, &mut version).await;
            }
            self.publish(&held, &fail, &mut version);
            let closed = !sources_open && !people_open;
            if closed && held.is_empty() && fail.is_none() {
                break;
            }
            if let (Some(by), Some(f)) = (stop_by, &fail)
                && Instant::now() >= by
            {
                let last = give_up(&mut held, f);
                self.health.send_replace(last);
                break;
            }
            let retry_at = fail.as_ref().map(|f| f.retry_at);
            let far = Instant::now() + Duration::from_secs(86_400);
            tokio::select! {
                n = self.sources.recv_many(&mut from_sources, MAX_BATCH), if sources_open => {
                    if n == 0 {
                        sources_open = false;
                    }
                    for draft in from_sources.drain(..) {
                        held.push(Pending { draft, ack: None });
                    }
                }
                n = self.people.recv_many(&mut from_people, MAX_BATCH), if people_open => {
                    if n == 0 {
                        people_open = false;
                    }
                    for s in from_people.drain(..) {
                        held.push(Pending { draft: s.draft, ack: s.ack });
                    }
                }
                _ = self.stop.notified(), if stop_by.is_none() => {
                    // Refuse new drafts, record what is queued, then end.
                    self.sources.close();
                    self.people.close();
                    stop_by = Some(Instant::now() + STOP_GRACE);
                }
                _ = tokio::time::sleep_until(retry_at.unwrap_or(far)), if retry_at.is_some() => {}
            }
        }
        tracing::info!(version, "room closed");
        let _ = self.done.send(true);
    }

    /// Writes what is held, batch by batch, until it is all written or a write fails.
    async fn flush(&mut self, held: &mut Held, fail: &mut Option<Failure>, version: &mut u64) {
        loop {
            let n = held.len().min(MAX_BATCH);
            let mut drafts = Vec::with_capacity(n + 1);
            let notice = fail.as_ref().is_some_and(|f| !f.written);
            if let Some(f) = fail.as_ref().filter(|_| notice) {
                drafts.push(f.notice(held));
            }
            drafts.extend(held.front(n).cloned());
            let recovery = drafts.is_empty();
            if recovery {
                if fail.is_none() {
                    return;
                }
                drafts.push(Draft::new(
                    Utc::now(),
                    Actor::System,
                    EventKind::SourceHealth {
                        source: LOG_SOURCE.to_string(),
                        ok: true,
                        error: None,
                    },
                ));
            }
            match self.writer.append(drafts).await {
                Ok(events) => {
                    if notice {
                        held.take_dropped();
                        if let Some(f) = fail.as_mut() {
                            f.written = true;
                        }
                    }
                    if recovery {
                        tracing::info!("incident log writable again");
                        *fail = None;
                    }
                    {
                        let mut inc = match self.state.write() {
                            Ok(g) => g,
                            Err(p) => p.into_inner(),
                        };
                        inc.apply_all(&events);
                    }
                    let ids = events.iter().skip(usize::from(notice)).map(|e| e.id);
                    for (p, id) in held.pop_front(n).into_iter().zip(ids) {
                        if let Some(ack) = p.ack {
                            // The one waiting may have gone: fine.
                            let _ = ack.send(id);
                        }
                    }
                    *version += 1;
                    // No view listening is fine: sources keep the room going.
                    let _ = self.version.send(*version);
                    if recovery {
                        return;
                    }
                }
                Err(reason) => {
                    let now = Instant::now();
                    match fail {
                        Some(f) => {
                            f.backoff = (f.backoff * 2).min(MAX_BACKOFF);
                            f.retry_at = now + f.backoff;
                            if f.reason != reason {
                                tracing::warn!(error = %reason, "incident log still failing");
                                f.reason = reason;
                            }
                        }
                        None => {
                            tracing::error!(error = %reason, held = held.len(), "cannot write the incident log; holding events until it can");
                            *fail = Some(Failure {
                                since: Utc::now(),
                                reason,
                                backoff: FIRST_BACKOFF,
                                retry_at: now + FIRST_BACKOFF,
                                written: false,
                            });
                        }
                    }
                    return;
                }
            }
        }
    }

    /// Shares the room's health; a change the header shows bumps the version.
    fn publish(&self, held: &Held, fail: &Option<Failure>, version: &mut u64) {
        let h = match fail {
            Some(f) => RoomHealth {
                log_error: Some(f.reason.clone()),
                waiting_actions: held.actions(),
                waiting_events: held.len(),
                dropped: held.dropped(),
            },
            None => RoomHealth::default(),
        };
        let mut shown_changed = false;
        self.health.send_if_modified(|old| {
            if *old == h {
                return false;
            }
            shown_changed =
                old.log_error != h.log_error || old.waiting_actions != h.waiting_actions;
            *old = h;
            true
        });
        if shown_changed {
            *version += 1;
            let _ = self.version.send(*version);
        }
    }
}

/// The room is stopping and the log still cannot be written: what is held is put in the
/// diagnostic log (one JSON line each) so a person can recover it, and left. The health
/// then still counts what was not recorded (read by the caller after `shutdown`).
fn give_up(held: &mut Held, f: &Failure) -> RoomHealth {
    let health = RoomHealth {
        log_error: Some(f.reason.clone()),
        waiting_actions: held.actions(),
        waiting_events: held.len(),
        dropped: held.dropped(),
    };
    let all = held.take_all();
    tracing::error!(
        error = %f.reason,
        events = all.len(),
        actions = health.waiting_actions,
        "stopping with events the incident log could not take; they follow as JSON"
    );
    for p in &all {
        // Id 0: the room never gave it one.
        let line = serde_json::to_string(&p.draft.clone().into_event(0)).unwrap_or_default();
        tracing::error!(target: "warroom::unrecorded", "{line}");
    }
    health
}

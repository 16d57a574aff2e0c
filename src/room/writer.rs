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

use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, mpsc, watch};
use tokio::time::Instant;

use super::held::{Held, Pending};
use super::{LOG_SOURCE, RoomHealth, Submission};
use crate::incident::{Actor, Draft, EventKind, Incident};

/// Most drafts written as one batch (one write, one fsync).
const MAX_BATCH: usize = 1024;
/// Most source events held while the log cannot be written (~20 MB).
const MAX_HELD: usize = 50_000;
/// First retry after a failed write; doubles up to `MAX_BACKOFF`.
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// How long a stopping room keeps retrying a failing log before giving up on what it holds.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// The room's store (`crate::store`): the rest of the room does not know which it is.
pub(super) type Writer = crate::store::Store;

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
            if due && (!held.is_empty() || fail.is_some() || self.unshared() > 0) {
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

    /// Events recorded locally and not yet in a shared store.
    fn unshared(&self) -> usize {
        match &self.writer {
            Writer::Nats(n) => n.unshared(),
            _ => 0,
        }
    }

    /// Writes what is held, batch by batch, until it is all written or a write fails.
    async fn flush(&mut self, held: &mut Held, fail: &mut Option<Failure>, version: &mut u64) {
        if let Writer::Nats(store) = &mut self.writer {
            return flush_shared(store, held, fail).await;
        }
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
                    self.version.send_modify(|v| *v += 1);
                    if recovery {
                        return;
                    }
                }
                Err(e) => {
                    let reason = e.to_string();
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
        let unshared = self.unshared();
        let h = match fail {
            Some(f) if matches!(self.writer, Writer::Nats(_)) => RoomHealth {
                log_error: Some(f.reason.clone()),
                waiting_actions: unshared + held.len(),
                waiting_events: unshared + held.len(),
                dropped: 0,
                offline: true,
            },
            Some(f) => RoomHealth {
                log_error: Some(f.reason.clone()),
                waiting_actions: held.actions(),
                waiting_events: held.len(),
                dropped: held.dropped(),
                offline: false,
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
            self.version.send_modify(|v| *v += 1);
        }
    }
}

/// A shared store: stages what is held in the outbox (on disk, so nothing is lost from
/// here on), then publishes the outbox in order. The events are folded when the stream
/// delivers them (`store::nats::follow`); receipts are answered at the server's ack.
/// While the server is unreachable the room is offline: retried with backoff, the header
/// counts what is not yet shared.
async fn flush_shared(
    store: &mut crate::store::NatsStore,
    held: &mut Held,
    fail: &mut Option<Failure>,
) {
    let n = held.len();
    if n > 0 {
        let drafts: Vec<Draft> = held.front(n).cloned().collect();
        let staged = store.stage(drafts.into_iter().map(|d| (d, None)).collect(), false);
        match staged {
            Ok(()) => {
                let acks = held.pop_front(n).into_iter().map(|p| p.ack).collect();
                store.attach(acks);
            }
            Err(reason) => {
                fail_with(fail, format!("cannot write the outbox: {reason}"));
                return;
            }
        }
    }
    match store.share().await {
        Ok(()) => {
            if fail.take().is_some() {
                tracing::info!("NATS reachable again; the outbox is shared");
            }
        }
        Err(reason) => fail_with(fail, reason.to_string()),
    }
}

/// Records a failure (or a further one: longer backoff).
fn fail_with(fail: &mut Option<Failure>, reason: String) {
    let now = Instant::now();
    match fail {
        Some(f) => {
            f.backoff = (f.backoff * 2).min(MAX_BACKOFF);
            f.retry_at = now + f.backoff;
            f.reason = reason;
        }
        None => {
            tracing::warn!(error = %reason, "cannot share events; keeping them in the outbox");
            *fail = Some(Failure {
                since: Utc::now(),
                reason,
                backoff: FIRST_BACKOFF,
                retry_at: now + FIRST_BACKOFF,
                written: true,
            });
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
        offline: false,
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

//! Sources: tasks that turn the outside world into events for the room.
//!
//! Each source is one tokio task sending `Draft`s on the room's channel. Polling sources
//! (prometheus, statuspage, feed, reports) share one loop: poll, send what is new, wait
//! `every` (or back off with jitter while failing), and send `source_health` only when
//! health changes. Parsing is pure and lives in each module, apart from the polling.
//! A slow or dead source only delays itself: every request has a timeout, and the room
//! drains the channel, so `send().await` never waits on another source.

pub mod alertmanager;
pub mod backoff;
pub mod budget;
pub mod drill;
pub mod feed;
pub mod health;
pub mod http;
pub mod markup;
pub mod pagerduty;
pub mod prometheus;
pub mod receiver;
pub mod reports;
pub mod statuspage;
pub mod webhook_in;

use chrono::Utc;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::config::{Config, SourceConfig, SourceKind};
use crate::incident::{Actor, Draft, Incident};
use backoff::Backoff;
use health::Health;
use http::{Fetch, SourceError};

/// A polling source of any kind.
enum Poller {
    Prometheus(prometheus::Poller),
    Statuspage(statuspage::Poller),
    Feed(feed::Poller),
    Reports(reports::Poller),
}

impl Poller {
    fn new(source: &SourceConfig, known: &Incident) -> Option<Poller> {
        let auth = match &source.kind {
            SourceKind::Prometheus(c) => c.auth.clone(),
            SourceKind::Statuspage(c) => c.auth.clone(),
            SourceKind::Feed(c) => c.auth.clone(),
            SourceKind::Reports(c) => c.auth.clone(),
            SourceKind::Alertmanager(_) | SourceKind::Drill(_) => None,
            SourceKind::Pagerduty(_) | SourceKind::Webhook(_) => None,
        };
        let fetch = Fetch {
            timeout: source.timeout,
            max_bytes: source.max_bytes,
            auth,
        };
        let name = source.name.as_str();
        let mut p = match &source.kind {
            SourceKind::Prometheus(c) => {
                Poller::Prometheus(prometheus::Poller::new(name, c, fetch, source.every))
            }
            SourceKind::Statuspage(c) => {
                Poller::Statuspage(statuspage::Poller::new(name, c, fetch))
            }
            SourceKind::Feed(c) => Poller::Feed(feed::Poller::new(name, c, fetch)),
            SourceKind::Reports(c) => {
                Poller::Reports(reports::Poller::new(name, c, fetch, source.every))
            }
            SourceKind::Alertmanager(_) | SourceKind::Drill(_) => return None,
            SourceKind::Pagerduty(_) | SourceKind::Webhook(_) => return None,
        };
        match &mut p {
            Poller::Prometheus(x) => x.seed(known),
            Poller::Statuspage(x) => x.seed(known),
            Poller::Feed(x) => x.seed(known),
            Poller::Reports(x) => x.seed(known),
        }
        Some(p)
    }

    fn start(&mut self) -> Vec<Draft> {
        let now = Utc::now();
        match self {
            Poller::Prometheus(p) => p.start(now),
            Poller::Reports(p) => p.start(now),
            Poller::Statuspage(_) | Poller::Feed(_) => Vec::new(),
        }
    }

    async fn poll(&mut self) -> Result<Vec<Draft>, SourceError> {
        let now = Utc::now();
        match self {
            Poller::Prometheus(p) => p.poll(now).await,
            Poller::Statuspage(p) => p.poll(now).await,
            Poller::Feed(p) => p.poll(now).await,
            Poller::Reports(p) => p.poll(now).await,
        }
    }
}

/// Starts every source of `config` except drills (the drill player starts those).
pub fn spawn_all(config: &Config, tx: mpsc::Sender<Draft>) -> Vec<JoinHandle<()>> {
    spawn_all_seeded(config, tx, &Incident::new())
}

/// Like [`spawn_all`], continuing from an incident already folded from the log (a restarted
/// room): status-page updates, feed entries, alerts and report points already recorded are
/// not sent again, and Prometheus backfills only what is missing.
pub fn spawn_all_seeded(
    config: &Config,
    tx: mpsc::Sender<Draft>,
    known: &Incident,
) -> Vec<JoinHandle<()>> {
    config
        .sources
        .iter()
        .filter(|s| !matches!(s.kind, SourceKind::Drill(_)))
        .map(|s| spawn_seeded(s, tx.clone(), known))
        .collect()
}

/// Starts one source (a drill source is ignored: its task ends at once).
pub fn spawn(source: &SourceConfig, tx: mpsc::Sender<Draft>) -> JoinHandle<()> {
    spawn_seeded(source, tx, &Incident::new())
}

/// Starts one source, continuing from `known`.
pub fn spawn_seeded(
    source: &SourceConfig,
    tx: mpsc::Sender<Draft>,
    known: &Incident,
) -> JoinHandle<()> {
    if let SourceKind::Alertmanager(c) = &source.kind {
        let (name, c) = (source.name.clone(), c.clone());
        let mut known = Some(known.clone());
        return supervise(name.clone(), tx.clone(), move |_| {
            let k = known.take().unwrap_or_default();
            alertmanager::spawn(&name, &c, tx.clone(), &k)
        });
    }
    if let SourceKind::Pagerduty(c) = &source.kind {
        let (name, c, known) = (source.name.clone(), c.clone(), known.clone());
        return supervise(name.clone(), tx.clone(), move |_| {
            pagerduty::spawn(&name, &c, tx.clone(), &known)
        });
    }
    if let SourceKind::Webhook(c) = &source.kind {
        let (name, c, known) = (source.name.clone(), c.clone(), known.clone());
        return supervise(name.clone(), tx.clone(), move |_| {
            webhook_in::spawn(&name, &c, tx.clone(), &known)
        });
    }
    let Some(first) = Poller::new(source, known) else {
        return tokio::spawn(async {});
    };
    let mut first = Some((first, Health::seeded(&source.name, known)));
    let source = source.clone();
    let sup_tx = tx.clone();
    supervise(source.name.clone(), sup_tx, move |restart| {
        // A restart begins afresh (what it sends again the fold already holds), its
        // health failing so the first success says "recovered".
        let fresh = || {
            Poller::new(&source, &Incident::new())
                .map(|p| (p, Health::failing(&source.name, INTERNAL_ERROR)))
        };
        let Some((poller, health)) = first.take().filter(|_| !restart).or_else(fresh) else {
            return tokio::spawn(async {});
        };
        let name = source.name.clone();
        let every = source.every;
        let tx = tx.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = run(name, every, poller, health, tx.clone()) => {}
                _ = tx.closed() => {}
            }
        })
    })
}

/// The error text a source's `source_health` carries after its task panicked.
pub const INTERNAL_ERROR: &str = "stopped: internal error, see log";

/// Aborts the task it holds when dropped (the supervisor was aborted or the room ended).
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs the task `start` makes and restarts it, with backoff, whenever it panics: each
/// panic is logged (tracing, the diagnostic file) and shown in the room as a
/// `source_health` failure of `name` ("NAME stopped: internal error, see log"). `start`
/// is told whether this is a restart. Ends when the task ends normally or the room stops
/// listening; aborting the returned handle aborts the task too.
pub fn supervise<F>(name: String, tx: mpsc::Sender<Draft>, mut start: F) -> JoinHandle<()>
where
    F: FnMut(bool) -> JoinHandle<()> + Send + 'static,
{
    tokio::spawn(async move {
        let mut backoff = Backoff::new(std::time::Duration::from_secs(1));
        let mut restart = false;
        loop {
            let mut task = start(restart);
            let guard = AbortOnDrop(task.abort_handle());
            let ended = (&mut task).await;
            drop(guard);
            let err = match ended {
                Ok(()) => return,
                Err(e) if e.is_panic() => e,
                // Cancelled from outside: nobody to restart for.
                Err(_) => return,
            };
            let what = err.into_panic();
            let msg = what
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| what.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".to_string());
            backoff.failure();
            tracing::error!(source = %name, restarts = backoff.failures(), "source task panicked: {msg}; restarting");
            let health = Draft::new(
                Utc::now(),
                Actor::source(&name),
                crate::incident::EventKind::SourceHealth {
                    source: name.clone(),
                    ok: false,
                    error: Some(INTERNAL_ERROR.to_string()),
                },
            );
            if tx.send(health).await.is_err() {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep(backoff.delay()) => {}
                _ = tx.closed() => return,
            }
            restart = true;
        }
    })
}

/// The polling loop shared by every polling source.
async fn run(
    name: String,
    every: std::time::Duration,
    mut poller: Poller,
    mut health: Health,
    tx: mpsc::Sender<Draft>,
) {
    let by = Actor::source(&name);
    for d in poller.start() {
        if tx.send(d).await.is_err() {
            return;
        }
    }
    let mut backoff = Backoff::new(every);
    loop {
        match poller.poll().await {
            Ok(drafts) => {
                backoff.success();
                if let Some(k) = health.ok()
                    && tx
                        .send(Draft::new(Utc::now(), by.clone(), k))
                        .await
                        .is_err()
                {
                    return;
                }
                for d in drafts {
                    if tx.send(d).await.is_err() {
                        return;
                    }
                }
            }
            Err(e) => {
                backoff.failure();
                tracing::warn!(source = %name, failures = backoff.failures(), "poll failed: {e}");
                if let Some(k) = health.failed(&e.0)
                    && tx
                        .send(Draft::new(Utc::now(), by.clone(), k))
                        .await
                        .is_err()
                {
                    return;
                }
            }
        }
        tokio::time::sleep(backoff.delay()).await;
    }
}

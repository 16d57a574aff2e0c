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
pub mod drill;
pub mod feed;
pub mod health;
pub mod http;
pub mod prometheus;
pub mod reports;
pub mod statuspage;

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
        return alertmanager::spawn(&source.name, c, tx, known);
    }
    let Some(poller) = Poller::new(source, known) else {
        return tokio::spawn(async {});
    };
    let health = Health::seeded(&source.name, known);
    let name = source.name.clone();
    let every = source.every;
    tokio::spawn(async move {
        tokio::select! {
            _ = run(name, every, poller, health, tx.clone()) => {}
            _ = tx.closed() => {}
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

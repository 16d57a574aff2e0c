//! The incident on NATS JetStream.
//!
//! Every incident is one subject, `warroom.incident.<id>.events`, of one stream (default
//! `WARROOM`). A room publishes each event with a `Nats-Msg-Id` unique across hosts
//! (`<host>-<room uuid>-<n>`), so a retry is dropped by the server's duplicate window; the
//! event counts once the server acknowledged it. The stream sequence is the incident's one
//! order: every room folds only what its ordered consumer delivers (everything from the
//! start, then live), so all rooms show the same timeline in the same order, and an
//! event's id is its stream sequence.
//!
//! Each room keeps a local mirror of the incident (`incidents/<id>.jsonl`, an ordinary
//! warroom log: replay, export and `log verify` work on it offline) and an outbox
//! (`<mirror>.outbox`) of its own events not yet acknowledged by the server.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use async_nats::HeaderMap;
use async_nats::jetstream::{self, consumer::DeliverPolicy, consumer::pull::OrderedConfig};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::{FutureExt, StreamExt};
use tokio::sync::{oneshot, watch};

pub use super::nats_read::{PATIENCE, list, pull};
use super::outbox::{Entry, Outbox};
use crate::config::NatsConfig;
use crate::incident::{Draft, Event, EventKind, Incident, IncidentState, Severity};
use crate::log::LogWriter;

/// The subjects of every incident.
pub const SUBJECTS: &str = "warroom.incident.*.events";
/// How long the server remembers message ids to drop repeats.
const DUPLICATE_WINDOW: Duration = Duration::from_secs(3600);
/// How long one publish waits for the server's ack.
const ACK_WAIT: Duration = Duration::from_secs(3);
/// A follower that heard nothing this long makes a new consumer from where it is.
const IDLE_RESUBSCRIBE: Duration = Duration::from_secs(5);
/// Most events folded (and written to the mirror) at once.
const MAX_FOLD_BATCH: usize = 4096;

#[derive(Debug, thiserror::Error)]
pub enum NatsError {
    #[error("{0}")]
    Outbox(#[from] super::OutboxError),
    /// The local mirror of the incident.
    #[error("{0}")]
    Mirror(#[from] crate::log::LogError),
    #[error("[store] token_env: the environment variable {0} is not set")]
    TokenEnvUnset(String),
    #[error("[store] creds_file {}: {source}", path.display())]
    CredsFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("NATS {what}: {message}")]
    Nats { what: &'static str, message: String },
    /// An event that could not be encoded for the stream (`log push`).
    #[error("cannot encode an event: {0}")]
    Encode(#[from] serde_json::Error),
    /// A task of the bulk read ended without its answer (it panicked or was cancelled).
    #[error("{what}: {source}")]
    Task {
        what: &'static str,
        source: tokio::task::JoinError,
    },
}

pub(super) fn nats(what: &'static str) -> impl Fn(String) -> NatsError {
    move |message| NatsError::Nats { what, message }
}

/// The subject of an incident's events.
pub fn subject(incident: &str) -> String {
    format!("warroom.incident.{incident}.events")
}

/// The incident a subject of [`subject`]'s form is about.
pub fn incident_of(subject: &str) -> Option<&str> {
    subject
        .strip_prefix("warroom.incident.")
        .and_then(|s| s.strip_suffix(".events"))
}

/// Connects to the servers of `cfg`. `wait`: fail when no server answers (for commands);
/// else return at once and keep trying in the background (a room works offline).
pub async fn connect(cfg: &NatsConfig, wait: bool) -> Result<jetstream::Context, NatsError> {
    let mut opts = async_nats::ConnectOptions::new()
        .connection_timeout(Duration::from_secs(3))
        .require_tls(cfg.tls)
        .max_reconnects(None)
        .reconnect_delay_callback(|n| Duration::from_millis((100 * (n as u64 + 1)).min(1000)));
    if let Some(var) = &cfg.token_env {
        let token = std::env::var(var).map_err(|_| NatsError::TokenEnvUnset(var.clone()))?;
        opts = opts.token(token);
    }
    if let Some(creds) = &cfg.creds_file {
        opts = opts
            .credentials_file(creds)
            .await
            .map_err(|source| NatsError::CredsFile {
                path: creds.clone(),
                source,
            })?;
    }
    if !wait {
        opts = opts.retry_on_initial_connect();
    }
    let client = opts
        .connect(cfg.urls.clone())
        .await
        .map_err(|e| nats("connect")(format!("{} ({e})", cfg.urls.join(","))))?;
    Ok(jetstream::new(client))
}

/// Creates the stream if it is missing.
pub async fn ensure_stream(
    js: &jetstream::Context,
    cfg: &NatsConfig,
) -> Result<jetstream::stream::Stream, NatsError> {
    js.get_or_create_stream(jetstream::stream::Config {
        name: cfg.stream.clone(),
        subjects: vec![SUBJECTS.to_string()],
        num_replicas: cfg.replicas,
        duplicate_window: DUPLICATE_WINDOW,
        storage: jetstream::stream::StorageType::File,
        ..Default::default()
    })
    .await
    .map_err(|e| nats("stream")(e.to_string()))
}

/// The stream sequence of the incident's last event (0: none yet).
pub async fn last_sequence(
    stream: &jetstream::stream::Stream,
    incident: &str,
) -> Result<u64, NatsError> {
    use async_nats::jetstream::stream::LastRawMessageErrorKind;
    match stream
        .get_last_raw_message_by_subject(&subject(incident))
        .await
    {
        Ok(m) => Ok(m.sequence),
        Err(e) if e.kind() == LastRawMessageErrorKind::NoMessageFound => Ok(0),
        Err(e) => Err(nats("last event")(e.to_string())),
    }
}

/// The event a message holds, with its stream sequence as id; `None` for a message that
/// is not a warroom event (logged).
pub(super) fn decode(payload: &[u8], seq: u64) -> Option<Event> {
    match serde_json::from_slice::<Event>(payload) {
        Ok(mut e) => {
            e.id = seq;
            Some(e)
        }
        Err(err) => {
            tracing::warn!(seq, error = %err, "a message on the stream is not a warroom event; skipped");
            None
        }
    }
}

/// Delivers every event of `incident` after sequence `after`, in stream order, in
/// batches, then live, for as long as `on_batch` returns true. Reconnects by itself.
pub async fn follow(
    js: jetstream::Context,
    cfg: NatsConfig,
    incident: String,
    mut after: u64,
    mut on_batch: impl FnMut(Vec<Event>) -> bool,
) {
    loop {
        // What is on the stream already, read in bulk (a cold open: the whole incident).
        // Interrupted, the ordered consumer below delivers the rest.
        let caught_up = super::nats_read::read_decoded(
            &js,
            &cfg,
            super::nats_read::Read {
                filter: subject(&incident),
                upto: super::nats_read::Upto::Incident(incident.clone()),
                after,
                patience: Duration::ZERO,
            },
            super::nats_read::events,
            |(last, events)| {
                after = after.max(last);
                events.is_empty() || on_batch(events)
            },
        )
        .await;
        match caught_up {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => tracing::debug!(error = %e, after, "catching up with the stream"),
        }
        let attempt = async {
            let stream = ensure_stream(&js, &cfg).await?;
            let deliver_policy = if after == 0 {
                DeliverPolicy::All
            } else {
                DeliverPolicy::ByStartSequence {
                    start_sequence: after + 1,
                }
            };
            let consumer = stream
                .create_consumer(OrderedConfig {
                    filter_subject: subject(&incident),
                    deliver_policy,
                    ..Default::default()
                })
                .await
                .map_err(|e| nats("consumer")(e.to_string()))?;
            consumer
                .messages()
                .await
                .map_err(|e| nats("consumer")(e.to_string()))
        };
        let mut messages = match attempt.await {
            Ok(m) => m,
            Err(e) => {
                tracing::debug!(error = %e, "cannot follow the incident yet; retrying");
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        };
        loop {
            // Quiet for a while: start again from the last event folded. After a server
            // restart an ordered consumer can stay silent; a new one resumes the stream.
            let Ok(Some(first)) = tokio::time::timeout(IDLE_RESUBSCRIBE, messages.next()).await
            else {
                break;
            };
            let mut batch = Vec::new();
            let mut next = Some(first);
            while let Some(item) = next.take() {
                match item {
                    Ok(m) => {
                        if let Ok(info) = m.info() {
                            let seq = info.stream_sequence;
                            if seq > after {
                                after = seq;
                                if let Some(e) = decode(&m.payload, seq) {
                                    batch.push(e);
                                }
                            }
                        }
                    }
                    Err(e) => tracing::debug!(error = %e, "ordered consumer"),
                }
                if batch.len() >= MAX_FOLD_BATCH {
                    break;
                }
                next = messages.next().now_or_never().flatten();
            }
            if !batch.is_empty() && !on_batch(batch) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Why the outbox could not be shared (the room stays offline and retries).
#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    #[error("NATS unreachable: {0}")]
    Publish(#[from] async_nats::jetstream::context::PublishError),
    #[error("NATS unreachable: no ack from the server")]
    NoAck,
}

/// The writing side of a room on the stream: stages drafts in the outbox, publishes
/// them in order, answers receipts with the stream sequence.
pub struct NatsStore {
    js: jetstream::Context,
    subject: String,
    instance: String,
    /// This room's host (`[store] host`): where a person at this room's terminal is.
    host: String,
    next_local: u64,
    outbox: Outbox,
}

impl NatsStore {
    /// Stages drafts: they are in the outbox on disk when this returns `Ok`.
    pub fn stage(
        &mut self,
        drafts: Vec<(Draft, Option<oneshot::Sender<u64>>)>,
        seed: bool,
    ) -> Result<(), super::OutboxError> {
        let entries: Vec<Entry> = drafts
            .into_iter()
            .enumerate()
            .map(|(i, (d, ack))| {
                self.next_local += 1;
                let mut event = d.into_event(0);
                // Presence across hosts: a person at this room's own terminal joined
                // from this host.
                if let EventKind::Joined {
                    from: from @ None, ..
                } = &mut event.kind
                {
                    *from = Some(self.host.clone());
                }
                Entry {
                    msg_id: format!("{}-{}", self.instance, self.next_local),
                    event,
                    seed: match (seed, i) {
                        (false, _) => 0,
                        (true, 0) => 1,
                        (true, _) => 2,
                    },
                    ack,
                }
            })
            .collect();
        self.outbox.push(entries)
    }

    /// Hands the receipts of the last `acks.len()` staged events to them.
    pub fn attach(&mut self, acks: Vec<Option<oneshot::Sender<u64>>>) {
        let skip = self.outbox.q.len().saturating_sub(acks.len());
        for (e, a) in self.outbox.q.iter_mut().skip(skip).zip(acks) {
            e.ack = a;
        }
    }

    /// Events staged and not yet acknowledged by the server.
    pub fn unshared(&self) -> usize {
        self.outbox.len()
    }

    /// Publishes the outbox in order, each after the previous one's ack. Stops at the
    /// first failure (the rest waits for the next try).
    pub async fn share(&mut self) -> Result<(), ShareError> {
        let mut changed = false;
        let mut result = Ok(());
        while let Some(e) = self.outbox.q.front() {
            let payload = match serde_json::to_vec(&e.event) {
                Ok(p) => Bytes::from(p),
                Err(err) => {
                    tracing::error!(error = %err, "an event could not be encoded; dropped");
                    self.outbox.q.pop_front();
                    changed = true;
                    continue;
                }
            };
            let mut headers = HeaderMap::new();
            headers.insert("Nats-Msg-Id", e.msg_id.as_str());
            if e.seed == 1 {
                headers.insert("Nats-Expected-Last-Subject-Sequence", "0");
            }
            let sent = async {
                let ack = self
                    .js
                    .publish_with_headers(self.subject.clone(), headers, payload)
                    .await?;
                ack.await
            };
            match tokio::time::timeout(ACK_WAIT, sent).await {
                Ok(Ok(ack)) => {
                    if let Some(e) = self.outbox.q.pop_front()
                        && let Some(tx) = e.ack
                    {
                        let _ = tx.send(ack.sequence);
                    }
                    changed = true;
                }
                Ok(Err(err))
                    if err.kind()
                        == async_nats::jetstream::context::PublishErrorKind::WrongLastSequence =>
                {
                    // Another room seeded this incident first: its seed stands, ours goes.
                    tracing::info!(
                        "the incident was already started by another room; not seeding it"
                    );
                    let first = self.outbox.q.pop_front();
                    while self.outbox.q.front().is_some_and(|e| e.seed == 2) {
                        self.outbox.q.pop_front();
                    }
                    if let Some(tx) = first.and_then(|e| e.ack) {
                        drop(tx);
                    }
                    changed = true;
                }
                Ok(Err(err)) => {
                    result = Err(ShareError::Publish(err));
                    break;
                }
                Err(_) => {
                    result = Err(ShareError::NoAck);
                    break;
                }
            }
        }
        if changed && let Err(e) = self.outbox.rewrite() {
            tracing::warn!(error = %e, "the outbox could not be rewritten");
        }
        result
    }
}

/// What opening a room on the stream found.
pub struct Opened {
    pub store: NatsStore,
    pub state: Arc<RwLock<Incident>>,
    pub version: watch::Sender<u64>,
    pub version_rx: watch::Receiver<u64>,
    pub mirror: PathBuf,
    pub incident_id: String,
    pub continued: bool,
}

/// Where the mirror of `incident` is kept: beside the config's logs.
pub fn mirror_path(log_template: &str, incident: &str) -> PathBuf {
    let dir = Path::new(log_template)
        .parent()
        .filter(|p| !p.as_os_str().is_empty() && !p.to_string_lossy().contains('{'))
        .unwrap_or(Path::new("incidents"));
    dir.join(format!("{incident}.jsonl"))
}

/// Opens the room of `incident` on the stream: folds the local mirror, follows the stream
/// from there (in the background, for as long as the room lives), waits until it caught up
/// when the server answers, and seeds the incident with `seed` when nobody did yet.
pub async fn open(
    cfg: &NatsConfig,
    incident: &str,
    mirror: PathBuf,
    seed: impl FnOnce() -> Vec<Draft>,
) -> Result<Opened, NatsError> {
    let mut folded = Incident::new();
    let continued = mirror.exists();
    let writer = if continued {
        let (w, _h, _r) = LogWriter::open(&mirror, |e| folded.apply(&e))?;
        w
    } else {
        LogWriter::create(&mirror, incident)?
    };
    let after = writer.next_id().saturating_sub(1);
    let (outbox, damaged) = Outbox::open(&super::sidecar(&mirror, ".outbox"))?;
    if damaged > 0 {
        tracing::warn!(damaged, "damaged lines in the outbox were skipped");
    }
    let js = connect(cfg, false).await?;
    let state = Arc::new(RwLock::new(folded));
    let (version, version_rx) = watch::channel(0u64);
    let (seen_tx, mut seen) = watch::channel(after);
    {
        let state = state.clone();
        let version = version.clone();
        let writer = Arc::new(Mutex::new(writer));
        let (js, cfg, id) = (js.clone(), cfg.clone(), incident.to_string());
        let room_gone = version.clone();
        let follower = follow(js, cfg, id, after, move |events| {
            // The mirror first (so a replay has everything shown), then the fold.
            {
                let mut w = match writer.lock() {
                    Ok(g) => g,
                    Err(p) => p.into_inner(),
                };
                if let Err(e) = w.append(&events) {
                    tracing::error!(error = %e, "the local mirror could not be written");
                }
            }
            let last = events.last().map_or(0, |e| e.id);
            {
                let mut inc = match state.write() {
                    Ok(g) => g,
                    Err(p) => p.into_inner(),
                };
                inc.apply_all(&events);
            }
            version.send_modify(|v| *v += 1);
            let _ = seen_tx.send(last);
            !version.is_closed()
        });
        // Followed for as long as the room lives (and its mirror with it).
        tokio::spawn(async move {
            tokio::select! {
                () = follower => {}
                () = room_gone.closed() => {}
            }
        });
    }
    // Catch up with the stream when it answers; offline the mirror is what there is.
    let last = async {
        let stream = ensure_stream(&js, cfg).await?;
        last_sequence(&stream, incident).await
    };
    let last = match tokio::time::timeout(Duration::from_secs(5), last).await {
        Ok(Ok(n)) => Some(n),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "opening offline from the local mirror");
            None
        }
        Err(_) => {
            tracing::warn!("NATS did not answer; opening offline from the local mirror");
            None
        }
    };
    if let Some(n) = last {
        let _ = tokio::time::timeout(Duration::from_secs(60), seen.wait_for(|s| *s >= n)).await;
    }
    let instance = format!(
        "{}-{}",
        cfg.host.replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
        uuid::Uuid::new_v4().simple()
    );
    let mut store = NatsStore {
        js,
        subject: subject(incident),
        instance,
        host: cfg.host.clone(),
        next_local: 0,
        outbox,
    };
    let empty = state.read().map(|i| i.last_id == 0).unwrap_or(false);
    if empty && last.unwrap_or(0) == 0 && store.outbox.is_empty() {
        let drafts = seed().into_iter().map(|d| (d, None)).collect();
        store.stage(drafts, true)?;
    }
    Ok(Opened {
        store,
        state,
        version,
        version_rx,
        mirror,
        incident_id: incident.to_string(),
        continued,
    })
}

/// One incident on the stream, as `warroom incidents --store` lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub state: IncidentState,
    pub opened: Option<DateTime<Utc>>,
    pub commander: Option<String>,
    pub events: u64,
}

/// Publishes every event of a local log to the stream as incident `incident`; returns
/// (published, already there). Message ids come from the incident and the event id, so
/// pushing the same log twice adds nothing.
pub async fn push(
    cfg: &NatsConfig,
    incident: &str,
    events: &[Event],
) -> Result<(u64, u64), NatsError> {
    let js = connect(cfg, true).await?;
    ensure_stream(&js, cfg).await?;
    let subj = subject(incident);
    let mut pending = std::collections::VecDeque::new();
    let (mut new, mut dup) = (0u64, 0u64);
    let mut settle = |r: Result<async_nats::jetstream::publish::PublishAck, _>| match r {
        Ok(a) if a.duplicate => {
            dup += 1;
            Ok(())
        }
        Ok(_) => {
            new += 1;
            Ok(())
        }
        Err(e) => Err(nats("publish")(format!("{e}"))),
    };
    for e in events {
        let mut plain = e.clone();
        let id = plain.id;
        plain.id = 0;
        let payload = Bytes::from(serde_json::to_vec(&plain)?);
        let mut headers = HeaderMap::new();
        headers.insert("Nats-Msg-Id", format!("push-{incident}-{id}").as_str());
        let ack = js
            .publish_with_headers(subj.clone(), headers, payload)
            .await
            .map_err(|e| nats("publish")(e.to_string()))?;
        pending.push_back(ack);
        if pending.len() >= 256
            && let Some(a) = pending.pop_front()
        {
            settle(a.await)?;
        }
    }
    while let Some(a) = pending.pop_front() {
        settle(a.await)?;
    }
    Ok((new, dup))
}

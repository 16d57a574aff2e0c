//! The live room: single writer of the log, holds the folded state, tells every view
//! when it changed.
//!
//! Sources send [`Draft`]s over one mpsc channel, views and people over another
//! ([`RoomHandle::record`], which gives a [`Receipt`]). The room task (`room/writer.rs`)
//! gives them ids, appends them to the log (one write, one fsync per batch) and only then
//! folds them, answers the receipts and bumps the watch version: an event counts, and is
//! acknowledged, once it is recorded. A log that cannot be written never panics nor drops
//! a person's action: drafts are held and retried, and [`RoomHandle::health`] says so.

mod held;
mod look;
mod opening;
mod shared;
mod writer;

pub use look::Look;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::task::{Context, Poll};

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, mpsc, oneshot, watch};

use crate::config::{Config, SourceKind};
use crate::incident::{Actor, Draft, Event, EventKind, Incident};
use crate::log::{LogError, LogWriter};
use crate::sources::drill::{self, Drill};

/// The name under which problems of the log itself are shown (sources pane, timeline).
pub const LOG_SOURCE: &str = "incident log";

/// A handle on a running room, cheap to clone: one per view and per source.
#[derive(Clone)]
pub struct RoomHandle {
    incident: Arc<RwLock<Incident>>,
    version: watch::Receiver<u64>,
    tx: mpsc::Sender<Draft>,
    people: mpsc::Sender<Submission>,
    health: watch::Receiver<RoomHealth>,
    stop: Arc<Notify>,
    done: watch::Receiver<bool>,
    /// The log this room writes (none for an in-memory room).
    log_path: Option<Arc<PathBuf>>,
    /// The configured theme every view starts with.
    look: Arc<Look>,
    /// The shared store the room keeps its incident on (none: a local log).
    store: Option<Arc<crate::config::NatsConfig>>,
}

impl RoomHandle {
    /// Starts a room that folds into memory only (no log): for tests and as the core
    /// of the live room. Events get ids from `next_id` on.
    pub fn start_in_memory(incident: Incident) -> RoomHandle {
        let next_id = incident.last_id + 1;
        start(incident, Writer::Memory { next_id }, None)
    }

    /// Stops the room: what is already queued is recorded, later drafts are refused.
    /// Returns once the last batch is on disk.
    pub async fn shutdown(&self) {
        self.stop.notify_one();
        let mut done = self.done.clone();
        // An error means the task is gone already: nothing left to wait for.
        let _ = done.wait_for(|d| *d).await;
    }

    /// True once the room task has ended.
    pub fn is_closed(&self) -> bool {
        *self.done.borrow()
    }
}

/// The room has stopped.
#[derive(Debug, thiserror::Error)]
#[error("the room has closed")]
pub struct RoomClosed;

/// A draft sent by a person (or anyone who waits for it to be recorded).
#[derive(Debug)]
struct Submission {
    draft: Draft,
    ack: Option<oneshot::Sender<u64>>,
}

/// The answer to [`RoomHandle::record`]: await it (or [`Receipt::check`] it) for the
/// event's id once the event is on disk. `Err` means the room closed before it could
/// record it.
#[derive(Debug)]
pub struct Receipt(oneshot::Receiver<u64>);

impl Receipt {
    /// `None` while the event is not yet recorded; never waits.
    pub fn check(&mut self) -> Option<Result<u64, RoomClosed>> {
        match self.0.try_recv() {
            Ok(id) => Some(Ok(id)),
            Err(oneshot::error::TryRecvError::Empty) => None,
            Err(oneshot::error::TryRecvError::Closed) => Some(Err(RoomClosed)),
        }
    }
}

impl Future for Receipt {
    type Output = Result<u64, RoomClosed>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|r| r.map_err(|_| RoomClosed))
    }
}

/// Whether the room can record, as the header shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoomHealth {
    /// Why the log cannot be written now ("No space left on device"); `None` when it can.
    pub log_error: Option<String>,
    /// People's actions held until the log takes them.
    pub waiting_actions: usize,
    /// Everything held (actions and source events).
    pub waiting_events: usize,
    /// Oldest source events dropped to bound what is held.
    pub dropped: u64,
    /// A shared store (NATS) is unreachable: `waiting_actions` events are recorded
    /// locally and not yet shared.
    pub offline: bool,
}

impl RoomHealth {
    /// The header's red line: "LOG NOT WRITABLE: 13 actions waiting (No space left on
    /// device)"; `None` while the log is fine.
    pub fn problem(&self) -> Option<String> {
        let e = self.log_error.as_ref()?;
        let n = self.waiting_actions;
        if self.offline {
            let s = if n == 1 { "" } else { "s" };
            return Some(format!(
                "OFFLINE: {n} event{s} not yet shared ({})",
                crate::text::line_max(e, 80)
            ));
        }
        let s = if n == 1 { "" } else { "s" };
        Some(format!(
            "LOG NOT WRITABLE: {n} action{s} waiting ({})",
            crate::text::line_max(e, 80)
        ))
    }
}

impl RoomHandle {
    /// The theme every view of this room starts with (the config's `[ui] theme`).
    pub fn look(&self) -> &Look {
        &self.look
    }

    /// The same room, its views drawn with `look`.
    pub fn with_look(mut self, look: Look) -> RoomHandle {
        self.look = Arc::new(look);
        self
    }

    /// The same room, known to keep its incident on the shared store `cfg`.
    pub fn with_store(mut self, cfg: crate::config::NatsConfig) -> RoomHandle {
        self.store = Some(Arc::new(cfg));
        self
    }

    /// The shared store (NATS) the room's incident is on, if any: `:incidents` lists its
    /// other incidents too.
    pub fn store(&self) -> Option<&crate::config::NatsConfig> {
        self.store.as_deref()
    }

    /// The log this room writes, if it writes one.
    pub fn log_path(&self) -> Option<&std::path::Path> {
        self.log_path.as_deref().map(PathBuf::as_path)
    }

    /// Sends an event to be recorded (appended, fsynced, folded); waits for room in the
    /// queue. The [`Receipt`] resolves to the event's id once it is on disk.
    pub async fn record(&self, draft: Draft) -> Result<Receipt, RoomClosed> {
        let (ack, rx) = oneshot::channel();
        let s = Submission {
            draft,
            ack: Some(ack),
        };
        self.people.send(s).await.map_err(|_| RoomClosed)?;
        Ok(Receipt(rx))
    }
    /// Like `record`, never waits (for views).
    pub fn try_record(&self, draft: Draft) -> Result<Receipt, RoomClosed> {
        let (ack, rx) = oneshot::channel();
        let s = Submission {
            draft,
            ack: Some(ack),
        };
        self.people.try_send(s).map_err(|_| RoomClosed)?;
        Ok(Receipt(rx))
    }
    /// Whether the log takes writes, and what waits for it (the header's red line).
    pub fn health(&self) -> RoomHealth {
        self.health.borrow().clone()
    }
    /// Bumped after every recorded batch, and when the log starts or stops failing or the
    /// number of actions waiting for it changes.
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

/// How to open a room.
#[derive(Clone, Debug, Default)]
pub struct RoomOptions {
    /// The person opening the room (author of the declaration of a live incident).
    pub user: String,
    /// Log to write; default from the `[incident] log` template of the config.
    pub log_path: Option<PathBuf>,
    /// Drill speed override (scenario seconds per wall second).
    pub speed: Option<f64>,
}

/// A drill the room plays: which source, the scenario, how fast, since when.
#[derive(Clone, Debug)]
pub struct DrillPlan {
    /// The source's name in config.
    pub source: String,
    pub drill: Drill,
    pub speed: f64,
    /// When the drill started (now for a new log; the recorded start when continuing).
    pub started: DateTime<Utc>,
}

impl DrillPlan {
    /// Starts playing into the room.
    pub fn spawn(&self, room: &RoomHandle) -> tokio::task::JoinHandle<()> {
        drill::spawn_at(
            &self.drill.header.name,
            self.drill.clone(),
            self.speed,
            self.started,
            room.sender(),
        )
    }
}

/// What `open` did.
#[derive(Clone, Debug)]
pub struct RoomInfo {
    pub log_path: PathBuf,
    pub incident_id: String,
    /// The scenario's name when this room is a drill.
    pub drill: Option<String>,
    /// True when an existing log was continued.
    pub continued: bool,
    /// Drills to play (one per drill source), with their speed.
    pub drills: Vec<DrillPlan>,
}

#[derive(Debug, thiserror::Error)]
pub enum RoomError {
    #[error(transparent)]
    Log(#[from] LogError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Store(String),
    #[error("drill source {source_name:?}: {message}")]
    Drill {
        source_name: String,
        message: String,
    },
}

/// Opens the live room for `config`: continues the log if it exists (without a log path:
/// the newest open incident the config's template made), else creates it and seeds it
/// (checklists; `drill_started` for a drill; the declaration only with
/// `[incident] declare = "on_open"`).
pub async fn open(config: &Config, opts: RoomOptions) -> Result<(RoomHandle, RoomInfo), RoomError> {
    if let crate::config::StoreConfig::Nats(n) = &config.store {
        return shared::open(config, n, opts).await;
    }
    let now = Utc::now();
    let mut drills = opening::drills(config, opts.speed, now)?;
    let first_drill = drills.first().map(|p| p.drill.header.clone());
    let first_drill = first_drill.as_ref();
    let title = first_drill.map_or(config.incident.title.clone(), |h| h.title.clone());

    let path = match &opts.log_path {
        Some(p) => p.clone(),
        None => {
            let fresh = log_path_from_template(&config.incident.log, &title, now);
            if first_drill.is_some() {
                // A drill is a fresh practice each time: never continue a templated drill log.
                first_free(&fresh)
            } else {
                // After a crash or a quit, the same command continues the open incident.
                crate::log::find::newest_open(&config.incident.log, &slug(&title))
                    .map_or_else(|| first_free(&fresh), |l| l.path)
            }
        }
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| RoomError::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }

    let mut incident = Incident::new();
    let continued = path.exists();
    let incident_id;
    let writer = if continued {
        let mut drill_start = None;
        let (mut w, header, recovery) = LogWriter::open(&path, |e: Event| {
            if let EventKind::DrillStarted { speed, .. } = &e.kind
                && drill_start.is_none()
            {
                drill_start = Some((e.at, *speed));
            }
            incident.apply(&e);
        })?;
        if !recovery.damaged.is_empty() {
            tracing::warn!(
                log = %path.display(),
                damaged = recovery.damaged.len(),
                moved_to = ?recovery.damaged_file,
                "damaged lines in the log were set aside"
            );
            // Shown in the room too: the people should know part of the record moved.
            let e = Draft::new(
                now,
                Actor::System,
                EventKind::LogRepaired {
                    lines: recovery.damaged.len() as u64,
                    moved_to: recovery
                        .damaged_file
                        .as_ref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default(),
                },
            )
            .into_event(w.next_id());
            match w.append(std::slice::from_ref(&e)) {
                Ok(()) => incident.apply(&e),
                Err(err) => tracing::warn!(error = %err, "the repair could not be recorded"),
            }
        }
        // Continue the drill on its recorded clock (and speed, unless overridden).
        if let Some((at, speed)) = drill_start {
            for p in &mut drills {
                p.started = at;
                if opts.speed.is_none() && speed > 0.0 && speed.is_finite() {
                    p.speed = speed;
                }
            }
        }
        incident_id = header.incident;
        w
    } else {
        incident_id = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("incident")
            .to_string();
        let mut w = LogWriter::create(&path, &incident_id)?;
        let drill_started = first_drill
            .map(|h| opening::drill_started(h, drills.first().map_or(h.speed, |p| p.speed), now));
        let seed = opening::seed(config, &opts.user, now, drill_started);
        let mut id = w.next_id();
        let events: Vec<Event> = seed
            .into_iter()
            .map(|d| {
                let e = d.into_event(id);
                id = id.wrapping_add(1);
                e
            })
            .collect();
        w.append(&events)?;
        incident.apply_all(&events);
        w
    };
    tracing::info!(log = %path.display(), continued, drill = ?first_drill.map(|h| &h.name), "room open");
    let info = RoomInfo {
        log_path: path.clone(),
        incident_id,
        drill: first_drill.map(|h| h.name.clone()),
        continued,
        drills,
    };
    Ok((
        start(
            incident,
            Writer::File(crate::store::FileStore::new(writer)),
            Some(Arc::new(path.clone())),
        )
        .with_look(Look::load(config)),
        info,
    ))
}

/// The log `--new` starts: the config's template made fresh (`-2`, `-3`, ... when that
/// name is taken). `None` for a drill config: a drill starts a fresh log anyway.
pub fn new_log_path(config: &Config, now: DateTime<Utc>) -> Option<PathBuf> {
    let drill = config
        .sources
        .iter()
        .any(|s| matches!(s.kind, SourceKind::Drill(_)));
    (!drill).then(|| {
        first_free(&log_path_from_template(
            &config.incident.log,
            &config.incident.title,
            now,
        ))
    })
}

/// Expands `{date}`, `{time}` and `{slug}` (of `title`) in a log path template.
pub fn log_path_from_template(template: &str, title: &str, now: DateTime<Utc>) -> PathBuf {
    let s = template
        .replace("{date}", &now.format("%Y-%m-%d").to_string())
        .replace("{time}", &now.format("%H%M%S").to_string())
        .replace("{slug}", &slug(title));
    PathBuf::from(s)
}

/// `"DRILL: Checkout failing!"` → `"drill-checkout-failing"` (at most 60 characters).
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 60 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "incident".to_string()
    } else {
        out
    }
}

/// `path` if free, else `stem-2.ext`, `stem-3.ext`, ...
fn first_free(path: &Path) -> PathBuf {
    if !path.exists() {
        return path.to_path_buf();
    }
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("incident")
        .to_string();
    let ext = path.extension().and_then(|s| s.to_str());
    (2u32..)
        .map(|n| {
            let name = match ext {
                Some(x) => format!("{stem}-{n}.{x}"),
                None => format!("{stem}-{n}"),
            };
            path.with_file_name(name)
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| path.to_path_buf())
}

use writer::Writer;

fn start(incident: Incident, writer: Writer, log_path: Option<Arc<PathBuf>>) -> RoomHandle {
    let (vtx, vrx) = watch::channel(0u64);
    start_with(
        Arc::new(RwLock::new(incident)),
        (vtx, vrx),
        writer,
        log_path,
    )
}

/// Starts the room task on a state (and version) others may update too: a shared store
/// folds what its stream delivers.
fn start_with(
    incident: Arc<RwLock<Incident>>,
    (vtx, vrx): (watch::Sender<u64>, watch::Receiver<u64>),
    writer: Writer,
    log_path: Option<Arc<PathBuf>>,
) -> RoomHandle {
    let (htx, hrx) = watch::channel(RoomHealth::default());
    let (tx, rx) = mpsc::channel::<Draft>(4096);
    let (ptx, prx) = mpsc::channel::<Submission>(1024);
    let stop = Arc::new(Notify::new());
    let (done_tx, done_rx) = watch::channel(false);
    let task = writer::Room {
        writer,
        state: incident.clone(),
        sources: rx,
        people: prx,
        version: vtx,
        health: htx,
        stop: stop.clone(),
        done: done_tx,
    };
    tokio::spawn(task.run());
    RoomHandle {
        incident,
        version: vrx,
        tx,
        people: ptx,
        health: hrx,
        stop,
        done: done_rx,
        log_path,
        look: Arc::new(Look::default()),
        store: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_is_file_friendly() {
        assert_eq!(
            slug("DRILL: Checkout failing during the summer sale"),
            "drill-checkout-failing-during-the-summer-sale"
        );
        assert_eq!(slug("  ¡¡¡ "), "incident");
        assert!(slug(&"a b ".repeat(100)).len() <= 60);
    }

    #[test]
    fn template_expands() {
        let now = DateTime::parse_from_rfc3339("2026-11-21T09:08:07Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            log_path_from_template("incidents/{date}-{time}-{slug}.jsonl", "Pay down", now),
            PathBuf::from("incidents/2026-11-21-090807-pay-down.jsonl")
        );
    }

    #[test]
    fn first_free_adds_a_number() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl");
        assert_eq!(first_free(&p), p);
        std::fs::write(&p, "x").unwrap();
        assert_eq!(first_free(&p), dir.path().join("a-2.jsonl"));
    }
}

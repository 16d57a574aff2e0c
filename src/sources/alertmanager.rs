//! Alertmanager webhook receiver: an axum listener at `listen` + `path`.
//!
//! - Bearer token from the environment variable `token_env` (401 without it; when the
//!   variable is named but unset every request is refused, never let through).
//! - Bodies over `max_body` (default [`DEFAULT_MAX_BODY`], 16 MiB: 10,000 alerts in one
//!   notification fit) are refused with 413 and a message naming the setting.
//! - Payload version "4": alerts are tracked by fingerprint and each alert's own `status` is
//!   used (a group notification says "firing" while some of its alerts are resolved);
//!   `endsAt` of `0001-01-01T00:00:00Z` means not ended. Only changes become `alert` events.
//! - Grafana's variants are tolerated: extra fields, a missing fingerprint (a stable key is
//!   derived from the name and labels, as the fold does), and the legacy single-alert shape
//!   (`ruleName`, `state`: alerting/ok).

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::{DateTime, Datelike, Utc};
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::backoff::Backoff;
use super::health::Health;
use crate::config::AlertmanagerConfig;
use crate::incident::{Actor, AlertState, Draft, EventKind, Incident};

/// Largest webhook body accepted unless `max_body` says otherwise (see the config).
pub use crate::config::DEFAULT_MAX_BODY;
/// Labels kept per alert.
const MAX_LABELS: usize = 64;

#[derive(Deserialize)]
struct Webhook {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    alerts: Option<Vec<WireAlert>>,
    // Grafana legacy webhook.
    #[serde(default, rename = "ruleName")]
    rule_name: Option<String>,
    #[serde(default, rename = "ruleId")]
    rule_id: Option<serde_json::Value>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
struct WireAlert {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    #[serde(default, rename = "startsAt")]
    starts_at: Option<String>,
    #[serde(default, rename = "endsAt")]
    ends_at: Option<String>,
    #[serde(default)]
    fingerprint: Option<String>,
}

/// One alert as the room records it, with the key it is tracked by.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertUpdate {
    pub key: String,
    pub kind: EventKind,
}

fn time(s: &Option<String>) -> Option<DateTime<Utc>> {
    let t = DateTime::parse_from_rfc3339(s.as_deref()?.trim())
        .ok()?
        .with_timezone(&Utc);
    // Go's zero time (0001-01-01T00:00:00Z) means "not set".
    (t.year() > 1970).then_some(t)
}

fn clean_labels(labels: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    labels
        .iter()
        .take(MAX_LABELS)
        .map(|(k, v)| (crate::text::line_max(k, 100), crate::text::line_max(v, 300)))
        .filter(|(k, _)| !k.is_empty())
        .collect()
}

/// The key the fold uses for an alert without fingerprint: name and labels.
pub fn derived_key(name: &str, labels: &BTreeMap<String, String>) -> String {
    let mut k = name.to_string();
    for (lk, lv) in labels {
        k.push_str(&format!(",{lk}={lv}"));
    }
    k
}

/// Parses a webhook body (Alertmanager v4 or a Grafana variant) into alert updates.
pub fn parse_webhook(bytes: &[u8], now: DateTime<Utc>) -> Result<Vec<AlertUpdate>, String> {
    let hook: Webhook =
        serde_json::from_slice(bytes).map_err(|e| format!("not a webhook payload: {e}"))?;
    let group_status = hook.status.as_deref().unwrap_or("").to_ascii_lowercase();
    let mut out = Vec::new();
    match hook.alerts {
        Some(alerts) => {
            for a in alerts {
                let labels = clean_labels(&a.labels);
                let name = labels
                    .get("alertname")
                    .cloned()
                    .or_else(|| {
                        a.annotations
                            .get("title")
                            .map(|t| crate::text::line_max(t, 200))
                    })
                    .unwrap_or_else(|| "alert".to_string());
                let summary = ["summary", "description", "message", "alertInfo"]
                    .iter()
                    .find_map(|k| a.annotations.get(*k).filter(|v| !v.trim().is_empty()))
                    .map(|s| crate::text::line_max(s, 500))
                    .unwrap_or_default();
                let ends = time(&a.ends_at);
                let state = match a.status.as_deref().map(str::to_ascii_lowercase).as_deref() {
                    Some("resolved") => AlertState::Resolved,
                    Some("firing") => AlertState::Firing,
                    // No per-alert status: an end in the past means resolved, else the group's.
                    _ => match ends {
                        Some(e) if e <= now => AlertState::Resolved,
                        _ if group_status == "resolved" => AlertState::Resolved,
                        _ => AlertState::Firing,
                    },
                };
                let fingerprint = a
                    .fingerprint
                    .as_deref()
                    .map(|f| crate::text::line_max(f, 100))
                    .filter(|f| !f.is_empty());
                let key = fingerprint
                    .clone()
                    .unwrap_or_else(|| derived_key(&name, &labels));
                out.push(AlertUpdate {
                    key,
                    kind: EventKind::Alert {
                        name,
                        state,
                        labels,
                        summary,
                        fingerprint,
                        starts_at: time(&a.starts_at),
                    },
                });
            }
        }
        None => {
            // Grafana legacy: one rule, state alerting | ok | no_data | paused | pending.
            let Some(rule) = hook.rule_name.or(hook.title) else {
                return Err("not a webhook payload: no `alerts` and no `ruleName`".into());
            };
            let state = match hook.state.as_deref().unwrap_or("") {
                "alerting" | "no_data" => AlertState::Firing,
                "ok" => AlertState::Resolved,
                _ => return Ok(Vec::new()),
            };
            let name = crate::text::line_max(&rule, 200);
            let mut labels = clean_labels(&hook.tags.unwrap_or_default());
            if let Some(id) = hook.rule_id {
                labels.insert("ruleId".into(), crate::text::line_max(&id.to_string(), 60));
            }
            let key = derived_key(&name, &labels);
            out.push(AlertUpdate {
                key,
                kind: EventKind::Alert {
                    name,
                    state,
                    labels,
                    summary: crate::text::line_max(hook.message.as_deref().unwrap_or(""), 500),
                    fingerprint: None,
                    starts_at: None,
                },
            });
        }
    }
    Ok(out)
}

/// Last state sent per alert key: repeats (Alertmanager re-sends a group every
/// `repeat_interval`) make no events.
#[derive(Clone, Debug, Default)]
pub struct Tracker {
    last: HashMap<String, AlertState>,
}

impl Tracker {
    pub fn seed(&mut self, known: &Incident) {
        for (k, a) in &known.alerts {
            self.last.insert(k.clone(), a.state);
        }
    }

    pub fn apply(&mut self, updates: Vec<AlertUpdate>) -> Vec<EventKind> {
        let mut out = Vec::new();
        for u in updates {
            let EventKind::Alert { state, .. } = &u.kind else {
                continue;
            };
            if self.last.get(&u.key) == Some(state) {
                continue;
            }
            // A resolution for an alert never seen firing is still recorded (the fold keeps it
            // quietly), so the pane can show it.
            self.last.insert(u.key, *state);
            out.push(u.kind);
        }
        out
    }
}

struct Shared {
    name: String,
    /// `None`: no token required. `Some(Err(var))`: required but the variable is unset.
    token: Option<Result<String, String>>,
    tracker: Mutex<Tracker>,
    tx: mpsc::Sender<Draft>,
    max_body: usize,
}

fn token_ok(expected: &str, headers: &HeaderMap) -> bool {
    let Some(got) = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
    else {
        return false;
    };
    // Constant time in the token's length.
    let (a, b) = (got.trim().as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> (StatusCode, String) {
    let (code, msg) = receive_checked(&shared, &headers, body).await;
    (code, msg.into())
}

fn too_large(shared: &Shared) -> (StatusCode, String) {
    tracing::warn!(source = %shared.name, max_body = shared.max_body, "alertmanager webhook refused: body too large");
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "webhook body over max_body ({} bytes) of alertmanager source {:?}: raise max_body in its [[source]] table\n",
            shared.max_body, shared.name
        ),
    )
}

async fn receive_checked(
    shared: &Shared,
    headers: &HeaderMap,
    body: Body,
) -> (StatusCode, std::borrow::Cow<'static, str>) {
    match &shared.token {
        None => {}
        Some(Ok(t)) if token_ok(t, headers) => {}
        Some(Ok(_)) => return (StatusCode::UNAUTHORIZED, "bearer token required\n".into()),
        Some(Err(_)) => {
            return (
                StatusCode::UNAUTHORIZED,
                "receiver token not configured (token_env unset)\n".into(),
            );
        }
    }
    // A declared length over the limit is refused before reading anything.
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > shared.max_body as u64) {
        let (c, m) = too_large(shared);
        return (c, m.into());
    }
    let body: Bytes = match axum::body::to_bytes(body, shared.max_body).await {
        Ok(b) => b,
        Err(_) => {
            let (c, m) = too_large(shared);
            return (c, m.into());
        }
    };
    let now = Utc::now();
    let updates = match parse_webhook(&body, now) {
        Ok(u) => u,
        Err(e) => {
            tracing::warn!(source = %shared.name, "alertmanager webhook refused: {e}");
            return (
                StatusCode::BAD_REQUEST,
                "not an Alertmanager webhook payload\n".into(),
            );
        }
    };
    let kinds = match shared.tracker.lock() {
        Ok(mut t) => t.apply(updates),
        Err(p) => p.into_inner().apply(updates),
    };
    let by = Actor::source(&shared.name);
    for k in kinds {
        if shared
            .tx
            .send(Draft::new(now, by.clone(), k))
            .await
            .is_err()
        {
            return (StatusCode::SERVICE_UNAVAILABLE, "room closed\n".into());
        }
    }
    (StatusCode::OK, "ok\n".into())
}

/// The router alone (for tests and for embedding).
fn router(config: &AlertmanagerConfig, shared: Arc<Shared>) -> Router {
    Router::new()
        .route(&config.path, post(receive))
        // The handler enforces `max_body` itself, with a message that names the setting.
        .layer(DefaultBodyLimit::disable())
        .with_state(shared)
}

fn shared(
    name: &str,
    config: &AlertmanagerConfig,
    tx: mpsc::Sender<Draft>,
    tracker: Tracker,
) -> Arc<Shared> {
    let token = config
        .token_env
        .as_ref()
        .map(|env| std::env::var(env).map_err(|_| env.clone()));
    Arc::new(Shared {
        name: name.to_string(),
        token,
        tracker: Mutex::new(tracker),
        tx,
        max_body: config.max_body,
    })
}

/// Serves on an already bound listener until the room closes (tests bind port 0 first).
pub async fn serve_on(
    listener: TcpListener,
    name: &str,
    config: &AlertmanagerConfig,
    tx: mpsc::Sender<Draft>,
    known: &Incident,
) -> std::io::Result<()> {
    let mut tracker = Tracker::default();
    tracker.seed(known);
    serve_with(listener, name, config, tx, tracker).await
}

async fn serve_with(
    listener: TcpListener,
    name: &str,
    config: &AlertmanagerConfig,
    tx: mpsc::Sender<Draft>,
    tracker: Tracker,
) -> std::io::Result<()> {
    let sh = shared(name, config, tx.clone(), tracker);
    if let Some(Err(env)) = &sh.token {
        let _ = tx
            .send(Draft::new(
                Utc::now(),
                Actor::source(name),
                EventKind::SourceHealth {
                    source: name.to_string(),
                    ok: false,
                    error: Some(format!(
                        "token_env {env} is not set: refusing every webhook"
                    )),
                },
            ))
            .await;
    }
    let app = router(config, sh);
    let closed = tx.clone();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move { closed.closed().await })
        .await
}

/// Binds `listen` (retrying with backoff while it fails, e.g. the port is taken) and serves.
pub fn spawn(
    name: &str,
    config: &AlertmanagerConfig,
    tx: mpsc::Sender<Draft>,
    known: &Incident,
) -> JoinHandle<()> {
    let name = name.to_string();
    let config = config.clone();
    let mut tracker = Tracker::default();
    tracker.seed(known);
    let mut health = Health::seeded(&name, known);
    tokio::spawn(async move {
        let mut backoff = Backoff::new(Duration::from_secs(5));
        loop {
            let addr: SocketAddr = config.listen;
            match TcpListener::bind(addr).await {
                Ok(listener) => {
                    if let Some(k) = health.ok() {
                        let _ = tx
                            .send(Draft::new(Utc::now(), Actor::source(&name), k))
                            .await;
                    }
                    tracing::info!(source = %name, %addr, path = %config.path, "alertmanager receiver listening");
                    if let Err(e) = serve_with(listener, &name, &config, tx.clone(), tracker).await
                    {
                        tracing::warn!(source = %name, "alertmanager receiver stopped: {e}");
                    }
                    return;
                }
                Err(e) => {
                    backoff.failure();
                    let msg = format!("cannot listen on {addr}: {e}");
                    tracing::warn!(source = %name, "{msg}");
                    if let Some(k) = health.failed(&msg)
                        && tx
                            .send(Draft::new(Utc::now(), Actor::source(&name), k))
                            .await
                            .is_err()
                    {
                        return;
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(backoff.delay()) => {}
                        _ = tx.closed() => return,
                    }
                }
            }
        }
    })
}

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
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::{DateTime, Datelike, Utc};
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::receiver::{self, PayloadError};
use crate::config::AlertmanagerConfig;
use crate::incident::{AlertState, Draft, EventKind, Incident};

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
pub fn parse_webhook(bytes: &[u8], now: DateTime<Utc>) -> Result<Vec<AlertUpdate>, PayloadError> {
    let hook: Webhook = serde_json::from_slice(bytes).map_err(|source| PayloadError::Json {
        what: "not a webhook payload",
        source,
    })?;
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
                return Err(PayloadError::Shape(
                    "not a webhook payload: no `alerts` and no `ruleName`".into(),
                ));
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
    token: receiver::Token,
    tracker: Mutex<Tracker>,
    tx: mpsc::Sender<Draft>,
    max_body: usize,
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> (StatusCode, String) {
    if let Err(refused) = receiver::check_token(&shared.token, &headers) {
        return refused;
    }
    let body = match receiver::read_body(
        &headers,
        body,
        shared.max_body,
        "alertmanager",
        &shared.name,
    )
    .await
    {
        Ok(b) => b,
        Err(refused) => return refused,
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
    receiver::forward(&shared.tx, &shared.name, now, kinds).await
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
    let token = receiver::token_from_env(config.token_env.as_ref());
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
        receiver::report_unhealthy(
            &tx,
            name,
            format!("token_env {env} is not set: refusing every webhook"),
        )
        .await;
    }
    receiver::serve(listener, router(config, sh), tx).await
}

/// Binds `listen` (retrying with backoff while it fails, e.g. the port is taken) and serves.
pub fn spawn(
    name: &str,
    config: &AlertmanagerConfig,
    tx: mpsc::Sender<Draft>,
    known: &Incident,
) -> JoinHandle<()> {
    let mut tracker = Tracker::default();
    tracker.seed(known);
    let (n, c, t) = (name.to_string(), config.clone(), tx.clone());
    receiver::spawn(
        name,
        "alertmanager",
        config.listen,
        tx,
        known,
        move |listener| async move { serve_with(listener, &n, &c, t, tracker).await },
    )
}

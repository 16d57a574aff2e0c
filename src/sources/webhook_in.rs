//! Generic JSON webhook receiver (`kind = "webhook"`) for paging tools without a receiver
//! of their own: each posted object (or each element of a posted array) becomes an alert,
//! its fields found by the JSON pointers in `fields` (see `config::WebhookFields`).
//!
//! - Optional bearer token from `token_env` (401 without it; every post refused while the
//!   variable is unset). Bodies over `max_body` get 413, bodies that are not JSON or have
//!   no title at the pointer 400 (nothing of that post is recorded).
//! - A status of resolved, resolve, ok, closed, close, recovered or inactive (any case) resolves; anything
//!   else, or no status, fires. The alert is keyed by `id` (else by the title), so a repeat
//!   of the same state records nothing and a resolution finds its alert.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::alertmanager::{AlertUpdate, Tracker};
use super::receiver::{self, PayloadError};
use crate::config::{WebhookConfig, WebhookFields};
use crate::incident::{AlertState, Draft, EventKind, Incident};
use crate::text::line_max;

/// Objects taken from one post, at most.
const MAX_ITEMS: usize = 10_000;

const RESOLVED: &[&str] = &[
    "resolved",
    "resolve",
    "ok",
    "closed",
    "close",
    "recovered",
    "inactive",
];

fn text_at(v: &Value, pointer: &Option<String>, max: usize) -> Option<String> {
    let s = match v.pointer(pointer.as_deref()?)? {
        Value::String(s) => line_max(s, max),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// RFC 3339 text, or seconds (or milliseconds, when too large for seconds) since 1970.
fn time_at(v: &Value, pointer: &Option<String>) -> Option<DateTime<Utc>> {
    match v.pointer(pointer.as_deref()?)? {
        Value::String(s) => DateTime::parse_from_rfc3339(s.trim())
            .ok()
            .map(|t| t.with_timezone(&Utc)),
        Value::Number(n) => {
            let n = n.as_i64()?;
            let secs = if n > 100_000_000_000 { n / 1000 } else { n };
            Utc.timestamp_opt(secs, 0).single()
        }
        _ => None,
    }
}

/// Maps a posted body to alert updates; `Err` says why nothing was taken.
pub fn parse(bytes: &[u8], fields: &WebhookFields) -> Result<Vec<AlertUpdate>, PayloadError> {
    let body: Value = serde_json::from_slice(bytes).map_err(|source| PayloadError::Json {
        what: "the body is not JSON",
        source,
    })?;
    let items: Vec<&Value> = match &body {
        Value::Array(a) => a.iter().take(MAX_ITEMS).collect(),
        one => vec![one],
    };
    let title_ptr = Some(fields.title.clone());
    let mut out = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let Some(title) = text_at(item, &title_ptr, 200) else {
            return Err(PayloadError::Shape(format!(
                "item {i} has no text at the title pointer {:?}",
                fields.title
            )));
        };
        let status = text_at(item, &fields.status, 60);
        let state = match &status {
            Some(s) if RESOLVED.contains(&s.to_ascii_lowercase().as_str()) => AlertState::Resolved,
            _ => AlertState::Firing,
        };
        let mut labels = BTreeMap::new();
        if let Some(s) = text_at(item, &fields.severity, 60) {
            labels.insert("severity".to_string(), s);
        }
        if let Some(s) = &status {
            labels.insert("status".to_string(), s.clone());
        }
        let id = text_at(item, &fields.id, 100);
        let key = format!("webhook:{}", id.as_deref().unwrap_or(&title));
        let summary = labels
            .get("severity")
            .map(|s| format!("severity {s}"))
            .unwrap_or_default();
        out.push(AlertUpdate {
            key: key.clone(),
            kind: EventKind::Alert {
                name: title,
                state,
                labels,
                summary,
                fingerprint: Some(key),
                starts_at: time_at(item, &fields.time),
            },
        });
    }
    Ok(out)
}

struct Shared {
    name: String,
    token: receiver::Token,
    fields: WebhookFields,
    max_body: usize,
    tracker: Mutex<Tracker>,
    tx: mpsc::Sender<Draft>,
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> (StatusCode, String) {
    if let Err(refused) = receiver::check_token(&shared.token, &headers) {
        return refused;
    }
    let body =
        match receiver::read_body(&headers, body, shared.max_body, "webhook", &shared.name).await {
            Ok(b) => b,
            Err(refused) => return refused,
        };
    let updates = match parse(&body, &shared.fields) {
        Ok(u) => u,
        Err(e) => {
            tracing::warn!(source = %shared.name, "webhook refused: {e}");
            return (StatusCode::BAD_REQUEST, format!("{e}\n"));
        }
    };
    let kinds = match shared.tracker.lock() {
        Ok(mut t) => t.apply(updates),
        Err(p) => p.into_inner().apply(updates),
    };
    receiver::forward(&shared.tx, &shared.name, Utc::now(), kinds).await
}

/// Serves on an already bound listener until the room closes (tests bind port 0 first).
pub async fn serve_on(
    listener: TcpListener,
    name: &str,
    config: &WebhookConfig,
    tx: mpsc::Sender<Draft>,
    known: &Incident,
) -> std::io::Result<()> {
    let mut tracker = Tracker::default();
    tracker.seed(known);
    let token = receiver::token_from_env(config.token_env.as_ref());
    if let Some(Err(unset)) = &token {
        receiver::report_unhealthy(&tx, name, format!("{unset}: refusing every webhook")).await;
    }
    let shared = Arc::new(Shared {
        name: name.to_string(),
        token,
        fields: config.fields.clone(),
        max_body: config.max_body,
        tracker: Mutex::new(tracker),
        tx: tx.clone(),
    });
    let app = Router::new()
        .route(&config.path, post(receive))
        .layer(DefaultBodyLimit::disable())
        .with_state(shared);
    receiver::serve(listener, app, tx).await
}

/// Binds `listen` (retrying with backoff) and serves.
pub fn spawn(
    name: &str,
    config: &WebhookConfig,
    tx: mpsc::Sender<Draft>,
    known: &Incident,
) -> JoinHandle<()> {
    let (n, c, t, k) = (name.to_string(), config.clone(), tx.clone(), known.clone());
    receiver::spawn(
        name,
        "webhook",
        config.listen,
        tx,
        known,
        move |listener| async move { serve_on(listener, &n, &c, t, &k).await },
    )
}

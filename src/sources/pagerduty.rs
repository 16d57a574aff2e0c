//! PagerDuty v3 webhook receiver: an axum listener at `listen` + `path`.
//!
//! - Every post must carry `X-PagerDuty-Signature`: `v1=` and the hex HMAC-SHA256 of the
//!   raw body keyed with the subscription's secret (from `secret_env`). While PagerDuty
//!   rotates a secret it lists several, comma-separated: one match is enough. Unsigned or
//!   wrongly signed posts get 401 and record nothing; so does every post while the
//!   variable is unset.
//! - Bodies over `max_body` get 413 naming the setting; a body that is not a v3 event 400.
//! - `incident.triggered` / `incident.reopened` / `incident.resolved` become alerts (title,
//!   service, urgency, priority, number, link), keyed by the PagerDuty incident id so the
//!   resolution finds its trigger. `incident.acknowledged`, `incident.annotated` and
//!   `incident.priority_updated` become timeline notes by the agent (the PagerDuty user who
//!   did it). Any other event type is kept as a note that names it.
//! - PagerDuty delivers at least once: an event id seen before (recently, in this run) is
//!   answered 200 and recorded once; alert states already recorded are not repeated.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::alertmanager::{AlertUpdate, Tracker};
use super::receiver::{self, PayloadError};
use crate::config::PagerdutyConfig;
use crate::incident::{Actor, AlertState, Draft, EventKind, Incident};
use crate::text::line_max;

/// The header PagerDuty signs with.
pub const SIGNATURE_HEADER: &str = "x-pagerduty-signature";
/// Event ids remembered for duplicate deliveries.
const SEEN: usize = 4096;
/// Longest note text kept from an annotation.
const MAX_NOTE: usize = 2000;

/// True when one of the `v1=` signatures in `header` is the HMAC-SHA256 of `body` keyed
/// with `secret` (compared in constant time).
pub fn signature_ok(secret: &[u8], body: &[u8], header: &str) -> bool {
    header.split(',').any(|sig| {
        let Some(hexed) = sig.trim().strip_prefix("v1=") else {
            return false;
        };
        let Ok(expected) = hex::decode(hexed.trim()) else {
            return false;
        };
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
            return false;
        };
        mac.update(body);
        mac.verify_slice(&expected).is_ok()
    })
}

/// The `v1=` signature PagerDuty would send for `body` (for senders and tests).
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(body);
            format!("v1={}", hex::encode(mac.finalize().into_bytes()))
        }
        Err(_) => String::new(),
    }
}

#[derive(Deserialize)]
struct Envelope {
    event: WireEvent,
}

#[derive(Deserialize)]
struct WireEvent {
    #[serde(default)]
    id: Option<String>,
    event_type: String,
    #[serde(default)]
    occurred_at: Option<String>,
    #[serde(default)]
    agent: Option<Value>,
    #[serde(default)]
    data: Value,
}

/// One v3 webhook event as the room needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct PdEvent {
    /// PagerDuty's event id (duplicates share it).
    pub id: Option<String>,
    pub event_type: String,
    pub occurred_at: Option<DateTime<Utc>>,
    /// The agent's name and whether it is a person (`user_reference`).
    pub agent: Option<(String, bool)>,
    pub data: Value,
}

/// Parses a webhook body (`{"event": {...}}`).
pub fn parse_event(bytes: &[u8]) -> Result<PdEvent, PayloadError> {
    let env: Envelope = serde_json::from_slice(bytes).map_err(|source| PayloadError::Json {
        what: "not a PagerDuty v3 webhook payload",
        source,
    })?;
    let e = env.event;
    let event_type = line_max(&e.event_type, 80);
    if event_type.is_empty() {
        return Err(PayloadError::Shape(
            "not a PagerDuty v3 webhook payload: empty event_type".into(),
        ));
    }
    let agent = e.agent.as_ref().and_then(|a| {
        let name = line_max(str_at(a, "/summary")?, 100);
        let person = str_at(a, "/type") == Some("user_reference");
        (!name.is_empty()).then_some((name, person))
    });
    Ok(PdEvent {
        id: e.id.map(|i| line_max(&i, 100)).filter(|i| !i.is_empty()),
        event_type,
        occurred_at: e
            .occurred_at
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t.trim()).ok())
            .map(|t| t.with_timezone(&Utc)),
        agent,
        data: e.data,
    })
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

/// Text of a JSON value at `pointer` (a string, or a number shown as such), sanitised.
fn text_at(v: &Value, pointer: &str, max: usize) -> Option<String> {
    let s = match v.pointer(pointer)? {
        Value::String(s) => line_max(s, max),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// What one event means to the room.
#[derive(Clone, Debug, PartialEq)]
pub enum Meaning {
    /// An alert state change, keyed by the PagerDuty incident.
    Alert(AlertUpdate),
    /// A timeline note by `by`.
    Note { by: Actor, text: String },
}

/// "#1234 The server is on fire." for the incident an event is about.
fn incident_label(e: &PdEvent) -> String {
    let d = &e.data;
    let number = text_at(d, "/number", 20).map(|n| format!("#{n}"));
    let title = text_at(d, "/title", 200)
        .or_else(|| text_at(d, "/incident/summary", 200))
        .or_else(|| text_at(d, "/summary", 200));
    match (number, title) {
        (Some(n), Some(t)) => format!("{n} {t}"),
        (Some(n), None) => n,
        (None, Some(t)) => t,
        (None, None) => text_at(d, "/incident/id", 40)
            .or_else(|| text_at(d, "/id", 40))
            .unwrap_or_default(),
    }
}

/// Maps one event; `source` names the receiver (the actor when no person did it).
pub fn meaning(source: &str, e: &PdEvent) -> Meaning {
    let d = &e.data;
    let by = match &e.agent {
        Some((name, true)) => Actor::person(name.clone()),
        _ => Actor::source(source),
    };
    let label = incident_label(e);
    let alert_state = match e.event_type.as_str() {
        "incident.triggered" | "incident.reopened" => Some(AlertState::Firing),
        "incident.resolved" => Some(AlertState::Resolved),
        _ => None,
    };
    if let Some(state) = alert_state
        && let Some(id) = text_at(d, "/id", 100)
    {
        let mut labels = std::collections::BTreeMap::new();
        let mut put = |k: &str, p: &str| {
            if let Some(v) = text_at(d, p, 200) {
                labels.insert(k.to_string(), v);
            }
        };
        put("service", "/service/summary");
        put("urgency", "/urgency");
        put("priority", "/priority/summary");
        put("number", "/number");
        put("url", "/html_url");
        labels.insert("pagerduty_id".into(), id.clone());
        let name = text_at(d, "/title", 200).unwrap_or_else(|| label.clone());
        let summary = [
            labels.get("service").cloned(),
            labels.get("urgency").map(|u| format!("urgency {u}")),
            labels.get("priority").cloned(),
            labels.get("number").map(|n| format!("PagerDuty #{n}")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
        let key = format!("pagerduty:{id}");
        return Meaning::Alert(AlertUpdate {
            key: key.clone(),
            kind: EventKind::Alert {
                name,
                state,
                labels,
                summary,
                fingerprint: Some(key),
                starts_at: e.occurred_at.filter(|_| state == AlertState::Firing),
            },
        });
    }
    let text = match e.event_type.as_str() {
        "incident.acknowledged" => format!("acknowledged in PagerDuty: {label}"),
        "incident.annotated" => {
            let note = text_at(d, "/content", MAX_NOTE).unwrap_or_default();
            format!("PagerDuty note on {label}: {note}")
        }
        "incident.priority_updated" => {
            let p = text_at(d, "/priority/summary", 40).unwrap_or_else(|| "none".into());
            format!("PagerDuty priority of {label} set to {p}")
        }
        other => {
            let who = match &e.agent {
                Some((name, _)) => format!(" by {name}"),
                None => String::new(),
            };
            if label.is_empty() {
                format!("PagerDuty {other}{who}")
            } else {
                format!("PagerDuty {other}: {label}{who}")
            }
        }
    };
    Meaning::Note { by, text }
}

/// Event ids recently seen, oldest forgotten first.
#[derive(Debug, Default)]
struct Seen {
    set: HashSet<String>,
    order: VecDeque<String>,
}

impl Seen {
    /// False when `id` was seen before.
    fn first(&mut self, id: &str) -> bool {
        if self.set.contains(id) {
            return false;
        }
        if self.order.len() >= SEEN
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        self.set.insert(id.to_string());
        self.order.push_back(id.to_string());
        true
    }
}

struct Shared {
    name: String,
    /// `Err`: the secret variable is unset, every post is refused.
    secret: Result<Vec<u8>, receiver::EnvUnset>,
    max_body: usize,
    state: Mutex<(Tracker, Seen)>,
    tx: mpsc::Sender<Draft>,
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> (StatusCode, String) {
    let secret = match &shared.secret {
        Ok(s) => s,
        Err(_) => {
            return (
                StatusCode::UNAUTHORIZED,
                "receiver secret not configured (secret_env unset)\n".into(),
            );
        }
    };
    let signatures: Vec<&str> = headers
        .get_all(SIGNATURE_HEADER)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if signatures.is_empty() {
        return (
            StatusCode::UNAUTHORIZED,
            "X-PagerDuty-Signature required\n".into(),
        );
    }
    let body = match receiver::read_body(&headers, body, shared.max_body, "pagerduty", &shared.name)
        .await
    {
        Ok(b) => b,
        Err(refused) => return refused,
    };
    if !signatures.iter().any(|h| signature_ok(secret, &body, h)) {
        tracing::warn!(source = %shared.name, "pagerduty webhook refused: bad signature");
        return (
            StatusCode::UNAUTHORIZED,
            "X-PagerDuty-Signature does not match this body and secret\n".into(),
        );
    }
    let event = match parse_event(&body) {
        Ok(e) => e,
        Err(e) => {
            tracing::warn!(source = %shared.name, "pagerduty webhook refused: {e}");
            return (
                StatusCode::BAD_REQUEST,
                "not a PagerDuty v3 webhook payload\n".into(),
            );
        }
    };
    let draft = {
        let mut guard = match shared.state.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let (tracker, seen) = &mut *guard;
        if let Some(id) = &event.id
            && !seen.first(id)
        {
            return (StatusCode::OK, "duplicate\n".into());
        }
        let now = Utc::now();
        match meaning(&shared.name, &event) {
            Meaning::Alert(u) => tracker
                .apply(vec![u])
                .pop()
                .map(|k| Draft::new(now, Actor::source(&shared.name), k)),
            Meaning::Note { by, text } => Some(Draft::new(now, by, EventKind::Note { text })),
        }
    };
    if let Some(d) = draft
        && shared.tx.send(d).await.is_err()
    {
        return (StatusCode::SERVICE_UNAVAILABLE, "room closed\n".into());
    }
    (StatusCode::OK, "ok\n".into())
}

fn router(config: &PagerdutyConfig, shared: Arc<Shared>) -> Router {
    Router::new()
        .route(&config.path, post(receive))
        .layer(DefaultBodyLimit::disable())
        .with_state(shared)
}

/// Serves on an already bound listener until the room closes (tests bind port 0 first).
pub async fn serve_on(
    listener: TcpListener,
    name: &str,
    config: &PagerdutyConfig,
    tx: mpsc::Sender<Draft>,
    known: &Incident,
) -> std::io::Result<()> {
    let mut tracker = Tracker::default();
    tracker.seed(known);
    let secret = std::env::var(&config.secret_env)
        .map(String::into_bytes)
        .map_err(|_| receiver::EnvUnset {
            setting: "secret_env",
            var: config.secret_env.clone(),
        });
    if let Err(unset) = &secret {
        receiver::report_unhealthy(&tx, name, format!("{unset}: refusing every webhook")).await;
    }
    let shared = Arc::new(Shared {
        name: name.to_string(),
        secret,
        max_body: config.max_body,
        state: Mutex::new((tracker, Seen::default())),
        tx: tx.clone(),
    });
    receiver::serve(listener, router(config, shared), tx).await
}

/// Binds `listen` (retrying with backoff) and serves.
pub fn spawn(
    name: &str,
    config: &PagerdutyConfig,
    tx: mpsc::Sender<Draft>,
    known: &Incident,
) -> JoinHandle<()> {
    let (n, c, t, k) = (name.to_string(), config.clone(), tx.clone(), known.clone());
    receiver::spawn(
        name,
        "pagerduty",
        config.listen,
        tx,
        known,
        move |listener| async move { serve_on(listener, &n, &c, t, &k).await },
    )
}

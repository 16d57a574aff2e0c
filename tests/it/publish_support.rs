//! For the publisher tests: a local Statuspage (the documented v1 incident endpoints), a
//! webhook receiver, rooms with `[[publish]]` config, and waiting on the fold.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::routing::{get, patch, post};
use chrono::Utc;
use serde_json::{Value, json};
use tokio::time::Instant;
use warroom::config::Config;
use warroom::incident::comms::Delivery;
use warroom::incident::{
    Actor, Audience, ComponentStatus, Draft, EventKind, Incident, IncidentState, PublishOutcome,
};
use warroom::room::{self, RoomHandle, RoomOptions};

/// How long a test waits for the room before it fails.
pub const WAIT: Duration = Duration::from_secs(60);

/// The API key the page expects: a variable every environment has (no `set_var` needed).
pub const KEY_ENV: &str = "HOME";

pub fn key() -> String {
    std::env::var(KEY_ENV).unwrap_or_else(|e| panic!("{KEY_ENV}: {e}"))
}

/// One request the page received.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub body: Value,
    pub at: Instant,
}

#[derive(Clone, Debug)]
pub struct PageIncident {
    pub id: String,
    pub name: String,
    pub status: String,
    pub impact: String,
    pub components: Value,
    /// Newest first, as the API lists them.
    pub updates: Vec<(String, String)>,
}

/// What the page does next.
#[derive(Default)]
pub struct PageState {
    pub requests: Vec<Request>,
    pub incidents: Vec<PageIncident>,
    /// Answer the next write with 429 and `Retry-After: 1`.
    pub rate_limit_once: bool,
    /// Carry out the next write, then answer 500 (the client cannot know it worked).
    pub fail_after_write_once: bool,
    /// Bodies longer than this (characters) are refused with 422.
    pub max_body_chars: usize,
    /// Requests larger than this (bytes) are refused with 413.
    pub max_request_bytes: usize,
    /// The page's components, (id, name), as `GET /v1/pages/{id}/components` lists them.
    pub components: Vec<(String, String)>,
}

pub type Page = Arc<Mutex<PageState>>;

pub fn lock(p: &Page) -> std::sync::MutexGuard<'_, PageState> {
    p.lock().unwrap_or_else(|e| e.into_inner())
}

/// A local Statuspage v1: POST/PATCH incidents, GET unresolved; checks the OAuth header
/// and the body's shape as documented.
pub struct StatusPageServer {
    pub url: String,
    pub page: Page,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for StatusPageServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type Answer = (StatusCode, HeaderMap, String);

fn answer(code: u16, body: Value) -> Answer {
    let mut h = HeaderMap::new();
    h.insert("content-type", HeaderValue::from_static("application/json"));
    (
        StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        h,
        body.to_string(),
    )
}

fn incident_json(i: &PageIncident) -> Value {
    json!({
        "id": i.id,
        "name": i.name,
        "status": i.status,
        "impact": i.impact,
        "shortlink": format!("http://stspg.io/{}", i.id),
        "incident_updates": i.updates.iter().map(|(status, body)| json!({
            "status": status, "body": body, "incident_id": i.id,
            "created_at": Utc::now().to_rfc3339(),
        })).collect::<Vec<_>>(),
    })
}

/// Checks auth and shape; records the request. `Err` is the answer to give.
fn admit(
    page: &Page,
    method: &str,
    path: String,
    headers: &HeaderMap,
    raw: &Bytes,
) -> Result<Value, Box<Answer>> {
    let mut st = lock(page);
    let body: Value = serde_json::from_slice(raw).unwrap_or(Value::Null);
    st.requests.push(Request {
        method: method.into(),
        path,
        body: body.clone(),
        at: Instant::now(),
    });
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if auth != format!("OAuth {}", key()) {
        return Err(Box::new(answer(
            401,
            json!({"error": "Could not authenticate"}),
        )));
    }
    if method == "GET" {
        return Ok(body);
    }
    if st.max_request_bytes > 0 && raw.len() > st.max_request_bytes {
        return Err(Box::new(answer(
            413,
            json!({"error": "Request Entity Too Large"}),
        )));
    }
    let inc = &body["incident"];
    let mut problems = Vec::new();
    if inc["name"].as_str().is_none_or(str::is_empty) {
        problems.push("Name can't be blank".to_string());
    }
    if !matches!(
        inc["status"].as_str(),
        Some("investigating" | "identified" | "monitoring" | "resolved")
    ) {
        problems.push("Status is not included in the list".into());
    }
    if !matches!(
        inc["impact_override"].as_str(),
        Some("none" | "minor" | "major" | "critical")
    ) {
        problems.push("Impact override is not included in the list".into());
    }
    let Some(text) = inc["body"].as_str() else {
        problems.push("Body must be a string".into());
        return Err(Box::new(answer(422, json!({ "error": problems }))));
    };
    if st.max_body_chars > 0 && text.chars().count() > st.max_body_chars {
        problems.push(format!(
            "Body is too long (maximum is {} characters)",
            st.max_body_chars
        ));
    }
    if !inc["components"].is_object() || !inc["component_ids"].is_array() {
        problems.push("components must be an object and component_ids a list".into());
    }
    if inc["deliver_notifications"] != json!(true) {
        problems.push("deliver_notifications missing".into());
    }
    if !problems.is_empty() {
        return Err(Box::new(answer(422, json!({ "error": problems }))));
    }
    if st.rate_limit_once {
        st.rate_limit_once = false;
        let (code, mut h, b) = answer(429, json!({"error": "Rate limit exceeded"}));
        h.insert("retry-after", HeaderValue::from_static("1"));
        return Err(Box::new((code, h, b)));
    }
    Ok(body)
}

/// Answer 500 after doing the work, once.
fn maybe_fail(page: &Page, ok: Answer) -> Answer {
    let mut st = lock(page);
    if st.fail_after_write_once {
        st.fail_after_write_once = false;
        return answer(500, json!({"error": "Internal Server Error"}));
    }
    ok
}

async fn create(
    State(page): State<Page>,
    UrlPath(pid): UrlPath<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Answer {
    let body = match admit(
        &page,
        "POST",
        format!("/v1/pages/{pid}/incidents"),
        &headers,
        &raw,
    ) {
        Ok(b) => b,
        Err(a) => return *a,
    };
    let inc = &body["incident"];
    let created = {
        let mut st = lock(&page);
        let i = PageIncident {
            id: format!("inc{}", st.incidents.len() + 1),
            name: inc["name"].as_str().unwrap_or_default().into(),
            status: inc["status"].as_str().unwrap_or_default().into(),
            impact: inc["impact_override"].as_str().unwrap_or_default().into(),
            components: inc["components"].clone(),
            updates: vec![(
                inc["status"].as_str().unwrap_or_default().into(),
                inc["body"].as_str().unwrap_or_default().into(),
            )],
        };
        st.incidents.push(i.clone());
        i
    };
    maybe_fail(&page, answer(201, incident_json(&created)))
}

async fn patch_incident(
    State(page): State<Page>,
    UrlPath((pid, id)): UrlPath<(String, String)>,
    headers: HeaderMap,
    raw: Bytes,
) -> Answer {
    let path = format!("/v1/pages/{pid}/incidents/{id}");
    let body = match admit(&page, "PATCH", path, &headers, &raw) {
        Ok(b) => b,
        Err(a) => return *a,
    };
    let inc = &body["incident"];
    let updated = {
        let mut st = lock(&page);
        let Some(i) = st.incidents.iter_mut().find(|i| i.id == id) else {
            return answer(404, json!({"error": "Not found"}));
        };
        i.status = inc["status"].as_str().unwrap_or_default().into();
        i.components = inc["components"].clone();
        i.updates.insert(
            0,
            (
                i.status.clone(),
                inc["body"].as_str().unwrap_or_default().into(),
            ),
        );
        i.clone()
    };
    maybe_fail(&page, answer(200, incident_json(&updated)))
}

async fn unresolved(
    State(page): State<Page>,
    UrlPath(pid): UrlPath<String>,
    headers: HeaderMap,
) -> Answer {
    let path = format!("/v1/pages/{pid}/incidents/unresolved");
    if let Err(a) = admit(&page, "GET", path, &headers, &Bytes::new()) {
        return *a;
    }
    let st = lock(&page);
    let open: Vec<Value> = st
        .incidents
        .iter()
        .rev()
        .filter(|i| i.status != "resolved")
        .map(incident_json)
        .collect();
    answer(200, Value::Array(open))
}

async fn components(
    State(page): State<Page>,
    UrlPath(pid): UrlPath<String>,
    headers: HeaderMap,
) -> Answer {
    let path = format!("/v1/pages/{pid}/components");
    if let Err(a) = admit(&page, "GET", path, &headers, &Bytes::new()) {
        return *a;
    }
    let st = lock(&page);
    let list: Vec<Value> = st
        .components
        .iter()
        .map(|(id, name)| {
            json!({"id": id, "page_id": pid, "name": name, "status": "operational",
                   "group": false, "group_id": null, "showcase": true})
        })
        .collect();
    answer(200, Value::Array(list))
}

impl StatusPageServer {
    pub async fn start() -> StatusPageServer {
        let page: Page = Arc::default();
        let app = Router::new()
            .route("/v1/pages/{pid}/incidents", post(create))
            .route("/v1/pages/{pid}/incidents/unresolved", get(unresolved))
            .route("/v1/pages/{pid}/components", get(components))
            .route("/v1/pages/{pid}/incidents/{id}", patch(patch_incident))
            .with_state(page.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("addr: {e}"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        StatusPageServer {
            url: format!("http://{addr}"),
            page,
            task,
        }
    }

    pub fn writes(&self) -> Vec<Request> {
        lock(&self.page)
            .requests
            .iter()
            .filter(|r| r.method != "GET")
            .cloned()
            .collect()
    }
}

/// A receiver for webhooks: records each body and answers with `status` and `reply`.
pub struct Receiver {
    pub url: String,
    pub got: Arc<Mutex<Vec<(Value, String)>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type Shared = (
    Arc<Mutex<Vec<(Value, String)>>>,
    Arc<Mutex<Vec<(u16, String)>>>,
);

async fn receive(State((got, script)): State<Shared>, headers: HeaderMap, raw: Bytes) -> Answer {
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body: Value = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    got.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((body, ct));
    let mut s = script.lock().unwrap_or_else(|e| e.into_inner());
    let (code, text) = if s.is_empty() {
        (200, "ok".to_string())
    } else {
        s.remove(0)
    };
    (
        StatusCode::from_u16(code).unwrap_or(StatusCode::OK),
        HeaderMap::new(),
        text,
    )
}

impl Receiver {
    pub async fn start(script: Vec<(u16, &str)>) -> Receiver {
        let got = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(
            script
                .into_iter()
                .map(|(c, t)| (c, t.to_string()))
                .collect::<Vec<_>>(),
        ));
        let app = Router::new()
            .route("/hooks/{token}", post(receive))
            .with_state((got.clone(), script));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("addr: {e}"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            url: format!("http://{addr}/hooks/T0KEN"),
            got,
            task,
        }
    }

    pub fn bodies(&self) -> Vec<Value> {
        self.got
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(b, _)| b.clone())
            .collect()
    }
}

pub fn config(dir: &Path, text: &str) -> Config {
    Config::parse(text, "config.toml", None, dir.to_path_buf())
        .unwrap_or_else(|e| panic!("valid config: {e}"))
}

/// Opens (or continues) the room on `log`; publishers are started only when `publish`.
pub async fn open(cfg: &Config, log: &Path, publish: bool) -> RoomHandle {
    let (room, _) = room::open(
        cfg,
        RoomOptions {
            user: "ana".into(),
            log_path: Some(log.to_path_buf()),
            speed: None,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("room opens: {e}"));
    if publish {
        drop(warroom::publish::runner::spawn_all(cfg, &room));
    }
    room
}

/// Records `kind` by ana and waits until it is on disk; its id.
pub async fn say(room: &RoomHandle, kind: EventKind) -> u64 {
    room.record(Draft::new(Utc::now(), Actor::person("ana"), kind))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

pub fn update(
    state: IncidentState,
    body: &str,
    components: &[(&str, Option<&str>, &str)],
    targets: &[&str],
) -> EventKind {
    EventKind::StatusUpdate {
        audience: Audience::Public,
        state,
        components: components
            .iter()
            .map(|(n, id, s)| ComponentStatus {
                name: n.to_string(),
                id: id.map(str::to_string),
                status: s.to_string(),
            })
            .collect(),
        body: body.into(),
        targets: targets.iter().map(|t| t.to_string()).collect(),
    }
}

/// Waits until `f` holds for the folded state (fails the test after [`WAIT`]).
pub async fn wait_for(room: &RoomHandle, what: &str, f: impl Fn(&Incident) -> bool) {
    let mut v = room.subscribe();
    let deadline = Instant::now() + WAIT;
    loop {
        if f(&room.read()) {
            return;
        }
        tokio::select! {
            r = v.changed() => if r.is_err() { panic!("room closed waiting for {what}") },
            _ = tokio::time::sleep_until(deadline) => panic!("no {what} within {WAIT:?}"),
        }
    }
}

/// The delivery of update `id` to `target`, once it has an outcome (not `sending`).
pub async fn outcome(room: &RoomHandle, id: u64, target: &str) -> Delivery {
    outcome_where(room, id, target, |d| d.outcome != PublishOutcome::Sending).await
}

/// The delivery of update `id` to `target`, once it is delivered.
pub async fn delivered(room: &RoomHandle, id: u64, target: &str) -> Delivery {
    outcome_where(room, id, target, |d| d.outcome == PublishOutcome::Delivered).await
}

async fn outcome_where(
    room: &RoomHandle,
    id: u64,
    target: &str,
    pred: impl Fn(&Delivery) -> bool,
) -> Delivery {
    let done = |i: &Incident| {
        i.comms
            .updates
            .iter()
            .find(|u| u.id == id)
            .and_then(|u| u.deliveries.get(target))
            .filter(|d| pred(d))
            .cloned()
    };
    wait_for(room, &format!("outcome of update {id} at {target}"), |i| {
        done(i).is_some()
    })
    .await;
    done(&room.read()).unwrap_or_else(|| panic!("outcome of {id}"))
}

/// One `publish` event: (outcome, attempt, status, message, remote id).
pub type PublishEvent = (
    PublishOutcome,
    u32,
    Option<u16>,
    Option<String>,
    Option<String>,
);

/// The `publish` events of update `id`, in log order.
pub fn publish_events(log: &Path, id: u64) -> Vec<PublishEvent> {
    let mut out = Vec::new();
    warroom::log::read(log, |e| {
        if let EventKind::Publish {
            update,
            outcome,
            attempt,
            status,
            message,
            remote_id,
            ..
        } = e.kind
            && update == id
        {
            out.push((outcome, attempt, status, message, remote_id));
        }
    })
    .unwrap_or_else(|e| panic!("log: {e}"));
    out
}

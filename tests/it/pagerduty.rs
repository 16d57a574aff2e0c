//! The PagerDuty v3 receiver and the generic webhook receiver over real HTTP: real signed
//! posts of each documented event type, signatures missing, wrong and rotated, the size
//! cap, duplicate deliveries; then the generic receiver's pointer mapping and token.

use crate::support::{fold, is_health};

use serde_json::{Value, json};
use tokio::sync::mpsc;
use warroom::config::{Config, PagerdutyConfig, SourceKind, WebhookConfig, WebhookFields};
use warroom::incident::{Actor, AlertState, Draft, EventKind, Incident};
use warroom::sources::{pagerduty, webhook_in};

/// The receiver's secret: $HOME is always set and stands in for one.
fn secret() -> Vec<u8> {
    std::env::var("HOME").expect("HOME").into_bytes()
}

async fn pd_receiver(
    secret_env: &str,
    max_body: usize,
) -> (String, mpsc::Receiver<Draft>, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let cfg = PagerdutyConfig {
        listen: addr,
        path: "/pagerduty".into(),
        secret_env: secret_env.into(),
        max_body,
    };
    let (tx, rx) = mpsc::channel(256);
    let task = tokio::spawn(async move {
        let _ = pagerduty::serve_on(listener, "pagerduty", &cfg, tx, &Incident::new()).await;
    });
    (format!("http://{addr}/pagerduty"), rx, task)
}

async fn post(url: &str, signature: Option<&str>, body: &[u8]) -> u16 {
    let mut req = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some(s) = signature {
        req = req.header("X-PagerDuty-Signature", s);
    }
    req.send().await.expect("post").status().as_u16()
}

async fn post_signed(url: &str, body: &[u8]) -> u16 {
    post(url, Some(&pagerduty::sign(&secret(), body)), body).await
}

/// What the receiver sent so far: it sends before it answers, so after a reply every
/// draft of that post is in the channel.
fn taken(rx: &mut mpsc::Receiver<Draft>) -> Vec<Draft> {
    let mut out = Vec::new();
    while let Ok(d) = rx.try_recv() {
        out.push(d);
    }
    out
}

fn ana() -> Value {
    json!({"html_url": "https://acme.pagerduty.com/users/PXPGF42", "id": "PXPGF42",
           "self": "https://api.pagerduty.com/users/PXPGF42", "summary": "Ana Ruiz",
           "type": "user_reference"})
}

/// An incident as v3 webhooks carry it in `data`.
fn incident(status: &str, priority: Option<&str>) -> Value {
    json!({
        "id": "Q2CHK0UT", "type": "incident", "self": "https://api.pagerduty.com/incidents/Q2CHK0UT",
        "html_url": "https://acme.pagerduty.com/incidents/Q2CHK0UT", "number": 4711,
        "status": status, "incident_key": "b4f7c2", "created_at": "2026-11-30T21:00:00Z",
        "title": "Checkout 5xx above 5%",
        "service": {"html_url": "https://acme.pagerduty.com/services/PSVC1", "id": "PSVC1",
                    "self": "https://api.pagerduty.com/services/PSVC1", "summary": "checkout-api",
                    "type": "service_reference"},
        "assignees": [{"id": "PXPGF42", "summary": "Ana Ruiz", "type": "user_reference"}],
        "escalation_policy": {"id": "PEP1", "summary": "Checkout", "type": "escalation_policy_reference"},
        "teams": [], "priority": priority.map(|p| json!({"id": "PPRI1", "summary": p, "type": "priority"})),
        "urgency": "high", "conference_bridge": null, "resolve_reason": null
    })
}

fn event(id: &str, event_type: &str, agent: Value, data: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({"event": {
        "id": id, "event_type": event_type, "resource_type": "incident",
        "occurred_at": "2026-11-30T21:00:05.123Z", "agent": agent,
        "client": null, "data": data
    }}))
    .expect("json")
}

fn notes(drafts: &[Draft]) -> Vec<(String, String)> {
    drafts
        .iter()
        .filter_map(|d| match &d.kind {
            EventKind::Note { text } => Some((d.by.label().to_string(), text.clone())),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn each_documented_event_type_reaches_the_room_as_alert_or_note_by_its_agent() {
    let (url, mut rx, task) = pd_receiver("HOME", 1024 * 1024).await;
    let integration =
        json!({"id": "PINT1", "summary": "Datadog", "type": "inbound_integration_reference"});
    let annotation = json!({
        "incident": {"html_url": "https://acme.pagerduty.com/incidents/Q2CHK0UT", "id": "Q2CHK0UT",
                     "self": "https://api.pagerduty.com/incidents/Q2CHK0UT",
                     "summary": "Checkout 5xx above 5%", "type": "incident_reference"},
        "id": "PNOTE1", "content": "rolled back deploy 2291\u{1b}[31m", "trigger_log_entry": null,
        "type": "incident_note"
    });
    let posts: Vec<(&str, Vec<u8>)> = vec![
        (
            "trigger",
            event(
                "e1",
                "incident.triggered",
                integration.clone(),
                incident("triggered", None),
            ),
        ),
        (
            "ack",
            event(
                "e2",
                "incident.acknowledged",
                ana(),
                incident("acknowledged", None),
            ),
        ),
        (
            "priority",
            event(
                "e3",
                "incident.priority_updated",
                ana(),
                incident("acknowledged", Some("P1")),
            ),
        ),
        ("note", event("e4", "incident.annotated", ana(), annotation)),
        (
            "escalated",
            event(
                "e5",
                "incident.escalated",
                integration.clone(),
                incident("triggered", Some("P1")),
            ),
        ),
        (
            "reassigned",
            event(
                "e6",
                "incident.reassigned",
                ana(),
                incident("triggered", Some("P1")),
            ),
        ),
        (
            "unknown",
            event(
                "e7",
                "incident.workflow.started",
                integration.clone(),
                json!({"id": "PWF1", "type": "incident_workflow_instance", "incident": {"id": "Q2CHK0UT", "summary": "Checkout 5xx above 5%", "type": "incident_reference"}}),
            ),
        ),
        (
            "resolve",
            event(
                "e8",
                "incident.resolved",
                ana(),
                incident("resolved", Some("P1")),
            ),
        ),
    ];
    let mut all = Vec::new();
    let mut after_trigger = Incident::new();
    for (what, body) in &posts {
        assert_eq!(post_signed(&url, body).await, 200, "{what}");
        all.extend(taken(&mut rx));
        if *what == "trigger" {
            after_trigger = fold(&all);
        }
    }
    task.abort();

    // Triggered: a firing alert with its service and urgency, by the source.
    let alerts: Vec<_> = after_trigger.alerts.values().collect();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let a = alerts[0];
    assert_eq!(a.name, "Checkout 5xx above 5%");
    assert_eq!(a.state, AlertState::Firing);
    assert_eq!(
        a.labels.get("service").map(String::as_str),
        Some("checkout-api")
    );
    assert_eq!(a.labels.get("urgency").map(String::as_str), Some("high"));
    assert!(
        a.summary.contains("checkout-api") && a.summary.contains("urgency high"),
        "{}",
        a.summary
    );

    // Acknowledged, priority, annotated: notes by the PagerDuty user; others named generically.
    let said = notes(&all);
    assert_eq!(
        said,
        vec![
            (
                "Ana Ruiz".to_string(),
                "acknowledged in PagerDuty: #4711 Checkout 5xx above 5%".to_string()
            ),
            (
                "Ana Ruiz".to_string(),
                "PagerDuty priority of #4711 Checkout 5xx above 5% set to P1".to_string()
            ),
            (
                "Ana Ruiz".to_string(),
                "PagerDuty note on Checkout 5xx above 5%: rolled back deploy 2291".to_string()
            ),
            (
                "pagerduty".to_string(),
                "PagerDuty incident.escalated: #4711 Checkout 5xx above 5% by Datadog".to_string()
            ),
            (
                "Ana Ruiz".to_string(),
                "PagerDuty incident.reassigned: #4711 Checkout 5xx above 5% by Ana Ruiz"
                    .to_string()
            ),
            (
                "pagerduty".to_string(),
                "PagerDuty incident.workflow.started: Checkout 5xx above 5% by Datadog".to_string()
            ),
        ],
        "the escape sequence in the note is gone"
    );
    assert!(
        matches!(all[1].by, Actor::Person(_)),
        "an acknowledgement is a person's act"
    );

    // Resolved: the same alert, resolved.
    let inc = fold(&all);
    assert_eq!(inc.alerts.len(), 1);
    assert!(
        inc.firing().is_empty(),
        "resolved in PagerDuty, resolved here"
    );
}

#[tokio::test]
async fn unsigned_wrongly_signed_and_tampered_posts_get_401_and_a_rotated_secret_is_accepted() {
    let (url, mut rx, task) = pd_receiver("HOME", 1024 * 1024).await;
    let body = event(
        "r1",
        "incident.triggered",
        ana(),
        incident("triggered", None),
    );
    assert_eq!(post(&url, None, &body).await, 401, "unsigned");
    let wrong = pagerduty::sign(b"not the secret", &body);
    assert_eq!(post(&url, Some(&wrong), &body).await, 401, "wrong secret");
    assert_eq!(
        post(&url, Some("v1=zz-not-hex"), &body).await,
        401,
        "garbage"
    );
    let good = pagerduty::sign(&secret(), &body);
    let mut tampered = body.clone();
    tampered.extend(b" ");
    assert_eq!(
        post(&url, Some(&good), &tampered).await,
        401,
        "body changed after signing"
    );
    assert_eq!(
        post(&url, Some(&good.replace("v1=", "v0=")), &body).await,
        401,
        "only v1 signatures count"
    );
    assert!(
        taken(&mut rx).is_empty(),
        "nothing recorded from refused posts"
    );

    // During a rotation PagerDuty lists the old and the new signature.
    let rotated = format!("{wrong}, {good}");
    assert_eq!(post(&url, Some(&rotated), &body).await, 200);
    let got = taken(&mut rx);
    assert_eq!(got.len(), 1);
    assert!(matches!(got[0].kind, EventKind::Alert { .. }));
    task.abort();
}

#[tokio::test]
async fn a_body_over_max_body_gets_413_and_duplicates_are_shown_once() {
    let (url, mut rx, task) = pd_receiver("HOME", 4096).await;
    let mut big = incident("triggered", None);
    big["description"] = Value::String("x".repeat(5000));
    let body = event("big", "incident.triggered", ana(), big);
    assert_eq!(post_signed(&url, &body).await, 413);
    assert!(taken(&mut rx).is_empty());

    // The same event delivered twice (a retry) is recorded once; so is an ack.
    let trig = event(
        "d1",
        "incident.triggered",
        ana(),
        incident("triggered", None),
    );
    let ack = event(
        "d2",
        "incident.acknowledged",
        ana(),
        incident("acknowledged", None),
    );
    for b in [&trig, &trig, &ack, &ack] {
        assert_eq!(post_signed(&url, b).await, 200, "a duplicate is accepted");
    }
    let got = taken(&mut rx);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(notes(&got).len(), 1);
    // Not a v3 event: 400, nothing recorded.
    assert_eq!(post_signed(&url, b"{\"messages\": []}").await, 400);
    assert!(taken(&mut rx).is_empty());
    task.abort();
}

#[tokio::test]
async fn with_its_secret_variable_unset_the_receiver_says_so_and_refuses_every_post() {
    let (url, mut rx, task) = pd_receiver("WARROOM_TEST_UNSET_PD_SECRET", 1024 * 1024).await;
    let body = event(
        "u1",
        "incident.triggered",
        ana(),
        incident("triggered", None),
    );
    assert_eq!(post_signed(&url, &body).await, 401);
    let got = taken(&mut rx);
    assert_eq!(got.len(), 1, "only the health report: {got:?}");
    assert!(is_health(&got[0], false));
    task.abort();
}

async fn hook_receiver(
    token_env: Option<&str>,
) -> (String, mpsc::Receiver<Draft>, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let cfg = WebhookConfig {
        listen: addr,
        path: "/webhook".into(),
        token_env: token_env.map(String::from),
        max_body: 64 * 1024,
        fields: WebhookFields {
            title: "/alert/message".into(),
            status: Some("/action".into()),
            severity: Some("/alert/priority".into()),
            time: Some("/alert/createdAt".into()),
            id: Some("/alert/alertId".into()),
        },
    };
    let (tx, rx) = mpsc::channel(256);
    let task = tokio::spawn(async move {
        let _ = webhook_in::serve_on(listener, "pager", &cfg, tx, &Incident::new()).await;
    });
    (format!("http://{addr}/webhook"), rx, task)
}

async fn post_hook(url: &str, token: Option<&str>, body: &Value) -> u16 {
    let mut req = reqwest::Client::new()
        .post(url)
        .body(serde_json::to_vec(body).expect("json"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.expect("post").status().as_u16()
}

#[tokio::test]
async fn the_generic_webhook_maps_fields_by_pointer_and_resolves_by_id() {
    let home = std::env::var("HOME").expect("HOME");
    let (url, mut rx, task) = hook_receiver(Some("HOME")).await;
    let open = json!({"action": "Create", "alert": {"alertId": "a-17", "message": "Payments latency p99 > 2s",
                      "priority": "P2", "createdAt": 1764536400000u64}});
    assert_eq!(post_hook(&url, None, &open).await, 401, "token required");
    assert_eq!(post_hook(&url, Some("wrong"), &open).await, 401);
    assert!(taken(&mut rx).is_empty());
    assert_eq!(post_hook(&url, Some(&home), &open).await, 200);
    assert_eq!(
        post_hook(&url, Some(&home), &open).await,
        200,
        "a repeat adds nothing"
    );
    let fired = fold(&taken(&mut rx));
    let a = fired.firing();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].name, "Payments latency p99 > 2s");
    assert_eq!(a[0].labels.get("severity").map(String::as_str), Some("P2"));
    assert_eq!(
        a[0].since.to_rfc3339(),
        "2025-11-30T21:00:00+00:00",
        "time from the pointer"
    );

    // No title at the pointer: 400 saying so.
    let resp = reqwest::Client::new()
        .post(&url)
        .bearer_auth(&home)
        .body(serde_json::to_vec(&json!({"action": "Create", "alert": {}})).expect("json"))
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status().as_u16(), 400);
    assert!(resp.text().await.expect("text").contains("/alert/message"));

    // Closed (another title, same id): the same alert resolves. An array posts several.
    let close = json!([{"action": "Close", "alert": {"alertId": "a-17", "message": "Payments latency ok"}}]);
    assert_eq!(post_hook(&url, Some(&home), &close).await, 200);
    let mut all = vec![];
    all.extend(taken(&mut rx));
    assert_eq!(all.len(), 1);
    assert!(matches!(
        all[0].kind,
        EventKind::Alert {
            state: AlertState::Resolved,
            ..
        }
    ));
    task.abort();
}

#[test]
fn config_requires_a_secret_for_pagerduty_and_a_title_pointer_for_webhook() {
    let dir = std::env::temp_dir();
    let good = r#"
[[source]]
kind = "pagerduty"
name = "pd"
listen = "127.0.0.1:9198"
secret_env = "HOME"

[[source]]
kind = "webhook"
name = "hook"
fields = { title = "/t", status = "/s" }
"#;
    let c = Config::parse(good, "good.toml", None, dir.clone()).expect("valid");
    assert!(
        matches!(&c.sources[0].kind, SourceKind::Pagerduty(p) if p.secret_env == "HOME" && p.path == "/pagerduty")
    );
    assert!(matches!(&c.sources[1].kind, SourceKind::Webhook(w) if w.fields.title == "/t"));

    let bad = r#"
[[source]]
kind = "pagerduty"
name = "pd"

[[source]]
kind = "webhook"
name = "hook"
fields = { status = "s", colour = "/c" }
secret_env = "X"
"#;
    let e = Config::parse(bad, "bad.toml", None, dir)
        .expect_err("invalid")
        .to_string();
    for says in [
        "pagerduty source \"pd\" has no `secret_env`",
        "`fields` has an unknown field \"colour\"",
        "`fields.status` is not a JSON pointer",
        "has no `title`",
        "`secret_env` is not a setting of a webhook source",
    ] {
        assert!(e.contains(says), "{says:?} not in:\n{e}");
    }
}

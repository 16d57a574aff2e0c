//! Polling sources against local HTTP servers: hostile responses (HTML page, 500, 400 with
//! the error envelope, a 50 MB body, a server that never answers), auth from the
//! environment, and a status page and a feed that change between polls, with no duplicates
//! after a restart seeded from the folded incident.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use support::*;
use tokio::sync::mpsc;
use warroom::config::{
    Auth, FeedConfig, PrometheusConfig, ReportsConfig, SourceKind, StatuspageConfig,
};
use warroom::incident::{Direction, Draft, EntryKind, EventKind};
use warroom::sources;

const WAIT: Duration = Duration::from_secs(20);

fn prom(url: &str) -> SourceKind {
    SourceKind::Prometheus(PrometheusConfig {
        url: url.to_string(),
        query: "checkout_error_ratio".into(),
        window: Duration::from_secs(60),
        unit: "%".into(),
        warn: Some(0.01),
        crit: Some(0.05),
        direction: Direction::Above,
        label: None,
        auth: None,
        hysteresis: None,
        dwell: None,
    })
}

/// A Prometheus-like answer with the current time, so every poll is a new sample.
fn live_vector(value: &'static str) -> Reply {
    Reply::Dynamic(Arc::new(move || {
        let body = format!(
            r#"{{"status":"success","data":{{"resultType":"vector","result":[{{"metric":{{}},"value":[{},"{value}"]}}]}}}}"#,
            now_unix()
        );
        (200, "application/json".into(), body.into_bytes())
    }))
}

async fn first_failure(server_reply: Reply, timeout: Duration) -> (String, FixtureServer) {
    let server = FixtureServer::start().await;
    server.set("/api/v1/query_range", server_reply.clone());
    server.set("/api/v1/query", server_reply);
    let mut cfg = source("checkout errors", prom(&server.url()));
    cfg.timeout = timeout;
    let (tx, mut rx) = mpsc::channel(64);
    let task = sources::spawn(&cfg, tx);
    let mut got = Vec::new();
    let d = collect_until(&mut rx, &mut got, WAIT, "a failing source_health", |d| {
        is_health(d, false)
    })
    .await;
    task.abort();
    (health_error(&d), server)
}

#[tokio::test]
async fn html_error_page_from_a_proxy_is_named() {
    let page = b"<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>".to_vec();
    let (err, _s) = first_failure(Reply::Status(502, "text/html", page), WAIT).await;
    assert_eq!(
        err,
        "HTTP 502 Bad Gateway: got an HTML page (text/html): \"502 Bad Gateway\" (a proxy or login page?)"
    );
    // A 200 HTML page (a login page) is "not JSON".
    let page = b"<!DOCTYPE html><html><title>Sign in</title></html>".to_vec();
    let (err, _s) = first_failure(Reply::Ok("text/html; charset=utf-8", page), WAIT).await;
    assert!(
        err.starts_with("not JSON: got an HTML page (text/html)"),
        "{err}"
    );
}

#[tokio::test]
async fn server_errors_and_prometheus_envelope() {
    let (err, _s) = first_failure(
        Reply::Status(500, "text/plain", b"internal error: db locked\n".to_vec()),
        WAIT,
    )
    .await;
    assert_eq!(
        err,
        "HTTP 500 Internal Server Error: internal error: db locked"
    );
    let (err, _s) = first_failure(
        Reply::Status(
            400,
            "application/json",
            fixture("prometheus/error_bad_data.json"),
        ),
        WAIT,
    )
    .await;
    assert!(
        err.starts_with("HTTP 400 Bad Request: bad_data: invalid parameter 'query'"),
        "{err}"
    );
    let (err, _s) = first_failure(
        Reply::Status(503, "text/plain", b"Service Unavailable".to_vec()),
        WAIT,
    )
    .await;
    assert!(err.starts_with("HTTP 503 Service Unavailable"), "{err}");
    let full = fixture("prometheus/query_vector.json");
    let (err, _s) = first_failure(
        Reply::Ok("application/json", full[..full.len() - 40].to_vec()),
        WAIT,
    )
    .await;
    assert!(err.starts_with("truncated JSON"), "{err}");
}

#[tokio::test]
async fn fifty_megabyte_body_hits_the_cap_and_is_not_downloaded() {
    let (err, server) = first_failure(Reply::HugeStream(50), WAIT).await;
    assert_eq!(err, "response larger than 5 MB");
    // Reading stopped at the cap: far less than 50 MB left the server (socket buffers aside).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = server.streamed();
    println!("50 MB body: the server produced {sent} bytes before the source hung up");
    assert!(sent < 20 * 1024 * 1024, "server produced {sent} bytes");
}

#[tokio::test]
async fn a_hung_server_times_out_while_another_source_keeps_producing() {
    let hang = HangServer::start().await;
    let good = FixtureServer::start().await;
    good.set("/api/v1/query_range", live_vector("0.002"));
    good.set("/api/v1/query", live_vector("0.002"));
    let mut stuck = source("stuck", prom(&format!("http://{}", hang.addr)));
    stuck.timeout = Duration::from_secs(3);
    let healthy = source("healthy", prom(&good.url()));
    let (tx, mut rx) = mpsc::channel(64);
    let t1 = sources::spawn(&stuck, tx.clone());
    let t2 = sources::spawn(&healthy, tx);
    let mut got: Vec<Draft> = Vec::new();
    let d = collect_until(
        &mut rx,
        &mut got,
        WAIT,
        "the stuck source timing out",
        |d| is_health(d, false),
    )
    .await;
    assert_eq!(d.by.label(), "stuck");
    assert_eq!(health_error(&d), "timed out after 3s");
    // While "stuck" waited 3 s, "healthy" kept polling every 200 ms.
    let healthy_samples = got
        .iter()
        .filter(|d| d.by.label() == "healthy" && matches!(d.kind, EventKind::Metric { .. }))
        .count();
    println!("while one source hung for 3 s, the other sent {healthy_samples} samples");
    assert!(
        healthy_samples >= 5,
        "healthy sent {healthy_samples} samples"
    );
    t1.abort();
    t2.abort();
}

#[tokio::test]
async fn bearer_token_from_environment_and_never_in_errors() {
    // HOME is always set: its value stands in for a token.
    let secret = std::env::var("HOME").expect("HOME");
    let server = FixtureServer::start().await;
    let vector = fixture("statuspage/summary.json");
    server.set(
        "/api/v2/summary.json",
        Reply::Authorized(format!("Bearer {secret}"), vector),
    );
    let kind = |env: &str| {
        SourceKind::Statuspage(StatuspageConfig {
            url: server.url(),
            auth: Some(Auth::Bearer { env: env.into() }),
            role: None,
            budget: sources::budget::DEFAULT_PER_MINUTE,
        })
    };
    let (tx, mut rx) = mpsc::channel(64);
    let t = sources::spawn(&source("gh", kind("HOME")), tx);
    let mut got = Vec::new();
    collect_until(
        &mut rx,
        &mut got,
        WAIT,
        "components read with the token",
        |d| matches!(d.kind, EventKind::StatusComponent { .. }),
    )
    .await;
    t.abort();
    // A variable that is not set: the error names it.
    let (tx, mut rx) = mpsc::channel(64);
    let t = sources::spawn(&source("gh", kind("WARROOM_NO_SUCH_TOKEN_VAR")), tx);
    let mut got = Vec::new();
    let d = collect_until(&mut rx, &mut got, WAIT, "auth failure", |d| {
        is_health(d, false)
    })
    .await;
    assert_eq!(
        health_error(&d),
        "auth: environment variable WARROOM_NO_SUCH_TOKEN_VAR is not set (or not UTF-8)"
    );
    t.abort();
    // Wrong token (PATH instead of HOME): 401, and no secret in the error.
    let (tx, mut rx) = mpsc::channel(64);
    let t = sources::spawn(&source("gh", kind("PATH")), tx);
    let mut got = Vec::new();
    let d = collect_until(&mut rx, &mut got, WAIT, "401", |d| is_health(d, false)).await;
    let err = health_error(&d);
    assert_eq!(err, "HTTP 401 Unauthorized: Unauthorized");
    let path = std::env::var("PATH").unwrap_or_default();
    assert!(!err.contains(&path) && !err.contains(&secret));
    t.abort();
}

// ---- status page changing between polls ---------------------------------------------------

fn summary_with(f: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut v: serde_json::Value =
        serde_json::from_slice(&fixture("statuspage/summary.json")).expect("summary");
    f(&mut v);
    v.to_string().into_bytes()
}

/// The first incident of incidents.json with only its `n` oldest updates, as still open.
fn open_incident(n: usize) -> serde_json::Value {
    let list: serde_json::Value =
        serde_json::from_slice(&fixture("statuspage/incidents.json")).expect("incidents");
    let mut inc = list["incidents"][0].clone();
    let updates = inc["incident_updates"].as_array().expect("updates").clone();
    // Newest first in the API; keep the n oldest.
    let kept: Vec<serde_json::Value> = updates[updates.len() - n..].to_vec();
    inc["incident_updates"] = serde_json::Value::Array(kept);
    inc["status"] = "investigating".into();
    inc
}

fn stage_outage(server: &FixtureServer, updates: usize) {
    let inc = open_incident(updates);
    server.set(
        "/api/v2/summary.json",
        Reply::Ok(
            "application/json",
            summary_with(|v| {
                v["status"]["indicator"] = "major".into();
                v["status"]["description"] = "Major System Outage".into();
                v["components"][5]["status"] = "major_outage".into();
                v["incidents"] = serde_json::json!([inc]);
            }),
        ),
    );
}

fn count<F: Fn(&EventKind) -> bool>(d: &[Draft], f: F) -> usize {
    d.iter().filter(|d| f(&d.kind)).count()
}

#[tokio::test]
async fn status_page_changes_become_events_once_even_after_restart() {
    let server = FixtureServer::start().await;
    server.set(
        "/api/v2/summary.json",
        Reply::Ok("application/json", fixture("statuspage/summary.json")),
    );
    server.set(
        "/api/v2/incidents.json",
        Reply::Ok("application/json", fixture("statuspage/incidents.json")),
    );
    let cfg = source(
        "GitHub",
        SourceKind::Statuspage(StatuspageConfig {
            url: server.url(),
            auth: None,
            role: None,
            budget: sources::budget::DEFAULT_PER_MINUTE,
        }),
    );
    let (tx, mut rx) = mpsc::channel(256);
    let task = sources::spawn(&cfg, tx.clone());
    let mut all: Vec<Draft> = Vec::new();

    // 1. Operational.
    server.wait_hits("/api/v2/summary.json", 3, WAIT).await;
    all.extend(drain_for(&mut rx, Duration::from_millis(100)).await);
    assert_eq!(
        count(&all, |k| matches!(k, EventKind::StatusComponent { .. })),
        8
    );
    assert_eq!(
        count(&all, |k| matches!(k, EventKind::StatusPage { .. })),
        1,
        "{:?}",
        kinds(&all)
    );

    // 2. Major outage: Actions down, an incident with its first update.
    stage_outage(&server, 1);
    collect_until(&mut rx, &mut all, WAIT, "the first incident update", |d| {
        matches!(d.kind, EventKind::StatusIncident { .. })
    })
    .await;
    server.wait_hits("/api/v2/summary.json", 3, WAIT).await;
    all.extend(drain_for(&mut rx, Duration::from_millis(100)).await);
    assert_eq!(
        count(
            &all,
            |k| matches!(k, EventKind::StatusComponent { status, component, .. } if status == "major_outage" && component == "GitHub Actions")
        ),
        1
    );
    assert_eq!(
        count(
            &all,
            |k| matches!(k, EventKind::StatusPage { indicator, .. } if indicator == "major")
        ),
        1
    );
    assert_eq!(
        count(&all, |k| matches!(k, EventKind::StatusIncident { .. })),
        1
    );

    // 3. A new update.
    stage_outage(&server, 2);
    server.wait_hits("/api/v2/summary.json", 3, WAIT).await;
    all.extend(drain_for(&mut rx, Duration::from_millis(100)).await);
    assert_eq!(
        count(&all, |k| matches!(k, EventKind::StatusIncident { .. })),
        2,
        "{:?}",
        kinds(&all)
    );

    // Restart: a new source task seeded from the folded incident sends nothing again.
    task.abort();
    let folded = fold(&all);
    let before = all.len();
    let task = sources::spawn_seeded(&cfg, tx.clone(), &folded);
    server.wait_hits("/api/v2/summary.json", 4, WAIT).await;
    let after_restart = drain_for(&mut rx, Duration::from_millis(100)).await;
    assert!(
        after_restart.is_empty(),
        "duplicates after restart: {:?}",
        kinds(&after_restart)
    );
    assert_eq!(all.len(), before);

    // 4. Resolved: the incident leaves summary.json; its last updates come from incidents.json.
    server.set(
        "/api/v2/summary.json",
        Reply::Ok("application/json", fixture("statuspage/summary.json")),
    );
    collect_until(
        &mut rx,
        &mut all,
        WAIT,
        "the resolved update",
        |d| matches!(&d.kind, EventKind::StatusIncident { status, .. } if status == "resolved"),
    )
    .await;
    server.wait_hits("/api/v2/summary.json", 3, WAIT).await;
    all.extend(drain_for(&mut rx, Duration::from_millis(100)).await);
    task.abort();

    let inc = fold(&all);
    let page = &inc.pages[0];
    assert_eq!(
        page.incidents.len(),
        1,
        "only the incident seen open: {:?}",
        page.incidents
    );
    let pi = &page.incidents[0];
    assert_eq!(pi.status, "resolved");
    assert_eq!(pi.updates.len(), 6, "every update once");
    assert_eq!(page.indicator.as_deref(), Some("none"));
    assert!(page.components.iter().all(|c| c.status == "operational"));
    let texts: Vec<&str> = inc
        .timeline
        .iter()
        .filter(|e| e.kind == EntryKind::Status)
        .map(|e| e.text.as_str())
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("GitHub Actions: operational → major outage")),
        "{texts:#?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains("resolved: Incident with Pages and Actions")),
        "{texts:#?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains("major outage → operational")),
        "{texts:#?}"
    );
    // incidents.json was read only when needed.
    assert!(server.hits("/api/v2/incidents.json") >= 1);
}

// ---- feed changing between polls ----------------------------------------------------------

#[tokio::test]
async fn feed_new_entry_once_and_no_duplicates_after_restart() {
    let server = FixtureServer::start().await;
    let atom = fixture_str("feeds/githubstatus_history.atom");
    server.set(
        "/history.atom",
        Reply::Ok("application/atom+xml", atom.clone().into_bytes()),
    );
    let cfg = source(
        "GitHub history",
        SourceKind::Feed(FeedConfig {
            url: format!("{}/history.atom", server.url()),
            auth: None,
            role: None,
        }),
    );
    let (tx, mut rx) = mpsc::channel(256);
    let task = sources::spawn(&cfg, tx.clone());
    server.wait_hits("/history.atom", 3, WAIT).await;
    let mut all = drain_for(&mut rx, Duration::from_millis(100)).await;
    assert_eq!(
        count(&all, |k| matches!(k, EventKind::StatusIncident { .. })),
        5
    );

    // A new incident appears at the top of the feed, with a hostile body.
    let entry = "<entry>\n    <id>tag:www.githubstatus.com,2005:Incident/99999999</id>\n    <published>2026-08-22T03:40:00Z</published>\n    <updated>2026-08-22T03:40:00Z</updated>\n    <title>Degraded performance for Git Operations</title>\n    <content type=\"html\">&lt;p&gt;&lt;small&gt;Aug 22, 03:40 UTC&lt;/small&gt;&lt;br&gt;&lt;strong&gt;Investigating&lt;/strong&gt; - We are investigating reports.\u{1b}]52;c;ZXZpbA==\u{7}&lt;/p&gt;</content>\n  </entry>\n  ";
    let pos = atom.find("<entry>").expect("an entry");
    let changed = format!("{}{}{}", &atom[..pos], entry, &atom[pos..]);
    server.set(
        "/history.atom",
        Reply::Ok("application/atom+xml", changed.into_bytes()),
    );
    let d = collect_until(&mut rx, &mut all, WAIT, "the new entry", |d| {
        matches!(d.kind, EventKind::StatusIncident { .. })
    })
    .await;
    let EventKind::StatusIncident {
        title,
        status,
        body,
        ..
    } = &d.kind
    else {
        unreachable!()
    };
    assert_eq!(title, "Degraded performance for Git Operations");
    assert_eq!(status, "investigating");
    assert!(
        body.contains("We are investigating reports.")
            && !body.contains("52;c")
            && !body.contains('\u{1b}'),
        "{body:?}"
    );
    server.wait_hits("/history.atom", 3, WAIT).await;
    all.extend(drain_for(&mut rx, Duration::from_millis(100)).await);
    assert_eq!(
        count(&all, |k| matches!(k, EventKind::StatusIncident { .. })),
        6
    );

    task.abort();
    let task = sources::spawn_seeded(&cfg, tx, &fold(&all));
    server.wait_hits("/history.atom", 3, WAIT).await;
    let again = drain_for(&mut rx, Duration::from_millis(100)).await;
    assert!(
        again.is_empty(),
        "duplicates after restart: {:?}",
        kinds(&again)
    );
    task.abort();
    let inc = fold(&all);
    assert_eq!(
        inc.pages[0]
            .incidents
            .iter()
            .filter(|i| i.is_open())
            .count(),
        1
    );
}

// ---- reports over HTTP --------------------------------------------------------------------

#[tokio::test]
async fn reports_source_defines_ratio_then_sends_new_points_only() {
    let server = FixtureServer::start().await;
    server.set(
        "/chart",
        Reply::Ok(
            "application/json",
            fixture("outage_reports/downdetector_api_readme_excerpt.json"),
        ),
    );
    let cfg = source(
        "downdetector",
        SourceKind::Reports(ReportsConfig {
            url: format!("{}/chart", server.url()),
            query: None,
            reports_pointer: "/reports".into(),
            baseline_pointer: "/baseline".into(),
            ratio: 3.0,
            crit_ratio: Some(10.0),
            auth: None,
            hysteresis: None,
            dwell: None,
        }),
    );
    let (tx, mut rx) = mpsc::channel(64);
    let task = sources::spawn(&cfg, tx);
    server.wait_hits("/chart", 4, WAIT).await;
    let all = drain_for(&mut rx, Duration::from_millis(100)).await;
    task.abort();
    assert!(
        matches!(&all[0].kind, EventKind::SignalDefined { series, warn: Some(w), crit: Some(c), .. } if series == "downdetector" && *w == 3.0 && *c == 10.0)
    );
    assert_eq!(
        count(&all, |k| matches!(k, EventKind::Reports { .. })),
        4,
        "{:?}",
        kinds(&all)
    );
    let inc = fold(&all);
    assert!(
        inc.timeline
            .iter()
            .any(|e| e.kind == EntryKind::Reports && e.text.contains("spike crit"))
    );
}

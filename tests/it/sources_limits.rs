//! Sources under faults and floods (issue 10, points 3, 6 and 7): a drill at an absurd
//! speed, a source task that panics, a status page whose 5,000 components flap on every
//! poll, and an Alertmanager notification of 10,000 alerts.

use crate::support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::Utc;
use support::*;
use tokio::sync::mpsc;
use warroom::config::{AlertmanagerConfig, SourceKind, StatuspageConfig};
use warroom::incident::state::MAX_PAGE_COMPONENTS;
use warroom::incident::{Actor, Draft, EntryKind, EventKind};
use warroom::sources::{self, alertmanager, drill, statuspage};

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test]
async fn a_drill_at_speed_1e_minus_300_plays_instead_of_panicking() {
    let text = r#"{"warroom_drill":1,"name":"tiny","title":"DRILL: tiny","severity":"SEV3","speed":1,"duration":1}
{"t":0,"by":"system","kind":{"type":"note","text":"first"}}
{"t":0.0005,"by":"system","kind":{"type":"note","text":"second"}}
"#;
    let d = drill::parse(text).expect("drill parses");
    let (tx, mut rx) = mpsc::channel::<Draft>(16);
    // The room passes the configured speed through; 1e-300 is brought to 0.01.
    let task = drill::spawn_at("tiny", d, 1e-300, Utc::now(), tx);
    let mut notes = Vec::new();
    while notes.len() < 2 {
        let got = tokio::time::timeout(WAIT, rx.recv())
            .await
            .expect("the drill keeps playing")
            .expect("the drill task is alive");
        notes.push(got.kind);
    }
    assert!(
        notes.iter().all(|k| matches!(k, EventKind::Note { .. })),
        "{notes:?}"
    );
    task.await.expect("the drill ends cleanly");
}

#[test]
fn check_refuses_an_out_of_range_speed_naming_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        "[incident]\ntitle = \"t\"\n\n[[source]]\nkind = \"drill\"\nname = \"d\"\npath = \"checkout-outage.jsonl\"\nspeed = 1e-300\n",
    )
    .expect("write config");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
        .arg("check")
        .arg("--config")
        .arg(&cfg)
        .current_dir(dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .output()
        .expect("run warroom check");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains(":8:"), "names line 8: {said}");
    assert!(
        said.contains("`speed` 1e-300 is outside 0.01 to 10000"),
        "{said}"
    );
}

#[tokio::test]
async fn a_panicking_source_is_shown_and_restarted() {
    let (tx, mut rx) = mpsc::channel::<Draft>(16);
    let starts = Arc::new(AtomicU64::new(0));
    let seen = starts.clone();
    let sup = sources::supervise("checkout drill".into(), tx.clone(), move |restart| {
        seen.fetch_add(1, Ordering::SeqCst);
        let tx = tx.clone();
        tokio::spawn(async move {
            if !restart {
                panic!("deliberate test panic: a source bug");
            }
            let _ = tx
                .send(Draft::new(
                    Utc::now(),
                    Actor::source("checkout drill"),
                    EventKind::Note {
                        text: "restarted".into(),
                    },
                ))
                .await;
        })
    });
    let mut got = Vec::new();
    collect_until(&mut rx, &mut got, WAIT, "the restarted task's note", |d| {
        matches!(d.kind, EventKind::Note { .. })
    })
    .await;
    sup.await.expect("the supervisor ends when its task ends");
    assert_eq!(starts.load(Ordering::SeqCst), 2);
    let inc = fold(&got);
    let texts: Vec<&str> = inc
        .timeline
        .iter()
        .filter(|e| e.kind == EntryKind::Source)
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(
        texts,
        vec!["checkout drill stopped: internal error, see log"]
    );
    assert!(!inc.sources["checkout drill"].ok);
}

/// A Statuspage summary with `n` components, all flipping between operational and major
/// outage on every request (the shape of GitHub's summary.json fixture).
fn flapping_page(n: usize) -> Reply {
    let polls = Arc::new(AtomicU64::new(0));
    Reply::Dynamic(Arc::new(move || {
        let k = polls.fetch_add(1, Ordering::SeqCst);
        (200, "application/json".into(), flapping_body(n, k))
    }))
}

fn flapping_body(n: usize, k: u64) -> Vec<u8> {
    let comps: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let down = (i as u64 + k).is_multiple_of(2);
            serde_json::json!({
                "id": format!("c{i}"),
                "name": format!("Component {i}"),
                "status": if down { "major_outage" } else { "operational" },
                "group": false,
                "group_id": null,
                "only_show_if_degraded": false,
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "page": {"id": "x", "name": "shop", "url": "https://status.example.com"},
        "status": {"indicator": "major", "description": "Major System Outage"},
        "components": comps,
        "incidents": [],
    }))
    .unwrap_or_default()
}

#[tokio::test]
async fn a_flapping_page_stays_within_its_budget() {
    let server = FixtureServer::start().await;
    server.set("/api/v2/summary.json", flapping_page(5_000));
    let budget = 300;
    let cfg = source(
        "shop status",
        SourceKind::Statuspage(StatuspageConfig {
            url: server.url(),
            auth: None,
            role: None,
            budget,
        }),
    );
    let (tx, mut rx) = mpsc::channel(100_000);
    let task = sources::spawn(&cfg, tx);
    server.wait_hits("/api/v2/summary.json", 5, WAIT).await;
    let got = drain_for(&mut rx, Duration::from_millis(100)).await;
    task.abort();
    let changes = got
        .iter()
        .filter(|d| matches!(d.kind, EventKind::StatusComponent { .. }))
        .count();
    // Five polls of 5,000 flipping components within one minute: 25,000 changes seen,
    // `budget` recorded.
    assert_eq!(changes, budget as usize, "{}", got.len());
    assert!(got.len() < budget as usize + 10, "{}", got.len());
    let inc = fold(&got);
    assert!(inc.pages[0].components.len() <= MAX_PAGE_COMPONENTS);
}

#[test]
fn changes_over_budget_become_one_summary_a_minute() {
    let t0 = Utc::now();
    let mut page = statuspage::PageState::new("shop status");
    page.budget = sources::budget::Budget::new(600);
    let mut all = Vec::new();
    // 60 s of polls every 2 s, then the first poll of the next minute.
    for k in 0..=30u64 {
        let body = flapping_body(5_000, k);
        let summary = statuspage::parse_summary(&body, "application/json").expect("parses");
        let now = t0 + chrono::Duration::seconds(2 * k as i64);
        let kinds = page.apply_summary_at(&summary, now);
        // At most one change per component per poll.
        let mut names: Vec<&str> = kinds
            .iter()
            .filter_map(|k| match k {
                EventKind::StatusComponent { component, .. } => Some(component.as_str()),
                _ => None,
            })
            .collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n);
        all.extend(
            kinds
                .into_iter()
                .map(|k| Draft::new(now, Actor::source("shop status"), k)),
        );
    }
    let component_events = all
        .iter()
        .filter(|d| matches!(d.kind, EventKind::StatusComponent { .. }))
        .count();
    assert!(component_events <= 1_200, "{component_events}");
    let summaries: Vec<&str> = all
        .iter()
        .filter_map(|d| match &d.kind {
            EventKind::StatusSummary { text, changes, .. } if *changes > 0 => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(summaries.len(), 1, "{summaries:#?}");
    assert!(
        summaries[0]
            .ends_with("component changes in the last minute, 2,500 components now degraded"),
        "{}",
        summaries[0]
    );
    let inc = fold(&all);
    let texts: Vec<&str> = inc.timeline.iter().map(|e| e.text.as_str()).collect();
    assert!(
        texts.iter().any(|t| t.starts_with("[shop status] ")
            && t.contains("component changes in the last minute")),
        "{texts:#?}"
    );
    assert!(inc.pages[0].components.len() <= MAX_PAGE_COMPONENTS);
}

// ---- Alertmanager: a big notification -------------------------------------------------

async fn receiver(max_body: usize) -> (String, mpsc::Receiver<Draft>, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let cfg = AlertmanagerConfig {
        listen: addr,
        path: "/alertmanager".into(),
        token_env: None,
        max_body,
    };
    let (tx, rx) = mpsc::channel(20_000);
    let task = tokio::spawn(async move {
        let known = warroom::incident::Incident::new();
        let _ = alertmanager::serve_on(listener, "alertmanager", &cfg, tx, &known).await;
    });
    (format!("http://{addr}/alertmanager"), rx, task)
}

/// The real notification with its first alert repeated `n` times, each a different
/// instance and fingerprint (as Alertmanager groups a fleet-wide alert).
fn big_notification(n: usize) -> Vec<u8> {
    let mut v: serde_json::Value =
        serde_json::from_slice(&fixture("alertmanager/webhook_firing.json")).expect("fixture");
    let one = v["alerts"][0].clone();
    let alerts: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let mut a = one.clone();
            a["labels"]["instance"] = format!("node{i}:9101").into();
            a["fingerprint"] = format!("{i:016x}").into();
            a
        })
        .collect();
    v["alerts"] = serde_json::Value::Array(alerts);
    serde_json::to_vec(&v).expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_alerts_in_one_post_are_accepted() {
    let body = big_notification(10_000);
    assert!(body.len() > 1024 * 1024, "over the old 1 MiB limit");
    let (url, mut rx, task) = receiver(alertmanager::DEFAULT_MAX_BODY).await;
    let resp = reqwest::Client::new()
        .post(&url)
        .body(body)
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status().as_u16(), 200);
    let got = drain_for(&mut rx, Duration::from_millis(300)).await;
    assert_eq!(got.len(), 10_000);
    assert_eq!(fold(&got).firing().len(), 10_000);
    task.abort();
}

#[tokio::test]
async fn a_body_over_max_body_gets_413_saying_which_setting() {
    let (url, mut rx, task) = receiver(64 * 1024).await;
    let resp = reqwest::Client::new()
        .post(&url)
        .body(big_notification(300))
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status().as_u16(), 413);
    let said = resp.text().await.expect("text");
    assert!(said.contains("max_body (65536 bytes)"), "{said}");
    assert!(said.contains("raise max_body"), "{said}");
    assert!(
        drain_for(&mut rx, Duration::from_millis(100))
            .await
            .is_empty()
    );
    task.abort();
}

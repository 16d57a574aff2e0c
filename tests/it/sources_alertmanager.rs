//! The Alertmanager receiver: its HTTP contract (bearer token, size cap, bad payloads,
//! repeats) with the real fixtures, and end to end with a REAL Prometheus rule firing
//! through a REAL Alertmanager to warroom's listener, then resolving.

use crate::support;

use std::time::Duration;

use support::*;
use tokio::sync::mpsc;
use warroom::config::AlertmanagerConfig;
use warroom::incident::{AlertState, Draft, EventKind, Incident};
use warroom::sources::alertmanager;

const WAIT: Duration = Duration::from_secs(60);

/// Starts the receiver on a free port with the token in $HOME (always set; stands in for a
/// secret); returns its URL and the drafts channel.
async fn receiver(
    known: &Incident,
) -> (String, mpsc::Receiver<Draft>, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let cfg = AlertmanagerConfig {
        listen: addr,
        path: "/alertmanager".into(),
        token_env: Some("HOME".into()),
        max_body: warroom::sources::alertmanager::DEFAULT_MAX_BODY,
    };
    let (tx, rx) = mpsc::channel(256);
    let known = known.clone();
    let task = tokio::spawn(async move {
        let _ = alertmanager::serve_on(listener, "alertmanager", &cfg, tx, &known).await;
    });
    (format!("http://{addr}/alertmanager"), rx, task)
}

fn token() -> String {
    std::env::var("HOME").expect("HOME")
}

async fn post(url: &str, auth: Option<&str>, body: Vec<u8>) -> u16 {
    let mut req = reqwest::Client::new().post(url).body(body);
    if let Some(t) = auth {
        req = req.bearer_auth(t);
    }
    req.send().await.expect("post").status().as_u16()
}

#[tokio::test]
async fn receiver_checks_token_size_and_payload_and_ignores_repeats() {
    let (url, mut rx, task) = receiver(&Incident::new()).await;
    let firing = fixture("alertmanager/webhook_firing.json");
    assert_eq!(post(&url, None, firing.clone()).await, 401);
    assert_eq!(post(&url, Some("wrong"), firing.clone()).await, 401);
    assert!(
        drain_for(&mut rx, Duration::from_millis(100))
            .await
            .is_empty()
    );

    assert_eq!(post(&url, Some(&token()), firing.clone()).await, 200);
    assert_eq!(
        post(&url, Some(&token()), firing.clone()).await,
        200,
        "a repeat is accepted"
    );
    let got = drain_for(&mut rx, Duration::from_millis(200)).await;
    assert_eq!(
        got.len(),
        3,
        "three alerts, the repeat adds nothing: {:?}",
        kinds(&got)
    );

    assert_eq!(
        post(
            &url,
            Some(&token()),
            fixture("alertmanager/webhook_resolved.json")
        )
        .await,
        200
    );
    let mut all = got;
    all.extend(drain_for(&mut rx, Duration::from_millis(200)).await);
    assert_eq!(all.len(), 4);
    let inc = fold(&all);
    assert_eq!(inc.firing().len(), 3);
    assert!(inc.firing().iter().all(|a| a.name == "主机CPU使用率"));

    // Over the cap (max_body, 16 MiB by default): 413, nothing recorded.
    let mut big = b"{\"alerts\":[],\"pad\":\"".to_vec();
    big.extend(std::iter::repeat_n(
        b'x',
        warroom::sources::alertmanager::DEFAULT_MAX_BODY,
    ));
    big.extend(b"\"}");
    assert_eq!(post(&url, Some(&token()), big).await, 413);
    // Not a webhook: 400.
    assert_eq!(post(&url, Some(&token()), b"<html>".to_vec()).await, 400);
    assert!(
        drain_for(&mut rx, Duration::from_millis(100))
            .await
            .is_empty()
    );
    task.abort();

    // A restarted receiver seeded from the folded incident does not record them again.
    let (url, mut rx, task) = receiver(&inc).await;
    assert_eq!(post(&url, Some(&token()), firing).await, 200);
    assert!(
        drain_for(&mut rx, Duration::from_millis(200))
            .await
            .is_empty()
    );
    task.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_rule_fires_through_real_alertmanager_then_resolves() {
    let test = "prometheus_rule_fires_through_real_alertmanager_then_resolves";
    if !require(test, PROMETHEUS, "prometheus")
        || !require(test, PUSHGATEWAY, "prometheus-pushgateway")
        || !require(test, ALERTMANAGER, "prometheus-alertmanager")
    {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (url, mut rx, task) = receiver(&Incident::new()).await;
    let (pg_port, prom_port, am_port) = (free_port(), free_port(), free_port());

    let pg = start_pushgateway(dir.path(), pg_port);
    wait_ready(&format!("http://127.0.0.1:{pg_port}/-/ready"), &pg, WAIT).await;
    push(pg_port, "checkout_error_ratio", 0.001).await;

    let am_cfg = format!(
        "global:\n  resolve_timeout: 5s\nroute:\n  receiver: warroom\n  group_by: ['alertname']\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n  - name: warroom\n    webhook_configs:\n      - url: '{url}'\n        send_resolved: true\n        http_config:\n          authorization:\n            credentials: '{}'\n",
        token()
    );
    std::fs::write(dir.path().join("alertmanager.yml"), am_cfg).expect("am config");
    let am = Proc::spawn(
        "alertmanager",
        ALERTMANAGER,
        &[
            format!(
                "--config.file={}",
                dir.path().join("alertmanager.yml").display()
            ),
            format!("--storage.path={}", dir.path().join("am-data").display()),
            format!("--web.listen-address=127.0.0.1:{am_port}"),
            "--cluster.listen-address=".into(),
        ],
        dir.path(),
    );
    wait_ready(&format!("http://127.0.0.1:{am_port}/-/ready"), &am, WAIT).await;

    let rules = "groups:\n  - name: warroom\n    rules:\n      - alert: CheckoutErrors\n        expr: checkout_error_ratio > 0.05\n        labels:\n          severity: page\n        annotations:\n          summary: 'Checkout errors at {{ $value }}'\n";
    let prom = start_prometheus(dir.path(), prom_port, pg_port, Some(rules), Some(am_port));
    wait_ready(
        &format!("http://127.0.0.1:{prom_port}/-/ready"),
        &prom,
        WAIT,
    )
    .await;

    // Over the rule's threshold: Prometheus fires, Alertmanager delivers, warroom records.
    push(pg_port, "checkout_error_ratio", 0.2).await;
    let mut all = Vec::new();
    let d = collect_until(&mut rx, &mut all, WAIT, "the firing alert", |d| {
        matches!(
            &d.kind,
            EventKind::Alert {
                state: AlertState::Firing,
                ..
            }
        )
    })
    .await;
    let EventKind::Alert {
        name,
        labels,
        summary,
        fingerprint,
        ..
    } = &d.kind
    else {
        unreachable!()
    };
    assert_eq!(name, "CheckoutErrors");
    assert_eq!(labels.get("severity").map(String::as_str), Some("page"));
    assert_eq!(summary, "Checkout errors at 0.2");
    assert!(fingerprint.is_some());
    let inc = fold(&all);
    assert_eq!(inc.firing().len(), 1);
    assert!(
        inc.timeline
            .iter()
            .any(|e| e.text.starts_with("Alert firing: CheckoutErrors")
                && e.text.ends_with(" — Checkout errors at 0.2")),
        "{:#?}",
        inc.timeline
    );

    // Cleared: resolved.
    push(pg_port, "checkout_error_ratio", 0.0).await;
    collect_until(&mut rx, &mut all, WAIT, "the resolved alert", |d| {
        matches!(
            &d.kind,
            EventKind::Alert {
                state: AlertState::Resolved,
                ..
            }
        )
    })
    .await;
    task.abort();
    let inc = fold(&all);
    assert!(inc.firing().is_empty());
    assert_eq!(inc.alerts.len(), 1);
    assert!(
        inc.timeline
            .iter()
            .any(|e| e.text.starts_with("Alert resolved: CheckoutErrors")),
        "{:#?}",
        inc.timeline
    );
    let alert_events = all
        .iter()
        .filter(|d| matches!(d.kind, EventKind::Alert { .. }))
        .count();
    assert_eq!(
        alert_events,
        2,
        "one firing, one resolved: {:?}",
        kinds(&all)
    );
    drop((prom, am, pg));
}

#[tokio::test]
async fn a_taken_port_is_a_source_error_and_the_receiver_starts_once_free() {
    let blocker = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = blocker.local_addr().expect("addr");
    let cfg = warroom::config::SourceConfig {
        name: "alertmanager".into(),
        every: Duration::from_secs(15),
        timeout: Duration::from_secs(10),
        max_bytes: 5 * 1024 * 1024,
        line: 1,
        kind: warroom::config::SourceKind::Alertmanager(AlertmanagerConfig {
            listen: addr,
            path: "/hook".into(),
            token_env: None,
            max_body: warroom::sources::alertmanager::DEFAULT_MAX_BODY,
        }),
    };
    let (tx, mut rx) = mpsc::channel(64);
    let task = warroom::sources::spawn(&cfg, tx);
    let mut got = Vec::new();
    let d = collect_until(&mut rx, &mut got, WAIT, "a listen error", |d| {
        is_health(d, false)
    })
    .await;
    assert!(
        health_error(&d).starts_with(&format!("cannot listen on {addr}")),
        "{}",
        health_error(&d)
    );
    // The port frees up: the receiver binds on its next try (backoff 5-10 s) and reports ok.
    drop(blocker);
    collect_until(&mut rx, &mut got, WAIT, "recovery", |d| is_health(d, true)).await;
    let status = post(
        &format!("http://{addr}/hook"),
        None,
        fixture("alertmanager/webhook_resolved.json"),
    )
    .await;
    assert_eq!(status, 200, "no token configured: accepted");
    let d = collect_until(&mut rx, &mut got, WAIT, "the alert", |d| {
        matches!(d.kind, EventKind::Alert { .. })
    })
    .await;
    assert!(matches!(
        &d.kind,
        EventKind::Alert {
            state: AlertState::Resolved,
            ..
        }
    ));
    task.abort();
}

//! The Prometheus source against a REAL Prometheus scraping a REAL pushgateway, both started
//! here on free loopback ports with temporary storage: pushed values are read, a threshold
//! crossing shows in the folded timeline, stopping Prometheus makes the source fail with an
//! error, and starting it again makes it recover.

use crate::support;

use std::time::Duration;

use support::*;
use tokio::sync::mpsc;
use warroom::config::{PrometheusConfig, ReportsConfig, SourceKind};
use warroom::incident::{Direction, Draft, EntryKind, EventKind, Level};
use warroom::sources;

const WAIT: Duration = Duration::from_secs(60);

fn value_of(d: &Draft) -> Option<f64> {
    match &d.kind {
        EventKind::Metric { value, .. } => Some(*value),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_pushed_values_sees_crossing_survives_prometheus_restart() {
    let test = "reads_pushed_values_sees_crossing_survives_prometheus_restart";
    if !require(test, PROMETHEUS, "prometheus")
        || !require(test, PUSHGATEWAY, "prometheus-pushgateway")
    {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (pg_port, prom_port) = (free_port(), free_port());
    let pg = start_pushgateway(dir.path(), pg_port);
    wait_ready(&format!("http://127.0.0.1:{pg_port}/-/ready"), &pg, WAIT).await;
    push(pg_port, "checkout_error_ratio", 0.002).await;
    let mut prom = start_prometheus(dir.path(), prom_port, pg_port, None, None);
    let prom_url = format!("http://127.0.0.1:{prom_port}");
    wait_ready(&format!("{prom_url}/-/ready"), &prom, WAIT).await;

    let mut cfg = source(
        "checkout error rate",
        SourceKind::Prometheus(PrometheusConfig {
            url: prom_url.clone(),
            query: "checkout_error_ratio".into(),
            window: Duration::from_secs(120),
            unit: "%".into(),
            warn: Some(0.01),
            crit: Some(0.05),
            direction: Direction::Above,
            label: None,
            auth: None,
            hysteresis: None,
            dwell: None,
        }),
    );
    cfg.every = Duration::from_millis(500);
    cfg.timeout = Duration::from_secs(2);
    let (tx, mut rx) = mpsc::channel(1024);
    let task = sources::spawn(&cfg, tx);
    let mut all = Vec::new();

    // The pushed value arrives (once Prometheus has scraped it).
    collect_until(&mut rx, &mut all, WAIT, "the pushed 0.002", |d| {
        value_of(d) == Some(0.002)
    })
    .await;
    assert!(
        matches!(&all[0].kind, EventKind::SignalDefined { series, crit: Some(c), .. } if series == "checkout error rate" && *c == 0.05)
    );

    // Over the crit threshold.
    push(pg_port, "checkout_error_ratio", 0.08).await;
    collect_until(&mut rx, &mut all, WAIT, "the pushed 0.08", |d| {
        value_of(d) == Some(0.08)
    })
    .await;
    // A crossing counts once it held for two samples (the default dwell).
    collect_until(&mut rx, &mut all, WAIT, "a second 0.08", |d| {
        value_of(d) == Some(0.08)
    })
    .await;
    let inc = fold(&all);
    let sig = &inc.signals["checkout error rate"];
    assert_eq!(sig.level, Level::Crit);
    let crossings: Vec<&str> = inc
        .timeline
        .iter()
        .filter(|e| e.kind == EntryKind::Signal)
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(crossings, ["checkout error rate crit: 8% (≥ 5%)"]);
    assert!(inc.times.detected.is_some());

    // Prometheus goes away: the source fails with a connection error, the fold shows it.
    // (Under load a poll may also time out, before or after: that is a failure of its own,
    // with its own text, so the test waits for the connection error, not the first failure.)
    prom.stop();
    collect_until(&mut rx, &mut all, WAIT, "source failing to connect", |d| {
        is_health(d, false) && health_error(d).starts_with("cannot connect")
    })
    .await;
    let inc = fold(&all);
    let st = &inc.sources["checkout error rate"];
    assert!(!st.ok);
    assert!(
        st.error
            .as_deref()
            .is_some_and(|e| e.starts_with("cannot connect"))
    );

    // Back on the same port and storage: the source recovers (after its backoff) and reads on.
    push(pg_port, "checkout_error_ratio", 0.003).await;
    let prom2 = start_prometheus(dir.path(), prom_port, pg_port, None, None);
    wait_ready(&format!("{prom_url}/-/ready"), &prom2, WAIT).await;
    collect_until(&mut rx, &mut all, WAIT, "recovery", |d| is_health(d, true)).await;
    collect_until(&mut rx, &mut all, WAIT, "the value after recovery", |d| {
        value_of(d) == Some(0.003)
    })
    .await;
    collect_until(
        &mut rx,
        &mut all,
        WAIT,
        "a second value after recovery",
        |d| value_of(d) == Some(0.003),
    )
    .await;
    task.abort();
    let inc = fold(&all);
    assert!(inc.sources["checkout error rate"].ok);
    assert_eq!(inc.signals["checkout error rate"].level, Level::Ok);
    // Health events say changes, never one per failed poll: the outage spanned many polls
    // with the same connection error, yet each state is said once, and the last word is
    // the recovery. (A poll timing out under load is a change of its own and may add a
    // failing/recovered pair; it cannot add a repeat.)
    let health: Vec<(bool, String)> = all
        .iter()
        .filter_map(|d| match &d.kind {
            EventKind::SourceHealth { ok, error, .. } => {
                Some((*ok, error.clone().unwrap_or_default()))
            }
            _ => None,
        })
        .collect();
    assert!(
        health.windows(2).all(|w| w[0] != w[1]),
        "a health event repeats the one before it: {health:#?}"
    );
    let outage = health
        .iter()
        .filter(|(ok, e)| !ok && e.starts_with("cannot connect"))
        .count();
    assert_eq!(outage, 1, "one outage, said once: {health:#?}");
    assert_eq!(health.last().map(|h| h.0), Some(true), "{health:#?}");
    assert!(
        inc.timeline
            .iter()
            .any(|e| e.text == "checkout error rate back to normal: 0.30%"),
        "{:#?}",
        inc.timeline
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backfill_fills_the_chart_and_labels_name_series() {
    let test = "backfill_fills_the_chart_and_labels_name_series";
    if !require(test, PROMETHEUS, "prometheus")
        || !require(test, PUSHGATEWAY, "prometheus-pushgateway")
    {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (pg_port, prom_port) = (free_port(), free_port());
    let pg = start_pushgateway(dir.path(), pg_port);
    wait_ready(&format!("http://127.0.0.1:{pg_port}/-/ready"), &pg, WAIT).await;
    for (region, v) in [("eu", 120.0), ("us", 80.0)] {
        let url = format!("http://127.0.0.1:{pg_port}/metrics/job/warroom_test/region/{region}");
        let r = reqwest::Client::new()
            .put(url)
            .body(format!("orders_per_minute {v}\n"))
            .send()
            .await
            .expect("push");
        assert!(r.status().is_success());
    }
    let prom = start_prometheus(dir.path(), prom_port, pg_port, None, None);
    let prom_url = format!("http://127.0.0.1:{prom_port}");
    wait_ready(&format!("{prom_url}/-/ready"), &prom, WAIT).await;
    // Let Prometheus collect a few seconds of history to backfill.
    let client = reqwest::Client::new();
    let t0 = tokio::time::Instant::now();
    loop {
        let body = client
            .get(format!(
                "{prom_url}/api/v1/query?query=count_over_time(orders_per_minute[1m])"
            ))
            .send()
            .await
            .expect("query")
            .text()
            .await
            .unwrap_or_default();
        if body.contains("\"5\"") || body.contains("\"6\"") || body.contains("\"7\"") {
            break;
        }
        assert!(t0.elapsed() < WAIT, "no history: {body}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let mut cfg = source(
        "orders",
        SourceKind::Prometheus(PrometheusConfig {
            url: prom_url.clone(),
            query: "orders_per_minute".into(),
            window: Duration::from_secs(60),
            unit: "/min".into(),
            warn: Some(100.0),
            crit: Some(50.0),
            direction: Direction::Below,
            label: Some("orders {{region}}".into()),
            auth: None,
            hysteresis: None,
            dwell: None,
        }),
    );
    cfg.every = Duration::from_secs(1);
    let (tx, mut rx) = mpsc::channel(1024);
    let task = sources::spawn(&cfg, tx);
    // The first poll is the backfill: several points per series at once.
    let all = drain_for(&mut rx, Duration::from_millis(800)).await;
    task.abort();
    let inc = fold(&all);
    let eu = &inc.signals["orders eu"];
    let us = &inc.signals["orders us"];
    assert!(
        eu.series.len() >= 4,
        "backfilled points: {}",
        eu.series.len()
    );
    assert!(us.series.len() >= 4);
    assert_eq!(eu.level, Level::Ok);
    assert_eq!(us.level, Level::Warn, "80/min is low (direction below)");
    // Also the reports source in query mode, against the same server.
    let cfg = source(
        "reports via prometheus",
        SourceKind::Reports(ReportsConfig {
            url: prom_url,
            query: Some("sum(orders_per_minute)".into()),
            reports_pointer: "/reports".into(),
            baseline_pointer: "/baseline".into(),
            ratio: 3.0,
            crit_ratio: None,
            auth: None,
            hysteresis: None,
            dwell: None,
        }),
    );
    let (tx, mut rx) = mpsc::channel(64);
    let task = sources::spawn(&cfg, tx);
    let mut got = Vec::new();
    let d = collect_until(&mut rx, &mut got, WAIT, "a reports point", |d| {
        matches!(d.kind, EventKind::Reports { .. })
    })
    .await;
    task.abort();
    let EventKind::Reports {
        count, baseline, ..
    } = d.kind
    else {
        unreachable!()
    };
    assert_eq!(count, 200);
    // The baseline subquery steps on 15-minute boundaries: with seconds of history there may
    // be none yet; when there is, it is the same constant.
    assert!(baseline.is_none_or(|b| b == 200.0), "{baseline:?}");
}

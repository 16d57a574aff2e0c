//! The source parsers against every real payload in ../shared/fixtures (unchanged), and
//! hostile variants of them: HTML pages, truncated JSON, escape sequences in bodies.

use crate::support;

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use support::{fixture, fold};
use warroom::config::{PrometheusConfig, ReportsConfig};
use warroom::incident::{
    Actor, AlertState, Direction, Draft, EntryKind, EventKind, Incident, Level,
};
use warroom::sources::http::{parse_json, status_error};
use warroom::sources::receiver::PayloadError;
use warroom::sources::{alertmanager, feed, prometheus, reports, statuspage};

fn prom_config(label: Option<&str>) -> PrometheusConfig {
    PrometheusConfig {
        url: "http://127.0.0.1:9".into(),
        query: "up".into(),
        window: std::time::Duration::from_secs(1800),
        unit: String::new(),
        warn: Some(0.5),
        crit: None,
        direction: Direction::Below,
        label: label.map(String::from),
        auth: None,
        hysteresis: None,
        dwell: None,
    }
}

// ---- prometheus -------------------------------------------------------------------------

#[test]
fn prometheus_vector_fixture_gives_one_series_per_target() {
    let series =
        prometheus::parse_response(&fixture("prometheus/query_vector.json"), "application/json")
            .expect("vector parses");
    assert_eq!(series.len(), 2);
    let mut t = prometheus::Tracker::new("up", &prom_config(None));
    let drafts = t.drafts(series);
    let metrics: Vec<(String, f64)> = drafts
        .iter()
        .filter_map(|d| match &d.kind {
            EventKind::Metric { series, value } => Some((series.clone(), *value)),
            _ => None,
        })
        .collect();
    assert_eq!(
        metrics,
        vec![
            (
                "up{instance=localhost:9090,job=prometheus}".to_string(),
                1.0
            ),
            ("up{instance=localhost:9100,job=node}".to_string(), 0.0),
        ]
    );
    // Each series is defined (unit, thresholds, direction) before its first sample.
    let defined = drafts
        .iter()
        .filter(|d| matches!(&d.kind, EventKind::SignalDefined { direction: Direction::Below, warn: Some(w), .. } if *w == 0.5))
        .count();
    assert_eq!(defined, 2);
    assert_eq!(
        drafts[1].at,
        Utc.timestamp_millis_opt(1_435_781_451_781).unwrap()
    );
    // The fold sees node's target down (0 <= 0.5, direction below) as a warn crossing.
    let inc = fold(&drafts);
    assert_eq!(
        inc.signals["up{instance=localhost:9100,job=node}"].level,
        Level::Warn
    );
    assert!(
        inc.timeline
            .iter()
            .any(|e| e.kind == EntryKind::Signal && e.text.contains("job=node"))
    );
}

#[test]
fn prometheus_matrix_fixture_backfills_named_by_template_without_repeats() {
    let series = prometheus::parse_response(
        &fixture("prometheus/query_range_matrix.json"),
        "application/json",
    )
    .expect("matrix parses");
    let mut t = prometheus::Tracker::new("up", &prom_config(Some("up {{job}}")));
    let drafts = t.drafts(series.clone());
    let per_series = |name: &str| {
        drafts
            .iter()
            .filter(|d| matches!(&d.kind, EventKind::Metric { series, .. } if series == name))
            .count()
    };
    assert_eq!(per_series("up prometheus"), 3);
    assert_eq!(per_series("up node"), 3);
    // The same result again (a poll overlapping the backfill) sends nothing new.
    assert!(t.drafts(series).is_empty());
}

#[test]
fn prometheus_error_fixture_is_a_clear_error() {
    let body = fixture("prometheus/error_bad_data.json");
    let e = prometheus::parse_response(&body, "application/json").unwrap_err();
    assert!(e.0.contains("bad_data"), "{e}");
    assert!(e.0.contains("duration must be greater than 0"), "{e}");
    // As an HTTP 400, the error envelope is read too.
    let e = status_error(400, "Bad Request", "application/json", &body);
    assert_eq!(
        e.0,
        "HTTP 400 Bad Request: bad_data: invalid parameter 'query': parse error at char 54: duration must be greater than 0"
    );
}

#[test]
fn prometheus_special_values_and_scalar() {
    // The API docs' format: values are strings, and may be NaN or infinite.
    let body = br#"{"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"r":"a"},"value":[1700000000,"NaN"]},
        {"metric":{"r":"b"},"value":[1700000000,"+Inf"]},
        {"metric":{"r":"c"},"value":[1700000000,"-Inf"]}]}}"#;
    let s = prometheus::parse_response(body, "application/json").expect("parses");
    let v: Vec<f64> = s.iter().map(|s| s.points[0].1).collect();
    assert!(v[0].is_nan());
    assert_eq!(v[1], f64::INFINITY);
    assert_eq!(v[2], f64::NEG_INFINITY);
    let body =
        br#"{"status":"success","data":{"resultType":"scalar","result":[1700000000.5,"42.5"]}}"#;
    let s = prometheus::parse_response(body, "application/json").expect("scalar");
    assert_eq!(s[0].points[0].1, 42.5);
}

#[test]
fn prometheus_truncated_and_html_bodies_are_errors() {
    let full = fixture("prometheus/query_vector.json");
    let e = prometheus::parse_response(&full[..full.len() / 2], "application/json").unwrap_err();
    assert!(e.0.starts_with("truncated JSON"), "{e}");
    let html = b"<!DOCTYPE html><html><head><title>Sign in - Corp SSO</title></head><body>login</body></html>";
    let e = prometheus::parse_response(html, "text/html; charset=utf-8").unwrap_err();
    assert_eq!(
        e.0,
        "not JSON: got an HTML page (text/html): \"Sign in - Corp SSO\" (a proxy or login page?)"
    );
    // Even when a proxy claims application/json.
    let e = parse_json::<serde_json::Value>("application/json", html).unwrap_err();
    assert!(e.0.contains("got an HTML page"), "{e}");
}

// ---- statuspage -------------------------------------------------------------------------

#[test]
fn statuspage_summary_fixture_components_and_indicator() {
    let s = statuspage::parse_summary(&fixture("statuspage/summary.json"), "application/json")
        .expect("summary parses");
    let mut st = statuspage::PageState::new("GitHub");
    let ev = st.apply_summary(&s);
    let comps: Vec<&str> = ev
        .iter()
        .filter_map(|k| match k {
            EventKind::StatusComponent { component, .. } => Some(component.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(comps.len(), 8, "{comps:?}");
    assert!(comps.contains(&"GitHub Actions"));
    assert!(
        !comps.iter().any(|c| c.starts_with("Visit")),
        "a link-only component is not a signal: {comps:?}"
    );
    assert!(ev.iter().any(|k| matches!(k, EventKind::StatusPage { indicator, description, .. } if indicator == "none" && description == "All Systems Operational")));
    // Same summary again: nothing is news.
    assert!(st.apply_summary(&s).is_empty());
    // All operational: one line in the timeline saying so, and the page lists them.
    let inc = fold(&drafts("GitHub", ev));
    let texts: Vec<&str> = inc.timeline.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(
        texts,
        vec!["[GitHub] All Systems Operational, no open incidents"]
    );
    assert_eq!(inc.pages[0].components.len(), 8);
}

fn drafts(name: &str, kinds: Vec<EventKind>) -> Vec<Draft> {
    kinds
        .into_iter()
        .map(|k| Draft::new(Utc::now(), Actor::source(name), k))
        .collect()
}

#[test]
fn statuspage_status_and_components_fixtures() {
    let s = statuspage::parse_summary(&fixture("statuspage/status.json"), "application/json")
        .expect("status.json parses as a summary");
    let mut st = statuspage::PageState::new("GitHub");
    let ev = st.apply_summary(&s);
    // The first poll: opening summary, the page status, the closing summary.
    assert_eq!(ev.len(), 3, "{ev:?}");
    assert!(matches!(&ev[1], EventKind::StatusPage { .. }));
    let s = statuspage::parse_summary(&fixture("statuspage/components.json"), "application/json")
        .expect("components.json parses");
    let ev = st.apply_summary(&s);
    assert_eq!(ev.len(), 2, "{ev:?}");
}

#[test]
fn statuspage_incidents_fixture_every_update_once_oldest_first() {
    let list =
        statuspage::parse_incidents(&fixture("statuspage/incidents.json"), "application/json")
            .expect("incidents.json parses");
    let total: usize = list
        .incidents
        .iter()
        .map(|i| i.incident_updates.len())
        .sum();
    let summary = statuspage::Summary {
        incidents: list.incidents.clone(),
        ..Default::default()
    };
    let mut st = statuspage::PageState::new("GitHub");
    let ev: Vec<EventKind> = st
        .apply_summary(&summary)
        .into_iter()
        .filter(|k| !matches!(k, EventKind::StatusSummary { .. }))
        .collect();
    assert_eq!(ev.len(), total);
    let mut ids = std::collections::HashSet::new();
    let mut last_posted = BTreeMap::new();
    for k in &ev {
        let EventKind::StatusIncident {
            id,
            update_id,
            posted_at,
            body,
            ..
        } = k
        else {
            panic!("only incident updates expected: {k:?}");
        };
        assert!(ids.insert(update_id.clone().expect("update id")));
        let p = posted_at.expect("posted_at");
        if let Some(prev) = last_posted.insert(id.clone(), p) {
            assert!(prev <= p, "updates go oldest first");
        }
        assert!(!body.contains('<'), "HTML reduced to text: {body}");
    }
    assert!(st.apply_summary(&summary).is_empty(), "no duplicates");
    // Fold: both incidents, resolved, with every update.
    let inc = fold(&drafts("GitHub", ev));
    let page = &inc.pages[0];
    assert_eq!(page.incidents.len(), 2);
    assert!(page.incidents.iter().all(|i| i.status == "resolved"));
    assert_eq!(
        page.incidents
            .iter()
            .map(|i| i.updates.len())
            .sum::<usize>(),
        total
    );
}

#[test]
fn statuspage_groups_and_degraded_only_components() {
    let mut v: serde_json::Value =
        serde_json::from_slice(&fixture("statuspage/summary.json")).expect("json");
    let comps = v["components"].as_array_mut().expect("components");
    comps.push(serde_json::json!({"id":"grp1","name":"Codespaces","status":"partial_outage","group":true,"group_id":null,"only_show_if_degraded":false,"components":["m1"]}));
    comps.push(serde_json::json!({"id":"m1","name":"Codespaces EU","status":"partial_outage","group":false,"group_id":"grp1","only_show_if_degraded":false}));
    comps.push(serde_json::json!({"id":"q1","name":"Quiet thing","status":"operational","group":false,"group_id":null,"only_show_if_degraded":true}));
    let s: statuspage::Summary = serde_json::from_value(v.clone()).expect("summary");
    let mut st = statuspage::PageState::new("GitHub");
    let ev = st.apply_summary(&s);
    assert!(ev.iter().any(|k| matches!(k, EventKind::StatusComponent { component, group: Some(g), status, .. } if component == "Codespaces EU" && g == "Codespaces" && status == "partial_outage")));
    assert!(!ev.iter().any(|k| matches!(k, EventKind::StatusComponent { component, .. } if component == "Codespaces" || component == "Quiet thing")));
    // The quiet component shows once degraded.
    v["components"][11]["status"] = "degraded_performance".into();
    let s: statuspage::Summary = serde_json::from_value(v).expect("summary");
    let ev = st.apply_summary(&s);
    assert_eq!(ev.len(), 1, "{ev:?}");
}

#[test]
fn statuspage_body_with_escape_sequences_and_osc52_is_sanitised() {
    let mut v: serde_json::Value =
        serde_json::from_slice(&fixture("statuspage/incidents.json")).expect("json");
    v["incidents"][0]["incident_updates"][0]["body"] =
        "Fixed\u{1b}]52;c;cm0gLXJmIH4=\u{7} now\u{1b}[2J\u{1b}[H<br />really \u{9b}31m".into();
    v["incidents"][0]["name"] = "Pages \u{1b}]0;pwned\u{7}down".into();
    let list: statuspage::IncidentList = serde_json::from_value(v).expect("list");
    let summary = statuspage::Summary {
        incidents: list.incidents,
        ..Default::default()
    };
    let ev = statuspage::PageState::new("GitHub").apply_summary(&summary);
    let all = serde_json::to_string(&ev).expect("json");
    assert!(
        !all.contains("\\u001b") && !all.contains("\\u009b"),
        "{all}"
    );
    assert!(!all.contains("52;c") && !all.contains("pwned"), "{all}");
    assert!(ev.iter().any(|k| matches!(k, EventKind::StatusIncident { body, title, .. } if body.contains("Fixed now") && body.contains("really") && title == "Pages down")), "{all}");
}

// ---- feeds ------------------------------------------------------------------------------

#[test]
fn atom_fixture_first_poll_sends_newest_five_then_only_news() {
    let entries = feed::parse_feed(
        &fixture("feeds/githubstatus_history.atom"),
        "application/atom+xml",
    )
    .expect("atom parses");
    assert_eq!(entries.len(), 25);
    assert!(
        entries.iter().all(|e| e.status == "resolved"),
        "{:?}",
        entries.iter().map(|e| &e.status).collect::<Vec<_>>()
    );
    // Newest activity first: this entry was updated last (22:46:26), though published earlier.
    assert_eq!(entries[0].title, "Incident with Actions");
    let e = entries
        .iter()
        .find(|e| e.title == "Intermittent failures creating agent tasks")
        .expect("entry");
    assert!(
        e.body.contains("This incident has been resolved"),
        "{}",
        e.body
    );
    assert!(
        !e.body.contains("gradual recovery"),
        "only the latest update: {}",
        e.body
    );
    assert!(
        !e.body.contains('<') && !e.body.contains("&lt;"),
        "{}",
        e.body
    );
    assert_eq!(
        e.at,
        Some(Utc.with_ymd_and_hms(2026, 8, 21, 0, 37, 20).unwrap())
    );
    let mut st = feed::FeedState::new("GitHub history");
    let all = st.apply(&entries);
    // Recorded quietly between two summaries; the second is the feed's timeline entry.
    assert!(matches!(
        &all[0],
        EventKind::StatusSummary { opening: true, .. }
    ));
    assert!(
        matches!(all.last(), Some(EventKind::StatusSummary { text, opening: false, .. }) if text == "no open incidents (25 past)")
    );
    let ev = all[1..all.len() - 1].to_vec();
    assert_eq!(ev.len(), feed::FIRST_POLL_ENTRIES);
    // Oldest of the five first, so the timeline reads in order.
    let EventKind::StatusIncident {
        title,
        status,
        posted_at,
        ..
    } = &ev[4]
    else {
        panic!()
    };
    assert_eq!(title, "Incident with Actions");
    assert_eq!(status, "resolved");
    assert!(posted_at.is_some());
    let inc = fold(&drafts("GitHub history", all));
    assert_eq!(inc.pages[0].incidents.len(), 5);
    assert_eq!(inc.timeline.len(), 1, "{:?}", inc.timeline);
    assert!(st.apply(&entries).is_empty());
}

#[test]
fn rss_with_rfc822_dates_and_aws_wording() {
    let rss = br#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Amazon Web Services Service Status</title>
<item><title>Service is operating normally: [RESOLVED] Increased API Error Rates</title>
<link>http://status.aws.amazon.com/</link><pubDate>Tue, 07 Dec 2021 16:05:01 PST</pubDate>
<guid isPermaLink="false">http://status.aws.amazon.com/#ec2-us-east-1_1638921901</guid>
<description>Between 7:30 AM and 2:22 PM PST we experienced increased API error rates.</description></item>
<item><title>Informational message: Increased API Error Rates</title>
<pubDate>Tue, 07 Dec 2021 08:16:30 PST</pubDate>
<guid isPermaLink="false">http://status.aws.amazon.com/#ec2-us-east-1_1638893790</guid>
<description>We are investigating increased API error rates in US-EAST-1.</description></item>
</channel></rss>"#;
    let entries = feed::parse_feed(rss, "application/rss+xml").expect("rss parses");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].status, "resolved");
    assert_eq!(
        entries[0].at,
        Some(Utc.with_ymd_and_hms(2021, 12, 8, 0, 5, 1).unwrap())
    );
    assert_eq!(entries[1].status, "investigating");
}

#[test]
fn feed_errors_html_and_garbage() {
    let e = feed::parse_feed(b"<html><body>Login</body></html>", "text/html").unwrap_err();
    assert!(e.0.contains("HTML page"), "{e}");
    let full = fixture("feeds/githubstatus_history.atom");
    assert!(feed::parse_feed(&full[..full.len() / 3], "application/atom+xml").is_err());
}

// ---- outage reports ---------------------------------------------------------------------

fn reports_config() -> ReportsConfig {
    ReportsConfig {
        url: "http://127.0.0.1:9".into(),
        query: None,
        reports_pointer: "/reports".into(),
        baseline_pointer: "/baseline".into(),
        ratio: 3.0,
        crit_ratio: Some(10.0),
        auth: None,
        hysteresis: None,
        dwell: None,
    }
}

#[test]
fn reports_fixture_points_baselines_and_spike() {
    let body = fixture("outage_reports/downdetector_api_readme_excerpt.json");
    let points = reports::parse_reports(&body, "application/json", "/reports", "/baseline")
        .expect("reports parse");
    let pairs: Vec<(u64, Option<f64>)> = points.iter().map(|p| (p.count, p.baseline)).collect();
    assert_eq!(
        pairs,
        vec![
            (17, Some(1.0)),
            (16, Some(2.0)),
            (16, Some(2.0)),
            (14, Some(3.0))
        ]
    );
    let mut t = reports::Tracker::new("downdetector");
    let mut all = vec![Draft::new(
        Utc::now(),
        Actor::source("downdetector"),
        reports::definition("downdetector", &reports_config()),
    )];
    all.extend(t.drafts(&points));
    assert_eq!(all.len(), 5);
    assert!(t.drafts(&points).is_empty(), "only new points");
    let inc = fold(&all);
    let r = &inc.reports["downdetector"];
    assert_eq!(r.count, 14);
    assert_eq!(r.level, Level::Warn, "14 is 4.7x a baseline of 3");
    let spikes: Vec<&str> = inc
        .timeline
        .iter()
        .filter(|e| e.kind == EntryKind::Reports)
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(spikes.len(), 2, "{spikes:?}");
    assert!(
        spikes[0].contains("crit") && spikes[0].contains("17 reports"),
        "{spikes:?}"
    );
    assert!(inc.times.detected.is_some());
}

#[test]
fn reports_other_shapes_by_pointer() {
    let body = br#"{"data":{"series":[[1700000000,"5"],[1700000900,40]],"expected":[{"time":1700000000000,"count":4}]}}"#;
    let points = reports::parse_reports(body, "application/json", "/data/series", "/data/expected")
        .expect("parses");
    assert_eq!(points.len(), 2);
    assert_eq!(points[1].count, 40);
    assert_eq!(points[1].baseline, Some(4.0));
    let e = reports::parse_reports(body, "application/json", "/reports", "/baseline").unwrap_err();
    assert!(e.0.contains("reports_pointer"), "{e}");
}

// ---- alertmanager -----------------------------------------------------------------------

#[test]
fn alertmanager_firing_fixture_three_alerts_by_fingerprint() {
    let now = Utc::now();
    let u = alertmanager::parse_webhook(&fixture("alertmanager/webhook_firing.json"), now)
        .expect("webhook parses");
    assert_eq!(u.len(), 3);
    let keys: Vec<&str> = u.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(
        keys,
        ["72a2002704e27a2e", "ba18df1a61fe8e0b", "5a6e9db40eb24b04"]
    );
    let EventKind::Alert {
        name,
        state,
        labels,
        summary,
        starts_at,
        ..
    } = &u[0].kind
    else {
        panic!()
    };
    assert_eq!(name, "主机CPU使用率");
    assert_eq!(*state, AlertState::Firing);
    assert_eq!(summary, "444");
    assert_eq!(labels["instance"], "k8s-node1:9101");
    // +08:00 with nanoseconds, in UTC.
    assert_eq!(
        starts_at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        Some("2023-03-25T06:39:51.689Z".to_string())
    );
    let mut tr = alertmanager::Tracker::default();
    let ev = tr.apply(u.clone());
    assert_eq!(ev.len(), 3);
    assert!(tr.apply(u).is_empty(), "a repeated notification is no news");
    let inc = fold(&drafts("am", ev));
    assert_eq!(inc.firing().len(), 3);
    assert!(inc.times.detected.is_some());
}

#[test]
fn alertmanager_resolved_fixture_and_group_status_mismatch() {
    let now = Utc::now();
    let u = alertmanager::parse_webhook(&fixture("alertmanager/webhook_resolved.json"), now)
        .expect("parses");
    assert_eq!(u.len(), 1);
    assert!(
        matches!(&u[0].kind, EventKind::Alert { state: AlertState::Resolved, name, summary, .. } if name == "Grafana进程存活" && summary.contains("实例产生告警"))
    );
    // A group "firing" notification where one alert is already resolved: per-alert status wins.
    let mut v: serde_json::Value =
        serde_json::from_slice(&fixture("alertmanager/webhook_firing.json")).expect("json");
    v["alerts"][1]["status"] = "resolved".into();
    v["alerts"][1]["endsAt"] = "2023-03-25T14:45:21.68943305+08:00".into();
    let u = alertmanager::parse_webhook(v.to_string().as_bytes(), now).expect("parses");
    let states: Vec<AlertState> = u
        .iter()
        .map(|a| match &a.kind {
            EventKind::Alert { state, .. } => *state,
            _ => panic!(),
        })
        .collect();
    assert_eq!(
        states,
        [AlertState::Firing, AlertState::Resolved, AlertState::Firing]
    );
}

#[test]
fn grafana_variants_are_tolerated() {
    let now = Utc::now();
    // Grafana unified alerting: extra fields, no fingerprint, hostile label.
    let body = br#"{"receiver":"warroom","status":"firing","orgId":1,"alerts":[{"status":"firing",
      "labels":{"alertname":"High latency","grafana_folder":"Checkout","evil":"a\u001b]52;c;ZXZpbA==\u0007b"},
      "annotations":{"description":"p99 over 2s"},"startsAt":"2024-01-01T10:00:00Z","endsAt":"0001-01-01T00:00:00Z",
      "generatorURL":"http://grafana/alerting/1","silenceURL":"http://grafana/s","dashboardURL":"","panelURL":"",
      "values":{"B":2.4},"valueString":"[ var='B' value=2.4 ]"}],"groupLabels":{},"commonLabels":{},
      "commonAnnotations":{},"externalURL":"http://grafana/","version":"1","groupKey":"{}","truncatedAlerts":0,
      "title":"[FIRING:1] High latency","state":"alerting","message":"p99 over 2s"}"#;
    let u1 = alertmanager::parse_webhook(body, now).expect("grafana parses");
    let u2 = alertmanager::parse_webhook(body, now).expect("grafana parses");
    assert_eq!(u1.len(), 1);
    assert_eq!(u1[0].key, u2[0].key, "derived key is stable");
    let EventKind::Alert {
        labels,
        summary,
        fingerprint,
        ..
    } = &u1[0].kind
    else {
        panic!()
    };
    assert_eq!(labels["evil"], "ab");
    assert_eq!(summary, "p99 over 2s");
    assert!(fingerprint.is_none());
    // The fold keys it the same way, so firing → resolved pairs up.
    let resolved =
        String::from_utf8_lossy(body).replace("\"status\":\"firing\"", "\"status\":\"resolved\"");
    let u3 = alertmanager::parse_webhook(resolved.as_bytes(), now).expect("parses");
    let mut tr = alertmanager::Tracker::default();
    let mut ev = tr.apply(u1);
    ev.extend(tr.apply(u3));
    let inc = fold(&drafts("grafana", ev));
    assert_eq!(inc.alerts.len(), 1);
    assert!(inc.firing().is_empty());
    // Legacy Grafana webhook.
    let legacy = br#"{"dashboardId":1,"evalMatches":[{"value":100,"metric":"High value","tags":null}],
      "message":"Someone is testing","orgId":1,"panelId":2,"ruleId":7,"ruleName":"Load peaking!",
      "ruleUrl":"http://grafana/d/1","state":"alerting","tags":{"team":"checkout"},"title":"[Alerting] Load peaking!"}"#;
    let u = alertmanager::parse_webhook(legacy, now).expect("legacy parses");
    assert!(
        matches!(&u[0].kind, EventKind::Alert { name, state: AlertState::Firing, .. } if name == "Load peaking!")
    );
    assert!(alertmanager::parse_webhook(b"{\"alerts\": 5}", now).is_err());
    // Cut-off JSON is told apart from JSON without alerts, and the message says which.
    let cut = alertmanager::parse_webhook(b"{\"receiver\":\"x\"", now);
    assert!(matches!(&cut, Err(PayloadError::Json { .. })), "{cut:?}");
    let none = alertmanager::parse_webhook(b"{\"receiver\":\"x\"}", now);
    assert!(
        matches!(&none, Err(PayloadError::Shape(m)) if m.contains("no `alerts`")),
        "{none:?}"
    );
}

#[test]
fn restart_seeding_suppresses_known_alerts() {
    let now = Utc::now();
    let u = alertmanager::parse_webhook(&fixture("alertmanager/webhook_firing.json"), now)
        .expect("parses");
    let mut tr = alertmanager::Tracker::default();
    let inc: Incident = fold(&drafts("am", tr.apply(u.clone())));
    let mut seeded = alertmanager::Tracker::default();
    seeded.seed(&inc);
    assert!(seeded.apply(u).is_empty());
}

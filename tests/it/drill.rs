//! The drill source: the bundled drill tells the story it promises, it plays every event
//! in order on schedule, and broken drill files are reported with their line.

use std::path::Path;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc;
use warroom::incident::{
    Actor, AlertState, Draft, Event, EventKind, Incident, IncidentState, Level,
};
use warroom::sources::drill::{self, Drill};

fn bundled() -> Drill {
    drill::load(
        Path::new("checkout-outage.jsonl"),
        Path::new("/nonexistent"),
    )
    .expect("the built-in drill loads from any folder")
}

/// Folds the drill's events at their scenario times into a state, as the room would.
fn fold_until(d: &Drill, until: f64) -> Incident {
    let start = Utc::now();
    let events: Vec<Event> = d
        .events
        .iter()
        .filter(|e| e.t <= until)
        .enumerate()
        .map(|(i, e)| Event {
            id: i as u64 + 1,
            at: start + chrono::Duration::milliseconds((e.t * 1000.0) as i64),
            by: e.by.clone(),
            kind: e.kind.clone(),
        })
        .collect();
    Incident::fold(&events)
}

#[test]
fn bundled_drill_header_says_what_is_invented() {
    let d = bundled();
    let h = &d.header;
    assert_eq!(h.name, "checkout-outage");
    assert!(h.title.starts_with("DRILL:"), "{}", h.title);
    assert!(h.summary.to_lowercase().contains("reconstructed"));
    assert!(h.invented.to_lowercase().contains("invented"));
    assert!(h.based_on.contains("SCENARIOS.md #2"));
    assert_eq!(h.speed, 6.0);
    // About an hour of scenario, about ten minutes at the default speed.
    assert!((3000.0..=4200.0).contains(&h.duration), "{}", h.duration);
    let wall = h.duration / h.speed;
    assert!((480.0..=720.0).contains(&wall), "{wall}");
    let last = d.events.last().map(|e| e.t).unwrap_or(0.0);
    assert!(last <= h.duration);
}

#[test]
fn bundled_drill_samples_every_15_seconds() {
    let d = bundled();
    let times: Vec<f64> = d
        .events
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::Metric { series, .. } if series == "checkout error rate"))
        .map(|e| e.t)
        .collect();
    assert!(times.len() >= 200, "{}", times.len());
    for w in times.windows(2) {
        assert_eq!(w[1] - w[0], 15.0);
    }
}

#[test]
fn bundled_drill_tells_the_checkout_outage_story() {
    let d = bundled();
    // Before the deploy everything is calm.
    let calm = fold_until(&d, 60.0);
    for s in calm.signals.values() {
        assert_eq!(s.level, Level::Ok, "{} at start", s.name);
    }
    // The deploy is announced as a note before the impact.
    let deploy = d
        .events
        .iter()
        .find(|e| matches!(&e.kind, EventKind::Note { text } if text.contains("checkout-service v412 rolled out")))
        .expect("the deploy note");
    assert!(matches!(deploy.by, Actor::Person(_)));

    // At the worst: error rate and latency crit, orders per minute near zero, reports in
    // the thousands, the alert firing, the shop's page in major outage.
    let worst = fold_until(&d, 1380.0);
    assert_eq!(worst.signals["checkout error rate"].level, Level::Crit);
    assert_eq!(worst.signals["checkout p95 latency"].level, Level::Crit);
    let orders = &worst.signals["orders per minute"];
    assert_eq!(orders.level, Level::Crit);
    let (_, last_orders) = orders.last.expect("orders sampled");
    assert!(
        last_orders < 100.0,
        "orders/min at the worst: {last_orders}"
    );
    let reports = &worst.reports["user reports"];
    assert!(reports.count >= 1000, "{}", reports.count);
    assert!((15.0..=25.0).contains(&reports.baseline.unwrap_or(0.0)));
    assert_eq!(worst.firing().len(), 1);
    let shop = worst
        .pages
        .iter()
        .find(|p| p.name == "shop status")
        .expect("shop page");
    let checkout = shop
        .components
        .iter()
        .find(|c| c.name == "Checkout")
        .expect("Checkout");
    assert_eq!(checkout.status, "major_outage");

    // The cloud provider stays green all along.
    let end = fold_until(&d, f64::MAX);
    let cloud = end
        .pages
        .iter()
        .find(|p| p.name.contains("Cloud"))
        .expect("cloud page");
    assert!(cloud.components.len() >= 3);
    assert!(cloud.components.iter().all(|c| c.status == "operational"));
    assert_eq!(cloud.indicator.as_deref(), Some("none"));

    // After the rollback: recovered, alert resolved, the shop's incident resolved.
    assert_eq!(end.signals["checkout error rate"].level, Level::Ok);
    assert_eq!(end.signals["orders per minute"].level, Level::Ok);
    assert!(end.firing().is_empty());
    assert!(end.alerts.values().all(|a| a.state == AlertState::Resolved));
    // The drill itself never declares nor changes state: the people do.
    assert!(!end.declared);
    assert_eq!(end.state, IncidentState::Investigating);
}

#[test]
fn bundled_drill_status_updates_come_late_and_in_order() {
    let d = bundled();
    let first_alert = d
        .events
        .iter()
        .find(|e| {
            matches!(
                &e.kind,
                EventKind::Alert {
                    state: AlertState::Firing,
                    ..
                }
            )
        })
        .expect("an alert fires")
        .t;
    let updates: Vec<(f64, String)> = d
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::StatusIncident { page, status, .. } if page == "shop status" => {
                Some((e.t, status.clone()))
            }
            _ => None,
        })
        .collect();
    let statuses: Vec<&str> = updates.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(
        statuses,
        ["investigating", "identified", "monitoring", "resolved"]
    );
    // The comms gap: the first public word comes 10+ scenario minutes after the alert.
    assert!(updates[0].0 - first_alert >= 600.0, "{updates:?}");
    // The alert resolves only after the rollback.
    let rollback = d
        .events
        .iter()
        .find(|e| matches!(&e.kind, EventKind::Note { text } if text.contains("rollback")))
        .expect("rollback note")
        .t;
    let resolved = d
        .events
        .iter()
        .find(|e| {
            matches!(
                &e.kind,
                EventKind::Alert {
                    state: AlertState::Resolved,
                    ..
                }
            )
        })
        .expect("alert resolves")
        .t;
    assert!(resolved > rollback);
}

#[tokio::test]
async fn spawn_plays_every_event_in_order_on_schedule() {
    let d = bundled();
    let speed = 10_000.0; // the fastest accepted: the hour in ~0.4 s
    let (tx, mut rx) = mpsc::channel::<Draft>(16);
    let before = Utc::now();
    let task = drill::spawn("checkout-outage", d.clone(), speed, tx);
    let mut got = Vec::new();
    while let Some(draft) = tokio::time::timeout(Duration::from_secs(30), rx.recv())
        .await
        .expect("the drill keeps playing")
    {
        got.push(draft);
    }
    task.await.expect("drill task ends cleanly");
    assert_eq!(got.len(), d.events.len());
    let start = got[0].at - chrono::Duration::microseconds((d.events[0].t / speed * 1e6) as i64);
    assert!(start >= before - chrono::Duration::milliseconds(1));
    for (sent, ev) in got.iter().zip(&d.events) {
        assert_eq!(sent.kind, ev.kind);
        assert_eq!(sent.by, ev.by);
        // `at` is start + t/speed: scheduled from one start, never drifting.
        let offset = (sent.at - start).num_microseconds().unwrap_or(i64::MAX) as f64 / 1e6;
        assert!(
            (offset - ev.t / speed).abs() < 2e-6,
            "event at t={} has offset {offset}",
            ev.t
        );
    }
}

#[tokio::test]
async fn spawn_stops_when_the_room_closes() {
    let d = bundled();
    let (tx, mut rx) = mpsc::channel::<Draft>(1);
    let task = drill::spawn("checkout-outage", d, 1000.0, tx);
    let first = rx.recv().await.expect("first event");
    assert!(matches!(first.kind, EventKind::SignalDefined { .. }));
    drop(rx);
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the drill ends when nobody listens")
        .expect("no panic");
}

#[tokio::test]
async fn continuing_a_drill_skips_what_is_already_due() {
    let d = bundled();
    let speed = 6.0;
    // Started 10 scenario minutes ago (100 s of wall time at 6x).
    let started = Utc::now() - chrono::Duration::seconds(100);
    let (tx, mut rx) = mpsc::channel::<Draft>(16);
    let task = drill::spawn_at("checkout-outage", d, speed, started, tx);
    let first = tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("next event within the next sample")
        .expect("an event");
    let scenario_t = (first.at - started).num_milliseconds() as f64 / 1000.0 * speed;
    assert!(scenario_t >= 600.0, "resumed at t={scenario_t}");
    task.abort();
}

#[test]
fn load_prefers_the_file_on_disk_over_the_built_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = r#"{"warroom_drill":1,"name":"checkout-outage","title":"DRILL: my own","severity":"SEV3","speed":2,"duration":30}
{"t":0,"by":"system","kind":{"type":"note","text":"hi"}}
"#;
    std::fs::create_dir_all(dir.path().join("drills")).expect("mkdir");
    std::fs::write(dir.path().join("drills/checkout-outage.jsonl"), text).expect("write");
    let d = drill::load(Path::new("drills/checkout-outage.jsonl"), dir.path()).expect("loads");
    assert_eq!(d.header.title, "DRILL: my own");
    assert_eq!(d.events.len(), 1);
    let e = drill::load(Path::new("drills/nope.jsonl"), dir.path())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("checkout-outage.jsonl"),
        "names the built-in drills: {e}"
    );
}

#[test]
fn warroom_check_names_the_bad_line_of_a_drill() {
    let dir = tempfile::tempdir().expect("tempdir");
    let drill = r#"{"warroom_drill":1,"name":"bad","title":"DRILL: bad","severity":"SEV2","speed":6,"duration":60}
{"t":0,"by":"system","kind":{"type":"note","text":"fine"}}
{"t":5,"by":"system","kind":{"type":"metric","series":"x"}}
"#;
    std::fs::write(dir.path().join("bad.jsonl"), drill).expect("write drill");
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        "[incident]\ntitle = \"t\"\n\n[[source]]\nkind = \"drill\"\nname = \"d\"\npath = \"bad.jsonl\"\n",
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
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("line 3"), "{text}");
    assert!(
        text.contains("config.toml:7"),
        "points at the path in config: {text}"
    );
}

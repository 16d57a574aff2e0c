//! The live room: one writer, ids in order, every recorded event folded once, the log on
//! disk equal to what the room shows, clean shutdown.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;
use warroom::config::Config;
use warroom::incident::{Actor, Draft, EntryKind, Event, EventKind, Incident, Severity};
use warroom::room::{self, RoomHandle, RoomOptions};

fn note(by: &str, text: String) -> Draft {
    Draft::new(Utc::now(), Actor::person(by), EventKind::Note { text })
}

/// Waits (bounded) until the room's state satisfies `ok`.
async fn wait_until(room: &RoomHandle, ok: impl Fn(&Incident) -> bool) {
    let mut v = room.subscribe();
    tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if ok(&room.read()) {
                return;
            }
            if v.changed().await.is_err() {
                return;
            }
        }
    })
    .await
    .expect("the room got there");
}

fn config(dir: &Path, text: &str) -> Config {
    Config::parse(text, "test config", None, dir.to_path_buf()).expect("valid config")
}

const LIVE: &str = r#"
[incident]
title = "Payments failing"
severity = "SEV1"
declare = "on_open"

[checklists]
detection = ["Confirm impact"]
mitigation = ["Roll back", "Freeze deploys"]
communication = ["First update"]
"#;

fn read_log(path: &Path) -> Vec<Event> {
    let mut events = Vec::new();
    warroom::log::read(path, |e| events.push(e)).expect("the log reads back");
    events
}

/// Sends `per_task` notes from each of `tasks` tasks at once.
async fn flood(room: &RoomHandle, tasks: usize, per_task: usize) {
    let mut joins = Vec::new();
    for t in 0..tasks {
        let tx = room.sender();
        joins.push(tokio::spawn(async move {
            for i in 0..per_task {
                tx.send(note(&format!("p{t}"), format!("{t}:{i}")))
                    .await
                    .expect("room open");
            }
        }));
    }
    for j in joins {
        j.await.expect("sender task");
    }
}

/// Ids strictly increasing, each note exactly once, each sender's notes in its order.
fn check_notes(inc: &Incident, tasks: usize, per_task: usize) {
    let notes: Vec<_> = inc
        .timeline
        .iter()
        .filter(|e| e.kind == EntryKind::Note)
        .collect();
    assert_eq!(notes.len(), tasks * per_task);
    for w in notes.windows(2) {
        assert!(w[0].id < w[1].id, "ids {} then {}", w[0].id, w[1].id);
    }
    let mut next: BTreeMap<usize, usize> = BTreeMap::new();
    for n in &notes {
        let (t, i) = n
            .text
            .split_once(':')
            .map(|(a, b)| (a.parse::<usize>(), b.parse::<usize>()))
            .expect("t:i");
        let (t, i) = (t.expect("t"), i.expect("i"));
        let want = next.entry(t).or_default();
        assert_eq!(i, *want, "task {t}'s notes out of order or repeated");
        *want += 1;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn drafts_from_many_tasks_get_increasing_ids_each_folded_once() {
    let room = RoomHandle::start_in_memory(Incident::new());
    let before = *room.subscribe().borrow();
    flood(&room, 8, 250).await;
    wait_until(&room, |i| i.events == 2000).await;
    let inc = room.read().clone();
    check_notes(&inc, 8, 250);
    assert_eq!(inc.last_id, 2000);
    assert!(*room.subscribe().borrow() > before, "version bumped");
}

#[tokio::test]
async fn the_version_bumps_only_after_the_event_is_folded() {
    let room = RoomHandle::start_in_memory(Incident::new());
    let mut v = room.subscribe();
    let seen = *v.borrow_and_update();
    room.record(note("ana", "first".into()))
        .await
        .expect("open");
    v.changed().await.expect("a new version");
    assert!(*v.borrow() > seen);
    // Whoever wakes on the new version already sees the event.
    assert!(
        room.read()
            .timeline
            .iter()
            .any(|e| e.text.contains("first"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_live_room_records_to_its_log_before_showing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("incidents/pay.jsonl");
    let cfg = config(dir.path(), LIVE);
    let (room, info) = room::open(
        &cfg,
        RoomOptions {
            user: "ana".into(),
            log_path: Some(log.clone()),
            speed: None,
        },
    )
    .await
    .expect("room opens");
    assert_eq!(info.log_path, log);
    assert!(!info.continued);
    assert!(info.drill.is_none());
    {
        // Seeded: declared from config by the person opening it, checklists defined.
        let inc = room.read();
        assert!(inc.declared);
        assert_eq!(inc.title, "Payments failing");
        assert_eq!(inc.severity, Severity::Sev1);
        assert_eq!(inc.checklist("mitigation").map(|c| c.items.len()), Some(2));
    }
    flood(&room, 6, 100).await;
    room.shutdown().await;
    assert!(room.is_closed());
    assert!(room.try_record(note("ana", "too late".into())).is_err());

    let shown = room.read().clone();
    check_notes(&shown, 6, 100);
    let events = read_log(&log);
    for (i, e) in events.iter().enumerate() {
        assert_eq!(
            e.id,
            i as u64 + 1,
            "ids in the log count from 1 without gaps"
        );
    }
    // What the room shows is exactly the fold of what is on disk.
    assert_eq!(Incident::fold(&events), shown);
    match &events[0].kind {
        EventKind::IncidentDeclared { title, severity } => {
            assert_eq!(title, "Payments failing");
            assert_eq!(*severity, Severity::Sev1);
            assert_eq!(events[0].by, Actor::person("ana"));
        }
        k => panic!("first event is the declaration, got {k:?}"),
    }
}

#[tokio::test]
async fn an_existing_log_is_continued_not_reseeded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("pay.jsonl");
    let cfg = config(dir.path(), LIVE);
    let opts = RoomOptions {
        user: "ana".into(),
        log_path: Some(log.clone()),
        speed: None,
    };
    let (room, _) = room::open(&cfg, opts.clone()).await.expect("opens");
    room.record(note("ana", "before the restart".into()))
        .await
        .expect("open");
    room.shutdown().await;
    let first_run = read_log(&log).len() as u64;

    let (room, info) = room::open(&cfg, opts).await.expect("opens again");
    assert!(info.continued);
    room.record(note("bo", "after the restart".into()))
        .await
        .expect("open");
    room.shutdown().await;
    let inc = room.read().clone();
    let declared = inc
        .timeline
        .iter()
        .filter(|e| e.kind == EntryKind::Declared)
        .count();
    assert_eq!(declared, 1, "not declared twice");
    assert!(
        inc.timeline
            .iter()
            .any(|e| e.text.contains("before the restart"))
    );
    let events = read_log(&log);
    assert_eq!(events.len() as u64, first_run + 1);
    assert_eq!(events.last().map(|e| e.id), Some(first_run + 1));
    assert_eq!(Incident::fold(&events), inc);
}

const DRILL: &str = r#"
[incident]
title = "ignored for a drill"
log = "LOGDIR/{date}-{slug}.jsonl"

[[source]]
kind = "drill"
name = "practice"
path = "drills/checkout-outage.jsonl"

[checklists]
detection = ["Confirm impact"]
"#;

fn drill_config(dir: &Path) -> (Config, PathBuf) {
    let logs = dir.join("incidents");
    let text = DRILL.replace("LOGDIR", &logs.display().to_string());
    (config(dir, &text), logs)
}

#[tokio::test]
async fn a_drill_room_starts_undeclared_with_the_drill_title() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (cfg, logs) = drill_config(dir.path());
    let (room, info) = room::open(
        &cfg,
        RoomOptions {
            user: "ana".into(),
            log_path: None,
            speed: None,
        },
    )
    .await
    .expect("opens");
    assert_eq!(info.drill.as_deref(), Some("checkout-outage"));
    assert!(
        info.log_path.starts_with(&logs),
        "{}",
        info.log_path.display()
    );
    assert!(
        info.log_path
            .to_string_lossy()
            .contains("drill-checkout-failing"),
        "{}",
        info.log_path.display()
    );
    // The drill's default speed, since config gives none.
    assert_eq!(info.drills.len(), 1);
    assert_eq!(info.drills[0].speed, 6.0);
    {
        let inc = room.read();
        assert!(!inc.declared, "the people declare it themselves");
        assert_eq!(inc.drill.as_deref(), Some("checkout-outage"));
        assert_eq!(inc.title, "DRILL: Checkout failing during the summer sale");
        assert_eq!(inc.severity, Severity::Sev2);
    }
    // Once the people declare, their title and severity win.
    room.record(Draft::new(
        Utc::now(),
        Actor::person("ana"),
        EventKind::IncidentDeclared {
            title: "Checkout down".into(),
            severity: Severity::Sev1,
        },
    ))
    .await
    .expect("open");
    room.shutdown().await;
    assert_eq!(room.read().title, "Checkout down");

    // A second run of the same drill gets a fresh log.
    let (room2, info2) = room::open(
        &cfg,
        RoomOptions {
            user: "ana".into(),
            log_path: None,
            speed: Some(60.0),
        },
    )
    .await
    .expect("opens again");
    assert_ne!(info2.log_path, info.log_path);
    assert!(!info2.continued);
    assert_eq!(info2.drills[0].speed, 60.0, "--speed wins");
    assert!(!room2.read().declared);
    room2.shutdown().await;
    let seeded = read_log(&info2.log_path);
    assert!(matches!(
        &seeded[0].kind,
        EventKind::DrillStarted { scenario, speed, .. } if scenario == "checkout-outage" && *speed == 60.0
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drill_played_into_the_room_arrives_whole_and_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (cfg, _) = drill_config(dir.path());
    let (room, info) = room::open(
        &cfg,
        RoomOptions {
            user: "ana".into(),
            log_path: None,
            speed: Some(100_000.0),
        },
    )
    .await
    .expect("opens");
    let plan = &info.drills[0];
    let n = plan.drill.events.len() as u64;
    let seeded = room.read().events;
    plan.spawn(&room).await.expect("the drill plays to its end");
    wait_until(&room, |i| i.events == seeded + n).await;
    room.shutdown().await;
    let events = read_log(&info.log_path);
    let played: Vec<&Event> = events.iter().skip(seeded as usize).collect();
    assert_eq!(played.len() as u64, n);
    for (e, d) in played.iter().zip(&plan.drill.events) {
        assert_eq!(e.kind, d.kind);
    }
    for w in played.windows(2) {
        assert!(w[0].at <= w[1].at && w[0].id < w[1].id);
    }
    let inc = room.read();
    assert!(inc.signals.contains_key("checkout error rate"));
    assert!(
        inc.reports["user reports"]
            .peak
            .is_some_and(|(_, p)| p > 1000)
    );
}

#[tokio::test]
async fn a_continued_drill_log_keeps_its_clock_and_speed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (cfg, logs) = drill_config(dir.path());
    let log = logs.join("practice.jsonl");
    let opts = |speed| RoomOptions {
        user: "ana".into(),
        log_path: Some(log.clone()),
        speed,
    };
    let (room, first) = room::open(&cfg, opts(Some(60.0))).await.expect("opens");
    room.shutdown().await;
    let (room, again) = room::open(&cfg, opts(None)).await.expect("opens again");
    room.shutdown().await;
    assert!(again.continued);
    assert_eq!(
        again.log_path, log,
        "an explicit log is continued, drill or not"
    );
    assert_eq!(again.drills[0].speed, 60.0, "the recorded speed");
    let recorded = read_log(&log)
        .into_iter()
        .find(|e| matches!(e.kind, EventKind::DrillStarted { .. }))
        .expect("drill_started")
        .at;
    assert_eq!(again.drills[0].started, recorded);
    assert_eq!(first.drills[0].started, recorded);
    let starts = read_log(&log)
        .iter()
        .filter(|e| matches!(e.kind, EventKind::DrillStarted { .. }))
        .count();
    assert_eq!(starts, 1, "not started twice");
}

#[tokio::test]
async fn a_receipt_resolves_to_the_id_once_the_event_is_shown() {
    let room = RoomHandle::start_in_memory(Incident::new());
    let id = room
        .record(note("ana", "first".into()))
        .await
        .expect("open")
        .await
        .expect("recorded");
    assert_eq!(id, 1);
    // Whoever holds the receipt already sees the event.
    assert!(
        room.read()
            .timeline
            .iter()
            .any(|e| e.id == id && e.text.contains("first"))
    );
    let second = room.try_record(note("bo", "second".into())).expect("open");
    assert_eq!(second.await.expect("recorded"), 2);
    assert_eq!(room.health(), room::RoomHealth::default());
    room.shutdown().await;
    assert!(room.try_record(note("ana", "too late".into())).is_err());
}

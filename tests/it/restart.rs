//! Opening a room again: after a crash the same command continues the open incident (a
//! resolved one is not continued; `--new` starts another), and damaged lines set aside at
//! open are shown in the room. The real binary in a pty for what a person sees, the room
//! API for the path choices.

use crate::pty;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Utc;
use warroom::config::Config;
use warroom::incident::{Actor, Draft, EntryKind, EventKind, Incident, IncidentState};
use warroom::room::{self, RoomHandle, RoomOptions};

const WAIT: Duration = Duration::from_secs(30);

fn live_config(log: &str) -> String {
    format!(
        r#"
[incident]
title = "Payments failing at the gateway"
severity = "SEV2"
declare = "on_open"
log = "{log}"

[checklists]
detection = ["Confirm impact"]
"#
    )
}

fn logs_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn kill_9(s: &mut pty::Session) {
    let pid = s.child.process_id().expect("the room's pid");
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    let deadline = Instant::now() + WAIT;
    while s.child.try_wait().ok().flatten().is_none() {
        assert!(Instant::now() < deadline, "the room did not die");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn quit(s: &mut pty::Session) {
    s.send("\x03");
    let deadline = Instant::now() + WAIT;
    while s.child.try_wait().ok().flatten().is_none() {
        assert!(
            Instant::now() < deadline,
            "the room did not leave on Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_room_killed_and_started_again_with_the_same_command_continues_the_incident() {
    let dir = tempfile::tempdir().expect("tempdir");
    // {time} makes every new log a new name: continuing must find the old one.
    std::fs::write(
        dir.path().join("config.toml"),
        live_config("incidents/{date}-{time}-{slug}.jsonl"),
    )
    .expect("write config");
    let incidents = dir.path().join("incidents");

    let mut s = pty::spawn(&[], dir.path());
    assert!(s.wait_for("Payments failing", WAIT), "{}", s.text());
    s.send(":note gateway returns 502 before the crash\r");
    assert!(
        s.wait_for("gateway returns 502 before the crash", WAIT),
        "{}",
        s.text()
    );
    assert!(
        !s.text().contains("continuing the incident"),
        "a first start continues nothing:\n{}",
        s.text()
    );
    kill_9(&mut s);
    let first = logs_in(&incidents);
    assert_eq!(first.len(), 1, "{first:?}");
    // A second later the template names another file.
    std::thread::sleep(Duration::from_millis(1100));

    let mut s = pty::spawn(&[], dir.path());
    assert!(
        s.wait_for("continuing the incident opened", WAIT),
        "the restarted room says it continues:\n{}",
        s.text()
    );
    assert!(
        s.wait_for("gateway returns 502 before the crash", WAIT),
        "the earlier note is in the timeline:\n{}",
        s.text()
    );
    assert_eq!(logs_in(&incidents), first, "no second log was started");
    quit(&mut s);

    // --new: another incident, in a log of its own.
    let mut s = pty::spawn(&["--new"], dir.path());
    assert!(s.wait_for("Payments failing", WAIT), "{}", s.text());
    std::thread::sleep(Duration::from_millis(500));
    assert!(!s.text().contains("continuing"), "{}", s.text());
    assert!(!s.text().contains("before the crash"), "{}", s.text());
    quit(&mut s);
    assert_eq!(logs_in(&incidents).len(), 2);
}

#[test]
fn damaged_lines_set_aside_at_open_are_shown_in_the_room() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("config.toml"),
        live_config("incidents/{slug}.jsonl"),
    )
    .expect("write config");
    let log = dir.path().join("pay.jsonl");
    let note = |id: u64, text: &str| {
        format!(
            "{{\"id\":{id},\"at\":\"2026-03-06T14:0{id}:00Z\",\"by\":{{\"person\":\"ana\"}},\"kind\":{{\"type\":\"note\",\"text\":\"{text}\"}}}}\n"
        )
    };
    let text = format!(
        "{{\"warroom_log\":1,\"incident\":\"pay\",\"created_at\":\"2026-03-06T14:00:00Z\"}}\n{}{}{}{}",
        note(1, "kept before"),
        "{\"id\":2,\"at\":\"2026-03-06T14:02:00Z\",\"by\":{\"per\n",
        note(3, "kept after"),
        "{\"id\":4,\"at\":\"2026-03-06T14:04:00Z\",\"by\":",
    );
    std::fs::write(&log, text).expect("write log");

    let log_s = log.display().to_string();
    let mut s = pty::spawn(&["--log", &log_s], dir.path());
    assert!(
        s.wait_for("2 damaged lines set aside in pay.jsonl.damaged", WAIT),
        "{}",
        s.text()
    );
    assert!(s.wait_for("kept after", WAIT), "{}", s.text());
    quit(&mut s);
    // The entry is an event of the log: replay and export show it too.
    let mut kinds = Vec::new();
    warroom::log::read(&log, |e| kinds.push(e.kind)).expect("log reads");
    assert!(
        kinds.iter().any(|k| matches!(
            k,
            EventKind::LogRepaired { lines: 2, moved_to } if moved_to.ends_with("pay.jsonl.damaged")
        )),
        "{kinds:?}"
    );
}

async fn wait_until(room: &RoomHandle, ok: impl Fn(&Incident) -> bool) {
    let mut v = room.subscribe();
    tokio::time::timeout(WAIT, async {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resolved_incident_is_not_continued_and_new_starts_another() {
    let dir = tempfile::tempdir().expect("tempdir");
    let template = format!("{}/incidents/{{date}}-{{slug}}.jsonl", dir.path().display());
    let cfg = Config::parse(
        &live_config(&template),
        "t.toml",
        None,
        dir.path().to_path_buf(),
    )
    .expect("config");
    let opts = RoomOptions {
        user: "ana".into(),
        log_path: None,
        speed: None,
    };

    let (r1, first) = room::open(&cfg, opts.clone()).await.expect("opens");
    assert!(!first.continued);
    r1.record(Draft::new(
        Utc::now(),
        Actor::person("ana"),
        EventKind::StateChanged {
            state: IncidentState::Resolved,
        },
    ))
    .await
    .expect("record");
    wait_until(&r1, |i| i.state == IncidentState::Resolved).await;
    r1.shutdown().await;

    // Resolved: the same command starts a new incident beside it.
    let (r2, second) = room::open(&cfg, opts.clone()).await.expect("opens");
    assert!(!second.continued, "a resolved incident is not continued");
    assert_ne!(second.log_path, first.log_path);
    assert!(
        second.log_path.to_string_lossy().ends_with("-2.jsonl"),
        "{}",
        second.log_path.display()
    );
    r2.shutdown().await;

    // Open: continued, its declaration not repeated.
    let (r3, third) = room::open(&cfg, opts.clone()).await.expect("opens");
    assert!(third.continued);
    assert_eq!(third.log_path, second.log_path);
    let declared = r3
        .read()
        .timeline
        .iter()
        .filter(|e| e.kind == EntryKind::Declared)
        .count();
    assert_eq!(declared, 1);
    r3.shutdown().await;

    // --new names a fresh log even though one is open.
    let fresh = room::new_log_path(&cfg, Utc::now()).expect("a live config");
    assert!(!fresh.exists());
    assert!(
        fresh.to_string_lossy().ends_with("-3.jsonl"),
        "{}",
        fresh.display()
    );
}

//! Who declares an incident: a person (`:declare`), or the room at open only when the
//! config says `[incident] declare = "on_open"`; linked checklist items and hysteresis
//! keys are read from config and reach the log.

use std::path::Path;

use warroom::config::Config;
use warroom::incident::{Event, EventKind};
use warroom::room::{self, RoomOptions};

fn config(dir: &Path, text: &str) -> Config {
    Config::parse(text, "config.toml", None, dir.to_path_buf())
        .unwrap_or_else(|e| panic!("valid config: {e}"))
}

const LIVE: &str = r#"
[incident]
title = "Payments failing"
severity = "SEV1"

[checklists]
communication = [
  { text = "Name a comms lead", done_when = "role:comms" },
  "First update",
]
"#;

async fn open_and_read(dir: &Path, text: &str) -> (warroom::incident::Incident, Vec<Event>) {
    let log = dir.join("pay.jsonl");
    let (room, _) = room::open(
        &config(dir, text),
        RoomOptions {
            user: "ana".into(),
            log_path: Some(log.clone()),
            speed: None,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("room opens: {e}"));
    room.shutdown().await;
    let inc = room.read().clone();
    let mut events = Vec::new();
    warroom::log::read(&log, |e| events.push(e)).unwrap_or_else(|e| panic!("log: {e}"));
    (inc, events)
}

#[tokio::test]
async fn a_live_room_opens_not_declared_by_default() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (inc, events) = open_and_read(dir.path(), LIVE).await;
    assert!(!inc.declared, "nobody declared it");
    assert_eq!(
        inc.title, "Payments failing",
        "the config's title until declared"
    );
    assert_eq!(inc.times.detected, None);
    assert_eq!(inc.times.acknowledged, None);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e.kind, EventKind::IncidentDeclared { .. }))
    );
    // The linked item reaches the log with its rule.
    let linked = events.iter().any(|e| {
        matches!(&e.kind, EventKind::ChecklistDefined { done_when, .. }
            if done_when.get("Name a comms lead").map(String::as_str) == Some("role:comms"))
    });
    assert!(linked, "{events:?}");
}

#[tokio::test]
async fn declare_on_open_declares_it_by_the_person_opening_the_room() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let text = LIVE.replace(
        "severity = \"SEV1\"",
        "severity = \"SEV1\"\ndeclare = \"on_open\"",
    );
    let (inc, _) = open_and_read(dir.path(), &text).await;
    assert!(inc.declared);
    assert_eq!(inc.title, "Payments failing");
    assert!(inc.times.declared.is_some());
}

fn errors(text: &str) -> String {
    match Config::parse(text, "config.toml", None, std::env::temp_dir()) {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_bad_declare_value_names_its_line_and_the_choices() {
    let e = errors("[incident]\ntitle = \"x\"\ndeclare = \"auto\"\n");
    assert!(e.contains("config.toml:3:"), "{e}");
    assert!(e.contains("declare"), "{e}");
    assert!(e.contains("\"on_open\"") && e.contains("\"manual\""), "{e}");
    assert_eq!(errors("[incident]\ndeclare = \"manual\"\n"), "");
}

#[test]
fn an_unknown_done_when_names_its_line_and_the_valid_events() {
    let e = errors(
        "[checklists]\ndetection = [\n  \"Confirm\",\n  { text = \"Comms\", done_when = \"role\" },\n]\n",
    );
    assert!(e.contains("config.toml:4:"), "{e}");
    assert!(e.contains("done_when"), "{e}");
    assert!(
        e.contains("impact_backdated") && e.contains("role:NAME"),
        "{e}"
    );
}

#[test]
fn hysteresis_and_dwell_are_checked_beside_warn_and_crit() {
    let src = |extra: &str| {
        format!(
            "[[source]]\nkind = \"prometheus\"\nname = \"p\"\nurl = \"http://127.0.0.1:9\"\nquery = \"up\"\nwarn = 1.0\n{extra}\n"
        )
    };
    assert_eq!(errors(&src("hysteresis = 0.1\ndwell = 3")), "");
    let e = errors(&src("hysteresis = 1.5"));
    assert!(
        e.contains("config.toml:7:") && e.contains("hysteresis"),
        "{e}"
    );
    let e = errors(&src("dwell = 0"));
    assert!(e.contains("config.toml:7:") && e.contains("dwell"), "{e}");
}

#[test]
fn the_shipped_config_links_its_checklist_items() {
    let cfg = Config::load_embedded().unwrap_or_else(|e| panic!("{e}"));
    let comms = cfg.checklists.done_when.get("communication");
    assert!(
        comms.is_some_and(|m| m.values().any(|r| r == "role:comms")),
        "{:?}",
        cfg.checklists.done_when
    );
    assert!(!cfg.incident.declare_on_open);
}

#[test]
fn a_drill_room_keeps_the_linked_checklist_items() {
    let base = Config::load_embedded().unwrap_or_else(|e| panic!("{e}"));
    let found = warroom::cli::drill::find("checkout-outage").unwrap_or_else(|e| panic!("{e}"));
    let text = warroom::cli::drill::drill_config(&found, &base, Path::new("drill.jsonl"));
    let cfg = config(&std::env::temp_dir(), &text);
    assert_eq!(
        cfg.checklists.done_when, base.checklists.done_when,
        "{text}"
    );
    assert_eq!(cfg.checklists.communication, base.checklists.communication);
}

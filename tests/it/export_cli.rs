//! `warroom export` end to end: the real binary reads a log file (with the real reader) and
//! writes each format; a log with damaged lines still exports and says what was skipped.

use crate::replay_support;

use std::process::Command;

use replay_support::{story, write_log};

fn warroom(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run warroom: {e}"))
}

#[test]
fn export_writes_each_format_and_reports_damaged_lines() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let log = dir.path().join("incident.jsonl");
    write_log(&log, "checkout-2026-03-05", &story()).unwrap_or_else(|e| panic!("{e}"));
    let log_s = log.display().to_string();

    let md_path = dir.path().join("pm.md");
    let out = warroom(&[
        "export",
        &log_s,
        "--format",
        "markdown",
        "-o",
        &md_path.display().to_string(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = std::fs::read_to_string(&md_path).unwrap_or_default();
    assert!(
        md.starts_with("# Postmortem draft: Checkout failing"),
        "{md}"
    );
    assert!(md.contains("| time to resolve | 52m00s |"));
    assert!(
        !md.contains("damaged"),
        "a clean log says nothing about damage"
    );

    let out = warroom(&["export", &log_s, "--format", "csv"]);
    assert!(out.status.success());
    let csv = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        rd.records().count(),
        29,
        "people's entries and key signal changes"
    );

    let out = warroom(&["export", &log_s, "--format", "json", "--all"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert_eq!(
        v["raw_events"].as_array().map(Vec::len),
        Some(story().len())
    );

    // Damage a line in the middle: the export still happens and says what was skipped.
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[10] = "{\"id\":10,\"at\":\"2026-03-05T21:04:00Z\",\"by\":".to_string();
    std::fs::write(&log, lines.join("\n") + "\n").unwrap_or_else(|e| panic!("{e}"));
    let out = warroom(&["export", &log_s, "--format", "markdown"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        md.contains("1 damaged line(s) of the log were skipped"),
        "{md}"
    );
    assert!(md.contains("> - line 11 ("), "{md}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 damaged line(s)"));

    let out = warroom(&[
        "export",
        &dir.path().join("missing.jsonl").display().to_string(),
    ]);
    assert!(!out.status.success(), "a missing log is an error");
}

#[test]
fn review_notes_written_in_replay_are_in_the_export_of_the_log_they_review() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let log = dir.path().join("incident.jsonl");
    let events = story();
    write_log(&log, "checkout-2026-03-05", &events).unwrap_or_else(|e| panic!("{e}"));
    // A note written in `warroom replay` at the moment of the fifth event, as replay writes it.
    let mut review = warroom::replay::ReviewLog::open(&log, "checkout-2026-03-05")
        .unwrap_or_else(|e| panic!("review log: {e}"));
    let note = warroom::incident::Event {
        id: review.next_id(),
        at: events[4].at,
        by: warroom::incident::Actor::person("rita"),
        kind: warroom::incident::EventKind::Note {
            text: "the rollback should have come 10 minutes earlier".into(),
        },
    };
    review
        .append(&note)
        .unwrap_or_else(|e| panic!("append: {e}"));
    drop(review);
    let log_s = log.display().to_string();

    let out = warroom(&["export", &log_s, "--format", "markdown"]);
    assert!(out.status.success());
    let md = String::from_utf8_lossy(&out.stdout).into_owned();
    let at = events[4].at.format("%Y-%m-%d %H:%M:%S").to_string();
    assert!(md.contains("## Review notes"), "{md}");
    assert!(
        md.lines().any(|l| l.starts_with(&format!("| {at} |"))
            && l.ends_with("| rita | the rollback should have come 10 minutes earlier |")),
        "the note is listed at the moment it is about: {md}"
    );

    let out = warroom(&["export", &log_s, "--format", "csv"]);
    let csv = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        csv.lines()
            .any(|l| l.contains(",rita,person,review,the rollback should have come")),
        "{csv}"
    );

    let out = warroom(&["export", &log_s, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert_eq!(
        v["review_notes"][0]["text"],
        "the rollback should have come 10 minutes earlier"
    );

    // A log without review notes says nothing about them.
    std::fs::remove_file(warroom::replay::review_path(&log)).unwrap_or_else(|e| panic!("{e}"));
    let out = warroom(&["export", &log_s, "--format", "markdown"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Review notes"));
}

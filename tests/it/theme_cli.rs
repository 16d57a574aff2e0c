//! `--theme` is one global option: before or after the subcommand, for the room, a drill
//! and a replay; replay draws with it.

use std::time::Duration;

use clap::Parser;
use warroom::cli::args::{Cli, Command};

use crate::pty::spawn;
use crate::replay_support::{story, write_log};

#[test]
fn theme_is_taken_before_or_after_the_subcommand() {
    for argv in [
        &["warroom", "drill", "checkout-outage", "--theme", "light"][..],
        &["warroom", "--theme", "light", "drill", "checkout-outage"][..],
        &["warroom", "replay", "x.jsonl", "--theme", "light"][..],
        &["warroom", "--theme", "light", "replay", "x.jsonl"][..],
    ] {
        let cli = Cli::try_parse_from(argv).unwrap_or_else(|e| panic!("{argv:?}: {e}"));
        assert_eq!(cli.open.theme.as_deref(), Some("light"), "{argv:?}");
        assert!(
            matches!(cli.command, Some(Command::Drill(_) | Command::Replay(_))),
            "{argv:?}"
        );
    }
}

/// The raw bytes a replay draws with `args`, once the time bar is up.
fn replay_bytes(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let log = dir.path().join("incident.jsonl");
    write_log(&log, "checkout-2026-03-05", &story()).unwrap_or_else(|e| panic!("{e}"));
    let log_s = log.display().to_string();
    let argv: Vec<&str> = args
        .iter()
        .map(|a| if *a == "LOG" { log_s.as_str() } else { a })
        .collect();
    let mut s = spawn(&argv, dir.path());
    assert!(
        s.wait_for("T+00:08:20 / T+00:57:00", Duration::from_secs(15)),
        "{}",
        s.text()
    );
    let out = s.output();
    s.send("q");
    let _ = s.child.wait();
    out
}

#[test]
fn replay_draws_with_the_theme_given() {
    // Mono: attributes only, not one true-colour escape.
    let mono = replay_bytes(&["--theme", "mono", "replay", "LOG", "--at", "T+00:08:20"]);
    assert!(
        !mono.contains("38;2;") && !mono.contains("48;2;"),
        "mono draws no colour"
    );
    // Light, given after the subcommand: its #fafafa background.
    let light = replay_bytes(&["replay", "LOG", "--at", "T+00:08:20", "--theme", "light"]);
    assert!(light.contains("48;2;250;250;250"), "light background drawn");
    // An unknown theme is refused with the names to choose from.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(["replay", "nowhere.jsonl", "--theme", "nope"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nope") && err.contains("mono"), "{err}");
}

//! Status updates end to end: the real binary plays the bundled checkout drill in a
//! pseudo-terminal; a one-line `:update` shows in the comms pane and the timeline and the
//! countdown to the next update runs. And `warroom check` on a template with an unknown
//! placeholder names its file and line.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::pty;

/// The countdown as shown in the comms pane (`next update in 29m58s`), if any.
fn countdown(screen: &str) -> Option<String> {
    let at = screen.find("next update in ")?;
    let rest = &screen[at + "next update in ".len()..];
    Some(rest.split_whitespace().next()?.to_string())
}

#[test]
fn a_one_line_update_shows_in_the_comms_pane_and_the_timeline_and_the_countdown_runs() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let log = dir.path().join("drill.jsonl");
    let log_arg = log.display().to_string();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut s = pty::spawn(
        &[
            "--log",
            &log_arg,
            "drill",
            "checkout-outage",
            "--speed",
            "6",
        ],
        repo,
    );
    assert!(
        s.wait_for("Comms", Duration::from_secs(20)),
        "the room opens with a comms pane:\n{}",
        s.text()
    );
    assert!(
        s.wait_for("none yet", Duration::from_secs(5)),
        "no update yet:\n{}",
        s.text()
    );
    s.send(":update investigating We are looking into failed checkouts\r");
    assert!(
        s.wait_for("public update (investigating)", Duration::from_secs(15)),
        "the timeline shows the update:\n{}",
        s.text()
    );
    let screen = s.text();
    assert!(
        screen.contains("  We are looking into failed checkouts"),
        "the comms pane shows its first line:\n{screen}"
    );
    assert!(
        screen.contains("· investigating"),
        "and its state:\n{screen}"
    );
    assert!(
        screen.contains("recorded in the log only (no publishers)"),
        "and where it went:\n{screen}"
    );
    // SEV2 (the drill's severity): the next public update is due in 30 minutes, and the
    // countdown moves on as the clock runs.
    let first = countdown(&s.text());
    assert!(
        first
            .as_deref()
            .is_some_and(|c| c.starts_with("29m") || c == "30m00s"),
        "countdown {first:?}:\n{}",
        s.text()
    );
    let end = Instant::now() + Duration::from_secs(10);
    let mut later = first.clone();
    while Instant::now() < end && later == first {
        std::thread::sleep(Duration::from_millis(200));
        later = countdown(&s.text());
    }
    assert!(
        later.is_some() && later != first,
        "the countdown runs: {first:?} then {later:?}\n{}",
        s.text()
    );
    s.send("\x03");
    let _ = s.child.wait();
    let written = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        written
            .lines()
            .any(|l| l.contains(r#""type":"status_update""#)
                && l.contains(r#""audience":"public""#)
                && l.contains("We are looking into failed checkouts")
                && l.contains(r#""person":"tester""#)),
        "the update is an event in the log, by its author:\n{written}"
    );
}

#[test]
fn check_names_a_templates_unknown_placeholder_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    std::fs::write(
        dir.path().join("config.toml"),
        "[incident]\ntitle = \"Checkout failures\"\nseverity = \"SEV2\"\n",
    )
    .unwrap_or_else(|e| panic!("config: {e}"));
    let updates = dir.path().join("templates").join("updates");
    std::fs::create_dir_all(&updates).unwrap_or_else(|e| panic!("mkdir: {e}"));
    std::fs::write(
        updates.join("identified.md"),
        "We found the cause of the {components} problem.\n\nFix expected at {eta}.\n",
    )
    .unwrap_or_else(|e| panic!("template: {e}"));
    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .current_dir(dir.path())
        .args(["check"])
        .env_remove("XDG_CONFIG_HOME")
        .env("HOME", home.path())
        .output()
        .unwrap_or_else(|e| panic!("run warroom: {e}"));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("templates/updates/identified.md:3: unknown placeholder {eta}; use {title}, {components}, {since}, {duration}, {next_update}"),
        "{said}"
    );
    // The same template without the typo passes.
    std::fs::write(
        updates.join("identified.md"),
        "We found the cause of the {components} problem.\n\nNext update by {next_update}.\n",
    )
    .unwrap_or_else(|e| panic!("template: {e}"));
    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .current_dir(dir.path())
        .args(["check"])
        .env_remove("XDG_CONFIG_HOME")
        .env("HOME", home.path())
        .output()
        .unwrap_or_else(|e| panic!("run warroom: {e}"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

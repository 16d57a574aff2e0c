//! The incident desk: `warroom incidents` and `warroom report` over a directory of
//! generated logs (open, resolved, drills, damaged, not logs), golden outputs.

use crate::desk_logs::{t0, write_dir};

use chrono::Duration;

#[test]
fn the_list_shows_open_incidents_first_with_their_state_and_names_what_it_cannot_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_dir(dir.path());
    let listing = warroom::desk::list::list(dir.path()).expect("list");
    // "Now": the open checkout incident's public update was an hour ago.
    let now = t0() + Duration::minutes(24 * 60 + 20 + 60);
    let first = warroom::desk::list::render(&listing, now);
    assert!(
        first.contains("open 1h20m      ana           1h00m ago"),
        "{first}"
    );
    // Ten days on.
    let now = t0() + Duration::days(10);
    insta::assert_snapshot!("incidents_list", warroom::desk::list::render(&listing, now));
}

#[test]
fn the_list_agrees_with_the_full_fold_on_every_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_dir(dir.path());
    let listing = warroom::desk::list::list(dir.path()).expect("list");
    assert_eq!(listing.incidents.len(), 5);
    for s in &listing.incidents {
        let mut inc = warroom::incident::Incident::new();
        let (_, rec) = warroom::log::read(&s.path, |e| inc.apply(&e)).expect("read");
        assert_eq!(s.title, inc.title, "{}", s.path.display());
        assert_eq!(s.severity, inc.severity);
        assert_eq!(s.state, inc.state);
        assert_eq!(s.commander.as_ref(), inc.roles.get("commander"));
        assert_eq!(s.drill, inc.drill);
        assert_eq!(s.events, rec.events);
        assert_eq!(s.damaged, rec.damaged.len() as u64);
        assert_eq!(s.last_at, inc.last_at);
        assert_eq!(Some(s.started), inc.first_at);
    }
}

#[test]
fn warroom_incidents_lists_a_directory_and_refuses_a_missing_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_dir(dir.path());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
        .arg("incidents")
        .arg(dir.path())
        .output()
        .expect("run");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}");
    let lines: Vec<&str> = said.lines().collect();
    assert!(
        lines[1].contains("DNS timeouts") && lines[1].contains("(2 damaged lines)"),
        "open first, newest first:\n{said}"
    );
    assert!(
        lines[2].contains("Checkout failing for EU shoppers"),
        "{said}"
    );
    assert!(
        said.contains("5 incidents, 2 open, 2 logs not readable"),
        "{said}"
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
        .arg("incidents")
        .arg(dir.path().join("nope"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

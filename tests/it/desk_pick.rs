//! The incident list as a picker, through the real binary in a pty: `warroom incidents` on
//! a terminal, `:incidents` in the room, and the offer of open incidents when `warroom`
//! starts with no config of its own. `/` filters, Enter opens an open incident (its room,
//! without the drill) or replays a resolved one.

use std::time::Duration;

use crate::desk_logs::write_dir;
use crate::pty;

const WAIT: Duration = Duration::from_secs(20);

fn quit(mut s: pty::Session) {
    s.send("\x03");
    let _ = s.child.kill();
    let _ = s.child.wait();
}

#[test]
fn warroom_incidents_on_a_terminal_filters_and_enter_replays_a_resolved_one() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let logs = dir.path().join("incidents");
    std::fs::create_dir_all(&logs).unwrap_or_else(|e| panic!("{e}"));
    write_dir(&logs);
    let mut s = pty::spawn(&["incidents"], dir.path());
    assert!(
        s.wait_for("5 of 5 incidents, 2 open", WAIT),
        "the picker lists the folder:\n{}",
        s.text()
    );
    assert!(s.text().contains("Checkout failing for EU shoppers"));
    s.send("/search\r");
    assert!(
        s.wait_for("1 of 5 incidents", WAIT),
        "the filter keeps one:\n{}",
        s.text()
    );
    assert!(
        !s.text().contains("Checkout failing for EU shoppers"),
        "{}",
        s.text()
    );
    s.send("\r");
    // A resolved incident is replayed: the replay's header and its title.
    assert!(
        s.wait_for("REPLAY", WAIT) && s.wait_for("Search slow", WAIT),
        "Enter replays it:\n{}",
        s.text()
    );
    quit(s);
}

#[test]
fn incidents_in_the_room_lists_the_log_folder_and_enter_opens_an_open_one() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let logs = dir.path().join("incidents");
    std::fs::create_dir_all(&logs).unwrap_or_else(|e| panic!("{e}"));
    write_dir(&logs);
    let here = logs.join("drill-now.jsonl");
    let here_arg = here.display().to_string();
    // The bundled drill (no config here) into a log in that folder.
    let mut s = pty::spawn(&["--log", &here_arg], dir.path());
    assert!(
        s.wait_for("Drill briefing", WAIT),
        "the room opens:\n{}",
        s.text()
    );
    s.send("\x1b");
    s.send(":incidents\r");
    assert!(
        s.wait_for("DNS timeouts", WAIT),
        "the list shows the folder's incidents:\n{}",
        s.text()
    );
    assert!(
        s.text().contains("6 of 6 incidents, 3 open"),
        "{}",
        s.text()
    );
    s.send("/dns\r");
    assert!(s.wait_for("1 of 6 incidents", WAIT), "{}", s.text());
    s.send("\r");
    // The room is left and the DNS incident's room opens, without the drill.
    let end = std::time::Instant::now() + WAIT;
    // The DNS room, not the list any more.
    let dns_room = |t: &str| t.contains("DNS timeouts") && !t.contains("incidents,");
    while std::time::Instant::now() < end && !dns_room(&s.text()) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let screen = s.text();
    assert!(
        screen.contains("DNS timeouts") && !screen.contains("DRILL"),
        "the DNS incident's room:\n{screen}"
    );
    quit(s);
    let dns = std::fs::read_to_string(logs.join("2026-11-04-dns.jsonl")).unwrap_or_default();
    assert!(
        !dns.contains("drill_started"),
        "the drill did not play into the picked incident"
    );
}

#[test]
fn with_no_config_warroom_offers_the_open_incidents_before_the_drill() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let logs = dir.path().join("incidents");
    std::fs::create_dir_all(&logs).unwrap_or_else(|e| panic!("{e}"));
    write_dir(&logs);
    // Esc: the bundled drill starts as before.
    let mut s = pty::spawn(&[], dir.path());
    assert!(
        s.wait_for("2 open incidents here", WAIT),
        "the offer:\n{}",
        s.text()
    );
    let offer = s.text();
    assert!(
        offer.contains("Checkout failing for EU shoppers") && !offer.contains("Search slow"),
        "only open incidents are offered:\n{offer}"
    );
    s.send("\x1b");
    assert!(
        s.wait_for("Drill briefing", WAIT),
        "Esc starts the drill:\n{}",
        s.text()
    );
    quit(s);
    // Enter: the first open incident's room (the newest open one), no drill.
    let mut s = pty::spawn(&[], dir.path());
    assert!(s.wait_for("2 open incidents here", WAIT), "{}", s.text());
    s.send("\r");
    let end = std::time::Instant::now() + WAIT;
    while std::time::Instant::now() < end && !s.text().contains("IC ed") {
        std::thread::sleep(Duration::from_millis(100));
    }
    let screen = s.text();
    assert!(
        screen.contains("DNS timeouts") && screen.contains("IC ed") && !screen.contains("DRILL"),
        "Enter opens the newest open incident:\n{screen}"
    );
    quit(s);
}

/// The list reads the commander from a `handoff` too, and agrees with the full fold.
#[test]
fn the_list_shows_the_commander_a_handoff_made() {
    use crate::desk_logs::{Log, commander, declare, t0};
    use warroom::incident::{EventKind, Severity};
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = dir.path().join("handed.jsonl");
    Log::new("inc-handed", t0())
        .person(t0(), "ana", declare("Checkout failing", Severity::Sev1))
        .person(t0(), "ana", commander("ana"))
        .metrics(t0(), 50)
        .person(
            t0() + chrono::Duration::minutes(30),
            "ana",
            EventKind::Handoff {
                from: "ana".into(),
                to: "bo".into(),
                brief: "Handoff ana → bo".into(),
            },
        )
        .write(&path);
    let listing = warroom::desk::list::list(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let s = &listing.incidents[0];
    let mut inc = warroom::incident::Incident::new();
    warroom::log::read(&path, |e| inc.apply(&e)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(inc.roles.get("commander").map(String::as_str), Some("bo"));
    assert_eq!(s.commander.as_ref(), inc.roles.get("commander"));
}

/// The list remembers what it read (`.warroom-list.json`), and a log that changed since
/// is read again: the list never shows a stale state.
#[test]
fn the_list_cache_never_hides_a_change_to_a_log() {
    use crate::desk_logs::{Log, commander, declare, state, t0};
    use warroom::incident::{IncidentState, Severity};
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = dir.path().join("one.jsonl");
    let log = Log::new("inc-one", t0())
        .person(t0(), "ana", declare("Checkout failing", Severity::Sev1))
        .person(t0(), "ana", commander("ana"))
        .metrics(t0(), 20);
    log.write(&path);
    let first = warroom::desk::list::list(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.incidents[0].state, IncidentState::Investigating);
    assert!(
        dir.path().join(warroom::desk::cache::FILE).is_file(),
        "the list keeps what it read"
    );
    // The room appends: resolved.
    let mut text = std::fs::read_to_string(&path).unwrap_or_default();
    let more =
        Log::new("x", t0())
            .metrics(t0(), 20)
            .person(t0(), "ana", state(IncidentState::Resolved));
    let tmp = tempfile::NamedTempFile::new().unwrap_or_else(|e| panic!("{e}"));
    more.write(tmp.path());
    let appended = std::fs::read_to_string(tmp.path()).unwrap_or_default();
    // Its events after the header line (their ids repeat: the list does not check ids).
    text.push_str(appended.split_once('\n').map_or("", |(_, rest)| rest));
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    let second = warroom::desk::list::list(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(second.incidents[0].state, IncidentState::Resolved);
    let mut inc = warroom::incident::Incident::new();
    warroom::log::read(&path, |e| inc.apply(&e)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(second.incidents[0].state, inc.state);
    assert_eq!(second.incidents[0].events, inc.events);
    // Unchanged: the same answer from the cache, and a removed log is gone from it.
    let third = warroom::desk::list::list(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(third.incidents, second.incidents);
    std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let fourth = warroom::desk::list::list(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(fourth.incidents.is_empty());
}

//! The room speaks, end to end: the real binary plays the bundled checkout drill at 60x in
//! a pseudo-terminal. A one-line `:update` shows in the comms pane and the timeline, the
//! countdown to the next one runs, the silent-page alarm rises while the shop's own page
//! still says operational and clears when the page shows the incident (scenario 18:00),
//! and OVERDUE shows once the drill clock passes the SEV2 cadence (30 scenario minutes).
//! Everything is read from the screen as a terminal shows it (vt100).

use std::path::Path;
use std::time::{Duration, Instant};

use crate::pty::{self, Session};

/// Waits until the screen (not the output history) satisfies `ok`.
fn wait_screen(s: &Session, timeout: Duration, ok: impl Fn(&str) -> bool) -> bool {
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        if ok(&s.text()) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(40));
    }
    false
}

/// The countdown as shown in the comms pane (`next update in 28s`), if any.
fn countdown(screen: &str) -> Option<String> {
    let at = screen.find("next update in ")?;
    let rest = &screen[at + "next update in ".len()..];
    Some(rest.split_whitespace().next()?.to_string())
}

/// Seconds of a short countdown (`28s`, `1m02s`).
fn seconds(c: &str) -> Option<u64> {
    let c = c.strip_suffix('s')?;
    match c.split_once('m') {
        Some((m, s)) => Some(m.parse::<u64>().ok()? * 60 + s.parse::<u64>().ok()?),
        None => c.parse().ok(),
    }
}

#[test]
fn in_the_drill_an_update_shows_its_countdown_runs_the_silent_page_alarm_rises_and_clears_and_overdue_shows()
 {
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
            "60",
        ],
        repo,
    );
    assert!(
        wait_screen(&s, Duration::from_secs(20), |t| t.contains("Comms")),
        "the room opens with a comms pane:\n{}",
        s.text()
    );
    s.send("\x1b"); // the briefing
    assert!(
        s.text().contains("none yet"),
        "no update yet:\n{}",
        s.text()
    );

    // The update: in the timeline, and in the comms pane with its state and where it went.
    s.send(":update investigating We are looking into failed checkouts\r");
    assert!(
        wait_screen(&s, Duration::from_secs(10), |t| t
            .contains("public update (investigating)")
            && t.contains("  We are looking into failed checkouts")),
        "the timeline and the comms pane show the update:\n{}",
        s.text()
    );
    let screen = s.text();
    assert!(screen.contains("· investigating"), "its state:\n{screen}");
    assert!(
        screen.contains("recorded in the log only (no publishers)"),
        "where it went:\n{screen}"
    );

    // SEV2 owes an update every 30 scenario minutes: 30 s at 60x. The countdown runs.
    let first = countdown(&s.text());
    assert!(
        first
            .as_deref()
            .and_then(seconds)
            .is_some_and(|c| (1..=30).contains(&c)),
        "countdown {first:?}:\n{}",
        s.text()
    );
    assert!(
        wait_screen(&s, Duration::from_secs(10), |t| countdown(t).is_some()
            && countdown(t) != first),
        "the countdown runs from {first:?}:\n{}",
        s.text()
    );

    // The shop's page stays green while checkout fails: after 5 scenario minutes of it,
    // the alarm, while the status pages pane still shows the page all operational.
    assert!(
        wait_screen(&s, Duration::from_secs(30), |t| t
            .contains("ALARM our page says operational while")),
        "the silent-page alarm in the comms pane:\n{}",
        s.text()
    );
    let screen = s.text();
    assert!(
        screen.contains("shop status  All Systems Operational"),
        "raised before our page shows the incident:\n{screen}"
    );
    assert!(
        screen
            .lines()
            .next()
            .is_some_and(|l| l.contains("ALARM page says operational")),
        "and in the header:\n{screen}"
    );
    assert!(
        wait_screen(&s, Duration::from_secs(5), |t| t
            .contains("Public page alarm: shop status says")),
        "one timeline entry says so:\n{}",
        s.text()
    );

    // Scenario 18:00: the shop's page shows the incident, and the alarm clears.
    assert!(
        wait_screen(&s, Duration::from_secs(30), |t| !t.contains("ALARM")
            && t.contains("Public page alarm cleared:")),
        "the alarm clears when our page shows the incident:\n{}",
        s.text()
    );
    assert!(
        !s.text().contains("shop status  All Systems Operational"),
        "cleared because the page now shows it:\n{}",
        s.text()
    );

    // 30 scenario minutes after the update: overdue, in red words on the screen.
    assert!(
        wait_screen(&s, Duration::from_secs(40), |t| t.contains("OVERDUE")
            && t.contains("public update was due")),
        "OVERDUE once the drill clock passes the cadence:\n{}",
        s.text()
    );
    assert!(
        wait_screen(&s, Duration::from_secs(5), |t| t
            .contains("Public update overdue:")),
        "one timeline entry says so:\n{}",
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

//! Handing the commander role over: `:handoff NAME` (and `:role commander NAME` while a
//! commander is set) record one `handoff` event whose brief is derived from the fold; the
//! new commander holds the role, and the old and the new commander (only they) see the
//! brief in their views until they close it.

use std::collections::BTreeMap;

use crate::log_builder::{Log, m, t0};
use chrono::{DateTime, Utc};
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::incident::{Actor, Audience, Direction, EventKind, Incident, IncidentState, Severity};
use warroom::ui::app::{Action, App, AppOptions};
use warroom::ui::command::{self, Command};

impl Log {
    fn note(self, at: DateTime<Utc>, text: &str) -> Self {
        self.ana(at, EventKind::Note { text: text.into() })
    }
    fn role(self, at: DateTime<Utc>, role: &str, person: &str) -> Self {
        self.ana(
            at,
            EventKind::RoleAssigned {
                role: role.into(),
                person: person.into(),
            },
        )
    }
    /// Runs a command line as the room does (`command::parse`) and records its event.
    fn command(self, at: DateTime<Utc>, line: &str) -> Self {
        let inc = Incident::fold(&self.events);
        match command::parse(line, &inc, at) {
            Ok(Command::Record(kind)) => self.ana(at, kind),
            other => panic!(":{line} gave {other:?}"),
        }
    }
}

/// Forty minutes into a checkout outage: declared SEV2 at 10:02, identified, error rate
/// critical, a public update at 10:10 (the next due 10:40 at SEV2), ana commands, bo does
/// comms, one checklist item of two done, a note and a decision.
fn outage() -> Log {
    let every: BTreeMap<String, u64> = [("SEV2".to_string(), 1800)].into_iter().collect();
    let mut log = Log::default()
        .at(
            t0(),
            Actor::System,
            EventKind::CommsDefined {
                first_update_within: 900,
                every,
                contradiction_after: 300,
            },
        )
        .at(
            t0(),
            Actor::System,
            EventKind::ChecklistDefined {
                list: "mitigation".into(),
                items: vec!["Freeze deploys".into(), "Roll back the last change".into()],
                done_when: BTreeMap::new(),
            },
        )
        .at(
            t0(),
            Actor::source("prom"),
            EventKind::SignalDefined {
                series: "checkout error rate".into(),
                unit: "%".into(),
                warn: Some(0.02),
                crit: Some(0.05),
                direction: Direction::Above,
                hysteresis: None,
                dwell: Some(1),
            },
        );
    for (min, v) in [(1, 0.01), (3, 0.12), (5, 0.31), (20, 0.18), (39, 0.09)] {
        log = log.at(
            m(min),
            Actor::source("prom"),
            EventKind::Metric {
                series: "checkout error rate".into(),
                value: v,
            },
        );
    }
    log.ana(
        m(2),
        EventKind::IncidentDeclared {
            title: "Checkout failing".into(),
            severity: Severity::Sev2,
        },
    )
    .role(m(2), "commander", "ana")
    .role(m(3), "comms", "bo")
    .note(m(6), "payments provider timeouts since 09:58?")
    .ana(
        m(8),
        EventKind::Decision {
            text: "roll back checkout 4.12".into(),
        },
    )
    .ana(
        m(10),
        EventKind::StatusUpdate {
            audience: Audience::Public,
            state: IncidentState::Investigating,
            components: Vec::new(),
            body: "We are investigating failed checkouts.\nMore soon.".into(),
            targets: Vec::new(),
        },
    )
    .ana(
        m(12),
        EventKind::StateChanged {
            state: IncidentState::Identified,
        },
    )
    .ana(
        m(15),
        EventKind::ChecklistToggled {
            list: "mitigation".into(),
            item: "Freeze deploys".into(),
            done: true,
        },
    )
}

fn brief_of(inc: &Incident) -> String {
    inc.handoffs
        .last()
        .map(|h| h.brief.clone())
        .unwrap_or_else(|| panic!("no handoff recorded"))
}

#[test]
fn the_handoff_brief_says_state_impact_signals_notes_comms_undone_items_and_roles() {
    let inc = outage().command(m(40), "handoff cy").fold();
    assert_eq!(
        inc.roles.get("commander").map(String::as_str),
        Some("cy"),
        "cy commands after the handoff"
    );
    let h = inc.handoffs.last().unwrap_or_else(|| panic!("no handoff"));
    assert_eq!((h.from.as_str(), h.to.as_str()), ("ana", "cy"));
    let b = brief_of(&inc);
    for want in [
        "Handoff ana → cy at 2026-07-02 10:40:00 UTC",
        "SEV2 · identified · declared: Checkout failing",
        // Impact so far: from detection (the first crossing, 10:03) to now.
        "impact since 10:03 UTC (37m00s so far)",
        "checkout error rate peaked at 31% (10:05 UTC)",
        // Signals now: the last sample and its level.
        "CRIT checkout error rate: 9%",
        // Notes and decisions.
        "10:06 note (ana): payments provider timeouts since 09:58?",
        "10:08 decision (ana): roll back checkout 4.12",
        // Comms: the last public update and the next one due (SEV2: every 30 min).
        "last public update 10:10 UTC (investigating, by ana): We are investigating failed checkouts.",
        "next public update due 10:40 UTC (in 0s)",
        // The undone checklist item, not the done one.
        "mitigation: Roll back the last change",
        // Roles: the new commander, and the others.
        "commander: cy",
        "comms: bo",
    ] {
        assert!(b.contains(want), "brief lacks {want:?}:\n{b}");
    }
    assert!(
        !b.contains("mitigation: Freeze deploys"),
        "a done item is not listed as undone:\n{b}"
    );
    assert!(
        !b.contains("commander: ana"),
        "ana no longer commands:\n{b}"
    );
    assert!(
        !b.contains("note (ana): public update"),
        "a status update is not repeated as a note:\n{b}"
    );
    // The timeline says who handed to whom.
    assert!(
        inc.timeline
            .iter()
            .any(|e| e.text.starts_with("Handoff ana → cy")),
        "timeline entry for the handoff"
    );
}

#[test]
fn a_second_brief_lists_only_the_notes_since_the_last_handoff_and_says_overdue() {
    let inc = outage()
        .command(m(20), "handoff cy")
        .note(m(30), "rollback done, error rate falling")
        .command(m(45), "role commander ana")
        .fold();
    assert_eq!(inc.handoffs.len(), 2, ":role commander while cy commands");
    assert_eq!(inc.roles.get("commander").map(String::as_str), Some("ana"));
    let b = brief_of(&inc);
    assert!(b.contains("Handoff cy → ana"), "{b}");
    assert!(
        b.contains("10:30 note (ana): rollback done, error rate falling"),
        "{b}"
    );
    assert!(
        !b.contains("payments provider timeouts") && !b.contains("roll back checkout 4.12"),
        "notes from before the last handoff are left out:\n{b}"
    );
    assert!(
        b.contains("next public update OVERDUE 5m00s (was due 10:40 UTC)"),
        "{b}"
    );
}

#[test]
fn handing_to_the_commander_or_to_nobody_is_refused_and_role_for_others_stays_a_role() {
    let log = outage();
    let inc = log.fold();
    let err = command::parse("handoff ana", &inc, m(40));
    assert!(
        matches!(&err, Err(e) if e.to_string() == "ana is already commander"),
        "{err:?}"
    );
    assert!(command::parse("handoff", &inc, m(40)).is_err());
    // Another role, or unassigning the commander, is a plain role change.
    assert!(matches!(
        command::parse("role scribe cy", &inc, m(40)),
        Ok(Command::Record(EventKind::RoleAssigned { .. }))
    ));
    assert!(matches!(
        command::parse("role commander -", &inc, m(40)),
        Ok(Command::Record(EventKind::RoleAssigned { .. }))
    ));
    // No commander yet: `:role commander` assigns, no brief.
    let fresh = Incident::new();
    assert!(matches!(
        command::parse("role commander ana", &fresh, m(40)),
        Ok(Command::Record(EventKind::RoleAssigned { .. }))
    ));
}

fn screen(app: &mut App, inc: &Incident, now: DateTime<Utc>) -> String {
    screen_sized(app, inc, now, 140, 50)
}

fn screen_sized(app: &mut App, inc: &Incident, now: DateTime<Utc>, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap_or_else(|e| panic!("{e}"));
    t.draw(|f| app.draw(f, f.area(), inc, now))
        .unwrap_or_else(|e| panic!("{e}"));
    let b = t.backend().buffer();
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| b.cell((x, y)).map_or(" ", |c| c.symbol()).to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_old_and_the_new_commander_see_the_brief_until_they_close_it_others_do_not() {
    let inc = outage().command(m(40), "handoff cy").fold();
    for who in ["ana", "cy"] {
        let mut app = App::new(AppOptions::new(who));
        let s = screen(&mut app, &inc, m(41));
        assert!(s.contains("Handoff brief"), "{who} sees the brief:\n{s}");
        assert!(s.contains("Handoff ana → cy"), "{who}:\n{s}");
        let esc = TermEvent::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
        let acts: Vec<Action> = app.handle_input(&esc, &inc, m(41));
        assert!(acts.is_empty());
        let s = screen(&mut app, &inc, m(41));
        assert!(!s.contains("Handoff brief"), "{who} closed it:\n{s}");
    }
    let mut bo = App::new(AppOptions::new("bo"));
    let s = screen(&mut bo, &inc, m(41));
    assert!(!s.contains("Handoff brief"), "bo is not part of it:\n{s}");
}

/// The real binary in a pty: the person at the terminal hands command over and sees the
/// brief; the log has the handoff event with the brief.
#[test]
fn in_the_room_handoff_shows_the_brief_to_the_commander_handing_over() {
    use crate::pty;
    use std::time::Duration as Wait;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let log = dir.path().join("drill.jsonl");
    let log_arg = log.display().to_string();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut s = pty::spawn(&["--log", &log_arg, "drill", "checkout-outage"], repo);
    assert!(
        s.wait_for("Drill briefing", Wait::from_secs(20)),
        "the room opens:\n{}",
        s.text()
    );
    s.send("\x1b");
    s.send(":role commander tester\r");
    assert!(
        s.wait_for("tester is commander", Wait::from_secs(10)),
        "{}",
        s.text()
    );
    s.send(":handoff bo\r");
    assert!(
        s.wait_for("Handoff brief", Wait::from_secs(10)),
        "the brief pops up for the one handing over:\n{}",
        s.text()
    );
    let screen = s.text();
    for want in [
        "Handoff tester → bo",
        "Signals now",
        "Checklist items not done",
        "commander: bo",
    ] {
        assert!(screen.contains(want), "{want:?} on screen:\n{screen}");
    }
    s.send("\x1b");
    let end = std::time::Instant::now() + Wait::from_secs(5);
    while std::time::Instant::now() < end && s.text().contains("Handoff brief") {
        std::thread::sleep(Wait::from_millis(50));
    }
    assert!(
        !s.text().contains("Handoff brief"),
        "Esc closes it:\n{}",
        s.text()
    );
    s.send("\x03");
    let _ = s.child.wait();
    let written = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        written.lines().any(|l| l.contains(r#""type":"handoff""#)
            && l.contains(r#""from":"tester""#)
            && l.contains(r#""to":"bo""#)
            && l.contains("Checklist items not done")),
        "the handoff and its brief are in the log:\n{written}"
    );
}

#[test]
fn h_still_opens_help_and_ha_abbreviates_handoff() {
    use warroom::ui::command::ViewCommand;
    let inc = outage().fold();
    assert!(matches!(
        command::parse("h", &inc, m(40)),
        Ok(Command::View(ViewCommand::Help))
    ));
    assert!(matches!(
        command::parse("ha bo", &inc, m(40)),
        Ok(Command::Record(EventKind::Handoff { .. }))
    ));
}

#[test]
fn a_signal_that_is_bad_below_its_threshold_is_briefed_by_its_lowest_value() {
    let mut log = Log::default()
        .at(
            t0(),
            Actor::source("prom"),
            EventKind::SignalDefined {
                series: "orders per minute".into(),
                unit: "/min".into(),
                warn: Some(900.0),
                crit: Some(400.0),
                direction: Direction::Below,
                hysteresis: None,
                dwell: Some(1),
            },
        )
        .ana(
            m(1),
            EventKind::IncidentDeclared {
                title: "Checkout failing".into(),
                severity: Severity::Sev2,
            },
        )
        .role(m(1), "commander", "ana");
    for (min, v) in [(2, 1400.0), (5, 56.7), (9, 300.0)] {
        log = log.at(
            m(min),
            Actor::source("prom"),
            EventKind::Metric {
                series: "orders per minute".into(),
                value: v,
            },
        );
    }
    let b = brief_of(&log.command(m(10), "handoff bo").fold());
    assert!(b.contains("orders per minute fell to 56.7"), "{b}");
    assert!(!b.contains("orders per minute peaked"), "{b}");
}

#[test]
fn a_brief_taller_than_the_screen_says_so_and_scrolls_to_its_end() {
    let inc = outage().command(m(40), "handoff cy").fold();
    let last = brief_of(&inc)
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.trim().chars().take(30).collect::<String>())
        .unwrap_or_default();
    let mut app = App::new(AppOptions::new("ana"));
    let s = screen_sized(&mut app, &inc, m(41), 80, 24);
    assert!(
        s.contains("more lines"),
        "the hint says there is more:\n{s}"
    );
    assert!(!s.contains(&last), "the end is below at first:\n{s}");
    for _ in 0..6 {
        let pgdn = TermEvent::Key(KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE));
        assert!(app.handle_input(&pgdn, &inc, m(41)).is_empty());
    }
    let s = screen_sized(&mut app, &inc, m(41), 80, 24);
    assert!(s.contains("Handoff brief"), "still open:\n{s}");
    assert!(s.contains(&last), "PgDn reaches the end ({last}):\n{s}");
}

#[test]
fn the_postmortems_roles_show_the_commander_a_handoff_made() {
    let log = outage().command(m(40), "handoff cy");
    let roles = warroom::export::postmortem::role_history(&log.events);
    let commanders: Vec<(&str, Option<DateTime<Utc>>)> = roles
        .iter()
        .filter(|r| r.role == "commander")
        .map(|r| (r.person.as_str(), r.to))
        .collect();
    assert_eq!(commanders, vec![("ana", Some(m(40))), ("cy", None)]);
}

//! Follow-ups: `:action` in the real binary (pty), `/kind:action`, a bad date refused,
//! the postmortem's Follow-ups table and `warroom export --format actions|actions-md`
//! (golden).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use chrono::NaiveDate;
use warroom::export::{Format, render};
use warroom::incident::{Actor, Event, EventKind, Incident};

use crate::amend::{amended_story, log_events, quiet_room};
use crate::pty;
use crate::replay_support::{t0, write_log};

fn wait(s: &pty::Session, what: &str) {
    assert!(
        s.wait_for(what, Duration::from_secs(20)),
        "waited for {what:?}; the screen shows:\n{}",
        s.text()
    );
}

fn export(log: &Path, format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(["export", &log.display().to_string(), "--format", format])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn action_records_follow_ups_from_the_selected_moment_and_exports_them() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let (cfg, log) = quiet_room(dir.path());
    let mut s = pty::spawn(&["--config", &cfg, "--log", &log], dir.path());
    wait(&s, "Timeline");
    // The timeline zoomed to the whole screen: entries on one line each.
    s.send("z");
    s.send(":note disk on db-2 filled up\r");
    wait(&s, "disk on db-2 filled up");
    s.send(":note paged the storage team\r");
    wait(&s, "paged the storage team");
    // A bad date is refused with the form to use, and nothing is recorded.
    s.send(":action Alert on disk @bo due:2026-13-45\r");
    wait(&s, "bad due date");
    // With the disk note selected, the follow-up comes from that moment.
    s.send("kk");
    wait(&s, "e corrects the selected entry");
    s.send(":action Alert on disk at 80% @bo due:2026-12-05\r");
    wait(
        &s,
        "Follow-up: Alert on disk at 80% (owner bo, due 2026-12-05)",
    );
    // End lets go of the selection: the next one comes from no moment.
    s.send("G:action Write the db-2 runbook\r");
    wait(&s, "Follow-up: Write the db-2 runbook");
    // The timeline filter lists the follow-ups only.
    s.send("/kind:action\r");
    wait(&s, "2/");
    let screen = s.text();
    assert!(
        screen.contains("Follow-up: Write the db-2 runbook"),
        "{screen}"
    );
    assert!(
        !screen.contains("paged the storage team"),
        "kind:action hides other entries:\n{screen}"
    );
    s.send("\x03");
    let _ = s.child.wait();

    let log = Path::new(&log);
    let events = log_events(log);
    let disk = events
        .iter()
        .find(|e| matches!(&e.kind, EventKind::Note { text } if text.starts_with("disk on db-2")))
        .map(|e| e.id);
    let actions: Vec<&EventKind> = events
        .iter()
        .map(|e| &e.kind)
        .filter(|k| matches!(k, EventKind::Action { .. }))
        .collect();
    assert_eq!(
        actions.len(),
        2,
        "the bad date recorded nothing: {actions:?}"
    );
    assert_eq!(
        actions[0],
        &EventKind::Action {
            text: "Alert on disk at 80%".into(),
            owner: Some("bo".into()),
            due: NaiveDate::from_ymd_opt(2026, 12, 5),
            from: disk,
        }
    );
    assert!(
        matches!(
            actions[1],
            EventKind::Action {
                from: None,
                owner: None,
                due: None,
                ..
            }
        ),
        "{actions:?}"
    );

    let js: serde_json::Value = serde_json::from_str(&export(log, "actions")).unwrap_or_default();
    let items = js.as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 2, "{js}");
    assert_eq!(items[0]["owner"], "bo");
    assert_eq!(items[0]["due"], "2026-12-05");
    assert_eq!(items[0]["from"]["text"], "disk on db-2 filled up");
    let md = export(log, "actions-md");
    assert!(
        md.contains("- [ ] Alert on disk at 80% (owner @bo, due 2026-12-05) — from "),
        "{md}"
    );
    assert!(md.contains("- [ ] Write the db-2 runbook\n"), "{md}");
    let pm = export(log, "markdown");
    assert!(pm.contains("## Follow-ups"), "{pm}");
    assert!(
        pm.contains("| Alert on disk at 80% | bo | 2026-12-05 | "),
        "{pm}"
    );
}

/// The amended story plus follow-ups: one from a moment, one struck, one without owner.
fn story_with_actions() -> Vec<Event> {
    let mut events = amended_story();
    let note = events
        .iter()
        .find(|e| matches!(&e.kind, EventKind::Note { text } if text.starts_with("Deploy 4512")))
        .map(|e| e.id);
    let next = events.len() as u64 + 1;
    let at = t0() + chrono::Duration::minutes(60);
    let ev = |id: u64, kind: EventKind| Event {
        id,
        at,
        by: Actor::person("ana"),
        kind,
    };
    events.push(ev(
        next,
        EventKind::Action {
            text: "Canary the payment client | with *real* traffic".into(),
            owner: Some("cy".into()),
            due: NaiveDate::from_ymd_opt(2026, 3, 20),
            from: note,
        },
    ));
    events.push(ev(
        next + 1,
        EventKind::Action {
            text: "Page the payments team from the checkout alert".into(),
            owner: None,
            due: None,
            from: None,
        },
    ));
    events.push(ev(
        next + 2,
        EventKind::Action {
            text: "Duplicate item".into(),
            owner: Some("dan".into()),
            due: None,
            from: None,
        },
    ));
    events.push(ev(
        next + 3,
        EventKind::Amended {
            target: next + 2,
            text: None,
            at: None,
            struck: true,
            reason: "same as the canary".into(),
        },
    ));
    events
}

#[test]
fn the_postmortem_has_a_follow_ups_table_and_the_actions_formats_are_golden() {
    let events = story_with_actions();
    let inc = Incident::fold(&events);
    let md = render(&inc, &events, Format::Markdown, false);
    assert!(md.contains("## Follow-ups"), "{md}");
    assert!(
        md.contains("| Canary the payment client \\| with \\*real\\* traffic | cy | 2026-03-20 | 2026-03-05 21:11:00 note by cy: Deploy 4512 at 20:50"),
        "the item, owner, due and the (corrected) moment it came from:\n{md}"
    );
    assert!(
        !md.contains("| Duplicate item |"),
        "a struck follow-up is not listed"
    );
    insta::assert_snapshot!("postmortem_follow_ups", md);
    let js = render(&inc, &events, Format::Actions, false);
    let v: serde_json::Value = serde_json::from_str(&js).unwrap_or_default();
    assert_eq!(v.as_array().map(Vec::len), Some(2));
    insta::assert_snapshot!("actions_json", js);
    let tasks = render(&inc, &events, Format::ActionsMarkdown, false);
    insta::assert_snapshot!("actions_markdown", tasks);
}

#[test]
fn an_incident_without_follow_ups_exports_an_empty_list() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let log = dir.path().join("none.jsonl");
    write_log(&log, "checkout", &crate::replay_support::story()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(export(&log, "actions").trim(), "[]");
    assert!(export(&log, "actions-md").contains("No follow-ups were recorded."));
    assert!(!export(&log, "markdown").contains("## Follow-ups"));
}

#[test]
fn action_completes_the_owner_from_the_people_of_the_incident() {
    let inc = Incident::fold(&crate::replay_support::story());
    let (line, _) = warroom::ui::command::complete("action Canary the client @d", &inc, &[]);
    assert_eq!(line, "action Canary the client @dan ");
    let (_, many) = warroom::ui::command::complete("action x @", &inc, &[]);
    assert!(many.contains(&"@ana".to_string()), "{many:?}");
}

#[test]
fn the_fold_keeps_follow_ups_and_the_filter_lists_them() {
    let inc = Incident::fold(&story_with_actions());
    let open: Vec<&str> = inc.open_actions().map(|a| a.text.as_str()).collect();
    assert_eq!(
        open,
        [
            "Canary the payment client | with *real* traffic",
            "Page the payments team from the checkout alert"
        ]
    );
    let f = warroom::ui::panes::timeline::Filter::parse("kind:action")
        .unwrap_or_else(|e| panic!("{e}"));
    let listed = inc.timeline.iter().filter(|e| f.matches(e)).count();
    assert_eq!(listed, 3, "struck ones stay in the timeline, shown struck");
}

//! Correcting the timeline: `e` on a selected entry in the real binary (pty), the
//! postmortem's Corrections (golden), replay before and after the amendment, and what an
//! observer may not do.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::export::{Format, render};
use warroom::incident::{Actor, Event, EventKind, Incident};
use warroom::replay::Replay;
use warroom::term::replay::ReplayView;
use warroom::ui::app::{App, AppOptions};

use crate::pty;
use crate::replay_support::{story, t0, write_log};

/// A room with no sources: the timeline holds only what the test types.
pub fn quiet_room(dir: &Path) -> (String, String) {
    let cfg = dir.join("config.toml");
    std::fs::write(
        &cfg,
        "[incident]\ntitle = \"Checkout failing\"\nseverity = \"SEV2\"\nlog = \"incidents/{date}-{slug}.jsonl\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let log = dir.join("incident.jsonl");
    (cfg.display().to_string(), log.display().to_string())
}

/// The events of a log file (header skipped).
pub fn log_events(path: &Path) -> Vec<Event> {
    crate::replay_support::read_log(path)
        .map(|(e, _)| e)
        .unwrap_or_default()
}

fn wait(s: &pty::Session, what: &str) {
    assert!(
        s.wait_for(what, Duration::from_secs(20)),
        "waited for {what:?}; the screen shows:\n{}",
        s.text()
    );
}

#[test]
fn e_corrects_and_strikes_entries_and_the_log_keeps_the_originals() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let (cfg, log) = quiet_room(dir.path());
    let mut s = pty::spawn(&["--config", &cfg, "--log", &log], dir.path());
    wait(&s, "Timeline");
    // The timeline zoomed to the whole screen: entries on one line each.
    s.send("z");
    s.send(":note rollback of 4.12 done\r");
    wait(&s, "rollback of 4.12 done");
    s.send(":note error rate falling\r");
    wait(&s, "error rate falling");
    // Without a selection, `e` says how to select one.
    s.send("e");
    wait(&s, "select a timeline entry first");
    // ↑ selects the newest entry, ↑ again the one above it.
    s.send("kk");
    wait(&s, "e corrects the selected entry");
    s.send("e");
    wait(&s, "Correct the timeline entry");
    // Text: replace it; Tab to Time, Strike, Reason.
    s.send("\x15rollback of 4.11 done\t\t\twrong version number\r");
    wait(&s, "✎ corrected by tester: wrong version number");
    assert!(s.text().contains("rollback of 4.11 done"), "{}", s.text());
    assert!(!s.text().contains("rollback of 4.12 done"), "{}", s.text());
    // ↓ selects the entry below; strike it.
    s.send("j");
    s.send("e");
    wait(&s, "Correct the timeline entry");
    s.send("\t\t \tsaid twice\r");
    wait(&s, "✗ struck by tester: said twice");
    assert!(
        s.text().contains("error rate falling"),
        "a struck entry stays: {}",
        s.text()
    );
    // A form without a reason records nothing and says why.
    s.send("ke");
    wait(&s, "Correct the timeline entry");
    s.send("\x15again\r");
    wait(&s, "a correction needs a reason");
    s.send("\x1b");
    wait(&s, "nothing corrected");
    s.send("\x03");
    let _ = s.child.wait();

    let events = log_events(Path::new(&log));
    let notes: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Note { .. }))
        .collect();
    assert!(
        notes.iter().any(
            |e| matches!(&e.kind, EventKind::Note { text } if text == "rollback of 4.12 done")
        ),
        "the original stays in the log"
    );
    let amended: Vec<&EventKind> = events
        .iter()
        .filter(|e| e.by == Actor::person("tester"))
        .map(|e| &e.kind)
        .filter(|k| matches!(k, EventKind::Amended { .. }))
        .collect();
    assert_eq!(amended.len(), 2, "{amended:?}");
    let first_note = notes.first().map_or(0, |e| e.id);
    assert!(
        matches!(amended[0], EventKind::Amended { target, text: Some(t), struck: false, reason, .. }
            if *target == first_note && t == "rollback of 4.11 done" && reason == "wrong version number"),
        "{amended:?}"
    );
    assert!(
        matches!(
            amended[1],
            EventKind::Amended {
                text: None,
                at: None,
                struck: true,
                ..
            }
        ),
        "{amended:?}"
    );
}

fn m(min: i64) -> DateTime<Utc> {
    t0() + chrono::Duration::minutes(min)
}

/// The story with a note corrected (text and time), a decision struck, and a correction
/// of an entry that does not exist.
pub fn amended_story() -> Vec<Event> {
    let mut events = story();
    let id_of = |events: &[Event], pred: &dyn Fn(&EventKind) -> bool| {
        events.iter().find(|e| pred(&e.kind)).map_or(0, |e| e.id)
    };
    let note = id_of(
        &events,
        &|k| matches!(k, EventKind::Note { text } if text.starts_with("Deploy 4512")),
    );
    let decision = id_of(&events, &|k| matches!(k, EventKind::Decision { .. }));
    let next = events.len() as u64 + 1;
    let ana = Actor::person("ana");
    events.push(Event {
        id: next,
        at: m(58),
        by: ana.clone(),
        kind: EventKind::Amended {
            target: note,
            text: Some("Deploy 4512 at 20:50 touched the payment client".into()),
            at: Some(m(11)),
            struck: false,
            reason: "deploy log says 20:50 | not 20:55".into(),
        },
    });
    events.push(Event {
        id: next + 1,
        at: m(59),
        by: Actor::person("bo"),
        kind: EventKind::Amended {
            target: decision,
            text: None,
            at: None,
            struck: true,
            reason: "we never rolled back; the fix went forward".into(),
        },
    });
    events.push(Event {
        id: next + 2,
        at: m(59),
        by: ana,
        kind: EventKind::Amended {
            target: 9_999,
            text: Some("nothing".into()),
            at: None,
            struck: false,
            reason: "typo".into(),
        },
    });
    events
}

#[test]
fn the_postmortem_lists_corrections_with_who_when_why_and_before_after() {
    let events = amended_story();
    let inc = Incident::fold(&events);
    let md = render(&inc, &events, Format::Markdown, false);
    assert!(md.contains("## Corrections"), "{md}");
    assert!(
        md.contains("Deploy 4512 at 20:50 touched the payment client"),
        "the timeline shows the corrected text"
    );
    assert!(
        md.contains("| 2026-03-05 21:11:00 | T+00:11:00 | cy | note | Deploy 4512 at 20:50"),
        "at its corrected time:\n{md}"
    );
    assert!(md.contains("deploy log says 20:50 \\| not 20:55"));
    assert!(md.contains("struck: \"Roll back deploy 4512\""));
    assert!(md.contains("not applied: no timeline entry #9999"));
    assert!(
        md.contains("| ~~Roll back deploy 4512~~ _✗ struck by bo: we never rolled back"),
        "the timeline shows the struck entry struck, with the reason:\n{md}"
    );
    assert!(md.contains("payment client _✎ corrected by ana (was 21:12:00): deploy log says"));
    insta::assert_snapshot!("postmortem_corrections", md);
    let all = render(&inc, &events, Format::Markdown, true);
    assert!(
        all.contains("| amended | entry #28 struck: we never rolled back"),
        "--all names each amendment:\n{all}"
    );
    let js = render(&inc, &events, Format::Json, false);
    let v: serde_json::Value = serde_json::from_str(&js).unwrap_or_default();
    assert_eq!(v["corrections"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["corrections"][1]["struck"], true);
    assert_eq!(
        v["corrections"][0]["before_text"],
        "Deploy 4512 at 20:55 touched the payment client"
    );
}

fn screen(view: &mut ReplayView, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap_or_else(|e| panic!("{e}"));
    term.draw(|f| view.draw(f))
        .unwrap_or_else(|e| panic!("{e}"));
    let buf = term.backend().buffer().clone();
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                + "\n"
        })
        .collect()
}

#[test]
fn replay_shows_the_original_before_the_amendment_and_the_correction_after() {
    let mut v = ReplayView::new(Replay::new(amended_story()), "rev", None);
    v.replay.seek(m(40));
    let before = screen(&mut v, 160, 60);
    assert!(
        before.contains("Deploy 4512 at 20:55 touched"),
        "before the amendment: the original\n{before}"
    );
    assert!(!before.contains("corrected by"), "{before}");
    assert!(before.contains("Roll back deploy 4512"), "{before}");
    assert!(!before.contains("struck by"), "{before}");
    v.replay.seek(m(59) + chrono::Duration::seconds(30));
    let after = screen(&mut v, 160, 60);
    assert!(
        after.contains("Deploy 4512 at 20:50 touched"),
        "after: the correction\n{after}"
    );
    assert!(!after.contains("20:55 touched"), "{after}");
    assert!(
        after.contains("✎ corrected by ana (was 21:12:00): de"),
        "{after}"
    );
    assert!(
        after.contains("✗ struck by bo: we never rolled back"),
        "{after}"
    );
}

fn draw(app: &mut App, inc: &Incident, now: DateTime<Utc>) -> String {
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap_or_else(|e| panic!("{e}"));
    term.draw(|f| app.draw(f, f.area(), inc, now))
        .unwrap_or_else(|e| panic!("{e}"));
    let buf = term.backend().buffer().clone();
    (0..40)
        .map(|y| {
            (0..120)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                + "\n"
        })
        .collect()
}

#[test]
fn a_click_selects_an_entry_and_e_opens_the_form_on_it() {
    let inc = Incident::fold(&story());
    let now = m(60);
    let mut app = App::new(AppOptions::new("ana"));
    // The filter brings the decision into view; the click picks it.
    for c in "/kind:decision".chars() {
        app.handle_input(
            &TermEvent::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
            &inc,
            now,
        );
    }
    app.handle_input(
        &TermEvent::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        &inc,
        now,
    );
    let screen = draw(&mut app, &inc, now);
    let (row, line) = screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("Roll back deploy 4512"))
        .unwrap_or_else(|| panic!("the decision is on screen:\n{screen}"));
    let col = line.chars().position(|c| c == '★').unwrap_or_default();
    let click = TermEvent::Mouse(crossterm::event::MouseEvent {
        kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
        column: col as u16,
        row: row as u16,
        modifiers: KeyModifiers::NONE,
    });
    app.handle_input(&click, &inc, now);
    let e = TermEvent::Key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::NONE));
    assert!(app.handle_input(&e, &inc, now).is_empty());
    assert_eq!(app.input, warroom::ui::app::Input::Amend);
    let form = draw(&mut app, &inc, now);
    assert!(form.contains("Correct the timeline entry"), "{form}");
    assert!(
        form.contains("2026-03-05 21:15:00 ana · decision"),
        "{form}"
    );
    // Strike it: Tab to Time, Strike; space; Tab to Reason; type; Enter.
    let press = |app: &mut App, code: KeyCode| {
        app.handle_input(
            &TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE)),
            &inc,
            now,
        )
    };
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Tab);
    for c in "went forward instead".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let done = press(&mut app, KeyCode::Enter);
    let decision = inc
        .timeline
        .iter()
        .find(|t| t.text == "Roll back deploy 4512")
        .map_or(0, |t| t.id);
    assert_eq!(
        done,
        vec![warroom::ui::app::Action::Record(EventKind::Amended {
            target: decision,
            text: None,
            at: None,
            struck: true,
            reason: "went forward instead".into(),
        })]
    ); // `:amend` opens the same form on the entry still selected; Esc records nothing.
    for c in ":amend".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.input, warroom::ui::app::Input::Amend);
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert_eq!(
        app.message().map(|(m, _)| m.to_string()).as_deref(),
        Some("nothing corrected")
    );
}

#[test]
fn observers_and_replays_cannot_amend() {
    let events = story();
    let inc = Incident::fold(&events);
    let now = m(60);
    let up = TermEvent::Key(KeyEvent::new(KeyCode::Up, KeyModifiers::NONE));
    let e = TermEvent::Key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::NONE));
    let mut opts = AppOptions::new("obs");
    opts.read_only = true;
    let mut app = App::new(opts);
    app.handle_input(&up, &inc, now);
    assert!(app.handle_input(&e, &inc, now).is_empty());
    let msg = app
        .message()
        .map(|(m, _)| m.to_string())
        .unwrap_or_default();
    assert!(msg.contains("read-only view"), "{msg}");
    assert_eq!(app.input, warroom::ui::app::Input::Normal, "no form opens");
    let mut opts = AppOptions::new("ana");
    opts.mode = warroom::ui::app::Mode::Replay;
    let mut app = App::new(opts);
    app.handle_input(&up, &inc, now);
    assert!(app.handle_input(&e, &inc, now).is_empty());
    let msg = app
        .message()
        .map(|(m, _)| m.to_string())
        .unwrap_or_default();
    assert!(msg.contains("replay"), "{msg}");
}

#[test]
fn a_correction_in_a_written_log_survives_export_from_the_cli() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let log = dir.path().join("amended.jsonl");
    write_log(&log, "checkout", &amended_story()).unwrap_or_else(|e| panic!("{e}"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(["export", &log.display().to_string(), "--format", "markdown"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success());
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("## Corrections"), "{md}");
    assert!(md.contains("we never rolled back; the fix went forward"));
}

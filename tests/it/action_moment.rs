//! `:action` refers to a timeline moment only when the person chose it: a correction and
//! a follow-up let go of the selection, and the status line names the moment (or warns of
//! a due date already past).

use chrono::{DateTime, Utc};
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use warroom::incident::{EventKind, Incident};
use warroom::ui::app::{Action, App, AppOptions};

use crate::replay_support::{story, t0};

fn now() -> DateTime<Utc> {
    t0() + chrono::Duration::minutes(60)
}

fn press(app: &mut App, inc: &Incident, code: KeyCode) -> Vec<Action> {
    app.handle_input(
        &TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        inc,
        now(),
    )
}

fn typed(app: &mut App, inc: &Incident, s: &str) -> Vec<Action> {
    for c in s.chars() {
        press(app, inc, KeyCode::Char(c));
    }
    press(app, inc, KeyCode::Enter)
}

fn from_of(actions: &[Action]) -> Option<u64> {
    match actions {
        [Action::Record(EventKind::Action { from, .. })] => *from,
        other => panic!("one follow-up recorded, got {other:?}"),
    }
}

fn status(app: &App) -> String {
    app.message()
        .map(|(m, _)| m.to_string())
        .unwrap_or_default()
}

#[test]
fn after_a_correction_a_follow_up_does_not_silently_come_from_the_corrected_entry() {
    let inc = Incident::fold(&story());
    let mut app = App::new(AppOptions::new("ana"));
    let newest = inc.timeline.last().map(|e| e.id);
    press(&mut app, &inc, KeyCode::Up);
    press(&mut app, &inc, KeyCode::Char('e'));
    // Text: add a word; Tab to Reason; a reason; Enter records the correction.
    for c in " (corrected)".chars() {
        press(&mut app, &inc, KeyCode::Char(c));
    }
    for _ in 0..3 {
        press(&mut app, &inc, KeyCode::Tab);
    }
    let done = typed(&mut app, &inc, "typo");
    assert!(
        matches!(done.as_slice(), [Action::Record(EventKind::Amended { target, .. })] if Some(*target) == newest),
        "{done:?}"
    );
    let follow = typed(&mut app, &inc, ":action Write the runbook");
    assert_eq!(from_of(&follow), None, "nobody chose a moment for it");
    let msg = status(&app);
    assert!(
        msg.contains("follow-up from no timeline moment (the selected entry was just corrected"),
        "{msg}"
    );
    // Picked again, it is the follow-up's moment.
    press(&mut app, &inc, KeyCode::Up);
    let follow = typed(&mut app, &inc, ":action Check the runbook");
    assert_eq!(from_of(&follow), newest);
}

#[test]
fn a_follow_up_names_its_moment_and_lets_go_of_the_selection() {
    let inc = Incident::fold(&story());
    let mut app = App::new(AppOptions::new("ana"));
    let Some(newest) = inc.timeline.last() else {
        panic!("the story has a timeline")
    };
    press(&mut app, &inc, KeyCode::Up);
    let first = typed(&mut app, &inc, ":action Alert on disk @bo due:2026-12-05");
    assert_eq!(from_of(&first), Some(newest.id));
    let msg = status(&app);
    let said = format!(
        "follow-up from {} {} by {}: Alert on disk",
        newest.at.format("%H:%M"),
        newest.kind.as_str(),
        newest.by.label()
    );
    assert!(msg.contains(&said), "{msg:?} should contain {said:?}");
    assert!(!msg.contains("past"), "{msg}");
    // The next one was typed with nothing chosen: it comes from no moment.
    let second = typed(&mut app, &inc, ":action Write the runbook");
    assert_eq!(from_of(&second), None);
}

#[test]
fn a_due_date_in_the_past_is_recorded_with_a_warning() {
    let inc = Incident::fold(&story());
    let mut app = App::new(AppOptions::new("ana"));
    let done = typed(&mut app, &inc, ":action Rotate the keys due:2020-01-01");
    assert!(
        matches!(done.as_slice(), [Action::Record(EventKind::Action { due: Some(d), .. })] if d.to_string() == "2020-01-01"),
        "{done:?}"
    );
    let msg = status(&app);
    assert!(
        msg.contains("warning: due 2020-01-01 is already past"),
        "{msg}"
    );
}

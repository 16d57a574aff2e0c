//! The correction form's Text field shows a long text from its start and scrolls with the
//! cursor (←→ Home End), instead of the end cut at the start.

use chrono::{DateTime, Utc};
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::incident::{Actor, Event, EventKind, Incident};
use warroom::ui::app::{Action, App, AppOptions};

use crate::replay_support::{story, t0};

const LONG: &str = "Investigating: We are seeing failed payments at checkout for most card types since 21:02; browsing works, orders are down to a trickle END";

fn now() -> DateTime<Utc> {
    t0() + chrono::Duration::minutes(60)
}

fn screen(app: &mut App, inc: &Incident) -> String {
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap_or_else(|e| panic!("{e}"));
    term.draw(|f| app.draw(f, f.area(), inc, now()))
        .unwrap_or_else(|e| panic!("{e}"));
    let b = term.backend().buffer().clone();
    (0..40)
        .map(|y| {
            (0..120)
                .map(|x| b[(x, y)].symbol().to_string())
                .collect::<String>()
                + "\n"
        })
        .collect()
}

fn press(app: &mut App, inc: &Incident, code: KeyCode) -> Vec<Action> {
    app.handle_input(
        &TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        inc,
        now(),
    )
}

fn text_row(s: &str) -> String {
    s.lines()
        .find(|l| l.contains("Text "))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_text_field_shows_the_start_and_follows_the_cursor() {
    let mut events = story();
    let id = events.len() as u64 + 1;
    events.push(Event {
        id,
        at: now() - chrono::Duration::minutes(1),
        by: Actor::person("ana"),
        kind: EventKind::Note { text: LONG.into() },
    });
    let inc = Incident::fold(&events);
    let mut app = App::new(AppOptions::new("ana"));
    press(&mut app, &inc, KeyCode::Up);
    press(&mut app, &inc, KeyCode::Char('e'));
    let s = screen(&mut app, &inc);
    let row = text_row(&s);
    assert!(
        row.contains("Text     Investigating: We are seeing"),
        "the start of the text:\n{s}"
    );
    assert!(!row.contains("END"), "{row}");
    // End: the cursor at the end, the field scrolled to show it.
    press(&mut app, &inc, KeyCode::End);
    let row = text_row(&screen(&mut app, &inc));
    assert!(row.contains("trickle END"), "{row}");
    assert!(!row.contains("Investigating: We"), "{row}");
    // Typing goes in at the cursor: Home, a word; the event has it at the start.
    press(&mut app, &inc, KeyCode::Home);
    for c in "Update ".chars() {
        press(&mut app, &inc, KeyCode::Char(c));
    }
    for _ in 0..3 {
        press(&mut app, &inc, KeyCode::Tab);
    }
    for c in "typo".chars() {
        press(&mut app, &inc, KeyCode::Char(c));
    }
    let done = press(&mut app, &inc, KeyCode::Enter);
    let want = format!("Update {LONG}");
    assert!(
        matches!(done.as_slice(), [Action::Record(EventKind::Amended { text: Some(t), .. })] if *t == want),
        "{done:?}"
    );
}

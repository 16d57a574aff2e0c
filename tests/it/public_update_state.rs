//! A public status update never goes out on a guessed state: `:update investigatin …`
//! is refused naming the state it would have been; the full word (or Tab) sends it.

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use warroom::incident::{Audience, EventKind, Incident, IncidentState};
use warroom::ui::app::{Action, App, AppOptions};

use crate::replay_support::{story, t0};

fn typed(app: &mut App, inc: &Incident, s: &str) -> Vec<Action> {
    let now = t0() + chrono::Duration::minutes(60);
    let mut out = Vec::new();
    for c in s.chars() {
        let code = match c {
            '\t' => KeyCode::Tab,
            '\r' => KeyCode::Enter,
            c => KeyCode::Char(c),
        };
        out = app.handle_input(
            &TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE)),
            inc,
            now,
        );
    }
    out
}

#[test]
fn a_public_update_needs_its_state_in_full() {
    let inc = Incident::fold(&story());
    let mut app = App::new(AppOptions::new("ana"));
    for line in [
        ":update investigatin checkout is failing\r",
        ":update public monit checkout is failing\r",
    ] {
        let done = typed(&mut app, &inc, line);
        assert!(done.is_empty(), "{line}: nothing sent on a guess: {done:?}");
        let (msg, error) = app.message().unwrap_or_default();
        assert!(error, "{msg}");
        assert!(
            msg.contains("in full") && msg.contains("nothing sent"),
            "{line}: {msg}"
        );
    }
    let (msg, _) = app.message().unwrap_or_default();
    assert!(msg.contains("`monitoring`"), "names the state: {msg}");
    // Tab completes the word; then it goes out with that state.
    let done = typed(&mut app, &inc, ":update investigat\tcheckout is failing\r");
    assert!(
        matches!(
            done.as_slice(),
            [Action::Record(EventKind::StatusUpdate {
                audience: Audience::Public,
                state: IncidentState::Investigating,
                ..
            })]
        ),
        "{done:?}"
    );
}

//! A read-only view and a replay don't invite actions they can't take: no "u writes an
//! update" on the comms pane, no "e corrects the selected entry" on the timeline.

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::incident::Incident;
use warroom::ui::app::{App, AppOptions, Mode};

use crate::replay_support::{story, t0};

fn screen_after_select(opts: AppOptions, inc: &Incident) -> String {
    let now = t0() + chrono::Duration::minutes(60);
    let mut app = App::new(opts);
    app.handle_input(
        &TermEvent::Key(KeyEvent::new(KeyCode::Up, KeyModifiers::NONE)),
        inc,
        now,
    );
    let mut term = Terminal::new(TestBackend::new(160, 45)).unwrap_or_else(|e| panic!("{e}"));
    term.draw(|f| app.draw(f, f.area(), inc, now))
        .unwrap_or_else(|e| panic!("{e}"));
    let b = term.backend().buffer().clone();
    (0..45)
        .map(|y| {
            (0..160)
                .map(|x| b[(x, y)].symbol().to_string())
                .collect::<String>()
                + "\n"
        })
        .collect()
}

#[test]
fn read_only_views_and_replays_hide_the_action_hints() {
    let inc = Incident::fold(&story());
    let live = screen_after_select(AppOptions::new("ana"), &inc);
    assert!(live.contains("u writes an update"), "{live}");
    assert!(live.contains("e corrects the se"), "{live}");
    let mut observer = AppOptions::new("obs");
    observer.read_only = true;
    let mut replay = AppOptions::new("rev");
    replay.mode = Mode::Replay;
    for (who, opts) in [("observer", observer), ("replay", replay)] {
        let s = screen_after_select(opts, &inc);
        assert!(!s.contains("u writes an update"), "{who}:\n{s}");
        assert!(!s.contains("e corrects"), "{who}:\n{s}");
        assert!(s.contains("no updates"), "{who}:\n{s}");
    }
}

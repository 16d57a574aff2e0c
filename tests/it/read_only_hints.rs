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

fn rows(b: &ratatui::buffer::Buffer) -> String {
    let a = b.area;
    (0..a.height)
        .map(|y| {
            (0..a.width)
                .map(|x| b[(x, y)].symbol().to_string())
                .collect::<String>()
                + "\n"
        })
        .collect()
}

#[test]
fn before_the_declaration_a_replay_does_not_offer_declare() {
    // Live, before the declaration (8:20): the header says so at every size, and how
    // to declare where it has room.
    let before: Vec<_> = story()
        .into_iter()
        .filter(|e| e.at < t0() + chrono::Duration::seconds(8 * 60))
        .collect();
    let inc = Incident::fold(&before);
    let now = t0() + chrono::Duration::minutes(8);
    for (w, h) in [(160, 45), (80, 24)] {
        let mut app = App::new(AppOptions::new("ana"));
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap_or_else(|e| panic!("{e}"));
        term.draw(|f| app.draw(f, f.area(), &inc, now))
            .unwrap_or_else(|e| panic!("{e}"));
        let live = rows(term.backend().buffer());
        assert!(live.contains("not declared"), "live {w}x{h}:\n{live}");
        if w >= 120 {
            assert!(live.contains(":declare"), "live {w}x{h}:\n{live}");
        }
    }
    // The replay at the same moment: it says the incident is not declared, and nothing
    // about a command it cannot run, at a size with the comms pane and one with its line.
    let mut v =
        warroom::term::replay::ReplayView::new(warroom::replay::Replay::new(story()), "rev", None);
    v.seek(now);
    for (w, h) in [(160, 45), (80, 24)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap_or_else(|e| panic!("{e}"));
        term.draw(|f| v.draw(f)).unwrap_or_else(|e| panic!("{e}"));
        let s = rows(term.backend().buffer());
        assert!(s.contains("not declared"), "replay {w}x{h}:\n{s}");
        assert!(!s.contains(":declare"), "replay {w}x{h}:\n{s}");
        assert!(!s.contains("(u writes"), "replay {w}x{h}:\n{s}");
    }
}

//! The bottom key bar and Tab: `? help` and `q quit` stay at every width (the other hints
//! give way), and Tab walks the panes in the order the screen shows them.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::ui::app::{App, AppOptions, Mode};
use warroom::ui::layout::PaneId;
use warroom_testdata::sample;

fn bottom_row(app: &mut App, w: u16, h: u16) -> String {
    let inc = sample::incident();
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("backend");
    t.draw(|f| app.draw(f, f.area(), &inc, sample::now()))
        .expect("draw");
    let b = t.backend().buffer().clone();
    (0..w).map(|x| b[(x, h - 1)].symbol().to_string()).collect()
}

#[test]
fn help_and_quit_stay_on_the_key_bar_at_every_width() {
    let mut replay = AppOptions::new("rev");
    replay.mode = Mode::Replay;
    let mut observer = AppOptions::new("obs");
    observer.read_only = true;
    for (who, opts) in [
        ("live", AppOptions::new("ana")),
        ("replay", replay),
        ("observer", observer),
    ] {
        for w in [60, 80, 120, 200] {
            let row = bottom_row(&mut App::new(opts.clone()), w, 24);
            assert!(row.contains("? help"), "{who} at {w}: {row}");
            assert!(row.contains("q quit"), "{who} at {w}: {row}");
        }
    }
    // Where there is room, nothing gives way.
    let row = bottom_row(&mut App::new(AppOptions::new("ana")), 120, 40);
    assert!(
        row.contains(": command") && row.contains("u update"),
        "{row}"
    );
}

/// The panes Tab visits from the timeline, drawn at `w`x`h`.
fn tab_walk(w: u16, h: u16) -> Vec<PaneId> {
    let inc = sample::incident();
    let now = sample::now();
    let mut app = App::new(AppOptions::new("ana"));
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("backend");
    t.draw(|f| app.draw(f, f.area(), &inc, now)).expect("draw");
    let mut seen = vec![app.focus];
    for _ in 0..PaneId::ALL.len() {
        app.handle_input(
            &Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)),
            &inc,
            now,
        );
        seen.push(app.focus);
    }
    seen
}

#[test]
fn tab_follows_the_panes_as_the_screen_places_them() {
    use PaneId::*;
    // Two columns: the signals column top to bottom, then the room's column.
    assert_eq!(
        tab_walk(120, 40),
        [
            Timeline, Checklists, Metrics, Comms, Reports, Pages, Alerts, Timeline
        ]
    );
    // Three columns: signals, the timeline, then the right column top to bottom.
    assert_eq!(
        tab_walk(200, 60),
        [
            Timeline, Comms, Pages, Alerts, Checklists, Metrics, Reports, Timeline
        ]
    );
    // Narrow: the comms line, the signals row left to right, then the bottom row.
    assert_eq!(
        tab_walk(80, 24),
        [
            Timeline, Checklists, Pages, Comms, Metrics, Reports, Alerts, Timeline
        ]
    );
    // Shift-Tab walks back the same way.
    let inc = sample::incident();
    let now = sample::now();
    let mut app = App::new(AppOptions::new("ana"));
    let mut t = Terminal::new(TestBackend::new(120, 40)).expect("backend");
    t.draw(|f| app.draw(f, f.area(), &inc, now)).expect("draw");
    app.handle_input(
        &Event::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
        &inc,
        now,
    );
    assert_eq!(app.focus, Alerts);
}

#[test]
fn the_leave_question_is_whole_at_60_columns() {
    let inc = sample::incident();
    let now = sample::now();
    let mut app = App::new(AppOptions::new("ana"));
    app.handle_input(
        &Event::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE)),
        &inc,
        now,
    );
    let mut t = Terminal::new(TestBackend::new(60, 15)).expect("backend");
    t.draw(|f| app.draw(f, f.area(), &inc, now)).expect("draw");
    let b = t.backend().buffer().clone();
    let row: String = (0..60).map(|x| b[(x, 13)].symbol().to_string()).collect();
    assert!(
        row.contains("y = leave") && row.contains("key = stay"),
        "{row}"
    );
}

//! The replay screen: clock keys move the position, the time bar shows where we are, review
//! notes are added at the position and marked, q and Ctrl-C leave.

use crate::replay_support;

use chrono::Duration;
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use replay_support::{story, t0};
use warroom::incident::IncidentState;
use warroom::replay::Replay;
use warroom::term::replay::{Flow, ReplayView};

fn key(c: KeyCode) -> TermEvent {
    TermEvent::Key(KeyEvent::new(c, KeyModifiers::NONE))
}
fn shift(c: KeyCode) -> TermEvent {
    TermEvent::Key(KeyEvent::new(c, KeyModifiers::SHIFT))
}

fn screen(view: &mut ReplayView, w: u16, h: u16) -> Vec<String> {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap_or_else(|e| panic!("{e}"));
    term.draw(|f| view.draw(f))
        .unwrap_or_else(|e| panic!("{e}"));
    let buf = term.backend().buffer().clone();
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect()
}

#[test]
fn clock_keys_move_the_position() {
    let mut v = ReplayView::new(Replay::new(story()), "rev", None);
    assert_eq!(v.replay.position(), t0());
    v.handle(&key(KeyCode::Right));
    assert_eq!(v.replay.position(), t0() + Duration::seconds(10));
    v.handle(&shift(KeyCode::Right));
    assert_eq!(v.replay.position(), t0() + Duration::seconds(70));
    v.handle(&key(KeyCode::Left));
    assert_eq!(v.replay.position(), t0() + Duration::seconds(60));
    v.handle(&key(KeyCode::Char('3')));
    assert_eq!(
        v.replay.position(),
        t0() + Duration::seconds(8 * 60 + 20),
        "3 = acknowledged"
    );
    assert!(v.replay.state().declared);
    v.handle(&key(KeyCode::Char(']')));
    assert_eq!(
        v.replay.position(),
        t0() + Duration::seconds(8 * 60 + 30),
        "] = next timeline entry"
    );
    v.handle(&key(KeyCode::Char('[')));
    assert_eq!(v.replay.position(), t0() + Duration::seconds(8 * 60 + 20));
    v.handle(&key(KeyCode::Char('G')));
    assert_eq!(v.replay.state().state, IncidentState::Resolved);
    v.handle(&key(KeyCode::Char('g')));
    assert_eq!(v.replay.position(), t0());
    v.handle(&key(KeyCode::Char('5')));
    assert_eq!(
        v.replay.state().state,
        IncidentState::Resolved,
        "5 = resolved"
    );
    v.handle(&key(KeyCode::Char('1')));
    assert_eq!(
        v.replay.position(),
        t0() + Duration::seconds(180),
        "1 = impact (back-dated)"
    );

    assert!(!v.clock().is_playing());
    v.handle(&key(KeyCode::Char(' ')));
    assert!(v.clock().is_playing());
    v.handle(&key(KeyCode::Char('+')));
    v.handle(&key(KeyCode::Char('+')));
    assert_eq!(v.clock().speed(), 10.0);
    v.tick(std::time::Duration::from_secs(3));
    assert_eq!(v.replay.position(), t0() + Duration::seconds(210));
    v.handle(&key(KeyCode::Char('-')));
    assert_eq!(v.clock().speed(), 2.0);
}

#[test]
fn the_time_bar_shows_position_total_wall_time_speed_and_key_times() {
    let mut v = ReplayView::new(Replay::new(story()), "rev", None);
    v.handle(&key(KeyCode::Char('4')));
    let lines = screen(&mut v, 100, 12);
    let bar = &lines[9..];
    assert!(bar[0].contains("REPLAY"), "{bar:?}");
    assert!(bar[0].contains("⏸ paused 1x"), "{bar:?}");
    assert!(bar[0].contains("T+00:32:00 / T+00:57:00"), "{bar:?}");
    assert!(bar[0].contains("2026-03-05 21:32:00 UTC"), "{bar:?}");
    let marks: String = bar[1].chars().filter(|c| c.is_ascii_uppercase()).collect();
    assert_eq!(marks, "IDAR", "mitigated is under the cursor: {}", bar[1]);
    assert!(bar[1].contains('│'));
    assert!(bar[2].contains("space play/pause"));
}

#[test]
fn review_notes_are_typed_added_at_the_position_and_marked() {
    let mut v = ReplayView::new(Replay::new(story()), "rev", None);
    v.handle(&key(KeyCode::Char('2')));
    v.handle(&key(KeyCode::Char('n')));
    for c in "q means quit? no".chars() {
        assert_eq!(
            v.handle(&key(KeyCode::Char(c))),
            Flow::Continue,
            "typing a note never quits"
        );
    }
    v.handle(&key(KeyCode::Backspace));
    v.handle(&key(KeyCode::Enter));
    let last = v.replay.state().timeline.last().cloned();
    assert_eq!(
        last.as_ref().map(|e| e.text.as_str()),
        Some("[review] q means quit? n")
    );
    assert_eq!(last.map(|e| e.at), Some(t0() + Duration::seconds(240)));
    assert_eq!(v.replay.review_notes(), 1);
    assert!(v.message().is_some_and(|m| m.contains("review note")));
    // Esc cancels a note.
    v.handle(&key(KeyCode::Char('n')));
    v.handle(&key(KeyCode::Char('x')));
    v.handle(&key(KeyCode::Esc));
    assert_eq!(v.replay.review_notes(), 1);
}

#[test]
fn q_and_ctrl_c_quit() {
    let mut v = ReplayView::new(Replay::new(story()), "rev", None);
    assert_eq!(v.handle(&key(KeyCode::Char('x'))), Flow::Continue);
    assert_eq!(v.handle(&key(KeyCode::Char('q'))), Flow::Quit);
    let ctrl_c = TermEvent::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert_eq!(v.handle(&ctrl_c), Flow::Quit);
}

#[test]
fn the_time_bar_marks_the_declaration_beside_the_acknowledgement_and_names_its_marks() {
    // The story is declared and acknowledged at the same second (8:20): both marks show,
    // the declaration in the next free column.
    let mut v = ReplayView::new(Replay::new(story()), "rev", None);
    let lines = screen(&mut v, 100, 12);
    let bar = &lines[9..];
    let cells: Vec<char> = bar[1].chars().collect();
    let a = cells.iter().position(|c| *c == 'A');
    let d = cells.iter().position(|c| *c == '◆');
    assert!(
        a.is_some() && d == a.map(|a| a + 1),
        "declared beside acknowledged: {}",
        bar[1]
    );
    assert!(bar[0].contains("◆ declared"), "the legend: {}", bar[0]);
    // Wide enough, the legend names every mark.
    let wide = screen(&mut v, 200, 12);
    assert!(
        wide[9].contains("I impact") && wide[9].contains("R resolved"),
        "{}",
        wide[9]
    );
    // The keys line keeps q quit at 80 columns.
    let narrow = screen(&mut v, 80, 12);
    assert!(narrow[11].contains("q quit"), "{}", narrow[11]);
}

#[test]
fn a_replay_too_small_for_the_room_and_its_bar_says_what_it_needs() {
    let mut v = ReplayView::new(Replay::new(story()), "rev", None);
    // 60x15 holds the room but not the bar under it: the message names the replay's size
    // (the room's own message would say "need 60x15" on a 60x15 terminal).
    let small = screen(&mut v, 60, 15).join("\n");
    assert!(small.contains("need 60x18"), "{small}");
    assert!(!small.contains("60x15"), "{small}");
    let fits = screen(&mut v, 60, 18);
    assert!(fits[0].contains("not declared"), "{fits:?}");
    // The bar's first line keeps the time (without the date) at 60 columns.
    assert!(fits[15].contains("21:00:00 UTC"), "{fits:?}");
}

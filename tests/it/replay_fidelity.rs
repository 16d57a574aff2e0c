//! Fidelity: the screen replay shows at time t is the screen the live room showed at t.
//! A drill is recorded live through a room (RoomHandle), frame buffers are captured at
//! several times, then the same events are replayed, sought to each time and drawn again:
//! buffer by buffer equal, and the folded states equal too.

use crate::replay_support;

use chrono::{DateTime, Duration, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use replay_support::{story, t0};
use warroom::incident::{Draft, Event, Incident};
use warroom::replay::{Replay, SeekIndex};
use warroom::room::RoomHandle;
use warroom::ui::app::{App, AppOptions};

fn draw(app: &mut App, inc: &Incident, now: DateTime<Utc>) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap_or_else(|e| panic!("{e}"));
    term.draw(|f| {
        let area = f.area();
        app.draw(f, area, inc, now)
    })
    .unwrap_or_else(|e| panic!("{e}"));
    term.backend().buffer().clone()
}

async fn wait_for(room: &RoomHandle, events: u64) {
    let mut rx = room.subscribe();
    while room.read().events < events {
        if tokio::time::timeout(std::time::Duration::from_secs(5), rx.changed())
            .await
            .is_err()
        {
            panic!("the room did not fold {events} events in time");
        }
    }
}

#[tokio::test]
async fn replay_at_t_draws_what_the_room_showed_live_at_t() {
    let story = story();
    // Captures at these times: just after events, between events, at the very end.
    let captures: Vec<DateTime<Utc>> = [
        (4, 0),
        (5, 30),
        (8, 20),
        (9, 45),
        (15, 10),
        (31, 0),
        (44, 0),
        (57, 0),
    ]
    .iter()
    .map(|(m, s)| t0() + Duration::seconds(m * 60 + s))
    .collect();

    let room = RoomHandle::start_in_memory(Incident::new());
    let mut live_app = App::new(AppOptions::new("ana"));
    let mut live: Vec<(DateTime<Utc>, Buffer, Incident)> = Vec::new();
    let mut recorded: Vec<Event> = Vec::new();
    let mut next_capture = 0;
    for (i, e) in story.iter().enumerate() {
        // Before recording an event later than a capture time, capture the live screen.
        while next_capture < captures.len() && captures[next_capture] < e.at {
            let t = captures[next_capture];
            let inc = room.read().clone();
            live.push((t, draw(&mut live_app, &inc, t), inc));
            next_capture += 1;
        }
        room.record(Draft::new(e.at, e.by.clone(), e.kind.clone()))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        wait_for(&room, i as u64 + 1).await;
        // The room numbers events from 1 in arrival order: that is the log.
        recorded.push(Draft::new(e.at, e.by.clone(), e.kind.clone()).into_event(i as u64 + 1));
    }
    while next_capture < captures.len() {
        let t = captures[next_capture];
        let inc = room.read().clone();
        live.push((t, draw(&mut live_app, &inc, t), inc));
        next_capture += 1;
    }
    assert_eq!(live.len(), captures.len());

    // Replay the log with a small snapshot interval so seeks use snapshots, in shuffled order.
    let mut replay = Replay::with_index(recorded, Vec::new(), SeekIndex::new(5, usize::MAX));
    let mut replay_app = App::new(AppOptions::new("ana"));
    let order = [7usize, 0, 3, 5, 1, 6, 2, 4];
    for &k in &order {
        let (t, ref buf, ref inc) = live[k];
        replay.seek(t);
        assert_eq!(replay.state(), inc, "state at {t}");
        let replayed = draw(&mut replay_app, replay.state(), replay.position());
        assert_eq!(&replayed, buf, "screen at {t}");
    }
    assert_eq!(replay.final_state(), &*room.read());
}

/// A drill recorded live in a room with a configured theme: the local view, an SSH
/// session's view and the replay of the log draw the same screen at the same time,
/// briefing, theme and drill report included (the report is derived from the log).
#[tokio::test]
async fn live_ssh_and_replay_views_of_a_drill_draw_the_same_screen() {
    use warroom::drill_report::Reference;
    use warroom::incident::{Actor, EventKind, IncidentState, Severity};
    use warroom::room::Look;
    use warroom::term::ssh::{Role, session_app};
    use warroom::ui::theme::{ColorDepth, builtin_themes};

    let themes = builtin_themes();
    let theme = themes
        .iter()
        .find(|t| t.name == "solarized")
        .cloned()
        .unwrap_or_else(|| panic!("a built-in solarized theme"));
    let room = RoomHandle::start_in_memory(Incident::new()).with_look(Look {
        theme,
        themes,
        ..Look::default()
    });
    let at = |m: i64| t0() + Duration::minutes(m);
    let ana = Actor::person("ana");
    let story: Vec<(DateTime<Utc>, Actor, EventKind)> = vec![
        (
            at(0),
            Actor::System,
            EventKind::DrillStarted {
                scenario: "checkout-outage".into(),
                speed: 1.0,
                title: Some("DRILL: checkout failing".into()),
                severity: Some(Severity::Sev2),
                briefing: Some("Checkout fails in the sale; the numbers are invented.".into()),
                reference: Some(Reference {
                    detect: Some(120.0),
                    acknowledge: Some(60.0),
                    mitigate: Some(900.0),
                    resolve: Some(1800.0),
                    ..Reference::default()
                }),
                impact: Some(0.0),
            },
        ),
        (
            at(3),
            ana.clone(),
            EventKind::IncidentDeclared {
                title: "Checkout down".into(),
                severity: Severity::Sev1,
            },
        ),
        (
            at(20),
            ana.clone(),
            EventKind::StateChanged {
                state: IncidentState::Monitoring,
            },
        ),
        (
            at(35),
            ana.clone(),
            EventKind::StateChanged {
                state: IncidentState::Resolved,
            },
        ),
        (
            at(45),
            ana.clone(),
            EventKind::Note {
                text: "debrief at 10".into(),
            },
        ),
    ];
    // The SSH client's TERM decides its colour depth; the local view is drawn at the same.
    let term = "xterm-256color";
    let depth = ColorDepth::detect(None, Some(term), None);
    let mut local = App::new(warroom::term::view_options(&room, "ana", depth));
    let mut ssh = session_app(&room, "ana", Role::Responder, term);
    let captures = [at(1), at(10), at(40)];
    let mut live: Vec<(DateTime<Utc>, Buffer)> = Vec::new();
    let mut recorded: Vec<Event> = Vec::new();
    let mut next = 0;
    for (i, (t, by, kind)) in story.iter().enumerate() {
        while next < captures.len() && captures[next] < *t {
            let inc = room.read().clone();
            let screen = draw(&mut local, &inc, captures[next]);
            assert_eq!(
                draw(&mut ssh, &inc, captures[next]),
                screen,
                "the SSH view at {}",
                captures[next]
            );
            live.push((captures[next], screen));
            next += 1;
        }
        let draft = Draft::new(*t, by.clone(), kind.clone());
        room.record(draft.clone())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        wait_for(&room, i as u64 + 1).await;
        recorded.push(draft.into_event(i as u64 + 1));
    }
    while next < captures.len() {
        let inc = room.read().clone();
        let screen = draw(&mut local, &inc, captures[next]);
        assert_eq!(draw(&mut ssh, &inc, captures[next]), screen);
        live.push((captures[next], screen));
        next += 1;
    }
    let text =
        |b: &Buffer| -> String { b.content().iter().map(|c| c.symbol()).collect::<String>() };
    assert!(
        text(&live[0].1).contains("Drill briefing"),
        "the briefing at start"
    );
    assert!(
        text(&live[2].1).contains("Drill report"),
        "the report once resolved"
    );
    assert!(
        text(&live[2].1).contains("reference"),
        "with the reference times"
    );
    let base = room
        .look()
        .theme
        .with_depth(depth)
        .s(warroom::ui::theme::Sem::Base);
    let themed = live[1]
        .1
        .content()
        .iter()
        .filter(|c| Some(c.bg) == base.bg)
        .count();
    assert!(
        themed > 120 * 40 / 2,
        "the room's theme: {themed} of 4800 cells have its background"
    );

    let mut replay = Replay::with_index(recorded, Vec::new(), SeekIndex::new(2, usize::MAX));
    let mut replay_app = App::new(warroom::term::view_options(&room, "ana", depth));
    for (t, screen) in live.iter().rev() {
        replay.seek(*t);
        assert_eq!(
            &draw(&mut replay_app, replay.state(), replay.position()),
            screen,
            "the replay at {t}"
        );
    }
}

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

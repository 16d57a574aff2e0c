//! Draw cost of the full default screen at 200x60 with 10,000 timeline entries and 8 metric
//! series of 3,600 points (budget: under 1 ms per draw).

use chrono::Duration;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use warroom::incident::{Actor, Direction, Event, EventKind, Incident};
use warroom::ui::app::{App, AppOptions};
use warroom_testdata::sample;

fn big_incident() -> (Incident, chrono::DateTime<chrono::Utc>) {
    let mut ev = sample::events();
    let start = sample::now();
    let mut push = |at: chrono::DateTime<chrono::Utc>, by: Actor, kind: EventKind| {
        let id = ev.len() as u64 + 1;
        ev.push(Event { id, at, by, kind });
    };
    for i in 0..8 {
        push(
            start,
            Actor::source("prometheus"),
            EventKind::SignalDefined {
                series: format!("bench series {i}"),
                unit: "ms".into(),
                warn: Some(500.0),
                crit: Some(900.0),
                direction: Direction::Above,
                hysteresis: None,
                dwell: None,
            },
        );
    }
    for s in 0..3600i64 {
        let at = start + Duration::seconds(s);
        for i in 0..8 {
            let v = 300.0 + 400.0 * ((s as f64 / 300.0) + i as f64).sin() + (s % 7) as f64;
            push(
                at,
                Actor::source("prometheus"),
                EventKind::Metric {
                    series: format!("bench series {i}"),
                    value: v,
                },
            );
        }
    }
    let end = start + Duration::seconds(3600);
    let mut inc = Incident::fold(&ev);
    // Top the timeline up to 10,000 entries with notes from people.
    let mut id = inc.last_id;
    let mut n = 0;
    while inc.timeline.len() < 10_000 {
        id += 1;
        n += 1;
        inc.apply(&Event {
            id,
            at: start + Duration::milliseconds(n * 300),
            by: Actor::person(["ana", "bo", "carl", "dee"][n as usize % 4]),
            kind: EventKind::Note { text: format!("note {n}: checked the dashboards again, error rate still elevated on eu-west-1 after the rollback of cart-service") },
        });
    }
    (inc, end)
}

fn bench(c: &mut Criterion) {
    let (inc, now) = big_incident();
    assert!(inc.timeline.len() >= 10_000);
    assert!(inc.signals.len() >= 8);
    let mut app = App::new(AppOptions::new("ana"));
    let area = Rect::new(0, 0, 200, 60);
    let mut buf = Buffer::empty(area);
    c.bench_function("render 200x60, 10k timeline, 8x3600 points", |b| {
        b.iter(|| {
            buf.reset();
            app.render(&mut buf, area, &inc, now);
        })
    });
    let mut term = Terminal::new(TestBackend::new(200, 60)).expect("backend");
    c.bench_function("terminal.draw 200x60 (render + diff), 10k timeline", |b| {
        b.iter(|| {
            term.draw(|f| app.draw(f, f.area(), &inc, now))
                .expect("draw");
        })
    });
    // With a filter on the timeline (cached after the first frame).
    let slash = crossterm::event::Event::Key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Char('/'),
    ));
    app.handle_input(&slash, &inc, now);
    for ch in "kind:note rollback".chars() {
        let k = crossterm::event::Event::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char(ch),
        ));
        app.handle_input(&k, &inc, now);
    }
    c.bench_function("render 200x60 with a timeline filter", |b| {
        b.iter(|| {
            buf.reset();
            app.render(&mut buf, area, &inc, now);
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

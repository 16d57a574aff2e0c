//! The header shows the key times as the fold derives them: the impact clock stops at
//! `:resolve` (seen minutes later, or reopened from the log) and counts again after a
//! reopen.

use chrono::{DateTime, Duration, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::incident::{Actor, Event, EventKind, Incident, IncidentState, Severity};
use warroom::ui::app::{App, AppOptions};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 16, 43, 0)
        .single()
        .unwrap_or_default()
}

fn header(inc: &Incident, now: DateTime<Utc>) -> String {
    let (w, h) = (200, 50);
    let mut app = App::new(AppOptions::new("ana"));
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap_or_else(|e| panic!("{e}"));
    t.draw(|f| app.draw(f, f.area(), inc, now))
        .unwrap_or_else(|e| panic!("{e}"));
    let b = t.backend().buffer();
    (0..w)
        .map(|x| b.cell((x, 0)).map_or(" ", |c| c.symbol()).to_string())
        .collect()
}

fn ev(id: u64, min: i64, kind: EventKind) -> Event {
    Event {
        id,
        at: t0() + Duration::minutes(min),
        by: Actor::person("ana"),
        kind,
    }
}

#[test]
fn the_header_impact_clock_stops_at_resolve_and_runs_again_after_a_reopen() {
    let mut events = vec![
        ev(
            1,
            0,
            EventKind::IncidentDeclared {
                title: "Checkout down".into(),
                severity: Severity::Sev1,
            },
        ),
        ev(
            2,
            5,
            EventKind::StateChanged {
                state: IncidentState::Resolved,
            },
        ),
    ];
    let inc = Incident::fold(&events);
    let line = header(&inc, t0() + Duration::minutes(16));
    assert!(line.contains("impact 5m00s"), "{line}");

    events.push(ev(
        3,
        20,
        EventKind::StateChanged {
            state: IncidentState::Investigating,
        },
    ));
    let inc = Incident::fold(&events);
    let line = header(&inc, t0() + Duration::minutes(25));
    assert!(line.contains("impact 25m00s"), "{line}");
}

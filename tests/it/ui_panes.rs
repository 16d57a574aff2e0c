//! What the signal panes say about their sources and scales.

use chrono::Duration;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use warroom::incident::{Actor, Direction, Event, EventKind, Incident};
use warroom::ui::app::{App, AppOptions};
use warroom_testdata::sample;

fn screen(inc: &Incident, w: u16, h: u16) -> String {
    let area = Rect::new(0, 0, w, h);
    let mut b = Buffer::empty(area);
    App::new(AppOptions::new("ana")).render(&mut b, area, inc, sample::now());
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| b.cell((x, y)).map(|c| c.symbol()).unwrap_or(" "))
                .collect::<String>()
                + "\n"
        })
        .collect()
}

fn ev(id: u64, secs_ago: i64, by: Actor, kind: EventKind) -> Event {
    Event {
        id,
        at: sample::now() - Duration::seconds(secs_ago),
        by,
        kind,
    }
}

#[test]
fn a_prometheus_source_that_never_answered_says_so_where_its_chart_would_be() {
    let inc = Incident::fold(&[ev(
        1,
        16,
        Actor::System,
        EventKind::SourceHealth {
            source: "checkout prometheus".into(),
            ok: false,
            error: Some("connection refused".into()),
        },
    )]);
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let s = screen(&inc, w, h);
        assert!(!s.contains("no metrics yet"), "{w}x{h}:\n{s}");
        assert!(
            !s.contains("16s old"),
            "never had data, so no age: {w}x{h}:\n{s}"
        );
        let metrics: Vec<&str> = s.lines().filter(|l| l.contains("checkout prom")).collect();
        assert!(
            metrics.len() >= 2,
            "shown in Metrics and in Alerts: {w}x{h}:\n{s}"
        );
        assert!(s.contains("no data yet"), "{w}x{h}:\n{s}");
    }
}

#[test]
fn each_chart_shows_its_y_range_thresholds_and_time_span_in_its_rows() {
    let mut events = vec![ev(
        1,
        1800,
        Actor::source("prom"),
        EventKind::SignalDefined {
            series: "checkout error rate".into(),
            unit: "%".into(),
            warn: Some(0.01),
            crit: Some(0.05),
            direction: Direction::Above,
            hysteresis: None,
            dwell: None,
        },
    )];
    for i in 0..60 {
        events.push(ev(
            i + 2,
            1800 - 30 * i as i64,
            Actor::source("prom"),
            EventKind::Metric {
                series: "checkout error rate".into(),
                value: if (20..40).contains(&i) { 0.08 } else { 0.002 },
            },
        ));
    }
    let inc = Incident::fold(&events);
    let s = screen(&inc, 120, 40);
    // The top of the scale (the highest value), the thresholds, zero and the time span.
    for want in ["8%┤", "5%┤", "1%┤", "0%┤", "←30m"] {
        assert!(s.contains(want), "{want} missing:\n{s}");
    }
    // In the chart's own rows: the header line, then the chart, then the next pane.
    let rows: Vec<&str> = s.lines().collect();
    let head = rows
        .iter()
        .position(|l| l.contains("checkout error rate"))
        .expect("the signal");
    assert!(rows[head + 1].contains("8%┤") && rows[head + 1].contains("←30m"));
}

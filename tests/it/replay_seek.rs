//! Seek: for random logs and random times t, the replay's state after seeking to t equals a
//! fresh fold of the events recorded up to t, whatever seeks came before.

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use warroom::incident::{
    Actor, AlertState, Direction, Event, EventKind, Incident, IncidentState, Severity,
};
use warroom::replay::{Replay, SeekIndex};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 5, 21, 0, 0)
        .single()
        .unwrap_or_default()
}

fn kind_strategy() -> impl Strategy<Value = (Actor, EventKind)> {
    let series = prop::sample::select(vec!["errors eu", "errors us", "orders"]);
    prop_oneof![
        4 => (series.clone(), 0.0f64..0.2).prop_map(|(s, v)| (
            Actor::source(s),
            EventKind::Metric { series: s.to_string(), value: v }
        )),
        1 => series.prop_map(|s| (
            Actor::System,
            EventKind::SignalDefined {
                series: s.to_string(),
                unit: "%".into(),
                warn: Some(0.02),
                crit: Some(0.05),
                direction: Direction::Above,
                hysteresis: None,
                dwell: None,
            }
        )),
        2 => (0u64..30_000, prop::option::of(100.0f64..500.0)).prop_map(|(c, b)| (
            Actor::source("reports"),
            EventKind::Reports { source: "reports".into(), count: c, baseline: b }
        )),
        1 => "[a-z ]{0,12}".prop_map(|t| (Actor::person("ana"), EventKind::Note { text: t })),
        1 => prop::sample::select(IncidentState::ALL.to_vec()).prop_map(|s| (
            Actor::person("bo"),
            EventKind::StateChanged { state: s }
        )),
        1 => prop::sample::select(Severity::ALL.to_vec()).prop_map(|s| (
            Actor::person("ana"),
            EventKind::IncidentDeclared { title: "Checkout down".into(), severity: s }
        )),
        1 => (any::<bool>(), prop::sample::select(vec!["HighErrors", "OrdersZero"])).prop_map(|(f, n)| (
            Actor::source("alertmanager"),
            EventKind::Alert {
                name: n.into(),
                state: if f { AlertState::Firing } else { AlertState::Resolved },
                labels: Default::default(),
                summary: String::new(),
                fingerprint: None,
                starts_at: None,
            }
        )),
        1 => (any::<bool>(), prop::sample::select(vec!["Freeze deploys", "Roll back"])).prop_map(|(d, i)| (
            Actor::person("cy"),
            EventKind::ChecklistToggled { list: "mitigation".into(), item: i.into(), done: d }
        )),
    ]
}

/// Events with non-decreasing times (gaps of 0..30 s, so several share a time).
fn log_strategy() -> impl Strategy<Value = Vec<Event>> {
    prop::collection::vec((0i64..30, kind_strategy()), 1..120).prop_map(|v| {
        let mut at = t0();
        v.into_iter()
            .enumerate()
            .map(|(i, (gap, (by, kind)))| {
                at += Duration::seconds(gap);
                Event {
                    id: i as u64 + 1,
                    at,
                    by,
                    kind,
                }
            })
            .collect()
    })
}

fn fold_upto(events: &[Event], t: DateTime<Utc>) -> Incident {
    Incident::fold(events.iter().filter(|e| e.at <= t))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn state_after_seek_equals_fresh_fold_up_to_t(
        events in log_strategy(),
        every in 1usize..12,
        fractions in prop::collection::vec(0.0f64..=1.0, 1..12),
    ) {
        let mut r = Replay::with_index(events.clone(), Vec::new(), SeekIndex::new(every, usize::MAX));
        let start = r.start();
        let span = (r.end() - start).num_milliseconds();
        for f in fractions {
            let t = start + Duration::milliseconds((span as f64 * f) as i64);
            r.seek(t);
            prop_assert_eq!(r.position(), t);
            prop_assert_eq!(r.state(), &fold_upto(&events, t), "seek to {}", t);
        }
        prop_assert_eq!(r.final_state(), &Incident::fold(&events));
    }

    #[test]
    fn a_tight_memory_budget_thins_snapshots_but_seeks_stay_exact(
        events in log_strategy(),
        fractions in prop::collection::vec(0.0f64..=1.0, 1..8),
    ) {
        let mut r = Replay::with_index(events.clone(), Vec::new(), SeekIndex::new(2, 20_000));
        prop_assert!(r.index().len() <= 20_000 / 1024 + 2);
        let span = (r.end() - r.start()).num_milliseconds();
        for f in fractions {
            let t = r.start() + Duration::milliseconds((span as f64 * f) as i64);
            r.seek(t);
            prop_assert_eq!(r.state(), &fold_upto(&events, t));
        }
    }

    /// A log whose times go back (an event recorded late): replay shows it when it was
    /// appended, as live did: the state at t is the log prefix up to the last event whose
    /// running-maximum time is <= t.
    #[test]
    fn events_recorded_late_take_effect_where_they_were_appended(
        mut events in log_strategy(),
        swaps in prop::collection::vec((0usize..120, 0i64..90), 0..6),
        fractions in prop::collection::vec(0.0f64..=1.0, 1..8),
    ) {
        let n = events.len();
        for (i, back) in swaps {
            let i = i % n;
            events[i].at -= Duration::seconds(back);
        }
        let mut eff = Vec::new();
        let mut max = events[0].at;
        for e in &events {
            max = max.max(e.at);
            eff.push(max);
        }
        let mut r = Replay::with_index(events.clone(), Vec::new(), SeekIndex::new(3, usize::MAX));
        let span = (r.end() - r.start()).num_milliseconds();
        for f in fractions {
            let t = r.start() + Duration::milliseconds((span as f64 * f) as i64);
            r.seek(t);
            let k = eff.iter().take_while(|x| **x <= t).count();
            prop_assert_eq!(r.state(), &Incident::fold(&events[..k]));
        }
    }
}

#[test]
fn next_previous_and_key_time_jumps_land_on_the_events() {
    let mk = |s: i64, by: Actor, kind: EventKind| Event {
        id: 0,
        at: t0() + Duration::seconds(s),
        by,
        kind,
    };
    let mut events = vec![
        mk(
            0,
            Actor::System,
            EventKind::SignalDefined {
                series: "errors".into(),
                unit: "%".into(),
                warn: Some(0.02),
                crit: Some(0.05),
                direction: Direction::Above,
                hysteresis: None,
                // One sample over crit is the crossing here.
                dwell: Some(1),
            },
        ),
        mk(
            10,
            Actor::source("prom"),
            EventKind::Metric {
                series: "errors".into(),
                value: 0.001,
            },
        ),
        mk(
            60,
            Actor::source("prom"),
            EventKind::Metric {
                series: "errors".into(),
                value: 0.09,
            },
        ),
        mk(
            200,
            Actor::person("ana"),
            EventKind::IncidentDeclared {
                title: "Checkout".into(),
                severity: Severity::Sev2,
            },
        ),
        mk(
            900,
            Actor::person("ana"),
            EventKind::StateChanged {
                state: IncidentState::Monitoring,
            },
        ),
        mk(
            1500,
            Actor::person("ana"),
            EventKind::StateChanged {
                state: IncidentState::Resolved,
            },
        ),
        mk(
            1600,
            Actor::source("prom"),
            EventKind::Metric {
                series: "errors".into(),
                value: 0.001,
            },
        ),
    ];
    for (i, e) in events.iter_mut().enumerate() {
        e.id = i as u64 + 1;
    }
    let mut r = Replay::new(events);
    assert_eq!(r.position(), t0());
    assert!(r.next_entry());
    assert_eq!(
        r.position(),
        t0() + Duration::seconds(60),
        "first timeline line: errors crit"
    );
    assert!(r.next_entry());
    assert_eq!(r.state().title, "Checkout");
    assert!(r.prev_entry());
    assert_eq!(r.position(), t0() + Duration::seconds(60));
    assert!(!r.state().declared);
    assert!(r.jump(warroom::incident::KeyTime::Mitigated));
    assert_eq!(r.state().state, IncidentState::Monitoring);
    assert!(r.jump(warroom::incident::KeyTime::Detected));
    assert_eq!(r.position(), t0() + Duration::seconds(60));
    r.seek(r.end());
    assert!(!r.next_entry(), "nothing after the end");
    assert_eq!(
        warroom::replay::format_offset(r.end() - r.start()),
        "T+00:26:40"
    );
}

#[test]
fn review_notes_show_marked_and_never_touch_the_incident_events() {
    let events: Vec<Event> = (0..50)
        .map(|i| Event {
            id: i + 1,
            at: t0() + Duration::seconds(i as i64 * 10),
            by: Actor::source("prom"),
            kind: EventKind::Metric {
                series: "orders".into(),
                value: i as f64,
            },
        })
        .collect();
    let mut r = Replay::with_index(events.clone(), Vec::new(), SeekIndex::new(7, usize::MAX));
    r.seek(t0() + Duration::seconds(125));
    let note = r.add_review_note("rev", "why did nobody look at orders?", 1);
    assert_eq!(note.at, t0() + Duration::seconds(125));
    assert!(
        matches!(&note.kind, EventKind::Note { text } if text == "why did nobody look at orders?")
    );
    let last = r.state().timeline.last().map(|e| e.text.clone());
    assert_eq!(
        last.as_deref(),
        Some("[review] why did nobody look at orders?")
    );
    r.seek(t0() + Duration::seconds(100));
    assert!(
        r.state().timeline.is_empty(),
        "the note is not there before its time"
    );
    r.seek(r.end());
    assert_eq!(r.state().timeline.len(), 1);
    assert_eq!(r.review_notes(), 1);
    // The same replay rebuilt from the log and the review log shows the same.
    let again = Replay::with_review(events, vec![note]);
    let mut again = again;
    again.seek(again.end());
    assert_eq!(again.state().timeline, r.state().timeline);
}

//! The fold: any split of a log into batches gives the same state as one fold; every
//! kind survives a JSON round trip; key times and durations on hand-built timelines.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use warroom::incident::event::parse_kind;
use warroom::incident::{
    Actor, AlertState, Direction, Event, EventKind, Incident, IncidentState, Severity,
};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 6, 14, 0, 0)
        .single()
        .unwrap_or_default()
}

// ------------------------------------------------------------------------------------
// Strategies: small pools of names so events collide (same series, alert, item, page).

fn name(pool: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(pool).prop_map(str::to_string)
}

const SERIES: &[&str] = &["error rate", "orders/min", "latency p99"];
const PEOPLE: &[&str] = &["ana", "bo", "cy"];
const LISTS: &[&str] = &["detection", "mitigation", "communication", "custom"];
const ITEMS: &[&str] = &["Freeze deploys", "Roll back", "First update"];
const PAGES: &[&str] = &["shop", "cloud"];
const STATUSES: &[&str] = &["operational", "degraded_performance", "major_outage"];

fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![-1.0e6..1.0e6f64, 0.0..1.0f64, Just(0.0)]
}

fn severity() -> impl Strategy<Value = Severity> {
    prop::sample::select(Severity::ALL.to_vec())
}

fn state() -> impl Strategy<Value = IncidentState> {
    prop::sample::select(IncidentState::ALL.to_vec())
}

fn time() -> impl Strategy<Value = DateTime<Utc>> {
    (-3600i64..7200).prop_map(|s| t0() + Duration::seconds(s))
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 é✓]{0,12}"
}

/// Every kind this version knows, plus an unknown one.
fn kind() -> impl Strategy<Value = EventKind> {
    prop_oneof![
        (text(), severity())
            .prop_map(|(title, severity)| EventKind::IncidentDeclared { title, severity }),
        severity().prop_map(|severity| EventKind::SeverityChanged { severity }),
        (text(), severity())
            .prop_map(|(title, severity)| EventKind::RoomOpened { title, severity }),
        state().prop_map(|state| EventKind::StateChanged { state }),
        (
            name(&["commander", "comms", "ops", "scribe", "db"]),
            name(&["ana", "bo", ""])
        )
            .prop_map(|(role, person)| EventKind::RoleAssigned { role, person }),
        text().prop_map(|text| EventKind::Note { text }),
        text().prop_map(|text| EventKind::Decision { text }),
        (
            name(LISTS),
            prop::collection::vec(name(ITEMS), 0..4),
            prop::collection::btree_map(
                name(ITEMS),
                name(&[
                    "role:comms",
                    "note",
                    "impact_backdated",
                    "state:monitoring",
                    "bogus"
                ]),
                0..2
            )
        )
            .prop_map(|(list, items, done_when)| EventKind::ChecklistDefined {
                list,
                items,
                done_when
            }),
        (name(LISTS), name(ITEMS), any::<bool>())
            .prop_map(|(list, item, done)| EventKind::ChecklistToggled { list, item, done }),
        (
            name(SERIES),
            name(&["%", "/min", "ms", ""]),
            prop::option::of(finite()),
            prop::option::of(finite()),
            prop::sample::select(vec![Direction::Above, Direction::Below]),
            prop::option::of(0.0..0.5f64),
            prop::option::of(0u32..4)
        )
            .prop_map(|(series, unit, warn, crit, direction, hysteresis, dwell)| {
                EventKind::SignalDefined {
                    series,
                    unit,
                    warn,
                    crit,
                    direction,
                    hysteresis,
                    dwell,
                }
            }),
        (name(SERIES), finite()).prop_map(|(series, value)| EventKind::Metric { series, value }),
        (
            name(&["user reports", "downdetector"]),
            0u64..100_000,
            prop::option::of(0.0..500.0f64)
        )
            .prop_map(|(source, count, baseline)| EventKind::Reports {
                source,
                count,
                baseline
            }),
        (
            name(PAGES),
            name(&["none", "minor", "major", "critical"]),
            text()
        )
            .prop_map(|(page, indicator, description)| EventKind::StatusPage {
                page,
                indicator,
                description
            }),
        (
            name(PAGES),
            name(&["Checkout", "API", "Payments"]),
            name(STATUSES),
            prop::option::of(name(&["Core"]))
        )
            .prop_map(
                |(page, component, status, group)| EventKind::StatusComponent {
                    page,
                    component,
                    status,
                    group
                }
            ),
        (
            name(PAGES),
            name(&["inc1", "inc2"]),
            text(),
            name(&["investigating", "monitoring", "resolved"]),
            text(),
            prop::option::of(name(&["u1", "u2", "u3"])),
            prop::option::of(name(&["minor", "major"])),
            prop::option::of(time())
        )
            .prop_map(
                |(page, id, title, status, body, update_id, impact, posted_at)| {
                    EventKind::StatusIncident {
                        page,
                        id,
                        title,
                        status,
                        body,
                        update_id,
                        impact,
                        posted_at,
                    }
                }
            ),
        (
            name(&["CheckoutErrors", "OrdersLow"]),
            prop::sample::select(vec![AlertState::Firing, AlertState::Resolved]),
            prop::collection::btree_map(name(&["region", "job"]), name(&["eu", "us"]), 0..2),
            text(),
            prop::option::of(name(&["fp1", "fp2", ""])),
            prop::option::of(time())
        )
            .prop_map(|(name, state, labels, summary, fingerprint, starts_at)| {
                EventKind::Alert {
                    name,
                    state,
                    labels,
                    summary,
                    fingerprint,
                    starts_at,
                }
            }),
        (
            name(&["prom", "reports", "status"]),
            any::<bool>(),
            prop::option::of(text())
        )
            .prop_map(|(source, ok, error)| EventKind::SourceHealth { source, ok, error }),
        name(PEOPLE).prop_map(|person| EventKind::Joined { person, from: None }),
        name(PEOPLE).prop_map(|person| EventKind::Left { person }),
        time().prop_map(|at| EventKind::ImpactStarted { at }),
        (name(&["checkout-outage"]), 0.5..100.0f64).prop_map(|(scenario, speed)| {
            EventKind::DrillStarted {
                scenario,
                speed,
                title: None,
                severity: None,
                briefing: None,
                reference: None,
                impact: None,
            }
        }),
        (name(&["pager_escalated", "vote"]), 0u32..10).prop_map(|(kind, n)| EventKind::Unknown {
            raw: format!(r#"{{"type":"{kind}","n":{n}}}"#),
            kind,
        }),
    ]
}

fn actor() -> impl Strategy<Value = Actor> {
    prop_oneof![
        name(PEOPLE).prop_map(Actor::Person),
        name(SERIES).prop_map(Actor::Source),
        Just(Actor::System),
    ]
}

/// A log: ids from 1, times mostly forward with some jitter backwards.
fn events(max: usize) -> impl Strategy<Value = Vec<Event>> {
    prop::collection::vec((actor(), kind(), -30i64..120), 0..max).prop_map(|v| {
        let mut at = t0();
        v.into_iter()
            .enumerate()
            .map(|(i, (by, kind, step))| {
                at += Duration::seconds(step);
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_split_into_batches_folds_to_the_same_state(
        log in events(300),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
        clone_at in any::<prop::sample::Index>(),
    ) {
        let whole = Incident::fold(&log);

        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(log.len() + 1)).collect();
        points.push(0);
        points.push(log.len());
        points.sort_unstable();
        points.dedup();
        let clone_point = clone_at.index(points.len());
        let mut state = Incident::new();
        for (i, w) in points.windows(2).enumerate() {
            if i == clone_point {
                // A view that takes a copy mid-way and goes on folding must agree too.
                state = state.clone();
            }
            state.apply_all(&log[w[0]..w[1]]);
        }
        prop_assert_eq!(&state, &whole);
        prop_assert_eq!(whole.events, log.len() as u64);
        prop_assert_eq!(whole.last_id, log.len() as u64);
    }

    #[test]
    fn every_kind_survives_a_json_round_trip(by in actor(), kind in kind(), at in time(), id in 1u64..u64::MAX / 2) {
        let e = Event { id, at, by, kind };
        let line = serde_json::to_string(&e).map_err(|err| TestCaseError::fail(err.to_string()))?;
        prop_assert!(!line.contains('\n'));
        let back: Event = serde_json::from_str(&line).map_err(|err| TestCaseError::fail(format!("{err}: {line}")))?;
        prop_assert_eq!(back, e);
    }
}

fn round_trip(kind: EventKind) -> (String, EventKind) {
    let e = Event {
        id: 1,
        at: t0(),
        by: Actor::source("prom"),
        kind,
    };
    let line = serde_json::to_string(&e).expect("serialise");
    let back: Event = serde_json::from_str(&line).expect("parse back");
    (line, back.kind)
}

#[test]
fn nan_and_infinities_round_trip_as_prometheus_strings() {
    for (v, text) in [
        (f64::NAN, "\"NaN\""),
        (f64::INFINITY, "\"+Inf\""),
        (f64::NEG_INFINITY, "\"-Inf\""),
    ] {
        let (line, back) = round_trip(EventKind::Metric {
            series: "s".into(),
            value: v,
        });
        assert!(line.contains(text), "{line}");
        match back {
            EventKind::Metric { value, .. } => {
                assert_eq!(value.is_nan(), v.is_nan(), "{line}");
                if !v.is_nan() {
                    assert_eq!(value, v);
                }
            }
            other => panic!("{other:?}"),
        }
    }
    let (line, back) = round_trip(EventKind::SignalDefined {
        series: "orders".into(),
        unit: "/min".into(),
        warn: Some(f64::INFINITY),
        crit: Some(f64::NAN),
        direction: Direction::Below,
        hysteresis: None,
        dwell: None,
    });
    match back {
        EventKind::SignalDefined { warn, crit, .. } => {
            assert_eq!(warn, Some(f64::INFINITY), "{line}");
            assert!(crit.is_some_and(f64::is_nan), "{line}");
        }
        other => panic!("{other:?}"),
    }
    let (line, back) = round_trip(EventKind::Reports {
        source: "r".into(),
        count: 3,
        baseline: Some(f64::NEG_INFINITY),
    });
    assert!(
        matches!(back, EventKind::Reports { baseline: Some(b), .. } if b == f64::NEG_INFINITY),
        "{line}"
    );
    // A metric sample of NaN is kept but does not make a peak or a level.
    let mut inc = Incident::new();
    inc.apply(&Event {
        id: 1,
        at: t0(),
        by: Actor::source("prom"),
        kind: EventKind::Metric {
            series: "s".into(),
            value: f64::NAN,
        },
    });
    assert!(inc.signals["s"].peak.is_none());
}

#[test]
fn an_unknown_kind_round_trips_byte_identical() {
    let raw = r#"{"type":"pager_escalated","level":3,"who":["ana","bo"],"nested":{"x":[1,2.5,null]},"why":"no ack ✓"}"#;
    let kind = parse_kind(raw).expect("parse");
    assert_eq!(
        kind,
        EventKind::Unknown {
            kind: "pager_escalated".into(),
            raw: raw.into()
        }
    );
    let (line, back) = round_trip(kind);
    assert!(line.contains(raw), "{line}");
    assert_eq!(
        back,
        EventKind::Unknown {
            kind: "pager_escalated".into(),
            raw: raw.into()
        }
    );
    // A known kind with a bad field is an error, not an unknown kind.
    assert!(parse_kind(r#"{"type":"metric","series":"x","value":"lots"}"#).is_err());
}

// ------------------------------------------------------------------------------------
// Key times on hand-built timelines.

struct Timeline {
    events: Vec<Event>,
}

impl Timeline {
    fn new() -> Self {
        Timeline { events: Vec::new() }
    }
    /// Adds an event `min` minutes after t0.
    fn at(mut self, min: i64, by: Actor, kind: EventKind) -> Self {
        self.events.push(Event {
            id: self.events.len() as u64 + 1,
            at: t0() + Duration::minutes(min),
            by,
            kind,
        });
        self
    }
    fn person(self, min: i64, kind: EventKind) -> Self {
        self.at(min, Actor::person("ana"), kind)
    }
    fn fold(&self) -> Incident {
        Incident::fold(&self.events)
    }
}

fn m(min: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(min)
}

fn alert(state: AlertState) -> EventKind {
    EventKind::Alert {
        name: "CheckoutErrors".into(),
        state,
        labels: BTreeMap::new(),
        summary: "5xx over 5%".into(),
        fingerprint: None,
        starts_at: None,
    }
}

fn declare() -> EventKind {
    EventKind::IncidentDeclared {
        title: "Checkout down".into(),
        severity: Severity::Sev1,
    }
}

fn to(state: IncidentState) -> EventKind {
    EventKind::StateChanged { state }
}

#[test]
fn an_alert_firing_is_detection_and_declaring_is_acknowledgement() {
    let tl = Timeline::new()
        .at(3, Actor::source("alerts"), alert(AlertState::Firing))
        .person(10, declare());
    let inc = tl.fold();
    assert_eq!(inc.times.detected, Some(m(3)));
    assert_eq!(inc.times.acknowledged, Some(m(10)));
    assert_eq!(inc.times.time_to_acknowledge(), Some(Duration::minutes(7)));
    // With no back-dated impact, impact starts at detection.
    assert_eq!(inc.times.impact_started(), Some(m(3)));
    assert_eq!(inc.times.time_to_detect(), Some(Duration::zero()));
    assert_eq!(inc.times.mitigated, None);
    assert_eq!(inc.times.resolved, None);
}

#[test]
fn a_signal_over_its_threshold_is_detection() {
    let src = || Actor::source("prom");
    let metric = |v| EventKind::Metric {
        series: "error rate".into(),
        value: v,
    };
    let tl = Timeline::new()
        .at(
            0,
            src(),
            EventKind::SignalDefined {
                series: "error rate".into(),
                unit: "%".into(),
                warn: Some(0.01),
                crit: Some(0.05),
                direction: Direction::Above,
                hysteresis: None,
                dwell: None,
            },
        )
        .at(1, src(), metric(0.002))
        .at(2, src(), metric(0.004))
        .at(4, src(), metric(0.08))
        .at(5, src(), metric(0.09))
        .at(6, Actor::source("alerts"), alert(AlertState::Firing));
    let inc = tl.fold();
    // A crossing counts once it held for two samples (the default dwell).
    assert_eq!(inc.times.detected, Some(m(5)));
    assert_eq!(inc.times.first_signal, Some(m(5)));
    assert_eq!(inc.times.acknowledged, None);
}

#[test]
fn a_back_dated_impact_start_gives_the_time_to_detect() {
    let tl = Timeline::new()
        .at(0, Actor::source("alerts"), alert(AlertState::Firing))
        .person(5, declare())
        // Found in the graphs later: the error rate rose 25 minutes before the alert.
        .person(20, EventKind::ImpactStarted { at: m(-25) })
        .person(40, to(IncidentState::Monitoring))
        .person(70, to(IncidentState::Resolved));
    let inc = tl.fold();
    let t = &inc.times;
    assert_eq!(t.impact_started(), Some(m(-25)));
    assert_eq!(t.time_to_detect(), Some(Duration::minutes(25)));
    assert_eq!(t.time_to_acknowledge(), Some(Duration::minutes(5)));
    assert_eq!(t.time_to_mitigate(), Some(Duration::minutes(65)));
    assert_eq!(t.time_to_resolve(), Some(Duration::minutes(95)));
}

#[test]
fn declaring_detects_when_nothing_else_did() {
    let inc = Timeline::new().person(2, declare()).fold();
    assert_eq!(inc.times.detected, Some(m(2)));
    assert_eq!(inc.times.acknowledged, Some(m(2)));
    assert_eq!(inc.title, "Checkout down");
    assert_eq!(inc.severity, Severity::Sev1);
}

#[test]
fn monitoring_is_mitigation_and_resolved_is_resolution() {
    let tl = Timeline::new()
        .person(0, declare())
        .person(5, to(IncidentState::Identified))
        .person(30, to(IncidentState::Monitoring))
        .person(50, to(IncidentState::Identified))
        .person(55, to(IncidentState::Monitoring))
        .person(90, to(IncidentState::Resolved));
    let inc = tl.fold();
    // Mitigated is the first move to monitoring, not the last.
    assert_eq!(inc.times.mitigated, Some(m(30)));
    assert_eq!(inc.times.resolved, Some(m(90)));
    assert_eq!(inc.state, IncidentState::Resolved);
    assert_eq!(inc.times.time_to_resolve(), Some(Duration::minutes(90)));
}

#[test]
fn a_reopen_clears_resolved_and_it_resolves_again() {
    let tl = Timeline::new()
        .person(0, declare())
        .person(20, to(IncidentState::Monitoring))
        .person(30, to(IncidentState::Resolved))
        .person(45, to(IncidentState::Investigating));
    let inc = tl.fold();
    assert_eq!(inc.state, IncidentState::Investigating);
    assert_eq!(inc.times.resolved, None);
    assert_eq!(
        inc.times.mitigated, None,
        "back to investigating: not mitigated"
    );
    assert_eq!(inc.times.reopened, 1);
    assert!(inc.timeline.iter().any(|t| t.text.starts_with("Reopened")));

    let inc = tl
        .person(60, to(IncidentState::Monitoring))
        .person(80, to(IncidentState::Resolved))
        .fold();
    assert_eq!(inc.times.mitigated, Some(m(60)));
    assert_eq!(inc.times.resolved, Some(m(80)));
    assert_eq!(inc.times.time_to_resolve(), Some(Duration::minutes(80)));
}

#[test]
fn going_straight_to_resolved_also_marks_mitigated() {
    let inc = Timeline::new()
        .person(0, declare())
        .person(12, to(IncidentState::Resolved))
        .fold();
    assert_eq!(inc.times.mitigated, Some(m(12)));
    assert_eq!(inc.times.resolved, Some(m(12)));
    assert_eq!(inc.times.time_to_mitigate(), Some(Duration::minutes(12)));
}

// ------------------------------------------------------------------------------------
// Issue 9: the impact clock, declaration, acknowledgement, hysteresis, linked checklist
// items and alert labels.

#[test]
fn the_impact_clock_freezes_at_resolve_and_counts_again_after_a_reopen() {
    let tl = Timeline::new()
        .person(0, declare())
        .person(5, to(IncidentState::Resolved));
    let inc = tl.fold();
    // Looked at 11 minutes after the resolve (or reopened from the log later): still 5.
    assert_eq!(inc.times.impact_duration(m(16)), Some(Duration::minutes(5)));
    let inc = tl.person(30, to(IncidentState::Investigating)).fold();
    assert_eq!(
        inc.times.impact_duration(m(40)),
        Some(Duration::minutes(40)),
        "reopened: it counts again"
    );
    assert_eq!(
        inc.times.impact_duration(m(40)),
        inc.times.impact_duration(m(40))
    );
}

#[test]
fn nothing_is_declared_detected_or_acknowledged_until_something_happens() {
    let inc = Timeline::new()
        .at(
            0,
            Actor::System,
            EventKind::Note {
                text: "room open".into(),
            },
        )
        .at(
            0,
            Actor::person("ana"),
            EventKind::Joined {
                person: "ana".into(),
                from: None,
            },
        )
        .fold();
    assert!(!inc.declared);
    assert_eq!(inc.times.declared, None);
    assert_eq!(inc.times.detected, None);
    assert_eq!(inc.times.acknowledged, None);
    assert_eq!(inc.times.time_to_detect(), None);
}

#[test]
fn acknowledged_is_the_first_person_action_after_detection_not_a_join() {
    let tl = Timeline::new()
        .person(
            1,
            EventKind::Note {
                text: "quiet so far".into(),
            },
        )
        .at(3, Actor::source("alerts"), alert(AlertState::Firing))
        .person(
            4,
            EventKind::Joined {
                person: "bo".into(),
                from: None,
            },
        )
        .person(
            6,
            EventKind::Note {
                text: "looking".into(),
            },
        )
        .person(9, declare());
    let inc = tl.fold();
    assert_eq!(inc.times.detected, Some(m(3)));
    assert_eq!(inc.times.acknowledged, Some(m(6)), "the note, not the join");
    assert_eq!(inc.times.declared, Some(m(9)));
    assert_eq!(inc.times.time_to_acknowledge(), Some(Duration::minutes(3)));
}

#[test]
fn in_a_drill_the_scripts_notes_are_not_the_peoples_actions() {
    let drill = EventKind::DrillStarted {
        scenario: "s".into(),
        speed: 1.0,
        title: Some("DRILL".into()),
        severity: Some(Severity::Sev2),
        briefing: None,
        reference: None,
        impact: None,
    };
    let inc = Timeline::new()
        .at(0, Actor::System, drill)
        .at(
            0,
            Actor::person("ana"),
            EventKind::Joined {
                person: "ana".into(),
                from: None,
            },
        )
        .at(2, Actor::source("alerts"), alert(AlertState::Firing))
        .at(
            3,
            Actor::person("lena (support)"),
            EventKind::Note {
                text: "queue".into(),
            },
        )
        .at(
            7,
            Actor::person("ana"),
            EventKind::Note {
                text: "checkout down?".into(),
            },
        )
        .fold();
    assert_eq!(inc.times.first_signal, Some(m(2)));
    assert_eq!(inc.times.noticed, Some(m(7)));
    assert_eq!(inc.times.acknowledged, Some(m(7)));
    assert!(!inc.declared, "a drill opens not declared");
}

fn orders(tl: Timeline, min: i64, v: f64) -> Timeline {
    tl.at(
        min,
        Actor::source("prom"),
        EventKind::Metric {
            series: "orders per minute".into(),
            value: v,
        },
    )
}

fn orders_defined() -> Timeline {
    Timeline::new().at(
        0,
        Actor::source("prom"),
        EventKind::SignalDefined {
            series: "orders per minute".into(),
            unit: "/min".into(),
            warn: Some(900.0),
            crit: Some(300.0),
            direction: Direction::Below,
            hysteresis: None,
            dwell: None,
        },
    )
}

fn signal_entries(inc: &Incident) -> Vec<String> {
    inc.timeline
        .iter()
        .filter(|e| e.text.starts_with("orders per minute"))
        .map(|e| e.text.clone())
        .collect()
}

#[test]
fn a_flap_around_the_threshold_makes_no_entries() {
    let mut tl = orders_defined();
    for (i, v) in [1000.0, 990.0, 850.0, 840.0].into_iter().enumerate() {
        tl = orders(tl, i as i64 + 1, v);
    }
    let before = signal_entries(&tl.fold());
    assert_eq!(before, ["orders per minute warn: 840 /min (≤ 900 /min)"]);
    // The flap of the issue: "back to normal 905 → warn 866 → back to normal 977".
    // (930 is inside the band above the threshold: still warn.)
    for (i, v) in [905.0, 866.0, 977.0, 930.0].into_iter().enumerate() {
        tl = orders(tl, i as i64 + 10, v);
    }
    let inc = tl.fold();
    assert_eq!(signal_entries(&inc), before, "no flapping entries");
    // A real recovery: two samples past the band (900 + 5%).
    tl = orders(tl, 20, 980.0);
    assert_eq!(
        signal_entries(&tl.fold()).len(),
        1,
        "one sample is not enough"
    );
    tl = orders(tl, 21, 990.0);
    let inc = tl.fold();
    assert_eq!(
        signal_entries(&inc).last().map(String::as_str),
        Some("orders per minute back to normal: 990 /min")
    );
    // And a single dip from normal is no news either.
    let inc = orders(orders(tl, 30, 866.0), 31, 977.0).fold();
    assert_eq!(signal_entries(&inc).len(), 2);
}

#[test]
fn worsening_straight_to_crit_takes_the_dwell_and_no_longer() {
    let mut tl = orders_defined();
    for (i, v) in [1000.0, 1000.0, 100.0, 90.0].into_iter().enumerate() {
        tl = orders(tl, i as i64 + 1, v);
    }
    let inc = tl.fold();
    assert_eq!(
        signal_entries(&inc),
        ["orders per minute crit: 90 /min (≤ 300 /min)"]
    );
    assert_eq!(inc.times.detected, Some(m(4)));
}

#[test]
fn hysteresis_and_dwell_come_from_the_signal_definition_and_old_logs_get_defaults() {
    let raw = r#"{"type":"signal_defined","series":"orders per minute","unit":"/min","warn":900,"direction":"below"}"#;
    let old = parse_kind(raw).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        old,
        EventKind::SignalDefined {
            hysteresis: None,
            dwell: None,
            ..
        }
    ));
    // dwell 1 and no band: every crossing shows, as before.
    let mut tl = Timeline::new().at(
        0,
        Actor::source("prom"),
        EventKind::SignalDefined {
            series: "orders per minute".into(),
            unit: "/min".into(),
            warn: Some(900.0),
            crit: None,
            direction: Direction::Below,
            hysteresis: Some(0.0),
            dwell: Some(1),
        },
    );
    for (i, v) in [1000.0, 866.0, 905.0].into_iter().enumerate() {
        tl = orders(tl, i as i64 + 1, v);
    }
    assert_eq!(signal_entries(&tl.fold()).len(), 2);
}

#[test]
fn a_linked_checklist_item_is_ticked_by_its_event_and_stays_unticked_by_a_person() {
    let items = vec![
        "Name a comms lead".to_string(),
        "Post an update".to_string(),
    ];
    let mut done_when = BTreeMap::new();
    done_when.insert("Name a comms lead".to_string(), "role:comms".to_string());
    let role = |p: &str| EventKind::RoleAssigned {
        role: "comms".into(),
        person: p.into(),
    };
    let tl = Timeline::new()
        .at(
            0,
            Actor::System,
            EventKind::ChecklistDefined {
                list: "communication".into(),
                items,
                done_when,
            },
        )
        .person(
            2,
            EventKind::RoleAssigned {
                role: "ops".into(),
                person: "bo".into(),
            },
        )
        .at(4, Actor::person("cy"), role("lena"));
    let inc = tl.fold();
    let item = |inc: &Incident, i: usize| {
        inc.checklist("communication")
            .map(|c| c.items[i].clone())
            .unwrap_or_else(|| panic!("no list"))
    };
    let it = item(&inc, 0);
    assert!(it.done);
    assert_eq!(it.by.as_deref(), Some("cy"));
    assert_eq!(it.at, Some(m(4)));
    assert!(!item(&inc, 1).done);
    let last = inc
        .timeline
        .last()
        .map(|e| e.text.clone())
        .unwrap_or_default();
    assert_eq!(last, "lena is comms — ✓ communication: Name a comms lead");

    let inc = tl
        .person(
            6,
            EventKind::ChecklistToggled {
                list: "communication".into(),
                item: "Name a comms lead".into(),
                done: false,
            },
        )
        .person(8, role("omar"))
        .fold();
    assert!(!item(&inc, 0).done, "a person's untick stands");
    assert_eq!(item(&inc, 0).by.as_deref(), Some("ana"));
}

#[test]
fn resolved_alerts_say_which_instance() {
    let a = |instance: &str, state| {
        let mut labels = BTreeMap::new();
        labels.insert("alertname".to_string(), "CheckoutErrorRate".to_string());
        labels.insert("instance".to_string(), instance.to_string());
        labels.insert("job".to_string(), "checkout".to_string());
        labels.insert("zone".to_string(), format!("z-{instance}"));
        EventKind::Alert {
            name: "CheckoutErrorRate".into(),
            state,
            labels,
            summary: String::new(),
            fingerprint: None,
            starts_at: None,
        }
    };
    let src = || Actor::source("alerts");
    let inc = Timeline::new()
        .at(1, src(), a("10.0.0.2:9100", AlertState::Firing))
        .at(2, src(), a("10.0.0.3:9100", AlertState::Firing))
        .at(3, src(), a("10.0.0.3:9100", AlertState::Resolved))
        .fold();
    let texts: Vec<&str> = inc.timeline.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Alert firing: CheckoutErrorRate (instance=10.0.0.2:9100)",
            "Alert firing: CheckoutErrorRate (instance=10.0.0.3:9100, zone=z-10.0.0.3:9100)",
            "Alert resolved: CheckoutErrorRate (instance=10.0.0.3:9100, zone=z-10.0.0.3:9100)",
        ]
    );
}

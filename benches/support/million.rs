//! A synthetic million-event incident log for the replay and export benches.
#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use warroom::incident::{Actor, AlertState, Direction, Event, EventKind, IncidentState, Severity};

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 5, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

const SERIES: [&str; 6] = [
    "checkout errors eu",
    "checkout errors us",
    "checkout errors apac",
    "product page errors",
    "page load p95",
    "orders per minute",
];

/// `n` events, 10 per second: mostly metric samples of six series, with report counts,
/// alerts flapping, notes, checklist ticks and state changes, and a bad spell every
/// 50,000 events so thresholds are crossed and the timeline grows.
pub fn log(n: usize) -> Vec<Event> {
    let mut v = Vec::with_capacity(n);
    let push = |v: &mut Vec<Event>, by: Actor, kind: EventKind| {
        let i = v.len();
        v.push(Event {
            id: i as u64 + 1,
            at: t0() + Duration::milliseconds(i as i64 * 100),
            by,
            kind,
        });
    };
    for s in SERIES {
        push(
            &mut v,
            Actor::System,
            EventKind::SignalDefined {
                series: s.into(),
                unit: if s == "orders per minute" {
                    "/min".into()
                } else {
                    "%".into()
                },
                warn: Some(if s == "orders per minute" {
                    200.0
                } else {
                    0.02
                }),
                crit: Some(if s == "orders per minute" { 50.0 } else { 0.05 }),
                direction: if s == "orders per minute" {
                    Direction::Below
                } else {
                    Direction::Above
                },
                hysteresis: None,
                dwell: None,
            },
        );
    }
    push(
        &mut v,
        Actor::person("ana"),
        EventKind::IncidentDeclared {
            title: "Checkout failing across regions".into(),
            severity: Severity::Sev1,
        },
    );
    let mut k = 0usize;
    while v.len() < n {
        k += 1;
        let bad = (k / 5_000) % 10 == 3; // a bad spell of 5,000 rounds every 50,000
        let i = v.len();
        match i % 100 {
            0 => push(
                &mut v,
                Actor::source("reports"),
                EventKind::Reports {
                    source: "outage reports".into(),
                    count: if bad { 21_000 } else { 150 + (k % 40) as u64 },
                    baseline: Some(150.0),
                },
            ),
            50 if k.is_multiple_of(20) => push(
                &mut v,
                Actor::person("bo"),
                EventKind::Note {
                    text: format!("checked shard {} — still failing over", k % 97),
                },
            ),
            51 if k.is_multiple_of(50) => push(
                &mut v,
                Actor::source("alertmanager"),
                EventKind::Alert {
                    name: "CheckoutErrorRate".into(),
                    state: if bad {
                        AlertState::Firing
                    } else {
                        AlertState::Resolved
                    },
                    labels: Default::default(),
                    summary: "checkout 5xx above 5%".into(),
                    fingerprint: Some("cer".into()),
                    starts_at: None,
                },
            ),
            52 if k.is_multiple_of(500) => push(
                &mut v,
                Actor::person("ana"),
                EventKind::StateChanged {
                    state: if bad {
                        IncidentState::Identified
                    } else {
                        IncidentState::Monitoring
                    },
                },
            ),
            53 if k.is_multiple_of(300) => push(
                &mut v,
                Actor::person("cy"),
                EventKind::ChecklistToggled {
                    list: "mitigation".into(),
                    item: "Freeze deploys".into(),
                    done: k.is_multiple_of(600),
                },
            ),
            _ => {
                let s = SERIES[i % SERIES.len()];
                let value = if s == "orders per minute" {
                    if bad { 0.0 } else { 2_000.0 + (k % 100) as f64 }
                } else if bad {
                    0.3 + (k % 10) as f64 / 100.0
                } else {
                    0.004 + (k % 10) as f64 / 10_000.0
                };
                push(
                    &mut v,
                    Actor::source("prometheus"),
                    EventKind::Metric {
                        series: s.into(),
                        value,
                    },
                );
            }
        }
    }
    v
}

/// The log as JSON Lines (header first), as the room writes it.
pub fn jsonl(events: &[Event]) -> String {
    let mut s = String::from(
        "{\"warroom_log\":1,\"incident\":\"bench\",\"created_at\":\"2026-03-05T00:00:00Z\"}\n",
    );
    for e in events {
        if let Ok(line) = serde_json::to_string(e) {
            s.push_str(&line);
            s.push('\n');
        }
    }
    s
}

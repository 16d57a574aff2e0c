//! A log under construction for fold and export tests: events with increasing ids from
//! 2026-07-02 10:00 UTC, and the events most such tests start from (the room's default
//! cadence, the checkout error-rate signal and its samples). Each test module adds the
//! events of its own story in its own `impl Log` block.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use warroom::incident::{Actor, Direction, Event, EventKind, Incident};

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 7, 2, 10, 0, 0)
        .single()
        .unwrap_or_default()
}
pub fn s(sec: i64) -> DateTime<Utc> {
    t0() + Duration::seconds(sec)
}
pub fn m(min: i64) -> DateTime<Utc> {
    s(min * 60)
}

/// A log under construction: events get increasing ids.
#[derive(Default)]
pub struct Log {
    pub events: Vec<Event>,
}

impl Log {
    pub fn at(mut self, at: DateTime<Utc>, by: Actor, kind: EventKind) -> Self {
        let id = self.events.len() as u64 + 1;
        self.events.push(Event { id, at, by, kind });
        self
    }
    pub fn sys(self, at: DateTime<Utc>, kind: EventKind) -> Self {
        self.at(at, Actor::System, kind)
    }
    pub fn ana(self, at: DateTime<Utc>, kind: EventKind) -> Self {
        self.at(at, Actor::person("ana"), kind)
    }
    /// The room's default cadence: first update in 15m, SEV1 20m, SEV2 30m, alarm after 5m.
    pub fn cadence(self) -> Self {
        let every: BTreeMap<String, u64> = [("SEV1".to_string(), 1200), ("SEV2".to_string(), 1800)]
            .into_iter()
            .collect();
        self.sys(
            t0(),
            EventKind::CommsDefined {
                first_update_within: 900,
                every,
                contradiction_after: 300,
            },
        )
    }
    /// `checkout error rate` samples every minute from `from` to `to` (inclusive).
    pub fn error_rate(mut self, from: i64, to: i64, value: f64) -> Self {
        for min in from..=to {
            self = self.at(
                m(min),
                Actor::source("prom"),
                EventKind::Metric {
                    series: "checkout error rate".into(),
                    value,
                },
            );
        }
        self
    }
    pub fn signal(self) -> Self {
        self.at(
            t0(),
            Actor::source("prom"),
            EventKind::SignalDefined {
                series: "checkout error rate".into(),
                unit: "%".into(),
                warn: Some(0.02),
                crit: Some(0.05),
                direction: Direction::Above,
                hysteresis: None,
                dwell: Some(1),
            },
        )
    }
    pub fn fold(&self) -> Incident {
        Incident::fold(&self.events)
    }
}

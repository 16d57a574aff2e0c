//! A synthetic incident for benches: 90% metric samples across 8 series, the rest
//! notes, alerts, status changes, user reports and checklist ticks, one every 100 ms.
//! Deterministic (no randomness) so runs compare.

use chrono::{DateTime, Duration, TimeZone, Utc};
use warroom::incident::{Actor, AlertState, Direction, Event, EventKind, IncidentState, Severity};

pub const SERIES: [&str; 8] = [
    "checkout error rate",
    "checkout latency p99",
    "orders per minute",
    "cart adds per minute",
    "payment errors",
    "api 5xx eu-west",
    "api 5xx us-east",
    "queue depth",
];

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 6, 14, 0, 0)
        .single()
        .unwrap_or_default()
}

/// The `i`-th event (from 0) of the synthetic incident; its id is `i + 1`.
pub fn event(i: u64) -> Event {
    let at = t0() + Duration::milliseconds(i as i64 * 100);
    let (by, kind) = if i == 0 {
        (
            Actor::person("ana"),
            EventKind::IncidentDeclared {
                title: "Checkout failing during the summer sale".into(),
                severity: Severity::Sev1,
            },
        )
    } else if i <= 8 {
        let s = SERIES[(i - 1) as usize];
        (
            Actor::source(s),
            EventKind::SignalDefined {
                series: s.into(),
                unit: "%".into(),
                warn: Some(0.5),
                crit: Some(0.8),
                direction: if i == 3 {
                    Direction::Below
                } else {
                    Direction::Above
                },
                hysteresis: None,
                dwell: None,
            },
        )
    } else if !i.is_multiple_of(10) {
        // 90%: a sample of one of 8 series, wandering across the thresholds.
        let s = SERIES[(i % 8) as usize];
        let phase = (i / 8) as f64 / 500.0;
        (
            Actor::source(s),
            EventKind::Metric {
                series: s.into(),
                value: 0.5 + 0.45 * phase.sin() + (i % 7) as f64 * 0.001,
            },
        )
    } else {
        let n = i / 10;
        match n % 6 {
            0 => (
                Actor::person("ana"),
                EventKind::Note {
                    text: format!("checked the payment gateway logs, step {n}"),
                },
            ),
            1 => (
                Actor::source("alerts"),
                EventKind::Alert {
                    name: format!("CheckoutErrors{}", n % 5),
                    state: if n % 4 < 2 {
                        AlertState::Firing
                    } else {
                        AlertState::Resolved
                    },
                    labels: [("region".to_string(), "eu-west".to_string())].into(),
                    summary: "checkout 5xx over 5%".into(),
                    fingerprint: None,
                    starts_at: None,
                },
            ),
            2 => (
                Actor::source("shop status"),
                EventKind::StatusComponent {
                    page: "shop".into(),
                    component: ["Checkout", "Cart", "Payments"][(n % 3) as usize].into(),
                    status: ["operational", "degraded_performance", "major_outage"]
                        [(n / 3 % 3) as usize]
                        .into(),
                    group: None,
                },
            ),
            3 => (
                Actor::source("user reports"),
                EventKind::Reports {
                    source: "user reports".into(),
                    count: 100 + (n % 50) * 40,
                    baseline: Some(120.0),
                },
            ),
            4 => (
                Actor::person("bo"),
                EventKind::ChecklistToggled {
                    list: "mitigation".into(),
                    item: ["Freeze deploys", "Roll back", "Fail over"][(n % 3) as usize].into(),
                    done: n.is_multiple_of(2),
                },
            ),
            _ => (
                Actor::person("ana"),
                EventKind::StateChanged {
                    state: IncidentState::ALL[(n % 4) as usize],
                },
            ),
        }
    };
    Event {
        id: i + 1,
        at,
        by,
        kind,
    }
}

#[allow(dead_code)] // used by the log_open bench and the memory example, not by fold
/// Writes a log of `n` synthetic events at `path` (batches of 10,000, each fsynced).
pub fn write_log(path: &std::path::Path, n: u64) -> Result<(), warroom::log::LogError> {
    let mut w = warroom::log::LogWriter::create(path, "bench")?;
    let mut i = 0;
    while i < n {
        let end = (i + 10_000).min(n);
        let batch: Vec<Event> = (i..end).map(event).collect();
        w.append(&batch)?;
        i = end;
    }
    Ok(())
}

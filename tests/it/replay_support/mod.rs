//! Shared by the replay, export and drill tests: a fixed incident story, and a small JSON
//! Lines log writer/reader for test files (the format of src/log/file.rs: a header line,
//! then one event per line).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Duration, TimeZone, Utc};
use warroom::incident::{Actor, AlertState, Direction, Event, EventKind, IncidentState, Severity};
use warroom::log::Damage;

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 5, 21, 0, 0)
        .single()
        .unwrap_or_default()
}

/// A checkout incident of about an hour, with every kind the postmortem reports on.
pub fn story() -> Vec<Event> {
    let m = |min: i64, sec: i64| t0() + Duration::seconds(min * 60 + sec);
    let src = Actor::source;
    let p = Actor::person;
    let metric = |s: &str, v: f64| EventKind::Metric {
        series: s.into(),
        value: v,
    };
    let alert = |state| EventKind::Alert {
        name: "CheckoutErrors".into(),
        state,
        labels: BTreeMap::from([("service".to_string(), "checkout".to_string())]),
        summary: "checkout 5xx above 5%".into(),
        fingerprint: Some("f1".into()),
        starts_at: None,
    };
    let status = |page: &str, id: &str, title: &str, status: &str, body: &str, upd: &str| {
        EventKind::StatusIncident {
            page: page.into(),
            id: id.into(),
            title: title.into(),
            status: status.into(),
            body: body.into(),
            update_id: Some(upd.into()),
            impact: Some("major".into()),
            posted_at: None,
        }
    };
    let tick = |list: &str, item: &str| EventKind::ChecklistToggled {
        list: list.into(),
        item: item.into(),
        done: true,
    };
    let list: Vec<(DateTime<Utc>, Actor, EventKind)> = vec![
        (
            m(0, 0),
            Actor::System,
            EventKind::ChecklistDefined {
                list: "detection".into(),
                items: vec![
                    "Confirm impact from two independent signals".into(),
                    "Check changes of the last 24 h".into(),
                ],
                done_when: Default::default(),
            },
        ),
        (
            m(0, 0),
            Actor::System,
            EventKind::ChecklistDefined {
                list: "mitigation".into(),
                items: vec![
                    "Freeze deploys".into(),
                    "Roll back the last change on the affected path".into(),
                ],
                done_when: Default::default(),
            },
        ),
        (
            m(0, 0),
            Actor::System,
            EventKind::ChecklistDefined {
                list: "communication".into(),
                items: vec![
                    "First status update within 15 min".into(),
                    "Updates every 30 min until resolved".into(),
                ],
                done_when: Default::default(),
            },
        ),
        (
            m(0, 0),
            Actor::System,
            EventKind::SignalDefined {
                series: "checkout errors eu".into(),
                unit: "%".into(),
                warn: Some(0.02),
                crit: Some(0.05),
                direction: Direction::Above,
                hysteresis: None,
                // One sample here stands for minutes of them: no dwell.
                dwell: Some(1),
            },
        ),
        (
            m(0, 0),
            Actor::System,
            EventKind::SignalDefined {
                series: "orders per minute".into(),
                unit: "/min".into(),
                warn: Some(200.0),
                crit: Some(50.0),
                direction: Direction::Below,
                hysteresis: None,
                // One sample here stands for minutes of them: no dwell.
                dwell: Some(1),
            },
        ),
        (
            m(0, 0),
            Actor::System,
            EventKind::SignalDefined {
                series: "outage reports".into(),
                unit: "x".into(),
                warn: Some(3.0),
                crit: Some(10.0),
                direction: Direction::Above,
                hysteresis: None,
                // One sample here stands for minutes of them: no dwell.
                dwell: Some(1),
            },
        ),
        (
            m(0, 0),
            src("prometheus"),
            metric("checkout errors eu", 0.004),
        ),
        (
            m(0, 0),
            src("prometheus"),
            metric("orders per minute", 410.0),
        ),
        (
            m(0, 0),
            src("reports"),
            EventKind::Reports {
                source: "outage reports".into(),
                count: 110,
                baseline: Some(120.0),
            },
        ),
        (
            m(0, 30),
            src("cloud status"),
            EventKind::StatusComponent {
                page: "cloud".into(),
                component: "compute eu-west".into(),
                status: "operational".into(),
                group: None,
            },
        ),
        (
            m(4, 0),
            src("prometheus"),
            metric("checkout errors eu", 0.12),
        ),
        (
            m(4, 0),
            src("prometheus"),
            metric("orders per minute", 20.0),
        ),
        (
            m(5, 0),
            src("reports"),
            EventKind::Reports {
                source: "outage reports".into(),
                count: 2400,
                baseline: Some(120.0),
            },
        ),
        (m(6, 0), src("alertmanager"), alert(AlertState::Firing)),
        (
            m(8, 0),
            p("ana"),
            EventKind::Joined {
                person: "ana".into(),
                from: None,
            },
        ),
        (
            m(8, 20),
            p("ana"),
            EventKind::IncidentDeclared {
                title: "Checkout failing | storefront <slow>".into(),
                severity: Severity::Sev2,
            },
        ),
        (
            m(8, 30),
            p("ana"),
            EventKind::RoleAssigned {
                role: "commander".into(),
                person: "ana".into(),
            },
        ),
        (
            m(9, 0),
            p("bo"),
            EventKind::Joined {
                person: "bo".into(),
                from: None,
            },
        ),
        (
            m(9, 10),
            p("ana"),
            EventKind::RoleAssigned {
                role: "comms".into(),
                person: "bo".into(),
            },
        ),
        (
            m(9, 20),
            p("ana"),
            EventKind::RoleAssigned {
                role: "ops".into(),
                person: "cy".into(),
            },
        ),
        (m(9, 40), p("ana"), EventKind::ImpactStarted { at: m(3, 0) }),
        (
            m(10, 0),
            src("cloud status"),
            status(
                "cloud",
                "c1",
                "Elevated API errors in eu-west",
                "investigating",
                "We are looking into it.",
                "c1u1",
            ),
        ),
        (
            m(11, 0),
            p("bo"),
            status(
                "shop status",
                "s1",
                "Checkout errors",
                "investigating",
                "Some customers cannot pay. We are on it.",
                "s1u1",
            ),
        ),
        (
            m(11, 5),
            p("bo"),
            tick("communication", "First status update within 15 min"),
        ),
        (
            m(12, 0),
            p("cy"),
            EventKind::Note {
                text: "Deploy 4512 at 20:55 touched the payment client".into(),
            },
        ),
        (
            m(13, 0),
            p("ana"),
            tick("detection", "Confirm impact from two independent signals"),
        ),
        (
            m(14, 0),
            p("ana"),
            EventKind::SeverityChanged {
                severity: Severity::Sev1,
            },
        ),
        (
            m(15, 0),
            p("ana"),
            EventKind::Decision {
                text: "Roll back deploy 4512".into(),
            },
        ),
        (
            m(15, 10),
            p("ana"),
            EventKind::StateChanged {
                state: IncidentState::Identified,
            },
        ),
        (
            m(16, 0),
            p("ana"),
            EventKind::RoleAssigned {
                role: "ops".into(),
                person: "dan".into(),
            },
        ),
        (
            m(20, 0),
            p("dan"),
            tick(
                "mitigation",
                "Roll back the last change on the affected path",
            ),
        ),
        (
            m(24, 0),
            src("prometheus"),
            metric("checkout errors eu", 0.03),
        ),
        (
            m(30, 0),
            src("prometheus"),
            metric("checkout errors eu", 0.006),
        ),
        (
            m(30, 0),
            src("prometheus"),
            metric("orders per minute", 480.0),
        ),
        (m(31, 0), src("alertmanager"), alert(AlertState::Resolved)),
        (
            m(32, 0),
            p("ana"),
            EventKind::StateChanged {
                state: IncidentState::Monitoring,
            },
        ),
        (
            m(33, 0),
            p("bo"),
            status(
                "shop status",
                "s1",
                "Checkout errors",
                "monitoring",
                "A fix is in place; payments work again.",
                "s1u2",
            ),
        ),
        (
            m(35, 0),
            src("reports"),
            EventKind::Reports {
                source: "outage reports".into(),
                count: 150,
                baseline: Some(120.0),
            },
        ),
        (
            m(50, 0),
            src("cloud status"),
            status(
                "cloud",
                "c1",
                "Elevated API errors in eu-west",
                "resolved",
                "Resolved.",
                "c1u2",
            ),
        ),
        (
            m(55, 0),
            p("ana"),
            EventKind::StateChanged {
                state: IncidentState::Resolved,
            },
        ),
        (
            m(56, 0),
            p("bo"),
            status(
                "shop status",
                "s1",
                "Checkout errors",
                "resolved",
                "Resolved. Sorry for the trouble.",
                "s1u3",
            ),
        ),
        (
            m(57, 0),
            p("bo"),
            EventKind::Left {
                person: "bo".into(),
            },
        ),
    ];
    list.into_iter()
        .enumerate()
        .map(|(i, (at, by, kind))| Event {
            id: i as u64 + 1,
            at,
            by,
            kind,
        })
        .collect()
}

/// Writes a log file: header, then one event per line.
pub fn write_log(path: &Path, incident: &str, events: &[Event]) -> std::io::Result<()> {
    let mut f = std::fs::File::create(path)?;
    writeln!(
        f,
        "{{\"warroom_log\":1,\"incident\":{:?},\"created_at\":\"{}\"}}",
        incident,
        events.first().map_or(t0(), |e| e.at).to_rfc3339()
    )?;
    for e in events {
        writeln!(
            f,
            "{}",
            serde_json::to_string(e).map_err(std::io::Error::other)?
        )?;
    }
    Ok(())
}

/// Reads a log file written as above; lines that do not parse are reported as damaged.
pub fn read_log(path: &Path) -> std::io::Result<(Vec<Event>, Vec<Damage>)> {
    let text = std::fs::read_to_string(path)?;
    let mut events = Vec::new();
    let mut damaged = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if i == 0 || line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Event>(line) {
            Ok(e) => events.push(e),
            Err(err) => damaged.push(Damage {
                line: i + 1,
                reason: err.to_string(),
                bytes: line.len() + 1,
            }),
        }
    }
    Ok((events, damaged))
}

//! A hand-built incident (a checkout outage during a sale) for previews, screen snapshots
//! and draw benchmarks. Built from events through the real fold, so it looks like a room.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};

use warroom_core::incident::{
    Actor, AlertState, Direction, Event, EventKind, Incident, IncidentState, Severity,
};

/// The start of the sample (impact begins a little after).
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 13, 50, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The fixed "now" the sample is looked at.
pub fn now() -> DateTime<Utc> {
    t0() + Duration::seconds(22 * 60 + 34)
}

struct B {
    ev: Vec<Event>,
}

impl B {
    fn push(&mut self, secs: i64, by: Actor, kind: EventKind) {
        let id = self.ev.len() as u64 + 1;
        self.ev.push(Event {
            id,
            at: t0() + Duration::seconds(secs),
            by,
            kind,
        });
    }
}

fn p(n: &str) -> Actor {
    Actor::person(n)
}
fn s(n: &str) -> Actor {
    Actor::source(n)
}

/// The events of the sample incident.
pub fn events() -> Vec<Event> {
    let mut b = B { ev: Vec::new() };
    type Def<'a> = (&'a str, &'a str, Option<f64>, Option<f64>, Direction);
    let defs: [Def; 4] = [
        (
            "checkout error rate",
            "%",
            Some(0.01),
            Some(0.05),
            Direction::Above,
        ),
        (
            "checkout p95 latency",
            "ms",
            Some(800.0),
            Some(2000.0),
            Direction::Above,
        ),
        (
            "orders per minute",
            "/min",
            Some(300.0),
            Some(100.0),
            Direction::Below,
        ),
        (
            "payment gateway 5xx",
            "/s",
            Some(5.0),
            Some(20.0),
            Direction::Above,
        ),
    ];
    for (series, unit, warn, crit, direction) in defs {
        b.push(
            0,
            s("prometheus"),
            EventKind::SignalDefined {
                series: series.into(),
                unit: unit.into(),
                warn,
                crit,
                direction,
                // A hand-made story: every crossing shows (the fold tests cover hysteresis).
                hysteresis: Some(0.0),
                dwell: Some(1),
            },
        );
    }
    b.push(
        0,
        s("downdetector"),
        EventKind::SignalDefined {
            series: "downdetector".into(),
            unit: String::new(),
            warn: Some(3.0),
            crit: Some(10.0),
            direction: Direction::Above,
            hysteresis: Some(0.0),
            dwell: Some(1),
        },
    );
    b.push(
        0,
        Actor::System,
        EventKind::DrillStarted {
            scenario: "checkout-outage".into(),
            speed: 1.0,
            title: None,
            severity: None,
            briefing: None,
            reference: None,
            impact: None,
        },
    );
    for (list, items) in [
        (
            "detection",
            vec![
                "Confirm impact from two independent signals",
                "Check changes of the last 24 h",
                "Rule the cloud provider in or out",
            ],
        ),
        (
            "mitigation",
            vec![
                "Freeze deploys",
                "Roll back the last change on the affected path",
                "Verify recovery on the same signals",
            ],
        ),
        (
            "communication",
            vec![
                "First status update within 15 min",
                "Updates every 30 min until resolved",
                "One approved wording for support",
            ],
        ),
    ] {
        b.push(
            0,
            Actor::System,
            EventKind::ChecklistDefined {
                list: list.into(),
                items: items.into_iter().map(String::from).collect(),
                done_when: Default::default(),
            },
        );
    }
    b.push(
        5,
        s("shop status"),
        EventKind::StatusComponent {
            page: "shop status".into(),
            component: "Storefront".into(),
            status: "operational".into(),
            group: None,
        },
    );
    b.push(
        5,
        s("shop status"),
        EventKind::StatusComponent {
            page: "shop status".into(),
            component: "Checkout".into(),
            status: "operational".into(),
            group: None,
        },
    );
    b.push(
        5,
        s("shop status"),
        EventKind::StatusComponent {
            page: "shop status".into(),
            component: "Payments".into(),
            status: "operational".into(),
            group: None,
        },
    );
    b.push(
        5,
        s("cloud status"),
        EventKind::StatusPage {
            page: "cloud status".into(),
            indicator: "none".into(),
            description: "All Systems Operational".into(),
        },
    );
    b.push(
        5,
        s("cloud status"),
        EventKind::StatusComponent {
            page: "cloud status".into(),
            component: "Compute (eu-west-1)".into(),
            status: "operational".into(),
            group: None,
        },
    );
    b.push(
        5,
        s("cloud status"),
        EventKind::StatusComponent {
            page: "cloud status".into(),
            component: "Load balancing".into(),
            status: "operational".into(),
            group: None,
        },
    );
    b.push(
        20,
        p("ana"),
        EventKind::Joined {
            person: "ana".into(),
            from: None,
        },
    );
    // Signals: one sample every 15 s for 22 minutes; trouble starts at 4 min.
    for i in 0..=(22 * 4) {
        let secs = i * 15;
        let m = secs as f64 / 60.0;
        let bad = ((m - 4.0) / 6.0).clamp(0.0, 1.0);
        let heal = ((m - 17.0) / 4.0).clamp(0.0, 1.0);
        let x = bad * (1.0 - heal * 0.8);
        let wob = ((i as f64) * 0.7).sin() * 0.1;
        b.push(
            secs,
            s("prometheus"),
            EventKind::Metric {
                series: "checkout error rate".into(),
                value: 0.004 + x * 0.11 + wob * 0.002,
            },
        );
        b.push(
            secs,
            s("prometheus"),
            EventKind::Metric {
                series: "checkout p95 latency".into(),
                value: 320.0 + x * 2900.0 + wob * 40.0,
            },
        );
        b.push(
            secs,
            s("prometheus"),
            EventKind::Metric {
                series: "orders per minute".into(),
                value: (1250.0 * (1.0 - x * 0.96) + wob * 30.0).max(0.0),
            },
        );
        // The gateway's own Prometheus stops answering at 19 min.
        if secs <= 19 * 60 {
            b.push(
                secs,
                s("gateway prometheus"),
                EventKind::Metric {
                    series: "payment gateway 5xx".into(),
                    value: 0.5 + x * 31.0 + wob,
                },
            );
        }
        if i % 4 == 0 {
            let count = (40.0 + x * 2400.0) as u64;
            b.push(
                secs,
                s("downdetector"),
                EventKind::Reports {
                    source: "downdetector".into(),
                    count,
                    baseline: Some(40.0),
                },
            );
        }
    }
    b.push(
        5 * 60 + 30,
        s("alertmanager"),
        EventKind::Alert {
            name: "CheckoutErrorBudgetBurn".into(),
            state: AlertState::Firing,
            labels: BTreeMap::from([
                ("severity".into(), "page".into()),
                ("team".into(), "checkout".into()),
            ]),
            summary: "checkout 5xx above 5% for 2m".into(),
            fingerprint: Some("a1".into()),
            starts_at: None,
        },
    );
    b.push(
        6 * 60,
        s("alertmanager"),
        EventKind::Alert {
            name: "PaymentGatewayErrors".into(),
            state: AlertState::Firing,
            labels: BTreeMap::from([("severity".into(), "ticket".into())]),
            summary: "gateway 5xx > 20/s".into(),
            fingerprint: Some("a2".into()),
            starts_at: None,
        },
    );
    b.push(
        6 * 60 + 40,
        p("ana"),
        EventKind::IncidentDeclared {
            title: "Checkout failing during the Black Friday sale".into(),
            severity: Severity::Sev2,
        },
    );
    b.push(
        6 * 60 + 45,
        p("ana"),
        EventKind::RoleAssigned {
            role: "commander".into(),
            person: "ana".into(),
        },
    );
    b.push(
        7 * 60,
        p("bo"),
        EventKind::Joined {
            person: "bo".into(),
            from: None,
        },
    );
    b.push(
        7 * 60 + 10,
        p("ana"),
        EventKind::RoleAssigned {
            role: "comms".into(),
            person: "bo".into(),
        },
    );
    b.push(
        7 * 60 + 30,
        p("carl"),
        EventKind::Joined {
            person: "carl".into(),
            from: None,
        },
    );
    b.push(
        7 * 60 + 40,
        p("ana"),
        EventKind::RoleAssigned {
            role: "ops".into(),
            person: "carl".into(),
        },
    );
    b.push(
        8 * 60,
        p("ana"),
        EventKind::SeverityChanged {
            severity: Severity::Sev1,
        },
    );
    b.push(
        8 * 60 + 5,
        p("ana"),
        EventKind::ImpactStarted {
            at: t0() + Duration::seconds(4 * 60),
        },
    );
    b.push(
        8 * 60 + 30,
        p("carl"),
        EventKind::Note {
            text: "Deploy 2026.11.21-3 of cart-service went out at 13:52, 2 min before the errors"
                .into(),
        },
    );
    b.push(
        9 * 60,
        p("ana"),
        EventKind::ChecklistToggled {
            list: "detection".into(),
            item: "Confirm impact from two independent signals".into(),
            done: true,
        },
    );
    b.push(
        9 * 60 + 10,
        p("carl"),
        EventKind::ChecklistToggled {
            list: "detection".into(),
            item: "Check changes of the last 24 h".into(),
            done: true,
        },
    );
    b.push(
        9 * 60 + 20,
        s("shop status"),
        EventKind::StatusComponent {
            page: "shop status".into(),
            component: "Checkout".into(),
            status: "major_outage".into(),
            group: None,
        },
    );
    b.push(
        9 * 60 + 20,
        s("shop status"),
        EventKind::StatusComponent {
            page: "shop status".into(),
            component: "Payments".into(),
            status: "degraded_performance".into(),
            group: None,
        },
    );
    b.push(9 * 60 + 25, s("shop status"), EventKind::StatusIncident {
        page: "shop status".into(),
        id: "inc1".into(),
        title: "Customers unable to complete checkout".into(),
        status: "investigating".into(),
        body: "We are investigating reports of failed payments at checkout. Browsing is not affected.".into(),
        update_id: Some("u1".into()),
        impact: Some("major".into()),
        posted_at: None,
    });
    b.push(
        10 * 60,
        p("ana"),
        EventKind::ChecklistToggled {
            list: "detection".into(),
            item: "Rule the cloud provider in or out".into(),
            done: true,
        },
    );
    b.push(
        10 * 60 + 20,
        p("ana"),
        EventKind::Decision {
            text: "Roll back cart-service to 2026.11.21-2; freeze deploys".into(),
        },
    );
    b.push(
        10 * 60 + 30,
        p("carl"),
        EventKind::ChecklistToggled {
            list: "mitigation".into(),
            item: "Freeze deploys".into(),
            done: true,
        },
    );
    b.push(
        11 * 60,
        p("ana"),
        EventKind::StateChanged {
            state: IncidentState::Identified,
        },
    );
    b.push(
        11 * 60 + 30,
        p("bo"),
        EventKind::ChecklistToggled {
            list: "communication".into(),
            item: "First status update within 15 min".into(),
            done: true,
        },
    );
    b.push(
        12 * 60,
        p("dee"),
        EventKind::Joined {
            person: "dee".into(),
            from: None,
        },
    );
    b.push(
        12 * 60 + 5,
        p("ana"),
        EventKind::RoleAssigned {
            role: "scribe".into(),
            person: "dee".into(),
        },
    );
    b.push(
        14 * 60,
        s("shop status"),
        EventKind::StatusIncident {
            page: "shop status".into(),
            id: "inc1".into(),
            title: "Customers unable to complete checkout".into(),
            status: "identified".into(),
            body: "The issue has been identified and a fix is being rolled out.".into(),
            update_id: Some("u2".into()),
            impact: Some("major".into()),
            posted_at: None,
        },
    );
    b.push(
        19 * 60 + 30,
        Actor::System,
        EventKind::SourceHealth {
            source: "gateway prometheus".into(),
            ok: false,
            error: Some("connection refused".into()),
        },
    );
    b.push(
        15 * 60,
        s("feeds"),
        EventKind::SourceHealth {
            source: "feeds".into(),
            ok: false,
            error: Some("timeout after 10s".into()),
        },
    );
    b.push(
        17 * 60 + 10,
        p("carl"),
        EventKind::Note {
            text: "Rollback complete on all pods; error rate falling".into(),
        },
    );
    b.push(
        17 * 60 + 20,
        p("carl"),
        EventKind::ChecklistToggled {
            list: "mitigation".into(),
            item: "Roll back the last change on the affected path".into(),
            done: true,
        },
    );
    b.push(
        20 * 60,
        p("ana"),
        EventKind::StateChanged {
            state: IncidentState::Monitoring,
        },
    );
    b.push(
        20 * 60 + 30,
        p("bo"),
        EventKind::Note {
            text: "Support has the approved wording; next public update at 14:25".into(),
        },
    );
    // A log is in time order: sort (stably) and number the events.
    let mut ev = b.ev;
    ev.sort_by_key(|e| e.at);
    for (i, e) in ev.iter_mut().enumerate() {
        e.id = i as u64 + 1;
    }
    ev
}

/// The sample incident, folded.
pub fn incident() -> Incident {
    Incident::fold(&events())
}

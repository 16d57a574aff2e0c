//! The bundled drills (`drills/*.jsonl`), written from the real event types: one module
//! per scenario, each a script of events at scenario seconds. `cargo run --example
//! gen_drills` writes the files; the test `drills_generated` regenerates them in memory
//! and compares them byte for byte with the committed ones.
//!
//! They live in this dev-only crate, not in the product: the binary embeds the files the
//! generator wrote (`src/assets/drills.rs`), so the generator and its random numbers never
//! reach it, while tests, examples and benches can call it.

mod checkout_outage;
mod overnight_checkout;
pub mod python_random;
mod storefront_outage;

use std::collections::BTreeMap;

use warroom_core::drill::{Drill, DrillEvent, DrillHeader};
use warroom_core::incident::{Actor, AlertState, Direction, EventKind};

/// One bundled drill: its file name under `drills/` and its content.
pub struct Bundled {
    pub file: &'static str,
    pub drill: Drill,
}

/// Every bundled drill, in the order of `src/assets/drills.rs`.
pub fn all() -> Vec<Bundled> {
    vec![
        Bundled {
            file: "checkout-outage.jsonl",
            drill: checkout_outage::drill(),
        },
        Bundled {
            file: "storefront-outage.jsonl",
            drill: storefront_outage::drill(),
        },
        Bundled {
            file: "overnight-checkout.jsonl",
            drill: overnight_checkout::drill(),
        },
    ]
}

/// Events in the order they are scripted; [`Script::finish`] orders them by time, keeping
/// the scripted order within one second (definitions before samples at t = 0).
#[derive(Default)]
struct Script {
    events: Vec<DrillEvent>,
}

impl Script {
    fn ev(&mut self, t: i64, by: Actor, kind: EventKind) {
        self.events.push(DrillEvent {
            t: t as f64,
            by,
            kind,
        });
    }

    fn finish(mut self, header: DrillHeader) -> Drill {
        // A stable sort: same-time events keep their scripted order.
        self.events.sort_by(|a, b| a.t.total_cmp(&b.t));
        Drill {
            header,
            events: self.events,
        }
    }
}

fn signal(series: &str, unit: &str, warn: f64, crit: f64, direction: Direction) -> EventKind {
    EventKind::SignalDefined {
        series: series.into(),
        unit: unit.into(),
        warn: Some(warn),
        crit: Some(crit),
        direction,
        hysteresis: None,
        dwell: None,
    }
}

fn metric(series: &str, value: f64) -> EventKind {
    EventKind::Metric {
        series: series.into(),
        value,
    }
}

fn reports(source: &str, count: i64, baseline: f64) -> EventKind {
    EventKind::Reports {
        source: source.into(),
        count: count.max(0).unsigned_abs(),
        baseline: Some(baseline),
    }
}

fn note(text: &str) -> EventKind {
    EventKind::Note { text: text.into() }
}

fn status_page(page: &str, indicator: &str, description: &str) -> EventKind {
    EventKind::StatusPage {
        page: page.into(),
        indicator: indicator.into(),
        description: description.into(),
    }
}

fn status_component(page: &str, component: &str, status: &str) -> EventKind {
    EventKind::StatusComponent {
        page: page.into(),
        component: component.into(),
        status: status.into(),
        group: None,
    }
}

struct Alert<'a> {
    name: &'a str,
    state: AlertState,
    labels: &'a [(&'a str, &'a str)],
    summary: &'a str,
    fingerprint: &'a str,
}

fn alert(a: Alert<'_>) -> EventKind {
    EventKind::Alert {
        name: a.name.into(),
        state: a.state,
        labels: a
            .labels
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect::<BTreeMap<String, String>>(),
        summary: a.summary.into(),
        fingerprint: Some(a.fingerprint.into()),
        starts_at: None,
    }
}

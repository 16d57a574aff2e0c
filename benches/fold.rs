//! Fold throughput on a synthetic incident (90% metric samples). Budget: ≥ 2 million
//! events per second. Run: `cargo bench --bench fold`.
//!
//! The second case is the same mix at 1,000,000 events with communication in play, so
//! the fold's cadence and silent-page derivations run on every event (issue 12): a
//! `comms_defined`, a page marked as our own that says operational except for the first
//! half of every 40,000 events, and a public update every 25 minutes of log time (SEV1
//! owes one every 20: each cycle falls overdue once), while the mix's alerts fire and its
//! signals cross critical (the contradiction starts, raises the alarm, clears).

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use warroom::incident::{Actor, Audience, Event, EventKind, Incident, IncidentState};

mod mix;

const EVENTS: u64 = 200_000;
const MILLION: u64 = 1_000_000;
/// One public update every this many events (100 ms apart: 25 minutes).
const UPDATE_EVERY: u64 = 15_000;
/// Our own page shows an incident for the first half of every this many events.
const PAGE_EVERY: u64 = 40_000;

fn fold(c: &mut Criterion) {
    let events: Vec<Event> = (0..EVENTS).map(mix::event).collect();
    let mut g = c.benchmark_group("fold");
    g.throughput(Throughput::Elements(EVENTS));
    g.bench_function("synthetic mix, 200k events", |b| {
        b.iter(|| {
            let inc = Incident::fold(std::hint::black_box(&events));
            std::hint::black_box(inc.events)
        })
    });
    g.finish();
}

/// The `i`-th event of the mix with communication in play (ids unchanged: a few metric
/// samples are replaced).
fn comms_event(i: u64) -> Event {
    let mut e = mix::event(i);
    let kind = match i {
        9 => Some(EventKind::CommsDefined {
            first_update_within: 15 * 60,
            every: [("SEV1", 20 * 60), ("SEV2", 30 * 60), ("SEV3", 60 * 60)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            contradiction_after: 5 * 60,
        }),
        11 => Some(EventKind::StatusSummary {
            page: "our page".into(),
            text: "our public page".into(),
            role: Some("own".into()),
            changes: 0,
            degraded: None,
            opening: false,
        }),
        // Our page shows an incident for a while every 40,000 events, else says operational.
        _ if i % PAGE_EVERY == 23 || i % PAGE_EVERY == PAGE_EVERY / 2 + 23 => {
            Some(EventKind::StatusPage {
                page: "our page".into(),
                indicator: if i % PAGE_EVERY == 23 {
                    "major"
                } else {
                    "none"
                }
                .into(),
                description: String::new(),
            })
        }
        _ if i % UPDATE_EVERY == 19 => Some(EventKind::StatusUpdate {
            audience: Audience::Public,
            state: IncidentState::Investigating,
            components: Vec::new(),
            body: format!(
                "Update {}: we are still working on checkout.",
                i / UPDATE_EVERY
            ),
            targets: vec!["statuspage".into()],
        }),
        _ => None,
    };
    if let Some(k) = kind {
        e.by = Actor::person("ana");
        e.kind = k;
    }
    e
}

fn fold_with_comms(c: &mut Criterion) {
    let events: Vec<Event> = (0..MILLION).map(comms_event).collect();
    // The derivations are exercised, not idle: say what one fold produced.
    let inc = Incident::fold(&events);
    eprintln!(
        "comms over 1M events: {} updates, {} overdue periods, {} alarm periods",
        inc.comms.updates.len(),
        inc.comms.overdue_periods.len(),
        inc.comms.contradictions.len()
    );
    let mut g = c.benchmark_group("fold");
    g.throughput(Throughput::Elements(MILLION));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("mix with cadence and silent-page alarm, 1M events", |b| {
        b.iter(|| {
            let inc = Incident::fold(std::hint::black_box(&events));
            std::hint::black_box(inc.events)
        })
    });
    g.finish();
}

criterion_group!(benches, fold, fold_with_comms);
criterion_main!(benches);

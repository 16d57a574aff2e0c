//! Export of a 1,000,000-event log: markdown postmortem (people's entries and key signal
//! changes) and csv of every event.

use std::hint::black_box;
use std::time::Duration as StdDuration;

use criterion::{Criterion, criterion_group, criterion_main};
use warroom::export::{Format, render};
use warroom::incident::Incident;

#[path = "support/million.rs"]
mod replay_support;

fn benches(c: &mut Criterion) {
    let events = replay_support::log(1_000_000);
    let inc = Incident::fold(&events);
    eprintln!("timeline entries: {}", inc.timeline.len());
    let mut g = c.benchmark_group("export");
    g.sample_size(10)
        .measurement_time(StdDuration::from_secs(15));
    g.bench_function("markdown_1m_events", |b| {
        b.iter(|| black_box(render(&inc, &events, Format::Markdown, false).len()))
    });
    g.bench_function("fold_and_markdown_1m_events", |b| {
        b.iter(|| {
            let inc = Incident::fold(&events);
            black_box(render(&inc, &events, Format::Markdown, false).len())
        })
    });
    g.bench_function("csv_all_1m_events", |b| {
        b.iter(|| black_box(render(&inc, &events, Format::Csv, true).len()))
    });
    g.finish();
}

criterion_group!(export, benches);
criterion_main!(export);

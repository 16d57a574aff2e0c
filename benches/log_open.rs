//! Open a 1,000,000-event log: stream it from disk, parse every line and fold it.
//! Budget: under 1 s (and under 100 MB peak memory: see `examples/log_open_memory.rs`).
//! Run: `cargo bench --bench log_open`.

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use warroom::incident::Incident;

mod mix;

const EVENTS: u64 = 1_000_000;

fn open(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("million.jsonl");
    mix::write_log(&path, EVENTS).expect("write the bench log");
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    eprintln!("log: {EVENTS} events, {:.1} MB", bytes as f64 / 1e6);

    let mut g = c.benchmark_group("log_open");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(EVENTS));
    g.bench_function("read + fold 1M events", |b| {
        b.iter(|| {
            let mut inc = Incident::new();
            let (_, r) = warroom::log::read(&path, |e| inc.apply(&e)).expect("read");
            assert_eq!(r.events, EVENTS);
            inc.events
        })
    });
    g.bench_function("read only (parse, no fold) 1M events", |b| {
        b.iter(|| {
            let mut n = 0u64;
            warroom::log::read(&path, |_| n += 1).expect("read");
            n
        })
    });
    g.finish();
}

criterion_group!(benches, open);
criterion_main!(benches);

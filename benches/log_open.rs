//! Open a 1,000,000-event log: stream it from disk, parse every line and fold it.
//! Budget: under 1 s (and under 100 MB peak memory: see `examples/log_open_memory.rs`).
//! Run: `cargo bench --bench log_open`.

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use warroom::incident::Incident;

mod mix;

/// `cargo test --all-targets` runs benches once as a smoke test (without `--bench`):
/// a small log then, the full million only when benchmarking.
fn events() -> u64 {
    if std::env::args().any(|a| a == "--bench") {
        1_000_000
    } else {
        10_000
    }
}

fn open(c: &mut Criterion) {
    let n = events();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("million.jsonl");
    mix::write_log(&path, n).expect("write the bench log");
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    eprintln!("log: {n} events, {:.1} MB", bytes as f64 / 1e6);

    let mut g = c.benchmark_group("log_open");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(n));
    g.bench_function("read + fold", |b| {
        b.iter(|| {
            let mut inc = Incident::new();
            let (_, r) = warroom::log::read(&path, |e| inc.apply(&e)).expect("read");
            assert_eq!(r.events, n);
            inc.events
        })
    });
    g.bench_function("read only (parse, no fold)", |b| {
        b.iter(|| {
            let mut count = 0u64;
            warroom::log::read(&path, |_| count += 1).expect("read");
            count
        })
    });
    g.finish();
}

criterion_group!(benches, open);
criterion_main!(benches);

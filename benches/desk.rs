//! The incident desk over 1,000 logs of 10,000 events each: `warroom incidents` (header
//! and kind-filtered summary of each log, cold and with the folder's list cache) and
//! `warroom report` (a full fold of each, one thread per core; cold, and with the facts
//! the last report stored in the same cache). Budget for the list: under 1 s. Run: `cargo
//! bench --bench desk` (`-- "incidents list"` for the list alone).

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

mod mix;

/// `cargo test --all-targets` runs benches once as a smoke test: 10 small logs then.
fn shape() -> (usize, u64) {
    if std::env::args().any(|a| a == "--bench") {
        (1_000, 10_000)
    } else {
        (10, 1_000)
    }
}

fn desk(c: &mut Criterion) {
    let (logs, events) = shape();
    let dir = tempfile::tempdir().expect("tempdir");
    let first = dir.path().join("log-0000.jsonl");
    mix::write_log(&first, events).expect("write the bench log");
    for i in 1..logs {
        std::fs::copy(&first, dir.path().join(format!("log-{i:04}.jsonl"))).expect("copy");
    }
    let bytes = std::fs::metadata(&first).map(|m| m.len()).unwrap_or(0) * logs as u64;
    eprintln!(
        "{logs} logs of {events} events, {:.0} MB",
        bytes as f64 / 1e6
    );

    let mut g = c.benchmark_group("desk");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    // Cold: no list cache, every log is read (the first list of a folder).
    let cache = dir.path().join(warroom::desk::cache::FILE);
    g.bench_function("incidents list (cold)", |b| {
        b.iter(|| {
            let _ = std::fs::remove_file(&cache);
            let l = warroom::desk::list::list(dir.path()).expect("list");
            assert_eq!(l.incidents.len(), logs);
            l.incidents.len()
        })
    });
    // Warm: the cache of the last list; only logs that changed since are read.
    let _ = warroom::desk::list::list(dir.path()).expect("list");
    g.bench_function("incidents list (warm)", |b| {
        b.iter(|| {
            let l = warroom::desk::list::list(dir.path()).expect("list");
            assert_eq!(l.incidents.len(), logs);
            l.incidents.len()
        })
    });
    // Cold: no cache, every log read whole and folded, one thread per core.
    g.bench_function("report (cold)", |b| {
        b.iter(|| {
            let _ = std::fs::remove_file(&cache);
            let now = chrono::Utc::now();
            let r = warroom::desk::report::build(dir.path(), None, now).expect("report");
            assert_eq!(r.real.count, logs);
            r.real.count
        })
    });
    // Warm: every log's facts from the cache the last report wrote; no log is read.
    let _ = warroom::desk::report::build(dir.path(), None, chrono::Utc::now()).expect("report");
    g.bench_function("report (warm)", |b| {
        b.iter(|| {
            let now = chrono::Utc::now();
            let r = warroom::desk::report::build(dir.path(), None, now).expect("report");
            assert_eq!(r.real.count, logs);
            r.real.count
        })
    });
    g.finish();
}

criterion_group!(benches, desk);
criterion_main!(benches);

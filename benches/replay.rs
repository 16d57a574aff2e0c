//! Replay budgets (DESIGN.md): open a 1,000,000-event log for replay under 1 s; seek
//! anywhere in it under 10 ms.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration as StdDuration;

use chrono::Duration;
use criterion::{Criterion, criterion_group, criterion_main};
use warroom::incident::Event;
use warroom::replay::Replay;

#[path = "support/million.rs"]
mod replay_support;

const N: usize = 1_000_000;

/// Opens the log with the real reader (folding while it parses); while the reader is a stub
/// on this branch, parses the lines the same way (serde_json per line) and builds from them.
fn open(path: &Path) -> Replay {
    if let Ok(o) = Replay::open(path) {
        return o.replay;
    }
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut b = warroom::replay::Builder::new(Default::default());
    for l in text.lines().skip(1) {
        if let Ok(e) = serde_json::from_str::<Event>(l) {
            b.push(e);
        }
    }
    b.finish(Vec::new())
}

fn benches(c: &mut Criterion) {
    let events = replay_support::log(N);
    let dir = std::env::temp_dir().join(format!("warroom-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("million.jsonl");
    let _ = std::fs::write(&path, replay_support::jsonl(&events));

    let mut g = c.benchmark_group("replay");
    g.sample_size(10)
        .measurement_time(StdDuration::from_secs(20));
    g.bench_function("open_1m_events_read_fold_index", |b| {
        b.iter(|| {
            let r = open(&path);
            black_box(r.len())
        })
    });
    g.bench_function("index_1m_events_from_memory", |b| {
        b.iter_batched(
            || events.clone(),
            |ev| black_box(Replay::new(ev).len()),
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();

    let mut r = Replay::new(events);
    eprintln!(
        "seek index: {} snapshots, one every {} events, ~{} MiB",
        r.index().len(),
        r.index().every(),
        r.index().bytes() / (1024 * 1024)
    );
    let span = (r.end() - r.start()).num_milliseconds();
    let mut g = c.benchmark_group("replay");
    g.sample_size(50);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    g.bench_function("seek_anywhere_1m_events", |b| {
        b.iter(|| {
            // xorshift: a different random time every iteration, back and forth.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let t = r.start() + Duration::milliseconds((x % span as u64) as i64);
            r.seek(t);
            black_box(r.state().events)
        })
    });
    g.bench_function("seek_worst_case_end_of_a_segment", |b| {
        let every = r.index().every() as i64;
        b.iter(|| {
            // Back to the start, then to just before a snapshot: one clone + a full segment.
            r.seek(r.start());
            let t = r.start() + Duration::milliseconds((every * 37 - 2) * 100);
            r.seek(t);
            black_box(r.state().events)
        })
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(replay, benches);
criterion_main!(replay);

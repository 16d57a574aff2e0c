//! Fold throughput on a synthetic incident (90% metric samples). Budget: ≥ 2 million
//! events per second. Run: `cargo bench --bench fold`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use warroom::incident::{Event, Incident};

mod mix;

const EVENTS: u64 = 200_000;

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

criterion_group!(benches, fold);
criterion_main!(benches);

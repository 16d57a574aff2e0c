//! The incident on NATS JetStream (issue 13), against the real `nats-server -js` on a
//! free loopback port:
//! - `event in one room → shown in another`: a note recorded in room A until room B has
//!   folded it from its ordered consumer (p50/p99 printed; aim < 50 ms p99);
//! - `open from the stream`: an N-event incident (N = 1,000,000 with `--bench`, which
//!   `cargo bench` passes; 5,000 as a smoke test under `cargo test --benches`; aim < 3 s
//!   for 1 M): read and folded as a room's follower does, then a room's whole open
//!   (`store::nats::open`) cold (no local mirror: read, mirrored, folded) and warm (the
//!   local mirror folded, the stream followed from its last event), and `log pull`.
//!
//! Run: `cargo bench --bench nats` (skips with a message when nats-server is missing).

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use warroom::config::{Config, NatsConfig, StoreConfig};
use warroom::incident::{Actor, Draft, EventKind, Incident};
use warroom::room::{self, RoomOptions};

mod mix;
#[path = "support/proc.rs"]
mod proc;

const NATS_SERVER: &str = "/usr/sbin/nats-server";

fn full() -> bool {
    std::env::args().any(|a| a == "--bench")
}

struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(dir: &std::path::Path) -> (Server, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let child = Command::new(NATS_SERVER)
        .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nats-server");
    let end = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < end, "nats-server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (Server(child), format!("nats://127.0.0.1:{port}"))
}

fn config(url: &str, incident: &str, host: &str) -> Config {
    let mut c = Config::parse(
        "[incident]\ntitle = \"Bench\"\n",
        "bench",
        None,
        std::env::temp_dir(),
    )
    .expect("config");
    let mut n = NatsConfig::from_url(url).expect("url");
    n.host = host.to_string();
    c.store = StoreConfig::Nats(n);
    c.incident.id = Some(incident.to_string());
    c
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn nats(c: &mut Criterion) {
    if !std::path::Path::new(NATS_SERVER).exists() {
        eprintln!("SKIPPED: the nats bench needs the Debian package nats-server");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, url) = start(&dir.path().join("store"));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");

    // Event in room A → shown in room B.
    let (a, b) = rt.block_on(async {
        let opts = |user: &str, log: &str| RoomOptions {
            user: user.into(),
            log_path: Some(dir.path().join(log)),
            speed: None,
        };
        let (a, _) = room::open(&config(&url, "latency", "a"), opts("ana", "a.jsonl"))
            .await
            .expect("room a");
        let (b, _) = room::open(&config(&url, "latency", "b"), opts("bo", "b.jsonl"))
            .await
            .expect("room b");
        (a, b)
    });
    let one = |i: u64| {
        rt.block_on(async {
            let mut seen = b.subscribe();
            let before = b.read().events;
            let t = Instant::now();
            let draft = Draft::new(
                chrono::Utc::now(),
                Actor::person("ana"),
                EventKind::Note {
                    text: format!("note {i}"),
                },
            );
            a.record(draft).await.expect("record").await.expect("ack");
            while b.read().events == before {
                seen.changed().await.expect("room b open");
            }
            t.elapsed()
        })
    };
    let samples = if full() { 1000 } else { 50 };
    let mut lat: Vec<Duration> = (0..samples).map(one).collect();
    lat.sort();
    eprintln!(
        "event in one room -> shown in another: n={samples} p50={:.2} ms p99={:.2} ms max={:.2} ms",
        percentile(&lat, 0.50).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
        lat.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
    );
    let mut g = c.benchmark_group("nats");
    g.sample_size(20);
    let mut i = samples;
    g.bench_function("event in one room -> shown in another", |bch| {
        bch.iter(|| {
            i += 1;
            one(i)
        })
    });
    rt.block_on(async {
        a.shutdown().await;
        b.shutdown().await;
    });

    // Open an N-event incident from the stream.
    let n: u64 = if full() { 1_000_000 } else { 5_000 };
    let cfg = NatsConfig::from_url(&url).expect("url");
    let events: Vec<_> = (1..=n).map(mix::event).collect();
    let t = Instant::now();
    rt.block_on(warroom::store::nats::push(&cfg, "big", &events))
        .expect("push");
    eprintln!("pushed {n} events in {:.1} s", t.elapsed().as_secs_f64());
    drop(events);
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(if full() { 60 } else { 5 }));
    g.throughput(Throughput::Elements(n));
    g.bench_function("open an incident from the stream (pull + fold)", |bch| {
        bch.iter(|| {
            // The reading a room does at open: from the start, folding batches.
            let mut inc = Incident::new();
            rt.block_on(async {
                let js = warroom::store::nats::connect(&cfg, true)
                    .await
                    .expect("connect");
                warroom::store::nats::follow(js, cfg.clone(), "big".into(), 0, |evs| {
                    inc.apply_all(&evs);
                    inc.events < n
                })
                .await
            });
            assert_eq!(inc.events, n);
            inc.events
        })
    });
    // A room's open as `warroom` does it (`store::nats::open`): cold, a room new to the
    // incident (no local mirror: read from the stream, written to the mirror, folded);
    // warm, a room that had it open before (the mirror folded, the stream followed from
    // its last event).
    let mirrors = tempfile::tempdir().expect("tempdir");
    let open = |mirror: std::path::PathBuf| {
        rt.block_on(async {
            // The previous open's follower lets go of the mirror as its room closes.
            loop {
                let t = Instant::now();
                match warroom::store::nats::open(&cfg, "big", mirror.clone(), Vec::new).await {
                    Ok(o) => {
                        let took = t.elapsed();
                        let events = o.state.read().map(|i| i.events).unwrap_or(0);
                        assert_eq!(events, n, "the whole incident folded");
                        return took;
                    }
                    Err(e) if e.to_string().contains("held by another warroom") => {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                    Err(e) => panic!("open: {e}"),
                }
            }
        })
    };
    let mut cold = 0u64;
    g.bench_function("open a room on the stream, cold (no local mirror)", |bch| {
        bch.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    cold += 1;
                    let mirror = mirrors.path().join(format!("cold-{cold}.jsonl"));
                    let took = open(mirror.clone());
                    let _ = std::fs::remove_file(&mirror);
                    took
                })
                .sum()
        })
    });
    // The CPU a cold open costs, the room's process and the server apart: on a machine
    // with other work the wall time is what is left of the cores; this is not.
    let warm = mirrors.path().join("warm.jsonl");
    let (room0, server0) = (
        proc::cpu_seconds("self"),
        proc::cpu_seconds(&server.0.id().to_string()),
    );
    let t = open(warm.clone());
    eprintln!(
        "cold open (making the warm mirror): {:.2} s; CPU: room process {:.2} s, nats-server {:.2} s",
        t.as_secs_f64(),
        proc::cpu_seconds("self") - room0,
        proc::cpu_seconds(&server.0.id().to_string()) - server0,
    );
    g.bench_function("open a room on the stream, warm (local mirror)", |bch| {
        bch.iter_custom(|iters| (0..iters).map(|_| open(warm.clone())).sum())
    });
    g.bench_function("log pull (every event of the incident)", |bch| {
        bch.iter(|| {
            let events = rt
                .block_on(warroom::store::nats::pull(&cfg, "big"))
                .expect("pull");
            assert_eq!(events.len() as u64, n);
            events.len()
        })
    });
    g.finish();
}

criterion_group!(benches, nats);
criterion_main!(benches);

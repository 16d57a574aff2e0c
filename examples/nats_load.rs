//! Load on one NATS JetStream cluster (issue 13): ROOMS room processes on one incident,
//! each recording RATE events/s, against three real `nats-server -js` forming a cluster
//! with an R3 stream.
//!
//! `cargo run --release --example nats_load -- [ROOMS] [SECONDS] [RATE]` (default 20 30 10)
//!
//! Each room runs in its own child process (this binary, `--room`): the room core as
//! `warroom` runs it (store, outbox, ordered consumer, fold, local mirror), without a
//! terminal. Every room folds every room's events (ROOMS x RATE events/s). Reported: per
//! room process, CPU % of one core over the writing window and peak memory (VmHWM); the
//! same for each nats-server; events acknowledged, and events each room folded.
#![forbid(unsafe_code)]

#[path = "../benches/support/proc.rs"]
mod proc;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use warroom::config::{Config, NatsConfig, StoreConfig};
use warroom::incident::{Actor, Draft, EventKind};
use warroom::room::{self, RoomOptions};

const NATS_SERVER: &str = "/usr/sbin/nats-server";
const INCIDENT: &str = "load-1";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--room") {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(room_process(&args[2..]));
        return;
    }
    let rooms = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(20usize);
    let secs = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(30u64);
    let rate = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10u64);
    driver(rooms, secs, rate);
}

fn nats_config(urls: &str, host: &str) -> NatsConfig {
    let mut n = NatsConfig::from_url(urls).expect("urls");
    n.replicas = 3;
    n.host = host.to_string();
    n
}

/// One room: `--room DIR URLS HOST RATE SECONDS`. Prints `ready`, waits for a line on
/// stdin, records RATE notes a second for SECONDS, prints `done ACKED FOLDED`.
async fn room_process(args: &[String]) {
    let dir = std::path::PathBuf::from(&args[0]);
    let urls = &args[1];
    let host = &args[2];
    let rate: u64 = args[3].parse().expect("rate");
    let secs: u64 = args[4].parse().expect("seconds");
    let mut config =
        Config::parse("[incident]\ntitle = \"Load\"\n", "load", None, dir.clone()).expect("config");
    config.store = StoreConfig::Nats(nats_config(urls, host));
    config.incident.id = Some(INCIDENT.into());
    let (room, _) = room::open(
        &config,
        RoomOptions {
            user: host.clone(),
            log_path: Some(dir.join(format!("{host}.jsonl"))),
            speed: None,
        },
    )
    .await
    .expect("open the room");
    println!("ready");
    let mut line = String::new();
    let _ = tokio::task::spawn_blocking(move || std::io::stdin().read_line(&mut line)).await;
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate.max(1)));
    let mut receipts = Vec::new();
    for i in 0..rate * secs {
        tick.tick().await;
        let draft = Draft::new(
            chrono::Utc::now(),
            Actor::person(host.clone()),
            EventKind::Note {
                text: format!("{host} note {i}"),
            },
        );
        receipts.push(room.record(draft).await.expect("room open"));
    }
    let mut acked = 0u64;
    for r in receipts {
        if tokio::time::timeout(Duration::from_secs(30), r)
            .await
            .is_ok_and(|r| r.is_ok())
        {
            acked += 1;
        }
    }
    println!("done {acked} {}", room.read().events);
    let mut line = String::new();
    let _ = tokio::task::spawn_blocking(move || std::io::stdin().read_line(&mut line)).await;
    room.shutdown().await;
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The cluster: three servers, their URLs.
fn start_cluster(dir: &std::path::Path) -> (Vec<Killed>, String) {
    let ports: Vec<(u16, u16)> = (0..3).map(|_| (free_port(), free_port())).collect();
    let routes = ports
        .iter()
        .map(|(_, c)| format!("nats://127.0.0.1:{c}"))
        .collect::<Vec<_>>()
        .join(",");
    let mut servers = Vec::new();
    for (i, (p, c)) in ports.iter().enumerate() {
        let store = dir.join(format!("n{}", i + 1));
        std::fs::create_dir_all(&store).expect("store dir");
        let child = Command::new(NATS_SERVER)
            .args(["-js", "-a", "127.0.0.1", "-p", &p.to_string(), "-sd"])
            .arg(&store)
            .args(["-n", &format!("n{}", i + 1), "--cluster"])
            .arg(format!("nats://127.0.0.1:{c}"))
            .args(["--cluster_name", "load", "--routes", &routes])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nats-server");
        servers.push(Killed(child));
    }
    for (p, _) in &ports {
        let end = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", *p)).is_err() {
            assert!(Instant::now() < end, "nats-server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let urls = ports
        .iter()
        .map(|(p, _)| format!("nats://127.0.0.1:{p}"))
        .collect::<Vec<_>>()
        .join(",");
    (servers, urls)
}

fn driver(rooms: usize, secs: u64, rate: u64) {
    if !std::path::Path::new(NATS_SERVER).exists() {
        eprintln!("SKIPPED: nats_load needs the Debian package nats-server");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (servers, urls) = start_cluster(dir.path());
    // The cluster is formed once it takes the R3 stream.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let cfg = nats_config(&urls, "driver");
    let end = Instant::now() + Duration::from_secs(90);
    rt.block_on(async {
        loop {
            if let Ok(js) = warroom::store::nats::connect(&cfg, true).await
                && let Ok(Ok(_)) = tokio::time::timeout(
                    Duration::from_secs(5),
                    warroom::store::nats::ensure_stream(&js, &cfg),
                )
                .await
            {
                break;
            }
            assert!(Instant::now() < end, "the cluster did not form");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    let exe = std::env::current_exe().expect("exe");
    let mut children = Vec::new();
    for i in 0..rooms {
        let mut c = Command::new(&exe)
            .arg("--room")
            .arg(dir.path())
            .args([
                urls.as_str(),
                &format!("room{i:02}"),
                &rate.to_string(),
                &secs.to_string(),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start a room");
        let out = BufReader::new(c.stdout.take().expect("stdout"));
        let stdin = c.stdin.take().expect("stdin");
        children.push((Killed(c), out, stdin));
    }
    for (_, out, _) in &mut children {
        let mut l = String::new();
        out.read_line(&mut l).expect("ready");
        assert_eq!(l.trim(), "ready", "a room did not open");
    }
    let pids: Vec<u32> = children.iter().map(|(c, _, _)| c.0.id()).collect();
    let npids: Vec<u32> = servers.iter().map(|s| s.0.id()).collect();
    let before: Vec<u64> = pids
        .iter()
        .map(|p| proc::cpu_ticks(&p.to_string()))
        .collect();
    let nbefore: Vec<u64> = npids
        .iter()
        .map(|p| proc::cpu_ticks(&p.to_string()))
        .collect();
    let t0 = Instant::now();
    for (_, _, stdin) in &mut children {
        let _ = writeln!(stdin, "go");
    }
    std::thread::sleep(Duration::from_secs(secs));
    let window = t0.elapsed().as_secs_f64();
    let after: Vec<u64> = pids
        .iter()
        .map(|p| proc::cpu_ticks(&p.to_string()))
        .collect();
    let nafter: Vec<u64> = npids
        .iter()
        .map(|p| proc::cpu_ticks(&p.to_string()))
        .collect();
    let hwm: Vec<u64> = pids
        .iter()
        .map(|p| proc::status_kb(&p.to_string(), "VmHWM:"))
        .collect();
    let nhwm: Vec<u64> = npids
        .iter()
        .map(|p| proc::status_kb(&p.to_string(), "VmHWM:"))
        .collect();
    let (mut acked, mut folded_min) = (0u64, u64::MAX);
    for (_, out, _) in &mut children {
        let mut l = String::new();
        out.read_line(&mut l).expect("done");
        let f: Vec<u64> = l
            .split_whitespace()
            .skip(1)
            .filter_map(|v| v.parse().ok())
            .collect();
        acked += f.first().copied().unwrap_or(0);
        folded_min = folded_min.min(f.get(1).copied().unwrap_or(0));
    }
    for (_, _, stdin) in &mut children {
        let _ = writeln!(stdin, "stop");
    }
    let tck = 100.0; // USER_HZ
    let pct = |b: &[u64], a: &[u64]| -> Vec<f64> {
        b.iter()
            .zip(a)
            .map(|(b, a)| (a - b) as f64 / tck / window * 100.0)
            .collect()
    };
    let cpu = pct(&before, &after);
    let ncpu = pct(&nbefore, &nafter);
    let stats = |v: &[f64]| {
        let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
        let max = v.iter().cloned().fold(0.0, f64::max);
        (mean, max)
    };
    let (cm, cx) = stats(&cpu);
    let mem: Vec<f64> = hwm.iter().map(|k| *k as f64 / 1024.0).collect();
    let (mm, mx) = stats(&mem);
    println!(
        "{rooms} rooms x {rate} events/s for {secs} s on a 3-node cluster (R3), one incident:"
    );
    println!(
        "  per room process: CPU {cm:.1}% of a core (max {cx:.1}%), peak RSS {mm:.1} MB (max {mx:.1} MB)"
    );
    println!(
        "  nats-server: CPU {} % of a core, peak RSS {} MB",
        ncpu.iter()
            .map(|c| format!("{c:.1}"))
            .collect::<Vec<_>>()
            .join(" / "),
        nhwm.iter()
            .map(|k| format!("{:.0}", *k as f64 / 1024.0))
            .collect::<Vec<_>>()
            .join(" / ")
    );
    println!(
        "  events acknowledged {acked} of {}; the slowest room had folded {folded_min} events when its own were acked",
        rooms as u64 * rate * secs
    );
    drop(children);
    drop(servers);
}

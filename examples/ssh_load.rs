//! Load measurement for the SSH views (issue 6): N sessions on one room at R events/s.
//!
//! `cargo run --example ssh_load -- [SESSIONS] [SECONDS] [EVENTS_PER_S]` (default 50 30 10)
//!
//! Runs the room + SSH server in a child process (this same binary, `--server`), so the
//! CPU time and peak memory (VmHWM) measured are the room process's alone; the clients are
//! russh clients in this process, each with a pty of 120x40 and its own vt100 screen. Each
//! event changes the incident title to `load #SEQ @MICROS` (the send time); a client that
//! sees a new SEQ on its screen notes the delay. Reported: CPU % of one core and VmHWM of
//! the room process, bytes/s per session, and per event the delay until it shows in the
//! slowest session (p50/p99/max).
#![forbid(unsafe_code)]

#[path = "../benches/support/proc.rs"]
mod proc;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::Utc;
use russh::ChannelMsg;
use russh::client;
use russh::keys::ssh_key::PrivateKey;
use russh::keys::ssh_key::private::{Ed25519Keypair, KeypairData};
use russh::keys::{PrivateKeyWithHashAlg, PublicKeyOrCertificate};
use warroom::config::SshConfig;
use warroom::incident::{Actor, Draft, EventKind, Incident, Severity};
use warroom::room::RoomHandle;

fn micros() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros())
        .unwrap_or(0)
}

fn key() -> PrivateKey {
    let pair = Ed25519Keypair::from_seed(&[7u8; 32]);
    PrivateKey::new(KeypairData::Ed25519(pair), "load").expect("key")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if args.get(1).map(String::as_str) == Some("--server") {
        rt.block_on(server(&args[2..]));
    } else {
        let n = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(50usize);
        let secs = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(30u64);
        let rate = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10u64);
        rt.block_on(driver(n, secs, rate));
    }
}

/// The room process: `--server DIR SESSIONS RATE`.
async fn server(args: &[String]) {
    let dir = std::path::PathBuf::from(&args[0]);
    let n: usize = args[1].parse().expect("sessions");
    let rate: u64 = args[2].parse().expect("rate");
    let pubkey = key().public_key().to_openssh().expect("pub");
    let lines: String = (0..n)
        .map(|i| format!("warroom-name=\"load{i:02}\" {pubkey}\n"))
        .collect();
    std::fs::write(dir.join("authorized_keys"), lines).expect("write keys");
    let config = SshConfig {
        authorized_keys: Some(dir.join("authorized_keys")),
        host_key: Some(dir.join("host_key")),
        max_sessions: n + 8,
        // Every load client connects from 127.0.0.1 at once.
        max_unauthenticated: n + 8,
        max_unauthenticated_per_ip: n + 8,
        ..SshConfig::default()
    };
    let room = RoomHandle::start_in_memory(Incident::new());
    let server = warroom::term::ssh::serve(room.clone(), &config, "127.0.0.1:0")
        .await
        .expect("serve");
    println!("PORT {}", server.local_addr().port());
    // Events start when the driver says so (a line on stdin), and run until stdin closes.
    let mut lines =
        tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(tokio::io::stdin()));
    let _ = lines.next_line().await;
    let period = Duration::from_micros(1_000_000 / rate.max(1));
    let mut tick = tokio::time::interval(period);
    let mut seq = 0u64;
    loop {
        tokio::select! {
            _ = tick.tick() => {
                seq += 1;
                let title = format!("load #{seq:06} @{} ", micros());
                let _ = room.record(Draft::new(Utc::now(), Actor::source("load"),
                    EventKind::IncidentDeclared { title, severity: Severity::Sev2 })).await;
            }
            l = lines.next_line() => if !matches!(l, Ok(Some(_))) { break },
        }
    }
    server.stop().await;
}

struct Client;

impl client::Handler for Client {
    type Error = russh::Error;
    async fn check_server_key(&mut self, _: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

#[derive(Default)]
struct Stats {
    bytes: u64,
    /// seq → delay in µs (first appearance on this session's screen).
    seen: HashMap<u64, u128>,
}

async fn session(
    port: u16,
    name: String,
    stats: Arc<Mutex<Stats>>,
    stop: Arc<tokio::sync::Notify>,
) {
    let config = Arc::new(client::Config::default());
    let mut h = client::connect(config, ("127.0.0.1", port), Client)
        .await
        .expect("connect");
    let key = PrivateKeyWithHashAlg::new(Arc::new(key()), None);
    let auth = h
        .authenticate_publickey(name.clone(), key)
        .await
        .expect("auth");
    assert!(auth.success(), "{name} not admitted");
    let mut ch = h.channel_open_session().await.expect("channel");
    ch.request_pty(false, "xterm-256color", 120, 40, 0, 0, &[])
        .await
        .expect("pty");
    ch.request_shell(false).await.expect("shell");
    let nz = |n| std::num::NonZeroU16::new(n).expect("nz");
    let mut vt = vt100::Parser::new(nz(40), nz(120), 0);
    let mut last = 0u64;
    loop {
        let msg = tokio::select! {
            m = ch.wait() => m,
            _ = stop.notified() => break,
        };
        let Some(ChannelMsg::Data { data }) = msg else {
            if msg.is_none() {
                break;
            }
            continue;
        };
        vt.process(&data);
        let now = micros();
        let row = vt.screen().contents_between(0, 0, 0, 120);
        let mut s = stats.lock().expect("stats");
        s.bytes += data.len() as u64;
        if let Some((seq, at)) = parse(&row)
            && seq != last
        {
            last = seq;
            s.seen.insert(seq, now.saturating_sub(at));
        }
    }
    let _ = ch.close().await;
}

fn parse(row: &str) -> Option<(u64, u128)> {
    let rest = row.split("load #").nth(1)?;
    let (seq, rest) = rest.split_once(" @")?;
    let at = rest.split_whitespace().next()?;
    Some((seq.parse().ok()?, at.parse().ok()?))
}

async fn driver(n: usize, secs: u64, rate: u64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = std::env::current_exe().expect("exe");
    let mut child = Command::new(exe)
        .arg("--server")
        .arg(dir.path())
        .arg(n.to_string())
        .arg(rate.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("server process");
    let pid = child.id();
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("port line");
    let port: u16 = line
        .trim()
        .trim_start_matches("PORT ")
        .parse()
        .expect("port");
    let stop = Arc::new(tokio::sync::Notify::new());
    let mut all = Vec::new();
    let mut tasks = Vec::new();
    for i in 0..n {
        let stats = Arc::new(Mutex::new(Stats::default()));
        all.push(stats.clone());
        tasks.push(tokio::spawn(session(
            port,
            format!("load{i:02}"),
            stats,
            stop.clone(),
        )));
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let idle_ticks = proc::cpu_ticks(&pid.to_string());
    let idle_bytes: u64 = all.iter().map(|s| s.lock().expect("s").bytes).sum();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let idle_cpu = (proc::cpu_ticks(&pid.to_string()) - idle_ticks) as f64 / 100.0 / 5.0 * 100.0;
    let idle_bps = (all.iter().map(|s| s.lock().expect("s").bytes).sum::<u64>() - idle_bytes)
        as f64
        / 5.0
        / n as f64;
    // Start the events.
    let mut stdin = child.stdin.take().expect("stdin");
    std::io::Write::write_all(&mut stdin, b"go\n").expect("go");
    let t0 = Instant::now();
    let ticks0 = proc::cpu_ticks(&pid.to_string());
    let bytes0: Vec<u64> = all.iter().map(|s| s.lock().expect("s").bytes).collect();
    tokio::time::sleep(Duration::from_secs(secs)).await;
    let cpu_s = (proc::cpu_ticks(&pid.to_string()) - ticks0) as f64 / 100.0;
    let wall = t0.elapsed().as_secs_f64();
    let hwm = proc::status(&pid.to_string(), "VmHWM:");
    let rss = proc::status(&pid.to_string(), "VmRSS:");
    let bytes: Vec<f64> = all
        .iter()
        .zip(&bytes0)
        .map(|(s, b0)| (s.lock().expect("s").bytes - b0) as f64 / wall)
        .collect();
    drop(stdin);
    stop.notify_waiters();
    for t in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(5), t).await;
    }
    let _ = child.wait();
    // Per event: the delay until the slowest session showed it (events no session showed
    // — coalesced away everywhere — are skipped; an event missed by some sessions counts
    // as its slowest among those that showed it).
    let mut per_event: HashMap<u64, (u128, usize)> = HashMap::new();
    for s in &all {
        for (seq, d) in &s.lock().expect("s").seen {
            let e = per_event.entry(*seq).or_insert((0, 0));
            e.0 = e.0.max(*d);
            e.1 += 1;
        }
    }
    let mut slowest: Vec<u128> = per_event.values().map(|v| v.0).collect();
    slowest.sort_unstable();
    let pct = |p: f64| {
        slowest
            .get(((slowest.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    let shown_by_all = per_event.values().filter(|v| v.1 == n).count();
    let mean_bps = bytes.iter().sum::<f64>() / n as f64;
    let max_bps = bytes.iter().cloned().fold(0.0, f64::max);
    println!(
        "sessions {n}, events/s {rate}, measured {wall:.1} s, events seen {} ({} by every session)",
        slowest.len(),
        shown_by_all
    );
    println!(
        "room process: CPU {:.1}% of one core under load, {:.1}% idle with {n} sessions; VmHWM {hwm}, VmRSS {rss}",
        cpu_s / wall * 100.0,
        idle_cpu
    );
    println!(
        "per session: {mean_bps:.0} B/s mean, {max_bps:.0} B/s max under load; {idle_bps:.1} B/s idle"
    );
    println!(
        "event → slowest session: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
}

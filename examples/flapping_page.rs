//! A status page whose 5,000 components all flip on every poll, against the real room.
//!
//! Serves a Statuspage `summary.json` on a local port (every request flips every
//! component between operational and major outage), starts `warroom serve` on a config
//! polling it every 2 s, and prints the log's size and the room's RSS once a minute.
//!
//! ```sh
//! cargo build --release && cargo run --release --example flapping_page -- \
//!     --bin target/release/warroom --minutes 10 [--components 5000] [--budget 600]
//! ```
//! Figures are in BENCHMARKS.md ("Flapping status page").

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn page(n: usize, k: u64) -> String {
    let mut s = String::with_capacity(n * 140);
    s.push_str(r#"{"page":{"id":"x","name":"shop","url":"https://status.example.com"},"status":{"indicator":"major","description":"Major System Outage"},"components":["#);
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        let st = if (i as u64 + k).is_multiple_of(2) {
            "major_outage"
        } else {
            "operational"
        };
        s.push_str(&format!(
            r#"{{"id":"c{i}","name":"Component {i}","status":"{st}","group":false,"group_id":null,"only_show_if_degraded":false}}"#
        ));
    }
    s.push_str(r#"],"incidents":[]}"#);
    s
}

fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let bin = PathBuf::from(arg(&args, "--bin").unwrap_or_else(|| "target/release/warroom".into()));
    let minutes: u64 = arg(&args, "--minutes")
        .and_then(|m| m.parse().ok())
        .unwrap_or(10);
    let n: usize = arg(&args, "--components")
        .and_then(|m| m.parse().ok())
        .unwrap_or(5_000);
    let budget = arg(&args, "--budget").unwrap_or_else(|| "600".into());
    let bin = std::fs::canonicalize(&bin)
        .map_err(|e| format!("{}: {e} (build it first, or pass --bin)", bin.display()))?;

    let polls = Arc::new(AtomicU64::new(0));
    let counter = polls.clone();
    let app = Router::new().route(
        "/api/v2/summary.json",
        get(move || {
            let k = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    page(n, k),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let dir = tempfile::tempdir()?;
    let log = dir.path().join("flap.jsonl");
    std::fs::write(dir.path().join("keys"), "")?;
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "[incident]\ntitle = \"flapping page\"\n\n[ssh]\nauthorized_keys = \"keys\"\n\n[[source]]\nkind = \"statuspage\"\nname = \"shop status\"\nurl = \"http://{addr}\"\nevery = \"2s\"\nbudget = {budget}\n"
        ),
    )?;
    let mut child = std::process::Command::new(&bin)
        .current_dir(dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .env("XDG_STATE_HOME", dir.path())
        .args([
            "serve",
            "--ssh",
            "127.0.0.1:0",
            "--config",
            "config.toml",
            "--log",
        ])
        .arg(&log)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let pid = child.id();
    println!("{n} components flipping every poll, every 2 s, budget {budget}/min, {minutes} min");
    println!(
        "| minute | polls | log bytes | lines | bytes this minute | lines this minute | RSS |"
    );
    println!("|---|---|---|---|---|---|---|");
    let t0 = Instant::now();
    let (mut last_bytes, mut last_lines) = (0u64, 0usize);
    for m in 1..=minutes {
        let due = t0 + Duration::from_secs(60 * m);
        tokio::time::sleep(due.saturating_duration_since(Instant::now())).await;
        if let Ok(Some(status)) = child.try_wait() {
            println!("the room exited early: {status}");
            break;
        }
        let text = std::fs::read(&log).unwrap_or_default();
        let bytes = text.len() as u64;
        let lines = text.iter().filter(|b| **b == b'\n').count();
        println!(
            "| {m} | {} | {bytes} | {lines} | {} | {} | {:.1} MB |",
            polls.load(Ordering::SeqCst),
            bytes - last_bytes,
            lines - last_lines,
            rss_kb(pid) as f64 / 1024.0
        );
        (last_bytes, last_lines) = (bytes, lines);
    }
    let _ = child.kill();
    let _ = child.wait();
    Ok(())
}

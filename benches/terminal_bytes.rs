//! Bytes written to the terminal per second by the real binary in a 120x40 pty:
//! an idle room (no sources, only the clock; budget < 100 B/s) and the bundled drill.
//!
//!     cargo bench --bench terminal_bytes            # 20 s per case
//!     WARROOM_BENCH_SECS=60 cargo bench --bench terminal_bytes
//!
//! The first seconds (the first full frame) are left out of the rate.

use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const WARMUP: Duration = Duration::from_secs(3);

struct Case {
    name: &'static str,
    config: Option<&'static str>,
    args: &'static [&'static str],
}

const IDLE: &str = r#"
[incident]
title = "Idle room"
severity = "SEV3"
log = "incidents/{slug}.jsonl"

[checklists]
detection = ["Confirm impact from two independent signals"]
mitigation = ["Freeze deploys"]
communication = ["First status update within 15 min"]
"#;

fn measure(case: &Case, secs: u64) -> (f64, u64, f64) {
    let dir = tempfile::tempdir().expect("tempdir");
    for d in ["home", "config", "state"] {
        std::fs::create_dir_all(dir.path().join(d)).expect("mkdir");
    }
    if let Some(text) = case.config {
        std::fs::write(dir.path().join("config.toml"), text).expect("config");
    }
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_warroom"));
    cmd.args(case.args);
    cmd.cwd(dir.path());
    cmd.env_clear();
    cmd.env("TERM", "xterm-256color");
    cmd.env("COLORTERM", "truecolor");
    cmd.env("HOME", dir.path().join("home"));
    cmd.env("XDG_CONFIG_HOME", dir.path().join("config"));
    cmd.env("XDG_STATE_HOME", dir.path().join("state"));
    cmd.env("USER", "bench");
    let mut child = pty.slave.spawn_command(cmd).expect("spawn warroom");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("reader");
    let mut writer = pty.master.take_writer().expect("writer");
    let log: Arc<Mutex<Vec<(Instant, usize)>>> = Arc::new(Mutex::new(Vec::new()));
    let l2 = log.clone();
    let reader_thread = std::thread::spawn(move || {
        let mut buf = [0u8; 16384];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            l2.lock().expect("log").push((Instant::now(), n));
        }
    });
    let start = Instant::now();
    std::thread::sleep(WARMUP + Duration::from_secs(secs));
    let from = start + WARMUP;
    let to = from + Duration::from_secs(secs);
    let (bytes, writes) = {
        let l = log.lock().expect("log");
        let window: Vec<_> = l.iter().filter(|(t, _)| *t >= from && *t < to).collect();
        (
            window.iter().map(|(_, n)| *n as u64).sum::<u64>(),
            window.len() as u64,
        )
    };
    let first: u64 = log
        .lock()
        .expect("log")
        .iter()
        .filter(|(t, _)| *t < from)
        .map(|(_, n)| *n as u64)
        .sum();
    let _ = std::io::Write::write_all(&mut writer, b"\x03");
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    if let Ok(None) = child.try_wait() {
        let _ = child.kill();
    }
    let _ = child.wait();
    drop(pty.master);
    let _ = reader_thread.join();
    let _ = Path::new(dir.path());
    (bytes as f64 / secs as f64, writes, first as f64)
}

fn main() {
    // `cargo test --benches` runs this with --bench absent: keep that quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("terminal_bytes: run with `cargo bench --bench terminal_bytes`");
        return;
    }
    let secs: u64 = std::env::var("WARROOM_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let cases = [
        Case {
            name: "idle room (no sources, clock only)",
            config: Some(IDLE),
            args: &[],
        },
        Case {
            name: "bundled drill, default speed 6",
            config: None,
            args: &[],
        },
        Case {
            name: "bundled drill, speed 60",
            config: None,
            args: &["--speed", "60"],
        },
    ];
    println!("terminal bytes per second at 120x40 over {secs} s (after {WARMUP:?} warm-up)");
    for c in &cases {
        let (rate, writes, first) = measure(c, secs);
        println!(
            "{:<40} {:>9.1} B/s  ({} writes/{} s; first {:.0} s: {:.0} B)",
            c.name,
            rate,
            writes,
            secs,
            WARMUP.as_secs_f64(),
            first
        );
    }
}

//! Peak memory of opening a big log: `cargo run --release --example log_open_memory [N]`
//! writes an N-event synthetic log (default 1,000,000) in a child process, then reads and
//! folds it here and prints the time taken and the peak resident memory (VmHWM).

use std::process::Command;
use std::time::Instant;

use warroom::incident::Incident;

#[path = "../benches/mix/mod.rs"]
mod mix;

fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time (user + system) this process used so far, in seconds (from /proc/self/stat).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--write") {
        let path = args.get(2).ok_or("--write PATH N")?;
        let n: u64 = args.get(3).ok_or("--write PATH N")?.parse()?;
        mix::write_log(std::path::Path::new(path), n)?;
        return Ok(());
    }
    let n: u64 = args.get(1).map_or(Ok(1_000_000), |s| s.parse())?;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("big.jsonl");
    let status = Command::new(std::env::current_exe()?)
        .arg("--write")
        .arg(&path)
        .arg(n.to_string())
        .status()?;
    if !status.success() {
        return Err("writing the log failed".into());
    }
    let size = std::fs::metadata(&path)?.len();
    let before = vm_hwm_kb().unwrap_or(0);
    let cpu_before = cpu_seconds().unwrap_or(0.0);
    let start = Instant::now();
    let mut inc = Incident::new();
    let (_, r) = warroom::log::read(&path, |e| inc.apply(&e))?;
    let took = start.elapsed();
    let peak = vm_hwm_kb().unwrap_or(0);
    let cpu = cpu_seconds().unwrap_or(0.0) - cpu_before;
    println!(
        "events {} ({} damaged), log {:.1} MB, read + fold {:.3} s wall, {:.2} s CPU, peak RSS (VmHWM) {:.1} MB (before reading {:.1} MB)",
        r.events,
        r.damaged.len(),
        size as f64 / 1e6,
        took.as_secs_f64(),
        cpu,
        peak as f64 / 1024.0,
        before as f64 / 1024.0
    );
    println!(
        "fold state: {} signals, {} timeline entries",
        inc.signals.len(),
        inc.timeline.len()
    );
    Ok(())
}

//! What a process has used so far, read from Linux's `/proc` (benches and load examples
//! include this file with `#[path]`). `pid` is a process id or `self`; an unreadable or
//! unexpected file reads as zero.
// Each includer uses only some of these.
#![allow(dead_code)]

/// User + system CPU time in clock ticks (`/proc/PID/stat` fields 14 and 15; 100 ticks
/// a second on Linux).
pub fn cpu_ticks(pid: &str) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // After the command (in parentheses, which may hold spaces) the state is field 3:
    // utime and stime are at 11 and 12 from there.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    field(11) + field(12)
}

/// User + system CPU time in seconds.
pub fn cpu_seconds(pid: &str) -> f64 {
    cpu_ticks(pid) as f64 / 100.0
}

/// A `/proc/PID/status` field as written there (`VmHWM:` gives `9728 kB`).
pub fn status(pid: &str, field: &str) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field).map(|v| v.trim().to_string()))
        .unwrap_or_default()
}

/// A `/proc/PID/status` size field in kB (`VmHWM:`, `VmRSS:`).
pub fn status_kb(pid: &str, field: &str) -> u64 {
    status(pid, field)
        .split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

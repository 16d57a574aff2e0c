//! Runs a target: first every seed input as it is, then mutated inputs until the time or
//! the execution budget is spent. A panic (a crash, or a broken promise checked by the
//! target) is caught, its input saved to `fuzz/artifacts/<target>/crash-<hash>` and its
//! reproduction command printed; the run goes on to find more.
#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use crate::mutate::Mutator;
use crate::targets::{Target, corpus};

/// Inputs slower than this are saved as `slow-<hash>` (a hang is a bug too).
pub const SLOW: Duration = Duration::from_secs(2);
/// Crash inputs saved per run at most (one per distinct panic message).
const MAX_SAVED: usize = 20;

pub struct Limits {
    pub time: Duration,
    /// Mutated executions at most (the seeds are always run).
    pub execs: u64,
}

#[derive(Debug)]
pub struct Crash {
    pub message: String,
    pub input: PathBuf,
    pub reproduce: String,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub seeds: usize,
    pub execs: u64,
    pub elapsed: Duration,
    pub crashes: Vec<Crash>,
    /// Executions that panicked (a crash input can be found many times).
    pub crashing_execs: u64,
    pub slowest: Duration,
    pub slow: Vec<PathBuf>,
}

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}
/// Runs in progress (while any, panics are recorded instead of printed).
static ACTIVE: AtomicUsize = AtomicUsize::new(0);
/// The last panic on any thread (a target's own threads, e.g. the log scanner's).
static LAST_ANY: Mutex<Option<String>> = Mutex::new(None);

/// Panics inside targets are expected: record their message for the report instead of
/// printing a backtrace per execution.
fn quiet_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if ACTIVE.load(Ordering::SeqCst) == 0 {
                return previous(info);
            }
            let msg = match info.payload().downcast_ref::<&str>() {
                Some(s) => (*s).to_string(),
                None => info
                    .payload()
                    .downcast_ref::<String>()
                    .cloned()
                    .unwrap_or_else(|| "(panic without message)".into()),
            };
            let at = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let msg = format!("{msg} (at {at})");
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(msg.clone()));
            if let Ok(mut any) = LAST_ANY.lock() {
                *any = Some(msg);
            }
        }));
    });
}

/// FNV-1a: stable across Rust versions, so a printed seed or artifact name stays valid.
fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn hash(data: &[u8]) -> u64 {
    fnv(data)
}

/// The command that runs one saved input again.
pub fn reproduce_command(target: &str, input: &Path) -> String {
    let shown = input
        .strip_prefix(crate::targets::repo())
        .unwrap_or(input)
        .display()
        .to_string();
    format!("cargo run --example fuzz -- {target} --replay {shown}")
}

/// Runs one input; `Err(message)` if it panicked.
pub fn run_one(target: &Target, data: &[u8]) -> Result<(), String> {
    quiet_panics();
    ACTIVE.fetch_add(1, Ordering::SeqCst);
    LAST_PANIC.with(|p| *p.borrow_mut() = None);
    let r = panic::catch_unwind(AssertUnwindSafe(|| (target.run)(data)));
    ACTIVE.fetch_sub(1, Ordering::SeqCst);
    r.map_err(|payload| {
        LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .or_else(|| LAST_ANY.lock().ok().and_then(|mut a| a.take()))
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panic on another thread".into())
    })
}

/// Long panic messages (whole event lists) cut to their head and the panic's place.
fn shorten(msg: &str) -> String {
    const MAX: usize = 400;
    if msg.chars().count() <= MAX {
        return msg.to_string();
    }
    let head: String = msg.chars().take(MAX).collect();
    let at = msg.rsplit_once(" (at ").map(|(_, a)| a).unwrap_or(")");
    format!("{head}… (at {at}")
}

fn save(dir: &Path, prefix: &str, data: &[u8]) -> PathBuf {
    let _ = std::fs::create_dir_all(dir);
    let p = dir.join(format!("{prefix}-{:016x}", hash(data)));
    if let Err(e) = std::fs::write(&p, data) {
        eprintln!("fuzz: cannot save {}: {e}", p.display());
    }
    p
}

/// Fuzzes `target` with `seed` within `limits`; artifacts go to `artifacts/<target>/`.
/// `progress` is called about every 5 s with the outcome so far.
pub fn fuzz(
    target: &Target,
    seed: u64,
    limits: &Limits,
    artifacts: &Path,
    mut progress: impl FnMut(&Outcome),
) -> Outcome {
    let dir = artifacts.join(target.name);
    let seeds = corpus(&target.corpus_dir());
    let mut out = Outcome {
        seeds: seeds.len(),
        ..Outcome::default()
    };
    let mut seen = BTreeSet::new();
    let start = Instant::now();
    let mut last_report = start;
    let mut record = |out: &mut Outcome, data: &[u8], took: Duration, r: Result<(), String>| {
        out.slowest = out.slowest.max(took);
        if took > SLOW && out.slow.len() < MAX_SAVED {
            out.slow.push(save(&dir, "slow", data));
        }
        if let Err(message) = r {
            out.crashing_execs += 1;
            let message = shorten(&message);
            // One crash per place and kind of message (values in messages differ).
            let key: String = message.chars().take(40).collect::<String>()
                + message.rsplit(" (at ").next().unwrap_or("");
            if seen.insert(key) && out.crashes.len() < MAX_SAVED {
                let input = save(&dir, "crash", data);
                let reproduce = reproduce_command(target.name, &input);
                out.crashes.push(Crash {
                    message,
                    input,
                    reproduce,
                });
            }
        }
    };
    for (_, data) in &seeds {
        let t = Instant::now();
        let r = run_one(target, data);
        record(&mut out, data, t.elapsed(), r);
    }
    let mut m = Mutator::new(
        seed,
        seeds.into_iter().map(|(_, d)| d).collect(),
        target.dict,
        target.max_len,
    );
    while out.execs < limits.execs && start.elapsed() < limits.time {
        let data = m.next_input();
        let t = Instant::now();
        let r = run_one(target, &data);
        out.execs += 1;
        record(&mut out, &data, t.elapsed(), r);
        if last_report.elapsed() >= Duration::from_secs(5) {
            last_report = Instant::now();
            out.elapsed = start.elapsed();
            progress(&out);
        }
    }
    out.elapsed = start.elapsed();
    out
}

/// A seed for a run: fixed per target for tests (`base` = 0), else mixed from `base`.
pub fn seed_for(target: &str, base: u64) -> u64 {
    fnv(target.as_bytes()) ^ base
}

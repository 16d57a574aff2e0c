//! Long fuzz runs on stable Rust (see FUZZING.md).
//!
//! ```sh
//! cargo run --release --example fuzz -- all --seconds 600
//! cargo run --release --example fuzz -- feed --seconds 600 --seed 42
//! cargo run --example fuzz -- feed --replay fuzz/artifacts/feed/crash-0123456789abcdef
//! cargo run --example fuzz -- list
//! ```
//! Crash inputs are saved to `fuzz/artifacts/<target>/`; the exit code is 1 if any.
#![forbid(unsafe_code)]

#[path = "../fuzz/engine.rs"]
mod engine;
#[path = "../fuzz/mutate.rs"]
mod mutate;
#[path = "../fuzz/targets.rs"]
mod targets;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

#[derive(Parser)]
#[command(about = "Fuzz warroom's parsers of outside bytes (stable Rust, seeded mutations)")]
struct Args {
    /// A target name, `all`, or `list`.
    target: String,
    /// Seconds per target.
    #[arg(long, default_value_t = 60.0)]
    seconds: f64,
    /// Mutated executions per target at most.
    #[arg(long, default_value_t = u64::MAX)]
    execs: u64,
    /// Seed of the mutator (default: from the clock; printed either way).
    #[arg(long)]
    seed: Option<u64>,
    /// Run this one input (a saved crash) and show what it does.
    #[arg(long)]
    replay: Option<PathBuf>,
    /// Where crash inputs go.
    #[arg(long, default_value = "fuzz/artifacts")]
    artifacts: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.target == "list" {
        for t in targets::all() {
            println!("{:<13} {}", t.name, t.about);
        }
        return ExitCode::SUCCESS;
    }
    let chosen: Vec<targets::Target> = if args.target == "all" {
        targets::all()
    } else {
        match targets::by_name(&args.target) {
            Some(t) => vec![t],
            None => {
                let names: Vec<&str> = targets::all().iter().map(|t| t.name).collect();
                eprintln!(
                    "unknown target {:?}; targets: all, {}",
                    args.target,
                    names.join(", ")
                );
                return ExitCode::from(2);
            }
        }
    };

    if let Some(path) = &args.replay {
        let data = match std::fs::read(path) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("cannot read {}: {e}", path.display());
                return ExitCode::from(2);
            }
        };
        let mut failed = false;
        for t in &chosen {
            match engine::run_one(t, &data) {
                Ok(()) => println!("{}: {} bytes: no panic", t.name, data.len()),
                Err(msg) => {
                    failed = true;
                    println!("{}: {} bytes: PANIC: {msg}", t.name, data.len());
                }
            }
        }
        return if failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        };
    }

    let base = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
    });
    println!(
        "fuzz: seed {base} (rerun the same inputs with --seed {base}), {} s per target",
        args.seconds
    );
    let limits = engine::Limits {
        time: Duration::from_secs_f64(args.seconds.max(0.0)),
        execs: args.execs,
    };
    let mut rows = Vec::new();
    let mut crashed = false;
    for t in &chosen {
        let seed = engine::seed_for(t.name, base);
        let out = engine::fuzz(t, seed, &limits, &args.artifacts, |o| {
            eprintln!(
                "  {}: {} execs in {:.0} s, {} crashing",
                t.name,
                o.execs,
                o.elapsed.as_secs_f64(),
                o.crashing_execs
            );
        });
        for c in &out.crashes {
            crashed = true;
            println!(
                "CRASH {}: {}\n  input: {}\n  reproduce: {}",
                t.name,
                c.message,
                c.input.display(),
                c.reproduce
            );
        }
        for s in &out.slow {
            println!("SLOW {}: {} (over {:?})", t.name, s.display(), engine::SLOW);
        }
        rows.push((t.name, out));
    }
    println!(
        "\n| target | seeds | execs | seconds | execs/s | crashes (distinct) | slowest input |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, o) in &rows {
        let s = o.elapsed.as_secs_f64();
        println!(
            "| {name} | {} | {} | {:.0} | {:.0} | {} ({}) | {:.1} ms |",
            o.seeds,
            o.execs,
            s,
            o.execs as f64 / s.max(1e-9),
            o.crashing_execs,
            o.crashes.len(),
            o.slowest.as_secs_f64() * 1000.0
        );
    }
    if crashed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

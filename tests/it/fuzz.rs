//! A short fuzz run of every parser of outside bytes: each seed input as committed, then a
//! fixed-seed batch of mutations (the same inputs every run). A panic or a broken promise
//! (control characters reaching the screen) fails with the saved input and the command that
//! reproduces it. Long runs: `cargo run --release --example fuzz -- all --seconds 600`.

use crate::engine;
use crate::targets;

use std::time::Duration;

/// Mutated executions per target in `cargo test` at most, and the time they may take (a
/// debug build draws a screen in milliseconds): the inputs are the same every run, the time
/// only cuts the batch short on a slow machine. About 10 s over all targets on 2 cores.
const EXECS: u64 = 300;
const SECONDS: f64 = 1.5;

fn short_run(name: &str) {
    let Some(t) = targets::by_name(name) else {
        panic!("no fuzz target {name}");
    };
    let limits = engine::Limits {
        time: Duration::from_secs_f64(SECONDS),
        execs: EXECS,
    };
    let artifacts = targets::repo().join("fuzz").join("artifacts");
    let out = engine::fuzz(&t, engine::seed_for(name, 0), &limits, &artifacts, |_| {});
    eprintln!(
        "fuzz {name}: {} seeds + {} mutated inputs in {:.1} s, {} crashing",
        out.seeds,
        out.execs,
        out.elapsed.as_secs_f64(),
        out.crashing_execs
    );
    assert!(
        out.seeds > 0,
        "{name}: no seed inputs in {:?}",
        t.corpus_dir()
    );
    let report: Vec<String> = out
        .crashes
        .iter()
        .map(|c| {
            format!(
                "{}\n    input: {}\n    reproduce: {}",
                c.message,
                c.input.display(),
                c.reproduce
            )
        })
        .collect();
    assert!(
        report.is_empty(),
        "{name}: {} of {} inputs crashed:\n  {}",
        out.crashing_execs,
        out.execs + out.seeds as u64,
        report.join("\n  ")
    );
}

#[test]
fn fuzz_log_line() {
    short_run("log_line");
}
#[test]
fn fuzz_log_file() {
    short_run("log_file");
}
#[test]
fn fuzz_config() {
    short_run("config");
}
#[test]
fn fuzz_prometheus() {
    short_run("prometheus");
}
#[test]
fn fuzz_statuspage() {
    short_run("statuspage");
}
#[test]
fn fuzz_feed() {
    short_run("feed");
}
#[test]
fn fuzz_alertmanager() {
    short_run("alertmanager");
}
#[test]
fn fuzz_reports() {
    short_run("reports");
}
#[test]
fn fuzz_drill() {
    short_run("drill");
}
#[test]
fn fuzz_ssh_input() {
    short_run("ssh_input");
}
#[test]
fn fuzz_command() {
    short_run("command");
}
#[test]
fn fuzz_theme() {
    short_run("theme");
}

#[test]
fn every_target_has_a_test_and_seeds() {
    let src = include_str!("fuzz.rs");
    for t in targets::all() {
        assert!(
            src.contains(&format!("short_run(\"{}\")", t.name)),
            "{} has no test",
            t.name
        );
        assert!(
            !targets::corpus(&t.corpus_dir()).is_empty(),
            "{} has no seeds",
            t.name
        );
    }
}

/// The seeds are real inputs, not noise: each parser accepts the committed fixtures.
#[test]
fn seeds_parse() {
    use warroom::incident::Event;
    for (name, data) in targets::corpus(&targets::repo().join("fuzz/corpus/log_line")) {
        assert!(
            serde_json::from_slice::<Event>(&data).is_ok(),
            "log_line/{name}"
        );
    }
    for (name, data) in targets::corpus(&targets::repo().join("fuzz/corpus/theme")) {
        let text = String::from_utf8_lossy(&data);
        assert!(
            warroom::ui::theme::Theme::parse("t", &text, &name).is_ok(),
            "theme/{name}"
        );
    }
    let dir = targets::repo().join("fuzz/corpus/statuspage/summary.json");
    let data = std::fs::read(dir).unwrap_or_default();
    assert!(warroom::sources::statuspage::parse_summary(&data, "application/json").is_ok());
}

/// The harness itself: a target that panics on one input is caught, the input saved, and
/// the reproduction command names it; the run goes on.
#[test]
fn a_crash_is_saved_with_its_reproduction() {
    fn boom(data: &[u8]) {
        if data.windows(4).any(|w| w == b"BOOM") {
            panic!("found the bomb");
        }
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let corpus_target = targets::Target {
        name: "command",
        about: "test",
        max_len: 64,
        dict: &["BOOM"],
        run: boom,
    };
    let limits = engine::Limits {
        time: Duration::from_secs(30),
        execs: 2_000,
    };
    let out = engine::fuzz(&corpus_target, 1, &limits, dir.path(), |_| {});
    assert_eq!(out.execs, 2_000);
    assert!(
        out.crashing_execs > 0,
        "the mutator never inserted a dictionary token"
    );
    assert_eq!(
        out.crashes.len(),
        1,
        "one distinct panic: {:?}",
        out.crashes
    );
    let c = &out.crashes[0];
    assert!(c.message.contains("found the bomb"), "{}", c.message);
    let saved = std::fs::read(&c.input).unwrap_or_default();
    assert!(saved.windows(4).any(|w| w == b"BOOM"));
    assert!(c.input.starts_with(dir.path().join("command")));
    assert!(
        c.reproduce
            .starts_with("cargo run --example fuzz -- command --replay ")
    );
    assert!(engine::run_one(&corpus_target, &saved).is_err());
    // Same seed, same inputs: a failure reproduces.
    let again = engine::fuzz(&corpus_target, 1, &limits, dir.path(), |_| {});
    assert_eq!(again.crashing_execs, out.crashing_execs);
}

/// Found by the ssh_input target: an SGR mouse report at column or row 0 (terminals count
/// from 1) overflowed in terminput and killed the session's task. It is dropped now, and a
/// report at 1,1 or beyond still clicks.
#[test]
fn mouse_report_at_zero_is_dropped_not_a_panic() {
    use crossterm::event::Event as TermEvent;
    use warroom::term::ssh::InputParser;
    for bad in [
        b"\x1b[<0;10;0M".as_slice(),
        b"\x1b[<0;0;5m",
        b"\x1b[<64;+0;3M",
    ] {
        let mut p = InputParser::new();
        let evs = p.feed(bad);
        assert!(
            !evs.iter().any(|e| matches!(e, TermEvent::Mouse(_))),
            "{bad:?} gave {evs:?}"
        );
        assert!(!p.pending());
        // The stream goes on: the next key arrives.
        assert_eq!(p.feed(b"x").len(), 1);
    }
    let mut p = InputParser::new();
    let evs = p.feed(b"\x1b[<0;1;1M");
    assert!(
        matches!(evs.as_slice(), [TermEvent::Mouse(m)] if m.column == 0 && m.row == 0),
        "{evs:?}"
    );
}

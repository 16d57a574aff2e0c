//! `warroom drill` in a pseudo-terminal with scripted keys: people declare, mitigate and
//! resolve while the overnight drill plays at 600x; when they leave, the drill report shows
//! their times (in scenario time) against the reference times, and the checklist items left
//! undone. Read back through a terminal emulator (vt100).

use std::path::Path;
use std::time::{Duration, Instant};

use crate::pty;
use pty::spawn;

/// Seconds of the report row `name` ("1h02m", "4m05s", "12s").
fn row_seconds(report: &str, name: &str) -> Option<i64> {
    let line = report.lines().find(|l| l.trim_start().starts_with(name))?;
    let you = line.split_whitespace().nth(1)?;
    let mut total = 0i64;
    let mut num = String::new();
    for c in you.chars() {
        if c.is_ascii_digit() {
            num.push(c);
        } else {
            let n: i64 = num.parse().ok()?;
            num.clear();
            total += match c {
                'h' => n * 3600,
                'm' => n * 60,
                's' => n,
                _ => return None,
            };
        }
    }
    Some(total)
}

#[test]
fn a_drill_run_with_scripted_keys_ends_in_a_report_with_the_expected_times() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let log = dir.path().join("drill.jsonl");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let log_arg = log.display().to_string();
    let mut s = spawn(
        &[
            "--log",
            &log_arg,
            "drill",
            "overnight-checkout",
            "--speed",
            "600",
        ],
        repo,
    );
    assert!(
        s.wait_for("payment token latency", Duration::from_secs(15)),
        "the room opens on the drill:\n{}",
        s.text()
    );
    let started = Instant::now();
    // Orders hit zero at scenario 15:00 = 1.5 s at 600x: detected by the signal.
    std::thread::sleep(Duration::from_millis(3000));
    s.send(":declare Overnight checkout down\r");
    let declared = started.elapsed();
    std::thread::sleep(Duration::from_millis(1000));
    s.send(":state monitoring\r");
    let mitigated = started.elapsed();
    std::thread::sleep(Duration::from_millis(500));
    s.send(":resolve\r");
    std::thread::sleep(Duration::from_millis(500));
    s.send("\x03"); // Ctrl-C: leave now
    assert!(
        s.wait_for("DRILL REPORT", Duration::from_secs(15)),
        "report after leaving:\n{}",
        s.output()
    );
    let end = Instant::now() + Duration::from_secs(10);
    while Instant::now() < end && !s.output().contains("The drill's log") {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = s.child.wait();
    let out = s.output();
    let report = out[out.find("DRILL REPORT").unwrap_or(0)..].replace('\r', "");
    assert!(report.contains("Played at 600x"), "{report}");
    assert!(!report.contains("not resolved"), "{report}");
    // The people detected when they declared, counted from the scenario's impact start
    // (15:00 = 1.5 s at 600x), not from the script's first signal: not 0.
    let detect = row_seconds(&report, "detect").unwrap_or(-1);
    let expect_detect = ((declared.as_secs_f64() - 1.5) * 600.0) as i64;
    assert!(
        detect > 0 && (detect - expect_detect).abs() <= 600,
        "detect {detect} s, expected about {expect_detect} s\n{report}"
    );
    assert!(report.contains("First automatic signal at T+"), "{report}");
    assert!(
        report.contains("at 600x one second of typing counts as"),
        "{report}"
    );
    assert!(
        report.contains("Overnight checkout down"),
        "the declared title\n{report}"
    );
    // Acknowledged when declared: (declare wall time − 1.5 s) × 600, give or take the
    // pty's scheduling (one wall second is ten scenario minutes).
    let ack = row_seconds(&report, "acknowledge").unwrap_or(-1);
    let expect_ack = ((declared.as_secs_f64() - 1.5) * 600.0) as i64;
    assert!(
        (ack - expect_ack).abs() <= 600,
        "acknowledge {ack} s, expected about {expect_ack} s\n{report}"
    );
    let mit = row_seconds(&report, "mitigate").unwrap_or(-1);
    let expect_mit = ((mitigated.as_secs_f64() - 1.5) * 600.0) as i64;
    assert!(
        (mit - expect_mit).abs() <= 600,
        "mitigate {mit} s, expected about {expect_mit} s\n{report}"
    );
    assert!(report.contains("reference"), "{report}");
    assert!(
        report.contains("3h00m"),
        "the reference mitigate time is shown:\n{report}"
    );
    assert!(
        report.contains("Left undone:"),
        "nobody ticked anything:\n{report}"
    );
    assert!(report.contains("The drill's log"), "{report}");
    assert!(log.exists());
}

//! `warroom replay` end to end in a pseudo-terminal: opens at --at, the time bar shows the
//! position, keys move it, a review note goes to `<log>.review.jsonl` (never into the log),
//! and opening the replay again shows the note marked as review.

use crate::pty;
use crate::replay_support;

use std::time::Duration;

use pty::spawn;
use replay_support::{story, write_log};

#[test]
fn replay_seeks_with_keys_and_keeps_review_notes_apart() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let log = dir.path().join("incident.jsonl");
    write_log(&log, "checkout-2026-03-05", &story()).unwrap_or_else(|e| panic!("{e}"));
    let before = std::fs::read(&log).unwrap_or_default();
    let log_s = log.display().to_string();

    let mut s = spawn(
        &["replay", &log_s, "--at", "T+00:08:20", "--user", "rev"],
        dir.path(),
    );
    assert!(
        s.wait_for("T+00:08:20 / T+00:57:00", Duration::from_secs(15)),
        "opens at --at:\n{}",
        s.text()
    );
    assert!(s.text().contains("2026-03-05 21:08:20 UTC"), "{}", s.text());
    s.send("]");
    assert!(
        s.wait_for("T+00:08:30 / T+00:57:00", Duration::from_secs(5)),
        "{}",
        s.text()
    );
    s.send("4");
    assert!(
        s.wait_for("T+00:32:00", Duration::from_secs(5)),
        "4 jumps to mitigated:\n{}",
        s.text()
    );
    s.send("nroll back came late");
    assert!(
        s.wait_for("review note: roll back came late", Duration::from_secs(5)),
        "{}",
        s.text()
    );
    s.send("\r");
    assert!(
        s.wait_for("review note saved", Duration::from_secs(5)),
        "{}",
        s.text()
    );
    s.send("q");
    let status = s.child.wait().unwrap_or_else(|e| panic!("{e}"));
    assert!(status.success());
    assert!(
        s.output().contains("\x1b[?1049l"),
        "the alternate screen is left on quit"
    );

    assert_eq!(
        std::fs::read(&log).unwrap_or_default(),
        before,
        "the incident log is untouched"
    );
    let review =
        std::fs::read_to_string(dir.path().join("incident.jsonl.review.jsonl")).unwrap_or_default();
    assert!(review.contains("roll back came late"), "{review}");
    assert!(
        review.contains("\"2026-03-05T21:32:00Z\""),
        "the note is at the replay position: {review}"
    );

    let s = spawn(&["replay", &log_s, "--at", "T+00:40:00"], dir.path());
    assert!(
        s.wait_for("review notes: 1", Duration::from_secs(15)),
        "{}",
        s.text()
    );
    assert!(
        s.wait_for("[review] roll back came late", Duration::from_secs(5)),
        "{}",
        s.text()
    );
    let mut s = s;
    s.send("\x03");
    let _ = s.child.wait();
}

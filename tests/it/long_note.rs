//! A note longer than the line's cap is never cut silently: the edit line says so before
//! Enter, one Enter records it, the status line says it was shortened; a paste is one
//! event (bracketed paste), so its newlines don't press Enter halfway.

use std::path::Path;
use std::time::Duration;

use warroom::incident::EventKind;

use crate::amend::{log_events, quiet_room};
use crate::pty;

fn wait(s: &pty::Session, what: &str) {
    assert!(
        s.wait_for(what, Duration::from_secs(20)),
        "waited for {what:?}; the screen shows:\n{}",
        s.text()
    );
}

#[test]
fn a_pasted_note_over_the_cap_says_so_before_and_after_recording() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let (cfg, log) = quiet_room(dir.path());
    let mut s = pty::spawn(&["--config", &cfg, "--log", &log], dir.path());
    wait(&s, "Timeline");
    assert!(
        s.output().contains("\x1b[?2004h"),
        "the room turns bracketed paste on"
    );
    let long: String = (1..=400).map(|i| format!("word{i} ")).collect();
    let long = long.trim_end().to_string();
    let n = long.chars().count();
    assert!(n > 2_000);
    s.send("n");
    // A newline in the middle of the paste is a space, not Enter.
    s.paste(&format!("first line\n{long}"));
    let total = n + "first line ".len();
    wait(&s, &format!("{total} chars, limit 2000: the end is cut"));
    // One Enter records it.
    s.send("\r");
    wait(
        &s,
        &format!("(shortened: it was {total} chars; the limit is 2000)"),
    );
    s.send("\x03");
    let _ = s.child.wait();
    let notes: Vec<String> = log_events(Path::new(&log))
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::Note { text } => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(notes.len(), 1, "one note: {notes:?}");
    assert!(
        notes[0].starts_with("first line word1 word2"),
        "{}",
        &notes[0][..40]
    );
    assert_eq!(notes[0].chars().count(), 2_000);
}

//! The incident log on disk: torn writes, corrupt lines, the lock, unknown kinds, and
//! `warroom log verify` through the real binary.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Duration, TimeZone, Utc};
use warroom::incident::{Actor, AlertState, Event, EventKind, Incident, IncidentState, Severity};
use warroom::log::{LogError, LogWriter, read};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 6, 14, 0, 0)
        .single()
        .unwrap_or_default()
}

/// A varied, realistic event: every few events a person acts, the rest are signals.
fn event(id: u64) -> Event {
    let at = t0() + Duration::seconds(id as i64 * 15);
    let (by, kind) = match id % 7 {
        0 => (
            Actor::person("ana"),
            EventKind::Note {
                text: format!("rollback {id} started — café ✓ 日本"),
            },
        ),
        1 => (
            Actor::source("checkout error rate"),
            EventKind::Metric {
                series: "checkout error rate".into(),
                value: id as f64 / 1000.0,
            },
        ),
        2 => (
            Actor::source("alerts"),
            EventKind::Alert {
                name: "CheckoutErrors".into(),
                state: AlertState::Firing,
                labels: [("region".to_string(), "eu-west".to_string())].into(),
                summary: format!("5xx at {id}%"),
                fingerprint: None,
                starts_at: None,
            },
        ),
        3 => (
            Actor::source("user reports"),
            EventKind::Reports {
                source: "user reports".into(),
                count: id * 10,
                baseline: Some(12.5),
            },
        ),
        4 => (
            Actor::person("bo"),
            EventKind::ChecklistToggled {
                list: "mitigation".into(),
                item: "Freeze deploys".into(),
                done: id.is_multiple_of(2),
            },
        ),
        5 => (
            Actor::System,
            EventKind::StatusComponent {
                page: "shop".into(),
                component: "Checkout".into(),
                status: "major_outage".into(),
                group: None,
            },
        ),
        _ => (
            Actor::person("ana"),
            EventKind::StateChanged {
                state: IncidentState::Identified,
            },
        ),
    };
    Event { id, at, by, kind }
}

fn declared() -> Event {
    Event {
        id: 1,
        at: t0(),
        by: Actor::person("ana"),
        kind: EventKind::IncidentDeclared {
            title: "Checkout failing in the sale".into(),
            severity: Severity::Sev1,
        },
    }
}

/// Writes a log of `n` events (the first declares the incident) in a few batches.
fn write_log(path: &Path, n: u64) -> Vec<Event> {
    let mut w = LogWriter::create(path, "inc-1").expect("create log");
    let mut events = vec![declared()];
    events.extend((2..=n).map(event));
    for batch in events.chunks(7) {
        assert_eq!(w.next_id(), batch[0].id);
        w.append(batch).expect("append");
    }
    assert_eq!(w.next_id(), n + 1);
    events
}

/// Opens for writing, collecting the events.
fn open(path: &Path) -> (LogWriter, Vec<Event>, warroom::log::Recovery) {
    let mut got = Vec::new();
    let (w, _h, r) = LogWriter::open(path, |e| got.push(e)).expect("open log");
    (w, got, r)
}

fn damaged_path(log: &Path) -> PathBuf {
    PathBuf::from(format!("{}.damaged", log.display()))
}

/// Byte offsets where each line starts, plus the file length at the end.
fn line_starts(bytes: &[u8]) -> Vec<usize> {
    let mut v = vec![0];
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            v.push(i + 1);
        }
    }
    v
}

#[test]
fn a_torn_tail_at_every_byte_keeps_every_complete_event_and_stays_appendable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let original = dir.path().join("orig.jsonl");
    let n = 50u64;
    let events = write_log(&original, n);
    let bytes = std::fs::read(&original).expect("read");
    let starts = line_starts(&bytes);
    // starts[0] header, starts[k] = event k; starts[n+1] = file length.
    assert_eq!(starts.len() as u64, n + 2);
    assert_eq!(starts[n as usize + 1], bytes.len());
    let first_cut = starts[(n - 2) as usize];

    for cut in first_cut..bytes.len() {
        let case = tempfile::tempdir().expect("tempdir");
        let log = case.path().join("cut.jsonl");
        std::fs::write(&log, &bytes[..cut]).expect("write cut copy");
        // Complete events: lines whose newline is inside the cut (line j ends at
        // starts[j + 1]; the header is line 0 here and always complete).
        let complete = starts.iter().filter(|s| **s <= cut).count() as u64 - 2;
        let line_start = starts[complete as usize + 1];
        let at_boundary = line_start == cut;

        // Read-only first: same verdict, nothing changed on disk.
        let mut seen = 0;
        let (_, r) = read(&log, |_| seen += 1).expect("read");
        assert_eq!(seen, complete, "cut at {cut}");
        assert_eq!(r.damaged.len(), usize::from(!at_boundary), "cut at {cut}");
        assert_eq!(
            std::fs::metadata(&log).map(|m| m.len()).ok(),
            Some(cut as u64)
        );
        assert!(!damaged_path(&log).exists());

        let (mut w, got, r) = open(&log);
        assert_eq!(r.events, complete, "cut at {cut}");
        assert_eq!(got.len() as u64, complete);
        assert_eq!(got.last().map(|e| e.id), Some(complete), "cut at {cut}");
        assert_eq!(got.last(), events.get(complete as usize - 1));
        assert_eq!(w.next_id(), complete + 1);
        if at_boundary {
            assert!(r.damaged.is_empty(), "cut at {cut}: {:?}", r.damaged);
            assert!(!damaged_path(&log).exists());
        } else {
            assert_eq!(r.damaged.len(), 1, "cut at {cut}");
            // Header is line 1, event k is line k + 1: the torn line is event complete+1.
            assert_eq!(r.damaged[0].line as u64, complete + 2, "cut at {cut}");
            assert!(
                r.damaged[0].reason.contains("torn"),
                "{}",
                r.damaged[0].reason
            );
            assert_eq!(
                r.damaged_file.as_deref(),
                Some(damaged_path(&log).as_path())
            );
            let aside = std::fs::read(damaged_path(&log)).expect("damaged file");
            assert_eq!(aside, &bytes[line_start..cut], "cut at {cut}");
        }
        assert_eq!(
            std::fs::read(&log).ok().as_deref(),
            Some(&bytes[..line_start])
        );

        let new = Event {
            id: w.next_id(),
            at: t0() + Duration::hours(2),
            by: Actor::person("cy"),
            kind: EventKind::Note {
                text: format!("after the crash at byte {cut}"),
            },
        };
        w.append(std::slice::from_ref(&new))
            .expect("append after repair");
        drop(w);
        let (_w, got, r) = open(&log);
        assert!(r.damaged.is_empty(), "cut at {cut}: {:?}", r.damaged);
        assert_eq!(r.events, complete + 1);
        assert_eq!(got.last(), Some(&new));
    }
}

#[test]
fn a_second_opener_is_refused_with_the_holders_pid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("nested/incidents/a.jsonl");
    let w = LogWriter::create(&log, "inc-2").expect("create makes parent folders");
    for attempt in [
        LogWriter::open(&log, |_| {}).map(|_| ()),
        LogWriter::create(&log, "again").map(|_| ()),
    ] {
        match attempt {
            Err(e @ LogError::Locked { .. }) => {
                let msg = e.to_string();
                assert!(msg.contains(&std::process::id().to_string()), "{msg}");
                assert!(msg.contains("SSH"), "{msg}");
            }
            other => panic!("second opener not refused: {other:?}"),
        }
    }
    // Readers (verify, replay, export) need no lock.
    assert!(read(&log, |_| {}).is_ok());
    drop(w);
    let (w, _, r) = open(&log);
    assert_eq!(r.events, 0);
    assert_eq!(w.next_id(), 1);
    drop(w);
    assert!(matches!(
        LogWriter::create(&log, "x"),
        Err(LogError::Exists { .. })
    ));
}

#[test]
fn unknown_fields_and_kinds_from_a_newer_version_are_kept_and_written_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("newer.jsonl");
    write_log(&log, 3);
    let unknown_kind = r#"{"type":"pager_escalated","level":3,"who":["ana","bo"],"why":"no ack"}"#;
    let lines = [
        r#"{"id":4,"at":"2026-03-06T14:05:00Z","by":{"person":"ana"},"kind":{"type":"note","text":"hi","mood":"calm"},"signature":"abc"}"#
            .to_string(),
        format!(
            r#"{{"id":5,"at":"2026-03-06T14:06:00Z","by":"system","kind":{unknown_kind}}}"#
        ),
    ];
    let mut text = std::fs::read_to_string(&log).expect("read");
    for l in &lines {
        text.push_str(l);
        text.push('\n');
    }
    std::fs::write(&log, &text).expect("write");

    let (mut w, got, r) = open(&log);
    assert!(r.damaged.is_empty(), "{:?}", r.damaged);
    assert_eq!(r.events, 5);
    assert_eq!(got[3].kind, EventKind::Note { text: "hi".into() });
    match &got[4].kind {
        EventKind::Unknown { kind, raw } => {
            assert_eq!(kind, "pager_escalated");
            assert_eq!(raw, unknown_kind);
        }
        other => panic!("unknown kind not kept: {other:?}"),
    }
    let folded = Incident::fold(&got);
    assert_eq!(folded.unknown, 1);
    assert!(
        folded
            .timeline
            .iter()
            .any(|t| t.text.contains("pager_escalated"))
    );
    // Written back as it was: serialising the event reproduces the kind byte for byte.
    let again = serde_json::to_string(&got[4]).expect("serialise");
    assert!(again.contains(unknown_kind), "{again}");

    w.append(&[Event {
        id: w.next_id(),
        at: t0() + Duration::minutes(7),
        by: Actor::person("bo"),
        kind: EventKind::Note {
            text: "still here".into(),
        },
    }])
    .expect("append");
    drop(w);
    let after = std::fs::read_to_string(&log).expect("read");
    assert!(after.starts_with(&text), "existing lines changed");
    let (_w, got, r) = open(&log);
    assert!(r.damaged.is_empty());
    assert_eq!(got.len(), 6);
    assert!(matches!(got[4].kind, EventKind::Unknown { .. }));
}

#[test]
fn corrupt_lines_in_the_middle_are_reported_and_the_events_after_them_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("mid.jsonl");
    let events = write_log(&log, 20);
    let text = std::fs::read(&log).expect("read");
    let mut lines: Vec<Vec<u8>> = text
        .split_inclusive(|b| *b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    // Line 6 (event 5): a bad hand edit; line 9 (event 8): invalid UTF-8;
    // line 12 (event 11): a known kind with a bad field.
    lines[5] = b"{\"id\":5, oops this is not json\n".to_vec();
    lines[8] = b"{\"id\":8,\"note\":\"\xff\xfe\"}\n".to_vec();
    lines[11] = br#"{"id":11,"at":"2026-03-06T14:02:45Z","by":"system","kind":{"type":"metric","series":"x","value":"lots"}}"#
        .iter()
        .copied()
        .chain(*b"\n")
        .collect();
    let broken: Vec<u8> = lines.concat();
    std::fs::write(&log, &broken).expect("write");

    let (mut w, got, r) = open(&log);
    let found: Vec<(usize, &str)> = r
        .damaged
        .iter()
        .map(|d| (d.line, d.reason.as_str()))
        .collect();
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(found[0].0, 6);
    assert!(found[0].1.contains("invalid JSON"), "{}", found[0].1);
    assert_eq!(found[1].0, 9);
    assert!(found[1].1.contains("UTF-8"), "{}", found[1].1);
    assert_eq!(found[2].0, 12);
    assert!(found[2].1.contains("bad event"), "{}", found[2].1);

    let ids: Vec<u64> = got.iter().map(|e| e.id).collect();
    let expected: Vec<u64> = (1..=20).filter(|i| ![5, 8, 11].contains(i)).collect();
    assert_eq!(ids, expected);
    assert_eq!(got.last(), events.last());
    assert_eq!(w.next_id(), 21);

    let aside = std::fs::read(damaged_path(&log)).expect("damaged file");
    assert_eq!(aside, [&lines[5][..], &lines[8], &lines[11]].concat());
    let repaired = std::fs::read(&log).expect("read");
    let kept: Vec<u8> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| ![5, 8, 11].contains(i))
        .flat_map(|(_, l)| l.clone())
        .collect();
    assert_eq!(repaired, kept);

    w.append(&[event(21)]).expect("append");
    drop(w);
    let (_w, got, r) = open(&log);
    assert!(r.damaged.is_empty());
    assert_eq!(got.len(), 18);
}

fn verify(log: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(["log", "verify"])
        .arg(log)
        .output()
        .expect("run warroom");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn log_verify_exit_codes_through_the_binary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("v.jsonl");
    write_log(&log, 41);

    let (code, out) = verify(&log);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("events:   41"), "{out}");
    assert!(out.contains("Checkout failing in the sale"), "{out}");
    // 40 steps of 15 s after the declaration.
    assert!(
        out.contains("2026-03-06 14:00:00 UTC .. 2026-03-06 14:10:15 UTC (10m15s)"),
        "{out}"
    );

    let mut bytes = std::fs::read(&log).expect("read");
    let cut = bytes.len() - 20;
    bytes.truncate(cut);
    std::fs::write(&log, &bytes).expect("write");
    let (code, out) = verify(&log);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("events:   40"), "{out}");
    assert!(out.contains("line 42: torn"), "{out}");
    // Verify is read-only: nothing moved, nothing cut.
    assert_eq!(std::fs::read(&log).ok(), Some(bytes));
    assert!(!damaged_path(&log).exists());

    let (code, out) = verify(&dir.path().join("missing.jsonl"));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("missing.jsonl"), "{out}");

    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "shopping list\nmilk\n").expect("write");
    let (code, out) = verify(&notes);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not a warroom log"), "{out}");
}

#[test]
fn a_log_cut_inside_its_header_line_or_emptied_is_handled() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("h.jsonl");
    drop(LogWriter::create(&log, "inc-h").expect("create"));
    let header = std::fs::read(&log).expect("read");

    // The header without its newline: still this log; opening restores the newline.
    std::fs::write(&log, &header[..header.len() - 1]).expect("write");
    let (mut w, got, r) = open(&log);
    assert!(got.is_empty() && r.damaged.is_empty());
    w.append(&[declared()]).expect("append");
    drop(w);
    let (_w, got, r) = open(&log);
    assert!(r.damaged.is_empty(), "{:?}", r.damaged);
    assert_eq!(got, vec![declared()]);
    drop(_w);

    // Half a header, or nothing: not a log, said plainly, file untouched.
    for (bytes, says) in [
        (&header[..10], "not a warroom log header"),
        (&[][..], "empty"),
    ] {
        std::fs::write(&log, bytes).expect("write");
        match LogWriter::open(&log, |_| {}) {
            Err(e @ LogError::NotALog { .. }) => assert!(e.to_string().contains(says), "{e}"),
            other => panic!("expected NotALog, got {other:?}"),
        }
        assert_eq!(std::fs::read(&log).ok().as_deref(), Some(bytes));
    }
}

#[test]
fn blank_lines_are_moved_aside_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("b.jsonl");
    write_log(&log, 5);
    let text = std::fs::read_to_string(&log).expect("read");
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    lines.insert(3, "\n");
    std::fs::write(&log, lines.concat()).expect("write");
    let (_w, got, r) = open(&log);
    assert_eq!(got.len(), 5);
    assert_eq!(r.damaged.len(), 1);
    assert_eq!(
        (r.damaged[0].line, r.damaged[0].reason.as_str()),
        (4, "blank line")
    );
    assert_eq!(std::fs::read_to_string(&log).ok(), Some(text));
}

/// A log of a declaration and events with these ids, written line by line as a file on
/// disk would hold them (ids as they are, even when they do not increase).
fn write_ids(path: &Path, ids: &[u64]) {
    let mut text = String::from(
        "{\"warroom_log\":1,\"incident\":\"ids\",\"created_at\":\"2026-03-06T14:00:00Z\"}\n",
    );
    for (i, id) in ids.iter().enumerate() {
        let mut e = if i == 0 {
            declared()
        } else {
            event(i as u64 + 1)
        };
        e.id = *id;
        text.push_str(&serde_json::to_string(&e).expect("event json"));
        text.push('\n');
    }
    std::fs::write(path, text).expect("write log");
}

#[test]
fn a_log_whose_ids_are_used_up_refuses_to_append_instead_of_wrapping_to_zero() {
    let dir = tempfile::tempdir().expect("tempdir");

    // One id left: the event with id u64::MAX is appended, the one after is refused.
    let log = dir.path().join("nearly.jsonl");
    write_ids(&log, &[1, 2, u64::MAX - 1]);
    let (mut w, _, _) = open(&log);
    assert_eq!(w.next_id(), u64::MAX);
    let mut last = event(7);
    last.id = w.next_id();
    w.append(std::slice::from_ref(&last))
        .expect("the last id fits");
    let mut wrapped = event(8);
    wrapped.id = w.next_id();
    let before = std::fs::read(&log).expect("read");
    match w.append(std::slice::from_ref(&wrapped)) {
        Err(e @ LogError::IdsExhausted { .. }) => {
            assert!(e.to_string().contains("ids are used up"), "{e}");
            assert!(e.to_string().contains("start a new one"), "{e}");
        }
        other => panic!("appending past u64::MAX must be refused, got {other:?}"),
    }
    assert_eq!(
        std::fs::read(&log).ok(),
        Some(before),
        "nothing was written"
    );
    drop(w);

    // Reopened: the room is told at once, not at its first event.
    match LogWriter::open(&log, |_| {}) {
        Err(e @ LogError::IdsExhausted { .. }) => {
            assert!(e.to_string().contains(&u64::MAX.to_string()), "{e}")
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("a log whose last id is u64::MAX must not be opened for appending"),
    }
    let mut ids = Vec::new();
    read(&log, |e| ids.push(e.id)).expect("still readable");
    assert_eq!(ids, vec![1, 2, u64::MAX - 1, u64::MAX]);
}

#[test]
fn an_append_with_an_id_that_does_not_increase_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("dup.jsonl");
    write_log(&log, 5);
    let (mut w, _, _) = open(&log);
    let mut dup = event(6);
    dup.id = 5;
    match w.append(&[dup]) {
        Err(e @ LogError::IdOutOfOrder { .. }) => assert!(e.to_string().contains("id 5"), "{e}"),
        other => panic!("a duplicate id must be refused, got {other:?}"),
    }
    assert!(w.append(&[event(6)]).is_ok());
}

#[test]
fn log_verify_names_the_lines_of_duplicate_and_decreasing_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("ids.jsonl");
    // Lines 2..: ids 1, 2, 3, 3 (duplicate, line 5), 0 (a wrap, line 6), 4.
    write_ids(&log, &[1, 2, 3, 3, 0, 4]);
    let (code, out) = verify(&log);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("event ids out of order: 2"), "{out}");
    assert!(
        out.contains("line 5: id 3 duplicates id 3 of line 4"),
        "{out}"
    );
    assert!(
        out.contains("line 6: id 0 is below id 3 of line 4"),
        "{out}"
    );
    assert!(!out.contains("ok:"), "{out}");

    write_ids(&log, &[1, 2, 3, 4]);
    let (code, out) = verify(&log);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_room_on_a_log_whose_ids_are_used_up_stops_with_a_clear_error_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("config.toml"),
        "[incident]\ntitle = \"Payments failing\"\n",
    )
    .expect("config");
    let log = dir.path().join("full.jsonl");
    write_ids(&log, &[1, 2, u64::MAX]);
    let before = std::fs::read(&log).expect("read");
    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .current_dir(dir.path())
        .env_remove("XDG_CONFIG_HOME")
        .args(["serve", "--ssh", "127.0.0.1:0", "--log"])
        .arg(&log)
        .output()
        .expect("run warroom");
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("event ids are used up"), "{said}");
    assert_eq!(std::fs::read(&log).ok(), Some(before), "nothing appended");
}

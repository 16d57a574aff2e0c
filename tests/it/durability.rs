//! Nothing lost, nothing falsely acknowledged: a full disk (a small tmpfs the test mounts
//! and fills), a terminal that goes away (pty master closed, SIGHUP), SIGKILL at random
//! moments, and panics while the view owns the terminal.

use crate::durability_support;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use crossterm::event::{Event as CEvent, KeyCode, KeyEvent, KeyModifiers};
use durability_support::*;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use rand::{Rng, SeedableRng};
use warroom::config::Config;
use warroom::incident::{Actor, Draft, EventKind, Incident, Severity};
use warroom::log::LogWriter;
use warroom::room::{self, RoomHandle, RoomOptions};
use warroom::term::Recording;
use warroom::ui::app::{Action, App, AppOptions};

const LIVE: &str = r#"
[incident]
title = "Payments failing"
severity = "SEV1"

[checklists]
detection = ["Confirm impact"]
"#;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn key(code: KeyCode) -> CEvent {
    CEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Types `:LINE⏎` into the view and sends what it records to the room, as the local
/// terminal does.
fn type_command(app: &mut App, room: &RoomHandle, rec: &mut Recording, line: &str) {
    let mut keys = vec![key(KeyCode::Char(':'))];
    keys.extend(line.chars().map(|c| key(KeyCode::Char(c))));
    keys.push(key(KeyCode::Enter));
    for ev in keys {
        let actions = {
            let inc = room.read().clone();
            app.handle_input(&ev, &inc, Utc::now())
        };
        for a in actions {
            if let Action::Record(kind) = a {
                rec.send(room, Draft::new(Utc::now(), Actor::person("ana"), kind))
                    .expect("the room is open");
            }
        }
    }
}

/// Waits (bounded) until `ok` holds, re-checking on every room change.
async fn wait_room(room: &RoomHandle, what: &str, mut ok: impl FnMut() -> bool) {
    let mut v = room.subscribe();
    let deadline = tokio::time::Instant::now() + LIMIT;
    while !ok() {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        assert!(!left.is_zero(), "waited for {what}: {:?}", room.health());
        let _ = tokio::time::timeout(left.min(Duration::from_millis(200)), v.changed()).await;
    }
}

/// One full-disk trial on a 200 KB tmpfs: `(falsely acknowledged, lost)` out of `notes`,
/// or `None` when mounting is not permitted.
async fn disk_full_trial(test: &str, notes: usize) -> Option<(usize, usize)> {
    let disk = Tmpfs::mount(test, "200k")?;
    let cfg_dir = tempfile::tempdir().expect("tempdir");
    let cfg = Config::parse(LIVE, "test config", None, cfg_dir.path().to_path_buf())
        .expect("valid config");
    let log = disk.path.join("pay.jsonl");
    let (room, _) = room::open(
        &cfg,
        RoomOptions {
            user: "ana".into(),
            log_path: Some(log.clone()),
            speed: None,
        },
    )
    .await
    .expect("room opens");
    // End the log on a page boundary, so the next line needs a page the disk lacks.
    let len = std::fs::metadata(&log).expect("log").len();
    let pad = padding_note(len, room.read().last_id + 1);
    room.record(pad)
        .await
        .expect("open")
        .await
        .expect("recorded");
    assert_eq!(std::fs::metadata(&log).expect("log").len() % PAGE, 0);
    let filler = disk.fill();
    let before = std::fs::read(&log).expect("log");

    let mut app = App::new(AppOptions::new("ana"));
    let mut rec = Recording::default();
    let probe = room.sender();
    for i in 1..=notes {
        type_command(&mut app, &room, &mut rec, &format!("note full {i:02}"));
        // A source keeps sampling meanwhile.
        probe
            .send(Draft::new(
                Utc::now(),
                Actor::source("probe"),
                EventKind::Metric {
                    series: "probe".into(),
                    value: i as f64,
                },
            ))
            .await
            .expect("open");
    }
    wait_room(&room, "every note held", || {
        room.health().waiting_actions == notes
    })
    .await;
    rec.settle(&room, &mut app);
    let falsely_acknowledged = notes - rec.waiting();
    assert_eq!(falsely_acknowledged, 0, "nothing is acknowledged");
    let last = format!(":note full {notes:02}");
    assert_eq!(
        app.message(),
        Some((format!("not yet recorded: {last}").as_str(), false))
    );
    assert_eq!(
        room.health().problem().as_deref(),
        Some(
            format!("LOG NOT WRITABLE: {notes} actions waiting (No space left on device)").as_str()
        )
    );
    assert_eq!(
        std::fs::read(&log).expect("log"),
        before,
        "the log is as it was"
    );
    assert!(
        !room.read().timeline.iter().any(|e| e.text.contains("full")),
        "nothing unrecorded is shown as if it were"
    );

    std::fs::remove_file(&filler).expect("free the disk");
    let _ = std::fs::remove_file(disk.path.join("filler-tail"));
    wait_room(&room, "every note recorded", || {
        rec.settle(&room, &mut app);
        rec.waiting() == 0 && room.health().log_error.is_none()
    })
    .await;
    assert_eq!(
        app.message(),
        Some((format!("recorded: {last}").as_str(), false))
    );
    assert_eq!(room.health().problem(), None);
    room.shutdown().await;

    let events = read_log(&log);
    let written = note_texts(&events, "full ");
    let want: Vec<String> = (1..=notes).map(|i| format!("full {i:02}")).collect();
    let lost = want.iter().filter(|w| !written.contains(w)).count();
    assert_eq!(written, want, "every note once, in order");
    let samples = events
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::Metric { series, .. } if series == "probe"))
        .count();
    assert_eq!(samples, notes, "source events held too (under the bound)");
    let (failed, recovered) = log_health(&events);
    assert_eq!(
        (failed.len(), recovered.len()),
        (1, 1),
        "one entry when it fails, one when it recovers"
    );
    let first_note = events
        .iter()
        .find(|e| matches!(&e.kind, EventKind::Note { text } if text == "full 01"))
        .expect("first note");
    assert!(failed[0].id < first_note.id && recovered[0].id > first_note.id);
    assert!(
        matches!(&failed[0].kind, EventKind::SourceHealth { error: Some(e), .. } if e.contains("No space left on device")),
        "{:?}",
        failed[0]
    );
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e.id, i as u64 + 1, "ids count up without gaps");
    }
    assert_eq!(
        Incident::fold(&events),
        *room.read(),
        "the live state is the fold of the log"
    );
    Some((falsely_acknowledged, lost))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_holds_what_people_type_and_writes_it_once_in_order_when_space_returns() {
    let trials = env_number("WARROOM_DISKFULL_TRIALS", 1);
    let (mut falsely, mut lost) = (0, 0);
    for t in 0..trials {
        let Some((f, l)) = disk_full_trial(
            "a_full_disk_holds_what_people_type_and_writes_it_once_in_order_when_space_returns",
            13,
        )
        .await
        else {
            return;
        };
        falsely += f;
        lost += l;
        println!(
            "disk-full trial {}: falsely acknowledged {f}, lost {l}",
            t + 1
        );
    }
    println!(
        "disk-full trials: {trials}, actions falsely acknowledged: {falsely}, actions lost: {lost}"
    );
}

/// A log with a declaration, padded to whole pages (its writer closed again).
fn prepared_log(log: &Path) {
    let mut w = LogWriter::create(log, "pay").expect("create the log");
    let declared = Draft::new(
        Utc::now(),
        Actor::person("ana"),
        EventKind::IncidentDeclared {
            title: "Payments failing".into(),
            severity: Severity::Sev1,
        },
    );
    w.append(&[declared.into_event(1)]).expect("append");
    let len = std::fs::metadata(log).expect("log").len();
    w.append(&[padding_note(len, 2).into_event(2)])
        .expect("append");
    assert_eq!(std::fs::metadata(log).expect("log").len() % PAGE, 0);
}

#[test]
fn the_real_room_on_a_full_disk_says_not_yet_recorded_and_loses_nothing() {
    let test = "the_real_room_on_a_full_disk_says_not_yet_recorded_and_loses_nothing";
    let Some(disk) = Tmpfs::mount(test, "200k") else {
        return;
    };
    let home = tempfile::tempdir().expect("tempdir");
    let cwd = home.path().join("work");
    std::fs::create_dir_all(&cwd).expect("mkdir");
    std::fs::write(cwd.join("config.toml"), LIVE).expect("config");
    let log = disk.path.join("pay.jsonl");
    prepared_log(&log);
    let filler = disk.fill();
    let before = std::fs::read(&log).expect("log");
    let log_arg = log.display().to_string();
    let mut room = Pty::spawn(
        home.path(),
        &cwd,
        &["--config", "config.toml", "--log", &log_arg],
    );
    // Even `joined` waits: the log takes nothing.
    room.wait_screen("the red line", |s| {
        s.contains("LOG NOT WRITABLE: 1 action waiting (No space left on device)")
    });
    let notes = 13;
    for i in 1..=notes {
        room.send(format!(":note full-{i:02}\r").as_bytes());
        let want = format!("not yet recorded: :note full-{i:02}");
        room.wait_screen(&want, |s| s.contains(&want));
    }
    let waiting = format!(
        "LOG NOT WRITABLE: {} actions waiting (No space left on device)",
        notes + 1
    );
    room.wait_screen(&waiting, |s| s.contains(&waiting));
    let shown_as_recorded = room
        .contents()
        .lines()
        .filter(|l| l.contains("full-") && !l.contains("not yet recorded"))
        .count();
    assert_eq!(shown_as_recorded, 0, "{}", room.contents());
    assert_eq!(std::fs::read(&log).expect("log"), before);

    std::fs::remove_file(&filler).expect("free the disk");
    let done = format!("recorded: :note full-{notes:02}");
    room.wait_screen("every note recorded", |s| {
        s.contains(&done) && !s.contains("not yet recorded") && !s.contains("LOG NOT WRITABLE")
    });
    room.send(b"\x03");
    let status = room.wait_exit("Ctrl-C");
    assert!(status.success(), "{status:?}\n{}", room.diagnostics());

    let events = read_log(&log);
    let want: Vec<String> = (1..=notes).map(|i| format!("full-{i:02}")).collect();
    assert_eq!(
        note_texts(&events, "full-"),
        want,
        "every note once, in order"
    );
    let (failed, recovered) = log_health(&events);
    assert_eq!((failed.len(), recovered.len()), (1, 1));
    assert!(
        matches!(events.last().map(|e| &e.kind), Some(EventKind::Left { person }) if person == "pty-tester"),
        "left is the last event: {:?}",
        events.last()
    );
    assert_eq!(verify(&log).0, 0, "{}", verify(&log).1);
}

/// Starts the built-in drill on `LOG` in a pty and records one note.
fn room_with_a_note(home: &Path, note: &str) -> (Pty, std::path::PathBuf) {
    let cwd = home.join("work");
    std::fs::create_dir_all(&cwd).expect("mkdir");
    let log = cwd.join("room.jsonl");
    let mut room = Pty::spawn(home, &cwd, &["--log", "room.jsonl"]);
    room.wait_screen("the room", |s| s.contains("DRILL"));
    room.send(format!(":note {note}\r").as_bytes());
    let want = format!("recorded: :note {note}");
    room.wait_screen(&want, |s| s.contains(&want));
    (room, log)
}

fn assert_left_cleanly(room: &mut Pty, log: &Path, note: &str, how: &str) {
    let status = room.wait_exit(how);
    let diag = room.diagnostics();
    assert!(status.success(), "exit {status:?} after {how}:\n{diag}");
    assert!(!diag.contains("panic"), "{diag}");
    let events = read_log(log);
    let pos = |f: &dyn Fn(&EventKind) -> bool| events.iter().rposition(|e| f(&e.kind));
    let noted = pos(&|k| matches!(k, EventKind::Note { text } if text == note));
    let left = pos(&|k| matches!(k, EventKind::Left { person } if person == "pty-tester"));
    assert!(noted.is_some(), "the note is in the log");
    assert!(left > noted, "`left` recorded after {how}");
    assert_eq!(verify(log).0, 0, "{}", verify(log).1);
}

#[test]
fn closing_the_terminal_records_left_and_exits_cleanly() {
    let home = tempfile::tempdir().expect("tempdir");
    let (mut room, log) = room_with_a_note(home.path(), "before the window closed");
    room.hang_up();
    assert_left_cleanly(
        &mut room,
        &log,
        "before the window closed",
        "closing the pty",
    );
}

#[test]
fn sighup_records_left_and_exits_cleanly() {
    let home = tempfile::tempdir().expect("tempdir");
    let (mut room, log) = room_with_a_note(home.path(), "before the hangup");
    let st = std::process::Command::new("kill")
        .args(["-HUP", &room.pid().to_string()])
        .status()
        .expect("run kill");
    assert!(st.success());
    assert_left_cleanly(&mut room, &log, "before the hangup", "SIGHUP");
}

#[test]
fn sigkill_at_random_moments_loses_no_note_that_was_shown() {
    let trials = env_number("WARROOM_KILL_TRIALS", 20);
    let seed = std::env::var("WARROOM_KILL_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| Utc::now().timestamp_nanos_opt().unwrap_or(0) as u64);
    println!("kill trials: {trials}, seed {seed} (WARROOM_KILL_SEED to repeat)");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let home = tempfile::tempdir().expect("tempdir");
    let cwd = home.path().join("work");
    std::fs::create_dir_all(&cwd).expect("mkdir");
    // A live incident whose log comes from the config's template: after a crash the same
    // bare command continues it (no --log), as a commander would restart it.
    std::fs::write(
        cwd.join("config.toml"),
        "[incident]\ntitle = \"Payments failing at the gateway\"\nseverity = \"SEV2\"\n\
         declare = \"on_open\"\nlog = \"incidents/{date}-{slug}.jsonl\"\n",
    )
    .expect("write config");
    let incidents = cwd.join("incidents");
    let mut log = None;
    let mut seen = BTreeSet::new();
    let mut typed = 0;
    let mut header = None;
    for t in 0..trials {
        // After the first run, the same command continues the same incident.
        let mut room = Pty::spawn(home.path(), &cwd, &[]);
        room.wait_screen("the room", |s| s.contains("Payments failing"));
        let kill_after = Duration::from_millis(rng.random_range(50..1200));
        let start = Instant::now();
        let mut i = 0;
        while start.elapsed() < kill_after && i < 999 {
            i += 1;
            room.send(format!(":note {}\r", token(t, i)).as_bytes());
            std::thread::sleep(Duration::from_millis(rng.random_range(2..80)));
        }
        typed += i;
        room.kill9();
        seen.extend(room.seen.lock().expect("seen").iter().cloned());
        let logs: Vec<_> = std::fs::read_dir(&incidents)
            .expect("the incidents folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        assert_eq!(logs.len(), 1, "one incident log, continued: {logs:?}");
        let this = logs[0].clone();
        let log = log.get_or_insert(this.clone());
        assert_eq!(*log, this, "the same log is continued");
        let mut joined = 0;
        let (h, _) = warroom::log::read(log, |e| {
            joined += usize::from(matches!(e.kind, EventKind::Joined { .. }));
        })
        .expect("the log reads");
        assert_eq!(
            joined,
            t + 1,
            "run {t} recorded its `joined` in the same log"
        );
        match &header {
            None => header = Some(h),
            Some(first) => assert_eq!(*first, h, "the same incident continues"),
        }
    }
    let log = log.expect("a log was written");
    let events = read_log(&log);
    for w in events.windows(2) {
        assert!(
            w[0].id < w[1].id,
            "ids increase: {} then {}",
            w[0].id,
            w[1].id
        );
    }
    let starts = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::IncidentDeclared { .. }))
        .count();
    assert_eq!(starts, 1, "one incident, declared once");
    let logged = note_texts(&events, "k");
    let lost: Vec<&String> = seen
        .iter()
        .filter(|s| logged.iter().filter(|l| l == s).count() != 1)
        .collect();
    println!(
        "kill trials: {trials}, notes typed: {typed}, seen on screen: {}, in the log: {}, seen but lost: {}",
        seen.len(),
        logged.len(),
        lost.len()
    );
    assert!(!seen.is_empty(), "some notes were seen recorded");
    assert!(
        lost.is_empty(),
        "seen on screen, not in the log once: {lost:?}"
    );
    assert_eq!(verify(&log).0, 0, "no torn line: {}", verify(&log).1);
    let mut damaged = log.clone().into_os_string();
    damaged.push(".damaged");
    assert!(
        !std::path::Path::new(&damaged).exists(),
        "nothing set aside"
    );
}

/// Run in a child process (see below): a view up, a task panics, then the view's thread.
fn panics_while_the_view_is_up(diag: &Path) {
    let file = std::fs::File::create(diag).expect("diagnostic log");
    tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .init();
    warroom::term::local::set_diagnostic_log(diag.to_path_buf());
    let _guard = warroom::term::local::TerminalGuard::enter().expect("terminal mode");
    let _ = std::thread::spawn(|| panic!("boom in a source task")).join();
    print!("still drawing");
    let _ = std::io::Write::flush(&mut std::io::stdout());
    panic!("boom in the view");
}

#[test]
fn a_panic_goes_to_the_diagnostic_log_not_the_terminal() {
    if let Some(diag) = std::env::var_os("WARROOM_PANIC_CHILD_LOG") {
        panics_while_the_view_is_up(Path::new(&diag));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let diag = dir.path().join("warroom.log");
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut cmd = CommandBuilder::new(std::env::current_exe().expect("test binary"));
    cmd.args([
        "--exact",
        "durability::a_panic_goes_to_the_diagnostic_log_not_the_terminal",
        "--nocapture",
        "--test-threads=1",
    ]);
    cmd.env("WARROOM_PANIC_CHILD_LOG", &diag);
    cmd.env("TERM", "xterm-256color");
    let mut child = pty.slave.spawn_command(cmd).expect("start the child");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("reader");
    let out = Arc::new(Mutex::new(Vec::new()));
    let o2 = out.clone();
    let reader_thread = std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            o2.lock().expect("out").extend_from_slice(&buf[..n]);
        }
    });
    let deadline = Instant::now() + LIMIT;
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(Instant::now() < deadline, "the child did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!status.success(), "the child panicked");
    std::thread::sleep(Duration::from_millis(200));
    drop(pty.master);
    let _ = reader_thread.join();
    let out = out.lock().expect("out").clone();
    let text = String::from_utf8_lossy(&out);
    let find = |needle: &str| text.find(needle);
    let enter = find("\x1b[?1049h").expect("entered the alternate screen");
    let leave = find("\x1b[?1049l").expect("left the alternate screen");
    let drawing = find("still drawing").expect("the view went on after the task's panic");
    assert!(
        enter < drawing && drawing < leave,
        "a task's panic leaves the view up"
    );
    assert!(
        !text.contains("boom in a source task"),
        "a task's panic is not printed on the view's terminal:\n{text}"
    );
    let line = find("warroom stopped on an internal error: boom in the view")
        .expect("one line after restoring");
    assert!(line > leave, "printed after the terminal was restored");
    assert!(
        text[line..].contains(&diag.display().to_string()),
        "the line points at the log"
    );
    let diag_text = std::fs::read_to_string(&diag).expect("diagnostic log");
    for want in ["boom in a source task", "boom in the view", "durability.rs"] {
        assert!(diag_text.contains(want), "{want} in:\n{diag_text}");
    }
    assert!(
        diag_text.contains("backtrace"),
        "the backtrace is logged:\n{diag_text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_on_a_full_disk_says_what_was_not_recorded() {
    let Some(disk) = Tmpfs::mount("stopping_on_a_full_disk_says_what_was_not_recorded", "200k")
    else {
        return;
    };
    let log = disk.path.join("pay.jsonl");
    prepared_log(&log);
    disk.fill();
    let cfg_dir = tempfile::tempdir().expect("tempdir");
    let cfg = Config::parse(LIVE, "test config", None, cfg_dir.path().to_path_buf())
        .expect("valid config");
    let (room, info) = room::open(
        &cfg,
        RoomOptions {
            user: "ana".into(),
            log_path: Some(log.clone()),
            speed: None,
        },
    )
    .await
    .expect("room opens on a full disk");
    assert!(info.continued);
    let receipt = room
        .record(Draft::new(
            Utc::now(),
            Actor::person("ana"),
            EventKind::Note {
                text: "typed as the disk filled".into(),
            },
        ))
        .await
        .expect("open");
    room.shutdown().await;
    // Never acknowledged, and the room says so after it stopped.
    assert!(receipt.await.is_err(), "not acknowledged");
    let h = room.health();
    assert_eq!(h.waiting_actions, 1, "{h:?}");
    assert_eq!(h.log_error.as_deref(), Some("No space left on device"));
    assert!(note_texts(&read_log(&log), "typed").is_empty());
}

#[test]
fn a_write_cut_short_by_a_full_disk_leaves_no_partial_line() {
    let Some(disk) = Tmpfs::mount(
        "a_write_cut_short_by_a_full_disk_leaves_no_partial_line",
        "200k",
    ) else {
        return;
    };
    let log = disk.path.join("pay.jsonl");
    let mut w = LogWriter::create(&log, "pay").expect("create the log");
    let note = |id: u64, text: String| {
        Draft::new(Utc::now(), Actor::person("ana"), EventKind::Note { text }).into_event(id)
    };
    w.append(&[note(1, "first".into())]).expect("append");
    let before = std::fs::read(&log).expect("log");
    assert_ne!(before.len() as u64 % PAGE, 0, "room left in the last page");
    let filler = disk.fill();
    // Bigger than what is left of the last page: the write stops part way.
    let big = vec![note(2, "x".repeat(3 * PAGE as usize))];
    let err = w.append(&big).expect_err("the disk is full");
    assert!(err.to_string().contains("No space left on device"), "{err}");
    assert_eq!(
        std::fs::read(&log).expect("log"),
        before,
        "cut back to the last good line"
    );
    assert_eq!(verify(&log).0, 0, "{}", verify(&log).1);
    std::fs::remove_file(&filler).expect("free the disk");
    w.append(&big).expect("the same events, once there is room");
    drop(w);
    let events = read_log(&log);
    assert_eq!(events.iter().map(|e| e.id).collect::<Vec<_>>(), [1, 2]);
}

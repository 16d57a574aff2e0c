//! End to end: the real `warroom` binary in a pseudo-terminal (120x40), its output read
//! back through a terminal emulator (vt100), in a temporary folder with no config.toml so
//! it runs the built-in drill, as a person would run `cargo run`.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use serde_json::Value;

const TITLE: &str = "DRILL: Checkout failing during the summer sale";
/// What of the title fits in the header at 120 columns beside severity, state and clock.
const TITLE_SHOWN: &str = "DRILL: Checkout failing during";
const LIMIT: Duration = Duration::from_secs(60);
const ROWS: NonZeroU16 = NonZeroU16::new(40).expect("40 rows");
const COLS: NonZeroU16 = NonZeroU16::new(120).expect("120 columns");

struct Room {
    _dir: tempfile::TempDir,
    cwd: PathBuf,
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    _master: Box<dyn MasterPty + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Room {
    fn start() -> Room {
        Room::start_sized(120, 40)
    }

    fn start_sized(cols: u16, rows: u16) -> Room {
        let dir = tempfile::tempdir().expect("tempdir");
        let cwd = dir.path().join("work");
        for d in ["work", "home", "config", "state", "data"] {
            std::fs::create_dir_all(dir.path().join(d)).expect("mkdir");
        }
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_warroom"));
        cmd.cwd(&cwd);
        cmd.env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", dir.path().join("home"));
        cmd.env("XDG_CONFIG_HOME", dir.path().join("config"));
        cmd.env("XDG_STATE_HOME", dir.path().join("state"));
        cmd.env("XDG_DATA_HOME", dir.path().join("data"));
        cmd.env("USER", "pty-tester");
        let child = pty.slave.spawn_command(cmd).expect("start warroom");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let size = |n: u16, d: NonZeroU16| NonZeroU16::new(n).unwrap_or(d);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            size(rows, ROWS),
            size(cols, COLS),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        {
            let (screen, raw) = (screen.clone(), raw.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    match reader.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            screen.lock().expect("screen").process(&buf[..n]);
                            raw.lock().expect("raw").extend_from_slice(&buf[..n]);
                        }
                    }
                }
            });
        }
        Room {
            _dir: dir,
            cwd,
            child,
            writer,
            _master: pty.master,
            screen,
            raw,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().expect("screen").screen().contents()
    }

    /// Polls the screen until `ok`, or fails with what the screen showed.
    fn wait_screen(&self, what: &str, ok: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + LIMIT;
        loop {
            let s = self.contents();
            if ok(&s) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {what}; the screen shows:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("type");
        self.writer.flush().expect("flush");
    }

    /// The incident log the room writes (the one file under incidents/).
    fn log_path(&self) -> Option<PathBuf> {
        let dir = self.cwd.join("incidents");
        std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|x| x == "jsonl"))
    }

    /// Polls the log until some event satisfies `ok`.
    fn wait_log(&self, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + LIMIT;
        loop {
            if let Some(e) = self
                .log_path()
                .and_then(|p| events(&p).into_iter().find(&ok))
            {
                return e;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {what} in the log {:?}; it holds:\n{}",
                self.log_path(),
                self.log_path()
                    .and_then(|p| std::fs::read_to_string(p).ok())
                    .unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Ctrl-C, then waits for the exit status and the end of the output.
    fn quit(&mut self) -> (portable_pty::ExitStatus, Vec<u8>) {
        self.send(b"\x03");
        let deadline = Instant::now() + LIMIT;
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                break s;
            }
            assert!(Instant::now() < deadline, "warroom did not exit on Ctrl-C");
            std::thread::sleep(Duration::from_millis(20));
        };
        // Let the reader drain what the process wrote before it exited.
        let mut last = 0;
        loop {
            std::thread::sleep(Duration::from_millis(100));
            let n = self.raw.lock().expect("raw").len();
            if n == last {
                break;
            }
            last = n;
        }
        (status, self.raw.lock().expect("raw").clone())
    }
}

impl Drop for Room {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn events(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .skip(1)
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// After the last frame the terminal is put back: the alternate screen left, the cursor
/// shown, and nothing drawn after that but plain text (the log path).
fn assert_restored(out: &[u8]) {
    let enter = find(out, b"\x1b[?1049h").expect("entered the alternate screen");
    let leave = find(out, b"\x1b[?1049l").expect("left the alternate screen");
    assert!(leave > enter);
    let tail = &out[leave..];
    assert!(
        find(tail, b"\x1b[?25h").is_some(),
        "cursor shown after leaving: {:?}",
        String::from_utf8_lossy(tail)
    );
    let after_show = &tail[find(tail, b"\x1b[?25h").unwrap_or(0) + 6..];
    assert!(
        !after_show.contains(&0x1b),
        "no escape sequence after the terminal was restored: {:?}",
        String::from_utf8_lossy(after_show)
    );
    let text = String::from_utf8_lossy(after_show);
    assert!(text.contains("incident log: incidents/"), "{text:?}");
}

#[test]
fn starts_on_the_built_in_drill_and_ctrl_c_restores_the_terminal() {
    let mut room = Room::start();
    room.wait_screen("the drill's title", |s| s.contains(TITLE_SHOWN));
    let (status, out) = room.quit();
    assert!(status.success(), "exit status {status:?}");
    assert_restored(&out);
}

#[test]
fn the_log_under_incidents_records_the_drill_and_who_came_and_went() {
    let mut room = Room::start();
    room.wait_screen("the drill's title", |s| s.contains(TITLE_SHOWN));
    room.wait_log("joined", |e| {
        e["kind"]["type"] == "joined" && e["kind"]["person"] == "pty-tester"
    });
    let started = room.wait_log("drill_started", |e| e["kind"]["type"] == "drill_started");
    assert_eq!(started["kind"]["scenario"], "checkout-outage");
    assert_eq!(started["kind"]["speed"], 6.0);
    assert_eq!(started["kind"]["title"], TITLE);
    let (status, out) = room.quit();
    assert!(status.success(), "exit status {status:?}");
    room.wait_log("left", |e| e["kind"]["type"] == "left");
    let log = room.log_path().expect("a log under incidents/");
    let name = log.file_name().and_then(|n| n.to_str()).unwrap_or("?");
    assert!(
        String::from_utf8_lossy(&out).contains(name),
        "the log's name is printed on leaving"
    );
}

#[test]
fn a_note_and_a_tick_show_on_screen_and_land_in_the_log() {
    let mut room = Room::start();
    room.wait_screen("the drill's title", |s| s.contains(TITLE_SHOWN));
    room.send(b":note hello from the pty\r");
    room.wait_screen("the note in the timeline", |s| {
        s.contains("hello from the pty")
    });
    let note = room.wait_log("the note", |e| {
        e["kind"]["type"] == "note" && e["kind"]["text"] == "hello from the pty"
    });
    assert_eq!(note["by"]["person"], "pty-tester");

    // Tab from the timeline to the checklists, space ticks the first item.
    room.send(b"\t");
    room.send(b" ");
    let tick = room.wait_log("the tick", |e| {
        e["kind"]["type"] == "checklist_toggled" && e["kind"]["done"] == true
    });
    assert_eq!(tick["kind"]["list"], "detection");
    let item = tick["kind"]["item"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    // The checklist pane marks it (the timeline's "✓ detection: ..." line does not count).
    let start: String = item.chars().take(12).collect();
    let marked = ["[x] ", "☑ ", "[✓] "].map(|m| format!("{m}{start}"));
    room.wait_screen("the item ticked in the checklist", |s| {
        marked.iter().any(|m| s.contains(m.as_str()))
    });
    let (status, out) = room.quit();
    assert!(status.success());
    assert_restored(&out);
}

#[test]
fn resolving_the_drill_shows_its_report_and_export_writes_the_postmortem() {
    let mut room = Room::start();
    room.wait_screen("the drill's title", |s| s.contains(TITLE_SHOWN));
    room.send(b":declare Checkout down in the sale\r");
    room.wait_log("the declaration", |e| {
        e["kind"]["type"] == "incident_declared"
    });
    room.send(b":resolve\r");
    room.wait_log("the resolution", |e| {
        e["kind"]["type"] == "state_changed" && e["kind"]["state"] == "resolved"
    });
    // The report takes the body of the screen: the people's times against the reference.
    room.wait_screen("the drill report", |s| {
        s.contains("Drill report") && s.contains("acknowledge") && s.contains("reference")
    });
    room.send(b"\x1b");
    room.wait_screen("the room again", |s| !s.contains("Drill report"));

    room.send(b":export\r");
    let log = room.log_path().expect("the incident log");
    let draft = log.with_extension("postmortem.md");
    room.wait_screen("the export message", |s| {
        s.contains("postmortem draft written")
    });
    let text = std::fs::read_to_string(&draft).expect("postmortem draft next to the log");
    assert!(text.contains("Checkout down in the sale"), "{text}");
    assert!(text.contains("resolved"), "{text}");
    let (status, out) = room.quit();
    assert!(status.success());
    assert_restored(&out);
}

#[test]
fn the_drill_briefing_shows_at_start_and_in_help_and_comes_from_the_log() {
    let mut room = Room::start();
    room.wait_screen("the briefing", |s| {
        s.contains("Drill briefing")
            && s.contains("A reconstructed drill")
            && s.contains("Invented")
    });
    // The log carries it, so SSH views and replays show the same briefing.
    let started = room.wait_log("drill_started", |e| e["kind"]["type"] == "drill_started");
    let briefing = started["kind"]["briefing"].as_str().unwrap_or_default();
    assert!(
        briefing.contains("A reconstructed drill")
            && briefing.contains("Invented: Everything numeric"),
        "{briefing}"
    );
    room.send(b"\x1b");
    room.wait_screen("the room without the briefing", |s| {
        !s.contains("Drill briefing") && s.contains("Timeline")
    });
    room.send(b"?");
    room.wait_screen("the briefing in the help", |s| {
        s.contains("Help") && s.contains("Drill briefing") && s.contains("A reconstructed drill")
    });
    let (status, out) = room.quit();
    assert!(status.success());
    assert_restored(&out);
}

#[test]
fn every_checklist_phase_shows_its_progress_at_80x24_and_120x40() {
    for (cols, rows) in [(80, 24), (120, 40)] {
        let mut room = Room::start_sized(cols, rows);
        room.wait_screen("the briefing", |s| s.contains("Drill briefing"));
        room.send(b"\x1b");
        let phases = |s: &str| {
            s.contains("Detection 0/7")
                && s.contains("Mitigation 0/7")
                && s.contains("Communication 0/7")
        };
        room.wait_screen(&format!("all three phases at {cols}x{rows}"), |s| {
            phases(s) && s.contains("[ ] Confirm impact")
        });
        // Focus the checklists, move to the last phase: it opens, the others stay listed.
        room.send(b"\t");
        room.send(b"\x1b[D");
        room.wait_screen(&format!("communication open at {cols}x{rows}"), |s| {
            phases(s) && s.contains("[ ] Name a comms lead") && !s.contains("[ ] Confirm impact")
        });
        let (status, _) = room.quit();
        assert!(status.success());
    }
}

/// Run in a child process (see below): enters the room's terminal mode, then panics.
fn panic_inside_the_terminal() {
    let _guard = warroom::term::local::TerminalGuard::enter().expect("terminal mode");
    print!("drawing a frame");
    let _ = std::io::stdout().flush();
    panic!("boom inside the room");
}

#[test]
fn a_panic_still_restores_the_terminal() {
    if std::env::var_os("WARROOM_E2E_PANIC_CHILD").is_some() {
        panic_inside_the_terminal();
    }
    // This test's own binary, re-run on this test only, in a pty, told to panic.
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
        "e2e_room::a_panic_still_restores_the_terminal",
        "--nocapture",
        "--test-threads=1",
    ]);
    cmd.env("WARROOM_E2E_PANIC_CHILD", "1");
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
        assert!(
            Instant::now() < deadline,
            "the panicking child did not exit"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!status.success(), "the child panicked");
    // Drain what is left, then close the pty so the reader ends.
    std::thread::sleep(Duration::from_millis(200));
    drop(pty.master);
    let _ = reader_thread.join();
    let out = out.lock().expect("out").clone();
    // The hook restores first; the drop guard restores once more while unwinding.
    let enter = find(&out, b"\x1b[?1049h").expect("entered the alternate screen");
    let leave = enter
        + out[enter..]
            .windows(8)
            .position(|w| w == b"\x1b[?1049l")
            .expect("left the alternate screen");
    let tail = &out[leave..];
    assert!(find(tail, b"\x1b[?25h").is_some(), "cursor shown again");
    let msg = out
        .windows(20)
        .position(|w| w == b"boom inside the room")
        .expect("the panic message is printed");
    assert!(
        msg > leave,
        "the panic message comes after the terminal was restored, readable on the main screen"
    );
}

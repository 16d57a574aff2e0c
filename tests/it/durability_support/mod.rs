//! Helpers for the durability tests: a small tmpfs mounted by the test (a disk that can be
//! filled), a log padded to whole pages (so the next append needs a new page), and the
//! real binary in a pty whose screen is read back through vt100.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use serde_json::Value;
use warroom::incident::{Actor, Draft, Event, EventKind};

pub const LIMIT: Duration = Duration::from_secs(60);
/// tmpfs allocates whole pages.
pub const PAGE: u64 = 4096;

/// A tmpfs of `size` mounted on a temporary folder (unmounted on drop).
pub struct Tmpfs {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl Tmpfs {
    /// Mounts it, or prints why the test is skipped (mounting needs root) and gives `None`.
    pub fn mount(test: &str, size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("disk");
        std::fs::create_dir_all(&path).expect("mkdir");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&path)
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Tmpfs { _dir: dir, path }),
            Ok(o) => {
                println!(
                    "SKIPPED: {test}: mounting a tmpfs is not permitted here ({}); run as root to test a full disk",
                    String::from_utf8_lossy(&o.stderr).trim()
                );
                None
            }
            Err(e) => {
                println!(
                    "SKIPPED: {test}: cannot run mount ({e}); run as root to test a full disk"
                );
                None
            }
        }
    }

    /// Fills what is left with a file (returns it; delete it to free the space).
    pub fn fill(&self) -> PathBuf {
        let filler = self.path.join("filler");
        let mut f = std::fs::File::create(&filler).expect("filler");
        let page = vec![0u8; PAGE as usize];
        loop {
            match f.write_all(&page) {
                Ok(()) => {}
                Err(e) if e.raw_os_error() == Some(28) => break,
                Err(e) => panic!("filling the disk: {e}"),
            }
        }
        // Writes are whole pages at page offsets: the disk is now full to the byte.
        filler
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

/// The length of `d`'s line in the log once it gets `id`.
pub fn line_len(d: &Draft, id: u64) -> u64 {
    serde_json::to_vec(&d.clone().into_event(id))
        .expect("event to JSON")
        .len() as u64
        + 1
}

/// A note that makes a log of `len` bytes end on a page boundary once appended with `id`.
pub fn padding_note(len: u64, id: u64) -> Draft {
    let at = Utc::now();
    let note = |text: String| {
        Draft::new(
            at,
            Actor::System,
            EventKind::Note {
                text: format!("padding {text}"),
            },
        )
    };
    let empty = line_len(&note(String::new()), id);
    let mut want = (PAGE - len % PAGE) % PAGE;
    while want < empty {
        want += PAGE;
    }
    let d = note("x".repeat((want - empty) as usize));
    assert_eq!((len + line_len(&d, id)) % PAGE, 0);
    d
}

pub fn read_log(path: &Path) -> Vec<Event> {
    let mut events = Vec::new();
    let (_, rec) = warroom::log::read(path, |e| events.push(e)).expect("the log reads back");
    assert!(rec.damaged.is_empty(), "damaged lines: {:?}", rec.damaged);
    events
}

pub fn note_texts(events: &[Event], prefix: &str) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Note { text } if text.starts_with(prefix) => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// `(failures, recoveries)` of the incident log recorded in the log.
pub fn log_health(events: &[Event]) -> (Vec<&Event>, Vec<&Event>) {
    let of = |want: bool| {
        events
            .iter()
            .filter(|e| {
                matches!(&e.kind, EventKind::SourceHealth { source, ok, .. }
                    if source == warroom::room::LOG_SOURCE && *ok == want)
            })
            .collect::<Vec<_>>()
    };
    (of(false), of(true))
}

pub fn json_events(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .skip(1)
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Tokens `kTTTTnIII` (trial, note) on screen rows that show recorded things: timeline
/// rows, and the status line once it says "recorded:". The command line being typed and
/// "not yet recorded" do not count.
pub fn recorded_tokens(screen: &str, out: &mut BTreeSet<String>) {
    const LEN: usize = 9;
    for row in screen.lines() {
        if row.contains("not yet recorded") {
            continue;
        }
        if row.contains(":note ") && !row.contains("recorded: :note ") {
            continue;
        }
        let b = row.as_bytes();
        for i in 0..b.len().saturating_sub(LEN - 1) {
            let t = &b[i..i + LEN];
            if t[0] == b'k'
                && t[1..5].iter().all(u8::is_ascii_digit)
                && t[5] == b'n'
                && t[6..9].iter().all(u8::is_ascii_digit)
                && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
                && (i + LEN == b.len() || !b[i + LEN].is_ascii_alphanumeric())
            {
                out.insert(String::from_utf8_lossy(t).into_owned());
            }
        }
    }
}

/// The note text of trial `t`, number `i`.
pub fn token(t: usize, i: usize) -> String {
    format!("k{t:04}n{i:03}")
}

/// The real binary in a 120x40 pty, in `home` (HOME and XDG folders below it).
pub struct Pty {
    pub child: Box<dyn Child + Send + Sync>,
    writer: Option<Box<dyn Write + Send>>,
    master: Option<Box<dyn MasterPty + Send>>,
    screen: Arc<Mutex<vt100::Parser>>,
    /// Note tokens seen as recorded, collected after every chunk of output.
    pub seen: Arc<Mutex<BTreeSet<String>>>,
    hang_up: Arc<AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
    pub home: PathBuf,
}

impl Pty {
    pub fn spawn(home: &Path, cwd: &Path, args: &[&str]) -> Pty {
        for d in ["home", "config", "state", "data"] {
            std::fs::create_dir_all(home.join(d)).expect("mkdir");
        }
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_warroom"));
        cmd.args(args);
        cmd.cwd(cwd);
        cmd.env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", home.join("home"));
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("XDG_STATE_HOME", home.join("state"));
        cmd.env("XDG_DATA_HOME", home.join("data"));
        cmd.env("USER", "pty-tester");
        let child = pty.slave.spawn_command(cmd).expect("start warroom");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(40).expect("rows"),
            std::num::NonZeroU16::new(120).expect("cols"),
            0,
        )));
        let seen = Arc::new(Mutex::new(BTreeSet::new()));
        let hang_up = Arc::new(AtomicBool::new(false));
        let (s2, seen2, h2) = (screen.clone(), seen.clone(), hang_up.clone());
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let text = {
                            let mut p = s2.lock().expect("screen");
                            p.process(&buf[..n]);
                            p.screen().contents()
                        };
                        recorded_tokens(&text, &mut seen2.lock().expect("seen"));
                    }
                }
                // The last handle on the master: dropping it hangs the terminal up.
                if h2.load(Ordering::SeqCst) {
                    break;
                }
            }
        });
        Pty {
            child,
            writer: Some(writer),
            master: Some(pty.master),
            screen,
            seen,
            hang_up,
            reader: Some(reader),
            home: home.to_path_buf(),
        }
    }

    pub fn contents(&self) -> String {
        self.screen.lock().expect("screen").screen().contents()
    }

    /// Polls the screen until `ok`, or fails with what it showed.
    pub fn wait_screen(&mut self, what: &str, ok: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + LIMIT;
        loop {
            let s = self.contents();
            if ok(&s) {
                return;
            }
            if let Ok(Some(st)) = self.child.try_wait() {
                panic!("warroom exited ({st:?}) while waiting for {what}; the screen shows:\n{s}");
            }
            assert!(
                Instant::now() < deadline,
                "waited for {what}; the screen shows:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        if let Some(w) = self.writer.as_mut() {
            // A room that is gone (killed) is not the test's failure here.
            let _ = w.write_all(bytes);
            let _ = w.flush();
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("pid")
    }

    /// SIGKILL: no handler runs, nothing is flushed by the room.
    pub fn kill9(&mut self) {
        let st = Command::new("kill")
            .args(["-KILL", &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(st.success(), "kill -KILL failed");
        self.wait_exit("SIGKILL");
    }

    /// Closes the master side, as a terminal window closing does.
    pub fn hang_up(&mut self) {
        self.writer = None;
        self.master = None;
        self.hang_up.store(true, Ordering::SeqCst);
    }

    pub fn wait_exit(&mut self, what: &str) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + LIMIT;
        loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                if let Some(r) = self.reader.take() {
                    // The reader ends with the terminal.
                    drop(self.master.take());
                    drop(self.writer.take());
                    let _ = r.join();
                }
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "warroom did not exit after {what}; the screen shows:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What warroom wrote to its diagnostic log.
    pub fn diagnostics(&self) -> String {
        std::fs::read_to_string(self.home.join("state/warroom/warroom.log")).unwrap_or_default()
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `warroom log verify LOG`: exit code and output.
pub fn verify(log: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(["log", "verify"])
        .arg(log)
        .output()
        .expect("run warroom log verify");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

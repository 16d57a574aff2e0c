//! The real binary in a pseudo-terminal, read back through a terminal emulator (vt100).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

pub struct Session {
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Session {
    pub fn text(&self) -> String {
        self.screen
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default()
    }
    pub fn output(&self) -> String {
        self.raw
            .lock()
            .map(|r| String::from_utf8_lossy(&r).into_owned())
            .unwrap_or_default()
    }
    /// Types `s` key by key, as a person would.
    pub fn send(&mut self, s: &str) {
        for c in s.chars() {
            let mut b = [0u8; 4];
            if let Ok(mut w) = self.writer.lock() {
                let _ = w.write_all(c.encode_utf8(&mut b).as_bytes());
                let _ = w.flush();
            }
            std::thread::sleep(Duration::from_millis(15));
        }
        std::thread::sleep(Duration::from_millis(150));
    }
    /// Pastes `s` at once, as a terminal does with bracketed paste on.
    pub fn paste(&mut self, s: &str) {
        if let Ok(mut w) = self.writer.lock() {
            let _ = w.write_all(format!("\x1b[200~{s}\x1b[201~").as_bytes());
            let _ = w.flush();
        }
        std::thread::sleep(Duration::from_millis(150));
    }
    pub fn wait_for(&self, what: &str, timeout: Duration) -> bool {
        let end = Instant::now() + timeout;
        while Instant::now() < end {
            if self.text().contains(what) || self.output().contains(what) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

pub fn spawn(args: &[&str], cwd: &Path) -> Session {
    let pty = native_pty_system();
    let pair = pty
        .openpty(PtySize {
            rows: 40,
            cols: 140,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap_or_else(|e| panic!("openpty: {e}"));
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_warroom"));
    cmd.args(args);
    cmd.cwd(cwd);
    cmd.env("TERM", "xterm-256color");
    cmd.env("WARROOM_USER", "tester");
    cmd.env("XDG_CONFIG_HOME", cwd.join("xdg"));
    let child = pair
        .slave
        .spawn_command(cmd)
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    drop(pair.slave);
    let mut reader = pair
        .master
        .try_clone_reader()
        .unwrap_or_else(|e| panic!("{e}"));
    let writer: Arc<Mutex<Box<dyn Write + Send>>> = Arc::new(Mutex::new(
        pair.master.take_writer().unwrap_or_else(|e| panic!("{e}")),
    ));
    let screen = Arc::new(Mutex::new(vt100::Parser::new(
        std::num::NonZeroU16::MIN.saturating_add(39),
        std::num::NonZeroU16::MIN.saturating_add(139),
        0,
    )));
    let raw = Arc::new(Mutex::new(Vec::new()));
    let (s2, r2, w2) = (screen.clone(), raw.clone(), writer.clone());
    std::thread::spawn(move || {
        let _master = pair.master;
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            if let Ok(mut p) = s2.lock() {
                p.process(&buf[..n]);
            }
            if let Ok(mut r) = r2.lock() {
                r.extend_from_slice(&buf[..n]);
            }
            // Answer cursor position queries (ESC [ 6 n) as a terminal would.
            if buf[..n].windows(4).any(|w| w == b"\x1b[6n")
                && let Ok(mut w) = w2.lock()
            {
                let (row, col) = s2
                    .lock()
                    .map(|p| p.screen().cursor_position())
                    .unwrap_or((0, 0));
                let _ = write!(w, "\x1b[{};{}R", row + 1, col + 1);
                let _ = w.flush();
            }
        }
    });
    Session {
        screen,
        raw,
        writer,
        child,
    }
}

//! Test harness for the SSH views: the real OpenSSH client in a pseudo-terminal, read back
//! through the vt100 terminal emulator, against a server started in the test process.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};
use warroom::config::SshConfig;
use warroom::incident::{Actor, Draft, EventKind, Incident, Severity};
use warroom::room::{Look, RoomHandle};
use warroom::term::ssh::{self, Login, SshServer};

pub const SSH: &str = "/usr/bin/ssh";
pub const SSH_KEYGEN: &str = "/usr/bin/ssh-keygen";

/// Longer than 80 columns: `END` shows only on a terminal wider than 100.
pub const TITLE: &str =
    "Checkout failures: card payments time out for most EU customers since the deploy  END";

/// False (after printing SKIPPED) when the OpenSSH client is missing; under CI, fails.
pub fn have_ssh(test: &str) -> bool {
    if Path::new(SSH).exists() && Path::new(SSH_KEYGEN).exists() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("{test} needs the OpenSSH client: apt-get install openssh-client");
    }
    println!("SKIPPED: {test} needs openssh-client");
    false
}

/// Keys, access files and a room served over SSH on a free loopback port.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub room: RoomHandle,
    pub server: Option<SshServer>,
    pub config: SshConfig,
}

pub fn keygen(dir: &Path, file: &str, comment: &str) -> PathBuf {
    let path = dir.join(file);
    let st = Command::new(SSH_KEYGEN)
        .args(["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f"])
        .arg(&path)
        .status()
        .expect("ssh-keygen runs");
    assert!(st.success(), "ssh-keygen failed");
    path
}

pub fn pubkey(path: &Path) -> String {
    std::fs::read_to_string(path.with_extension("pub")).expect("public key")
}

impl Fixture {
    /// Responders ana (comment `ana@laptop`) and bo (`warroom-name="bo"`), observer eve,
    /// and mallory whose key is in no file.
    pub async fn start() -> Fixture {
        Fixture::start_with(ssh::ServeOptions::default()).await
    }

    pub async fn start_with(options: ssh::ServeOptions) -> Fixture {
        Fixture::start_custom(options, |_| {}).await
    }

    /// With the SSH config adjusted by `tweak` (limits).
    pub async fn start_custom(
        options: ssh::ServeOptions,
        tweak: impl FnOnce(&mut SshConfig),
    ) -> Fixture {
        Fixture::start_looking(options, tweak, Look::default()).await
    }

    /// A room whose configured theme is `look` (as `[ui] theme` in config gives it).
    pub async fn start_look(look: Look) -> Fixture {
        Fixture::start_looking(ssh::ServeOptions::default(), |_| {}, look).await
    }

    async fn start_looking(
        options: ssh::ServeOptions,
        tweak: impl FnOnce(&mut SshConfig),
        look: Look,
    ) -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        let ana = keygen(d, "ana", "ana@laptop");
        let bo = keygen(d, "bo", "someone-else");
        let eve = keygen(d, "eve", "eve");
        keygen(d, "mallory", "mallory");
        let authorized = d.join("authorized_keys");
        std::fs::write(
            &authorized,
            format!(
                "# responders\n{}warroom-name=\"bo\" {}",
                pubkey(&ana),
                pubkey(&bo)
            ),
        )
        .expect("write authorized_keys");
        let observers = d.join("observers");
        std::fs::write(&observers, pubkey(&eve)).expect("write observers");
        let config = SshConfig {
            authorized_keys: Some(authorized),
            observers: Some(observers),
            host_key: Some(d.join("state").join("host_key")),
            ..SshConfig::default()
        };
        let mut config = config;
        tweak(&mut config);
        let mut inc = Incident::new();
        inc.title = TITLE.to_string();
        let room = RoomHandle::start_in_memory(inc).with_look(look);
        room.record(Draft::new(
            Utc::now(),
            Actor::person("ic"),
            EventKind::IncidentDeclared {
                title: TITLE.to_string(),
                severity: Severity::Sev2,
            },
        ))
        .await
        .expect("room runs");
        let server = ssh::serve_with(room.clone(), &config, "127.0.0.1:0", options)
            .await
            .expect("ssh server starts");
        Fixture {
            dir,
            room,
            server: Some(server),
            config,
        }
    }

    /// Replaces the responders file (read at each login).
    pub fn write_responders(&self, text: &str) {
        std::fs::write(self.dir.path().join("authorized_keys"), text).expect("write keys");
    }

    /// The public key line of key `name`.
    pub fn pubkey(&self, name: &str) -> String {
        pubkey(&self.key(name)).trim().to_string()
    }

    /// The audit trail from now on.
    pub fn logins(&self) -> tokio::sync::broadcast::Receiver<Login> {
        self.server.as_ref().expect("server").logins()
    }

    /// Signs key `key` with CA `ca` (both made by `keygen` in this fixture's dir): `args`
    /// are `ssh-keygen -s` options such as `-n ana -V +1h`. Writes `KEY-cert.pub`.
    pub fn sign(&self, ca: &str, key: &str, args: &[&str]) {
        let st = Command::new(SSH_KEYGEN)
            .arg("-q")
            .arg("-s")
            .arg(self.key(ca))
            .args(args)
            .arg(self.key(key).with_extension("pub"))
            .status()
            .expect("ssh-keygen runs");
        assert!(st.success(), "ssh-keygen -s {args:?} failed");
    }

    pub fn port(&self) -> u16 {
        self.server.as_ref().expect("server").local_addr().port()
    }

    pub fn key(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn known_hosts(&self) -> PathBuf {
        self.dir.path().join("known_hosts")
    }

    /// The common client options: only this key, no agent, no user config.
    pub fn ssh_args(&self, user: &str, key: &str, port: u16) -> Vec<String> {
        vec![
            "-F".into(),
            "/dev/null".into(),
            "-p".into(),
            port.to_string(),
            "-i".into(),
            self.key(key).display().to_string(),
            "-o".into(),
            "IdentitiesOnly=yes".into(),
            "-o".into(),
            "BatchMode=yes".into(),
            "-o".into(),
            "StrictHostKeyChecking=accept-new".into(),
            "-o".into(),
            format!("UserKnownHostsFile={}", self.known_hosts().display()),
            "-o".into(),
            "HostKeyAlias=warroom-test".into(),
            "-o".into(),
            "ConnectTimeout=10".into(),
            format!("{user}@127.0.0.1"),
        ]
    }

    /// `ssh` without a pty (for refusals and -T), with a time limit; (exit ok, stdout, stderr).
    pub async fn run_ssh(&self, extra: &[&str], user: &str, key: &str) -> (bool, String, String) {
        self.run_ssh_command(extra, user, key, None).await
    }

    /// Like `run_ssh`, asking the server to run `command`.
    pub async fn run_ssh_command(
        &self,
        extra: &[&str],
        user: &str,
        key: &str,
        command: Option<&str>,
    ) -> (bool, String, String) {
        let mut args: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        args.extend(self.ssh_args(user, key, self.port()));
        args.extend(command.map(String::from));
        let out = tokio::time::timeout(
            Duration::from_secs(30),
            tokio::process::Command::new(SSH)
                .args(&args)
                .env_remove("SSH_AUTH_SOCK")
                .stdin(std::process::Stdio::null())
                .kill_on_drop(true)
                .output(),
        )
        .await
        .expect("ssh finishes in time")
        .expect("ssh runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// `ssh -tt` in a pseudo-terminal of `cols`x`rows`.
    pub fn connect(&self, user: &str, key: &str, cols: u16, rows: u16) -> Client {
        Client::spawn(self.ssh_args(user, key, self.port()), cols, rows, true)
    }

    /// Like `connect`, but nobody reads the terminal: the client stops taking data.
    pub fn connect_never_reading(&self, user: &str, key: &str, cols: u16, rows: u16) -> Client {
        Client::spawn(self.ssh_args(user, key, self.port()), cols, rows, false)
    }

    pub async fn record(&self, kind: EventKind) {
        self.room
            .record(Draft::new(Utc::now(), Actor::source("test"), kind))
            .await
            .expect("room runs");
    }

    /// Polls the room's folded state until `f` holds.
    pub async fn wait_room(&self, what: &str, f: impl Fn(&Incident) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if f(&self.room.read()) {
                return;
            }
            assert!(Instant::now() < deadline, "room never showed: {what}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn stop(&mut self) {
        if let Some(s) = self.server.take() {
            s.stop().await;
        }
    }
}

/// Strings being watched for on a client's screen, with when they first appeared.
type Watch = Arc<Mutex<Vec<(String, Option<Instant>)>>>;

/// One `ssh -tt` in a pseudo-terminal.
pub struct Client {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    pub screen: Arc<Mutex<vt100::Parser>>,
    pub bytes: Arc<AtomicUsize>,
    watch: Watch,
    /// Held while nobody reads (the never-reading client).
    _unread: Option<Box<dyn Read + Send>>,
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n.max(1)).expect("non-zero")
}

impl Client {
    /// `ssh -tt ARGS` in a pseudo-terminal, read through vt100.
    pub fn spawn_ssh(args: Vec<String>, cols: u16, rows: u16) -> Client {
        Client::spawn(args, cols, rows, true)
    }

    fn spawn(args: Vec<String>, cols: u16, rows: u16, read: bool) -> Client {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(SSH);
        cmd.arg("-tt");
        cmd.args(&args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("SSH_AUTH_SOCK");
        let child = pty.slave.spawn_command(cmd).expect("spawn ssh");
        drop(pty.slave);
        let writer = pty.master.take_writer().expect("pty writer");
        let reader = pty.master.try_clone_reader().expect("pty reader");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(nz(rows), nz(cols), 0)));
        let bytes = Arc::new(AtomicUsize::new(0));
        let watch: Watch = Arc::new(Mutex::new(Vec::new()));
        let mut unread = None;
        if read {
            let (screen, bytes, watch) = (screen.clone(), bytes.clone(), watch.clone());
            std::thread::spawn(move || read_loop(reader, screen, bytes, watch));
        } else {
            unread = Some(reader);
        }
        Client {
            child,
            master: pty.master,
            writer,
            screen,
            bytes,
            watch,
            _unread: unread,
        }
    }

    pub fn contents(&self) -> String {
        self.screen.lock().expect("screen").screen().contents()
    }

    /// The text of row `y`.
    pub fn row(&self, y: u16) -> String {
        let p = self.screen.lock().expect("screen");
        let (_, cols) = p.screen().size();
        p.screen().contents_between(y, 0, y, cols.get())
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// Waits until the screen contains `text`.
    pub async fn wait_for(&self, text: &str) {
        self.wait_until(text, |s| s.contains(text)).await
    }

    pub async fn wait_until(&self, what: &str, f: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let c = self.contents();
            if f(&c) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "screen never showed {what:?}; it shows:\n{c}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Watch for `text`; [`Client::seen_at`] tells when it first appeared.
    pub fn watch(&self, text: &str) {
        self.watch
            .lock()
            .expect("watch")
            .push((text.to_string(), None));
    }

    pub fn seen_at(&self, text: &str) -> Option<Instant> {
        self.watch
            .lock()
            .expect("watch")
            .iter()
            .find(|(t, _)| t == text)
            .and_then(|(_, at)| *at)
    }

    /// Resizes the terminal. The local screen is wiped in the same step, so whatever shows
    /// afterwards was drawn again by the server.
    pub fn resize_and_wipe(&mut self, cols: u16, rows: u16) {
        let mut p = self.screen.lock().expect("screen");
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize pty");
        p.set_size(nz(rows), nz(cols));
        p.process(b"\x1b[2J\x1b[H");
    }

    /// Waits for ssh to exit; None if it is still running after `secs`.
    pub async fn wait_exit(&mut self, secs: u64) -> Option<portable_pty::ExitStatus> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Ok(Some(st)) = self.child.try_wait() {
                return Some(st);
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_loop(
    mut reader: Box<dyn Read + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    bytes: Arc<AtomicUsize>,
    watch: Watch,
) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        bytes.fetch_add(n, Ordering::Relaxed);
        let contents = {
            let mut p = match screen.lock() {
                Ok(p) => p,
                Err(_) => return,
            };
            p.process(&buf[..n]);
            p.screen().contents()
        };
        let now = Instant::now();
        if let Ok(mut w) = watch.lock() {
            for (text, at) in w.iter_mut() {
                if at.is_none() && contents.contains(text.as_str()) {
                    *at = Some(now);
                }
            }
        }
    }
}

/// Waits for an audit record that satisfies `f`; fails with what was seen.
pub async fn wait_login(
    rx: &mut tokio::sync::broadcast::Receiver<Login>,
    what: &str,
    f: impl Fn(&Login) -> bool,
) -> Login {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Ok(l)) if f(&l) => return l,
            Ok(Ok(l)) => seen.push(l.to_string()),
            Ok(Err(e)) => panic!("audit trail ended ({e}) before {what}; seen: {seen:#?}"),
            Err(_) => panic!("no audit line for {what}; seen: {seen:#?}"),
        }
    }
}

/// The OpenSSH client's options for a test login as `user` with `key` to a room on
/// `port`: only that key, no agent, no user config. With `known_hosts` the host key is
/// learnt there on first use; without, any host key is taken.
pub fn client_args(port: u16, key: &Path, user: &str, known_hosts: Option<&Path>) -> Vec<String> {
    let (strict, file) = match known_hosts {
        Some(kh) => ("accept-new", kh.display().to_string()),
        None => ("no", "/dev/null".to_string()),
    };
    vec![
        "-F".into(),
        "/dev/null".into(),
        "-p".into(),
        port.to_string(),
        "-i".into(),
        key.display().to_string(),
        "-o".into(),
        "IdentitiesOnly=yes".into(),
        "-o".into(),
        "BatchMode=yes".into(),
        "-o".into(),
        format!("StrictHostKeyChecking={strict}"),
        "-o".into(),
        format!("UserKnownHostsFile={file}"),
        format!("{user}@127.0.0.1"),
    ]
}

/// The port of the address line `warroom serve --ssh` prints first.
pub fn served_port(line: &str) -> u16 {
    line.trim()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
}

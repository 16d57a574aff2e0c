//! `warroom serve --ssh ADDR`: the real binary, joined with the real OpenSSH client.
use crate::ssh_support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use ssh_support::{Client, SSH_KEYGEN, have_ssh, keygen};

struct Serve(std::process::Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_prints_address_and_fingerprint_serves_views_and_stops_on_sigterm() {
    if !have_ssh("serve_prints_address_and_fingerprint_serves_views_and_stops_on_sigterm") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = keygen(d, "ana", "ana@laptop");
    std::fs::copy(key.with_extension("pub"), d.join("authorized_keys")).unwrap();
    std::fs::write(
        d.join("config.toml"),
        "[incident]\ntitle = \"Served headless\"\nseverity = \"SEV2\"\n\n[ssh]\nauthorized_keys = \"authorized_keys\"\nhost_key = \"keys/host_key\"\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .arg("--config")
        .arg(d.join("config.toml"))
        .args(["serve", "--ssh", "127.0.0.1:0"])
        .current_dir(d)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let serve = Serve(child);
    let mut first = String::new();
    let mut second = String::new();
    out.read_line(&mut first).unwrap();
    out.read_line(&mut second).unwrap();
    assert!(first.contains("Served headless"), "{first}");
    let port = ssh_support::served_port(&first);
    let fp = second
        .trim()
        .strip_prefix("host key fingerprint: ")
        .unwrap();
    let keygen_l = Command::new(SSH_KEYGEN)
        .arg("-lf")
        .arg(d.join("keys").join("host_key"))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&keygen_l.stdout).contains(fp),
        "{fp}"
    );

    let kh = d.join("known_hosts");
    let args = ssh_support::client_args(port, &key, "ana", Some(kh.as_path()));
    let mut ana = Client::spawn_ssh(args, 80, 24);
    ana.wait_for("Served headless").await;

    // SIGTERM: the view is told, its terminal restored, and the server exits 0.
    let pid = serve.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    ana.wait_for("server is stopping").await;
    assert!(
        ana.wait_exit(10).await.is_some(),
        "ssh still connected after the server stopped"
    );
    assert!(!ana.screen.lock().unwrap().screen().alternate_screen());
    let mut serve = serve;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(st) = serve.0.try_wait().unwrap() {
            break st;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "serve did not exit on SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_prints_one_line_per_accepted_and_refused_login_on_stderr() {
    if !have_ssh("serve_prints_one_line_per_accepted_and_refused_login_on_stderr") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = keygen(d, "ana", "ana@laptop");
    let stranger = keygen(d, "mallory", "mallory");
    std::fs::copy(key.with_extension("pub"), d.join("authorized_keys")).unwrap();
    std::fs::write(
        d.join("config.toml"),
        "[incident]\ntitle = \"Audited\"\nseverity = \"SEV2\"\n\n[ssh]\nauthorized_keys = \"authorized_keys\"\nhost_key = \"keys/host_key\"\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .arg("--config")
        .arg(d.join("config.toml"))
        .args(["serve", "--ssh", "127.0.0.1:0"])
        .current_dir(d)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let err = BufReader::new(child.stderr.take().unwrap());
    let _serve = Serve(child);
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in err.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let port = first.trim().rsplit(':').next().unwrap().to_string();
    let run = |key: &std::path::Path, user: &str| {
        Command::new(ssh_support::SSH)
            .args(["-F", "/dev/null", "-T", "-p", &port, "-i"])
            .arg(key)
            .args(["-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes"])
            .args([
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
            ])
            .arg(format!("{user}@127.0.0.1"))
            .env_remove("SSH_AUTH_SOCK")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let ok = run(&key, "ana");
    assert!(String::from_utf8_lossy(&ok.stdout).contains("warroom needs a terminal"));
    let bad = run(&stranger, "mallory");
    assert!(!bad.status.success());
    let mut lines = Vec::new();
    let wanted = |lines: &[String]| {
        lines.iter().any(|l| {
            l.starts_with("warroom: ssh login ")
                && l.contains("accepted ana as responder from 127.0.0.1:")
                && l.contains(" key SHA256:")
        }) && lines.iter().any(|l| {
            l.contains("refused mallory from 127.0.0.1:")
                && l.contains("the key is in no access file")
        })
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while !wanted(&lines) {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(l) => lines.push(l),
            Err(_) => panic!("no login lines on stderr: {lines:#?}"),
        }
    }
}

//! Access as an OpenSSH administrator writes it: entry options (`from=`, `expiry-time=`,
//! `no-pty`, unknown options refused), user certificates from a CA made with `ssh-keygen`,
//! revoked keys (KRL from `ssh-keygen -k`), and the audit line of each attempt. The real
//! OpenSSH client and ssh-keygen throughout.
use crate::ssh_support;

use std::process::Command;

use russh::keys::Certificate;
use ssh_support::{Fixture, SSH_KEYGEN, TITLE, have_ssh, keygen, wait_login};
use warroom::term::ssh::{Access, Credential, Role, ServeOptions};

fn joined(fx: &Fixture) -> bool {
    fx.room.read().present.contains("ana")
}

/// `ssh -T` got as far as the room (which then says it needs a terminal).
fn logged_in(out: &str) -> bool {
    out.contains("warroom needs a terminal")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_patterns_admit_only_the_addresses_they_match() {
    if !have_ssh("from_patterns_admit_only_the_addresses_they_match") {
        return;
    }
    let mut fx = Fixture::start().await;
    let ana = fx.pubkey("ana");
    let mut log = fx.logins();
    for (pattern, admitted) in [
        ("127.0.0.1", true),
        ("10.0.0.0/8", false),
        ("10.0.0.0/8,127.0.0.0/8", true),
        ("127.0.0.*", true),
        ("*,!127.0.0.0/8", false),
        ("127.0.0.?,!10.*", true),
        ("!127.0.0.1", false),
    ] {
        fx.write_responders(&format!("from=\"{pattern}\" {ana}\n"));
        let (_, out, err) = fx.run_ssh(&["-T"], "ana", "ana").await;
        assert_eq!(logged_in(&out), admitted, "from={pattern:?}: {out} {err}");
        let line = wait_login(&mut log, "a judged key", |l| {
            matches!(l.credential, Credential::Key { .. })
        })
        .await;
        if admitted {
            assert_eq!(line.outcome, Ok(Role::Responder), "{line}");
        } else {
            assert!(err.contains("Permission denied"), "{err}");
            let text = line.to_string();
            assert!(
                text.contains("refused ana from 127.0.0.1:")
                    && text.contains(&format!("from=\"{pattern}\" does not match 127.0.0.1")),
                "{text}"
            );
        }
    }
    fx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_entry_is_refused_and_a_future_expiry_is_not() {
    if !have_ssh("an_expired_entry_is_refused_and_a_future_expiry_is_not") {
        return;
    }
    let mut fx = Fixture::start().await;
    let ana = fx.pubkey("ana");
    let mut log = fx.logins();
    fx.write_responders(&format!("expiry-time=\"20200101\" {ana}\n"));
    let (ok, out, err) = fx.run_ssh(&["-T"], "ana", "ana").await;
    assert!(
        !ok && !logged_in(&out) && err.contains("Permission denied"),
        "{err}"
    );
    let line = wait_login(&mut log, "the expired key", |l| !l.accepted()).await;
    assert!(line.to_string().contains("expired at 2020-01-01"), "{line}");
    fx.write_responders(&format!("expiry-time=\"29991231235959Z\" {ana}\n"));
    let (_, out, _) = fx.run_ssh(&["-T"], "ana", "ana").await;
    assert!(logged_in(&out), "{out}");
    fx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_no_pty_key_is_told_it_cannot_have_a_view_and_closed() {
    if !have_ssh("a_no_pty_key_is_told_it_cannot_have_a_view_and_closed") {
        return;
    }
    let mut fx = Fixture::start().await;
    let ana = fx.pubkey("ana");
    fx.write_responders(&format!("no-port-forwarding,no-pty {ana}\n"));
    let mut client = fx.connect("ana", "ana", 80, 24);
    client.wait_for("this key may not have a terminal").await;
    assert!(client.wait_exit(10).await.is_some(), "ssh still open");
    assert!(!joined(&fx), "no view, no join");
    // `restrict` takes the pty away too; `restrict,pty` gives it back.
    fx.write_responders(&format!("restrict {ana}\n"));
    let mut client = fx.connect("ana", "ana", 80, 24);
    client.wait_for("this key may not have a terminal").await;
    assert!(client.wait_exit(10).await.is_some());
    fx.write_responders(&format!("restrict,pty {ana}\n"));
    let client = fx.connect("ana", "ana", 80, 24);
    client.wait_for(&TITLE[..30]).await;
    fx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_option_refuses_the_key_and_check_names_file_and_line() {
    if !have_ssh("an_unknown_option_refuses_the_key_and_check_names_file_and_line") {
        return;
    }
    let mut fx = Fixture::start().await;
    let ana = fx.pubkey("ana");
    let mut log = fx.logins();
    fx.write_responders(&format!(
        "# team\n{}\npermitlisten=\"8080\",no-agent-forwarding {ana}\n",
        fx.pubkey("bo")
            .replace("ssh-ed25519", "warroom-name=\"bo\" ssh-ed25519")
    ));
    let (ok, out, err) = fx.run_ssh(&["-T"], "ana", "ana").await;
    assert!(!ok && !logged_in(&out), "{out} {err}");
    let line = wait_login(&mut log, "ana refused", |l| !l.accepted()).await;
    assert!(
        line.to_string()
            .contains("authorized_keys:3: option `permitlisten` is not supported"),
        "{line}"
    );
    // bo's entry beside it still works.
    let (_, out, _) = fx.run_ssh(&["-T"], "bo", "bo").await;
    assert!(logged_in(&out), "{out}");

    let d = fx.dir.path();
    std::fs::write(
        d.join("config.toml"),
        "[incident]\ntitle = \"t\"\nseverity = \"SEV2\"\n\n[ssh]\nauthorized_keys = \"authorized_keys\"\nobservers = \"observers\"\n",
    )
    .unwrap();
    let check = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .arg("--config")
        .arg(d.join("config.toml"))
        .arg("check")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    let expected = format!(
        "{}:3: option `permitlisten` is not supported; this key will be refused",
        d.join("authorized_keys").display()
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "only that entry: {stderr}");
    fx.stop().await;
}

/// A CA and one key per case, made with ssh-keygen in the fixture's dir; responders hold
/// only the CA (so a key can only get in through its certificate).
fn ca_fixture(fx: &Fixture, keys: &[&str]) {
    let d = fx.dir.path();
    keygen(d, "ca", "team CA");
    for k in keys {
        keygen(d, k, "no-name-here");
    }
    fx.write_responders(&format!(
        "cert-authority,principals=\"ana,bo\" {}\n",
        fx.pubkey("ca")
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_certificate_logs_in_as_its_principal() {
    if !have_ssh("a_user_certificate_logs_in_as_its_principal") {
        return;
    }
    let mut fx = Fixture::start().await;
    ca_fixture(&fx, &["cana"]);
    fx.sign(
        "ca",
        "cana",
        &["-I", "ana-laptop", "-n", "ana", "-V", "+1h", "-z", "42"],
    );
    let mut log = fx.logins();
    let client = fx.connect("ana", "cana", 80, 24);
    client.wait_for(&TITLE[..30]).await;
    fx.wait_room("ana joined", |i| i.present.contains("ana"))
        .await;
    let line = wait_login(&mut log, "ana accepted", |l| l.accepted()).await;
    let text = line.to_string();
    assert!(
        text.contains("accepted ana as responder from 127.0.0.1:")
            && text.contains("certificate serial 42 id \"ana-laptop\""),
        "{text}"
    );
    // The same certificate does not make its holder bo.
    let (ok, _, _) = fx.run_ssh(&["-T"], "bo", "cana").await;
    assert!(!ok);
    fx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificates_are_refused_when_expired_for_someone_else_host_from_elsewhere_or_revoked() {
    if !have_ssh(
        "certificates_are_refused_when_expired_for_someone_else_host_from_elsewhere_or_revoked",
    ) {
        return;
    }
    let mut fx = Fixture::start_custom(ServeOptions::default(), |c| {
        let dir = c.authorized_keys.as_ref().unwrap().parent().unwrap();
        // Empty for now (an empty list revokes nothing); the KRL replaces it below.
        std::fs::write(dir.join("revoked.krl"), "").unwrap();
        c.revoked_keys = Some(dir.join("revoked.krl"));
    })
    .await;
    let d = fx.dir.path().to_path_buf();
    ca_fixture(
        &fx,
        &["expired", "forbo", "host", "elsewhere", "revoked", "good"],
    );
    fx.sign(
        "ca",
        "expired",
        &["-I", "x", "-n", "ana", "-V", "20200101:20200102"],
    );
    fx.sign("ca", "forbo", &["-I", "x", "-n", "bo", "-V", "+1h"]);
    fx.sign("ca", "host", &["-I", "x", "-h", "-n", "ana", "-V", "+1h"]);
    fx.sign(
        "ca",
        "elsewhere",
        &[
            "-I",
            "x",
            "-n",
            "ana",
            "-V",
            "+1h",
            "-O",
            "source-address=10.0.0.0/8",
        ],
    );
    fx.sign(
        "ca",
        "revoked",
        &["-I", "x", "-n", "ana", "-V", "+1h", "-z", "9"],
    );
    fx.sign(
        "ca",
        "good",
        &["-I", "x", "-n", "ana", "-V", "+1h", "-z", "10"],
    );
    // A KRL revoking serial 9 of this CA, and bo's plain key.
    std::fs::write(d.join("krl.spec"), "serial: 9\n").unwrap();
    let st = Command::new(SSH_KEYGEN)
        .args(["-q", "-k", "-f"])
        .arg(d.join("revoked.krl"))
        .arg("-s")
        .arg(d.join("ca.pub"))
        .arg(d.join("krl.spec"))
        .status()
        .unwrap();
    assert!(st.success());
    let st = Command::new(SSH_KEYGEN)
        .args(["-q", "-k", "-u", "-f"])
        .arg(d.join("revoked.krl"))
        .arg(d.join("bo.pub"))
        .status()
        .unwrap();
    assert!(st.success());

    let mut log = fx.logins();
    // The expired certificate never reaches the room's checks (the SSH layer refuses it):
    // the connection's closing line says so.
    let (ok, out, _) = fx.run_ssh(&["-T"], "ana", "expired").await;
    assert!(!ok && !logged_in(&out));
    let line = wait_login(&mut log, "the expired certificate's connection", |l| {
        l.credential == Credential::None && l.to_string().contains("expired, not yet valid")
    })
    .await;
    assert!(
        line.to_string().contains("refused ana from 127.0.0.1:"),
        "{line}"
    );

    let cases: [(&str, &str); 3] = [
        ("forbo", "the certificate is for bo, not this user"),
        (
            "elsewhere",
            "critical option source-address \"10.0.0.0/8\" does not match 127.0.0.1",
        ),
        ("revoked", "certificate serial 9 is revoked"),
    ];
    for (key, reason) in cases {
        let (ok, out, err) = fx.run_ssh(&["-T"], "ana", key).await;
        assert!(
            !ok && !logged_in(&out) && err.contains("Permission denied"),
            "{key}: {err}"
        );
        let line = wait_login(&mut log, key, |l| {
            matches!(l.credential, Credential::Certificate { .. })
        })
        .await;
        let text = line.to_string();
        assert!(
            text.contains("refused ana from 127.0.0.1:") && text.contains(reason),
            "{key}: {text}"
        );
    }
    // OpenSSH's client will not offer a host certificate for login ("not a user
    // certificate"); the room refuses one all the same, judged from ssh-keygen's file.
    let (ok, out, _) = fx.run_ssh(&["-T"], "ana", "host").await;
    assert!(!ok && !logged_in(&out));
    let host = Certificate::read_file(&d.join("host-cert.pub")).unwrap();
    let access = Access {
        responders: fx.config.authorized_keys.clone(),
        observers: None,
        revoked: None,
    };
    let e = access
        .check_cert("ana", &host, "127.0.0.1".parse().unwrap())
        .unwrap_err();
    assert_eq!(e.to_string(), "a host certificate, not a user certificate");

    // The KRL was read (not refused as unreadable): a good certificate gets in, and the
    // revoked plain key of bo does not.
    let (_, out, err) = fx.run_ssh(&["-T"], "ana", "good").await;
    assert!(logged_in(&out), "{out} {err}");
    let bo = fx.pubkey("bo");
    fx.write_responders(&format!("warroom-name=\"bo\" {bo}\n"));
    let (ok, _, _) = fx.run_ssh(&["-T"], "bo", "bo").await;
    assert!(!ok);
    let line = wait_login(&mut log, "bo's revoked key", |l| {
        l.user == "bo" && matches!(l.credential, Credential::Key { .. })
    })
    .await;
    assert!(line.to_string().contains("the key is revoked"), "{line}");
    fx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_keys_file_the_room_cannot_read_stops_the_server_from_starting() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("authorized_keys"), "").unwrap();
    std::fs::write(d.join("revoked"), "this is not a key\n").unwrap();
    let config = warroom::config::SshConfig {
        authorized_keys: Some(d.join("authorized_keys")),
        host_key: Some(d.join("host_key")),
        revoked_keys: Some(d.join("revoked")),
        ..Default::default()
    };
    let room = warroom::room::RoomHandle::start_in_memory(warroom::incident::Incident::new());
    let e = match warroom::term::ssh::serve(room, &config, "127.0.0.1:0").await {
        Ok(_) => panic!("served with an unreadable revoked-keys file"),
        Err(e) => e.to_string(),
    };
    assert!(
        e.contains("revoked") && e.contains("line 1: not a public key"),
        "{e}"
    );
}

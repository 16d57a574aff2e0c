//! One incident across rooms on NATS JetStream: the real `nats-server -js` on a free
//! port, the real binary in ptys. What people see: each other's notes, authored, in the
//! same order; a killed room comes back with the same state; a server outage loses
//! nothing and repeats nothing; a pulled incident replays as its local mirror.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::nats_support::{Nats, have_nats, notes, room_dir, stream_notes};
use crate::pty;

const WAIT: Duration = Duration::from_secs(30);

fn open_room(dir: &Path, user: &str) -> pty::Session {
    let s = pty::spawn(&["--user", user], dir);
    assert!(
        s.wait_for("Checkout failing at the gateway", WAIT),
        "{}",
        s.text()
    );
    s
}

fn quit(s: &mut pty::Session) {
    s.send("\x03");
    let deadline = Instant::now() + WAIT;
    while s.child.try_wait().ok().flatten().is_none() {
        assert!(
            Instant::now() < deadline,
            "the room did not leave on Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn kill_9(s: &mut pty::Session) {
    let pid = s.child.process_id().expect("the room's pid");
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    let deadline = Instant::now() + WAIT;
    while s.child.try_wait().ok().flatten().is_none() {
        assert!(Instant::now() < deadline, "the room did not die");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn note(s: &mut pty::Session, text: &str) {
    s.send(&format!(":note {text}\r"));
}

fn mirror(dir: &Path, incident: &str) -> std::path::PathBuf {
    dir.join("incidents").join(format!("{incident}.jsonl"))
}

fn texts(v: &[(u64, String, String)]) -> Vec<String> {
    v.iter().map(|(_, _, t)| t.clone()).collect()
}

#[test]
fn two_rooms_on_one_stream_show_each_others_notes_authored_in_the_same_order() {
    if !have_nats("two rooms on one stream") {
        return;
    }
    let root = tempfile::tempdir().expect("tempdir");
    let nats = Nats::start(root.path());
    let a_dir = room_dir(root.path(), "a", &nats.url(), "checkout-1", "host-a");
    let b_dir = room_dir(root.path(), "b", &nats.url(), "checkout-1", "host-b");
    let mut a = open_room(&a_dir, "ana");
    let mut b = open_room(&b_dir, "bo");
    // Presence: who is in the room, on which host.
    assert!(a.wait_for("bo joined from host-b", WAIT), "{}", a.text());
    assert!(b.wait_for("ana joined from host-a", WAIT), "{}", b.text());

    note(&mut a, "gateway 502 seen by ana");
    assert!(b.wait_for("gateway 502 seen by ana", WAIT), "{}", b.text());
    note(&mut b, "rollback started by bo");
    assert!(a.wait_for("rollback started by bo", WAIT), "{}", a.text());
    note(&mut a, "errors falling says ana");
    note(&mut b, "confirmed by bo");
    for s in [&a, &b] {
        assert!(s.wait_for("errors falling says ana", WAIT), "{}", s.text());
        assert!(s.wait_for("confirmed by bo", WAIT), "{}", s.text());
    }
    quit(&mut a);
    quit(&mut b);

    // One order: the stream's; both rooms folded exactly it, with the same ids.
    let on_stream = stream_notes(&nats.url(), "checkout-1");
    assert_eq!(on_stream.len(), 4, "{on_stream:?}");
    assert_eq!(on_stream[0], "gateway 502 seen by ana");
    assert_eq!(on_stream[1], "rollback started by bo");
    let (na, nb) = (
        notes(&mirror(&a_dir, "checkout-1")),
        notes(&mirror(&b_dir, "checkout-1")),
    );
    assert_eq!(na, nb, "both rooms hold the same notes, ids and authors");
    assert_eq!(texts(&na), on_stream);
    assert!(na[0].1.contains("ana") && na[1].1.contains("bo"), "{na:?}");
    // One seed: the room opened first started the incident, the second joined it.
    let declared = crate::nats_support::stream_events(&nats.url(), "checkout-1")
        .iter()
        .filter(|e| e.kind.name() == "incident_declared")
        .count();
    assert_eq!(declared, 1);
}

#[test]
fn a_room_killed_and_started_again_shows_the_same_state_and_nothing_is_missing() {
    if !have_nats("room killed on a stream") {
        return;
    }
    let root = tempfile::tempdir().expect("tempdir");
    let nats = Nats::start(root.path());
    let dir = room_dir(root.path(), "a", &nats.url(), "pay-2", "host-a");
    let mut a = open_room(&dir, "ana");
    for t in ["first note before the kill", "second note before the kill"] {
        note(&mut a, t);
        assert!(a.wait_for(t, WAIT), "{}", a.text());
    }
    a.send(":sev 1\r");
    assert!(a.wait_for("SEV1", WAIT), "{}", a.text());
    kill_9(&mut a);

    let mut a = open_room(&dir, "ana");
    assert!(
        a.wait_for("first note before the kill", WAIT),
        "{}",
        a.text()
    );
    assert!(
        a.wait_for("second note before the kill", WAIT),
        "{}",
        a.text()
    );
    assert!(a.wait_for("SEV1", WAIT), "{}", a.text());
    note(&mut a, "after the restart");
    assert!(a.wait_for("after the restart", WAIT), "{}", a.text());
    quit(&mut a);
    assert_eq!(
        stream_notes(&nats.url(), "pay-2"),
        [
            "first note before the kill",
            "second note before the kill",
            "after the restart"
        ]
    );
    assert_eq!(
        texts(&notes(&mirror(&dir, "pay-2"))),
        stream_notes(&nats.url(), "pay-2")
    );
}

#[test]
fn notes_typed_while_the_server_is_down_are_shared_once_in_order_when_it_returns() {
    if !have_nats("server outage") {
        return;
    }
    let root = tempfile::tempdir().expect("tempdir");
    let mut nats = Nats::start(root.path());
    let a_dir = room_dir(root.path(), "a", &nats.url(), "outage-3", "host-a");
    let b_dir = room_dir(root.path(), "b", &nats.url(), "outage-3", "host-b");
    let mut a = open_room(&a_dir, "ana");
    let b = open_room(&b_dir, "bo");
    note(&mut a, "before the outage");
    assert!(b.wait_for("before the outage", WAIT), "{}", b.text());

    let down = Instant::now();
    nats.down();
    let typed = ["offline one", "offline two", "offline three"];
    for t in typed {
        note(&mut a, t);
    }
    assert!(
        a.wait_for("OFFLINE: 3 events not yet shared", WAIT),
        "the header says what is not yet shared:\n{}",
        a.text()
    );
    let left = Duration::from_secs(10).saturating_sub(down.elapsed());
    std::thread::sleep(left);
    assert!(!b.text().contains("offline one"), "{}", b.text());
    nats.up();

    for t in typed {
        assert!(
            b.wait_for(t, WAIT),
            "the other room shows {t}:\n{}",
            b.text()
        );
    }
    let deadline = Instant::now() + WAIT;
    while a.text().contains("OFFLINE") {
        assert!(Instant::now() < deadline, "still offline:\n{}", a.text());
        std::thread::sleep(Duration::from_millis(100));
    }
    quit(&mut a);
    let mut b = b;
    quit(&mut b);
    assert_eq!(
        stream_notes(&nats.url(), "outage-3"),
        [
            "before the outage",
            "offline one",
            "offline two",
            "offline three"
        ],
        "every note once, in the order typed"
    );
    assert_eq!(
        notes(&mirror(&a_dir, "outage-3")),
        notes(&mirror(&b_dir, "outage-3"))
    );
}

#[test]
fn an_incident_pulled_from_the_stream_replays_as_its_local_mirror() {
    if !have_nats("pull equals mirror") {
        return;
    }
    let root = tempfile::tempdir().expect("tempdir");
    let nats = Nats::start(root.path());
    let dir = room_dir(root.path(), "a", &nats.url(), "pull-4", "host-a");
    let mut a = open_room(&dir, "ana");
    note(&mut a, "a note to pull");
    a.send(":role commander ana\r");
    a.send(":decide roll back the deploy\r");
    assert!(a.wait_for("roll back the deploy", WAIT), "{}", a.text());
    quit(&mut a);

    let bin = env!("CARGO_BIN_EXE_warroom");
    let pulled = root.path().join("pulled.jsonl");
    let out = std::process::Command::new(bin)
        .args(["log", "pull", "pull-4", "--store", &nats.url(), "-o"])
        .arg(&pulled)
        .current_dir(root.path())
        .output()
        .expect("run warroom log pull");
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Checkout failing at the gateway"),
        "{out:?}"
    );
    let export = |log: &Path| {
        let out = std::process::Command::new(bin)
            .args(["export", "--format", "json", "--all"])
            .arg(log)
            .output()
            .expect("run warroom export");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // Like a local room, a room on the stream writes the config's comms cadence when it
    // seeds the incident, so every view derives the update cadence and the silent-page
    // alarm from the log.
    let log = std::fs::read_to_string(mirror(&dir, "pull-4")).expect("read the mirror");
    assert!(log.contains("\"type\":\"comms_defined\""), "{log}");
    let local = export(&mirror(&dir, "pull-4"));
    assert!(local.contains("roll back the deploy"), "{local}");
    assert_eq!(export(&pulled), local);

    // The incidents on the stream, listed.
    let out = std::process::Command::new(bin)
        .args(["incidents", "--store", &nats.url()])
        .current_dir(root.path())
        .output()
        .expect("run warroom incidents");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        text.contains("pull-4") && text.contains("Checkout failing at the gateway"),
        "{text}"
    );
    assert!(text.contains("commander: ana"), "{text}");
}

#[test]
fn a_person_who_quits_one_room_is_gone_from_the_other_rooms_presence() {
    if !have_nats("left on quit") {
        return;
    }
    let root = tempfile::tempdir().expect("tempdir");
    let nats = Nats::start(root.path());
    let a_dir = room_dir(root.path(), "a", &nats.url(), "presence-5", "host-a");
    let b_dir = room_dir(root.path(), "b", &nats.url(), "presence-5", "host-b");
    let mut a = open_room(&a_dir, "ana");
    let mut b = open_room(&b_dir, "bo");
    assert!(b.wait_for("ana joined from host-a", WAIT), "{}", b.text());
    assert!(b.wait_for("in the room: ana, bo", WAIT), "{}", b.text());
    assert!(b.wait_for("2 in room", WAIT), "{}", b.text());

    quit(&mut a);
    assert!(b.wait_for("ana left", WAIT), "{}", b.text());
    assert!(b.wait_for("1 in room", WAIT), "{}", b.text());
    assert!(b.wait_for("in the room: bo", WAIT), "{}", b.text());
    quit(&mut b);

    let lefts: Vec<String> = crate::nats_support::stream_events(&nats.url(), "presence-5")
        .into_iter()
        .filter_map(|e| match e.kind {
            warroom::incident::EventKind::Left { person } => Some(person),
            _ => None,
        })
        .collect();
    assert_eq!(
        lefts,
        ["ana", "bo"],
        "each quit is one `left` on the stream"
    );
}

/// A headless room (`warroom serve`) on the stream: nobody sits at its terminal, so it
/// adds nobody to the room; a responder who joins it over SSH and quits is shown coming
/// and going in the other room, from the serving host.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_responder_who_quits_a_served_room_over_ssh_is_gone_from_the_other_room() {
    use crate::ssh_support::{self, Client, have_ssh, keygen};
    use std::io::{BufRead, BufReader};
    if !have_nats("left over ssh") || !have_ssh("left over ssh") {
        return;
    }
    let root = tempfile::tempdir().expect("tempdir");
    let nats = Nats::start(root.path());
    let s_dir = room_dir(root.path(), "s", &nats.url(), "presence-6", "host-s");
    let key = keygen(&s_dir, "ana", "ana@laptop");
    std::fs::copy(key.with_extension("pub"), s_dir.join("authorized_keys")).expect("keys");
    let mut cfg = std::fs::read_to_string(s_dir.join("config.toml")).expect("config");
    cfg.push_str("\n[ssh]\nauthorized_keys = \"authorized_keys\"\nhost_key = \"keys/host_key\"\n");
    std::fs::write(s_dir.join("config.toml"), cfg).expect("config");
    let mut serve = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
        .arg("--config")
        .arg(s_dir.join("config.toml"))
        .args(["serve", "--ssh", "127.0.0.1:0"])
        .env("USER", "srv-nobody")
        .env("XDG_STATE_HOME", root.path().join("state"))
        .current_dir(&s_dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run warroom serve");
    let mut first = String::new();
    // Kept open to the end: serve prints more lines.
    let mut out = BufReader::new(serve.stdout.take().expect("stdout"));
    out.read_line(&mut first).expect("serve prints its address");
    let port = ssh_support::served_port(&first);

    let b_dir = room_dir(root.path(), "b", &nats.url(), "presence-6", "host-b");
    let mut b = open_room(&b_dir, "bo");
    let args = ssh_support::client_args(port, &key, "ana", None);
    let mut ana = Client::spawn_ssh(args, 120, 40);
    ana.wait_for("Checkout failing at the gateway").await;
    assert!(b.wait_for("ana joined from", WAIT), "{}", b.text());
    assert!(b.wait_for("in the room: ana, bo", WAIT), "{}", b.text());

    ana.send(b"\x03");
    assert!(b.wait_for("ana left", WAIT), "{}", b.text());
    assert!(b.wait_for("1 in room", WAIT), "{}", b.text());
    assert!(
        b.wait_for("in the room: bo", WAIT),
        "only bo is left in the room:\n{}",
        b.text()
    );
    let text = b.text();
    let present = text
        .lines()
        .find_map(|l| l.split("in the room: ").nth(1))
        .map(str::trim);
    assert_eq!(present, Some("bo"), "nobody else is in the room:\n{text}");
    quit(&mut b);
    let _ = serve.kill();
    let _ = serve.wait();
    drop(out);
}

/// `warroom drill NAME` on a NATS store plays into the stream: the room running it writes
/// the drill's signals, another room of the incident (with no sources of its own) shows
/// them, and the drill is started once.
#[test]
fn a_drill_run_on_the_stream_shows_its_signals_in_another_room() {
    if !have_nats("drill on the stream") {
        return;
    }
    let root = tempfile::tempdir().expect("tempdir");
    let nats = Nats::start(root.path());
    let a_dir = root.path().join("a");
    std::fs::create_dir_all(&a_dir).expect("dir a");
    let url = nats.url();
    let mut a = pty::spawn(
        &[
            "--store",
            &url,
            "--incident",
            "drill-7",
            "drill",
            "checkout-outage",
            "--speed",
            "60",
            "--user",
            "ana",
        ],
        &a_dir,
    );
    let title = "DRILL: Checkout failing during the summer sale";
    assert!(a.wait_for(title, WAIT), "{}", a.text());

    let b_dir = room_dir(root.path(), "b", &url, "drill-7", "host-b");
    let mut b = pty::spawn(&["--user", "bo"], &b_dir);
    assert!(
        b.wait_for(title, WAIT),
        "the other room joins the drill:\n{}",
        b.text()
    );
    for signal in ["Nimbus Cloud status", "checkout error rate", "user reports"] {
        assert!(
            b.wait_for(signal, WAIT),
            "the other room shows the drill's {signal}:\n{}",
            b.text()
        );
    }
    quit(&mut a);
    quit(&mut b);

    let events = crate::nats_support::stream_events(&url, "drill-7");
    let started: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.kind {
            warroom::incident::EventKind::DrillStarted { scenario, .. } => Some(scenario.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(started, ["checkout-outage"], "the drill started once");
    assert_eq!(events[0].kind.name(), "drill_started", "{:?}", events[0]);
    let pages = events
        .iter()
        .filter(|e| {
            matches!(&e.kind, warroom::incident::EventKind::StatusPage { page, .. } if page == "Nimbus Cloud status")
        })
        .count();
    assert_eq!(
        pages, 1,
        "only the room running the drill writes its signals"
    );
}

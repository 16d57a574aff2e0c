//! Responders over SSH, with the real OpenSSH client (Debian `openssh-client`).
use crate::ssh_support;

use std::time::{Duration, Instant};

use chrono::Utc;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ssh_support::{Fixture, TITLE, have_ssh};
use warroom::incident::{Actor, EntryKind, EventKind, Incident, Severity};
use warroom::ui::app::{Action, App, AppOptions};

/// Whether the App records `:note TEXT` typed as keys. The note path over SSH can only be
/// proved once the real App is merged (until then `App` is a stub that records nothing);
/// the assertions below run whenever it does.
fn app_records_notes() -> bool {
    let mut app = App::new(AppOptions::new("probe"));
    let inc = Incident::new();
    let mut keys: Vec<KeyEvent> = ":note hi"
        .chars()
        .map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
        .collect();
    keys.push(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    keys.into_iter().any(|k| {
        app.handle_input(&Event::Key(k), &inc, Utc::now())
            .iter()
            .any(|a| matches!(a, Action::Record(EventKind::Note { .. })))
    })
}

fn presence(inc: &Incident, text: &str) -> bool {
    inc.timeline
        .iter()
        .any(|e| e.kind == EntryKind::Presence && e.text.starts_with(text))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_responder_sees_the_room_and_their_note_carries_their_name() {
    if !have_ssh("a_responder_sees_the_room_and_their_note_carries_their_name") {
        return;
    }
    let mut fx = Fixture::start().await;
    let mut ana = fx.connect("ana", "ana", 80, 24);
    ana.wait_for(&TITLE[..25]).await;
    // The join names where the responder came from (the audit trail in the room).
    fx.wait_room("ana joined from 127.0.0.1", |i| {
        i.present.contains("ana") && presence(i, "ana joined from 127.0.0.1")
    })
    .await;
    let joined = fx
        .room
        .read()
        .timeline
        .iter()
        .rev()
        .find(|e| e.kind == EntryKind::Presence)
        .cloned();
    assert_eq!(joined.map(|e| e.by), Some(Actor::person("ana")));

    let bo = fx.connect("bo", "bo", 100, 30);
    bo.wait_for(&TITLE[..25]).await;
    fx.wait_room("bo joined", |i| i.present.contains("bo"))
        .await;

    ana.send(b":note hi from ssh\r");
    if app_records_notes() {
        fx.wait_room("ana's note", |i| {
            i.timeline.iter().any(|e| {
                e.kind == EntryKind::Note
                    && e.text.contains("hi from ssh")
                    && e.by == Actor::person("ana")
            })
        })
        .await;
        // The second session shows it with its author.
        bo.wait_until("ana's note on bo's screen", |s| {
            s.contains("hi from ssh") && s.contains("ana")
        })
        .await;
    } else {
        println!(
            "PENDING MERGE: the stub App records no notes; note assertions run once the real App lands"
        );
        // What can be checked now: typing reached the view without breaking it.
        ana.wait_for(&TITLE[..25]).await;
    }
    fx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_keys_and_wrong_names_are_refused_and_only_publickey_is_offered() {
    if !have_ssh("unknown_keys_and_wrong_names_are_refused_and_only_publickey_is_offered") {
        return;
    }
    let mut fx = Fixture::start().await;
    // A key in no file.
    let (ok, _, err) = fx.run_ssh(&["-v", "-T"], "mallory", "mallory").await;
    assert!(!ok);
    assert!(err.contains("Permission denied (publickey)"), "{err}");
    let offered: Vec<&str> = err
        .lines()
        .filter_map(|l| l.split("Authentications that can continue: ").nth(1))
        .collect();
    assert!(!offered.is_empty(), "{err}");
    assert!(
        offered.iter().all(|m| m.trim() == "publickey"),
        "{offered:?}"
    );
    // A known key under someone else's name.
    let (ok, _, err) = fx.run_ssh(&["-T"], "bo", "ana").await;
    assert!(!ok);
    assert!(err.contains("Permission denied (publickey)"), "{err}");
    // Password authentication is not even offered.
    let (ok, _, err) = fx
        .run_ssh(
            &["-T", "-o", "PreferredAuthentications=password"],
            "ana",
            "ana",
        )
        .await;
    assert!(!ok);
    assert!(err.contains("Permission denied (publickey)"), "{err}");
    assert!(fx.room.read().present.is_empty());
    fx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_without_a_pty_gets_a_message_and_is_closed() {
    if !have_ssh("a_session_without_a_pty_gets_a_message_and_is_closed") {
        return;
    }
    let mut fx = Fixture::start().await;
    let (ok, out, _) = fx.run_ssh(&["-T"], "ana", "ana").await;
    assert!(!ok, "exit status 1");
    assert!(out.starts_with("warroom needs a terminal"), "{out:?}");
    assert!(
        out.ends_with("\r\n") && out.matches('\n').count() == 1,
        "{out:?}"
    );
    // A command is not run either.
    let (ok, out, _) = fx
        .run_ssh_command(&[], "ana", "ana", Some("cat /etc/passwd"))
        .await;
    assert!(
        !ok && out.starts_with("warroom needs a terminal"),
        "{out:?}"
    );
    {
        let inc = fx.room.read();
        assert!(
            inc.present.is_empty() && !presence(&inc, "ana joined"),
            "no view, no presence"
        );
    }
    fx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_observers_action_keys_change_nothing() {
    if !have_ssh("an_observers_action_keys_change_nothing") {
        return;
    }
    let mut fx = Fixture::start().await;
    let mut eve = fx.connect("eve", "eve", 80, 24);
    eve.wait_for(&TITLE[..25]).await;
    fx.wait_room("eve joined", |i| presence(i, "eve joined"))
        .await;
    let before = fx.room.read().events;
    eve.send(b":note observers cannot write\r");
    eve.send(b":sev 1\r:state resolved\r");
    eve.send(b"x \t\x1b[Z\r1234567890");
    // Let the keys arrive and be handled (a responder's note shows within this time).
    tokio::time::sleep(Duration::from_millis(800)).await;
    eve.wait_for(&TITLE[..25]).await;
    {
        let inc = fx.room.read();
        assert_eq!(inc.events, before, "an observer recorded something");
        assert_eq!(inc.severity, Severity::Sev2);
        assert!(inc.timeline.iter().all(|e| e.kind != EntryKind::Note));
    }
    if app_records_notes() {
        // The refusal is visible on the observer's screen.
        eve.wait_until("a read-only message", |s| {
            s.to_lowercase().contains("read-only")
        })
        .await;
    }
    fx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resizing_the_client_redraws_at_the_new_size() {
    if !have_ssh("resizing_the_client_redraws_at_the_new_size") {
        return;
    }
    let mut fx = Fixture::start().await;
    let mut ana = fx.connect("ana", "ana", 80, 24);
    ana.wait_for(&TITLE[..25]).await;
    // The header ends with the UTC clock at the right edge: where it ends tells the width
    // the screen was drawn for.
    let header_width = |s: &str| s.lines().next().map_or(0, |l| l.trim_end().chars().count());
    assert!(header_width(&ana.contents()) <= 80, "drawn for 80 columns");
    ana.resize_and_wipe(120, 40);
    ana.wait_until("a header drawn 120 wide", |s| {
        let w = header_width(s);
        w > 100 && w <= 120 && s.lines().next().is_some_and(|l| l.contains("UTC"))
    })
    .await;
    ana.resize_and_wipe(60, 20);
    ana.wait_until("a header drawn 60 wide", |s| {
        let w = header_width(s);
        w > 0 && w <= 60 && s.contains(&TITLE[..10])
    })
    .await;
    fx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_leaves_only_that_session() {
    if !have_ssh("ctrl_c_leaves_only_that_session") {
        return;
    }
    let mut fx = Fixture::start().await;
    let mut ana = fx.connect("ana", "ana", 80, 24);
    let bo = fx.connect("bo", "bo", 80, 24);
    ana.wait_for(&TITLE[..25]).await;
    bo.wait_for(&TITLE[..25]).await;
    fx.wait_room("both present", |i| {
        i.present.contains("ana") && i.present.contains("bo")
    })
    .await;
    ana.send(b"\x03");
    assert!(
        ana.wait_exit(10).await.is_some(),
        "ssh of ana did not end after Ctrl-C"
    );
    fx.wait_room("ana left", |i| {
        presence(i, "ana left") && !i.present.contains("ana")
    })
    .await;
    // The terminal was restored: the alternate screen is left.
    assert!(!ana.screen.lock().unwrap().screen().alternate_screen());
    // bo is still in the room and still gets updates.
    assert!(fx.room.read().present.contains("bo"));
    fx.record(EventKind::IncidentDeclared {
        title: "Still here after ana left".into(),
        severity: Severity::Sev2,
    })
    .await;
    bo.wait_for("Still here after ana left").await;
    fx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_does_not_delay_the_others() {
    if !have_ssh("a_client_that_never_reads_does_not_delay_the_others") {
        return;
    }
    let mut fx = Fixture::start().await;
    let ana = fx.connect("ana", "ana", 120, 40);
    ana.wait_for(&TITLE[..25]).await;
    // bo's terminal is never read: ssh's output backs up, then the SSH window fills.
    let _bo = fx.connect_never_reading("bo", "bo", 500, 200);
    fx.wait_room("bo joined", |i| i.present.contains("bo"))
        .await;

    let n = 60;
    let mut sent = Vec::new();
    for i in 0..n {
        let title = format!("update {i:03} {}", "#".repeat(i % 37));
        ana.watch(&format!("update {i:03} "));
        sent.push(Instant::now());
        fx.record(EventKind::IncidentDeclared {
            title,
            severity: Severity::Sev2,
        })
        .await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    ana.wait_for(&format!("update {:03} ", n - 1)).await;
    let mut lat: Vec<Duration> = (0..n)
        .filter_map(|i| {
            ana.seen_at(&format!("update {i:03} "))
                .map(|at| at.saturating_duration_since(sent[i]))
        })
        .collect();
    lat.sort();
    let seen = lat.len();
    println!(
        "while a client hangs: {seen}/{n} updates seen by another session; latency p50 {:?}, p90 {:?}, max {:?}",
        lat[seen / 2],
        lat[seen * 9 / 10],
        lat[seen - 1]
    );
    // Frames are coalesced (≤ 30/s), so a few updates may be skipped, but they keep coming.
    assert!(seen >= n / 2, "only {seen} of {n} updates arrived");
    fx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restarting_the_server_keeps_the_host_key() {
    if !have_ssh("restarting_the_server_keeps_the_host_key") {
        return;
    }
    let mut fx = Fixture::start().await;
    let first_fp = fx.server.as_ref().unwrap().fingerprint().to_string();
    // The printed fingerprint is the one OpenSSH computes.
    let host_key = fx.config.host_key.clone().unwrap();
    let out = std::process::Command::new(ssh_support::SSH_KEYGEN)
        .arg("-lf")
        .arg(&host_key)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(&first_fp));
    // First contact records the key (accept-new) ...
    let (_, out, err) = fx.run_ssh(&["-T"], "ana", "ana").await;
    assert!(out.contains("warroom needs a terminal"), "{out}{err}");
    fx.stop().await;
    // ... a restarted server (new port, same key file) passes a strict check.
    let server = warroom::term::ssh::serve(fx.room.clone(), &fx.config, "127.0.0.1:0")
        .await
        .unwrap();
    assert_eq!(server.fingerprint(), first_fp);
    fx.server = Some(server);
    let (_, out, err) = fx
        .run_ssh(&["-T", "-o", "StrictHostKeyChecking=yes"], "ana", "ana")
        .await;
    assert!(
        out.contains("warroom needs a terminal"),
        "strict check failed: {err}"
    );
    fx.stop().await;
    // A server with another key is refused by the same strict check.
    let mut other = fx.config.clone();
    other.host_key = Some(fx.dir.path().join("other_host_key"));
    fx.server = Some(
        warroom::term::ssh::serve(fx.room.clone(), &other, "127.0.0.1:0")
            .await
            .unwrap(),
    );
    let (ok, out, err) = fx
        .run_ssh(&["-T", "-o", "StrictHostKeyChecking=yes"], "ana", "ana")
        .await;
    assert!(
        !ok && !out.contains("warroom"),
        "a changed host key was accepted"
    );
    assert!(
        err.contains("IDENTIFICATION HAS CHANGED") || err.contains("verification failed"),
        "{err}"
    );
    fx.stop().await;
}

struct StuckClient;

impl russh::client::Handler for StuckClient {
    type Error = russh::Error;
    async fn check_server_key(
        &mut self,
        _: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_dropped_and_the_others_go_on() {
    if !have_ssh("a_client_that_stops_reading_is_dropped_and_the_others_go_on") {
        return;
    }
    let mut fx = Fixture::start_with(warroom::term::ssh::ServeOptions {
        stall_timeout: Duration::from_millis(800),
        ..Default::default()
    })
    .await;
    let bo = fx.connect("bo", "bo", 80, 24);
    bo.wait_for(&TITLE[..25]).await;
    // ana's client opens a view, then never takes another byte: a tiny SSH window and no
    // reading means the server can send almost nothing.
    let config = std::sync::Arc::new(russh::client::Config {
        window_size: 1024,
        channel_buffer_size: 1,
        ..Default::default()
    });
    let mut h = russh::client::connect(config, ("127.0.0.1", fx.port()), StuckClient)
        .await
        .unwrap();
    let key = russh::keys::load_secret_key(fx.key("ana"), None).unwrap();
    let key = russh::keys::PrivateKeyWithHashAlg::new(std::sync::Arc::new(key), None);
    assert!(
        h.authenticate_publickey("ana", key)
            .await
            .unwrap()
            .success()
    );
    let ch = h.channel_open_session().await.unwrap();
    ch.request_pty(false, "xterm", 200, 60, 0, 0, &[])
        .await
        .unwrap();
    ch.request_shell(false).await.unwrap();
    fx.wait_room("ana joined", |i| i.present.contains("ana"))
        .await;
    let mut i = 0u32;
    let deadline = Instant::now() + Duration::from_secs(20);
    while fx.room.read().present.contains("ana") {
        assert!(
            Instant::now() < deadline,
            "a client that stopped reading was never dropped"
        );
        i += 1;
        fx.record(EventKind::IncidentDeclared {
            title: format!("flood {i:05} {}", "=".repeat((i % 50) as usize + 20)),
            severity: Severity::Sev2,
        })
        .await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(presence(&fx.room.read(), "ana left"));
    assert_eq!(
        fx.server.as_ref().unwrap().sessions(),
        1,
        "only bo's view is left"
    );
    // bo still gets every change.
    fx.record(EventKind::IncidentDeclared {
        title: "after the stuck client".into(),
        severity: Severity::Sev2,
    })
    .await;
    bo.wait_for("after the stuck client").await;
    drop(ch);
    fx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn colours_follow_the_clients_term() {
    if !have_ssh("colours_follow_the_clients_term") {
        return;
    }
    let mut fx = Fixture::start().await;
    // The harness's ssh runs with TERM=xterm-256color: the view must use the 256-colour
    // palette (no 24-bit colours a plain 256-colour terminal would garble), and use it.
    let ana = fx.connect("ana", "ana", 100, 30);
    ana.wait_for(&TITLE[..25]).await;
    let (mut indexed, mut rgb) = (0, 0);
    {
        let p = ana.screen.lock().expect("screen");
        let screen = p.screen();
        let (rows, cols) = screen.size();
        for y in 0..rows.get() {
            for x in 0..cols.get() {
                if let Some(cell) = screen.cell(y, x) {
                    for c in [cell.fgcolor(), cell.bgcolor()] {
                        match c {
                            vt100::Color::Idx(_) => indexed += 1,
                            vt100::Color::Rgb(..) => rgb += 1,
                            vt100::Color::Default => {}
                        }
                    }
                }
            }
        }
    }
    assert_eq!(rgb, 0, "24-bit colours sent to a 256-colour terminal");
    assert!(indexed > 0, "no colours at all on a 256-colour terminal");
    fx.stop().await;
}

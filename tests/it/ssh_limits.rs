//! The limits of `[ssh]`: max sessions, failed logins per address and key, idle timeout,
//! the login grace time and the caps on connections not logged in (raw TCP sockets that
//! send nothing, beside the real OpenSSH client).
use crate::ssh_support;

use std::time::Duration;

use ssh_support::{Fixture, TITLE, have_ssh, wait_login};
use tokio::io::AsyncReadExt;
use tokio::net::{TcpSocket, TcpStream};
use warroom::term::ssh::ServeOptions;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_room_turns_the_next_view_away_with_a_message() {
    if !have_ssh("a_full_room_turns_the_next_view_away_with_a_message") {
        return;
    }
    let mut fx = Fixture::start_custom(ServeOptions::default(), |c| c.max_sessions = 1).await;
    let ana = fx.connect("ana", "ana", 80, 24);
    ana.wait_for(&TITLE[..40]).await;
    let mut bo = fx.connect("bo", "bo", 80, 24);
    bo.wait_for("the room is full (at most 1 views").await;
    assert!(
        bo.wait_exit(10).await.is_some(),
        "turned-away ssh did not end"
    );
    assert!(!fx.room.read().present.contains("bo"));
    assert_eq!(fx.server.as_ref().unwrap().sessions(), 1);
    fx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_lock_out_that_key_from_that_address_not_a_colleagues_key() {
    if !have_ssh("failures_lock_out_that_key_from_that_address_not_a_colleagues_key") {
        return;
    }
    let mut fx = Fixture::start().await;
    let mut log = fx.logins();
    // 12 bad attempts from 127.0.0.1 (the limit is 10 a minute).
    for _ in 0..12 {
        let (ok, _, err) = fx.run_ssh(&["-T"], "mallory", "mallory").await;
        assert!(!ok && err.contains("Permission denied"), "{err}");
    }
    // ana's good key from the same address still gets in.
    let (_, out, _) = fx.run_ssh(&["-T"], "ana", "ana").await;
    assert!(
        out.contains("warroom needs a terminal"),
        "ana locked out: {out}"
    );
    // The failing key itself is locked out, even once it is listed.
    fx.write_responders(&format!("{}\n{}\n", fx.pubkey("ana"), fx.pubkey("mallory")));
    let (ok, out, _) = fx.run_ssh(&["-T"], "mallory", "mallory").await;
    assert!(
        !ok && !out.contains("warroom"),
        "a locked-out key got in: {out}"
    );
    let line = wait_login(&mut log, "the lockout", |l| {
        l.to_string()
            .contains("too many failed attempts with this key")
    })
    .await;
    assert!(
        line.to_string().contains("refused mallory from 127.0.0.1:"),
        "{line}"
    );
    fx.stop().await;
}

/// A raw TCP connection from `local` (any 127.x.y.z) that sends nothing.
async fn silent(local: &str, port: u16) -> TcpStream {
    let sock = TcpSocket::new_v4().expect("socket");
    sock.bind(format!("{local}:0").parse().expect("local address"))
        .expect("bind");
    sock.connect(format!("127.0.0.1:{port}").parse().expect("address"))
        .await
        .expect("connect")
}

/// Everything the server sends until it closes (within a generous bound).
async fn until_closed(mut s: TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    let read = async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .expect("the server never closed a connection that did not log in");
    got
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_that_never_log_in_are_closed_after_the_grace_time() {
    if !have_ssh("connections_that_never_log_in_are_closed_after_the_grace_time") {
        return;
    }
    let mut fx = Fixture::start_custom(ServeOptions::default(), |c| {
        c.login_grace = Duration::from_secs(2)
    })
    .await;
    let port = fx.port();
    let quiet: Vec<TcpStream> =
        futures::future::join_all((0..3).map(|_| silent("127.0.0.1", port))).await;
    // A responder logs in meanwhile.
    let ana = fx.connect("ana", "ana", 80, 24);
    ana.wait_for(&TITLE[..40]).await;
    for s in quiet {
        let got = until_closed(s).await;
        assert!(got.starts_with(b"SSH-2.0-warroom"), "{got:?}");
    }
    // A logged-in view is not touched by the grace time.
    fx.wait_room("ana still present", |i| i.present.contains("ana"))
        .await;
    ana.wait_for(&TITLE[..40]).await;
    // Their places are freed (the count drops once each connection's task has ended).
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while fx.server.as_ref().unwrap().unauthenticated() > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "closed connections still hold places"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    fx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_cannot_hold_more_than_its_share_of_unauthenticated_connections() {
    if !have_ssh("one_address_cannot_hold_more_than_its_share_of_unauthenticated_connections") {
        return;
    }
    let mut fx = Fixture::start_custom(ServeOptions::default(), |c| {
        c.login_grace = Duration::from_secs(120)
    })
    .await;
    let port = fx.port();
    let mut held = Vec::new();
    for _ in 0..8 {
        let mut s = silent("127.0.0.2", port).await;
        // Served: the server's version line arrives.
        let mut banner = [0u8; 15];
        s.read_exact(&mut banner).await.unwrap();
        assert_eq!(&banner, b"SSH-2.0-warroom");
        held.push(s);
    }
    // The ninth from that address is closed at once, without a byte.
    let ninth = silent("127.0.0.2", port).await;
    assert_eq!(until_closed(ninth).await, b"");
    // Another address logs in.
    let (_, out, _) = fx.run_ssh(&["-T"], "ana", "ana").await;
    assert!(out.contains("warroom needs a terminal"), "{out}");
    assert_eq!(fx.server.as_ref().unwrap().unauthenticated(), 8);
    drop(held);
    fx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_total_cap_turns_away_extra_connections_until_the_grace_time_frees_room() {
    if !have_ssh("the_total_cap_turns_away_extra_connections_until_the_grace_time_frees_room") {
        return;
    }
    let mut fx = Fixture::start_custom(ServeOptions::default(), |c| {
        c.login_grace = Duration::from_secs(5);
        c.max_unauthenticated = 4;
    })
    .await;
    let port = fx.port();
    let mut held = Vec::new();
    for i in 0..4 {
        let mut s = silent(&format!("127.0.0.{}", 10 + i), port).await;
        let mut banner = [0u8; 15];
        s.read_exact(&mut banner).await.unwrap();
        held.push(s);
    }
    let fifth = silent("127.0.0.20", port).await;
    assert_eq!(until_closed(fifth).await, b"", "the fifth was served");
    // The grace time closes the four; then a responder gets in.
    for s in held {
        until_closed(s).await;
    }
    let (_, out, _) = fx.run_ssh(&["-T"], "ana", "ana").await;
    assert!(out.contains("warroom needs a terminal"), "{out}");
    fx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_view_is_closed_with_a_message_and_the_terminal_restored() {
    if !have_ssh("an_idle_view_is_closed_with_a_message_and_the_terminal_restored") {
        return;
    }
    let mut fx = Fixture::start_custom(ServeOptions::default(), |c| {
        c.idle_timeout = Duration::from_secs(2)
    })
    .await;
    let mut ana = fx.connect("ana", "ana", 80, 24);
    ana.wait_for(&TITLE[..40]).await;
    ana.wait_for("disconnected after being idle").await;
    assert!(ana.wait_exit(10).await.is_some());
    assert!(!ana.screen.lock().unwrap().screen().alternate_screen());
    fx.wait_room("ana left", |i| !i.present.contains("ana"))
        .await;
    fx.stop().await;
}

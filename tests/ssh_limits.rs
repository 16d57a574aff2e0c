//! The limits of `[ssh]`: max sessions, failed logins per address, idle timeout.
mod ssh_support;

use std::time::Duration;

use ssh_support::{Fixture, TITLE, have_ssh};
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
async fn too_many_failed_logins_lock_the_address_out_for_a_while() {
    if !have_ssh("too_many_failed_logins_lock_the_address_out_for_a_while") {
        return;
    }
    let mut fx = Fixture::start_custom(ServeOptions::default(), |c| c.max_auth_failures = 2).await;
    // A good key works before.
    let (_, out, _) = fx.run_ssh(&["-T"], "ana", "ana").await;
    assert!(out.contains("warroom needs a terminal"), "{out}");
    for _ in 0..2 {
        let (ok, _, err) = fx.run_ssh(&["-T"], "mallory", "mallory").await;
        assert!(!ok && err.contains("Permission denied"), "{err}");
    }
    // Now even a good key from this address is refused.
    let (ok, out, _) = fx.run_ssh(&["-T"], "ana", "ana").await;
    assert!(
        !ok && !out.contains("warroom"),
        "a locked-out address got in: {out}"
    );
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

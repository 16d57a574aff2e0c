//! The webhook publisher against a local receiver: the `{"text": ...}` shape Slack,
//! Mattermost and Rocket.Chat accept, a template for another shape, internal updates by
//! default, a 5xx tried again, a refusal recorded with the receiver's words, and an update
//! interrupted while sending not sent twice after a restart.

use std::path::Path;

use warroom::incident::{Audience, EventKind, IncidentState, PublishOutcome};

use crate::publish_support::*;

fn hook_config(dir: &Path, url: &str, extra: &str) -> warroom::config::Config {
    config(
        dir,
        &format!(
            r#"
[incident]
title = "Checkout failing"
severity = "SEV2"

[[publish]]
name = "chat"
kind = "webhook"
url = "{url}"
{extra}
"#
        ),
    )
}

fn internal(body: &str) -> EventKind {
    EventKind::StatusUpdate {
        audience: Audience::Internal,
        state: IncidentState::Identified,
        components: Vec::new(),
        body: body.into(),
        targets: vec!["chat".into()],
    }
}

#[tokio::test]
async fn posts_text_and_tries_a_5xx_again() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let rx = Receiver::start(vec![(503, "busy")]).await;
    let cfg = hook_config(dir.path(), &rx.url, "");
    assert_eq!(
        cfg.publish[0].audience,
        Audience::Internal,
        "webhooks default to internal"
    );
    assert_eq!(cfg.publish_targets(Audience::Internal), ["chat"]);
    let log = dir.path().join("checkout.jsonl");
    let room = open(&cfg, &log, true).await;
    let id = say(
        &room,
        internal("Rolling back the payment client.\nETA 10 minutes."),
    )
    .await;
    let d = delivered(&room, id, "chat").await;
    assert_eq!(d.attempts, 2);
    room.shutdown().await;
    let bodies = rx.bodies();
    assert_eq!(bodies.len(), 2, "the 503 was tried again once");
    assert_eq!(
        bodies[1],
        serde_json::json!({
            "text": "[internal] Checkout failing: identified\nRolling back the payment client.\nETA 10 minutes."
        })
    );
    let events = publish_events(&log, id);
    assert_eq!(events[1].2, Some(503));
    assert!(
        events[1]
            .3
            .as_deref()
            .is_some_and(|m| m.starts_with("HTTP 503 Service Unavailable: busy"))
    );
}

#[tokio::test]
async fn a_template_gives_another_shape() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("teams.json"),
        r#"{"title": "{title} ({severity})", "sections": [{"text": "{body}", "state": "{state}"}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let rx = Receiver::start(Vec::new()).await;
    let cfg = hook_config(dir.path(), &rx.url, r#"template = "teams.json""#);
    let room = open(&cfg, &dir.path().join("c.jsonl"), true).await;
    let id = say(&room, internal("Quote \"this\" and a {brace}.")).await;
    delivered(&room, id, "chat").await;
    room.shutdown().await;
    assert_eq!(
        rx.bodies(),
        [serde_json::json!({
            "title": "Checkout failing (SEV2)",
            "sections": [{"text": "Quote \"this\" and a {brace}.", "state": "identified"}]
        })]
    );
}

#[tokio::test]
async fn refusals_and_crashes_are_recorded_not_repeated() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let rx = Receiver::start(vec![(400, "invalid_payload")]).await;
    let cfg = hook_config(dir.path(), &rx.url, "");
    let log = dir.path().join("c.jsonl");
    let room = open(&cfg, &log, true).await;
    let id = say(&room, internal("One.")).await;
    let d = outcome(&room, id, "chat").await;
    assert_eq!(d.outcome, PublishOutcome::Failed);
    assert_eq!(
        d.message.as_deref(),
        Some("HTTP 400 Bad Request: invalid_payload")
    );
    room.shutdown().await;
    assert_eq!(rx.bodies().len(), 1, "a 400 is not tried again");

    // Interrupted while sending: a webhook cannot be asked, so it is not sent again.
    let room = open(&cfg, &log, false).await;
    let id = say(&room, internal("Two.")).await;
    say(
        &room,
        EventKind::Publish {
            update: id,
            target: "chat".into(),
            outcome: PublishOutcome::Sending,
            attempt: 1,
            remote_id: None,
            status: None,
            message: None,
        },
    )
    .await;
    room.shutdown().await;
    let room = open(&cfg, &log, true).await;
    let d = outcome(&room, id, "chat").await;
    room.shutdown().await;
    assert_eq!(d.outcome, PublishOutcome::Failed);
    assert!(
        d.message
            .as_deref()
            .is_some_and(|m| m.contains("not sent again so nobody gets it twice")),
        "{d:?}"
    );
    assert_eq!(rx.bodies().len(), 1, "nothing posted after the restart");
}

#[tokio::test]
async fn an_internal_update_never_reaches_a_public_target() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let rx = Receiver::start(Vec::new()).await;
    let cfg = hook_config(dir.path(), &rx.url, r#"audience = "public""#);
    assert!(cfg.publish_targets(Audience::Internal).is_empty());
    let room = open(&cfg, &dir.path().join("c.jsonl"), true).await;
    let id = say(&room, internal("Internal only.")).await;
    let d = outcome(&room, id, "chat").await;
    room.shutdown().await;
    assert_eq!(d.outcome, PublishOutcome::Failed);
    assert_eq!(
        d.message.as_deref(),
        Some("not sent: an internal update and chat is a public target")
    );
    assert!(rx.bodies().is_empty());
}

//! The Statuspage publisher against a local page implementing the documented v1 incident
//! endpoints: the first update creates the incident, later ones PATCH the same one (also
//! after a restart, from the log); component statuses are sent; 429 with Retry-After is
//! waited out; a 500 after the incident was made, or a crash between send and record,
//! never makes a second incident; refusals (401, 422, too large, unreachable, no key)
//! are recorded with a clear message and the update itself stays in the log.

use std::path::Path;
use std::time::Duration;

use serde_json::json;
use warroom::incident::{EventKind, IncidentState, PublishOutcome};

use crate::publish_support::*;
use warroom::room::RoomHandle;

const TARGET: &str = "status page";

fn page_config(dir: &Path, url: &str, key_env: &str) -> warroom::config::Config {
    page_config_with(dir, url, key_env, r#"components = { Payments = "pay42" }"#)
}

/// The room's config with one statuspage target; `more` is added to its entry.
fn page_config_with(dir: &Path, url: &str, key_env: &str, more: &str) -> warroom::config::Config {
    config(
        dir,
        &format!(
            r#"
[incident]
title = "Checkout failing"
severity = "SEV1"

[[publish]]
name = "{TARGET}"
kind = "statuspage"
url = "{url}"
page_id = "kctbh9vrtdwd"
api_key_env = "{key_env}"
{more}
"#
        ),
    )
}

/// Records the public update most of these tests send.
async fn say_failing(room: &RoomHandle) -> u64 {
    say(
        room,
        update(
            IncidentState::Investigating,
            "Checkout is failing.",
            &[],
            &[TARGET],
        ),
    )
    .await
}

/// The composer records components by name (it knows our page's names, not its ids): the
/// publisher finds the ids on the page itself, once, when the config does not give them.
#[tokio::test]
async fn component_ids_come_from_the_page_when_the_config_has_none() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let server = StatusPageServer::start().await;
    lock(&server.page).components = vec![
        ("chk01".into(), "Checkout".into()),
        ("pay42".into(), "Payments".into()),
    ];
    let cfg = page_config_with(dir.path(), &server.url, KEY_ENV, "");
    let log = dir.path().join("checkout.jsonl");
    let room = open(&cfg, &log, true).await;
    for (state, status) in [
        (IncidentState::Investigating, "major_outage"),
        (IncidentState::Identified, "partial_outage"),
    ] {
        let id = say(
            &room,
            update(
                state,
                "Checkout is failing for most customers.",
                &[("Checkout", None, status), ("Search", None, "operational")],
                &[TARGET],
            ),
        )
        .await;
        let d = delivered(&room, id, TARGET).await;
        assert_eq!(d.remote_id.as_deref(), Some("inc1"), "{d:?}");
    }
    room.shutdown().await;
    let writes = server.writes();
    assert_eq!(writes.len(), 2, "{writes:?}");
    let created = &writes[0].body["incident"];
    assert_eq!(
        created["components"],
        json!({"chk01": "major_outage"}),
        "Checkout by the page's id; Search is not on the page and is left out"
    );
    assert_eq!(created["component_ids"], json!(["chk01"]));
    assert_eq!(
        writes[1].body["incident"]["components"],
        json!({"chk01": "partial_outage"})
    );
    let lookups = lock(&server.page)
        .requests
        .iter()
        .filter(|r| r.path.ends_with("/components"))
        .count();
    assert_eq!(lookups, 1, "the page's components are looked up once");
}

#[tokio::test]
async fn creates_then_patches_the_same_incident_with_component_statuses() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let server = StatusPageServer::start().await;
    lock(&server.page).rate_limit_once = true;
    let cfg = page_config(dir.path(), &server.url, KEY_ENV);
    let log = dir.path().join("checkout.jsonl");
    let room = open(&cfg, &log, true).await;

    let first = say(
        &room,
        update(
            IncidentState::Investigating,
            "We are looking into failed checkouts.",
            &[
                ("Checkout", Some("chk01"), "major_outage"),
                ("Payments", None, "degraded_performance"),
            ],
            &[TARGET],
        ),
    )
    .await;
    let d = delivered(&room, first, TARGET).await;
    assert_eq!(d.outcome, PublishOutcome::Delivered, "{d:?}");
    assert_eq!(d.remote_id.as_deref(), Some("inc1"));

    let second = say(
        &room,
        update(
            IncidentState::Identified,
            "A bad deploy of the payment client; rolling back.",
            &[("Checkout", Some("chk01"), "partial_outage")],
            &[TARGET],
        ),
    )
    .await;
    let d = outcome(&room, second, TARGET).await;
    assert_eq!(d.outcome, PublishOutcome::Delivered, "{d:?}");
    assert_eq!(d.remote_id.as_deref(), Some("inc1"));
    room.shutdown().await;
    assert!(
        !room.read().sources.contains_key(TARGET),
        "a publisher is not listed as a signal source"
    );

    let writes = server.writes();
    let methods: Vec<(&str, &str)> = writes
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    assert_eq!(
        methods,
        [
            ("POST", "/v1/pages/kctbh9vrtdwd/incidents"),
            ("POST", "/v1/pages/kctbh9vrtdwd/incidents"),
            ("PATCH", "/v1/pages/kctbh9vrtdwd/incidents/inc1"),
        ],
        "a 429, the create again after Retry-After, then one PATCH of the same incident"
    );
    let created = &writes[1].body["incident"];
    assert_eq!(created["name"], "Checkout failing");
    assert_eq!(created["status"], "investigating");
    assert_eq!(created["impact_override"], "critical");
    assert_eq!(
        created["components"],
        json!({"chk01": "major_outage", "pay42": "degraded_performance"}),
        "component statuses by page id; Payments' id from the config"
    );
    assert_eq!(created["component_ids"], json!(["chk01", "pay42"]));
    assert_eq!(created["deliver_notifications"], json!(true));
    assert!(
        writes[1].at.duration_since(writes[0].at) >= Duration::from_millis(900),
        "Retry-After: 1 was honoured"
    );
    assert!(
        writes[2].at.duration_since(writes[1].at) >= Duration::from_millis(900),
        "at most one request a second"
    );
    let page = lock(&server.page);
    assert_eq!(page.incidents.len(), 1);
    assert_eq!(page.incidents[0].status, "identified");
    assert_eq!(
        page.incidents[0].components,
        json!({"chk01": "partial_outage"})
    );

    // The 429 is in the log as a failed attempt that was tried again.
    let events = publish_events(&log, first);
    let outcomes: Vec<PublishOutcome> = events.iter().map(|e| e.0).collect();
    assert_eq!(
        outcomes,
        [
            PublishOutcome::Sending,
            PublishOutcome::Failed,
            PublishOutcome::Sending,
            PublishOutcome::Delivered
        ]
    );
    assert_eq!(events[1].2, Some(429));
    assert!(
        events[1]
            .3
            .as_deref()
            .is_some_and(|m| m.contains("Rate limit exceeded") && m.contains("trying again in 1s")),
        "{:?}",
        events[1].3
    );
    assert_eq!(events[3].1, 2, "the second attempt delivered");
}

#[tokio::test]
async fn a_500_after_the_incident_was_made_does_not_make_a_second_one() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let server = StatusPageServer::start().await;
    lock(&server.page).fail_after_write_once = true;
    let cfg = page_config(dir.path(), &server.url, KEY_ENV);
    let log = dir.path().join("checkout.jsonl");
    let room = open(&cfg, &log, true).await;
    let id = say_failing(&room).await;
    let d = delivered(&room, id, TARGET).await;
    assert_eq!(d.remote_id.as_deref(), Some("inc1"));
    room.shutdown().await;

    let page = lock(&server.page);
    assert_eq!(page.incidents.len(), 1, "one incident on the page");
    let trail: Vec<&str> = page.requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(
        trail,
        ["POST", "GET"],
        "after the 500 the page was asked, not posted to again"
    );
    let events = publish_events(&log, id);
    assert_eq!(events[1].2, Some(500));
}

#[tokio::test]
async fn a_crash_between_send_and_record_is_checked_against_the_page() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let server = StatusPageServer::start().await;
    let cfg = page_config(dir.path(), &server.url, KEY_ENV);
    let log = dir.path().join("checkout.jsonl");

    // A room recorded the update and `sending`, the page made the incident, and the room
    // died before it could record the outcome.
    let room = open(&cfg, &log, false).await;
    let id = say_failing(&room).await;
    say(
        &room,
        EventKind::Publish {
            update: id,
            target: TARGET.into(),
            outcome: PublishOutcome::Sending,
            attempt: 1,
            remote_id: None,
            status: None,
            message: Some(r#"create incident "Checkout failing""#.into()),
        },
    )
    .await;
    room.shutdown().await;
    lock(&server.page).incidents.push(PageIncident {
        id: "abc123".into(),
        name: "Checkout failing".into(),
        status: "investigating".into(),
        impact: "critical".into(),
        components: json!({}),
        updates: vec![("investigating".into(), "Checkout is failing.".into())],
    });

    // Restarted: the page is asked, the incident found, nothing posted.
    let room = open(&cfg, &log, true).await;
    let d = outcome(&room, id, TARGET).await;
    assert_eq!(d.outcome, PublishOutcome::Delivered, "{d:?}");
    assert_eq!(d.remote_id.as_deref(), Some("abc123"));
    assert!(server.writes().is_empty(), "no second incident");

    // The next update PATCHes the incident found.
    let next = say(
        &room,
        update(IncidentState::Monitoring, "A fix is out.", &[], &[TARGET]),
    )
    .await;
    let d = outcome(&room, next, TARGET).await;
    assert_eq!(d.outcome, PublishOutcome::Delivered, "{d:?}");
    room.shutdown().await;
    let writes = server.writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].method, "PATCH");
    assert_eq!(writes[0].path, "/v1/pages/kctbh9vrtdwd/incidents/abc123");
    assert_eq!(lock(&server.page).incidents.len(), 1);

    // And a room restarted once more still knows the incident from the log.
    let room = open(&cfg, &log, true).await;
    let last = say(
        &room,
        update(
            IncidentState::Resolved,
            "Checkout works again.",
            &[],
            &[TARGET],
        ),
    )
    .await;
    let d = outcome(&room, last, TARGET).await;
    room.shutdown().await;
    assert_eq!(d.remote_id.as_deref(), Some("abc123"));
    let page = lock(&server.page);
    assert_eq!(page.incidents.len(), 1);
    assert_eq!(page.incidents[0].status, "resolved");
}

#[tokio::test]
async fn a_crash_before_the_send_arrived_sends_it_once() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let server = StatusPageServer::start().await;
    let cfg = page_config(dir.path(), &server.url, KEY_ENV);
    let log = dir.path().join("checkout.jsonl");
    let room = open(&cfg, &log, false).await;
    // One update never taken up, one interrupted before its request left.
    let a = say(
        &room,
        update(IncidentState::Investigating, "First.", &[], &[TARGET]),
    )
    .await;
    say(
        &room,
        EventKind::Publish {
            update: a,
            target: TARGET.into(),
            outcome: PublishOutcome::Sending,
            attempt: 1,
            remote_id: None,
            status: None,
            message: Some(r#"create incident "Checkout failing""#.into()),
        },
    )
    .await;
    let b = say(
        &room,
        update(IncidentState::Identified, "Second.", &[], &[TARGET]),
    )
    .await;
    room.shutdown().await;

    let room = open(&cfg, &log, true).await;
    let da = outcome(&room, a, TARGET).await;
    let db = outcome(&room, b, TARGET).await;
    room.shutdown().await;
    assert_eq!(da.outcome, PublishOutcome::Delivered);
    assert_eq!(db.outcome, PublishOutcome::Delivered);
    assert_eq!(db.remote_id, da.remote_id);
    let trail: Vec<String> = lock(&server.page)
        .requests
        .iter()
        .map(|r| r.method.clone())
        .collect();
    assert_eq!(
        trail,
        ["GET", "POST", "PATCH"],
        "checked, created once, updated"
    );
}

/// Sends one update and returns its final delivery and every publish event of it.
async fn refused(
    url: &str,
    key_env: &str,
    body: &str,
    setup: impl FnOnce(&mut PageState),
    server: Option<&StatusPageServer>,
) -> (
    warroom::incident::comms::Delivery,
    Vec<(
        PublishOutcome,
        u32,
        Option<u16>,
        Option<String>,
        Option<String>,
    )>,
    warroom::incident::Incident,
) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    if let Some(s) = server {
        setup(&mut lock(&s.page));
    }
    let cfg = page_config(dir.path(), url, key_env);
    let log = dir.path().join("checkout.jsonl");
    let room = open(&cfg, &log, true).await;
    let id = say(
        &room,
        update(IncidentState::Investigating, body, &[], &[TARGET]),
    )
    .await;
    let d = outcome(&room, id, TARGET).await;
    room.shutdown().await;
    let inc = room.read().clone();
    (d, publish_events(&log, id), inc)
}

#[tokio::test]
async fn refusals_are_recorded_with_the_servers_message_and_lose_nothing() {
    let server = StatusPageServer::start().await;

    // 401: a wrong key (PATH is set, but it is not the key): not tried again.
    let (d, events, inc) = refused(
        &server.url,
        "PATH",
        "Checkout is failing.",
        |_| {},
        Some(&server),
    )
    .await;
    assert_eq!(d.outcome, PublishOutcome::Failed);
    assert_eq!(d.status, Some(401));
    assert_eq!(
        d.message.as_deref(),
        Some(
            "HTTP 401 Unauthorized: Could not authenticate (check the API key in the environment variable)"
        )
    );
    assert_eq!(events.len(), 2, "sending, failed: a refusal is not retried");
    assert_eq!(
        inc.comms.updates[0].body, "Checkout is failing.",
        "the update stays"
    );

    // 422 with the API's message: a body over the page's limit.
    let long = "x".repeat(6000);
    let (d, events, inc) = refused(
        &server.url,
        KEY_ENV,
        &long,
        |p| p.max_body_chars = 5000,
        Some(&server),
    )
    .await;
    assert_eq!(d.status, Some(422));
    assert_eq!(
        d.message.as_deref(),
        Some("HTTP 422 Unprocessable Entity: Body is too long (maximum is 5000 characters)")
    );
    assert_eq!(events.len(), 2);
    assert_eq!(
        inc.comms.updates[0].body, long,
        "the whole update is kept in the log"
    );

    // 413: a request larger than the server takes.
    let (d, _, _) = refused(
        &server.url,
        KEY_ENV,
        &"y".repeat(20_000),
        |p| {
            p.max_body_chars = 0;
            p.max_request_bytes = 10_000;
        },
        Some(&server),
    )
    .await;
    assert_eq!(d.status, Some(413));
    assert!(
        d.message.as_deref().is_some_and(|m| m.starts_with(
            "HTTP 413 Payload Too Large: Request Entity Too Large (the update is larger than the server takes"
        )),
        "{:?}",
        d.message
    );
    assert_eq!(lock(&server.page).incidents.len(), 0, "nothing was made");
}

#[tokio::test]
async fn no_key_and_no_server_are_named() {
    // The key's variable is not set: said so, naming it, and nothing is sent.
    let server = StatusPageServer::start().await;
    let (d, _, _) = refused(
        &server.url,
        "WARROOM_TEST_NO_SUCH_KEY",
        "Checkout is failing.",
        |_| {},
        Some(&server),
    )
    .await;
    assert_eq!(
        d.message.as_deref(),
        Some("api key: environment variable WARROOM_TEST_NO_SUCH_KEY is not set (or not UTF-8)")
    );
    assert!(lock(&server.page).requests.is_empty());

    // Unreachable: a transient failure, tried again (the first failure is looked at).
    let port = crate::support::free_port();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cfg = page_config(dir.path(), &format!("http://127.0.0.1:{port}"), KEY_ENV);
    let log = dir.path().join("checkout.jsonl");
    let room = open(&cfg, &log, true).await;
    let id = say_failing(&room).await;
    wait_for(&room, "a failed attempt", |i| {
        i.comms.updates[0]
            .deliveries
            .get(TARGET)
            .is_some_and(|d| d.outcome == PublishOutcome::Failed)
    })
    .await;
    room.shutdown().await;
    let events = publish_events(&log, id);
    let failed = events
        .iter()
        .find(|e| e.0 == PublishOutcome::Failed)
        .unwrap_or_else(|| panic!("{events:?}"));
    let m = failed.3.clone().unwrap_or_default();
    assert!(
        m.starts_with("cannot connect: ") && m.contains("trying again in"),
        "{m}"
    );
    assert!(!m.contains("127.0.0.1"), "no URL in the message: {m}");
}

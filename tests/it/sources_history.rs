//! A provider's history must not flood the room as if it happened now (issue 9, points 6
//! to 8): real status payloads served by a local HTTP server, polled by the real sources,
//! folded as the room folds them, and shown in the Pages pane and the postmortem.

use crate::support;

use std::time::Duration;

use chrono::Utc;
use support::*;
use tokio::sync::mpsc;
use warroom::config::{FeedConfig, SourceKind, StatuspageConfig};
use warroom::export::postmortem::Postmortem;
use warroom::incident::{Actor, Draft, EntryKind, EventKind, Incident};
use warroom::sources;
use warroom::ui::panes::{Ctx, pages};
use warroom::ui::theme::Theme;

const WAIT: Duration = Duration::from_secs(20);

/// The room opens (someone joins), then the source's drafts arrive: folded in that order.
fn room_fold(drafts: &[Draft]) -> Incident {
    let mut all = vec![Draft::new(
        Utc::now(),
        Actor::person("ana"),
        EventKind::Joined {
            person: "ana".into(),
            from: None,
        },
    )];
    all.extend(drafts.iter().cloned());
    fold(&all)
}

fn status_texts(inc: &Incident) -> Vec<String> {
    inc.timeline
        .iter()
        .filter(|e| e.kind == EntryKind::Status)
        .map(|e| e.text.clone())
        .collect()
}

fn pages_pane(inc: &Incident) -> String {
    let theme = Theme::builtin("default").expect("default theme");
    let cx = Ctx {
        inc,
        now: Utc::now(),
        theme: &theme,
        from: 0,
        to: 0,
        read_only: false,
    };
    pages::lines(&cx, 100)
        .iter()
        .map(|l| {
            l.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// True if `s` holds an age like "58388h" (three or more digits of hours).
fn huge_hours(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len()).any(|i| b[i] == b'h' && i >= 3 && b[i - 3..i].iter().all(|c| c.is_ascii_digit()))
}

async fn poll_feed(name: &str, body: Vec<u8>, role: Option<&str>) -> Vec<Draft> {
    let server = FixtureServer::start().await;
    server.set("/history.atom", Reply::Ok("application/atom+xml", body));
    let cfg = source(
        name,
        SourceKind::Feed(FeedConfig {
            url: format!("{}/history.atom", server.url()),
            auth: None,
            role: role.map(str::to_string),
        }),
    );
    let (tx, mut rx) = mpsc::channel(256);
    let task = sources::spawn(&cfg, tx);
    server.wait_hits("/history.atom", 3, WAIT).await;
    let got = drain_for(&mut rx, Duration::from_millis(100)).await;
    task.abort();
    got
}

#[tokio::test]
async fn feed_history_is_one_quiet_entry_and_not_in_the_postmortem() {
    let atom = fixture("feeds/githubstatus_history.atom");
    let drafts = poll_feed("GitHub history", atom, Some("provider")).await;
    let inc = room_fold(&drafts);
    let texts = status_texts(&inc);
    // 25 resolved incidents from 2026-07/08: one line, not five entries stamped "now".
    assert_eq!(
        texts,
        vec!["[GitHub history] no open incidents (25 past)".to_string()],
        "{texts:#?}"
    );
    let page = &inc.pages[0];
    assert!(page.is_provider());
    assert!(!page.incidents.is_empty(), "history is still recorded");

    let events: Vec<_> = drafts
        .iter()
        .enumerate()
        .map(|(i, d)| d.clone().into_event(i as u64 + 2))
        .collect();
    let pm = Postmortem::build(&inc, &events, false, &[]);
    assert!(
        pm.provider_incidents.is_empty(),
        "incidents closed before the room are not this incident's: {:#?}",
        pm.provider_incidents
    );
    assert!(pm.status_updates.is_empty(), "{:#?}", pm.status_updates);
}

#[tokio::test]
async fn a_new_entry_after_the_first_poll_shows_the_providers_time() {
    // Poll the real feed, then the same feed with an entry the provider posted an hour ago
    // that is still open: it enters the timeline, with the provider's time beside it.
    let atom = fixture_str("feeds/githubstatus_history.atom");
    let server = FixtureServer::start().await;
    server.set(
        "/h.atom",
        Reply::Ok("application/atom+xml", atom.clone().into_bytes()),
    );
    let cfg = source(
        "GitHub history",
        SourceKind::Feed(FeedConfig {
            url: format!("{}/h.atom", server.url()),
            auth: None,
            role: None,
        }),
    );
    let (tx, mut rx) = mpsc::channel(256);
    let task = sources::spawn(&cfg, tx);
    server.wait_hits("/h.atom", 2, WAIT).await;
    let mut all = drain_for(&mut rx, Duration::from_millis(50)).await;
    let posted = Utc::now() - chrono::Duration::hours(1);
    let stamp = posted.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let entry = format!(
        "<entry>\n    <id>tag:www.githubstatus.com,2005:Incident/99999999</id>\n    <published>{stamp}</published>\n    <updated>{stamp}</updated>\n    <title>Degraded performance for Git Operations</title>\n    <content type=\"html\">&lt;p&gt;&lt;strong&gt;Investigating&lt;/strong&gt; - We are investigating reports.&lt;/p&gt;</content>\n  </entry>\n  "
    );
    let pos = atom.find("<entry>").expect("an entry");
    server.set(
        "/h.atom",
        Reply::Ok(
            "application/atom+xml",
            format!("{}{}{}", &atom[..pos], entry, &atom[pos..]).into_bytes(),
        ),
    );
    collect_until(&mut rx, &mut all, WAIT, "the new entry", |d| {
        matches!(d.kind, EventKind::StatusIncident { .. })
    })
    .await;
    task.abort();
    let inc = room_fold(&all);
    let texts = status_texts(&inc);
    assert_eq!(texts.len(), 2, "{texts:#?}");
    let want = format!("(posted {})", posted.format("%H:%M UTC"));
    let want_dated = format!("(posted {})", posted.format("%Y-%m-%d %H:%M UTC"));
    assert!(
        texts[1]
            .starts_with("[GitHub history] investigating: Degraded performance for Git Operations")
            && (texts[1].contains(&want) || texts[1].contains(&want_dated)),
        "{texts:#?}"
    );
}

#[tokio::test]
async fn an_empty_feed_shows_in_the_pages_pane() {
    // The real feed with its entries cut out: a configured provider with nothing to say.
    let atom = fixture_str("feeds/githubstatus_history.atom");
    let (head, _) = atom.split_once("<entry>").expect("entries");
    let empty = format!("{head}</feed>\n");
    let drafts = poll_feed("cloud feed", empty.into_bytes(), None).await;
    let inc = room_fold(&drafts);
    assert_eq!(status_texts(&inc), vec!["[cloud feed] no incidents"]);
    let pane = pages_pane(&inc);
    assert!(pane.contains("cloud feed"), "{pane}");
    assert!(pane.contains("no incidents"), "{pane}");
    assert!(pane.contains(" ago"), "freshness shown: {pane}");
}

#[tokio::test]
async fn status_page_first_poll_is_one_entry_and_markdown_reads_as_text() {
    let server = FixtureServer::start().await;
    // GitHub's summary of 2019 plus one open incident whose update is Markdown.
    let mut summary: serde_json::Value =
        serde_json::from_slice(&fixture("statuspage/summary.json")).expect("summary");
    let incidents: serde_json::Value =
        serde_json::from_slice(&fixture("statuspage/incidents.json")).expect("incidents");
    // The incident as it was when it opened: its oldest update only, still investigating.
    let mut open = incidents["incidents"][0].clone();
    let mut first = open["incident_updates"]
        .as_array()
        .and_then(|u| u.last())
        .cloned()
        .expect("an update");
    first["status"] = "investigating".into();
    first["body"] =
        "**Update** - We are *still* investigating.\nSee [our status page](https://www.githubstatus.com) for more.".into();
    open["status"] = "investigating".into();
    open["incident_updates"] = serde_json::Value::Array(vec![first]);
    summary["incidents"] = serde_json::Value::Array(vec![open]);
    server.set(
        "/api/v2/summary.json",
        Reply::Ok(
            "application/json",
            serde_json::to_vec(&summary).expect("json"),
        ),
    );
    let cfg = source(
        "GitHub",
        SourceKind::Statuspage(StatuspageConfig {
            url: server.url(),
            auth: None,
            role: Some("provider".into()),
            budget: sources::budget::DEFAULT_PER_MINUTE,
        }),
    );
    let (tx, mut rx) = mpsc::channel(256);
    let task = sources::spawn(&cfg, tx);
    server.wait_hits("/api/v2/summary.json", 3, WAIT).await;
    let drafts = drain_for(&mut rx, Duration::from_millis(100)).await;
    task.abort();
    let inc = room_fold(&drafts);
    let texts = status_texts(&inc);
    assert_eq!(
        texts,
        vec!["[GitHub] All Systems Operational, 1 open incident".to_string()],
        "{texts:#?}"
    );
    let page = &inc.pages[0];
    let body = &page.incidents[0]
        .updates
        .iter()
        .max_by_key(|u| u.at)
        .expect("an update")
        .body;
    assert!(!body.contains("**") && !body.contains('*'), "{body}");
    assert!(
        body.contains("Update - We are still investigating."),
        "{body}"
    );
    assert!(body.contains("https://www.githubstatus.com"), "{body}");
    // The open incident is in the pane with its age as a date (posted in 2024).
    let pane = pages_pane(&inc);
    assert!(pane.contains("since 20"), "{pane}");
    assert!(!huge_hours(&pane), "{pane}");
    let events: Vec<_> = drafts
        .iter()
        .enumerate()
        .map(|(i, d)| d.clone().into_event(i as u64 + 2))
        .collect();
    let pm = Postmortem::build(&inc, &events, false, &[]);
    assert_eq!(pm.provider_incidents.len(), 1);
    assert!(pm.provider_incidents[0].provider);
    assert!(
        pm.provider_incidents[0].lasted.starts_with("since 20"),
        "{}",
        pm.provider_incidents[0].lasted
    );
    let md = warroom::export::markdown::render(&pm);
    assert!(md.contains("### Third-party status pages"), "{md}");
    assert!(!md.contains("\\*\\*"), "{md}");
}

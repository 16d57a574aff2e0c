//! Sources on one host each (issue 13): two rooms of one incident on one stream, with the
//! same config, each run only the sources whose `host` is their own `[store] host`, so no
//! signal is polled and written twice; every room shows every signal from the stream.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::nats_support::{Nats, have_nats, stream_events};
use crate::pty;
use crate::support::{FixtureServer, Reply, now_unix};

const WAIT: Duration = Duration::from_secs(30);

/// A Prometheus answer with the current time, so every poll is a new sample.
fn live_vector(value: &'static str) -> Reply {
    Reply::Dynamic(Arc::new(move || {
        let body = format!(
            r#"{{"status":"success","data":{{"resultType":"vector","result":[{{"metric":{{}},"value":[{},"{value}"]}}]}}}}"#,
            now_unix()
        );
        (200, "application/json".into(), body.into_bytes())
    }))
}

/// An empty range for the backfill at a source's start.
fn empty_matrix() -> Reply {
    Reply::Ok(
        "application/json",
        br#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#.to_vec(),
    )
}

/// The config both rooms share, with this room's `host`.
fn room(root: &Path, name: &str, url: &str, host: &str, eu: &str, us: &str) -> std::path::PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).expect("room dir");
    let source = |name: &str, at: &str, host: &str| {
        format!(
            "\n[[source]]\nkind = \"prometheus\"\nname = \"{name}\"\nhost = \"{host}\"\nurl = \"{at}\"\nquery = \"checkout_errors\"\nevery = \"1s\"\nunit = \"%\"\nwarn = 0.5\ncrit = 0.9\n"
        )
    };
    let config = format!(
        "[incident]\ntitle = \"Checkout failing at the gateway\"\nseverity = \"SEV2\"\ndeclare = \"on_open\"\nid = \"hosts-1\"\n\n[store]\nkind = \"nats\"\nurl = \"{url}\"\nhost = \"{host}\"\n{}{}",
        source("errors eu", eu, "ops-eu"),
        source("errors us", us, "ops-us"),
    );
    std::fs::write(dir.join("config.toml"), config).expect("write config");
    dir
}

fn metrics(url: &str, series: &str) -> usize {
    stream_events(url, "hosts-1")
        .iter()
        .filter(|e| {
            matches!(&e.kind, warroom::incident::EventKind::Metric { series: s, .. } if s == series)
        })
        .count()
}

#[test]
fn a_source_for_another_host_is_run_only_by_that_hosts_room() {
    if !have_nats("sources on one host") {
        return;
    }
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (eu, us) =
        rt.block_on(async { (FixtureServer::start().await, FixtureServer::start().await) });
    for s in [&eu, &us] {
        s.set("/api/v1/query", live_vector("0.2"));
        s.set("/api/v1/query_range", empty_matrix());
    }
    let root = tempfile::tempdir().expect("tempdir");
    let nats = Nats::start(root.path());
    let url = nats.url();

    // The room on ops-eu runs "errors eu" and not "errors us".
    let eu_dir = room(root.path(), "eu", &url, "ops-eu", &eu.url(), &us.url());
    let mut a = pty::spawn(&["--user", "ana"], &eu_dir);
    assert!(a.wait_for("errors eu", WAIT), "{}", a.text());
    rt.block_on(eu.wait_hits("/api/v1/query", 3, WAIT));
    assert_eq!(
        us.hits("/api/v1/query") + us.hits("/api/v1/query_range"),
        0,
        "the room on ops-eu polled the source of ops-us"
    );
    assert!(metrics(&url, "errors eu") >= 2);
    assert_eq!(metrics(&url, "errors us"), 0, "a sample of ops-us's source");

    // The room on ops-us (same config) runs "errors us"; the room on ops-eu shows it.
    let us_dir = room(root.path(), "us", &url, "ops-us", &eu.url(), &us.url());
    let mut b = pty::spawn(&["--user", "bo"], &us_dir);
    assert!(b.wait_for("errors eu", WAIT), "{}", b.text());
    rt.block_on(us.wait_hits("/api/v1/query", 2, WAIT));
    assert!(
        a.wait_for("errors us", WAIT),
        "the room on ops-eu shows the signal polled on ops-us:\n{}",
        a.text()
    );
    // With the room on ops-eu gone, nobody polls its source.
    quit(&mut a);
    let eu_polls = eu.hits("/api/v1/query") + eu.hits("/api/v1/query_range");
    rt.block_on(us.wait_hits("/api/v1/query", 3, WAIT));
    assert_eq!(
        eu.hits("/api/v1/query") + eu.hits("/api/v1/query_range"),
        eu_polls,
        "the room on ops-us polled the source of ops-eu"
    );
    quit(&mut b);
    assert!(metrics(&url, "errors us") >= 2);
}

fn quit(s: &mut pty::Session) {
    s.send("\x03");
    let deadline = std::time::Instant::now() + WAIT;
    while s.child.try_wait().ok().flatten().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the room did not leave on Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

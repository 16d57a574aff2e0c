//! The incident desk: `warroom incidents` and `warroom report` over a directory of
//! generated logs (open, resolved, drills, damaged, not logs), golden outputs.

use crate::desk_logs::{t0, write_dir};

use chrono::Duration;

#[test]
fn the_list_shows_open_incidents_first_with_their_state_and_names_what_it_cannot_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_dir(dir.path());
    let listing = warroom::desk::list::list(dir.path()).expect("list");
    // "Now": the open checkout incident's public update was an hour ago.
    let now = t0() + Duration::minutes(24 * 60 + 20 + 60);
    let first = warroom::desk::list::render(&listing, now);
    assert!(
        first.contains("open 1h20m      ana           1h00m ago"),
        "{first}"
    );
    // Ten days on.
    let now = t0() + Duration::days(10);
    insta::assert_snapshot!("incidents_list", warroom::desk::list::render(&listing, now));
}

#[test]
fn the_list_agrees_with_the_full_fold_on_every_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_dir(dir.path());
    let listing = warroom::desk::list::list(dir.path()).expect("list");
    assert_eq!(listing.incidents.len(), 5);
    for s in &listing.incidents {
        let mut inc = warroom::incident::Incident::new();
        let (_, rec) = warroom::log::read(&s.path, |e| inc.apply(&e)).expect("read");
        assert_eq!(s.title, inc.title, "{}", s.path.display());
        assert_eq!(s.severity, inc.severity);
        assert_eq!(s.state, inc.state);
        assert_eq!(s.commander.as_ref(), inc.roles.get("commander"));
        assert_eq!(s.drill, inc.drill);
        assert_eq!(s.events, rec.events);
        assert_eq!(s.damaged, rec.damaged.len() as u64);
        assert_eq!(s.last_at, inc.last_at);
        assert_eq!(Some(s.started), inc.first_at);
    }
}

#[test]
fn warroom_incidents_lists_a_directory_and_refuses_a_missing_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_dir(dir.path());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
        .arg("incidents")
        .arg(dir.path())
        .output()
        .expect("run");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}");
    let lines: Vec<&str> = said.lines().collect();
    assert!(
        lines[1].contains("DNS timeouts") && lines[1].contains("(2 damaged lines)"),
        "open first, newest first:\n{said}"
    );
    assert!(
        lines[2].contains("Checkout failing for EU shoppers"),
        "{said}"
    );
    assert!(
        said.contains("5 incidents, 2 open, 2 logs not readable"),
        "{said}"
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
        .arg("incidents")
        .arg(dir.path().join("nope"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

#[test]
fn the_report_counts_by_severity_with_key_time_quantiles_and_keeps_drills_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_dir(dir.path());
    let now = t0() + Duration::days(10);
    let r = warroom::desk::report::build(dir.path(), None, now).expect("report");
    assert_eq!((r.real.count, r.real.open), (4, 2));
    assert_eq!(r.drills.count, 1);
    let sev3 = &r.real.by_severity[&warroom::incident::Severity::Sev3];
    // Search: impact back-dated to 10:00, alert 10:02, declared 10:10, monitoring 10:40,
    // resolved 11:30.
    let mins = |m: i64| Duration::minutes(m);
    assert_eq!(sev3.metrics[0], Some((1, mins(2), mins(2))));
    assert_eq!(sev3.metrics[1], Some((1, mins(8), mins(8))));
    assert_eq!(sev3.metrics[2], Some((1, mins(40), mins(40))));
    assert_eq!(sev3.metrics[3], Some((1, mins(90), mins(90))));
    insta::assert_snapshot!("report_markdown", warroom::desk::report::markdown(&r));
    insta::assert_snapshot!("report_json", warroom::desk::report::json(&r));
    insta::assert_snapshot!("report_csv", warroom::desk::report::csv(&r));

    // --since: the checkout (day 1) and search (day 0) incidents started before.
    let since = t0() + Duration::days(2);
    let r = warroom::desk::report::build(dir.path(), Some(since), now).expect("report");
    assert_eq!(
        (r.real.count, r.drills.count),
        (2, 1),
        "dns, login and the drill"
    );
}

#[test]
fn quantiles_are_nearest_rank() {
    let mut v: Vec<Duration> = (1..=10).map(Duration::minutes).collect();
    assert_eq!(
        warroom::desk::report::quantiles(&mut v),
        Some((Duration::minutes(5), Duration::minutes(9)))
    );
    let mut one = vec![Duration::seconds(7)];
    assert_eq!(
        warroom::desk::report::quantiles(&mut one),
        Some((Duration::seconds(7), Duration::seconds(7)))
    );
    assert_eq!(warroom::desk::report::quantiles(&mut []), None);
}

#[test]
fn warroom_report_writes_each_format_and_refuses_a_bad_since() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_dir(dir.path());
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
            .arg("report")
            .arg(dir.path())
            .args(args)
            .output()
            .expect("run")
    };
    let md = run(&[]);
    assert!(md.status.success());
    let md = String::from_utf8_lossy(&md.stdout).to_string();
    assert!(
        md.contains("## Incidents: 4 (2 open)") && md.contains("## Drills: 1 (0 open)"),
        "{md}"
    );
    let js = run(&["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&js.stdout).expect("json");
    assert_eq!(v["incidents"]["count"], 4);
    let csv = run(&["--format", "csv"]);
    assert!(
        String::from_utf8_lossy(&csv.stdout).starts_with("group,severity,metric,n,median_s,p90_s")
    );
    // Everything these logs hold started long before the last day.
    let recent = run(&["--since", "1d"]);
    assert!(String::from_utf8_lossy(&recent.stdout).contains("## Incidents: 0 (0 open)"));
    let bad = run(&["--since", "lately"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a duration"));
}

/// A report stores what it took from each log in the folder's cache: the next report
/// (and list) of unchanged logs reads none of them and gives the same answer, and a log
/// that changed is read again.
#[test]
fn a_second_report_answers_from_the_cache_and_rereads_a_changed_log() {
    use warroom::incident::Severity;
    let dir = tempfile::tempdir().expect("tempdir");
    write_dir(dir.path());
    let now = t0() + Duration::days(10);
    let first = warroom::desk::report::build(dir.path(), None, now).expect("report");
    assert!(dir.path().join(warroom::desk::cache::FILE).is_file());
    // The same length and modification time, other bytes: a warm report does not look.
    let login = dir.path().join("2026-11-09-login.jsonl");
    let meta = std::fs::metadata(&login).expect("meta");
    let junk = vec![b'x'; usize::try_from(meta.len()).expect("len")];
    std::fs::write(&login, junk).expect("write");
    std::fs::File::options()
        .write(true)
        .open(&login)
        .and_then(|f| f.set_modified(meta.modified()?))
        .expect("set mtime");
    let warm = warroom::desk::report::build(dir.path(), None, now).expect("report");
    assert_eq!(warm, first, "the cache answers for every unchanged log");
    // The list reads none either: the report stored its summaries too.
    let listing = warroom::desk::list::list(dir.path()).expect("list");
    assert!(
        listing
            .incidents
            .iter()
            .any(|s| s.title == "Logins failing"),
        "{:?}",
        listing.unreadable
    );
    // A log that changed (here: its length) is read again.
    std::fs::write(&login, "junk\n").expect("write");
    let cold = warroom::desk::report::build(dir.path(), None, now).expect("report");
    assert_eq!(cold.real.count, first.real.count - 1);
    assert!(cold.unreadable.iter().any(|(p, _)| p == &login));
    assert_eq!(
        cold.real.by_severity[&Severity::Sev2].count,
        1,
        "the other SEV2 is left"
    );
}

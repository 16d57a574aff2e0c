//! A refused `:` command line says why on the command line. The messages are pinned here
//! word for word: they are what a person reads, and the typed errors
//! (`ui::command::ParseError`) must say exactly what the old string errors said.

use chrono::{TimeZone, Utc};
use warroom::incident::Incident;
use warroom::ui::command;

#[test]
fn every_refused_command_line_says_why_as_before() {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 30, 12, 0, 0)
        .single()
        .expect("a valid time");
    let inc = Incident::new();
    let update = "usage: :update [STATE TEXT | internal TEXT]";
    let action = "usage: :action TEXT [@OWNER] [due:YYYY-MM-DD]";
    let cases: Vec<(&str, String)> = vec![
        ("frobnicate", "unknown command :frobnicate (try :help)".into()),
        ("s", ":s is ambiguous: sev, state".into()),
        ("note", "usage: :note TEXT".into()),
        ("role commander", "usage: :role ROLE NAME|-".into()),
        ("sev 7", r#"bad severity "7": use 1, 2, 3 or 4"#.into()),
        (
            "state sleeping",
            r#"bad state "sleeping": investigating, identified, monitoring or resolved"#.into(),
        ),
        (
            "impact 25:99",
            r#"bad time "25:99": use HH:MM, HH:MM:SS, YYYY-MM-DD HH:MM (UTC) or RFC 3339"#.into(),
        ),
        ("impact 2999-01-01 00:00", "impact can't start in the future".into()),
        (
            "export pdf",
            r#"unknown format "pdf": markdown, json, csv, actions or actions-md"#.into(),
        ),
        ("update public", format!("{update}: after `public` comes the state")),
        (
            "update sleeping all good",
            format!(
                r#"{update}: "sleeping" is not a state (investigating, identified, monitoring, resolved) or `internal`"#
            ),
        ),
        ("update monitoring", format!("{update}: the update needs its text")),
        (
            "update investigatin looking",
            format!(
                r#"{update}: write the state of a public update in full: "investigatin" is not `investigating` (Tab completes); nothing sent"#
            ),
        ),
        ("action @ana @bo fix it", format!("{action}: one @owner per follow-up")),
        (
            "action fix it due:2026-12-01 due:2026-12-02",
            format!("{action}: one due: date per follow-up"),
        ),
        (
            "action fix it due:tomorrow",
            r#"bad due date "tomorrow": write due:YYYY-MM-DD, e.g. due:2026-12-05; nothing recorded"#
                .into(),
        ),
        ("action @ana", format!("{action}: the follow-up needs its text")),
        ("handoff -", "usage: :handoff NAME".into()),
    ];
    for (line, want) in cases {
        match command::parse(line, &inc, now) {
            Err(e) => assert_eq!(e.to_string(), want, ":{line}"),
            Ok(c) => panic!(":{line} was taken: {c:?}"),
        }
    }
}

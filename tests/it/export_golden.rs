//! Export golden files: the postmortem of a fixed incident in each format, and a log with
//! damaged lines that still exports and says what was skipped.

use crate::replay_support;

use replay_support::{read_log, story, write_log};
use warroom::export::{Format, render, render_with};
use warroom::incident::Incident;

fn exported(format: Format, all: bool) -> String {
    let events = story();
    let inc = Incident::fold(&events);
    render(&inc, &events, format, all)
}

#[test]
fn markdown_postmortem_draft() {
    let md = exported(Format::Markdown, false);
    // What a reader relies on, beyond the golden file:
    assert!(
        md.contains("| Title | Checkout failing \\| storefront &lt;slow&gt; |"),
        "pipes and HTML in a title are escaped"
    );
    assert!(md.contains("| time to detect | 1m00s |"));
    assert!(md.contains("| ops | cy |"), "the first ops holder is kept");
    assert!(md.contains("| ops | dan |"));
    assert!(
        md.contains("- Updates every 30 min until resolved (communication)"),
        "undone items are listed"
    );
    assert!(md.contains("Longest: **Checkout errors** on shop status (45m00s)."));
    assert!(md.contains("| outage reports | 2400 | 2026-03-05 21:05:00 | 120 | 20.0x |"));
    insta::assert_snapshot!("markdown", md);
}

#[test]
fn markdown_with_every_event() {
    let md = exported(Format::Markdown, true);
    assert!(
        md.contains("orders per minute = 410"),
        "--all lists samples that made no timeline line"
    );
    insta::assert_snapshot!("markdown_all", md);
}

#[test]
fn json_of_everything() {
    let js = exported(Format::Json, true);
    let v: serde_json::Value = serde_json::from_str(&js).unwrap_or_default();
    assert_eq!(v["title"], "Checkout failing | storefront <slow>");
    assert_eq!(
        v["raw_events"].as_array().map(|a| a.len()),
        Some(story().len())
    );
    assert_eq!(v["durations"][3]["seconds"], 52 * 60);
    insta::assert_snapshot!("json_all", js);
}

#[test]
fn csv_timeline_is_quoted_properly() {
    let csv = exported(Format::Csv, false);
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = rd.records().filter_map(Result::ok).collect();
    assert!(
        rows.iter()
            .any(|r| &r[6] == "Incident declared: Checkout failing | storefront <slow> (SEV2)")
    );
    assert!(rows.iter().all(|r| r.len() == 7));
    insta::assert_snapshot!("csv", csv);
}

#[test]
fn a_damaged_log_still_exports_and_says_what_was_skipped() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = dir.path().join("damaged.jsonl");
    write_log(&path, "checkout", &story()).unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[5] = lines[5][..20].to_string(); // torn write
    lines.insert(12, "\u{1b}]52;c;aGFjaw==\u{7} garbage".to_string());
    std::fs::write(&path, lines.join("\n") + "\n").unwrap_or_else(|e| panic!("{e}"));

    let (events, damaged) = read_log(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(damaged.len(), 2);
    let inc = Incident::fold(&events);
    let md = render_with(&inc, &events, Format::Markdown, false, &damaged);
    assert!(md.contains("2 damaged line(s) of the log were skipped"));
    assert!(md.contains("> - line 6 ("));
    assert!(md.contains("> - line 13 ("));
    assert!(!md.contains('\u{1b}'));
    assert!(md.contains("## Timeline"), "the rest still exports");
    let csv = render_with(&inc, &events, Format::Csv, false, &damaged);
    assert!(csv.contains("log line 6 skipped"));
    let js = render_with(&inc, &events, Format::Json, false, &damaged);
    let v: serde_json::Value = serde_json::from_str(&js).unwrap_or_default();
    assert_eq!(v["skipped"][1]["line"], 13);
}

//! The cState publisher: the issue file it writes is read back (front matter and dated
//! updates), rewritten in place by later updates, and built by Debian's `hugo` into the
//! real cState site from /work/shared/cstate, whose pages then show the issue.

use std::path::{Path, PathBuf};

use warroom::incident::{IncidentState, PublishOutcome};

use crate::publish_support::*;

/// The cState site shared with the project (../shared/cstate/site).
fn shared_site() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/cstate/site")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap_or_else(|e| panic!("{e}"));
        let dest = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

#[derive(serde::Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    date: String,
    resolved: bool,
    #[serde(rename = "resolvedWhen")]
    resolved_when: Option<String>,
    severity: String,
    affected: Vec<String>,
    section: String,
}

/// (front matter, the update paragraphs) of an issue file.
fn read_issue(path: &Path) -> (FrontMatter, Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rest = text
        .strip_prefix("+++\n")
        .unwrap_or_else(|| panic!("front matter opens the file: {text}"));
    let (fm, body) = rest
        .split_once("+++\n")
        .unwrap_or_else(|| panic!("front matter closes: {text}"));
    let fm: FrontMatter =
        toml::from_str(fm).unwrap_or_else(|e| panic!("front matter: {e}\n{text}"));
    let paragraphs = body
        .split("\n\n")
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    (fm, paragraphs)
}

#[tokio::test]
async fn writes_the_issue_and_hugo_builds_it_into_the_site() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let site = dir.path().join("site");
    copy_dir(&shared_site(), &site);
    let cfg = config(
        dir.path(),
        r#"
[incident]
title = "Checkout failing: payments time out"
severity = "SEV1"

[[publish]]
name = "cstate"
kind = "cstate"
site = "site"
"#,
    );
    let log = dir.path().join("c.jsonl");
    let room = open(&cfg, &log, true).await;
    let a = say(
        &room,
        update(
            IncidentState::Investigating,
            "Checkouts fail for most customers.",
            &[
                ("Checkout", None, "major_outage"),
                ("Payments", None, "degraded_performance"),
            ],
            &["cstate"],
        ),
    )
    .await;
    let da = delivered(&room, a, "cstate").await;
    let rel = da.remote_id.clone().unwrap_or_else(|| panic!("{da:?}"));
    assert!(
        rel.starts_with("content/issues/")
            && rel.ends_with("-checkout-failing-payments-time-out.md"),
        "{rel}"
    );
    let (fm, paragraphs) = read_issue(&site.join(&rel));
    assert!(!fm.resolved);
    assert_eq!(fm.resolved_when, None);
    assert_eq!(fm.severity, "down");
    assert_eq!(fm.affected, ["Checkout", "Payments"]);
    assert_eq!(paragraphs.len(), 1);

    let b = say(
        &room,
        update(
            IncidentState::Resolved,
            "Payments work again; {{< oops >}} no shortcode here.",
            &[("Checkout", None, "operational")],
            &["cstate"],
        ),
    )
    .await;
    let db = delivered(&room, b, "cstate").await;
    room.shutdown().await;
    assert_eq!(
        db.remote_id.as_deref(),
        Some(rel.as_str()),
        "the same file rewritten"
    );
    let issues: Vec<_> = std::fs::read_dir(site.join("content/issues"))
        .unwrap_or_else(|e| panic!("{e}"))
        .map(|e| e.map(|e| e.file_name()).unwrap_or_default())
        .filter(|n| n != ".gitkeep")
        .collect();
    assert_eq!(issues.len(), 1, "one file, no temporary left: {issues:?}");

    let (fm, paragraphs) = read_issue(&site.join(&rel));
    assert_eq!(fm.title, "Checkout failing: payments time out");
    assert_eq!(fm.section, "issue");
    assert!(fm.resolved);
    let inc = room.read().clone();
    let at = |id: u64| {
        inc.comms
            .updates
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.at.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default()
    };
    assert_eq!(fm.date, at(a));
    assert_eq!(fm.resolved_when.as_deref(), Some(at(b).as_str()));
    assert_eq!(fm.severity, "down", "the worst the incident was");
    assert_eq!(
        paragraphs,
        [
            format!(
                "*Resolved* - Payments work again; &#123;&#123;< oops >}}}} no shortcode here. {{{{< track \"{}\" >}}}}",
                at(b)
            ),
            format!(
                "*Investigating* - Checkouts fail for most customers. {{{{< track \"{}\" >}}}}",
                at(a)
            ),
        ],
        "newest first, each dated"
    );

    // The real consumer: cState built by Hugo shows the issue.
    if !crate::support::require("cstate hugo build", "/usr/bin/hugo", "hugo") {
        return;
    }
    let out = dir.path().join("public");
    let run = std::process::Command::new("/usr/bin/hugo")
        .arg("-s")
        .arg(&site)
        .arg("-d")
        .arg(&out)
        .arg("--quiet")
        .output()
        .unwrap_or_else(|e| panic!("hugo: {e}"));
    assert!(
        run.status.success(),
        "hugo failed: {}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let slug = Path::new(&rel)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let json_path = out.join("issues").join(&slug).join("index.json");
    let built: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&json_path)
            .unwrap_or_else(|e| panic!("{}: {e}", json_path.display())),
    )
    .unwrap_or_else(|e| panic!("index.json: {e}"));
    assert_eq!(built["title"], "Checkout failing: payments time out");
    assert_eq!(built["severity"], "down");
    assert_eq!(built["resolved"], true);
    assert_eq!(
        built["affected"],
        serde_json::json!(["Checkout", "Payments"])
    );
    let page = std::fs::read_to_string(out.join("issues").join(&slug).join("index.html"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        page.contains("Payments work again"),
        "the update is on the issue page"
    );
    assert!(page.contains("Checkouts fail for most customers"));
    let home = std::fs::read_to_string(out.join("index.html")).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        home.contains("Checkout failing: payments time out"),
        "the home page lists it"
    );
}

#[tokio::test]
async fn a_missing_site_is_named() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cfg = config(
        dir.path(),
        "[[publish]]\nname = \"cstate\"\nkind = \"cstate\"\nsite = \"no-such-site\"\n",
    );
    let room = open(&cfg, &dir.path().join("c.jsonl"), true).await;
    let id = say(
        &room,
        update(IncidentState::Investigating, "Down.", &[], &["cstate"]),
    )
    .await;
    let d = outcome(&room, id, "cstate").await;
    room.shutdown().await;
    assert_eq!(d.outcome, PublishOutcome::Failed);
    let m = d.message.unwrap_or_default();
    assert!(
        m.starts_with("cstate site ") && m.ends_with("no-such-site is not a folder"),
        "{m}"
    );
}

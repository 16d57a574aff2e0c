//! The cState publisher: writes the incident into a cState status site (the open-source
//! Hugo status page) as `content/issues/<date>-<slug>.md`.
//!
//! The file is the whole story so far: front matter (`title`, `date`, `resolved`,
//! `resolvedWhen`, `severity` = `down` / `disrupted` / `notice`, `affected` = component
//! names, `section = "issue"`, written as TOML between `+++` lines, which Hugo reads like
//! YAML) and every update to this target as a dated paragraph, newest first, as cState
//! shows them. Each update rewrites the same file (the one named by the log's last
//! delivery) atomically: a temporary file in the same folder, synced, then renamed over it.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Failure, Job};
use crate::config::{CstatePublish, PublishConfig};
use crate::incident::comms::UpdateRecord;
use crate::incident::{Audience, IncidentState};

/// Where issues go inside the site.
pub const ISSUES_DIR: &str = "content/issues";

pub struct Cstate {
    pub name: String,
    pub audience: Audience,
    site: PathBuf,
}

/// cState's front matter.
#[derive(Serialize, Debug, PartialEq)]
pub struct FrontMatter {
    pub title: String,
    pub date: String,
    pub resolved: bool,
    #[serde(rename = "resolvedWhen", skip_serializing_if = "Option::is_none")]
    pub resolved_when: Option<String>,
    pub severity: &'static str,
    pub affected: Vec<String>,
    pub section: &'static str,
}

impl Cstate {
    pub fn new(config: &PublishConfig, c: &CstatePublish) -> Self {
        Cstate {
            name: config.name.clone(),
            audience: config.audience,
            site: c.site.clone(),
        }
    }

    /// The file (relative to the site) this job writes: the one of earlier deliveries, else
    /// `content/issues/<date of the first update>-<slug of the title>.md`.
    pub fn file(job: &Job) -> String {
        if let Some(id) = job.remote_id.as_deref().filter(|id| is_issue_path(id)) {
            return id.to_string();
        }
        let first = job.history.first().unwrap_or(&job.update);
        format!(
            "{ISSUES_DIR}/{}-{}.md",
            first.at.format("%Y-%m-%d"),
            crate::room::slug(&job.title)
        )
    }

    pub fn intent(&self, job: &Job) -> (Option<String>, Option<String>) {
        let f = Self::file(job);
        (Some(f.clone()), Some(format!("write {f}")))
    }

    pub async fn send(&mut self, job: &Job) -> Result<Option<String>, Failure> {
        let rel = Self::file(job);
        let text = render(job);
        let site = self.site.clone();
        let r = rel.clone();
        let res = tokio::task::spawn_blocking(move || write_atomic(&site, &r, &text)).await;
        match res {
            Ok(Ok(())) => Ok(Some(rel)),
            Ok(Err(f)) => Err(f),
            Err(e) => Err(Failure::fatal(None, format!("cstate writer failed: {e}"))),
        }
    }
}

/// A path this publisher itself would write: `content/issues/NAME.md`, nothing else.
fn is_issue_path(p: &str) -> bool {
    p.strip_prefix(ISSUES_DIR)
        .and_then(|r| r.strip_prefix('/'))
        .is_some_and(|name| {
            name.ends_with(".md")
                && !name.starts_with('.')
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
        })
}

/// cState's time format in front matter and the `track` shortcode.
fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `down` for a major outage, `disrupted` for a partial outage or degraded performance,
/// else `notice`: the worst any update gave.
pub fn severity(updates: &[UpdateRecord]) -> &'static str {
    let worst = updates
        .iter()
        .flat_map(|u| &u.components)
        .map(|c| match c.status.as_str() {
            "major_outage" => 2,
            "partial_outage" | "degraded_performance" => 1,
            _ => 0,
        })
        .max()
        .unwrap_or(0);
    ["notice", "disrupted", "down"][worst]
}

/// The front matter for `job`.
pub fn front_matter(job: &Job) -> FrontMatter {
    let all = history(job);
    let first = all.first().map_or(job.update.at, |u| u.at);
    let last = all.last().unwrap_or(&job.update);
    let mut affected: Vec<String> = Vec::new();
    for c in all.iter().flat_map(|u| &u.components) {
        let n = crate::text::line(&c.name);
        if !affected.contains(&n) {
            affected.push(n);
        }
    }
    let resolved = last.state == IncidentState::Resolved;
    FrontMatter {
        title: crate::text::line(&job.title),
        date: when(first),
        resolved,
        resolved_when: resolved.then(|| when(last.at)),
        severity: severity(&all),
        affected,
        section: "issue",
    }
}

fn history(job: &Job) -> Vec<UpdateRecord> {
    let mut all: Vec<UpdateRecord> = job
        .history
        .iter()
        .filter(|u| u.id != job.update.id)
        .cloned()
        .collect();
    all.push(job.update.clone());
    all
}

/// The whole file: front matter, then the updates newest first.
pub fn render(job: &Job) -> String {
    let fm = toml::to_string(&front_matter(job)).unwrap_or_default();
    let mut s = format!("+++\n{fm}+++\n");
    for u in history(job).iter().rev() {
        let state = u.state.as_str();
        let mut cap = state.chars();
        let state: String = cap
            .next()
            .map(|c| c.to_ascii_uppercase())
            .into_iter()
            .chain(cap)
            .collect();
        s.push_str(&format!(
            "\n*{state}* - {} {{{{< track \"{}\" >}}}}\n",
            escape(&u.body),
            when(u.at)
        ));
    }
    s
}

/// The body as Markdown that cannot break the page: controls removed, and `{{` (a Hugo
/// shortcode) written as entities.
fn escape(body: &str) -> String {
    crate::text::block(body).replace("{{", "&#123;&#123;")
}

/// Writes `site/rel` by writing a temporary file beside it, syncing it and renaming it
/// over the old one: a reader (Hugo) sees the old file or the new one, never half.
fn write_atomic(site: &Path, rel: &str, text: &str) -> Result<(), Failure> {
    if !site.is_dir() {
        return Err(Failure::fatal(
            None,
            format!("cstate site {} is not a folder", site.display()),
        ));
    }
    let path = site.join(rel);
    let dir = path.parent().unwrap_or(site);
    let io = |what: &str, e: std::io::Error| {
        let msg = e.to_string();
        let msg = msg.split(" (os error").next().unwrap_or(&msg).to_string();
        Failure::transient(None, format!("{what} {}: {msg}", path.display()), false)
    };
    std::fs::create_dir_all(dir).map_err(|e| io("cannot create the folder of", e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.warroom-tmp"));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        // The rename itself is durable once the folder is synced.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io("cannot write", e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_issue_files_are_rewritten() {
        assert!(is_issue_path("content/issues/2026-11-30-checkout.md"));
        assert!(!is_issue_path("content/issues/../../etc/passwd.md"));
        assert!(!is_issue_path("/etc/passwd"));
        assert!(!is_issue_path("content/issues/.hidden.md"));
    }

    #[test]
    fn shortcodes_in_a_body_are_defused() {
        assert_eq!(escape("a {{< x >}} b"), "a &#123;&#123;< x >}} b");
    }
}

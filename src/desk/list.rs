//! `warroom incidents [DIR]`: the logs in a directory, open ones first.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use unicode_width::UnicodeWidthChar;

use super::cache::{self, Cache};
use super::summary::{Summary, summarize};
use crate::incident::format_duration;

/// The logs of a directory: summaries, and the files that could not be read with why.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    pub incidents: Vec<Summary>,
    pub unreadable: Vec<(PathBuf, String)>,
}

/// Is `path` an incident log by its name (`*.jsonl`, not a drill scenario's sidecar)?
fn is_log(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "jsonl") && path.is_file()
}

/// Reads every log in `dir` (not recursing): open incidents first, each group newest first.
pub fn list(dir: &Path) -> Result<Listing, super::ListError> {
    let entries = std::fs::read_dir(dir).map_err(|source| super::ListError::ReadDir {
        dir: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| is_log(p))
        .collect();
    paths.sort();
    // One thread per core, each summarising a share of the logs.
    // Logs unchanged since the last list come from the folder's cache (see `cache`).
    let cache = Cache::load(dir);
    let mut out = Listing::default();
    let mut fresh: Vec<(Summary, Option<(u64, u128)>)> = Vec::new();
    let mut todo: Vec<(PathBuf, Option<(u64, u128)>)> = Vec::new();
    for p in paths {
        let st = cache::stamp(&p);
        match cache.get(&p, st) {
            Some(s) => fresh.push((s, st)),
            None => todo.push((p, st)),
        }
    }
    let reread = !todo.is_empty();
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let share = todo.len().div_ceil(workers).max(1);
    type Read = (
        PathBuf,
        Option<(u64, u128)>,
        Result<Summary, super::SummaryError>,
    );
    let results: Vec<Read> = std::thread::scope(|sc| {
        let handles: Vec<_> = todo
            .chunks(share)
            .map(|chunk| {
                sc.spawn(move || {
                    chunk
                        .iter()
                        .map(|(p, st)| (p.clone(), *st, summarize(p)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join().unwrap_or_else(|_| {
                    vec![(PathBuf::new(), None, Err(super::SummaryError::Internal))]
                })
            })
            .collect()
    });
    for (p, st, r) in results {
        match r {
            Ok(s) => fresh.push((s, st)),
            Err(e) => out.unreadable.push((p, e.to_string())),
        }
    }
    if reread || fresh.len() != cache.len() {
        Cache::of(&fresh).save(dir);
    }
    out.incidents = fresh.into_iter().map(|(s, _)| s).collect();
    out.incidents.sort_by(|a, b| {
        b.is_open()
            .cmp(&a.is_open())
            .then(b.started.cmp(&a.started))
            .then(a.path.cmp(&b.path))
    });
    Ok(out)
}

/// `s` cut to `width` columns (with … when cut), padded to it.
fn fit(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut w = 0;
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if total > width && w + cw + 1 > width {
            out.push('…');
            w += 1;
            break;
        }
        if w + cw > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out
}

fn file_name(p: &Path) -> String {
    crate::text::line(&p.file_name().map_or_else(
        || p.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    ))
}

/// `3d04h` from two days on, else as `format_duration` (`1h02m`, `4m05s`).
pub fn age(d: chrono::Duration) -> String {
    let d = d.max(chrono::Duration::zero());
    let h = d.num_hours();
    if h >= 48 {
        format!("{}d{:02}h", h / 24, h % 24)
    } else {
        format_duration(d)
    }
}

/// The column titles of [`row`].
pub fn header() -> String {
    format!(
        "{}  {}  {}  {}  {}  {}  {}  {}  {}",
        fit("SEV", 4),
        fit("STATE", 13),
        fit("TITLE", 36),
        fit("STARTED (UTC)", 16),
        fit("DURATION", 14),
        fit("COMMANDER", 12),
        fit("PUBLIC UPDATE", 13),
        fit("KIND", 5),
        "LOG"
    )
}

/// One incident's line of the list, ages counted to `now`.
pub fn row(s: &Summary, now: DateTime<Utc>) -> String {
    let duration = match s.resolved_at {
        Some(r) if !s.is_open() => format_duration(r - s.started),
        _ => format!("open {}", age(now - s.started)),
    };
    let update = match s.last_public_update {
        Some(u) => format!("{} ago", age(now - u)),
        None => "none".into(),
    };
    let kind = if s.drill.is_some() { "drill" } else { "real" };
    let mut log = file_name(&s.path);
    if s.damaged > 0 {
        let l = if s.damaged == 1 { "line" } else { "lines" };
        log.push_str(&format!(" ({} damaged {l})", s.damaged));
    }
    format!(
        "{}  {}  {}  {}  {}  {}  {}  {}  {}",
        fit(s.severity.as_str(), 4),
        fit(s.state.as_str(), 13),
        fit(&s.title, 36),
        fit(&s.started.format("%Y-%m-%d %H:%M").to_string(), 16),
        fit(&duration, 14),
        fit(s.commander.as_deref().unwrap_or("-"), 12),
        fit(&update, 13),
        fit(kind, 5),
        log
    )
}

/// The listing as text, ages counted to `now`.
pub fn render(listing: &Listing, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    if listing.incidents.is_empty() && listing.unreadable.is_empty() {
        out.push_str("no incident logs here\n");
        return out;
    }
    if !listing.incidents.is_empty() {
        out.push_str(&header());
        out.push('\n');
    }
    for s in &listing.incidents {
        out.push_str(&row(s, now));
        out.push('\n');
    }
    for (p, why) in &listing.unreadable {
        out.push_str(&format!(
            "not listed: {}: {}\n",
            file_name(p),
            crate::text::line(why)
        ));
    }
    let open = listing.incidents.iter().filter(|s| s.is_open()).count();
    out.push_str(&format!(
        "{} incidents, {open} open{}\n",
        listing.incidents.len(),
        if listing.unreadable.is_empty() {
            String::new()
        } else {
            format!(", {} logs not readable", listing.unreadable.len())
        }
    ));
    out
}

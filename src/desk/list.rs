//! `warroom incidents [DIR]`: the logs in a directory, open ones first.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use unicode_width::UnicodeWidthChar;

use super::cache::{self, Cache, Stamp};
use super::summary::{Summary, summarize};
use crate::incident::format_duration;

/// The logs of a directory: summaries, and the files that could not be read with why.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    pub incidents: Vec<Summary>,
    pub unreadable: Vec<(PathBuf, String)>,
    /// What else the reader should know (a stream that could not be listed).
    pub notes: Vec<String>,
}

/// Adds the incidents of the room's shared stream to a folder's listing: an incident
/// whose local mirror is in the folder (a log with its id) is one row, marked as on the
/// stream, with the stream's fold for title, severity, state, commander and events; the
/// others are new rows (`stream ID`, no log). Open incidents first again.
pub fn merge_stream(
    listing: &mut Listing,
    stream: Vec<crate::store::nats::Summary>,
    now: DateTime<Utc>,
) {
    for n in stream {
        let id = crate::text::line_max(&n.id, 100);
        let title = crate::text::line_max(&n.title, 200);
        let commander = n.commander.as_deref().map(|c| crate::text::line_max(c, 60));
        match listing
            .incidents
            .iter_mut()
            .find(|s| s.stream.is_none() && s.incident == id)
        {
            Some(s) => {
                s.title = title;
                s.severity = n.severity;
                if s.state != n.state {
                    s.resolved_at = None;
                }
                s.state = n.state;
                s.commander = commander;
                s.events = s.events.max(n.events);
                s.stream = Some(id);
            }
            None => listing.incidents.push(Summary {
                path: PathBuf::new(),
                incident: id.clone(),
                title,
                severity: n.severity,
                state: n.state,
                drill: None,
                started: n.opened.unwrap_or(now),
                last_at: None,
                resolved_at: None,
                commander,
                last_public_update: None,
                events: n.events,
                damaged: 0,
                stream: Some(id),
            }),
        }
    }
    sort(&mut listing.incidents);
}

/// Open incidents first, each group newest first.
fn sort(incidents: &mut [Summary]) {
    incidents.sort_by(|a, b| {
        b.is_open()
            .cmp(&a.is_open())
            .then(b.started.cmp(&a.started))
            .then(a.path.cmp(&b.path))
    });
}

/// Is `path` an incident log by its name (`*.jsonl`, not a drill scenario's sidecar)?
fn is_log(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "jsonl") && path.is_file()
}

/// `work(item)` for every item, the items shared out one thread per core; the results in
/// the items' order (`None` for a share whose thread failed).
pub fn per_core<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<Option<R>> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let share = items.len().div_ceil(workers).max(1);
    let work = &work;
    std::thread::scope(|sc| {
        let handles: Vec<_> = items
            .chunks(share)
            .map(|chunk| {
                (
                    chunk.len(),
                    sc.spawn(move || chunk.iter().map(work).collect::<Vec<R>>()),
                )
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|(n, h)| match h.join() {
                Ok(rs) => rs.into_iter().map(Some).collect::<Vec<_>>(),
                Err(_) => (0..n).map(|_| None).collect(),
            })
            .collect()
    })
}

/// The logs (`*.jsonl` files) directly in `dir`, sorted by name.
pub(super) fn log_paths(dir: &Path) -> Result<Vec<PathBuf>, super::ListError> {
    let entries = std::fs::read_dir(dir).map_err(|source| super::ListError::ReadDir {
        dir: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| is_log(p))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Reads every log in `dir` (not recursing): open incidents first, each group newest first.
pub fn list(dir: &Path) -> Result<Listing, super::ListError> {
    let paths = log_paths(dir)?;
    // One thread per core, each summarising a share of the logs.
    // Logs unchanged since the last list come from the folder's cache (see `cache`).
    let cache = Cache::load(dir);
    let mut out = Listing::default();
    let mut fresh: Vec<(Summary, Option<Stamp>)> = Vec::new();
    let mut todo: Vec<(PathBuf, Option<Stamp>)> = Vec::new();
    for p in paths {
        let st = cache::stamp(&p);
        match cache.get(&p, st) {
            Some(s) => fresh.push((s, st)),
            None => todo.push((p, st)),
        }
    }
    let reread = !todo.is_empty();
    let results = per_core(&todo, |(p, st)| (p.clone(), *st, summarize(p)));
    for r in results {
        match r {
            Some((_, st, Ok(s))) => fresh.push((s, st)),
            Some((p, _, Err(e))) => out.unreadable.push((p, e.to_string())),
            None => out
                .unreadable
                .push((PathBuf::new(), super::SummaryError::Internal.to_string())),
        }
    }
    if reread || fresh.len() != cache.len() {
        let mut next = Cache::new();
        for (s, st) in &fresh {
            next.put(&cache, &s.path, *st, Some(s.clone()), None);
        }
        next.save(dir);
    }
    out.incidents = fresh.into_iter().map(|(s, _)| s).collect();
    sort(&mut out.incidents);
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

/// Drill or real, and `·stream` for an incident of the room's shared stream.
fn kind_cell(s: &Summary) -> String {
    let kind = if s.drill.is_some() { "drill" } else { "real" };
    match s.stream {
        Some(_) => format!("{kind}·stream"),
        None => kind.to_string(),
    }
}

/// How long it lasted, or `open AGE`; `-` for a resolved one whose end is not known
/// (listed from the stream without a mirror).
fn duration_cell(s: &Summary, now: DateTime<Utc>) -> String {
    match s.resolved_at {
        Some(r) if !s.is_open() => format_duration(r - s.started),
        None if !s.is_open() => "-".into(),
        _ => format!("open {}", age(now - s.started)),
    }
}

/// Where the incident is: its log's file name (with its damaged lines), or for one of the
/// shared stream `stream ID` (and its local mirror's name, when the folder has it).
fn log_cell(s: &Summary) -> String {
    let mut log = match (&s.stream, s.path.as_os_str().is_empty()) {
        (Some(id), true) => format!("stream {}", crate::text::line(id)),
        (Some(id), false) => format!(
            "stream {} (mirror {})",
            crate::text::line(id),
            file_name(&s.path)
        ),
        (None, _) => file_name(&s.path),
    };
    if s.damaged > 0 {
        let l = if s.damaged == 1 { "line" } else { "lines" };
        log.push_str(&format!(" ({} damaged {l})", s.damaged));
    }
    log
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
    let duration = duration_cell(s, now);
    let update = match s.last_public_update {
        Some(u) => format!("{} ago", age(now - u)),
        None => "none".into(),
    };
    let kind = if s.drill.is_some() { "drill" } else { "real" };
    let log = log_cell(s);
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

/// A column of the list, in the order they are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Sev,
    State,
    Title,
    Started,
    Duration,
    Commander,
    Update,
    Kind,
    Log,
}

impl Col {
    const ALL: [Col; 9] = [
        Col::Sev,
        Col::State,
        Col::Title,
        Col::Started,
        Col::Duration,
        Col::Commander,
        Col::Update,
        Col::Kind,
        Col::Log,
    ];
    /// Left out in this order when the width is short, each only when the line does not
    /// fit with a title of the width given beside it (the title shrinks from 36 to 24
    /// before the commander goes).
    const DROP: [(Col, usize); 5] = [
        (Col::Log, 36),
        (Col::Started, 36),
        (Col::Commander, 24),
        (Col::Kind, 24),
        (Col::Update, 24),
    ];

    fn title(self) -> &'static str {
        match self {
            Col::Sev => "SEV",
            Col::State => "STATE",
            Col::Title => "TITLE",
            Col::Started => "STARTED (UTC)",
            Col::Duration => "DURATION",
            Col::Commander => "COMMANDER",
            Col::Update => "PUBLIC UPDATE",
            Col::Kind => "KIND",
            Col::Log => "LOG",
        }
    }

    /// Its width when shown (the title's and the log's: their least).
    fn width(self) -> usize {
        match self {
            Col::Sev => 4,
            Col::State => 13,
            Col::Title => 24,
            Col::Started => 16,
            Col::Duration => 14,
            Col::Commander => 12,
            Col::Update => 13,
            // `drill·stream` at most.
            Col::Kind => 12,
            Col::Log => 14,
        }
    }
}

/// Which columns a line of `width` columns shows, and how wide each: every column that
/// fits (left out in the order of `Col::DROP`); the title takes what is left up to 60,
/// the log the rest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns(Vec<(Col, usize)>);

impl Columns {
    pub fn for_width(width: usize) -> Columns {
        let mut shown: Vec<Col> = Col::ALL.to_vec();
        // The line's width with a title of `title` columns.
        let need = |cols: &[Col], title: usize| {
            cols.iter()
                .map(|c| if *c == Col::Title { title } else { c.width() })
                .sum::<usize>()
                + 2 * cols.len().saturating_sub(1)
        };
        for (d, title) in Col::DROP {
            if need(&shown, title) <= width {
                break;
            }
            shown.retain(|c| *c != d);
        }
        let spare = width.saturating_sub(need(&shown, Col::Title.width()));
        let title_extra = spare.min(60 - Col::Title.width());
        let log_extra = if shown.contains(&Col::Log) {
            spare - title_extra
        } else {
            0
        };
        Columns(
            shown
                .into_iter()
                .map(|c| {
                    let w = match c {
                        Col::Title => c.width() + title_extra,
                        Col::Log => c.width() + log_extra,
                        _ => c.width(),
                    };
                    (c, w)
                })
                .collect(),
        )
    }

    fn line(&self, cell: impl Fn(Col) -> String) -> String {
        let last = self.0.len().saturating_sub(1);
        self.0
            .iter()
            .enumerate()
            .map(|(i, (c, w))| {
                let text = cell(*c);
                // The last column is not padded (no trailing blanks).
                if i == last {
                    fit(&text, *w).trim_end().to_string()
                } else {
                    fit(&text, *w)
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    }

    /// The column titles.
    pub fn header(&self) -> String {
        self.line(|c| c.title().to_string())
    }

    /// One incident's line, ages counted to `now`.
    pub fn row(&self, s: &Summary, now: DateTime<Utc>) -> String {
        let cells = Cells::of(s, now);
        self.line(|c| cells.get(c))
    }
}

/// An incident's text in each column.
struct Cells {
    duration: String,
    update: String,
    log: String,
    sev: String,
    state: String,
    title: String,
    started: String,
    commander: String,
    kind: String,
}

impl Cells {
    fn of(s: &Summary, now: DateTime<Utc>) -> Cells {
        let duration = duration_cell(s, now);
        let update = match s.last_public_update {
            Some(u) => format!("{} ago", age(now - u)),
            None => "none".into(),
        };
        let log = log_cell(s);
        Cells {
            duration,
            update,
            log,
            sev: s.severity.as_str().to_string(),
            state: s.state.as_str().to_string(),
            title: s.title.clone(),
            started: s.started.format("%Y-%m-%d %H:%M").to_string(),
            commander: s.commander.clone().unwrap_or_else(|| "-".into()),
            kind: kind_cell(s),
        }
    }

    fn get(&self, c: Col) -> String {
        match c {
            Col::Sev => self.sev.clone(),
            Col::State => self.state.clone(),
            Col::Title => self.title.clone(),
            Col::Started => self.started.clone(),
            Col::Duration => self.duration.clone(),
            Col::Commander => self.commander.clone(),
            Col::Update => self.update.clone(),
            Col::Kind => self.kind.clone(),
            Col::Log => self.log.clone(),
        }
    }
}

/// The listing as text, ages counted to `now`.
pub fn render(listing: &Listing, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    if listing.incidents.is_empty() && listing.unreadable.is_empty() && listing.notes.is_empty() {
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
    for n in &listing.notes {
        out.push_str(&crate::text::line(n));
        out.push('\n');
    }
    let open = listing.incidents.iter().filter(|s| s.is_open()).count();
    out.push_str(&format!(
        "{} {}, {open} open{}\n",
        listing.incidents.len(),
        if listing.incidents.len() == 1 {
            "incident"
        } else {
            "incidents"
        },
        if listing.unreadable.is_empty() {
            String::new()
        } else {
            format!(", {} logs not readable", listing.unreadable.len())
        }
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(width: usize) -> String {
        Columns::for_width(width)
            .header()
            .split("  ")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(",")
    }

    #[test]
    fn the_columns_fit_the_width_dropping_the_least_needed_first() {
        // An 80-column terminal (76 inside the popup): what, how bad, how long, and the
        // last public update.
        assert_eq!(titles(76), "SEV,STATE,TITLE,DURATION,PUBLIC UPDATE");
        // 120 columns: the commander and kind too; the log and start left out.
        assert_eq!(
            titles(116),
            "SEV,STATE,TITLE,DURATION,COMMANDER,PUBLIC UPDATE,KIND"
        );
        // 200 columns: everything.
        assert_eq!(
            titles(196),
            "SEV,STATE,TITLE,STARTED (UTC),DURATION,COMMANDER,PUBLIC UPDATE,KIND,LOG"
        );
        for w in [40, 76, 100, 116, 136, 196, 300] {
            let h = Columns::for_width(w).header();
            assert!(
                unicode_width::UnicodeWidthStr::width(h.as_str()) <= w.max(61),
                "{w}: {h}"
            );
        }
    }

    #[test]
    fn the_count_line_says_incident_for_one() {
        let one = Summary {
            path: PathBuf::from("a.jsonl"),
            incident: "a".into(),
            title: "Checkout failing".into(),
            severity: crate::incident::Severity::Sev2,
            state: crate::incident::IncidentState::Resolved,
            drill: None,
            started: DateTime::<Utc>::MIN_UTC,
            last_at: None,
            resolved_at: None,
            commander: None,
            last_public_update: None,
            events: 1,
            damaged: 0,
            stream: None,
        };
        let mut listing = Listing {
            incidents: vec![one.clone()],
            ..Listing::default()
        };
        let now = DateTime::<Utc>::MIN_UTC;
        assert!(render(&listing, now).ends_with("1 incident, 0 open\n"));
        listing.incidents.push(one);
        assert!(render(&listing, now).ends_with("2 incidents, 0 open\n"));
    }
}

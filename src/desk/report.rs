//! `warroom report [DIR]`: numbers across incidents, drills apart from real ones.
//!
//! Each log is folded in full (the key times need every signal and alert; logs unchanged
//! since the folder's cache stored their facts are not read again), then per
//! severity: how many; MTTD, MTTA, MTTM, MTTR as median and p90 (nearest rank: the
//! smallest value with at least half, or 90%, of the values at or below it) over the
//! incidents that have that time; the longest public silence (the longest stretch, from
//! impact start to resolution or now, without a public status update); the checklist
//! items most often left undone in resolved incidents.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::cache::{self, Cache, Stamp};
use super::list::per_core;
use super::summary::{Summary, read_whole, summarize_bytes};
use crate::incident::{Audience, Event, Incident, IncidentState, Severity, format_duration};
use crate::log::{FORMAT_VERSION, LogHeader};

/// What the report takes from one incident.
#[derive(Clone, Debug, PartialEq)]
pub struct Numbers {
    pub path: PathBuf,
    pub title: String,
    pub severity: Severity,
    pub drill: bool,
    pub started: DateTime<Utc>,
    pub resolved: bool,
    /// detect, acknowledge, mitigate, resolve.
    pub times: [Option<Duration>; 4],
    pub longest_silence: Option<Duration>,
    /// `list: item` of every item not done.
    pub undone: Vec<String>,
}

pub const METRICS: [&str; 4] = ["MTTD", "MTTA", "MTTM", "MTTR"];

/// What the report keeps of one folded incident, independent of the time it is asked
/// (stored per log in the folder's cache, so a report of unchanged logs reads none).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    pub title: String,
    pub severity: Severity,
    pub drill: bool,
    /// Impact start, else the first event.
    pub started: DateTime<Utc>,
    /// The key time "resolved" (the end of the silences; none: counted to now).
    pub resolved_at: Option<DateTime<Utc>>,
    /// In the resolved state now.
    pub resolved: bool,
    /// detect, acknowledge, mitigate, resolve, in milliseconds.
    pub times_ms: [Option<i64>; 4],
    /// The longest stretch without a public update from `started` to `last_update`.
    pub silence_ms: i64,
    /// The last public update from `started` on (before `resolved_at`), else `started`.
    pub last_update: DateTime<Utc>,
    /// `list: item` of every item not done.
    pub undone: Vec<String>,
}

impl Facts {
    /// The facts of a folded incident; none without an event.
    pub fn of(inc: &Incident) -> Option<Facts> {
        let started = inc.times.impact_started().or(inc.first_at)?;
        let t = &inc.times;
        let mut marks: Vec<DateTime<Utc>> = inc
            .comms
            .updates
            .iter()
            .filter(|u| {
                u.audience == Audience::Public
                    && u.at >= started
                    && t.resolved.is_none_or(|r| u.at <= r)
            })
            .map(|u| u.at)
            .collect();
        marks.sort();
        let mut prev = started;
        let mut longest = Duration::zero();
        for m in marks {
            longest = longest.max(m - prev);
            prev = m;
        }
        let ms = |d: Option<Duration>| d.map(|d| d.num_milliseconds());
        Some(Facts {
            title: crate::text::line_max(&inc.title, 200),
            severity: inc.severity,
            drill: inc.drill.is_some(),
            started,
            resolved_at: t.resolved,
            resolved: inc.state == IncidentState::Resolved,
            times_ms: [
                ms(t.time_to_detect()),
                ms(t.time_to_acknowledge()),
                ms(t.time_to_mitigate()),
                ms(t.time_to_resolve()),
            ],
            silence_ms: longest.num_milliseconds(),
            last_update: prev,
            undone: inc
                .checklists
                .iter()
                .flat_map(|c| {
                    c.items.iter().filter(|i| !i.done).map(move |i| {
                        crate::text::line_max(&format!("{}: {}", c.name, i.text), 200)
                    })
                })
                .collect(),
        })
    }

    /// The report's numbers of this incident, silences counted to `now` while it is open.
    pub fn numbers(&self, path: &Path, now: DateTime<Utc>) -> Numbers {
        let end = self.resolved_at.unwrap_or(now);
        let longest = Duration::milliseconds(self.silence_ms).max(end - self.last_update.min(end));
        Numbers {
            path: path.to_path_buf(),
            title: self.title.clone(),
            severity: self.severity,
            drill: self.drill,
            started: self.started,
            resolved: self.resolved,
            times: self.times_ms.map(|t| t.map(Duration::milliseconds)),
            longest_silence: (end > self.started).then_some(longest),
            undone: self.undone.clone(),
        }
    }
}

/// The numbers of one folded incident, silences counted to `now` while it is open.
pub fn numbers(path: &Path, inc: &Incident, now: DateTime<Utc>) -> Option<Numbers> {
    Some(Facts::of(inc)?.numbers(path, now))
}

/// Median and p90 by nearest rank; none for no values.
pub fn quantiles(values: &mut [Duration]) -> Option<(Duration, Duration)> {
    if values.is_empty() {
        return None;
    }
    values.sort();
    let rank = |p: f64| {
        let r = (p * values.len() as f64).ceil() as usize;
        values[r.clamp(1, values.len()) - 1]
    };
    Some((rank(0.5), rank(0.9)))
}

/// One group (real incidents, or drills).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Group {
    pub count: usize,
    pub open: usize,
    /// Per severity: count, and per metric (count, median, p90).
    pub by_severity: BTreeMap<Severity, SeverityNumbers>,
    /// The longest public silence and the incident's title.
    pub longest_silence: Option<(Duration, String)>,
    /// Undone checklist items, most often first (then by text), with their counts.
    pub undone: Vec<(String, usize)>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SeverityNumbers {
    pub count: usize,
    pub metrics: [Option<(usize, Duration, Duration)>; 4],
}

fn group<'a>(items: impl Iterator<Item = &'a Numbers>) -> Group {
    let mut g = Group::default();
    let mut values: BTreeMap<Severity, [Vec<Duration>; 4]> = BTreeMap::new();
    let mut undone: BTreeMap<String, usize> = BTreeMap::new();
    for n in items {
        g.count += 1;
        if !n.resolved {
            g.open += 1;
        }
        let v = values.entry(n.severity).or_default();
        for (i, t) in n.times.iter().enumerate() {
            if let Some(t) = t {
                v[i].push(*t);
            }
        }
        g.by_severity.entry(n.severity).or_default().count += 1;
        if let Some(s) = n.longest_silence
            && g.longest_silence.as_ref().is_none_or(|(l, _)| s > *l)
        {
            g.longest_silence = Some((s, n.title.clone()));
        }
        // Items are "left undone" only once the incident is over.
        for u in n.undone.iter().filter(|_| n.resolved) {
            *undone.entry(u.clone()).or_default() += 1;
        }
    }
    for (sev, mut vs) in values {
        let s = g.by_severity.entry(sev).or_default();
        for (i, v) in vs.iter_mut().enumerate() {
            s.metrics[i] = quantiles(v).map(|(m, p)| (v.len(), m, p));
        }
    }
    let mut u: Vec<(String, usize)> = undone.into_iter().collect();
    u.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    u.truncate(10);
    g.undone = u;
    g
}

/// The whole report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub real: Group,
    pub drills: Group,
    /// Per real incident, time to resolve (for the chart), oldest first.
    pub resolve_times: Vec<(String, Duration)>,
    pub unreadable: Vec<(PathBuf, String)>,
    pub since: Option<DateTime<Utc>>,
}

/// Reads every log of `dir` started at or after `since`.
///
/// Logs unchanged since a list or report stored them in the folder's cache
/// (`desk::cache`) are not read; the others are read whole and folded, one thread per
/// core, and their facts (and list summaries) stored for the next time.
pub fn build(
    dir: &Path,
    since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Report, super::ListError> {
    let paths = super::list::log_paths(dir)?;
    let mut report = Report {
        since,
        ..Report::default()
    };
    let cache = Cache::load(dir);
    let mut known: Vec<(PathBuf, Option<Stamp>, Facts)> = Vec::new();
    let mut todo: Vec<(PathBuf, Option<Stamp>)> = Vec::new();
    for p in paths {
        let st = cache::stamp(&p);
        match cache.facts(&p, st) {
            Some(f) => known.push((p, st, f)),
            None => todo.push((p, st)),
        }
    }
    let reread = !todo.is_empty();
    let read = per_core(&todo, |(p, _)| read_log(p));
    let mut next = Cache::new();
    for (p, st, f) in &known {
        next.put(&cache, p, *st, None, Some(f.clone()));
    }
    for ((p, st), r) in todo.into_iter().zip(read) {
        match r {
            Some(Read {
                facts: Ok(f),
                summary,
            }) => {
                next.put(&cache, &p, st, summary, Some(f.clone()));
                known.push((p, st, f));
            }
            Some(Read {
                facts: Err(why),
                summary,
            }) => {
                next.put(&cache, &p, st, summary, None);
                report.unreadable.push((p, why));
            }
            None => report
                .unreadable
                .push((p, super::SummaryError::Internal.to_string())),
        }
    }
    if reread || next.len() != cache.len() {
        next.save(dir);
    }
    report.unreadable.sort();
    let mut all: Vec<Numbers> = known
        .iter()
        .filter(|(_, _, f)| since.is_none_or(|s| f.started >= s))
        .map(|(p, _, f)| f.numbers(p, now))
        .collect();
    all.sort_by(|a, b| a.started.cmp(&b.started).then(a.path.cmp(&b.path)));
    report.real = group(all.iter().filter(|n| !n.drill));
    report.drills = group(all.iter().filter(|n| n.drill));
    report.resolve_times = all
        .iter()
        .filter(|n| !n.drill)
        .filter_map(|n| Some((n.title.clone(), n.times[3]?)))
        .collect();
    Ok(report)
}

/// What reading one log gave: its facts (or why it is not counted) and its list summary.
struct Read {
    facts: Result<Facts, String>,
    summary: Option<Summary>,
}

/// Reads a log whole and folds every event on this thread (the caller runs one per
/// core). A file whose header does not read goes through `log::read` for its message.
fn read_log(path: &Path) -> Read {
    let fail = |why: String| Read {
        facts: Err(why),
        summary: None,
    };
    let buf = match read_whole(path) {
        Ok(b) => b,
        Err(e) => return fail(e.to_string()),
    };
    let header_end = memchr::memchr(b'\n', &buf).map_or(buf.len(), |i| i + 1);
    let header_ok = serde_json::from_slice::<LogHeader>(&buf[..header_end])
        .is_ok_and(|h| h.warroom_log <= FORMAT_VERSION);
    if !header_ok {
        let mut inc = Incident::new();
        return match crate::log::read(path, |e| inc.apply(&e)) {
            Ok(_) => Read {
                facts: Facts::of(&inc).ok_or_else(|| "no events".to_string()),
                summary: None,
            },
            // The message names the file; the report names it already.
            Err(e) => fail(e.to_string().replace(&format!("{}: ", path.display()), "")),
        };
    }
    let mut inc = Incident::new();
    for line in buf[header_end..].split_inclusive(|b| *b == b'\n') {
        // A line without its newline is torn (a write cut off), as `log::read` judges it.
        let Some(body) = line.strip_suffix(b"\n") else {
            continue;
        };
        if let Ok(e) = serde_json::from_slice::<Event>(body) {
            inc.apply(&e);
        }
    }
    Read {
        facts: Facts::of(&inc).ok_or_else(|| "no events".to_string()),
        summary: summarize_bytes(path, &buf).ok(),
    }
}

fn cell(m: &Option<(usize, Duration, Duration)>) -> String {
    match m {
        Some((n, med, p90)) => format!(
            "{} / {} (n={n})",
            format_duration(*med),
            format_duration(*p90)
        ),
        None => "-".into(),
    }
}

fn group_markdown(out: &mut String, name: &str, g: &Group) {
    out.push_str(&format!("## {name}: {} ({} open)\n\n", g.count, g.open));
    if g.count == 0 {
        return;
    }
    out.push_str("| severity | count | MTTD median / p90 | MTTA | MTTM | MTTR |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for (sev, s) in &g.by_severity {
        out.push_str(&format!(
            "| {sev} | {} | {} | {} | {} | {} |\n",
            s.count,
            cell(&s.metrics[0]),
            cell(&s.metrics[1]),
            cell(&s.metrics[2]),
            cell(&s.metrics[3])
        ));
    }
    out.push('\n');
    match &g.longest_silence {
        Some((d, t)) => out.push_str(&format!(
            "Longest public silence: {} ({t})\n\n",
            format_duration(*d)
        )),
        None => out.push_str("Longest public silence: -\n\n"),
    }
    if !g.undone.is_empty() {
        out.push_str("Checklist items most often left undone:\n\n");
        for (item, n) in &g.undone {
            out.push_str(&format!("- {item} ({n}x)\n"));
        }
        out.push('\n');
    }
}

/// The report as markdown (with a text chart of time to resolve per real incident).
pub fn markdown(r: &Report) -> String {
    let mut out = String::from("# Incident report\n\n");
    if let Some(s) = r.since {
        out.push_str(&format!(
            "Incidents started since {}.\n\n",
            s.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    out.push_str(
        "Times are median / p90 (nearest rank); n is how many incidents have that time.\n\n",
    );
    group_markdown(&mut out, "Incidents", &r.real);
    if !r.resolve_times.is_empty() {
        out.push_str("Time to resolve:\n\n```\n");
        let max = r
            .resolve_times
            .iter()
            .map(|(_, d)| d.num_seconds())
            .max()
            .unwrap_or(1)
            .max(1);
        for (title, d) in &r.resolve_times {
            let bar = ((d.num_seconds().max(0) * 30 + max - 1) / max) as usize;
            let t: String = title.chars().take(30).collect();
            out.push_str(&format!(
                "{t:<30} {} {}\n",
                "█".repeat(bar),
                format_duration(*d)
            ));
        }
        out.push_str("```\n\n");
    }
    group_markdown(&mut out, "Drills", &r.drills);
    for (p, why) in &r.unreadable {
        let name = p.file_name().map_or_else(
            || p.display().to_string(),
            |f| f.to_string_lossy().into_owned(),
        );
        out.push_str(&format!(
            "Not counted: {}: {}\n",
            crate::text::line(&name),
            crate::text::line(why)
        ));
    }
    out
}

fn group_json(g: &Group) -> serde_json::Value {
    let secs = |d: Duration| d.num_seconds();
    json!({
        "count": g.count,
        "open": g.open,
        "by_severity": g.by_severity.iter().map(|(sev, s)| {
            let mut m = serde_json::Map::new();
            m.insert("severity".into(), json!(sev.as_str()));
            m.insert("count".into(), json!(s.count));
            for (i, name) in METRICS.iter().enumerate() {
                m.insert(name.to_ascii_lowercase(), match s.metrics[i] {
                    Some((n, med, p90)) => json!({"n": n, "median_s": secs(med), "p90_s": secs(p90)}),
                    None => serde_json::Value::Null,
                });
            }
            serde_json::Value::Object(m)
        }).collect::<Vec<_>>(),
        "longest_public_silence": g.longest_silence.as_ref().map(|(d, t)| json!({"seconds": secs(*d), "incident": t})),
        "undone_checklist_items": g.undone.iter().map(|(i, n)| json!({"item": i, "times": n})).collect::<Vec<_>>(),
    })
}

pub fn json(r: &Report) -> String {
    let v = json!({
        "since": r.since.map(|s| s.to_rfc3339()),
        "incidents": group_json(&r.real),
        "drills": group_json(&r.drills),
        "not_counted": r.unreadable.iter().map(|(p, why)| json!({"log": p.file_name().map(|f| f.to_string_lossy().into_owned()), "why": why})).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

/// One row per group, severity and metric: `group,severity,metric,n,median_s,p90_s`
/// (metric `count` for the count, `longest_public_silence` for the silence).
pub fn csv(r: &Report) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["group", "severity", "metric", "n", "median_s", "p90_s"]);
    for (name, g) in [("incidents", &r.real), ("drills", &r.drills)] {
        for (sev, s) in &g.by_severity {
            let _ = w.write_record([name, sev.as_str(), "count", &s.count.to_string(), "", ""]);
            for (i, m) in METRICS.iter().enumerate() {
                if let Some((n, med, p90)) = s.metrics[i] {
                    let _ = w.write_record([
                        name,
                        sev.as_str(),
                        m,
                        &n.to_string(),
                        &med.num_seconds().to_string(),
                        &p90.num_seconds().to_string(),
                    ]);
                }
            }
        }
        if let Some((d, _)) = &g.longest_silence {
            let _ = w.write_record([
                name,
                "",
                "longest_public_silence",
                "1",
                &d.num_seconds().to_string(),
                "",
            ]);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

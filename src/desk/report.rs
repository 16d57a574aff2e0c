//! `warroom report [DIR]`: numbers across incidents, drills apart from real ones.
//!
//! Each log is folded in full (the key times need every signal and alert), then per
//! severity: how many; MTTD, MTTA, MTTM, MTTR as median and p90 (nearest rank: the
//! smallest value with at least half, or 90%, of the values at or below it) over the
//! incidents that have that time; the longest public silence (the longest stretch, from
//! impact start to resolution or now, without a public status update); the checklist
//! items most often left undone in resolved incidents.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::incident::{Audience, Incident, IncidentState, Severity, format_duration};

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

/// The numbers of one folded incident, silences counted to `now` while it is open.
pub fn numbers(path: &Path, inc: &Incident, now: DateTime<Utc>) -> Option<Numbers> {
    let started = inc.times.impact_started().or(inc.first_at)?;
    let t = &inc.times;
    let end = t.resolved.unwrap_or(now);
    let mut marks: Vec<DateTime<Utc>> = inc
        .comms
        .updates
        .iter()
        .filter(|u| u.audience == Audience::Public && u.at >= started && u.at <= end)
        .map(|u| u.at)
        .collect();
    marks.sort();
    let mut prev = started;
    let mut longest = Duration::zero();
    for m in marks.iter().copied().chain(std::iter::once(end)) {
        longest = longest.max(m - prev);
        prev = m;
    }
    Some(Numbers {
        path: path.to_path_buf(),
        title: crate::text::line_max(&inc.title, 200),
        severity: inc.severity,
        drill: inc.drill.is_some(),
        started,
        resolved: inc.state == IncidentState::Resolved,
        times: [
            t.time_to_detect(),
            t.time_to_acknowledge(),
            t.time_to_mitigate(),
            t.time_to_resolve(),
        ],
        longest_silence: (end > started).then_some(longest),
        undone: inc
            .checklists
            .iter()
            .flat_map(|c| {
                c.items
                    .iter()
                    .filter(|i| !i.done)
                    .map(move |i| crate::text::line_max(&format!("{}: {}", c.name, i.text), 200))
            })
            .collect(),
    })
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
pub fn build(
    dir: &Path,
    since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Report, super::ListError> {
    let entries = std::fs::read_dir(dir).map_err(|source| super::ListError::ReadDir {
        dir: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl") && p.is_file())
        .collect();
    paths.sort();
    let mut all = Vec::new();
    let mut report = Report {
        since,
        ..Report::default()
    };
    for p in paths {
        let mut inc = Incident::new();
        match crate::log::read(&p, |e| inc.apply(&e)) {
            Ok(_) => match numbers(&p, &inc, now) {
                Some(n) if since.is_none_or(|s| n.started >= s) => all.push(n),
                Some(_) => {}
                None => report.unreadable.push((p, "no events".into())),
            },
            Err(e) => {
                // The message names the file; the report names it already.
                let why = e.to_string().replace(&format!("{}: ", p.display()), "");
                report.unreadable.push((p, why));
            }
        }
    }
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

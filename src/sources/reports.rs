//! User outage reports: a time series of report counts against a baseline.
//!
//! JSON in the shape `{"reports":[{"date","value"}],"baseline":[{"date","value"}]}`
//! (Downdetector chart data), other shapes through JSON pointers (`reports_pointer`,
//! `baseline_pointer`; points may also be `[date, value]` pairs, dates RFC 3339 or unix
//! seconds/milliseconds), or a Prometheus server when `query` is set.
//!
//! At start a `signal_defined` for the ratio (warn = `ratio`, crit = `crit_ratio`); then
//! `reports {source, count, baseline}` for new points only. The fold derives spikes.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;

use super::http::{Fetch, SourceError};
use crate::config::ReportsConfig;
use crate::incident::{Actor, Direction, Draft, EventKind, Incident};

/// Baseline in `query` mode: the query's mean over this window (a subquery).
pub const BASELINE_WINDOW: &str = "1d:15m";

/// One point: when, how many reports, and the baseline then.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub at: DateTime<Utc>,
    pub count: u64,
    pub baseline: Option<f64>,
}

fn parse_date(v: &Value) -> Option<DateTime<Utc>> {
    match v {
        Value::String(s) => DateTime::parse_from_rfc3339(s.trim())
            .ok()
            .map(|t| t.with_timezone(&Utc))
            .or_else(|| s.trim().parse::<f64>().ok().and_then(unix)),
        Value::Number(n) => n.as_f64().and_then(unix),
        _ => None,
    }
}

/// Unix seconds, or milliseconds when the number is too large to be seconds.
fn unix(t: f64) -> Option<DateTime<Utc>> {
    if !t.is_finite() || t < 0.0 {
        return None;
    }
    let ms = if t > 1e11 { t } else { t * 1000.0 };
    if ms > 1e15 {
        return None;
    }
    Utc.timestamp_millis_opt(ms.round() as i64).single()
}

fn parse_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|f| f.is_finite())
}

/// `[{"date","value"}]` or `[[date, value]]` (also `time`/`timestamp`, `count`/`y`).
fn parse_points(v: &Value, what: &str) -> Result<Vec<(DateTime<Utc>, f64)>, SourceError> {
    let Some(items) = v.as_array() else {
        return Err(SourceError::new(format!("{what} is not a list of points")));
    };
    let mut out: Vec<(DateTime<Utc>, f64)> = items
        .iter()
        .filter_map(|p| match p {
            Value::Array(pair) if pair.len() >= 2 => {
                Some((parse_date(&pair[0])?, parse_number(&pair[1])?))
            }
            Value::Object(o) => {
                let date = ["date", "time", "timestamp", "x"]
                    .iter()
                    .find_map(|k| o.get(*k))?;
                let value = ["value", "count", "y"].iter().find_map(|k| o.get(*k))?;
                Some((parse_date(date)?, parse_number(value)?))
            }
            _ => None,
        })
        .collect();
    out.sort_by_key(|p| p.0);
    Ok(out)
}

/// Parses a reports payload with the configured pointers. Each report point gets the
/// baseline of the same date, else the latest baseline before it.
pub fn parse_reports(
    bytes: &[u8],
    content_type: &str,
    reports_pointer: &str,
    baseline_pointer: &str,
) -> Result<Vec<Point>, SourceError> {
    let doc: Value = super::http::parse_json(content_type, bytes)?;
    let reports = doc.pointer(reports_pointer).ok_or_else(|| {
        SourceError::new(format!(
            "no reports at {reports_pointer:?} in the response (set reports_pointer)"
        ))
    })?;
    let reports = parse_points(reports, "reports")?;
    let baseline = match doc.pointer(baseline_pointer) {
        Some(b) => parse_points(b, "baseline")?,
        None => Vec::new(),
    };
    Ok(reports
        .into_iter()
        .map(|(at, v)| {
            let i = baseline.partition_point(|(bt, _)| *bt <= at);
            let b = i.checked_sub(1).map(|i| baseline[i].1);
            Point {
                at,
                count: v.max(0.0).round() as u64,
                baseline: b,
            }
        })
        .collect())
}

/// Sends only points newer than the last one sent.
#[derive(Clone, Debug)]
pub struct Tracker {
    name: String,
    last: Option<DateTime<Utc>>,
}

impl Tracker {
    pub fn new(name: &str) -> Self {
        Tracker {
            name: name.to_string(),
            last: None,
        }
    }

    pub fn seed(&mut self, known: &Incident) {
        if let Some(r) = known.reports.get(&self.name) {
            self.last = r.at;
        }
    }

    pub fn drafts(&mut self, points: &[Point]) -> Vec<Draft> {
        let by = Actor::source(&self.name);
        let mut out = Vec::new();
        for p in points {
            if self.last.is_some_and(|l| p.at <= l) {
                continue;
            }
            self.last = Some(p.at);
            out.push(Draft::new(
                p.at,
                by.clone(),
                EventKind::Reports {
                    source: self.name.clone(),
                    count: p.count,
                    baseline: p.baseline,
                },
            ));
        }
        out
    }
}

/// The ratio thresholds, sent once at start.
pub fn definition(name: &str, config: &ReportsConfig) -> EventKind {
    EventKind::SignalDefined {
        series: name.to_string(),
        unit: String::new(),
        warn: Some(config.ratio),
        crit: config.crit_ratio,
        direction: Direction::Above,
        hysteresis: config.hysteresis,
        dwell: config.dwell,
    }
}

pub struct Poller {
    name: String,
    config: ReportsConfig,
    fetch: Fetch,
    tracker: Tracker,
}

impl Poller {
    pub fn new(name: &str, config: &ReportsConfig, fetch: Fetch, _every: Duration) -> Self {
        Poller {
            name: name.to_string(),
            config: config.clone(),
            fetch,
            tracker: Tracker::new(name),
        }
    }

    pub fn seed(&mut self, known: &Incident) {
        self.tracker.seed(known);
    }

    pub fn start(&mut self, now: DateTime<Utc>) -> Vec<Draft> {
        vec![Draft::new(
            now,
            Actor::source(&self.name),
            definition(&self.name, &self.config),
        )]
    }

    pub async fn poll(&mut self, now: DateTime<Utc>) -> Result<Vec<Draft>, SourceError> {
        let points = match &self.config.query {
            Some(q) => {
                let cur =
                    super::prometheus::instant_value(&self.fetch, &self.config.url, q, now).await?;
                let Some((at, v)) = cur else {
                    return Ok(Vec::new());
                };
                let bq = format!("avg_over_time(({q})[{BASELINE_WINDOW}])");
                let base =
                    super::prometheus::instant_value(&self.fetch, &self.config.url, &bq, now)
                        .await?
                        .map(|(_, b)| b)
                        .filter(|b| b.is_finite());
                vec![Point {
                    at,
                    count: if v.is_finite() {
                        v.max(0.0).round() as u64
                    } else {
                        0
                    },
                    baseline: base,
                }]
            }
            None => {
                let url = super::http::url(&self.config.url, "", &[])?;
                let body = self.fetch.get(url).await?;
                parse_reports(
                    &body.bytes,
                    &body.content_type,
                    &self.config.reports_pointer,
                    &self.config.baseline_pointer,
                )?
            }
        };
        Ok(self.tracker.drafts(&points))
    }
}

//! Prometheus: a `query_range` backfill of the last `window` at start (so charts are full at
//! once), then an instant query every `every`. Each series of the result becomes `metric`
//! events; its unit and thresholds are sent once as `signal_defined`, and the fold derives
//! threshold crossings from the samples (once per crossing, not per poll).

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde::Deserialize;

use super::http::{Fetch, SourceError};
use crate::config::PrometheusConfig;
use crate::incident::{Actor, Draft, EventKind, Incident, event::float};

/// Most points asked of a backfill.
pub const BACKFILL_POINTS: u64 = 360;
/// Most series shown from one query: a query that fans out to thousands of series (a
/// missing `sum by`) must not flood the room; the first ones by labels are kept.
pub const MAX_SERIES: usize = 50;

/// One series of a result: its labels and samples (oldest first).
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub labels: BTreeMap<String, String>,
    pub points: Vec<(DateTime<Utc>, f64)>,
}

#[derive(Deserialize)]
struct Envelope {
    status: String,
    data: Option<Data>,
    #[serde(rename = "errorType")]
    error_type: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(tag = "resultType", content = "result", rename_all = "lowercase")]
enum Data {
    Vector(Vec<VectorItem>),
    Matrix(Vec<MatrixItem>),
    Scalar(Sample),
    String(Sample),
}

#[derive(Deserialize)]
struct VectorItem {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    value: Sample,
}

#[derive(Deserialize)]
struct MatrixItem {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<Sample>,
}

/// `[1435781451.781, "1"]`: unix seconds and the value as a string ("NaN", "+Inf", ...).
#[derive(Deserialize)]
struct Sample(f64, String);

impl Sample {
    fn point(&self) -> Option<(DateTime<Utc>, f64)> {
        Some((unix(self.0)?, float::parse(&self.1)?))
    }
}

fn unix(t: f64) -> Option<DateTime<Utc>> {
    if !t.is_finite() {
        return None;
    }
    let ms = (t * 1000.0).round();
    if ms.abs() > 1e15 {
        return None;
    }
    Utc.timestamp_millis_opt(ms as i64).single()
}

/// Parses a Prometheus API response (vector, matrix, scalar or string result).
/// `"status":"error"` becomes the error envelope's `errorType: error`.
pub fn parse_response(bytes: &[u8], content_type: &str) -> Result<Vec<Series>, SourceError> {
    let env: Envelope = super::http::parse_json(content_type, bytes)?;
    if env.status != "success" {
        return Err(SourceError::new(format!(
            "query failed: {}: {}",
            env.error_type.as_deref().unwrap_or("error"),
            env.error.as_deref().unwrap_or("(no message)")
        )));
    }
    let Some(data) = env.data else {
        return Err(SourceError::new("query succeeded but returned no data"));
    };
    let clean_labels = |m: BTreeMap<String, String>| -> BTreeMap<String, String> {
        m.into_iter()
            .take(64)
            .map(|(k, v)| {
                (
                    crate::text::line_max(&k, 100),
                    crate::text::line_max(&v, 200),
                )
            })
            .collect()
    };
    Ok(match data {
        Data::Vector(items) => items
            .into_iter()
            .map(|i| Series {
                labels: clean_labels(i.metric),
                points: i.value.point().into_iter().collect(),
            })
            .collect(),
        Data::Matrix(items) => items
            .into_iter()
            .map(|i| {
                let mut points: Vec<_> = i.values.iter().filter_map(Sample::point).collect();
                points.sort_by_key(|p| p.0);
                Series {
                    labels: clean_labels(i.metric),
                    points,
                }
            })
            .collect(),
        Data::Scalar(s) | Data::String(s) => vec![Series {
            labels: BTreeMap::new(),
            points: s.point().into_iter().collect(),
        }],
    })
}

/// The series name shown for one result series.
/// With a template, `{{label}}` is replaced by that label's value (`"{{region}} errors"`).
/// Without, a single series is named after the source, several as `source{k=v,...}`.
pub fn series_name(
    template: Option<&str>,
    source: &str,
    labels: &BTreeMap<String, String>,
    several: bool,
) -> String {
    if let Some(t) = template {
        let mut out = String::new();
        let mut rest = t;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            match after.find("}}") {
                Some(end) => {
                    let key = after[..end].trim();
                    out.push_str(labels.get(key).map(String::as_str).unwrap_or(""));
                    rest = &after[end + 2..];
                }
                None => {
                    out.push_str(&rest[start..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        let out = crate::text::line(&out);
        if !out.is_empty() {
            return out;
        }
    }
    let shown: Vec<String> = labels
        .iter()
        .filter(|(k, _)| k.as_str() != "__name__")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if !several || shown.is_empty() {
        source.to_string()
    } else {
        crate::text::line(&format!("{source}{{{}}}", shown.join(",")))
    }
}

/// Turns parsed results into events: `signal_defined` before a series' first sample, then
/// its samples newer than the last one sent (so backfill and polls never overlap).
#[derive(Clone, Debug)]
pub struct Tracker {
    name: String,
    config: PrometheusConfig,
    last: HashMap<String, DateTime<Utc>>,
    defined: HashMap<String, ()>,
}

impl Tracker {
    pub fn new(name: &str, config: &PrometheusConfig) -> Self {
        Tracker {
            name: name.to_string(),
            config: config.clone(),
            last: HashMap::new(),
            defined: HashMap::new(),
        }
    }

    /// Remembers the samples an already-folded incident holds for this source, so a restart
    /// backfills only what is missing.
    pub fn seed(&mut self, known: &Incident) {
        for sig in known.signals.values() {
            if sig.source.as_deref() == Some(self.name.as_str())
                && let Some((t, _)) = sig.last
            {
                self.last.insert(sig.name.clone(), t);
            }
        }
    }

    /// Time of the newest sample sent, over all series.
    pub fn newest(&self) -> Option<DateTime<Utc>> {
        self.last.values().max().copied()
    }

    fn define(&self, series: &str) -> EventKind {
        EventKind::SignalDefined {
            series: series.to_string(),
            unit: self.config.unit.clone(),
            warn: self.config.warn,
            crit: self.config.crit,
            direction: self.config.direction,
            hysteresis: self.config.hysteresis,
            dwell: self.config.dwell,
        }
    }

    /// Drafts for a parsed result.
    pub fn drafts(&mut self, mut result: Vec<Series>) -> Vec<Draft> {
        let several = result.len() > 1;
        if result.len() > MAX_SERIES {
            result.sort_by(|a, b| a.labels.cmp(&b.labels));
            result.truncate(MAX_SERIES);
        }
        let by = Actor::source(&self.name);
        let mut out = Vec::new();
        for s in result {
            let series = series_name(self.config.label.as_deref(), &self.name, &s.labels, several);
            for (t, v) in s.points {
                if self.last.get(&series).is_some_and(|l| t <= *l) {
                    continue;
                }
                if !self.defined.contains_key(&series) {
                    out.push(Draft::new(t, by.clone(), self.define(&series)));
                    self.defined.insert(series.clone(), ());
                }
                self.last.insert(series.clone(), t);
                out.push(Draft::new(
                    t,
                    by.clone(),
                    EventKind::Metric {
                        series: series.clone(),
                        value: v,
                    },
                ));
            }
        }
        out
    }
}

/// The polling side: backfill once, then instant queries.
pub struct Poller {
    fetch: Fetch,
    every: Duration,
    tracker: Tracker,
    backfilled: bool,
}

impl Poller {
    pub fn new(name: &str, config: &PrometheusConfig, fetch: Fetch, every: Duration) -> Self {
        Poller {
            fetch,
            every,
            tracker: Tracker::new(name, config),
            backfilled: false,
        }
    }

    pub fn seed(&mut self, known: &Incident) {
        self.tracker.seed(known);
    }

    /// Sent once at start, before any sample: the plain source name as a series, so a single
    /// series (the common case) has its thresholds even before data arrives.
    pub fn start(&mut self, now: DateTime<Utc>) -> Vec<Draft> {
        let name = self.tracker.name.clone();
        let kind = self.tracker.define(&name);
        self.tracker.defined.insert(name.clone(), ());
        vec![Draft::new(now, Actor::source(name), kind)]
    }

    /// Step of the backfill: the window cut in at most `BACKFILL_POINTS`, at least the poll
    /// interval (finer points than we poll would only be thrown away by the chart).
    pub fn step(window: Duration, every: Duration) -> Duration {
        let secs = window.as_secs().div_ceil(BACKFILL_POINTS).max(1);
        Duration::from_secs(secs)
            .max(every.min(window))
            .max(Duration::from_secs(1))
    }

    pub async fn poll(&mut self, now: DateTime<Utc>) -> Result<Vec<Draft>, SourceError> {
        let cfg = &self.tracker.config;
        if !self.backfilled {
            let window = chrono::Duration::from_std(cfg.window)
                .unwrap_or_else(|_| chrono::Duration::minutes(30));
            let mut start = now - window;
            if let Some(newest) = self.tracker.newest()
                && newest > start
            {
                start = newest;
            }
            if start < now {
                let step = Self::step(cfg.window, self.every);
                let url = super::http::url(
                    &cfg.url,
                    "/api/v1/query_range",
                    &[
                        ("query", cfg.query.as_str()),
                        ("start", &fmt_unix(start)),
                        ("end", &fmt_unix(now)),
                        ("step", &format!("{}s", step.as_secs())),
                    ],
                )?;
                let body = self.fetch.get(url).await?;
                let result = parse_response(&body.bytes, &body.content_type)?;
                self.backfilled = true;
                return Ok(self.tracker.drafts(result));
            }
            self.backfilled = true;
        }
        let url = super::http::url(
            &cfg.url,
            "/api/v1/query",
            &[("query", cfg.query.as_str()), ("time", &fmt_unix(now))],
        )?;
        let body = self.fetch.get(url).await?;
        let result = parse_response(&body.bytes, &body.content_type)?;
        Ok(self.tracker.drafts(result))
    }
}

fn fmt_unix(t: DateTime<Utc>) -> String {
    format!("{:.3}", t.timestamp_millis() as f64 / 1000.0)
}

/// One instant query, for the reports source's `query` mode: the first sample's value.
pub async fn instant_value(
    fetch: &Fetch,
    base: &str,
    query: &str,
    now: DateTime<Utc>,
) -> Result<Option<(DateTime<Utc>, f64)>, SourceError> {
    let url = super::http::url(
        base,
        "/api/v1/query",
        &[("query", query), ("time", &fmt_unix(now))],
    )?;
    let body = fetch.get(url).await?;
    let result = parse_response(&body.bytes, &body.content_type)?;
    Ok(result.into_iter().find_map(|s| s.points.last().copied()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_keeps_backfill_small() {
        let s = Poller::step(Duration::from_secs(1800), Duration::from_secs(1));
        assert_eq!(s, Duration::from_secs(5));
        let s = Poller::step(Duration::from_secs(1800), Duration::from_secs(15));
        assert_eq!(s, Duration::from_secs(15));
        assert!(1800 / s.as_secs() <= BACKFILL_POINTS);
    }

    #[test]
    fn series_are_capped() {
        let cfg = PrometheusConfig {
            url: "http://127.0.0.1:9".into(),
            query: "up".into(),
            window: Duration::from_secs(60),
            unit: String::new(),
            warn: None,
            crit: None,
            direction: crate::incident::Direction::Above,
            label: None,
            auth: None,
            hysteresis: None,
            dwell: None,
        };
        let t0 = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
        let result: Vec<Series> = (0..500)
            .map(|i| Series {
                labels: [("pod".to_string(), format!("p{i:03}"))].into(),
                points: vec![(t0, 1.0)],
            })
            .collect();
        let d = Tracker::new("q", &cfg).drafts(result);
        let metrics = d
            .iter()
            .filter(|d| matches!(d.kind, EventKind::Metric { .. }))
            .count();
        assert_eq!(metrics, MAX_SERIES);
    }

    #[test]
    fn template_fills_labels() {
        let labels: BTreeMap<String, String> =
            [("region".to_string(), "eu-west".to_string())].into();
        assert_eq!(
            series_name(Some("errors {{ region }}"), "src", &labels, true),
            "errors eu-west"
        );
        assert_eq!(series_name(None, "src", &labels, false), "src");
        assert_eq!(
            series_name(None, "src", &labels, true),
            "src{region=eu-west}"
        );
    }
}

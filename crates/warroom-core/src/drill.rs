//! The drill format: a header line, then one event per line with its scenario time `t` in
//! seconds (see `drills/` and the shared DRILL_FORMAT contract). Parsing only: playing a
//! drill in real time is `warroom::sources::drill`.

use serde::{Deserialize, Serialize};

use crate::incident::{Actor, EventKind, Severity};

/// Reference times to X, in scenario seconds, with the definitions of `incident::times`
/// (detect = detected − impact, acknowledge = acknowledged − detected, ...).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    pub detect: Option<f64>,
    pub acknowledge: Option<f64>,
    pub mitigate: Option<f64>,
    pub resolve: Option<f64>,
    /// From the impact start to the first public update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_update: Option<f64>,
    /// The longest stretch without a public update while impacted (from the impact start
    /// to mitigation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longest_silence: Option<f64>,
}

/// The header line of a drill file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrillHeader {
    pub warroom_drill: u32,
    pub name: String,
    pub title: String,
    pub severity: Severity,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub based_on: String,
    #[serde(default)]
    pub invented: String,
    /// Default compression: scenario seconds per wall second.
    #[serde(default = "one")]
    pub speed: f64,
    /// Scenario length in seconds.
    #[serde(default)]
    pub duration: f64,
    /// Scenario second at which the impact starts: the drill report measures the people's
    /// times from here (absent: from the scenario's first automatic signal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<f64>,
    #[serde(default)]
    pub reference: Reference,
}

fn one() -> f64 {
    1.0
}

/// Why a drill's header line was refused ([`DrillHeader::parse`]).
#[derive(Debug, thiserror::Error)]
pub enum HeaderError {
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    #[error("drill format version {0} is not supported (this warroom reads 1)")]
    Version(u32),
    #[error("speed must be within {MIN_SPEED} to {MAX_SPEED}, not {0}")]
    Speed(f64),
}

impl DrillHeader {
    /// Parses the first line of a drill file.
    pub fn parse(first_line: &str) -> Result<Self, HeaderError> {
        let h: DrillHeader = serde_json::from_str(first_line)?;
        if h.warroom_drill != 1 {
            return Err(HeaderError::Version(h.warroom_drill));
        }
        if !speed_in_range(h.speed) {
            return Err(HeaderError::Speed(h.speed));
        }
        Ok(h)
    }
}

/// One scenario event: at scenario second `t`, `by` did `kind`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DrillEvent {
    pub t: f64,
    pub by: Actor,
    pub kind: EventKind,
}

/// A parsed drill.
#[derive(Clone, Debug, PartialEq)]
pub struct Drill {
    pub header: DrillHeader,
    pub events: Vec<DrillEvent>,
}

impl Drill {
    /// The drill file's text: the header line, then one event per line, each ending in a
    /// newline ([`parse`] reads it back). The bundled drills are written with this (see
    /// `cargo run --example gen_drills`).
    pub fn to_jsonl(&self) -> Result<String, serde_json::Error> {
        let mut out = serde_json::to_string(&self.header)?;
        out.push('\n');
        for e in &self.events {
            out.push_str(&serde_json::to_string(e)?);
            out.push('\n');
        }
        Ok(out)
    }
}

#[derive(Deserialize)]
struct RawEvent {
    t: f64,
    by: Actor,
    kind: serde_json::Value,
}

/// The drill format version this build reads.
pub const DRILL_VERSION: u32 = 1;

/// Slowest drill speed accepted (one scenario second per 100 wall seconds).
pub const MIN_SPEED: f64 = 0.01;
/// Fastest drill speed accepted (a day of scenario in under nine seconds).
pub const MAX_SPEED: f64 = 10_000.0;

/// True for a speed the player accepts: finite, within [`MIN_SPEED`]..=[`MAX_SPEED`].
pub fn speed_in_range(speed: f64) -> bool {
    (MIN_SPEED..=MAX_SPEED).contains(&speed)
}

/// Wall time from the drill's start to scenario second `t` at `speed`; `None` when it
/// cannot be a duration (never reached).
pub fn wall_offset(t: f64, speed: f64) -> Option<std::time::Duration> {
    std::time::Duration::try_from_secs_f64(t / speed).ok()
}

/// Why a drill file was refused ([`parse`]): each names the line (1-based) and what is
/// wrong with it.
#[derive(Debug, thiserror::Error)]
pub enum DrillParseError {
    #[error("line 1: empty drill file (expected a header line)")]
    Empty,
    #[error("line {line}: bad drill header: {source}")]
    Header {
        line: usize,
        source: serde_json::Error,
    },
    #[error(
        "line {line}: drill format version {version} is not supported (this warroom reads {DRILL_VERSION})"
    )]
    Version { line: usize, version: u32 },
    #[error(
        "line {line}: `speed` must be within {MIN_SPEED} to {MAX_SPEED} (1 = real time), got {speed}"
    )]
    Speed { line: usize, speed: f64 },
    #[error("line {line}: `title` is empty")]
    NoTitle { line: usize },
    #[error("line {line}: bad event: {source}")]
    Event {
        line: usize,
        source: serde_json::Error,
    },
    #[error("line {line}: `t` must be a non-negative number of seconds, got {t}")]
    BadTime { line: usize, t: f64 },
    #[error("line {line}: `t` goes back in time ({t} after {last}); events must be in order")]
    BackInTime { line: usize, t: f64, last: f64 },
    #[error("line {line}: bad event kind: {source}")]
    Kind {
        line: usize,
        source: serde_json::Error,
    },
    #[error(
        "line {line}: a drill must not contain `{kind}`: that is what the people in the room practise"
    )]
    Forbidden { line: usize, kind: String },
}

/// Parses a drill file. Errors name the line (1-based) and what is wrong with it.
pub fn parse(text: &str) -> Result<Drill, DrillParseError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty());
    let (hline, htext) = lines.next().ok_or(DrillParseError::Empty)?;
    let header: DrillHeader =
        serde_json::from_str(htext).map_err(|source| DrillParseError::Header {
            line: hline,
            source,
        })?;
    if header.warroom_drill != DRILL_VERSION {
        return Err(DrillParseError::Version {
            line: hline,
            version: header.warroom_drill,
        });
    }
    if !speed_in_range(header.speed) {
        return Err(DrillParseError::Speed {
            line: hline,
            speed: header.speed,
        });
    }
    if header.title.trim().is_empty() {
        return Err(DrillParseError::NoTitle { line: hline });
    }
    let mut events = Vec::new();
    let mut last_t = 0.0f64;
    for (n, l) in lines {
        let raw: RawEvent =
            serde_json::from_str(l).map_err(|source| DrillParseError::Event { line: n, source })?;
        if !(raw.t >= 0.0 && raw.t.is_finite()) {
            return Err(DrillParseError::BadTime { line: n, t: raw.t });
        }
        if raw.t < last_t {
            return Err(DrillParseError::BackInTime {
                line: n,
                t: raw.t,
                last: last_t,
            });
        }
        last_t = raw.t;
        let kind: EventKind = serde_json::from_value(raw.kind)
            .map_err(|source| DrillParseError::Kind { line: n, source })?;
        if matches!(
            kind,
            EventKind::IncidentDeclared { .. }
                | EventKind::SeverityChanged { .. }
                | EventKind::StateChanged { .. }
                | EventKind::RoleAssigned { .. }
                | EventKind::ChecklistToggled { .. }
                | EventKind::ImpactStarted { .. }
        ) {
            return Err(DrillParseError::Forbidden {
                line: n,
                kind: kind.name().to_string(),
            });
        }
        events.push(DrillEvent {
            t: raw.t,
            by: raw.by,
            kind: sanitise(kind),
        });
    }
    Ok(Drill { header, events })
}

/// Drill files may come from anywhere: their text goes through the sanitiser like any
/// other external text.
fn sanitise(kind: EventKind) -> EventKind {
    use crate::text::{block, line};
    match kind {
        EventKind::Note { text } => EventKind::Note { text: block(&text) },
        EventKind::StatusIncident {
            page,
            id,
            title,
            status,
            body,
            update_id,
            impact,
            posted_at,
        } => EventKind::StatusIncident {
            page: line(&page),
            id: line(&id),
            title: line(&title),
            status: line(&status),
            body: block(&body),
            update_id: update_id.map(|u| line(&u)),
            impact: impact.map(|i| line(&i)),
            posted_at,
        },
        EventKind::StatusComponent {
            page,
            component,
            status,
            group,
        } => EventKind::StatusComponent {
            page: line(&page),
            component: line(&component),
            status: line(&status),
            group: group.map(|g| line(&g)),
        },
        EventKind::Alert {
            name,
            state,
            labels,
            summary,
            fingerprint,
            starts_at,
        } => EventKind::Alert {
            name: line(&name),
            state,
            labels: labels
                .into_iter()
                .map(|(k, v)| (line(&k), line(&v)))
                .collect(),
            summary: block(&summary),
            fingerprint,
            starts_at,
        },
        other => other,
    }
}

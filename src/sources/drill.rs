//! The drill source: plays a scenario's signal events in (compressed) real time.
//!
//! The format is described in `drills/` files: a header line, then one event per line
//! with its scenario time `t` in seconds (see the shared DRILL_FORMAT contract).

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::incident::{Actor, Draft, EventKind, Severity};

/// Drills built into the binary: (file name, contents).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "checkout-outage.jsonl",
        include_str!("../../drills/checkout-outage.jsonl"),
    ),
    (
        "storefront-outage.jsonl",
        include_str!("../../drills/storefront-outage.jsonl"),
    ),
    (
        "overnight-checkout.jsonl",
        include_str!("../../drills/overnight-checkout.jsonl"),
    ),
];

/// The built-in drill with this file name (the last path component of `path`).
pub fn builtin(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?;
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// True if the drill exists on disk (relative to `dir`) or is built in.
pub fn exists(path: &Path, dir: &Path) -> bool {
    dir.join(path).is_file() || path.is_file() || builtin(path).is_some()
}

/// Reference times to X, in scenario seconds, with the definitions of `incident::times`
/// (detect = detected − impact, acknowledge = acknowledged − detected, ...).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    pub detect: Option<f64>,
    pub acknowledge: Option<f64>,
    pub mitigate: Option<f64>,
    pub resolve: Option<f64>,
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

impl DrillHeader {
    /// Parses the first line of a drill file.
    pub fn parse(first_line: &str) -> Result<Self, String> {
        let h: DrillHeader = serde_json::from_str(first_line).map_err(|e| e.to_string())?;
        if h.warroom_drill != 1 {
            return Err(format!(
                "drill format version {} is not supported (this warroom reads 1)",
                h.warroom_drill
            ));
        }
        if !speed_in_range(h.speed) {
            return Err(format!(
                "speed must be within {MIN_SPEED} to {MAX_SPEED}, not {}",
                h.speed
            ));
        }
        Ok(h)
    }
}

/// One scenario event: at scenario second `t`, `by` did `kind`.
#[derive(Clone, Debug, PartialEq)]
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
fn wall_offset(t: f64, speed: f64) -> Option<std::time::Duration> {
    std::time::Duration::try_from_secs_f64(t / speed).ok()
}

/// Parses a drill file. Errors name the line (1-based) and what is wrong with it.
pub fn parse(text: &str) -> Result<Drill, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty());
    let (hline, htext) = lines
        .next()
        .ok_or_else(|| "line 1: empty drill file (expected a header line)".to_string())?;
    let header: DrillHeader =
        serde_json::from_str(htext).map_err(|e| format!("line {hline}: bad drill header: {e}"))?;
    if header.warroom_drill != DRILL_VERSION {
        return Err(format!(
            "line {hline}: drill format version {} is not supported (this warroom reads {DRILL_VERSION})",
            header.warroom_drill
        ));
    }
    if !speed_in_range(header.speed) {
        return Err(format!(
            "line {hline}: `speed` must be within {MIN_SPEED} to {MAX_SPEED} (1 = real time), got {}",
            header.speed
        ));
    }
    if header.title.trim().is_empty() {
        return Err(format!("line {hline}: `title` is empty"));
    }
    let mut events = Vec::new();
    let mut last_t = 0.0f64;
    for (n, l) in lines {
        let raw: RawEvent =
            serde_json::from_str(l).map_err(|e| format!("line {n}: bad event: {e}"))?;
        if !(raw.t >= 0.0 && raw.t.is_finite()) {
            return Err(format!(
                "line {n}: `t` must be a non-negative number of seconds, got {}",
                raw.t
            ));
        }
        if raw.t < last_t {
            return Err(format!(
                "line {n}: `t` goes back in time ({} after {last_t}); events must be in order",
                raw.t
            ));
        }
        last_t = raw.t;
        let kind: EventKind = serde_json::from_value(raw.kind)
            .map_err(|e| format!("line {n}: bad event kind: {e}"))?;
        if matches!(
            kind,
            EventKind::IncidentDeclared { .. }
                | EventKind::SeverityChanged { .. }
                | EventKind::StateChanged { .. }
                | EventKind::RoleAssigned { .. }
                | EventKind::ChecklistToggled { .. }
                | EventKind::ImpactStarted { .. }
        ) {
            return Err(format!(
                "line {n}: a drill must not contain `{}`: that is what the people in the room practise",
                kind.name()
            ));
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

/// Loads a drill: from disk (`path` relative to `dir`, then as given), else the built-in
/// drill with the same file name.
pub fn load(path: &Path, dir: &Path) -> Result<Drill, String> {
    for p in [dir.join(path), path.to_path_buf()] {
        if p.is_file() {
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            return parse(&text).map_err(|e| format!("{}: {e}", p.display()));
        }
    }
    match builtin(path) {
        Some(text) => parse(text).map_err(|e| format!("(built-in) {}: {e}", path.display())),
        None => Err(format!(
            "drill file not found: {} (built-in drills: {})",
            path.display(),
            BUILTIN
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Plays `drill` from now: each event with scenario time `t` is sent at wall time
/// start + t/speed, with that time as its `at`. Ends after the last event, or when the
/// room stops listening.
pub fn spawn(name: &str, drill: Drill, speed: f64, tx: mpsc::Sender<Draft>) -> JoinHandle<()> {
    spawn_at(name, drill, speed, Utc::now(), tx)
}

/// Like [`spawn`] for a drill that started at `started` (continuing a drill log): events
/// whose time has already passed are skipped (they are in the log, or were missed while
/// the room was closed).
///
/// A speed outside [`MIN_SPEED`]..=[`MAX_SPEED`] is brought within it. The player is
/// supervised: should it panic, the room is told ("NAME stopped: internal error, see log")
/// and it restarts with backoff, skipping what is already past.
pub fn spawn_at(
    name: &str,
    drill: Drill,
    speed: f64,
    started: DateTime<Utc>,
    tx: mpsc::Sender<Draft>,
) -> JoinHandle<()> {
    let speed = if speed.is_finite() && speed > 0.0 {
        speed
    } else {
        drill.header.speed
    };
    let speed = if speed.is_finite() {
        speed.clamp(MIN_SPEED, MAX_SPEED)
    } else {
        1.0
    };
    let name = name.to_string();
    super::supervise(name.clone(), tx.clone(), move |_restart| {
        play(name.clone(), drill.clone(), speed, started, tx.clone())
    })
}

/// The player itself (see [`spawn_at`]).
fn play(
    name: String,
    drill: Drill,
    speed: f64,
    started: DateTime<Utc>,
    tx: mpsc::Sender<Draft>,
) -> JoinHandle<()> {
    // One start instant; every event is scheduled from it, so sleeps never add up.
    let now_wall = Utc::now();
    let now_inst = Instant::now();
    let behind = (now_wall - started).to_std().unwrap_or_default();
    let start_inst = now_inst.checked_sub(behind).unwrap_or(now_inst);
    tokio::spawn(async move {
        tracing::info!(drill = %name, speed, events = drill.events.len(), "drill playing");
        for ev in drill.events {
            // An offset no clock can reach (a scenario of centuries): the drill ends here.
            let Some((offset, due)) = wall_offset(ev.t, speed)
                .and_then(|o| start_inst.checked_add(o).map(|due| (o, due)))
            else {
                tracing::warn!(drill = %name, t = ev.t, "event beyond any reachable time; drill ends");
                return;
            };
            // Already past when we start (continuing a drill): in the log, or missed.
            // A second of grace, so a drill opened a moment ago plays from its start.
            if now_inst.saturating_duration_since(due) > std::time::Duration::from_secs(1) {
                continue;
            }
            tokio::time::sleep_until(due).await;
            let at = chrono::Duration::from_std(offset)
                .ok()
                .and_then(|d| started.checked_add_signed(d))
                .unwrap_or_else(Utc::now);
            if tx.send(Draft::new(at, ev.by, ev.kind)).await.is_err() {
                tracing::info!(drill = %name, "room closed; drill stops");
                return;
            }
        }
        tracing::info!(drill = %name, "drill played to its end");
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = r#"{"warroom_drill":1,"name":"x","title":"DRILL: x","severity":"SEV2","speed":6,"duration":60}"#;

    #[test]
    fn errors_name_the_line() {
        let text = format!(
            "{HEADER}\n{{\"t\":0,\"by\":\"system\",\"kind\":{{\"type\":\"note\",\"text\":\"a\"}}}}\n{{\"t\":1,\"by\":\"system\",\"kind\":{{\"type\":\"nope\"}}}}\n"
        );
        let e = parse(&text).unwrap_err();
        assert!(e.starts_with("line 3:"), "{e}");
    }

    #[test]
    fn time_must_not_go_back() {
        let text = format!(
            "{HEADER}\n{{\"t\":5,\"by\":\"system\",\"kind\":{{\"type\":\"note\",\"text\":\"a\"}}}}\n{{\"t\":1,\"by\":\"system\",\"kind\":{{\"type\":\"note\",\"text\":\"b\"}}}}\n"
        );
        let e = parse(&text).unwrap_err();
        assert!(
            e.starts_with("line 3:") && e.contains("back in time"),
            "{e}"
        );
    }

    #[test]
    fn people_actions_are_refused() {
        let text = format!(
            "{HEADER}\n{{\"t\":5,\"by\":{{\"person\":\"x\"}},\"kind\":{{\"type\":\"state_changed\",\"state\":\"resolved\"}}}}\n"
        );
        let e = parse(&text).unwrap_err();
        assert!(e.contains("state_changed"), "{e}");
    }

    #[test]
    fn hostile_text_is_sanitised() {
        let text = format!(
            "{HEADER}\n{{\"t\":5,\"by\":{{\"person\":\"x\"}},\"kind\":{{\"type\":\"note\",\"text\":\"hi\\u001b]52;c;Zm9v\\u0007 there\"}}}}\n"
        );
        let d = parse(&text).unwrap();
        match &d.events[0].kind {
            EventKind::Note { text } => assert!(!text.contains('\u{1b}'), "{text:?}"),
            k => panic!("{k:?}"),
        }
    }

    #[test]
    fn builtin_drill_parses() {
        for (name, text) in BUILTIN {
            let d = parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!d.events.is_empty(), "{name}");
        }
    }
}

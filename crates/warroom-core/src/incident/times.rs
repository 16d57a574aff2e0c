//! Key times of an incident and the durations derived from them.
//!
//! - impact started: back-dated by a person (`impact_started`), else the detection time;
//! - detected: the first of: a signal crossing its warn threshold (after hysteresis), an
//!   alert firing, a person's `:declare`;
//! - acknowledged: the first action of a person (note, decision, tick, role, state,
//!   severity, declare, impact) at or after detection; an action before anything was
//!   detected acknowledges nothing, and a `:declare` both detects and acknowledges.
//!   Joining and leaving are not acknowledgement. In a drill, a note by someone who never
//!   joined the room is the script's, not the people's, and counts for nothing here;
//! - mitigated: first move to `monitoring` (or straight to `resolved`);
//! - resolved: the last move to `resolved` (a reopen clears it).
//!
//! Besides those: *declared* is when a person first declared the incident (nobody else
//! can: a room declares itself at open only with `[incident] declare = "on_open"`, and
//! then the declaration is an event by the person who opened it); *first signal* is the
//! first automatic detection (signal or alert); *noticed* is the first action of a person
//! that refers to the incident (declare, severity, state, note, decision), which a drill
//! scores as the people's detection.
//!
//! Durations: detect = detected − impact; acknowledge = acknowledged − detected;
//! mitigate = mitigated − impact; resolve = resolved − impact. Every duration stops at
//! `resolved`: the impact clock ([`KeyTimes::impact_duration`]) is frozen at the resolve
//! time and counts again after a reopen.

use chrono::{DateTime, Duration, Utc};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct KeyTimes {
    /// Set by a person (back-dated marker); wins over the derived default.
    pub impact_marked: Option<DateTime<Utc>>,
    pub detected: Option<DateTime<Utc>>,
    pub acknowledged: Option<DateTime<Utc>>,
    pub mitigated: Option<DateTime<Utc>>,
    pub resolved: Option<DateTime<Utc>>,
    /// How many times the incident was reopened after being resolved.
    pub reopened: u32,
    /// First time a person declared the incident.
    pub declared: Option<DateTime<Utc>>,
    /// First automatic detection: a signal over its warn threshold or an alert firing.
    pub first_signal: Option<DateTime<Utc>>,
    /// First action of a person referring to the incident (the people's detection).
    pub noticed: Option<DateTime<Utc>>,
}

/// The named key times, for jumping and listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyTime {
    Impact,
    Detected,
    Acknowledged,
    Mitigated,
    Resolved,
}

impl KeyTime {
    pub const ALL: [KeyTime; 5] = [
        KeyTime::Impact,
        KeyTime::Detected,
        KeyTime::Acknowledged,
        KeyTime::Mitigated,
        KeyTime::Resolved,
    ];
    pub fn label(self) -> &'static str {
        match self {
            KeyTime::Impact => "impact started",
            KeyTime::Detected => "detected",
            KeyTime::Acknowledged => "acknowledged",
            KeyTime::Mitigated => "mitigated",
            KeyTime::Resolved => "resolved",
        }
    }
}

impl KeyTimes {
    pub fn impact_started(&self) -> Option<DateTime<Utc>> {
        self.impact_marked.or(self.detected)
    }
    pub fn get(&self, k: KeyTime) -> Option<DateTime<Utc>> {
        match k {
            KeyTime::Impact => self.impact_started(),
            KeyTime::Detected => self.detected,
            KeyTime::Acknowledged => self.acknowledged,
            KeyTime::Mitigated => self.mitigated,
            KeyTime::Resolved => self.resolved,
        }
    }
    pub fn time_to_detect(&self) -> Option<Duration> {
        Some(self.detected? - self.impact_started()?)
    }
    pub fn time_to_acknowledge(&self) -> Option<Duration> {
        Some(self.acknowledged? - self.detected?)
    }
    pub fn time_to_mitigate(&self) -> Option<Duration> {
        Some(self.mitigated? - self.impact_started()?)
    }
    pub fn time_to_resolve(&self) -> Option<Duration> {
        Some(self.resolved? - self.impact_started()?)
    }
    /// How long the impact has lasted at `now`: frozen at `resolved` while resolved
    /// (a reopen clears `resolved`, so it counts again), never negative.
    pub fn impact_duration(&self, now: DateTime<Utc>) -> Option<Duration> {
        let end = self.resolved.map_or(now, |r| r.min(now));
        Some((end - self.impact_started()?).max(Duration::zero()))
    }
    /// Records detection if none yet.
    pub fn detect(&mut self, at: DateTime<Utc>) {
        if self.detected.is_none() {
            self.detected = Some(at);
        }
    }
    /// Records an automatic detection (signal or alert).
    pub fn signal(&mut self, at: DateTime<Utc>) {
        if self.first_signal.is_none() {
            self.first_signal = Some(at);
        }
        self.detect(at);
    }
    /// Records a person's action at `at`: acknowledgement when something was detected
    /// (never before the detection itself).
    pub fn person_acted(&mut self, at: DateTime<Utc>) {
        if self.acknowledged.is_none()
            && let Some(d) = self.detected
        {
            self.acknowledged = Some(at.max(d));
        }
    }
    /// Records a person's action that refers to the incident.
    pub fn notice(&mut self, at: DateTime<Utc>) {
        if self.noticed.is_none() {
            self.noticed = Some(at);
        }
    }
}

/// `1h02m`, `4m05s`, `12s`; negative durations get a minus sign.
pub fn format_duration(d: Duration) -> String {
    let neg = d < Duration::zero();
    let s = d.num_seconds().unsigned_abs();
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    let body = if h > 0 {
        format!("{h}h{m:02}m")
    } else if m > 0 {
        format!("{m}m{sec:02}s")
    } else {
        format!("{sec}s")
    };
    if neg { format!("-{body}") } else { body }
}

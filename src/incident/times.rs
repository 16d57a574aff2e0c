//! Key times of an incident and the durations derived from them.
//!
//! - impact started: back-dated by a person (`impact_started`), else the detection time;
//! - detected: first alert firing, first signal over a threshold, or the declaration;
//! - acknowledged: the incident was declared;
//! - mitigated: first move to `monitoring` (or straight to `resolved`);
//! - resolved: the last move to `resolved` (a reopen clears it).
//!
//! Durations: detect = detected − impact; acknowledge = acknowledged − detected;
//! mitigate = mitigated − impact; resolve = resolved − impact.

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
    /// Records detection if none yet.
    pub fn detect(&mut self, at: DateTime<Utc>) {
        if self.detected.is_none() {
            self.detected = Some(at);
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

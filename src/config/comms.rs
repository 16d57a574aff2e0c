//! `[comms]`: the communication cadence the room holds itself to.
//!
//! ```toml
//! [comms]
//! first_update_within = "15m"      # first public update due this long after declare
//! every = { SEV1 = "20m", SEV2 = "30m", SEV3 = "60m" }   # then one public update per interval
//! contradiction_after = "5m"       # our page green while our signals are critical, this long: alarm
//! ```
//!
//! Defaults follow PagerDuty's public incident response guide: the first update within
//! 15 minutes, then every 20 minutes at SEV1, 30 at SEV2, 60 at SEV3, none at SEV4. A
//! severity given as `"none"` owes no regular updates. The room writes this into the log
//! as `comms_defined` (see [`CommsConfig::event`]), so the fold derives due times and
//! alarms the same live, in replay and in export.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::ctx::{Ctx, DurationText};
use crate::incident::{EventKind, Severity};

/// The cadence from `[comms]`.
#[derive(Clone, Debug, PartialEq)]
pub struct CommsConfig {
    /// The first public update is due this long after the incident is declared.
    pub first_update_within: Duration,
    /// Severity → interval between public updates (absent: no regular updates).
    pub every: BTreeMap<Severity, Duration>,
    /// How long our public page may contradict our signals before the alarm.
    pub contradiction_after: Duration,
}

impl Default for CommsConfig {
    fn default() -> Self {
        CommsConfig {
            first_update_within: Duration::from_secs(15 * 60),
            every: [
                (Severity::Sev1, Duration::from_secs(20 * 60)),
                (Severity::Sev2, Duration::from_secs(30 * 60)),
                (Severity::Sev3, Duration::from_secs(60 * 60)),
            ]
            .into_iter()
            .collect(),
            contradiction_after: Duration::from_secs(5 * 60),
        }
    }
}

impl CommsConfig {
    /// The `comms_defined` event a room writes at start.
    pub fn event(&self) -> EventKind {
        EventKind::CommsDefined {
            first_update_within: self.first_update_within.as_secs(),
            every: self
                .every
                .iter()
                .map(|(s, d)| (s.as_str().to_string(), d.as_secs()))
                .collect(),
            contradiction_after: self.contradiction_after.as_secs(),
        }
    }
}

/// `[comms]` as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawComms {
    first_update_within: Option<Spanned<DurationText>>,
    every: Option<Spanned<BTreeMap<String, Spanned<DurationText>>>>,
    contradiction_after: Option<Spanned<DurationText>>,
}

/// Validates `[comms]` (absent: the defaults).
pub(super) fn validate(cx: &mut Ctx, raw: Option<&Spanned<RawComms>>) -> CommsConfig {
    let d = CommsConfig::default();
    let Some(r) = raw.map(Spanned::get_ref) else {
        return d;
    };
    let mut every = d.every.clone();
    if let Some(map) = &r.every {
        for (sev, v) in map.get_ref() {
            let Some(s) = Severity::parse(sev) else {
                cx.err(
                    v.span(),
                    format!("`every`: unknown severity {sev:?}"),
                    Some("use SEV1, SEV2, SEV3 or SEV4: every = { SEV1 = \"20m\" }".into()),
                );
                continue;
            };
            let text = v.get_ref().as_ref().trim();
            if matches!(text, "none" | "off" | "never") {
                every.remove(&s);
                continue;
            }
            let key = format!("every.{}", s.as_str());
            let default = every.get(&s).copied().unwrap_or(Duration::from_secs(3600));
            every.insert(s, cx.duration(&Some(v.clone()), &key, default));
        }
    }
    CommsConfig {
        first_update_within: cx.duration(
            &r.first_update_within,
            "first_update_within",
            d.first_update_within,
        ),
        every,
        contradiction_after: cx.duration(
            &r.contradiction_after,
            "contradiction_after",
            d.contradiction_after,
        ),
    }
}

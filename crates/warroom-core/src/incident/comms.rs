//! Communication as the fold sees it: the status updates written in the room, what each
//! publisher did with them, the cadence in force, and the alarm when our public page
//! contradicts our own signals. Derived from the log only, so live, replay and export agree.
//!
//! # What a view reads (the comms pane, the header, the postmortem)
//! - [`Comms::last_public`], [`Comms::last_internal`]: the latest updates and their
//!   [`UpdateRecord::deliveries`] (per publisher: sending / delivered / failed).
//! - [`Comms::next_due`]: when the next public update is due (none: nothing is owed: no
//!   cadence configured, not declared yet, a severity without cadence, the incident is
//!   resolved, or the last public update said `resolved`). In a drill the cadence is in
//!   scenario time: at 60x a 30-minute interval is 30 s of log time ([`Comms::wall`]). [`Comms::overdue`]`(now)`: how long past due at `now` (the
//!   pane's "OVERDUE 4m"); [`Comms::due_in`]`(now)` for the countdown.
//! - [`Comms::alarm`]: the silent-page alarm in force (our own page says operational while
//!   our signals are critical or an alert fires, for longer than `contradiction_after`).
//! - [`Comms::own_page`]: what our own page says right now against our signals.
//! - [`Comms::overdue_periods`], [`Comms::contradictions`]: the history, for exports.
//!
//! # Timeline entries without a clock
//! The fold has no clock, so "an update became overdue" and "the contradiction has lasted
//! `contradiction_after`" are materialised when the first event at or after that moment
//! is folded (live: the next metric sample, seconds later), and the entry is placed at the
//! moment itself (the due time, the alarm time) with the id of that event. Replaying the
//! log up to a time t therefore gives the same entries as the live room showed at t; the
//! pane's countdown (`overdue(now)`) is exact at any time.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::event::{Audience, ComponentStatus, IncidentState, PublishOutcome, Severity};
use super::state::StatusPage;

/// Everything the room has said, and what it owes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Comms {
    /// Every status update, in log order.
    pub updates: Vec<UpdateRecord>,
    /// The cadence in force (from `comms_defined`); none: no cadence configured.
    pub cadence: Option<Cadence>,
    /// The silent-page alarm: our public page contradicts our signals (none: it does not).
    pub alarm: Option<PageAlarm>,
    /// When the incident was first declared (the first public update is due
    /// `first_update_within` after it).
    pub declared_at: Option<DateTime<Utc>>,
    /// Interval between public updates at the current severity (none: no cadence).
    pub every: Option<Duration>,
    /// When the next public update is due (see [`Comms::next_due`]).
    pub due: Option<DateTime<Utc>>,
    /// Times the public update was overdue: from the due time to the update that ended it
    /// (open while still overdue).
    pub overdue_periods: Vec<Period>,
    /// Times our own page contradicted our signals long enough to raise the alarm: from the
    /// start of the contradiction to its end (open while it lasts).
    pub contradictions: Vec<Period>,
    /// Our own status page (source role `own`) saying all is well, and since when.
    pub own_page: Option<OwnPageQuiet>,
    /// A drill's speed (scenario seconds per log second, from `drill_started`); none
    /// outside drills. The cadence and `contradiction_after` are scenario durations: a
    /// drill played at 60x owes its SEV2 update every 30 scenario minutes, 30 s of log time.
    pub drill_speed: Option<f64>,
    /// Bookkeeping for the derivations (counts of critical signals and firing alerts).
    pub(crate) watch: Watch,
}

/// A span of time; `to` is none while it lasts.
#[derive(Clone, Debug, PartialEq)]
pub struct Period {
    pub from: DateTime<Utc>,
    pub to: Option<DateTime<Utc>>,
}

impl Period {
    /// Its length, counting an open period up to `end`.
    pub fn length(&self, end: DateTime<Utc>) -> Duration {
        (self.to.unwrap_or(end) - self.from).max(Duration::zero())
    }
}

/// Our own page says operational (no open incident, every component operational).
#[derive(Clone, Debug, PartialEq)]
pub struct OwnPageQuiet {
    pub page: String,
    pub since: DateTime<Utc>,
}

/// What the derivations keep between events (O(1) per event to check).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Watch {
    /// Signals and report sources at the critical level now.
    pub crit: u32,
    /// Alerts firing now.
    pub firing: u32,
    /// Since when at least one of them holds.
    pub bad_since: Option<DateTime<Utc>>,
    /// The due time an overdue entry was written for.
    pub noted_due: Option<DateTime<Utc>>,
    /// Provider pages were checked in this stretch of bad signals.
    pub providers_checked: bool,
}

/// One status update and its deliveries.
#[derive(Clone, Debug, PartialEq)]
pub struct UpdateRecord {
    /// The `status_update` event's id (publish events refer to it).
    pub id: u64,
    pub at: DateTime<Utc>,
    pub author: String,
    pub audience: Audience,
    pub state: IncidentState,
    pub components: Vec<ComponentStatus>,
    pub body: String,
    pub targets: Vec<String>,
    /// Target name → the latest outcome of publishing to it.
    pub deliveries: BTreeMap<String, Delivery>,
}

/// The latest outcome of one publisher for one update.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    pub outcome: PublishOutcome,
    pub at: DateTime<Utc>,
    pub attempts: u32,
    pub remote_id: Option<String>,
    pub status: Option<u16>,
    pub message: Option<String>,
}

/// Defaults of `[comms]`: the first public update within 15 minutes of declaring.
pub const DEFAULT_FIRST_UPDATE_WITHIN_SECS: u64 = 15 * 60;
/// Defaults of `[comms] every` (PagerDuty's public response guide): SEV1 20m, SEV2 30m,
/// SEV3 60m, SEV4 none.
pub const DEFAULT_EVERY_SECS: &[(&str, u64)] =
    &[("SEV1", 20 * 60), ("SEV2", 30 * 60), ("SEV3", 60 * 60)];
/// Default of `[comms] contradiction_after`: 5 minutes.
pub const DEFAULT_CONTRADICTION_AFTER_SECS: u64 = 5 * 60;

/// The cadence from `[comms]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Cadence {
    pub first_update_within: Duration,
    /// Severity name (`SEV1`..) → interval between public updates.
    pub every: BTreeMap<String, Duration>,
    pub contradiction_after: Duration,
}

/// Our public page says all is well while our signals say otherwise.
#[derive(Clone, Debug, PartialEq)]
pub struct PageAlarm {
    /// When the contradiction began (the alarm is raised `contradiction_after` later).
    pub since: DateTime<Utc>,
    /// The page (source name) that is silent.
    pub page: String,
    /// What our signals say, in words ("checkout error rate critical").
    pub signal: String,
    /// When the alarm was raised (`since` + `contradiction_after`).
    pub raised: DateTime<Utc>,
}

impl Comms {
    /// The last public update, if any.
    pub fn last_public(&self) -> Option<&UpdateRecord> {
        self.updates
            .iter()
            .rev()
            .find(|u| u.audience == Audience::Public)
    }

    /// When the next public update is due; none when nothing is owed (see the module doc).
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        self.due
    }

    /// How long the next public update is overdue at `now` (none: not overdue).
    pub fn overdue(&self, now: DateTime<Utc>) -> Option<Duration> {
        self.due.filter(|d| now > *d).map(|d| now - d)
    }

    /// Time left until the next public update is due at `now` (none: nothing due, or
    /// overdue already).
    pub fn due_in(&self, now: DateTime<Utc>) -> Option<Duration> {
        self.due.filter(|d| now <= *d).map(|d| d - now)
    }

    /// The first public update, if any.
    pub fn first_public(&self) -> Option<&UpdateRecord> {
        self.updates.iter().find(|u| u.audience == Audience::Public)
    }

    /// True when any of our signals is critical or an alert is firing.
    pub fn signals_bad(&self) -> bool {
        self.watch.bad_since.is_some()
    }

    /// A scenario duration (`[comms]` intervals) as log time: divided by the drill's speed.
    pub fn wall(&self, d: Duration) -> Duration {
        match self.drill_speed.filter(|s| s.is_finite() && *s > 0.0) {
            Some(s) => Duration::milliseconds((d.num_milliseconds() as f64 / s) as i64),
            None => d,
        }
    }

    /// A `[comms]` interval in words, as the room lives it: `30m00s`, and in a drill the
    /// scenario interval with the room time it takes at the drill's speed, `30m00s (30s at
    /// 60x)`. Every elapsed time on screen (countdown, "for 6m", the header's clock) is room
    /// time; only the rules are stated in the scenario's terms.
    pub fn rule(&self, d: Duration) -> String {
        match self
            .drill_speed
            .filter(|s| s.is_finite() && *s > 0.0 && *s != 1.0)
        {
            Some(s) => format!(
                "{} ({} at {}x)",
                super::times::format_duration(d),
                super::times::format_duration(self.wall(d)),
                s
            ),
            None => super::times::format_duration(d),
        }
    }

    /// The cadence in force: the log's `comms_defined`, else none.
    pub fn cadence(&self) -> Option<&Cadence> {
        self.cadence.as_ref()
    }

    /// How long our own page may contradict our signals before the alarm, in log time.
    pub fn contradiction_after(&self) -> Duration {
        self.wall(self.cadence.as_ref().map_or_else(
            || Duration::seconds(DEFAULT_CONTRADICTION_AFTER_SECS as i64),
            |c| c.contradiction_after,
        ))
    }

    /// Our own page contradicts our signals now (it says operational while a signal is
    /// critical or an alert fires), whether or not long enough for the alarm.
    pub fn contradicted(&self) -> bool {
        self.own_page.is_some() && self.signals_bad()
    }

    /// Recomputes [`Comms::due`] from the cadence, the declaration, the severity and the
    /// last public update.
    pub(crate) fn recompute_due(&mut self, severity: Severity, state: IncidentState) {
        self.every = self
            .cadence
            .as_ref()
            .and_then(|c| c.every.get(severity.as_str()).copied())
            .filter(|d| *d > Duration::zero());
        self.due = match (&self.cadence, self.last_public()) {
            (None, _) => None,
            // Updates are owed until resolved: by the room, or by the last public update.
            _ if state == IncidentState::Resolved => None,
            (Some(_), Some(u)) if u.state == IncidentState::Resolved => None,
            (Some(_), Some(u)) => self.every.map(|every| u.at + self.wall(every)),
            (Some(c), None) => self
                .declared_at
                .map(|d| d + self.wall(c.first_update_within)),
        };
    }

    /// The last internal update, if any.
    pub fn last_internal(&self) -> Option<&UpdateRecord> {
        self.updates
            .iter()
            .rev()
            .find(|u| u.audience == Audience::Internal)
    }
}

/// A page that says all is well: every component operational, no open incident, and no
/// page-wide indicator other than `none`. Our own page saying so while our signals are
/// critical is the silent-page contradiction.
pub fn says_operational(p: &StatusPage) -> bool {
    !p.is_degraded() && p.indicator.as_deref().is_none_or(|i| i == "none")
}

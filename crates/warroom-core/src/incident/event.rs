//! The event model: everything that happens in an incident is one `Event`.
//!
//! Events are serialised as one JSON object per log line:
//! `{"id":7,"at":"2026-11-21T20:00:00Z","by":{"person":"ana"},"kind":{"type":"note","text":"…"}}`.
//! Unknown fields are ignored; an event whose `kind.type` this version does not know is kept
//! as [`EventKind::Unknown`] with its raw JSON, so it is shown and written back unchanged.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::Error as _;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// Who caused an event.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// A person in the room (local user or SSH responder).
    Person(String),
    /// A signal source named in config.
    Source(String),
    /// warroom itself (drill clock, log repair, ...).
    System,
}

impl Actor {
    pub fn person(name: impl Into<String>) -> Self {
        Actor::Person(name.into())
    }
    pub fn source(name: impl Into<String>) -> Self {
        Actor::Source(name.into())
    }
    /// The name shown on screen.
    pub fn label(&self) -> &str {
        match self {
            Actor::Person(n) | Actor::Source(n) => n,
            Actor::System => "warroom",
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Incident severity, SEV1 the worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    #[serde(rename = "SEV1")]
    Sev1,
    #[serde(rename = "SEV2")]
    Sev2,
    #[serde(rename = "SEV3")]
    Sev3,
    #[serde(rename = "SEV4")]
    Sev4,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Sev1,
        Severity::Sev2,
        Severity::Sev3,
        Severity::Sev4,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Sev1 => "SEV1",
            Severity::Sev2 => "SEV2",
            Severity::Sev3 => "SEV3",
            Severity::Sev4 => "SEV4",
        }
    }
    /// Accepts `1`, `sev1`, `SEV1`, `Sev 1`.
    pub fn parse(s: &str) -> Option<Self> {
        let t: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        let digits = t.strip_prefix("sev").unwrap_or(&t);
        match digits {
            "1" => Some(Severity::Sev1),
            "2" => Some(Severity::Sev2),
            "3" => Some(Severity::Sev3),
            "4" => Some(Severity::Sev4),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who a status update is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Public,
    Internal,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Internal => "internal",
        }
    }
}

/// A component named in a status update, with the status the update gives it
/// (`operational`, `degraded_performance`, `partial_outage`, `major_outage`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentStatus {
    pub name: String,
    /// The status page's id for it, when a page source reported one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub status: String,
}

/// Outcome of one publish attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublishOutcome {
    /// Written just before the request leaves.
    Sending,
    Delivered,
    Failed,
}

/// Incident state. Reopening (resolved → any other) is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentState {
    Investigating,
    Identified,
    Monitoring,
    Resolved,
}

impl IncidentState {
    pub const ALL: [IncidentState; 4] = [
        IncidentState::Investigating,
        IncidentState::Identified,
        IncidentState::Monitoring,
        IncidentState::Resolved,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentState::Investigating => "investigating",
            IncidentState::Identified => "identified",
            IncidentState::Monitoring => "monitoring",
            IncidentState::Resolved => "resolved",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim().to_ascii_lowercase();
        IncidentState::ALL
            .into_iter()
            .find(|st| st.as_str() == t || (t.len() >= 3 && st.as_str().starts_with(&t)))
    }
}

impl fmt::Display for IncidentState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which side of a threshold is bad: error rate alarms when high, orders per minute when low.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    #[default]
    Above,
    Below,
}

/// Firing or resolved, as Alertmanager says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    Firing,
    Resolved,
}

/// A number that may be NaN or infinite (Prometheus returns "NaN", "+Inf", "-Inf").
/// JSON has no such numbers, so those are written as the strings Prometheus uses.
pub mod float {
    use super::*;

    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_finite() {
            s.serialize_f64(*v)
        } else if v.is_nan() {
            s.serialize_str("NaN")
        } else if *v > 0.0 {
            s.serialize_str("+Inf")
        } else {
            s.serialize_str("-Inf")
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = f64;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or \"NaN\", \"+Inf\", \"-Inf\"")
            }
            fn visit_f64<E>(self, v: f64) -> Result<f64, E> {
                Ok(v)
            }
            fn visit_i64<E>(self, v: i64) -> Result<f64, E> {
                Ok(v as f64)
            }
            fn visit_u64<E>(self, v: u64) -> Result<f64, E> {
                Ok(v as f64)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<f64, E> {
                parse(v).ok_or_else(|| E::custom(format!("not a number: {v:?}")))
            }
        }
        d.deserialize_any(V)
    }

    /// Parses Prometheus' sample value strings.
    pub fn parse(v: &str) -> Option<f64> {
        match v {
            "NaN" => Some(f64::NAN),
            "+Inf" | "Inf" => Some(f64::INFINITY),
            "-Inf" => Some(f64::NEG_INFINITY),
            other => other.trim().parse::<f64>().ok(),
        }
    }
}

mod opt_float {
    use super::*;
    pub fn serialize<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(f) => float::serialize(f, s),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        #[derive(Deserialize)]
        struct W(#[serde(with = "float")] f64);
        Ok(Option::<W>::deserialize(d)?.map(|w| w.0))
    }
}

/// What happened. New kinds may be added; old binaries keep them as `Unknown`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    IncidentDeclared {
        title: String,
        severity: Severity,
    },
    SeverityChanged {
        severity: Severity,
    },
    StateChanged {
        state: IncidentState,
    },
    /// `person` empty means the role is unassigned.
    RoleAssigned {
        role: String,
        person: String,
    },
    Note {
        text: String,
    },
    /// A decision taken by the room: shown apart from notes in the timeline and postmortem.
    Decision {
        text: String,
    },
    /// The items of a checklist (written at the start of a room from config, so a log is
    /// complete on its own).
    ChecklistDefined {
        list: String,
        items: Vec<String>,
        /// Item text → the event that completes it (`role:comms`, `impact_backdated`, …;
        /// see `checklist::DoneWhen`).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        done_when: BTreeMap<String, String>,
    },
    ChecklistToggled {
        list: String,
        item: String,
        done: bool,
    },
    /// Unit and thresholds of a metric series or a reports source (written when a source
    /// starts), so threshold crossings are derived by the fold and replay the same.
    SignalDefined {
        series: String,
        #[serde(default)]
        unit: String,
        #[serde(default, with = "opt_float", skip_serializing_if = "Option::is_none")]
        warn: Option<f64>,
        #[serde(default, with = "opt_float", skip_serializing_if = "Option::is_none")]
        crit: Option<f64>,
        #[serde(default)]
        direction: Direction,
        /// Hysteresis band as a fraction of the threshold value (absent: 5%).
        #[serde(default, with = "opt_float", skip_serializing_if = "Option::is_none")]
        hysteresis: Option<f64>,
        /// Consecutive samples a new level must hold before it changes (absent: 2).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dwell: Option<u32>,
    },
    Metric {
        series: String,
        #[serde(with = "float")]
        value: f64,
    },
    Reports {
        source: String,
        count: u64,
        #[serde(default, with = "opt_float", skip_serializing_if = "Option::is_none")]
        baseline: Option<f64>,
    },
    /// The overall indicator of a status page (none, minor, major, critical).
    StatusPage {
        page: String,
        indicator: String,
        #[serde(default)]
        description: String,
    },
    StatusComponent {
        page: String,
        component: String,
        status: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<String>,
    },
    /// An incident on a status page, or one update of it (`update_id`), or a feed entry.
    StatusIncident {
        page: String,
        id: String,
        title: String,
        status: String,
        #[serde(default)]
        body: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        update_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        impact: Option<String>,
        /// When the page says the update was posted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        posted_at: Option<DateTime<Utc>>,
    },
    /// One line a status page or feed source says about itself: its state as found at its
    /// first poll (the events between an `opening` summary and this one record the page
    /// quietly; this is their one timeline entry), or a summary of changes beyond its event
    /// budget (`changes` > 0).
    StatusSummary {
        page: String,
        text: String,
        /// `provider` (a third-party page) or `own` (our own public page); none: not said.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<String>,
        /// Component changes summarised instead of recorded one by one.
        #[serde(default)]
        changes: u64,
        /// Components not operational when the summary was made.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        degraded: Option<u64>,
        /// The page's state as found follows (its first poll), recorded quietly until the
        /// next `status_summary`, which says it in one line. No timeline entry of its own.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        opening: bool,
    },
    Alert {
        name: String,
        state: AlertState,
        #[serde(default)]
        labels: BTreeMap<String, String>,
        #[serde(default)]
        summary: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fingerprint: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        starts_at: Option<DateTime<Utc>>,
    },
    SourceHealth {
        source: String,
        ok: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
    Joined {
        person: String,
        /// Where the person joined from: the SSH client's address (none for the local
        /// terminal).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
    },
    Left {
        person: String,
    },
    /// Back-dated marker: impact began at `at` (may be before the event's own time).
    ImpactStarted {
        at: DateTime<Utc>,
    },
    /// This log is a drill of a scenario.
    DrillStarted {
        scenario: String,
        #[serde(default)]
        speed: f64,
        /// The scenario's title: the room's title until the people declare the incident.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// The scenario's suggested severity (shown until the people declare one).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        severity: Option<Severity>,
        /// The scenario's briefing (summary, which numbers are invented), shown at start.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        briefing: Option<String>,
        /// The scenario's reference times: every view derives the drill report from them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reference: Option<crate::drill::Reference>,
        /// Scenario second at which the impact starts (the report measures from it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        impact: Option<f64>,
    },
    /// A room opening this log found `lines` damaged lines and moved them to `moved_to`.
    LogRepaired {
        lines: u64,
        #[serde(default)]
        moved_to: String,
    },
    /// A live room opened for this incident, not yet declared: the config's title and
    /// severity, shown until a person declares it.
    RoomOpened {
        title: String,
        severity: Severity,
    },
    /// A status update written in the room (public: for customers and our status page;
    /// internal: for the company). Publishers deliver it to `targets`; each attempt's
    /// outcome is a `publish` event referring to this event's id.
    StatusUpdate {
        audience: Audience,
        state: IncidentState,
        /// Components and the status this update gives them (empty: none named).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        components: Vec<ComponentStatus>,
        body: String,
        /// Names of the `[[publish]]` targets it goes to (empty: recorded only).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        targets: Vec<String>,
    },
    /// One publisher's attempt to deliver the status update with id `update`.
    /// `sending` is written before the request leaves, so a crash between send and record
    /// is known at restart (the publisher checks the remote side before sending again).
    Publish {
        update: u64,
        target: String,
        outcome: PublishOutcome,
        /// 1 for the first attempt.
        #[serde(default)]
        attempt: u32,
        /// The remote side's id for what was written (Statuspage incident id, file, ...).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        remote_id: Option<String>,
        /// HTTP status of a failed attempt.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
        /// The server's message (or the transport error) of a failed attempt.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// The communication cadence in force, written when a room starts from `[comms]` (so
    /// due times and alarms are derived by the fold, the same live, in replay and export).
    /// Durations in seconds; `every` maps severity (`SEV1`..) to seconds (absent: none).
    CommsDefined {
        first_update_within: u64,
        #[serde(default)]
        every: BTreeMap<String, u64>,
        contradiction_after: u64,
    },
    /// The commander role is handed from `from` to `to`: the fold makes `to` commander
    /// (one event, so the role change and its brief are never apart); `brief` is the
    /// handoff brief as both saw it (see `incident::handoff`).
    Handoff {
        #[serde(default)]
        from: String,
        to: String,
        #[serde(default)]
        brief: String,
    },
    /// A correction of the timeline entry made by event `target`: its text, its time, or
    /// struck out, with a reason. The original event stays in the log; the fold shows the
    /// entry corrected (and marked so) from this event on.
    Amended {
        target: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<DateTime<Utc>>,
        #[serde(default)]
        struck: bool,
        #[serde(default)]
        reason: String,
    },
    /// A follow-up (action item): what, who owns it, when it is due, and the timeline
    /// moment (event id) it came from.
    Action {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<chrono::NaiveDate>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<u64>,
    },
    /// A kind this version does not know (from a newer warroom). Kept as raw JSON.
    #[serde(skip)]
    Unknown {
        kind: String,
        raw: String,
    },
}

/// Every kind name this version understands (the serde tags).
pub const KNOWN_KINDS: &[&str] = &[
    "incident_declared",
    "severity_changed",
    "state_changed",
    "role_assigned",
    "note",
    "decision",
    "checklist_defined",
    "checklist_toggled",
    "signal_defined",
    "metric",
    "reports",
    "status_page",
    "status_component",
    "status_incident",
    "status_summary",
    "alert",
    "source_health",
    "joined",
    "left",
    "impact_started",
    "drill_started",
    "log_repaired",
    "room_opened",
    "status_update",
    "publish",
    "comms_defined",
    "handoff",
    "amended",
    "action",
];

impl EventKind {
    /// The tag used in JSON.
    pub fn name(&self) -> &str {
        match self {
            EventKind::IncidentDeclared { .. } => "incident_declared",
            EventKind::SeverityChanged { .. } => "severity_changed",
            EventKind::StateChanged { .. } => "state_changed",
            EventKind::RoleAssigned { .. } => "role_assigned",
            EventKind::Note { .. } => "note",
            EventKind::Decision { .. } => "decision",
            EventKind::ChecklistDefined { .. } => "checklist_defined",
            EventKind::ChecklistToggled { .. } => "checklist_toggled",
            EventKind::SignalDefined { .. } => "signal_defined",
            EventKind::Metric { .. } => "metric",
            EventKind::Reports { .. } => "reports",
            EventKind::StatusPage { .. } => "status_page",
            EventKind::StatusComponent { .. } => "status_component",
            EventKind::StatusIncident { .. } => "status_incident",
            EventKind::StatusSummary { .. } => "status_summary",
            EventKind::Alert { .. } => "alert",
            EventKind::SourceHealth { .. } => "source_health",
            EventKind::Joined { .. } => "joined",
            EventKind::Left { .. } => "left",
            EventKind::ImpactStarted { .. } => "impact_started",
            EventKind::DrillStarted { .. } => "drill_started",
            EventKind::LogRepaired { .. } => "log_repaired",
            EventKind::RoomOpened { .. } => "room_opened",
            EventKind::StatusUpdate { .. } => "status_update",
            EventKind::Publish { .. } => "publish",
            EventKind::CommsDefined { .. } => "comms_defined",
            EventKind::Handoff { .. } => "handoff",
            EventKind::Amended { .. } => "amended",
            EventKind::Action { .. } => "action",
            EventKind::Unknown { kind, .. } => kind,
        }
    }

    /// True for the kinds a person makes (as opposed to signals from sources).
    pub fn is_human(&self) -> bool {
        matches!(
            self,
            EventKind::IncidentDeclared { .. }
                | EventKind::SeverityChanged { .. }
                | EventKind::StateChanged { .. }
                | EventKind::RoleAssigned { .. }
                | EventKind::Note { .. }
                | EventKind::Decision { .. }
                | EventKind::ChecklistToggled { .. }
                | EventKind::Joined { .. }
                | EventKind::Left { .. }
                | EventKind::ImpactStarted { .. }
                | EventKind::Handoff { .. }
                | EventKind::Amended { .. }
                | EventKind::Action { .. }
        )
    }
}

/// One thing that happened, as recorded in the log.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Position in the log, from 1, assigned by the room when it appends.
    pub id: u64,
    pub at: DateTime<Utc>,
    pub by: Actor,
    pub kind: EventKind,
}

/// An event before the room has given it an id (what sources and views send to the room).
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub at: DateTime<Utc>,
    pub by: Actor,
    pub kind: EventKind,
}

impl Draft {
    pub fn new(at: DateTime<Utc>, by: Actor, kind: EventKind) -> Self {
        Draft { at, by, kind }
    }
    pub fn into_event(self, id: u64) -> Event {
        Event {
            id,
            at: self.at,
            by: self.by,
            kind: self.kind,
        }
    }
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Event", 4)?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("at", &self.at)?;
        st.serialize_field("by", &self.by)?;
        match &self.kind {
            EventKind::Unknown { raw, .. } => {
                let raw: Box<RawValue> =
                    RawValue::from_string(raw.clone()).map_err(serde::ser::Error::custom)?;
                st.serialize_field("kind", &raw)?;
            }
            kind => st.serialize_field("kind", kind)?,
        }
        st.end()
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wire<'a> {
            id: u64,
            #[serde(deserialize_with = "de_time")]
            at: DateTime<Utc>,
            by: Actor,
            #[serde(borrow)]
            kind: &'a RawValue,
        }
        let w = Wire::deserialize(d)?;
        let kind = parse_kind(w.kind.get()).map_err(D::Error::custom)?;
        Ok(Event {
            id: w.id,
            at: w.at,
            by: w.by,
            kind,
        })
    }
}

/// Reads an RFC 3339 time; the common `YYYY-MM-DDTHH:MM:SS[.fff]Z` shape is read on a
/// fast path (opening a million-event log parses a million of these), others by chrono.
fn de_time<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = DateTime<Utc>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an RFC 3339 time")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DateTime<Utc>, E> {
            if let Some(t) = fast_utc(v) {
                return Ok(t);
            }
            DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| E::custom(format!("bad time {v:?}: {e}")))
        }
    }
    d.deserialize_str(V)
}

/// `2026-03-01T12:00:00Z` or with `.1` to `.123456789` fraction; `None` for anything else.
fn fast_utc(s: &str) -> Option<DateTime<Utc>> {
    use chrono::{NaiveDate, NaiveTime};
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let mut n = 0u32;
        for &c in b.get(r)? {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + u32::from(c - b'0');
        }
        Some(n)
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let rest = &b[19..];
    let nanos = match rest {
        [b'Z'] => 0,
        [b'.', frac @ .., b'Z'] if !frac.is_empty() && frac.len() <= 9 => {
            let mut n = 0u32;
            for &c in frac {
                if !c.is_ascii_digit() {
                    return None;
                }
                n = n * 10 + u32::from(c - b'0');
            }
            n * 10u32.pow(9 - frac.len() as u32)
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, mo, d)?;
    let time = NaiveTime::from_hms_nano_opt(h, mi, sec, nanos)?;
    Some(date.and_time(time).and_utc())
}

/// Skips a value without allocating.
struct IgnoredTag;
impl<'de> Deserialize<'de> for IgnoredTag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| IgnoredTag)
    }
}

/// Parses the `kind` object; a kind this version does not know becomes `Unknown`.
pub fn parse_kind(raw: &str) -> Result<EventKind, serde_json::Error> {
    // Metric samples are most of every log: read them without serde's tagged-enum buffering.
    if raw.starts_with(r#"{"type":"metric","#) {
        #[derive(Deserialize)]
        struct Metric {
            #[serde(rename = "type")]
            _tag: IgnoredTag,
            series: String,
            #[serde(with = "float")]
            value: f64,
        }
        if let Ok(m) = serde_json::from_str::<Metric>(raw) {
            return Ok(EventKind::Metric {
                series: m.series,
                value: m.value,
            });
        }
    }
    match serde_json::from_str::<EventKind>(raw) {
        Ok(k) => Ok(k),
        Err(e) => {
            #[derive(Deserialize)]
            struct Tag {
                #[serde(rename = "type")]
                tag: String,
            }
            match serde_json::from_str::<Tag>(raw) {
                Ok(t) if !KNOWN_KINDS.contains(&t.tag.as_str()) => Ok(EventKind::Unknown {
                    kind: t.tag,
                    raw: raw.to_string(),
                }),
                _ => Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_time_path_agrees_with_chrono() {
        for s in [
            "2026-03-01T12:00:00Z",
            "2026-03-01T12:00:00.1Z",
            "2026-03-01T12:00:00.123Z",
            "2026-12-31T23:59:59.123456789Z",
        ] {
            let slow = DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .ok();
            assert_eq!(fast_utc(s), slow, "{s}");
        }
        assert_eq!(fast_utc("2026-02-30T12:00:00Z"), None);
        assert_eq!(fast_utc("2026-03-01T12:00:00+01:00"), None);
        assert_eq!(fast_utc("2026-03-01T12:00:00.Z"), None);
    }

    #[test]
    fn offset_times_still_parse() {
        let line = r#"{"id":1,"at":"2026-03-01T13:00:00+01:00","by":"system","kind":{"type":"note","text":"x"}}"#;
        let e: Event = serde_json::from_str(line).unwrap();
        assert_eq!(e.at.to_rfc3339(), "2026-03-01T12:00:00+00:00");
    }

    #[test]
    fn metric_fast_path_matches_tagged_path() {
        for raw in [
            r#"{"type":"metric","series":"a","value":1.5}"#,
            r#"{"type":"metric","series":"a","value":"NaN"}"#,
            r#"{"type":"metric","value":2,"series":"b","extra":true}"#,
        ] {
            let fast = parse_kind(raw).unwrap();
            let slow: EventKind = serde_json::from_str(raw).unwrap();
            match (fast, slow) {
                (
                    EventKind::Metric {
                        series: a,
                        value: x,
                    },
                    EventKind::Metric {
                        series: b,
                        value: y,
                    },
                ) => {
                    assert_eq!(a, b);
                    assert!(x == y || (x.is_nan() && y.is_nan()));
                }
                other => panic!("{other:?}"),
            }
        }
    }
}

//! The fold: `Incident::apply(&Event)` turns the log into the state on screen.
//!
//! Pure: no I/O, no clock. Folding the same events in any split of batches gives the same
//! state. Everything a person should see in the timeline is derived here, so live, replay
//! and export agree.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::checklist::Checklist;
use super::comms::Comms;
use super::event::{Actor, AlertState, Direction, Event, EventKind, IncidentState, Severity};
use super::series::Series;
use super::times::KeyTimes;

/// The roles every incident has; custom roles are any other name.
pub const STANDARD_ROLES: &[&str] = &["commander", "comms", "ops", "scribe"];

/// The checklists every room shows, in this order.
pub const STANDARD_CHECKLISTS: &[&str] = &["detection", "mitigation", "communication"];

/// A threshold level of a signal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// No data yet, or not a number.
    #[default]
    Unknown,
    Ok,
    Warn,
    Crit,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Unknown => "unknown",
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Crit => "crit",
        }
    }
}

/// Default hysteresis band: 5% of the threshold value.
pub const DEFAULT_BAND: f64 = 0.05;
/// Default dwell: two consecutive samples before a level changes.
pub const DEFAULT_DWELL: u32 = 2;

/// Unit and thresholds of a series.
///
/// Hysteresis: a level gets worse as soon as a threshold is crossed, but gets better only
/// once the value is past the threshold by `band` (a fraction of the threshold value:
/// with warn 900 below and band 0.05, back to normal needs more than 945). Either way the
/// new level must hold for `dwell` consecutive samples before it changes (the first
/// sample of a series sets its level at once).
#[derive(Clone, Debug, PartialEq)]
pub struct SignalDef {
    pub unit: String,
    pub warn: Option<f64>,
    pub crit: Option<f64>,
    pub direction: Direction,
    pub band: f64,
    pub dwell: u32,
}

impl Default for SignalDef {
    fn default() -> Self {
        SignalDef {
            unit: String::new(),
            warn: None,
            crit: None,
            direction: Direction::Above,
            band: DEFAULT_BAND,
            dwell: DEFAULT_DWELL,
        }
    }
}

impl SignalDef {
    /// The level of `v` against the plain thresholds.
    pub fn level(&self, v: f64) -> Level {
        self.level_within(v, 0.0)
    }

    /// The level `v` moves a signal now at `current` towards: worse as soon as a
    /// threshold is crossed, better only once `v` is past the threshold by the band.
    pub fn level_from(&self, current: Level, v: f64) -> Level {
        let raw = self.level(v);
        if raw == Level::Unknown || raw >= current || self.band <= 0.0 {
            return raw;
        }
        self.level_within(v, self.band).min(current).max(raw)
    }

    /// The level with every threshold moved towards the good side by `band` × its value.
    fn level_within(&self, v: f64, band: f64) -> Level {
        if v.is_nan() {
            return Level::Unknown;
        }
        let bad = |t: f64| {
            let slack = (t * band).abs();
            match self.direction {
                Direction::Above => v >= t - slack,
                Direction::Below => v <= t + slack,
            }
        };
        if self.crit.is_some_and(bad) {
            Level::Crit
        } else if self.warn.is_some_and(bad) {
            Level::Warn
        } else {
            Level::Ok
        }
    }
    /// Formats a value in this unit (`%` multiplies a ratio by 100).
    pub fn format(&self, v: f64) -> String {
        format_value(v, &self.unit)
    }
}

/// `0.052` with unit `%` → `5.2%`; `1234.5` with `ms` → `1234.5ms`; NaN → `NaN`.
pub fn format_value(v: f64, unit: &str) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let (v, unit) = if unit == "%" {
        (v * 100.0, "%")
    } else {
        (v, unit)
    };
    let a = v.abs();
    let num = if a >= 1000.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    let sep = if unit.is_empty() || unit == "%" || unit.len() <= 2 {
        ""
    } else {
        " "
    };
    format!("{num}{sep}{unit}")
}

/// A metric series with its definition and threshold level.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Signal {
    pub name: String,
    pub def: SignalDef,
    pub series: Series,
    pub level: Level,
    pub last: Option<(DateTime<Utc>, f64)>,
    /// Worst value seen (highest for `above`, lowest for `below`).
    pub peak: Option<(DateTime<Utc>, f64)>,
    /// Which source last wrote it.
    pub source: Option<String>,
    /// A level change waiting for its dwell.
    pub hold: Hold,
}

/// Consecutive samples pointing at a level change (worse or better) not yet made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hold {
    worse: bool,
    count: u32,
}

/// User outage reports of one source against their baseline.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportCounts {
    pub name: String,
    pub count: u64,
    pub baseline: Option<f64>,
    pub at: Option<DateTime<Utc>>,
    pub series: Series,
    pub baseline_series: Series,
    pub level: Level,
    pub peak: Option<(DateTime<Utc>, u64)>,
    /// Ratio thresholds (warn/crit compare `count / baseline`).
    pub def: SignalDef,
    /// A level change waiting for its dwell.
    pub hold: Hold,
}

impl ReportCounts {
    /// count / baseline, when there is a positive baseline.
    pub fn ratio(&self) -> Option<f64> {
        match self.baseline {
            Some(b) if b > 0.0 => Some(self.count as f64 / b),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ComponentStatus {
    pub name: String,
    pub status: String,
    pub group: Option<String>,
    pub since: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PageUpdate {
    pub update_id: Option<String>,
    pub status: String,
    pub body: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PageIncident {
    pub id: String,
    pub title: String,
    pub status: String,
    pub impact: Option<String>,
    pub first_seen: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub updates: Vec<PageUpdate>,
}

impl PageIncident {
    pub fn is_open(&self) -> bool {
        !matches!(
            self.status.as_str(),
            "resolved" | "postmortem" | "completed"
        )
    }
}

/// Components kept per page; further ones are counted in `untracked` only. With the
/// caps below, the fold's memory for one page is bounded whatever the page sends.
pub const MAX_PAGE_COMPONENTS: usize = 1_000;
/// Incidents kept per page (the oldest closed ones go first).
pub const MAX_PAGE_INCIDENTS: usize = 200;
/// Updates kept per incident (the newest).
pub const MAX_INCIDENT_UPDATES: usize = 20;
/// A provider's own time further than this from arrival is shown beside the entry.
const PROVIDER_TIME_SHOWN_AFTER_SECS: i64 = 60;

/// One status page (or feed) and what it says.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusPage {
    pub name: String,
    pub indicator: Option<String>,
    pub description: String,
    /// Components in first-seen order.
    pub components: Vec<ComponentStatus>,
    /// Incidents in first-seen order.
    pub incidents: Vec<PageIncident>,
    /// Between an opening `status_summary` and the next one: the page's state as found at
    /// its first poll is being recorded, quietly (no timeline entries).
    pub quiet: bool,
    /// `provider` (third-party) or `own`, as the source's config says.
    pub role: Option<String>,
    /// The last summary of changes beyond the source's budget: (when, text).
    pub summary: Option<(DateTime<Utc>, String)>,
    /// Components over [`MAX_PAGE_COMPONENTS`] seen but not kept.
    pub untracked: u64,
}

impl StatusPage {
    fn new(name: &str) -> Self {
        StatusPage {
            name: name.to_string(),
            indicator: None,
            description: String::new(),
            components: Vec::new(),
            incidents: Vec::new(),
            quiet: false,
            role: None,
            summary: None,
            untracked: 0,
        }
    }
    /// True for a third-party page (`provider = true` in the source's config).
    pub fn is_provider(&self) -> bool {
        self.role.as_deref() == Some("provider")
    }
    /// True when some component is not operational or an incident is open.
    pub fn is_degraded(&self) -> bool {
        self.components.iter().any(|c| c.status != "operational")
            || self.incidents.iter().any(|i| i.is_open())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct AlertInfo {
    pub key: String,
    pub name: String,
    pub state: AlertState,
    pub labels: BTreeMap<String, String>,
    pub summary: String,
    /// When it started firing (from Alertmanager, else when first seen).
    pub since: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SourceStatus {
    pub name: String,
    pub ok: bool,
    pub error: Option<String>,
    /// Since when the current health holds.
    pub since: DateTime<Utc>,
    /// Last time this source delivered data.
    pub last_data: Option<DateTime<Utc>>,
}

/// What a timeline entry is about; drives its marker and colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntryKind {
    Declared,
    Severity,
    State,
    Role,
    Note,
    Decision,
    Checklist,
    Signal,
    Reports,
    Status,
    Alert,
    Source,
    Presence,
    Impact,
    Drill,
    Unknown,
    /// A follow-up (`:action`).
    Action,
}

impl EntryKind {
    pub const ALL: [EntryKind; 17] = [
        EntryKind::Declared,
        EntryKind::Severity,
        EntryKind::State,
        EntryKind::Role,
        EntryKind::Note,
        EntryKind::Decision,
        EntryKind::Checklist,
        EntryKind::Signal,
        EntryKind::Reports,
        EntryKind::Status,
        EntryKind::Alert,
        EntryKind::Source,
        EntryKind::Presence,
        EntryKind::Impact,
        EntryKind::Drill,
        EntryKind::Unknown,
        EntryKind::Action,
    ];
    /// Short name used by filters (`/kind:note`) and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Declared => "declared",
            EntryKind::Severity => "severity",
            EntryKind::State => "state",
            EntryKind::Role => "role",
            EntryKind::Note => "note",
            EntryKind::Decision => "decision",
            EntryKind::Checklist => "checklist",
            EntryKind::Signal => "signal",
            EntryKind::Reports => "reports",
            EntryKind::Status => "status",
            EntryKind::Alert => "alert",
            EntryKind::Source => "source",
            EntryKind::Presence => "presence",
            EntryKind::Impact => "impact",
            EntryKind::Drill => "drill",
            EntryKind::Unknown => "unknown",
            EntryKind::Action => "action",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        EntryKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// True for what people did (as opposed to what signals did).
    pub fn is_human(self) -> bool {
        matches!(
            self,
            EntryKind::Declared
                | EntryKind::Severity
                | EntryKind::State
                | EntryKind::Role
                | EntryKind::Note
                | EntryKind::Decision
                | EntryKind::Checklist
                | EntryKind::Presence
                | EntryKind::Impact
                | EntryKind::Action
        )
    }
}

/// One line of the shared timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineEntry {
    /// The id of the event that made it.
    pub id: u64,
    pub at: DateTime<Utc>,
    pub by: Actor,
    pub kind: EntryKind,
    pub text: String,
}

/// What the drill report needs from a drill's header, kept from `drill_started`.
#[derive(Clone, Debug, PartialEq)]
pub struct DrillFacts {
    /// The speed the drill was started at (scenario seconds per wall second).
    pub speed: f64,
    pub reference: crate::drill::Reference,
    /// Scenario second at which the impact starts.
    pub impact: Option<f64>,
}

/// The folded state of one incident.
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    pub title: String,
    pub severity: Severity,
    pub state: IncidentState,
    pub declared: bool,
    /// Set when the log is a drill: the scenario's name.
    pub drill: Option<String>,
    /// The drill's briefing (from `drill_started`), shown when a drill room opens.
    pub drill_briefing: Option<String>,
    /// When the drill started (its scenario's second 0).
    pub drill_started: Option<DateTime<Utc>>,
    /// The drill's header as logged in `drill_started` (speed, reference times, impact
    /// second): what the drill report needs, so every view can show it.
    pub drill_header: Option<DrillFacts>,
    /// role → person (empty roles are removed).
    pub roles: BTreeMap<String, String>,
    /// People in the room now.
    pub present: BTreeSet<String>,
    /// Everyone who ever joined or acted.
    pub participants: BTreeSet<String>,
    pub checklists: Vec<Checklist>,
    pub timeline: Vec<TimelineEntry>,
    pub signals: BTreeMap<String, Signal>,
    pub reports: BTreeMap<String, ReportCounts>,
    pub pages: Vec<StatusPage>,
    /// Alerts by fingerprint (or name + labels), firing and resolved.
    pub alerts: BTreeMap<String, AlertInfo>,
    pub sources: BTreeMap<String, SourceStatus>,
    pub times: KeyTimes,
    /// Status updates, their deliveries, the cadence and the silent-page alarm.
    pub comms: Comms,
    /// Corrections of timeline entries (`amended` events), applied and refused.
    pub corrections: super::amend::Corrections,
    /// Follow-ups (`action` events), in the order they were recorded.
    pub actions: Vec<super::actions::ActionItem>,
    /// Number of events folded, and the id and time of the last one.
    pub events: u64,
    pub last_id: u64,
    pub first_at: Option<DateTime<Utc>>,
    pub last_at: Option<DateTime<Utc>>,
    /// Events of kinds this version does not know.
    pub unknown: u64,
    /// Signal definitions seen before their first sample.
    defs: BTreeMap<String, SignalDef>,
    /// Per alert name: how many alert events it had and what each label looked like, so
    /// an entry can name the labels that tell alerts of one name apart without comparing
    /// it with every other alert (10,000 alerts of one name in a batch stay linear).
    alert_label_index: BTreeMap<String, AlertLabels>,
    /// Everyone who ever joined the room (in a drill, the people as against the script).
    joined: BTreeSet<String>,
    /// Checklist items linked to an event (`done_when`), over all lists.
    linked: usize,
    /// Handoffs of the commander role with their briefs, oldest first.
    pub handoffs: Vec<super::handoff::HandoffRecord>,
}

impl Default for Incident {
    fn default() -> Self {
        Incident::new()
    }
}

impl Incident {
    pub fn new() -> Self {
        Incident {
            title: String::from("(untitled incident)"),
            severity: Severity::Sev3,
            state: IncidentState::Investigating,
            declared: false,
            drill: None,
            drill_briefing: None,
            drill_started: None,
            drill_header: None,
            roles: BTreeMap::new(),
            present: BTreeSet::new(),
            participants: BTreeSet::new(),
            checklists: STANDARD_CHECKLISTS
                .iter()
                .map(|n| Checklist::new(*n))
                .collect(),
            timeline: Vec::new(),
            signals: BTreeMap::new(),
            reports: BTreeMap::new(),
            pages: Vec::new(),
            alerts: BTreeMap::new(),
            sources: BTreeMap::new(),
            times: KeyTimes::default(),
            comms: Comms::default(),
            corrections: Default::default(),
            actions: Vec::new(),
            events: 0,
            last_id: 0,
            first_at: None,
            last_at: None,
            unknown: 0,
            defs: BTreeMap::new(),
            alert_label_index: BTreeMap::new(),
            joined: BTreeSet::new(),
            linked: 0,
            handoffs: Vec::new(),
        }
    }

    /// Folds a whole sequence of events into a fresh state.
    pub fn fold<'a>(events: impl IntoIterator<Item = &'a Event>) -> Self {
        let mut s = Incident::new();
        s.apply_all(events);
        s
    }

    pub fn apply_all<'a>(&mut self, events: impl IntoIterator<Item = &'a Event>) {
        for e in events {
            self.apply(e);
        }
    }

    /// Alerts currently firing, oldest first.
    pub fn firing(&self) -> Vec<&AlertInfo> {
        let mut v: Vec<&AlertInfo> = self
            .alerts
            .values()
            .filter(|a| a.state == AlertState::Firing)
            .collect();
        v.sort_by_key(|a| a.since);
        v
    }

    pub fn checklist(&self, name: &str) -> Option<&Checklist> {
        self.checklists.iter().find(|c| c.name == name)
    }

    fn checklist_mut(&mut self, name: &str) -> &mut Checklist {
        let pos = match self.checklists.iter().position(|c| c.name == name) {
            Some(p) => p,
            None => {
                self.checklists.push(Checklist::new(name));
                self.checklists.len() - 1
            }
        };
        &mut self.checklists[pos]
    }

    fn page_mut(&mut self, name: &str) -> &mut StatusPage {
        let pos = match self.pages.iter().position(|p| p.name == name) {
            Some(p) => p,
            None => {
                self.pages.push(StatusPage::new(name));
                self.pages.len() - 1
            }
        };
        &mut self.pages[pos]
    }

    fn entry(&mut self, e: &Event, kind: EntryKind, text: String) {
        self.timeline.push(TimelineEntry {
            id: e.id,
            at: e.at,
            by: e.by.clone(),
            kind,
            text,
        });
    }

    /// Folds one event.
    pub fn apply(&mut self, e: &Event) {
        self.events += 1;
        self.last_id = self.last_id.max(e.id);
        if self.first_at.is_none() {
            self.first_at = Some(e.at);
        }
        self.last_at = Some(self.last_at.map_or(e.at, |l| l.max(e.at)));
        match &e.by {
            Actor::Person(p) => {
                if !self.participants.contains(p) {
                    self.participants.insert(p.clone());
                }
            }
            Actor::Source(s) => {
                if !matches!(e.kind, EventKind::SourceHealth { ok: false, .. }) {
                    if let Some(st) = self.sources.get_mut(s) {
                        st.last_data = Some(e.at);
                    } else {
                        self.sources.insert(
                            s.clone(),
                            SourceStatus {
                                name: s.clone(),
                                ok: true,
                                error: None,
                                since: e.at,
                                last_data: Some(e.at),
                            },
                        );
                    }
                }
            }
            Actor::System => {}
        }

        self.comms_before(e);
        match &e.kind {
            EventKind::Metric { series, value } => self.apply_metric(e, series, *value),
            EventKind::Reports {
                source,
                count,
                baseline,
            } => self.apply_reports(e, source, *count, *baseline),
            EventKind::IncidentDeclared { title, severity } => {
                let first = !self.declared;
                self.title = title.clone();
                self.severity = *severity;
                self.declared = true;
                if matches!(e.by, Actor::Person(_)) && self.times.declared.is_none() {
                    self.times.declared = Some(e.at);
                }
                self.times.detect(e.at);
                let verb = if first { "declared" } else { "re-declared" };
                self.entry(
                    e,
                    EntryKind::Declared,
                    format!("Incident {verb}: {title} ({severity})"),
                );
            }
            EventKind::SeverityChanged { severity } => {
                let old = self.severity;
                self.severity = *severity;
                self.entry(
                    e,
                    EntryKind::Severity,
                    format!("Severity {old} → {severity}"),
                );
            }
            EventKind::StateChanged { state } => self.apply_state(e, *state),
            EventKind::RoleAssigned { role, person } => {
                let text = if person.is_empty() {
                    self.roles.remove(role);
                    format!("{role} unassigned")
                } else {
                    self.roles.insert(role.clone(), person.clone());
                    format!("{person} is {role}")
                };
                self.entry(e, EntryKind::Role, text);
            }
            EventKind::Note { text } => self.entry(e, EntryKind::Note, text.clone()),
            EventKind::Decision { text } => self.entry(e, EntryKind::Decision, text.clone()),
            EventKind::ChecklistDefined {
                list,
                items,
                done_when,
            } => {
                let was = self.checklist(list).map_or(0, |c| {
                    c.items.iter().filter(|i| i.done_when.is_some()).count()
                });
                let now = self.checklist_mut(list).define(items, done_when);
                self.linked = self.linked.saturating_sub(was) + now;
            }
            EventKind::ChecklistToggled { list, item, done } => {
                let by = e.by.label().to_string();
                self.checklist_mut(list).toggle(item, *done, &by, e.at);
                let mark = if *done { "✓" } else { "unticked" };
                self.entry(e, EntryKind::Checklist, format!("{mark} {list}: {item}"));
            }
            EventKind::SignalDefined {
                series,
                unit,
                warn,
                crit,
                direction,
                hysteresis,
                dwell,
            } => {
                let def = SignalDef {
                    unit: unit.clone(),
                    warn: *warn,
                    crit: *crit,
                    direction: *direction,
                    band: hysteresis
                        .filter(|b| b.is_finite() && *b >= 0.0)
                        .unwrap_or(DEFAULT_BAND),
                    dwell: dwell.unwrap_or(DEFAULT_DWELL),
                };
                if let Some(s) = self.signals.get_mut(series) {
                    s.def = def.clone();
                }
                if let Some(r) = self.reports.get_mut(series) {
                    r.def = def.clone();
                }
                self.defs.insert(series.clone(), def);
            }
            EventKind::StatusPage {
                page,
                indicator,
                description,
            } => {
                let p = self.page_mut(page);
                let changed = p.indicator.as_deref() != Some(indicator.as_str());
                let old = p.indicator.replace(indicator.clone());
                p.description = description.clone();
                if changed && old.is_some() {
                    let text = format!(
                        "[{page}] page status {} → {indicator}: {description}",
                        old.unwrap_or_default()
                    );
                    self.entry(e, EntryKind::Status, text);
                }
            }
            EventKind::StatusComponent {
                page,
                component,
                status,
                group,
            } => {
                let p = self.page_mut(page);
                let quiet = p.quiet;
                let text = match p.components.iter_mut().find(|c| &c.name == component) {
                    Some(c) if &c.status == status => None,
                    Some(c) => {
                        let t = format!(
                            "[{page}] {component}: {} → {status}",
                            c.status.replace('_', " ")
                        );
                        c.status = status.clone();
                        c.since = e.at;
                        c.group = group.clone();
                        Some(t)
                    }
                    None => {
                        if p.components.len() < MAX_PAGE_COMPONENTS {
                            p.components.push(ComponentStatus {
                                name: component.clone(),
                                status: status.clone(),
                                group: group.clone(),
                                since: e.at,
                            });
                        } else {
                            p.untracked += 1;
                        }
                        (status != "operational")
                            .then(|| format!("[{page}] {component}: {}", status.replace('_', " ")))
                    }
                };
                // Before the page's first poll is complete, components are its state as
                // found, not news: recorded quietly, summed up by its `status_summary`.
                if let Some(t) = text.filter(|_| !quiet) {
                    self.entry(
                        e,
                        EntryKind::Status,
                        t.replace("major_outage", "major outage"),
                    );
                }
            }
            EventKind::StatusIncident {
                page,
                id,
                title,
                status,
                body,
                update_id,
                impact,
                posted_at,
            } => {
                let at = posted_at.unwrap_or(e.at);
                // History: posted before the room began (a minute of grace). It enters the
                // timeline only for an incident still open, after the page's first poll.
                let room_start = self.first_at.unwrap_or(e.at);
                let history = posted_at.is_some_and(|t| {
                    t < room_start - chrono::Duration::seconds(PROVIDER_TIME_SHOWN_AFTER_SECS)
                });
                let closed = matches!(status.as_str(), "resolved" | "postmortem" | "completed");
                let p = self.page_mut(page);
                // An incident seen open in this room: its closing is news, however dated.
                let was_open = p.incidents.iter().any(|i| &i.id == id && i.is_open());
                let news = !p.quiet && (!history || !closed || was_open);
                let update = PageUpdate {
                    update_id: update_id.clone(),
                    status: status.clone(),
                    body: body.clone(),
                    at,
                };
                let new_text = match p.incidents.iter_mut().find(|i| &i.id == id) {
                    Some(inc) => {
                        let dup = update_id.is_some()
                            && inc.updates.iter().any(|u| u.update_id == *update_id);
                        inc.title = title.clone();
                        inc.status = status.clone();
                        inc.updated = at;
                        if impact.is_some() {
                            inc.impact = impact.clone();
                        }
                        if dup {
                            None
                        } else {
                            inc.updates.push(update);
                            if inc.updates.len() > MAX_INCIDENT_UPDATES {
                                inc.updates.sort_by_key(|u| u.at);
                                let extra = inc.updates.len() - MAX_INCIDENT_UPDATES;
                                inc.updates.drain(..extra);
                            }
                            Some(format!("[{page}] {status}: {title}"))
                        }
                    }
                    None => {
                        if p.incidents.len() >= MAX_PAGE_INCIDENTS {
                            let drop = p
                                .incidents
                                .iter()
                                .enumerate()
                                .filter(|(_, i)| !i.is_open())
                                .min_by_key(|(_, i)| i.updated)
                                .map(|(n, _)| n)
                                .unwrap_or(0);
                            p.incidents.remove(drop);
                        }
                        p.incidents.push(PageIncident {
                            id: id.clone(),
                            title: title.clone(),
                            status: status.clone(),
                            impact: impact.clone(),
                            first_seen: e.at,
                            updated: at,
                            updates: vec![update],
                        });
                        Some(format!("[{page}] {status}: {title}"))
                    }
                };
                if let Some(mut t) = new_text.filter(|_| news) {
                    if let Some(posted) = posted_at
                        && (*posted - e.at).num_seconds().abs() > PROVIDER_TIME_SHOWN_AFTER_SECS
                    {
                        t.push_str(&format!(" (posted {})", provider_time(*posted, e.at)));
                    }
                    if !body.is_empty() {
                        t.push_str(" — ");
                        t.push_str(body);
                    }
                    self.entry(e, EntryKind::Status, t);
                }
            }
            EventKind::StatusSummary {
                page,
                text,
                role,
                changes,
                opening,
                degraded: _,
            } => {
                let p = self.page_mut(page);
                p.quiet = *opening;
                if role.is_some() {
                    p.role = role.clone();
                }
                if *changes > 0 {
                    p.summary = Some((e.at, text.clone()));
                }
                if !opening {
                    self.entry(e, EntryKind::Status, format!("[{page}] {text}"));
                }
            }
            EventKind::Alert {
                name,
                state,
                labels,
                summary,
                fingerprint,
                starts_at,
            } => self.apply_alert(e, name, *state, labels, summary, fingerprint, *starts_at),
            EventKind::SourceHealth { source, ok, error } => {
                let changed = match self.sources.get_mut(source) {
                    Some(st) => {
                        let changed = st.ok != *ok || (!ok && st.error != *error);
                        if st.ok != *ok {
                            st.since = e.at;
                        }
                        st.ok = *ok;
                        st.error = error.clone();
                        changed
                    }
                    None => {
                        self.sources.insert(
                            source.clone(),
                            SourceStatus {
                                name: source.clone(),
                                ok: *ok,
                                error: error.clone(),
                                since: e.at,
                                last_data: None,
                            },
                        );
                        !ok
                    }
                };
                if changed {
                    let t = if *ok {
                        format!("{source} recovered")
                    } else if let Some(err) = error.as_deref().filter(|e| e.starts_with("stopped:"))
                    {
                        format!("{source} {err}")
                    } else {
                        format!(
                            "{source} failing: {}",
                            error.as_deref().unwrap_or("no data")
                        )
                    };
                    self.entry(e, EntryKind::Source, t);
                }
            }
            EventKind::Joined { person, from } => {
                self.present.insert(person.clone());
                if !self.joined.contains(person) {
                    self.joined.insert(person.clone());
                }
                if !self.participants.contains(person) {
                    self.participants.insert(person.clone());
                }
                let text = match from {
                    Some(addr) => {
                        format!("{person} joined from {}", crate::text::line_max(addr, 64))
                    }
                    None => format!("{person} joined"),
                };
                self.entry(e, EntryKind::Presence, text);
            }
            EventKind::Left { person } => {
                self.present.remove(person);
                self.entry(e, EntryKind::Presence, format!("{person} left"));
            }
            EventKind::ImpactStarted { at } => {
                self.times.impact_marked = Some(*at);
                self.entry(
                    e,
                    EntryKind::Impact,
                    format!("Impact started at {} UTC", at.format("%Y-%m-%d %H:%M:%S")),
                );
            }
            EventKind::DrillStarted {
                scenario,
                speed,
                title,
                severity,
                briefing,
                reference,
                impact,
            } => {
                self.drill = Some(scenario.clone());
                if let Some(reference) = reference {
                    self.drill_header = Some(DrillFacts {
                        speed: *speed,
                        reference: reference.clone(),
                        impact: *impact,
                    });
                }
                if let Some(b) = briefing {
                    self.drill_briefing = Some(crate::text::block(b));
                }
                if self.drill_started.is_none() {
                    self.drill_started = Some(e.at);
                }
                if !self.declared {
                    if let Some(t) = title {
                        self.title = t.clone();
                    }
                    if let Some(s) = severity {
                        self.severity = *s;
                    }
                }
                self.entry(
                    e,
                    EntryKind::Drill,
                    format!("Drill started: {scenario} at {speed}x"),
                );
            }
            EventKind::LogRepaired { lines, moved_to } => {
                let file = std::path::Path::new(moved_to)
                    .file_name()
                    .map_or(moved_to.clone(), |f| f.to_string_lossy().into_owned());
                let s = if *lines == 1 { "" } else { "s" };
                self.entry(
                    e,
                    EntryKind::Source,
                    format!("{lines} damaged line{s} set aside in {file}"),
                );
            }
            EventKind::RoomOpened { title, severity } => {
                if !self.declared {
                    self.title = title.clone();
                    self.severity = *severity;
                }
            }
            EventKind::StatusUpdate {
                audience,
                state,
                components,
                body,
                targets,
            } => self.apply_status_update(e, *audience, *state, components, body, targets),
            EventKind::Publish {
                update,
                target,
                outcome,
                attempt,
                remote_id,
                status,
                message,
            } => self.apply_publish(
                e, *update, target, *outcome, *attempt, remote_id, *status, message,
            ),
            EventKind::CommsDefined {
                first_update_within,
                every,
                contradiction_after,
            } => self.apply_comms_defined(*first_update_within, every, *contradiction_after),
            EventKind::Handoff { from, to, brief } => self.apply_handoff(e, from, to, brief),
            EventKind::Amended {
                target,
                text,
                at,
                struck,
                reason,
            } => self.apply_amended(e, *target, text.as_deref(), *at, *struck, reason),
            EventKind::Action {
                text,
                owner,
                due,
                from,
            } => self.apply_action(e, text, owner.as_deref(), *due, *from),
            EventKind::Unknown { kind, .. } => {
                self.unknown += 1;
                self.entry(
                    e,
                    EntryKind::Unknown,
                    format!("unknown event \"{kind}\" (written by a newer warroom?)"),
                );
            }
        }
        if let Actor::Person(p) = &e.by {
            self.person_acted(e, p);
        }
        self.comms_after(e);
    }

    /// Acknowledgement and the people's detection (see `times`): a person's action counts
    /// once it is applied, so a `:declare` first detects, then acknowledges.
    /// Checklist items linked to this event are ticked too (noted on its timeline entry).
    fn person_acted(&mut self, e: &Event, person: &str) {
        let refers = match &e.kind {
            // A drill scripts notes by its characters: only people in the room count.
            EventKind::Note { .. } | EventKind::Decision { .. } => {
                if self.drill.is_some() && !self.joined.contains(person) {
                    return;
                }
                true
            }
            EventKind::IncidentDeclared { .. }
            | EventKind::SeverityChanged { .. }
            | EventKind::StateChanged { .. }
            | EventKind::StatusUpdate { .. } => true,
            EventKind::RoleAssigned { .. }
            | EventKind::Handoff { .. }
            | EventKind::ChecklistToggled { .. }
            | EventKind::ImpactStarted { .. } => false,
            _ => return,
        };
        if refers {
            self.times.notice(e.at);
        }
        self.times.person_acted(e.at);
        if self.linked > 0 {
            self.tick_linked(e, person);
        }
    }

    fn tick_linked(&mut self, e: &Event, person: &str) {
        let mut ticked = Vec::new();
        let on_cadence = self.comms.overdue_periods.is_empty();
        for c in &mut self.checklists {
            for item in c.tick_linked(&e.kind, on_cadence, person, e.at) {
                ticked.push(format!("✓ {}: {item}", c.name));
            }
        }
        if ticked.is_empty() {
            return;
        }
        let note = ticked.join(", ");
        match self.timeline.last_mut() {
            Some(t) if t.id == e.id => {
                t.text.push_str(" — ");
                t.text.push_str(&note);
            }
            _ => self.entry(e, EntryKind::Checklist, note),
        }
    }

    /// A handoff: `to` becomes commander and the brief is kept for the views; one
    /// timeline entry.
    fn apply_handoff(&mut self, e: &Event, from: &str, to: &str, brief: &str) {
        let from_name = if from.is_empty() {
            "(no commander)"
        } else {
            from
        };
        if !to.is_empty() {
            self.roles.insert("commander".to_string(), to.to_string());
        }
        self.handoffs.push(super::handoff::HandoffRecord {
            id: e.id,
            at: e.at,
            from: from.to_string(),
            to: to.to_string(),
            brief: brief.to_string(),
        });
        self.entry(
            e,
            EntryKind::Role,
            format!("Handoff {from_name} → {to}: {to} is commander (handoff brief)"),
        );
    }

    fn apply_state(&mut self, e: &Event, state: IncidentState) {
        let old = self.state;
        if old == state {
            return;
        }
        self.state = state;
        let reopen = old == IncidentState::Resolved;
        if reopen {
            self.times.reopened += 1;
            self.times.resolved = None;
            if matches!(
                state,
                IncidentState::Investigating | IncidentState::Identified
            ) {
                self.times.mitigated = None;
            }
        }
        match state {
            IncidentState::Monitoring if self.times.mitigated.is_none() => {
                self.times.mitigated = Some(e.at);
            }
            IncidentState::Resolved => {
                if self.times.mitigated.is_none() {
                    self.times.mitigated = Some(e.at);
                }
                self.times.resolved = Some(e.at);
            }
            _ => {}
        }
        let text = if reopen {
            format!("Reopened: resolved → {state}")
        } else {
            format!("State {old} → {state}")
        };
        self.entry(e, EntryKind::State, text);
    }

    fn apply_metric(&mut self, e: &Event, series: &str, value: f64) {
        let source = match &e.by {
            Actor::Source(s) => Some(s),
            _ => None,
        };
        let sig = match self.signals.get_mut(series) {
            Some(s) => s,
            None => {
                let def = self.defs.get(series).cloned().unwrap_or_default();
                self.signals
                    .entry(series.to_string())
                    .or_insert_with(|| Signal {
                        name: series.to_string(),
                        def,
                        ..Signal::default()
                    })
            }
        };
        sig.series.push(e.at, value);
        sig.last = Some((e.at, value));
        if source.is_some() && sig.source.as_ref() != source {
            sig.source = source.cloned();
        }
        if value.is_finite() {
            let worse = match (sig.peak, sig.def.direction) {
                (None, _) => true,
                (Some((_, p)), Direction::Above) => value > p,
                (Some((_, p)), Direction::Below) => value < p,
            };
            if worse {
                sig.peak = Some((e.at, value));
            }
        }
        let target = sig.def.level_from(sig.level, value);
        let Some((old, level)) = step_level(&mut sig.level, &mut sig.hold, target, sig.def.dwell)
        else {
            return;
        };
        let text = crossing_text(series, &sig.def, old, level, value);
        self.comms_level(old, level);
        if level >= Level::Warn {
            self.times.signal(e.at);
        }
        self.entry(e, EntryKind::Signal, text);
    }

    fn apply_reports(&mut self, e: &Event, source: &str, count: u64, baseline: Option<f64>) {
        let r = match self.reports.get_mut(source) {
            Some(r) => r,
            None => {
                let def = self.defs.get(source).cloned().unwrap_or_default();
                self.reports
                    .entry(source.to_string())
                    .or_insert_with(|| ReportCounts {
                        name: source.to_string(),
                        def,
                        ..ReportCounts::default()
                    })
            }
        };
        r.count = count;
        if baseline.is_some() {
            r.baseline = baseline;
        }
        r.at = Some(e.at);
        r.series.push(e.at, count as f64);
        if let Some(b) = baseline {
            r.baseline_series.push(e.at, b);
        }
        if r.peak.is_none_or(|(_, p)| count > p) {
            r.peak = Some((e.at, count));
        }
        let Some(ratio) = r.ratio() else { return };
        let target = r.def.level_from(r.level, ratio);
        let Some((old, level)) = step_level(&mut r.level, &mut r.hold, target, r.def.dwell) else {
            return;
        };
        self.comms_level(old, level);
        let text = match level {
            Level::Ok => {
                format!("{source}: reports back to normal, {count} ({ratio:.1}x baseline)")
            }
            _ => format!(
                "{source}: reports spike {} — {count} reports, {ratio:.1}x baseline",
                level.as_str()
            ),
        };
        if level >= Level::Warn {
            self.times.signal(e.at);
        }
        self.entry(e, EntryKind::Reports, text);
    }

    #[allow(clippy::too_many_arguments)]
    fn apply_alert(
        &mut self,
        e: &Event,
        name: &str,
        state: AlertState,
        labels: &BTreeMap<String, String>,
        summary: &str,
        fingerprint: &Option<String>,
        starts_at: Option<DateTime<Utc>>,
    ) {
        let key = match fingerprint {
            Some(f) if !f.is_empty() => f.clone(),
            _ => {
                let mut k = name.to_string();
                for (lk, lv) in labels {
                    k.push_str(&format!(",{lk}={lv}"));
                }
                k
            }
        };
        let old = self.alerts.get(&key).map(|a| a.state);
        if old == Some(state) {
            if let Some(a) = self.alerts.get_mut(&key) {
                a.summary = summary.to_string();
                a.labels = labels.clone();
            }
            return;
        }
        if old.is_none() && state == AlertState::Resolved {
            // A resolution for an alert never seen firing: record it, but it is no news.
            self.alerts.insert(
                key.clone(),
                AlertInfo {
                    key,
                    name: name.to_string(),
                    state,
                    labels: labels.clone(),
                    summary: summary.to_string(),
                    since: starts_at.unwrap_or(e.at),
                    resolved_at: Some(e.at),
                },
            );
            return;
        }
        self.comms_alert(old == Some(AlertState::Firing), state == AlertState::Firing);
        let since = match (state, self.alerts.get(&key)) {
            (AlertState::Resolved, Some(a)) => a.since,
            _ => starts_at.unwrap_or(e.at),
        };
        self.alerts.insert(
            key.clone(),
            AlertInfo {
                key,
                name: name.to_string(),
                state,
                labels: labels.clone(),
                summary: summary.to_string(),
                since,
                resolved_at: (state == AlertState::Resolved).then_some(e.at),
            },
        );
        let which = self.alert_labels(name, labels);
        let text = match state {
            AlertState::Firing => {
                self.times.signal(e.at);
                if summary.is_empty() {
                    format!("Alert firing: {name}{which}")
                } else {
                    format!("Alert firing: {name}{which} — {summary}")
                }
            }
            AlertState::Resolved => format!("Alert resolved: {name}{which}"),
        };
        self.entry(e, EntryKind::Alert, text);
    }

    /// ` (instance=10.0.0.3:9100, region=eu)`: the labels that tell this alert apart from
    /// others of the same name: `instance` and `region` when present, and every label
    /// whose value differs between the alerts of this name seen so far (or that some of
    /// them lack). Empty when none. Updates the per-name index first: O(labels).
    fn alert_labels(&mut self, name: &str, labels: &BTreeMap<String, String>) -> String {
        const ALWAYS: &[&str] = &["instance", "region"];
        const MAX: usize = 4;
        let idx = self.alert_label_index.entry(name.to_string()).or_default();
        idx.events += 1;
        for (k, v) in labels {
            match idx.labels.get_mut(k) {
                Some(seen) => {
                    seen.count += 1;
                    if seen.first != *v {
                        seen.varies = true;
                    }
                }
                None => {
                    idx.labels.insert(
                        k.clone(),
                        LabelSeen {
                            first: v.clone(),
                            count: 1,
                            varies: false,
                        },
                    );
                }
            }
        }
        let mut shown: Vec<String> = Vec::new();
        for (k, v) in labels {
            if k == "alertname" || v.is_empty() {
                continue;
            }
            let differs = idx
                .labels
                .get(k)
                .is_some_and(|seen| seen.varies || seen.count < idx.events);
            if ALWAYS.contains(&k.as_str()) || differs {
                shown.push(format!("{k}={v}"));
            }
            if shown.len() == MAX {
                break;
            }
        }
        if shown.is_empty() {
            String::new()
        } else {
            format!(" ({})", shown.join(", "))
        }
    }
}

/// What the labels of the alerts of one name looked like (see `Incident::alert_labels`).
#[derive(Clone, Debug, Default, PartialEq)]
struct AlertLabels {
    /// Alert events of this name folded.
    events: u64,
    labels: BTreeMap<String, LabelSeen>,
}

#[derive(Clone, Debug, PartialEq)]
struct LabelSeen {
    first: String,
    /// Alert events of this name that had the label.
    count: u64,
    /// Some event had another value.
    varies: bool,
}

/// A provider's time beside the arrival time `arrived`: the time alone on the same day,
/// else the date too.
pub fn provider_time(posted: DateTime<Utc>, arrived: DateTime<Utc>) -> String {
    if posted.date_naive() == arrived.date_naive() {
        posted.format("%H:%M UTC").to_string()
    } else {
        posted.format("%Y-%m-%d %H:%M UTC").to_string()
    }
}

/// Moves a signal's level towards `new` (see [`SignalDef`] for the band); the change is
/// made once `dwell` consecutive samples point the same way (worse, or better), to the
/// level of the last of them; a sample at the current level cancels a pending change, a
/// sample without a level (NaN) neither counts nor cancels. The first level of a series
/// is set at once. Returns `(old, new)` when that is news for the timeline: a real change,
/// not the first sample being fine.
fn step_level(
    level: &mut Level,
    hold: &mut Hold,
    new: Level,
    dwell: u32,
) -> Option<(Level, Level)> {
    let old = *level;
    if new == Level::Unknown {
        return None;
    }
    if new == old {
        hold.count = 0;
        return None;
    }
    if old != Level::Unknown {
        let worse = new > old;
        if hold.count > 0 && hold.worse == worse {
            hold.count += 1;
        } else {
            *hold = Hold { worse, count: 1 };
        }
        if hold.count < dwell {
            return None;
        }
    }
    *hold = Hold::default();
    *level = new;
    (!(old == Level::Unknown && new == Level::Ok)).then_some((old, new))
}

fn crossing_text(series: &str, def: &SignalDef, old: Level, new: Level, v: f64) -> String {
    let value = def.format(v);
    let threshold = match new {
        Level::Crit => def.crit,
        Level::Warn => def.warn,
        _ => None,
    };
    let cmp = match def.direction {
        Direction::Above => "≥",
        Direction::Below => "≤",
    };
    match (new, threshold) {
        (Level::Ok, _) => format!("{series} back to normal: {value}"),
        (lvl, Some(t)) if new > old => format!(
            "{series} {}: {value} ({cmp} {})",
            lvl.as_str(),
            def.format(t)
        ),
        (lvl, Some(t)) => format!(
            "{series} eased to {}: {value} ({cmp} {})",
            lvl.as_str(),
            def.format(t)
        ),
        (lvl, None) => format!("{series} {}: {value}", lvl.as_str()),
    }
}

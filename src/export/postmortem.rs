//! The postmortem draft as data: what every export format is written from.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::incident::state::format_value;
use crate::incident::{Direction, EntryKind, Event, EventKind, Incident, KeyTime, format_duration};
use crate::log::Damage;
use crate::text;

#[derive(Clone, Debug, Serialize)]
pub struct Postmortem {
    pub title: String,
    pub severity: String,
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drill: Option<String>,
    /// First and last event of the log.
    pub log_start: Option<DateTime<Utc>>,
    pub log_end: Option<DateTime<Utc>>,
    /// Impact started to resolved (or to the end of the log while unresolved), seconds.
    pub duration_seconds: Option<i64>,
    pub duration: String,
    pub resolved: bool,
    pub roles: Vec<RoleHeld>,
    pub participants: Vec<String>,
    pub key_times: Vec<KeyTimeRow>,
    pub durations: Vec<DurationRow>,
    /// True when the timeline holds every event (`--all`).
    pub all_events: bool,
    pub timeline: Vec<TimelineRow>,
    pub checklists: Vec<ChecklistRow>,
    pub signal_peaks: Vec<SignalPeak>,
    pub report_peaks: Vec<ReportPeak>,
    pub provider_incidents: Vec<ProviderIncident>,
    pub status_updates: Vec<StatusUpdate>,
    pub events: u64,
    pub skipped: Vec<SkippedLine>,
    /// Notes written while reviewing the incident (`<log>.review.jsonl`), in time order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub review_notes: Vec<ReviewNote>,
    /// Why the review notes could not be read, when they could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_error: Option<String>,
    /// Follow-ups recorded with `:action` (not struck out).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub follow_ups: Vec<super::follow_ups::FollowUp>,
    /// Corrections of timeline entries (`amended` events), in log order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<super::follow_ups::CorrectionRow>,
    /// What the room said and owed (none: a log without updates, cadence or alarm).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub communication: Option<super::communication::Communication>,
}

/// A note written in `warroom replay` about a moment of the incident.
#[derive(Clone, Debug, Serialize)]
pub struct ReviewNote {
    /// The moment of the incident it is about.
    pub at: DateTime<Utc>,
    /// `T+hh:mm:ss` since the start of the log.
    pub offset: String,
    pub by: String,
    pub text: String,
}

/// Who held a role and from when to when (`to` empty: until the end).
#[derive(Clone, Debug, Serialize)]
pub struct RoleHeld {
    pub role: String,
    pub person: String,
    pub from: DateTime<Utc>,
    pub to: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct KeyTimeRow {
    pub name: String,
    pub at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DurationRow {
    pub name: String,
    pub seconds: Option<i64>,
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct TimelineRow {
    pub id: u64,
    pub at: DateTime<Utc>,
    /// `T+hh:mm:ss` since the start of the log.
    pub offset: String,
    pub by: String,
    pub actor: &'static str,
    pub kind: String,
    pub text: String,
    /// The entry was corrected: `✎ corrected by ana: REASON` (or `✗ struck by …`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correction: Option<String>,
    /// The entry is struck out.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub struck: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChecklistRow {
    pub list: String,
    pub item: String,
    pub done: bool,
    pub by: Option<String>,
    pub at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SignalPeak {
    pub series: String,
    pub unit: String,
    /// `above`: the highest value is the worst; `below`: the lowest.
    pub direction: &'static str,
    pub worst: f64,
    pub worst_text: String,
    pub at: DateTime<Utc>,
    pub level_at_end: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReportPeak {
    pub source: String,
    pub peak: u64,
    pub at: DateTime<Utc>,
    pub baseline: Option<f64>,
    pub times_baseline: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ProviderIncident {
    pub page: String,
    pub id: String,
    pub title: String,
    pub status: String,
    pub impact: Option<String>,
    pub first_seen: DateTime<Utc>,
    pub last_update: DateTime<Utc>,
    /// First seen to resolution (or to the end of the log while open).
    pub duration_seconds: i64,
    /// How long it lasted, for people: `2h05m`, or `since 2020-04-02` past 48 hours.
    pub lasted: String,
    pub longest: bool,
    /// A third-party page (`provider = true`), not our own.
    pub provider: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct StatusUpdate {
    pub page: String,
    pub incident: String,
    pub status: String,
    pub body: String,
    pub at: DateTime<Utc>,
    /// From a third-party page (`provider = true`), not our own public updates.
    pub provider: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct SkippedLine {
    pub line: usize,
    pub reason: String,
    pub bytes: usize,
}

/// `T+01:02:03` of `at` since `start`.
pub fn offset(start: Option<DateTime<Utc>>, at: DateTime<Utc>) -> String {
    crate::replay::format_offset(start.map_or(Duration::zero(), |s| at - s))
}

/// One row of the postmortem's timeline, with its correction marks.
fn timeline_row(
    inc: &Incident,
    start: Option<DateTime<Utc>>,
    id: u64,
    at: DateTime<Utc>,
    by: &crate::incident::Actor,
    kind: String,
    txt: &str,
) -> TimelineRow {
    let (correction, struck) = inc.corrections.mark(id);
    TimelineRow {
        id,
        at,
        offset: offset(start, at),
        by: text::line(by.label()),
        actor: actor_kind(by),
        kind,
        text: text::line(txt),
        correction,
        struck,
    }
}

fn actor_kind(by: &crate::incident::Actor) -> &'static str {
    match by {
        crate::incident::Actor::Person(_) => "person",
        crate::incident::Actor::Source(_) => "source",
        crate::incident::Actor::System => "system",
    }
}

/// Entries a postmortem timeline keeps by default: what people did and the key signal
/// changes (threshold crossings, alerts, status changes). Presence and source health are
/// left to `--all`.
pub fn is_key_entry(k: EntryKind) -> bool {
    !matches!(k, EntryKind::Presence | EntryKind::Source)
}

/// One line for an event that made no timeline entry.
pub fn describe(kind: &EventKind) -> String {
    match kind {
        EventKind::Metric { series, value } => format!("{series} = {}", format_value(*value, "")),
        EventKind::Reports {
            source,
            count,
            baseline,
        } => match baseline {
            Some(b) => format!(
                "{source}: {count} reports (baseline {})",
                format_value(*b, "")
            ),
            None => format!("{source}: {count} reports"),
        },
        EventKind::SignalDefined {
            series,
            unit,
            warn,
            crit,
            direction,
            ..
        } => {
            let cmp = match direction {
                Direction::Above => "≥",
                Direction::Below => "≤",
            };
            let th = |t: &Option<f64>| t.map_or("-".to_string(), |v| format_value(v, unit));
            format!(
                "signal {series} defined: warn {cmp} {}, crit {cmp} {}",
                th(warn),
                th(crit)
            )
        }
        EventKind::ChecklistDefined { list, items, .. } => {
            format!("checklist {list}: {} items", items.len())
        }
        EventKind::StatusPage {
            page,
            indicator,
            description,
        } => format!("[{page}] page status {indicator}: {description}"),
        EventKind::StatusComponent {
            page,
            component,
            status,
            ..
        } => format!("[{page}] {component}: {status}"),
        EventKind::StatusIncident {
            page,
            title,
            status,
            ..
        } => format!("[{page}] {status}: {title}"),
        EventKind::Alert { name, state, .. } => format!("alert {name} {state:?}").to_lowercase(),
        EventKind::SourceHealth { source, ok, error } => match (ok, error) {
            (true, _) => format!("{source} ok"),
            (false, e) => format!("{source} failing: {}", e.as_deref().unwrap_or("no data")),
        },
        EventKind::Amended {
            target,
            struck,
            reason,
            ..
        } => {
            let what = if *struck { "struck" } else { "corrected" };
            format!("entry #{target} {what}: {reason}")
        }
        other => other.name().replace('_', " "),
    }
}

impl Postmortem {
    /// Builds the draft from the folded incident and the events it was folded from.
    pub fn build(inc: &Incident, events: &[Event], all: bool, damaged: &[Damage]) -> Self {
        let start = inc.first_at;
        let times = &inc.times;
        let resolved =
            times.resolved.is_some() && inc.state == crate::incident::IncidentState::Resolved;
        // The impact clock as the room shows it: frozen at resolved, else up to the end.
        let duration = match (times.impact_started(), times.resolved, inc.last_at) {
            (Some(_), Some(r), _) => times.impact_duration(r),
            (Some(_), None, Some(l)) => times.impact_duration(l),
            (None, _, Some(l)) => start.map(|s| l - s),
            _ => None,
        };
        let duration_text = match (duration, resolved) {
            (Some(d), true) => format_duration(d),
            (Some(d), false) => format!("{} (not resolved)", format_duration(d)),
            (None, _) => "unknown".into(),
        };

        let key_times = KeyTime::ALL
            .iter()
            .map(|k| KeyTimeRow {
                name: k.label().to_string(),
                at: times.get(*k),
            })
            .collect();
        let dur = |name: &str, d: Option<Duration>| DurationRow {
            name: name.to_string(),
            seconds: d.map(|d| d.num_seconds()),
            text: d.map_or("-".to_string(), format_duration),
        };
        let durations = vec![
            dur("time to detect", times.time_to_detect()),
            dur("time to acknowledge", times.time_to_acknowledge()),
            dur("time to mitigate", times.time_to_mitigate()),
            dur("time to resolve", times.time_to_resolve()),
        ];

        let timeline = if all {
            let by_id: HashMap<u64, &crate::incident::TimelineEntry> =
                inc.timeline.iter().map(|e| (e.id, e)).collect();
            events
                .iter()
                .map(|e| {
                    let (kind, txt) = match by_id.get(&e.id) {
                        Some(entry) => (entry.kind.as_str().to_string(), entry.text.clone()),
                        None => (e.kind.name().to_string(), describe(&e.kind)),
                    };
                    timeline_row(inc, start, e.id, e.at, &e.by, kind, &txt)
                })
                .collect()
        } else {
            inc.timeline
                .iter()
                .filter(|e| is_key_entry(e.kind))
                .map(|e| {
                    let kind = e.kind.as_str().to_string();
                    timeline_row(inc, start, e.id, e.at, &e.by, kind, &e.text)
                })
                .collect()
        };

        let checklists = inc
            .checklists
            .iter()
            .flat_map(|c| {
                c.items.iter().map(|i| ChecklistRow {
                    list: c.name.clone(),
                    item: text::line(&i.text),
                    done: i.done,
                    by: i.by.as_deref().map(text::line),
                    at: i.at,
                })
            })
            .collect();

        let signal_peaks = inc
            .signals
            .values()
            .filter_map(|s| {
                let (at, v) = s.peak?;
                Some(SignalPeak {
                    series: text::line(&s.name),
                    unit: s.def.unit.clone(),
                    direction: match s.def.direction {
                        Direction::Above => "above",
                        Direction::Below => "below",
                    },
                    worst: v,
                    worst_text: s.def.format(v),
                    at,
                    level_at_end: s.level.as_str(),
                })
            })
            .collect();

        let report_peaks = inc
            .reports
            .values()
            .filter_map(|r| {
                let (at, peak) = r.peak?;
                let baseline = baseline_at(r, at).or(r.baseline);
                Some(ReportPeak {
                    source: text::line(&r.name),
                    peak,
                    at,
                    baseline,
                    times_baseline: baseline.filter(|b| *b > 0.0).map(|b| peak as f64 / b),
                })
            })
            .collect();

        let end = inc.last_at;
        // A page's history (incidents closed before the log began) is not this incident's.
        let relevant = move |i: &crate::incident::state::PageIncident| {
            i.is_open()
                || start.is_none_or(|s| i.updated >= s - Duration::seconds(HISTORY_GRACE_SECS))
        };
        let mut provider_incidents: Vec<ProviderIncident> = inc
            .pages
            .iter()
            .flat_map(|p| {
                p.incidents
                    .iter()
                    .filter(move |i| relevant(i))
                    .map(move |i| {
                        let until = if i.is_open() {
                            end.unwrap_or(i.updated).max(i.updated)
                        } else {
                            i.updated
                        };
                        let began = i
                            .updates
                            .iter()
                            .map(|u| u.at)
                            .min()
                            .unwrap_or(i.first_seen)
                            .min(i.first_seen);
                        ProviderIncident {
                            page: text::line(&p.name),
                            id: text::line(&i.id),
                            title: text::line(&i.title),
                            status: text::line(&i.status),
                            impact: i.impact.as_deref().map(text::line),
                            first_seen: began,
                            last_update: i.updated,
                            duration_seconds: (until - began).num_seconds().max(0),
                            lasted: lasted(began, until),
                            longest: false,
                            provider: p.is_provider(),
                        }
                    })
            })
            .collect();
        if let Some(max) = provider_incidents.iter().map(|p| p.duration_seconds).max()
            && let Some(p) = provider_incidents
                .iter_mut()
                .find(|p| p.duration_seconds == max)
        {
            p.longest = true;
        }

        let mut status_updates: Vec<StatusUpdate> = inc
            .pages
            .iter()
            .flat_map(|p| {
                p.incidents
                    .iter()
                    .filter(move |i| relevant(i))
                    .flat_map(move |i| {
                        i.updates.iter().map(move |u| StatusUpdate {
                            page: text::line(&p.name),
                            incident: text::line(&i.title),
                            status: text::line(&u.status),
                            body: text::line(&u.body),
                            at: u.at,
                            provider: p.is_provider(),
                        })
                    })
            })
            .collect();
        status_updates.sort_by_key(|u| u.at);

        Postmortem {
            title: text::line(&inc.title),
            severity: inc.severity.to_string(),
            state: inc.state.to_string(),
            drill: inc.drill.as_deref().map(text::line),
            log_start: inc.first_at,
            log_end: inc.last_at,
            duration_seconds: duration.map(|d| d.num_seconds()),
            duration: duration_text,
            resolved,
            roles: role_history(events),
            participants: inc.participants.iter().map(|p| text::line(p)).collect(),
            key_times,
            durations,
            all_events: all,
            timeline,
            checklists,
            signal_peaks,
            report_peaks,
            provider_incidents,
            status_updates,
            events: inc.events,
            skipped: damaged
                .iter()
                .map(|d| SkippedLine {
                    line: d.line,
                    reason: text::line(&d.reason),
                    bytes: d.bytes,
                })
                .collect(),
            review_notes: Vec::new(),
            review_error: None,
            follow_ups: super::follow_ups::follow_ups(inc),
            corrections: super::follow_ups::corrections(inc),
            communication: super::communication::Communication::build(inc),
        }
    }

    /// Adds the review notes of the log (notes written in `warroom replay`), sorted by the
    /// moment they are about; other kinds in the review log are not notes and are left out.
    pub fn add_review(&mut self, review: &[Event]) {
        for e in review {
            if let EventKind::Note { text: t } = &e.kind {
                self.review_notes.push(ReviewNote {
                    at: e.at,
                    offset: offset(self.log_start, e.at),
                    by: text::line(e.by.label()),
                    text: text::line(t),
                });
            }
        }
        self.review_notes.sort_by_key(|n| n.at);
    }

    /// Checklist items nobody ticked.
    pub fn undone(&self) -> impl Iterator<Item = &ChecklistRow> {
        self.checklists.iter().filter(|c| !c.done)
    }
}

/// A provider incident closed this long before the log began is history, not this incident.
const HISTORY_GRACE_SECS: i64 = 60;

/// A provider incident's length for people: past 48 hours, the date it began instead of
/// a count of hours nobody can read ("58388h").
pub fn lasted(began: DateTime<Utc>, until: DateTime<Utc>) -> String {
    let d = (until - began).max(Duration::zero());
    if d > Duration::hours(48) {
        format!("since {}", began.format("%Y-%m-%d"))
    } else {
        format_duration(d)
    }
}

/// The baseline in effect at `at` (last one recorded at or before it).
fn baseline_at(r: &crate::incident::state::ReportCounts, at: DateTime<Utc>) -> Option<f64> {
    let t = at.timestamp_millis();
    let pts = r.baseline_series.points();
    let i = pts.partition_point(|p| p.0 <= t);
    i.checked_sub(1).map(|i| pts[i].1)
}

/// Who held which role, from the role events in log order.
pub fn role_history(events: &[Event]) -> Vec<RoleHeld> {
    let mut open: BTreeMap<String, usize> = BTreeMap::new();
    let mut out: Vec<RoleHeld> = Vec::new();
    for e in events {
        // A handoff gives the commander role as an assignment does.
        let (role, person) = match &e.kind {
            EventKind::RoleAssigned { role, person } => (role.as_str(), person.as_str()),
            EventKind::Handoff { to, .. } => ("commander", to.as_str()),
            _ => continue,
        };
        if let Some(&i) = open.get(role) {
            if out[i].person == text::line(person) {
                continue;
            }
            out[i].to = Some(e.at);
            open.remove(role);
        }
        if !person.is_empty() {
            open.insert(role.to_string(), out.len());
            out.push(RoleHeld {
                role: text::line(role),
                person: text::line(person),
                from: e.at,
                to: None,
            });
        }
    }
    out
}

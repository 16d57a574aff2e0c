//! The drill report: how fast the people in a drill detected, acknowledged, mitigated and
//! resolved, against the scenario's reference times, and the checklist items they missed.
//! Pure, so the room can show it as a popup and `warroom drill` can print it.
//!
//! It scores the people, not the script:
//! - every time counts from the scenario's impact start: the header's `impact` second
//!   (else the scenario's first automatic signal, else the drill start). A person's
//!   back-dated impact marker (`:impact`, which the checklist asks for) changes nothing
//!   here, so back-dating never makes anyone look slower;
//! - detect = the first action of a person in the room that refers to the incident
//!   (declare, severity, state, note, decision; the script's own notes do not count),
//!   minus the impact start. The automatic first signal is shown apart ("first signal at
//!   T+…"), it is the scenario's doing;
//! - acknowledge = when the people acknowledged (the key time acknowledged, see
//!   `incident::times`, but never before their own detection above), minus the impact
//!   start, like every row: the rows read in order and acknowledging can't come before
//!   detecting. The scenario's reference gives acknowledge after detect (the drill
//!   format's definition), so its row shows reference detect + acknowledge;
//! - mitigate, resolve = the key times mitigated and resolved − the impact start.
//!
//! At high speeds typing dominates (at 60x one second of typing is a scenario minute):
//! from [`FAST`]x on the report says so.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::incident::{Audience, Incident, IncidentState, format_duration};

pub use crate::drill::{DrillHeader, Reference};

/// One measured time against its reference, both in scenario seconds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measure {
    pub name: &'static str,
    pub people: Option<f64>,
    pub reference: Option<f64>,
}

impl Measure {
    /// Seconds slower (positive) or faster (negative) than the reference.
    pub fn delta(&self) -> Option<f64> {
        Some(self.people? - self.reference?)
    }
}

/// From this speed on, the report warns that typing time dominates the people's times.
pub const FAST: f64 = 20.0;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DrillReport {
    pub scenario: String,
    /// The declared title (the scenario's until someone declares).
    pub title: String,
    pub speed: f64,
    /// Scenario seconds from the drill start to the impact start and to the first
    /// automatic signal.
    pub impact_at: Option<f64>,
    pub first_signal: Option<f64>,
    pub resolved: bool,
    pub measures: Vec<Measure>,
    pub checklist_done: usize,
    pub checklist_total: usize,
    /// (list, item) of every checklist item left undone.
    pub undone: Vec<(String, String)>,
}

fn scaled(d: Option<Duration>, speed: f64) -> Option<f64> {
    d.map(|d| d.num_milliseconds() as f64 / 1000.0 * speed)
}

/// Scenario seconds from `from` to `to` (never negative).
fn since(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>, speed: f64) -> Option<f64> {
    scaled(Some(to? - from?), speed).map(|s| s.max(0.0))
}

/// When the people acknowledged, for the report: the key time, but not before the people
/// noticed the incident (a tick or a role before the first note still acknowledged only
/// what they had noticed by then).
fn acknowledged(t: &crate::incident::KeyTimes) -> Option<DateTime<Utc>> {
    t.acknowledged.map(|a| t.noticed.map_or(a, |n| a.max(n)))
}

/// The first public update at or after the impact start.
fn first_public_after(inc: &Incident, impact: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    let from = impact?;
    public_updates(inc).find(|at| *at >= from)
}

fn public_updates(inc: &Incident) -> impl Iterator<Item = DateTime<Utc>> + '_ {
    inc.comms
        .updates
        .iter()
        .filter(|u| u.audience == Audience::Public)
        .map(|u| u.at)
}

/// The longest stretch without a public update while impacted, in scenario seconds: from
/// the impact start to mitigation (else resolution), each gap between the impact start,
/// the public updates and that end. None until the impact has ended, unless an update
/// already made the gap before it the longest so far.
fn longest_silence(inc: &Incident, impact: Option<DateTime<Utc>>, speed: f64) -> Option<f64> {
    let from = impact?;
    let end = inc.times.mitigated.or(inc.times.resolved);
    let mut marks: Vec<DateTime<Utc>> = public_updates(inc)
        .filter(|at| *at >= from && end.is_none_or(|e| *at <= e))
        .collect();
    marks.extend(end);
    if marks.is_empty() {
        return None;
    }
    let mut last = from;
    let mut longest = Duration::zero();
    for m in marks {
        longest = longest.max(m - last);
        last = m;
    }
    scaled(Some(longest), speed)
}

fn secs(s: f64) -> String {
    format_duration(Duration::milliseconds((s * 1000.0).round() as i64))
}

impl DrillReport {
    /// The report of a drill played at the header's speed.
    pub fn from(incident: &Incident, header: &DrillHeader) -> Self {
        DrillReport::with_speed(incident, header, header.speed)
    }

    /// The report of a drill played at `speed` (wall durations × speed = scenario time).
    pub fn with_speed(incident: &Incident, header: &DrillHeader, speed: f64) -> Self {
        let speed = if speed.is_finite() && speed > 0.0 {
            speed
        } else {
            header.speed
        };
        let t = &incident.times;
        let r = &header.reference;
        let start = incident.drill_started;
        let wall = |scenario: f64| Duration::milliseconds((scenario / speed * 1000.0) as i64);
        let impact = match (start, header.impact) {
            (Some(s), Some(i)) if i.is_finite() && i >= 0.0 => Some(s + wall(i)),
            _ => t.first_signal.or(start).or(t.impact_started()),
        };
        let measures = vec![
            Measure {
                name: "detect",
                people: since(impact, t.noticed, speed),
                reference: r.detect,
            },
            Measure {
                name: "acknowledge",
                people: since(impact, acknowledged(t), speed),
                reference: r.detect.zip(r.acknowledge).map(|(d, a)| d + a),
            },
            Measure {
                name: "mitigate",
                people: since(impact, t.mitigated, speed),
                reference: r.mitigate,
            },
            Measure {
                name: "resolve",
                people: since(impact, t.resolved, speed),
                reference: r.resolve,
            },
            Measure {
                name: "first update",
                people: since(impact, first_public_after(incident, impact), speed),
                reference: r.first_update,
            },
            Measure {
                name: "longest silence",
                people: longest_silence(incident, impact, speed),
                reference: r.longest_silence,
            },
        ];
        let mut undone = Vec::new();
        let (mut done, mut total) = (0, 0);
        for c in &incident.checklists {
            for i in &c.items {
                total += 1;
                if i.done {
                    done += 1;
                } else {
                    undone.push((c.name.clone(), i.text.clone()));
                }
            }
        }
        DrillReport {
            scenario: header.name.clone(),
            title: if incident.declared {
                incident.title.clone()
            } else {
                header.title.clone()
            },
            speed,
            impact_at: since(start, impact, speed),
            first_signal: since(start, t.first_signal, speed),
            resolved: incident.state == IncidentState::Resolved && t.resolved.is_some(),
            measures,
            checklist_done: done,
            checklist_total: total,
            undone,
        }
    }

    /// The report as plain text lines (for a popup or standard output).
    pub fn render_text(&self) -> String {
        let mut o = String::new();
        o.push_str(&format!(
            "DRILL REPORT: {} ({})\n",
            self.title, self.scenario
        ));
        o.push_str(&format!(
            "Played at {}x; every time below is in scenario time, counted from the impact start{}.\n",
            fmt_speed(self.speed),
            self.impact_at.map_or(String::new(), |i| format!(" (T+{})", secs(i)))
        ));
        if self.speed >= FAST {
            o.push_str(&format!(
                "Warning: at {}x one second of typing counts as {} of scenario time:\ntyping dominates these times; play slower to measure the people.\n",
                fmt_speed(self.speed),
                secs(self.speed)
            ));
        }
        match self.first_signal {
            Some(f) => o.push_str(&format!(
                "First automatic signal at T+{} (the scenario's, not yours).\n",
                secs(f)
            )),
            None => o.push_str("No automatic signal crossed a threshold.\n"),
        }
        if !self.resolved {
            o.push_str("The incident was not resolved: times not reached are shown as -.\n");
        }
        o.push('\n');
        o.push_str(&format!(
            "{:<16}{:>10}{:>12}  {}\n",
            "time to", "you", "reference", "difference"
        ));
        for m in &self.measures {
            let you = m.people.map_or("-".into(), secs);
            let rf = m.reference.map_or("-".into(), secs);
            let (more, less) = if m.name == "longest silence" {
                ("longer", "shorter")
            } else {
                ("slower", "faster")
            };
            let diff = match m.delta() {
                Some(d) if d.abs() < 1.0 => "on par".to_string(),
                Some(d) if d > 0.0 => format!("{} {more}", secs(d)),
                Some(d) => format!("{} {less}", secs(-d)),
                None => String::new(),
            };
            o.push_str(&format!("{:<16}{:>10}{:>12}  {}\n", m.name, you, rf, diff));
        }
        o.push('\n');
        o.push_str(&format!(
            "Checklists: {}/{} done.",
            self.checklist_done, self.checklist_total
        ));
        if self.undone.is_empty() {
            o.push_str(" Nothing left undone.\n");
        } else {
            o.push_str(" Left undone:\n");
            for (list, item) in &self.undone {
                o.push_str(&format!("  - {list}: {item}\n"));
            }
        }
        o
    }
}

fn fmt_speed(s: f64) -> String {
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::{Actor, Event, EventKind, Severity};
    use chrono::{TimeZone, Utc};

    #[test]
    fn times_are_scaled_to_scenario_time_and_missed_items_listed() {
        let t0 = Utc.with_ymd_and_hms(2026, 3, 5, 22, 0, 0).unwrap();
        let at = |s: i64| t0 + Duration::seconds(s);
        let ev = |id, s, kind| Event {
            id,
            at: at(s),
            by: Actor::person("ana"),
            kind,
        };
        let events = vec![
            ev(
                1,
                0,
                EventKind::ChecklistDefined {
                    list: "mitigation".into(),
                    items: vec!["Freeze deploys".into(), "Roll back".into()],
                    done_when: Default::default(),
                },
            ),
            ev(2, 30, EventKind::ImpactStarted { at: at(30) }),
            ev(
                3,
                40,
                EventKind::IncidentDeclared {
                    title: "x".into(),
                    severity: Severity::Sev1,
                },
            ),
            ev(
                4,
                100,
                EventKind::ChecklistToggled {
                    list: "mitigation".into(),
                    item: "Roll back".into(),
                    done: true,
                },
            ),
            ev(
                5,
                150,
                EventKind::StateChanged {
                    state: IncidentState::Monitoring,
                },
            ),
            ev(
                6,
                200,
                EventKind::StateChanged {
                    state: IncidentState::Resolved,
                },
            ),
        ];
        let inc = Incident::fold(&events);
        let header = DrillHeader::parse(
            r#"{"warroom_drill":1,"name":"s","title":"T","severity":"SEV1","speed":10,"reference":{"detect":60,"acknowledge":120,"mitigate":1500,"resolve":1700}}"#,
        )
        .unwrap();
        let r = DrillReport::from(&inc, &header);
        assert!(r.resolved);
        let people: Vec<Option<f64>> = r.measures.iter().map(|m| m.people).collect();
        // detected at declaration (40 s wall), impact 30 s: 10 s wall = 100 s scenario;
        // the declaration acknowledged too, at the same moment.
        // No public update: no first update; the silence lasts from the impact start to
        // mitigation (monitoring at 150 s wall: 120 s wall = 1200 s scenario).
        assert_eq!(
            people,
            vec![
                Some(100.0),
                Some(100.0),
                Some(1200.0),
                Some(1700.0),
                None,
                Some(1200.0)
            ]
        );
        assert_eq!(
            r.undone,
            vec![("mitigation".to_string(), "Freeze deploys".to_string())]
        );
        let text = r.render_text();
        assert!(text.contains("detect"), "{text}");
        let detect_row: Vec<&str> = text
            .lines()
            .find(|l| l.starts_with("detect"))
            .map(|l| l.split_whitespace().collect())
            .unwrap_or_default();
        assert_eq!(detect_row, ["detect", "1m40s", "1m00s", "40s", "slower"]);
        assert!(text.contains("5m00s faster"), "{text}");
        assert!(text.contains("  - mitigation: Freeze deploys"), "{text}");
        assert_eq!(
            DrillReport::with_speed(&inc, &header, 1.0).measures[0].people,
            Some(10.0)
        );
    }

    /// The reviewer's drill: impact at 2:00, the alert at 3:30 (the automatic detection),
    /// the people's first act a note at 6:45. The report said detect 4m45s, acknowledge
    /// 3m15s: acknowledged before detected.
    #[test]
    fn acknowledging_never_comes_before_detecting_in_the_report() {
        let t0 = Utc.with_ymd_and_hms(2026, 3, 5, 22, 0, 0).unwrap();
        let at = |s: i64| t0 + Duration::seconds(s);
        let events = vec![
            Event {
                id: 1,
                at: at(0),
                by: Actor::System,
                kind: EventKind::DrillStarted {
                    scenario: "s".into(),
                    speed: 1.0,
                    title: None,
                    severity: None,
                    briefing: None,
                    reference: None,
                    impact: Some(120.0),
                },
            },
            Event {
                id: 5,
                at: at(1),
                by: Actor::person("ana"),
                kind: EventKind::Joined {
                    person: "ana".into(),
                    from: None,
                },
            },
            Event {
                id: 2,
                at: at(210),
                by: Actor::Source("alertmanager".into()),
                kind: EventKind::Alert {
                    name: "CheckoutErrors".into(),
                    state: crate::incident::AlertState::Firing,
                    labels: Default::default(),
                    summary: String::new(),
                    fingerprint: None,
                    starts_at: None,
                },
            },
            Event {
                id: 3,
                at: at(330),
                by: Actor::person("ana"),
                kind: EventKind::ChecklistToggled {
                    list: "triage".into(),
                    item: "Open the dashboard".into(),
                    done: true,
                },
            },
            Event {
                id: 4,
                at: at(405),
                by: Actor::person("ana"),
                kind: EventKind::Note {
                    text: "checkout is failing".into(),
                },
            },
        ];
        let inc = Incident::fold(&events);
        let header = DrillHeader::parse(
            r#"{"warroom_drill":1,"name":"s","title":"T","severity":"SEV2","speed":1,"impact":120,"reference":{"detect":75,"acknowledge":240}}"#,
        )
        .unwrap();
        let r = DrillReport::from(&inc, &header);
        let detect = r.measures[0].people.unwrap();
        let ack = r.measures[1].people.unwrap();
        assert_eq!(detect, 285.0, "{r:?}");
        assert!(ack >= detect, "acknowledge {ack} before detect {detect}");
        assert_eq!(ack, 285.0);
        // The reference in the same terms: acknowledged 4 minutes after detecting at 1:15.
        assert_eq!(r.measures[1].reference, Some(315.0));
        let text = r.render_text();
        let row: Vec<&str> = text
            .lines()
            .find(|l| l.starts_with("acknowledge"))
            .map(|l| l.split_whitespace().collect())
            .unwrap_or_default();
        assert_eq!(
            row,
            ["acknowledge", "4m45s", "5m15s", "30s", "faster"],
            "{text}"
        );
    }

    #[test]
    fn bad_headers_are_refused_with_a_reason() {
        assert!(DrillHeader::parse(r#"{"drill":{"name":"x"}}"#).is_err());
        assert!(
            DrillHeader::parse(r#"{"warroom_drill":2,"name":"x","title":"t","severity":"SEV1"}"#)
                .is_err()
        );
        assert!(
            DrillHeader::parse(
                r#"{"warroom_drill":1,"name":"x","title":"t","severity":"SEV1","speed":0}"#
            )
            .is_err()
        );
    }
}

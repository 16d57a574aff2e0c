//! The handoff brief: what a new incident commander needs to know, derived from the fold.
//!
//! `:handoff NAME` (or `:role commander NAME` while a commander is set) records one event,
//! `handoff {from, to, brief}`: the fold makes `to` the commander, so the role change and
//! its brief are one fsynced line and a crash can never leave one without the other. The
//! brief is stored as text, not recomputed, so the old and the new commander, every SSH
//! view, a replay and the postmortem show the very words that were handed over; [`brief`]
//! is the pure function of the fold that writes it.

use chrono::{DateTime, Utc};

use super::event::{Audience, IncidentState};
use super::state::{EntryKind, Incident, Level};
use super::times::format_duration;

/// Notes and decisions listed in a brief at most (the newest; older ones are counted).
pub const MAX_NOTES: usize = 15;
/// Undone checklist items listed at most (the rest are counted).
pub const MAX_UNDONE: usize = 12;

/// One handoff as the fold keeps it (from the `handoff` event).
#[derive(Clone, Debug, PartialEq)]
pub struct HandoffRecord {
    /// The `handoff` event's id.
    pub id: u64,
    pub at: DateTime<Utc>,
    /// The commander handing over (empty: there was none).
    pub from: String,
    pub to: String,
    /// The brief as written at the handoff.
    pub brief: String,
}

/// What a brief says, section by section (each line already sanitised).
#[derive(Clone, Debug, PartialEq)]
pub struct HandoffBrief {
    pub from: String,
    pub to: String,
    pub at: DateTime<Utc>,
    /// `SEV2 · identified · declared` and the title.
    pub status: String,
    pub impact: Vec<String>,
    pub signals: Vec<String>,
    /// Notes and decisions since the last handoff (oldest first), with how many older
    /// ones were left out.
    pub notes: Vec<String>,
    pub notes_left_out: usize,
    pub comms: Vec<String>,
    pub undone: Vec<String>,
    pub roles: Vec<String>,
}

fn hm(at: DateTime<Utc>) -> String {
    at.format("%H:%M UTC").to_string()
}

fn first_line(s: &str) -> String {
    crate::text::line_max(s.lines().next().unwrap_or(""), 100)
}

/// The brief for handing command from `from` to `to` at `now`.
pub fn brief(inc: &Incident, from: &str, to: &str, now: DateTime<Utc>) -> HandoffBrief {
    let t = &inc.times;
    let declared = if inc.declared {
        "declared"
    } else {
        "not declared"
    };
    let status = format!(
        "{} · {} · {declared}: {}",
        inc.severity,
        inc.state,
        crate::text::line_max(&inc.title, 120)
    );

    let mut impact = Vec::new();
    match (t.impact_started(), t.impact_duration(now)) {
        (Some(s), Some(d)) => impact.push(format!(
            "impact since {} ({} so far)",
            hm(s),
            format_duration(d)
        )),
        _ => impact.push("impact start not known yet".into()),
    }
    if let Some(m) = t.mitigated {
        impact.push(format!("mitigated {}", hm(m)));
    }
    for s in inc.signals.values() {
        if let Some((at, v)) = s.peak
            && s.def.warn.is_some_and(|w| match s.def.direction {
                super::event::Direction::Above => v >= w,
                super::event::Direction::Below => v <= w,
            })
        {
            // The worst value: the highest for a signal that is bad above its threshold,
            // the lowest for one that is bad below it (orders per minute).
            let worst = match s.def.direction {
                super::event::Direction::Above => "peaked at",
                super::event::Direction::Below => "fell to",
            };
            impact.push(format!(
                "{} {worst} {} ({})",
                crate::text::line_max(&s.name, 60),
                s.def.format(v),
                hm(at)
            ));
        }
    }
    for r in inc.reports.values() {
        if let Some((at, n)) = r.peak
            && n > 0
        {
            impact.push(format!(
                "{}: peak {n} reports ({})",
                crate::text::line_max(&r.name, 60),
                hm(at)
            ));
        }
    }

    let mut signals = Vec::new();
    for s in inc.signals.values() {
        let value = s
            .last
            .map_or("no data".to_string(), |(_, v)| s.def.format(v));
        signals.push(format!(
            "{} {}: {value}",
            level_mark(s.level),
            crate::text::line_max(&s.name, 60)
        ));
    }
    for r in inc.reports.values() {
        let base = r
            .baseline
            .map_or(String::new(), |b| format!(" (baseline {b:.0})"));
        signals.push(format!(
            "{} {}: {} reports{base}",
            level_mark(r.level),
            crate::text::line_max(&r.name, 60),
            r.count
        ));
    }
    let firing = inc.firing();
    if !firing.is_empty() {
        let names: Vec<String> = firing
            .iter()
            .take(5)
            .map(|a| crate::text::line_max(&a.name, 40))
            .collect();
        let more = firing.len().saturating_sub(names.len());
        signals.push(format!(
            "{} alerts firing: {}{}",
            firing.len(),
            names.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    if signals.is_empty() {
        signals.push("no signals".into());
    }

    let since = inc.handoffs.last().map_or(0, |h| h.id);
    let all: Vec<String> = inc
        .timeline
        .iter()
        .filter(|e| e.id > since && matches!(e.kind, EntryKind::Note | EntryKind::Decision))
        // A status update's entry is a note too: the updates have their own section.
        .filter(|e| !inc.comms.updates.iter().any(|u| u.id == e.id))
        .map(|e| {
            let what = if e.kind == EntryKind::Decision {
                "decision"
            } else {
                "note"
            };
            format!(
                "{} {what} ({}): {}",
                e.at.format("%H:%M"),
                crate::text::line_max(e.by.label(), 30),
                crate::text::line_max(&e.text, 200)
            )
        })
        .collect();
    let notes_left_out = all.len().saturating_sub(MAX_NOTES);
    let notes = all[notes_left_out..].to_vec();

    let mut comms = Vec::new();
    match inc.comms.last_public() {
        Some(u) => comms.push(format!(
            "last public update {} ({}, by {}): {}",
            hm(u.at),
            u.state,
            crate::text::line_max(&u.author, 30),
            first_line(&u.body)
        )),
        None => comms.push("no public update yet".into()),
    }
    match inc.comms.next_due() {
        Some(d) if now > d => comms.push(format!(
            "next public update OVERDUE {} (was due {})",
            format_duration(now - d),
            hm(d)
        )),
        Some(d) => comms.push(format!(
            "next public update due {} (in {})",
            hm(d),
            format_duration(d - now)
        )),
        None if inc.state == IncidentState::Resolved => {
            comms.push("no further public update due".into())
        }
        None => comms.push("no public update cadence in force".into()),
    }
    if let Some(u) = inc
        .comms
        .updates
        .iter()
        .rev()
        .find(|u| u.audience == Audience::Internal)
    {
        comms.push(format!(
            "last internal update {}: {}",
            hm(u.at),
            first_line(&u.body)
        ));
    }

    let undone: Vec<String> = inc
        .checklists
        .iter()
        .flat_map(|c| {
            c.items.iter().filter(|i| !i.done).map(move |i| {
                format!(
                    "{}: {}",
                    crate::text::line_max(&c.name, 40),
                    crate::text::line_max(&i.text, 120)
                )
            })
        })
        .collect();

    let mut roles: Vec<String> = Vec::new();
    roles.push(format!("commander: {}", crate::text::line_max(to, 60)));
    for (role, person) in &inc.roles {
        if role != "commander" {
            roles.push(format!(
                "{}: {}",
                crate::text::line_max(role, 30),
                crate::text::line_max(person, 60)
            ));
        }
    }

    HandoffBrief {
        from: crate::text::line_max(from, 60),
        to: crate::text::line_max(to, 60),
        at: now,
        status,
        impact,
        signals,
        notes,
        notes_left_out,
        comms,
        undone,
        roles,
    }
}

fn level_mark(l: Level) -> &'static str {
    match l {
        Level::Crit => "CRIT",
        Level::Warn => "WARN",
        Level::Ok => "ok  ",
        Level::Unknown => "?   ",
    }
}

impl HandoffBrief {
    /// The brief as text (what the `handoff` event carries and the views show).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let from = if self.from.is_empty() {
            "(no commander)"
        } else {
            &self.from
        };
        out.push_str(&format!(
            "Handoff {} → {} at {}\n",
            from,
            self.to,
            self.at.format("%Y-%m-%d %H:%M:%S UTC")
        ));
        out.push_str(&format!("{}\n", self.status));
        let mut section = |name: &str, lines: &[String], empty: &str| {
            out.push_str(&format!("\n{name}\n"));
            if lines.is_empty() {
                out.push_str(&format!("  {empty}\n"));
            }
            for l in lines {
                out.push_str(&format!("  {l}\n"));
            }
        };
        section("Roles", &self.roles, "-");
        section("Impact", &self.impact, "-");
        section("Signals now", &self.signals, "-");
        let notes_title = if self.notes_left_out > 0 {
            format!(
                "Notes and decisions since the last handoff ({} older not shown)",
                self.notes_left_out
            )
        } else {
            "Notes and decisions since the last handoff".to_string()
        };
        section(&notes_title, &self.notes, "none");
        section("Communication", &self.comms, "-");
        let mut undone: Vec<String> = self.undone.iter().take(MAX_UNDONE).cloned().collect();
        if self.undone.len() > MAX_UNDONE {
            undone.push(format!("and {} more", self.undone.len() - MAX_UNDONE));
        }
        section("Checklist items not done", &undone, "none: all done");
        out
    }
}

//! Checklists: named lists of items, each ticked by someone at some time.
//!
//! An item may name the event that completes it (`done_when`, see [`DoneWhen`]): the fold
//! ticks it when that event arrives, with the event's author and time. A person can still
//! untick it, and an item a person unticked stays unticked whatever happens later (the
//! person said it is not done: a comms lead who left, a wrong back-dating); ticking it by
//! hand again works as always.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::event::{Audience, EventKind, IncidentState};

/// The event that completes a checklist item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DoneWhen {
    /// `declared`: a person declared the incident.
    Declared,
    /// `severity_set`: a person set the severity (`:sev`, or `:declare` with one).
    SeveritySet,
    /// `impact_backdated`: a person back-dated the impact start (`:impact`).
    ImpactBackdated,
    /// `note`: a person wrote a note.
    Note,
    /// `decision`: a person recorded a decision.
    Decision,
    /// `role:NAME`: someone was given the role NAME.
    Role(String),
    /// `state:NAME`: the incident moved to state NAME.
    State(IncidentState),
    /// `public_update`: a person sent a public status update.
    PublicUpdate,
    /// `internal_update`: a person sent an internal status update.
    InternalUpdate,
    /// `update_on_cadence`: the public `resolved` update was sent and no public update was
    /// ever overdue (the cadence was kept to the end).
    UpdateOnCadence,
}

/// The `done_when` values, for help texts.
pub const DONE_WHEN_VALUES: &str = "declared, severity_set, impact_backdated, note, decision, \
     public_update, internal_update, update_on_cadence, role:NAME (e.g. role:comms), state:investigating|identified|monitoring|resolved";

impl DoneWhen {
    /// Parses a `done_when` value; `None` if it is not one of [`DONE_WHEN_VALUES`].
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Some(match s {
            "declared" => DoneWhen::Declared,
            "severity_set" => DoneWhen::SeveritySet,
            "impact_backdated" => DoneWhen::ImpactBackdated,
            "note" => DoneWhen::Note,
            "decision" => DoneWhen::Decision,
            "public_update" => DoneWhen::PublicUpdate,
            "internal_update" => DoneWhen::InternalUpdate,
            "update_on_cadence" => DoneWhen::UpdateOnCadence,
            _ => match s.split_once(':') {
                Some(("role", r)) if !r.trim().is_empty() => DoneWhen::Role(r.trim().to_string()),
                Some(("state", st)) => {
                    let st = st.trim().to_ascii_lowercase();
                    DoneWhen::State(IncidentState::ALL.into_iter().find(|x| x.as_str() == st)?)
                }
                _ => return None,
            },
        })
    }

    /// True when `kind` (done by a person) completes an item with this rule; `on_cadence`:
    /// no public update was ever overdue so far.
    pub fn matches(&self, kind: &EventKind, on_cadence: bool) -> bool {
        match (self, kind) {
            (DoneWhen::PublicUpdate, EventKind::StatusUpdate { audience, .. }) => {
                *audience == Audience::Public
            }
            (DoneWhen::InternalUpdate, EventKind::StatusUpdate { audience, .. }) => {
                *audience == Audience::Internal
            }
            (
                DoneWhen::UpdateOnCadence,
                EventKind::StatusUpdate {
                    audience, state, ..
                },
            ) => on_cadence && *audience == Audience::Public && *state == IncidentState::Resolved,
            (DoneWhen::Declared, EventKind::IncidentDeclared { .. }) => true,
            (
                DoneWhen::SeveritySet,
                EventKind::SeverityChanged { .. } | EventKind::IncidentDeclared { .. },
            ) => true,
            (DoneWhen::ImpactBackdated, EventKind::ImpactStarted { .. }) => true,
            (DoneWhen::Note, EventKind::Note { .. }) => true,
            (DoneWhen::Decision, EventKind::Decision { .. }) => true,
            (DoneWhen::Role(r), EventKind::RoleAssigned { role, person }) => {
                r == role && !person.is_empty()
            }
            (DoneWhen::State(s), EventKind::StateChanged { state }) => s == state,
            _ => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChecklistItem {
    pub text: String,
    pub done: bool,
    /// Who last ticked or unticked it, and when.
    pub by: Option<String>,
    pub at: Option<DateTime<Utc>>,
    /// The event that ticks it (parsed `done_when`), if any.
    pub done_when: Option<DoneWhen>,
    /// A person unticked it: events no longer tick it.
    pub unticked: bool,
}

impl ChecklistItem {
    fn new(text: &str) -> Self {
        ChecklistItem {
            text: text.to_string(),
            done: false,
            by: None,
            at: None,
            done_when: None,
            unticked: false,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Checklist {
    pub name: String,
    pub items: Vec<ChecklistItem>,
}

impl Checklist {
    pub fn new(name: impl Into<String>) -> Self {
        Checklist {
            name: name.into(),
            items: Vec::new(),
        }
    }
    pub fn done(&self) -> usize {
        self.items.iter().filter(|i| i.done).count()
    }
    pub fn total(&self) -> usize {
        self.items.len()
    }
    /// Adds items not already present (by text), keeping order and ticks of existing ones;
    /// `done_when` (item text → rule) links items to the events that complete them (an
    /// unknown rule links nothing). Returns how many items are linked now.
    pub fn define(&mut self, items: &[String], done_when: &BTreeMap<String, String>) -> usize {
        for text in items {
            if !self.items.iter().any(|i| &i.text == text) {
                self.items.push(ChecklistItem::new(text));
            }
        }
        for (text, rule) in done_when {
            if let Some(it) = self.items.iter_mut().find(|i| &i.text == text) {
                it.done_when = DoneWhen::parse(rule);
            }
        }
        self.items.iter().filter(|i| i.done_when.is_some()).count()
    }
    /// Ticks or unticks an item; an item not defined is added (a log never loses a tick).
    pub fn toggle(&mut self, item: &str, done: bool, by: &str, at: DateTime<Utc>) {
        let pos = match self.items.iter().position(|i| i.text == item) {
            Some(p) => p,
            None => {
                self.items.push(ChecklistItem::new(item));
                self.items.len() - 1
            }
        };
        let it = &mut self.items[pos];
        it.done = done;
        it.unticked = !done;
        it.by = Some(by.to_string());
        it.at = Some(at);
    }
    /// Ticks every open, linked item that `kind` completes; returns their texts.
    /// `on_cadence`: no public update was ever overdue so far.
    pub fn tick_linked(
        &mut self,
        kind: &EventKind,
        on_cadence: bool,
        by: &str,
        at: DateTime<Utc>,
    ) -> Vec<String> {
        let mut ticked = Vec::new();
        for it in &mut self.items {
            if !it.done
                && !it.unticked
                && it
                    .done_when
                    .as_ref()
                    .is_some_and(|d| d.matches(kind, on_cadence))
            {
                it.done = true;
                it.by = Some(by.to_string());
                it.at = Some(at);
                ticked.push(it.text.clone());
            }
        }
        ticked
    }
}

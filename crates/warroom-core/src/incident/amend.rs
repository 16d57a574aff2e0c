//! Corrections of the timeline (`amended` events): a person corrects an entry's text or
//! time, or strikes it, with a reason. The original event stays in the log; from the
//! amendment on, the fold shows the entry corrected and remembers what it was, so a
//! replay before the amendment shows the original and the postmortem lists every
//! correction (who, when, why, before → after).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::event::{Actor, Event};
use super::state::{EntryKind, Incident, TimelineEntry};

/// One `amended` event as the fold understood it.
#[derive(Clone, Debug, PartialEq)]
pub struct Correction {
    /// The `amended` event's own id, time and author.
    pub id: u64,
    pub at: DateTime<Utc>,
    pub by: Actor,
    /// The event whose timeline entry it corrects.
    pub target: u64,
    /// The entry's kind, text and time just before this correction (none when refused).
    pub kind: Option<EntryKind>,
    pub before_text: String,
    pub before_at: Option<DateTime<Utc>>,
    /// The corrected text and time, when this correction changes them.
    pub text: Option<String>,
    pub new_at: Option<DateTime<Utc>>,
    /// The entry is struck out (false on a later correction un-strikes it).
    pub struck: bool,
    pub reason: String,
    /// Why the fold did not apply it (no such entry), or `None` when applied.
    pub refused: Option<String>,
}

impl Correction {
    /// True when the fold applied it.
    pub fn applied(&self) -> bool {
        self.refused.is_none()
    }
}

/// Every correction in log order, and the latest applied one per corrected entry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Corrections {
    pub list: Vec<Correction>,
    latest: BTreeMap<u64, usize>,
}

impl Corrections {
    /// The latest applied correction of the entry made by event `id`.
    pub fn of(&self, id: u64) -> Option<&Correction> {
        self.latest.get(&id).and_then(|&i| self.list.get(i))
    }

    /// True when the entry made by event `id` is struck out now.
    /// The mark of a corrected entry (`✎ corrected by ana: REASON`, `✗ struck by bo: …`)
    /// and whether it is struck, from the latest correction of the entry made by event
    /// `id`: what the timeline, replay and the postmortem show under it.
    pub fn mark(&self, id: u64) -> (Option<String>, bool) {
        let Some(c) = self.of(id) else {
            return (None, false);
        };
        let verb = if c.struck {
            "✗ struck"
        } else {
            "✎ corrected"
        };
        let was = match (c.new_at, c.before_at) {
            (Some(_), Some(b)) => format!(" (was {})", b.format("%H:%M:%S")),
            _ => String::new(),
        };
        let text = format!(
            "{verb} by {}{was}: {}",
            crate::text::line(c.by.label()),
            crate::text::line(&c.reason)
        );
        (Some(text), c.struck)
    }

    pub fn is_struck(&self, id: u64) -> bool {
        self.of(id).is_some_and(|c| c.struck)
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

impl Incident {
    /// The timeline entry made by event `id` (its first, when it made several).
    pub fn entry_of(&self, id: u64) -> Option<&TimelineEntry> {
        self.timeline.iter().find(|e| e.id == id)
    }

    /// Folds an `amended` event.
    pub(super) fn apply_amended(
        &mut self,
        e: &Event,
        target: u64,
        text: Option<&str>,
        at: Option<DateTime<Utc>>,
        struck: bool,
        reason: &str,
    ) {
        let mut c = Correction {
            id: e.id,
            at: e.at,
            by: e.by.clone(),
            target,
            kind: None,
            before_text: String::new(),
            before_at: None,
            text: text.map(str::to_string),
            new_at: at,
            struck,
            reason: reason.to_string(),
            refused: None,
        };
        // An amendment corrects what was there before it: never itself or a later event.
        let pos = (target < e.id)
            .then(|| self.timeline.iter().position(|t| t.id == target))
            .flatten();
        let Some(pos) = pos else {
            c.refused = Some(format!("no timeline entry #{target} to correct"));
            self.corrections.list.push(c);
            return;
        };
        let (kind, before_text, before_at) = {
            let t = &self.timeline[pos];
            (t.kind, t.text.clone(), t.at)
        };
        c.kind = Some(kind);
        c.before_text = before_text;
        c.before_at = Some(before_at);
        if let Some(new) = text {
            let shown = match self.actions.iter_mut().find(|a| a.id == target) {
                Some(item) => {
                    item.text = new.to_string();
                    item.line()
                }
                None => new.to_string(),
            };
            self.timeline[pos].text = shown;
        }
        if let Some(item) = self.actions.iter_mut().find(|a| a.id == target) {
            item.struck = struck;
        }
        if let Some(t) = at {
            // The entry moves to its corrected moment: the timeline stays in time order.
            let mut entry = self.timeline.remove(pos);
            entry.at = t;
            let to = self.timeline.partition_point(|x| x.at <= t);
            self.timeline.insert(to, entry);
        }
        self.corrections
            .latest
            .insert(target, self.corrections.list.len());
        self.corrections.list.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::EventKind;
    use chrono::TimeZone;

    fn t(min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 14, min, 0)
            .single()
            .unwrap_or_default()
    }

    fn ev(id: u64, min: u32, kind: EventKind) -> Event {
        Event {
            id,
            at: t(min),
            by: Actor::person("ana"),
            kind,
        }
    }

    fn note(id: u64, min: u32, text: &str) -> Event {
        ev(id, min, EventKind::Note { text: text.into() })
    }

    fn amend(id: u64, min: u32, target: u64, text: Option<&str>, struck: bool) -> Event {
        ev(
            id,
            min,
            EventKind::Amended {
                target,
                text: text.map(str::to_string),
                at: None,
                struck,
                reason: "typo".into(),
            },
        )
    }

    #[test]
    fn a_correction_changes_the_entry_and_keeps_what_it_was() {
        let events = [
            note(1, 0, "rollback of 4.12 done"),
            note(2, 1, "error rate falling"),
            amend(3, 5, 1, Some("rollback of 4.11 done"), false),
        ];
        let before = Incident::fold(&events[..2]);
        assert_eq!(before.timeline[0].text, "rollback of 4.12 done");
        assert!(before.corrections.of(1).is_none());
        let inc = Incident::fold(&events);
        assert_eq!(inc.timeline[0].text, "rollback of 4.11 done");
        let c = inc.corrections.of(1).map(|c| c.before_text.clone());
        assert_eq!(c.as_deref(), Some("rollback of 4.12 done"));
        assert_eq!(inc.timeline.len(), 2, "no entry of its own");
    }

    #[test]
    fn struck_then_unstruck_and_unknown_targets_are_refused() {
        let events = [
            note(1, 0, "db primary is down"),
            amend(2, 1, 1, None, true),
            amend(3, 2, 99, Some("x"), false),
            amend(4, 3, 4, Some("self"), false),
        ];
        let inc = Incident::fold(&events);
        assert!(inc.corrections.is_struck(1));
        assert_eq!(
            inc.timeline[0].text, "db primary is down",
            "struck keeps its text"
        );
        assert_eq!(inc.corrections.len(), 3);
        assert!(inc.corrections.list[1].refused.is_some());
        assert!(inc.corrections.list[2].refused.is_some());
        let inc = Incident::fold(&[
            events[0].clone(),
            events[1].clone(),
            amend(5, 4, 1, None, false),
        ]);
        assert!(!inc.corrections.is_struck(1));
    }

    #[test]
    fn a_corrected_time_moves_the_entry_to_its_moment() {
        let mut fix = amend(4, 9, 3, None, false);
        if let EventKind::Amended { at, .. } = &mut fix.kind {
            *at = Some(t(0) + chrono::Duration::seconds(30));
        }
        let events = [
            note(1, 0, "a"),
            note(2, 1, "b"),
            note(3, 2, "saw errors first"),
            fix,
        ];
        let inc = Incident::fold(&events);
        let order: Vec<u64> = inc.timeline.iter().map(|e| e.id).collect();
        assert_eq!(order, [1, 3, 2]);
        assert_eq!(inc.timeline[1].at, t(0) + chrono::Duration::seconds(30));
        assert_eq!(inc.corrections.list[0].before_at, Some(t(2)));
    }
}

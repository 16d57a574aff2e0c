//! Follow-ups (`action` events, typed as `:action TEXT @owner due:2026-12-05`): each is a
//! timeline entry of kind `action` and an item of [`Incident::actions`], which the
//! postmortem's Follow-ups table and `warroom export --format actions` are written from.

use chrono::{DateTime, NaiveDate, Utc};

use super::event::{Actor, Event};
use super::state::{EntryKind, Incident, TimelineEntry};

/// One follow-up.
#[derive(Clone, Debug, PartialEq)]
pub struct ActionItem {
    /// The `action` event's id, time and author.
    pub id: u64,
    pub at: DateTime<Utc>,
    pub by: Actor,
    /// What is to be done (a correction of its timeline entry changes it).
    pub text: String,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    /// The event of the timeline moment it came from.
    pub from: Option<u64>,
    /// Struck out by a correction: no longer a follow-up.
    pub struck: bool,
}

impl ActionItem {
    /// The timeline's line: `Follow-up: TEXT (owner bo, due 2026-12-05)`.
    pub fn line(&self) -> String {
        let mut extra = Vec::new();
        if let Some(o) = &self.owner {
            extra.push(format!("owner {o}"));
        }
        if let Some(d) = self.due {
            extra.push(format!("due {}", d.format("%Y-%m-%d")));
        }
        if extra.is_empty() {
            format!("Follow-up: {}", self.text)
        } else {
            format!("Follow-up: {} ({})", self.text, extra.join(", "))
        }
    }
}

impl Incident {
    /// Follow-ups not struck out, in the order they were recorded.
    pub fn open_actions(&self) -> impl Iterator<Item = &ActionItem> {
        self.actions.iter().filter(|a| !a.struck)
    }

    /// Folds an `action` event.
    pub(super) fn apply_action(
        &mut self,
        e: &Event,
        text: &str,
        owner: Option<&str>,
        due: Option<NaiveDate>,
        from: Option<u64>,
    ) {
        let owner = owner
            .map(|o| o.trim().trim_start_matches('@').to_string())
            .filter(|o| !o.is_empty());
        let item = ActionItem {
            id: e.id,
            at: e.at,
            by: e.by.clone(),
            text: text.to_string(),
            owner,
            due,
            // Only a moment before it: an id from the future refers to nothing yet.
            from: from.filter(|f| *f < e.id),
            struck: false,
        };
        self.timeline.push(TimelineEntry {
            id: e.id,
            at: e.at,
            by: e.by.clone(),
            kind: EntryKind::Action,
            text: item.line(),
        });
        self.actions.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::EventKind;
    use chrono::TimeZone;

    fn ev(id: u64, kind: EventKind) -> Event {
        Event {
            id,
            at: Utc
                .with_ymd_and_hms(2026, 11, 30, 14, 0, id as u32)
                .single()
                .unwrap_or_default(),
            by: Actor::person("ana"),
            kind,
        }
    }

    #[test]
    fn an_action_is_a_timeline_entry_and_a_follow_up() {
        let events = [
            ev(
                1,
                EventKind::Note {
                    text: "disk filled".into(),
                },
            ),
            ev(
                2,
                EventKind::Action {
                    text: "Alert on disk at 80%".into(),
                    owner: Some("@bo".into()),
                    due: NaiveDate::from_ymd_opt(2026, 12, 5),
                    from: Some(1),
                },
            ),
            ev(
                3,
                EventKind::Action {
                    text: "Write the runbook".into(),
                    owner: None,
                    due: None,
                    from: Some(7),
                },
            ),
        ];
        let inc = Incident::fold(&events);
        assert_eq!(inc.actions.len(), 2);
        assert_eq!(inc.actions[0].owner.as_deref(), Some("bo"));
        assert_eq!(inc.actions[1].from, None, "a later id is no moment of it");
        let last = inc
            .timeline
            .iter()
            .rev()
            .nth(1)
            .map(|e| (e.kind, e.text.clone()));
        assert_eq!(
            last,
            Some((
                EntryKind::Action,
                "Follow-up: Alert on disk at 80% (owner bo, due 2026-12-05)".to_string()
            ))
        );
        let amended = [
            events.to_vec(),
            vec![ev(
                4,
                EventKind::Amended {
                    target: 2,
                    text: Some("Alert on disk at 70%".into()),
                    at: None,
                    struck: false,
                    reason: "we agreed 70".into(),
                },
            )],
            vec![ev(
                5,
                EventKind::Amended {
                    target: 3,
                    text: None,
                    at: None,
                    struck: true,
                    reason: "duplicate".into(),
                },
            )],
        ]
        .concat();
        let inc = Incident::fold(&amended);
        let open: Vec<&str> = inc.open_actions().map(|a| a.text.as_str()).collect();
        assert_eq!(open, ["Alert on disk at 70%"]);
        assert_eq!(
            inc.entry_of(2).map(|e| e.text.as_str()),
            Some("Follow-up: Alert on disk at 70% (owner bo, due 2026-12-05)")
        );
    }
}

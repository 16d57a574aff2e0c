//! The handoff in a view: `:handoff NAME` (and `:role commander NAME` while a commander is
//! set) make a `handoff` event with its brief; the old and the new commander see the
//! brief as a popup until they close it.

use chrono::{DateTime, Utc};

use super::command::ParseError;
use crate::incident::handoff::{HandoffRecord, brief};
use crate::incident::{EventKind, Incident};

/// The `handoff` event that hands command to `to`, with the brief of the fold at `now`;
/// an error when `to` already commands.
pub fn handoff_event(
    inc: &Incident,
    to: &str,
    now: DateTime<Utc>,
) -> Result<EventKind, ParseError> {
    let to = crate::text::line_max(to.trim(), 60);
    if to.is_empty() || to == "-" {
        return Err(ParseError::HandoffWithoutName);
    }
    let from = inc.roles.get("commander").cloned().unwrap_or_default();
    if from == to {
        return Err(ParseError::AlreadyCommander(to));
    }
    let brief = brief(inc, &from, &to, now).render();
    Ok(EventKind::Handoff { from, to, brief })
}

/// `:role ROLE NAME` for the commander role while someone else commands: a handoff.
pub fn role_is_handoff(inc: &Incident, role: &str, person: &str) -> bool {
    role == "commander"
        && !person.is_empty()
        && inc
            .roles
            .get("commander")
            .is_some_and(|c| !c.is_empty() && c != person)
}

/// The handoff whose brief `user` should see now: the latest one, when `user` handed
/// over or took over there, unless this view closed it (`closed`: its id).
pub fn brief_for<'a>(inc: &'a Incident, user: &str, closed: u64) -> Option<&'a HandoffRecord> {
    let h = inc.handoffs.last()?;
    (h.id > closed && (h.to == user || h.from == user)).then_some(h)
}

//! `:action TEXT [@OWNER] [due:YYYY-MM-DD]`: a follow-up. The owner and the due date may
//! stand anywhere in the line; what is left is the item's text.

use chrono::{DateTime, NaiveDate, Utc};

use super::command::{CommandSpec, ParseError};
use crate::incident::{EventKind, Incident, TimelineEntry};

/// Parses the rest of an `:action` line into an `action` event (its `from` is filled by
/// the view from the selected timeline entry).
pub fn parse(
    c: &CommandSpec,
    rest: &str,
    _: &Incident,
    _: DateTime<Utc>,
) -> Result<EventKind, ParseError> {
    let mut owner: Option<String> = None;
    let mut due: Option<NaiveDate> = None;
    let mut words: Vec<&str> = Vec::new();
    for w in rest.split_whitespace() {
        if let Some(name) = w.strip_prefix('@').filter(|n| !n.is_empty()) {
            if owner.is_some() {
                return Err(ParseError::SecondOwner { usage: c.usage() });
            }
            owner = Some(name.to_string());
        } else if let Some(d) = w.strip_prefix("due:") {
            if due.is_some() {
                return Err(ParseError::SecondDue { usage: c.usage() });
            }
            due = Some(
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| ParseError::DueDate(crate::text::line_max(d, 30)))?,
            );
        } else {
            words.push(w);
        }
    }
    if words.is_empty() {
        return Err(ParseError::ActionWithoutText { usage: c.usage() });
    }
    Ok(EventKind::Action {
        text: words.join(" "),
        owner,
        due,
        from: None,
    })
}

/// What the status line says of a follow-up: the moment it refers to ("follow-up from
/// 01:31 note by ana: TEXT"), or that it refers to none, and a warning when the due
/// date has passed already (it is still recorded: the person may mean it). `stale`: an
/// entry is selected but a correction already used that selection.
pub fn said(
    entry: Option<&TimelineEntry>,
    stale: bool,
    text: &str,
    due: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> String {
    let from = match entry {
        Some(e) => format!(
            "follow-up from {} {} by {}",
            e.at.format("%H:%M"),
            e.kind.as_str(),
            crate::text::line_max(e.by.label(), 30)
        ),
        None if stale => "follow-up from no timeline moment (the selected entry was just corrected: pick it again to refer to it)".into(),
        None => "follow-up from no timeline moment".into(),
    };
    let past = match due.filter(|d| *d < now.date_naive()) {
        Some(d) => format!(" (warning: due {d} is already past)"),
        None => String::new(),
    };
    format!("{from}{past}: {}", crate::ui::paint::fit(text, 40))
}

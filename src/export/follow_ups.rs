//! Follow-ups (`:action`) and corrections (`amended`) as the postmortem lists them, and
//! `warroom export --format actions` (a JSON array) / `actions-md` (a Markdown task list
//! to paste into an issue tracker).

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::markdown::cell;
use crate::incident::Incident;
use crate::text;

const TIME: &str = "%Y-%m-%d %H:%M:%S";

/// The timeline moment a follow-up came from.
#[derive(Clone, Debug, Serialize)]
pub struct Moment {
    /// The event id of the entry.
    pub id: u64,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub by: String,
    pub text: String,
}

impl Moment {
    /// `2026-11-30 14:02:11 note by ana: disk filled`.
    pub fn line(&self) -> String {
        format!(
            "{} {} by {}: {}",
            self.at.format(TIME),
            self.kind,
            self.by,
            self.text
        )
    }
}

/// One follow-up of the Follow-ups table (struck ones are left out).
#[derive(Clone, Debug, Serialize)]
pub struct FollowUp {
    /// The `action` event's id.
    pub id: u64,
    pub text: String,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    /// Who recorded it, and when.
    pub by: String,
    pub at: DateTime<Utc>,
    pub from: Option<Moment>,
}

/// One correction of the timeline: who, when, why, before → after.
#[derive(Clone, Debug, Serialize)]
pub struct CorrectionRow {
    /// The `amended` event's id, time and author.
    pub id: u64,
    pub at: DateTime<Utc>,
    pub by: String,
    /// The corrected entry's event id and kind.
    pub target: u64,
    pub kind: Option<String>,
    pub before_text: String,
    pub before_at: Option<DateTime<Utc>>,
    pub after_text: Option<String>,
    pub after_at: Option<DateTime<Utc>>,
    pub struck: bool,
    pub reason: String,
    /// Why the correction was not applied (no such entry).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

impl CorrectionRow {
    /// `before → after` in words: `"old" → "new"`, `14:02:11 → 13:58:00`, `struck`.
    pub fn change(&self) -> String {
        let mut parts = Vec::new();
        if self.refused.is_some() {
            // Nothing was there to correct: what was asked.
            if let Some(t) = &self.after_text {
                parts.push(format!("→ \"{t}\""));
            }
            if let Some(a) = self.after_at {
                parts.push(format!("time → {}", a.format(TIME)));
            }
            if self.struck {
                parts.push("struck".to_string());
            }
            return parts.join("; ");
        }
        if let Some(t) = &self.after_text {
            parts.push(format!("\"{}\" → \"{t}\"", self.before_text));
        }
        if let (Some(b), Some(a)) = (self.before_at, self.after_at) {
            parts.push(format!("time {} → {}", b.format(TIME), a.format(TIME)));
        }
        if self.struck {
            parts.push(format!("struck: \"{}\"", self.before_text));
        } else if parts.is_empty() {
            parts.push(format!("un-struck: \"{}\"", self.before_text));
        }
        parts.join("; ")
    }
}

/// The follow-ups of `inc`, not struck, with the moments they came from.
pub fn follow_ups(inc: &Incident) -> Vec<FollowUp> {
    inc.open_actions()
        .map(|a| FollowUp {
            id: a.id,
            text: text::line(&a.text),
            owner: a.owner.as_deref().map(text::line),
            due: a.due,
            by: text::line(a.by.label()),
            at: a.at,
            from: a.from.and_then(|f| inc.entry_of(f)).map(|e| Moment {
                id: e.id,
                at: e.at,
                kind: e.kind.as_str().to_string(),
                by: text::line(e.by.label()),
                text: text::line_max(&e.text, 200),
            }),
        })
        .collect()
}

/// Every correction of `inc`, in log order.
pub fn corrections(inc: &Incident) -> Vec<CorrectionRow> {
    inc.corrections
        .list
        .iter()
        .map(|c| CorrectionRow {
            id: c.id,
            at: c.at,
            by: text::line(c.by.label()),
            target: c.target,
            kind: c.kind.map(|k| k.as_str().to_string()),
            before_text: text::line(&c.before_text),
            before_at: c.before_at,
            after_text: c.text.as_deref().map(text::line),
            after_at: c.new_at,
            struck: c.struck,
            reason: text::line(&c.reason),
            refused: c.refused.as_deref().map(text::line),
        })
        .collect()
}

/// `warroom export --format actions`: the follow-ups as a JSON array.
pub fn json(inc: &Incident) -> String {
    match serde_json::to_string_pretty(&follow_ups(inc)) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        Err(e) => format!("{{\"error\":{:?}}}\n", e.to_string()),
    }
}

/// `warroom export --format actions-md`: a Markdown task list, one follow-up a line, to
/// paste into an issue tracker.
pub fn markdown(inc: &Incident) -> String {
    let mut o = String::new();
    let items = follow_ups(inc);
    let day = inc
        .first_at
        .map_or(String::new(), |t| format!(" ({})", t.format("%Y-%m-%d")));
    let _ = writeln!(o, "## Follow-ups: {}{day}", cell(&text::line(&inc.title)));
    let _ = writeln!(o);
    if items.is_empty() {
        let _ = writeln!(o, "No follow-ups were recorded.");
    }
    for f in &items {
        let _ = writeln!(o, "- [ ] {}", task(f));
    }
    o
}

/// One task line: `TEXT (owner @bo, due 2026-12-05; from 2026-11-30 14:02:11 note by ana: …)`.
fn task(f: &FollowUp) -> String {
    let mut extra = Vec::new();
    if let Some(o) = &f.owner {
        extra.push(format!("owner @{}", cell(o)));
    }
    if let Some(d) = f.due {
        extra.push(format!("due {}", d.format("%Y-%m-%d")));
    }
    let mut s = cell(&f.text);
    if !extra.is_empty() {
        s.push_str(&format!(" ({})", extra.join(", ")));
    }
    if let Some(m) = &f.from {
        s.push_str(&format!(" — from {}", cell(&m.line())));
    }
    s
}

/// The postmortem's Follow-ups and Corrections sections (each only when it has rows).
pub fn write_sections(
    o: &mut String,
    follow: &[FollowUp],
    fixes: &[CorrectionRow],
) -> std::fmt::Result {
    if !fixes.is_empty() {
        writeln!(o, "## Corrections")?;
        writeln!(o)?;
        writeln!(
            o,
            "Timeline entries corrected after the fact; the log keeps the originals."
        )?;
        writeln!(o)?;
        writeln!(o, "| UTC | Who | Entry | Before → after | Why |")?;
        writeln!(o, "|---|---|---|---|---|")?;
        for c in fixes {
            let entry = match (&c.kind, &c.refused) {
                (_, Some(r)) => format!("#{} (not applied: {r})", c.target),
                (Some(k), None) => format!("#{} {k}", c.target),
                (None, None) => format!("#{}", c.target),
            };
            writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                c.at.format(TIME),
                cell(&c.by),
                cell(&entry),
                cell(&c.change()),
                cell(&c.reason)
            )?;
        }
        writeln!(o)?;
    }
    if !follow.is_empty() {
        writeln!(o, "## Follow-ups")?;
        writeln!(o)?;
        writeln!(o, "| Item | Owner | Due | From (timeline moment) |")?;
        writeln!(o, "|---|---|---|---|")?;
        for f in follow {
            writeln!(
                o,
                "| {} | {} | {} | {} |",
                cell(&f.text),
                f.owner.as_deref().map_or("-".to_string(), cell),
                f.due
                    .map_or("-".to_string(), |d| d.format("%Y-%m-%d").to_string()),
                f.from.as_ref().map_or("-".to_string(), |m| cell(&m.line()))
            )?;
        }
        writeln!(o)?;
    }
    Ok(())
}

//! The postmortem's Communication section: every status update written in the room with
//! its deliveries, how long the public waited for the first word, the longest public
//! silence while impacted, the overdue periods and how long our own public page
//! contradicted our signals. Built from the fold's [`Comms`](crate::incident::comms::Comms)
//! and the key times only, so the live room, a replay and the export agree.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::incident::comms::{Delivery, Period, UpdateRecord};
use crate::incident::{Audience, Incident, PublishOutcome, format_duration};
use crate::text;

use super::postmortem::offset;

/// What the room said and owed, for the postmortem.
#[derive(Clone, Debug, Serialize)]
pub struct Communication {
    /// Every status update (public and internal), in log order.
    pub updates: Vec<UpdateRow>,
    /// Impact start (or declaration) to the first public update; none: no public update,
    /// or neither time is known.
    pub first_public_seconds: Option<i64>,
    /// `12m00s after impact start`, `no public update`.
    pub first_public: String,
    /// The longest stretch without a public update between impact start and mitigated
    /// (or resolved, or the end of the log).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longest_silence: Option<PeriodRow>,
    /// Times the next public update was overdue (open ones counted to the end of the log).
    pub overdue: Vec<PeriodRow>,
    pub overdue_seconds: i64,
    /// Times our own public page said all is well while our signals were critical.
    pub contradictions: Vec<PeriodRow>,
    pub contradiction_seconds: i64,
}

/// One status update.
#[derive(Clone, Debug, Serialize)]
pub struct UpdateRow {
    pub at: DateTime<Utc>,
    /// `T+hh:mm:ss` since impact start (since the start of the log when unknown).
    pub offset: String,
    pub by: String,
    pub audience: &'static str,
    pub state: &'static str,
    /// The first line of the update.
    pub body: String,
    pub deliveries: Vec<DeliveryRow>,
    /// `statuspage ✓ delivered / webhook ✗ failed 500`.
    pub delivery: String,
}

/// What one publisher did with an update (its latest outcome).
#[derive(Clone, Debug, Serialize)]
pub struct DeliveryRow {
    pub target: String,
    pub outcome: &'static str,
    pub attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A span of time; `open` when it lasted to the end of the log.
#[derive(Clone, Debug, Serialize)]
pub struct PeriodRow {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub open: bool,
    pub seconds: i64,
    pub length: String,
}

impl PeriodRow {
    fn new(from: DateTime<Utc>, to: Option<DateTime<Utc>>, end: DateTime<Utc>) -> Self {
        let p = Period { from, to };
        let d = p.length(end);
        PeriodRow {
            from,
            to: to.unwrap_or(end).max(from),
            open: to.is_none(),
            seconds: d.num_seconds(),
            length: format_duration(d),
        }
    }
}

impl Communication {
    /// The section for `inc`; none when the log has no update, no cadence and no
    /// contradiction (a log from before comms, or without them).
    pub fn build(inc: &Incident) -> Option<Self> {
        let comms = &inc.comms;
        if comms.updates.is_empty() && comms.cadence.is_none() && comms.contradictions.is_empty() {
            return None;
        }
        let times = &inc.times;
        let impact = times.impact_started();
        let declared = times.declared.or(comms.declared_at);
        let end = inc.last_at.or(inc.first_at).unwrap_or_default();
        let base = impact.or(inc.first_at);

        let updates = comms.updates.iter().map(|u| update_row(u, base)).collect();

        let (from, what) = match (impact, declared) {
            (Some(i), _) => (Some(i), "impact start"),
            (None, Some(d)) => (Some(d), "declaration"),
            (None, None) => (None, "impact start"),
        };
        let first = comms.first_public();
        let first_public_seconds = match (first, from) {
            (Some(u), Some(f)) => Some((u.at - f).max(Duration::zero()).num_seconds()),
            _ => None,
        };
        let first_public = match (first, first_public_seconds) {
            (Some(_), Some(s)) => format!("{} after {what}", format_duration(Duration::seconds(s))),
            (Some(u), None) => format!("at {} (start unknown)", u.at.format("%H:%M:%S")),
            (None, _) => "no public update".to_string(),
        };

        let public: Vec<DateTime<Utc>> = comms
            .updates
            .iter()
            .filter(|u| u.audience == Audience::Public)
            .map(|u| u.at)
            .collect();
        let until = times.mitigated.or(times.resolved).unwrap_or(end);
        let longest_silence = from.and_then(|f| longest_gap(f, until, &public));

        let periods = |ps: &[Period]| -> (Vec<PeriodRow>, i64) {
            let rows: Vec<PeriodRow> = ps
                .iter()
                .map(|p| PeriodRow::new(p.from, p.to, end))
                .collect();
            let total = rows.iter().map(|r| r.seconds).sum();
            (rows, total)
        };
        let (overdue, overdue_seconds) = periods(&comms.overdue_periods);
        let (contradictions, contradiction_seconds) = periods(&comms.contradictions);

        Some(Communication {
            updates,
            first_public_seconds,
            first_public,
            longest_silence,
            overdue,
            overdue_seconds,
            contradictions,
            contradiction_seconds,
        })
    }
}

/// The longest gap between `from`, the public updates inside (`from`, `until`) and `until`.
fn longest_gap(
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    public: &[DateTime<Utc>],
) -> Option<PeriodRow> {
    if until <= from {
        return None;
    }
    let mut marks = vec![from];
    marks.extend(public.iter().copied().filter(|t| *t > from && *t < until));
    marks.push(until);
    marks
        .windows(2)
        .max_by_key(|w| (w[1] - w[0], std::cmp::Reverse(w[0])))
        .map(|w| PeriodRow::new(w[0], Some(w[1]), until))
}

fn update_row(u: &UpdateRecord, base: Option<DateTime<Utc>>) -> UpdateRow {
    let deliveries: Vec<DeliveryRow> = u
        .deliveries
        .iter()
        .map(|(target, d)| delivery_row(target, d))
        .collect();
    let delivery = if deliveries.is_empty() {
        "-".to_string()
    } else {
        deliveries
            .iter()
            .map(delivery_text)
            .collect::<Vec<_>>()
            .join(" / ")
    };
    UpdateRow {
        at: u.at,
        offset: offset(base, u.at),
        by: text::line(&u.author),
        audience: u.audience.as_str(),
        state: u.state.as_str(),
        body: text::line(u.body.lines().next().unwrap_or_default()),
        deliveries,
        delivery,
    }
}

fn delivery_row(target: &str, d: &Delivery) -> DeliveryRow {
    DeliveryRow {
        target: text::line(target),
        outcome: match d.outcome {
            PublishOutcome::Sending => "sending",
            PublishOutcome::Delivered => "delivered",
            PublishOutcome::Failed => "failed",
        },
        attempts: d.attempts,
        status: d.status,
        message: d.message.as_deref().map(text::line),
    }
}

/// `statuspage ✓ delivered`, `webhook ✗ failed 500`, `file … sending`.
fn delivery_text(d: &DeliveryRow) -> String {
    let mark = match d.outcome {
        "delivered" => "✓",
        "failed" => "✗",
        _ => "…",
    };
    match d.status {
        Some(s) if d.outcome == "failed" => format!("{} {mark} failed {s}", d.target),
        _ => format!("{} {mark} {}", d.target, d.outcome),
    }
}

/// The `## Communication` section: a table of the updates, then the figures.
pub fn write_markdown(o: &mut String, c: &Communication) -> std::fmt::Result {
    use super::markdown::cell;
    use std::fmt::Write as _;
    let t = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S").to_string();
    let span = |p: &PeriodRow| {
        format!(
            "{} to {}{} ({})",
            t(p.from),
            t(p.to),
            if p.open {
                " (still open at the end of the log)"
            } else {
                ""
            },
            p.length
        )
    };
    writeln!(o, "## Communication")?;
    writeln!(o)?;
    if c.updates.is_empty() {
        writeln!(o, "No status update was written in the room.")?;
    } else {
        writeln!(
            o,
            "| UTC | Since impact | By | Audience | State | Update | Delivery |"
        )?;
        writeln!(o, "|---|---|---|---|---|---|---|")?;
        for u in &c.updates {
            writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} |",
                t(u.at),
                u.offset,
                cell(&u.by),
                u.audience,
                u.state,
                cell(&u.body),
                cell(&u.delivery)
            )?;
        }
    }
    writeln!(o)?;
    writeln!(o, "- Time to first public update: {}", c.first_public)?;
    match &c.longest_silence {
        Some(s) => writeln!(o, "- Longest silence while impacted: {}", span(s))?,
        None => writeln!(o, "- Longest silence while impacted: -")?,
    }
    let list = |o: &mut String, what: &str, rows: &[PeriodRow], total: i64| {
        if rows.is_empty() {
            writeln!(o, "- {what}: none")
        } else {
            writeln!(
                o,
                "- {what}: {} in all",
                format_duration(Duration::seconds(total))
            )?;
            rows.iter().try_for_each(|p| writeln!(o, "  - {}", span(p)))
        }
    };
    list(o, "Public update overdue", &c.overdue, c.overdue_seconds)?;
    list(
        o,
        "Our public page contradicted our signals",
        &c.contradictions,
        c.contradiction_seconds,
    )?;
    writeln!(o)?;
    Ok(())
}

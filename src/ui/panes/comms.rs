//! Communication: the last public update (when, state, first line, where it went and
//! whether it arrived), when the next one is due (amber from 5 minutes before, red
//! "OVERDUE 4m" after), the last internal update, and what our own status page says
//! against what our signals say (the silent-page alarm in red).
//!
//! Everything it says is derived by the fold (`Incident::comms`: the due time, overdue,
//! our own page, whether the signals are bad, the alarm), so the pane, the timeline, a
//! replay and the export can never disagree; this file only words and colours it.

use chrono::{DateTime, Duration, Utc};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::Ctx;
use super::header::state_style;
use crate::incident::comms::says_operational;
use crate::incident::state::StatusPage;
use crate::incident::{
    Audience, Incident, IncidentState, PublishOutcome, UpdateRecord, format_duration,
};
use crate::text;
use crate::ui::paint::{fit, width, wrap};
use crate::ui::theme::{Sem, Theme};

/// From this close to the due time the countdown turns amber.
pub const DUE_SOON: Duration = Duration::minutes(5);

/// Rows the pane wants inside its border.
pub const LINES: u16 = 7;

/// Where the next public update stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Due {
    /// Nothing is owed: resolved, not declared yet, or no cadence for this severity.
    None(String),
    /// Due at this time, in this much.
    In(DateTime<Utc>, Duration),
    /// Overdue since this time, by this much.
    Overdue(DateTime<Utc>, Duration),
    /// Nothing more is owed by the cadence, but the public still has to be told (the room
    /// resolved while the last public update said otherwise).
    Tell(String),
}

/// The due state at `now`. A read-only view (a replay, an observer) cannot declare or
/// write an update, so its wording names the step without the key or command.
pub fn due(inc: &Incident, now: DateTime<Utc>, read_only: bool) -> Due {
    let c = &inc.comms;
    if let (Some(at), Some(left)) = (c.next_due(), c.due_in(now)) {
        return Due::In(at, left);
    }
    if let (Some(at), Some(by)) = (c.next_due(), c.overdue(now)) {
        return Due::Overdue(at, by);
    }
    match c.cadence() {
        _ if inc.state == IncidentState::Resolved => match c.last_public() {
            // Resolved here, but the public was last told something else: say so.
            Some(u) if u.state != IncidentState::Resolved => Due::Tell(format!(
                "resolved here; the public was last told {}: send a resolved update{}",
                u.state.as_str(),
                if read_only { "" } else { " (u)" }
            )),
            _ => Due::None("resolved: no update due".into()),
        },
        None => Due::None("no update cadence in this log".into()),
        Some(cad) if c.last_public().is_none() && !inc.declared => Due::None(format!(
            "first update due {} after {}",
            c.rule(cad.first_update_within),
            if read_only { "declaring" } else { ":declare" }
        )),
        Some(_) => Due::None(format!("no update cadence for {}", inc.severity)),
    }
}

/// `OVERDUE 4m`, `in 12m04s`, or why nothing is due; and its style.
pub fn due_span(d: &Due, t: &Theme) -> (String, Style) {
    match d {
        Due::None(why) => (why.clone(), t.s(Sem::Dim)),
        Due::Tell(what) => (what.clone(), t.s(Sem::Warn)),
        Due::In(at, left) => (
            format!(
                "next update in {} (due {})",
                format_duration(*left),
                hm(*at)
            ),
            if *left <= DUE_SOON {
                t.s(Sem::Warn)
            } else {
                t.s(Sem::Ok)
            },
        ),
        Due::Overdue(at, by) => (
            format!(
                "OVERDUE {}: public update was due {}",
                minutes(*by),
                hm(*at)
            ),
            t.s(Sem::Crit),
        ),
    }
}

/// `40s` under a minute, else whole minutes: `4m`, `1h05m`.
fn minutes(d: Duration) -> String {
    let s = d.num_seconds().max(0);
    let m = s / 60;
    if m == 0 {
        format!("{s}s")
    } else if m >= 60 {
        format!("{}h{:02}m", m / 60, m % 60)
    } else {
        format!("{m}m")
    }
}

fn hm(t: DateTime<Utc>) -> String {
    t.format("%H:%M").to_string()
}

/// The title extra: how many updates went out.
pub fn title_extra(inc: &Incident) -> String {
    let public = inc
        .comms
        .updates
        .iter()
        .filter(|u| u.audience == Audience::Public)
        .count();
    let internal = inc.comms.updates.len() - public;
    if inc.comms.updates.is_empty() {
        "u writes an update".into()
    } else {
        format!("{public} public · {internal} internal")
    }
}

/// `public   14:01 · 11m04s ago · identified`, then the body's first line (public), or
/// `internal 14:05 · first line` in one line.
fn update_lines(
    label: &str,
    u: Option<&UpdateRecord>,
    cx: &Ctx,
    w: usize,
    none_style: Style,
) -> Vec<Line<'static>> {
    let t = cx.theme;
    let head = Span::styled(format!("{label:<9}"), t.s(Sem::Title));
    let Some(u) = u else {
        return vec![Line::from(vec![head, Span::styled("none yet", none_style)])];
    };
    let when = format!(
        "{} · {} ago",
        hm(u.at),
        format_duration((cx.now - u.at).max(Duration::zero()))
    );
    let first = text::line_max(u.body.lines().next().unwrap_or_default(), 300);
    if u.audience == Audience::Internal {
        let used = 9 + width(&when) + 3;
        return vec![Line::from(vec![
            head,
            Span::styled(when, t.s(Sem::Dim)),
            Span::styled(" · ", t.s(Sem::Dim)),
            Span::raw(fit(&first, w.saturating_sub(used))),
        ])];
    }
    vec![
        Line::from(vec![
            head,
            Span::styled(when, t.s(Sem::Dim)),
            Span::styled(" · ", t.s(Sem::Dim)),
            Span::styled(u.state.as_str().to_string(), state_style(t, u.state)),
        ]),
        Line::from(vec![
            Span::raw("  "),
            Span::raw(fit(&first, w.saturating_sub(2))),
        ]),
    ]
}

/// Where the update went: `→ statuspage ✓ · slack ✗ failed 500: …`.
fn deliveries_line(u: &UpdateRecord, t: &Theme, w: usize) -> Line<'static> {
    let mut spans = vec![Span::styled("  → ", t.s(Sem::Dim))];
    if u.targets.is_empty() && u.deliveries.is_empty() {
        spans.push(Span::styled(
            "recorded in the log only (no publishers)",
            t.s(Sem::Dim),
        ));
        return Line::from(spans);
    }
    let mut names: Vec<&String> = u.targets.iter().collect();
    for k in u.deliveries.keys() {
        if !names.contains(&k) {
            names.push(k);
        }
    }
    let mut used = 4;
    for (i, name) in names.iter().enumerate() {
        let (what, style) = match u.deliveries.get(*name) {
            None => ("waiting".to_string(), t.s(Sem::Dim)),
            Some(d) => match d.outcome {
                PublishOutcome::Sending => {
                    (format!("… sending, try {}", d.attempts), t.s(Sem::Warn))
                }
                PublishOutcome::Delivered => ("✓".to_string(), t.s(Sem::Ok)),
                PublishOutcome::Failed => {
                    let why = match (d.status, &d.message) {
                        (Some(s), Some(m)) => format!(" {s}: {}", text::line_max(m, 200)),
                        (Some(s), None) => format!(" {s}"),
                        (None, Some(m)) => format!(": {}", text::line_max(m, 200)),
                        (None, None) => String::new(),
                    };
                    (format!("✗ failed{why}"), t.s(Sem::Crit))
                }
            },
        };
        let sep = if i == 0 { "" } else { " · " };
        let name = text::line_max(name, 60);
        let part = format!("{sep}{name} ");
        if used + width(&part) + 4 > w {
            spans.push(Span::styled("…", t.s(Sem::Dim)));
            break;
        }
        used += width(&part);
        let what = fit(&what, w.saturating_sub(used));
        used += width(&what);
        spans.push(Span::raw(part));
        spans.push(Span::styled(what, style));
    }
    Line::from(spans)
}

/// The silent-page alarm in words, while the fold has it raised: `ALARM our page says
/// operational while checkout error rate critical for 6m` (how long the page has
/// contradicted the signals, in room time like every elapsed time on screen; the timeline
/// entry counts the same). The pane, its one-line form and the header all say it so.
pub fn alarm_text(inc: &Incident, now: DateTime<Utc>) -> Option<String> {
    let a = inc.comms.alarm.as_ref()?;
    Some(format!(
        "ALARM our page says operational while {} for {}",
        text::line_max(&a.signal, 200),
        minutes(now - a.since)
    ))
}

/// What our own page says against our signals: red over two lines when the fold raised
/// the silent-page alarm, else one line, amber while the page contradicts the signals.
fn page_lines(cx: &Ctx, w: usize) -> Vec<Line<'static>> {
    let t = cx.theme;
    if let Some(s) = alarm_text(cx.inc, cx.now) {
        return wrap(&s, w.max(1), 2)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, t.s(Sem::Crit))))
            .collect();
    }
    vec![page_line(cx, w)]
}

fn page_line(cx: &Ctx, w: usize) -> Line<'static> {
    let t = cx.theme;
    let inc = cx.inc;
    let label = Span::styled(format!("{:<9}", "our page"), t.s(Sem::Title));
    let Some(page) = shown_page(inc) else {
        return Line::from(vec![
            label,
            Span::styled("none marked own (role = \"own\")", t.s(Sem::Dim)),
        ]);
    };
    let operational = says_operational(page);
    let says = if operational {
        "says operational"
    } else {
        "shows a problem"
    };
    let (sig, sig_style) = if inc.comms.signals_bad() {
        (text::line_max(&inc.worst_signal(), 200), t.s(Sem::Crit))
    } else {
        ("nothing critical".to_string(), t.s(Sem::Ok))
    };
    let page_style = if inc.comms.contradicted() {
        t.s(Sem::Warn)
    } else if operational {
        t.s(Sem::Ok)
    } else {
        t.s(Sem::Crit)
    };
    let name = fit(&text::line_max(&page.name, 100), 24);
    let head = format!("{name} {says}");
    let used = 9 + width(&head) + 3;
    Line::from(vec![
        label,
        Span::styled(head, page_style),
        Span::styled(" · ", t.s(Sem::Dim)),
        Span::styled(fit(&sig, w.saturating_sub(used)), sig_style),
    ])
}

/// The page the line speaks of: the own page the fold watches (it says operational), else
/// our first own page (it shows a problem), else, when no page is marked own or provider,
/// the first such page (shown, but the fold raises no alarm for an unmarked page).
fn shown_page(inc: &Incident) -> Option<&StatusPage> {
    let watched = inc
        .comms
        .own_page
        .as_ref()
        .and_then(|q| inc.pages.iter().find(|p| p.name == q.page));
    watched
        .or_else(|| inc.own_pages().next())
        .or_else(|| inc.pages.iter().find(|p| p.role.is_none()))
}

/// The lines of the comms pane for an inner width `w`.
pub fn lines(cx: &Ctx, w: usize) -> Vec<Line<'static>> {
    let t = cx.theme;
    let inc = cx.inc;
    let d = due(inc, cx.now, cx.read_only);
    let none_style = if matches!(d, Due::Overdue(..)) {
        t.s(Sem::Crit)
    } else {
        t.s(Sem::Dim)
    };
    let public = inc.comms.last_public();
    let mut out = update_lines("public", public, cx, w, none_style);
    if let Some(u) = public {
        out.push(deliveries_line(u, t, w));
    }
    let (s, st) = due_span(&d, t);
    out.push(Line::from(Span::styled(fit(&s, w), st)));
    out.extend(update_lines(
        "internal",
        inc.comms.last_internal(),
        cx,
        w,
        t.s(Sem::Dim),
    ));
    out.extend(page_lines(cx, w));
    out
}

/// Every update, newest first, with its body and deliveries (the zoomed pane).
pub fn history(cx: &Ctx, w: usize) -> Vec<Line<'static>> {
    let t = cx.theme;
    let mut out = vec![
        Line::from(""),
        Line::from(Span::styled(
            format!("All updates ({})", cx.inc.comms.updates.len()),
            t.s(Sem::Title),
        )),
    ];
    for u in cx.inc.comms.updates.iter().rev() {
        out.push(Line::from(vec![
            Span::styled(format!("{} ", u.at.format("%H:%M:%S")), t.s(Sem::Dim)),
            Span::styled(format!("{} ", u.audience.as_str()), t.s(Sem::Info)),
            Span::styled(u.state.as_str().to_string(), state_style(t, u.state)),
            Span::styled(
                format!(" by {}", text::line_max(&u.author, 40)),
                t.s(Sem::Dim),
            ),
        ]));
        for c in &u.components {
            out.push(Line::from(vec![
                Span::raw(format!("  {} ", text::line_max(&c.name, 60))),
                Span::styled(
                    text::line_max(&c.status.replace('_', " "), 40),
                    crate::ui::paint::component_style(t, &c.status),
                ),
            ]));
        }
        for para in text::block(&u.body).lines() {
            for l in crate::ui::paint::wrap(para, w.saturating_sub(2).max(1), usize::MAX) {
                out.push(Line::from(format!("  {l}")));
            }
        }
        out.push(deliveries_line(u, t, w));
    }
    out
}

/// The pane folded into one line (narrow screens): when the next update is due first (a
/// commander must never lose the countdown), then the alarm (the header carries its red
/// badge too), then the last public update.
pub fn strip(cx: &Ctx, w: usize) -> Line<'static> {
    let t = cx.theme;
    let inc = cx.inc;
    let mut spans = vec![Span::styled("Comms ", t.s(Sem::Title))];
    let mut used = 6;
    let (s, st) = due_span(&due(inc, cx.now, cx.read_only), t);
    let s = format!("{s} · ");
    spans.push(Span::styled(fit(&s, w.saturating_sub(used)), st));
    used += width(&s);
    if let Some(s) = alarm_text(inc, cx.now) {
        let s = format!("{s} · ");
        spans.push(Span::styled(
            fit(&s, w.saturating_sub(used)),
            t.s(Sem::Crit),
        ));
        used += width(&s);
    }
    let last = match inc.comms.last_public() {
        Some(u) => format!(
            "public {} {}: {}",
            hm(u.at),
            u.state,
            text::line_max(u.body.lines().next().unwrap_or_default(), 200)
        ),
        None if cx.read_only => "no public update yet".to_string(),
        None => "no public update yet (u writes one)".to_string(),
    };
    spans.push(Span::styled(
        fit(&last, w.saturating_sub(used)),
        t.s(Sem::Dim),
    ));
    Line::from(spans)
}

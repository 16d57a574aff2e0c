//! Communication: the last public update (when, state, first line, where it went and
//! whether it arrived), when the next one is due (amber from 5 minutes before, red
//! "OVERDUE 4m" after), the last internal update, and what our own status page says
//! against what our signals say (the silent-page alarm in red).
//!
//! The due time and the contradiction are read from `Incident::comms` through the small
//! functions at the end of this file ([`next_due`], [`contradiction`]); they are the one
//! place to switch to the fold's own derivations.

use chrono::{DateTime, Duration, Utc};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::Ctx;
use super::header::state_style;
use crate::incident::state::StatusPage;
use crate::incident::{
    Audience, Cadence, Incident, IncidentState, Level, PublishOutcome, UpdateRecord,
    format_duration,
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
}

/// The due state at `now`.
pub fn due(inc: &Incident, now: DateTime<Utc>) -> Due {
    if inc.state == IncidentState::Resolved {
        return Due::None("resolved: no update due".into());
    }
    match next_due(inc) {
        Some(at) if at > now => Due::In(at, at - now),
        Some(at) => Due::Overdue(at, now - at),
        None if inc.comms.last_public().is_none() && !inc.declared => {
            let c = cadence(inc);
            Due::None(format!(
                "first update due {} after :declare",
                format_duration(c.first_update_within)
            ))
        }
        None => Due::None(format!("no update cadence for {}", inc.severity)),
    }
}

/// `OVERDUE 4m`, `in 12m04s`, or why nothing is due; and its style.
pub fn due_span(d: &Due, t: &Theme) -> (String, Style) {
    match d {
        Due::None(why) => (why.clone(), t.s(Sem::Dim)),
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

/// What our own page says against our signals: red over two lines when the fold raised
/// the silent-page alarm, else one line, amber while the page contradicts the signals.
fn page_lines(cx: &Ctx, w: usize) -> Vec<Line<'static>> {
    let t = cx.theme;
    if let Some(a) = &cx.inc.comms.alarm {
        let s = format!(
            "ALARM our page says operational while {} for {}",
            text::line_max(&a.signal, 200),
            minutes(cx.now - a.since)
        );
        return wrap(&s, w.max(1), 2)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, t.s(Sem::Crit))))
            .collect();
    }
    vec![page_line(cx, w)]
}

fn page_line(cx: &Ctx, w: usize) -> Line<'static> {
    let t = cx.theme;
    let label = Span::styled(format!("{:<9}", "our page"), t.s(Sem::Title));
    let pages = own_pages(cx.inc);
    let Some(page) = pages.first() else {
        return Line::from(vec![
            label,
            Span::styled("none marked own (role = \"own\")", t.s(Sem::Dim)),
        ]);
    };
    let says = if page.is_degraded() {
        "shows a problem"
    } else {
        "says operational"
    };
    let signals = bad_signals(cx.inc);
    let (sig, sig_style) = match &signals {
        Some((s, Level::Crit)) => (s.clone(), t.s(Sem::Crit)),
        Some((s, _)) => (s.clone(), t.s(Sem::Warn)),
        None => ("signals ok".to_string(), t.s(Sem::Ok)),
    };
    let contradicts = contradiction(cx.inc);
    let page_style = if contradicts {
        t.s(Sem::Warn)
    } else if page.is_degraded() {
        t.s(Sem::Crit)
    } else {
        t.s(Sem::Ok)
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

/// The lines of the comms pane for an inner width `w`.
pub fn lines(cx: &Ctx, w: usize) -> Vec<Line<'static>> {
    let t = cx.theme;
    let inc = cx.inc;
    let d = due(inc, cx.now);
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

/// The pane folded into one line (narrow screens): the alarm first, else when the next
/// update is due, else the last public update.
pub fn strip(cx: &Ctx, w: usize) -> Line<'static> {
    let t = cx.theme;
    let inc = cx.inc;
    let mut spans = vec![Span::styled("Comms ", t.s(Sem::Title))];
    let mut used = 6;
    if let Some(a) = &inc.comms.alarm {
        let s = format!(
            "ALARM our page says operational while {} for {} · ",
            text::line_max(&a.signal, 100),
            minutes(cx.now - a.since)
        );
        used += width(&s);
        spans.push(Span::styled(fit(&s, w.saturating_sub(6)), t.s(Sem::Crit)));
    }
    let (s, st) = due_span(&due(inc, cx.now), t);
    let s = format!("{s} · ");
    spans.push(Span::styled(fit(&s, w.saturating_sub(used)), st));
    used += width(&s);
    let last = match inc.comms.last_public() {
        Some(u) => format!(
            "public {} {}: {}",
            hm(u.at),
            u.state,
            text::line_max(u.body.lines().next().unwrap_or_default(), 200)
        ),
        None => "no public update yet (u writes one)".to_string(),
    };
    spans.push(Span::styled(
        fit(&last, w.saturating_sub(used)),
        t.s(Sem::Dim),
    ));
    Line::from(spans)
}

// ---- Derivations from `Incident::comms`. Small and local until the fold offers them. ----

/// The cadence in force: the log's `comms_defined`, else the `[comms]` defaults (first
/// update 15 minutes after declaring; SEV1 every 20m, SEV2 30m, SEV3 60m, SEV4 none;
/// contradiction after 5m).
pub fn cadence(inc: &Incident) -> Cadence {
    inc.comms.cadence.clone().unwrap_or_else(|| Cadence {
        first_update_within: Duration::minutes(15),
        every: [("SEV1", 20), ("SEV2", 30), ("SEV3", 60)]
            .into_iter()
            .map(|(s, m)| (s.to_string(), Duration::minutes(m)))
            .collect(),
        contradiction_after: Duration::minutes(5),
    })
}

/// When the next public update is due: the last public update plus the interval for the
/// current severity; before any, `first_update_within` after the declaration. `None`:
/// nothing is owed (not declared and nothing sent, or no interval for this severity).
pub fn next_due(inc: &Incident) -> Option<DateTime<Utc>> {
    let c = cadence(inc);
    match inc.comms.last_public() {
        Some(u) => c
            .every
            .get(inc.severity.as_str())
            .map(|every| u.at + *every),
        None => inc.times.declared.map(|d| d + c.first_update_within),
    }
}

/// Our own public pages (`role = "own"`); when no page is marked, every page not marked
/// as a provider's.
pub fn own_pages(inc: &Incident) -> Vec<&StatusPage> {
    let own: Vec<&StatusPage> = inc
        .pages
        .iter()
        .filter(|p| p.role.as_deref() == Some("own"))
        .collect();
    if own.is_empty() {
        inc.pages.iter().filter(|p| !p.is_provider()).collect()
    } else {
        own
    }
}

/// The worst of our signals in words (`checkout error rate critical +2`), with its
/// level; `None` when every signal is fine and no alert fires.
pub fn bad_signals(inc: &Incident) -> Option<(String, Level)> {
    let mut crit: Vec<String> = Vec::new();
    let mut warn: Vec<String> = Vec::new();
    for s in inc.signals.values() {
        match s.level {
            Level::Crit => crit.push(format!("{} critical", text::line_max(&s.name, 60))),
            Level::Warn => warn.push(format!("{} warn", text::line_max(&s.name, 60))),
            _ => {}
        }
    }
    for r in inc.reports.values() {
        match r.level {
            Level::Crit => crit.push(format!("{} critical", text::line_max(&r.name, 60))),
            Level::Warn => warn.push(format!("{} warn", text::line_max(&r.name, 60))),
            _ => {}
        }
    }
    for a in inc.firing() {
        crit.push(format!("{} firing", text::line_max(&a.name, 60)));
    }
    let (list, level) = if crit.is_empty() {
        (warn, Level::Warn)
    } else {
        (crit, Level::Crit)
    };
    let first = list.first()?;
    let more = if list.len() > 1 {
        format!(" +{}", list.len() - 1)
    } else {
        String::new()
    };
    Some((format!("{first}{more}"), level))
}

/// Our own page shows no problem while a signal is critical or an alert fires.
pub fn contradiction(inc: &Incident) -> bool {
    let pages = own_pages(inc);
    !pages.is_empty()
        && pages.iter().all(|p| !p.is_degraded())
        && matches!(bad_signals(inc), Some((_, Level::Crit)))
}

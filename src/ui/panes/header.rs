//! The header: drill badge, title, severity, state, times, roles, people, UTC clock.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::Ctx;
use crate::incident::{IncidentState, KeyTime, Severity, format_duration};
use crate::text;
use crate::ui::paint::{ago, fill, fit, put, put_line, width};
use crate::ui::theme::{Sem, Theme};

/// The header's badge while the silent-page alarm is raised.
pub const ALARM_BADGE: &str = "ALARM page says operational";

pub fn sev_style(t: &Theme, s: Severity) -> Style {
    match s {
        Severity::Sev1 => t.s(Sem::Sev1),
        Severity::Sev2 => t.s(Sem::Sev2),
        Severity::Sev3 => t.s(Sem::Sev3),
        Severity::Sev4 => t.s(Sem::Sev4),
    }
}

pub fn state_style(t: &Theme, s: IncidentState) -> Style {
    match s {
        IncidentState::Investigating => t.s(Sem::Investigating),
        IncidentState::Identified => t.s(Sem::Identified),
        IncidentState::Monitoring => t.s(Sem::Monitoring),
        IncidentState::Resolved => t.s(Sem::Resolved),
    }
}

fn line_width(spans: &[Span<'_>]) -> usize {
    spans.iter().map(|s| width(&s.content)).sum()
}

/// Draws the header into `area` (1 or 2 rows).
pub fn draw(buf: &mut Buffer, area: Rect, cx: &Ctx) {
    let t = cx.theme;
    let inc = cx.inc;
    let hs = t.s(Sem::Header);
    fill(buf, area, hs);
    let w = area.width as usize;
    let clock = format!(" {} UTC ", cx.now.format("%H:%M:%S"));

    let mut left: Vec<Span> = Vec::new();
    if inc.drill.is_some() {
        left.push(Span::styled(" DRILL ", t.s(Sem::Drill)));
        left.push(Span::raw(" "));
    }
    left.push(Span::styled(
        format!(" {} ", inc.severity),
        sev_style(t, inc.severity),
    ));
    left.push(Span::raw(" "));
    left.push(Span::styled(
        inc.state.as_str().to_string(),
        state_style(t, inc.state),
    ));
    left.push(Span::raw("  "));
    // The silent-page alarm at every size: a short red badge always, the signal and how
    // long where the row has room after the basic state.
    let alarm = super::comms::alarm_text(inc, cx.now);
    if alarm.is_some() {
        left.push(Span::styled(ALARM_BADGE, t.s(Sem::Crit)));
        left.push(Span::raw("  "));
    }

    // Not declared yet: wherever it fits whole, before the title (nothing is counted
    // and no update is owed until it is).
    if !inc.declared && line_width(&left) + 14 + width(&clock) <= w {
        left.push(Span::styled("not declared", t.s(Sem::Warn)));
        left.push(Span::raw("  "));
    }

    // Optional parts, in the order they are dropped when space runs out (last first).
    let mut extra: Vec<Vec<Span>> = Vec::new();
    // How to declare, first of the parts that give way; a replay or an observer cannot
    // declare, so it is not offered there.
    if !inc.declared && !cx.read_only {
        extra.push(vec![
            Span::styled(":declare", t.s(Sem::Key)),
            Span::styled(" declares", t.s(Sem::Dim)),
        ]);
    }
    if let Some(d) = inc.times.impact_duration(cx.now) {
        extra.push(vec![
            Span::styled("impact ", t.s(Sem::Dim)),
            Span::raw(format_duration(d)),
        ]);
    }
    let role = |r: &str| inc.roles.get(r).map(|p| text::line_max(p, 30));
    extra.push(vec![
        Span::styled("IC ", t.s(Sem::Dim)),
        match role("commander") {
            Some(p) => Span::raw(p),
            None => Span::styled("none", t.s(Sem::Warn)),
        },
    ]);
    // The alarm's detail after the impact clock and the commander: the badge already
    // says it in red, and a commander must not lose the basic state to it.
    if let Some(a) = alarm {
        let rest = a
            .strip_prefix("ALARM our page says operational while ")
            .unwrap_or(&a);
        extra.push(vec![Span::styled(rest.to_string(), t.s(Sem::Crit))]);
    }
    extra.push(vec![
        Span::raw(format!("{}", inc.present.len())),
        Span::styled(" in room", t.s(Sem::Dim)),
    ]);
    if let Some(p) = role("comms") {
        extra.push(vec![Span::styled("comms ", t.s(Sem::Dim)), Span::raw(p)]);
    }
    if let Some(a) = inc.times.declared {
        extra.push(vec![
            Span::styled("declared ", t.s(Sem::Dim)),
            Span::raw(ago(cx.now, a)),
        ]);
    }

    let title = text::line_max(&inc.title, 300);
    let fixed = line_width(&left) + width(&clock);
    let min_title = 32.min(width(&title));
    // Keep as many extras as fit beside a title of at least `min_title`.
    let mut keep = extra.len();
    let extra_w = |k: usize| -> usize { extra[..k].iter().map(|e| line_width(e) + 3).sum() };
    while keep > 0 && fixed + min_title + extra_w(keep) + 2 > w {
        keep -= 1;
    }
    let title_w = w.saturating_sub(fixed + extra_w(keep) + 2);
    let mut spans = left;
    let tt = fit(&title, title_w);
    let pad = title_w.saturating_sub(width(&tt));
    spans.push(Span::styled(
        tt,
        hs.add_modifier(ratatui::style::Modifier::BOLD),
    ));
    spans.push(Span::raw(" ".repeat(pad + 2)));
    for e in extra.into_iter().take(keep) {
        spans.push(Span::styled(" │ ", t.s(Sem::Dim)));
        spans.extend(e);
    }
    let line = Line::from(spans).style(hs);
    put_line(buf, area, area.x, area.y, &line);
    let cx0 = area
        .right()
        .saturating_sub(width(&clock) as u16)
        .max(area.x);
    put(
        buf,
        area,
        cx0,
        area.y,
        &clock,
        hs.add_modifier(ratatui::style::Modifier::BOLD),
    );

    if area.height >= 2 {
        let mut s: Vec<Span> = Vec::new();
        for k in KeyTime::ALL {
            let v = inc
                .times
                .get(k)
                .map(|t| {
                    // A time on another day than today carries its date.
                    if t.date_naive() == cx.now.date_naive() {
                        t.format("%H:%M:%S").to_string()
                    } else {
                        t.format("%Y-%m-%d %H:%M:%S").to_string()
                    }
                })
                .unwrap_or_else(|| "–".into());
            s.push(Span::styled(format!("{} ", k.label()), t.s(Sem::Dim)));
            s.push(Span::raw(format!("{v}   ")));
        }
        let dur = [
            ("TTD", inc.times.time_to_detect()),
            ("TTA", inc.times.time_to_acknowledge()),
            ("TTM", inc.times.time_to_mitigate()),
            ("TTR", inc.times.time_to_resolve()),
        ];
        for (n, d) in dur {
            if let Some(d) = d {
                s.push(Span::styled(format!("{n} "), t.s(Sem::Dim)));
                s.push(Span::raw(format!("{}  ", format_duration(d))));
            }
        }
        let others: Vec<String> = inc
            .roles
            .iter()
            .filter(|(r, _)| r.as_str() != "commander" && r.as_str() != "comms")
            .map(|(r, p)| format!("{} {}", text::line_max(r, 20), text::line_max(p, 30)))
            .collect();
        if !others.is_empty() {
            s.push(Span::styled("│ ", t.s(Sem::Dim)));
            s.push(Span::raw(others.join(" · ")));
        }
        let room = (area.width as usize).saturating_sub(1);
        put_line(
            buf,
            area,
            area.x + 1,
            area.y + 1,
            &Line::from(cut_spans(s, room)).style(hs),
        );
    }
}

/// One red line over the header's last row: the room cannot record ("LOG NOT WRITABLE:
/// 13 actions waiting (No space left on device)").
pub fn draw_alert(buf: &mut Buffer, area: Rect, problem: &str, t: &Theme) {
    if area.height == 0 {
        return;
    }
    let style = t.s(Sem::Sev1);
    let row = Rect::new(area.x, area.bottom() - 1, area.width, 1);
    fill(buf, row, style);
    let text = fit(&format!(" {} ", text::line(problem)), area.width as usize);
    put(buf, row, row.x, row.y, &text, style);
}

/// Spans cut to `w` columns between whole parts: after the last gap of two spaces (between
/// one time and the next) that fits, else after the last whole word; `…` marks the cut.
fn cut_spans(spans: Vec<Span<'static>>, w: usize) -> Vec<Span<'static>> {
    if line_width(&spans) <= w {
        return spans;
    }
    let joined: String = spans.iter().map(|s| s.content.as_ref()).collect();
    // What is kept plus " …" fits.
    let fits = |end: usize| width(joined[..end].trim_end()) + 2 <= w;
    let last_fit = |sep: &str| {
        joined
            .match_indices(sep)
            .map(|(i, _)| i)
            .filter(|i| *i > 0 && fits(*i))
            .last()
    };
    let end = last_fit("  ").or_else(|| last_fit(" ")).unwrap_or_else(|| {
        joined
            .char_indices()
            .map(|(i, _)| i)
            .take_while(|i| fits(*i))
            .last()
            .unwrap_or(0)
    });
    let mut out = Vec::new();
    let mut at = 0;
    for sp in spans {
        if at >= end {
            break;
        }
        let c = sp.content.as_ref();
        let take = c.len().min(end - at);
        let part = c.get(..take).unwrap_or(c).to_string();
        at += c.len();
        out.push(Span::styled(part, sp.style));
    }
    if let Some(last) = out.last_mut() {
        let t = last.content.trim_end().to_string();
        last.content = t.into();
    }
    out.push(Span::raw(" …"));
    out
}

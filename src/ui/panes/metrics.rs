//! Metrics: per series its last value, a chart over the window with thresholds, and the
//! freshness of its source.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::{Ctx, chart};
use crate::incident::state::SourceStatus;
use crate::incident::{Level, Signal};
use crate::text;
use crate::ui::paint::{ago, fit, level_style, put, put_right, width, wrap};
use crate::ui::theme::Sem;

/// Seconds without data after which a source shows as stale.
pub const STALE_AFTER_SECS: i64 = 90;

/// Freshness of a source: `(text, stale)`. Failing sources are stale; with `silent_after`,
/// so are sources without data for that many seconds (metric sources poll, so silence
/// means trouble; status pages only speak on change, so they pass `None`).
pub fn freshness(
    cx: &Ctx,
    source: Option<&String>,
    silent_after: Option<i64>,
) -> Option<(String, bool)> {
    let st = cx.inc.sources.get(source?)?;
    let age = st.last_data.map(|t| (cx.now - t).num_seconds());
    if !st.ok {
        let err = st
            .error
            .as_deref()
            .map(|e| format!(": {}", text::line_max(e, 120)))
            .unwrap_or_default();
        let since = match st.last_data {
            Some(t) => format!("stale {}", ago(cx.now, t)),
            None => "no data yet".into(),
        };
        return Some((format!("{since}{err}"), true));
    }
    match age {
        Some(a) if silent_after.is_some_and(|s| a > s) => {
            Some((format!("stale {}", ago(cx.now, st.last_data?)), true))
        }
        Some(_) => Some((ago(cx.now, st.last_data?), false)),
        None => Some(("no data yet".into(), false)),
    }
}

/// Failing sources that never delivered data and so have no chart (a Prometheus query
/// that fails from the start): the log does not say a source's kind, so every such source
/// that is not known as reports, a status page or the log itself. Sources with data show
/// their trouble beside their signals.
pub fn failing_sources<'a>(cx: &Ctx<'a>) -> Vec<&'a SourceStatus> {
    let inc = cx.inc;
    inc.sources
        .values()
        .filter(|st| !st.ok && st.last_data.is_none() && st.name != crate::room::LOG_SOURCE)
        .filter(|st| {
            !inc.signals
                .values()
                .any(|s| s.source.as_deref() == Some(st.name.as_str()))
        })
        .filter(|st| !inc.reports.contains_key(&st.name))
        .filter(|st| !inc.pages.iter().any(|p| p.name == st.name))
        .collect()
}

/// A failing source where its chart would be: its name, then why, in `area`.
fn failing(buf: &mut Buffer, area: Rect, y: u16, cx: &Ctx, st: &SourceStatus, rows: usize) {
    let t = cx.theme;
    let x = put(buf, area, area.x, y, "× ", t.s(Sem::Crit));
    let name = text::line_max(&st.name, 100);
    let why = freshness(cx, Some(&st.name), None)
        .map(|f| f.0)
        .unwrap_or_else(|| "failing".into());
    let why = format!("failing · {why}");
    if rows <= 1 {
        let x = put(buf, area, x, y, &name, Style::default());
        let room = area.right().saturating_sub(x + 1) as usize;
        put(buf, area, x + 1, y, &fit(&why, room), t.s(Sem::Stale));
        return;
    }
    put(buf, area, x, y, &name, Style::default());
    let w = area.width.saturating_sub(2) as usize;
    for (i, l) in wrap(&why, w, rows - 1).iter().enumerate() {
        put(buf, area, area.x + 2, y + 1 + i as u16, l, t.s(Sem::Stale));
    }
}

/// One signal's header line: marker, name, value, freshness.
fn header(
    buf: &mut Buffer,
    area: Rect,
    y: u16,
    cx: &Ctx,
    s: &Signal,
    name_w: usize,
    with_age: bool,
) -> u16 {
    let t = cx.theme;
    let lst = level_style(t, s.level);
    let mark = match s.level {
        Level::Crit => "▲ ",
        Level::Warn => "△ ",
        Level::Ok => "● ",
        Level::Unknown => "○ ",
    };
    let mut x = put(buf, area, area.x, y, mark, lst);
    let name = fit(&text::line_max(&s.name, 100), name_w);
    let nw = width(&name);
    x = put(buf, area, x, y, &name, Style::default());
    x += (name_w.saturating_sub(nw)) as u16;
    let val = s
        .last
        .map(|(_, v)| s.def.format(v))
        .unwrap_or_else(|| "–".into());
    let val = format!(" {val:>8}");
    x = put(buf, area, x, y, &val, lst);
    if with_age && let Some((f, stale)) = freshness(cx, s.source.as_ref(), Some(STALE_AFTER_SECS)) {
        let room = area.right().saturating_sub(x + 1) as usize;
        if room >= 4 {
            let st = if stale {
                t.s(Sem::Stale)
            } else {
                t.s(Sem::Dim)
            };
            put_right(buf, area, y, &fit(&f, room), st);
        }
    }
    x
}

/// One chart's worth of the pane: a signal, or a failing source that has none.
enum Item<'a> {
    Signal(&'a Signal),
    Failing(&'a SourceStatus),
}

pub fn draw(buf: &mut Buffer, area: Rect, cx: &Ctx, scroll: usize) {
    let t = cx.theme;
    let mut sigs: Vec<Item> = cx.inc.signals.values().map(Item::Signal).collect();
    sigs.extend(failing_sources(cx).into_iter().map(Item::Failing));
    if sigs.is_empty() {
        put(buf, area, area.x, area.y, "no metrics yet", t.s(Sem::Dim));
        return;
    }
    let n = sigs.len();
    let h = area.height as usize;
    let name_w = sigs
        .iter()
        .map(|s| match s {
            Item::Signal(s) => width(&s.name),
            Item::Failing(_) => 0,
        })
        .max()
        .unwrap_or(4)
        .min((area.width as usize).saturating_sub(2 + 9 + 8).max(4));
    if h >= n * 2 {
        // A header line and a chart per signal.
        let per = (h / n).min(12);
        let scroll = scroll.min(n.saturating_sub(h / per.max(1)));
        for (i, s) in sigs.iter().skip(scroll).enumerate() {
            let y = area.y + (i * per) as u16;
            if y >= area.bottom() {
                break;
            }
            let s = match s {
                Item::Signal(s) => s,
                Item::Failing(st) => {
                    failing(buf, area, y, cx, st, per);
                    continue;
                }
            };
            header(buf, area, y, cx, s, name_w, true);
            let ch = Rect::new(
                area.x + 2,
                y + 1,
                area.width.saturating_sub(2),
                (per - 1) as u16,
            )
            .intersection(area);
            let pts = s.series.window(
                crate::incident::series::millis(cx.from),
                crate::incident::series::millis(cx.to),
            );
            chart::draw(buf, ch, pts, cx.from, cx.to, &s.def, t);
        }
    } else {
        // One line per signal: header then a sparkline in what is left.
        let scroll = scroll.min(n.saturating_sub(h));
        for (i, s) in sigs.iter().skip(scroll).take(h).enumerate() {
            let y = area.y + i as u16;
            let s = match s {
                Item::Signal(s) => s,
                Item::Failing(st) => {
                    failing(buf, area, y, cx, st, 1);
                    continue;
                }
            };
            let x = header(buf, area, y, cx, s, name_w, false) + 1;
            let fresh = freshness(cx, s.source.as_ref(), Some(STALE_AFTER_SECS));
            if let Some((f, true)) = &fresh {
                // A stale signal shows why instead of a sparkline that looks current.
                let room = area.right().saturating_sub(x) as usize;
                put(buf, area, x, y, &fit(f, room), t.s(Sem::Stale));
                continue;
            }
            let right = area.right();
            let ch = Rect::new(x, y, right.saturating_sub(x), 1).intersection(area);
            let pts = s.series.window(
                crate::incident::series::millis(cx.from),
                crate::incident::series::millis(cx.to),
            );
            chart::draw(buf, ch, pts, cx.from, cx.to, &s.def, t);
        }
    }
}

//! Metrics: per series its last value, a chart over the window with thresholds, and the
//! freshness of its source.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::{Ctx, chart};
use crate::incident::{Level, Signal};
use crate::text;
use crate::ui::paint::{ago, fit, level_style, put, put_right, width};
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
            .map(|e| text::line_max(e, 120))
            .unwrap_or_default();
        let since = st
            .last_data
            .map(|t| ago(cx.now, t))
            .unwrap_or_else(|| "never".into());
        return Some((format!("stale {since}: {err}"), true));
    }
    match age {
        Some(a) if silent_after.is_some_and(|s| a > s) => {
            Some((format!("stale {}", ago(cx.now, st.last_data?)), true))
        }
        Some(_) => Some((ago(cx.now, st.last_data?), false)),
        None => None,
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

pub fn draw(buf: &mut Buffer, area: Rect, cx: &Ctx, scroll: usize) {
    let t = cx.theme;
    let sigs: Vec<&Signal> = cx.inc.signals.values().collect();
    if sigs.is_empty() {
        put(buf, area, area.x, area.y, "no metrics yet", t.s(Sem::Dim));
        return;
    }
    let n = sigs.len();
    let h = area.height as usize;
    let name_w = sigs
        .iter()
        .map(|s| width(&s.name))
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

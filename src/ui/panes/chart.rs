//! A small bar chart / sparkline over a time window, coloured by threshold level, with the
//! warn and crit thresholds drawn as dotted lines where the bars leave room.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::incident::{Direction, SignalDef};
use crate::ui::paint::{level_style, put, put_sym, width};
use crate::ui::theme::{Sem, Theme};

const BARS: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

/// `60m`, `1h`, `1h30m`, `45s`: the span of the x axis.
pub fn span_label(ms: i64) -> String {
    let s = (ms / 1000).max(0);
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (h, 0, 0) if h > 0 => format!("{h}h"),
        (0, m, 0) if m > 0 => format!("{m}m"),
        (h, m, 0) if h > 0 => format!("{h}h{m}m"),
        _ => crate::incident::format_duration(chrono::Duration::seconds(s)),
    }
}

/// The windows charts step through as data accumulates: the title names a fixed window
/// that changes a few times in an incident instead of a span that grows every second.
pub const WINDOWS_MIN: [i64; 9] = [1, 5, 15, 30, 60, 120, 180, 360, 720];

/// The chart window (millis) for data that reaches back `data_ms`: the smallest step of
/// [`WINDOWS_MIN`] that holds it, never more than `max_ms` (the view's window).
pub fn window(data_ms: i64, max_ms: i64) -> i64 {
    let max_ms = max_ms.max(60_000);
    WINDOWS_MIN
        .iter()
        .map(|m| m * 60_000)
        .find(|w| *w >= data_ms)
        .unwrap_or(max_ms)
        .min(max_ms)
}

/// Draws `points` (unix millis, value) between `from` and `to` into `area`, with its scale
/// in the same rows: the top and bottom of the y axis (and the thresholds where there is
/// room) in a gutter on the left, the time span of the x axis at the top left of the plot.
/// Cost: one pass over the points in the window plus one over the cells.
pub fn draw(
    buf: &mut Buffer,
    area: Rect,
    points: &[(i64, f64)],
    from: i64,
    to: i64,
    def: &SignalDef,
    theme: &Theme,
) {
    let area = area.intersection(*buf.area());
    if area.width == 0 || area.height == 0 || points.is_empty() {
        return;
    }
    let lo_i = points.partition_point(|p| p.0 < from);
    let hi_i = points.partition_point(|p| p.0 <= to);
    let inside = &points[lo_i..hi_i.max(lo_i)];
    // The scale: from the lowest value (or 0) to the highest value or threshold.
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in inside.iter().map(|p| p.1).filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return;
    }
    for t in [def.warn, def.crit].into_iter().flatten() {
        if t.is_finite() {
            hi = hi.max(t * 1.05);
        }
    }
    lo = lo.min(0.0);
    if hi <= lo {
        hi = lo + 1.0;
    }
    let rows = area.height as usize;
    let hi_l = def.format(hi);
    let lo_l = def.format(lo);
    let span = format!("←{}", span_label(to - from));
    let wide = |n: usize| area.width as usize >= n;
    // The gutter: labels right-aligned, then the axis.
    let label_w = if rows >= 2 {
        width(&hi_l).max(width(&lo_l))
    } else {
        width(&hi_l)
    };
    let gutter = if wide(label_w + 1 + 12) {
        (label_w + 1) as u16
    } else {
        0
    };
    let plot = Rect::new(area.x + gutter, area.y, area.width - gutter, area.height);
    plot_bars(buf, plot, points, from, to, def, theme, lo, hi);
    if gutter == 0 {
        return;
    }
    let dim = theme.s(Sem::Dim);
    let label = |buf: &mut Buffer, y: u16, l: &str, axis: &str| {
        let x = area.x + (label_w - width(l)) as u16;
        put(buf, area, x, y, l, dim);
        put_sym(buf, area, area.x + label_w as u16, y, axis, dim);
    };
    let top = area.y;
    let bottom = area.bottom() - 1;
    for y in top..=bottom {
        put_sym(buf, area, area.x + label_w as u16, y, "│", dim);
    }
    if rows == 1 {
        label(buf, top, &hi_l, "┤");
    } else {
        label(buf, top, &hi_l, "┤");
        label(buf, bottom, &lo_l, "┤");
        // Threshold values on their rows, where they do not crowd the ends.
        let eighths = (rows * 8) as f64;
        for (t, sem) in [(def.warn, Sem::Warn), (def.crit, Sem::Crit)] {
            let Some(t) = t.filter(|t| t.is_finite()) else {
                continue;
            };
            let r = ((((t - lo) / (hi - lo)) * eighths)
                .round()
                .clamp(0.0, eighths) as usize
                / 8)
            .min(rows - 1);
            let y = area.bottom() - 1 - r as u16;
            let l = def.format(t);
            if y > top && y < bottom && width(&l) <= label_w {
                let x = area.x + (label_w - width(&l)) as u16;
                put(buf, area, x, y, &l, theme.s(sem));
                put_sym(buf, area, area.x + label_w as u16, y, "┤", dim);
            }
        }
    }
    if plot.width as usize >= width(&span) + 8 {
        put(buf, plot, plot.x, top, &span, dim);
    }
}

/// The bars and threshold lines between `lo` and `hi` filling `area`.
#[allow(clippy::too_many_arguments)]
fn plot_bars(
    buf: &mut Buffer,
    area: Rect,
    points: &[(i64, f64)],
    from: i64,
    to: i64,
    def: &SignalDef,
    theme: &Theme,
    lo: f64,
    hi: f64,
) {
    let cols = area.width as usize;
    let rows = area.height as usize;
    if cols == 0 || rows == 0 {
        return;
    }
    let span = (to - from).max(1) as f64;
    // Worst value per column: the points are in time order, so each column is a subslice
    // found by binary search, folded without any per-point division.
    let mut colv: Vec<Option<f64>> = vec![None; cols];
    let above = def.direction == Direction::Above;
    let lo_i = points.partition_point(|p| p.0 < from);
    let mut rest = &points[lo_i..];
    for (c, slot) in colv.iter_mut().enumerate() {
        let end_t = from + (span * (c + 1) as f64 / cols as f64) as i64;
        let n = if c + 1 == cols {
            rest.partition_point(|p| p.0 <= to)
        } else {
            rest.partition_point(|p| p.0 < end_t)
        };
        let (here, next) = rest.split_at(n);
        rest = next;
        *slot = here
            .iter()
            .map(|p| p.1)
            .filter(|v| v.is_finite())
            .reduce(|a, b| if above { a.max(b) } else { a.min(b) });
    }
    // Carry the last value across gaps between samples.
    let mut last = None;
    let last_col = colv.iter().rposition(|v| v.is_some()).unwrap_or(0);
    for (i, c) in colv.iter_mut().enumerate() {
        match c {
            Some(v) => last = Some(*v),
            None if i < last_col => *c = last,
            None => {}
        }
    }
    let eighths = (rows * 8) as f64;
    let scale = |v: f64| -> usize {
        (((v - lo) / (hi - lo)) * eighths)
            .round()
            .clamp(0.0, eighths) as usize
    };
    // Threshold rows (from the bottom), drawn first so bars cover them.
    if rows >= 2 {
        for (t, sem) in [(def.warn, Sem::Warn), (def.crit, Sem::Crit)] {
            let Some(t) = t.filter(|t| t.is_finite()) else {
                continue;
            };
            let r = (scale(t) / 8).min(rows - 1);
            let y = area.bottom() - 1 - r as u16;
            let st = theme.s(sem).add_modifier(ratatui::style::Modifier::DIM);
            for x in area.left()..area.right() {
                put_sym(buf, area, x, y, "┈", st);
            }
        }
    }
    for (i, v) in colv.iter().enumerate() {
        let Some(v) = *v else { continue };
        let mut h = scale(v);
        if h == 0 && v > lo {
            h = 1;
        }
        let st = level_style(theme, def.level(v));
        let x = area.x + i as u16;
        let mut r = 0usize;
        while h > 0 && r < rows {
            let part = h.min(8);
            let y = area.bottom() - 1 - r as u16;
            put_sym(buf, area, x, y, BARS[part], st);
            h -= part;
            r += 1;
        }
    }
}

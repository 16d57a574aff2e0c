//! A small bar chart / sparkline over a time window, coloured by threshold level, with the
//! warn and crit thresholds drawn as dotted lines where the bars leave room.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::incident::{Direction, SignalDef};
use crate::ui::paint::{level_style, put_sym};
use crate::ui::theme::{Sem, Theme};

const BARS: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

/// Draws `points` (unix millis, value) between `from` and `to` into `area`.
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
    let cols = area.width as usize;
    let rows = area.height as usize;
    if cols == 0 || rows == 0 || points.is_empty() {
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
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in colv.iter().flatten() {
        lo = lo.min(*v);
        hi = hi.max(*v);
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

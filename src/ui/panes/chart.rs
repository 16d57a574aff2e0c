//! A small bar chart / sparkline over a time window, coloured by threshold level, with the
//! warn and crit thresholds drawn as dotted lines where the bars leave room.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::incident::{Direction, SignalDef};
use crate::ui::paint::{level_style, put};
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
    let span = (to - from).max(1) as i128;
    // Worst value per column.
    let mut colv: Vec<Option<f64>> = vec![None; cols];
    let above = def.direction == Direction::Above;
    for &(t, v) in points {
        if t < from || t > to || !v.is_finite() {
            continue;
        }
        let c = (((t - from) as i128 * cols as i128) / span).clamp(0, cols as i128 - 1) as usize;
        colv[c] = Some(match colv[c] {
            None => v,
            Some(o) if above => o.max(v),
            Some(o) => o.min(v),
        });
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
                put(buf, area, x, y, "┈", st);
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
            put(buf, area, x, y, BARS[part], st);
            h -= part;
            r += 1;
        }
    }
}

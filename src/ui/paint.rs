//! Small drawing helpers that never write outside their clip rectangle.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Widget};
use unicode_width::UnicodeWidthChar;

use super::theme::{Sem, Theme};
use crate::incident::{Level, format_duration};

/// Writes `s` at (x, y), clipped to `clip` and the buffer; returns the x after it.
pub fn put(buf: &mut Buffer, clip: Rect, x: u16, y: u16, s: &str, style: Style) -> u16 {
    let clip = clip.intersection(*buf.area());
    if y < clip.y || y >= clip.bottom() || x < clip.x || x >= clip.right() {
        return x;
    }
    let max = clip.right().saturating_sub(x) as usize;
    buf.set_stringn(x, y, s, max, style).0
}

/// Sets one cell to a one-column symbol (no segmentation: for charts and rules), clipped.
pub fn put_sym(buf: &mut Buffer, clip: Rect, x: u16, y: u16, sym: &str, style: Style) {
    if y < clip.y || y >= clip.bottom() || x < clip.x || x >= clip.right() {
        return;
    }
    if let Some(c) = buf.cell_mut((x, y)) {
        c.set_symbol(sym).set_style(style);
    }
}

/// Writes a styled line at (x, y), clipped.
pub fn put_line(buf: &mut Buffer, clip: Rect, x: u16, y: u16, line: &Line<'_>) -> u16 {
    let mut x = x;
    for span in &line.spans {
        x = put(buf, clip, x, y, &span.content, line.style.patch(span.style));
    }
    x
}

/// Writes `s` right-aligned so it ends at `clip.right()`; returns where it starts.
pub fn put_right(buf: &mut Buffer, clip: Rect, y: u16, s: &str, style: Style) -> u16 {
    let w = width(s) as u16;
    let x = clip.right().saturating_sub(w).max(clip.x);
    put(buf, clip, x, y, s, style);
    x
}

/// Fills a rectangle with a style (and blanks).
pub fn fill(buf: &mut Buffer, area: Rect, style: Style) {
    let area = area.intersection(*buf.area());
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            if let Some(c) = buf.cell_mut((x, y)) {
                c.reset();
                c.set_style(style);
            }
        }
    }
}

/// Display width of a string (wide characters count 2).
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Cuts `s` to at most `w` columns, ending with `…` when cut.
pub fn fit(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > w.saturating_sub(1) {
            break;
        }
        used += cw;
        out.push(c);
    }
    out.push('…');
    out
}

/// Wraps `s` into lines of at most `w` columns (at spaces when it can), at most `max` lines.
pub fn wrap(s: &str, w: usize, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    if w == 0 || max == 0 {
        return lines;
    }
    let mut cur = String::new();
    let mut cur_w = 0usize;
    let mut last_space: Option<(usize, usize)> = None; // byte index in cur, width before it
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if cur_w + cw > w {
            if lines.len() + 1 == max {
                lines.push(fit(&format!("{cur}{c}…"), w));
                return lines;
            }
            match last_space {
                Some((i, before)) if before > w / 3 => {
                    let rest = cur[i + 1..].to_string();
                    cur.truncate(i);
                    lines.push(std::mem::take(&mut cur));
                    cur_w = cur_w - before - 1;
                    cur = rest;
                }
                _ => {
                    lines.push(std::mem::take(&mut cur));
                    cur_w = 0;
                }
            }
            last_space = None;
        }
        if c == ' ' {
            last_space = Some((cur.len(), cur_w));
        }
        cur.push(c);
        cur_w += cw;
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// `msg` wrapped and centred in `area` (the "terminal too small" screens).
pub fn centred(buf: &mut Buffer, area: Rect, msg: &str, style: Style) {
    let lines = wrap(msg, area.width as usize, area.height as usize);
    let y0 = area.y + area.height.saturating_sub(lines.len() as u16) / 2;
    for (i, l) in lines.iter().enumerate() {
        let x = area.x + area.width.saturating_sub(width(l) as u16) / 2;
        put(buf, area, x, y0 + i as u16, l, style);
    }
}

/// A bordered pane with a title; returns the inner area.
pub fn pane(
    buf: &mut Buffer,
    area: Rect,
    title: &str,
    extra: &str,
    focused: bool,
    theme: &Theme,
) -> Rect {
    let area = area.intersection(*buf.area());
    if area.width < 2 || area.height < 2 {
        return Rect::new(area.x, area.y, 0, 0);
    }
    let border = if focused {
        theme.s(Sem::Focus)
    } else {
        theme.s(Sem::Border)
    };
    let block = Block::bordered()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(border);
    let inner = block.inner(area);
    block.render(area, buf);
    let top = Rect::new(area.x + 1, area.y, area.width.saturating_sub(2), 1);
    let t = format!(" {title} ");
    let tstyle = if focused {
        theme.s(Sem::Focus)
    } else {
        theme.s(Sem::Title)
    };
    let x = put(buf, top, top.x, top.y, &t, tstyle);
    if !extra.is_empty() {
        put(
            buf,
            top,
            x,
            top.y,
            &fit(&format!("{extra} "), top.right().saturating_sub(x) as usize),
            theme.s(Sem::Dim),
        );
    }
    inner
}

pub fn level_style(theme: &Theme, l: Level) -> Style {
    match l {
        Level::Unknown => theme.s(Sem::Unknown),
        Level::Ok => theme.s(Sem::Ok),
        Level::Warn => theme.s(Sem::Warn),
        Level::Crit => theme.s(Sem::Crit),
    }
}

/// `4m12s` since `t` (never negative).
pub fn ago(now: DateTime<Utc>, t: DateTime<Utc>) -> String {
    format_duration((now - t).max(chrono::Duration::zero()))
}

/// Style of a status-page component status.
pub fn component_style(theme: &Theme, status: &str) -> Style {
    match status {
        "operational" => theme.s(Sem::Ok),
        "degraded_performance" | "partial_outage" => theme.s(Sem::Warn),
        "major_outage" => theme.s(Sem::Crit),
        "under_maintenance" => theme.s(Sem::Dim),
        _ => theme.s(Sem::Unknown),
    }
}

//! The `?` help overlay: every key and every command, from the same tables that drive them.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::command::COMMANDS;
use super::keys::BINDINGS;
use super::paint::{fill, pane, width, wrap};
use super::panes::draw_lines;
use super::theme::{Sem, Theme};
use crate::incident::EntryKind;
use crate::text;

/// Wraps `text` (lines kept) to `w` columns at word boundaries, each line indented by
/// `indent` spaces (continuation lines too), in `style`.
fn wrapped(text: &str, w: usize, indent: usize, style: Style) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let pad = " ".repeat(indent);
    let room = w.saturating_sub(indent).max(10);
    for para in text.lines() {
        if para.trim().is_empty() {
            out.push(Line::from(""));
            continue;
        }
        for l in wrap(para, room, usize::MAX) {
            out.push(Line::from(Span::styled(format!("{pad}{l}"), style)));
        }
    }
    out
}

/// A key or command and what it does: one line when it fits in `w` columns, else the
/// description wrapped under it.
fn entry(key: String, help: String, theme: &Theme, w: usize) -> Vec<Line<'static>> {
    if width(&key) + width(&help) <= w {
        return vec![Line::from(vec![
            Span::styled(key, theme.s(Sem::Key)),
            Span::raw(help),
        ])];
    }
    let mut out = vec![Line::from(Span::styled(key, theme.s(Sem::Key)))];
    out.extend(wrapped(help.trim(), w, 6, Style::default()));
    out
}

/// The help text as lines for a pane `w` columns wide; a drill's briefing comes first.
pub fn lines(
    theme: &Theme,
    read_only: bool,
    briefing: Option<&str>,
    w: usize,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if let Some(b) = briefing {
        out.push(Line::from(Span::styled(
            "Drill briefing",
            theme.s(Sem::Title),
        )));
        out.extend(wrapped(&text::block(b), w, 2, Style::default()));
        out.push(Line::from(""));
    }
    out.push(Line::from(Span::styled("Keys", theme.s(Sem::Title))));
    for b in BINDINGS {
        let ro = if read_only && b.writes {
            "  (read-only here)"
        } else {
            ""
        };
        out.extend(entry(
            format!("  {:<10}", b.label),
            format!("{}{ro}", b.help),
            theme,
            w,
        ));
    }
    out.push(Line::from(vec![
        Span::styled("  mouse     ", theme.s(Sem::Key)),
        Span::raw("click a pane to focus it, a checklist item to select it; wheel scrolls"),
    ]));
    out.push(Line::from(""));
    out.push(Line::from(Span::styled(
        "Commands (after :)",
        theme.s(Sem::Title),
    )));
    for c in COMMANDS {
        let ro = if read_only && c.writes() {
            "  (read-only here)"
        } else {
            ""
        };
        out.extend(entry(
            format!("  :{} {}", c.name, c.args),
            format!("  {}{ro}", c.help),
            theme,
            w,
        ));
    }
    out.push(Line::from(""));
    out.push(Line::from(Span::styled(
        "Filter (after /)",
        theme.s(Sem::Title),
    )));
    out.extend(wrapped(
        "words match text and author; kind:note,decision keeps only those kinds",
        w,
        2,
        Style::default(),
    ));
    let kinds: Vec<&str> = EntryKind::ALL.iter().map(|k| k.as_str()).collect();
    out.extend(wrapped(
        &format!("kinds: {}", kinds.join(" ")),
        w,
        2,
        theme.s(Sem::Dim),
    ));
    out
}

/// Clears `body` and frames a centred overlay pane in it; returns the pane's inside.
/// (An overlay with panes peeking out at its sides is noise, so it replaces the body.)
fn overlay(buf: &mut Buffer, body: Rect, theme: &Theme, title: &str, hint: &str) -> Rect {
    overlay_rows(buf, body, theme, title, hint, body.height)
}

/// Like `overlay`, at most `height` rows high (borders included).
fn overlay_rows(
    buf: &mut Buffer,
    body: Rect,
    theme: &Theme,
    title: &str,
    hint: &str,
    height: u16,
) -> Rect {
    fill(buf, body, theme.s(Sem::Base));
    let w = body.width.min(110);
    let area = Rect::new(
        body.x + (body.width.saturating_sub(w)) / 2,
        body.y,
        w,
        height.min(body.height),
    )
    .intersection(body);
    pane(buf, area, title, hint, true, theme)
}

/// Draws the help over `body` (with the drill's briefing first, if any); returns the
/// scroll used.
pub fn draw(
    buf: &mut Buffer,
    body: Rect,
    theme: &Theme,
    read_only: bool,
    briefing: Option<&str>,
    scroll: usize,
) -> usize {
    let inner = overlay(buf, body, theme, "Help", "Esc or ? closes · ↑↓ scroll");
    let lines = lines(theme, read_only, briefing, inner.width as usize);
    draw_lines(buf, inner, &lines, scroll)
}

/// Draws a plain-text overlay (e.g. the drill report) over `body`, like the help. Long
/// lines wrap at word boundaries, continuing under their own indentation.
pub fn draw_text(buf: &mut Buffer, body: Rect, theme: &Theme, title: &str, hint: &str, text: &str) {
    draw_text_at(buf, body, theme, title, hint, text, 0);
}

/// [`draw_text`] scrolled down `scroll` lines; when the text is taller than the screen the
/// hint says there is more (↑↓ PgUp PgDn). Returns the scroll used.
pub fn draw_text_at(
    buf: &mut Buffer,
    body: Rect,
    theme: &Theme,
    title: &str,
    hint: &str,
    text: &str,
    scroll: usize,
) -> usize {
    // Lines are wrapped to the overlay's inside: its width less the borders.
    let w = (body.width.min(110) as usize).saturating_sub(2);
    let mut lines: Vec<Line<'static>> = Vec::new();
    for l in text.lines() {
        let indent = l.len() - l.trim_start().len();
        let body = l.trim_start();
        let indent = indent + if body.starts_with("- ") { 2 } else { 0 };
        let first = wrap(body, w.saturating_sub(indent).max(10), usize::MAX);
        if first.len() <= 1 {
            lines.push(Line::from(l.to_string()));
            continue;
        }
        let lead = &l[..l.len() - body.len()];
        let pad = " ".repeat(indent);
        for (i, part) in first.into_iter().enumerate() {
            let p = if i == 0 { lead } else { pad.as_str() };
            lines.push(Line::from(format!("{p}{part}")));
        }
    }
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let shown = (body.height as usize).saturating_sub(2);
    let max = lines.len().saturating_sub(shown);
    let scroll = scroll.min(max);
    let hint = if max == 0 {
        hint.to_string()
    } else if scroll < max {
        format!("{hint} · ↓ {} more lines", max - scroll)
    } else {
        format!("{hint} · ↑ scrolls back")
    };
    let inner = overlay_rows(buf, body, theme, title, &hint, height);
    draw_lines(buf, inner, &lines, scroll)
}

//! The `?` help overlay: every key and every command, from the same tables that drive them.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::command::COMMANDS;
use super::keys::BINDINGS;
use super::paint::{fill, pane};
use super::panes::draw_lines;
use super::theme::{Sem, Theme};

/// The help text as lines.
pub fn lines(theme: &Theme, read_only: bool) -> Vec<Line<'static>> {
    let mut out = vec![Line::from(Span::styled("Keys", theme.s(Sem::Title)))];
    for b in BINDINGS {
        let ro = if read_only && b.writes {
            "  (read-only here)"
        } else {
            ""
        };
        out.push(Line::from(vec![
            Span::styled(format!("  {:<10}", b.label), theme.s(Sem::Key)),
            Span::raw(format!("{}{ro}", b.help)),
        ]));
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
        let ro = if read_only && c.writes {
            "  (read-only here)"
        } else {
            ""
        };
        out.push(Line::from(vec![
            Span::styled(format!("  :{} {}", c.name, c.args), theme.s(Sem::Key)),
            Span::raw(format!("  {}{ro}", c.help)),
        ]));
    }
    out.push(Line::from(""));
    out.push(Line::from(Span::styled(
        "Filter (after /)",
        theme.s(Sem::Title),
    )));
    out.push(Line::from(Span::raw(
        "  words match text and author; kind:note,decision keeps only those kinds",
    )));
    out.push(Line::from(Span::styled(
        "  kinds: declared severity state role note decision checklist signal reports status alert source presence impact drill unknown",
        theme.s(Sem::Dim),
    )));
    out
}

/// Clears `body` and frames a centred overlay pane in it; returns the pane's inside.
/// (An overlay with panes peeking out at its sides is noise, so it replaces the body.)
fn overlay(buf: &mut Buffer, body: Rect, theme: &Theme, title: &str, hint: &str) -> Rect {
    fill(buf, body, theme.s(Sem::Base));
    let w = body.width.min(110);
    let area = Rect::new(
        body.x + (body.width.saturating_sub(w)) / 2,
        body.y,
        w,
        body.height,
    )
    .intersection(body);
    pane(buf, area, title, hint, true, theme)
}

/// Draws the help over `body`; returns the scroll used.
pub fn draw(buf: &mut Buffer, body: Rect, theme: &Theme, read_only: bool, scroll: usize) -> usize {
    let inner = overlay(buf, body, theme, "Help", "Esc or ? closes · ↑↓ scroll");
    draw_lines(buf, inner, &lines(theme, read_only), scroll)
}

/// Draws a plain-text overlay (e.g. the drill report) over `body`, like the help.
pub fn draw_text(buf: &mut Buffer, body: Rect, theme: &Theme, title: &str, hint: &str, text: &str) {
    let inner = overlay(buf, body, theme, title, hint);
    let lines: Vec<Line<'static>> = text.lines().map(|l| Line::from(l.to_string())).collect();
    draw_lines(buf, inner, &lines, 0);
}

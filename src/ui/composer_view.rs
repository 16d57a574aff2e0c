//! Drawing the status-update composer (see [`super::composer`]): the fields, the body
//! with its cursor, and the preview with the question that sends it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

use super::composer::{Composer, Field, STATUSES, Stage, Targets};
use super::paint::{component_style, fill, fit, pane, put, put_line, width, wrap};
use super::panes::header::state_style;
use super::theme::{Sem, Theme};
use crate::incident::{Audience, IncidentState};
use crate::text;

/// Component rows shown at once.
const PICK_ROWS: usize = 6;

/// Word-wraps `chars` into rows of at most `w` columns: each row is a char range (a
/// space that ends a row stays on it), so the cursor's char index maps to a row.
fn rows(chars: &[char], w: usize) -> Vec<(usize, usize)> {
    let w = w.max(1);
    let mut out = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut used = 0;
        let mut end = start;
        while end < chars.len() {
            let cw = chars[end].width().unwrap_or(0);
            if used + cw > w {
                break;
            }
            used += cw;
            end += 1;
        }
        if end < chars.len() {
            // Break after the last space of the row, if there is one; else mid-word.
            if let Some(sp) = (start + 1..=end).rev().find(|&i| chars[i - 1] == ' ') {
                end = sp;
            }
            end = end.max(start + 1);
        }
        out.push((start, end));
        start = end;
    }
    if out.is_empty() {
        out.push((0, 0));
    }
    out
}

/// Draws the composer over `body`; `targets` are where the update would go.
pub fn draw(buf: &mut Buffer, body: Rect, t: &Theme, c: &Composer, targets: &Targets) {
    fill(buf, body, t.s(Sem::Base));
    let w = body.width.min(100);
    let area = Rect::new(
        body.x + body.width.saturating_sub(w) / 2,
        body.y,
        w,
        body.height,
    )
    .intersection(body);
    let (title, hint) = match c.stage {
        Stage::Edit => (
            "Status update",
            "Tab next field · Ctrl-S preview · Ctrl-R re-fill · Esc closes (draft kept)",
        ),
        Stage::Preview => ("Preview", "y sends · e or Esc edits"),
    };
    let inner = pane(buf, area, title, hint, true, t);
    let iw = inner.width as usize;
    let mut lines: Vec<Line<'static>> = Vec::new();
    let to = targets.for_audience(c.audience);
    let to_text = if to.is_empty() {
        "the log only (no publishers for this audience)".to_string()
    } else {
        to.iter()
            .map(|n| text::line_max(n, 60))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let label = |s: &str, f: Field| {
        let st = if c.field == f && c.stage == Stage::Edit {
            t.s(Sem::Focus)
        } else {
            t.s(Sem::Title)
        };
        Span::styled(format!("{s:<12}"), st)
    };
    let choice = |s: String, on: bool, base: ratatui::style::Style| {
        if on {
            Span::styled(format!("[{s}]"), base.add_modifier(Modifier::BOLD))
        } else {
            Span::styled(format!(" {s} "), t.s(Sem::Dim))
        }
    };
    let mut cursor_row: Option<(usize, u16)> = None;
    let mut footer: Vec<Line<'static>> = Vec::new();
    match c.stage {
        Stage::Edit => {
            let mut a = vec![label("Audience", Field::Audience)];
            for au in [Audience::Public, Audience::Internal] {
                a.push(choice(au.as_str().into(), c.audience == au, t.s(Sem::Info)));
            }
            lines.push(Line::from(a));
            let mut s = vec![label("State", Field::State)];
            for st in IncidentState::ALL {
                s.push(choice(
                    st.as_str().into(),
                    c.state == st,
                    state_style(t, st),
                ));
            }
            lines.push(Line::from(s));
            let mut comp = vec![label("Components", Field::Components)];
            if c.picks.is_empty() {
                comp.push(Span::styled(
                    "none: no own status page reports components",
                    t.s(Sem::Dim),
                ));
                lines.push(Line::from(comp));
            } else {
                comp.push(Span::styled(
                    "←→ set the status this update gives · ↑↓ select",
                    t.s(Sem::Dim),
                ));
                lines.push(Line::from(comp));
                let start = c
                    .sel
                    .saturating_sub(PICK_ROWS - 1)
                    .min(c.picks.len().saturating_sub(PICK_ROWS));
                for (i, p) in c.picks.iter().enumerate().skip(start).take(PICK_ROWS) {
                    let mark = if i == c.sel && c.field == Field::Components {
                        "› "
                    } else {
                        "  "
                    };
                    let now_st = p.page_status.replace('_', " ");
                    let (new, ns) = match p.new {
                        Some(j) => (
                            STATUSES[j].replace('_', " "),
                            component_style(t, STATUSES[j]),
                        ),
                        None => ("(not named)".to_string(), t.s(Sem::Dim)),
                    };
                    lines.push(Line::from(vec![
                        Span::raw(format!("{:<12}{mark}", "")),
                        Span::raw(format!("{:<24}", fit(&p.name, 23))),
                        Span::styled(format!("{now_st:<21}"), component_style(t, &p.page_status)),
                        Span::styled("→ ", t.s(Sem::Dim)),
                        Span::styled(new, ns),
                    ]));
                }
                let below = c.picks.len().saturating_sub(start + PICK_ROWS);
                if below > 0 {
                    lines.push(Line::from(Span::styled(
                        format!("{:<14}… {below} more (↓)", ""),
                        t.s(Sem::Dim),
                    )));
                }
            }
            lines.push(Line::from(vec![
                label("Goes to", Field::Body),
                Span::styled(fit(&to_text, iw.saturating_sub(12)), t.s(Sem::Dim)),
            ]));
            let filled = if c.edited {
                "edited"
            } else {
                "from the template"
            };
            lines.push(Line::from(vec![
                label("Body", Field::Body),
                Span::styled(filled, t.s(Sem::Dim)),
            ]));
            // One column kept free for the cursor after the last character.
            let bw = iw.saturating_sub(3);
            for (r, l) in c.body.iter().enumerate() {
                let chars: Vec<char> = l.chars().collect();
                let parts = rows(&chars, bw);
                let last = parts.len() - 1;
                for (i, (a, b)) in parts.iter().copied().enumerate() {
                    let here = r == c.cursor.0 && c.cursor.1 >= a && (c.cursor.1 < b || i == last);
                    let seg: String = chars[a..b].iter().collect();
                    if here {
                        let before: String = chars[a..c.cursor.1.min(b)].iter().collect();
                        cursor_row = Some((lines.len(), width(&before) as u16));
                    }
                    lines.push(Line::from(format!("  {seg}")));
                }
            }
        }
        Stage::Preview => {
            lines.push(Line::from(vec![
                Span::styled(format!("{} update", c.audience.as_str()), t.s(Sem::Info)),
                Span::raw(" · "),
                Span::styled(c.state.as_str().to_string(), state_style(t, c.state)),
                Span::raw(" · to "),
                Span::raw(fit(&to_text, iw.saturating_sub(40))),
            ]));
            for n in c.named() {
                lines.push(Line::from(vec![
                    Span::raw("  "),
                    Span::raw(n.name.clone()),
                    Span::styled(" → ", t.s(Sem::Dim)),
                    Span::styled(n.status.replace('_', " "), component_style(t, &n.status)),
                ]));
            }
            lines.push(Line::from(Span::styled("─".repeat(iw), t.s(Sem::Border))));
            for para in c.body_text().trim().lines() {
                for l in wrap(para, iw.max(1), usize::MAX) {
                    lines.push(Line::from(l));
                }
                if para.is_empty() {
                    lines.push(Line::from(""));
                }
            }
            footer.push(Line::from(Span::styled("─".repeat(iw), t.s(Sem::Border))));
            let q = format!(
                "Send this {} update{}? y sends · e or Esc goes back to editing",
                c.audience.as_str(),
                if to.is_empty() {
                    String::new()
                } else {
                    format!(" to {to_text}")
                }
            );
            for l in wrap(&q, iw.max(1), 3) {
                footer.push(Line::from(Span::styled(l, t.s(Sem::Warn))));
            }
        }
    }
    // Keep the cursor's line in view: scroll the body when it runs past the bottom. The
    // preview's question stays at the bottom however long the body is.
    let h = inner.height as usize;
    let reserve = usize::from(c.note.is_some()) + footer.len();
    let room = h.saturating_sub(reserve);
    let skip = match cursor_row {
        Some((r, _)) if r >= room => r + 1 - room,
        _ => 0,
    };
    let hidden = lines.len().saturating_sub(skip + room);
    for (i, l) in lines.iter().skip(skip).take(room).enumerate() {
        let more;
        let l = if hidden > 0 && i + 1 == room && c.stage == Stage::Preview {
            more = Line::from(Span::styled(
                format!("… {} more lines", hidden + 1),
                t.s(Sem::Dim),
            ));
            &more
        } else {
            l
        };
        put_line(buf, inner, inner.x, inner.y + i as u16, l);
    }
    let top = inner.bottom().saturating_sub(reserve as u16);
    for (i, l) in footer.iter().enumerate() {
        put_line(buf, inner, inner.x, top + i as u16, l);
    }
    if let Some((r, col)) = cursor_row
        && c.field == Field::Body
        && c.stage == Stage::Edit
    {
        let y = inner.y + (r - skip) as u16;
        let x = inner.x + 2 + col;
        let sym = buf
            .cell((x, y))
            .map(|cell| cell.symbol().to_string())
            .unwrap_or_else(|| " ".into());
        put(buf, inner, x, y, &sym, t.s(Sem::Selected));
    }
    if let Some(n) = &c.note
        && h > 0
    {
        put(
            buf,
            inner,
            inner.x,
            inner.bottom() - 1,
            &fit(n, iw),
            t.s(Sem::Error),
        );
    }
}

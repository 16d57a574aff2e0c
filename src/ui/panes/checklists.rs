//! Checklists: Detection, Mitigation, Communication with progress and who ticked what when.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::Ctx;
use crate::text;
use crate::ui::paint::{fit, put, put_right, width};
use crate::ui::theme::Sem;

fn title_case(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Draws the checklists; `sel` is (list, item). Every list's progress line is always
/// shown; when not everything fits, only the selected list shows its items (scrolled to
/// keep the selection in view). Returns the rows of items, and of list headers as their
/// first item, as `(y, list, item)` for mouse clicks.
pub fn draw(
    buf: &mut Buffer,
    area: Rect,
    cx: &Ctx,
    sel: (usize, usize),
    focused: bool,
    scroll: &mut usize,
) -> Vec<(u16, usize, usize)> {
    let t = cx.theme;
    let w = area.width as usize;
    let h = area.height as usize;
    let lists = &cx.inc.checklists;
    let total: usize = lists.iter().map(|l| l.items.len() + 1).sum();
    if lists.is_empty() || h == 0 {
        return Vec::new();
    }
    // Row plan: None = list header of list i, Some(j) = item j.
    let mut plan: Vec<(usize, Option<usize>)> = Vec::new();
    if total <= h {
        *scroll = 0;
        for (li, l) in lists.iter().enumerate() {
            plan.push((li, None));
            plan.extend((0..l.items.len()).map(|j| (li, Some(j))));
        }
    } else {
        let open = if lists.get(sel.0).is_some() { sel.0 } else { 0 };
        let n_items = lists.get(open).map_or(0, |l| l.items.len());
        let room = h.saturating_sub(lists.len());
        // Keep the selection in the part of the open list that shows.
        if sel.1 < *scroll {
            *scroll = sel.1;
        }
        if room > 0 && sel.1 >= *scroll + room {
            *scroll = sel.1 + 1 - room;
        }
        *scroll = (*scroll).min(n_items.saturating_sub(room));
        for li in 0..lists.len() {
            plan.push((li, None));
            if li == open {
                plan.extend((*scroll..n_items).take(room).map(|j| (li, Some(j))));
            }
        }
    }
    let mut rows = Vec::new();
    for (yi, (li, item)) in plan.iter().take(h).enumerate() {
        let y = area.y + yi as u16;
        let Some(list) = cx.inc.checklists.get(*li) else {
            continue;
        };
        match item {
            None => {
                if !list.items.is_empty() {
                    rows.push((y, *li, 0));
                }
                let (d, n) = (list.done(), list.total());
                let st = if n > 0 && d == n {
                    t.s(Sem::Ok)
                } else {
                    t.s(Sem::Title)
                };
                let x = put(
                    buf,
                    area,
                    area.x,
                    y,
                    &title_case(&text::line_max(&list.name, 40)),
                    st,
                );
                let prog = format!(" {d}/{n}");
                let x = put(buf, area, x, y, &prog, st);
                let bar_w = w.saturating_sub((x - area.x) as usize + 1).min(12);
                if bar_w >= 3 && n > 0 {
                    let full = (d * bar_w).div_ceil(n).min(bar_w);
                    let x = put(buf, area, x + 1, y, &"━".repeat(full), t.s(Sem::Ok));
                    put(buf, area, x, y, &"─".repeat(bar_w - full), t.s(Sem::Dim));
                }
            }
            Some(j) => {
                let Some(it) = list.items.get(*j) else {
                    continue;
                };
                rows.push((y, *li, *j));
                let selected = focused && sel == (*li, *j);
                let base = if selected {
                    t.s(Sem::Selected)
                } else {
                    Style::default()
                };
                if selected {
                    for x in area.left()..area.right() {
                        put(buf, area, x, y, " ", base);
                    }
                }
                let (mark, ms) = if it.done {
                    ("[x] ", t.s(Sem::Ok))
                } else {
                    ("[ ] ", t.s(Sem::Dim))
                };
                let x = put(buf, area, area.x, y, mark, ms.patch(base));
                let who = match (&it.by, it.at) {
                    (Some(b), Some(at)) if it.done => {
                        format!(" {} {}", text::line_max(b, 20), at.format("%H:%M"))
                    }
                    _ => String::new(),
                };
                let room = w.saturating_sub(4 + if w >= 40 { width(&who) } else { 0 });
                let txt = fit(&text::line_max(&it.text, 300), room);
                let ts = if it.done {
                    t.s(Sem::Dim).patch(base)
                } else {
                    base
                };
                put(buf, area, x, y, &txt, ts);
                if w >= 40 && !who.is_empty() {
                    put_right(buf, area, y, &who, t.s(Sem::Dim).patch(base));
                }
            }
        }
    }
    rows
}

//! Status pages: each page's components and its open incidents with the latest update.

use ratatui::text::{Line, Span};

use super::Ctx;
use crate::text;
use crate::ui::paint::{ago, component_style, fit, width, wrap};
use crate::ui::theme::Sem;

/// How long ago `t` was; past 48 hours the date instead ("2020-04-02", not "58388h").
pub fn age(now: chrono::DateTime<chrono::Utc>, t: chrono::DateTime<chrono::Utc>) -> String {
    if now - t > chrono::Duration::hours(48) {
        format!("since {}", t.format("%Y-%m-%d"))
    } else {
        ago(now, t)
    }
}

/// The lines of the status pages pane for an inner width `w`.
pub fn lines(cx: &Ctx, w: usize) -> Vec<Line<'static>> {
    let t = cx.theme;
    let mut out = Vec::new();
    if cx.inc.pages.is_empty() {
        out.push(Line::from(Span::styled("no status pages", t.s(Sem::Dim))));
    }
    for p in &cx.inc.pages {
        let degraded = p.is_degraded();
        let name = text::line_max(&p.name, 100);
        let (mark, st) = if degraded {
            ("▲ ", t.s(Sem::Crit))
        } else {
            ("● ", t.s(Sem::Ok))
        };
        let desc = text::line_max(&p.description, 200);
        // A configured page or feed with nothing on it: say so, with its freshness below.
        let empty = p.components.is_empty() && p.incidents.iter().all(|i| !i.is_open());
        let desc = if desc.is_empty() {
            if empty && !degraded {
                "no incidents".to_string()
            } else if degraded {
                "degraded".to_string()
            } else {
                "all operational".to_string()
            }
        } else {
            desc
        };
        let fresh = super::metrics::freshness(cx, Some(&p.name), None);
        let stale = fresh.clone().filter(|f| f.1);
        let is_stale = stale.is_some();
        let desc = match (stale, fresh) {
            (Some((f, _)), _) => format!("{f} · {desc}"),
            (None, Some((f, _))) if empty => format!("{desc} · {f} ago"),
            _ => desc,
        };
        let nm = fit(&name, w.saturating_sub(2));
        let rest = w.saturating_sub(2 + width(&nm) + 2);
        out.push(Line::from(vec![
            Span::styled(mark, st),
            Span::styled(nm, t.s(Sem::Title)),
            Span::styled(
                format!("  {}", fit(&desc, rest)),
                if is_stale {
                    t.s(Sem::Stale)
                } else if degraded {
                    st
                } else {
                    t.s(Sem::Dim)
                },
            ),
        ]));
        // Components: problems first, then the operational ones.
        let mut comps: Vec<_> = p.components.iter().collect();
        comps.sort_by_key(|c| c.status == "operational");
        let ok_count = comps.iter().filter(|c| c.status == "operational").count();
        let show_ok = ok_count <= 4;
        for c in comps {
            if c.status == "operational" && !show_ok {
                continue;
            }
            let status = text::line_max(&c.status.replace('_', " "), 40);
            let cname = text::line_max(&c.name, 100);
            let room = w.saturating_sub(4 + width(&status) + 1);
            let cn = fit(&cname, room);
            let pad = room.saturating_sub(width(&cn));
            let cs = component_style(t, &c.status);
            out.push(Line::from(vec![
                Span::styled("  ● ", cs),
                Span::raw(cn),
                Span::raw(" ".repeat(pad + 1)),
                Span::styled(status, cs),
            ]));
        }
        if !show_ok {
            out.push(Line::from(Span::styled(
                format!("  {ok_count} components operational"),
                t.s(Sem::Ok),
            )));
        }
        // Flapping beyond the source's budget: the latest summary says what the component
        // list above no longer shows one by one.
        if let Some((at, s)) = &p.summary
            && (cx.now - *at).num_seconds() < 180
        {
            let s = text::line_max(s, 300);
            for l in wrap(&s, w.saturating_sub(4), 2) {
                out.push(Line::from(vec![
                    Span::styled("  ≈ ", t.s(Sem::Warn)),
                    Span::styled(l, t.s(Sem::Warn)),
                ]));
            }
        }
        for inc in p.incidents.iter().filter(|i| i.is_open()) {
            let title = text::line_max(&inc.title, 300);
            let tail = format!(
                " · {} · {}",
                text::line_max(&inc.status, 30),
                age(cx.now, inc.updated)
            );
            let tt = fit(&title, w.saturating_sub(4 + width(&tail)));
            out.push(Line::from(vec![
                Span::styled("  ▲ ", t.s(Sem::Crit)),
                Span::styled(tt, t.s(Sem::Title)),
                Span::styled(tail, t.s(Sem::Dim)),
            ]));
            if let Some(u) = inc.updates.iter().max_by_key(|u| u.at) {
                let body = text::line_max(&u.body, 600);
                for l in wrap(&body, w.saturating_sub(4), 2) {
                    out.push(Line::from(vec![
                        Span::raw("    "),
                        Span::styled(l, t.s(Sem::Dim)),
                    ]));
                }
            }
        }
    }
    out
}

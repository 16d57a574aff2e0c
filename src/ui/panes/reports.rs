//! Outage reports: count against baseline, the ratio, and a chart with the thresholds.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::{Ctx, chart};
use crate::incident::SignalDef;
use crate::incident::state::ReportCounts;
use crate::text;
use crate::ui::paint::{fit, level_style, put, width};
use crate::ui::theme::Sem;

fn line(buf: &mut Buffer, area: Rect, y: u16, cx: &Ctx, r: &ReportCounts) -> u16 {
    let t = cx.theme;
    let st = level_style(t, r.level);
    let ratio = r.ratio().map(|x| format!("{x:.1}x")).unwrap_or_default();
    let base = r
        .baseline
        .map(|b| format!(" / {b:.0} usual"))
        .unwrap_or_default();
    let count = format!("{} reports", r.count);
    let right = format!("{count}{base} {ratio}");
    let nw = (area.width as usize)
        .saturating_sub(width(&right) + 3)
        .max(4);
    let mut x = put(
        buf,
        area,
        area.x,
        y,
        if r.level >= crate::incident::Level::Warn {
            "▲ "
        } else {
            "● "
        },
        st,
    );
    let name = fit(&text::line_max(&r.name, 100), nw);
    x = put(buf, area, x, y, &name, Style::default());
    x = put(buf, area, x + 1, y, &count, st);
    x = put(buf, area, x, y, &base, t.s(Sem::Dim));
    put(
        buf,
        area,
        x + 1,
        y,
        &ratio,
        st.add_modifier(ratatui::style::Modifier::BOLD),
    )
}

/// The thresholds of the ratio, turned into report counts for the chart.
fn count_def(r: &ReportCounts) -> SignalDef {
    let b = r.baseline.unwrap_or(0.0);
    SignalDef {
        unit: String::new(),
        warn: r.def.warn.map(|w| w * b).filter(|_| b > 0.0),
        crit: r.def.crit.map(|c| c * b).filter(|_| b > 0.0),
        direction: r.def.direction,
        ..r.def.clone()
    }
}

pub fn draw(buf: &mut Buffer, area: Rect, cx: &Ctx, scroll: usize) {
    let reps: Vec<&ReportCounts> = cx.inc.reports.values().collect();
    if reps.is_empty() {
        put(
            buf,
            area,
            area.x,
            area.y,
            "no report sources",
            cx.theme.s(Sem::Dim),
        );
        return;
    }
    let n = reps.len();
    let h = area.height as usize;
    let per = (h / n).clamp(1, 8);
    let scroll = scroll.min(n.saturating_sub(h / per));
    for (i, r) in reps.iter().skip(scroll).enumerate() {
        let y = area.y + (i * per) as u16;
        if y >= area.bottom() {
            break;
        }
        // One row: the chart follows the line; more rows: it goes under it.
        let ch = if per == 1 {
            let x = line(buf, area, y, cx, r) + 1;
            Rect::new(x, y, area.right().saturating_sub(x), 1)
        } else {
            line(buf, area, y, cx, r);
            Rect::new(
                area.x + 2,
                y + 1,
                area.width.saturating_sub(2),
                (per - 1) as u16,
            )
        }
        .intersection(area);
        chart::draw(
            buf,
            ch,
            r.series.points(),
            cx.from,
            cx.to,
            &count_def(r),
            cx.theme,
        );
    }
}

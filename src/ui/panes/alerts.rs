//! Alerts: what is firing, and for how long.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::Ctx;
use crate::incident::AlertState;
use crate::text;
use crate::ui::paint::{ago, fit, width};
use crate::ui::theme::Sem;

/// The lines of the alerts pane for an inner width `w`.
pub fn lines(cx: &Ctx, w: usize) -> Vec<Line<'static>> {
    let t = cx.theme;
    let firing = cx.inc.firing();
    let mut out = Vec::new();
    if firing.is_empty() {
        out.push(Line::from(Span::styled("no alerts firing", t.s(Sem::Dim))));
    }
    for a in &firing {
        let name = text::line_max(&a.name, 200);
        let dur = format!(" {}", ago(cx.now, a.since));
        let sev = a.labels.get("severity").map(|s| text::line_max(s, 20));
        let mut spans = vec![Span::styled("● ", t.s(Sem::Crit))];
        let room = w.saturating_sub(2 + width(&dur));
        let name = fit(&name, room);
        let used = 2 + width(&name) + width(&dur);
        spans.push(Span::styled(name, t.s(Sem::Crit)));
        spans.push(Span::styled(dur, t.s(Sem::Warn)));
        let mut used = used;
        if let Some(s) = sev
            && used + s.len() + 3 < w
        {
            used += s.len() + 3;
            spans.push(Span::styled(format!(" [{s}]"), t.s(Sem::Dim)));
        }
        let summary = text::line_max(&a.summary, 300);
        if !summary.is_empty() && used + 4 < w {
            spans.push(Span::styled(
                format!("  {}", fit(&summary, w - used - 2)),
                Style::default(),
            ));
        }
        out.push(Line::from(spans));
    }
    let resolved = cx
        .inc
        .alerts
        .values()
        .filter(|a| a.state == AlertState::Resolved)
        .count();
    // Failing sources: their panes may be showing old data.
    for st in cx.inc.sources.values().filter(|s| !s.ok) {
        let data = match st.last_data {
            Some(t) => format!("data {} old", ago(cx.now, t)),
            None => "no data yet".to_string(),
        };
        let err = st
            .error
            .as_deref()
            .map(|e| format!(": {}", text::line_max(e, 200)))
            .unwrap_or_default();
        let line = format!("× {} failing, {data}{err}", text::line_max(&st.name, 60));
        out.push(Line::from(Span::styled(fit(&line, w), t.s(Sem::Stale))));
    }
    if resolved > 0 {
        out.push(Line::from(Span::styled(
            format!("{resolved} resolved"),
            t.s(Sem::Dim),
        )));
    }
    out
}

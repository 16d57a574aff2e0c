//! The panes of the war-room screen. Each draws one part of the incident into a rectangle.

pub mod alerts;
pub mod chart;
pub mod checklists;
pub mod comms;
pub mod header;
pub mod metrics;
pub mod pages;
pub mod reports;
pub mod timeline;

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::incident::Incident;
use crate::ui::paint::put_line;
use crate::ui::theme::Theme;

/// What every pane needs to draw.
pub struct Ctx<'a> {
    pub inc: &'a Incident,
    pub now: DateTime<Utc>,
    pub theme: &'a Theme,
    /// Chart window, unix millis.
    pub from: i64,
    pub to: i64,
    /// A read-only view or a replay: it offers no action it cannot take (no `:declare`,
    /// no `u writes one`).
    pub read_only: bool,
}

/// Draws lines from `scroll` on; returns the scroll actually used (clamped).
pub fn draw_lines(buf: &mut Buffer, area: Rect, lines: &[Line<'_>], scroll: usize) -> usize {
    let h = area.height as usize;
    let scroll = scroll.min(lines.len().saturating_sub(h));
    for (i, l) in lines.iter().skip(scroll).take(h).enumerate() {
        put_line(buf, area, area.x, area.y + i as u16, l);
    }
    scroll
}

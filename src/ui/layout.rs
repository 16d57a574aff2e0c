//! The default layout: header, signal panes, timeline, checklists, command line, hint bar.
//! Adapts from 60x15 up; below that the screen says "terminal too small".

use ratatui::layout::{Constraint, Direction, Layout, Rect};

use crate::incident::Incident;

/// Smallest screen the room is drawn on.
pub const MIN_W: u16 = 60;
pub const MIN_H: u16 = 15;

/// The panes, in focus order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PaneId {
    Timeline,
    Checklists,
    Metrics,
    Reports,
    Pages,
    Alerts,
    Comms,
}

impl PaneId {
    pub const ALL: [PaneId; 7] = [
        PaneId::Timeline,
        PaneId::Checklists,
        PaneId::Metrics,
        PaneId::Reports,
        PaneId::Pages,
        PaneId::Alerts,
        PaneId::Comms,
    ];
    pub fn title(self) -> &'static str {
        match self {
            PaneId::Timeline => "Timeline",
            PaneId::Checklists => "Checklists",
            PaneId::Metrics => "Metrics",
            PaneId::Reports => "Outage reports",
            PaneId::Pages => "Status pages",
            PaneId::Alerts => "Alerts",
            PaneId::Comms => "Comms",
        }
    }
}

/// Where everything goes on a screen. `panes` is in on-screen order (column by column,
/// each top to bottom; rows of a grid left to right): the order Tab steps through.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Screen {
    pub header: Rect,
    pub panes: Vec<(PaneId, Rect)>,
    pub command: Rect,
    pub hints: Rect,
    /// The middle area (used by zoom and the help overlay).
    pub body: Rect,
}

impl Screen {
    pub fn rect(&self, p: PaneId) -> Option<Rect> {
        self.panes.iter().find(|(id, _)| *id == p).map(|(_, r)| *r)
    }
    pub fn at(&self, x: u16, y: u16) -> Option<PaneId> {
        self.panes
            .iter()
            .find(|(_, r)| x >= r.x && x < r.right() && y >= r.y && y < r.bottom())
            .map(|(id, _)| *id)
    }
}

fn split(dir: Direction, area: Rect, c: &[Constraint]) -> Vec<Rect> {
    Layout::default()
        .direction(dir)
        .constraints(c.to_vec())
        .split(area)
        .to_vec()
}

fn rows(area: Rect, c: &[Constraint]) -> Vec<Rect> {
    split(Direction::Vertical, area, c)
}
fn cols(area: Rect, c: &[Constraint]) -> Vec<Rect> {
    split(Direction::Horizontal, area, c)
}

/// Lays out the screen; `None` when it is below the smallest size.
pub fn layout(area: Rect, inc: &Incident, zoom: Option<PaneId>) -> Option<Screen> {
    use Constraint::{Length, Min, Percentage};
    if area.width < MIN_W || area.height < MIN_H {
        return None;
    }
    let header_h = if area.height >= 30 { 2 } else { 1 };
    let v = rows(area, &[Length(header_h), Min(1), Length(1), Length(1)]);
    let (header, body, command, hints) = (v[0], v[1], v[2], v[3]);
    let mut s = Screen {
        header,
        command,
        hints,
        body,
        panes: Vec::new(),
    };
    if let Some(z) = zoom {
        s.panes.push((z, body));
        return Some(s);
    }
    let failing = inc.sources.values().filter(|s| !s.ok).count();
    let resolved = inc.alerts.len() > inc.firing().len();
    let alert_lines = inc.firing().len().max(1) + failing + usize::from(resolved);
    let alerts_h = (alert_lines as u16 + 2).clamp(3, 10);
    let items: usize = inc.checklists.iter().map(|c| c.items.len() + 1).sum();
    let check_h = (items as u16 + 2).clamp(5, (body.height / 2).max(5));
    let nrep = inc.reports.len().max(1) as u16;
    let w = area.width;
    // Comms: a pane where there is height for it, else one line (drawn without a border).
    let comms_h = if body.height >= 24 {
        crate::ui::panes::comms::LINES + 2
    } else {
        1
    };
    if w >= 160 {
        // Three columns: signals | timeline | pages, alerts, checklists.
        let c = cols(body, &[Percentage(36), Percentage(38), Percentage(26)]);
        let reports_h = (nrep * 5 + 2).min(c[0].height / 3);
        let l = rows(c[0], &[Min(4), Length(reports_h)]);
        let r = rows(
            c[2],
            &[Length(comms_h), Min(4), Length(alerts_h), Length(check_h)],
        );
        s.panes = vec![
            (PaneId::Metrics, l[0]),
            (PaneId::Reports, l[1]),
            (PaneId::Timeline, c[1]),
            (PaneId::Comms, r[0]),
            (PaneId::Pages, r[1]),
            (PaneId::Alerts, r[2]),
            (PaneId::Checklists, r[3]),
        ];
    } else if w >= 100 {
        // Two columns: signals on the left, the room on the right.
        let c = cols(body, &[Percentage(46), Percentage(54)]);
        let reports_h = (nrep * 3 + 2).min(c[0].height / 4).max(3);
        let l = rows(
            c[0],
            &[Percentage(40), Length(comms_h), Length(reports_h), Min(3)],
        );
        // The timeline is what people read most: it gets at least a third of the column.
        let check_h = check_h.min((body.height * 2 / 5).max(5));
        let alerts_h = alerts_h.min((body.height / 5).max(3));
        let r = rows(
            c[1],
            &[Length(alerts_h), Min(body.height / 3), Length(check_h)],
        );
        s.panes = vec![
            (PaneId::Metrics, l[0]),
            (PaneId::Comms, l[1]),
            (PaneId::Reports, l[2]),
            (PaneId::Pages, l[3]),
            (PaneId::Alerts, r[0]),
            (PaneId::Timeline, r[1]),
            (PaneId::Checklists, r[2]),
        ];
    } else {
        // Narrow: comms in one line, signals across the top, timeline and checklists below.
        let c = rows(body, &[Length(1), Min(1)]);
        let body = c[1];
        let top_h = (body.height * 2 / 5).max(4);
        let v = rows(body, &[Length(top_h), Min(4)]);
        let t = cols(v[0], &[Percentage(50), Percentage(50)]);
        // Two boxes need 3 rows each to show a line; below that the reports fold into
        // one line and the alerts keep a box with what is firing.
        let tr = if t[1].height < 6 {
            rows(t[1], &[Length(1), Min(1)])
        } else {
            rows(t[1], &[Percentage(50), Percentage(50)])
        };
        let b = cols(v[1], &[Percentage(58), Percentage(42)]);
        let br = rows(b[1], &[Percentage(55), Percentage(45)]);
        s.panes = vec![
            (PaneId::Comms, c[0]),
            (PaneId::Metrics, t[0]),
            (PaneId::Reports, tr[0]),
            (PaneId::Alerts, tr[1]),
            (PaneId::Timeline, b[0]),
            (PaneId::Checklists, br[0]),
            (PaneId::Pages, br[1]),
        ];
    }
    Some(s)
}

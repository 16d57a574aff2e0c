//! The application view: view state, input → actions, drawing.
//! (Interface fixed; implementation in progress: see issue 3.)

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

use crate::incident::{EventKind, Incident};

/// What a view asks the outside to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Append this event to the incident log, authored by the view's user.
    Record(EventKind),
    /// Leave this view.
    Quit,
}

/// Live room or replay (where the incident cannot be changed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Live,
    Replay,
}

#[derive(Clone, Debug)]
pub struct AppOptions {
    /// The person at this view (author of what they record).
    pub user: String,
    /// Observers see everything and change nothing.
    pub read_only: bool,
    pub mode: Mode,
}

impl AppOptions {
    /// A live, read-write view for `user`.
    pub fn new(user: &str) -> Self {
        AppOptions {
            user: user.to_string(),
            read_only: false,
            mode: Mode::Live,
        }
    }
}

/// One view of the room (the local terminal or one SSH session).
pub struct App {
    pub opts: AppOptions,
}

impl App {
    pub fn new(opts: AppOptions) -> Self {
        App { opts }
    }

    /// Handles one input event; returns what the outside must do.
    pub fn handle_input(
        &mut self,
        ev: &crossterm::event::Event,
        incident: &Incident,
        now: DateTime<Utc>,
    ) -> Vec<Action> {
        let _ = (ev, incident, now);
        Vec::new()
    }

    /// Draws the whole room into `area`.
    pub fn draw(&mut self, frame: &mut Frame, area: Rect, incident: &Incident, now: DateTime<Utc>) {
        let _ = now;
        frame.render_widget(Paragraph::new(incident.title.as_str()), area);
    }
}

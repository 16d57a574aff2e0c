//! The live room as a [`View`]: the room's folded state at the wall clock; what the person
//! does is sent to the room, as them, without waiting for the disk.

use std::path::PathBuf;

use chrono::Utc;
use crossterm::event::Event;
use ratatui::Frame;
use ratatui::layout::Rect;
use tokio::sync::watch;

use super::Recording;
use super::driver::{NoExport, View};
use crate::incident::{Actor, Draft, EventKind};
use crate::room::RoomHandle;
use crate::ui::app::{Action, App};

/// What a live view may do besides watching.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rights {
    /// Record events (false for SSH observers: a second guard behind the App's own).
    pub record: bool,
    /// Write a postmortem next to the log (only on the room's host: the local terminal).
    pub export: bool,
}

/// One person's live view of the room.
pub struct LiveView {
    app: App,
    room: RoomHandle,
    by: Actor,
    rights: Rights,
    version: watch::Receiver<u64>,
    recording: Recording,
}

impl LiveView {
    pub fn new(room: RoomHandle, app: App, person: &str, rights: Rights) -> Self {
        let version = room.subscribe();
        LiveView {
            app,
            room,
            by: Actor::person(person),
            rights,
            version,
            recording: Recording::default(),
        }
    }
}

impl LiveView {
    /// The view's App back (to run the view again later: after a replay, say).
    pub fn into_app(self) -> App {
        self.app
    }
}

impl View for LiveView {
    fn app(&mut self) -> &mut App {
        &mut self.app
    }

    fn input(&mut self, ev: &Event) -> Vec<Action> {
        let inc = self.room.read();
        self.app.handle_input(ev, &inc, Utc::now())
    }

    fn record(&mut self, kind: EventKind) {
        if !self.rights.record {
            tracing::info!(by = ?self.by, kind = kind.name(), "observer action refused");
            self.app
                .notify("read-only: observers cannot change the incident", true);
            return;
        }
        let draft = Draft::new(Utc::now(), self.by.clone(), kind);
        if let Err(e) = self.recording.send(&self.room, draft) {
            tracing::warn!(error = %e, "could not record");
            self.app
                .notify("not recorded: the room is busy or closed; try again", true);
        }
    }

    fn export_log(&self) -> Result<PathBuf, NoExport> {
        if !self.rights.export {
            return Err(NoExport::NotHere);
        }
        self.room
            .log_path()
            .map(PathBuf::from)
            .ok_or(NoExport::RoomWithoutLog)
    }

    async fn changed(&mut self) -> bool {
        self.version.changed().await.is_ok()
    }

    fn shared_store(&self) -> Option<crate::config::NatsConfig> {
        self.room.store().cloned()
    }

    fn settle(&mut self) {
        self.recording.settle(&self.room, &mut self.app);
    }

    fn needs_redraw(&mut self, area: Rect) -> bool {
        let inc = self.room.read();
        self.app.needs_redraw(&inc, Utc::now(), area)
    }

    fn draw(&mut self, frame: &mut Frame) {
        let inc = self.room.read();
        let area = frame.area();
        self.app.draw(frame, area, &inc, Utc::now());
    }
}

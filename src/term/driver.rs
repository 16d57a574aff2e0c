//! The one front-end driver: input → [`App`] → actions → where they go; a redraw when
//! something changed, at most 30 frames a second, and on every turn of the clock's second.
//!
//! Every view runs [`run`]: the local terminal, each SSH session and `warroom replay`.
//! They differ only in two things:
//! - the [`Terminal`]: where bytes go and where input comes from (the local tty in
//!   `local.rs`, one SSH channel in `ssh/session.rs`);
//! - the [`View`]: what it shows and what its actions may do (the live room in `live.rs`,
//!   a replay of a log in `replay.rs`, which records review notes and nothing else).
//!
//! Ctrl-C is handled in one place, the key table ([`App::handle_input`] turns it into
//! [`Action::Quit`]). `:export` runs on a blocking task: the view says "exporting…" at
//! once and the result (the file, or the error) when it is done; the loop never waits on
//! disk.

use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{Timelike, Utc};
use crossterm::event::Event;
use ratatui::Frame;
use ratatui::layout::Rect;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

use crate::export::Format;
use crate::incident::EventKind;
use crate::ui::app::{Action, App};

/// Shortest time between two frames (30 frames per second at most).
pub const FRAME_GAP: Duration = Duration::from_millis(34);

/// Why a view ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The person left (Ctrl-C, `:quit`, `q`).
    Quit,
    /// The room closed under us.
    RoomClosed,
    /// The terminal went away (input ended, a signal, the connection closed).
    Hangup,
    /// The terminal was closed from our side, with this reason (idle, server stopping).
    Closed(&'static str),
    /// The client stopped taking output.
    Stalled,
}

/// What a terminal's input brought.
#[derive(Debug)]
pub enum Input {
    /// Events for the view (keys, mouse, paste, resize).
    Events(Vec<Event>),
    /// Nothing for the view, but the terminal can take a frame again.
    Ready,
    /// The terminal is done.
    End(Exit),
}

/// Where a view's bytes go and its input comes from.
pub trait Terminal {
    /// The next input. Must be cancel-safe: the driver drops it when something else
    /// happens first and asks again.
    fn next(&mut self) -> impl Future<Output = Input> + Send;
    /// Whether a frame can go out now (false while an SSH client is behind; the terminal
    /// then answers [`Input::Ready`] once it has caught up).
    fn ready(&self) -> bool {
        true
    }
    /// The area a frame covers.
    fn area(&self) -> Rect;
    /// Least time between two frames.
    fn frame_gap(&self) -> Duration {
        FRAME_GAP
    }
    /// Draws one frame; `Some` ends the view (the terminal is gone).
    fn draw(&mut self, draw: &mut dyn FnMut(&mut Frame)) -> Option<Exit>;
}

/// Why a view may not `:export` (shown as the view's error message).
#[derive(Debug, thiserror::Error)]
pub enum NoExport {
    /// The postmortem is written on the room's host: the commander's view or `warroom
    /// export` does that, not a remote responder.
    #[error("export from the commander's terminal or with `warroom export LOG`")]
    NotHere,
    #[error("export failed: this room keeps no log to export")]
    RoomWithoutLog,
    #[error("this replay has no log file to export")]
    ReplayWithoutLog,
}

/// What a view shows and where its actions go.
pub trait View {
    /// The view's App.
    fn app(&mut self) -> &mut App;
    /// Hands one input event to the App (a replay first offers it to its clock) and
    /// returns the actions it asks for.
    fn input(&mut self, ev: &Event) -> Vec<Action>;
    /// Carries out [`Action::Record`].
    fn record(&mut self, kind: EventKind);
    /// The log `:export` writes a postmortem of, or why this view may not export.
    fn export_log(&self) -> Result<PathBuf, NoExport>;
    /// Resolves when what the view shows changed (the room's state, the replay's clock);
    /// `false` when there is nothing more to show (the room closed). Cancel-safe.
    fn changed(&mut self) -> impl Future<Output = bool> + Send;
    /// The shared store the view's room is on (`:incidents` lists its incidents too).
    fn shared_store(&self) -> Option<crate::config::NatsConfig> {
        None
    }
    /// Takes what happened meanwhile (the room's receipts) before a frame.
    fn settle(&mut self) {}
    /// Whether a frame drawn now into `area` would differ from the last one.
    fn needs_redraw(&mut self, area: Rect) -> bool;
    /// Draws the whole view.
    fn draw(&mut self, frame: &mut Frame);
}

/// What one input event led to, besides what the view carried out itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
    /// Write a postmortem draft (the driver runs it off the loop).
    Export(Format),
    /// Read the incident logs of this folder (and the room's shared stream, if any) off
    /// the loop, for `:incidents`.
    ListIncidents(PathBuf),
}

/// Input → App → actions, for one event: records what the person did and returns what is
/// left for the driver (leaving, exporting).
pub fn step<V: View>(view: &mut V, ev: &Event) -> Flow {
    let mut flow = Flow::Continue;
    for action in view.input(ev) {
        match action {
            Action::Record(kind) => view.record(kind),
            Action::Quit => return Flow::Quit,
            Action::Export(format) => flow = Flow::Export(format),
            Action::ListIncidents(dir) => flow = Flow::ListIncidents(dir),
        }
    }
    flow
}

/// Runs `view` on `term` until the person leaves, the room closes or the terminal goes.
pub async fn run<T: Terminal, V: View>(term: &mut T, view: &mut V) -> Exit {
    let mut dirty = true;
    let mut last_frame: Option<Instant> = None;
    let mut next_second = next_whole_second();
    let mut frames = 0u64;
    let (done_tx, mut done) = mpsc::unbounded_channel::<(String, bool)>();
    let (list_tx, mut listed) = mpsc::unbounded_channel::<crate::desk::list::Listing>();
    let exit = loop {
        let draw_at = last_frame.map_or_else(Instant::now, |t| t + term.frame_gap());
        tokio::select! {
            input = term.next() => match input {
                Input::Events(events) => {
                    for ev in &events {
                        match step(view, ev) {
                            Flow::Continue => {}
                            Flow::Quit => return Exit::Quit,
                            Flow::Export(format) => export(view, format, &done_tx),
                            Flow::ListIncidents(dir) => {
                                let store = view.shared_store();
                                super::incidents::list(dir, store, &list_tx, &done_tx)
                            }
                        }
                    }
                    dirty = true;
                }
                Input::Ready => dirty = true,
                Input::End(exit) => break exit,
            },
            alive = view.changed() => {
                if !alive {
                    break Exit::RoomClosed;
                }
                dirty = true;
            }
            _ = sleep_until(next_second) => {
                next_second = next_whole_second();
                dirty = true;
            }
            Some(listing) = listed.recv() => {
                view.app().show_incidents(listing, Utc::now());
                dirty = true;
            }
            Some((message, error)) = done.recv() => {
                view.app().notify(message, error);
                dirty = true;
            }
            _ = sleep_until(draw_at), if dirty && term.ready() => {
                dirty = false;
                view.settle();
                if !view.needs_redraw(term.area()) {
                    continue;
                }
                last_frame = Some(Instant::now());
                frames += 1;
                if let Some(exit) = term.draw(&mut |f| view.draw(f)) {
                    break exit;
                }
            }
        }
    };
    tracing::debug!(?exit, frames, "view ended");
    exit
}

/// Starts `:export` on a blocking task; its result comes back through `done`.
fn export<V: View>(view: &mut V, format: Format, done: &mpsc::UnboundedSender<(String, bool)>) {
    let log = match view.export_log() {
        Ok(log) => log,
        Err(why) => {
            view.app().notify(why.to_string(), true);
            return;
        }
    };
    view.app().notify("exporting…", false);
    let done = done.clone();
    tokio::task::spawn_blocking(move || {
        let result = match crate::export::write_next_to_log(&log, format) {
            Ok(p) => (
                format!("postmortem draft written to {}", p.display()),
                false,
            ),
            Err(e) => (format!("export failed: {e}"), true),
        };
        // The view may have ended meanwhile: then nobody needs the answer.
        let _ = done.send(result);
    });
}

/// The instant the wall clock next turns a whole second (a few ms after, so the clock
/// drawn then shows the new second).
fn next_whole_second() -> Instant {
    let now = Utc::now();
    let ns = u64::from(now.nanosecond() % 1_000_000_000);
    Instant::now() + Duration::from_nanos(1_000_000_000 - ns) + Duration::from_millis(2)
}

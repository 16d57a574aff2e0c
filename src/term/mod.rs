//! Front ends. One driver (`driver.rs`) runs every view: input → App → actions → room,
//! redraw on change. Views: the live room (`live.rs`) and a replay of a log (`replay.rs`).
//! Terminals: the local tty (`local.rs`) and SSH sessions (`ssh/`).
pub mod driver;
pub mod incidents;
pub mod live;
pub mod local;
pub mod replay;
pub mod ssh;

use std::collections::VecDeque;

use crate::incident::Draft;
use crate::room::{Receipt, RoomClosed, RoomHandle};
use crate::ui::app::{App, AppOptions};
use crate::ui::theme::ColorDepth;

/// The options of one live view of `room` for `user` on a terminal of colour `depth`: the
/// room's theme (the config's) and the themes `:theme` can switch to. The local terminal
/// and every SSH session start from it, so they look alike.
pub fn view_options(room: &RoomHandle, user: &str, depth: ColorDepth) -> AppOptions {
    let mut opts = AppOptions::new(user);
    opts.depth = depth;
    opts.theme = room.look().theme.clone();
    opts.themes = room.look().themes.clone();
    opts.templates = room.look().templates.clone();
    opts.publish = room.look().publish.clone();
    opts.incidents_dir = incidents::log_dir(room);
    opts.room_log = room.log_path().map(std::path::Path::to_path_buf);
    opts
}

/// The actions one view sent that the room has not yet put on disk. The view says "not
/// yet recorded: …" until [`Recording::settle`] sees the room's receipts, then
/// "recorded: …"; it also carries the room's health to the header's red line.
#[derive(Debug, Default)]
pub struct Recording {
    waiting: VecDeque<Receipt>,
}

impl Recording {
    /// Sends a person's action to the room without waiting.
    pub fn send(&mut self, room: &RoomHandle, draft: Draft) -> Result<(), RoomClosed> {
        let receipt = room.try_record(draft)?;
        self.waiting.push_back(receipt);
        Ok(())
    }

    /// Takes the room's answers (after each version change, before drawing).
    pub fn settle(&mut self, room: &RoomHandle, app: &mut App) {
        while let Some(r) = self.waiting.front_mut() {
            match r.check() {
                None => break,
                Some(Ok(_)) => {
                    self.waiting.pop_front();
                }
                Some(Err(RoomClosed)) => {
                    self.waiting.pop_front();
                    app.notify("not recorded: the room has closed", true);
                }
            }
        }
        if self.waiting.is_empty() {
            app.recorded();
        }
        app.set_room_problem(room.health().problem());
    }

    /// Actions sent and not yet recorded.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }
}

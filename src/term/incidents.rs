//! `:incidents` for a view: the listing of the room's log folder, read off the loop.

use std::path::PathBuf;

use tokio::sync::mpsc;

use crate::desk::list::Listing;
use crate::room::RoomHandle;

/// The folder the room's log is in (`.` for a bare file name); none without a log.
pub fn log_dir(room: &RoomHandle) -> Option<PathBuf> {
    let log = room.log_path()?;
    Some(match log.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    })
}

/// Lists `dir` on a blocking task; the listing comes back through `listed`, a failure
/// as an error message through `done`.
pub fn list(
    dir: PathBuf,
    listed: &mpsc::UnboundedSender<Listing>,
    done: &mpsc::UnboundedSender<(String, bool)>,
) {
    let (listed, done) = (listed.clone(), done.clone());
    tokio::task::spawn_blocking(move || match crate::desk::list::list(&dir) {
        // The view may have ended meanwhile: then nobody needs the answer.
        Ok(l) => drop(listed.send(l)),
        Err(e) => drop(done.send((crate::text::line(&e.to_string()), true))),
    });
}

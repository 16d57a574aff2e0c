//! `warroom` with no config of its own starts the bundled drill; when the incident log
//! folder has open (real, not drill) incidents, it first offers them (only on a terminal: a script gets
//! the drill, as before). Enter opens one (its room, without the drill); Esc starts the
//! drill.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::ui::incidents_popup::Choice;

/// The folder the config's `[incident] log` template writes to (`paths`' rule: up to its
/// first placeholder; `.` for a bare name).
pub fn log_dir(config: &Config) -> PathBuf {
    let dir = crate::paths::incident_log_dir(&config.incident.log, Path::new(""));
    if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    }
}

/// The open incidents of the log folder, offered; the one picked, or `None` for the drill.
pub fn offer(config: &Config) -> Option<Choice> {
    let mut listing = crate::desk::list::list(&log_dir(config)).ok()?;
    // Real incidents only: a drill left unfinished is practice, not work waiting.
    listing
        .incidents
        .retain(|s| s.is_open() && s.drill.is_none());
    listing.unreadable.clear();
    if listing.incidents.is_empty() {
        return None;
    }
    let title = format!(
        "{} open incident{} here: Enter opens one · Esc starts the bundled drill",
        listing.incidents.len(),
        if listing.incidents.len() == 1 {
            ""
        } else {
            "s"
        }
    );
    match super::incidents::pick(listing, &title) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "the offer of open incidents could not be shown");
            None
        }
    }
}

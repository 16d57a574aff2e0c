//! `:incidents` for a view: the listing of the room's log folder and, for a room on a
//! shared store, of the incidents on its stream, read off the loop.

use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::config::NatsConfig;
use crate::desk::list::Listing;
use crate::room::RoomHandle;

/// How long the stream may take to list its incidents before the folder is shown alone.
const STREAM_WAIT: Duration = Duration::from_secs(20);

/// The folder the room's log is in (`.` for a bare file name); none without a log.
pub fn log_dir(room: &RoomHandle) -> Option<PathBuf> {
    let log = room.log_path()?;
    Some(match log.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    })
}

/// Lists `dir` on a blocking task and, with a `store`, the stream's incidents at the same
/// time (`store::nats::list`), merged (`desk::list::merge_stream`); the listing comes back
/// through `listed`, a failure as an error message through `done`. A stream that cannot
/// be listed leaves the folder's listing, which says why.
pub fn list(
    dir: PathBuf,
    store: Option<NatsConfig>,
    listed: &mpsc::UnboundedSender<Listing>,
    done: &mpsc::UnboundedSender<(String, bool)>,
) {
    let (listed, done) = (listed.clone(), done.clone());
    tokio::spawn(async move {
        let folder = tokio::task::spawn_blocking(move || crate::desk::list::list(&dir));
        let stream = async {
            let cfg = store?;
            Some(
                match tokio::time::timeout(STREAM_WAIT, crate::store::nats::list(&cfg)).await {
                    Ok(Ok(l)) => Ok(l),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(_) => Err("the stream did not answer in time".to_string()),
                },
            )
        };
        let (folder, stream) = tokio::join!(folder, stream);
        let mut listing = match folder {
            Ok(Ok(l)) => l,
            Ok(Err(e)) if stream.is_none() => {
                // The view may have ended meanwhile: then nobody needs the answer.
                drop(done.send((crate::text::line(&e.to_string()), true)));
                return;
            }
            Ok(Err(e)) => Listing {
                notes: vec![crate::text::line(&e.to_string())],
                ..Listing::default()
            },
            Err(e) => {
                drop(done.send((format!("cannot list the incidents: {e}"), true)));
                return;
            }
        };
        match stream {
            None => {}
            Some(Ok(incidents)) => {
                crate::desk::list::merge_stream(&mut listing, incidents, chrono::Utc::now())
            }
            Some(Err(e)) => listing.notes.push(format!(
                "the stream's incidents are not listed: {}",
                crate::text::line(&e)
            )),
        }
        drop(listed.send(listing));
    });
}

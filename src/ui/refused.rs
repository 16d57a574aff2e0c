//! Why a view may not change the incident.

/// A write (or a note) this view refuses; shown as the view's error message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("read-only view: you can watch, not change the incident")]
    ReadOnly,
    #[error("replay: the incident can't be changed")]
    Replay,
}

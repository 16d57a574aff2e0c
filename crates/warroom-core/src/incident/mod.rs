//! The pure core: events, the fold, checklists, series and key times.
//! Nothing here knows of tokio, terminals, HTTP or files.

pub mod actions;
pub mod amend;
pub mod checklist;
pub mod comms;
mod comms_fold;
pub mod event;
pub mod handoff;
pub mod series;
pub mod state;
pub mod times;

pub use checklist::{Checklist, ChecklistItem, DoneWhen};
pub use comms::{Cadence, Comms, Delivery, OwnPageQuiet, PageAlarm, Period, UpdateRecord};
pub use event::{
    Actor, AlertState, Audience, ComponentStatus, Direction, Draft, Event, EventKind,
    IncidentState, KNOWN_KINDS, PublishOutcome, Severity,
};
pub use series::Series;
pub use state::{EntryKind, Incident, Level, Signal, SignalDef, TimelineEntry};
pub use times::{KeyTime, KeyTimes, format_duration};

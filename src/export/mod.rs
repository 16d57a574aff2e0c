//! Export: a postmortem draft (markdown), the timeline (csv) or everything (json), written
//! from the folded incident and its events. Used by `warroom export` and `:export` in the room.

pub mod csv;
pub mod json;
pub mod markdown;
pub mod postmortem;

use crate::incident::{Event, Incident};
use crate::log::Damage;
pub use postmortem::Postmortem;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Json,
    Csv,
}

impl Format {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "markdown" | "md" => Some(Format::Markdown),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

/// Renders `incident` (the fold of `events`) in `format`; `all` puts every event in the
/// timeline instead of people's entries and key signal changes.
pub fn render(incident: &Incident, events: &[Event], format: Format, all: bool) -> String {
    render_with(incident, events, format, all, &[])
}

/// Like [`render`], for a log that had damaged lines: the export says what was skipped.
pub fn render_with(
    incident: &Incident,
    events: &[Event],
    format: Format,
    all: bool,
    damaged: &[Damage],
) -> String {
    let pm = Postmortem::build(incident, events, all, damaged);
    match format {
        Format::Markdown => markdown::render(&pm),
        Format::Json => json::render(&pm, all.then_some(events)),
        Format::Csv => csv::render(&pm),
    }
}

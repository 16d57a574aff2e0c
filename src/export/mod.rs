//! Export: a postmortem draft (markdown), the timeline (csv) or everything (json), written
//! from the folded incident and its events. Used by `warroom export` and `:export` in the room.

pub mod communication;
pub mod csv;
pub mod follow_ups;
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
    /// The follow-ups as a JSON array (`--format actions`).
    Actions,
    /// The follow-ups as a Markdown task list (`--format actions-md`).
    ActionsMarkdown,
}

impl Format {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "markdown" | "md" => Some(Format::Markdown),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "actions" => Some(Format::Actions),
            "actions-md" => Some(Format::ActionsMarkdown),
            _ => None,
        }
    }
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Actions => "json",
            Format::ActionsMarkdown => "md",
        }
    }

    /// What the file next to the log is called: `postmortem` or `actions`.
    pub fn what(self) -> &'static str {
        match self {
            Format::Actions | Format::ActionsMarkdown => "actions",
            _ => "postmortem",
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
    render_pm(&pm, incident, events, format, all)
}

/// A rendered export of a log file, with how many damaged lines were skipped.
pub struct LogExport {
    pub text: String,
    pub damaged: usize,
}

/// Reads the log at `path` (without locking it: the room may hold it) and renders it.
pub fn export_log(
    path: &std::path::Path,
    format: Format,
    all: bool,
) -> Result<LogExport, crate::log::LogError> {
    let mut events = Vec::new();
    let (_, recovery) = crate::log::read(path, |e| events.push(e))?;
    let incident = Incident::fold(&events);
    let mut pm = Postmortem::build(&incident, &events, all, &recovery.damaged);
    // The review notes belong to this log's export; a review log that cannot be read is
    // said in the export, and the rest is still written.
    let review = crate::replay::review_path(path);
    if review.exists() {
        let mut notes = Vec::new();
        match crate::log::read(&review, |e| notes.push(e)) {
            Ok(_) => pm.add_review(&notes),
            Err(e) => pm.review_error = Some(crate::text::line(&e.to_string())),
        }
    }
    Ok(LogExport {
        text: render_pm(&pm, &incident, &events, format, all),
        damaged: recovery.damaged.len(),
    })
}

fn render_pm(
    pm: &Postmortem,
    inc: &Incident,
    events: &[Event],
    format: Format,
    all: bool,
) -> String {
    match format {
        Format::Markdown => markdown::render(pm),
        Format::Json => json::render(pm, all.then_some(events)),
        Format::Csv => csv::render(pm),
        Format::Actions => follow_ups::json(inc),
        Format::ActionsMarkdown => follow_ups::markdown(inc),
    }
}

/// Why `:export` could not write the postmortem draft.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Log(#[from] crate::log::LogError),
    #[error("writing {}: {source}", path.display())]
    Write {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// Writes the postmortem draft next to the log (`<log>.postmortem.md` and so on); returns
/// where. This is what `:export` in the room does.
pub fn write_next_to_log(
    path: &std::path::Path,
    format: Format,
) -> Result<std::path::PathBuf, ExportError> {
    let out = export_log(path, format, false)?;
    let target = path.with_extension(format!("{}.{}", format.what(), format.extension()));
    std::fs::write(&target, out.text.as_bytes()).map_err(|source| ExportError::Write {
        path: target.clone(),
        source,
    })?;
    Ok(target)
}

//! A log's summary for the incident list, without folding every event.
//!
//! A log of a long incident is mostly metrics and alerts. The list needs only the title,
//! severity, state, roles, drill and status updates, and those come from a handful of
//! event kinds. So each line is judged by its kind tag (`"kind":{"type":"…"`, as the room
//! writes it) and only lines of those kinds are parsed and applied to the real fold
//! (`Incident::apply`), which therefore agrees with the room on every field it shows. The
//! first and the last event are parsed for the start and the age. A line without the tag
//! (hand-edited) is parsed in full; a line that does not parse counts as damaged.

use std::path::{Path, PathBuf};

use std::fs::File;
use std::io::Read;

use chrono::{DateTime, Utc};

use crate::incident::{Audience, Event, Incident, IncidentState, Severity};
use crate::log::LogHeader;

/// Kinds whose events set what the list shows.
const WANTED: &[&[u8]] = &[
    b"incident_declared",
    b"severity_changed",
    b"state_changed",
    b"role_assigned",
    b"drill_started",
    b"room_opened",
    b"status_update",
    b"handoff",
];

const TAG: &[u8] = b"\"kind\":{\"type\":\"";

/// What the list shows of one log.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    pub path: PathBuf,
    pub incident: String,
    pub title: String,
    pub severity: Severity,
    pub state: IncidentState,
    /// The scenario, when the log is a drill.
    pub drill: Option<String>,
    /// The first event's time (else the log's creation).
    pub started: DateTime<Utc>,
    /// The last event's time.
    pub last_at: Option<DateTime<Utc>>,
    /// When it was last resolved (none while open).
    pub resolved_at: Option<DateTime<Utc>>,
    pub commander: Option<String>,
    pub last_public_update: Option<DateTime<Utc>>,
    pub events: u64,
    /// Lines that could not be read (a torn last line, a bad edit).
    pub damaged: u64,
    /// The incident's id on the room's shared stream when it was listed from there (then
    /// `path` is its local mirror, or empty when this folder has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<String>,
}

impl Summary {
    pub fn is_open(&self) -> bool {
        self.state != IncidentState::Resolved
    }
}

/// The kind tag of a line as the room writes it, if it has one.
fn kind_of<'a>(finder: &memchr::memmem::Finder, line: &'a [u8]) -> Option<&'a [u8]> {
    let at = finder.find(line)? + TAG.len();
    let rest = &line[at..];
    let end = memchr::memchr(b'"', rest)?;
    Some(&rest[..end])
}

fn parse(line: &[u8]) -> Option<Event> {
    serde_json::from_slice::<Event>(line).ok()
}

/// Summarises the log at `path`; `Err` says why it is not a readable warroom log.
///
/// The file is read whole (one copy; a log of 10,000 events is ~1.5 MB) and its lines
/// are walked in place: only the lines of the wanted kinds are parsed, the others are
/// counted without being copied.
pub fn summarize(path: &Path) -> Result<Summary, super::SummaryError> {
    summarize_bytes(path, &read_whole(path)?)
}

/// The whole file (logs are read in one copy; see [`summarize`]).
pub fn read_whole(path: &Path) -> Result<Vec<u8>, super::SummaryError> {
    let mut file = File::open(path)?;
    let mut buf = Vec::new();
    file.read_to_end(&mut buf)?;
    Ok(buf)
}

/// [`summarize`] of a log already read (`buf`, the whole file at `path`).
pub fn summarize_bytes(path: &Path, buf: &[u8]) -> Result<Summary, super::SummaryError> {
    if buf.is_empty() {
        return Err(super::SummaryError::Empty);
    }
    let header_end = memchr::memchr(b'\n', buf).map_or(buf.len(), |i| i + 1);
    let header: LogHeader = serde_json::from_slice(trim(&buf[..header_end]))
        .map_err(|_| super::SummaryError::NoHeader)?;
    let finder = memchr::memmem::Finder::new(TAG);
    let mut inc = Incident::new();
    let mut first_at = None;
    let mut last_line: &[u8] = &[];
    let (mut events, mut damaged) = (0u64, 0u64);
    let mut resolved_at = None;
    let mut at = header_end;
    while at < buf.len() {
        let Some(nl) = memchr::memchr(b'\n', &buf[at..]) else {
            // A torn last line: the write was cut off.
            damaged += 1;
            break;
        };
        let line = &buf[at..at + nl];
        at += nl + 1;
        let body = trim(line);
        if body.is_empty() {
            damaged += 1;
            continue;
        }
        let event = match kind_of(&finder, body) {
            Some(k) if !WANTED.contains(&k) && first_at.is_some() => {
                // Not parsed; a cheap sanity check that the line is whole.
                if body.last() == Some(&b'}') {
                    events += 1;
                    last_line = body;
                } else {
                    damaged += 1;
                }
                continue;
            }
            _ => match parse(body) {
                Some(e) => e,
                None => {
                    damaged += 1;
                    continue;
                }
            },
        };
        events += 1;
        last_line = &[];
        first_at.get_or_insert(event.at);
        let was = inc.state;
        inc.apply(&event);
        if inc.state == IncidentState::Resolved && was != IncidentState::Resolved {
            resolved_at = Some(event.at);
        }
        if inc.state != IncidentState::Resolved {
            resolved_at = None;
        }
    }
    let last_at = match parse(last_line) {
        Some(e) => Some(e.at),
        None => inc.last_at,
    };
    let last_at = match (last_at, inc.last_at) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    Ok(Summary {
        path: path.to_path_buf(),
        incident: crate::text::line_max(&header.incident, 100),
        title: crate::text::line_max(&inc.title, 200),
        severity: inc.severity,
        state: inc.state,
        drill: inc.drill.as_deref().map(|d| crate::text::line_max(d, 80)),
        started: first_at.unwrap_or(header.created_at),
        last_at,
        resolved_at,
        commander: inc
            .roles
            .get("commander")
            .map(|c| crate::text::line_max(c, 60)),
        last_public_update: inc
            .comms
            .updates
            .iter()
            .rev()
            .find(|u| u.audience == Audience::Public)
            .map(|u| u.at),
        events,
        damaged,
        stream: None,
    })
}

fn trim(line: &[u8]) -> &[u8] {
    let end = line
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &line[..end]
}

//! The incident list as a picker: `:incidents` in the room, `warroom incidents` on a
//! terminal, and the offer of open incidents when `warroom` starts on its bundled drill.
//!
//! Rows are `desk::list::row` (the printed table's lines), open incidents first. `/` types
//! a filter (every word must appear in the row, any case; Enter or Esc ends typing, Esc
//! again clears it), ↑↓ (or k j) select, Enter picks: an open incident is opened (or
//! joined), a resolved one replayed. Esc (or q) closes.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::paint::{fill, pane};
use super::panes::draw_lines;
use super::theme::{Sem, Theme};
use crate::desk::list::{Columns, Listing, row};

/// What Enter picked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The log (for an incident of the shared stream: its local mirror, if any).
    pub path: PathBuf,
    /// Resolved: replay it; open: open (or join) its room.
    pub replay: bool,
    /// The incident's id on the room's shared stream, when it was listed from there:
    /// opened by joining it on the same store (`warroom --incident ID`).
    pub incident: Option<String>,
}

/// What a key did to the picker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Stay,
    Close,
    Pick(Choice),
}

#[derive(Clone, Debug)]
pub struct IncidentsPopup {
    listing: Listing,
    /// Each incident's row text, in the listing's order.
    rows: Vec<String>,
    pub filter: String,
    /// `/` was pressed: keys go to the filter.
    pub typing: bool,
    /// Index into the filtered rows.
    sel: usize,
    /// What the title says it is for (`:incidents`, or the start offer).
    title: String,
}

impl IncidentsPopup {
    pub fn new(listing: Listing, now: DateTime<Utc>, title: &str) -> Self {
        let rows = listing.incidents.iter().map(|s| row(s, now)).collect();
        IncidentsPopup {
            listing,
            rows,
            filter: String::new(),
            typing: false,
            sel: 0,
            title: title.to_string(),
        }
    }

    /// Indexes (into the listing) of the rows the filter keeps.
    pub fn shown(&self) -> Vec<usize> {
        let words: Vec<String> = self
            .filter
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                let r = r.to_lowercase();
                words.iter().all(|w| r.contains(w.as_str()))
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The selected incident's path, if any row is shown.
    pub fn selected(&self) -> Option<&std::path::Path> {
        let shown = self.shown();
        let i = *shown.get(self.sel.min(shown.len().saturating_sub(1)))?;
        Some(self.listing.incidents.get(i)?.path.as_path())
    }

    pub fn key(&mut self, k: &KeyEvent) -> Outcome {
        if self.typing {
            match k.code {
                KeyCode::Enter => self.typing = false,
                KeyCode::Esc => {
                    self.typing = false;
                    self.filter.clear();
                }
                KeyCode::Backspace => {
                    self.filter.pop();
                }
                KeyCode::Char('u') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    self.filter.clear()
                }
                KeyCode::Char(c) if !c.is_control() && self.filter.chars().count() < 100 => {
                    self.filter.push(c)
                }
                _ => {}
            }
            self.sel = 0;
            return Outcome::Stay;
        }
        let n = self.shown().len();
        match k.code {
            KeyCode::Esc if !self.filter.is_empty() => {
                self.filter.clear();
                self.sel = 0;
            }
            KeyCode::Esc | KeyCode::Char('q') => return Outcome::Close,
            KeyCode::Char('/') => self.typing = true,
            KeyCode::Up | KeyCode::Char('k') => self.sel = self.sel.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.sel = (self.sel + 1).min(n.saturating_sub(1))
            }
            KeyCode::Home | KeyCode::Char('g') => self.sel = 0,
            KeyCode::End | KeyCode::Char('G') => self.sel = n.saturating_sub(1),
            KeyCode::Enter => {
                let shown = self.shown();
                if let Some(s) = shown
                    .get(self.sel.min(n.saturating_sub(1)))
                    .and_then(|i| self.listing.incidents.get(*i))
                {
                    return Outcome::Pick(Choice {
                        path: s.path.clone(),
                        replay: !s.is_open() && !s.path.as_os_str().is_empty(),
                        incident: s.stream.clone(),
                    });
                }
            }
            _ => {}
        }
        Outcome::Stay
    }

    /// Draws the picker over `body`, ages counted to `now` (each draw: they tick), the
    /// columns fitted to the width (the title widest that fits; the log, start and
    /// commander left out first on a narrow terminal).
    pub fn draw(&self, buf: &mut Buffer, body: Rect, theme: &Theme, now: DateTime<Utc>) {
        fill(buf, body, theme.s(Sem::Base));
        let hint = if self.typing {
            "type to filter · Enter keeps it · Esc clears"
        } else {
            "↑↓ select · Enter open (resolved: replay) · / filter · Esc closes"
        };
        let inner = pane(buf, body, &self.title, hint, true, theme);
        let cols = Columns::for_width((inner.width as usize).saturating_sub(2));
        let shown = self.shown();
        let mut lines: Vec<Line<'static>> = Vec::new();
        let filter = if self.typing || !self.filter.is_empty() {
            format!("/{}{}", self.filter, if self.typing { "▏" } else { "" })
        } else {
            String::new()
        };
        let open = self
            .listing
            .incidents
            .iter()
            .filter(|s| s.is_open())
            .count();
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "{} of {} {}, {open} open{}",
                    shown.len(),
                    self.listing.incidents.len(),
                    if self.listing.incidents.len() == 1 {
                        "incident"
                    } else {
                        "incidents"
                    },
                    match self
                        .listing
                        .incidents
                        .iter()
                        .filter(|s| s.stream.is_some())
                        .count()
                    {
                        0 => String::new(),
                        n => format!(", {n} on the shared stream"),
                    }
                ),
                theme.s(Sem::Dim),
            ),
            Span::raw("  "),
            Span::styled(filter, theme.s(Sem::Command)),
        ]));
        lines.push(Line::from(Span::styled(
            format!("  {}", cols.header()),
            theme.s(Sem::Title),
        )));
        let height = (inner.height as usize).saturating_sub(2).max(1);
        let sel = self.sel.min(shown.len().saturating_sub(1));
        let first = sel.saturating_sub(height.saturating_sub(1));
        for (pos, i) in shown.iter().enumerate().skip(first).take(height) {
            let Some(s) = self.listing.incidents.get(*i) else {
                continue;
            };
            let text = cols.row(s, now);
            let open = s.is_open();
            let style = if pos == sel {
                theme.s(Sem::Selected)
            } else if open {
                theme.s(Sem::Base)
            } else {
                theme.s(Sem::Dim)
            };
            let mark = if pos == sel { "> " } else { "  " };
            lines.push(Line::from(Span::styled(format!("{mark}{text}"), style)));
        }
        if shown.is_empty() {
            let why = if self.listing.incidents.is_empty() {
                "no incident logs here"
            } else {
                "nothing matches the filter"
            };
            lines.push(Line::from(Span::styled(
                format!("  {why}"),
                theme.s(Sem::Dim),
            )));
        }
        for n in &self.listing.notes {
            lines.push(Line::from(Span::styled(
                format!("  {}", crate::text::line(n)),
                theme.s(Sem::Dim),
            )));
        }
        if !self.listing.unreadable.is_empty() && lines.len() < inner.height as usize {
            lines.push(Line::from(Span::styled(
                format!("  {} logs not readable", self.listing.unreadable.len()),
                theme.s(Sem::Dim),
            )));
        }
        draw_lines(buf, inner, &lines, 0);
    }
}

/// Where a view leaves the incident picked in its list (shared with the front-end that
/// opens it once the view has ended).
#[derive(Clone, Debug, Default)]
pub struct ChoiceSlot(std::sync::Arc<std::sync::Mutex<Option<Choice>>>);

impl ChoiceSlot {
    pub fn set(&self, c: Choice) {
        if let Ok(mut g) = self.0.lock() {
            *g = Some(c);
        }
    }
    pub fn take(&self) -> Option<Choice> {
        self.0.lock().ok().and_then(|mut g| g.take())
    }
}

/// The command that opens `c` (`warroom --log LOG`, `warroom replay LOG`, or for an
/// incident of the shared stream `warroom --incident ID` with the room's store).
pub fn command_for(c: &Choice) -> String {
    let log = crate::text::line(&c.path.display().to_string());
    if let Some(id) = &c.incident {
        let id = crate::text::line(id);
        format!(
            "join it with `warroom --incident {id}` and this room's store (or over SSH to a room of it)"
        )
    } else if c.replay {
        format!("resolved: replay it with `warroom replay {log}`")
    } else {
        format!("open it with `warroom --log {log}` (or join its room over SSH)")
    }
}

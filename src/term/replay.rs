//! The replay terminal: the room's screen (App::draw, Mode::Replay) over a time bar, keys
//! for the virtual clock, and review notes that go to the review log, never the incident.

use std::path::PathBuf;
use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::incident::{EventKind, KeyTime};
use crate::replay::{Replay, ReviewLog, format_offset};
use crate::ui::app::{Action, App, AppOptions, Mode};

/// Lines the time bar takes at the bottom.
pub const BAR_HEIGHT: u16 = 3;

/// Raw mode and the alternate screen for as long as it lives; restored on drop and, through
/// ratatui's panic hook, on panic.
pub struct TerminalGuard {
    pub terminal: ratatui::DefaultTerminal,
}

impl TerminalGuard {
    pub fn new() -> std::io::Result<Self> {
        match ratatui::try_init() {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                ratatui::restore();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = self.terminal.show_cursor();
        ratatui::restore();
    }
}

/// What a key did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

/// Where review notes go.
pub struct ReviewTarget {
    pub log: PathBuf,
    pub incident: String,
}

/// The replay view: the App plus the clock controls.
pub struct ReplayView {
    pub app: App,
    pub replay: Replay,
    user: String,
    review: Option<ReviewTarget>,
    review_log: Option<ReviewLog>,
    /// Text of a review note being typed (`n`).
    note: Option<String>,
    /// Keys go to the App's own line editor after `:` or `/` until Enter or Esc.
    app_typing: bool,
    message: Option<String>,
}

impl ReplayView {
    pub fn new(replay: Replay, user: &str, review: Option<ReviewTarget>) -> Self {
        let mut opts = AppOptions::new(user);
        opts.mode = Mode::Replay;
        ReplayView {
            app: App::new(opts),
            replay,
            user: user.to_string(),
            review,
            review_log: None,
            note: None,
            app_typing: false,
            message: None,
        }
    }

    /// A one-line message for the time bar (warnings, refusals, saved notes).
    pub fn set_message(&mut self, m: impl Into<String>) {
        self.message = Some(m.into());
    }
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Handles one terminal event.
    pub fn handle(&mut self, ev: &TermEvent) -> Flow {
        let TermEvent::Key(key) = ev else {
            return self.forward(ev);
        };
        if key.kind == KeyEventKind::Release {
            return Flow::Continue;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL)
            && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C'))
        {
            return Flow::Quit;
        }
        if self.note.is_some() {
            self.note_key(key);
            return Flow::Continue;
        }
        if self.app_typing {
            if matches!(key.code, KeyCode::Enter | KeyCode::Esc) {
                self.app_typing = false;
            }
            return self.forward(ev);
        }
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        let r = &mut self.replay;
        match key.code {
            KeyCode::Char('q') => return Flow::Quit,
            KeyCode::Char(' ') => r.clock_mut().toggle(),
            KeyCode::Char('+') | KeyCode::Char('=') => r.clock_mut().faster(),
            KeyCode::Char('-') | KeyCode::Char('_') => r.clock_mut().slower(),
            KeyCode::Left => r.step(Duration::seconds(if shift { -60 } else { -10 })),
            KeyCode::Right => r.step(Duration::seconds(if shift { 60 } else { 10 })),
            KeyCode::Char('[') => {
                if !r.prev_entry() {
                    self.message = Some("no earlier timeline entry".into());
                }
            }
            KeyCode::Char(']') => {
                if !r.next_entry() {
                    self.message = Some("no later timeline entry".into());
                }
            }
            KeyCode::Char('g') | KeyCode::Home => {
                let s = r.start();
                r.seek(s);
            }
            KeyCode::Char('G') | KeyCode::End => {
                let e = r.end();
                r.seek(e);
            }
            KeyCode::Char(c @ '1'..='5') => {
                let k = KeyTime::ALL[(c as u8 - b'1') as usize];
                if !r.jump(k) {
                    self.message = Some(format!("this incident has no \"{}\" time", k.label()));
                }
            }
            KeyCode::Char('n') => self.note = Some(String::new()),
            KeyCode::Char(':') | KeyCode::Char('/') => {
                self.app_typing = true;
                return self.forward(ev);
            }
            _ => return self.forward(ev),
        }
        Flow::Continue
    }

    fn note_key(&mut self, key: &KeyEvent) {
        let Some(note) = self.note.as_mut() else {
            return;
        };
        match key.code {
            KeyCode::Esc => self.note = None,
            KeyCode::Backspace => {
                note.pop();
            }
            KeyCode::Enter => {
                let text = std::mem::take(note);
                self.note = None;
                if !text.trim().is_empty() {
                    self.save_note(&text);
                }
            }
            KeyCode::Char(c) if note.chars().count() < crate::text::MAX_LINE => note.push(c),
            _ => {}
        }
    }

    /// Adds a review note at the current position and appends it to the review log.
    pub fn save_note(&mut self, text: &str) {
        let mut failed = None;
        if self.review_log.is_none()
            && let Some(t) = &self.review
        {
            match ReviewLog::open(&t.log, &t.incident) {
                Ok(l) => self.review_log = Some(l),
                Err(e) => failed = Some(e.to_string()),
            }
        }
        let id = self
            .review_log
            .as_ref()
            .map_or(self.replay.review_notes() as u64 + 1, ReviewLog::next_id);
        let ev = self.replay.add_review_note(&self.user, text, id);
        if let Some(l) = self.review_log.as_mut()
            && let Err(e) = l.append(&ev)
        {
            failed = Some(e.to_string());
        }
        self.message = Some(match (failed, &self.review_log) {
            (Some(e), _) => format!("review note shown but NOT saved: {e}"),
            (None, Some(l)) => format!("review note saved to {}", l.path().display()),
            (None, None) => "review note added (not saved: no review log)".into(),
        });
    }

    fn forward(&mut self, ev: &TermEvent) -> Flow {
        let now = self.replay.position();
        let actions = self.app.handle_input(ev, self.replay.state(), now);
        let mut flow = Flow::Continue;
        for a in actions {
            match a {
                Action::Quit => flow = Flow::Quit,
                Action::Export(format) => {
                    self.message = Some(match &self.review {
                        Some(t) => match crate::export::write_next_to_log(&t.log, format) {
                            Ok(p) => format!("postmortem draft written to {}", p.display()),
                            Err(e) => format!("export failed: {e}"),
                        },
                        None => "this replay has no log file to export".into(),
                    });
                }
                Action::Record(EventKind::Note { text }) => self.save_note(&text),
                Action::Record(other) => {
                    self.message = Some(format!(
                        "replay cannot change the incident ({} refused); press n for a review note",
                        other.name().replace('_', " ")
                    ));
                }
            }
        }
        flow
    }

    /// Draws the room's screen above the time bar.
    pub fn draw(&mut self, frame: &mut Frame) {
        let [top, bar] = Layout::vertical([Constraint::Min(1), Constraint::Length(BAR_HEIGHT)])
            .areas(frame.area());
        let now = self.replay.position();
        self.app.draw(frame, top, self.replay.state(), now);
        self.draw_bar(frame, bar);
    }

    fn draw_bar(&self, frame: &mut Frame, area: Rect) {
        let r = &self.replay;
        let c = r.clock();
        let state = if c.is_playing() {
            "▶ playing"
        } else {
            "⏸ paused"
        };
        let speed = format!("{}x", c.speed());
        let pos = format!(
            "{} / {}",
            format_offset(c.elapsed()),
            format_offset(c.total())
        );
        let wall = c.position().format("%Y-%m-%d %H:%M:%S UTC").to_string();
        let mut first = vec![
            Span::styled(
                " REPLAY ",
                Style::default().add_modifier(Modifier::REVERSED),
            ),
            Span::raw(format!(" {state} {speed}  {pos}  {wall}")),
        ];
        if r.review_notes() > 0 {
            first.push(Span::raw(format!("  review notes: {}", r.review_notes())));
        }
        let width = area.width.max(1) as usize;
        let bar = time_bar(r, width);
        let third = match (&self.note, &self.message) {
            (Some(n), _) => Line::from(vec![
                Span::styled(
                    "review note: ",
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(format!("{n}▏  (Enter saves, Esc cancels)")),
            ]),
            (None, Some(m)) => Line::from(m.as_str()),
            (None, None) => Line::from(
                "space play/pause  +/- speed  ←/→ 10s  ⇧←/→ 1m  [ ] entries  g/G start/end  1-5 impact/detected/ack/mitigated/resolved  n note  q quit",
            ),
        };
        frame.render_widget(
            Paragraph::new(vec![Line::from(first), Line::from(bar), third]),
            area,
        );
    }
}

/// The bar: filled up to the position, key times marked I D A M R, the position as │.
pub fn time_bar(r: &Replay, width: usize) -> String {
    let c = r.clock();
    let total = c.total().num_milliseconds().max(1) as f64;
    let col = |t: chrono::DateTime<chrono::Utc>| {
        let f = ((t - c.start()).num_milliseconds() as f64 / total).clamp(0.0, 1.0);
        ((f * (width.saturating_sub(1)) as f64).round() as usize).min(width.saturating_sub(1))
    };
    let here = col(c.position());
    let mut cells: Vec<char> = (0..width)
        .map(|i| if i < here { '━' } else { '─' })
        .collect();
    for (k, ch) in KeyTime::ALL.iter().zip(['I', 'D', 'A', 'M', 'R']) {
        if let Some(t) = r.key_time(*k)
            && let Some(cell) = cells.get_mut(col(t))
        {
            *cell = ch;
        }
    }
    if let Some(cell) = cells.get_mut(here) {
        *cell = '│';
    }
    cells.into_iter().collect()
}

/// Runs the replay on the terminal until `q` or Ctrl-C.
pub fn run(mut view: ReplayView) -> std::io::Result<()> {
    let mut guard = TerminalGuard::new()?;
    let mut last = Instant::now();
    let mut dirty = true;
    let mut last_second = view.replay.position().timestamp();
    loop {
        if dirty {
            guard.terminal.draw(|f| view.draw(f))?;
            dirty = false;
        }
        let timeout = if view.replay.clock().is_playing() {
            StdDuration::from_millis(100)
        } else {
            StdDuration::from_millis(1000)
        };
        if event::poll(timeout)? {
            let ev = event::read()?;
            let was_playing = view.replay.clock().is_playing();
            if view.handle(&ev) == Flow::Quit {
                break;
            }
            if !was_playing {
                // Time spent paused does not count once playing starts.
                last = Instant::now();
            }
            dirty = true;
        }
        let now = Instant::now();
        if view.replay.tick(now - last) {
            // Redraw when the shown second changes or the state did.
            let s = view.replay.position().timestamp();
            if s != last_second {
                last_second = s;
                dirty = true;
            }
        }
        last = now;
    }
    Ok(())
}

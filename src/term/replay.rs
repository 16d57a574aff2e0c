//! The replay view: the room's screen (App::draw, Mode::Replay) over a time bar, and review
//! notes (the App's note editor) that go to the review log, never the incident. The clock
//! (play/pause/speed/position and its keys) is App state (`ui::replay_clock`); this view
//! supplies the log and folds the state where the clock points. Run by the one driver on
//! the local terminal.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use crossterm::event::{Event as TermEvent, KeyEventKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Paragraph;
use tokio::time::Instant;

use super::driver::{self, NoExport, View};
use crate::incident::{EventKind, KeyTime};
use crate::replay::{Replay, ReviewLog};
use crate::ui::app::{Action, App, AppOptions, Input, Mode};
use crate::ui::replay_clock::{ClockKey, ReplayClock, ReplayIndex};

/// Lines the time bar takes at the bottom.
pub const BAR_HEIGHT: u16 = crate::ui::replay_bar::HEIGHT;

pub use super::driver::Flow;

/// Where review notes go.
pub struct ReviewTarget {
    pub log: PathBuf,
    pub incident: String,
}

/// The replay view: the App (in replay mode: read-only, notes are review notes, the clock
/// is its `replay_clock`) over a replay of the log.
pub struct ReplayView {
    pub app: App,
    pub replay: Replay,
    user: String,
    review: Option<ReviewTarget>,
    review_log: Option<ReviewLog>,
    message: Option<String>,
    /// When the clock last advanced while playing.
    last_tick: Option<Instant>,
}

impl ReplayView {
    pub fn new(replay: Replay, user: &str, review: Option<ReviewTarget>) -> Self {
        let mut opts = AppOptions::new(user);
        opts.mode = Mode::Replay;
        let mut app = App::new(opts);
        app.replay_clock = Some(clock_of(&replay));
        ReplayView {
            app,
            replay,
            user: user.to_string(),
            review,
            review_log: None,
            message: None,
            last_tick: None,
        }
    }

    /// The theme to draw with (`--theme`); `:theme` still switches.
    pub fn set_theme(&mut self, theme: crate::ui::theme::Theme) {
        self.app.set_theme(theme);
    }

    /// A one-line message for the time bar (warnings, refusals, saved notes).
    pub fn set_message(&mut self, m: impl Into<String>) {
        self.message = Some(m.into());
    }
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Handles one terminal event as the driver does.
    pub fn handle(&mut self, ev: &TermEvent) -> Flow {
        driver::step(self, ev)
    }

    /// The replay's clock: the App's.
    pub fn clock(&mut self) -> &ReplayClock {
        self.clock_mut()
    }

    fn clock_mut(&mut self) -> &mut ReplayClock {
        let replay = &self.replay;
        self.app
            .replay_clock
            .get_or_insert_with(|| clock_of(replay))
    }

    /// Folds the state where the clock points.
    fn follow(&mut self) {
        let t = self.clock_mut().position();
        self.replay.seek(t);
    }

    /// Moves the clock to `t` (clamped to the log's span).
    pub fn seek(&mut self, t: DateTime<Utc>) {
        self.clock_mut().set_position(t);
        self.follow();
    }

    /// Sets the clock's speed to the ladder step nearest to `factor`.
    pub fn set_speed(&mut self, factor: f64) {
        self.clock_mut().set_speed(factor);
    }

    /// Advances the clock by `real` elapsed time when playing, and folds. True when the
    /// position moved.
    pub fn tick(&mut self, real: std::time::Duration) -> bool {
        let moved = self.clock_mut().advance(real);
        if moved {
            self.follow();
        }
        moved
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
        let error = failed.is_some();
        let message = match (failed, &self.review_log) {
            (Some(e), _) => format!("review note shown but NOT saved: {e}"),
            (None, Some(l)) => format!("review note saved to {}", l.path().display()),
            (None, None) => "review note added (not saved: no review log)".into(),
        };
        self.app.notify(message.clone(), error);
        self.message = Some(message);
    }
}

impl View for ReplayView {
    fn app(&mut self) -> &mut App {
        &mut self.app
    }

    fn input(&mut self, ev: &TermEvent) -> Vec<Action> {
        // The clock's keys, unless the person is typing into the App's command line.
        if let TermEvent::Key(key) = ev
            && key.kind != KeyEventKind::Release
            && self.app.input == Input::Normal
        {
            let replay = &self.replay;
            let clock = self
                .app
                .replay_clock
                .get_or_insert_with(|| clock_of(replay));
            match clock.key(key, replay) {
                ClockKey::NotMine => {}
                ClockKey::Done => {
                    self.follow();
                    return Vec::new();
                }
                ClockKey::Refused(m) => {
                    self.message = Some(m);
                    return Vec::new();
                }
            }
        }
        let now = self.replay.position();
        self.app.handle_input(ev, self.replay.state(), now)
    }

    fn record(&mut self, kind: EventKind) {
        match kind {
            EventKind::Note { text } => self.save_note(&text),
            other => {
                self.message = Some(format!(
                    "replay cannot change the incident ({} refused); press n for a review note",
                    other.name().replace('_', " ")
                ));
            }
        }
    }

    fn export_log(&self) -> Result<PathBuf, NoExport> {
        self.review
            .as_ref()
            .map(|t| t.log.clone())
            .ok_or(NoExport::ReplayWithoutLog)
    }

    async fn changed(&mut self) -> bool {
        if !self.clock().is_playing() {
            // Time spent paused does not count once playing starts.
            self.last_tick = None;
            return std::future::pending().await;
        }
        let shown = self.replay.position().timestamp();
        loop {
            tokio::time::sleep(TICK).await;
            let now = Instant::now();
            let real = now - self.last_tick.unwrap_or(now);
            self.last_tick = Some(now);
            // Redraw when the shown second changes (or the clock stops at the end).
            let moved = self.tick(real);
            if !self.clock().is_playing() || (moved && self.replay.position().timestamp() != shown)
            {
                return true;
            }
        }
    }

    fn needs_redraw(&mut self, _area: Rect) -> bool {
        // The time bar changes with the clock, not only with the App.
        true
    }

    fn draw(&mut self, frame: &mut Frame) {
        ReplayView::draw(self, frame)
    }
}

impl ReplayView {
    /// Draws the room's screen above the time bar.
    pub fn draw(&mut self, frame: &mut Frame) {
        let area = frame.area();
        let [top, bar] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(BAR_HEIGHT)]).areas(area);
        let now = self.replay.position();
        // Too small for the room and the bar: the bar stays (the clock still works) and
        // the room's place says the size a replay needs.
        if let Some(msg) = crate::ui::replay_bar::too_small(area.width, area.height) {
            let warn = self.app.theme().s(crate::ui::theme::Sem::Warn);
            crate::ui::paint::centred(frame.buffer_mut(), top, &msg, warn);
        } else {
            self.app.draw(frame, top, self.replay.state(), now);
        }
        let clock = self.clock().clone();
        self.draw_bar(frame, bar, &clock);
    }

    fn draw_bar(&self, frame: &mut Frame, area: Rect, c: &ReplayClock) {
        let r = &self.replay;
        let lines = crate::ui::replay_bar::lines(
            r.final_state(),
            c,
            r.review_notes(),
            self.message.as_deref(),
            area.width as usize,
        );
        frame.render_widget(Paragraph::new(lines), area);
    }
}

/// A paused clock over the replay's span, at its position.
fn clock_of(replay: &Replay) -> ReplayClock {
    let mut c = ReplayClock::new(replay.start(), replay.end());
    c.set_position(replay.position());
    c
}

/// The log the clock moves through: its timeline entries and key times.
impl ReplayIndex for Replay {
    fn entry_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        Replay::entry_after(self, t)
    }
    fn entry_before(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        Replay::entry_before(self, t)
    }
    fn key_time(&self, k: KeyTime) -> Option<DateTime<Utc>> {
        Replay::key_time(self, k)
    }
}

/// How often a playing replay's clock advances.
const TICK: std::time::Duration = std::time::Duration::from_millis(100);

/// Runs the replay on this terminal, with the one driver, until `q` or Ctrl-C.
pub fn run(mut view: ReplayView) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let (guard, mut term) = super::local::LocalTerminal::enter()?;
        let exit = driver::run(&mut term, &mut view).await;
        tracing::info!(?exit, "replay ended");
        drop(term);
        drop(guard);
        Ok(())
    })
}

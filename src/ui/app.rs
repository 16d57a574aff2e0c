//! The application view: view state, input → actions, drawing.
//!
//! Pure: no I/O, no clock, no terminal calls. It takes the folded [`Incident`] and `now`;
//! what a person does comes back as [`Action::Record`] (the room stamps author, time, id).
//!
//! The one front-end driver (`term::driver`) runs it for every view (the local terminal,
//! each SSH session, a replay):
//! - the view's options come from `term::view_options` (the room's theme and themes, the
//!   terminal's colour depth), or for a replay [`Mode::Replay`];
//! - every input event goes to [`App::handle_input`], and the driver carries out the
//!   actions (record, leave, export off the loop);
//! - it draws only when [`App::needs_redraw`] says so (state, view, clock second or size
//!   changed), at most ~30 times a second.
//!
//! The drill report and briefing come from the fold (`drill_started` carries the
//! scenario's header), so every view of a drill shows them.

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use super::command::{self, Command, ViewCommand};
use super::help;
use super::keys::{self, KeyAction};
use super::layout::{self, MIN_H, MIN_W, PaneId, Screen};
use super::paint::{fill, fit, pane, put, put_line, width};
use super::panes::timeline::{Filter, TimelineView};
use super::panes::{self, Ctx, draw_lines};
use super::theme::{ColorDepth, Sem, Theme};
use crate::incident::{EventKind, Incident, IncidentState};
use crate::text;

/// What a view asks the outside to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Append this event to the incident log, authored by the view's user.
    Record(EventKind),
    /// Leave this view.
    Quit,
    /// Write a postmortem draft of the log in this format (the front-end knows the log).
    Export(crate::export::Format),
    /// Read the incident logs of this folder (off the loop) and hand the listing to
    /// [`App::show_incidents`].
    ListIncidents(std::path::PathBuf),
}

/// Live room or replay (where the incident cannot be changed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Live,
    Replay,
}

#[derive(Clone, Debug)]
pub struct AppOptions {
    /// The person at this view (author of what they record).
    pub user: String,
    /// Observers see everything and change nothing.
    pub read_only: bool,
    pub mode: Mode,
    /// The theme to start with (full colour; mapped to `depth`).
    pub theme: Theme,
    /// Themes `:theme` can switch to (default: the built-in ones; the front-end may add
    /// those from theme folders with `assets::themes::load_all`).
    pub themes: Vec<Theme>,
    /// Colour depth of this view's terminal.
    pub depth: ColorDepth,
    /// How far back charts look.
    pub window: Duration,
    /// Status-update body templates (built in; the front-end may load them from folders
    /// with `assets::templates::load`).
    pub templates: super::template::Templates,
    /// Where status updates go, per audience (the configured publishers).
    pub publish: super::composer::Targets,
    /// The folder `:incidents` lists (the room's log folder); none: not offered.
    pub incidents_dir: Option<std::path::PathBuf>,
    /// Where Enter in the incident list leaves its choice for the front-end to open
    /// after this view ends; none: the view names the command.
    pub chosen: Option<super::incidents_popup::ChoiceSlot>,
    /// The front-end can open another incident's room (the local terminal); else only
    /// a replay is opened (an SSH session replays in the session and comes back) and for
    /// another open incident the view names the command that joins it.
    pub opens_rooms: bool,
    /// This room's log: Enter on it in the incident list only closes the list.
    pub room_log: Option<std::path::PathBuf>,
}

impl AppOptions {
    /// A live, read-write view for `user`.
    pub fn new(user: &str) -> Self {
        AppOptions {
            user: user.to_string(),
            read_only: false,
            mode: Mode::Live,
            theme: Theme::default(),
            themes: super::theme::builtin_themes(),
            depth: ColorDepth::TrueColor,
            window: Duration::minutes(60),
            templates: super::template::Templates::builtin(),
            publish: super::composer::Targets::default(),
            incidents_dir: None,
            chosen: None,
            opens_rooms: false,
            room_log: None,
        }
    }
}

/// What the command line is doing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Normal,
    Command(String),
    Note(String),
    Filter(String),
    ConfirmQuit,
    /// A question (shown in the command line) before something is recorded: `y` records.
    Confirm(String),
    /// The status-update composer popup is open (its draft is `App::composer`).
    Compose,
    /// The correction form is open (its state is `App::amend`).
    Amend,
}

const MAX_INPUT: usize = 2_000;

/// Status line of an action sent to the room but not yet on disk; the front-end turns it
/// into [`RECORDED`] when the room acknowledges it ([`App::recorded`]).
pub const NOT_YET_RECORDED: &str = "not yet recorded: ";
pub const RECORDED: &str = "recorded: ";

/// The command line's message.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Message {
    text: String,
    /// Shown in the error style.
    error: bool,
}

/// Actions held back until the person answers `y` to [`Input::Confirm`].
#[derive(Clone, Debug)]
struct Pending {
    actions: Vec<Action>,
    /// The message shown when they are sent.
    message: String,
}

/// A checklist item's row on screen.
#[derive(Clone, Copy, Debug)]
struct CheckRow {
    y: u16,
    list: usize,
    item: usize,
}

/// What one frame showed: a frame with the same key would look the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Drawn {
    /// Bumped by every change of the view's own state.
    view: u64,
    events: u64,
    last_id: u64,
    /// The clock's whole second.
    second: i64,
    area: Rect,
}

/// One view of the room (the local terminal or one SSH session).
pub struct App {
    pub opts: AppOptions,
    theme: Theme,
    pub focus: PaneId,
    pub zoom: Option<PaneId>,
    help: Option<usize>,
    /// The drill report overlay was closed by the person.
    report_closed: bool,
    /// The drill briefing overlay was closed by the person.
    briefing_closed: bool,
    /// What `y` records while `Input::Confirm` asks.
    pending: Option<Pending>,
    pub input: Input,
    /// The replay's clock (play/pause/speed/position), in read-only review mode only.
    pub replay_clock: Option<super::replay_clock::ReplayClock>,
    history: Vec<String>,
    hist_pos: Option<usize>,
    message: Option<Message>,
    completions: Vec<String>,
    timeline: TimelineView,
    /// Selected checklist item: (list, item).
    pub sel: (usize, usize),
    check_scroll: usize,
    scrolls: [usize; 7],
    screen: Option<Screen>,
    /// Where each checklist item was drawn (for mouse clicks).
    check_rows: Vec<CheckRow>,
    view_gen: u64,
    /// What the last frame showed (see [`App::needs_redraw`]).
    drawn: Option<Drawn>,
    /// The room cannot record (header's red line), from `RoomHealth::problem`.
    room_problem: Option<String>,
    /// The status-update draft (kept when the composer is closed with Esc).
    composer: Option<super::composer::Composer>,
    /// The id of the last handoff whose brief this view closed (see `ui::handoff`).
    handoff_closed: u64,
    /// How far the handoff brief is scrolled (it can be taller than the screen).
    handoff_scroll: usize,
    /// The panes in on-screen order (what Tab steps through), from the last frame.
    order: Vec<PaneId>,
    /// The correction form of the selected timeline entry, while open.
    amend: Option<super::amend_form::AmendForm>,
    /// The incident list popup (`:incidents`), once its listing has come.
    incidents: Option<super::incidents_popup::IncidentsPopup>,
    /// How long the line being edited would be had the cap not cut it (see
    /// `ui::input_limit`); none while nothing was cut.
    over: Option<usize>,
    /// The timeline pick (`TimelineView::picks`) a correction used: `:action` does not
    /// take that selection as its moment until the person picks again.
    used_pick: Option<u64>,
}

impl App {
    pub fn new(opts: AppOptions) -> Self {
        let theme = opts.theme.with_depth(opts.depth);
        App {
            opts,
            theme,
            focus: PaneId::Timeline,
            zoom: None,
            help: None,
            report_closed: false,
            briefing_closed: false,
            pending: None,
            input: Input::Normal,
            replay_clock: None,
            history: Vec::new(),
            hist_pos: None,
            message: None,
            completions: Vec::new(),
            timeline: TimelineView::default(),
            sel: (0, 0),
            check_scroll: 0,
            scrolls: [0; 7],
            screen: None,
            check_rows: Vec::new(),
            view_gen: 0,
            drawn: None,
            room_problem: None,
            composer: None,
            handoff_closed: 0,
            handoff_scroll: 0,
            order: Vec::new(),
            amend: None,
            incidents: None,
            over: None,
            used_pick: None,
        }
    }

    /// The theme in use (already mapped to the view's colour depth).
    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    /// Switches theme (view only).
    pub fn set_theme(&mut self, theme: Theme) {
        self.theme = theme.with_depth(self.opts.depth);
        self.opts.theme = theme;
        self.view_gen += 1;
    }

    /// The message shown in the command line, and whether it is an error.
    pub fn message(&self) -> Option<(&str, bool)> {
        self.message.as_ref().map(|m| (m.text.as_str(), m.error))
    }

    /// The current timeline filter text, if any.
    pub fn filter(&self) -> Option<&str> {
        self.timeline.filter.as_ref().map(|f| f.raw.as_str())
    }

    /// Is the drill report showing (a drill room whose incident is resolved)?
    pub fn report_visible(&self, inc: &Incident) -> bool {
        inc.drill_header.is_some() && inc.state == IncidentState::Resolved && !self.report_closed
    }

    /// Is the drill's briefing showing (a drill room, until the person closes it)?
    pub fn briefing_visible(&self, inc: &Incident) -> bool {
        inc.drill_briefing.is_some()
            && !self.briefing_closed
            && self.help.is_none()
            && !self.report_visible(inc)
    }

    /// The id of the handoff whose brief is showing: this view's person handed over or
    /// took over in the latest handoff and has not closed it (Esc or Enter).
    pub fn handoff_visible(&self, inc: &Incident) -> Option<u64> {
        if self.help.is_some() || self.report_visible(inc) {
            return None;
        }
        super::handoff::brief_for(inc, &self.opts.user, self.handoff_closed).map(|h| h.id)
    }

    /// Shows the incident list (the listing `Action::ListIncidents` asked for).
    pub fn show_incidents(&mut self, listing: crate::desk::list::Listing, now: DateTime<Utc>) {
        self.incidents = Some(super::incidents_popup::IncidentsPopup::new(
            listing,
            now,
            "Incidents",
        ));
        self.message = None;
        self.view_gen += 1;
    }

    /// Is the incident list open?
    pub fn incidents_open(&self) -> bool {
        self.incidents.is_some()
    }

    /// A key while the incident list is open. Enter on this room's own incident closes
    /// the list; on another, leaves this view for it where the front-end can open it (any
    /// view can replay a resolved one; the local terminal also opens or joins an open
    /// one), else names the command that joins it.
    fn incidents_key(&mut self, k: &KeyEvent) -> Vec<Action> {
        use super::incidents_popup::Outcome;
        let Some(p) = self.incidents.as_mut() else {
            return Vec::new();
        };
        match p.key(k) {
            Outcome::Stay => Vec::new(),
            Outcome::Close => {
                self.incidents = None;
                Vec::new()
            }
            Outcome::Pick(choice) => {
                self.incidents = None;
                let this_room = !choice.path.as_os_str().is_empty()
                    && self.opts.room_log.as_deref() == Some(choice.path.as_path());
                match &self.opts.chosen {
                    _ if this_room && !choice.replay => {
                        self.info("that is this room's incident: you are in it");
                        Vec::new()
                    }
                    Some(slot) if choice.replay || self.opts.opens_rooms => {
                        slot.set(choice);
                        vec![Action::Quit]
                    }
                    _ => {
                        self.info(super::incidents_popup::command_for(&choice));
                        Vec::new()
                    }
                }
            }
        }
    }

    /// Is the help overlay open?
    pub fn help_open(&self) -> bool {
        self.help.is_some()
    }

    /// Marks the view as changed (the next `needs_redraw` says yes).
    pub fn mark_dirty(&mut self) {
        self.view_gen += 1;
    }

    /// True when drawing now would show something different from the last frame: the
    /// incident changed, the view state changed, the clock's second ticked or the size
    /// changed. The loop draws only then (principle 7).
    pub fn needs_redraw(&self, incident: &Incident, now: DateTime<Utc>, area: Rect) -> bool {
        self.drawn != Some(self.draw_key(incident, now, area))
    }

    fn draw_key(&self, inc: &Incident, now: DateTime<Utc>, area: Rect) -> Drawn {
        Drawn {
            view: self.view_gen,
            events: inc.events,
            last_id: inc.last_id,
            second: now.timestamp(),
            area,
        }
    }

    /// Whether a note may be written: in a replay it becomes a review note (kept beside
    /// the log, never in it); a read-only view writes none.
    fn can_note(&self) -> Result<(), super::refused::Refused> {
        if self.opts.mode == Mode::Replay && !self.opts.read_only {
            Ok(())
        } else {
            self.can_write()
        }
    }

    /// What the note prompt says.
    fn note_prompt(&self) -> &'static str {
        if self.opts.mode == Mode::Replay {
            "review note: "
        } else {
            "note: "
        }
    }

    fn can_write(&self) -> Result<(), super::refused::Refused> {
        if self.opts.read_only {
            Err(super::refused::Refused::ReadOnly)
        } else if self.opts.mode == Mode::Replay {
            Err(super::refused::Refused::Replay)
        } else {
            Ok(())
        }
    }

    fn err(&mut self, m: impl std::fmt::Display) {
        self.message = Some(Message {
            text: m.to_string(),
            error: true,
        });
    }
    /// Shows a message in the command line (`error` in the error style).
    pub fn notify(&mut self, m: impl Into<String>, error: bool) {
        self.view_gen += 1;
        if error {
            self.err(m.into());
        } else {
            self.info(m);
        }
    }

    /// The room acknowledged every action this view sent: "not yet recorded: X" becomes
    /// "recorded: X".
    pub fn recorded(&mut self) {
        if let Some(Message { text, error: false }) = &self.message
            && let Some(rest) = text.strip_prefix(NOT_YET_RECORDED)
        {
            self.message = Some(Message {
                text: format!("{RECORDED}{rest}"),
                error: false,
            });
            self.view_gen += 1;
        }
    }

    /// What keeps the room from recording (shown as one red header line), or `None`.
    pub fn set_room_problem(&mut self, problem: Option<String>) {
        if self.room_problem != problem {
            self.room_problem = problem;
            self.view_gen += 1;
        }
    }

    fn info(&mut self, m: impl Into<String>) {
        self.message = Some(Message {
            text: m.into(),
            error: false,
        });
    }

    /// Handles one input event; returns what the outside must do.
    pub fn handle_input(
        &mut self,
        ev: &Event,
        incident: &Incident,
        now: DateTime<Utc>,
    ) -> Vec<Action> {
        // Pointer motion and focus changes change nothing on screen: no redraw for them.
        let idle = match ev {
            Event::Mouse(m) => matches!(m.kind, MouseEventKind::Moved | MouseEventKind::Drag(_)),
            Event::FocusGained | Event::FocusLost => true,
            Event::Key(k) => k.kind == KeyEventKind::Release,
            _ => false,
        };
        if idle {
            return Vec::new();
        }
        self.view_gen += 1;
        match ev {
            Event::Key(k) => self.key(k, incident, now),
            Event::Mouse(m) => {
                self.mouse(m.kind, m.column, m.row, incident);
                Vec::new()
            }
            Event::Paste(s) if self.input == Input::Amend => {
                if let Some(f) = &mut self.amend {
                    f.paste(s);
                }
                Vec::new()
            }
            Event::Paste(s) if self.input == Input::Compose => {
                if let Some(c) = &mut self.composer {
                    c.paste(s);
                }
                Vec::new()
            }
            Event::Paste(s) => {
                // Cleaned but not yet capped: the cap below says how much it cut.
                let clean = text::line_max(s, s.chars().count());
                if let Input::Command(b) | Input::Note(b) | Input::Filter(b) = &mut self.input
                    && let Some(n) = super::input_limit::push(b, &clean, MAX_INPUT)
                {
                    self.over = Some(self.over.map_or(n, |o| o.max(n)));
                }
                if let Input::Filter(b) = &self.input {
                    let b = b.clone();
                    self.apply_filter(&b);
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn key(&mut self, k: &KeyEvent, inc: &Incident, now: DateTime<Utc>) -> Vec<Action> {
        if k.modifiers.contains(KeyModifiers::CONTROL)
            && matches!(k.code, KeyCode::Char('c') | KeyCode::Char('C'))
        {
            return vec![Action::Quit];
        }
        match self.input.clone() {
            Input::Normal => {}
            Input::ConfirmQuit => {
                self.input = Input::Normal;
                if matches!(k.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                    return vec![Action::Quit];
                }
                self.info("stayed in the room");
                return Vec::new();
            }
            Input::Confirm(_) => {
                self.input = Input::Normal;
                let pending = self.pending.take();
                if matches!(k.code, KeyCode::Char('y') | KeyCode::Char('Y'))
                    && let Some(Pending { actions, message }) = pending
                {
                    self.info(message);
                    return actions;
                }
                self.info("cancelled: nothing recorded");
                return Vec::new();
            }
            Input::Command(_) | Input::Note(_) | Input::Filter(_) => return self.edit(k, inc, now),
            Input::Compose => return self.compose_key(k, inc, now),
            Input::Amend => return self.amend_key(k, now),
        }
        if self.incidents.is_some() {
            return self.incidents_key(k);
        }
        if self.report_visible(inc) && matches!(k.code, KeyCode::Esc | KeyCode::Enter) {
            self.report_closed = true;
            self.mark_dirty();
            return Vec::new();
        }
        if let Some(h) = self.handoff_visible(inc) {
            let scroll = match k.code {
                KeyCode::Esc | KeyCode::Enter => {
                    self.handoff_closed = h;
                    self.handoff_scroll = 0;
                    self.mark_dirty();
                    return Vec::new();
                }
                KeyCode::Down | KeyCode::Char('j') => Some(self.handoff_scroll.saturating_add(1)),
                KeyCode::Up | KeyCode::Char('k') => Some(self.handoff_scroll.saturating_sub(1)),
                KeyCode::PageDown | KeyCode::Char(' ') => {
                    Some(self.handoff_scroll.saturating_add(10))
                }
                KeyCode::PageUp => Some(self.handoff_scroll.saturating_sub(10)),
                _ => None,
            };
            if let Some(s) = scroll {
                self.handoff_scroll = s;
                self.mark_dirty();
                return Vec::new();
            }
        }
        if self.briefing_visible(inc) {
            // Esc (or Enter) closes the briefing; any other key closes it and does its job.
            self.briefing_closed = true;
            if matches!(k.code, KeyCode::Esc | KeyCode::Enter) {
                return Vec::new();
            }
        }
        if let Some(scroll) = self.help {
            match k.code {
                KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::F(1) => {
                    self.help = None
                }
                KeyCode::Up | KeyCode::Char('k') => self.help = Some(scroll.saturating_sub(1)),
                KeyCode::Down | KeyCode::Char('j') => self.help = Some(scroll + 1),
                KeyCode::PageUp => self.help = Some(scroll.saturating_sub(10)),
                KeyCode::PageDown => self.help = Some(scroll + 10),
                _ => {}
            }
            return Vec::new();
        }
        let Some(b) = keys::lookup(k) else {
            return Vec::new();
        };
        self.message = None;
        let allowed = if b.action == KeyAction::Note {
            self.can_note()
        } else if b.writes {
            self.can_write()
        } else {
            Ok(())
        };
        if let Err(e) = allowed {
            self.err(e);
            return Vec::new();
        }
        let tl = &inc.timeline;
        match b.action {
            KeyAction::FocusNext | KeyAction::FocusPrev => {
                // On-screen order (column by column, top to bottom), as last drawn.
                let order: &[PaneId] = if self.order.is_empty() {
                    &PaneId::ALL
                } else {
                    &self.order
                };
                let i = order.iter().position(|p| *p == self.focus).unwrap_or(0);
                let n = order.len();
                let j = if b.action == KeyAction::FocusNext {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                self.focus = order[j];
                if self.zoom.is_some() {
                    self.zoom = Some(self.focus);
                }
            }
            KeyAction::Up => self.scroll(inc, -1),
            KeyAction::Down => self.scroll(inc, 1),
            KeyAction::PageUp if self.focus == PaneId::Timeline => self.timeline.page_up(tl),
            KeyAction::PageDown if self.focus == PaneId::Timeline => self.timeline.page_down(tl),
            KeyAction::PageUp => self.scroll(inc, -(self.page() as isize)),
            KeyAction::PageDown => self.scroll(inc, self.page() as isize),
            KeyAction::Left | KeyAction::Right if self.focus == PaneId::Checklists => {
                let n = inc.checklists.len();
                if n > 0 {
                    let l = if b.action == KeyAction::Right {
                        (self.sel.0 + 1) % n
                    } else {
                        (self.sel.0 + n - 1) % n
                    };
                    self.sel = (l, 0);
                }
            }
            KeyAction::Left | KeyAction::Right => {}
            KeyAction::Top => match self.focus {
                PaneId::Timeline => self.timeline.top(tl),
                PaneId::Checklists => self.sel = first_item(inc),
                p => self.scrolls[p as usize] = 0,
            },
            KeyAction::Bottom => match self.focus {
                PaneId::Timeline => self.timeline.unselect(),
                PaneId::Checklists => self.sel = last_item(inc),
                p => self.scrolls[p as usize] = usize::MAX / 2,
            },
            KeyAction::Zoom => {
                self.zoom = if self.zoom.is_some() {
                    None
                } else {
                    Some(self.focus)
                };
            }
            KeyAction::Tick => return self.tick(inc),
            KeyAction::Note => self.input = Input::Note(String::new()),
            KeyAction::Filter => {
                let cur = self.filter().map(str::to_string).unwrap_or_default();
                self.input = Input::Filter(cur);
            }
            KeyAction::Command => {
                self.input = Input::Command(String::new());
                self.hist_pos = None;
                self.completions.clear();
            }
            KeyAction::Help => self.help = Some(0),
            KeyAction::Update => self.open_composer(inc, now),
            KeyAction::Amend => self.open_amend(inc),
            KeyAction::Quit => {
                let open = inc.state != IncidentState::Resolved;
                if open && self.opts.mode == Mode::Live && !self.opts.read_only {
                    self.input = Input::ConfirmQuit;
                } else {
                    return vec![Action::Quit];
                }
            }
            KeyAction::ForceQuit => return vec![Action::Quit],
            KeyAction::Escape => {
                if self.zoom.is_some() {
                    self.zoom = None;
                } else if self.timeline.filter.is_some() {
                    self.timeline.set_filter(None);
                    self.info("filter cleared");
                } else if self.timeline.selected.is_some() {
                    self.timeline.unselect();
                }
            }
        }
        Vec::new()
    }

    /// Rows a page moves in the focused pane: its inner height less one.
    fn page(&self) -> usize {
        self.screen
            .as_ref()
            .and_then(|s| s.rect(self.focus))
            .map_or(1, |r| (r.height as usize).saturating_sub(3).max(1))
    }

    fn scroll(&mut self, inc: &Incident, d: isize) {
        let tl = &inc.timeline;
        match self.focus {
            // ↑↓ select entries (what `e` corrects); the wheel scrolls.
            PaneId::Timeline if d == -1 => self.timeline.select_prev(tl),
            PaneId::Timeline if d == 1 => self.timeline.select_next(tl),
            PaneId::Timeline => {
                if d < 0 {
                    self.timeline.scroll_up(tl, d.unsigned_abs());
                } else {
                    self.timeline.scroll_down(tl, d as usize);
                }
            }
            PaneId::Checklists => {
                let flat: Vec<(usize, usize)> = inc
                    .checklists
                    .iter()
                    .enumerate()
                    .flat_map(|(l, c)| (0..c.items.len()).map(move |i| (l, i)))
                    .collect();
                if flat.is_empty() {
                    return;
                }
                let cur = flat.iter().position(|x| *x == self.sel).unwrap_or(0) as isize;
                let n = (cur + d).clamp(0, flat.len() as isize - 1) as usize;
                self.sel = flat[n];
            }
            p => {
                let s = &mut self.scrolls[p as usize];
                *s = if d < 0 {
                    s.saturating_sub(d.unsigned_abs())
                } else {
                    s.saturating_add(d as usize)
                };
            }
        }
    }

    /// Opens the status-update composer (with the kept draft, if any).
    fn open_composer(&mut self, inc: &Incident, now: DateTime<Utc>) {
        if self.composer.is_none() {
            let c = super::composer::Composer::new(inc, now, &self.opts.templates);
            self.composer = Some(c);
        }
        self.input = Input::Compose;
    }

    /// A key while the composer is open: edit, preview, send or close (keeping the draft).
    fn compose_key(&mut self, k: &KeyEvent, inc: &Incident, now: DateTime<Utc>) -> Vec<Action> {
        use super::composer::Outcome;
        let Some(c) = self.composer.as_mut() else {
            self.input = Input::Normal;
            return Vec::new();
        };
        match c.key(k, inc, now, &self.opts.templates) {
            Outcome::Stay => Vec::new(),
            Outcome::Close => {
                self.input = Input::Normal;
                self.info("update not sent; the draft is kept (u opens it)");
                Vec::new()
            }
            Outcome::Send(kind) => {
                if let Err(e) = self.can_write() {
                    self.input = Input::Normal;
                    self.err(e);
                    return Vec::new();
                }
                let kind = super::composer::with_targets(kind, &self.opts.publish);
                self.composer = None;
                self.input = Input::Normal;
                self.info(format!("{NOT_YET_RECORDED}{}", update_summary(&kind)));
                vec![Action::Record(kind)]
            }
        }
    }

    /// Opens the correction form on the selected timeline entry.
    fn open_amend(&mut self, inc: &Incident) {
        match self.timeline.selected_entry(&inc.timeline) {
            Some(entry) => {
                self.amend = Some(super::amend_form::AmendForm::new(inc, entry));
                self.input = Input::Amend;
            }
            None => self.err("select a timeline entry first (↑ in the Timeline), then e"),
        }
    }

    /// A key while the correction form is open.
    fn amend_key(&mut self, k: &KeyEvent, now: DateTime<Utc>) -> Vec<Action> {
        use super::amend_form::Outcome;
        let Some(f) = self.amend.as_mut() else {
            self.input = Input::Normal;
            return Vec::new();
        };
        match f.key(k, now) {
            Outcome::Stay => Vec::new(),
            Outcome::Close => {
                self.amend = None;
                self.input = Input::Normal;
                self.info("nothing corrected");
                Vec::new()
            }
            Outcome::Send(kind) => {
                self.amend = None;
                self.input = Input::Normal;
                if let Err(e) = self.can_write() {
                    self.err(e);
                    return Vec::new();
                }
                self.info(format!(
                    "{NOT_YET_RECORDED}correction of the selected entry"
                ));
                // The corrected entry stays selected (↑↓ go on from it) but is done with:
                // a later `:action` must not silently come from it.
                self.used_pick = Some(self.timeline.picks);
                vec![Action::Record(kind)]
            }
        }
    }

    fn tick(&mut self, inc: &Incident) -> Vec<Action> {
        if self.focus != PaneId::Checklists {
            self.err("focus the checklists (Tab) and select an item to tick it");
            return Vec::new();
        }
        let Some(list) = inc.checklists.get(self.sel.0) else {
            return Vec::new();
        };
        let Some(item) = list.items.get(self.sel.1) else {
            self.err("this checklist has no items");
            return Vec::new();
        };
        vec![Action::Record(EventKind::ChecklistToggled {
            list: list.name.clone(),
            item: item.text.clone(),
            done: !item.done,
        })]
    }

    /// A follow-up typed while a timeline entry is selected comes from that moment; the
    /// selection is let go (the next one must be chosen again). Returns the event and, for
    /// a follow-up, which moment it refers to (for the status line).
    fn with_moment(
        &mut self,
        kind: EventKind,
        inc: &Incident,
        now: DateTime<Utc>,
    ) -> (EventKind, Option<String>) {
        match kind {
            EventKind::Action {
                text,
                owner,
                due,
                from: None,
            } => {
                let used = self.used_pick == Some(self.timeline.picks);
                let entry = self.timeline.selected_entry(&inc.timeline);
                let stale = used && entry.is_some();
                let entry = entry.filter(|_| !used);
                let said = super::action_cmd::said(entry, stale, &text, due, now);
                let from = entry.map(|e| e.id);
                self.timeline.unselect();
                let kind = EventKind::Action {
                    text,
                    owner,
                    due,
                    from,
                };
                (kind, Some(said))
            }
            other => (other, None),
        }
    }

    fn apply_filter(&mut self, raw: &str) {
        match Filter::parse(raw) {
            Ok(f) => {
                self.timeline.set_filter(Some(f));
                self.message = None;
            }
            Err(e) => self.err(e),
        }
    }

    fn edit(&mut self, k: &KeyEvent, inc: &Incident, now: DateTime<Utc>) -> Vec<Action> {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let mut buf = match &self.input {
            Input::Command(b) | Input::Note(b) | Input::Filter(b) => b.clone(),
            _ => return Vec::new(),
        };
        let is_filter = matches!(self.input, Input::Filter(_));
        let is_cmd = matches!(self.input, Input::Command(_));
        match k.code {
            KeyCode::Esc => {
                if is_filter {
                    self.timeline.set_filter(None);
                }
                self.over = None;
                self.input = Input::Normal;
                self.completions.clear();
                return Vec::new();
            }
            KeyCode::Enter => {
                self.completions.clear();
                let input = std::mem::replace(&mut self.input, Input::Normal);
                return self.submit(input, inc, now);
            }
            KeyCode::Backspace => {
                if buf.pop().is_none() && !is_filter {
                    self.over = None;
                    self.input = Input::Normal;
                    return Vec::new();
                }
            }
            KeyCode::Char('u') if ctrl => {
                buf.clear();
                self.over = None;
            }
            KeyCode::Char('w') if ctrl => {
                let t = buf.trim_end().len();
                buf.truncate(t);
                let cut = buf.rfind(' ').map(|i| i + 1).unwrap_or(0);
                buf.truncate(cut);
            }
            KeyCode::Tab if is_cmd => {
                let names: Vec<String> = self.opts.themes.iter().map(|t| t.name.clone()).collect();
                let (line, cands) = command::complete(&buf, inc, &names);
                buf = line;
                self.completions = if cands.len() > 1 { cands } else { Vec::new() };
            }
            KeyCode::Up if is_cmd && !self.history.is_empty() => {
                let p = match self.hist_pos {
                    Some(p) => p.saturating_sub(1),
                    None => self.history.len() - 1,
                };
                self.hist_pos = Some(p);
                buf = self.history[p].clone();
            }
            KeyCode::Down if is_cmd => match self.hist_pos {
                Some(p) if p + 1 < self.history.len() => {
                    self.hist_pos = Some(p + 1);
                    buf = self.history[p + 1].clone();
                }
                _ => {
                    self.hist_pos = None;
                    buf.clear();
                }
            },
            KeyCode::Char(c) if !ctrl && !c.is_control() => {
                if let Some(n) = super::input_limit::push(&mut buf, &c.to_string(), MAX_INPUT) {
                    self.over = Some(self.over.map_or(n, |o| o.max(n)));
                }
            }
            _ => return Vec::new(),
        }
        if is_filter {
            self.apply_filter(&buf);
        }
        match &mut self.input {
            Input::Command(b) | Input::Note(b) | Input::Filter(b) => *b = buf,
            _ => {}
        }
        Vec::new()
    }

    fn submit(&mut self, input: Input, inc: &Incident, now: DateTime<Utc>) -> Vec<Action> {
        let over = self.over.take();
        match input {
            Input::Note(b) => {
                let t = text::line(&b);
                if t.is_empty() {
                    self.info("empty note not added");
                    return Vec::new();
                }
                if let Err(e) = self.can_note() {
                    self.err(e);
                    return Vec::new();
                }
                let cut = over.map_or(String::new(), |n| {
                    super::input_limit::shortened(n, MAX_INPUT)
                });
                self.info(format!("{NOT_YET_RECORDED}note {}{cut}", fit(&t, 60)));
                vec![Action::Record(EventKind::Note { text: t })]
            }
            Input::Filter(b) => {
                self.apply_filter(&b);
                Vec::new()
            }
            Input::Command(b) => {
                let line = text::line(&b);
                if line.is_empty() {
                    return Vec::new();
                }
                if self.history.last() != Some(&line) {
                    self.history.push(line.clone());
                    if self.history.len() > 200 {
                        self.history.remove(0);
                    }
                }
                self.hist_pos = None;
                if let Some(n) = over {
                    self.err(format!(
                        "the command line was {n} chars; the limit is {MAX_INPUT}: nothing done (↑ brings the cut line back; for long text use n)"
                    ));
                    return Vec::new();
                }
                match command::parse(&line, inc, now) {
                    Err(e) => {
                        self.err(e);
                        Vec::new()
                    }
                    Ok(Command::Record(_) | Command::Compose | Command::Amend)
                        if self.can_write().is_err() =>
                    {
                        if let Err(e) = self.can_write() {
                            self.err(e);
                        }
                        Vec::new()
                    }
                    Ok(Command::Amend) => {
                        self.open_amend(inc);
                        Vec::new()
                    }
                    Ok(Command::Record(kind)) => {
                        let kind = super::composer::with_targets(kind, &self.opts.publish);
                        let (kind, moment) = self.with_moment(kind, inc, now);
                        let msg = match moment {
                            Some(m) => format!("{NOT_YET_RECORDED}{m}"),
                            None => format!(
                                "{NOT_YET_RECORDED}{}",
                                command::described(&kind, &line, now)
                            ),
                        };
                        if let Some(q) = command::confirmation(&kind, inc, now) {
                            self.pending = Some(Pending {
                                actions: vec![Action::Record(kind)],
                                message: msg,
                            });
                            self.input = Input::Confirm(q);
                            return Vec::new();
                        }
                        self.info(msg);
                        vec![Action::Record(kind)]
                    }
                    Ok(Command::View(ViewCommand::Theme(name))) => {
                        match self.opts.themes.iter().find(|t| t.name == name).cloned() {
                            Some(t) => {
                                self.set_theme(t);
                                self.info(format!("theme {name}"));
                            }
                            None => {
                                let names: Vec<&str> =
                                    self.opts.themes.iter().map(|t| t.name.as_str()).collect();
                                self.err(format!(
                                    "unknown theme {:?}; themes: {}",
                                    fit(&name, 30),
                                    names.join(", ")
                                ));
                            }
                        }
                        Vec::new()
                    }
                    Ok(Command::View(ViewCommand::Help)) => {
                        self.help = Some(0);
                        Vec::new()
                    }
                    Ok(Command::View(ViewCommand::Quit)) => vec![Action::Quit],
                    Ok(Command::View(ViewCommand::Incidents)) => {
                        match self.opts.incidents_dir.clone() {
                            Some(dir) => {
                                self.info("reading the incident logs…");
                                vec![Action::ListIncidents(dir)]
                            }
                            None => {
                                self.err("no incident log folder in this view");
                                Vec::new()
                            }
                        }
                    }
                    Ok(Command::View(ViewCommand::Export(f))) => vec![Action::Export(f)],
                    Ok(Command::Compose) => {
                        self.open_composer(inc, now);
                        Vec::new()
                    }
                }
            }
            _ => Vec::new(),
        }
    }

    fn mouse(&mut self, kind: MouseEventKind, x: u16, y: u16, inc: &Incident) {
        let Some(screen) = &self.screen else { return };
        let Some(p) = screen.at(x, y) else { return };
        match kind {
            MouseEventKind::Down(MouseButton::Left) => {
                self.focus = p;
                if p == PaneId::Checklists
                    && let Some(row) = self.check_rows.iter().find(|r| r.y == y)
                {
                    self.sel = (row.list, row.item);
                }
                if p == PaneId::Timeline {
                    self.timeline.click(y);
                }
            }
            MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
                // The wheel scrolls the pane under the pointer (and focuses it).
                self.focus = p;
                let d = if kind == MouseEventKind::ScrollUp {
                    -3
                } else {
                    3
                };
                self.scroll(inc, d);
            }
            _ => {}
        }
    }

    /// Draws the whole room into `area`.
    pub fn draw(&mut self, frame: &mut Frame, area: Rect, incident: &Incident, now: DateTime<Utc>) {
        self.render(frame.buffer_mut(), area, incident, now);
        if let Some(pos) = self.cursor() {
            frame.set_cursor_position(pos);
        }
    }

    /// Where the text cursor goes (command line input), if anywhere.
    fn cursor(&self) -> Option<Position> {
        let r = self.screen.as_ref()?.command;
        let (prefix, b) = match &self.input {
            Input::Command(b) => (":", b),
            Input::Note(b) => (self.note_prompt(), b),
            Input::Filter(b) => ("/", b),
            _ => return None,
        };
        let w = width(prefix) + width(b);
        let x = (r.x as usize + w).min(r.right().saturating_sub(1) as usize) as u16;
        Some(Position::new(x, r.y))
    }

    /// Draws into a buffer (what `draw` does, without a frame).
    pub fn render(&mut self, buf: &mut Buffer, area: Rect, inc: &Incident, now: DateTime<Utc>) {
        self.drawn = Some(self.draw_key(inc, now, area));
        let area = area.intersection(*buf.area());
        let t = self.theme.clone();
        fill(buf, area, t.s(Sem::Base));
        // Keep the checklist selection valid as lists change.
        if inc
            .checklists
            .get(self.sel.0)
            .is_none_or(|c| self.sel.1 >= c.items.len())
        {
            self.sel = first_item(inc);
        }
        let Some(screen) = layout::layout(area, inc, self.zoom) else {
            self.screen = None;
            let msg = format!("terminal too small: need {MIN_W}x{MIN_H}");
            crate::ui::paint::centred(buf, area, &msg, t.s(Sem::Warn));
            return;
        };
        // Tab follows the panes as the unzoomed screen places them (while zoomed, as
        // they were placed before).
        if self.zoom.is_none() {
            self.order.clear();
            self.order.extend(screen.panes.iter().map(|(id, _)| *id));
        }
        let to = now.timestamp_millis();
        let earliest = inc
            .signals
            .values()
            .filter_map(|s| s.series.points().first().map(|p| p.0))
            .chain(
                inc.reports
                    .values()
                    .filter_map(|r| r.series.points().first().map(|p| p.0)),
            )
            .min()
            .unwrap_or(to);
        // A fixed window (1m, 5m, 15m, ... up to the view's window) that holds the data.
        let span = panes::chart::window(to - earliest, self.opts.window.num_milliseconds());
        let from = to - span;
        let cx = Ctx {
            inc,
            now,
            theme: &t,
            from,
            to,
            read_only: self.can_write().is_err(),
        };
        panes::header::draw(buf, screen.header, &cx);
        if let Some(p) = &self.room_problem {
            panes::header::draw_alert(buf, screen.header, p, &t);
        }
        let window = panes::chart::span_label(to - from);
        for (id, r) in screen.panes.clone() {
            let focused = self.focus == id;
            // Tab can land on a one-line pane: its name shows the focus.
            let label = if focused {
                t.s(Sem::Focus).add_modifier(Modifier::REVERSED)
            } else {
                t.s(Sem::Title)
            };
            if id == PaneId::Comms && r.height < 3 {
                let mut line = panes::comms::strip(&cx, r.width as usize);
                if let Some(first) = line.spans.first_mut() {
                    first.style = label;
                }
                put_line(buf, r, r.x, r.y, &line);
                continue;
            }
            let extra = match id {
                PaneId::Metrics => format!("last {window}"),
                PaneId::Reports => String::new(),
                PaneId::Pages => {
                    let d = inc.pages.iter().filter(|p| p.is_degraded()).count();
                    if d > 0 {
                        format!("{d} degraded")
                    } else {
                        String::new()
                    }
                }
                PaneId::Alerts => format!("{} firing", inc.firing().len()),
                // A read-only view or a replay offers no action it can't take.
                PaneId::Comms if cx.read_only && inc.comms.updates.is_empty() => {
                    "no updates".to_string()
                }
                PaneId::Comms => panes::comms::title_extra(inc),
                PaneId::Timeline if cx.read_only => self.timeline.status(&inc.timeline),
                PaneId::Timeline => {
                    self.timeline.status(&inc.timeline) + self.timeline.write_hint()
                }
                PaneId::Checklists => {
                    let (d, n) = inc
                        .checklists
                        .iter()
                        .fold((0, 0), |a, c| (a.0 + c.done(), a.1 + c.total()));
                    format!("{d}/{n}")
                }
            };
            let zoomed = self.zoom == Some(id);
            let extra = if zoomed {
                format!("{extra} · z restores")
            } else {
                extra
            };
            // Too low for a box (only its border would show): one line, the pane's name
            // and then its first line of content.
            let inner = if r.height < 3 {
                let name = match id {
                    PaneId::Reports => "Reports",
                    _ => id.title(),
                };
                let x = put(buf, r, r.x, r.y, &format!("{name} "), label);
                Rect::new(x, r.y, r.right().saturating_sub(x), 1)
            } else {
                pane(buf, r, id.title(), &extra, focused, &t)
            };
            let w = inner.width as usize;
            match id {
                PaneId::Metrics => panes::metrics::draw(buf, inner, &cx, self.scrolls[id as usize]),
                PaneId::Reports => panes::reports::draw(buf, inner, &cx, self.scrolls[id as usize]),
                PaneId::Pages => {
                    let lines = panes::pages::lines(&cx, w);
                    self.scrolls[id as usize] =
                        draw_lines(buf, inner, &lines, self.scrolls[id as usize]);
                }
                PaneId::Alerts => {
                    let lines = panes::alerts::lines(&cx, w);
                    self.scrolls[id as usize] =
                        draw_lines(buf, inner, &lines, self.scrolls[id as usize]);
                }
                PaneId::Comms => {
                    let mut lines = panes::comms::lines(&cx, w);
                    if zoomed {
                        lines.extend(panes::comms::history(&cx, w));
                    }
                    self.scrolls[id as usize] =
                        draw_lines(buf, inner, &lines, self.scrolls[id as usize]);
                }
                PaneId::Timeline => {
                    panes::timeline::draw(buf, inner, &cx, &mut self.timeline, zoomed)
                }
                PaneId::Checklists => {
                    self.check_rows = panes::checklists::draw(
                        buf,
                        inner,
                        &cx,
                        self.sel,
                        focused,
                        &mut self.check_scroll,
                    )
                    .into_iter()
                    .map(|(y, list, item)| CheckRow { y, list, item })
                    .collect();
                }
            }
        }
        if let Some(p) = &self.incidents {
            p.draw(buf, screen.body, &t, now);
        } else if self.input == Input::Compose
            && let Some(c) = &self.composer
        {
            super::composer_view::draw(buf, screen.body, &t, c, &self.opts.publish);
        } else if self.input == Input::Amend
            && let Some(f) = &self.amend
        {
            super::amend_form::draw(buf, screen.body, &t, f);
        } else if let Some(s) = self.help {
            self.help = Some(help::draw(
                buf,
                screen.body,
                &t,
                self.opts.read_only,
                inc.drill_briefing.as_deref(),
                s,
            ));
        } else if self.report_visible(inc)
            && let Some((header, speed)) = drill_header(inc)
        {
            let report = crate::drill_report::DrillReport::with_speed(inc, &header, speed);
            help::draw_text(
                buf,
                screen.body,
                &t,
                "Drill report",
                "Esc closes",
                &report.render_text(),
            );
        } else if self.handoff_visible(inc).is_some()
            && let Some(h) = super::handoff::brief_for(inc, &self.opts.user, self.handoff_closed)
        {
            self.handoff_scroll = help::draw_text_at(
                buf,
                screen.body,
                &t,
                "Handoff brief",
                "Esc closes",
                &text::block(&h.brief),
                self.handoff_scroll,
            );
        } else if self.briefing_visible(inc)
            && let Some(b) = &inc.drill_briefing
        {
            // Beside the signals where the screen has columns: the first thing to do in
            // a drill is to read them, and the timeline is empty at the start anyway.
            let area = match screen.rect(PaneId::Timeline) {
                Some(r) if screen.body.width >= 100 && r.x > screen.body.x => Rect::new(
                    r.x,
                    screen.body.y,
                    screen.body.right().saturating_sub(r.x),
                    screen.body.height,
                ),
                _ => screen.body,
            };
            help::draw_text(
                buf,
                area,
                &t,
                "Drill briefing",
                "Esc closes · ? shows it again",
                &text::block(b),
            );
        }
        self.draw_command(buf, screen.command, &t, inc);
        self.draw_hints(buf, screen.hints, &t);
        self.screen = Some(screen);
    }

    fn draw_command(&self, buf: &mut Buffer, r: Rect, t: &Theme, inc: &Incident) {
        let w = r.width as usize;
        let show = |prefix: &str, b: &str| -> Line<'static> {
            // Text cut at the cap says so before Enter.
            let warn = self
                .over
                .map(|n| super::input_limit::warning(n, MAX_INPUT))
                .unwrap_or_default();
            // Show the end of long input.
            let room = w.saturating_sub(width(prefix) + width(&warn) + 1);
            let mut s: String = b.to_string();
            while width(&s) > room {
                s.remove(0);
            }
            Line::from(vec![
                Span::styled(warn, t.s(Sem::Error)),
                Span::styled(prefix.to_string(), t.s(Sem::Key)),
                Span::styled(s, t.s(Sem::Command)),
            ])
        };
        let line = match &self.input {
            Input::Command(b) => show(":", b),
            Input::Note(b) => show(self.note_prompt(), b),
            Input::Filter(b) => show("/", b),
            Input::ConfirmQuit => {
                // The whole question at every width: the short form where the long is cut.
                let long =
                    "The incident is still open. Leave the room? y = leave, any other key = stay";
                let q = if width(long) <= w {
                    long
                } else {
                    "Still open. Leave? y = leave, other key = stay"
                };
                Line::from(Span::styled(fit(q, w), t.s(Sem::Warn)))
            }
            Input::Confirm(q) => Line::from(Span::styled(fit(q, w), t.s(Sem::Warn))),
            Input::Compose => Line::from(Span::styled(
                fit("writing a status update", w),
                t.s(Sem::Info),
            )),
            Input::Amend => Line::from(Span::styled(
                fit("correcting a timeline entry", w),
                t.s(Sem::Info),
            )),
            Input::Normal => match &self.message {
                Some(Message { text, error: true }) => {
                    Line::from(Span::styled(fit(text, w), t.s(Sem::Error)))
                }
                Some(Message { text, error: false }) => {
                    Line::from(Span::styled(fit(text, w), t.s(Sem::Info)))
                }
                None => {
                    let who = if self.opts.read_only {
                        " (read-only)"
                    } else {
                        ""
                    };
                    let mode = if self.opts.mode == Mode::Replay {
                        " · replay"
                    } else {
                        ""
                    };
                    let people: Vec<String> =
                        inc.present.iter().map(|p| text::line_max(p, 30)).collect();
                    let room = if people.is_empty() {
                        String::new()
                    } else {
                        format!(" · in the room: {}", people.join(", "))
                    };
                    Line::from(Span::styled(
                        fit(
                            &format!(
                                "you: {}{who}{mode}{room}",
                                text::line_max(&self.opts.user, 40)
                            ),
                            w,
                        ),
                        t.s(Sem::Dim),
                    ))
                }
            },
        };
        put_line(buf, r, r.x, r.y, &line);
        if !self.completions.is_empty() && matches!(self.input, Input::Command(_)) {
            let c = format!(" {} ", self.completions.join(" "));
            let x = r.right().saturating_sub(width(&c).min(w / 2) as u16);
            put(buf, r, x, r.y, &fit(&c, w / 2), t.s(Sem::Dim));
        }
    }

    fn draw_hints(&self, buf: &mut Buffer, r: Rect, t: &Theme) {
        let mut x = r.x;
        let editing = !matches!(
            self.input,
            Input::Normal | Input::ConfirmQuit | Input::Confirm(_)
        );
        let pairs: Vec<(&str, &str)> = if self.input == Input::Compose {
            vec![
                ("Tab", "next field"),
                ("Ctrl-S", "preview"),
                ("y", "send (in preview)"),
                ("Esc", "close, keep draft"),
            ]
        } else if self.input == Input::Amend {
            vec![
                ("Tab", "next field"),
                ("space", "strike"),
                ("Enter", "record"),
                ("Esc", "cancel"),
            ]
        } else if editing {
            vec![
                ("Enter", "submit"),
                ("Esc", "cancel"),
                ("Tab", "complete"),
                ("↑↓", "history"),
            ]
        } else if self.help.is_some() {
            vec![("Esc", "close help"), ("↑↓", "scroll")]
        } else {
            let ro = self.opts.read_only || self.opts.mode == Mode::Replay;
            keys::BINDINGS
                .iter()
                .filter(|b| !(ro && b.writes))
                .filter_map(|b| {
                    b.hint
                        .map(|h| (b.label.split(' ').next().unwrap_or(b.label), h))
                })
                .collect()
        };
        // The way out and the way to help stay at every width: the other hints give way.
        let keep = |k: &str| matches!(k, "?" | "q" | "Esc");
        let need = |k: &str, h: &str| (width(k) + width(h) + 3) as u16;
        let mut reserved: u16 = pairs
            .iter()
            .filter(|(k, _)| keep(k))
            .map(|(k, h)| need(k, h))
            .sum();
        for (k, h) in pairs {
            let n = need(k, h);
            if keep(k) {
                reserved = reserved.saturating_sub(n);
            } else if x + n + reserved > r.right() {
                continue;
            }
            if x + n > r.right() + 2 {
                break;
            }
            x = put(buf, r, x, r.y, k, t.s(Sem::Key));
            x = put(buf, r, x + 1, r.y, h, t.s(Sem::Hint));
            x += 2;
        }
    }
}

fn first_item(inc: &Incident) -> (usize, usize) {
    inc.checklists
        .iter()
        .position(|c| !c.items.is_empty())
        .map(|l| (l, 0))
        .unwrap_or((0, 0))
}

fn last_item(inc: &Incident) -> (usize, usize) {
    inc.checklists
        .iter()
        .rposition(|c| !c.items.is_empty())
        .map(|l| (l, inc.checklists[l].items.len() - 1))
        .unwrap_or((0, 0))
}

/// The drill's header as the log keeps it (`drill_started`) and the speed it was started
/// at: every view (local, SSH, replay) derives the drill report from the fold.
fn drill_header(inc: &Incident) -> Option<(crate::drill_report::DrillHeader, f64)> {
    let facts = inc.drill_header.as_ref()?;
    let header = crate::drill_report::DrillHeader {
        warroom_drill: 1,
        name: inc.drill.clone().unwrap_or_default(),
        // The fold shows the scenario's title until the people declare one.
        title: inc.title.clone(),
        severity: inc.severity,
        summary: String::new(),
        based_on: String::new(),
        invented: String::new(),
        speed: facts.speed,
        duration: 0.0,
        impact: facts.impact,
        reference: facts.reference.clone(),
    };
    Some((header, facts.speed))
}

/// `public update (investigating) to statuspage, slack` for the status line.
fn update_summary(kind: &EventKind) -> String {
    match kind {
        EventKind::StatusUpdate {
            audience,
            state,
            targets,
            ..
        } => {
            let to = if targets.is_empty() {
                String::new()
            } else {
                format!(" to {}", fit(&targets.join(", "), 60))
            };
            format!("{} update ({state}){to}", audience.as_str())
        }
        other => other.name().to_string(),
    }
}

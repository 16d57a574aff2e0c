//! The local terminal: crossterm raw mode + alternate screen + mouse, one loop over input,
//! the room's version and a one-second clock, drawing only when something changed
//! (coalesced to at most 30 frames per second).
//!
//! The terminal is restored by a drop guard and by a panic hook, so a panic anywhere still
//! leaves the user's shell usable. While the view is up nothing but frames is written to
//! the terminal: a panic goes to the diagnostic log (see [`install_panic_hook`]).
//!
//! A terminal that goes away (its window closed: writes fail with EIO, SIGHUP) is a normal
//! way to leave: the loop ends with [`Exit::Hangup`], `left` is recorded, nothing panics.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::{Mutex, Once, OnceLock};
use std::thread::{self, ThreadId};
use std::time::Duration;

use chrono::{Timelike, Utc};
use crossterm::event::{
    DisableMouseCapture, EnableMouseCapture, Event as TermEvent, EventStream, KeyCode, KeyEvent,
    KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind,
};
use crossterm::terminal::{self, Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType as RClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use tokio::time::Instant;

use super::Recording;
use crate::incident::{Actor, Draft, EventKind};
use crate::room::RoomHandle;
use crate::ui::app::{Action, App};

/// Shortest time between two frames (30 frames per second at most).
pub const FRAME_GAP: Duration = Duration::from_millis(34);

/// Puts the terminal back as the shell expects it. Safe to call more than once.
pub fn restore_terminal() {
    let mut out = io::stdout();
    let _ = execute!(out, DisableMouseCapture, LeaveAlternateScreen, cursor::Show);
    let _ = terminal::disable_raw_mode();
    let _ = out.flush();
}

/// Restores the terminal when dropped (also while unwinding from a panic).
pub struct TerminalGuard {
    _private: (),
}

impl TerminalGuard {
    /// Enters raw mode, the alternate screen and mouse capture; installs the panic hook.
    pub fn enter() -> io::Result<TerminalGuard> {
        install_panic_hook();
        terminal::enable_raw_mode()?;
        set_tui_thread(Some(thread::current().id()));
        let guard = TerminalGuard { _private: () };
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            Clear(ClearType::All),
            EnableMouseCapture,
            cursor::Hide
        )?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
        set_tui_thread(None);
    }
}

/// The thread that runs the view while the terminal is in the view's hands.
static TUI_THREAD: Mutex<Option<ThreadId>> = Mutex::new(None);
/// warroom's diagnostic log file, where panics go while the view is up.
static DIAGNOSTIC_LOG: OnceLock<PathBuf> = OnceLock::new();

fn set_tui_thread(id: Option<ThreadId>) {
    match TUI_THREAD.lock() {
        Ok(mut g) => *g = id,
        Err(p) => *p.into_inner() = id,
    }
}

fn tui_thread() -> Option<ThreadId> {
    match TUI_THREAD.lock() {
        Ok(g) => *g,
        Err(p) => *p.into_inner(),
    }
}

/// Tells the panic hook where the diagnostic log is (set once, at start).
pub fn set_diagnostic_log(path: PathBuf) {
    let _ = DIAGNOSTIC_LOG.set(path);
}

/// While the view owns the terminal, a panic never prints on it: the panic (message,
/// location, backtrace) goes to the diagnostic log. A panic of the view's own thread then
/// restores the terminal and prints one line pointing at that log; a panic elsewhere (a
/// source or session task, which tokio contains) leaves the view running. Without a view
/// the default hook prints as usual.
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let Some(tui) = tui_thread() else {
                previous(info);
                return;
            };
            let payload = info.payload();
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_string());
            let location = info
                .location()
                .map(|l| l.to_string())
                .unwrap_or_default();
            let backtrace = std::backtrace::Backtrace::force_capture();
            tracing::error!(panic = %msg, %location, thread = ?thread::current().name(), %backtrace, "panic");
            if thread::current().id() != tui {
                return;
            }
            restore_terminal();
            set_tui_thread(None);
            match DIAGNOSTIC_LOG.get() {
                Some(log) => {
                    let _ = writeln!(
                        io::stderr(),
                        "warroom stopped on an internal error: {} (details in {})",
                        crate::text::line_max(&msg, 200),
                        log.display()
                    );
                }
                None => previous(info),
            }
        }));
    });
}

/// Why the loop ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The person left (Ctrl-C, `:quit`, `q`).
    Quit,
    /// The room closed under us.
    RoomClosed,
    /// The terminal went away (input ended or a signal).
    Hangup,
}

/// Runs the room on the local terminal until the person leaves. Records `joined` on start
/// and `left` on the way out.
/// `app` is the view, built by the caller with its options (theme, colour depth).
pub async fn run(room: RoomHandle, mut app: App, user: &str) -> io::Result<Exit> {
    let guard = TerminalGuard::enter()?;
    // No `Terminal::clear`: it asks the terminal for the cursor position, which not every
    // terminal answers; the screen is cleared on entering instead.
    let mut term = Terminal::new(Quiet::new(CrosstermBackend::new(io::stdout())))?;
    let by = Actor::Person(user.to_string());
    let mut recording = Recording::default();
    let record = |recording: &mut Recording, app: &mut App, kind: EventKind| {
        if let Err(e) = recording.send(&room, Draft::new(Utc::now(), by.clone(), kind)) {
            tracing::warn!(error = %e, "could not record");
            app.notify("not recorded: the room has closed", true);
        }
    };
    record(
        &mut recording,
        &mut app,
        EventKind::Joined {
            person: user.to_string(),
            from: None,
        },
    );

    let mut input = EventStream::new();
    let mut version = room.subscribe();
    let mut dirty = true;
    let mut last_frame: Option<Instant> = None;
    let mut next_second = next_whole_second();
    let mut frames = 0u64;
    let hangup = hangup_signal();
    tokio::pin!(hangup);

    let exit = loop {
        let draw_at = last_frame.map_or_else(Instant::now, |t| t + FRAME_GAP);
        tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(ev)) => {
                    if is_ctrl_c(&ev) {
                        break Exit::Quit;
                    }
                    let actions = {
                        let inc = room.read();
                        app.handle_input(&ev, &inc, Utc::now())
                    };
                    let mut quit = false;
                    for a in actions {
                        match a {
                            Action::Record(kind) => {
                                record(&mut recording, &mut app, kind);
                            }
                            Action::Quit => quit = true,
                            Action::Export(format) => {
                                let msg = match room.log_path() {
                                    Some(log) => crate::export::write_next_to_log(log, format)
                                        .map(|p| format!("postmortem draft written to {}", p.display())),
                                    None => Err("this room keeps no log to export".to_string()),
                                };
                                match msg {
                                    Ok(m) => app.notify(m, false),
                                    Err(e) => app.notify(format!("export failed: {e}"), true),
                                }
                            }
                        }
                    }
                    if quit {
                        break Exit::Quit;
                    }
                    // Pointer motion and focus changes alone change nothing on screen.
                    if !matches!(
                        ev,
                        TermEvent::Mouse(MouseEvent { kind: MouseEventKind::Moved, .. })
                            | TermEvent::FocusGained
                            | TermEvent::FocusLost
                    ) {
                        dirty = true;
                    }
                }
                Some(Err(e)) => {
                    tracing::error!(error = %e, "terminal input failed");
                    break Exit::Hangup;
                }
                None => break Exit::Hangup,
            },
            changed = version.changed() => {
                if changed.is_err() {
                    break Exit::RoomClosed;
                }
                dirty = true;
            }
            _ = tokio::time::sleep_until(next_second) => {
                next_second = next_whole_second();
                dirty = true;
            }
            _ = &mut hangup => break Exit::Hangup,
            _ = tokio::time::sleep_until(draw_at), if dirty => {
                dirty = false;
                last_frame = Some(Instant::now());
                frames += 1;
                recording.settle(&room, &mut app);
                let now = Utc::now();
                let inc = room.read();
                let drawn = term.draw(|f| {
                    let area = f.area();
                    app.draw(f, area, &inc, now);
                });
                if let Err(e) = drawn {
                    // The terminal is gone (EIO): leave as on a hangup.
                    tracing::info!(error = %e, "terminal write failed");
                    break Exit::Hangup;
                }
            }
        }
    };
    tracing::info!(?exit, frames, "leaving the room");
    if exit != Exit::RoomClosed {
        record(
            &mut recording,
            &mut app,
            EventKind::Left {
                person: user.to_string(),
            },
        );
    }
    drop(term);
    drop(guard);
    Ok(exit)
}

fn is_ctrl_c(ev: &TermEvent) -> bool {
    matches!(
        ev,
        TermEvent::Key(KeyEvent {
            code: KeyCode::Char('c'),
            modifiers,
            kind: KeyEventKind::Press,
            ..
        }) if modifiers.contains(KeyModifiers::CONTROL)
    )
}

/// The instant the wall clock next turns a whole second (a few ms after, so the clock
/// drawn then shows the new second).
fn next_whole_second() -> Instant {
    let now = Utc::now();
    let ns = u64::from(now.nanosecond() % 1_000_000_000);
    Instant::now() + Duration::from_nanos(1_000_000_000 - ns) + Duration::from_millis(2)
}

/// Resolves when the process is asked to stop (SIGTERM, SIGHUP).
async fn hangup_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = hup.recv() => {}
        }
    }
    #[cfg(not(unix))]
    std::future::pending::<()>().await
}

/// A backend that does not repeat itself: ratatui hides (or shows) the cursor on every
/// frame; when it already is, nothing is written. An idle room then sends only the cells
/// that changed (principle 7: idle means idle).
///
/// Showing the cursor never fails: ratatui shows it when the terminal is dropped, and on
/// a terminal that is gone would print "Failed to show the cursor" to it.
pub struct Quiet<B> {
    inner: B,
    cursor_hidden: Option<bool>,
}

impl<B> Quiet<B> {
    pub fn new(inner: B) -> Self {
        Quiet {
            inner,
            cursor_hidden: None,
        }
    }
}

impl<B: Backend> Backend for Quiet<B> {
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }
    fn append_lines(&mut self, n: u16) -> Result<(), Self::Error> {
        self.inner.append_lines(n)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        if self.cursor_hidden != Some(true) {
            self.inner.hide_cursor()?;
            self.cursor_hidden = Some(true);
        }
        Ok(())
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        if self.cursor_hidden != Some(false) {
            if self.inner.show_cursor().is_err() {
                // The terminal is gone; `restore_terminal` shows it where it still exists.
                tracing::debug!("could not show the cursor");
            }
            self.cursor_hidden = Some(false);
        }
        Ok(())
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }
    fn clear_region(&mut self, clear_type: RClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()
    }
}

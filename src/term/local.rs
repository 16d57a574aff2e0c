//! The local terminal: crossterm raw mode + alternate screen + mouse, one loop over input,
//! the room's version and a one-second clock, drawing only when something changed
//! (coalesced to at most 30 frames per second).
//!
//! The terminal is restored by a drop guard and by a panic hook, so a panic anywhere still
//! leaves the user's shell usable.

use std::io::{self, Write};
use std::sync::Once;
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
    }
}

/// Restores the terminal before the default panic message is printed, so the message is
/// readable and the shell usable.
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal();
            tracing::error!(%info, "panic");
            previous(info);
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
    let record = |kind: EventKind| -> bool {
        match room.try_record(Draft::new(Utc::now(), by.clone(), kind)) {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(error = %e, "could not record");
                false
            }
        }
    };
    record(EventKind::Joined {
        person: user.to_string(),
    });

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
                                record(kind);
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
                let now = Utc::now();
                let inc = room.read();
                term.draw(|f| {
                    let area = f.area();
                    app.draw(f, area, &inc, now);
                })?;
            }
        }
    };
    tracing::info!(?exit, frames, "leaving the room");
    if exit != Exit::RoomClosed {
        record(EventKind::Left {
            person: user.to_string(),
        });
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
            self.inner.show_cursor()?;
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

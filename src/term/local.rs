//! The local terminal: crossterm raw mode + alternate screen + mouse, run by the one
//! front-end driver (`driver.rs`) on the live room (`live.rs`).
//!
//! The terminal is restored by a drop guard and by a panic hook, so a panic anywhere still
//! leaves the user's shell usable. While the view is up nothing but frames is written to
//! the terminal: a panic goes to the diagnostic log (see [`install_panic_hook`]).
//!
//! A terminal that goes away (its window closed: writes fail with EIO, SIGHUP) is a normal
//! way to leave: the loop ends with [`Exit::Hangup`], `left` is recorded, nothing panics.

use std::future::Future;
use std::io::{self, Write};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Mutex, Once, OnceLock};
use std::thread::{self, ThreadId};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    EventStream,
};
use crossterm::terminal::{self, Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use futures::StreamExt;
use ratatui::Frame;
use ratatui::backend::{Backend, ClearType as RClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Rect, Size};

use super::driver::{self, Input, Terminal, View};
use super::live::{LiveView, Rights};
use crate::incident::EventKind;
use crate::room::RoomHandle;
use crate::ui::app::App;

/// Puts the terminal back as the shell expects it. Safe to call more than once.
pub fn restore_terminal() {
    let mut out = io::stdout();
    let _ = execute!(
        out,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
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
            // A paste comes as one event: its newlines don't press Enter halfway and the
            // cap on a line's length is said once for the whole paste.
            EnableBracketedPaste,
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

pub use super::driver::Exit;

/// This process's terminal as a [`Terminal`] for the driver: crossterm's input stream in,
/// frames out through a [`Quiet`] backend; SIGTERM and SIGHUP end it like a closed window.
pub struct LocalTerminal {
    term: ratatui::Terminal<Quiet<CrosstermBackend<io::Stdout>>>,
    input: EventStream,
    hangup: Pin<Box<dyn Future<Output = ()> + Send>>,
}

impl LocalTerminal {
    /// Takes over the terminal (raw mode, alternate screen, mouse): see [`TerminalGuard`].
    pub fn enter() -> io::Result<(TerminalGuard, LocalTerminal)> {
        let guard = TerminalGuard::enter()?;
        // No `Terminal::clear`: it asks the terminal for the cursor position, which not
        // every terminal answers; the screen is cleared on entering instead.
        let term = ratatui::Terminal::new(Quiet::new(CrosstermBackend::new(io::stdout())))?;
        Ok((
            guard,
            LocalTerminal {
                term,
                input: EventStream::new(),
                hangup: Box::pin(hangup_signal()),
            },
        ))
    }
}

impl Terminal for LocalTerminal {
    async fn next(&mut self) -> Input {
        tokio::select! {
            ev = self.input.next() => match ev {
                Some(Ok(ev)) => Input::Events(vec![ev]),
                Some(Err(e)) => {
                    tracing::error!(error = %e, "terminal input failed");
                    Input::End(Exit::Hangup)
                }
                None => Input::End(Exit::Hangup),
            },
            _ = &mut self.hangup => Input::End(Exit::Hangup),
        }
    }

    fn area(&self) -> Rect {
        let size = self.term.size().unwrap_or_default();
        Rect::new(0, 0, size.width, size.height)
    }

    fn draw(&mut self, draw: &mut dyn FnMut(&mut Frame)) -> Option<Exit> {
        match self.term.draw(|f| draw(f)) {
            Ok(_) => None,
            Err(e) => {
                // The terminal is gone (EIO): leave as on a hangup.
                tracing::info!(error = %e, "terminal write failed");
                Some(Exit::Hangup)
            }
        }
    }
}

/// Runs the room on the local terminal until the person leaves. Records `joined` on start
/// and `left` on the way out. `app` is the view, built by the caller with its options
/// (theme, colour depth).
pub async fn run(room: RoomHandle, app: App, user: &str) -> io::Result<Exit> {
    let (guard, mut term) = LocalTerminal::enter()?;
    let rights = Rights {
        record: true,
        export: true,
    };
    let mut view = LiveView::new(room, app, user, rights);
    view.record(EventKind::Joined {
        person: user.to_string(),
        from: None,
    });
    let exit = driver::run(&mut term, &mut view).await;
    tracing::info!(?exit, "leaving the room");
    if exit != Exit::RoomClosed {
        view.record(EventKind::Left {
            person: user.to_string(),
        });
    }
    drop(term);
    drop(guard);
    Ok(exit)
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

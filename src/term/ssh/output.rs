//! What a session sends: ratatui frames rendered into bytes, never touching the server's tty.

use std::io;
use std::sync::{Arc, Mutex};

use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Rect, Size};
use ratatui::{TerminalOptions, Viewport};

/// Largest terminal accepted from a client, in cells per side.
pub const MAX_SIDE: u16 = 500;

/// Start and end of a synchronized update (DEC mode 2026): the client shows a frame whole.
pub const SYNC_BEGIN: &[u8] = b"\x1b[?2026h";
pub const SYNC_END: &[u8] = b"\x1b[?2026l";

/// Enter the alternate screen, hide the cursor, clear.
pub const ENTER: &[u8] = b"\x1b[?1049h\x1b[?25l\x1b[2J\x1b[H";
/// Show the cursor, reset attributes, leave the alternate screen.
pub const LEAVE: &[u8] = b"\x1b[0m\x1b[?25h\x1b[?1049l";

/// Largest screen accepted, in cells: two ratatui buffers of this many cells are kept per
/// view (~10 MB), so one client cannot make a view take hundreds of megabytes.
pub const MAX_CELLS: u32 = 100_000;

/// A client's size (cols, rows from the SSH request, any u32) clamped to 1..=MAX_SIDE per
/// side and MAX_CELLS in all (by taking rows away).
pub fn clamp_size(cols: u32, rows: u32) -> Size {
    let side = |v: u32| v.clamp(1, u32::from(MAX_SIDE));
    let cols = side(cols);
    let rows = side(rows).min((MAX_CELLS / cols).max(1));
    let c = |v: u32| u16::try_from(v).unwrap_or(MAX_SIDE);
    Size::new(c(cols), c(rows))
}

/// crossterm's backend over a byte buffer, with the size it is told rather than the size of
/// the server's own terminal (which `CrosstermBackend::size` would ask for).
pub struct SessionBackend {
    inner: CrosstermBackend<SharedBuf>,
    buf: SharedBuf,
    size: Size,
}

/// A byte buffer the backend writes into and the session takes frames from.
#[derive(Clone, Default)]
pub struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl SharedBuf {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        match self.0.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }
}

impl io::Write for SharedBuf {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.lock().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl SessionBackend {
    pub fn new(size: Size) -> Self {
        let buf = SharedBuf::default();
        SessionBackend {
            inner: CrosstermBackend::new(buf.clone()),
            buf,
            size,
        }
    }
    /// The bytes written since the last take.
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut *self.buf.lock())
    }
}

impl Backend for SessionBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        // crossterm resets colours after every draw, even an empty one: skip empty diffs so
        // an unchanged screen sends nothing.
        let mut content = content.peekable();
        if content.peek().is_none() {
            return Ok(());
        }
        self.inner.draw(content)
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        // Asking the client would need a round trip; nothing here needs it.
        Ok(Position::ORIGIN)
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> io::Result<Size> {
        Ok(self.size)
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: self.size,
            pixels: Size::new(0, 0),
        })
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// One SSH session's screen (the client's terminal, seen from here): a fixed viewport the size of the client's terminal.
pub struct RemoteScreen {
    pub terminal: Terminal<SessionBackend>,
}

impl RemoteScreen {
    pub fn new(size: Size) -> io::Result<Self> {
        let terminal = Terminal::with_options(
            SessionBackend::new(size),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, size.width, size.height)),
            },
        )?;
        Ok(RemoteScreen { terminal })
    }

    pub fn size(&self) -> Size {
        self.terminal.backend().size
    }

    /// New client size: the next frame is drawn whole at that size.
    pub fn resize(&mut self, size: Size) -> io::Result<()> {
        self.terminal.backend_mut().size = size;
        self.terminal
            .resize(Rect::new(0, 0, size.width, size.height))
    }

    /// Forget what the client shows: clear, and the next frame is drawn whole.
    pub fn invalidate(&mut self) -> io::Result<()> {
        let s = self.size();
        self.resize(s)
    }

    /// Draws with `f` and returns the bytes of the frame, wrapped in a synchronized update;
    /// None when nothing changed on screen.
    pub fn frame(&mut self, f: impl FnOnce(&mut ratatui::Frame)) -> io::Result<Option<Vec<u8>>> {
        self.terminal.draw(f)?;
        let body = self.terminal.backend_mut().take();
        if body.is_empty() || is_only_cursor_noise(&body) {
            return Ok(None);
        }
        let mut out = Vec::with_capacity(body.len() + SYNC_BEGIN.len() + SYNC_END.len());
        out.extend_from_slice(SYNC_BEGIN);
        out.extend_from_slice(&body);
        out.extend_from_slice(SYNC_END);
        Ok(Some(out))
    }
}

/// ratatui hides the cursor after every draw; a frame that only does that is no change.
fn is_only_cursor_noise(body: &[u8]) -> bool {
    body.chunks(6).all(|c| c == b"\x1b[?25l")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::widgets::Paragraph;

    #[test]
    fn sizes_are_clamped() {
        assert_eq!(clamp_size(0, 0), Size::new(1, 1));
        assert_eq!(clamp_size(80, 24), Size::new(80, 24));
        assert_eq!(clamp_size(300, 100), Size::new(300, 100));
        assert_eq!(clamp_size(u32::MAX, 100_000), Size::new(MAX_SIDE, 200));
        assert_eq!(clamp_size(1, u32::MAX), Size::new(1, MAX_SIDE));
    }

    #[test]
    fn frames_are_diffs_wrapped_in_sync_and_resize_redraws_whole() {
        let mut s = RemoteScreen::new(Size::new(20, 3)).unwrap();
        let draw = |t: &'static str| {
            move |f: &mut ratatui::Frame| f.render_widget(Paragraph::new(t), f.area())
        };
        let first = s.frame(draw("hello")).unwrap().unwrap();
        assert!(first.starts_with(SYNC_BEGIN) && first.ends_with(SYNC_END));
        assert!(String::from_utf8_lossy(&first).contains("hello"));
        assert_eq!(s.frame(draw("hello")).unwrap(), None, "no change, no bytes");
        let second = s.frame(draw("help")).unwrap().unwrap();
        assert!(
            !String::from_utf8_lossy(&second).contains("hel"),
            "only the change"
        );
        s.resize(Size::new(30, 5)).unwrap();
        let third = s.frame(draw("help")).unwrap().unwrap();
        assert!(String::from_utf8_lossy(&third).contains("help"));
        let nz = |n: u16| std::num::NonZeroU16::new(n).unwrap();
        let mut vt = vt100::Parser::new(nz(5), nz(30), 0);
        vt.process(&third);
        assert_eq!(vt.screen().contents().trim(), "help");
    }
}

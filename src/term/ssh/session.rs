//! One SSH view: waits for a pty and a shell, then runs the live room's view (its own
//! `App`, the room's theme) with the one driver on this channel (`SshTerminal`).
//!
//! The view task never waits on the client: frames go into a small queue that a writer
//! task drains at the pace of the SSH window. When the queue is full the view stops
//! drawing (changes pile up in the room's state, not in memory) and draws the accumulated
//! change once the queue has room; a client that takes no data for the stall timeout
//! (default [`STALL_TIMEOUT`]) is dropped.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use chrono::Utc;
use crossterm::event::Event;
use ratatui::layout::{Rect, Size};
use russh::server::{Handle, Msg};
use russh::{Channel, ChannelMsg};
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::time::{Instant, sleep_until};

use super::auth::Role;
use super::input::{ESC_TIMEOUT, InputParser};
use super::output::{self, ENTER, LEAVE, RemoteScreen};
use super::server::Shared;
use crate::incident::{Actor, Draft, EventKind};
use crate::term::driver::{self, Exit, Input, Terminal};
use crate::term::live::{LiveView, Rights};
use crate::ui::app::App;

/// Frames waiting for the client, at most.
const QUEUE: usize = 3;
/// At most ~30 frames per second per view.
pub const FRAME_MIN: Duration = Duration::from_millis(33);
/// A client that takes no data for this long is dropped.
pub const STALL_TIMEOUT: Duration = Duration::from_secs(20);
/// Time to get from channel open to a shell.
const SETUP_TIMEOUT: Duration = Duration::from_secs(30);

/// An admitted connection: who joined, with what rights, from where.
pub struct Connection {
    pub shared: Arc<Shared>,
    pub name: String,
    pub role: Role,
    /// False when the key's entry says `no-pty` or `restrict`: no view.
    pub pty_allowed: bool,
    /// The client's address, for the log.
    pub addr: std::net::SocketAddr,
    pub handle: Handle,
}

/// What the client asked for before its shell.
struct Pty {
    term: String,
    size: Size,
}

pub async fn run(channel: Channel<Msg>, ctx: Connection) {
    let (mut read, write) = channel.split();
    let mut pty = None;
    let deadline = Instant::now() + SETUP_TIMEOUT;
    let start = loop {
        let msg = tokio::select! {
            m = read.wait() => m,
            _ = sleep_until(deadline) => None,
        };
        match msg {
            Some(ChannelMsg::RequestPty {
                term,
                col_width,
                row_height,
                ..
            }) => {
                pty = Some(Pty {
                    term,
                    size: output::clamp_size(col_width, row_height),
                })
            }
            Some(ChannelMsg::RequestShell { .. }) | Some(ChannelMsg::Exec { .. }) => break true,
            Some(ChannelMsg::Eof) | Some(ChannelMsg::Close) | None => break false,
            Some(_) => {}
        }
    };
    if !start {
        let _ = write.close().await;
        return;
    }
    if !ctx.pty_allowed {
        tracing::info!(person = %ctx.name, addr = %ctx.addr, "ssh: no view for a no-pty key");
        say_and_close(
            &write,
            "warroom: this key may not have a terminal (its entry says no-pty or restrict), and the room is only a terminal view; ask for an entry without it.\r\n",
            1,
        )
        .await;
        return;
    }
    let Some(pty) = pty else {
        say_and_close(
            &write,
            "warroom needs a terminal: connect with `ssh -t` (a pty); commands and -T sessions are not served.\r\n",
            1,
        )
        .await;
        return;
    };
    let shared = ctx.shared.clone();
    let n = shared.active.fetch_add(1, Ordering::SeqCst) + 1;
    if n > shared.max_sessions {
        shared.active.fetch_sub(1, Ordering::SeqCst);
        let msg = format!(
            "warroom: the room is full (at most {} views at once); try again later.\r\n",
            shared.max_sessions
        );
        say_and_close(&write, &msg, 1).await;
        return;
    }
    presence(&ctx, true).await;
    let end = serve_view(&ctx, pty, read, write).await;
    presence(&ctx, false).await;
    shared.active.fetch_sub(1, Ordering::SeqCst);
    if end == Exit::Stalled {
        let _ = tokio::time::timeout(
            Duration::from_secs(1),
            ctx.handle.disconnect(
                russh::Disconnect::ByApplication,
                "client stopped reading".into(),
                String::new(),
            ),
        )
        .await;
    }
}

async fn say_and_close(write: &russh::ChannelWriteHalf<Msg>, text: &str, status: u32) {
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        let _ = write
            .data_bytes(Bytes::copy_from_slice(text.as_bytes()))
            .await;
        let _ = write.exit_status(status).await;
        let _ = write.eof().await;
        let _ = write.close().await;
    })
    .await;
}

/// Records `joined` for a person's first view and `left` after their last.
async fn presence(ctx: &Connection, join: bool) {
    let first_or_last = {
        let mut map = match ctx.shared.presence.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let count = map.entry(ctx.name.clone()).or_insert(0);
        if join {
            *count += 1;
            *count == 1
        } else {
            *count = count.saturating_sub(1);
            let last = *count == 0;
            if last {
                map.remove(&ctx.name);
            }
            last
        }
    };
    if !first_or_last {
        return;
    }
    let person = ctx.name.clone();
    let kind = if join {
        EventKind::Joined {
            person,
            from: Some(ctx.addr.ip().to_string()),
        }
    } else {
        EventKind::Left { person }
    };
    let draft = Draft::new(Utc::now(), Actor::person(ctx.name.clone()), kind);
    if ctx.shared.room.record(draft).await.is_err() {
        tracing::warn!(person = %ctx.name, "room closed; presence not recorded");
    }
}

/// One SSH channel as a [`Terminal`] for the driver: bytes in through the input parser,
/// frames out through a small queue that a writer task drains at the client's pace.
struct SshTerminal {
    name: String,
    read: russh::ChannelReadHalf,
    screen: Option<RemoteScreen>,
    size: Size,
    parser: InputParser,
    /// When a lone Esc counts as the Esc key.
    esc_at: Option<Instant>,
    frames: mpsc::Sender<Bytes>,
    writer: Option<tokio::task::JoinHandle<()>>,
    drained: Arc<Notify>,
    stalled: Option<oneshot::Receiver<()>>,
    /// Sent before the first frame.
    preamble: Vec<u8>,
    idle: Duration,
    idle_at: Instant,
    shutdown: tokio::sync::watch::Receiver<bool>,
    frame_gap: Duration,
}

impl SshTerminal {
    fn new(
        conn: &Connection,
        pty: &Pty,
        read: russh::ChannelReadHalf,
        write: russh::ChannelWriteHalf<Msg>,
    ) -> Self {
        let (frames, rx) = mpsc::channel::<Bytes>(QUEUE);
        let drained = Arc::new(Notify::new());
        let (stall_tx, stall_rx) = oneshot::channel();
        let writer = tokio::spawn(write_frames(
            write,
            rx,
            drained.clone(),
            stall_tx,
            conn.shared.stall_timeout,
        ));
        let idle = conn.shared.idle_timeout;
        SshTerminal {
            name: conn.name.clone(),
            read,
            screen: RemoteScreen::new(pty.size).ok(),
            size: pty.size,
            parser: InputParser::new(),
            esc_at: None,
            frames,
            writer: Some(writer),
            drained,
            stalled: Some(stall_rx),
            preamble: ENTER.to_vec(),
            idle,
            idle_at: Instant::now() + idle,
            shutdown: conn.shared.shutdown.subscribe(),
            frame_gap: conn.shared.frame_interval,
        }
    }

    /// Applies a new client size; true when it changed.
    fn resize(&mut self, size: Size) -> bool {
        if size == self.size {
            return false;
        }
        self.size = size;
        if let Some(s) = self.screen.as_mut()
            && s.resize(size).is_err()
        {
            self.screen = None;
        }
        true
    }

    /// Restores the client's terminal (with a last message) and closes the channel.
    async fn finish(&mut self, exit: Exit) {
        let mut bytes = LEAVE.to_vec();
        let why = match exit {
            Exit::Closed(why) => Some(why),
            Exit::RoomClosed => Some("the room has closed"),
            _ => None,
        };
        if let Some(why) = why {
            bytes.extend_from_slice(format!("warroom: {why}.\r\n").as_bytes());
        }
        if exit != Exit::Stalled {
            let _ =
                tokio::time::timeout(Duration::from_secs(2), self.frames.send(Bytes::from(bytes)))
                    .await;
        }
        // Closing the queue lets the writer finish and close the channel.
        let (closed, _) = mpsc::channel(1);
        self.frames = closed;
        if let Some(w) = self.writer.take() {
            if exit == Exit::Stalled {
                w.abort();
            } else if tokio::time::timeout(Duration::from_secs(3), w)
                .await
                .is_err()
            {
                tracing::debug!(person = %self.name, "writer did not finish in time");
            }
        }
    }
}

impl Terminal for SshTerminal {
    async fn next(&mut self) -> Input {
        loop {
            let far = Instant::now() + Duration::from_secs(86_400);
            let SshTerminal {
                read,
                esc_at,
                drained,
                idle_at,
                stalled,
                shutdown,
                ..
            } = self;
            let stall = async {
                match stalled.as_mut() {
                    Some(rx) => {
                        let _ = rx.await;
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                msg = read.wait() => match msg {
                    Some(ChannelMsg::Data { data }) => {
                        self.idle_at = Instant::now() + self.idle;
                        let events = self.parser.feed(&data);
                        self.esc_at = self.parser.pending().then(|| Instant::now() + ESC_TIMEOUT);
                        return Input::Events(events);
                    }
                    Some(ChannelMsg::WindowChange { col_width, row_height, .. }) => {
                        let size = output::clamp_size(col_width, row_height);
                        if self.resize(size) {
                            return Input::Events(vec![Event::Resize(size.width, size.height)]);
                        }
                    }
                    Some(ChannelMsg::Eof) | Some(ChannelMsg::Close) | None => {
                        return Input::End(Exit::Hangup);
                    }
                    Some(_) => {}
                },
                _ = sleep_until(esc_at.unwrap_or(far)), if esc_at.is_some() => {
                    self.esc_at = None;
                    return Input::Events(self.parser.timeout());
                }
                _ = drained.notified() => return Input::Ready,
                _ = sleep_until(*idle_at) => {
                    return Input::End(Exit::Closed("disconnected after being idle"));
                }
                _ = stall => {
                    self.stalled = None;
                    return Input::End(Exit::Stalled);
                }
                _ = shutdown.changed() => {
                    return Input::End(Exit::Closed("the war room server is stopping"));
                }
            }
        }
    }

    fn ready(&self) -> bool {
        // The client is behind: draw nothing until it catches up; the next frame then
        // carries every change since.
        self.frames.capacity() > 0
    }

    fn area(&self) -> Rect {
        Rect::new(0, 0, self.size.width, self.size.height)
    }

    fn frame_gap(&self) -> Duration {
        self.frame_gap
    }

    fn draw(&mut self, draw: &mut dyn FnMut(&mut ratatui::Frame)) -> Option<Exit> {
        let screen = self.screen.as_mut()?;
        match screen.frame(|f| draw(f)) {
            Ok(Some(bytes)) => {
                let bytes = if self.preamble.is_empty() {
                    bytes
                } else {
                    let mut b = std::mem::take(&mut self.preamble);
                    b.extend_from_slice(&bytes);
                    b
                };
                if self.frames.try_send(Bytes::from(bytes)).is_err() {
                    // Should not happen (readiness was checked); make the next frame whole.
                    let _ = screen.invalidate();
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(person = %self.name, "ssh draw failed: {e}"),
        }
        None
    }
}

/// The App of an SSH session of `name` with `role` on a client whose `TERM` is `term`: the
/// room's theme at the colour depth that `TERM` gives (ssh forwards TERM, not COLORTERM:
/// an xterm-256color client gets 256 colours, a vt100 none, whatever the server has).
pub fn session_app(room: &crate::room::RoomHandle, name: &str, role: Role, term: &str) -> App {
    let depth = crate::ui::theme::ColorDepth::detect(None, Some(term), None);
    let mut opts = crate::term::view_options(room, name, depth);
    opts.read_only = role == Role::Observer;
    App::new(opts)
}

/// Runs one person's view of the room on this channel until it ends. A resolved
/// incident picked in `:incidents` is replayed in the session (`q` comes back to the
/// room, with the view as it was).
async fn serve_view(
    conn: &Connection,
    pty: Pty,
    read: russh::ChannelReadHalf,
    write: russh::ChannelWriteHalf<Msg>,
) -> Exit {
    tracing::info!(person = %conn.name, addr = %conn.addr, term = %pty.term, size = ?pty.size, "ssh view opened");
    let mut app = session_app(&conn.shared.room, &conn.name, conn.role, &pty.term);
    let slot = crate::ui::incidents_popup::ChoiceSlot::default();
    app.opts.chosen = Some(slot.clone());
    let rights = Rights {
        record: conn.role != Role::Observer,
        export: false,
    };
    let mut term = SshTerminal::new(conn, &pty, read, write);
    let exit = loop {
        let mut view = LiveView::new(conn.shared.room.clone(), app, &conn.name, rights);
        let exit = driver::run(&mut term, &mut view).await;
        app = view.into_app();
        let Some(choice) = slot.take().filter(|c| c.replay && exit == Exit::Quit) else {
            break exit;
        };
        match replay_in_session(&mut term, &app, &conn.name, &choice.path).await {
            Ok(Exit::Quit) => app.notify("back in the room", false),
            Ok(other) => break other,
            Err(why) => app.notify(why.to_string(), true),
        }
        app.mark_dirty();
    };
    tracing::info!(person = %conn.name, ?exit, "ssh view closed");
    term.finish(exit).await;
    exit
}

/// Why a replay could not be opened inside an SSH session (shown on the status line).
#[derive(Debug, thiserror::Error)]
enum ReplayRefused {
    #[error("cannot replay: {0}")]
    Open(String),
    #[error("{0} holds no events to replay")]
    Empty(String),
}

/// Replays the log at `path` on this session's terminal, looking like `room_app` (its
/// theme and colour depth), until `q`; `Err` says why it could not be opened. Review
/// notes are shown, not saved (the review log is the room host's, kept from its own
/// terminal or `warroom replay`).
async fn replay_in_session(
    term: &mut SshTerminal,
    room_app: &App,
    name: &str,
    path: &std::path::Path,
) -> Result<Exit, ReplayRefused> {
    let p = path.to_path_buf();
    let shown = || crate::text::line(&path.display().to_string());
    let opened = tokio::task::spawn_blocking(move || crate::replay::Replay::open(&p))
        .await
        .map_err(|e| ReplayRefused::Open(e.to_string()))?
        .map_err(|e| ReplayRefused::Open(crate::text::line(&e.to_string())))?;
    if opened.replay.is_empty() {
        return Err(ReplayRefused::Empty(shown()));
    }
    let mut view = crate::term::replay::ReplayView::new(opened.replay, name, None);
    view.app.opts.depth = room_app.opts.depth;
    view.set_theme(room_app.opts.theme.clone());
    view.set_message(format!(
        "replaying {} · q back to the room",
        crate::text::line(&path.display().to_string())
    ));
    tracing::info!(person = %name, log = %path.display(), "ssh replay");
    Ok(driver::run(term, &mut view).await)
}

/// Drains the frame queue into the channel at the client's pace.
async fn write_frames(
    write: russh::ChannelWriteHalf<Msg>,
    mut rx: mpsc::Receiver<Bytes>,
    drained: Arc<Notify>,
    stalled: oneshot::Sender<()>,
    stall_timeout: Duration,
) {
    while let Some(frame) = rx.recv().await {
        match tokio::time::timeout(stall_timeout, write.data_bytes(frame)).await {
            Ok(Ok(())) => drained.notify_one(),
            Ok(Err(_)) => return,
            Err(_) => {
                let _ = stalled.send(());
                return;
            }
        }
    }
    let _ = write.exit_status(0).await;
    let _ = write.eof().await;
    let _ = write.close().await;
}

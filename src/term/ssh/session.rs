//! One SSH view: waits for a pty and a shell, then runs its own `App` on its own screen.
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
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Rect, Size};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::Paragraph;
use russh::server::{Handle, Msg};
use russh::{Channel, ChannelMsg};
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::time::{Instant, sleep_until};

use super::auth::Role;
use super::input::{ESC_TIMEOUT, InputParser};
use super::output::{self, ENTER, LEAVE, Screen};
use super::server::Shared;
use crate::incident::{Actor, Draft, EventKind};
use crate::ui::app::{Action, App, AppOptions};

/// Frames waiting for the client, at most.
const QUEUE: usize = 3;
/// At most ~30 frames per second per view.
pub const FRAME_MIN: Duration = Duration::from_millis(33);
/// A client that takes no data for this long is dropped.
pub const STALL_TIMEOUT: Duration = Duration::from_secs(20);
/// Time to get from channel open to a shell.
const SETUP_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a notice (e.g. "read-only") stays on the bottom line.
const NOTICE_FOR: Duration = Duration::from_secs(4);

pub struct Ctx {
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

pub async fn run(channel: Channel<Msg>, ctx: Ctx) {
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
    let end = View::new(&ctx, pty, write).run(read).await;
    presence(&ctx, false).await;
    shared.active.fetch_sub(1, Ordering::SeqCst);
    if end == End::Stalled {
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
async fn presence(ctx: &Ctx, join: bool) {
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

#[derive(Debug, PartialEq, Eq)]
enum End {
    /// The person left (Ctrl-C, quit, closed the connection).
    Left,
    /// Idle too long, room closed, server stopping: with a message.
    Closed(&'static str),
    /// The client stopped taking data.
    Stalled,
}

struct View<'a> {
    ctx: &'a Ctx,
    app: App,
    screen: Option<Screen>,
    term: String,
    size: Size,
    parser: InputParser,
    frames: mpsc::Sender<Bytes>,
    writer: Option<tokio::task::JoinHandle<()>>,
    drained: Arc<Notify>,
    stalled: Option<oneshot::Receiver<()>>,
    /// Sent before the first frame.
    preamble: Vec<u8>,
    notice: Option<(String, Instant)>,
    /// Actions sent and not yet on disk ("not yet recorded" until they are).
    recording: crate::term::Recording,
}

impl<'a> View<'a> {
    fn new(ctx: &'a Ctx, pty: Pty, write: russh::ChannelWriteHalf<Msg>) -> Self {
        let mut opts = AppOptions::new(&ctx.name);
        opts.read_only = ctx.role == Role::Observer;
        // Colours from this session's TERM (ssh forwards TERM, not COLORTERM): an
        // xterm-256color client gets 256 colours, a vt100 none, whatever the server has.
        opts.depth = crate::ui::theme::ColorDepth::detect(None, Some(&pty.term), None);
        let app = App::new(opts);
        let (frames, rx) = mpsc::channel::<Bytes>(QUEUE);
        let drained = Arc::new(Notify::new());
        let (stall_tx, stall_rx) = oneshot::channel();
        let writer = tokio::spawn(write_frames(
            write,
            rx,
            drained.clone(),
            stall_tx,
            ctx.shared.stall_timeout,
        ));
        let screen = Screen::new(pty.size).ok();
        View {
            ctx,
            app,
            screen,
            term: pty.term,
            size: pty.size,
            parser: InputParser::new(),
            frames,
            writer: Some(writer),
            drained,
            stalled: Some(stall_rx),
            preamble: ENTER.to_vec(),
            notice: None,
            recording: crate::term::Recording::default(),
        }
    }

    async fn run(mut self, mut read: russh::ChannelReadHalf) -> End {
        tracing::info!(person = %self.ctx.name, addr = %self.ctx.addr, term = %self.term, size = ?self.size, "ssh view opened");
        let room = self.ctx.shared.room.clone();
        let mut version = room.subscribe();
        let mut shutdown = self.ctx.shared.shutdown.subscribe();
        let idle = self.ctx.shared.idle_timeout;
        let mut idle_at = Instant::now() + idle;
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut dirty = true;
        let mut waiting_for_room = false;
        let frame_min = self.ctx.shared.frame_interval;
        let mut last_frame = Instant::now() - frame_min;
        let mut esc_at: Option<Instant> = None;
        let mut stalled = self.stalled.take();
        let far = || Instant::now() + Duration::from_secs(86_400);
        let end = loop {
            let frame_at = last_frame + frame_min;
            tokio::select! {
                msg = read.wait() => match msg {
                    Some(ChannelMsg::Data { data }) => {
                        idle_at = Instant::now() + idle;
                        let events = self.parser.feed(&data);
                        esc_at = self.parser.pending().then(|| Instant::now() + ESC_TIMEOUT);
                        if self.handle_events(events) {
                            break End::Left;
                        }
                        dirty = true;
                    }
                    Some(ChannelMsg::WindowChange { col_width, row_height, .. }) => {
                        let size = output::clamp_size(col_width, row_height);
                        if self.resize(size) {
                            dirty = true;
                        }
                    }
                    Some(ChannelMsg::Eof) | Some(ChannelMsg::Close) | None => break End::Left,
                    Some(_) => {}
                },
                r = version.changed() => {
                    if r.is_err() {
                        break End::Closed("the room has closed");
                    }
                    dirty = true;
                }
                _ = tick.tick() => dirty = true,
                _ = sleep_until(esc_at.unwrap_or_else(far)), if esc_at.is_some() => {
                    esc_at = None;
                    let events = self.parser.timeout();
                    if self.handle_events(events) {
                        break End::Left;
                    }
                    dirty = true;
                }
                _ = sleep_until(frame_at), if dirty && !waiting_for_room => {
                    if self.frames.capacity() == 0 {
                        // The client is behind: draw nothing until it catches up; the next
                        // frame then carries every change since.
                        waiting_for_room = true;
                        continue;
                    }
                    dirty = false;
                    last_frame = Instant::now();
                    self.draw_and_send();
                }
                _ = self.drained.notified(), if waiting_for_room => {
                    waiting_for_room = false;
                }
                _ = sleep_until(idle_at) => {
                    break End::Closed("disconnected after being idle");
                }
                _ = async { match stalled.as_mut() { Some(rx) => { let _ = rx.await; } None => std::future::pending().await } } => {
                    break End::Stalled;
                }
                _ = shutdown.changed() => break End::Closed("the war room server is stopping"),
            }
        };
        tracing::info!(person = %self.ctx.name, ?end, "ssh view closed");
        self.finish(&end).await;
        end
    }

    /// Handles input events; true when the person leaves.
    fn handle_events(&mut self, events: Vec<Event>) -> bool {
        for ev in events {
            if is_ctrl_c(&ev) {
                return true;
            }
            let now = Utc::now();
            let actions = {
                let inc = self.ctx.shared.room.read();
                self.app.handle_input(&ev, &inc, now)
            };
            for action in actions {
                match action {
                    Action::Quit => return true,
                    Action::Record(kind) => self.record(kind),
                    // The postmortem is written on the room's host: the commander's view
                    // or `warroom export` does that, not a remote responder.
                    Action::Export(_) => self.app.notify(
                        "export from the commander's terminal or with `warroom export LOG`",
                        true,
                    ),
                }
            }
        }
        false
    }

    fn record(&mut self, kind: EventKind) {
        if self.ctx.role == Role::Observer {
            tracing::info!(person = %self.ctx.name, kind = kind.name(), "observer action refused");
            self.notice = Some((
                "read-only: observers cannot change the incident".into(),
                Instant::now() + NOTICE_FOR,
            ));
            return;
        }
        let draft = Draft::new(Utc::now(), Actor::person(self.ctx.name.clone()), kind);
        if self.recording.send(&self.ctx.shared.room, draft).is_err() {
            self.notice = Some((
                "not recorded: the room is busy or closed; try again".into(),
                Instant::now() + NOTICE_FOR,
            ));
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
        let ev = Event::Resize(size.width, size.height);
        let _ = self.handle_events(vec![ev]);
        true
    }

    fn draw_and_send(&mut self) {
        let Some(screen) = self.screen.as_mut() else {
            return;
        };
        let now = Utc::now();
        if self
            .notice
            .as_ref()
            .is_some_and(|(_, until)| *until <= Instant::now())
        {
            self.notice = None;
        }
        let notice = self.notice.as_ref().map(|(t, _)| t.clone());
        self.recording.settle(&self.ctx.shared.room, &mut self.app);
        let app = &mut self.app;
        let room = &self.ctx.shared.room;
        let result = {
            let inc = room.read();
            screen.frame(|f| {
                let area = f.area();
                app.draw(f, area, &inc, now);
                if let Some(text) = notice {
                    let line = Rect::new(area.x, area.bottom().saturating_sub(1), area.width, 1);
                    let style = Style::default()
                        .fg(Color::Black)
                        .bg(Color::Yellow)
                        .add_modifier(Modifier::BOLD);
                    f.render_widget(Paragraph::new(text).style(style), line);
                }
            })
        };
        match result {
            Ok(Some(bytes)) => {
                let bytes = if self.preamble.is_empty() {
                    bytes
                } else {
                    let mut b = std::mem::take(&mut self.preamble);
                    b.extend_from_slice(&bytes);
                    b
                };
                if self.frames.try_send(Bytes::from(bytes)).is_err() {
                    // Should not happen (capacity was checked); make the next frame whole.
                    let _ = screen.invalidate();
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(person = %self.ctx.name, "ssh draw failed: {e}"),
        }
    }

    /// Restores the client's terminal (with a last message) and closes the channel.
    async fn finish(&mut self, end: &End) {
        let mut bytes = LEAVE.to_vec();
        if let End::Closed(why) = end {
            bytes.extend_from_slice(format!("warroom: {why}.\r\n").as_bytes());
        }
        if *end != End::Stalled {
            let _ =
                tokio::time::timeout(Duration::from_secs(2), self.frames.send(Bytes::from(bytes)))
                    .await;
        }
        // Closing the queue lets the writer finish and close the channel.
        let (closed, _) = mpsc::channel(1);
        self.frames = closed;
        if let Some(w) = self.writer.take() {
            if *end == End::Stalled {
                w.abort();
            } else if tokio::time::timeout(Duration::from_secs(3), w)
                .await
                .is_err()
            {
                tracing::debug!(person = %self.ctx.name, "writer did not finish in time");
            }
        }
    }
}

fn is_ctrl_c(ev: &Event) -> bool {
    matches!(
        ev,
        Event::Key(KeyEvent {
            code: KeyCode::Char('c'),
            modifiers,
            kind: KeyEventKind::Press,
            ..
        }) if modifiers.contains(KeyModifiers::CONTROL)
    )
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

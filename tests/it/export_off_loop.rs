//! `:export` runs off the view's loop: while the postmortem is being read and written the
//! view keeps drawing and says "exporting…", then shows where the draft went. The log is
//! a FIFO here, so the export waits on "disk" for as long as the test wants; the screen
//! goes on regardless.

use crate::replay_support::{story, write_log};

use std::io::Write;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use tokio::sync::{mpsc, watch};
use warroom::replay::Replay;
use warroom::term::driver::{self, Exit, Input, Terminal};
use warroom::term::replay::{ReplayView, ReviewTarget};

/// A terminal whose input the test sends and whose frames (as text) it watches.
struct Scripted {
    input: mpsc::UnboundedReceiver<Input>,
    screen: ratatui::Terminal<TestBackend>,
    frames: watch::Sender<String>,
}

impl Terminal for Scripted {
    async fn next(&mut self) -> Input {
        self.input.recv().await.unwrap_or(Input::End(Exit::Hangup))
    }

    fn area(&self) -> Rect {
        Rect::new(0, 0, 120, 40)
    }

    fn draw(&mut self, draw: &mut dyn FnMut(&mut Frame)) -> Option<Exit> {
        if let Err(e) = self.screen.draw(|f| draw(f)) {
            panic!("draw: {e}");
        }
        let text: String = self
            .screen
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        let _ = self.frames.send(text);
        None
    }
}

fn keys(s: &str) -> Input {
    Input::Events(
        s.chars()
            .map(|c| {
                let code = if c == '\r' {
                    KeyCode::Enter
                } else {
                    KeyCode::Char(c)
                };
                Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
            })
            .collect(),
    )
}

async fn screen_shows(frames: &mut watch::Receiver<String>, text: &str) {
    let wait = async {
        loop {
            if frames.borrow_and_update().contains(text) {
                return;
            }
            if frames.changed().await.is_err() {
                panic!("the view ended before showing {text:?}");
            }
        }
    };
    if tokio::time::timeout(Duration::from_secs(15), wait)
        .await
        .is_err()
    {
        panic!("the screen never showed {text:?}:\n{}", *frames.borrow());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_shows_progress_while_the_disk_is_slow_and_then_the_result() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let real = dir.path().join("real.jsonl");
    write_log(&real, "checkout-2026-03-05", &story()).unwrap_or_else(|e| panic!("{e}"));
    let bytes = std::fs::read(&real).unwrap_or_else(|e| panic!("{e}"));
    let log = dir.path().join("incident.jsonl");
    let made = std::process::Command::new("mkfifo")
        .arg(&log)
        .status()
        .unwrap_or_else(|e| panic!("mkfifo: {e}"));
    assert!(made.success(), "mkfifo failed");

    let (tx, input) = mpsc::unbounded_channel();
    let (frames_tx, mut frames) = watch::channel(String::new());
    let mut term = Scripted {
        input,
        screen: ratatui::Terminal::new(TestBackend::new(120, 40)).unwrap_or_else(|e| panic!("{e}")),
        frames: frames_tx,
    };
    let mut view = ReplayView::new(
        Replay::new(story()),
        "rev",
        Some(ReviewTarget {
            log: log.clone(),
            incident: "checkout-2026-03-05".into(),
        }),
    );
    let running = tokio::spawn(async move { driver::run(&mut term, &mut view).await });

    screen_shows(&mut frames, "REPLAY").await;
    let _ = tx.send(keys(":export\r"));
    // The export now waits on the FIFO (nothing has written the log yet); the view is
    // not waiting with it: it draws, and says what is going on.
    screen_shows(&mut frames, "exporting…").await;
    let _ = tx.send(Input::Events(vec![Event::Key(KeyEvent::new(
        KeyCode::Right,
        KeyModifiers::NONE,
    ))]));
    screen_shows(&mut frames, "T+00:00:10 / T+00:57:00").await;
    assert!(
        frames.borrow().contains("exporting…"),
        "still exporting: the log has not been written yet"
    );

    // The "disk" answers: the log arrives, the draft is written, the view says where.
    let writer = std::thread::spawn(move || {
        let mut fifo = std::fs::OpenOptions::new()
            .write(true)
            .open(&log)
            .unwrap_or_else(|e| panic!("open the FIFO: {e}"));
        fifo.write_all(&bytes)
            .unwrap_or_else(|e| panic!("write the FIFO: {e}"));
    });
    screen_shows(&mut frames, "postmortem draft written to").await;
    let _ = writer.join();
    let draft = dir.path().join("incident.postmortem.md");
    let text = std::fs::read_to_string(&draft).unwrap_or_else(|e| panic!("the draft: {e}"));
    assert!(text.contains("Checkout"), "{text}");

    let _ = tx.send(keys("q"));
    let exit = running.await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(exit, Exit::Quit);
}

//! The correction form, opened with `e` (or `:amend`) on the selected timeline entry:
//! its text, its time, strike it, and the reason (required). Enter records an `amended`
//! event; the original stays in the log. Esc closes the form and records nothing.
//!
//! Pure like the rest of the view: it reads the folded incident and hands back what to
//! record; [`draw`] paints it over the panes.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::paint::{fill, fit, pane, put_line, width, wrap};
use super::theme::{Sem, Theme};
use crate::incident::{EntryKind, EventKind, Incident, TimelineEntry};
use crate::text;

/// Which field has the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Text,
    Time,
    Strike,
    Reason,
}

impl Field {
    const ORDER: [Field; 4] = [Field::Text, Field::Time, Field::Strike, Field::Reason];
}

/// What a key did.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Stay,
    /// Closed without recording.
    Close,
    /// Record this correction.
    Send(EventKind),
}

/// Why the form's correction cannot be recorded yet (shown in the form).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum AmendError {
    /// The time field as `:impact` would read it.
    #[error("{0}")]
    Time(#[from] super::command::ParseError),
    #[error("the corrected time is in the future")]
    FutureTime,
    #[error("the text can't be empty: strike the entry instead")]
    EmptyText,
    #[error("nothing to correct: change the text or the time, or strike it")]
    Nothing,
    #[error("a correction needs a reason (the Reason field)")]
    NoReason,
}

/// The form's state: the entry it corrects and what the person typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AmendForm {
    /// The event whose entry is corrected.
    pub target: u64,
    pub kind: EntryKind,
    pub author: String,
    pub orig_at: DateTime<Utc>,
    pub orig_text: String,
    pub was_struck: bool,
    pub text: String,
    pub time: String,
    pub struck: bool,
    pub reason: String,
    pub field: Field,
    /// Where the cursor is in the field being edited (in characters). The form opens
    /// with it at the start of the text, so a long text shows its start.
    pub cursor: usize,
    /// Why Enter did not record (shown in the form).
    pub note: Option<String>,
}

const MAX_FIELD: usize = 2_000;
const TIME_FORMAT: &str = "%H:%M:%S";

impl AmendForm {
    /// A form for `entry`, filled with what it says now (a follow-up: its item's text).
    pub fn new(inc: &Incident, entry: &TimelineEntry) -> Self {
        let text = match inc.actions.iter().find(|a| a.id == entry.id) {
            Some(item) => item.text.clone(),
            None => entry.text.clone(),
        };
        let text = text::line_max(&text, MAX_FIELD);
        let was_struck = inc.corrections.is_struck(entry.id);
        AmendForm {
            target: entry.id,
            kind: entry.kind,
            author: text::line_max(entry.by.label(), 40),
            orig_at: entry.at,
            orig_text: text.clone(),
            was_struck,
            text,
            time: entry.at.format(TIME_FORMAT).to_string(),
            struck: was_struck,
            reason: String::new(),
            field: Field::Text,
            cursor: 0,
            note: None,
        }
    }

    fn buffer(&mut self) -> Option<&mut String> {
        match self.field {
            Field::Text => Some(&mut self.text),
            Field::Time => Some(&mut self.time),
            Field::Reason => Some(&mut self.reason),
            Field::Strike => None,
        }
    }

    fn step(&mut self, forward: bool) {
        let n = Field::ORDER.len();
        let i = Field::ORDER
            .iter()
            .position(|f| *f == self.field)
            .unwrap_or(0);
        let j = if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        };
        self.field = Field::ORDER[j];
        // Another field: the cursor at its end, where typing continues.
        self.cursor = self.buffer().map_or(0, |b| b.chars().count());
    }

    /// Pasted text goes into the field being edited (one line, sanitised).
    pub fn paste(&mut self, s: &str) {
        let clean = text::line(s);
        let at = self.cursor;
        if let Some(b) = self.buffer() {
            let n = insert_text(b, at, &clean);
            self.cursor = at + n;
        }
    }

    /// Handles one key.
    pub fn key(&mut self, k: &KeyEvent, now: DateTime<Utc>) -> Outcome {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        match k.code {
            KeyCode::Esc => return Outcome::Close,
            KeyCode::Enter => {
                return match self.event(now) {
                    Ok(kind) => Outcome::Send(kind),
                    Err(e) => {
                        self.note = Some(e.to_string());
                        Outcome::Stay
                    }
                };
            }
            KeyCode::Tab | KeyCode::Down => self.step(true),
            KeyCode::BackTab | KeyCode::Up => self.step(false),
            KeyCode::Char(' ') if self.field == Field::Strike => self.struck = !self.struck,
            _ => {
                let at = self.cursor;
                if let Some(b) = self.buffer() {
                    let at = edit_line(b, at, k, ctrl);
                    self.cursor = at;
                }
            }
        }
        self.note = None;
        Outcome::Stay
    }

    /// The corrected time, when the person changed it.
    fn new_time(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, AmendError> {
        let s = self.time.trim();
        if s == self.orig_at.format(TIME_FORMAT).to_string() {
            return Ok(None);
        }
        // A clock time is on the entry's day; other forms as `:impact` takes them.
        let at = match NaiveTime::parse_from_str(s, "%H:%M:%S")
            .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M"))
        {
            Ok(t) => self.orig_at.date_naive().and_time(t).and_utc(),
            Err(_) => super::command::parse_time(s, now)?,
        };
        if at > now + Duration::minutes(1) {
            return Err(AmendError::FutureTime);
        }
        Ok((at != self.orig_at).then_some(at))
    }

    /// The `amended` event, or why not.
    pub fn event(&self, now: DateTime<Utc>) -> Result<EventKind, AmendError> {
        let text = text::line(&self.text);
        let text = text.trim();
        if text.is_empty() && !self.struck {
            return Err(AmendError::EmptyText);
        }
        let text = (!text.is_empty() && text != self.orig_text.trim()).then(|| text.to_string());
        let at = self.new_time(now)?;
        if text.is_none() && at.is_none() && self.struck == self.was_struck {
            return Err(AmendError::Nothing);
        }
        let reason = text::line(&self.reason).trim().to_string();
        if reason.is_empty() {
            return Err(AmendError::NoReason);
        }
        Ok(EventKind::Amended {
            target: self.target,
            text,
            at,
            struck: self.struck,
            reason,
        })
    }
}

/// The line editor of a field, at char position `at`: characters, Backspace, Delete,
/// ←→, Home, End, Ctrl-U, Ctrl-W. Returns the new cursor position.
fn edit_line(b: &mut String, at: usize, k: &KeyEvent, ctrl: bool) -> usize {
    let n = b.chars().count();
    let at = at.min(n);
    let byte = |b: &String, c: usize| b.char_indices().nth(c).map_or(b.len(), |(i, _)| i);
    match k.code {
        KeyCode::Backspace if at > 0 => {
            let i = byte(b, at - 1);
            b.remove(i);
            at - 1
        }
        KeyCode::Delete if at < n => {
            let i = byte(b, at);
            b.remove(i);
            at
        }
        KeyCode::Left => at.saturating_sub(1),
        KeyCode::Right => (at + 1).min(n),
        KeyCode::Home => 0,
        KeyCode::End => n,
        KeyCode::Char('a') if ctrl => 0,
        KeyCode::Char('e') if ctrl => n,
        KeyCode::Char('u') if ctrl => {
            b.clear();
            0
        }
        KeyCode::Char('w') if ctrl => {
            // The word before the cursor.
            let head: String = b.chars().take(at).collect();
            let tail: String = b.chars().skip(at).collect();
            let kept = head.trim_end();
            let cut = kept.rfind(' ').map(|i| i + 1).unwrap_or(0);
            let kept = kept[..cut].to_string();
            let at = kept.chars().count();
            *b = kept + &tail;
            at
        }
        KeyCode::Char(c) if !ctrl && !c.is_control() => at + insert_text(b, at, &c.to_string()),
        _ => at,
    }
}

/// Inserts `s` at char position `at`, up to the field's cap; returns how many characters
/// went in.
fn insert_text(b: &mut String, at: usize, s: &str) -> usize {
    let room = MAX_FIELD.saturating_sub(b.chars().count());
    let add: String = s.chars().take(room).collect();
    let i = b.char_indices().nth(at).map_or(b.len(), |(i, _)| i);
    b.insert_str(i, &add);
    add.chars().count()
}

/// Draws the form over `body`.
pub fn draw(buf: &mut Buffer, body: Rect, t: &Theme, f: &AmendForm) {
    let w = body.width.min(100);
    let h = body.height.min(14);
    let area = Rect::new(
        body.x + body.width.saturating_sub(w) / 2,
        body.y + body.height.saturating_sub(h) / 3,
        w,
        h,
    )
    .intersection(body);
    fill(buf, area, t.s(Sem::Base));
    let inner = pane(
        buf,
        area,
        "Correct the timeline entry",
        "Tab next field · space strikes · Enter records · Esc cancels",
        true,
        t,
    );
    let iw = inner.width as usize;
    let label_w = 9;
    let vw = iw.saturating_sub(label_w).max(1);
    let label = |s: &str, on: bool| {
        let st = if on { t.s(Sem::Focus) } else { t.s(Sem::Title) };
        Span::styled(format!("{s:<label_w$}"), st)
    };
    // A value from its start; the field being edited scrolls to keep its cursor in view.
    let value = |s: &str, on: bool| {
        let (before, under, after) = window(s, if on { f.cursor } else { 0 }, vw, on);
        if !on {
            return vec![Span::styled(before, t.s(Sem::Command))];
        }
        vec![
            Span::styled(before, t.s(Sem::Command)),
            Span::styled(under, t.s(Sem::Selected)),
            Span::styled(after, t.s(Sem::Command)),
        ]
    };
    let mut lines: Vec<Line<'static>> = Vec::new();
    lines.push(Line::from(vec![
        label("Entry", false),
        Span::styled(
            fit(
                &format!(
                    "{} {} · {}",
                    f.orig_at.format("%Y-%m-%d %H:%M:%S"),
                    f.author,
                    f.kind.as_str()
                ),
                vw,
            ),
            t.s(Sem::Dim),
        ),
    ]));
    for l in wrap(&f.orig_text, vw, 2) {
        lines.push(Line::from(vec![
            Span::raw(" ".repeat(label_w)),
            Span::styled(l, t.s(Sem::Dim)),
        ]));
    }
    let mut row = |name: &str, field: Field, s: &str| {
        let on = f.field == field;
        let mut spans = vec![label(name, on)];
        spans.extend(value(s, on));
        lines.push(Line::from(spans));
    };
    row("Text", Field::Text, &f.text);
    row("Time", Field::Time, &f.time);
    let on = f.field == Field::Strike;
    let mark = if f.struck { "[x]" } else { "[ ]" };
    let strike = Line::from(vec![
        label("Strike", on),
        Span::styled(
            format!("{mark} strike it out (it stays, shown struck)"),
            if on {
                t.s(Sem::Selected)
            } else {
                t.s(Sem::Command)
            },
        ),
    ]);
    lines.push(strike);
    let on = f.field == Field::Reason;
    let mut spans = vec![label("Reason", on)];
    spans.extend(value(&f.reason, on));
    lines.push(Line::from(spans));
    lines.push(Line::from(Span::styled(
        fit(
            "Time: HH:MM[:SS] on the entry's day, or YYYY-MM-DD HH:MM (UTC)",
            iw,
        ),
        t.s(Sem::Hint),
    )));
    if let Some(n) = &f.note {
        lines.push(Line::from(Span::styled(fit(n, iw), t.s(Sem::Error))));
    }
    for (i, l) in lines.iter().enumerate() {
        let y = inner.y + i as u16;
        if y >= inner.bottom() {
            break;
        }
        put_line(buf, inner, inner.x, y, l);
    }
}

/// What a field of `w` columns shows of `s`: the text before the cursor, the cell under
/// it (a space at the end) and the text after; from the start unless the cursor would be
/// out of view, then scrolled just enough to show it.
fn window(s: &str, cursor: usize, w: usize, on: bool) -> (String, String, String) {
    let chars: Vec<char> = s.chars().collect();
    let cursor = cursor.min(chars.len());
    if !on {
        return (fit(s, w), String::new(), String::new());
    }
    let cw = |c: &char| width(&c.to_string());
    // Scroll: the first shown char, so that the text up to the cursor (and the cursor
    // cell) fits.
    let mut start = 0;
    let used = |from: usize| chars[from..cursor].iter().map(cw).sum::<usize>() + 1;
    while start < cursor && used(start) > w {
        start += 1;
    }
    let before: String = chars[start..cursor].iter().collect();
    let under = chars.get(cursor).map_or(" ".to_string(), |c| c.to_string());
    let mut room = w.saturating_sub(width(&before) + width(&under));
    let mut after = String::new();
    for c in chars.iter().skip(cursor + 1) {
        let n = cw(c);
        if n > room {
            break;
        }
        room -= n;
        after.push(*c);
    }
    (before, under, after)
}

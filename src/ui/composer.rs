//! The status-update composer: a popup opened with `u` or `:update`.
//!
//! Fields: audience (public / internal), state, the components of our own status page
//! with the status this update gives them, and a multi-line body prefilled from the
//! template for the chosen state (re-filled when state or components change, until the
//! person edits it). `Ctrl-S` shows a preview; `y` there sends. Esc closes the popup and
//! keeps the draft, so `u` brings it back: nothing typed is lost.
//!
//! Pure like the rest of the view: it reads the folded incident and `now`, and hands back
//! what to record.

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use super::paint::{component_style, fill, fit, pane, put, put_line, width, wrap};
use super::panes::comms;
use super::panes::header::state_style;
use super::template::{self, Templates, Vars};
use super::theme::{Sem, Theme};
use crate::incident::{Audience, ComponentStatus, EventKind, Incident, IncidentState};
use crate::text;
use unicode_width::UnicodeWidthChar;

/// Statuses an update can give a component, from best to worst.
pub const STATUSES: [&str; 4] = [
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
];

/// The publishers a status update goes to, per audience (names of `[[publish]]`
/// entries; the front-end fills them from config).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Targets {
    pub public: Vec<String>,
    pub internal: Vec<String>,
}

impl Targets {
    pub fn for_audience(&self, a: Audience) -> &[String] {
        match a {
            Audience::Public => &self.public,
            Audience::Internal => &self.internal,
        }
    }
}

/// Fills `targets` of a status update from `t` (other events pass unchanged).
pub fn with_targets(kind: EventKind, t: &Targets) -> EventKind {
    match kind {
        EventKind::StatusUpdate {
            audience,
            state,
            components,
            body,
            targets,
        } => EventKind::StatusUpdate {
            targets: if targets.is_empty() {
                t.for_audience(audience).to_vec()
            } else {
                targets
            },
            audience,
            state,
            components,
            body,
        },
        other => other,
    }
}

/// Which field has the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Audience,
    State,
    Components,
    Body,
}

impl Field {
    const ORDER: [Field; 4] = [
        Field::Audience,
        Field::State,
        Field::Components,
        Field::Body,
    ];
}

/// Editing, or looking at the preview (where `y` sends).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Edit,
    Preview,
}

/// One component of our page and the status this update gives it (`None`: not named).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pick {
    pub name: String,
    /// What the page says now.
    pub page_status: String,
    pub new: Option<usize>,
}

/// What a key did.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Still open.
    Stay,
    /// Closed; the draft is kept for the next `u`.
    Close,
    /// Send this (`targets` still to fill) and forget the draft.
    Send(EventKind),
}

/// The composer's state: the draft and where the keyboard is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Composer {
    pub audience: Audience,
    pub state: IncidentState,
    pub picks: Vec<Pick>,
    /// Selected component row.
    pub sel: usize,
    /// Body lines (never empty).
    pub body: Vec<String>,
    /// Cursor in the body: (line, char index).
    pub cursor: (usize, usize),
    pub field: Field,
    pub stage: Stage,
    /// The person typed into the body: changes of state or components no longer re-fill it.
    pub edited: bool,
    /// A short word to the person (why the preview did not open, ...).
    pub note: Option<String>,
}

/// Longest body kept, in characters (the sanitiser's block limit).
const MAX_BODY: usize = text::MAX_BLOCK;
/// Component rows shown at once.
const PICK_ROWS: usize = 6;

impl Composer {
    /// A new draft: public, the incident's state, the components our own page reports,
    /// the body from the template.
    pub fn new(inc: &Incident, now: DateTime<Utc>, templates: &Templates) -> Self {
        let mut picks: Vec<Pick> = Vec::new();
        for p in comms::own_pages(inc) {
            for c in &p.components {
                if !picks.iter().any(|x| x.name == c.name) {
                    picks.push(Pick {
                        name: text::line_max(&c.name, 100),
                        page_status: text::line_max(&c.status, 40),
                        new: None,
                    });
                }
            }
        }
        // The components in trouble first: they are the ones an update names.
        let badness = |s: &str| STATUSES.iter().position(|x| *x == s).unwrap_or(1);
        picks.sort_by_key(|p| std::cmp::Reverse(badness(&p.page_status)));
        let mut c = Composer {
            audience: Audience::Public,
            state: inc.state,
            picks,
            sel: 0,
            body: vec![String::new()],
            cursor: (0, 0),
            field: Field::Audience,
            stage: Stage::Edit,
            edited: false,
            note: None,
        };
        c.refill(inc, now, templates);
        c
    }

    /// The body as one text.
    pub fn body_text(&self) -> String {
        self.body.join("\n")
    }

    fn set_body(&mut self, s: &str) {
        self.body = s.lines().map(str::to_string).collect();
        if self.body.is_empty() {
            self.body.push(String::new());
        }
        let last = self.body.len() - 1;
        self.cursor = (last, self.body[last].chars().count());
    }

    /// Re-fills the body from the template of the chosen state.
    fn refill(&mut self, inc: &Incident, now: DateTime<Utc>, templates: &Templates) {
        let v = vars(inc, now, &self.named());
        self.set_body(&template::render(templates.get(self.state), &v));
        self.edited = false;
    }

    /// The components named, with their new status.
    pub fn named(&self) -> Vec<ComponentStatus> {
        self.picks
            .iter()
            .filter_map(|p| {
                p.new.map(|i| ComponentStatus {
                    name: p.name.clone(),
                    id: None,
                    status: STATUSES[i].to_string(),
                })
            })
            .collect()
    }

    /// The event this draft becomes (targets filled by the App).
    pub fn event(&self) -> EventKind {
        EventKind::StatusUpdate {
            audience: self.audience,
            state: self.state,
            components: self.named(),
            body: text::block(self.body_text().trim()),
            targets: Vec::new(),
        }
    }

    /// Pasted text goes into the body at the cursor.
    pub fn paste(&mut self, s: &str) {
        if self.stage != Stage::Edit {
            return;
        }
        self.field = Field::Body;
        for c in text::block(s).chars() {
            if c == '\n' {
                self.newline();
            } else {
                self.insert(c);
            }
        }
    }

    fn len(&self) -> usize {
        self.body.iter().map(|l| l.chars().count() + 1).sum()
    }

    fn insert(&mut self, c: char) {
        if self.len() >= MAX_BODY || c.is_control() {
            return;
        }
        let (r, col) = self.cursor;
        let line = &mut self.body[r];
        let at = byte_at(line, col);
        line.insert(at, c);
        self.cursor.1 += 1;
        self.edited = true;
    }

    fn newline(&mut self) {
        if self.len() >= MAX_BODY {
            return;
        }
        let (r, col) = self.cursor;
        let at = byte_at(&self.body[r], col);
        let rest = self.body[r].split_off(at);
        self.body.insert(r + 1, rest);
        self.cursor = (r + 1, 0);
        self.edited = true;
    }

    fn backspace(&mut self) {
        let (r, col) = self.cursor;
        if col > 0 {
            let line = &mut self.body[r];
            let at = byte_at(line, col - 1);
            line.remove(at);
            self.cursor.1 -= 1;
        } else if r > 0 {
            let line = self.body.remove(r);
            let prev = &mut self.body[r - 1];
            let n = prev.chars().count();
            prev.push_str(&line);
            self.cursor = (r - 1, n);
        } else {
            return;
        }
        self.edited = true;
    }

    fn delete(&mut self) {
        let (r, col) = self.cursor;
        let n = self.body[r].chars().count();
        if col < n {
            let line = &mut self.body[r];
            let at = byte_at(line, col);
            line.remove(at);
        } else if r + 1 < self.body.len() {
            let next = self.body.remove(r + 1);
            self.body[r].push_str(&next);
        } else {
            return;
        }
        self.edited = true;
    }

    fn move_cursor(&mut self, code: KeyCode) {
        let (r, col) = self.cursor;
        let n = |r: usize| self.body[r].chars().count();
        self.cursor = match code {
            KeyCode::Left if col > 0 => (r, col - 1),
            KeyCode::Left if r > 0 => (r - 1, n(r - 1)),
            KeyCode::Right if col < n(r) => (r, col + 1),
            KeyCode::Right if r + 1 < self.body.len() => (r + 1, 0),
            KeyCode::Up if r > 0 => (r - 1, col.min(n(r - 1))),
            KeyCode::Down if r + 1 < self.body.len() => (r + 1, col.min(n(r + 1))),
            KeyCode::Home => (r, 0),
            KeyCode::End => (r, n(r)),
            _ => (r, col),
        };
    }

    /// Handles one key.
    pub fn key(
        &mut self,
        k: &KeyEvent,
        inc: &Incident,
        now: DateTime<Utc>,
        templates: &Templates,
    ) -> Outcome {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        self.note = None;
        if self.stage == Stage::Preview {
            match k.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => return Outcome::Send(self.event()),
                KeyCode::Char('e') | KeyCode::Esc | KeyCode::Backspace => self.stage = Stage::Edit,
                _ => self.note = Some("y sends · e or Esc goes back to editing".into()),
            }
            return Outcome::Stay;
        }
        match k.code {
            KeyCode::Esc => return Outcome::Close,
            KeyCode::Char('s') | KeyCode::Char('S') if ctrl => self.preview(),
            KeyCode::F(2) => self.preview(),
            KeyCode::Char('r') | KeyCode::Char('R') if ctrl => self.refill(inc, now, templates),
            KeyCode::Tab | KeyCode::BackTab => {
                let i = Field::ORDER
                    .iter()
                    .position(|f| *f == self.field)
                    .unwrap_or(0);
                let back = k.code == KeyCode::BackTab || k.modifiers.contains(KeyModifiers::SHIFT);
                let n = Field::ORDER.len();
                let mut j = if back { (i + n - 1) % n } else { (i + 1) % n };
                if Field::ORDER[j] == Field::Components && self.picks.is_empty() {
                    j = if back { (j + n - 1) % n } else { (j + 1) % n };
                }
                self.field = Field::ORDER[j];
            }
            _ => match self.field {
                Field::Audience => {
                    if matches!(
                        k.code,
                        KeyCode::Left
                            | KeyCode::Right
                            | KeyCode::Char(' ')
                            | KeyCode::Char('h')
                            | KeyCode::Char('l')
                    ) {
                        self.audience = match self.audience {
                            Audience::Public => Audience::Internal,
                            Audience::Internal => Audience::Public,
                        };
                    }
                }
                Field::State => {
                    let d = match k.code {
                        KeyCode::Left | KeyCode::Char('h') => -1,
                        KeyCode::Right | KeyCode::Char('l') | KeyCode::Char(' ') => 1,
                        _ => 0,
                    };
                    if d != 0 {
                        let all = IncidentState::ALL;
                        let i = all.iter().position(|s| *s == self.state).unwrap_or(0) as isize;
                        let n = all.len() as isize;
                        self.state = all[((i + d + n) % n) as usize];
                        if !self.edited {
                            self.refill(inc, now, templates);
                        }
                    }
                }
                Field::Components => {
                    let n = self.picks.len();
                    match k.code {
                        KeyCode::Up | KeyCode::Char('k') => self.sel = self.sel.saturating_sub(1),
                        KeyCode::Down | KeyCode::Char('j') => {
                            self.sel = (self.sel + 1).min(n.saturating_sub(1))
                        }
                        KeyCode::Left
                        | KeyCode::Right
                        | KeyCode::Char('h')
                        | KeyCode::Char('l')
                        | KeyCode::Char(' ') => {
                            let left = matches!(k.code, KeyCode::Left | KeyCode::Char('h'));
                            if let Some(p) = self.picks.get_mut(self.sel) {
                                // Not named → operational → … → major outage → not named.
                                let pos = p.new.map_or(0, |i| i + 1);
                                let m = STATUSES.len() + 1;
                                let next = if left {
                                    (pos + m - 1) % m
                                } else {
                                    (pos + 1) % m
                                };
                                p.new = next.checked_sub(1);
                                if !self.edited {
                                    self.refill(inc, now, templates);
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Field::Body => match k.code {
                    KeyCode::Enter => self.newline(),
                    KeyCode::Backspace => self.backspace(),
                    KeyCode::Delete => self.delete(),
                    KeyCode::Left
                    | KeyCode::Right
                    | KeyCode::Up
                    | KeyCode::Down
                    | KeyCode::Home
                    | KeyCode::End => self.move_cursor(k.code),
                    KeyCode::Char(c) if !ctrl => self.insert(c),
                    _ => {}
                },
            },
        }
        Outcome::Stay
    }

    fn preview(&mut self) {
        if self.body_text().trim().is_empty() {
            self.note = Some("the body is empty: write what is happening first".into());
            self.field = Field::Body;
        } else {
            self.stage = Stage::Preview;
        }
    }
}

/// The byte offset of char `col` in `s` (its end when past it).
fn byte_at(s: &str, col: usize) -> usize {
    s.char_indices().nth(col).map_or(s.len(), |(i, _)| i)
}

/// What the template's placeholders stand for now.
pub fn vars(inc: &Incident, now: DateTime<Utc>, named: &[ComponentStatus]) -> Vars {
    let names: Vec<&str> = named.iter().map(|c| c.name.as_str()).collect();
    let components = match names.as_slice() {
        [] => "some of our services".to_string(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    let since = inc.times.impact_started().unwrap_or(now);
    let duration = inc
        .times
        .impact_duration(now)
        .unwrap_or_else(Duration::zero);
    let every = comms::cadence(inc)
        .every
        .get(inc.severity.as_str())
        .copied()
        .unwrap_or(Duration::minutes(30));
    Vars {
        title: text::line_max(&inc.title, 300),
        components,
        since: clock(since, now),
        duration: human(duration),
        next_update: clock(now + every, now),
    }
}

/// `14:02 UTC` today, `2026-11-20 23:58 UTC` on another day.
fn clock(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if t.date_naive() == now.date_naive() {
        t.format("%H:%M UTC").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M UTC").to_string()
    }
}

/// `under a minute`, `25 minutes`, `1 hour 5 minutes`.
pub fn human(d: Duration) -> String {
    let m = d.num_minutes().max(0);
    let unit = |n: i64, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (m / 60, m % 60) {
        (0, 0) => "under a minute".into(),
        (0, m) => unit(m, "minute"),
        (h, 0) => unit(h, "hour"),
        (h, m) => format!("{} {}", unit(h, "hour"), unit(m, "minute")),
    }
}

/// Word-wraps `chars` into rows of at most `w` columns: each row is a char range (a
/// space that ends a row stays on it), so the cursor's char index maps to a row.
fn rows(chars: &[char], w: usize) -> Vec<(usize, usize)> {
    let w = w.max(1);
    let mut out = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut used = 0;
        let mut end = start;
        while end < chars.len() {
            let cw = chars[end].width().unwrap_or(0);
            if used + cw > w {
                break;
            }
            used += cw;
            end += 1;
        }
        if end < chars.len() {
            // Break after the last space of the row, if there is one; else mid-word.
            if let Some(sp) = (start + 1..=end).rev().find(|&i| chars[i - 1] == ' ') {
                end = sp;
            }
            end = end.max(start + 1);
        }
        out.push((start, end));
        start = end;
    }
    if out.is_empty() {
        out.push((0, 0));
    }
    out
}

/// Draws the composer over `body`; `targets` are where the update would go.
pub fn draw(buf: &mut Buffer, body: Rect, t: &Theme, c: &Composer, targets: &Targets) {
    fill(buf, body, t.s(Sem::Base));
    let w = body.width.min(100);
    let area = Rect::new(
        body.x + body.width.saturating_sub(w) / 2,
        body.y,
        w,
        body.height,
    )
    .intersection(body);
    let (title, hint) = match c.stage {
        Stage::Edit => (
            "Status update",
            "Tab next field · Ctrl-S preview · Ctrl-R re-fill · Esc closes (draft kept)",
        ),
        Stage::Preview => ("Preview", "y sends · e or Esc edits"),
    };
    let inner = pane(buf, area, title, hint, true, t);
    let iw = inner.width as usize;
    let mut lines: Vec<Line<'static>> = Vec::new();
    let to = targets.for_audience(c.audience);
    let to_text = if to.is_empty() {
        "the log only (no publishers for this audience)".to_string()
    } else {
        to.iter()
            .map(|n| text::line_max(n, 60))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let label = |s: &str, f: Field| {
        let st = if c.field == f && c.stage == Stage::Edit {
            t.s(Sem::Focus)
        } else {
            t.s(Sem::Title)
        };
        Span::styled(format!("{s:<12}"), st)
    };
    let choice = |s: String, on: bool, base: ratatui::style::Style| {
        if on {
            Span::styled(format!("[{s}]"), base.add_modifier(Modifier::BOLD))
        } else {
            Span::styled(format!(" {s} "), t.s(Sem::Dim))
        }
    };
    let mut cursor_row: Option<(usize, u16)> = None;
    let mut footer: Vec<Line<'static>> = Vec::new();
    match c.stage {
        Stage::Edit => {
            let mut a = vec![label("Audience", Field::Audience)];
            for au in [Audience::Public, Audience::Internal] {
                a.push(choice(au.as_str().into(), c.audience == au, t.s(Sem::Info)));
            }
            lines.push(Line::from(a));
            let mut s = vec![label("State", Field::State)];
            for st in IncidentState::ALL {
                s.push(choice(
                    st.as_str().into(),
                    c.state == st,
                    state_style(t, st),
                ));
            }
            lines.push(Line::from(s));
            let mut comp = vec![label("Components", Field::Components)];
            if c.picks.is_empty() {
                comp.push(Span::styled(
                    "none: no own status page reports components",
                    t.s(Sem::Dim),
                ));
                lines.push(Line::from(comp));
            } else {
                comp.push(Span::styled(
                    "←→ set the status this update gives · ↑↓ select",
                    t.s(Sem::Dim),
                ));
                lines.push(Line::from(comp));
                let start = c
                    .sel
                    .saturating_sub(PICK_ROWS - 1)
                    .min(c.picks.len().saturating_sub(PICK_ROWS));
                for (i, p) in c.picks.iter().enumerate().skip(start).take(PICK_ROWS) {
                    let mark = if i == c.sel && c.field == Field::Components {
                        "› "
                    } else {
                        "  "
                    };
                    let now_st = p.page_status.replace('_', " ");
                    let (new, ns) = match p.new {
                        Some(j) => (
                            STATUSES[j].replace('_', " "),
                            component_style(t, STATUSES[j]),
                        ),
                        None => ("(not named)".to_string(), t.s(Sem::Dim)),
                    };
                    lines.push(Line::from(vec![
                        Span::raw(format!("{:<12}{mark}", "")),
                        Span::raw(format!("{:<24}", fit(&p.name, 23))),
                        Span::styled(format!("{now_st:<21}"), component_style(t, &p.page_status)),
                        Span::styled("→ ", t.s(Sem::Dim)),
                        Span::styled(new, ns),
                    ]));
                }
                let below = c.picks.len().saturating_sub(start + PICK_ROWS);
                if below > 0 {
                    lines.push(Line::from(Span::styled(
                        format!("{:<14}… {below} more (↓)", ""),
                        t.s(Sem::Dim),
                    )));
                }
            }
            lines.push(Line::from(vec![
                label("Goes to", Field::Body),
                Span::styled(fit(&to_text, iw.saturating_sub(12)), t.s(Sem::Dim)),
            ]));
            let filled = if c.edited {
                "edited"
            } else {
                "from the template"
            };
            lines.push(Line::from(vec![
                label("Body", Field::Body),
                Span::styled(filled, t.s(Sem::Dim)),
            ]));
            // One column kept free for the cursor after the last character.
            let bw = iw.saturating_sub(3);
            for (r, l) in c.body.iter().enumerate() {
                let chars: Vec<char> = l.chars().collect();
                let parts = rows(&chars, bw);
                let last = parts.len() - 1;
                for (i, (a, b)) in parts.iter().copied().enumerate() {
                    let here = r == c.cursor.0 && c.cursor.1 >= a && (c.cursor.1 < b || i == last);
                    let seg: String = chars[a..b].iter().collect();
                    if here {
                        let before: String = chars[a..c.cursor.1.min(b)].iter().collect();
                        cursor_row = Some((lines.len(), width(&before) as u16));
                    }
                    lines.push(Line::from(format!("  {seg}")));
                }
            }
        }
        Stage::Preview => {
            lines.push(Line::from(vec![
                Span::styled(format!("{} update", c.audience.as_str()), t.s(Sem::Info)),
                Span::raw(" · "),
                Span::styled(c.state.as_str().to_string(), state_style(t, c.state)),
                Span::raw(" · to "),
                Span::raw(fit(&to_text, iw.saturating_sub(40))),
            ]));
            for n in c.named() {
                lines.push(Line::from(vec![
                    Span::raw("  "),
                    Span::raw(n.name.clone()),
                    Span::styled(" → ", t.s(Sem::Dim)),
                    Span::styled(n.status.replace('_', " "), component_style(t, &n.status)),
                ]));
            }
            lines.push(Line::from(Span::styled("─".repeat(iw), t.s(Sem::Border))));
            for para in c.body_text().trim().lines() {
                for l in wrap(para, iw.max(1), usize::MAX) {
                    lines.push(Line::from(l));
                }
                if para.is_empty() {
                    lines.push(Line::from(""));
                }
            }
            footer.push(Line::from(Span::styled("─".repeat(iw), t.s(Sem::Border))));
            let q = format!(
                "Send this {} update{}? y sends · e or Esc goes back to editing",
                c.audience.as_str(),
                if to.is_empty() {
                    String::new()
                } else {
                    format!(" to {to_text}")
                }
            );
            for l in wrap(&q, iw.max(1), 3) {
                footer.push(Line::from(Span::styled(l, t.s(Sem::Warn))));
            }
        }
    }
    // Keep the cursor's line in view: scroll the body when it runs past the bottom. The
    // preview's question stays at the bottom however long the body is.
    let h = inner.height as usize;
    let reserve = usize::from(c.note.is_some()) + footer.len();
    let room = h.saturating_sub(reserve);
    let skip = match cursor_row {
        Some((r, _)) if r >= room => r + 1 - room,
        _ => 0,
    };
    let hidden = lines.len().saturating_sub(skip + room);
    for (i, l) in lines.iter().skip(skip).take(room).enumerate() {
        let more;
        let l = if hidden > 0 && i + 1 == room && c.stage == Stage::Preview {
            more = Line::from(Span::styled(
                format!("… {} more lines", hidden + 1),
                t.s(Sem::Dim),
            ));
            &more
        } else {
            l
        };
        put_line(buf, inner, inner.x, inner.y + i as u16, l);
    }
    let top = inner.bottom().saturating_sub(reserve as u16);
    for (i, l) in footer.iter().enumerate() {
        put_line(buf, inner, inner.x, top + i as u16, l);
    }
    if let Some((r, col)) = cursor_row
        && c.field == Field::Body
        && c.stage == Stage::Edit
    {
        let y = inner.y + (r - skip) as u16;
        let x = inner.x + 2 + col;
        let sym = buf
            .cell((x, y))
            .map(|cell| cell.symbol().to_string())
            .unwrap_or_else(|| " ".into());
        put(buf, inner, x, y, &sym, t.s(Sem::Selected));
    }
    if let Some(n) = &c.note
        && h > 0
    {
        put(
            buf,
            inner,
            inner.x,
            inner.bottom() - 1,
            &fit(n, iw),
            t.s(Sem::Error),
        );
    }
}

//! The status-update composer: a popup opened with `u` or `:update`.
//!
//! Fields: audience (public / internal), state, the components of our own status page
//! with the status this update gives them, and a multi-line body prefilled from the
//! template for the chosen state (re-filled when state or components change, until the
//! person edits it). `Ctrl-S` shows a preview; `y` there sends. Esc closes the popup and
//! keeps the draft, so `u` brings it back: nothing typed is lost.
//!
//! Pure like the rest of the view: it reads the folded incident and `now`, and hands back
//! what to record. Drawing is in [`super::composer_view`].

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::template::{self, Templates, Vars};
use crate::incident::comms::DEFAULT_EVERY_SECS;
use crate::incident::state::StatusPage;
use crate::incident::{Audience, ComponentStatus, EventKind, Incident, IncidentState};
use crate::text;

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

impl Composer {
    /// A new draft: public, the incident's state, the components our own page reports,
    /// the body from the template.
    pub fn new(inc: &Incident, now: DateTime<Utc>, templates: &Templates) -> Self {
        let mut picks: Vec<Pick> = Vec::new();
        for p in our_pages(inc) {
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

/// The pages whose components an update may set: our own pages (role `own`); when none
/// is marked, every page not marked as a provider's.
fn our_pages(inc: &Incident) -> Vec<&StatusPage> {
    let own: Vec<&StatusPage> = inc.own_pages().collect();
    if own.is_empty() {
        inc.pages.iter().filter(|p| !p.is_provider()).collect()
    } else {
        own
    }
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
    // The fold's interval for this severity (a log without `comms_defined`: the defaults),
    // in log time (a drill's scenario minutes pass at its speed).
    let every = inc.comms.every.unwrap_or_else(|| {
        DEFAULT_EVERY_SECS
            .iter()
            .find(|(s, _)| *s == inc.severity.as_str())
            .map_or(Duration::minutes(30), |(_, secs)| {
                Duration::seconds(*secs as i64)
            })
    });
    let every = inc.comms.wall(every);
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

//! Replay: the same fold and the same views, driven by a virtual clock (DESIGN principle 2;
//! the clock is the App's, `ui::replay_clock`: a replay folds the state wherever it points).
//!
//! A [`Replay`] holds every event of a log, a [`SeekIndex`] of fold snapshots and the state
//! at the current position. Time in a replay is the log's own: each event takes effect at
//! its effective time, the running maximum of `at` along the log, so an event recorded late
//! with an earlier `at` appears when it was appended, as it did live. For a log whose times
//! never go back (what the room writes) the state at `t` is the fold of the events with
//! `at <= t`.
//!
//! Replay never changes the incident. Review notes go to a separate log next to it,
//! `<log>.review.jsonl`, which replay folds in and shows marked as review.

pub mod index;
pub mod offset;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};

use crate::incident::{Actor, Event, EventKind, Incident, KeyTime, KeyTimes};
use crate::log::{LogError, LogHeader, LogWriter, Recovery};
pub use index::SeekIndex;
pub use offset::{format_offset, parse_at};

/// What review notes are prefixed with on screen and in exports.
pub const REVIEW_MARK: &str = "[review] ";

/// The review log belonging to `log`: `<log>.review.jsonl`.
pub fn review_path(log: &Path) -> PathBuf {
    let mut s = log.as_os_str().to_os_string();
    s.push(".review.jsonl");
    PathBuf::from(s)
}

/// A review event as folded by replay: notes get the review mark, other kinds are ignored.
fn as_review(e: &Event) -> Option<Event> {
    match &e.kind {
        EventKind::Note { text } => Some(Event {
            id: e.id,
            at: e.at,
            by: e.by.clone(),
            kind: EventKind::Note {
                text: format!("{REVIEW_MARK}{text}"),
            },
        }),
        _ => None,
    }
}

/// A replay of one incident log.
pub struct Replay {
    /// The log's events with review notes merged in, in effect order.
    events: Vec<Event>,
    /// Effective time of each event (non-decreasing).
    eff: Vec<DateTime<Utc>>,
    /// Indexes of events that added a line to the timeline.
    marks: Vec<usize>,
    reviews: usize,
    index: SeekIndex,
    last: Incident,
    current: Incident,
    /// Number of events folded into `current`.
    cursor: usize,
    /// The log's span (effective times of its first and last event).
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    /// Where the state is folded to, within the span.
    position: DateTime<Utc>,
}

/// A log opened for replay.
pub struct Opened {
    pub replay: Replay,
    pub header: LogHeader,
    pub recovery: Recovery,
    /// What reading the review log found (`None` when there is none).
    pub review: Option<Recovery>,
    /// Why the review log could not be read (the replay opens without its notes).
    pub review_error: Option<String>,
}

impl Replay {
    /// A replay of these events (in log order), paused at the start.
    pub fn new(events: Vec<Event>) -> Self {
        Replay::with_index(events, Vec::new(), SeekIndex::default())
    }

    /// With review events (notes) from the review log.
    pub fn with_review(events: Vec<Event>, review: Vec<Event>) -> Self {
        Replay::with_index(events, review, SeekIndex::default())
    }

    /// With a seek index of a given interval (tests use small ones).
    pub fn with_index(events: Vec<Event>, review: Vec<Event>, index: SeekIndex) -> Self {
        let mut b = Builder::new(index);
        b.reserve(events.len());
        for e in events {
            b.push(e);
        }
        b.finish(review)
    }

    /// Reads a log (and its review log, if any) with [`crate::log::read`], folding and
    /// indexing each event as it is read.
    pub fn open(path: &Path) -> Result<Opened, LogError> {
        let mut b = Builder::new(SeekIndex::default());
        let (header, recovery) = crate::log::read(path, |e| b.push(e))?;
        let rpath = review_path(path);
        let mut review_events = Vec::new();
        let (mut review, mut review_error) = (None, None);
        if rpath.is_file() {
            match crate::log::read(&rpath, |e| review_events.push(e)) {
                Ok((_, rec)) => review = Some(rec),
                Err(e) => {
                    review_events.clear();
                    review_error = Some(e.to_string());
                }
            }
        }
        let replay = b.finish(review_events);
        Ok(Opened {
            replay,
            header,
            recovery,
            review,
            review_error,
        })
    }

    /// Inserts a converted review event after every event effective at or before its time.
    fn insert_raw(&mut self, e: Event) -> usize {
        let pos = self.eff.partition_point(|t| *t <= e.at);
        let t = if pos == 0 {
            e.at
        } else {
            self.eff[pos - 1].max(e.at)
        };
        self.events.insert(pos, e);
        self.eff.insert(pos, t);
        self.reviews += 1;
        pos
    }

    /// Re-folds from event `pos` on: snapshots after it, timeline marks and the final state.
    fn rebuild_from(&mut self, pos: usize) {
        let (mut state, from) = self.index.truncate_after(pos);
        let keep = self.marks.partition_point(|&m| m < from);
        self.marks.truncate(keep);
        for (i, e) in self.events.iter().enumerate().skip(from) {
            let before = state.timeline.len();
            state.apply(e);
            if state.timeline.len() != before {
                self.marks.push(i);
            }
            self.index.observe(i + 1, &state);
        }
        self.last = state;
        self.cursor = 0;
        self.current = Incident::new();
    }

    /// Adds a review note at the current position (in memory; see [`ReviewLog`] to keep it).
    /// Returns the event as it goes to the review log.
    pub fn add_review_note(&mut self, by: &str, text: &str, id: u64) -> Event {
        let note = Event {
            id,
            at: self.position(),
            by: Actor::person(by),
            kind: EventKind::Note {
                text: crate::text::line(text),
            },
        };
        if let Some(conv) = as_review(&note) {
            let pos = self.insert_raw(conv);
            self.rebuild_from(pos);
            let at = self.position();
            self.seek(at);
        }
        note
    }

    /// The state at the current position.
    pub fn state(&self) -> &Incident {
        &self.current
    }
    /// The state at the end of the log (key times, total).
    pub fn final_state(&self) -> &Incident {
        &self.last
    }
    pub fn key_times(&self) -> &KeyTimes {
        &self.last.times
    }
    /// A key time, when the log reached it.
    pub fn key_time(&self, k: KeyTime) -> Option<DateTime<Utc>> {
        self.last.times.get(k)
    }
    /// Where the state is folded to.
    pub fn position(&self) -> DateTime<Utc> {
        self.position
    }
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }
    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }
    /// Events in the replay (log plus review notes).
    pub fn len(&self) -> usize {
        self.events.len()
    }
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
    /// How many review notes are folded in.
    pub fn review_notes(&self) -> usize {
        self.reviews
    }
    /// Events folded at the current position.
    pub fn cursor(&self) -> usize {
        self.cursor
    }
    pub fn index(&self) -> &SeekIndex {
        &self.index
    }
    /// The events in effect order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Moves to `t` (clamped to the log's span) and folds the state there: the nearest
    /// snapshot at or before it plus the events up to it, or just the events since the
    /// current position when moving forward a little.
    pub fn seek(&mut self, t: DateTime<Utc>) {
        self.position = t.clamp(self.start, self.end);
        self.fold_to(self.position);
    }

    fn fold_to(&mut self, t: DateTime<Utc>) {
        let n = self.eff.partition_point(|x| *x <= t);
        if n == self.cursor {
            return;
        }
        let every = self.index.every();
        let same_or_close =
            n > self.cursor && (n - self.cursor <= every || n / every == self.cursor / every);
        if !same_or_close {
            let (snap, at) = self.index.nearest(n);
            self.current = snap.clone();
            self.cursor = at;
        }
        for e in &self.events[self.cursor..n] {
            self.current.apply(e);
        }
        self.cursor = n;
    }

    /// Moves by `d` (negative goes back).
    pub fn step(&mut self, d: Duration) {
        let t = self
            .position()
            .checked_add_signed(d)
            .unwrap_or(self.position());
        self.seek(t);
    }

    /// When the first event after `t` that added a timeline line takes effect.
    pub fn entry_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let i = self.marks.partition_point(|&m| self.eff[m] <= t);
        self.marks.get(i).map(|&m| self.eff[m])
    }

    /// When the last event before `t` that added a timeline line takes effect.
    pub fn entry_before(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let i = self.marks.partition_point(|&m| self.eff[m] < t);
        let m = *self.marks.get(i.checked_sub(1)?)?;
        Some(self.eff[m])
    }

    /// Jumps to the next event that added a timeline line after the position. False at the end.
    pub fn next_entry(&mut self) -> bool {
        self.entry_after(self.position)
            .map(|t| self.seek(t))
            .is_some()
    }

    /// Jumps to the previous event that added a timeline line before the position.
    pub fn prev_entry(&mut self) -> bool {
        self.entry_before(self.position)
            .map(|t| self.seek(t))
            .is_some()
    }

    /// Jumps to a key time. False when the log never reached it.
    pub fn jump(&mut self, k: KeyTime) -> bool {
        match self.key_time(k) {
            Some(t) => {
                self.seek(t);
                true
            }
            None => false,
        }
    }
}

/// Builds a replay one event at a time (fold, timeline marks and snapshots as it goes), so
/// opening a log folds while the reader parses.
pub struct Builder {
    events: Vec<Event>,
    eff: Vec<DateTime<Utc>>,
    marks: Vec<usize>,
    index: SeekIndex,
    state: Incident,
}

impl Builder {
    pub fn new(index: SeekIndex) -> Self {
        Builder {
            events: Vec::new(),
            eff: Vec::new(),
            marks: Vec::new(),
            index,
            state: Incident::new(),
        }
    }

    pub fn reserve(&mut self, n: usize) {
        self.events.reserve(n);
        self.eff.reserve(n);
    }

    /// Adds the next event of the log.
    pub fn push(&mut self, e: Event) {
        let t = self.eff.last().map_or(e.at, |m| (*m).max(e.at));
        let i = self.events.len();
        let before = self.state.timeline.len();
        self.state.apply(&e);
        if self.state.timeline.len() != before {
            self.marks.push(i);
        }
        self.index.observe(i + 1, &self.state);
        self.eff.push(t);
        self.events.push(e);
    }

    /// The replay, with review notes merged in, paused at the start.
    pub fn finish(self, review: Vec<Event>) -> Replay {
        let mut r = Replay {
            events: self.events,
            eff: self.eff,
            marks: self.marks,
            reviews: 0,
            index: self.index,
            last: self.state,
            current: Incident::new(),
            cursor: 0,
            start: DateTime::<Utc>::MIN_UTC,
            end: DateTime::<Utc>::MIN_UTC,
            position: DateTime::<Utc>::MIN_UTC,
        };
        let mut review: Vec<Event> = review.iter().filter_map(as_review).collect();
        review.sort_by_key(|e| e.at);
        let mut first = None;
        for e in review {
            let pos = r.insert_raw(e);
            first = Some(first.map_or(pos, |f: usize| f.min(pos)));
        }
        if let Some(pos) = first {
            r.rebuild_from(pos);
        }
        let start = r.eff.first().copied().unwrap_or_else(Utc::now);
        let end = r.eff.last().copied().unwrap_or(start);
        (r.start, r.end) = (start, end.max(start));
        r.seek(start);
        r
    }
}

/// The review log of one incident log: notes written while reviewing, never the incident's.
pub struct ReviewLog {
    writer: LogWriter,
}

impl ReviewLog {
    /// Opens `<log>.review.jsonl`, creating it when missing.
    pub fn open(log: &Path, incident_id: &str) -> Result<Self, LogError> {
        let path = review_path(log);
        let writer = if path.exists() {
            LogWriter::open(&path, |_| {})?.0
        } else {
            LogWriter::create(&path, incident_id)?
        };
        Ok(ReviewLog { writer })
    }
    /// The id the next note gets.
    pub fn next_id(&self) -> u64 {
        self.writer.next_id()
    }
    pub fn append(&mut self, note: &Event) -> Result<(), LogError> {
        self.writer.append(std::slice::from_ref(note))
    }
    pub fn path(&self) -> &Path {
        self.writer.path()
    }
}

//! The shared timeline: newest at the bottom, follows live unless scrolled, filterable by
//! text and `kind:NAME`. Only the entries in view are formatted and sanitised each frame;
//! the filter result is cached by (timeline length, filter) and extended incrementally.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use super::Ctx;
use crate::incident::{Actor, EntryKind, TimelineEntry};
use crate::text;
use crate::ui::paint::{fit, put, wrap};
use crate::ui::theme::Sem;

/// The one-character marker of an entry kind.
pub fn marker(k: EntryKind) -> &'static str {
    match k {
        EntryKind::Declared => "◆",
        EntryKind::Severity => "▲",
        EntryKind::State => "►",
        EntryKind::Role => "@",
        EntryKind::Note => "•",
        EntryKind::Decision => "★",
        EntryKind::Checklist => "✓",
        EntryKind::Signal => "~",
        EntryKind::Reports => "#",
        EntryKind::Status => "□",
        EntryKind::Alert => "!",
        EntryKind::Source => "×",
        EntryKind::Presence => "+",
        EntryKind::Impact => "▼",
        EntryKind::Drill => "◇",
        EntryKind::Unknown => "?",
        EntryKind::Action => "»",
    }
}

/// A filter word `kind:X` names no entry kind.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("unknown kind {kind:?}: {}", kind_names())]
pub struct UnknownKind {
    pub kind: String,
}

/// Every entry kind's name, for the error above.
fn kind_names() -> String {
    EntryKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A parsed filter: words that must all appear (case-insensitive) and kinds (any of).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub raw: String,
    words: Vec<String>,
    kinds: Vec<EntryKind>,
}

impl Filter {
    /// `disk kind:note kind:alert` → entries of kind note or alert containing "disk".
    pub fn parse(s: &str) -> Result<Filter, UnknownKind> {
        let raw = text::line_max(s, 200);
        let mut f = Filter {
            raw: raw.clone(),
            ..Filter::default()
        };
        for w in raw.split_whitespace() {
            if let Some(k) = w.strip_prefix("kind:").or_else(|| w.strip_prefix("k:")) {
                for k in k.split(',').filter(|k| !k.is_empty()) {
                    let kind = EntryKind::parse(k).ok_or_else(|| UnknownKind {
                        kind: k.to_string(),
                    })?;
                    f.kinds.push(kind);
                }
            } else {
                f.words.push(w.to_lowercase());
            }
        }
        Ok(f)
    }
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.kinds.is_empty()
    }
    pub fn matches(&self, e: &TimelineEntry) -> bool {
        if !self.kinds.is_empty() && !self.kinds.contains(&e.kind) {
            return false;
        }
        if self.words.is_empty() {
            return true;
        }
        let hay = format!("{} {}", e.text, e.by.label()).to_lowercase();
        self.words.iter().all(|w| hay.contains(w.as_str()))
    }
}

/// Where the timeline's view is pinned. Positions are in the filtered list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Anchor {
    /// Follows live: the newest entry at the bottom.
    #[default]
    Live,
    /// This entry at the bottom of the pane (scrolled up).
    Bottom(usize),
    /// This entry at the top of the pane (Home, Page Down).
    Top(usize),
}

/// What a pane shows: entries top-down as (position, rows given to it), and the anchor
/// that gives exactly this view (the one asked for, or the one it fell back to).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    pub entries: Vec<(usize, usize)>,
    pub anchor: Anchor,
}

/// Which entries a pane of `rows` rows shows for `anchor`, given each entry's full height
/// in rows (`height(p)`, at least 1). The entry at the far edge from the anchor may get
/// fewer rows than it needs (it keeps its first line). The pane is never left part empty
/// while there are entries to fill it: pinned at the bottom above the first entry falls
/// back to the first entry at the top, pinned at the top past the last entry to live.
pub fn window(
    len: usize,
    rows: usize,
    anchor: Anchor,
    mut height: impl FnMut(usize) -> usize,
) -> Window {
    if len == 0 || rows == 0 {
        return Window {
            entries: Vec::new(),
            anchor,
        };
    }
    let up = |b: usize, height: &mut dyn FnMut(usize) -> usize| -> (Vec<(usize, usize)>, bool) {
        // From `b` upwards; true when it ran out of entries before filling the pane.
        let mut out = Vec::new();
        let mut used = 0;
        let mut p = b as isize;
        while p >= 0 && used < rows {
            let hgt = height(p as usize).max(1).min(rows - used);
            out.push((p as usize, hgt));
            used += hgt;
            p -= 1;
        }
        out.reverse();
        (out, used < rows)
    };
    let down = |t: usize, height: &mut dyn FnMut(usize) -> usize| -> (Vec<(usize, usize)>, bool) {
        // From `t` downwards; true when the last entry is in, whole.
        let mut out = Vec::new();
        let mut used = 0;
        let mut p = t;
        let mut whole = true;
        while p < len && used < rows {
            let full = height(p).max(1);
            let hgt = full.min(rows - used);
            whole = hgt == full;
            out.push((p, hgt));
            used += hgt;
            p += 1;
        }
        (out, p >= len && whole)
    };
    match anchor {
        Anchor::Live | Anchor::Bottom(_) => {
            let b = match anchor {
                Anchor::Bottom(b) => b.min(len - 1),
                _ => len - 1,
            };
            let (entries, short) = up(b, &mut height);
            if short && b + 1 < len {
                // Above the first entry: show the first at the top, filled downwards.
                let (entries, all) = down(0, &mut height);
                let anchor = if all { Anchor::Live } else { Anchor::Top(0) };
                return Window { entries, anchor };
            }
            let anchor = if b + 1 >= len { Anchor::Live } else { anchor };
            Window { entries, anchor }
        }
        Anchor::Top(t) => {
            let t = t.min(len - 1);
            let (entries, reached_end) = down(t, &mut height);
            if reached_end {
                // Past the last entry: the newest at the bottom, following live again.
                let (entries, _) = up(len - 1, &mut height);
                return Window {
                    entries,
                    anchor: Anchor::Live,
                };
            }
            Window {
                entries,
                anchor: Anchor::Top(t),
            }
        }
    }
}

/// View state of the timeline.
#[derive(Clone, Debug, Default)]
pub struct TimelineView {
    pub filter: Option<Filter>,
    /// Where the view is pinned; `Live` follows new entries.
    pub anchor: Anchor,
    /// The selected entry (the id of its event): ↑↓ move it, `e` corrects it, `:action`
    /// refers to it. `None`: nothing selected (the view follows live).
    pub selected: Option<u64>,
    /// Counts the person's picks (↑↓, a click, letting go): a selection a correction
    /// already used is not silently reused by `:action` (see `App`).
    pub picks: u64,
    /// Corrections as the last draw saw them: entry id → (the mark under it, struck).
    marks: std::collections::BTreeMap<u64, (String, bool)>,
    /// How many corrections `marks` was made from (a new one re-filters too).
    marks_n: usize,
    /// Where each entry was drawn at the last draw: (row, id of its event), for clicks.
    rows: Vec<(u16, u64)>,
    /// The entries passing the filter, kept and extended as the timeline grows.
    cache: Option<Filtered>,
    /// The pane's text width, lines per entry and rows at the last draw: what paging and
    /// the title need to know which entries are in view.
    geom: Option<(usize, usize, usize)>,
}

/// The text of an entry as the timeline shows it.
fn body_of(e: &TimelineEntry) -> String {
    let body = text::line_max(&e.text, 4_000);
    if e.kind == EntryKind::Checklist && body.starts_with("✓ ") {
        body.replacen("✓ ", "", 1)
    } else {
        body
    }
}

impl TimelineView {
    /// Number of entries passing the filter (updates the cache).
    pub fn len(&mut self, tl: &[TimelineEntry]) -> usize {
        match self.indices(tl) {
            Some(v) => v.len(),
            None => tl.len(),
        }
    }

    /// Matching indices, or `None` when there is no filter (every entry).
    fn indices(&mut self, tl: &[TimelineEntry]) -> Option<&Vec<usize>> {
        let f = self.filter.as_ref().filter(|f| !f.is_empty())?;
        let first = tl.first().map(|e| e.id).unwrap_or(0);
        let marks = self.marks_n;
        let reuse = self.cache.as_ref().is_some_and(|c| {
            c.raw == f.raw && c.first == first && c.seen <= tl.len() && c.marks == marks
        });
        if !reuse {
            self.cache = Some(Filtered {
                raw: f.raw.clone(),
                seen: 0,
                first,
                marks,
                indices: Vec::new(),
            });
        }
        if let Some(c) = self.cache.as_mut() {
            for (i, e) in tl.iter().enumerate().skip(c.seen) {
                if f.matches(e) {
                    c.indices.push(i);
                }
            }
            c.seen = tl.len();
        }
        self.cache.as_ref().map(|c| &c.indices)
    }

    /// Index in the timeline of the filtered position `p`.
    fn at(&mut self, tl: &[TimelineEntry], p: usize) -> Option<usize> {
        match self.indices(tl) {
            Some(v) => v.get(p).copied(),
            None => (p < tl.len()).then_some(p),
        }
    }

    /// The entries in view for the current anchor (as the next draw shows them).
    fn view_window(&mut self, tl: &[TimelineEntry]) -> Option<Window> {
        let (text_w, max_lines, rows) = self.geom?;
        let len = self.len(tl);
        let anchor = self.anchor;
        let marks = std::mem::take(&mut self.marks);
        let mut height = |p: usize| -> usize {
            self.at(tl, p).and_then(|i| tl.get(i)).map_or(1, |e| {
                wrap(&body_of(e), text_w, max_lines).len().max(1)
                    + usize::from(marks.contains_key(&e.id))
            })
        };
        let w = window(len, rows, anchor, &mut height);
        self.marks = marks;
        Some(w)
    }

    /// First and last position in view.
    fn shown(&mut self, tl: &[TimelineEntry]) -> Option<(usize, usize)> {
        let w = self.view_window(tl)?;
        Some((w.entries.first()?.0, w.entries.last()?.0))
    }

    /// Position (in the filtered list) of the entry made by event `id`.
    fn pos_of(&mut self, tl: &[TimelineEntry], id: u64) -> Option<usize> {
        match self.indices(tl) {
            Some(v) => v
                .iter()
                .position(|&i| tl.get(i).is_some_and(|e| e.id == id)),
            None => tl.iter().position(|e| e.id == id),
        }
    }

    /// The selected entry, while it passes the filter.
    pub fn selected_entry<'a>(&mut self, tl: &'a [TimelineEntry]) -> Option<&'a TimelineEntry> {
        let id = self.selected?;
        let p = self.pos_of(tl, id)?;
        self.at(tl, p).and_then(|i| tl.get(i))
    }

    /// ↑: selects the entry above the selected one (the first press, the newest).
    pub fn select_prev(&mut self, tl: &[TimelineEntry]) {
        let len = self.len(tl);
        if len == 0 {
            return;
        }
        let p = match self.selected.and_then(|id| self.pos_of(tl, id)) {
            Some(p) => p.saturating_sub(1),
            None => len - 1,
        };
        self.select_at(tl, p);
    }

    /// ↓: selects the entry below; past the newest, nothing is selected and the view
    /// follows live again.
    pub fn select_next(&mut self, tl: &[TimelineEntry]) {
        let len = self.len(tl);
        match self.selected.and_then(|id| self.pos_of(tl, id)) {
            Some(p) if p + 1 < len => self.select_at(tl, p + 1),
            _ => self.unselect(),
        }
    }

    /// A click on row `y` of the pane selects the entry drawn there (true if one was).
    pub fn click(&mut self, y: u16) -> bool {
        match self.rows.iter().find(|(r, _)| *r == y) {
            Some(&(_, id)) => {
                self.selected = Some(id);
                self.picks += 1;
                true
            }
            None => false,
        }
    }

    /// Nothing selected; the view follows live.
    pub fn unselect(&mut self) {
        self.selected = None;
        self.picks += 1;
        self.anchor = Anchor::Live;
    }

    /// Selects the entry at position `p` and scrolls it into view.
    fn select_at(&mut self, tl: &[TimelineEntry], p: usize) {
        self.selected = self.at(tl, p).and_then(|i| tl.get(i)).map(|e| e.id);
        self.picks += 1;
        match self.shown(tl) {
            Some((first, last)) if (first..=last).contains(&p) => {}
            Some((first, _)) if p < first => self.anchor = Anchor::Top(p),
            _ => self.anchor = Anchor::Bottom(p),
        }
    }

    /// Takes the corrections of `inc` for the marks under corrected entries.
    fn take_marks(&mut self, inc: &crate::incident::Incident) {
        let list = &inc.corrections.list;
        if list.len() == self.marks_n {
            return;
        }
        self.marks.clear();
        for c in list.iter().filter(|c| c.applied()) {
            if let (Some(mark), struck) = inc.corrections.mark(c.target) {
                self.marks
                    .insert(c.target, (text::line_max(&mark, 300), struck));
            }
        }
        self.marks_n = list.len();
    }

    /// True while the view follows new entries.
    pub fn is_live(&self) -> bool {
        self.anchor == Anchor::Live
    }

    /// Back to following new entries (End).
    pub fn follow(&mut self) {
        self.anchor = Anchor::Live;
    }

    /// `n` entries older.
    pub fn scroll_up(&mut self, tl: &[TimelineEntry], n: usize) {
        let len = self.len(tl);
        if len == 0 {
            return;
        }
        self.anchor = match self.anchor {
            Anchor::Live => Anchor::Bottom((len - 1).saturating_sub(n)),
            Anchor::Bottom(b) => Anchor::Bottom(b.min(len - 1).saturating_sub(n)),
            Anchor::Top(t) => Anchor::Top(t.min(len - 1).saturating_sub(n)),
        };
    }

    /// `n` entries newer; reaching the newest follows live again.
    pub fn scroll_down(&mut self, tl: &[TimelineEntry], n: usize) {
        let len = self.len(tl);
        self.anchor = match self.anchor {
            Anchor::Live => Anchor::Live,
            Anchor::Bottom(b) if b.saturating_add(n) + 1 >= len => Anchor::Live,
            Anchor::Bottom(b) => Anchor::Bottom(b + n),
            Anchor::Top(t) => Anchor::Top(t.saturating_add(n).min(len.saturating_sub(1))),
        };
    }

    /// One pane older: the entry at the top (or the one above it, when it alone filled
    /// the pane) goes to the bottom.
    pub fn page_up(&mut self, tl: &[TimelineEntry]) {
        let len = self.len(tl);
        if len == 0 {
            return;
        }
        let (first, last) = self.shown(tl).unwrap_or((len - 1, len - 1));
        self.anchor = if first == 0 {
            Anchor::Top(0)
        } else if first < last {
            Anchor::Bottom(first)
        } else {
            Anchor::Bottom(first - 1)
        };
    }

    /// One pane newer: the entry at the bottom (or the one below it) goes to the top.
    pub fn page_down(&mut self, tl: &[TimelineEntry]) {
        let len = self.len(tl);
        let Some((first, last)) = self.shown(tl) else {
            return;
        };
        if self.is_live() || last + 1 >= len {
            self.anchor = Anchor::Live;
            return;
        }
        self.anchor = if last > first {
            Anchor::Top(last)
        } else {
            Anchor::Top(last + 1)
        };
    }

    /// Home: the first entry at the top.
    pub fn top(&mut self, tl: &[TimelineEntry]) {
        if self.len(tl) > 0 {
            self.anchor = Anchor::Top(0);
        }
    }

    pub fn set_filter(&mut self, f: Option<Filter>) {
        self.filter = f.filter(|f| !f.is_empty());
        self.anchor = Anchor::Live;
    }

    /// The title's hint for a view that may write: what `e` does with the selection.
    pub fn write_hint(&self) -> &'static str {
        if self.selected.is_some() {
            " · e corrects the selected entry"
        } else {
            ""
        }
    }

    /// Title extra: counts, filter, and how many newer entries are below.
    pub fn status(&mut self, tl: &[TimelineEntry]) -> String {
        let len = self.len(tl);
        let mut s = match &self.filter {
            Some(f) => format!("{len}/{} · /{}", tl.len(), f.raw),
            None => format!("{len}"),
        };
        if !self.is_live() {
            let last = match (self.shown(tl), self.anchor) {
                (Some((_, l)), _) => l,
                (None, Anchor::Bottom(b)) => b,
                _ => 0,
            };
            s.push_str(&format!(
                " · ↓{} newer (End follows)",
                len.saturating_sub(last + 1)
            ));
        }
        s
    }
}

/// The filter's result over the timeline as far as it was read.
#[derive(Clone, Debug)]
struct Filtered {
    /// The filter as typed.
    raw: String,
    /// Timeline entries read so far.
    seen: usize,
    /// Id of the timeline's first entry (another timeline starts over).
    first: u64,
    /// Corrections folded when it was made (a new one re-filters).
    marks: usize,
    /// Positions in the timeline of the entries that pass.
    indices: Vec<usize>,
}

struct Row {
    /// The id of the entry's event (a click on the row selects it).
    id: u64,
    head: bool,
    /// The entry is the selected one.
    selected: bool,
    /// The entry is struck out.
    struck: bool,
    /// The correction mark under a corrected entry.
    mark: bool,
    text: String,
    at: String,
    by: String,
    by_style: Style,
    kind: EntryKind,
}

pub fn draw(buf: &mut Buffer, area: Rect, cx: &Ctx, view: &mut TimelineView, zoomed: bool) {
    let t = cx.theme;
    let tl = &cx.inc.timeline;
    view.take_marks(cx.inc);
    view.rows.clear();
    let h = area.height as usize;
    let w = area.width as usize;
    if h == 0 || w == 0 {
        return;
    }
    let len = view.len(tl);
    if len == 0 {
        let msg = if view.filter.is_some() {
            "nothing matches the filter (Esc clears)"
        } else {
            "no entries yet"
        };
        put(buf, area, area.x, area.y, msg, t.s(Sem::Dim));
        return;
    }
    let narrow = w < 50;
    let time_w = if narrow { 5 } else { 8 };
    let by_w = if narrow { 0 } else { (w / 7).clamp(5, 14) };
    let text_x = time_w + 1 + if by_w > 0 { by_w + 1 } else { 0 } + 2;
    let text_w = w.saturating_sub(text_x).max(1);
    let max_lines = if zoomed { 12 } else { 3 };
    view.geom = Some((text_w, max_lines, h));
    let Some(win) = view.view_window(tl) else {
        return;
    };
    view.anchor = win.anchor;
    let mut shown: Vec<Row> = Vec::with_capacity(h);
    for (p, n) in win.entries {
        let Some(i) = view.at(tl, p) else {
            continue;
        };
        let Some(e) = tl.get(i) else { continue };
        // An entry cut at the pane's edge keeps its head and ends in "…"; a corrected
        // entry ends with its correction's mark.
        let mark = view.marks.get(&e.id).cloned();
        let room = n.saturating_sub(usize::from(mark.is_some())).max(1);
        let mut lines: Vec<(String, bool)> = wrap(&body_of(e), text_w, max_lines.min(room))
            .into_iter()
            .map(|l| (l, false))
            .collect();
        let struck = mark.as_ref().is_some_and(|m| m.1);
        if let Some((m, _)) = mark
            && n > lines.len()
        {
            lines.push((fit(&m, text_w), true));
        }
        let selected = view.selected == Some(e.id);
        let at = if narrow {
            e.at.format("%H:%M").to_string()
        } else {
            e.at.format("%H:%M:%S").to_string()
        };
        let (by, by_style) = match &e.by {
            Actor::Person(n) => (text::line_max(n, 40), Style::default()),
            Actor::Source(n) => (text::line_max(n, 40), t.s(Sem::Dim)),
            Actor::System => ("warroom".to_string(), t.s(Sem::Dim)),
        };
        for (j, (l, mark)) in lines.into_iter().enumerate() {
            shown.push(Row {
                id: e.id,
                head: j == 0,
                selected,
                struck,
                mark,
                text: l,
                at: at.clone(),
                by: by.clone(),
                by_style,
                kind: e.kind,
            });
        }
    }
    for (yi, r) in shown.iter().take(h).enumerate() {
        let y = area.y + yi as u16;
        view.rows.push((y, r.id));
        let ks = t.kind(r.kind);
        if r.head {
            let at_style = if r.selected {
                t.s(Sem::Selected)
            } else {
                t.s(Sem::Dim)
            };
            let mut x = put(buf, area, area.x, y, &r.at, at_style);
            if by_w > 0 {
                put(buf, area, x + 1, y, &fit(&r.by, by_w), r.by_style);
                x += 1 + by_w as u16;
            }
            put(buf, area, x + 1, y, marker(r.kind), ks);
        }
        let text_style = if r.mark {
            t.s(Sem::Dim).add_modifier(Modifier::ITALIC)
        } else if r.struck {
            t.s(Sem::Dim).add_modifier(Modifier::CROSSED_OUT)
        } else if r.kind == EntryKind::Note {
            t.s(Sem::Base)
        } else {
            ks
        };
        put(buf, area, area.x + text_x as u16, y, &r.text, text_style);
        if r.selected {
            // The whole entry, every line of it, in the selection style: a glance finds
            // what `e` corrects and what `:action` refers to.
            let row = Rect::new(area.x, y, area.width, 1).intersection(area);
            buf.set_style(row, t.s(Sem::Selected));
        }
    }
}

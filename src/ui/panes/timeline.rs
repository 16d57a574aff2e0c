//! The shared timeline: newest at the bottom, follows live unless scrolled, filterable by
//! text and `kind:NAME`. Only the entries in view are formatted and sanitised each frame;
//! the filter result is cached by (timeline length, filter) and extended incrementally.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

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
    }
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
    pub fn parse(s: &str) -> Result<Filter, String> {
        let raw = text::line_max(s, 200);
        let mut f = Filter {
            raw: raw.clone(),
            ..Filter::default()
        };
        for w in raw.split_whitespace() {
            if let Some(k) = w.strip_prefix("kind:").or_else(|| w.strip_prefix("k:")) {
                for k in k.split(',').filter(|k| !k.is_empty()) {
                    let kind = EntryKind::parse(k).ok_or_else(|| {
                        format!(
                            "unknown kind {k:?}: {}",
                            EntryKind::ALL
                                .iter()
                                .map(|k| k.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
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

/// View state of the timeline.
#[derive(Clone, Debug, Default)]
pub struct TimelineView {
    pub filter: Option<Filter>,
    /// Position (in the filtered list) of the bottom entry in view; `None` follows live.
    pub bottom: Option<usize>,
    /// (filter raw, timeline length, id of the first entry) → matching indices.
    cache: Option<(String, usize, u64, Vec<usize>)>,
    /// Rows in view at the last draw (for page up/down).
    pub rows: usize,
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
        let reuse = matches!(&self.cache, Some((raw, n, id, _)) if *raw == f.raw && *id == first && *n <= tl.len());
        if !reuse {
            self.cache = Some((f.raw.clone(), 0, first, Vec::new()));
        }
        if let Some((_, n, _, v)) = self.cache.as_mut() {
            for (i, e) in tl.iter().enumerate().skip(*n) {
                if f.matches(e) {
                    v.push(i);
                }
            }
            *n = tl.len();
        }
        self.cache.as_ref().map(|c| &c.3)
    }

    /// Index in the timeline of the filtered position `p`.
    fn at(&mut self, tl: &[TimelineEntry], p: usize) -> Option<usize> {
        match self.indices(tl) {
            Some(v) => v.get(p).copied(),
            None => (p < tl.len()).then_some(p),
        }
    }

    pub fn scroll_up(&mut self, tl: &[TimelineEntry], n: usize) {
        let len = self.len(tl);
        if len == 0 {
            return;
        }
        let cur = self.bottom.unwrap_or(len - 1).min(len - 1);
        self.bottom = Some(cur.saturating_sub(n));
    }

    pub fn scroll_down(&mut self, tl: &[TimelineEntry], n: usize) {
        let len = self.len(tl);
        if let Some(b) = self.bottom {
            let nb = b.saturating_add(n);
            self.bottom = if nb + 1 >= len { None } else { Some(nb) };
        }
    }

    pub fn top(&mut self, tl: &[TimelineEntry]) {
        if self.len(tl) > 0 {
            self.bottom = Some(self.rows.saturating_sub(1).min(self.len(tl) - 1));
        }
    }

    pub fn set_filter(&mut self, f: Option<Filter>) {
        self.filter = f.filter(|f| !f.is_empty());
        self.bottom = None;
    }

    /// Title extra: counts, filter, and how many newer entries are below.
    pub fn status(&mut self, tl: &[TimelineEntry]) -> String {
        let len = self.len(tl);
        let mut s = match &self.filter {
            Some(f) => format!("{len}/{} · /{}", tl.len(), f.raw),
            None => format!("{len}"),
        };
        if let Some(b) = self.bottom {
            s.push_str(&format!(
                " · ↓{} newer (End follows)",
                len.saturating_sub(b + 1)
            ));
        }
        s
    }
}

struct Row {
    head: bool,
    text: String,
    at: String,
    by: String,
    by_style: Style,
    kind: EntryKind,
}

pub fn draw(buf: &mut Buffer, area: Rect, cx: &Ctx, view: &mut TimelineView, zoomed: bool) {
    let t = cx.theme;
    let tl = &cx.inc.timeline;
    let h = area.height as usize;
    let w = area.width as usize;
    view.rows = h;
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
    let bottom = view.bottom.unwrap_or(len - 1).min(len - 1);
    let narrow = w < 50;
    let time_w = if narrow { 5 } else { 8 };
    let by_w = if narrow { 0 } else { (w / 7).clamp(5, 14) };
    let text_x = time_w + 1 + if by_w > 0 { by_w + 1 } else { 0 } + 2;
    let text_w = w.saturating_sub(text_x).max(1);
    let max_lines = if zoomed { 12 } else { 3 };
    let mut rows: Vec<Row> = Vec::with_capacity(h);
    let mut p = bottom as isize;
    while p >= 0 && rows.len() < h {
        let Some(i) = view.at(tl, p as usize) else {
            break;
        };
        p -= 1;
        let Some(e) = tl.get(i) else { break };
        let mut body = text::line_max(&e.text, 4_000);
        if e.kind == EntryKind::Checklist && body.starts_with("✓ ") {
            body = body.replacen("✓ ", "", 1);
        }
        // The oldest entry in view may get fewer lines: it keeps its head and ends in "…".
        let lines = wrap(&body, text_w, max_lines.min(h - rows.len()));
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
        for (j, l) in lines.into_iter().enumerate().rev() {
            rows.push(Row {
                head: j == 0,
                text: l,
                at: at.clone(),
                by: by.clone(),
                by_style,
                kind: e.kind,
            });
        }
    }
    // `rows` runs bottom-up; draw the last `h` of them top-down.
    let skip = rows.len().saturating_sub(h);
    let shown: Vec<&Row> = rows.iter().rev().skip(skip).collect();
    for (yi, r) in shown.iter().enumerate() {
        let y = area.y + yi as u16;
        let ks = t.kind(r.kind);
        if r.head {
            let mut x = put(buf, area, area.x, y, &r.at, t.s(Sem::Dim));
            if by_w > 0 {
                put(buf, area, x + 1, y, &fit(&r.by, by_w), r.by_style);
                x += 1 + by_w as u16;
            }
            put(buf, area, x + 1, y, marker(r.kind), ks);
        }
        let text_style = if r.kind == EntryKind::Note {
            t.s(Sem::Base)
        } else {
            ks
        };
        put(buf, area, area.x + text_x as u16, y, &r.text, text_style);
    }
}

//! Timeline scrolling by entry, with wrapped entries of any height: Home shows the first
//! entry at the top, End the last at the bottom, and paging never shows an empty pane or
//! skips an entry, at every size, zoomed or not.

use chrono::Duration;
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use warroom::incident::{Actor, Event, EventKind, Incident};
use warroom::ui::app::{App, AppOptions};
use warroom::ui::layout::{self, PaneId};
use warroom::ui::panes::timeline::{Anchor, window};
use warroom_testdata::sample;

/// Notes whose text starts with a marker `e007` (no other digit follows an `e`), then
/// `words[i]` words of letters.
fn incident(words: &[usize]) -> Incident {
    let t0 = sample::now() - Duration::hours(1);
    let events: Vec<Event> = words
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let mut text = format!("e{i:03}");
            for k in 0..*n {
                text.push(' ');
                text.push_str(["rollback", "db", "checkout", "a", "failover"][(i + k) % 5]);
            }
            Event {
                id: i as u64 + 1,
                at: t0 + Duration::seconds(i as i64),
                by: Actor::person("ana"),
                kind: EventKind::Note { text },
            }
        })
        .collect();
    Incident::fold(&events)
}

fn key(app: &mut App, inc: &Incident, code: KeyCode) {
    app.handle_input(
        &TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        inc,
        sample::now(),
    );
}

/// The rows of the timeline pane's inside, as text.
fn pane_rows(app: &mut App, inc: &Incident, w: u16, h: u16, zoomed: bool) -> Vec<String> {
    let area = Rect::new(0, 0, w, h);
    let mut b = Buffer::empty(area);
    app.render(&mut b, area, inc, sample::now());
    let zoom = zoomed.then_some(PaneId::Timeline);
    let r = layout::layout(area, inc, zoom)
        .and_then(|s| s.rect(PaneId::Timeline))
        .expect("a timeline pane");
    (r.y + 1..r.bottom() - 1)
        .map(|y| {
            (r.x + 1..r.right() - 1)
                .map(|x| b.cell((x, y)).map(|c| c.symbol()).unwrap_or(" "))
                .collect()
        })
        .collect()
}

/// Entry markers on a row (`e007` → 7).
fn markers(row: &str) -> Vec<usize> {
    let b = row.as_bytes();
    (0..b.len().saturating_sub(3))
        .filter(|i| b[*i] == b'e' && b[i + 1..i + 4].iter().all(u8::is_ascii_digit))
        .filter(|i| b.get(i + 4).is_none_or(|c| !c.is_ascii_digit()))
        .filter_map(|i| row.get(i + 1..i + 4)?.parse().ok())
        .collect()
}

fn shown(rows: &[String]) -> Vec<usize> {
    rows.iter().flat_map(|r| markers(r)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn home_end_and_paging_show_whole_panes_of_entries(
        words in prop::collection::vec(0usize..40, 1..45),
        w in 60u16..210,
        h in 15u16..62,
        zoomed in any::<bool>(),
        pages in 1usize..8,
    ) {
        let inc = incident(&words);
        let n = words.len();
        let mut app = App::new(AppOptions::new("ana"));
        if zoomed {
            key(&mut app, &inc, KeyCode::Char('z'));
        }
        // End (and the live view): the last entry shows, nothing after it.
        key(&mut app, &inc, KeyCode::End);
        let rows = pane_rows(&mut app, &inc, w, h, zoomed);
        let last_row = rows.iter().position(|r| markers(r).contains(&(n - 1)));
        prop_assert!(last_row.is_some(), "End: last entry e{:03} not shown:\n{}", n - 1, rows.join("\n"));
        let full_at_end = rows.iter().all(|r| !r.trim().is_empty());

        // Home: the first entry on the first row.
        key(&mut app, &inc, KeyCode::Home);
        let rows = pane_rows(&mut app, &inc, w, h, zoomed);
        prop_assert_eq!(markers(&rows[0]).first().copied(), Some(0), "Home:\n{}", rows.join("\n"));
        // `g` does the same after scrolling away.
        key(&mut app, &inc, KeyCode::End);
        key(&mut app, &inc, KeyCode::Char('g'));
        let again = pane_rows(&mut app, &inc, w, h, zoomed);
        prop_assert_eq!(&again, &rows);

        // Paging up from the end, then down again: never an empty pane (a full one when
        // there is more than a pane of text), never an entry skipped, and Home / End
        // reached within as many pages as there are entries.
        key(&mut app, &inc, KeyCode::Char('G'));
        let mut prev = shown(&pane_rows(&mut app, &inc, w, h, zoomed));
        for (code, steps) in [(KeyCode::PageUp, pages), (KeyCode::PageDown, pages + 1)] {
            for _ in 0..steps {
                key(&mut app, &inc, code);
                let rows = pane_rows(&mut app, &inc, w, h, zoomed);
                let now = shown(&rows);
                prop_assert!(!now.is_empty(), "{code:?}: empty pane");
                if full_at_end {
                    prop_assert!(rows.iter().all(|r| !r.trim().is_empty()), "{:?}: blank rows:\n{}", code, rows.join("\n"));
                }
                let (pmin, pmax) = (prev[0], prev[prev.len() - 1]);
                if code == KeyCode::PageUp {
                    prop_assert!(now[now.len() - 1] + 1 >= pmin, "PageUp skipped entries: {prev:?} → {now:?}");
                } else {
                    prop_assert!(now[0] <= pmax + 1, "PageDown skipped entries: {prev:?} → {now:?}");
                }
                prev = now;
            }
        }
        for _ in 0..n {
            key(&mut app, &inc, KeyCode::PageUp);
        }
        let rows = pane_rows(&mut app, &inc, w, h, zoomed);
        prop_assert_eq!(markers(&rows[0]).first().copied(), Some(0), "PageUp reaches the top:\n{}", rows.join("\n"));
        for _ in 0..n {
            key(&mut app, &inc, KeyCode::PageDown);
        }
        let rows = pane_rows(&mut app, &inc, w, h, zoomed);
        prop_assert!(shown(&rows).contains(&(n - 1)), "PageDown reaches the end:\n{}", rows.join("\n"));
    }

    #[test]
    fn the_window_fills_the_pane_from_either_end(
        heights in prop::collection::vec(1usize..14, 1..60),
        rows in 1usize..50,
        at in 0usize..60,
    ) {
        let len = heights.len();
        let total: usize = heights.iter().sum();
        for anchor in [Anchor::Live, Anchor::Bottom(at), Anchor::Top(at), Anchor::Top(0)] {
            let win = window(len, rows, anchor, |p| heights[p]);
            let used: usize = win.entries.iter().map(|e| e.1).sum();
            prop_assert!(used <= rows);
            prop_assert!(!win.entries.is_empty());
            prop_assert_eq!(used, total.min(rows), "{:?}: {:?}", anchor, win);
            // Consecutive entries.
            for pair in win.entries.windows(2) {
                prop_assert_eq!(pair[0].0 + 1, pair[1].0);
            }
        }
        let home = window(len, rows, Anchor::Top(0), |p| heights[p]);
        prop_assert_eq!(home.entries[0].0, 0);
        let end = window(len, rows, Anchor::Live, |p| heights[p]);
        let last = end.entries[end.entries.len() - 1];
        prop_assert_eq!(last, (len - 1, heights[len - 1].min(rows)));
    }
}

#[test]
fn the_zoomed_timeline_home_shows_the_oldest_entries_not_zero_newer() {
    let words: Vec<usize> = (0..40).map(|i| (i * 7) % 30).collect();
    let inc = incident(&words);
    let mut app = App::new(AppOptions::new("ana"));
    // As in a room: drawn live, zoomed, drawn again, then `g`.
    pane_rows(&mut app, &inc, 120, 40, false);
    key(&mut app, &inc, KeyCode::Char('z'));
    pane_rows(&mut app, &inc, 120, 40, true);
    key(&mut app, &inc, KeyCode::Char('g'));
    let area = Rect::new(0, 0, 120, 40);
    let mut b = Buffer::empty(area);
    app.render(&mut b, area, &inc, sample::now());
    let top: String = (0..120)
        .map(|x| b.cell((x, 2)).map(|c| c.symbol()).unwrap_or(" "))
        .collect();
    assert!(top.contains("↓") && !top.contains("↓0 newer"), "{top}");
    let rows = pane_rows(&mut app, &inc, 120, 40, true);
    assert_eq!(markers(&rows[0]), vec![0], "{}", rows.join("\n"));
}

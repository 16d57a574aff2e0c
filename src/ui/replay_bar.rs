//! The replay's time bar (three lines under the room's screen): where the clock is, a bar
//! over the log's span with the incident's key moments marked on it, and the clock's keys
//! (or the replay's last message). Pure: drawn from the log's final state and the clock.

use chrono::{DateTime, Utc};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::layout;
use super::paint::width;
use super::replay_clock::ReplayClock;
use crate::incident::{Audience, Incident, KeyTime};

/// What the marks on the bar mean: shown right of the first line where it fits, else
/// [`LEGEND_SHORT`] (the key times I D A M R are also what the keys 1-5 jump to).
pub const LEGEND: &str =
    "I impact  D detected  A ack  ◆ declared  u public update  M mitigated  R resolved";
pub const LEGEND_SHORT: &str = "◆ declared  u public update";

/// Lines the bar takes under the room's screen.
pub const HEIGHT: u16 = 3;

/// What a replay says instead of its screen when the terminal cannot hold the room and
/// the bar (the room alone would say it needs 60x15 on a 60x15 terminal).
pub fn too_small(w: u16, h: u16) -> Option<String> {
    let need_h = layout::MIN_H + HEIGHT;
    (w < layout::MIN_W || h < need_h).then(|| {
        format!(
            "terminal too small for a replay: need {}x{need_h}",
            layout::MIN_W
        )
    })
}

/// The key moments of the log, in the order they are placed: the key times, the
/// declaration, then each public status update.
pub fn moments(last: &Incident) -> Vec<(DateTime<Utc>, char)> {
    let mut out: Vec<(DateTime<Utc>, char)> = KeyTime::ALL
        .iter()
        .zip(['I', 'D', 'A', 'M', 'R'])
        .filter_map(|(k, ch)| last.times.get(*k).map(|t| (t, ch)))
        .collect();
    if let Some(t) = last.times.declared {
        out.push((t, '◆'));
    }
    out.extend(
        last.comms
            .updates
            .iter()
            .filter(|u| u.audience == Audience::Public)
            .map(|u| (u.at, 'u')),
    );
    out
}

/// The bar: filled up to the position, the key moments marked, the position as `│`.
/// Moments that fall on the same column move to the nearest free one (right first), so
/// an impact and its detection a second apart both show.
pub fn time_bar(last: &Incident, c: &ReplayClock, width: usize) -> String {
    if width == 0 {
        return String::new();
    }
    let total = c.total().num_milliseconds().max(1) as f64;
    let col = |t: DateTime<Utc>| {
        let f = ((t - c.start()).num_milliseconds() as f64 / total).clamp(0.0, 1.0);
        ((f * (width - 1) as f64).round() as usize).min(width - 1)
    };
    let here = col(c.position());
    let mut cells: Vec<char> = (0..width)
        .map(|i| if i < here { '━' } else { '─' })
        .collect();
    let mut taken = vec![false; width];
    for (t, ch) in moments(last) {
        let at = col(t);
        let free = (at..width)
            .chain((0..at).rev())
            .find(|i| !taken.get(*i).copied().unwrap_or(true));
        if let Some(i) = free {
            taken[i] = true;
            cells[i] = ch;
        }
    }
    if let Some(cell) = cells.get_mut(here) {
        *cell = '│';
    }
    cells.into_iter().collect()
}

/// The clock's keys, cut to `w` columns; `q quit` always stays.
pub fn keys_line(w: usize) -> String {
    const KEYS: [(&str, &str); 9] = [
        ("space", "play/pause"),
        ("+/-", "speed"),
        ("←/→", "10s"),
        ("⇧←/→", "1m"),
        ("[ ]", "entries"),
        ("g/G", "start/end"),
        ("1-5", "jump to I/D/A/M/R"),
        ("n", "review note"),
        ("q", "quit"),
    ];
    let quit = "q quit";
    let mut out = String::new();
    for (k, h) in &KEYS[..KEYS.len() - 1] {
        let part = format!("{k} {h}  ");
        if width(&out) + width(&part) + width(quit) > w {
            continue;
        }
        out.push_str(&part);
    }
    out.push_str(quit);
    out
}

/// The three lines: state, speed, position and wall time (and the legend where it fits);
/// the bar; the keys or `message`.
pub fn lines(
    last: &Incident,
    c: &ReplayClock,
    review_notes: usize,
    message: Option<&str>,
    w: usize,
) -> Vec<Line<'static>> {
    let state = if c.is_playing() {
        "▶ playing"
    } else {
        "⏸ paused"
    };
    let pos = format!(
        "{} / {}",
        crate::replay::format_offset(c.elapsed()),
        crate::replay::format_offset(c.total())
    );
    // The date where there is room for it.
    let wall = c.position().format(if w >= 90 {
        "%Y-%m-%d %H:%M:%S UTC"
    } else {
        "%H:%M:%S UTC"
    });
    let mut text = format!(" {state} {}x  {pos}  {wall}", c.speed());
    if review_notes > 0 {
        text.push_str(&format!("  review notes: {review_notes}"));
    }
    let mut first = vec![
        Span::styled(
            " REPLAY ",
            Style::default().add_modifier(Modifier::REVERSED),
        ),
        Span::raw(text),
    ];
    let used: usize = first.iter().map(|s| width(&s.content)).sum();
    let legend = [LEGEND, LEGEND_SHORT]
        .into_iter()
        .find(|l| used + width(l) + 2 <= w);
    if let Some(l) = legend {
        first.push(Span::raw(" ".repeat(w - used - width(l))));
        first.push(Span::styled(
            l,
            Style::default().add_modifier(Modifier::DIM),
        ));
    }
    let third = match message {
        Some(m) => Line::from(crate::text::line_max(m, 500)),
        None => Line::from(keys_line(w)),
    };
    vec![
        Line::from(first),
        Line::from(time_bar(last, c, w.max(1))),
        third,
    ]
}

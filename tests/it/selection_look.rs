//! The selected timeline entry stands out in every built-in theme (its whole row, with
//! real contrast), and in mono the header's alarm is reverse video, not bold like the
//! title around it.

use chrono::{DateTime, Utc};
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use warroom::incident::Incident;
use warroom::ui::app::{App, AppOptions};
use warroom::ui::theme::{BUILTIN, Sem};

use crate::replay_support::{story, t0};

fn draw(app: &mut App, inc: &Incident, now: DateTime<Utc>) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap_or_else(|e| panic!("{e}"));
    term.draw(|f| app.draw(f, f.area(), inc, now))
        .unwrap_or_else(|e| panic!("{e}"));
    term.backend().buffer().clone()
}

fn row_text(b: &Buffer, y: u16) -> String {
    (0..b.area.width)
        .map(|x| b.cell((x, y)).map(|c| c.symbol()).unwrap_or(" "))
        .collect()
}

/// WCAG relative luminance of an RGB colour.
fn luminance(c: Color) -> f64 {
    let Color::Rgb(r, g, b) = c else {
        panic!("true-colour theme expected, got {c:?}")
    };
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

fn contrast(a: Color, b: Color) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// (row, column) of the first cell of `what`.
fn find(b: &Buffer, what: &str) -> (u16, u16) {
    for y in 0..b.area.height {
        let line = row_text(b, y);
        if let Some(i) = line.find(what) {
            return (y, line[..i].chars().count() as u16);
        }
    }
    panic!("{what:?} not on screen")
}

#[test]
fn the_selected_entry_stands_out_in_every_theme() {
    let inc = Incident::fold(&story());
    let now = t0() + chrono::Duration::minutes(60);
    let n = inc.timeline.len();
    let newest = &inc.timeline[n - 1];
    let other = &inc.timeline[n - 2];
    let probe = |s: &str| s.chars().take(12).collect::<String>();
    for name in BUILTIN {
        let mut o = AppOptions::new("ana");
        o.theme = warroom::assets::themes::load(name, &[]).unwrap_or_else(|e| panic!("{e}"));
        let mut app = App::new(o);
        app.handle_input(
            &TermEvent::Key(KeyEvent::new(KeyCode::Up, KeyModifiers::NONE)),
            &inc,
            now,
        );
        let b = draw(&mut app, &inc, now);
        // A cell in the middle of the selected entry's text, one of the entry above.
        let (y, x) = find(&b, &probe(&newest.text));
        let (oy, ox) = find(&b, &probe(&other.text));
        let sel = b.cell((x + 3, y)).cloned().unwrap_or_default();
        let plain = b.cell((ox + 3, oy)).cloned().unwrap_or_default();
        if *name == "mono" {
            assert!(
                sel.modifier.contains(Modifier::REVERSED)
                    && !plain.modifier.contains(Modifier::REVERSED),
                "mono: the selected entry's text is reverse video"
            );
            continue;
        }
        let c = contrast(sel.bg, plain.bg);
        assert!(
            c >= 3.0,
            "{name}: the selection's background {:?} against the pane's {:?} has contrast {c:.2}, want ≥ 3",
            sel.bg,
            plain.bg
        );
        let t = contrast(sel.fg, sel.bg);
        assert!(
            t >= 4.5,
            "{name}: selected text contrast {t:.2}, want ≥ 4.5"
        );
    }
}

#[test]
fn in_mono_the_alarm_in_the_header_is_reverse_video_unlike_the_title() {
    let t = warroom::assets::themes::load("mono", &[]).unwrap_or_else(|e| panic!("{e}"));
    let head = t.s(Sem::Header);
    let alarm = head.patch(t.s(Sem::Crit));
    let title = head.patch(t.s(Sem::Title));
    assert!(alarm.add_modifier.contains(Modifier::REVERSED), "{alarm:?}");
    assert!(
        !title.add_modifier.contains(Modifier::REVERSED),
        "the header around the alarm is not reversed: {title:?}"
    );
}

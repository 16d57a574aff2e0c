//! Whole-screen snapshots of the sample incident: text at three sizes, and per theme the
//! styles of every cell (a letter per cell with a legend of fg/bg/modifiers).

use std::collections::BTreeMap;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Style;
use warroom::ui::app::{App, AppOptions};
use warroom::ui::theme::{ColorDepth, Theme};
use warroom_testdata::sample;

fn draw(opts: AppOptions, w: u16, h: u16) -> Buffer {
    let mut app = App::new(opts);
    let inc = sample::incident();
    let now = sample::now();
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("backend");
    t.draw(|f| app.draw(f, f.area(), &inc, now)).expect("draw");
    t.backend().buffer().clone()
}

fn text(b: &Buffer) -> String {
    let a = b.area;
    let mut s = String::new();
    for y in 0..a.height {
        let mut line = String::new();
        for x in 0..a.width {
            line.push_str(b.cell((x, y)).map(|c| c.symbol()).unwrap_or(" "));
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

fn describe(st: &Style) -> String {
    let c =
        |c: Option<ratatui::style::Color>| c.map(|c| format!("{c}")).unwrap_or_else(|| "-".into());
    let m = st.add_modifier;
    let mods = if m.is_empty() {
        String::new()
    } else {
        format!(" {m:?}")
    };
    format!("fg={} bg={}{mods}", c(st.fg), c(st.bg))
}

/// Text rows, each followed by a row of style letters; a legend maps letters to styles.
fn styles(b: &Buffer) -> String {
    const LETTERS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let a = b.area;
    let mut legend: BTreeMap<String, char> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut rows = String::new();
    for y in 0..a.height {
        let mut t = String::new();
        let mut s = String::new();
        for x in 0..a.width {
            let Some(cell) = b.cell((x, y)) else { continue };
            t.push_str(cell.symbol());
            let d = describe(&cell.style());
            let n = legend.len();
            let letter = *legend.entry(d.clone()).or_insert_with(|| {
                order.push(d.clone());
                LETTERS.chars().nth(n).unwrap_or('?')
            });
            s.push(letter);
        }
        rows.push_str(&format!("{t}\n{s}\n"));
    }
    let mut out = String::from("legend:\n");
    for d in order {
        out.push_str(&format!("  {} {d}\n", legend[&d]));
    }
    out.push_str(&rows);
    out
}

#[test]
fn whole_screen_at_three_sizes() {
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let b = draw(AppOptions::new("ana"), w, h);
        let s = text(&b);
        // What a person must see at every size.
        for want in [
            "DRILL",
            "SEV1",
            "monitoring",
            "14:12:34 UTC",
            "Metrics",
            "Outage reports",
            "Alerts",
            "Timeline",
            "Checklists",
            "Status pages",
        ] {
            assert!(s.contains(want), "{w}x{h} misses {want:?}\n{s}");
        }
        insta::assert_snapshot!(format!("screen_{w}x{h}"), s);
    }
}

#[test]
fn every_theme_at_120x40_with_colours() {
    for name in warroom::ui::theme::BUILTIN {
        let mut o = AppOptions::new("ana");
        o.theme = Theme::builtin(name).expect("builtin theme");
        let b = draw(o, 120, 40);
        insta::assert_snapshot!(format!("theme_{name}_120x40"), styles(&b));
    }
}

#[test]
fn mono_and_no_color_have_no_colours() {
    let mut o = AppOptions::new("ana");
    o.theme = Theme::builtin("mono").expect("mono");
    let b = draw(o, 80, 24);
    let s = styles(&b);
    assert!(
        !s.contains("fg=Rgb") && !s.contains("bg=Rgb") && !s.contains("Indexed"),
        "{s}"
    );
    insta::assert_snapshot!("mono_80x24", s);
    // NO_COLOR on the default theme: no colour anywhere, but severity still stands out.
    let mut o = AppOptions::new("ana");
    o.depth = ColorDepth::detect(Some("truecolor"), Some("xterm-256color"), Some("1"));
    let b = draw(o, 80, 24);
    for c in b.content() {
        let st = c.style();
        assert!(
            st.fg.is_none_or(|c| c == ratatui::style::Color::Reset),
            "{st:?}"
        );
        assert!(
            st.bg.is_none_or(|c| c == ratatui::style::Color::Reset),
            "{st:?}"
        );
    }
    let sev = b
        .content()
        .iter()
        .find(|c| c.symbol() == "S")
        .expect("SEV1 cell");
    assert!(
        sev.style()
            .add_modifier
            .contains(ratatui::style::Modifier::BOLD)
    );
}

#[test]
fn colours_downgrade_to_the_terminal() {
    let mut o = AppOptions::new("ana");
    o.depth = ColorDepth::detect(None, Some("xterm-256color"), None);
    let s = styles(&draw(o, 80, 24));
    assert!(!s.contains("#"), "no RGB left at 256 colours");
    assert!(s.contains("fg=") && s.contains("bg="));
    let mut o = AppOptions::new("ana");
    o.depth = ColorDepth::detect(None, Some("xterm"), None);
    let s = styles(&draw(o, 80, 24));
    assert!(!s.contains("#"), "no RGB at 16 colours");
    insta::assert_snapshot!("default_ansi16_80x24", s);
}

#[test]
fn key_cells_have_their_semantic_styles() {
    use warroom::ui::theme::Sem;
    let theme = Theme::default();
    let b = draw(AppOptions::new("ana"), 120, 40);
    let s = text(&b);
    let find = |needle: &str| -> (u16, u16) {
        for (y, l) in s.lines().enumerate() {
            if let Some(i) = l.find(needle) {
                return (l[..i].chars().count() as u16, y as u16);
            }
        }
        panic!("{needle} not on screen")
    };
    let style_at = |p: (u16, u16)| b.cell(p).expect("cell").style();
    // SEV1 badge uses the sev1 style.
    let (x, y) = find("SEV1");
    assert_eq!(style_at((x, y)).bg, theme.s(Sem::Sev1).bg);
    // A major outage component is crit-coloured.
    let (x, y) = find("major outage");
    assert_eq!(style_at((x, y)).fg, theme.s(Sem::Crit).fg);
    // The focused pane (timeline) border uses the focus style.
    let (x, y) = find("Timeline");
    assert_eq!(style_at((x, y)).fg, theme.s(Sem::Focus).fg);
    // The drill badge.
    let (x, y) = find("DRILL");
    assert_eq!(style_at((x, y)).bg, theme.s(Sem::Drill).bg);
}

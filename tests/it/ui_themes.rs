//! Themes from folders: found by name, listed, switched live, and broken ones reported
//! with the file and the key that is wrong.

use std::path::PathBuf;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;
use warroom::assets::themes;
use warroom::ui::app::{App, AppOptions};
use warroom::ui::theme::Sem;
use warroom_testdata::sample;

const CUSTOM: &str = r##"
name = "night-shift"
[palette]
ink = "#101010"
alarm = "#ff0000"
[styles]
base = { fg = "white", bg = "ink" }
crit = { fg = "alarm", bold = true }
sev1 = { fg = "ink", bg = "alarm" }
"##;

fn dir_with(files: &[(&str, &str)]) -> (tempfile::TempDir, Vec<PathBuf>) {
    let d = tempfile::tempdir().expect("tempdir");
    for (n, body) in files {
        std::fs::write(d.path().join(n), body).expect("write");
    }
    let v = vec![d.path().to_path_buf()];
    (d, v)
}

#[test]
fn a_theme_in_a_folder_is_found_listed_and_used() {
    let (_d, dirs) = dir_with(&[("night-shift.toml", CUSTOM)]);
    assert!(themes::available(&dirs).iter().any(|n| n == "night-shift"));
    let t = themes::load("night-shift", &dirs).expect("loads");
    assert_eq!(t.s(Sem::Crit).fg, Some(Color::Rgb(255, 0, 0)));
    // Styles left out fall back to base.
    assert_eq!(t.s(Sem::Ok), t.s(Sem::Base));
    assert!(
        themes::check_all(&dirs).is_empty(),
        "{:?}",
        themes::check_all(&dirs)
    );

    // Switch to it live with :theme.
    let mut opts = AppOptions::new("ana");
    opts.themes = themes::load_all(&dirs);
    let mut app = App::new(opts);
    let inc = sample::incident();
    let now = sample::now();
    for c in ":theme night-shift".chars() {
        app.handle_input(
            &Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
            &inc,
            now,
        );
    }
    app.handle_input(
        &Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        &inc,
        now,
    );
    assert_eq!(app.theme().name, "night-shift");
    let area = ratatui::layout::Rect::new(0, 0, 120, 40);
    let mut buf = ratatui::buffer::Buffer::empty(area);
    app.render(&mut buf, area, &inc, now);
    let sev = buf
        .content()
        .iter()
        .find(|c| c.symbol() == "S")
        .expect("SEV1 on screen");
    assert_eq!(
        sev.style().bg,
        Some(Color::Rgb(255, 0, 0)),
        "the new theme is drawn"
    );
}

#[test]
fn broken_themes_are_reported_with_file_and_key() {
    let (_d, dirs) = dir_with(&[
        ("typo.toml", "[styles]\nsev1 = { fg = \"redd\" }\n"),
        (
            "unknown-key.toml",
            "[styles]\ncritical = { fg = \"red\" }\n",
        ),
        ("bad-field.toml", "[styles]\nok = { colour = \"red\" }\n"),
        ("not-toml.toml", "[styles\nok = 1\n"),
        ("bad-palette.toml", "[palette]\nx = \"#12345\"\n"),
    ]);
    let errs = themes::check_all(&dirs);
    assert_eq!(errs.len(), 5, "{errs:#?}");
    let find = |f: &str| {
        errs.iter()
            .find(|e| e.contains(f))
            .cloned()
            .unwrap_or_default()
    };
    assert!(find("typo.toml").contains("styles.sev1.fg") && find("typo.toml").contains("redd"));
    assert!(find("unknown-key.toml").contains("styles.critical"));
    assert!(find("bad-field.toml").contains("styles.ok.colour"));
    assert!(find("not-toml.toml").contains("not-toml.toml"));
    assert!(find("bad-palette.toml").contains("palette.x"));
    // Load by name gives the same error; an unknown name lists the themes.
    assert!(themes::load("typo", &dirs).is_err());
    let e = themes::load("nope", &dirs)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("unknown theme") && e.contains("default") && e.contains("typo"),
        "{e}"
    );
    // Names can't walk out of the theme folders.
    assert!(themes::load("../etc/passwd", &dirs).is_err());
    // Broken themes are not offered to :theme.
    assert!(themes::load_all(&dirs).iter().all(|t| t.name != "typo"));
}

//! Draws the sample incident to a test backend and prints it, to look at the screen as a
//! person would: `cargo run --example ui_preview -- 200 60 [theme] [keys]`.
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::ui::app::{App, AppOptions};
use warroom_testdata::sample;

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let w: u16 = a.first().and_then(|s| s.parse().ok()).unwrap_or(120);
    let h: u16 = a.get(1).and_then(|s| s.parse().ok()).unwrap_or(40);
    let mut opts = AppOptions::new("ana");
    if let Some(t) = a.get(2).and_then(|n| warroom::ui::theme::Theme::builtin(n)) {
        opts.theme = t;
    }
    let mut app = App::new(opts);
    let inc = sample::incident();
    let now = sample::now();
    // Keys to press before drawing: `\t` is Tab, other characters are typed as they are.
    for c in a.get(3).map(String::as_str).unwrap_or("").chars() {
        let code = match c {
            '\t' => crossterm::event::KeyCode::Tab,
            '\n' => crossterm::event::KeyCode::Enter,
            c => crossterm::event::KeyCode::Char(c),
        };
        let ev = crossterm::event::Event::Key(crossterm::event::KeyEvent::from(code));
        app.handle_input(&ev, &inc, now);
    }
    let Ok(mut term) = Terminal::new(TestBackend::new(w, h));
    let _ = term.draw(|f| app.draw(f, f.area(), &inc, now));
    let buf = term.backend().buffer();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            if let Some(c) = buf.cell((x, y)) {
                line.push_str(c.symbol());
            }
        }
        println!("{line}");
    }
}

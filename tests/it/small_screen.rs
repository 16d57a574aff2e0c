//! The smallest screen (60x15): no pane is an empty box. Where two boxes would show only
//! their borders, the outage reports fold into one line and the alerts keep a box with
//! what is firing.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::ui::app::{App, AppOptions};
use warroom_testdata::sample;

fn screen(w: u16, h: u16) -> Vec<String> {
    let mut app = App::new(AppOptions::new("ana"));
    let inc = sample::incident();
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("backend");
    t.draw(|f| app.draw(f, f.area(), &inc, sample::now()))
        .expect("draw");
    let b = t.backend().buffer().clone();
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| b[(x, y)].symbol().to_string())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect()
}

#[test]
fn at_60x15_reports_and_alerts_show_content_not_empty_boxes() {
    let s = screen(60, 15);
    let all = s.join("\n");
    // The reports in one line: the name and the count against the usual.
    let reports = s
        .iter()
        .find(|l| l.contains("Reports "))
        .unwrap_or_else(|| panic!("no reports line:\n{all}"));
    assert!(reports.contains("reports"), "{all}");
    // The alerts box shows a firing alert inside its border.
    let title = s
        .iter()
        .position(|l| l.contains("Alerts "))
        .unwrap_or_else(|| panic!("no alerts pane:\n{all}"));
    assert!(
        s.get(title + 1).is_some_and(|l| l.contains('●')),
        "the alerts box is empty:\n{all}"
    );
    // No box anywhere with a top border straight on its bottom border.
    for w in s.windows(2) {
        for (i, c) in w[0].char_indices() {
            if c == '╭' {
                let col = w[0][..i].chars().count();
                assert_ne!(
                    w[1].chars().nth(col),
                    Some('╰'),
                    "an empty box at column {col}:\n{all}"
                );
            }
        }
    }
    insta::assert_snapshot!("screen_60x15", all);
}

//! The `:incidents` popup drawn at the sizes people use (80x24, 120x40, 200x60): every
//! column it shows is whole (none cut at the edge), and the ages tick with the clock.
use chrono::Duration;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::desk_logs::{t0, write_dir};
use warroom::ui::incidents_popup::IncidentsPopup;
use warroom::ui::theme::Theme;

fn screen(
    popup: &IncidentsPopup,
    w: u16,
    h: u16,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<String> {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    popup.draw(&mut buf, area, &Theme::default(), now);
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect())
        .collect()
}

/// The line of the screen that holds `text`.
fn line_with<'a>(lines: &'a [String], text: &str) -> &'a str {
    lines.iter().find(|l| l.contains(text)).map_or_else(
        || panic!("no line with {text:?} in\n{}", lines.join("\n")),
        |l| l.as_str(),
    )
}

#[test]
fn the_popup_fits_its_columns_to_the_terminal_and_its_ages_tick() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_dir(dir.path());
    let listing = warroom::desk::list::list(dir.path()).expect("list");
    // The open checkout incident started at day 1, 10:00; its public update was at 10:20.
    let now = t0() + Duration::minutes(24 * 60 + 20 + 60);
    let popup = IncidentsPopup::new(listing, now, "Incidents");

    // 80x24: severity, state, title, duration and the last public update.
    let small = screen(&popup, 80, 24, now);
    let header = line_with(&small, "SEV");
    assert!(
        header.contains("PUBLIC UPDATE") && !header.contains("LOG"),
        "{header}"
    );
    let row = line_with(&small, "Checkout failing");
    assert!(
        row.contains("open 1h20m") && row.contains("1h00m ago"),
        "{row}"
    );

    // 120x40: the commander and drill-or-real too, the whole title, nothing cut.
    let mid = screen(&popup, 120, 40, now);
    let header = line_with(&mid, "SEV");
    assert!(
        header.contains("COMMANDER") && header.contains("KIND"),
        "{header}"
    );
    let row = line_with(&mid, "Checkout failing for EU shoppers");
    assert!(row.contains(" ana ") && row.contains(" real "), "{row}");

    // 200x60: every column, the log's file name whole.
    let big = screen(&popup, 200, 60, now);
    let header = line_with(&big, "SEV");
    assert!(
        header.contains("STARTED (UTC)") && header.contains("LOG"),
        "{header}"
    );
    assert!(line_with(&big, "Checkout failing").contains("2026-11-03-checkout.jsonl"));

    // An hour on, the same popup (no new listing) shows the ages an hour older.
    let later = screen(&popup, 120, 40, now + Duration::hours(1));
    let row = line_with(&later, "Checkout failing for EU shoppers");
    assert!(
        row.contains("open 2h20m") && row.contains("2h00m ago"),
        "{row}"
    );
}

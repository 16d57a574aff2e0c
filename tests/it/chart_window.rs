//! The metrics pane's title names a fixed window ("last 30m") that steps as data
//! accumulates, not a span that grows every second ("last 22m34s", "last 22m35s").

use chrono::Duration;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::ui::app::{App, AppOptions};
use warroom_testdata::sample;

fn title_at(app: &mut App, later: Duration) -> String {
    let inc = sample::incident();
    let mut t = Terminal::new(TestBackend::new(120, 40)).expect("backend");
    t.draw(|f| app.draw(f, f.area(), &inc, sample::now() + later))
        .expect("draw");
    let b = t.backend().buffer().clone();
    let row: String = (0..120).map(|x| b[(x, 2)].symbol().to_string()).collect();
    let i = row.find("Metrics").unwrap_or_else(|| panic!("{row}"));
    row[i..]
        .split('─')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string()
}

#[test]
fn the_metrics_window_is_a_fixed_step_not_a_growing_span() {
    // The sample's data reaches back 22m34s.
    let mut app = App::new(AppOptions::new("ana"));
    assert_eq!(title_at(&mut app, Duration::zero()), "Metrics last 30m");
    assert_eq!(
        title_at(&mut app, Duration::seconds(61)),
        "Metrics last 30m"
    );
    // Past 30 minutes of data it steps to an hour, the view's window, and stays there.
    assert_eq!(title_at(&mut app, Duration::minutes(10)), "Metrics last 1h");
    assert_eq!(title_at(&mut app, Duration::minutes(90)), "Metrics last 1h");
    // A shorter view window caps it.
    let mut o = AppOptions::new("ana");
    o.window = Duration::minutes(15);
    let mut app = App::new(o);
    assert_eq!(title_at(&mut app, Duration::zero()), "Metrics last 15m");
}

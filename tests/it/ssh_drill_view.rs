//! An SSH responder's view of a drill is the room's view: the room's configured theme, the
//! drill's briefing and, once resolved, the drill report, all derived from the log
//! (`drill_started` carries the header), through the real OpenSSH client.

use crate::ssh_support::{Fixture, have_ssh};

use warroom::drill_report::Reference;
use warroom::incident::{EventKind, IncidentState, Severity};
use warroom::room::Look;
use warroom::ui::theme::{ColorDepth, Sem, builtin_themes};

/// The room's theme: a built-in one that is not the default.
fn light() -> Look {
    let themes = builtin_themes();
    let theme = themes
        .iter()
        .find(|t| t.name == "light")
        .cloned()
        .expect("a built-in light theme");
    Look {
        theme,
        themes,
        ..Look::default()
    }
}

fn drill_started() -> EventKind {
    EventKind::DrillStarted {
        scenario: "checkout-outage".into(),
        speed: 1.0,
        title: None,
        severity: Some(Severity::Sev2),
        briefing: Some("Checkout fails in the sale. BRIEFING-MARK: numbers invented.".into()),
        reference: Some(Reference {
            detect: Some(120.0),
            acknowledge: Some(60.0),
            mitigate: Some(900.0),
            resolve: Some(1800.0),
            ..Reference::default()
        }),
        impact: Some(0.0),
    }
}

/// The screen colour of `c` as vt100 reads it.
fn vt(c: Option<ratatui::style::Color>) -> vt100::Color {
    match c {
        Some(ratatui::style::Color::Indexed(i)) => vt100::Color::Idx(i),
        Some(ratatui::style::Color::Rgb(r, g, b)) => vt100::Color::Rgb(r, g, b),
        Some(ratatui::style::Color::Black) => vt100::Color::Idx(0),
        Some(ratatui::style::Color::White) => vt100::Color::Idx(15),
        _ => vt100::Color::Default,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ssh_view_of_a_drill_has_the_rooms_theme_briefing_and_report() {
    if !have_ssh("an_ssh_view_of_a_drill_has_the_rooms_theme_briefing_and_report") {
        return;
    }
    let look = light();
    // The harness's ssh runs with TERM=xterm-256color.
    let base = look.theme.with_depth(ColorDepth::Ansi256).s(Sem::Base);
    let default_base = warroom::ui::theme::Theme::default()
        .with_depth(ColorDepth::Ansi256)
        .s(Sem::Base);
    assert_ne!(base.bg, default_base.bg, "the light theme looks different");
    let mut fx = Fixture::start_look(look).await;
    fx.record(drill_started()).await;

    let mut ana = fx.connect("ana", "ana", 120, 40);
    ana.wait_for("BRIEFING-MARK").await;
    // Frames arrive in pieces: wait until one whole frame is on the client's screen.
    let themed = || {
        let p = ana.screen.lock().expect("screen");
        let screen = p.screen();
        let mut n = 0;
        for y in 0..40 {
            for x in 0..120 {
                if screen
                    .cell(y, x)
                    .is_some_and(|c| c.bgcolor() == vt(base.bg))
                {
                    n += 1;
                }
            }
        }
        n
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while themed() <= 120 * 40 / 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the room's theme over SSH: {} cells of 4800 have its background\n{}",
            themed(),
            ana.contents()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    // The first key closes the briefing and does its job.
    ana.send(b":resolve\r");
    fx.wait_room("resolved", |i| i.state == IncidentState::Resolved)
        .await;
    ana.wait_for("Drill report").await;
    ana.wait_for("reference").await;
    fx.stop().await;
}

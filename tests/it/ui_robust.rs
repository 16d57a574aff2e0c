//! No panic at any size, and hostile text in every pane never reaches a cell as a control
//! character, and wide characters never break a pane's borders.

use std::collections::BTreeMap;

use chrono::Duration;
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use warroom::incident::{Actor, AlertState, Direction, Event, EventKind, Incident};
use warroom::ui::app::{App, AppOptions};
use warroom::ui::layout;
use warroom_testdata::sample;

fn render(app: &mut App, inc: &Incident, w: u16, h: u16) -> Buffer {
    let area = Rect::new(0, 0, w, h);
    let mut b = Buffer::empty(area);
    app.render(&mut b, area, inc, sample::now());
    b
}

fn sizes() -> Vec<(u16, u16)> {
    let mut ws: Vec<u16> = (1..=24).collect();
    ws.extend((25..=300).step_by(9));
    ws.extend([
        59, 60, 61, 79, 80, 81, 99, 100, 101, 119, 120, 159, 160, 161, 199, 200, 300,
    ]);
    let mut hs: Vec<u16> = (1..=24).collect();
    hs.extend((25..=100).step_by(6));
    hs.extend([29, 30, 31, 39, 40, 59, 60, 100]);
    let mut v = Vec::new();
    for w in &ws {
        for h in &hs {
            v.push((*w, *h));
        }
    }
    v
}

#[test]
fn every_size_from_1x1_to_300x100_draws_without_panic() {
    let inc = sample::incident();
    let mut app = App::new(AppOptions::new("ana"));
    let mut small = 0;
    for (w, h) in sizes() {
        let b = render(&mut app, &inc, w, h);
        let s: String = b.content().iter().map(|c| c.symbol()).collect();
        if w < layout::MIN_W || h < layout::MIN_H {
            small += 1;
            if w >= 20 && h >= 1 {
                assert!(s.contains("too small"), "{w}x{h}");
            }
        } else {
            assert!(s.contains("Timeline"), "{w}x{h}");
        }
    }
    assert!(small > 500);
    // Zoomed, with help open, and in the command line, at a spread of sizes.
    let esc = TermEvent::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    for (i, (w, h)) in sizes().into_iter().enumerate().filter(|(i, _)| i % 7 == 0) {
        let mut app = App::new(AppOptions::new("ana"));
        let k = ['z', '?', ':', 'n', '/'][i % 5];
        app.handle_input(
            &TermEvent::Key(KeyEvent::new(KeyCode::Char(k), KeyModifiers::NONE)),
            &inc,
            sample::now(),
        );
        for c in "a long line of typed text that will not fit "
            .repeat(5)
            .chars()
        {
            app.handle_input(
                &TermEvent::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
                &inc,
                sample::now(),
            );
        }
        render(&mut app, &inc, w, h);
        app.handle_input(&esc, &inc, sample::now());
        render(&mut app, &inc, w, h);
    }
}

#[test]
fn an_empty_incident_draws_everywhere() {
    let inc = Incident::new();
    let mut app = App::new(AppOptions::new("ana"));
    for (w, h) in [(1, 1), (60, 15), (80, 24), (200, 60), (300, 100)] {
        let b = render(&mut app, &inc, w, h);
        let s: String = b.content().iter().map(|c| c.symbol()).collect();
        if w >= 60 {
            assert!(
                s.contains("no entries yet") && s.contains("no metrics yet"),
                "{w}x{h}"
            );
        }
    }
}

const HOSTILE: &[&str] = &[
    "esc\x1b[31mred\x1b[0m\x1b[2J\x1b[H",
    "osc52\x1b]52;c;ZWNobyBwd25lZA==\x07 clip",
    "osc52st\x1b]52;c;ZXZpbA==\x1b\\ clip",
    "bidi \u{202E}gnp.exe\u{202C} \u{2066}x\u{2069}",
    "c1 \u{9b}2J \u{9d}0;title\u{9c} bell\x07 bs\x08 nul\0",
    "emoji 🚨🔥👩‍💻🇺🇸 ok",
    "CJK 决策已做出：回滚购物车服务 全角文字",
    "tab\tnew\nline\rcr",
];

fn long() -> String {
    "x".repeat(10_000) + &"宽".repeat(3_000)
}

fn hostile_incident() -> Incident {
    let mut ev = sample::events();
    let t = sample::now() - Duration::seconds(30);
    let mut push = |by: Actor, kind: EventKind| {
        let id = ev.len() as u64 + 1;
        ev.push(Event {
            id,
            at: t,
            by,
            kind,
        });
    };
    let mut texts: Vec<String> = HOSTILE.iter().map(|s| s.to_string()).collect();
    texts.push(long());
    for (i, s) in texts.iter().enumerate() {
        let who = Actor::person(s.clone());
        let src = Actor::source(s.clone());
        push(
            who.clone(),
            EventKind::Joined {
                person: s.clone(),
                from: None,
            },
        );
        push(who.clone(), EventKind::Note { text: s.clone() });
        push(who.clone(), EventKind::Decision { text: s.clone() });
        push(
            who.clone(),
            EventKind::RoleAssigned {
                role: format!("r{i}{s}"),
                person: s.clone(),
            },
        );
        push(
            who.clone(),
            EventKind::ChecklistDefined {
                list: "detection".into(),
                items: vec![s.clone()],
                done_when: Default::default(),
            },
        );
        push(
            who.clone(),
            EventKind::ChecklistToggled {
                list: s.clone(),
                item: s.clone(),
                done: true,
            },
        );
        push(
            src.clone(),
            EventKind::SignalDefined {
                series: s.clone(),
                unit: s.clone(),
                warn: Some(1.0),
                crit: Some(2.0),
                direction: Direction::Above,
                hysteresis: None,
                dwell: None,
            },
        );
        push(
            src.clone(),
            EventKind::Metric {
                series: s.clone(),
                value: 3.0,
            },
        );
        push(
            src.clone(),
            EventKind::Reports {
                source: s.clone(),
                count: 5000,
                baseline: Some(10.0),
            },
        );
        push(
            src.clone(),
            EventKind::StatusPage {
                page: s.clone(),
                indicator: s.clone(),
                description: s.clone(),
            },
        );
        push(
            src.clone(),
            EventKind::StatusComponent {
                page: s.clone(),
                component: s.clone(),
                status: s.clone(),
                group: Some(s.clone()),
            },
        );
        push(
            src.clone(),
            EventKind::StatusIncident {
                page: s.clone(),
                id: s.clone(),
                title: s.clone(),
                status: s.clone(),
                body: s.clone(),
                update_id: None,
                impact: None,
                posted_at: None,
            },
        );
        push(
            src.clone(),
            EventKind::Alert {
                name: s.clone(),
                state: AlertState::Firing,
                labels: BTreeMap::from([
                    ("severity".to_string(), s.clone()),
                    (s.clone(), s.clone()),
                ]),
                summary: s.clone(),
                fingerprint: None,
                starts_at: None,
            },
        );
        push(
            Actor::System,
            EventKind::SourceHealth {
                source: s.clone(),
                ok: false,
                error: Some(s.clone()),
            },
        );
        push(
            Actor::System,
            EventKind::Unknown {
                kind: s.clone(),
                raw: "{}".into(),
            },
        );
    }
    push(
        Actor::person("ana"),
        EventKind::IncidentDeclared {
            title: format!("{}{}", HOSTILE.concat(), long()),
            severity: warroom::incident::Severity::Sev1,
        },
    );
    push(
        Actor::System,
        EventKind::DrillStarted {
            scenario: HOSTILE[1].into(),
            speed: 1.0,
            title: None,
            severity: None,
            briefing: Some(format!("{}{}", HOSTILE.concat(), long())),
            reference: None,
            impact: None,
        },
    );
    Incident::fold(&ev)
}

fn assert_clean(b: &Buffer, what: &str) {
    for (i, c) in b.content().iter().enumerate() {
        let s = c.symbol();
        assert!(
            !s.chars().any(|ch| ch.is_control()
                || matches!(ch, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')),
            "{what}: control or bidi character {s:?} in cell {i}"
        );
        assert!(!s.contains('\x1b'), "{what}: ESC in cell {i}");
    }
}

fn assert_borders(b: &Buffer, inc: &Incident, w: u16, h: u16) {
    let Some(screen) = layout::layout(Rect::new(0, 0, w, h), inc, None) else {
        return;
    };
    for (id, r) in &screen.panes {
        if r.width < 2 || r.height < 2 {
            continue;
        }
        for y in r.y + 1..r.bottom() - 1 {
            for x in [r.x, r.right() - 1] {
                let sym = b.cell((x, y)).map(|c| c.symbol()).unwrap_or("");
                assert!(
                    sym == "│" || sym == "┃",
                    "{w}x{h} {id:?}: border broken at ({x},{y}): {sym:?}"
                );
            }
        }
        for x in r.x + 1..r.right() - 1 {
            let sym = b
                .cell((x, r.bottom() - 1))
                .map(|c| c.symbol())
                .unwrap_or("");
            assert!(
                sym == "─" || sym == "━",
                "{w}x{h} {id:?}: bottom border broken at ({x}): {sym:?}"
            );
        }
    }
}

#[test]
fn hostile_text_in_every_pane_never_reaches_a_cell() {
    let inc = hostile_incident();
    // Every pane has hostile content to draw.
    assert!(inc.timeline.len() > 100 && inc.pages.len() > 5 && inc.firing().len() > 5);
    for (w, h) in [
        (60, 15),
        (80, 24),
        (120, 40),
        (200, 60),
        (300, 100),
        (61, 17),
        (133, 47),
    ] {
        let mut app = App::new(AppOptions::new("ana\x1b]52;c;eA==\x07"));
        // The drill's briefing shows first, cleaned too; Esc closes it.
        let b = render(&mut app, &inc, w, h);
        assert_clean(&b, &format!("{w}x{h} briefing"));
        let s: String = b.content().iter().map(|c| c.symbol()).collect();
        assert!(s.contains("Drill briefing"), "{w}x{h}");
        let esc = TermEvent::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
        app.handle_input(&esc, &inc, sample::now());
        let b = render(&mut app, &inc, w, h);
        assert_clean(&b, &format!("{w}x{h}"));
        assert_borders(&b, &inc, w, h);
        let s: String = b.content().iter().map(|c| c.symbol()).collect();
        assert!(
            s.contains("osc52") || s.contains("CJK") || s.contains("emoji"),
            "hostile text is shown, cleaned: {w}x{h}"
        );
        // Every pane zoomed, so each gets the whole screen.
        let tab = TermEvent::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
        let z = TermEvent::Key(KeyEvent::new(KeyCode::Char('z'), KeyModifiers::NONE));
        app.handle_input(&z, &inc, sample::now());
        for _ in 0..6 {
            let b = render(&mut app, &inc, w, h);
            assert_clean(&b, &format!("{w}x{h} zoomed"));
            app.handle_input(&tab, &inc, sample::now());
        }
    }
}

#[test]
fn hostile_typed_text_and_filters_stay_clean() {
    let inc = hostile_incident();
    let mut app = App::new(AppOptions::new("ana"));
    let now = sample::now();
    app.handle_input(
        &TermEvent::Key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE)),
        &inc,
        now,
    );
    app.handle_input(&TermEvent::Paste("决策 \x1b[2J🚨".into()), &inc, now);
    let b = render(&mut app, &inc, 120, 40);
    assert_clean(&b, "filter");
    app.handle_input(
        &TermEvent::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        &inc,
        now,
    );
    let b = render(&mut app, &inc, 120, 40);
    assert_clean(&b, "filtered");
    let s: String = b.content().iter().map(|c| c.symbol()).collect();
    assert!(s.contains("决"), "the CJK decision matches the filter");
}

//! The comms pane and the status-update composer, drawn and driven through the App with
//! the sample incident plus status updates, deliveries and a cadence.

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{Event as Input, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Style;
use warroom::incident::{
    Actor, Audience, ComponentStatus, Event, EventKind, Incident, IncidentState, PublishOutcome,
};
use warroom::ui::app::{Action, App, AppOptions, Input as Mode};
use warroom::ui::composer::Targets;
use warroom::ui::theme::Sem;
use warroom_testdata::sample;

fn key(code: KeyCode) -> Input {
    Input::Key(KeyEvent::new(code, KeyModifiers::NONE))
}
fn ch(c: char) -> Input {
    key(KeyCode::Char(c))
}
fn ctrl(c: char) -> Input {
    Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// After the sample's last event (14:10:30), in log order: 14:10:40 bo's public update
/// (statuspage delivered, slack failed 500); 14:11:00 an internal one. SEV1 every 20
/// minutes: the next is due 14:30:40.
fn incident() -> Incident {
    let mut inc = sample::incident();
    for p in &mut inc.pages {
        p.role = Some(
            if p.name == "shop status" {
                "own"
            } else {
                "provider"
            }
            .into(),
        );
    }
    let at = |h: u32, m: u32, s: u32| {
        sample::t0()
            .with_time(chrono::NaiveTime::from_hms_opt(h, m, s).unwrap_or_default())
            .single()
            .unwrap_or_default()
    };
    let mut id = inc.last_id;
    let mut ev = |at: DateTime<Utc>, by: Actor, kind: EventKind| {
        id += 1;
        Event { id, at, by, kind }
    };
    let events = vec![
        ev(
            at(14, 10, 35),
            Actor::System,
            EventKind::CommsDefined {
                first_update_within: 15 * 60,
                every: [("SEV1", 20 * 60), ("SEV2", 30 * 60), ("SEV3", 60 * 60)]
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
                contradiction_after: 300,
            },
        ),
        ev(
            at(14, 10, 40),
            Actor::person("bo"),
            EventKind::StatusUpdate {
                audience: Audience::Public,
                state: IncidentState::Identified,
                components: vec![ComponentStatus {
                    name: "Checkout".into(),
                    id: None,
                    status: "major_outage".into(),
                }],
                body: "Customers cannot complete checkout; we found the cause.\nNext update by 14:30 UTC.".into(),
                targets: vec!["statuspage".into(), "slack".into()],
            },
        ),
    ];
    for e in &events {
        inc.apply(e);
    }
    let update = inc.last_id;
    let publish =
        |target: &str, outcome, status: Option<u16>, message: Option<&str>| EventKind::Publish {
            update,
            target: target.into(),
            outcome,
            attempt: 1,
            remote_id: (outcome == PublishOutcome::Delivered).then(|| "p0x1".to_string()),
            status,
            message: message.map(str::to_string),
        };
    let more = vec![
        ev(
            at(14, 10, 41),
            Actor::System,
            publish("statuspage", PublishOutcome::Delivered, None, None),
        ),
        ev(
            at(14, 10, 42),
            Actor::System,
            publish(
                "slack",
                PublishOutcome::Failed,
                Some(500),
                Some("internal_error"),
            ),
        ),
        ev(
            at(14, 11, 0),
            Actor::person("bo"),
            EventKind::StatusUpdate {
                audience: Audience::Internal,
                state: IncidentState::Identified,
                components: vec![],
                body: "Rollback of cart-service is running; support has the wording.".into(),
                targets: vec![],
            },
        ),
    ];
    for e in &more {
        inc.apply(e);
    }
    inc
}

fn draw(app: &mut App, inc: &Incident, now: DateTime<Utc>, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("backend");
    t.draw(|f| app.draw(f, f.area(), inc, now)).expect("draw");
    t.backend().buffer().clone()
}

fn text(b: &Buffer) -> String {
    let mut s = String::new();
    for y in 0..b.area.height {
        let mut line = String::new();
        for x in 0..b.area.width {
            line.push_str(b.cell((x, y)).map(|c| c.symbol()).unwrap_or(" "));
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

/// Colour and modifiers of a style (a cell also carries the pane's background, and no
/// colour is the terminal's own).
fn look(s: Style) -> (Option<ratatui::style::Color>, ratatui::style::Modifier) {
    (
        Some(s.fg.unwrap_or(ratatui::style::Color::Reset)),
        s.add_modifier,
    )
}

/// Colour and modifiers of the first cell of `what` on screen.
fn style_of(
    b: &Buffer,
    what: &str,
) -> Option<(Option<ratatui::style::Color>, ratatui::style::Modifier)> {
    for y in 0..b.area.height {
        let row: Vec<String> = (0..b.area.width)
            .map(|x| {
                b.cell((x, y))
                    .map(|c| c.symbol().to_string())
                    .unwrap_or_default()
            })
            .collect();
        let line: String = row.concat();
        if let Some(i) = line.find(what) {
            // Cell index of byte offset i (symbols may be several bytes).
            let mut bytes = 0;
            for (x, sym) in row.iter().enumerate() {
                if bytes == i {
                    return b.cell((x as u16, y)).map(|c| look(c.style()));
                }
                bytes += sym.len();
            }
        }
    }
    None
}

#[test]
fn pane_at_120x40_shows_the_last_public_update_its_deliveries_the_due_time_and_our_page() {
    let inc = incident();
    let mut app = App::new(AppOptions::new("ana"));
    let s = text(&draw(&mut app, &inc, sample::now(), 120, 40));
    for want in [
        "Comms",
        "1 public · 1 internal",
        "public   14:10 · 1m54s ago · identified",
        "  Customers cannot complete checkout",
        "→ statuspage ✓ · slack ✗ failed 500: internal_error",
        "next update in 18m06s (due 14:30)",
        "internal 14:11 · 1m34s ago · Rollback of cart",
        "shop status shows a problem",
    ] {
        assert!(s.contains(want), "misses {want:?}\n{s}");
    }
    insta::assert_snapshot!("comms_120x40", s);
}

#[test]
fn at_80x24_comms_is_one_line_under_the_header() {
    let inc = incident();
    let mut app = App::new(AppOptions::new("ana"));
    let s = text(&draw(&mut app, &inc, sample::now(), 80, 24));
    let line = s.lines().nth(1).unwrap_or_default();
    assert!(
        line.starts_with("Comms next update in 18m06s (due 14:30) · public 14:10 identified"),
        "{s}"
    );
    insta::assert_snapshot!("comms_80x24", s);
}

#[test]
fn the_countdown_turns_amber_in_its_last_five_minutes_and_red_when_overdue_in_every_theme() {
    let inc = incident();
    for name in warroom::ui::theme::BUILTIN {
        let mut o = AppOptions::new("ana");
        o.theme = warroom::assets::themes::load(name, &[]).expect("builtin theme");
        let mut app = App::new(o);
        let theme = app.theme().clone();
        let (ok, warn, crit) = (
            look(theme.s(Sem::Ok)),
            look(theme.s(Sem::Warn)),
            look(theme.s(Sem::Crit)),
        );
        assert!(ok != warn && warn != crit && ok != crit, "{name}");
        let calm = sample::now();
        let b = draw(&mut app, &inc, calm, 120, 40);
        assert_eq!(
            style_of(&b, "next update in 18m06s"),
            Some(look(theme.s(Sem::Ok))),
            "{name}"
        );
        let soon = calm + Duration::seconds(14 * 60);
        let b = draw(&mut app, &inc, soon, 120, 40);
        assert_eq!(
            style_of(&b, "next update in 4m06s"),
            Some(look(theme.s(Sem::Warn))),
            "{name}: amber from 5 minutes before\n{}",
            text(&b)
        );
        let late = calm + Duration::seconds(22 * 60);
        let b = draw(&mut app, &inc, late, 120, 40);
        assert_eq!(
            style_of(&b, "OVERDUE 3m: public update was due 14:30"),
            Some(look(theme.s(Sem::Crit))),
            "{name}: red once overdue\n{}",
            text(&b)
        );
        // The one-line form says it too.
        let b = draw(&mut app, &inc, late, 80, 24);
        assert_eq!(
            style_of(&b, "OVERDUE 3m"),
            Some(look(theme.s(Sem::Crit))),
            "{name}\n{}",
            text(&b)
        );
    }
}

/// `inc` after our page goes back to all green at `at` while checkout still burns (two
/// alerts firing), then a metric sample at `then`: what the page's source would record.
fn page_goes_green(mut inc: Incident, at: DateTime<Utc>, then: DateTime<Utc>) -> Incident {
    let src = || Actor::source("shop status");
    let mut id = inc.last_id;
    let mut ev = |at: DateTime<Utc>, by: Actor, kind: EventKind| {
        id += 1;
        Event { id, at, by, kind }
    };
    let mut events = vec![ev(
        at,
        src(),
        EventKind::StatusSummary {
            page: "shop status".into(),
            text: String::new(),
            role: Some("own".into()),
            changes: 0,
            degraded: None,
            opening: false,
        },
    )];
    for c in ["Checkout", "Payments"] {
        events.push(ev(
            at,
            src(),
            EventKind::StatusComponent {
                page: "shop status".into(),
                component: c.into(),
                status: "operational".into(),
                group: None,
            },
        ));
    }
    events.push(ev(
        at,
        src(),
        EventKind::StatusIncident {
            page: "shop status".into(),
            id: "inc1".into(),
            title: "Customers unable to complete checkout".into(),
            status: "resolved".into(),
            body: String::new(),
            update_id: Some("u3".into()),
            impact: None,
            posted_at: None,
        },
    ));
    events.push(ev(
        then,
        Actor::source("prometheus"),
        EventKind::Metric {
            series: "checkout error rate".into(),
            value: 0.03,
        },
    ));
    for e in &events {
        inc.apply(e);
    }
    inc
}

#[test]
fn our_green_page_against_critical_signals_is_amber_and_the_folds_alarm_red() {
    // Green a minute ago: the pane shows the contradiction in amber, no alarm yet.
    let now = sample::now();
    let inc = page_goes_green(incident(), now - Duration::minutes(1), now);
    assert_eq!(inc.comms.alarm, None);
    let mut app = App::new(AppOptions::new("ana"));
    let b = draw(&mut app, &inc, now, 120, 40);
    let theme = app.theme().clone();
    let s = text(&b);
    assert!(s.contains("shop status says operational"), "{s}");
    assert_eq!(
        style_of(&b, "shop status says operational"),
        Some(look(theme.s(Sem::Warn))),
        "{s}"
    );
    // What our signals say, in the fold's words (cut to the pane's width).
    assert_eq!(inc.worst_signal(), "downdetector critical");
    assert_eq!(
        style_of(&b, "downdetector…"),
        Some(look(theme.s(Sem::Crit))),
        "{s}"
    );
    // Green for 6 minutes: the fold raised the alarm 5 minutes in; the pane says it red.
    let inc = page_goes_green(incident(), now - Duration::minutes(6), now);
    assert!(inc.comms.alarm.is_some(), "{:#?}", inc.comms);
    let b = draw(&mut app, &inc, now, 120, 40);
    let s = text(&b);
    for want in ["ALARM our page says operational while", "critical for 6m"] {
        assert!(s.contains(want), "{s}");
        assert_eq!(style_of(&b, want), Some(look(theme.s(Sem::Crit))), "{s}");
    }
}

/// The header's rows (two from 120x40, one at 80x24) as text.
fn header_rows(b: &Buffer, rows: u16) -> String {
    text(b)
        .lines()
        .take(rows as usize)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_alarm_is_in_the_header_in_red_at_every_size_in_every_theme() {
    let now = sample::now();
    let calm = page_goes_green(incident(), now - Duration::minutes(1), now);
    let alarm = page_goes_green(incident(), now - Duration::minutes(6), now);
    assert!(alarm.comms.alarm.is_some());
    let mut shots = Vec::new();
    for name in warroom::ui::theme::BUILTIN {
        let mut o = AppOptions::new("ana");
        o.theme = warroom::assets::themes::load(name, &[]).expect("builtin theme");
        let mut app = App::new(o);
        let crit = look(app.theme().s(Sem::Crit));
        for (w, h, rows) in [(80, 24, 1), (120, 40, 2), (200, 60, 2)] {
            let b = draw(&mut app, &calm, now, w, h);
            assert!(
                !header_rows(&b, rows).contains("ALARM"),
                "{name} {w}x{h}: no alarm before 5 minutes\n{}",
                text(&b)
            );
            let b = draw(&mut app, &alarm, now, w, h);
            let head = header_rows(&b, rows);
            let first = head.lines().next().unwrap_or_default();
            assert!(
                first.contains("ALARM page says operational"),
                "{name} {w}x{h}:\n{}",
                text(&b)
            );
            assert_eq!(
                style_of(&b, "ALARM page says operational"),
                Some(crit),
                "{name} {w}x{h}: red"
            );
            if w == 80 {
                // The one-line comms strip keeps the countdown first; the alarm follows.
                let all = text(&b);
                let strip = all
                    .lines()
                    .find(|l| l.starts_with("Comms "))
                    .unwrap_or_default();
                assert!(
                    strip.contains("ALARM") && !strip.starts_with("Comms ALARM"),
                    "{name}: {strip}"
                );
            }
            if *name == "default" {
                shots.push(format!("{w}x{h}\n{head}"));
            }
        }
    }
    // Where it fits, the header says what our signals say and for how long.
    assert!(
        shots[2].contains("downdetector critical for 6m"),
        "{}",
        shots[2]
    );
    // The alarm never pushes the basic state out: at 120 columns the impact clock stays.
    assert!(shots[1].contains("impact 18m34s"), "{}", shots[1]);
    insta::assert_snapshot!("header_alarm", shots.join("\n\n"));
}

fn targets() -> Targets {
    Targets {
        public: vec!["statuspage".into(), "cstate".into()],
        internal: vec!["slack".into()],
    }
}

struct Room {
    app: App,
    inc: Incident,
}

impl Room {
    fn new(read_only: bool) -> Self {
        let mut o = AppOptions::new("ana");
        o.publish = targets();
        o.read_only = read_only;
        Room {
            app: App::new(o),
            inc: incident(),
        }
    }
    fn send(&mut self, ev: Input) -> Vec<Action> {
        self.app.handle_input(&ev, &self.inc, sample::now())
    }
    fn typ(&mut self, s: &str) -> Vec<Action> {
        s.chars().flat_map(|c| self.send(ch(c))).collect()
    }
    fn cmd(&mut self, s: &str) -> Vec<Action> {
        let mut a = self.send(ch(':'));
        a.extend(self.typ(s));
        a.extend(self.send(key(KeyCode::Enter)));
        a
    }
    fn screen(&mut self) -> String {
        let now = sample::now();
        text(&draw(&mut self.app, &self.inc, now, 120, 40))
    }
}

#[test]
fn u_opens_the_composer_and_y_after_the_preview_sends_the_update_to_the_publishers() {
    let mut r = Room::new(false);
    assert!(r.send(ch('u')).is_empty());
    assert_eq!(r.app.input, Mode::Compose);
    let s = r.screen();
    for want in [
        "Status update",
        "Audience    [public] internal",
        "[monitoring]",
        "Checkout                major outage         → (not named)",
        "Goes to     statuspage, cstate",
        // The monitoring template, filled in.
        "A fix for the problem affecting some of our services is in place, and we see it",
        "We will post the next update by 14:32 UTC",
    ] {
        assert!(s.contains(want), "misses {want:?}\n{s}");
    }
    // State: identified; Checkout: partial outage (two steps right from "not named"
    // goes operational → degraded; three → partial outage).
    r.send(key(KeyCode::Tab));
    r.send(key(KeyCode::Left));
    r.send(key(KeyCode::Tab));
    for _ in 0..3 {
        r.send(key(KeyCode::Right));
    }
    let s = r.screen();
    assert!(s.contains("[identified]"), "{s}");
    assert!(s.contains("→ partial outage"), "{s}");
    assert!(
        s.contains("We have found the cause of the problem affecting Checkout and are working"),
        "the body follows state and components until edited\n{s}"
    );
    // Edit the body: a line at the end.
    r.send(key(KeyCode::Tab));
    r.send(key(KeyCode::Enter));
    r.typ("Payments are not affected.");
    assert!(r.send(ctrl('s')).is_empty());
    let s = r.screen();
    assert!(s.contains("Preview"), "{s}");
    assert!(
        s.contains("Send this public update to statuspage, cstate? y sends"),
        "{s}"
    );
    assert!(s.contains("Checkout → partial outage"), "{s}");
    let a = r.send(ch('y'));
    let [
        Action::Record(EventKind::StatusUpdate {
            audience,
            state,
            components,
            body,
            targets,
        }),
    ] = a.as_slice()
    else {
        panic!("one status update, got {a:?}");
    };
    assert_eq!(*audience, Audience::Public);
    assert_eq!(*state, IncidentState::Identified);
    assert_eq!(
        components,
        &vec![ComponentStatus {
            name: "Checkout".into(),
            id: None,
            status: "partial_outage".into()
        }]
    );
    assert!(body.starts_with("We have found the cause"), "{body}");
    assert!(body.ends_with("\nPayments are not affected."), "{body}");
    assert_eq!(
        targets,
        &vec!["statuspage".to_string(), "cstate".to_string()]
    );
    assert_eq!(r.app.input, Mode::Normal);
    assert_eq!(
        r.app.message(),
        Some((
            "not yet recorded: public update (identified) to statuspage, cstate",
            false
        ))
    );
    // Sent: the next `u` starts a fresh draft.
    r.send(ch('u'));
    assert!(!r.screen().contains("Payments are not affected."));
}

#[test]
fn esc_closes_the_composer_and_keeps_the_draft() {
    let mut r = Room::new(false);
    r.send(ch('u'));
    r.send(key(KeyCode::Right)); // internal
    r.send(key(KeyCode::BackTab)); // body
    r.send(key(KeyCode::Enter));
    r.typ("Hold refunds.");
    assert!(r.send(key(KeyCode::Esc)).is_empty());
    assert_eq!(r.app.input, Mode::Normal);
    assert!(
        r.app
            .message()
            .is_some_and(|(m, _)| m.contains("draft is kept")),
        "{:?}",
        r.app.message()
    );
    r.send(ch('u'));
    let s = r.screen();
    assert!(s.contains("Audience     public [internal]"), "{s}");
    assert!(s.contains("Goes to     slack"), "{s}");
    assert!(s.contains("Hold refunds."), "{s}");
    // Back from the preview with e: nothing sent.
    assert!(r.send(ctrl('s')).is_empty());
    assert!(r.send(ch('e')).is_empty());
    assert!(r.send(key(KeyCode::Esc)).is_empty());
}

#[test]
fn a_long_body_keeps_the_send_question_in_view_and_sends_whole() {
    let mut r = Room::new(false);
    r.send(ch('u'));
    let long: String = (1..=80).map(|i| format!("line {i}\n")).collect();
    r.send(Input::Paste(long));
    r.send(ctrl('s'));
    let s = r.screen();
    assert!(
        s.contains("Send this public update to statuspage, cstate? y sends"),
        "{s}"
    );
    assert!(s.contains("more lines"), "{s}");
    let a = r.send(ch('y'));
    let [Action::Record(EventKind::StatusUpdate { body, .. })] = a.as_slice() else {
        panic!("one status update, got {a:?}");
    };
    assert!(body.ends_with("line 79\nline 80"), "{body}");
}

#[test]
fn an_empty_body_does_not_reach_the_preview() {
    let mut r = Room::new(false);
    r.send(ch('u'));
    r.send(key(KeyCode::BackTab));
    // Ctrl-U is not bound in the body; delete it all with Backspace.
    for _ in 0..2000 {
        r.send(key(KeyCode::Backspace));
    }
    r.send(ctrl('s'));
    let s = r.screen();
    assert!(s.contains("the body is empty"), "{s}");
    assert!(!s.contains("Preview"), "{s}");
    assert!(r.send(ch('y')).is_empty(), "typing y writes into the body");
}

#[test]
fn one_line_updates_for_speed_and_scripts() {
    let mut r = Room::new(false);
    assert_eq!(
        r.cmd("update investigating We are looking into failed checkouts"),
        vec![Action::Record(EventKind::StatusUpdate {
            audience: Audience::Public,
            state: IncidentState::Investigating,
            components: vec![],
            body: "We are looking into failed checkouts".into(),
            targets: vec!["statuspage".into(), "cstate".into()],
        })]
    );
    assert_eq!(
        r.cmd("update internal Rollback at 14:15, hold refunds"),
        vec![Action::Record(EventKind::StatusUpdate {
            audience: Audience::Internal,
            state: IncidentState::Monitoring,
            components: vec![],
            body: "Rollback at 14:15, hold refunds".into(),
            targets: vec!["slack".into()],
        })]
    );
    assert!(r.cmd("update soon we fix it").is_empty());
    assert!(
        r.app
            .message()
            .is_some_and(|(m, e)| e && m.contains("\"soon\" is not a state")),
        "{:?}",
        r.app.message()
    );
    assert!(r.cmd("update resolved").is_empty());
    assert!(
        r.app
            .message()
            .is_some_and(|(m, e)| e && m.contains("needs its text")),
        "{:?}",
        r.app.message()
    );
    // Alone, it opens the composer.
    assert!(r.cmd("update").is_empty());
    assert_eq!(r.app.input, Mode::Compose);
}

#[test]
fn observers_cannot_write_updates() {
    let mut r = Room::new(true);
    assert!(r.send(ch('u')).is_empty());
    assert_eq!(r.app.input, Mode::Normal);
    assert!(
        r.app
            .message()
            .is_some_and(|(m, e)| e && m.contains("read-only")),
        "{:?}",
        r.app.message()
    );
    assert!(r.cmd("update investigating hello").is_empty());
    assert!(r.cmd("update").is_empty());
    assert_eq!(r.app.input, Mode::Normal);
    assert!(
        r.app
            .message()
            .is_some_and(|(m, e)| e && m.contains("read-only")),
        "{:?}",
        r.app.message()
    );
}

#[test]
fn the_composer_offers_only_our_own_pages_components() {
    let mut r = Room::new(false);
    r.send(ch('u'));
    let s = r.screen();
    assert!(s.contains("Checkout"), "{s}");
    assert!(
        !s.contains("Compute (eu-west-1)"),
        "the provider's components are not ours to set\n{s}"
    );
}

#[test]
fn the_zoomed_pane_lists_every_update_with_its_body_and_deliveries() {
    let mut r = Room::new(false);
    for _ in 0..6 {
        r.send(key(KeyCode::Tab));
    }
    assert_eq!(r.app.focus, warroom::ui::layout::PaneId::Comms);
    r.send(ch('z'));
    let s = r.screen();
    for want in [
        "All updates (2)",
        "14:11:00 internal identified by bo",
        "14:10:40 public identified by bo",
        "  Checkout major outage",
        "  Next update by 14:30 UTC.",
        "→ statuspage ✓ · slack ✗ failed 500: internal_error",
    ] {
        assert!(s.contains(want), "misses {want:?}\n{s}");
    }
}

#[test]
fn help_lists_u_and_the_readme_key_table_has_it() {
    let mut r = Room::new(false);
    r.send(ch('?'));
    // Three rows down: the key table grew (e corrects an entry), `u` stays in view.
    for _ in 0..3 {
        r.send(key(KeyCode::Down));
    }
    let s = r.screen();
    assert!(
        s.contains("u         write a status update (public or internal)"),
        "{s}"
    );
    assert!(s.contains(":update [STATE TEXT | internal TEXT]"), "{s}");
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    assert!(
        readme.lines().any(|l| l.starts_with("| u |")),
        "README's key table has a row for u"
    );
    assert!(
        readme.contains(":update STATE TEXT"),
        "README names :update"
    );
}

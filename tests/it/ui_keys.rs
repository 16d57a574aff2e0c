//! Key sequences → the actions (events) a view asks the room to record.

use chrono::{Duration, TimeZone, Utc};
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::incident::{EventKind, Incident, IncidentState, Severity};
use warroom::ui::app::{Action, App, AppOptions, Input, Mode};
use warroom::ui::layout::PaneId;
use warroom_testdata::sample;

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}
fn ch(c: char) -> Event {
    key(KeyCode::Char(c))
}
fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

struct Room {
    app: App,
    inc: Incident,
}

impl Room {
    fn new(opts: AppOptions) -> Self {
        Room {
            app: App::new(opts),
            inc: sample::incident(),
        }
    }
    fn live() -> Self {
        Room::new(AppOptions::new("ana"))
    }
    fn send(&mut self, ev: Event) -> Vec<Action> {
        self.app.handle_input(&ev, &self.inc, sample::now())
    }
    /// Types each char of `s` as a key press; returns all actions.
    fn typ(&mut self, s: &str) -> Vec<Action> {
        s.chars().flat_map(|c| self.send(ch(c))).collect()
    }
    /// `:cmd` + Enter.
    fn cmd(&mut self, s: &str) -> Vec<Action> {
        let mut a = self.send(ch(':'));
        a.extend(self.typ(s));
        a.extend(self.send(key(KeyCode::Enter)));
        a
    }
    fn screen(&mut self, w: u16, h: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("backend");
        let now = sample::now();
        t.draw(|f| self.app.draw(f, f.area(), &self.inc, now))
            .expect("draw");
        let b = t.backend().buffer();
        let mut s = String::new();
        for y in 0..h {
            for x in 0..w {
                s.push_str(b.cell((x, y)).map(|c| c.symbol()).unwrap_or(" "));
            }
            s.push('\n');
        }
        s
    }
}

fn rec(k: EventKind) -> Vec<Action> {
    vec![Action::Record(k)]
}

#[test]
fn n_writes_a_note() {
    let mut r = Room::live();
    assert!(r.send(ch('n')).is_empty());
    assert_eq!(r.app.input, Input::Note(String::new()));
    assert!(r.typ("db failover started").is_empty());
    let a = r.send(key(KeyCode::Enter));
    assert_eq!(
        a,
        rec(EventKind::Note {
            text: "db failover started".into()
        })
    );
    assert_eq!(r.app.input, Input::Normal);
}

#[test]
fn note_text_is_sanitised_before_it_becomes_an_event() {
    let mut r = Room::live();
    r.send(ch('n'));
    r.send(Event::Paste(
        "hi\x1b]52;c;ZXZpbA==\x07 \u{202E}there\x1b[2J".into(),
    ));
    let a = r.send(key(KeyCode::Enter));
    assert_eq!(
        a,
        rec(EventKind::Note {
            text: "hi there".into()
        })
    );
}

#[test]
fn escape_cancels_a_note() {
    let mut r = Room::live();
    r.send(ch('n'));
    r.typ("oops");
    assert!(r.send(key(KeyCode::Esc)).is_empty());
    assert!(
        r.send(key(KeyCode::Enter)).is_empty(),
        "nothing recorded after Esc"
    );
}

#[test]
fn space_ticks_the_selected_checklist_item() {
    let mut r = Room::live();
    // Not focused on checklists: refused with a message, nothing recorded.
    assert!(r.send(ch(' ')).is_empty());
    assert!(r.app.message().is_some_and(|(_, err)| err));
    r.send(key(KeyCode::Tab));
    assert_eq!(r.app.focus, PaneId::Checklists);
    // First item of detection is already ticked in the sample: space unticks it.
    assert_eq!(
        r.send(ch(' ')),
        rec(EventKind::ChecklistToggled {
            list: "detection".into(),
            item: "Confirm impact from two independent signals".into(),
            done: false
        })
    );
    // Move to mitigation's third item (unticked): j moves across lists.
    for _ in 0..5 {
        r.send(ch('j'));
    }
    assert_eq!(
        r.send(ch(' ')),
        rec(EventKind::ChecklistToggled {
            list: "mitigation".into(),
            item: "Verify recovery on the same signals".into(),
            done: true
        })
    );
    // l jumps to the next list.
    r.send(ch('l'));
    assert_eq!(
        r.send(ch(' ')),
        rec(EventKind::ChecklistToggled {
            list: "communication".into(),
            item: "First status update within 15 min".into(),
            done: false
        })
    );
}

#[test]
fn tick_shows_in_the_checklist_after_the_room_folds_it() {
    let mut r = Room::live();
    r.send(key(KeyCode::Tab));
    r.send(ch('G'));
    let a = r.send(ch(' '));
    let Some(Action::Record(kind)) = a.into_iter().next() else {
        panic!("no action")
    };
    let before = r.screen(120, 40);
    assert!(
        before.contains("[ ] One approved wording for support"),
        "{before}"
    );
    let at = sample::now();
    r.inc.apply(&warroom::incident::Event {
        id: 999,
        at,
        by: warroom::incident::Actor::person("ana"),
        kind,
    });
    let after = r.screen(120, 40);
    assert!(
        after.contains("[x] One approved wording for support"),
        "{after}"
    );
    assert!(after.contains("Communication 2/3"), "{after}");
}

#[test]
fn commands_become_events() {
    let mut r = Room::live();
    assert_eq!(
        r.cmd("sev 1"),
        rec(EventKind::SeverityChanged {
            severity: Severity::Sev1
        })
    );
    assert_eq!(
        r.cmd("sev SEV3"),
        rec(EventKind::SeverityChanged {
            severity: Severity::Sev3
        })
    );
    assert_eq!(
        r.cmd("state identified"),
        rec(EventKind::StateChanged {
            state: IncidentState::Identified
        })
    );
    assert_eq!(
        r.cmd("st mon"),
        rec(EventKind::StateChanged {
            state: IncidentState::Monitoring
        })
    );
    assert_eq!(
        r.cmd("role scribe Bo Smith"),
        rec(EventKind::RoleAssigned {
            role: "scribe".into(),
            person: "Bo Smith".into()
        })
    );
    // ana commands here: `:role commander` hands over with a brief (tests/it/handoff.rs).
    assert!(matches!(
        r.cmd("role commander Bo Smith").as_slice(),
        [Action::Record(EventKind::Handoff { from, to, .. })] if from == "ana" && to == "Bo Smith"
    ));
    assert_eq!(
        r.cmd("role liaison eve"),
        rec(EventKind::RoleAssigned {
            role: "liaison".into(),
            person: "eve".into()
        })
    );
    assert_eq!(
        r.cmd("role ops -"),
        rec(EventKind::RoleAssigned {
            role: "ops".into(),
            person: String::new()
        })
    );
    assert_eq!(
        r.cmd("decide roll back now"),
        rec(EventKind::Decision {
            text: "roll back now".into()
        })
    );
    assert_eq!(
        r.cmd("note from the command line"),
        rec(EventKind::Note {
            text: "from the command line".into()
        })
    );
    // The sample is SEV1; :declare keeps the current severity.
    assert_eq!(
        r.cmd("declare Payments down"),
        rec(EventKind::IncidentDeclared {
            title: "Payments down".into(),
            severity: Severity::Sev1
        })
    );
    assert_eq!(
        r.cmd("resolve"),
        rec(EventKind::StateChanged {
            state: IncidentState::Resolved
        })
    );
    assert_eq!(r.cmd("quit"), vec![Action::Quit]);
}

#[test]
fn impact_is_back_dated_in_utc() {
    let mut r = Room::live();
    // now is 2026-11-21 14:12:34 UTC
    let want = Utc
        .with_ymd_and_hms(2026, 11, 21, 13, 58, 0)
        .single()
        .expect("time");
    assert_eq!(
        r.cmd("impact 13:58"),
        rec(EventKind::ImpactStarted { at: want })
    );
    assert_eq!(
        r.cmd("impact 13:58:30"),
        rec(EventKind::ImpactStarted {
            at: want + Duration::seconds(30)
        })
    );
    assert_eq!(
        r.cmd("impact 2026-11-21T14:00:00+01:00"),
        rec(EventKind::ImpactStarted {
            at: want - Duration::minutes(58)
        })
    );
    assert_eq!(
        r.cmd("impact 2026-11-21 13:58"),
        rec(EventKind::ImpactStarted { at: want })
    );
    // Today's date is not repeated in the confirmation.
    let (m, err) = r.app.message().expect("a message");
    assert!(
        !err && m.contains("13:58:00 UTC") && !m.contains("2026"),
        "{m}"
    );
}

#[test]
fn impact_more_than_six_hours_back_asks_first_and_names_the_day() {
    let mut r = Room::live();
    // now is 2026-11-21 14:12:34 UTC: 23:00 is yesterday, 15 h ago.
    let yesterday = Utc
        .with_ymd_and_hms(2026, 11, 20, 23, 0, 0)
        .single()
        .expect("time");
    assert!(r.cmd("impact 23:00").is_empty(), "asks before recording");
    let Input::Confirm(q) = r.app.input.clone() else {
        panic!("no question asked: {:?}", r.app.input);
    };
    assert!(
        q.contains("2026-11-20 23:00") && q.contains("yesterday"),
        "{q}"
    );
    assert!(
        r.screen(120, 40).contains("2026-11-20 23:00"),
        "the question is on screen"
    );
    assert_eq!(
        r.send(ch('y')),
        rec(EventKind::ImpactStarted { at: yesterday })
    );
    let (m, _) = r.app.message().expect("a message");
    assert!(
        m.contains("2026-11-20 23:00") && m.contains("yesterday"),
        "{m}"
    );
    // Any other key records nothing.
    assert!(r.cmd("impact 2026-11-19 08:00").is_empty());
    assert!(matches!(r.app.input, Input::Confirm(_)));
    assert!(r.send(ch('n')).is_empty());
    assert_eq!(r.app.input, Input::Normal);
    let (m, err) = r.app.message().expect("a message");
    assert!(!err && m.contains("nothing recorded"), "{m}");
    // Six hours or less: recorded at once.
    assert_eq!(
        r.cmd("impact 08:30"),
        rec(EventKind::ImpactStarted {
            at: yesterday + Duration::minutes(9 * 60 + 30)
        })
    );
    // Still no future times.
    assert!(r.cmd("impact 2026-11-22 10:00").is_empty());
    assert!(
        r.app
            .message()
            .is_some_and(|(m, e)| e && m.contains("future"))
    );
}

#[test]
fn resolving_an_undeclared_incident_asks_first() {
    let mut r = Room::live();
    r.inc = Incident::new();
    assert!(!r.inc.declared);
    assert!(r.cmd("resolve").is_empty());
    let Input::Confirm(q) = r.app.input.clone() else {
        panic!("no question asked: {:?}", r.app.input);
    };
    assert!(q.contains("declared"), "{q}");
    assert!(r.send(key(KeyCode::Esc)).is_empty(), "Esc cancels");
    assert_eq!(r.app.input, Input::Normal);
    assert!(r.cmd("state resolved").is_empty());
    assert_eq!(
        r.send(ch('y')),
        rec(EventKind::StateChanged {
            state: IncidentState::Resolved
        })
    );
}

#[test]
fn bad_commands_show_errors_and_record_nothing() {
    let mut r = Room::live();
    for bad in [
        "sev 9",
        "state sleeping",
        "impact 25:99",
        "role commander",
        "frobnicate",
        "note",
        "\u{1b}[2J",
        "theme nope",
    ] {
        assert!(r.cmd(bad).is_empty(), "{bad:?} recorded something");
        let (m, err) = r.app.message().expect("a message");
        assert!(err, "{bad:?}: {m}");
    }
    let s = r.screen(120, 40);
    assert!(s.contains("unknown theme"), "the last error is on screen");
}

#[test]
fn tab_completes_commands_and_history_recalls_them() {
    let mut r = Room::live();
    r.send(ch(':'));
    r.typ("st");
    r.send(key(KeyCode::Tab));
    assert_eq!(r.app.input, Input::Command("state ".into()));
    r.typ("iden");
    r.send(key(KeyCode::Tab));
    assert_eq!(r.app.input, Input::Command("state identified ".into()));
    assert_eq!(
        r.send(key(KeyCode::Enter)),
        rec(EventKind::StateChanged {
            state: IncidentState::Identified
        })
    );
    r.send(ch(':'));
    r.send(key(KeyCode::Up));
    assert_eq!(r.app.input, Input::Command("state identified".into()));
    r.send(key(KeyCode::Esc));
    // Theme names complete too.
    r.send(ch(':'));
    r.typ("theme hi");
    r.send(key(KeyCode::Tab));
    assert_eq!(r.app.input, Input::Command("theme high-contrast ".into()));
}

#[test]
fn theme_switches_live_without_recording() {
    let mut r = Room::live();
    assert!(r.cmd("theme light").is_empty());
    assert_eq!(r.app.theme().name, "light");
    assert!(!r.app.message().expect("msg").1);
}

#[test]
fn slash_filters_the_timeline_by_text_and_kind() {
    let mut r = Room::live();
    r.send(ch('/'));
    r.typ("kind:note");
    r.send(key(KeyCode::Enter));
    assert_eq!(r.app.filter(), Some("kind:note"));
    let s = r.screen(120, 40);
    assert!(s.contains("Rollback complete"), "{s}");
    assert!(!s.contains("dee joined"), "presence filtered out: {s}");
    assert!(s.contains("3/"), "count of matches in the title: {s}");
    // Text filter.
    r.send(ch('/'));
    r.send(ctrl('u'));
    r.typ("ROLLBACK");
    r.send(key(KeyCode::Enter));
    let s = r.screen(120, 40);
    assert!(s.contains("Rollback complete"), "{s}");
    assert!(!s.contains("Support has the approved"), "{s}");
    // Unknown kind: an error, the old filter stays.
    r.send(ch('/'));
    r.send(ctrl('u'));
    r.typ("kind:bogus");
    assert!(
        r.app
            .message()
            .is_some_and(|(m, e)| e && m.contains("unknown kind"))
    );
    r.send(key(KeyCode::Esc));
    assert_eq!(r.app.filter(), None, "Esc in the filter prompt clears it");
    let s = r.screen(120, 40);
    assert!(
        s.contains("dee joined") || s.contains("Support has the approved"),
        "{s}"
    );
}

#[test]
fn z_zooms_the_focused_pane_and_back() {
    let mut r = Room::live();
    let normal = r.screen(120, 40);
    assert!(normal.contains("Metrics") && normal.contains("Checklists"));
    r.send(ch('z'));
    assert_eq!(r.app.zoom, Some(PaneId::Timeline));
    let zoomed = r.screen(120, 40);
    assert!(
        zoomed.contains("Timeline") && zoomed.contains("z restores"),
        "{zoomed}"
    );
    assert!(!zoomed.contains("Checklists"), "{zoomed}");
    // The zoomed timeline shows older entries too.
    assert!(!normal.contains("Severity SEV2 → SEV1"));
    assert!(zoomed.contains("Severity SEV2 → SEV1"), "{zoomed}");
    r.send(ch('z'));
    assert_eq!(r.app.zoom, None);
    assert_eq!(r.screen(120, 40), normal);
}

#[test]
fn scrolling_the_timeline_stops_following_until_end() {
    let mut r = Room::live();
    let live = r.screen(120, 40);
    for _ in 0..20 {
        r.send(ch('k'));
    }
    let up = r.screen(120, 40);
    assert_ne!(live, up);
    assert!(up.contains("newer"), "{up}");
    // New entries do not move a scrolled view.
    r.inc.apply(&warroom::incident::Event {
        id: 1000,
        at: sample::now(),
        by: warroom::incident::Actor::person("bo"),
        kind: EventKind::Note {
            text: "brand new note".into(),
        },
    });
    let still = r.screen(120, 40);
    assert!(!still.contains("brand new note"));
    r.send(key(KeyCode::End));
    assert!(r.screen(120, 40).contains("brand new note"));
}

#[test]
fn read_only_views_refuse_every_action_key() {
    let mut opts = AppOptions::new("observer");
    opts.read_only = true;
    let mut r = Room::new(opts);
    r.send(key(KeyCode::Tab));
    assert!(r.send(ch(' ')).is_empty());
    assert!(
        r.app
            .message()
            .is_some_and(|(m, e)| e && m.contains("read-only"))
    );
    assert!(r.send(ch('n')).is_empty());
    assert_eq!(r.app.input, Input::Normal, "no note prompt opens");
    for c in [
        "sev 1",
        "note hi",
        "resolve",
        "impact 13:00",
        "declare x",
        "role ops me",
        "state identified",
    ] {
        assert!(r.cmd(c).is_empty(), "{c}");
        assert!(
            r.app
                .message()
                .is_some_and(|(m, e)| e && m.contains("read-only")),
            "{c}"
        );
    }
    let s = r.screen(120, 40);
    assert!(s.contains("read-only"), "the refusal is visible: {s}");
    let hints = s.lines().last().unwrap_or("");
    assert!(
        hints.contains("help") && !hints.contains("tick") && !hints.contains("note"),
        "{hints}"
    );
    // Viewing still works, and q leaves without asking.
    assert!(r.cmd("theme mono").is_empty());
    assert_eq!(r.app.theme().name, "mono");
    assert_eq!(r.send(ch('q')), vec![Action::Quit]);
}

#[test]
fn replay_views_cannot_change_the_incident() {
    let mut opts = AppOptions::new("ana");
    opts.mode = Mode::Replay;
    let mut r = Room::new(opts);
    assert!(r.cmd("sev 1").is_empty());
    assert!(
        r.app
            .message()
            .is_some_and(|(m, e)| e && m.contains("replay"))
    );
}

#[test]
fn q_asks_before_leaving_an_open_incident() {
    let mut r = Room::live();
    assert!(r.send(ch('q')).is_empty());
    assert_eq!(r.app.input, Input::ConfirmQuit);
    assert!(r.screen(120, 40).contains("Leave the room?"));
    assert!(r.send(ch('n')).is_empty(), "any other key stays");
    assert_eq!(r.app.input, Input::Normal);
    r.send(ch('q'));
    assert_eq!(r.send(ch('y')), vec![Action::Quit]);
    // Resolved: q leaves at once.
    r.inc.apply(&warroom::incident::Event {
        id: 1000,
        at: sample::now(),
        by: warroom::incident::Actor::person("ana"),
        kind: EventKind::StateChanged {
            state: IncidentState::Resolved,
        },
    });
    assert_eq!(r.send(ch('q')), vec![Action::Quit]);
}

#[test]
fn ctrl_c_always_quits() {
    let mut r = Room::live();
    r.send(ch('n'));
    r.typ("half a note");
    assert_eq!(r.send(ctrl('c')), vec![Action::Quit]);
    let mut r = Room::live();
    r.send(ch('?'));
    assert_eq!(r.send(ctrl('c')), vec![Action::Quit]);
}

#[test]
fn help_lists_every_key_and_command() {
    let mut r = Room::live();
    r.send(ch('?'));
    assert!(r.app.help_open());
    let s = r.screen(200, 60);
    for b in warroom::ui::keys::BINDINGS {
        assert!(s.contains(b.help), "help misses {:?}", b.help);
    }
    for c in warroom::ui::command::COMMANDS {
        assert!(
            s.contains(&format!(":{}", c.name)),
            "help misses :{}",
            c.name
        );
    }
    r.send(key(KeyCode::Esc));
    assert!(!r.app.help_open());
}

#[test]
fn long_help_lines_and_header_times_are_not_cut_mid_word_at_120_columns() {
    let mut r = Room::live();
    // The header's second line: whole times, or "…" where the rest did not fit.
    let s = r.screen(120, 40);
    let times = s.lines().nth(1).expect("the header's second line");
    assert!(
        !times.contains("TTA 2m ") || times.contains("TTA 2m10s"),
        "{times}"
    );
    assert!(times.trim_end().ends_with('…'), "{times}");
    // The help wraps what is longer than its pane.
    r.send(ch('?'));
    for _ in 0..5 {
        r.send(key(KeyCode::PageDown));
    }
    let s = r.screen(120, 40);
    let flat: String = s
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '┃' || c == ' ').to_string() + " ")
        .collect();
    for want in ["within the last 24 h)", "impact drill unknown"] {
        assert!(flat.contains(want), "{want:?} cut:\n{s}");
    }
}

#[test]
fn mouse_click_moves_focus_and_selects_items() {
    let mut r = Room::live();
    let s = r.screen(120, 40);
    // Find the row of an unticked item and click it.
    let (y, line) = s
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("[ ] Updates every 30 min"))
        .expect("item on screen");
    let x = line
        .chars()
        .position(|c| c == '[')
        .and_then(|p| line.chars().skip(p).position(|c| c == ']').map(|q| p + q))
        .expect("x") as u16;
    let click = Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: x + 80 - 80,
        row: y as u16,
        modifiers: KeyModifiers::NONE,
    });
    r.send(click);
    assert_eq!(r.app.focus, PaneId::Checklists);
    assert_eq!(
        r.send(ch(' ')),
        rec(EventKind::ChecklistToggled {
            list: "communication".into(),
            item: "Updates every 30 min until resolved".into(),
            done: true
        })
    );
}

#[test]
fn redraw_only_when_something_changed() {
    let mut r = Room::live();
    let now = sample::now();
    let area = ratatui::layout::Rect::new(0, 0, 120, 40);
    assert!(r.app.needs_redraw(&r.inc, now, area));
    r.screen(120, 40);
    assert!(!r.app.needs_redraw(&r.inc, now, area), "nothing changed");
    assert!(
        !r.app
            .needs_redraw(&r.inc, now + Duration::milliseconds(300), area),
        "same second"
    );
    assert!(
        r.app.needs_redraw(&r.inc, now + Duration::seconds(1), area),
        "the clock ticked"
    );
    assert!(
        r.app
            .needs_redraw(&r.inc, now, ratatui::layout::Rect::new(0, 0, 100, 40)),
        "resized"
    );
    r.send(Event::Mouse(MouseEvent {
        kind: MouseEventKind::Moved,
        column: 3,
        row: 3,
        modifiers: KeyModifiers::NONE,
    }));
    assert!(
        !r.app.needs_redraw(&r.inc, now, area),
        "pointer motion is idle"
    );
    r.send(key(KeyCode::Tab));
    assert!(r.app.needs_redraw(&r.inc, now, area), "view changed");
    r.screen(120, 40);
    r.inc.apply(&warroom::incident::Event {
        id: 1000,
        at: now,
        by: warroom::incident::Actor::source("prometheus"),
        kind: EventKind::Metric {
            series: "orders per minute".into(),
            value: 1.0,
        },
    });
    assert!(r.app.needs_redraw(&r.inc, now, area), "incident changed");
}

/// Every command of the table runs its own handler: none quits the room unless it is
/// `:quit`, and whether it writes is what its handler makes (an event or a view change).
#[test]
fn every_command_runs_its_own_handler_and_only_quit_quits() {
    use warroom::ui::command::{COMMANDS, Command, ViewCommand, parse};
    let r = Room::live();
    let now = sample::now();
    let example = |name: &str| match name {
        "sev" => "1",
        "state" => "identified",
        "role" => "ops ana",
        "impact" => "00:00",
        "theme" => "light",
        "export" | "help" | "quit" | "resolve" => "",
        "update" => "investigating some text",
        _ => "some text",
    };
    for c in COMMANDS {
        let line = format!("{} {}", c.name, example(c.name));
        let parsed = parse(&line, &r.inc, now);
        let parsed = parsed.unwrap_or_else(|e| panic!(":{line} is refused: {e}"));
        assert_eq!(
            parsed == Command::View(ViewCommand::Quit),
            c.name == "quit",
            ":{line} gave {parsed:?}"
        );
        assert_eq!(
            matches!(
                parsed,
                Command::Record(_) | Command::Compose | Command::Amend
            ),
            c.writes(),
            ":{line} gave {parsed:?}"
        );
        for alias in c.aliases {
            let by_alias = parse(&format!("{alias} {}", example(c.name)), &r.inc, now);
            assert_eq!(
                by_alias.as_ref().ok(),
                Some(&parsed),
                ":{alias} is :{}",
                c.name
            );
        }
    }
    assert!(
        parse("nonsense", &r.inc, now).is_err(),
        "an unknown command quits nothing"
    );
}

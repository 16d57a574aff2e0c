//! The fold's communication derivations: when the next public update is due, the one
//! timeline entry when it is overdue, the silent-page alarm (our own page green while our
//! signals are critical) and its clearing, the provider hint, the comms checklist items,
//! and that replaying a log to a time t shows what the live room showed at t.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use warroom::incident::{
    Actor, AlertState, Audience, Event, EventKind, Incident, IncidentState, Severity,
};
use warroom::replay::Replay;

use crate::log_builder::{Log, m, s, t0};

impl Log {
    fn declare(self, at: DateTime<Utc>, severity: Severity) -> Self {
        self.ana(
            at,
            EventKind::IncidentDeclared {
                title: "Checkout failing".into(),
                severity,
            },
        )
    }
    fn update(self, at: DateTime<Utc>, audience: Audience, state: IncidentState) -> Self {
        self.ana(
            at,
            EventKind::StatusUpdate {
                audience,
                state,
                components: Vec::new(),
                body: format!("We are {state}.\nMore soon."),
                targets: Vec::new(),
            },
        )
    }
    /// A status page with one component, and its role.
    fn page(self, at: DateTime<Utc>, page: &str, role: &str, status: &str) -> Self {
        self.at(
            at,
            Actor::source(page),
            EventKind::StatusSummary {
                page: page.into(),
                text: "found".into(),
                role: Some(role.into()),
                changes: 0,
                degraded: None,
                opening: false,
            },
        )
        .component(at, page, status)
    }
    fn component(self, at: DateTime<Utc>, page: &str, status: &str) -> Self {
        self.at(
            at,
            Actor::source(page),
            EventKind::StatusComponent {
                page: page.into(),
                component: "Checkout".into(),
                status: status.into(),
                group: None,
            },
        )
    }
}

fn entries<'a>(inc: &'a Incident, word: &str) -> Vec<&'a warroom::incident::TimelineEntry> {
    inc.timeline
        .iter()
        .filter(|e| e.text.contains(word))
        .collect()
}

#[test]
fn the_first_public_update_is_due_15m_after_declaring_and_overdue_once() {
    let log = Log::default()
        .cadence()
        .signal()
        .declare(m(2), Severity::Sev2)
        .error_rate(0, 25, 0.01);
    let inc = log.fold();
    assert_eq!(inc.comms.next_due(), Some(m(17)));
    assert_eq!(inc.comms.due_in(m(12)), Some(Duration::minutes(5)));
    assert_eq!(inc.comms.overdue(m(21)), Some(Duration::minutes(4)));
    assert_eq!(inc.comms.overdue(m(16)), None);
    let overdue = entries(&inc, "overdue");
    assert_eq!(overdue.len(), 1, "{:#?}", inc.timeline);
    assert_eq!(overdue[0].at, m(17), "placed at the due time");
    assert!(
        overdue[0].text.contains("15m"),
        "says what was asked: {}",
        overdue[0].text
    );
    // The timeline stays in time order with the derived entry in it.
    assert!(inc.timeline.windows(2).all(|w| w[0].at <= w[1].at));
    assert_eq!(inc.comms.overdue_periods.len(), 1);
    assert_eq!(inc.comms.overdue_periods[0].to, None);
}

#[test]
fn each_public_update_sets_the_next_due_time_by_severity() {
    let log = Log::default()
        .cadence()
        .declare(m(0), Severity::Sev2)
        .update(m(10), Audience::Public, IncidentState::Investigating)
        .update(m(12), Audience::Internal, IncidentState::Investigating);
    let inc = log.fold();
    assert_eq!(inc.comms.next_due(), Some(m(40)), "SEV2: every 30m");
    assert!(entries(&inc, "overdue").is_empty());

    let log = log.ana(
        m(15),
        EventKind::SeverityChanged {
            severity: Severity::Sev1,
        },
    );
    assert_eq!(log.fold().comms.next_due(), Some(m(30)), "SEV1: every 20m");

    // A late update ends the overdue period it was due in.
    let log =
        log.error_rate(16, 34, 0.0)
            .update(m(35), Audience::Public, IncidentState::Identified);
    let inc = log.fold();
    assert_eq!(entries(&inc, "overdue").len(), 1);
    assert_eq!(inc.comms.overdue_periods[0].from, m(30));
    assert_eq!(inc.comms.overdue_periods[0].to, Some(m(35)));
    assert_eq!(inc.comms.next_due(), Some(m(55)));
}

#[test]
fn a_resolved_update_owes_nothing_more() {
    let log = Log::default()
        .cadence()
        .declare(m(0), Severity::Sev1)
        .update(m(5), Audience::Public, IncidentState::Resolved)
        .error_rate(6, 90, 0.0);
    let inc = log.fold();
    assert_eq!(inc.comms.next_due(), None);
    assert_eq!(inc.comms.overdue(m(90)), None);
    assert!(entries(&inc, "overdue").is_empty());
}

#[test]
fn a_severity_without_cadence_and_a_log_without_comms_owe_nothing() {
    let sev4 = Log::default()
        .cadence()
        .declare(m(0), Severity::Sev4)
        .update(m(5), Audience::Public, IncidentState::Investigating)
        .error_rate(6, 200, 0.0)
        .fold();
    assert_eq!(sev4.comms.next_due(), None);
    let old = Log::default()
        .declare(m(0), Severity::Sev1)
        .error_rate(1, 60, 0.0)
        .fold();
    assert_eq!(old.comms.next_due(), None);
    assert!(entries(&old, "overdue").is_empty());
}

/// Our page green from minute 0; checkout critical from minute 3.
fn silent_page() -> Log {
    Log::default()
        .cadence()
        .signal()
        .page(t0(), "shop status", "own", "operational")
        .page(t0(), "Nimbus Cloud", "provider", "operational")
        .error_rate(0, 2, 0.01)
        .error_rate(3, 12, 0.2)
}

#[test]
fn our_green_page_during_critical_signals_raises_one_alarm_after_5m() {
    let inc = silent_page().fold();
    let alarm = inc.comms.alarm.as_ref().expect("alarm raised");
    assert_eq!(alarm.page, "shop status");
    assert_eq!(alarm.since, m(3));
    let raised = entries(&inc, "Public page alarm");
    assert_eq!(raised.len(), 1, "{:#?}", inc.timeline);
    assert_eq!(raised[0].at, m(8));
    assert_eq!(
        raised[0].text,
        "Public page alarm: shop status says operational; checkout error rate critical for 5m00s"
    );
    // The provider page gets one informational entry, ours none.
    let hint = entries(&inc, "provider ruled out?");
    assert_eq!(hint.len(), 1);
    assert_eq!(
        hint[0].text,
        "Nimbus Cloud reports operational: provider ruled out?"
    );

    // Before 5m of contradiction there is no alarm.
    let early = Incident::fold(&inc_events_until(&silent_page(), m(7)));
    assert_eq!(early.comms.alarm, None);
    assert!(entries(&early, "Public page alarm").is_empty());
}

fn inc_events_until(log: &Log, t: DateTime<Utc>) -> Vec<Event> {
    log.events.iter().filter(|e| e.at <= t).cloned().collect()
}

#[test]
fn the_alarm_clears_when_our_page_shows_the_incident() {
    let inc = silent_page()
        .component(m(13), "shop status", "major_outage")
        .error_rate(14, 16, 0.2)
        .fold();
    assert_eq!(inc.comms.alarm, None);
    let cleared = entries(&inc, "alarm cleared");
    assert_eq!(cleared.len(), 1, "{:#?}", inc.timeline);
    assert_eq!(cleared[0].at, m(13));
    assert!(
        cleared[0]
            .text
            .contains("shop status now shows the incident")
    );
    assert_eq!(inc.comms.contradictions.len(), 1);
    assert_eq!(
        inc.comms.contradictions[0].length(m(99)),
        Duration::minutes(10)
    );
    assert_eq!(
        entries(&inc, "Public page alarm:").len(),
        1,
        "not raised again"
    );
}

#[test]
fn the_alarm_clears_when_the_signals_recover_and_alerts_count_too() {
    let inc = silent_page().error_rate(13, 15, 0.0).fold();
    assert_eq!(inc.comms.alarm, None);
    let cleared = entries(&inc, "alarm cleared");
    assert_eq!(cleared.len(), 1);
    assert!(cleared[0].text.contains("our signals recovered"));

    // An alert firing is a bad signal as well.
    let firing = |state| EventKind::Alert {
        name: "CheckoutErrors".into(),
        state,
        labels: BTreeMap::new(),
        summary: String::new(),
        fingerprint: None,
        starts_at: None,
    };
    let inc = Log::default()
        .cadence()
        .page(t0(), "shop status", "own", "operational")
        .at(m(1), Actor::source("am"), firing(AlertState::Firing))
        .error_rate(2, 7, 0.0)
        .fold();
    let alarm = entries(&inc, "Public page alarm");
    assert_eq!(alarm.len(), 1, "{:#?}", inc.timeline);
    assert!(alarm[0].text.contains("alert CheckoutErrors firing for 5m"));
}

#[test]
fn a_page_not_ours_raises_no_alarm() {
    let inc = Log::default()
        .cadence()
        .signal()
        .page(t0(), "Nimbus Cloud", "provider", "operational")
        .error_rate(0, 20, 0.2)
        .fold();
    assert_eq!(inc.comms.alarm, None);
    assert!(entries(&inc, "Public page alarm").is_empty());
    assert_eq!(entries(&inc, "provider ruled out?").len(), 1);
}

/// Live (one event at a time, looking at the state after each) and replay (seeking to a
/// time) show the same comms state and timeline at every time.
#[test]
fn replay_at_a_time_shows_what_live_showed_then() {
    let log = silent_page()
        .declare(m(1), Severity::Sev1)
        .error_rate(13, 20, 0.2)
        .update(m(21), Audience::Public, IncidentState::Investigating)
        .component(m(22), "shop status", "major_outage")
        .error_rate(23, 45, 0.0);
    let mut events = log.events.clone();
    events.sort_by_key(|e| e.at);
    for (n, e) in events.iter_mut().enumerate() {
        e.id = n as u64 + 1;
    }
    let mut live = Incident::new();
    let mut replay = Replay::new(events.clone());
    let mut seen_alarm = false;
    let mut seen_overdue = false;
    for (n, e) in events.iter().enumerate() {
        live.apply(e);
        if events.get(n + 1).is_some_and(|next| next.at == e.at) {
            continue;
        }
        replay.seek(e.at);
        let at_t = replay.state();
        assert_eq!(at_t.comms, live.comms, "comms at {}", e.at);
        assert_eq!(at_t.timeline, live.timeline, "timeline at {}", e.at);
        seen_alarm |= live.comms.alarm.is_some();
        seen_overdue |= live.comms.overdue(e.at).is_some();
    }
    assert!(seen_alarm && seen_overdue, "the log exercises both");
    let end = live;
    assert_eq!(
        entries(&end, "overdue").len(),
        2,
        "before the first update, and 20m after it"
    );
    assert_eq!(entries(&end, "alarm cleared").len(), 1);
}

#[test]
fn comms_checklist_items_tick_themselves() {
    let list = |rule: &str| {
        let mut dw = BTreeMap::new();
        dw.insert(
            "Post the first public update".to_string(),
            "public_update".to_string(),
        );
        dw.insert("Keep the cadence".to_string(), rule.to_string());
        EventKind::ChecklistDefined {
            list: "communication".into(),
            items: vec![
                "Post the first public update".into(),
                "Keep the cadence".into(),
            ],
            done_when: dw,
        }
    };
    let item = |inc: &Incident, text: &str| {
        inc.checklist("communication")
            .and_then(|c| c.items.iter().find(|i| i.text == text))
            .is_some_and(|i| i.done)
    };
    let kept = Log::default()
        .cadence()
        .sys(t0(), list("update_on_cadence"))
        .declare(m(0), Severity::Sev1)
        .update(m(1), Audience::Internal, IncidentState::Investigating);
    assert!(!item(&kept.fold(), "Post the first public update"));
    let kept = kept
        .update(m(10), Audience::Public, IncidentState::Investigating)
        .update(m(25), Audience::Public, IncidentState::Resolved);
    let inc = kept.fold();
    assert!(item(&inc, "Post the first public update"));
    assert!(item(&inc, "Keep the cadence"));

    let late = Log::default()
        .cadence()
        .sys(t0(), list("update_on_cadence"))
        .declare(m(0), Severity::Sev1)
        .update(m(10), Audience::Public, IncidentState::Investigating)
        .update(m(40), Audience::Public, IncidentState::Resolved)
        .fold();
    assert!(item(&late, "Post the first public update"));
    assert!(!item(&late, "Keep the cadence"), "an update was overdue");
}

#[test]
fn in_a_drill_the_rules_are_scenario_time_and_say_the_room_time_they_take() {
    let inc = Log::default()
        .sys(
            t0(),
            EventKind::DrillStarted {
                scenario: "checkout-outage".into(),
                speed: 6.0,
                title: None,
                severity: None,
                briefing: None,
                reference: None,
                impact: None,
            },
        )
        .cadence()
        .declare(t0(), Severity::Sev2)
        .ana(
            s(200),
            EventKind::Note {
                text: "still looking".into(),
            },
        )
        .fold();
    // 15 scenario minutes at 6x are 2m30s of the room's time: overdue by s(200).
    let overdue = entries(&inc, "Public update overdue");
    assert_eq!(overdue.len(), 1, "{:?}", inc.timeline);
    assert_eq!(overdue[0].at, s(150));
    assert!(
        overdue[0]
            .text
            .contains("none sent within 15m00s (2m30s at 6x) of declaring"),
        "{}",
        overdue[0].text
    );
}

#[test]
fn resolved_while_the_public_was_told_otherwise_asks_for_a_resolved_update() {
    use warroom::ui::panes::comms::{Due, due};
    let told = Log::default()
        .cadence()
        .declare(t0(), Severity::Sev2)
        .update(m(5), Audience::Public, IncidentState::Investigating)
        .ana(
            m(20),
            EventKind::StateChanged {
                state: IncidentState::Resolved,
            },
        );
    let inc = told.fold();
    match due(&inc, m(21), false) {
        Due::Tell(s) => assert!(s.contains("last told investigating"), "{s}"),
        other => panic!("expected a request for a resolved update, got {other:?}"),
    }
    let inc = told
        .update(m(22), Audience::Public, IncidentState::Resolved)
        .fold();
    assert!(matches!(due(&inc, m(23), false), Due::None(_)));
}

#[test]
fn a_stricter_severity_owes_the_update_from_the_change_not_from_before_it() {
    let inc = Log::default()
        .cadence()
        .declare(t0(), Severity::Sev2)
        .update(m(1), Audience::Public, IncidentState::Investigating)
        .ana(
            m(30),
            EventKind::SeverityChanged {
                severity: Severity::Sev1,
            },
        )
        .ana(
            m(31),
            EventKind::Note {
                text: "still on it".into(),
            },
        )
        .fold();
    // SEV1 asks for one every 20m: 1m + 20m is 21m, before SEV1 existed at 30m.
    let overdue = entries(&inc, "Public update overdue");
    assert_eq!(overdue.len(), 1, "{:?}", inc.timeline);
    assert_eq!(overdue[0].at, m(30), "{}", overdue[0].text);
    assert_eq!(inc.comms.overdue(m(31)), Some(Duration::minutes(1)));
}

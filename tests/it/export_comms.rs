//! The postmortem's Communication section: every update with its deliveries, the time to
//! the first public update, the longest public silence while impacted, the overdue periods
//! and the minutes our own public page contradicted our signals.

use crate::log_builder::{Log, m, t0};
use chrono::{DateTime, Utc};
use warroom::export::{Format, Postmortem, render};
use warroom::incident::{
    Actor, Audience, EventKind, Incident, IncidentState, PublishOutcome, Severity,
};

impl Log {
    /// The id of the last status update (publish events refer to it).
    fn last_update(&self) -> u64 {
        self.events
            .iter()
            .rev()
            .find(|e| matches!(e.kind, EventKind::StatusUpdate { .. }))
            .map_or(0, |e| e.id)
    }
    fn told(self, at: DateTime<Utc>, audience: Audience, state: IncidentState, body: &str) -> Self {
        self.ana(
            at,
            EventKind::StatusUpdate {
                audience,
                state,
                components: Vec::new(),
                body: body.into(),
                targets: Vec::new(),
            },
        )
    }
    fn publish(
        self,
        at: DateTime<Utc>,
        target: &str,
        outcome: PublishOutcome,
        status: Option<u16>,
    ) -> Self {
        let update = self.last_update();
        self.sys(
            at,
            EventKind::Publish {
                update,
                target: target.into(),
                outcome,
                attempt: 1,
                remote_id: None,
                status,
                message: status.map(|_| "Internal Server Error".to_string()),
            },
        )
    }
    fn own_page(self, at: DateTime<Utc>, status: &str) -> Self {
        self.at(
            at,
            Actor::source("shop status"),
            EventKind::StatusSummary {
                page: "shop status".into(),
                text: "found".into(),
                role: Some("own".into()),
                changes: 0,
                degraded: None,
                opening: false,
            },
        )
        .own_component(at, status)
    }
    fn own_component(self, at: DateTime<Utc>, status: &str) -> Self {
        self.at(
            at,
            Actor::source("shop status"),
            EventKind::StatusComponent {
                page: "shop status".into(),
                component: "Checkout".into(),
                status: status.into(),
                group: None,
            },
        )
    }
    fn state(self, at: DateTime<Utc>, state: IncidentState) -> Self {
        self.ana(at, EventKind::StateChanged { state })
    }
}

/// Impact from 10:03; our page green while checkout is critical until 10:13 (10 minutes);
/// declared SEV2 at 10:05, so the first public update is due 10:20 and comes at 10:24
/// (overdue 4 minutes), delivered to statuspage, failed on the webhook; mitigated 10:40;
/// resolved with a public update at 10:50.
fn incident() -> Log {
    Log::default()
        .cadence()
        .signal()
        .own_page(t0(), "operational")
        .error_rate(0, 2, 0.01)
        .ana(m(4), EventKind::ImpactStarted { at: m(3) })
        .error_rate(3, 4, 0.2)
        .ana(
            m(5),
            EventKind::IncidentDeclared {
                title: "Checkout failing".into(),
                severity: Severity::Sev2,
            },
        )
        .error_rate(5, 12, 0.2)
        .own_component(m(13), "major_outage")
        .error_rate(13, 23, 0.2)
        .told(
            m(24),
            Audience::Public,
            IncidentState::Investigating,
            "Checkout payments are failing for some customers.\nNext update in 30 minutes.",
        )
        .publish(m(24), "statuspage", PublishOutcome::Sending, None)
        .publish(m(24), "webhook", PublishOutcome::Sending, None)
        .publish(m(24), "statuspage", PublishOutcome::Delivered, None)
        .publish(m(24), "webhook", PublishOutcome::Failed, Some(500))
        .error_rate(25, 29, 0.01)
        .told(
            m(30),
            Audience::Internal,
            IncidentState::Identified,
            "Rolled back the payments deploy.",
        )
        .state(m(40), IncidentState::Monitoring)
        .error_rate(41, 49, 0.01)
        .told(
            m(50),
            Audience::Public,
            IncidentState::Resolved,
            "Checkout works again.",
        )
        .state(m(50), IncidentState::Resolved)
}

#[test]
fn the_postmortem_says_what_we_told_whom_and_how_long_we_were_silent() {
    let log = incident();
    let inc = Incident::fold(&log.events);
    let pm = Postmortem::build(&inc, &log.events, false, &[]);
    let c = pm.communication.as_ref().expect("a communication section");

    assert_eq!(c.updates.len(), 3);
    assert_eq!(c.updates[0].offset, "T+00:21:00", "since impact start");
    assert_eq!(
        c.updates[0].body,
        "Checkout payments are failing for some customers."
    );
    assert_eq!(
        c.updates[0].delivery,
        "statuspage ✓ delivered / webhook ✗ failed 500"
    );
    assert_eq!(c.updates[1].audience, "internal");

    assert_eq!(c.first_public_seconds, Some(21 * 60));
    assert_eq!(c.first_public, "21m00s after impact start");
    let silence = c.longest_silence.as_ref().expect("a silence");
    assert_eq!((silence.from, silence.to), (m(3), m(24)));
    assert_eq!(c.overdue.len(), 1);
    assert_eq!((c.overdue[0].from, c.overdue[0].to), (m(20), m(24)));
    assert_eq!(c.overdue_seconds, 4 * 60);
    assert_eq!(c.contradiction_seconds, 10 * 60);

    let md = render(&inc, &log.events, Format::Markdown, false);
    assert!(md.contains("## Communication"), "{md}");
    assert!(
        md.contains("- Time to first public update: 21m00s after impact start"),
        "{md}"
    );
    insta::assert_snapshot!("postmortem_communication", md);

    let json = render(&inc, &log.events, Format::Json, false);
    assert!(json.contains("\"contradiction_seconds\": 600"), "{json}");
}

#[test]
fn without_impact_start_the_first_update_counts_from_declaration_and_open_periods_run_to_the_end() {
    let log = Log::default()
        .cadence()
        .ana(
            m(0),
            EventKind::IncidentDeclared {
                title: "Checkout failing".into(),
                severity: Severity::Sev2,
            },
        )
        .told(
            m(10),
            Audience::Internal,
            IncidentState::Investigating,
            "Looking.",
        )
        .ana(
            m(25),
            EventKind::Note {
                text: "still looking".into(),
            },
        );
    let inc = Incident::fold(&log.events);
    let pm = Postmortem::build(&inc, &log.events, false, &[]);
    let c = pm.communication.as_ref().expect("a communication section");
    assert_eq!(c.first_public, "no public update");
    assert_eq!(c.overdue.len(), 1);
    assert!(c.overdue[0].open);
    assert_eq!(
        c.overdue_seconds,
        10 * 60,
        "15m after declaring to the log end at 25m"
    );
    let md = render(&inc, &log.events, Format::Markdown, false);
    assert!(md.contains("still open at the end of the log"), "{md}");
}

#[test]
fn a_log_without_comms_has_no_communication_section() {
    let log = Log::default()
        .ana(
            m(0),
            EventKind::IncidentDeclared {
                title: "Checkout failing".into(),
                severity: Severity::Sev2,
            },
        )
        .error_rate(1, 5, 0.01);
    let inc = Incident::fold(&log.events);
    let md = render(&inc, &log.events, Format::Markdown, false);
    assert!(!md.contains("## Communication"), "{md}");
    let json = render(&inc, &log.events, Format::Json, false);
    assert!(!json.contains("\"communication\""), "{json}");
}

//! A directory of generated incident logs for the desk tests: open, resolved, drills,
//! damaged, and files that are not logs.

use std::path::Path;

use chrono::{DateTime, Duration, TimeZone, Utc};
use warroom::incident::{Actor, Audience, Event, EventKind, IncidentState, Severity};

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, 0)
        .single()
        .expect("time")
}

/// Builds one log's lines.
pub struct Log {
    text: String,
    id: u64,
}

impl Log {
    pub fn new(incident: &str, created: DateTime<Utc>) -> Log {
        Log {
            text: format!(
                "{{\"warroom_log\":1,\"incident\":\"{incident}\",\"created_at\":\"{}\"}}\n",
                created.to_rfc3339()
            ),
            id: 0,
        }
    }
    pub fn ev(mut self, at: DateTime<Utc>, by: Actor, kind: EventKind) -> Log {
        self.id += 1;
        let e = Event {
            id: self.id,
            at,
            by,
            kind,
        };
        self.text
            .push_str(&serde_json::to_string(&e).expect("event"));
        self.text.push('\n');
        self
    }
    pub fn person(self, at: DateTime<Utc>, who: &str, kind: EventKind) -> Log {
        self.ev(at, Actor::person(who), kind)
    }
    pub fn metrics(mut self, from: DateTime<Utc>, n: u64) -> Log {
        for i in 0..n {
            self = self.ev(
                from + Duration::seconds(i as i64 * 15),
                Actor::source("checkout errors"),
                EventKind::Metric {
                    series: "checkout errors".into(),
                    value: (i % 7) as f64 / 100.0,
                },
            );
        }
        self
    }
    pub fn raw(mut self, line: &str) -> Log {
        self.text.push_str(line);
        self
    }
    pub fn write(self, path: &Path) {
        std::fs::write(path, self.text).expect("write log");
    }
}

pub fn declare(title: &str, severity: Severity) -> EventKind {
    EventKind::IncidentDeclared {
        title: title.into(),
        severity,
    }
}
pub fn state(s: IncidentState) -> EventKind {
    EventKind::StateChanged { state: s }
}
pub fn commander(who: &str) -> EventKind {
    EventKind::RoleAssigned {
        role: "commander".into(),
        person: who.into(),
    }
}
pub fn public(body: &str, s: IncidentState) -> EventKind {
    EventKind::StatusUpdate {
        audience: Audience::Public,
        state: s,
        components: vec![],
        body: body.into(),
        targets: vec![],
    }
}
pub fn checklist(list: &str, items: &[&str]) -> EventKind {
    EventKind::ChecklistDefined {
        list: list.into(),
        items: items.iter().map(|s| s.to_string()).collect(),
        done_when: Default::default(),
    }
}
pub fn tick(list: &str, item: &str) -> EventKind {
    EventKind::ChecklistToggled {
        list: list.into(),
        item: item.into(),
        done: true,
    }
}
pub fn alert(name: &str) -> EventKind {
    EventKind::Alert {
        name: name.into(),
        state: warroom::incident::AlertState::Firing,
        labels: Default::default(),
        summary: String::new(),
        fingerprint: None,
        starts_at: None,
    }
}

fn m(n: i64) -> Duration {
    Duration::minutes(n)
}

/// Writes the desk test directory into `dir`.
pub fn write_dir(dir: &Path) {
    let t = t0();
    let lists = |l: Log, at| {
        l.ev(
            at,
            Actor::System,
            checklist(
                "detection",
                &[
                    "Confirm impact from two signals",
                    "List changes of the last 24 h",
                ],
            ),
        )
        .ev(
            at,
            Actor::System,
            checklist("communication", &["First public update within 15 min"]),
        )
    };
    // Open SEV1, real: alert at +0, declared +4, commander, public update +20, identified.
    lists(Log::new("inc-open", t + m(24 * 60)), t + m(24 * 60))
        .ev(
            t + m(24 * 60),
            Actor::source("alerts"),
            alert("CheckoutErrors"),
        )
        .metrics(t + m(24 * 60), 200)
        .person(
            t + m(24 * 60 + 4),
            "ana",
            declare("Checkout failing for EU shoppers", Severity::Sev1),
        )
        .person(t + m(24 * 60 + 5), "ana", commander("ana"))
        .person(
            t + m(24 * 60 + 6),
            "ana",
            tick("detection", "Confirm impact from two signals"),
        )
        .person(
            t + m(24 * 60 + 20),
            "cy",
            public(
                "We are investigating failed checkouts.",
                IncidentState::Investigating,
            ),
        )
        .person(t + m(24 * 60 + 30), "ana", state(IncidentState::Identified))
        .metrics(t + m(24 * 60 + 31), 100)
        .write(&dir.join("2026-11-03-checkout.jsonl"));
    // Resolved SEV2 turned SEV3: impact back-dated, mitigated +40, resolved +90.
    lists(Log::new("inc-search", t), t)
        .ev(t + m(2), Actor::source("alerts"), alert("SearchLatency"))
        .person(t + m(10), "bo", declare("Search slow", Severity::Sev2))
        .person(t + m(11), "bo", EventKind::ImpactStarted { at: t })
        .person(t + m(12), "bo", commander("bo"))
        .person(
            t + m(15),
            "bo",
            EventKind::SeverityChanged {
                severity: Severity::Sev3,
            },
        )
        .person(
            t + m(30),
            "cy",
            public("Search is slow; we are on it.", IncidentState::Identified),
        )
        .person(t + m(40), "bo", state(IncidentState::Monitoring))
        .person(
            t + m(41),
            "bo",
            tick("communication", "First public update within 15 min"),
        )
        .person(t + m(90), "bo", state(IncidentState::Resolved))
        .person(
            t + m(91),
            "cy",
            public("Search is back to normal.", IncidentState::Resolved),
        )
        .write(&dir.join("2026-11-02-search.jsonl"));
    // Another resolved SEV2, a week later, no public update at all.
    lists(
        Log::new("inc-login", t + m(7 * 24 * 60)),
        t + m(7 * 24 * 60),
    )
    .ev(
        t + m(7 * 24 * 60 + 1),
        Actor::source("alerts"),
        alert("LoginErrors"),
    )
    .person(
        t + m(7 * 24 * 60 + 3),
        "ana",
        declare("Logins failing", Severity::Sev2),
    )
    .person(
        t + m(7 * 24 * 60 + 20),
        "ana",
        state(IncidentState::Monitoring),
    )
    .person(
        t + m(7 * 24 * 60 + 45),
        "ana",
        state(IncidentState::Resolved),
    )
    .write(&dir.join("2026-11-09-login.jsonl"));
    // A drill, resolved.
    lists(Log::new("drill-1", t + m(3 * 24 * 60)), t + m(3 * 24 * 60))
        .ev(
            t + m(3 * 24 * 60),
            Actor::System,
            EventKind::DrillStarted {
                scenario: "checkout-outage".into(),
                speed: 6.0,
                title: Some("DRILL: Checkout failing during the summer sale".into()),
                severity: Some(Severity::Sev2),
                briefing: None,
                reference: None,
                impact: None,
            },
        )
        .ev(
            t + m(3 * 24 * 60 + 5),
            Actor::source("alerts"),
            alert("CheckoutErrors"),
        )
        .person(
            t + m(3 * 24 * 60 + 7),
            "dee",
            EventKind::Joined {
                person: "dee".into(),
                from: None,
            },
        )
        .person(
            t + m(3 * 24 * 60 + 8),
            "dee",
            declare(
                "DRILL: Checkout failing during the summer sale",
                Severity::Sev2,
            ),
        )
        .person(t + m(3 * 24 * 60 + 9), "dee", commander("dee"))
        .person(
            t + m(3 * 24 * 60 + 25),
            "dee",
            state(IncidentState::Resolved),
        )
        .write(&dir.join("2026-11-05-drill.jsonl"));
    // Damaged: a bad hand edit in the middle and a torn last line; still open.
    Log::new("inc-dns", t + m(2 * 24 * 60))
        .ev(t + m(2 * 24 * 60), Actor::source("alerts"), alert("DnsTimeouts"))
        .person(t + m(2 * 24 * 60 + 2), "ed", declare("DNS timeouts", Severity::Sev2))
        .raw("{\"id\": 3, \"at\": \"not a time\"}\n")
        .person(t + m(2 * 24 * 60 + 3), "ed", commander("ed"))
        .raw("{\"id\":5,\"at\":\"2026-11-04T10:05:00Z\",\"by\":{\"person\":\"ed\"},\"kind\":{\"type\":\"no")
        .write(&dir.join("2026-11-04-dns.jsonl"));
    // Not logs: a drill scenario, garbage, other files.
    std::fs::write(
        dir.join("scenario.jsonl"),
        "{\"warroom_drill\": 1, \"name\": \"x\"}\n",
    )
    .expect("write");
    std::fs::write(dir.join("empty.jsonl"), "").expect("write");
    std::fs::write(dir.join("notes.txt"), "not a log\n").expect("write");
    std::fs::write(dir.join("2026-11-04-dns.jsonl.damaged"), "junk\n").expect("write");
}

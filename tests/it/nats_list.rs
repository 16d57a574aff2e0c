//! `warroom incidents --store nats://…` through the real binary: a stream holding several
//! incidents, their events interleaved, one of them with many events (more than one pull
//! request and one chunk of the bulk read), each listed once with its own title, severity,
//! state, commander and exact event count, newest first.

use chrono::{DateTime, Duration, TimeZone, Utc};
use warroom::incident::{Actor, Draft, Event, EventKind, IncidentState, Severity};

use crate::nats_support::{Nats, have_nats};

/// Events of a big incident: declared, a commander, then metric samples.
const BIG: u64 = 30_000;

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0)
        .single()
        .expect("time")
        + Duration::minutes(minutes)
}

fn event(id: u64, at: DateTime<Utc>, by: &str, kind: EventKind) -> Event {
    Draft::new(at, Actor::person(by), kind).into_event(id)
}

fn declared(id: u64, t: DateTime<Utc>, title: &str, severity: Severity) -> Event {
    event(
        id,
        t,
        "ana",
        EventKind::IncidentDeclared {
            title: title.into(),
            severity,
        },
    )
}

fn commander(id: u64, t: DateTime<Utc>, person: &str) -> Event {
    event(
        id,
        t,
        person,
        EventKind::RoleAssigned {
            role: "commander".into(),
            person: person.into(),
        },
    )
}

#[test]
fn incidents_lists_every_incident_of_a_stream_with_a_big_one_among_them() {
    if !have_nats("incidents --store") {
        return;
    }
    let root = tempfile::tempdir().expect("tempdir");
    let nats = Nats::start(root.path());
    let cfg = warroom::config::NatsConfig::from_url(&nats.url()).expect("url");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let push = |incident: &str, events: &[Event]| {
        rt.block_on(warroom::store::nats::push(&cfg, incident, events))
            .expect("push")
    };

    // dns-1 starts, then the big one, then db-2; dns-1 goes on after them all, so the
    // stream holds each incident in more than one run.
    let dns = vec![
        declared(1, at(0), "DNS answers slow in eu-west", Severity::Sev3),
        commander(2, at(1), "ana"),
        event(
            3,
            at(2),
            "ana",
            EventKind::Note {
                text: "resolver cpu at 90%".into(),
            },
        ),
        event(
            4,
            at(90),
            "ana",
            EventKind::StateChanged {
                state: IncidentState::Resolved,
            },
        ),
    ];
    push("dns-1", &dns[..3]);
    let mut big = vec![
        declared(
            1,
            at(10),
            "Checkout failing during the summer sale",
            Severity::Sev1,
        ),
        commander(2, at(11), "bo"),
    ];
    big.extend((3..=BIG).map(|i| {
        let mut e = event(
            i,
            at(11) + Duration::milliseconds(i as i64 * 100),
            "bo",
            EventKind::Metric {
                series: "checkout error rate".into(),
                value: (i % 100) as f64 / 100.0,
            },
        );
        e.by = Actor::source("checkout error rate");
        e
    }));
    push("checkout-big", &big);
    let db = vec![
        declared(1, at(20), "Primary database failover", Severity::Sev2),
        commander(2, at(21), "cy"),
        event(
            3,
            at(22),
            "cy",
            EventKind::StateChanged {
                state: IncidentState::Monitoring,
            },
        ),
    ];
    push("db-2", &db);
    push("dns-1", &dns);

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(["incidents", "--store", &nats.url()])
        .current_dir(root.path())
        .output()
        .expect("run warroom incidents");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "one line per incident:\n{text}");
    // Newest first.
    let want = [
        (
            "db-2",
            "Primary database failover",
            "SEV2",
            "Monitoring",
            "commander: cy",
            "(3 events)".to_string(),
        ),
        (
            "checkout-big",
            "Checkout failing during the summer sale",
            "SEV1",
            "Investigating",
            "commander: bo",
            format!("({BIG} events)"),
        ),
        (
            "dns-1",
            "DNS answers slow in eu-west",
            "SEV3",
            "Resolved",
            "commander: ana",
            "(4 events)".to_string(),
        ),
    ];
    for (line, (id, title, sev, state, cmd, count)) in lines.iter().zip(&want) {
        assert!(
            line.starts_with(&format!("{id}  {title}  ")),
            "{line}\n{text}"
        );
        for part in [sev, state, cmd, &count.as_str()] {
            assert!(line.contains(part), "{part} in {line}\n{text}");
        }
    }
}

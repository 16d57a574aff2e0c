//! The events a new incident starts with, written once by whichever store opens it (the
//! local log in `room.rs`, the shared NATS stream in `room/shared.rs`): how it opened (a
//! drill's start, a declaration when the config says `declare = "on_open"`, else "room
//! opened" with the config's title), the checklists, and the comms cadence, so the fold
//! derives all of them from the log.

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::incident::{Actor, Draft, EventKind};
use crate::sources::drill::DrillHeader;

/// The opening events, `first` (a drill's `drill_started`) in place of the declaration or
/// "room opened" when given. `user` is who opens the room.
pub(super) fn seed(
    config: &Config,
    user: &str,
    now: DateTime<Utc>,
    first: Option<Draft>,
) -> Vec<Draft> {
    let opened = first.unwrap_or_else(|| {
        // A live room is declared by a person (`:declare`), or at open only when the
        // config says `declare = "on_open"`; until then it shows the config's title.
        if config.incident.declare_on_open {
            Draft::new(
                now,
                Actor::Person(user.to_string()),
                EventKind::IncidentDeclared {
                    title: config.incident.title.clone(),
                    severity: config.incident.severity,
                },
            )
        } else {
            Draft::new(
                now,
                Actor::System,
                EventKind::RoomOpened {
                    title: config.incident.title.clone(),
                    severity: config.incident.severity,
                },
            )
        }
    });
    let mut seed = vec![opened];
    for (list, items) in config.checklists.lists() {
        if !items.is_empty() {
            seed.push(Draft::new(
                now,
                Actor::System,
                EventKind::ChecklistDefined {
                    list: list.to_string(),
                    items: items.to_vec(),
                    done_when: config
                        .checklists
                        .done_when
                        .get(list)
                        .cloned()
                        .unwrap_or_default(),
                },
            ));
        }
    }
    // The cadence and the silent-page alarm's delay, so the fold derives them.
    seed.push(Draft::new(now, Actor::System, config.comms.event()));
    seed
}

/// The first event of a drill's incident: the scenario, its speed, briefing and reference
/// times (as a drill on the local log starts).
pub(super) fn drill_started(h: &DrillHeader, speed: f64, now: chrono::DateTime<Utc>) -> Draft {
    let briefing = [
        ("", &h.summary),
        ("Based on: ", &h.based_on),
        ("Invented: ", &h.invented),
    ]
    .iter()
    .filter(|(_, t)| !t.trim().is_empty())
    .map(|(k, t)| format!("{k}{}", t.trim()))
    .collect::<Vec<_>>()
    .join("\n\n");
    Draft::new(
        now,
        Actor::System,
        EventKind::DrillStarted {
            scenario: h.name.clone(),
            speed,
            title: Some(h.title.clone()),
            severity: Some(h.severity),
            briefing: Some(briefing).filter(|b| !b.is_empty()),
            reference: Some(h.reference.clone()),
            impact: h.impact,
        },
    )
}

/// The config's drill sources, loaded, each with the speed it plays at (`--speed`, else
/// the source's `speed`, else the drill's own) and `now` as its start.
pub(super) fn drills(
    config: &Config,
    speed: Option<f64>,
    now: DateTime<Utc>,
) -> Result<Vec<super::DrillPlan>, super::RoomError> {
    let mut drills = Vec::new();
    for s in &config.sources {
        if let crate::config::SourceKind::Drill(d) = &s.kind {
            let loaded = crate::sources::drill::load(&d.path, &config.dir).map_err(|e| {
                super::RoomError::Drill {
                    source_name: s.name.clone(),
                    message: e.to_string(),
                }
            })?;
            let speed = speed
                .filter(|v| *v > 0.0 && v.is_finite())
                .or(d.speed)
                .unwrap_or(loaded.header.speed);
            drills.push(super::DrillPlan {
                source: s.name.clone(),
                drill: loaded,
                speed,
                started: now,
            });
        }
    }
    Ok(drills)
}

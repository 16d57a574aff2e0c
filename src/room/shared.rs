//! Opening a room on a shared store (NATS JetStream, `crate::store::nats`): the incident
//! is named by `[incident] id` (or `--incident`), every room with the same store and id
//! joins the same incident, and the first one seeds it.
//!
//! A drill plays on the stream too: the room that runs it (`warroom drill NAME` with a
//! NATS store) seeds the incident with `drill_started` and writes the drill's signals;
//! every other room of the incident folds them from the stream like any event.

use std::sync::Arc;

use chrono::Utc;

use super::{RoomError, RoomHandle, RoomInfo, RoomOptions, Writer, start_with};
use crate::config::{Config, NatsConfig};
use crate::store::nats;

pub(super) async fn open(
    config: &Config,
    cfg: &NatsConfig,
    opts: RoomOptions,
) -> Result<(RoomHandle, RoomInfo), RoomError> {
    let Some(id) = config.incident.id.clone() else {
        return Err(RoomError::Store(
            "a shared store needs the incident's id: set [incident] id = \"…\" or run with --incident ID"
                .into(),
        ));
    };
    let now = Utc::now();
    let mut drills = super::opening::drills(config, opts.speed, now)?;
    let mirror = opts
        .log_path
        .clone()
        .unwrap_or_else(|| nats::mirror_path(&config.incident.log, &id));
    if let Some(parent) = mirror.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| RoomError::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    let user = opts.user.clone();
    let first_drill = drills.first().map(|p| (p.drill.header.clone(), p.speed));
    let seed = || {
        let first = first_drill
            .as_ref()
            .map(|(h, speed)| super::opening::drill_started(h, *speed, now));
        super::opening::seed(config, &user, now, first)
    };
    let opened = nats::open(cfg, &id, mirror.clone(), seed)
        .await
        .map_err(|e| RoomError::Store(e.to_string()))?;
    // Joining a drill already under way: play on from its recorded start and speed.
    {
        let inc = opened
            .state
            .read()
            .map_err(|_| RoomError::Store("room state poisoned".into()))?;
        if let Some(at) = inc.drill_started {
            for p in &mut drills {
                p.started = at;
                if let Some(f) = inc.drill_header.as_ref().filter(|_| opts.speed.is_none())
                    && f.speed > 0.0
                    && f.speed.is_finite()
                {
                    p.speed = f.speed;
                }
            }
        }
    }
    tracing::info!(incident = %id, mirror = %mirror.display(), host = %cfg.host, drills = drills.len(), "room open on NATS");
    let room = start_with(
        opened.state,
        (opened.version, opened.version_rx),
        Writer::Nats(Box::new(opened.store)),
        Some(Arc::new(mirror.clone())),
    )
    .with_look(super::Look::load(config))
    .with_store(cfg.clone());
    // Presence is recorded by the views (the terminal's `joined`/`left`, one per SSH
    // person): the store adds this host to a local `joined`. A headless room (`serve`)
    // adds nobody.
    let info = RoomInfo {
        log_path: mirror,
        incident_id: opened.incident_id,
        drill: first_drill.map(|(h, _)| h.name),
        continued: opened.continued,
        drills,
    };
    Ok((room, info))
}

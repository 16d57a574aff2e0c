//! Opening a room on a shared store (NATS JetStream, `crate::store::nats`): the incident
//! is named by `[incident] id` (or `--incident`), every room with the same store and id
//! joins the same incident, and the first one seeds it.

use std::sync::Arc;

use chrono::Utc;

use super::{RoomError, RoomHandle, RoomInfo, RoomOptions, Writer, start_with};
use crate::config::{Config, NatsConfig, SourceKind};
use crate::incident::{Actor, Draft, EventKind};
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
    if config
        .sources
        .iter()
        .any(|s| matches!(s.kind, SourceKind::Drill(_)))
    {
        return Err(RoomError::Store(
            "drills run on the local store: remove [store] (or kind = \"nats\") to play one".into(),
        ));
    }
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
    let now = Utc::now();
    let user = opts.user.clone();
    let seed = || {
        let mut seed = vec![if config.incident.declare_on_open {
            Draft::new(
                now,
                Actor::Person(user.clone()),
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
        }];
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
        seed
    };
    let opened = nats::open(cfg, &id, mirror.clone(), seed)
        .await
        .map_err(|e| RoomError::Store(e.to_string()))?;
    tracing::info!(incident = %id, mirror = %mirror.display(), host = %cfg.host, "room open on NATS");
    let room = start_with(
        opened.state,
        (opened.version, opened.version_rx),
        Writer::Nats(Box::new(opened.store)),
        Some(Arc::new(mirror.clone())),
    );
    // Presence: who is in the room, on which host.
    let joined = Draft::new(
        Utc::now(),
        Actor::Person(opts.user.clone()),
        EventKind::Joined {
            person: opts.user.clone(),
            from: Some(cfg.host.clone()),
        },
    );
    if room.record(joined).await.is_err() {
        tracing::warn!("room closed before presence was recorded");
    }
    let info = RoomInfo {
        log_path: mirror,
        incident_id: opened.incident_id,
        drill: None,
        continued: opened.continued,
        drills: Vec::new(),
    };
    Ok((room, info))
}

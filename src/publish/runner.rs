//! The publish runner: one task per `[[publish]]` target, started with the room.
//!
//! It watches the folded state. For each `status_update` naming its target (in log order,
//! one at a time, so a page incident is created before it is updated) it records `publish`
//! `sending` and waits until that is on disk, then sends, then records `delivered` with the
//! remote id or `failed` with the status and the server's message. A transient failure
//! (unreachable, 5xx, 420/429) is tried again with backoff and jitter, or after the
//! server's `Retry-After`, up to [`retry::MAX_ATTEMPTS`]; a refusal (401, 422, a body too
//! large) is not: the update stays in the log with the reason beside it.
//!
//! Never post twice: when the room starts, an update whose last outcome is `sending` (the
//! room stopped between send and record) is checked against the remote side first
//! ([`Publisher::recover`]); so is a retry after an answer that leaves it unknown whether
//! the send was carried out (a 5xx, a timeout). An update already `delivered` or `failed`
//! is left alone.

use std::collections::HashSet;

use chrono::Utc;
use tokio::task::JoinHandle;

use super::{Failure, Job, Publisher, Recovery, Retry, retry};
use crate::config::Config;
use crate::incident::comms::{Delivery, UpdateRecord};
use crate::incident::{Actor, Audience, Draft, EventKind, Incident, PublishOutcome};
use crate::room::{RoomClosed, RoomHandle};

/// Starts a runner for every `[[publish]]` target of `config`. The tasks end when the
/// room closes.
pub fn spawn_all(config: &Config, room: &RoomHandle) -> Vec<JoinHandle<()>> {
    config
        .publish
        .iter()
        .map(|p| spawn(Publisher::new(p), room.clone()))
        .collect()
}

/// Starts the runner of one publisher.
pub fn spawn(publisher: Publisher, room: RoomHandle) -> JoinHandle<()> {
    tokio::spawn(async move {
        let name = publisher.name().to_string();
        if run(publisher, room).await.is_err() {
            tracing::info!(target = %name, "publisher stopped: the room closed");
        }
    })
}

/// Work found in the fold.
struct Next {
    job: Job,
    /// The last recorded outcome was `sending` when the room started.
    interrupted: Option<Delivery>,
}

async fn run(mut p: Publisher, room: RoomHandle) -> Result<(), RoomClosed> {
    let mut version = room.subscribe();
    // Updates this process has taken up (their `sending` is ours, not a crash's).
    let mut taken: HashSet<u64> = HashSet::new();
    // Updates left with `sending` by an earlier run, seen when this one started.
    let interrupted: HashSet<u64> = {
        let inc = room.read();
        inc.comms
            .updates
            .iter()
            .filter(|u| {
                u.deliveries
                    .get(p.name())
                    .is_some_and(|d| d.outcome == PublishOutcome::Sending)
            })
            .map(|u| u.id)
            .collect()
    };
    loop {
        let next = {
            let inc = room.read();
            next_job(&inc, p.name(), &taken, &interrupted)
        };
        match next {
            Some(n) => {
                taken.insert(n.job.update.id);
                deliver(&mut p, &room, n).await?;
            }
            None => {
                if version.changed().await.is_err() {
                    return Err(RoomClosed);
                }
            }
        }
    }
}

/// The first update naming `target` that this run has not taken up and that has no outcome
/// yet (or was interrupted while sending).
fn next_job(
    inc: &Incident,
    target: &str,
    taken: &HashSet<u64>,
    interrupted: &HashSet<u64>,
) -> Option<Next> {
    let mut remote_id = None;
    let mut history = Vec::new();
    for u in &inc.comms.updates {
        if !u.targets.iter().any(|t| t == target) {
            continue;
        }
        history.push(u.clone());
        let d = u.deliveries.get(target);
        let open = match d {
            None => true,
            Some(d) => d.outcome == PublishOutcome::Sending && interrupted.contains(&u.id),
        };
        if open && !taken.contains(&u.id) {
            return Some(Next {
                job: Job {
                    update: u.clone(),
                    title: inc.title.clone(),
                    severity: inc.severity,
                    remote_id,
                    history,
                },
                interrupted: d.cloned(),
            });
        }
        if let Some(id) = d
            .filter(|d| d.outcome == PublishOutcome::Delivered)
            .and_then(|d| d.remote_id.clone())
        {
            remote_id = Some(id);
        }
    }
    None
}

/// One `publish` event for `update`, by warroom itself (a publisher is not a signal
/// source: `Actor::Source` would list it in the Sources pane).
fn event(
    p: &Publisher,
    update: &UpdateRecord,
    outcome: PublishOutcome,
    attempt: u32,
    remote_id: Option<String>,
    status: Option<u16>,
    message: Option<String>,
) -> Draft {
    Draft::new(
        Utc::now(),
        Actor::System,
        EventKind::Publish {
            update: update.id,
            target: p.name().to_string(),
            outcome,
            attempt,
            remote_id,
            status,
            message,
        },
    )
}

/// Records `draft` and waits until it is on disk and folded.
async fn record(room: &RoomHandle, draft: Draft) -> Result<u64, RoomClosed> {
    room.record(draft).await?.await
}

async fn deliver(p: &mut Publisher, room: &RoomHandle, next: Next) -> Result<(), RoomClosed> {
    let Next { job, interrupted } = next;
    let u = &job.update;
    let mut attempt = interrupted.as_ref().map_or(0, |d| d.attempts) + 1;

    // An internal update never goes to a public target, whatever its targets say.
    if u.audience == Audience::Internal && p.audience() == Audience::Public {
        let msg = format!(
            "not sent: an internal update and {} is a public target",
            p.name()
        );
        record(
            room,
            event(p, u, PublishOutcome::Failed, attempt, None, None, Some(msg)),
        )
        .await?;
        return Ok(());
    }

    // Interrupted while sending: find out whether it arrived before sending again.
    let mut check = interrupted
        .as_ref()
        .map(|d| (d.remote_id.clone(), d.message.clone(), true));
    loop {
        if let Some((rid, msg, after_restart)) = check.take() {
            match p
                .recover(&job, (rid.as_deref(), msg.as_deref()), after_restart)
                .await
            {
                Recovery::Delivered(remote_id) => {
                    let m =
                        "found on the remote side: it had arrived before the outcome was recorded";
                    record(
                        room,
                        event(
                            p,
                            u,
                            PublishOutcome::Delivered,
                            attempt.saturating_sub(1).max(1),
                            remote_id,
                            None,
                            Some(m.into()),
                        ),
                    )
                    .await?;
                    return Ok(());
                }
                Recovery::Unknown(m) => {
                    record(
                        room,
                        event(p, u, PublishOutcome::Failed, attempt, None, None, Some(m)),
                    )
                    .await?;
                    return Ok(());
                }
                Recovery::SendAgain => {}
            }
        }

        let (rid, msg) = p.intent(&job);
        record(
            room,
            event(
                p,
                u,
                PublishOutcome::Sending,
                attempt,
                rid.clone(),
                None,
                msg.clone(),
            ),
        )
        .await?;
        let failure: Failure = match p.send(&job).await {
            Ok(remote_id) => {
                record(
                    room,
                    event(
                        p,
                        u,
                        PublishOutcome::Delivered,
                        attempt,
                        remote_id,
                        None,
                        None,
                    ),
                )
                .await?;
                return Ok(());
            }
            Err(f) => f,
        };
        let wait = match failure.retry {
            Retry::Later(after) if attempt < retry::MAX_ATTEMPTS => {
                Some(retry::wait(attempt + 1, after))
            }
            _ => None,
        };
        let message = match wait {
            Some(w) => format!(
                "{}; trying again in {}",
                failure.message,
                humantime::format_duration(std::time::Duration::from_secs(w.as_secs().max(1)))
            ),
            None if matches!(failure.retry, Retry::Later(_)) => {
                format!("{}; gave up after {attempt} attempts", failure.message)
            }
            None => failure.message.clone(),
        };
        tracing::warn!(target_name = %p.name(), update = u.id, attempt, "publish failed: {message}");
        record(
            room,
            event(
                p,
                u,
                PublishOutcome::Failed,
                attempt,
                None,
                failure.status,
                Some(crate::text::line_max(&message, super::MAX_MESSAGE)),
            ),
        )
        .await?;
        let Some(wait) = wait else {
            return Ok(());
        };
        tokio::time::sleep(wait).await;
        attempt += 1;
        if failure.unsure {
            check = Some((rid, msg, false));
        }
    }
}

//! The drill source: plays a scenario's signal events in (compressed) real time.
//!
//! The format is described in `drills/` files: a header line, then one event per line
//! with its scenario time `t` in seconds (see the shared DRILL_FORMAT contract).

use chrono::{DateTime, Utc};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::incident::Draft;

pub use warroom_core::drill::{
    DRILL_VERSION, Drill, DrillEvent, DrillHeader, DrillParseError, HeaderError, MAX_SPEED,
    MIN_SPEED, Reference, parse, speed_in_range, wall_offset,
};

pub use crate::assets::drills::{BUILTIN, DrillLoadError, builtin, exists, load};

/// Plays `drill` from now: each event with scenario time `t` is sent at wall time
/// start + t/speed, with that time as its `at`. Ends after the last event, or when the
/// room stops listening.
pub fn spawn(name: &str, drill: Drill, speed: f64, tx: mpsc::Sender<Draft>) -> JoinHandle<()> {
    spawn_at(name, drill, speed, Utc::now(), tx)
}

/// Like [`spawn`] for a drill that started at `started` (continuing a drill log): events
/// whose time has already passed are skipped (they are in the log, or were missed while
/// the room was closed).
///
/// A speed outside [`MIN_SPEED`]..=[`MAX_SPEED`] is brought within it. The player is
/// supervised: should it panic, the room is told ("NAME stopped: internal error, see log")
/// and it restarts with backoff, skipping what is already past.
pub fn spawn_at(
    name: &str,
    drill: Drill,
    speed: f64,
    started: DateTime<Utc>,
    tx: mpsc::Sender<Draft>,
) -> JoinHandle<()> {
    let speed = if speed.is_finite() && speed > 0.0 {
        speed
    } else {
        drill.header.speed
    };
    let speed = if speed.is_finite() {
        speed.clamp(MIN_SPEED, MAX_SPEED)
    } else {
        1.0
    };
    let name = name.to_string();
    super::supervise(name.clone(), tx.clone(), move |_restart| {
        play(name.clone(), drill.clone(), speed, started, tx.clone())
    })
}

/// The player itself (see [`spawn_at`]).
fn play(
    name: String,
    drill: Drill,
    speed: f64,
    started: DateTime<Utc>,
    tx: mpsc::Sender<Draft>,
) -> JoinHandle<()> {
    // One start instant; every event is scheduled from it, so sleeps never add up.
    let now_wall = Utc::now();
    let now_inst = Instant::now();
    let behind = (now_wall - started).to_std().unwrap_or_default();
    let start_inst = now_inst.checked_sub(behind).unwrap_or(now_inst);
    tokio::spawn(async move {
        tracing::info!(drill = %name, speed, events = drill.events.len(), "drill playing");
        for ev in drill.events {
            // An offset no clock can reach (a scenario of centuries): the drill ends here.
            let Some((offset, due)) = wall_offset(ev.t, speed)
                .and_then(|o| start_inst.checked_add(o).map(|due| (o, due)))
            else {
                tracing::warn!(drill = %name, t = ev.t, "event beyond any reachable time; drill ends");
                return;
            };
            // Already past when we start (continuing a drill): in the log, or missed.
            // A second of grace, so a drill opened a moment ago plays from its start.
            if now_inst.saturating_duration_since(due) > std::time::Duration::from_secs(1) {
                continue;
            }
            tokio::time::sleep_until(due).await;
            let at = chrono::Duration::from_std(offset)
                .ok()
                .and_then(|d| started.checked_add_signed(d))
                .unwrap_or_else(Utc::now);
            if tx.send(Draft::new(at, ev.by, ev.kind)).await.is_err() {
                tracing::info!(drill = %name, "room closed; drill stops");
                return;
            }
        }
        tracing::info!(drill = %name, "drill played to its end");
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::EventKind;

    const HEADER: &str = r#"{"warroom_drill":1,"name":"x","title":"DRILL: x","severity":"SEV2","speed":6,"duration":60}"#;

    #[test]
    fn errors_name_the_line() {
        let text = format!(
            "{HEADER}\n{{\"t\":0,\"by\":\"system\",\"kind\":{{\"type\":\"note\",\"text\":\"a\"}}}}\n{{\"t\":1,\"by\":\"system\",\"kind\":{{\"type\":\"nope\"}}}}\n"
        );
        let e = parse(&text).unwrap_err().to_string();
        assert!(e.starts_with("line 3:"), "{e}");
    }

    #[test]
    fn time_must_not_go_back() {
        let text = format!(
            "{HEADER}\n{{\"t\":5,\"by\":\"system\",\"kind\":{{\"type\":\"note\",\"text\":\"a\"}}}}\n{{\"t\":1,\"by\":\"system\",\"kind\":{{\"type\":\"note\",\"text\":\"b\"}}}}\n"
        );
        let e = parse(&text).unwrap_err().to_string();
        assert!(
            e.starts_with("line 3:") && e.contains("back in time"),
            "{e}"
        );
    }

    #[test]
    fn people_actions_are_refused() {
        let text = format!(
            "{HEADER}\n{{\"t\":5,\"by\":{{\"person\":\"x\"}},\"kind\":{{\"type\":\"state_changed\",\"state\":\"resolved\"}}}}\n"
        );
        let e = parse(&text).unwrap_err().to_string();
        assert!(e.contains("state_changed"), "{e}");
    }

    #[test]
    fn hostile_text_is_sanitised() {
        let text = format!(
            "{HEADER}\n{{\"t\":5,\"by\":{{\"person\":\"x\"}},\"kind\":{{\"type\":\"note\",\"text\":\"hi\\u001b]52;c;Zm9v\\u0007 there\"}}}}\n"
        );
        let d = parse(&text).unwrap();
        match &d.events[0].kind {
            EventKind::Note { text } => assert!(!text.contains('\u{1b}'), "{text:?}"),
            k => panic!("{k:?}"),
        }
    }

    #[test]
    fn builtin_drill_parses() {
        for (name, text) in BUILTIN {
            let d = parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!d.events.is_empty(), "{name}");
        }
    }
}

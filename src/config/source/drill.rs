//! `kind = "drill"`: a scenario file (JSON Lines) played into the room. Whether the file
//! exists and loads is the loader's question (`crate::assets::drills`), asked by
//! `warroom check` and at open; here only what the config itself says is checked.

use std::path::PathBuf;

use serde::Deserialize;
use toml::Spanned;

use super::At;
use crate::config::ctx::Ctx;
use crate::config::error::Place;

/// Drill speeds that can be played (scenario seconds per wall second).
pub const SPEEDS: std::ops::RangeInclusive<f64> =
    warroom_core::drill::MIN_SPEED..=warroom_core::drill::MAX_SPEED;

#[derive(Clone, Debug, PartialEq)]
pub struct DrillConfig {
    /// Scenario file (JSON Lines); a bare name also finds the drills built into the binary.
    pub path: PathBuf,
    /// Where `path = …` is written, for problems found when the drill is loaded.
    pub path_at: Place,
    /// Time compression: 1 plays in real time. `None` (no `speed` in config): the
    /// drill's own default, from its header.
    pub speed: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Raw {
    path: Option<Spanned<String>>,
    speed: Option<Spanned<f64>>,
}

pub(super) fn validate(cx: &mut Ctx, r: &Raw, at: &At) -> DrillConfig {
    let (path, path_at) = match &r.path {
        Some(p) => (PathBuf::from(p.get_ref()), cx.place(p.span())),
        None => {
            cx.err(
                at.span.clone(),
                format!("drill source {:?} has no `path`", at.name),
                Some("add path = \"drills/checkout-outage.jsonl\"".into()),
            );
            (PathBuf::new(), cx.place(at.span.clone()))
        }
    };
    let speed = match &r.speed {
        None => None,
        Some(s) if SPEEDS.contains(s.get_ref()) => Some(*s.get_ref()),
        Some(s) => {
            cx.err(
                s.span(),
                format!(
                    "`speed` {:?} is outside 0.01 to 10000 (1 = real time)",
                    s.get_ref()
                ),
                Some("a drill plays at 0.01x (slowed down) up to 10000x".into()),
            );
            None
        }
    };
    DrillConfig {
        path,
        path_at,
        speed,
    }
}

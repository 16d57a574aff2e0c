//! `kind = "drill"`: a scenario file (JSON Lines) played into the room.

use std::path::PathBuf;

use serde::Deserialize;
use toml::Spanned;

use super::At;
use crate::config::ctx::Ctx;

/// Drill speeds that can be played (scenario seconds per wall second).
pub const SPEEDS: std::ops::RangeInclusive<f64> =
    crate::sources::drill::MIN_SPEED..=crate::sources::drill::MAX_SPEED;

#[derive(Clone, Debug, PartialEq)]
pub struct DrillConfig {
    /// Scenario file (JSON Lines); a bare name also finds the drills built into the binary.
    pub path: PathBuf,
    /// Time compression: 1 plays in real time. Without `speed` in config: the drill's default.
    pub speed: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Raw {
    path: Option<Spanned<String>>,
    speed: Option<Spanned<f64>>,
}

pub(super) fn validate(cx: &mut Ctx, r: &Raw, at: &At) -> DrillConfig {
    let dir = at.dir;
    // Without `speed`, the drill's own default (its header) applies.
    let mut drill_speed = 1.0;
    let path = match &r.path {
        Some(p) => {
            let pb = PathBuf::from(p.get_ref());
            if crate::sources::drill::exists(&pb, dir) {
                match crate::sources::drill::load(&pb, dir) {
                    Ok(d) => drill_speed = d.header.speed,
                    Err(e) => cx.err(
                        p.span(),
                        format!("drill {:?} is not valid: {e}", p.get_ref()),
                        Some("see the drill format in drills/ (a header line, then one event per line)".into()),
                    ),
                }
            } else {
                cx.err(
                    p.span(),
                    format!("drill file not found: {:?}", p.get_ref()),
                    Some(format!(
                        "paths are relative to the config's folder ({}); built-in drills: {}",
                        dir.display(),
                        crate::sources::drill::BUILTIN
                            .iter()
                            .map(|(n, _)| *n)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
            }
            pb
        }
        None => {
            cx.err(
                at.span.clone(),
                format!("drill source {:?} has no `path`", at.name),
                Some("add path = \"drills/checkout-outage.jsonl\"".into()),
            );
            PathBuf::new()
        }
    };
    let speed = match &r.speed {
        None => {
            if !SPEEDS.contains(&drill_speed)
                && let Some(p) = &r.path
            {
                cx.err(
                    p.span(),
                    format!("the drill's own speed {drill_speed:?} is outside 0.01 to 10000"),
                    Some("set speed = 1 (real time) up to 10000 in this [[source]]".into()),
                );
            }
            drill_speed.clamp(*SPEEDS.start(), *SPEEDS.end())
        }
        Some(s) if SPEEDS.contains(s.get_ref()) => *s.get_ref(),
        Some(s) => {
            cx.err(
                s.span(),
                format!(
                    "`speed` {:?} is outside 0.01 to 10000 (1 = real time)",
                    s.get_ref()
                ),
                Some("a drill plays at 0.01x (slowed down) up to 10000x".into()),
            );
            1.0
        }
    };
    DrillConfig { path, speed }
}

//! `kind = "prometheus"`: a PromQL query polled from a Prometheus server.

use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::At;
use super::fields::{self, Auth};
use crate::config::ctx::{Ctx, DurationText, str_of};
use crate::incident::Direction;

#[derive(Clone, Debug, PartialEq)]
pub struct PrometheusConfig {
    pub url: String,
    pub query: String,
    /// Backfill window at start (`query_range`).
    pub window: Duration,
    pub unit: String,
    pub warn: Option<f64>,
    pub crit: Option<f64>,
    pub direction: Direction,
    /// Series name template for multi-series results, e.g. `"{{region}}"`.
    pub label: Option<String>,
    pub auth: Option<Auth>,
    /// Hysteresis band (fraction of the threshold) and dwell (samples); `None`: defaults.
    pub hysteresis: Option<f64>,
    pub dwell: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Raw {
    url: Option<Spanned<String>>,
    query: Option<Spanned<String>>,
    window: Option<Spanned<DurationText>>,
    unit: Option<Spanned<String>>,
    warn: Option<Spanned<f64>>,
    crit: Option<Spanned<f64>>,
    hysteresis: Option<Spanned<f64>>,
    dwell: Option<Spanned<i64>>,
    direction: Option<Spanned<String>>,
    label: Option<Spanned<String>>,
    auth: Option<Spanned<String>>,
    auth_env: Option<Spanned<String>>,
}

pub(super) fn validate(cx: &mut Ctx, r: &Raw, at: &At) -> PrometheusConfig {
    let url = fields::url(cx, &r.url, at);
    let query = match &r.query {
        Some(q) if !q.get_ref().trim().is_empty() => q.get_ref().clone(),
        _ => {
            cx.err(
                at.span.clone(),
                format!("prometheus source {:?} has no `query`", at.name),
                Some("add query = 'your PromQL'".into()),
            );
            String::new()
        }
    };
    let direction = direction(cx, &r.direction);
    let (warn, crit) = (
        r.warn.as_ref().map(|v| *v.get_ref()),
        r.crit.as_ref().map(|v| *v.get_ref()),
    );
    check_levels(cx, warn, &r.crit, direction);
    PrometheusConfig {
        url,
        query,
        window: cx.duration(&r.window, "window", Duration::from_secs(30 * 60)),
        unit: str_of(&r.unit).unwrap_or_default(),
        warn,
        crit,
        direction,
        label: str_of(&r.label),
        auth: fields::auth(cx, &r.auth, &r.auth_env),
        hysteresis: fields::hysteresis(cx, &r.hysteresis),
        dwell: fields::dwell(cx, &r.dwell),
    }
}

fn direction(cx: &mut Ctx, d: &Option<Spanned<String>>) -> Direction {
    let Some(d) = d else {
        return Direction::Above;
    };
    match d.get_ref().as_str() {
        "above" => Direction::Above,
        "below" => Direction::Below,
        other => {
            cx.err(
                d.span(),
                format!("unknown direction {other:?}"),
                Some("use \"above\" (alarm when high) or \"below\" (alarm when low)".into()),
            );
            Direction::Above
        }
    }
}

/// `crit` must be more severe than `warn` in the alarm's direction.
fn check_levels(
    cx: &mut Ctx,
    warn: Option<f64>,
    crit: &Option<Spanned<f64>>,
    direction: Direction,
) {
    let (Some(w), Some(cs)) = (warn, crit) else {
        return;
    };
    let c = *cs.get_ref();
    let wrong = match direction {
        Direction::Above => c < w,
        Direction::Below => c > w,
    };
    if wrong {
        cx.err(
            cs.span(),
            format!("`crit` ({c}) is less severe than `warn` ({w}) for direction {direction:?}"),
            Some(
                "for direction = \"below\" crit must be lower than warn; for \"above\", higher"
                    .into(),
            ),
        );
    }
}

//! `kind = "reports"`: user reports against a baseline (a JSON endpoint or a Prometheus
//! query); a count over `ratio` x baseline is a spike.

use serde::Deserialize;
use toml::Spanned;

use super::At;
use super::fields::{self, Auth};
use crate::config::ctx::{Ctx, str_of};

#[derive(Clone, Debug, PartialEq)]
pub struct ReportsConfig {
    pub url: String,
    /// When set, `url` is a Prometheus server and this query gives the report count.
    pub query: Option<String>,
    /// JSON pointers to the report and baseline arrays (default `/reports`, `/baseline`).
    pub reports_pointer: String,
    pub baseline_pointer: String,
    /// A count over `ratio` x baseline is a spike (warn); `crit_ratio` is crit.
    pub ratio: f64,
    pub crit_ratio: Option<f64>,
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
    reports_pointer: Option<Spanned<String>>,
    baseline_pointer: Option<Spanned<String>>,
    ratio: Option<Spanned<f64>>,
    crit_ratio: Option<Spanned<f64>>,
    hysteresis: Option<Spanned<f64>>,
    dwell: Option<Spanned<i64>>,
    auth: Option<Spanned<String>>,
    auth_env: Option<Spanned<String>>,
}

pub(super) fn validate(cx: &mut Ctx, r: &Raw, at: &At) -> ReportsConfig {
    let ratio = match &r.ratio {
        None => 3.0,
        Some(v) if *v.get_ref() > 1.0 => *v.get_ref(),
        Some(v) => {
            cx.err(
                v.span(),
                "`ratio` must be greater than 1 (a spike is a multiple of the baseline)",
                None,
            );
            3.0
        }
    };
    ReportsConfig {
        url: fields::url(cx, &r.url, at),
        query: str_of(&r.query),
        reports_pointer: str_of(&r.reports_pointer).unwrap_or_else(|| "/reports".into()),
        baseline_pointer: str_of(&r.baseline_pointer).unwrap_or_else(|| "/baseline".into()),
        ratio,
        crit_ratio: r.crit_ratio.as_ref().map(|v| *v.get_ref()),
        auth: fields::auth(cx, &r.auth, &r.auth_env),
        hysteresis: fields::hysteresis(cx, &r.hysteresis),
        dwell: fields::dwell(cx, &r.dwell),
    }
}

//! `kind = "statuspage"`: a (third-party or own) Statuspage-style page's components.

use serde::Deserialize;
use toml::Spanned;

use super::At;
use super::fields::{self, Auth};
use crate::config::ctx::Ctx;

/// Default events per minute per source (`budget`).
pub const DEFAULT_BUDGET: u32 = 600;

#[derive(Clone, Debug, PartialEq)]
pub struct StatuspageConfig {
    /// Page root, e.g. `https://www.githubstatus.com`; `/api/v2/summary.json` is appended.
    pub url: String,
    pub auth: Option<Auth>,
    /// `provider` (a third-party page: `provider = true`) or `own`; kept apart in exports.
    pub role: Option<String>,
    /// Component changes recorded per minute; more are summarised once a minute.
    pub budget: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Raw {
    url: Option<Spanned<String>>,
    auth: Option<Spanned<String>>,
    auth_env: Option<Spanned<String>>,
    provider: Option<Spanned<bool>>,
    /// `own = true`: our own public page (the same as `role = "own"`).
    own: Option<Spanned<bool>>,
    role: Option<Spanned<String>>,
    budget: Option<Spanned<i64>>,
}

pub(super) fn validate(cx: &mut Ctx, r: &Raw, at: &At) -> StatuspageConfig {
    StatuspageConfig {
        url: fields::url(cx, &r.url, at),
        auth: fields::auth(cx, &r.auth, &r.auth_env),
        role: fields::page_role(cx, &r.role, &r.provider, &r.own),
        budget: budget(cx, &r.budget),
    }
}

fn budget(cx: &mut Ctx, b: &Option<Spanned<i64>>) -> u32 {
    let Some(b) = b else {
        return DEFAULT_BUDGET;
    };
    match u32::try_from(*b.get_ref()) {
        Ok(n) if n > 0 => n,
        _ => {
            cx.err(
                b.span(),
                format!(
                    "`budget` must be from 1 to {}, got {}",
                    u32::MAX,
                    b.get_ref()
                ),
                Some(
                    "events per minute recorded one by one; more are summarised (default 600)"
                        .into(),
                ),
            );
            DEFAULT_BUDGET
        }
    }
}

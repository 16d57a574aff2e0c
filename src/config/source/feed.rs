//! `kind = "feed"`: an RSS/Atom status feed.

use serde::Deserialize;
use toml::Spanned;

use super::At;
use super::fields::{self, Auth};
use crate::config::ctx::Ctx;

#[derive(Clone, Debug, PartialEq)]
pub struct FeedConfig {
    pub url: String,
    pub auth: Option<Auth>,
    /// `provider` (a third-party feed: `provider = true`) or `own`.
    pub role: Option<String>,
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
}

pub(super) fn validate(cx: &mut Ctx, r: &Raw, at: &At) -> FeedConfig {
    FeedConfig {
        url: fields::url(cx, &r.url, at),
        auth: fields::auth(cx, &r.auth, &r.auth_env),
        role: fields::page_role(cx, &r.role, &r.provider, &r.own),
    }
}

//! `[[source]] kind = "pagerduty"`: PagerDuty v3 webhooks received over HTTP.
//!
//! ```toml
//! [[source]]
//! kind = "pagerduty"
//! name = "pagerduty"
//! listen = "127.0.0.1:9098"
//! path = "/pagerduty"            # default
//! secret_env = "PD_WEBHOOK_SECRET"  # required: the subscription's signing secret
//! max_body = 1048576             # default 1 MiB
//! ```

use std::net::SocketAddr;

use serde::Deserialize;
use toml::Spanned;

use super::At;
use crate::config::ctx::{Ctx, str_of};

/// Largest PagerDuty webhook body accepted unless `max_body` says otherwise. PagerDuty's
/// v3 events are a few kilobytes; 1 MiB leaves room for long notes and custom fields.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

#[derive(Clone, Debug, PartialEq)]
pub struct PagerdutyConfig {
    pub listen: SocketAddr,
    pub path: String,
    /// Environment variable holding the webhook subscription's signing secret.
    pub secret_env: String,
    /// Largest webhook body accepted, bytes (larger ones get 413).
    pub max_body: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Raw {
    listen: Option<Spanned<String>>,
    path: Option<Spanned<String>>,
    secret_env: Option<Spanned<String>>,
    max_body: Option<Spanned<i64>>,
}

pub(super) fn validate(cx: &mut Ctx, r: &Raw, at: &At) -> PagerdutyConfig {
    let name = at.name;
    let secret_env = match &r.secret_env {
        Some(s) if !s.get_ref().trim().is_empty() => {
            cx.warn_env(&r.secret_env, "secret_env");
            s.get_ref().trim().to_string()
        }
        Some(s) => {
            cx.err(s.span(), "`secret_env` is empty", Some(SECRET_HELP.into()));
            String::new()
        }
        None => {
            cx.err(
                at.span.clone(),
                format!("pagerduty source {name:?} has no `secret_env`"),
                Some(SECRET_HELP.into()),
            );
            String::new()
        }
    };
    PagerdutyConfig {
        listen: listen(cx, &r.listen, SocketAddr::from(([127, 0, 0, 1], 9098))),
        path: path(cx, &r.path, "/pagerduty"),
        secret_env,
        max_body: max_body(cx, &r.max_body, DEFAULT_MAX_BODY),
    }
}

const SECRET_HELP: &str = "add secret_env = \"PD_WEBHOOK_SECRET\" naming the variable that holds the webhook subscription's signing secret: unsigned posts are refused";

/// `listen` of a receiver source, or `default`.
pub(super) fn listen(cx: &mut Ctx, v: &Option<Spanned<String>>, default: SocketAddr) -> SocketAddr {
    match v {
        Some(l) => l.get_ref().parse::<SocketAddr>().unwrap_or_else(|_| {
            cx.err(
                l.span(),
                format!("`listen` is not an address: {:?}", l.get_ref()),
                Some("write it as \"127.0.0.1:9098\"".into()),
            );
            default
        }),
        None => default,
    }
}

/// `path` of a receiver source (must start with `/`), or `default`.
pub(super) fn path(cx: &mut Ctx, v: &Option<Spanned<String>>, default: &str) -> String {
    let p = str_of(v).unwrap_or_else(|| default.into());
    if !p.starts_with('/')
        && let Some(s) = v
    {
        cx.err(s.span(), "`path` must start with /", None);
    }
    p
}

/// `max_body` of a receiver source, or `default`.
pub(super) fn max_body(cx: &mut Ctx, v: &Option<Spanned<i64>>, default: usize) -> usize {
    match v {
        None => default,
        Some(n) => match usize::try_from(*n.get_ref()) {
            Ok(b) if b > 0 => b,
            _ => {
                cx.err(
                    n.span(),
                    "`max_body` must be a positive number of bytes",
                    Some(format!("the default is {default}")),
                );
                default
            }
        },
    }
}

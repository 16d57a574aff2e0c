//! `kind = "alertmanager"`: a webhook receiver Alertmanager posts to.

use std::net::SocketAddr;

use serde::Deserialize;
use toml::Spanned;

use crate::config::ctx::{Ctx, str_of};

/// Largest webhook body accepted unless `max_body` says otherwise. Alertmanager sends one
/// notification per group with every alert in it: 4,000 alerts are ~1.1 MB, so a
/// smaller limit makes big outages bounce (and Alertmanager retry forever).
pub const DEFAULT_MAX_BODY: usize = 16 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq)]
pub struct AlertmanagerConfig {
    pub listen: SocketAddr,
    pub path: String,
    /// Environment variable holding the bearer token Alertmanager must send.
    pub token_env: Option<String>,
    /// Largest webhook body accepted, bytes (larger ones get 413).
    pub max_body: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Raw {
    listen: Option<Spanned<String>>,
    path: Option<Spanned<String>>,
    token_env: Option<Spanned<String>>,
    max_body: Option<Spanned<i64>>,
}

pub(super) fn validate(cx: &mut Ctx, r: &Raw) -> AlertmanagerConfig {
    cx.warn_env(&r.token_env, "token_env");
    let default_listen = SocketAddr::from(([127, 0, 0, 1], 9099));
    let listen = match &r.listen {
        Some(l) => l.get_ref().parse::<SocketAddr>().unwrap_or_else(|_| {
            cx.err(
                l.span(),
                format!("`listen` is not an address: {:?}", l.get_ref()),
                Some("write it as \"127.0.0.1:9099\"".into()),
            );
            default_listen
        }),
        None => default_listen,
    };
    let path = str_of(&r.path).unwrap_or_else(|| "/alertmanager".into());
    if !path.starts_with('/')
        && let Some(p) = &r.path
    {
        cx.err(p.span(), "`path` must start with /", None);
    }
    let max_body = match &r.max_body {
        None => DEFAULT_MAX_BODY,
        Some(n) => match usize::try_from(*n.get_ref()) {
            Ok(b) if b > 0 => b,
            _ => {
                cx.err(
                    n.span(),
                    "`max_body` must be a positive number of bytes",
                    Some("the default is 16777216 (16 MiB)".into()),
                );
                DEFAULT_MAX_BODY
            }
        },
    };
    AlertmanagerConfig {
        listen,
        path,
        token_env: str_of(&r.token_env),
        max_body,
    }
}

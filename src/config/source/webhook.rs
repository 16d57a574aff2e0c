//! `[[source]] kind = "webhook"`: a generic JSON receiver for paging tools without a
//! receiver of their own. Fields are found by JSON pointer (RFC 6901); a body may be one
//! object or an array of them.
//!
//! ```toml
//! [[source]]
//! kind = "webhook"
//! name = "opsgenie"
//! listen = "127.0.0.1:9097"
//! path = "/webhook"              # default
//! token_env = "HOOK_TOKEN"       # optional: `Authorization: Bearer $HOOK_TOKEN` required
//! fields = { title = "/alert/message", status = "/action", severity = "/alert/priority", time = "/alert/createdAt", id = "/alert/alertId" }
//! ```
//!
//! `title` is required; `status` values resolved, resolve, ok, closed, close, recovered, inactive (any
//! case) resolve the alert, anything else fires it; `id` (default: the title) keys the
//! alert so its resolution finds it.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use serde::Deserialize;
use toml::Spanned;

use super::At;
use super::pagerduty::{listen, max_body, path};
use crate::config::ctx::{Ctx, str_of};

/// Largest generic webhook body accepted unless `max_body` says otherwise.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// JSON pointers to the fields of one alert.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WebhookFields {
    pub title: String,
    pub status: Option<String>,
    pub severity: Option<String>,
    pub time: Option<String>,
    pub id: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WebhookConfig {
    pub listen: SocketAddr,
    pub path: String,
    /// Environment variable holding the bearer token senders must present.
    pub token_env: Option<String>,
    pub max_body: usize,
    pub fields: WebhookFields,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Raw {
    listen: Option<Spanned<String>>,
    path: Option<Spanned<String>>,
    token_env: Option<Spanned<String>>,
    max_body: Option<Spanned<i64>>,
    fields: Option<Spanned<BTreeMap<String, String>>>,
}

const FIELD_NAMES: &[&str] = &["title", "status", "severity", "time", "id"];

pub(super) fn validate(cx: &mut Ctx, r: &Raw, at: &At) -> WebhookConfig {
    let name = at.name;
    cx.warn_env(&r.token_env, "token_env");
    let mut fields = WebhookFields::default();
    match &r.fields {
        None => {
            cx.err(
                at.span.clone(),
                format!("webhook source {name:?} has no `fields`"),
                Some(FIELDS_HELP.into()),
            );
        }
        Some(f) => {
            let map: &BTreeMap<String, String> = f.get_ref();
            for (k, v) in map {
                if !FIELD_NAMES.contains(&k.as_str()) {
                    cx.err(
                        f.span(),
                        format!("`fields` has an unknown field {k:?}"),
                        Some(format!("fields are: {}", FIELD_NAMES.join(", "))),
                    );
                    continue;
                }
                if !(v.is_empty() || v.starts_with('/')) {
                    cx.err(
                        f.span(),
                        format!("`fields.{k}` is not a JSON pointer: {v:?}"),
                        Some("a JSON pointer starts with /, e.g. \"/alert/title\"".into()),
                    );
                    continue;
                }
                let v = v.clone();
                match k.as_str() {
                    "title" => fields.title = v,
                    "status" => fields.status = Some(v),
                    "severity" => fields.severity = Some(v),
                    "time" => fields.time = Some(v),
                    _ => fields.id = Some(v),
                }
            }
            if !map.contains_key("title") {
                cx.err(
                    f.span(),
                    format!("`fields` of webhook source {name:?} has no `title`"),
                    Some(FIELDS_HELP.into()),
                );
            }
        }
    }
    WebhookConfig {
        listen: listen(cx, &r.listen, SocketAddr::from(([127, 0, 0, 1], 9097))),
        path: path(cx, &r.path, "/webhook"),
        token_env: str_of(&r.token_env),
        max_body: max_body(cx, &r.max_body, DEFAULT_MAX_BODY),
        fields,
    }
}

const FIELDS_HELP: &str = "add fields = { title = \"/title\", status = \"/status\", severity = \"/severity\", time = \"/time\", id = \"/id\" } (JSON pointers into the posted body; title is required)";

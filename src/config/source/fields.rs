//! Checks of keys several kinds share (`url`, `auth`, `hysteresis`, `dwell`, `role`).

use toml::Spanned;

use super::At;
use crate::config::ctx::{Ctx, str_of};

/// How a source authenticates; the secret itself is read from an environment variable.
#[derive(Clone, Debug, PartialEq)]
pub enum Auth {
    /// `Authorization: Bearer $ENV`.
    Bearer { env: String },
    /// `$ENV` holds `user:password`.
    Basic { env: String },
}

/// `url`, which the kind needs: http(s), without a trailing slash.
pub(super) fn url(cx: &mut Ctx, url: &Option<Spanned<String>>, at: &At) -> String {
    match url {
        Some(u) => {
            let s = u.get_ref().trim();
            if !(s.starts_with("http://") || s.starts_with("https://")) {
                cx.err(
                    u.span(),
                    format!("`url` must start with http:// or https://, got {s:?}"),
                    None,
                );
            }
            s.trim_end_matches('/').to_string()
        }
        None => {
            cx.err(
                at.span.clone(),
                format!("{} source {:?} has no `url`", at.kind, at.name),
                Some("add url = \"http://...\"".into()),
            );
            String::new()
        }
    }
}

/// `auth` and `auth_env`; warns when the variable is not set here.
pub(super) fn auth(
    cx: &mut Ctx,
    auth: &Option<Spanned<String>>,
    auth_env: &Option<Spanned<String>>,
) -> Option<Auth> {
    cx.warn_env(auth_env, "auth_env");
    let env = str_of(auth_env);
    match (auth, env) {
        (None, None) => None,
        (Some(a), Some(env)) => match a.get_ref().as_str() {
            "bearer" => Some(Auth::Bearer { env }),
            "basic" => Some(Auth::Basic { env }),
            other => {
                cx.err(
                    a.span(),
                    format!("unknown auth {other:?}"),
                    Some("use auth = \"bearer\" or \"basic\" with auth_env = \"ENV_VAR\"".into()),
                );
                None
            }
        },
        (None, Some(env)) => Some(Auth::Bearer { env }),
        (Some(a), None) => {
            cx.err(
                a.span(),
                "`auth` without `auth_env`",
                Some("name the environment variable that holds the secret: auth_env = \"PROM_TOKEN\" (never put secrets in config.toml)".into()),
            );
            None
        }
    }
}

/// Hysteresis band: a fraction of the threshold, at least 0 and below 1.
pub(super) fn hysteresis(cx: &mut Ctx, h: &Option<Spanned<f64>>) -> Option<f64> {
    match h {
        Some(h) if !(0.0..1.0).contains(h.get_ref()) => {
            cx.err(
                h.span(),
                format!(
                    "`hysteresis` must be at least 0 and below 1, not {}",
                    h.get_ref()
                ),
                Some("a fraction of the threshold value: 0.05 is 5% (0 turns it off)".into()),
            );
            None
        }
        h => h.as_ref().map(|h| *h.get_ref()),
    }
}

/// Dwell: samples from 1 to 1000.
pub(super) fn dwell(cx: &mut Ctx, d: &Option<Spanned<i64>>) -> Option<u32> {
    let d = d.as_ref()?;
    match u32::try_from(*d.get_ref()) {
        Ok(n) if (1..=1000).contains(&n) => Some(n),
        _ => {
            cx.err(
                d.span(),
                format!(
                    "`dwell` must be a number of samples from 1 to 1000, not {}",
                    d.get_ref()
                ),
                Some("1 changes the level at the first sample; the default is 2".into()),
            );
            None
        }
    }
}

/// A status page's or feed's role: `provider = true`, `own = true` (our public page) or
/// `role = "provider" | "own"`.
pub(super) fn page_role(
    cx: &mut Ctx,
    role: &Option<Spanned<String>>,
    provider: &Option<Spanned<bool>>,
    own: &Option<Spanned<bool>>,
) -> Option<String> {
    let role = match role {
        None => None,
        Some(v) => match v.get_ref().as_str() {
            "provider" | "own" => Some(v.get_ref().clone()),
            other => {
                cx.err(
                    v.span(),
                    format!("unknown role {other:?}"),
                    Some(
                        "use role = \"provider\" (a third-party page) or \"own\" (our public page)"
                            .into(),
                    ),
                );
                None
            }
        },
    };
    // `own = true` is the spelling of `role = "own"`.
    let role = match (own, role) {
        (Some(o), Some(role)) if *o.get_ref() != (role == "own") => {
            cx.err(
                o.span(),
                format!("`own = {}` contradicts role = {role:?}", o.get_ref()),
                Some("keep one of the two".into()),
            );
            Some(role)
        }
        (Some(o), None) => o.get_ref().then(|| "own".to_string()),
        (_, role) => role,
    };
    match (provider, role) {
        (Some(p), Some(role)) if *p.get_ref() != (role == "provider") => {
            cx.err(
                p.span(),
                format!("`provider = {}` contradicts role = {role:?}", p.get_ref()),
                Some("keep one of the two".into()),
            );
            Some(role)
        }
        (Some(p), None) => p.get_ref().then(|| "provider".to_string()),
        (_, role) => role,
    }
}

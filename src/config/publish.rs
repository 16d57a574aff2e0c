//! `[[publish]]`: where status updates written in the room go.
//!
//! ```toml
//! [[publish]]
//! name = "status page"
//! kind = "statuspage"              # Atlassian Statuspage REST API v1
//! page_id = "kctbh9vrtdwd"
//! api_key_env = "STATUSPAGE_API_KEY"
//! components = { Checkout = "8kbf7d35c070" }   # optional: page ids of components by name
//!
//! [[publish]]
//! name = "slack #incidents"
//! kind = "webhook"                 # {"text": "..."}: Slack, Mattermost, Rocket.Chat
//! url_env = "SLACK_WEBHOOK_URL"    # or url = "https://..." when the URL is no secret
//! template = "webhook.json"        # optional: another JSON shape, with {text}, {title}, ...
//!
//! [[publish]]
//! name = "cstate"
//! kind = "cstate"                  # writes content/issues/<date>-<slug>.md into a cState site
//! site = "../status-site"
//! ```
//!
//! `audience` is `public` (the default for statuspage and cstate) or `internal` (the default
//! for webhook): which updates a target receives. Secrets are only read from environment
//! variables (`api_key_env`, `url_env`), when the request is made.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::Config;
use super::ctx::{Ctx, DurationText};
use super::error::{did_you_mean, line_col};
use crate::incident::Audience;

pub const PUBLISH_KINDS: &[&str] = &["statuspage", "webhook", "cstate"];

/// The Statuspage API root used when `url` is not given.
pub const STATUSPAGE_API: &str = "https://api.statuspage.io";

/// Placeholders a webhook template may use.
pub const WEBHOOK_PLACEHOLDERS: &[&str] = &[
    "text",
    "title",
    "state",
    "audience",
    "body",
    "components",
    "severity",
    "author",
];

/// One `[[publish]]` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct PublishConfig {
    pub name: String,
    /// Which updates it receives: public ones only, or internal (and public) ones.
    pub audience: Audience,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Line of the `[[publish]]` table in the file.
    pub line: usize,
    pub kind: PublishKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PublishKind {
    Statuspage(StatuspagePublish),
    Webhook(WebhookPublish),
    Cstate(CstatePublish),
}

impl PublishKind {
    pub fn name(&self) -> &'static str {
        match self {
            PublishKind::Statuspage(_) => "statuspage",
            PublishKind::Webhook(_) => "webhook",
            PublishKind::Cstate(_) => "cstate",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StatuspagePublish {
    /// API root, default `https://api.statuspage.io`.
    pub url: String,
    pub page_id: String,
    /// Environment variable holding the API key (sent as `Authorization: OAuth KEY`).
    pub api_key_env: String,
    /// Component name → the page's component id, for components an update names without one.
    pub components: BTreeMap<String, String>,
}

/// Where a webhook posts: a URL in the config, or one read from the environment (Slack and
/// Mattermost webhook URLs are secrets).
#[derive(Clone, Debug, PartialEq)]
pub enum WebhookUrl {
    Literal(String),
    Env(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct WebhookPublish {
    pub url: WebhookUrl,
    /// A JSON template (file, text) used instead of `{"text": "..."}`.
    pub template: Option<(PathBuf, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CstatePublish {
    /// The root of the cState (Hugo) site: issues go to `SITE/content/issues/`.
    pub site: PathBuf,
}

impl Config {
    /// Names of the publish targets an update for `audience` goes to (the composer's
    /// `targets`): public updates go to every target, internal ones only to internal targets.
    pub fn publish_targets(&self, audience: Audience) -> Vec<String> {
        self.publish
            .iter()
            .filter(|p| audience == Audience::Public || p.audience == Audience::Internal)
            .map(|p| p.name.clone())
            .collect()
    }
}

/// `[[publish]]` as written: every key of every kind; which a kind takes is checked after.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPublish {
    name: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    audience: Option<Spanned<String>>,
    timeout: Option<Spanned<DurationText>>,
    url: Option<Spanned<String>>,
    url_env: Option<Spanned<String>>,
    page_id: Option<Spanned<String>>,
    api_key_env: Option<Spanned<String>>,
    components: Option<Spanned<BTreeMap<String, String>>>,
    template: Option<Spanned<String>>,
    site: Option<Spanned<String>>,
}

fn kind_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "statuspage" => &["url", "page_id", "api_key_env", "components"],
        "webhook" => &["url", "url_env", "template"],
        "cstate" => &["site"],
        _ => &[],
    }
}

/// Validates every `[[publish]]` entry; names must be unique.
pub(super) fn validate_all(
    cx: &mut Ctx,
    raw: &[Spanned<RawPublish>],
    dir: &Path,
) -> Vec<PublishConfig> {
    let mut out: Vec<PublishConfig> = Vec::new();
    for p in raw {
        let (line, _) = line_col(cx.text, p.span().start);
        let Some(c) = validate(cx, p.get_ref(), p.span(), dir, line) else {
            continue;
        };
        if let Some(first) = out.iter().find(|o| o.name == c.name) {
            let span = p.get_ref().name.as_ref().map_or(p.span(), |n| n.span());
            cx.err(
                span,
                format!("duplicate publish name {:?}", c.name),
                Some(format!(
                    "the first [[publish]] with this name is at line {}; names must be unique",
                    first.line
                )),
            );
            continue;
        }
        out.push(c);
    }
    out
}

fn validate(
    cx: &mut Ctx,
    r: &RawPublish,
    span: std::ops::Range<usize>,
    dir: &Path,
    line: usize,
) -> Option<PublishConfig> {
    let Some(kind) = &r.kind else {
        cx.err(
            span,
            "[[publish]] without `kind`",
            Some(format!("add kind = one of {}", PUBLISH_KINDS.join(", "))),
        );
        return None;
    };
    let k = kind.get_ref().as_str();
    if !PUBLISH_KINDS.contains(&k) {
        let help = match did_you_mean(k, PUBLISH_KINDS) {
            Some(m) => format!("did you mean \"{m}\"?"),
            None => format!("kinds: {}", PUBLISH_KINDS.join(", ")),
        };
        cx.err(
            kind.span(),
            format!("unknown publish kind {k:?}"),
            Some(help),
        );
        return None;
    }
    let name = match &r.name {
        Some(n) if !n.get_ref().trim().is_empty() => crate::text::line(n.get_ref()),
        Some(n) => {
            cx.err(n.span(), "publish `name` is empty", None);
            return None;
        }
        None => {
            cx.err(
                kind.span(),
                format!("{k} publisher without `name`"),
                Some("add name = \"...\": updates name their targets by it".into()),
            );
            return None;
        }
    };
    let allowed = kind_keys(k);
    let present = [
        ("url", r.url.as_ref().map(Spanned::span)),
        ("url_env", r.url_env.as_ref().map(Spanned::span)),
        ("page_id", r.page_id.as_ref().map(Spanned::span)),
        ("api_key_env", r.api_key_env.as_ref().map(Spanned::span)),
        ("components", r.components.as_ref().map(Spanned::span)),
        ("template", r.template.as_ref().map(Spanned::span)),
        ("site", r.site.as_ref().map(Spanned::span)),
    ];
    for (key, sp) in present {
        if let Some(sp) = sp
            && !allowed.contains(&key)
        {
            cx.err(
                sp,
                format!("`{key}` is not a setting of a {k} publisher"),
                Some(format!(
                    "{k} publishers take: name, kind, audience, timeout, {}",
                    allowed.join(", ")
                )),
            );
        }
    }
    let default_audience = if k == "webhook" {
        Audience::Internal
    } else {
        Audience::Public
    };
    let audience = match &r.audience {
        None => default_audience,
        Some(a) => match a.get_ref().as_str() {
            "public" => Audience::Public,
            "internal" => Audience::Internal,
            other => {
                cx.err(
                    a.span(),
                    format!("`audience`: unknown value {other:?}"),
                    Some("use \"public\" (customers) or \"internal\" (the company)".into()),
                );
                default_audience
            }
        },
    };
    let timeout = cx.duration(&r.timeout, "timeout", Duration::from_secs(10));
    let kind = match k {
        "statuspage" => statuspage(cx, r, kind.span(), &name)?,
        "webhook" => webhook(cx, r, kind.span(), dir)?,
        _ => {
            let Some(site) = &r.site else {
                cx.err(
                    kind.span(),
                    "cstate publisher without `site`",
                    Some("add site = \"DIR\": the root of the cState (Hugo) site".into()),
                );
                return None;
            };
            PublishKind::Cstate(CstatePublish {
                site: dir.join(site.get_ref()),
            })
        }
    };
    Some(PublishConfig {
        name,
        audience,
        timeout,
        line,
        kind,
    })
}

fn http_url(cx: &mut Ctx, v: &Spanned<String>) -> bool {
    match reqwest::Url::parse(v.get_ref()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => true,
        Ok(_) => {
            cx.err(v.span(), "`url` must be http:// or https://", None);
            false
        }
        Err(e) => {
            cx.err(v.span(), format!("`url` is not a URL: {e}"), None);
            false
        }
    }
}

fn statuspage(
    cx: &mut Ctx,
    r: &RawPublish,
    at: std::ops::Range<usize>,
    name: &str,
) -> Option<PublishKind> {
    let url = match &r.url {
        Some(u) if http_url(cx, u) => u.get_ref().trim_end_matches('/').to_string(),
        Some(_) => return None,
        None => STATUSPAGE_API.to_string(),
    };
    let page_id = match &r.page_id {
        Some(p)
            if !p.get_ref().is_empty()
                && p.get_ref().chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            p.get_ref().clone()
        }
        Some(p) => {
            cx.err(
                p.span(),
                format!("`page_id` {:?} is not a Statuspage page id", p.get_ref()),
                Some("the page id is the letters and digits in the page's API info (manage.statuspage.io → API info)".into()),
            );
            return None;
        }
        None => {
            cx.err(
                at,
                format!("statuspage publisher {name:?} without `page_id`"),
                Some("add page_id = \"...\" from the page's API info".into()),
            );
            return None;
        }
    };
    let Some(env) = &r.api_key_env else {
        cx.err(
            at,
            format!("statuspage publisher {name:?} without `api_key_env`"),
            Some("name the environment variable holding the API key: api_key_env = \"STATUSPAGE_API_KEY\" (never put secrets in config.toml)".into()),
        );
        return None;
    };
    cx.warn_env(&r.api_key_env, "api_key_env");
    Some(PublishKind::Statuspage(StatuspagePublish {
        url,
        page_id,
        api_key_env: env.get_ref().clone(),
        components: r
            .components
            .as_ref()
            .map(|c| c.get_ref().clone())
            .unwrap_or_default(),
    }))
}

fn webhook(
    cx: &mut Ctx,
    r: &RawPublish,
    at: std::ops::Range<usize>,
    dir: &Path,
) -> Option<PublishKind> {
    let url = match (&r.url, &r.url_env) {
        (Some(u), None) => {
            if !http_url(cx, u) {
                return None;
            }
            WebhookUrl::Literal(u.get_ref().clone())
        }
        (None, Some(e)) => {
            cx.warn_env(&r.url_env, "url_env");
            WebhookUrl::Env(e.get_ref().clone())
        }
        (Some(u), Some(_)) => {
            cx.err(
                u.span(),
                "webhook with both `url` and `url_env`",
                Some("keep one: url_env when the URL holds a token".into()),
            );
            return None;
        }
        (None, None) => {
            cx.err(
                at,
                "webhook publisher without `url` or `url_env`",
                Some("add url_env = \"SLACK_WEBHOOK_URL\" (the URL is a secret) or url = \"https://...\"".into()),
            );
            return None;
        }
    };
    let template = match &r.template {
        None => None,
        Some(t) => {
            let path = dir.join(t.get_ref());
            match std::fs::read_to_string(&path) {
                Ok(text) => match check_template(&text) {
                    Ok(()) => Some((path, text)),
                    Err((offset, message)) => {
                        let (line, column) = line_col(&text, offset);
                        cx.err(
                            t.span(),
                            format!(
                                "webhook template {}:{line}:{column}: {message}",
                                path.display()
                            ),
                            Some(format!(
                                "placeholders: {}",
                                WEBHOOK_PLACEHOLDERS
                                    .iter()
                                    .map(|p| format!("{{{p}}}"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                        );
                        return None;
                    }
                },
                Err(e) => {
                    cx.err(
                        t.span(),
                        format!("webhook template {}: {e}", path.display()),
                        None,
                    );
                    return None;
                }
            }
        }
    };
    Some(PublishKind::Webhook(WebhookPublish { url, template }))
}

/// A webhook template is JSON with `{placeholder}`s inside its strings: every placeholder
/// must be known, and the template filled with any text must still be JSON. The error is
/// (byte offset in the template, message).
pub fn check_template(text: &str) -> Result<(), (usize, String)> {
    let filled = fill_template(text, |p| {
        WEBHOOK_PLACEHOLDERS
            .contains(&p)
            .then(|| "a \"quoted\"\nline".to_string())
    })?;
    serde_json::from_str::<serde_json::Value>(&filled)
        .map(|_| ())
        .map_err(|e| {
            let offset = text
                .lines()
                .take(e.line().saturating_sub(1))
                .map(|l| l.len() + 1)
                .sum::<usize>();
            (offset, format!("not JSON once filled in: {e}"))
        })
}

/// Replaces each `{name}` (a word in braces) in `text` by `value(name)` escaped for a JSON
/// string; other braces (JSON's own) stay. An unknown placeholder is an error (byte
/// offset, message).
pub fn fill_template(
    text: &str,
    value: impl Fn(&str) -> Option<String>,
) -> Result<String, (usize, String)> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut at = 0;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        // A JSON brace (object) or a placeholder: a placeholder is `{word}`.
        let word_end = tail[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map(|j| j + 1);
        match word_end {
            Some(j) if j > 1 && tail[j..].starts_with('}') => {
                let name = &tail[1..j];
                let Some(v) = value(name) else {
                    return Err((at + i, format!("unknown placeholder {{{name}}}")));
                };
                let quoted = serde_json::to_string(&v).unwrap_or_default();
                out.push_str(quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or(""));
                rest = &tail[j + 1..];
                at += i + j + 1;
            }
            _ => {
                out.push_str(&tail[..1]);
                rest = &tail[1..];
                at += i + 1;
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_placeholders_are_escaped_for_json() {
        let t = r#"{"content": "{title}: {body}", "n": {"x": 1}}"#;
        let out = fill_template(t, |p| Some(format!("<{p} \"q\">"))).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["content"], "<title \"q\">: <body \"q\">");
        assert!(check_template(t).is_ok());
    }

    #[test]
    fn unknown_placeholder_is_named_with_its_place() {
        let t = "{\n  \"text\": \"{titel}\"\n}";
        let (at, msg) = check_template(t).unwrap_err();
        assert_eq!(msg, "unknown placeholder {titel}");
        assert_eq!(line_col(t, at), (2, 12));
    }
}

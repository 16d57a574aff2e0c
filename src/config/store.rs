//! `[store]`: where the incident's events live. `kind = "file"` (default): the local
//! JSON Lines log, nothing to run. `kind = "nats"`: a NATS JetStream stream shared by every
//! room of the incident, with the local log kept as a mirror and outbox.
//!
//! ```toml
//! [store]
//! kind = "nats"
//! url = "nats://10.0.0.1:4222,nats://10.0.0.2:4222"   # comma-separated for a cluster
//! stream = "WARROOM"        # default
//! replicas = 3              # 1 (default) or 3
//! token_env = "NATS_TOKEN"  # or creds_file = "warroom.creds"
//! tls = true
//! host = "ops-eu-1"         # this room's host name (default: the machine's)
//! ```

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

/// Where the events of an incident are kept.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum StoreConfig {
    /// The local JSON Lines log (today's behaviour).
    #[default]
    File,
    /// A NATS JetStream stream.
    Nats(NatsConfig),
}

#[derive(Clone, Debug, PartialEq)]
pub struct NatsConfig {
    /// Server URLs (several for a cluster).
    pub urls: Vec<String>,
    /// The stream holding every incident (`warroom.incident.<id>.events`).
    pub stream: String,
    /// 1 or 3.
    pub replicas: usize,
    /// Environment variable holding the auth token.
    pub token_env: Option<String>,
    /// NATS credentials file (JWT + nkey seed).
    pub creds_file: Option<PathBuf>,
    pub tls: bool,
    /// This room's host, shown in presence and matched against a source's `host`.
    pub host: String,
    /// Source name → the host whose room runs it (`host = "…"` on a `[[source]]`).
    pub source_hosts: std::collections::BTreeMap<String, String>,
}

pub const DEFAULT_STREAM: &str = "WARROOM";

/// Why a NATS server list (`[store] url`, `--store`) was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum UrlError {
    #[error("`url` names no server")]
    NoServer,
    #[error("{0:?} is not a NATS server address (nats://HOST:PORT)")]
    NotNats(String),
}

/// An incident id (`[incident] id`, `--incident`) that cannot name a subject.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error(
    "incident id {0:?}: use letters, digits, `-` and `_` (at most 128), e.g. \"checkout-2026-11-30\""
)]
pub struct BadIncidentId(pub String);

impl NatsConfig {
    /// A config for `urls` (comma-separated) with every other setting at its default.
    pub fn from_url(urls: &str) -> Result<NatsConfig, UrlError> {
        Ok(NatsConfig {
            urls: split_urls(urls)?,
            stream: DEFAULT_STREAM.to_string(),
            replicas: 1,
            token_env: None,
            creds_file: None,
            tls: false,
            host: this_host(),
            source_hosts: Default::default(),
        })
    }
}

/// The machine's host name (`/proc/sys/kernel/hostname`, `$HOSTNAME`), else "localhost".
pub fn this_host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| crate::text::line(h.trim()))
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

fn split_urls(s: &str) -> Result<Vec<String>, UrlError> {
    let urls: Vec<String> = s
        .split(',')
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_string)
        .collect();
    if urls.is_empty() {
        return Err(UrlError::NoServer);
    }
    for u in &urls {
        let ok = ["nats://", "tls://", "ws://", "wss://"]
            .iter()
            .any(|p| u.starts_with(p))
            || !u.contains("://");
        if !ok {
            return Err(UrlError::NotNats(u.clone()));
        }
    }
    Ok(urls)
}

/// `[store]` as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStore {
    kind: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    stream: Option<Spanned<String>>,
    replicas: Option<Spanned<i64>>,
    token_env: Option<Spanned<String>>,
    creds_file: Option<Spanned<String>>,
    tls: Option<Spanned<bool>>,
    host: Option<Spanned<String>>,
}

/// A problem with `[store]`: where, what, how to fix it.
pub(super) type Problem = (Range<usize>, String, Option<String>);

/// Checks `[store]` (`span`: the table, for problems of a missing key).
pub(super) fn build(
    raw: Option<&Spanned<RawStore>>,
    dir: &Path,
) -> Result<StoreConfig, Vec<Problem>> {
    let Some(s) = raw else {
        return Ok(StoreConfig::File);
    };
    let (span, r) = (s.span(), s.get_ref());
    let mut problems: Vec<Problem> = Vec::new();
    let kind = r.kind.as_ref().map_or("file", |k| k.get_ref().as_str());
    match kind {
        "file" => {
            if let Some(u) = &r.url {
                problems.push((
                    u.span(),
                    "`url` has no effect with `kind = \"file\"`".into(),
                    Some("set `kind = \"nats\"` to use a NATS server".into()),
                ));
            }
            return if problems.is_empty() {
                Ok(StoreConfig::File)
            } else {
                Err(problems)
            };
        }
        "nats" => {}
        other => {
            let at = r.kind.as_ref().map_or(span.clone(), |k| k.span());
            return Err(vec![(
                at,
                format!("unknown store kind {other:?}"),
                Some(
                    "use \"file\" (the local log, the default) or \"nats\" (NATS JetStream)".into(),
                ),
            )]);
        }
    }
    let urls = match &r.url {
        None => {
            problems.push((
                span.clone(),
                "a `kind = \"nats\"` store needs `url`".into(),
                Some("e.g. url = \"nats://127.0.0.1:4222\" (comma-separated for a cluster)".into()),
            ));
            Vec::new()
        }
        Some(u) => split_urls(u.get_ref()).unwrap_or_else(|m| {
            problems.push((u.span(), format!("`url`: {m}"), None));
            Vec::new()
        }),
    };
    let stream = match &r.stream {
        None => DEFAULT_STREAM.to_string(),
        Some(s) => {
            let v = s.get_ref();
            let ok = !v.is_empty()
                && v.len() <= 64
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !ok {
                problems.push((
                    s.span(),
                    format!("`stream`: {v:?} is not a stream name"),
                    Some("use letters, digits, `_` and `-` (at most 64)".into()),
                ));
            }
            v.clone()
        }
    };
    let replicas = match &r.replicas {
        None => 1,
        Some(n) if *n.get_ref() == 1 || *n.get_ref() == 3 => *n.get_ref() as usize,
        Some(n) => {
            problems.push((
                n.span(),
                format!("`replicas`: {} is not 1 or 3", n.get_ref()),
                Some("1 for one server, 3 for a three-node cluster".into()),
            ));
            1
        }
    };
    let name = |v: &Option<Spanned<String>>| v.as_ref().map(|s| s.get_ref().clone());
    if r.token_env.is_some() && r.creds_file.is_some() {
        let at = r.creds_file.as_ref().map_or(span.clone(), |c| c.span());
        problems.push((
            at,
            "`token_env` and `creds_file` both set".into(),
            Some("give one way to log in to NATS".into()),
        ));
    }
    let host = match &r.host {
        Some(h) if h.get_ref().trim().is_empty() => {
            problems.push((h.span(), "`host` is empty".into(), None));
            String::new()
        }
        Some(h) => crate::text::line(h.get_ref().trim()),
        None => this_host(),
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(StoreConfig::Nats(NatsConfig {
        urls,
        stream,
        replicas,
        token_env: name(&r.token_env),
        creds_file: name(&r.creds_file).map(|c| dir.join(c)),
        tls: r.tls.as_ref().is_some_and(|t| *t.get_ref()),
        host,
        source_hosts: Default::default(),
    }))
}

/// `[incident] id`: the incident's name on the stream (letters, digits, `-`, `_`).
pub fn incident_id_ok(id: &str) -> Result<(), BadIncidentId> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(BadIncidentId(id.to_string()))
    }
}

/// Reads `host = "…"` of each `[[source]]` into the NATS store config. The rule: with a
/// shared store, a source with `host` runs only in the room whose `[store] host` is that
/// host (so two rooms do not both poll and write the same signal); a source without `host`
/// runs in every room. Warnings for `host` without a shared store.
pub(super) fn source_hosts(
    sources: &[Spanned<super::source::RawSource>],
    store: &mut StoreConfig,
) -> Vec<Problem> {
    let mut warnings = Vec::new();
    for s in sources {
        let Some((name, host)) = s.get_ref().name_and_host() else {
            continue;
        };
        match store {
            StoreConfig::Nats(n) => {
                n.source_hosts.insert(
                    crate::text::line(name.get_ref()),
                    host.get_ref().trim().to_string(),
                );
            }
            StoreConfig::File => warnings.push((
                host.span(),
                "`host` has no effect without a shared store".into(),
                Some("a source runs on one host only with [store] kind = \"nats\"".into()),
            )),
        }
    }
    warnings
}

impl NatsConfig {
    /// Whether this room runs source `name` (see `source_hosts`: a source with `host` runs only on that host).
    pub fn runs_source(&self, name: &str) -> bool {
        self.source_hosts.get(name).is_none_or(|h| *h == self.host)
    }
}

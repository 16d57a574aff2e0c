//! `[[source]]`: the keys every source has, and one file per kind (`kind = "…"`), each
//! with its raw struct (the keys it accepts, written once), its validated config and its
//! checks. A new kind is a new file here plus one variant in `RawKind` and `SourceKind`.

mod alertmanager;
mod drill;
mod feed;
mod fields;
mod pagerduty;
mod prometheus;
mod reports;
mod statuspage;
mod webhook;

use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::ctx::{Ctx, DurationText};
use super::schema;

pub use alertmanager::{AlertmanagerConfig, DEFAULT_MAX_BODY};
pub use drill::{DrillConfig, SPEEDS};
pub use feed::FeedConfig;
pub use fields::Auth;
pub use pagerduty::PagerdutyConfig;
pub use prometheus::PrometheusConfig;
pub use reports::ReportsConfig;
pub use statuspage::{DEFAULT_BUDGET, StatuspageConfig};
pub use webhook::{WebhookConfig, WebhookFields};

#[derive(Clone, Debug, PartialEq)]
pub struct SourceConfig {
    pub name: String,
    /// Poll interval.
    pub every: Duration,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Response size cap in bytes.
    pub max_bytes: u64,
    /// Line of the `[[source]]` table in the file.
    pub line: usize,
    pub kind: SourceKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SourceKind {
    Prometheus(PrometheusConfig),
    Statuspage(StatuspageConfig),
    Feed(FeedConfig),
    Reports(ReportsConfig),
    Alertmanager(AlertmanagerConfig),
    Drill(DrillConfig),
    Pagerduty(PagerdutyConfig),
    Webhook(WebhookConfig),
}

impl SourceKind {
    pub fn name(&self) -> &'static str {
        match self {
            SourceKind::Prometheus(_) => "prometheus",
            SourceKind::Statuspage(_) => "statuspage",
            SourceKind::Feed(_) => "feed",
            SourceKind::Reports(_) => "reports",
            SourceKind::Alertmanager(_) => "alertmanager",
            SourceKind::Drill(_) => "drill",
            SourceKind::Pagerduty(_) => "pagerduty",
            SourceKind::Webhook(_) => "webhook",
        }
    }
}

/// A `[[source]]` as written. `kind` holds the kind's own keys (the reader nests them
/// under the kind's name, see `raw::nest_source_kinds`); the others are every kind's.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSource {
    kind: Option<Spanned<RawKind>>,
    name: Option<Spanned<String>>,
    every: Option<Spanned<DurationText>>,
    timeout: Option<Spanned<DurationText>>,
    max_bytes: Option<Spanned<i64>>,
    /// With a shared store: the one host whose room runs this source (`[store] host`).
    host: Option<Spanned<String>>,
}

impl RawSource {
    /// `name` and `host` when both are written (see `store::source_hosts`).
    pub(crate) fn name_and_host(&self) -> Option<(&Spanned<String>, &Spanned<String>)> {
        Some((self.name.as_ref()?, self.host.as_ref()?))
    }
}

/// The kinds, by the name written in `kind = "…"`, each with the keys only it accepts.
#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum RawKind {
    Prometheus(prometheus::Raw),
    Statuspage(statuspage::Raw),
    Feed(feed::Raw),
    Reports(reports::Raw),
    Alertmanager(alertmanager::Raw),
    Drill(drill::Raw),
    Pagerduty(pagerduty::Raw),
    Webhook(webhook::Raw),
}

impl RawKind {
    fn default_every(&self) -> Duration {
        match self {
            RawKind::Statuspage(_) | RawKind::Feed(_) => Duration::from_secs(60),
            _ => Duration::from_secs(15),
        }
    }
}

/// The source kinds, as written in `kind = "…"`.
pub fn kinds() -> &'static [&'static str] {
    schema::variants::<RawKind>()
}

/// Keys every source has besides `kind`.
pub(crate) fn common_keys() -> Vec<&'static str> {
    schema::fields::<RawSource>()
        .iter()
        .copied()
        .filter(|k| *k != "kind")
        .collect()
}

/// Every key a source of `kind` accepts, `kind` and the shared ones first.
pub(crate) fn keys_of(kind: &str) -> Vec<&'static str> {
    let own = kinds()
        .iter()
        .position(|k| *k == kind)
        .map_or(&[][..], schema::variant_fields::<RawKind>);
    let mut keys = schema::fields::<RawSource>().to_vec();
    keys.extend(own);
    keys
}

/// Every key some kind has of its own.
pub(crate) fn all_keys() -> Vec<&'static str> {
    (0..kinds().len())
        .flat_map(schema::variant_fields::<RawKind>)
        .copied()
        .collect()
}

/// Where a kind's checks point when a key is missing, and what they call the source.
pub(crate) struct At<'a> {
    /// The `kind = "…"` value.
    pub span: std::ops::Range<usize>,
    pub kind: &'a str,
    pub name: &'a str,
}

/// Checks one `[[source]]`; `None` when it cannot be used at all (its problems are in
/// `cx`). A source without a kind was already reported while reading.
pub(crate) fn validate(cx: &mut Ctx, s: &Spanned<RawSource>, line: usize) -> Option<SourceConfig> {
    let r = s.get_ref();
    let kind = r.kind.as_ref()?;
    let k = kind_name(kind.get_ref());
    let name = match &r.name {
        Some(n) if !n.get_ref().trim().is_empty() => crate::text::line(n.get_ref()),
        Some(n) => {
            cx.err(n.span(), "source `name` is empty", None);
            return None;
        }
        None => {
            cx.err(
                kind.span(),
                format!("{k} source without `name`"),
                Some("add name = \"...\": it labels the pane and the timeline".into()),
            );
            return None;
        }
    };
    let every = cx.duration(&r.every, "every", kind.get_ref().default_every());
    let timeout = cx.duration(&r.timeout, "timeout", Duration::from_secs(10));
    let max_bytes = match &r.max_bytes {
        None => 5 * 1024 * 1024,
        Some(n) if *n.get_ref() > 0 => n.get_ref().unsigned_abs(),
        Some(n) => {
            cx.err(n.span(), "`max_bytes` must be positive", None);
            5 * 1024 * 1024
        }
    };
    let at = At {
        span: kind.span(),
        kind: k,
        name: &name,
    };
    let kind = match kind.get_ref() {
        RawKind::Prometheus(r) => SourceKind::Prometheus(prometheus::validate(cx, r, &at)),
        RawKind::Statuspage(r) => SourceKind::Statuspage(statuspage::validate(cx, r, &at)),
        RawKind::Feed(r) => SourceKind::Feed(feed::validate(cx, r, &at)),
        RawKind::Reports(r) => SourceKind::Reports(reports::validate(cx, r, &at)),
        RawKind::Alertmanager(r) => SourceKind::Alertmanager(alertmanager::validate(cx, r)),
        RawKind::Drill(r) => SourceKind::Drill(drill::validate(cx, r, &at)),
        RawKind::Pagerduty(r) => SourceKind::Pagerduty(pagerduty::validate(cx, r, &at)),
        RawKind::Webhook(r) => SourceKind::Webhook(webhook::validate(cx, r, &at)),
    };
    Some(SourceConfig {
        name,
        every,
        timeout,
        max_bytes,
        line,
        kind,
    })
}

/// The name a raw kind was written with.
fn kind_name(kind: &RawKind) -> &'static str {
    let i = match kind {
        RawKind::Prometheus(_) => 0,
        RawKind::Statuspage(_) => 1,
        RawKind::Feed(_) => 2,
        RawKind::Reports(_) => 3,
        RawKind::Alertmanager(_) => 4,
        RawKind::Drill(_) => 5,
        RawKind::Pagerduty(_) => 6,
        RawKind::Webhook(_) => 7,
    };
    kinds().get(i).copied().unwrap_or("source")
}

/// The name of a raw source's kind and where `name = …` is (for duplicate names).
pub(crate) fn name_span(s: &Spanned<RawSource>) -> std::ops::Range<usize> {
    s.get_ref().name.as_ref().map_or(s.span(), |n| n.span())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_lists_its_own_keys_and_the_shared_ones() {
        assert_eq!(
            kinds(),
            [
                "prometheus",
                "statuspage",
                "feed",
                "reports",
                "alertmanager",
                "drill",
                "pagerduty",
                "webhook"
            ]
        );
        let drill = keys_of("drill");
        assert_eq!(
            drill,
            [
                "kind",
                "name",
                "every",
                "timeout",
                "max_bytes",
                "host",
                "path",
                "speed"
            ]
        );
        assert!(all_keys().contains(&"token_env"));
        assert!(!common_keys().contains(&"kind"));
    }
}

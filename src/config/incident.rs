//! `[incident]`: the title, severity and log path of a new room, and whether opening it
//! declares it.

use serde::Deserialize;
use toml::Spanned;

use super::ctx::{Ctx, str_of};
use crate::incident::Severity;

#[derive(Clone, Debug, PartialEq)]
pub struct IncidentConfig {
    pub title: String,
    pub severity: Severity,
    /// Log path template: `{date}` (YYYY-MM-DD), `{time}` (HHMMSS) and `{slug}` (from title).
    pub log: String,
    /// `declare = "on_open"`: a new live room is declared at open by whoever opens it.
    /// Default (`"manual"`): it opens "not declared" until a person types `:declare`.
    pub declare_on_open: bool,
    /// `id = "checkout-2026-11-30"`: the incident's name in a shared store (rooms with the
    /// same store and id share one room).
    pub id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawIncident {
    title: Option<Spanned<String>>,
    severity: Option<Spanned<String>>,
    log: Option<Spanned<String>>,
    declare: Option<Spanned<String>>,
    id: Option<Spanned<String>>,
}

pub(crate) fn validate(cx: &mut Ctx, r: Option<&RawIncident>) -> IncidentConfig {
    let title = r
        .and_then(|r| str_of(&r.title))
        .unwrap_or_else(|| "Untitled incident".into());
    let severity = match r.and_then(|r| r.severity.as_ref()) {
        None => Severity::Sev3,
        Some(s) => Severity::parse(s.get_ref()).unwrap_or_else(|| {
            cx.err(
                s.span(),
                format!("unknown severity {:?}", s.get_ref()),
                Some("use one of \"SEV1\", \"SEV2\", \"SEV3\", \"SEV4\"".into()),
            );
            Severity::Sev3
        }),
    };
    let log = r
        .and_then(|r| str_of(&r.log))
        .unwrap_or_else(|| "incidents/{date}-{slug}.jsonl".into());
    let declare_on_open = match r.and_then(|r| r.declare.as_ref()) {
        None => false,
        Some(d) => match d.get_ref().as_str() {
            "on_open" => true,
            "manual" => false,
            other => {
                cx.err(
                    d.span(),
                    format!("`declare`: unknown value {other:?}"),
                    Some(
                        "use \"manual\" (a person types :declare; the default) or \"on_open\" (declared when the room opens)"
                            .into(),
                    ),
                );
                false
            }
        },
    };
    let id = r.and_then(|r| r.id.as_ref()).and_then(|i| {
        super::store::incident_id_ok(i.get_ref())
            .map_err(|m| cx.err(i.span(), m.to_string(), None))
            .ok()
            .map(|()| i.get_ref().clone())
    });
    IncidentConfig {
        title,
        severity,
        log,
        declare_on_open,
        id,
    }
}

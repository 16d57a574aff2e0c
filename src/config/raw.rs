//! TOML text → the raw (as written, every value spanned) structures, reporting every key
//! that is unknown or of the wrong type: such a key is reported, left out, and reading
//! goes on without it. A TOML syntax error stops everything (the rest cannot be trusted);
//! duplicate keys do not.

use std::borrow::Cow;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::RawConfig;
use super::ctx::Ctx;
use super::error::did_you_mean;
use super::source;

/// Most problems reported from one file (a file of garbage keys would list thousands).
const MAX_PROBLEMS: usize = 100;

pub(crate) fn read_raw(cx: &mut Ctx) -> Option<RawConfig> {
    let (mut doc, parse_errors) = toml::de::DeTable::parse_recoverable(cx.text);
    let mut syntax = false;
    for e in parse_errors {
        let span = e.span().unwrap_or(0..0);
        let msg = e.message().trim().to_string();
        if msg == "duplicate key" {
            let key = cx
                .text
                .get(span.clone())
                .unwrap_or_default()
                .trim()
                .to_string();
            cx.err(
                span,
                format!("duplicate key `{key}`"),
                Some(format!(
                    "`{key}` is already set above in the same table; keep one of them"
                )),
            );
        } else if !syntax {
            syntax = true;
            let help = toml_help(&msg);
            cx.err(span, msg, help);
        }
    }
    if syntax {
        return None;
    }
    nest_source_kinds(cx, doc.get_mut());
    // Each round removes one key, so this ends; the bound keeps a file of garbage short.
    for _ in 0..MAX_PROBLEMS {
        let e = match RawConfig::deserialize(toml::de::Deserializer::from(doc.clone())) {
            Ok(raw) => return Some(raw),
            Err(e) => e,
        };
        let msg = e.message().trim().to_string();
        let removed = e
            .span()
            .and_then(|span| remove_at(doc.get_mut(), span.start, &[]).map(|r| (span, r)));
        let Some((span, removed)) = removed else {
            let span = e.span().unwrap_or(0..0);
            let help = toml_help(&msg);
            cx.err(span, msg, help);
            return None;
        };
        let (message, help) = if msg.starts_with("unknown field") {
            unknown_key(&removed, &msg)
        } else {
            let msg = match msg.split_once("expected struct ") {
                Some((head, _)) => format!("{head}expected a table"),
                None => msg.clone(),
            };
            (format!("`{}`: {msg}", removed.key), toml_help(&msg))
        };
        cx.err(span, message, help);
        cx.removed.push((removed.at, removed.key));
    }
    None
}

/// The message for a key no struct has: in a `[[source]]`, a key of another kind is named
/// as such and the kind's keys listed; elsewhere, did-you-mean.
fn unknown_key(removed: &Removed, msg: &str) -> (String, Option<String>) {
    let key = removed.key.as_str();
    if let Some(kind) = removed.source_kind() {
        let accepted = source::keys_of(kind);
        if source::all_keys().contains(&key) {
            return (
                format!("`{key}` is not a setting of a {kind} source"),
                Some(format!("{kind} sources take: {}", accepted.join(", "))),
            );
        }
        let help = match did_you_mean(key, &accepted) {
            Some(m) => format!("did you mean `{m}`?"),
            None => format!("remove `{key}`; see config.toml in the repo for the keys"),
        };
        return (format!("unknown key `{key}` in [[source]]"), Some(help));
    }
    let place = match removed.path.last() {
        Some(section) => format!(" in {section}"),
        None => String::new(),
    };
    (format!("unknown key `{key}`{place}"), toml_help(msg))
}

/// `kind = "prometheus"` and the keys only that kind has become
/// `kind = { prometheus = { … } }`, so serde picks the kind's struct (an externally
/// tagged enum; serde's internally tagged `tag = "kind"` would buffer the table and lose
/// every span). Keys all kinds share stay where they are. A source without a known kind
/// is reported here and emptied.
fn nest_source_kinds(cx: &mut Ctx, doc: &mut DeTable<'_>) {
    let Some(sources) = doc.get_mut("source") else {
        return;
    };
    let DeValue::Array(tables) = sources.get_mut() else {
        return; // not an array of tables: serde says so
    };
    let kinds = source::kinds();
    for el in tables.iter_mut() {
        let span = el.span();
        let DeValue::Table(t) = el.get_mut() else {
            continue;
        };
        let (kind, kind_span) = match t.get_key_value("kind") {
            None => {
                cx.err(
                    span,
                    "[[source]] without `kind`",
                    Some(format!("add kind = one of {}", kinds.join(", "))),
                );
                *t = DeTable::new();
                continue;
            }
            Some((_, v)) => match v.get_ref().as_str() {
                Some(k) if kinds.contains(&k) => (k.to_string(), v.span()),
                Some(k) => {
                    let help = match did_you_mean(k, kinds) {
                        Some(m) => format!("did you mean \"{m}\"?"),
                        None => format!("kinds: {}", kinds.join(", ")),
                    };
                    cx.err(v.span(), format!("unknown source kind {k:?}"), Some(help));
                    *t = DeTable::new();
                    continue;
                }
                None => {
                    cx.err(
                        v.span(),
                        format!("`kind` must be a string, not {}", v.get_ref().type_str()),
                        Some(format!("kinds: {}", kinds.join(", "))),
                    );
                    *t = DeTable::new();
                    continue;
                }
            },
        };
        let mut own = DeTable::new();
        let mut kind_key = None;
        for (k, v) in std::mem::take(t) {
            if k.get_ref() == "kind" {
                kind_key = Some(k);
            } else if source::common_keys().contains(&k.get_ref().as_ref()) {
                t.insert(k, v);
            } else {
                own.insert(k, v);
            }
        }
        let Some(kind_key) = kind_key else { continue };
        let mut variant = DeTable::new();
        variant.insert(
            Spanned::new(kind_span.clone(), Cow::Owned(kind)),
            // The kind's span, not the whole table's: `remove_at` must not take the
            // whole kind for a wrong key it does not find inside.
            Spanned::new(kind_span.clone(), DeValue::Table(own)),
        );
        t.insert(kind_key, Spanned::new(kind_span, DeValue::Table(variant)));
    }
}

fn toml_help(msg: &str) -> Option<String> {
    if let Some(rest) = msg.split("unknown field `").nth(1) {
        let field = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = msg
            .split("expected")
            .nth(1)
            .map(|e| {
                e.split('`')
                    .enumerate()
                    .filter(|(i, _)| i % 2 == 1)
                    .map(|(_, s)| s)
                    .collect()
            })
            .unwrap_or_default();
        return Some(match did_you_mean(field, &expected) {
            Some(m) => format!("did you mean `{m}`?"),
            None => format!("remove `{field}`; see config.toml in the repo for the keys"),
        });
    }
    if msg.contains("invalid type") {
        return Some("check the value's type: strings in quotes, numbers without".into());
    }
    None
}

/// A key taken out of the document because it was wrong.
struct Removed {
    key: String,
    /// Where the key is.
    at: usize,
    /// The tables around it, outermost first: `[incident]`; `[[source]]`, `[kind]`,
    /// `[prometheus]`; empty for the top level.
    path: Vec<String>,
}

impl Removed {
    /// The kind whose own table held the key (see `nest_source_kinds`).
    fn source_kind(&self) -> Option<&str> {
        match self.path.as_slice() {
            [source, kind, name] if source == "[[source]]" && kind == "[kind]" => {
                name.strip_prefix('[')?.strip_suffix(']')
            }
            _ => None,
        }
    }
}

/// Removes the innermost key whose key or value holds byte `pos` (its whole entry, even
/// when only one element of its array was wrong).
fn remove_at(table: &mut DeTable<'_>, pos: usize, path: &[String]) -> Option<Removed> {
    let inside = |section: String| {
        let mut p = path.to_vec();
        p.push(section);
        p
    };
    let mut hit = None;
    for (k, v) in table.iter_mut() {
        let name = k.get_ref().to_string();
        if k.span().contains(&pos) {
            hit = Some((name, k.span().start));
            break;
        }
        let value_span = v.span();
        match v.get_mut() {
            DeValue::Table(t) => {
                if let Some(r) = remove_at(t, pos, &inside(format!("[{name}]"))) {
                    return Some(r);
                }
            }
            DeValue::Array(a) => {
                for el in a.iter_mut() {
                    if let DeValue::Table(t) = el.get_mut()
                        && let Some(r) = remove_at(t, pos, &inside(format!("[[{name}]]")))
                    {
                        return Some(r);
                    }
                }
            }
            _ => {}
        }
        if value_span.contains(&pos) {
            hit = Some((name, k.span().start));
            break;
        }
    }
    let (key, at) = hit?;
    table.remove(key.as_str());
    Some(Removed {
        key,
        at,
        path: path.to_vec(),
    })
}

//! The logs an `[incident] log` template has made, to continue the open one after a
//! crash or a quit: `incidents/{date}-{slug}.jsonl` made `incidents/2026-11-21-pay.jsonl`
//! yesterday and `incidents/2026-11-22-pay-2.jsonl` today; the newest whose incident is
//! not resolved is the one the same command continues.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::file::LogHeader;
use crate::incident::{EventKind, IncidentState};

/// One piece of a path component of a template.
#[derive(Clone, Debug, PartialEq)]
enum Token {
    Lit(String),
    /// `{date}`: `YYYY-MM-DD`.
    Date,
    /// `{time}`: `HHMMSS`.
    Time,
}

fn tokens(component: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut rest = component;
    while !rest.is_empty() {
        let next = [("{date}", Token::Date), ("{time}", Token::Time)]
            .into_iter()
            .filter_map(|(p, t)| rest.find(p).map(|i| (i, p.len(), t)))
            .min_by_key(|(i, _, _)| *i);
        match next {
            Some((i, len, t)) => {
                if i > 0 {
                    out.push(Token::Lit(rest[..i].to_string()));
                }
                out.push(t);
                rest = &rest[i + len..];
            }
            None => {
                out.push(Token::Lit(rest.to_string()));
                rest = "";
            }
        }
    }
    out
}

fn digits(s: &[u8]) -> bool {
    s.iter().all(u8::is_ascii_digit)
}

fn matches(tokens: &[Token], s: &str) -> bool {
    let Some((first, rest)) = tokens.split_first() else {
        return s.is_empty();
    };
    let b = s.as_bytes();
    match first {
        Token::Lit(l) => s.strip_prefix(l.as_str()).is_some_and(|r| matches(rest, r)),
        Token::Date => {
            b.len() >= 10
                && digits(&b[0..4])
                && b[4] == b'-'
                && digits(&b[5..7])
                && b[7] == b'-'
                && digits(&b[8..10])
                && matches(rest, &s[10..])
        }
        Token::Time => b.len() >= 6 && digits(&b[..6]) && matches(rest, &s[6..]),
    }
}

/// `name` as the template would have made it, or with the `-N` a second log of the same
/// name gets (`pay-2.jsonl`).
fn matches_file(tokens: &[Token], name: &str) -> bool {
    if matches(tokens, name) {
        return true;
    }
    let p = Path::new(name);
    let (Some(stem), ext) = (p.file_stem().and_then(|s| s.to_str()), p.extension()) else {
        return false;
    };
    let Some((base, n)) = stem.rsplit_once('-') else {
        return false;
    };
    if n.is_empty() || !digits(n.as_bytes()) {
        return false;
    }
    let plain = match ext.and_then(|e| e.to_str()) {
        Some(e) => format!("{base}.{e}"),
        None => base.to_string(),
    };
    matches(tokens, &plain)
}

fn list(dir: &Path) -> Vec<(String, PathBuf)> {
    let at = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let Ok(entries) = std::fs::read_dir(at) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            let path = dir.join(&name);
            Some((name, path))
        })
        .collect()
}

/// Every existing file the template (with `{slug}` already filled in) could have made.
pub fn made_by(template: &str, slug: &str) -> Vec<PathBuf> {
    let expanded = template.replace("{slug}", slug);
    let mut current = vec![if expanded.starts_with('/') {
        PathBuf::from("/")
    } else {
        PathBuf::new()
    }];
    let parts: Vec<&str> = expanded.split('/').filter(|p| !p.is_empty()).collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let t = tokens(part);
        let plain = t.iter().all(|t| matches!(t, Token::Lit(_)));
        let mut next = Vec::new();
        for dir in &current {
            if plain && !last {
                next.push(dir.join(part));
                continue;
            }
            for (name, path) in list(dir) {
                let ok = if last {
                    matches_file(&t, &name)
                } else {
                    matches(&t, &name)
                };
                if ok {
                    next.push(path);
                }
            }
        }
        current = next;
    }
    current.retain(|p| p.is_file());
    current
}

/// The header of a log (its first line, read on its own).
fn header(path: &Path) -> Option<LogHeader> {
    let file = std::fs::File::open(path).ok()?;
    let mut line = Vec::new();
    BufReader::new(file.take(64 * 1024))
        .read_until(b'\n', &mut line)
        .ok()?;
    serde_json::from_slice(&line).ok()
}

/// An incident log whose incident is still open.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenLog {
    pub path: PathBuf,
    pub created_at: DateTime<Utc>,
}

/// The newest log the template made (by its header's time) whose incident is not
/// resolved and that is not a drill; `None` when there is none.
pub fn newest_open(template: &str, slug: &str) -> Option<OpenLog> {
    let mut logs: Vec<OpenLog> = made_by(template, slug)
        .into_iter()
        .filter_map(|path| {
            let h = header(&path)?;
            Some(OpenLog {
                path,
                created_at: h.created_at,
            })
        })
        .collect();
    logs.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then_with(|| b.path.cmp(&a.path))
    });
    logs.into_iter().find(|l| is_open(&l.path))
}

/// True when the log's incident is not resolved (its last state change is not to
/// `resolved`) and it is not a drill.
fn is_open(path: &Path) -> bool {
    let mut resolved = false;
    let mut drill = false;
    let read = super::read(path, |e| match e.kind {
        EventKind::StateChanged { state } => resolved = state == IncidentState::Resolved,
        EventKind::DrillStarted { .. } => drill = true,
        _ => {}
    });
    read.is_ok() && !resolved && !drill
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_matches_what_it_made() {
        let t = tokens("{date}-{time}-pay.jsonl");
        assert!(matches(&t, "2026-11-21-140200-pay.jsonl"));
        assert!(!matches(&t, "2026-11-21-pay.jsonl"));
        assert!(matches_file(&t, "2026-11-21-140200-pay-3.jsonl"));
        assert!(!matches_file(&t, "2026-11-21-140200-pay-x.jsonl"));
        assert!(!matches_file(&tokens("pay.jsonl"), "other.jsonl"));
    }
}

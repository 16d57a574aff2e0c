//! Status-update templates: one Markdown file per state
//! (`templates/updates/{investigating,identified,monitoring,resolved}.md`), built into the
//! binary; `assets::templates` finds files that override them (a `templates/` folder
//! beside the config, or `$XDG_CONFIG_HOME/warroom/templates`). Nothing here reads files.
//!
//! A template is text with placeholders `{title}`, `{components}`, `{since}`,
//! `{duration}` and `{next_update}`. Rendering is pure; an unknown placeholder is left as
//! written and is a `warroom check` error naming its file and line.

use crate::incident::IncidentState;

/// The placeholders a template may use.
pub const PLACEHOLDERS: &[&str] = &["title", "components", "since", "duration", "next_update"];

/// The built-in template text of `state`.
pub fn builtin_source(state: IncidentState) -> &'static str {
    match state {
        IncidentState::Investigating => include_str!("../../templates/updates/investigating.md"),
        IncidentState::Identified => include_str!("../../templates/updates/identified.md"),
        IncidentState::Monitoring => include_str!("../../templates/updates/monitoring.md"),
        IncidentState::Resolved => include_str!("../../templates/updates/resolved.md"),
    }
}

/// The body templates, one per incident state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Templates {
    by_state: [String; 4],
}

impl Default for Templates {
    fn default() -> Self {
        Templates::builtin()
    }
}

fn index(state: IncidentState) -> usize {
    match state {
        IncidentState::Investigating => 0,
        IncidentState::Identified => 1,
        IncidentState::Monitoring => 2,
        IncidentState::Resolved => 3,
    }
}

impl Templates {
    /// The templates built into the binary (pure: no file access).
    pub fn builtin() -> Self {
        Templates {
            by_state: IncidentState::ALL.map(|s| builtin_source(s).to_string()),
        }
    }

    /// Replaces the template of `state` (a file the loader found, see
    /// `assets::templates`).
    pub fn set(&mut self, state: IncidentState, source: String) {
        self.by_state[index(state)] = source;
    }

    /// The template for `state`.
    pub fn get(&self, state: IncidentState) -> &str {
        &self.by_state[index(state)]
    }
}

/// What the placeholders stand for in one update.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vars {
    pub title: String,
    pub components: String,
    pub since: String,
    pub duration: String,
    pub next_update: String,
}

impl Vars {
    fn get(&self, name: &str) -> Option<&str> {
        Some(match name {
            "title" => &self.title,
            "components" => &self.components,
            "since" => &self.since,
            "duration" => &self.duration,
            "next_update" => &self.next_update,
            _ => return None,
        })
    }
}

/// A `{name}` in `line` at byte `start..end` (the braces included), `name` made of
/// lower-case letters, digits and `_`. Other braces are text.
fn placeholders(line: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = line[from..].find('{').map(|i| i + from) {
        let after = &line[open + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(after.len());
        if len > 0 && after[len..].starts_with('}') {
            out.push((open, open + len + 2, &after[..len]));
            from = open + len + 2;
        } else {
            from = open + 1;
        }
    }
    out
}

/// Fills the placeholders of `template` (surrounding blank lines trimmed). An unknown
/// placeholder stays as written, so nothing the author wrote is lost.
pub fn render(template: &str, vars: &Vars) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    for (i, line) in template.trim().lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut at = 0;
        for (start, end, name) in placeholders(line) {
            out.push_str(&line[at..start]);
            match vars.get(name) {
                Some(v) => out.push_str(v),
                None => out.push_str(&line[start..end]),
            }
            at = end;
        }
        out.push_str(&line[at..]);
    }
    out
}

/// Problems of one template's text: `origin:line: unknown placeholder {x}; …`.
pub fn check(src: &str, origin: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (n, line) in src.lines().enumerate() {
        for (_, _, name) in placeholders(line) {
            if !PLACEHOLDERS.contains(&name) {
                let known: Vec<String> = PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect();
                out.push(format!(
                    "{origin}:{}: unknown placeholder {{{name}}}; use {}",
                    n + 1,
                    known.join(", ")
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        Vars {
            title: "Checkout failing".into(),
            components: "Checkout".into(),
            since: "14:02 UTC".into(),
            duration: "25 minutes".into(),
            next_update: "14:35 UTC".into(),
        }
    }

    #[test]
    fn placeholders_are_filled_and_other_braces_kept() {
        let out = render(
            "\n{components} down since {since} ({duration}); {eta} {not a placeholder} {}\n\n",
            &vars(),
        );
        assert_eq!(
            out,
            "Checkout down since 14:02 UTC (25 minutes); {eta} {not a placeholder} {}"
        );
    }

    #[test]
    fn unknown_placeholder_is_named_with_its_line() {
        let p = check("fine {title}\n\nnext at {next_updte}\n", "x.md");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].starts_with("x.md:3: unknown placeholder {next_updte}"),
            "{p:?}"
        );
    }

    #[test]
    fn every_builtin_template_uses_known_placeholders_only() {
        for s in IncidentState::ALL {
            assert_eq!(check(builtin_source(s), s.as_str()), Vec::<String>::new());
            let body = render(Templates::builtin().get(s), &vars());
            assert!(!body.contains('{'), "{s}: {body}");
        }
    }
}

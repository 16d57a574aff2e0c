//! Status-update templates: one Markdown file per state
//! (`templates/updates/{investigating,identified,monitoring,resolved}.md`), built into the
//! binary and found like themes: a `templates/` folder beside the config, or
//! `$XDG_CONFIG_HOME/warroom/templates`, overrides the built-in file of the same name.
//!
//! A template is text with placeholders `{title}`, `{components}`, `{since}`,
//! `{duration}` and `{next_update}`. Rendering is pure; an unknown placeholder is left as
//! written and is a `warroom check` error naming its file and line.

use std::path::{Path, PathBuf};

use crate::incident::IncidentState;

/// The placeholders a template may use.
pub const PLACEHOLDERS: &[&str] = &["title", "components", "since", "duration", "next_update"];

fn builtin_source(state: IncidentState) -> &'static str {
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

    /// The built-in templates, each replaced by a readable file of the same name in the
    /// first of `dirs` (then the XDG folder) that has one. A file that cannot be read
    /// leaves the built-in one in place (`check_all` reports it).
    pub fn load(dirs: &[PathBuf]) -> Self {
        let mut t = Templates::builtin();
        for state in IncidentState::ALL {
            if let Some(src) =
                find(state, &search_dirs(dirs)).and_then(|p| std::fs::read_to_string(p).ok())
            {
                t.by_state[index(state)] = src;
            }
        }
        t
    }

    /// The template for `state`.
    pub fn get(&self, state: IncidentState) -> &str {
        &self.by_state[index(state)]
    }
}

/// `$XDG_CONFIG_HOME/warroom/templates` (or `~/.config/warroom/templates`).
fn xdg_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("warroom").join("templates"))
}

fn search_dirs(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut v = dirs.to_vec();
    v.extend(xdg_dir());
    v
}

fn find(state: IncidentState, dirs: &[PathBuf]) -> Option<PathBuf> {
    dirs.iter().map(|d| file_in(d, state)).find(|p| p.is_file())
}

/// Where a templates folder keeps the template of `state`.
pub fn file_in(dir: &Path, state: IncidentState) -> PathBuf {
    dir.join("updates").join(format!("{}.md", state.as_str()))
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

/// Checks every template warroom could load: the built-in ones and each file in the
/// folders (`dirs`, then the XDG folder). One message per problem.
pub fn check_all(dirs: &[PathBuf]) -> Vec<String> {
    let mut out = Vec::new();
    for state in IncidentState::ALL {
        out.extend(check(
            builtin_source(state),
            &format!("templates/updates/{}.md (built in)", state.as_str()),
        ));
        for d in search_dirs(dirs) {
            let p = file_in(&d, state);
            if !p.exists() {
                continue;
            }
            match std::fs::read_to_string(&p) {
                Ok(src) => out.extend(check(&src, &p.display().to_string())),
                Err(e) => out.push(format!("{}: {e}", p.display())),
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
    fn a_file_in_a_templates_folder_overrides_the_built_in_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = file_in(dir.path(), IncidentState::Identified);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, "Found it: {components}.\n").expect("write");
        let t = Templates::load(&[dir.path().to_path_buf()]);
        assert_eq!(
            t.get(IncidentState::Identified),
            "Found it: {components}.\n"
        );
        assert_eq!(
            t.get(IncidentState::Resolved),
            Templates::builtin().get(IncidentState::Resolved)
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

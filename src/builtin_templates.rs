//! The update templates built into the binary: every `templates/updates/NAME.md` of the
//! repo, listed by `build.rs` at build time (adding a template is adding its file). A file
//! `NAME.md` in the user's templates folder (`paths::templates_dir`) overrides one.

include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// The built-in template `name`.
pub fn builtin(name: &str) -> Option<&'static str> {
    TEMPLATES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Names of every template: built in, plus `*.md` in the user's templates folder.
pub fn names() -> Vec<String> {
    let mut v: Vec<String> = TEMPLATES.iter().map(|(n, _)| n.to_string()).collect();
    if let Some(dir) = crate::paths::templates_dir()
        && let Ok(rd) = std::fs::read_dir(dir)
    {
        for p in rd.flatten().map(|e| e.path()) {
            if p.extension().is_some_and(|x| x == "md")
                && let Some(n) = p.file_stem().and_then(|s| s.to_str())
                && !v.iter().any(|x| x == n)
            {
                v.push(n.to_string());
            }
        }
    }
    v.sort();
    v
}

/// Template `name` and where it came from: the user's `NAME.md` when there is one,
/// else the built-in copy. `Err` names a user file that cannot be read.
pub fn load(name: &str) -> Result<Option<(String, String)>, String> {
    let safe = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !safe {
        return Err(format!("invalid template name {name:?}"));
    }
    if let Some(dir) = crate::paths::templates_dir() {
        let p = dir.join(format!("{name}.md"));
        if p.is_file() {
            return std::fs::read_to_string(&p)
                .map(|t| Some((t, p.display().to_string())))
                .map_err(|e| format!("{}: {e}", p.display()));
        }
    }
    Ok(builtin(name).map(|t| {
        (
            t.to_string(),
            format!("templates/updates/{name}.md (built in)"),
        )
    }))
}

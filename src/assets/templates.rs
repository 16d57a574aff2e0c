//! Status-update templates on disk: a `templates/updates/STATE.md` in a folder beside the
//! config, or in `$XDG_CONFIG_HOME/warroom/templates`, overrides the built-in one. The
//! views only render ([`crate::ui::template`]); reading files happens here.

use std::path::{Path, PathBuf};

use crate::incident::IncidentState;
use crate::ui::template::{Templates, builtin_source, check};

/// The built-in templates, each replaced by a readable file of the same name in the
/// first of `dirs` (then the XDG folder) that has one. A file that cannot be read
/// leaves the built-in one in place (`check_all` reports it).
pub fn load(dirs: &[PathBuf]) -> Templates {
    let mut t = Templates::builtin();
    for state in IncidentState::ALL {
        if let Some(src) =
            find(state, &search_dirs(dirs)).and_then(|p| std::fs::read_to_string(p).ok())
        {
            t.set(state, src);
        }
    }
    t
}

fn search_dirs(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut v = dirs.to_vec();
    v.extend(crate::paths::templates_dir());
    v
}

fn find(state: IncidentState, dirs: &[PathBuf]) -> Option<PathBuf> {
    dirs.iter().map(|d| file_in(d, state)).find(|p| p.is_file())
}

/// Where a templates folder keeps the template of `state`.
pub fn file_in(dir: &Path, state: IncidentState) -> PathBuf {
    dir.join("updates").join(format!("{}.md", state.as_str()))
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

    #[test]
    fn a_file_in_a_templates_folder_overrides_the_built_in_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = file_in(dir.path(), IncidentState::Identified);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, "Found it: {components}.\n").expect("write");
        let t = load(&[dir.path().to_path_buf()]);
        assert_eq!(
            t.get(IncidentState::Identified),
            "Found it: {components}.\n"
        );
        assert_eq!(
            t.get(IncidentState::Resolved),
            Templates::builtin().get(IncidentState::Resolved)
        );
    }
}

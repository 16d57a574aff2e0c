//! Theme files: the built-in themes (compiled in, see [`crate::ui::theme`]) plus every
//! `NAME.toml` in the config's themes folder and `$XDG_CONFIG_HOME/warroom/themes`. A
//! file wins over a built-in of the same name.

use std::path::{Path, PathBuf};

use crate::ui::theme::{BUILTIN, ColorDepth, Theme, builtin_source};

/// Why a theme could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// A name that is not a plain file stem (it could walk out of the theme folders).
    #[error("invalid theme name {0:?}")]
    BadName(String),
    #[error("unknown theme {name:?}; themes: {available}")]
    Unknown { name: String, available: String },
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// The file is not a valid theme; the message names the file and the key.
    #[error(transparent)]
    Invalid(#[from] crate::ui::theme::ThemeParseError),
}

/// `$XDG_CONFIG_HOME/warroom/themes` (or `~/.config/warroom/themes`).
fn xdg_dir() -> Option<PathBuf> {
    crate::paths::themes_dir()
}

fn search_dirs(extra_dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = extra_dirs.to_vec();
    if let Some(x) = xdg_dir() {
        v.push(x);
    }
    v
}

fn toml_files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for d in dirs {
        if let Ok(rd) = std::fs::read_dir(d) {
            let mut files: Vec<PathBuf> = rd
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            files.sort();
            out.extend(files);
        }
    }
    out
}

/// Every theme name available: built-in plus `*.toml` in `extra_dirs` and
/// `$XDG_CONFIG_HOME/warroom/themes`.
pub fn available(extra_dirs: &[PathBuf]) -> Vec<String> {
    let mut v: Vec<String> = BUILTIN.iter().map(|s| s.to_string()).collect();
    for p in toml_files(&search_dirs(extra_dirs)) {
        if let Some(s) = p.file_stem().and_then(|s| s.to_str())
            && !v.iter().any(|x| x == s)
        {
            v.push(s.to_string());
        }
    }
    v
}

/// Validates every theme (built-in and in the folders); one message per problem.
pub fn check_all(extra_dirs: &[PathBuf]) -> Vec<String> {
    let mut errs = Vec::new();
    for name in BUILTIN {
        if let Some(src) = builtin_source(name)
            && let Err(e) = Theme::parse(name, src, &format!("themes/{name}.toml (built in)"))
        {
            errs.push(e.to_string());
        }
    }
    for p in toml_files(&search_dirs(extra_dirs)) {
        if let Err(e) = load_file(&p) {
            errs.push(e.to_string());
        }
    }
    errs
}

/// Loads every available theme (for `:theme` switching inside a pure view); themes that
/// fail to load are left out (`check_all` reports them).
pub fn load_all(extra_dirs: &[PathBuf]) -> Vec<Theme> {
    available(extra_dirs)
        .iter()
        .filter_map(|n| load(n, extra_dirs).ok())
        .collect()
}

/// Loads a theme by name: a file `NAME.toml` in `extra_dirs` or the XDG theme folder
/// (which wins over a built-in of the same name), else a built-in.
pub fn load(name: &str, extra_dirs: &[PathBuf]) -> Result<Theme, ThemeError> {
    let safe = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !safe {
        return Err(ThemeError::BadName(name.to_string()));
    }
    for d in search_dirs(extra_dirs) {
        let p = d.join(format!("{name}.toml"));
        if p.is_file() {
            return load_file(&p);
        }
    }
    match builtin_source(name) {
        Some(src) => {
            Theme::parse(name, src, &format!("themes/{name}.toml")).map_err(ThemeError::Invalid)
        }
        None => Err(ThemeError::Unknown {
            name: name.to_string(),
            available: available(extra_dirs).join(", "),
        }),
    }
}

fn load_file(p: &Path) -> Result<Theme, ThemeError> {
    let src = std::fs::read_to_string(p).map_err(|source| ThemeError::Read {
        path: p.display().to_string(),
        source,
    })?;
    let name = p
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("theme")
        .to_string();
    Theme::parse(&name, &src, &p.display().to_string()).map_err(ThemeError::Invalid)
}

/// This process's terminal colour depth, from `COLORTERM`, `TERM` and `NO_COLOR`.
pub fn color_depth_from_env() -> ColorDepth {
    let get = |k: &str| std::env::var(k).ok();
    ColorDepth::detect(
        get("COLORTERM").as_deref(),
        get("TERM").as_deref(),
        get("NO_COLOR").as_deref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_theme_loads_by_name() {
        for n in BUILTIN {
            assert!(load(n, &[]).is_ok(), "{n}: {:?}", load(n, &[]));
        }
        assert!(check_all(&[]).is_empty(), "{:?}", check_all(&[]));
    }
}

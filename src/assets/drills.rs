//! Drill scenario files: the drills built into the binary (compiled in) and files on disk.

use std::path::Path;

use warroom_core::drill::{Drill, DrillParseError, parse};

/// Drills built into the binary: (file name, contents).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "checkout-outage.jsonl",
        include_str!("../../drills/checkout-outage.jsonl"),
    ),
    (
        "storefront-outage.jsonl",
        include_str!("../../drills/storefront-outage.jsonl"),
    ),
    (
        "overnight-checkout.jsonl",
        include_str!("../../drills/overnight-checkout.jsonl"),
    ),
];

/// Why a drill could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DrillLoadError {
    #[error("drill file not found: {path} (built-in drills: {builtin})")]
    NotFound { path: String, builtin: String },
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// `origin` is the file, or `(built-in) NAME`.
    #[error("{origin}: {source}")]
    Invalid {
        origin: String,
        source: DrillParseError,
    },
}

/// The built-in drills' file names, for messages.
pub fn builtin_names() -> String {
    BUILTIN
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The built-in drill with this file name (the last path component of `path`).
pub fn builtin(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?;
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// True if the drill exists on disk (relative to `dir`) or is built in.
pub fn exists(path: &Path, dir: &Path) -> bool {
    dir.join(path).is_file() || path.is_file() || builtin(path).is_some()
}

/// Loads a drill: from disk (`path` relative to `dir`, then as given), else the built-in
/// drill with the same file name.
pub fn load(path: &Path, dir: &Path) -> Result<Drill, DrillLoadError> {
    for p in [dir.join(path), path.to_path_buf()] {
        if p.is_file() {
            let text = std::fs::read_to_string(&p).map_err(|source| DrillLoadError::Read {
                path: p.display().to_string(),
                source,
            })?;
            return parse(&text).map_err(|source| DrillLoadError::Invalid {
                origin: p.display().to_string(),
                source,
            });
        }
    }
    match builtin(path) {
        Some(text) => parse(text).map_err(|source| DrillLoadError::Invalid {
            origin: format!("(built-in) {}", path.display()),
            source,
        }),
        None => Err(DrillLoadError::NotFound {
            path: path.display().to_string(),
            builtin: builtin_names(),
        }),
    }
}

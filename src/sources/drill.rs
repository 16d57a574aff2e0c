//! The drill source: plays a scenario's signal events in (compressed) real time.
//! (Interface fixed; player in progress: see issue 3.)

use std::path::Path;

/// Drills built into the binary: (file name, contents).
pub const BUILTIN: &[(&str, &str)] = &[(
    "checkout-outage.jsonl",
    include_str!("../../drills/checkout-outage.jsonl"),
)];

/// The built-in drill with this file name (the last path component of `path`).
pub fn builtin(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?;
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// True if the drill exists on disk (relative to `dir`) or is built in.
pub fn exists(path: &Path, dir: &Path) -> bool {
    dir.join(path).is_file() || path.is_file() || builtin(path).is_some()
}

//! Themes: TOML files (palette + semantic styles), built in and from theme folders.
//! (Interface fixed; implementation in progress: see issue 3.)

use std::path::PathBuf;

/// Names of the themes built into the binary.
pub const BUILTIN: &[&str] = &["default", "light", "high-contrast", "solarized", "mono"];

/// Every theme name available: built-in plus `*.toml` in `extra_dirs` and
/// `$XDG_CONFIG_HOME/warroom/themes`.
pub fn available(extra_dirs: &[PathBuf]) -> Vec<String> {
    let mut v: Vec<String> = BUILTIN.iter().map(|s| s.to_string()).collect();
    for d in extra_dirs {
        if let Ok(rd) = std::fs::read_dir(d) {
            for e in rd.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "toml")
                    && let Some(s) = p.file_stem().and_then(|s| s.to_str())
                    && !v.iter().any(|x| x == s)
                {
                    v.push(s.to_string());
                }
            }
        }
    }
    v
}

//! Where warroom finds and keeps its files, in one place (the XDG base directories):
//!
//! - config: `--config FILE`, else `./config.toml`, else `$XDG_CONFIG_HOME/warroom/config.toml`
//!   (`~/.config/warroom/config.toml`), else the built-in reference config;
//! - themes and update templates: built in, overridden by files in
//!   `$XDG_CONFIG_HOME/warroom/themes/` and `$XDG_CONFIG_HOME/warroom/templates/`;
//! - the SSH host key: `[ssh] host_key`, else `$XDG_DATA_HOME/warroom/host_key`;
//! - the diagnostic log: `$XDG_STATE_HOME/warroom/warroom.log`;
//! - incident logs: the folder of `[incident] log`, relative to the working directory.
//!
//! An empty `XDG_*` variable counts as unset, as the XDG spec says.
use std::path::{Path, PathBuf};

use crate::config::{Config, EMBEDDED_NAME};

/// `$NAME`, or `$HOME/<fallback>` when it is unset or empty; `None` without either.
fn base(name: &str, fallback: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(fallback))
        })
}

/// `$XDG_CONFIG_HOME/warroom` (or `~/.config/warroom`): the user's config, themes, templates.
pub fn config_home() -> Option<PathBuf> {
    Some(base("XDG_CONFIG_HOME", ".config")?.join("warroom"))
}

/// `$XDG_CONFIG_HOME/warroom/config.toml`, whether or not it exists.
pub fn user_config_file() -> Option<PathBuf> {
    Some(config_home()?.join("config.toml"))
}

/// `$XDG_CONFIG_HOME/warroom/themes`: `NAME.toml` there overrides a built-in theme.
pub fn themes_dir() -> Option<PathBuf> {
    Some(config_home()?.join("themes"))
}

/// `$XDG_CONFIG_HOME/warroom/templates`: `updates/STATE.md` there overrides a built-in update
/// template (`assets::templates`).
pub fn templates_dir() -> Option<PathBuf> {
    Some(config_home()?.join("templates"))
}

/// `$XDG_DATA_HOME/warroom/host_key` (or `~/.local/share/warroom/host_key`).
pub fn default_host_key() -> Option<PathBuf> {
    Some(
        base("XDG_DATA_HOME", ".local/share")?
            .join("warroom")
            .join("host_key"),
    )
}

/// `$XDG_STATE_HOME/warroom/warroom.log` (or `~/.local/state/warroom/warroom.log`).
pub fn diagnostic_log() -> Option<PathBuf> {
    Some(
        base("XDG_STATE_HOME", ".local/state")?
            .join("warroom")
            .join("warroom.log"),
    )
}

/// The folder new incident logs go to: the part of the `[incident] log` template before
/// its first placeholder's path component, made absolute against `cwd`.
pub fn incident_log_dir(template: &str, cwd: &Path) -> PathBuf {
    let path = Path::new(template);
    let mut dir = PathBuf::new();
    if let Some(parent) = path.parent() {
        for c in parent.components() {
            if c.as_os_str().to_string_lossy().contains('{') {
                break;
            }
            dir.push(c);
        }
    }
    cwd.join(dir)
}

/// Everything `warroom paths` and `warroom check` show, for one loaded config.
#[derive(Clone, Debug, PartialEq)]
pub struct Paths {
    /// The config file in use; `None`: the built-in reference config.
    pub config: Option<PathBuf>,
    /// Theme folders searched before the built-in themes, in order (the config's
    /// `[ui] themes_dir`, then the user's).
    pub themes: Vec<PathBuf>,
    pub templates: Option<PathBuf>,
    pub incident_logs: PathBuf,
    pub host_key: Option<PathBuf>,
    pub diagnostic_log: Option<PathBuf>,
}

impl Paths {
    pub fn of(config: &Config) -> Paths {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let mut themes: Vec<PathBuf> = config.ui.themes_dir.iter().cloned().collect();
        themes.extend(themes_dir());
        Paths {
            config: config.path.as_ref().map(|p| absolute(p, &cwd)),
            themes,
            templates: templates_dir(),
            incident_logs: incident_log_dir(&config.incident.log, &cwd),
            host_key: config
                .ssh
                .host_key
                .as_ref()
                .map(|p| absolute(p, &cwd))
                .or_else(default_host_key),
            diagnostic_log: diagnostic_log(),
        }
    }

    /// `label: path` lines, each with whether it exists where that matters.
    pub fn lines(&self) -> Vec<(&'static str, String)> {
        let shown = |p: &Option<PathBuf>| {
            p.as_ref().map_or_else(
                || "(none: set HOME or the XDG variable)".to_string(),
                |p| with_state(p),
            )
        };
        let config = self
            .config
            .as_ref()
            .map_or_else(|| EMBEDDED_NAME.to_string(), |p| p.display().to_string());
        let themes = if self.themes.is_empty() {
            "(built in only)".to_string()
        } else {
            self.themes
                .iter()
                .map(|p| with_state(p))
                .collect::<Vec<_>>()
                .join(", ")
        };
        vec![
            ("config", config),
            ("themes", themes),
            ("templates", shown(&self.templates)),
            ("incident logs", with_state(&self.incident_logs)),
            ("host key", shown(&self.host_key)),
            ("diagnostic log", shown(&self.diagnostic_log)),
        ]
    }
}

fn absolute(p: &Path, cwd: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    }
}

/// The path, marked `(not there yet)` when it does not exist.
fn with_state(p: &Path) -> String {
    let shown = crate::text::line(&p.display().to_string());
    if p.exists() {
        shown
    } else {
        format!("{shown} (not there yet)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incident_log_dir_stops_at_the_first_placeholder() {
        let cwd = Path::new("/srv/room");
        assert_eq!(
            incident_log_dir("incidents/{date}-{slug}.jsonl", cwd),
            PathBuf::from("/srv/room/incidents")
        );
        assert_eq!(
            incident_log_dir("logs/{date}/x.jsonl", cwd),
            PathBuf::from("/srv/room/logs")
        );
        assert_eq!(
            incident_log_dir("/var/lib/warroom/{slug}.jsonl", cwd),
            PathBuf::from("/var/lib/warroom")
        );
        assert_eq!(incident_log_dir("x.jsonl", cwd), PathBuf::from("/srv/room"));
    }
}

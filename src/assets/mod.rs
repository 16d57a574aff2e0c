//! Loading what the config names, in one place above the views: themes (built in, the
//! config's themes folder, `$XDG_CONFIG_HOME/warroom/themes`) and drills (built in, or
//! files). `config` parses and checks the file itself; [`check`] adds whether what it
//! names exists and loads, pointing at the line that names it. `warroom check` and
//! [`load_config`] (open, serve, drill) compose the two; `ui/` only parses.

pub mod drills;
pub mod templates;
pub mod themes;

use std::path::Path;

use crate::config::{Config, ConfigError, ConfigErrors, SPEEDS, SourceKind, did_you_mean};

/// Finds and loads the config (see [`Config::load`]) and checks what it names.
pub fn load_config(explicit: Option<&Path>) -> Result<Config, ConfigErrors> {
    let mut checked = Config::load_checked(explicit)?;
    let more = check(&checked.config);
    checked.errors.extend(more);
    checked.into_result()
}

/// Problems with what the config names: an unknown theme, a drill that is missing or
/// does not load, a drill whose own speed cannot be played.
pub fn check(config: &Config) -> Vec<ConfigError> {
    let mut problems = Vec::new();
    problems.extend(check_theme(config));
    for s in &config.sources {
        if let SourceKind::Drill(d) = &s.kind
            && !d.path.as_os_str().is_empty()
        {
            problems.extend(check_drill(config, d));
        }
    }
    problems
}

fn check_theme(config: &Config) -> Option<ConfigError> {
    let at = config.ui.theme_at.as_ref()?;
    let theme = &config.ui.theme;
    let available = themes::available(&config.ui.themes_dir.iter().cloned().collect::<Vec<_>>());
    if available.iter().any(|a| a == theme) {
        return None;
    }
    let names: Vec<&str> = available.iter().map(String::as_str).collect();
    let hint = match did_you_mean(theme, &names) {
        Some(m) => format!("did you mean \"{m}\"? themes: {}", names.join(", ")),
        None => format!("themes: {}", names.join(", ")),
    };
    Some(at.error(format!("unknown theme {theme:?}"), Some(hint)))
}

fn check_drill(config: &Config, d: &crate::config::DrillConfig) -> Option<ConfigError> {
    let at = &d.path_at;
    let shown = d.path.display().to_string();
    match drills::load(&d.path, &config.dir) {
        Ok(drill) => {
            let own = drill.header.speed;
            (d.speed.is_none() && !SPEEDS.contains(&own)).then(|| {
                at.error(
                    format!("the drill's own speed {own:?} is outside 0.01 to 10000"),
                    Some("set speed = 1 (real time) up to 10000 in this [[source]]".into()),
                )
            })
        }
        Err(drills::DrillLoadError::NotFound { builtin, .. }) => Some(at.error(
            format!("drill file not found: {shown:?}"),
            Some(format!(
                "paths are relative to the config's folder ({}); built-in drills: {builtin}",
                config.dir.display(),
            )),
        )),
        Err(e) => Some(at.error(
            format!("drill {shown:?} is not valid: {e}"),
            Some("see the drill format in drills/ (a header line, then one event per line)".into()),
        )),
    }
}

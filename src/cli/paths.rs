//! `warroom paths`: where warroom reads and writes its files for this config (the config
//! file in use, the themes and templates folders, incident logs, host key, diagnostic log)
//! and what is built in. `warroom check` prints the same lines.
use std::io::Write;
use std::process::ExitCode;

use super::args::OpenArgs;
use crate::config::Config;
use crate::paths::Paths;

pub fn run(open: &OpenArgs) -> ExitCode {
    match Config::load(open.config.as_deref()) {
        Ok(config) => {
            let mut out = std::io::stdout().lock();
            for line in lines(&Paths::of(&config), &config.ui.theme) {
                let _ = writeln!(out, "{line}");
            }
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{e}");
            }
            eprintln!("warroom paths: the config has problems; `warroom check` lists them");
            ExitCode::from(1)
        }
    }
}

/// `  config:          /path` lines, the theme in use and where it comes from, then what is
/// built into the binary.
pub fn lines(paths: &Paths, theme: &str) -> Vec<String> {
    let mut v: Vec<String> = paths
        .lines()
        .into_iter()
        .map(|(label, value)| format!("  {:<16}{value}", format!("{label}:")))
        .collect();
    v.push(format!("  {:<16}{}", "theme:", theme_in_use(paths, theme)));
    let drills: Vec<&str> = crate::sources::drill::BUILTIN
        .iter()
        .map(|(f, _)| f.strip_suffix(".jsonl").unwrap_or(f))
        .collect();
    let templates: Vec<&str> = crate::incident::IncidentState::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    v.push(format!(
        "  {:<16}config.toml; themes {}; templates {}; drills {}",
        "built in:",
        crate::ui::theme::BUILTIN.join(", "),
        if templates.is_empty() {
            "(none)".to_string()
        } else {
            templates.join(", ")
        },
        drills.join(", ")
    ));
    v
}

/// `solarized (/home/ana/.config/warroom/themes/solarized.toml)`, or `(built in)`: the
/// first themes folder with `NAME.toml` wins, as when the room loads it.
fn theme_in_use(paths: &Paths, name: &str) -> String {
    let shown = crate::text::line(name);
    match paths
        .themes
        .iter()
        .map(|d| d.join(format!("{name}.toml")))
        .find(|p| p.is_file())
    {
        Some(p) => format!("{shown} ({})", crate::text::line(&p.display().to_string())),
        None if crate::ui::theme::BUILTIN.contains(&name) => format!("{shown} (built in)"),
        None => format!("{shown} (not found: the default theme is used)"),
    }
}

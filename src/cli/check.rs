//! `warroom check`: validate config, themes and drills. Prints `ok` or every problem
//! (`file:line:col: message` + help); exit 0 when fine, 1 on any problem.
//!
//! It composes the validators: the config file (`config`), then what it names (the theme
//! exists, each drill loads: `assets::check`), then the rest (checklists, log template,
//! SSH access files, every theme file).
use std::process::ExitCode;

use super::args::OpenArgs;
use crate::config::{Config, EMBEDDED_NAME};

pub fn run(open: &OpenArgs) -> ExitCode {
    let loaded = Config::load_checked(open.config.as_deref()).and_then(|mut checked| {
        let named = crate::assets::check(&checked.config);
        checked.errors.extend(named);
        checked.into_result()
    });
    let config = match loaded {
        Ok(c) => c,
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{e}");
            }
            eprintln!(
                "{} problem{} found",
                errors.0.len(),
                if errors.0.len() == 1 { "" } else { "s" }
            );
            return ExitCode::from(1);
        }
    };
    let file = config_name(&config);
    for w in &config.warnings {
        eprintln!("{}", warning_text(w));
    }
    let problems = check_config(&config);
    if problems.is_empty() {
        println!("ok");
        println!("  config: {file}");
        println!(
            "  {} source{}, checklists: {}",
            config.sources.len(),
            if config.sources.len() == 1 { "" } else { "s" },
            config
                .checklists
                .lists()
                .iter()
                .map(|(n, items)| format!("{n} {}", items.len()))
                .collect::<Vec<_>>()
                .join(", ")
        );
        // Where everything is; the config line is the one above.
        for line in super::paths::lines(&crate::paths::Paths::of(&config), &config.ui.theme)
            .iter()
            .skip(1)
        {
            println!("{line}");
        }
        ExitCode::SUCCESS
    } else {
        for p in &problems {
            eprintln!("{file}: {p}");
        }
        ExitCode::from(1)
    }
}

/// `file:line:col: warning: message` and its help.
fn warning_text(w: &crate::config::ConfigError) -> String {
    let mut s = format!("{}:{}:{}: warning: {}", w.file, w.line, w.column, w.message);
    if let Some(h) = &w.help {
        s.push_str(&format!("\n  help: {h}"));
    }
    s
}

fn config_name(config: &Config) -> String {
    config
        .path
        .as_ref()
        .map_or_else(|| EMBEDDED_NAME.to_string(), |p| p.display().to_string())
}

/// Checks beyond the config and what it names (those point at a line of the config).
/// Each problem is one message; empty means fine.
pub fn check_config(config: &Config) -> Vec<String> {
    let mut problems = Vec::new();
    for (list, items) in config.checklists.lists() {
        for (i, item) in items.iter().enumerate() {
            if items[..i].contains(item) {
                problems.push(format!(
                    "checklist `{list}` lists {item:?} twice; ticking it would be ambiguous"
                ));
            }
        }
    }
    problems.extend(check_log_template(&config.incident.log));
    problems.extend(crate::term::ssh::check_access(&config.ssh));
    // Every theme file warroom could load (built in, the config's themes folder, the
    // user's), not only the one selected: `:theme NAME` can switch to any of them.
    let mut dirs: Vec<std::path::PathBuf> = config.ui.themes_dir.iter().cloned().collect();
    dirs.push(config.dir.join("themes"));
    problems.extend(crate::assets::themes::check_all(&dirs));
    // Status-update templates: an unknown placeholder names its file and line.
    problems.extend(crate::assets::templates::check_all(&[config
        .dir
        .join("templates")]));
    problems
}

/// `[incident] log` may only use the placeholders `{date}`, `{time}` and `{slug}`.
fn check_log_template(template: &str) -> Option<String> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Some(format!(
                "[incident] log {template:?} has an unclosed `{{`; placeholders are {{date}}, {{time}}, {{slug}}"
            ));
        };
        let name = &after[..close];
        if !["date", "time", "slug"].contains(&name) {
            return Some(format!(
                "[incident] log {template:?} uses unknown placeholder {{{name}}}; use {{date}}, {{time}} or {{slug}}"
            ));
        }
        rest = &after[close + 1..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_template_placeholders() {
        assert_eq!(check_log_template("incidents/{date}-{slug}.jsonl"), None);
        assert!(check_log_template("x/{dat}.jsonl").is_some_and(|m| m.contains("{dat}")));
        assert!(check_log_template("x/{date.jsonl").is_some_and(|m| m.contains("unclosed")));
    }
}

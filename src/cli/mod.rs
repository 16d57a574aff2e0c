//! Subcommands, one file each. `main.rs` parses arguments and calls these.
pub mod args;
pub mod check;
pub mod completions;
pub mod drill;
pub mod export;
pub mod incidents;
pub mod init;
pub mod log_store;
pub mod log_verify;
pub mod man;
pub mod open;
pub mod paths;
pub mod replay;
pub mod report;
pub mod serve;
pub mod start_offer;
pub mod version;

/// `--theme NAME` replaces the config's `[ui] theme` when that theme loads (built in, or
/// `NAME.toml` in the config's or the user's themes folder); else says why.
pub fn use_theme(config: &mut crate::config::Config, theme: Option<&str>) -> anyhow::Result<()> {
    let Some(name) = theme else { return Ok(()) };
    let dirs: Vec<std::path::PathBuf> = config.ui.themes_dir.iter().cloned().collect();
    crate::assets::themes::load(name, &dirs).map_err(|e| anyhow::anyhow!("--theme: {e}"))?;
    config.ui.theme = name.to_string();
    Ok(())
}

/// `--speed` must be a speed a drill can play at (0.01 to 10000); says so otherwise.
pub fn speed_ok(what: &str, speed: Option<f64>) -> bool {
    match speed {
        Some(v) if !crate::config::SPEEDS.contains(&v) => {
            let who = if what.is_empty() {
                "warroom".to_string()
            } else {
                format!("warroom {what}")
            };
            eprintln!(
                "{who}: --speed {v} is outside 0.01 to 10000 (1 = real time, 60 = a minute per second)"
            );
            false
        }
        _ => true,
    }
}

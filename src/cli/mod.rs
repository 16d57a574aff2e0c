//! Subcommands, one file each. `main.rs` parses arguments and calls these.
pub mod args;
pub mod check;
pub mod drill;
pub mod export;
pub mod log_store;
pub mod log_verify;
pub mod open;
pub mod replay;
pub mod serve;

use std::process::ExitCode;

/// For subcommands whose issue has not landed yet.
pub fn not_built(what: &str, issue: u32) -> ExitCode {
    eprintln!("warroom {what}: not built yet (issue {issue}); it arrives with that issue.");
    ExitCode::from(2)
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

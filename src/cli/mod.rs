//! Subcommands, one file each. `main.rs` parses arguments and calls these.
pub mod args;
pub mod check;
pub mod drill;
pub mod export;
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

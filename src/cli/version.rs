//! `warroom --version`: the version, the git commit it was built from ("unknown" outside a
//! checkout, set by build.rs) and the incident log format version it writes. Also the one
//! place the full clap command is made, so help, completions and the man page agree.
use std::sync::LazyLock;

use clap::{CommandFactory, FromArgMatches};

use super::args::Cli;

/// The commit the binary was built from (`git rev-parse --short HEAD`), or "unknown".
pub const COMMIT: &str = env!("WARROOM_GIT_COMMIT");

static TEXT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} (commit {COMMIT}, log format {})",
        env!("CARGO_PKG_VERSION"),
        crate::log::FORMAT_VERSION
    )
});

/// `0.1.0 (commit 1a2b3c4, log format 1)`.
pub fn text() -> &'static str {
    TEXT.as_str()
}

/// The command line (with the version text above, set in `args.rs`).
pub fn command() -> clap::Command {
    Cli::command()
}

/// Parses the process's arguments; prints help, the version or the error and exits when
/// that is what they ask for.
pub fn parse() -> Cli {
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

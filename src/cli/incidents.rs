//! `warroom incidents [DIR]`: list the incident logs of a directory, open ones first.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

#[derive(Args, Debug, Clone)]
pub struct IncidentsArgs {
    /// Directory of incident logs (default: incidents)
    #[arg(default_value = "incidents")]
    pub dir: PathBuf,
}

/// Exit 0 with the list (logs that cannot be read are named, not fatal); 2 when the
/// directory cannot be read.
pub fn run(args: &IncidentsArgs) -> ExitCode {
    match crate::desk::list::list(&args.dir) {
        Ok(listing) => {
            print!(
                "{}",
                crate::desk::list::render(&listing, chrono::Utc::now())
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("warroom incidents: {}", crate::text::line(&e));
            ExitCode::from(2)
        }
    }
}

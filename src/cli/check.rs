//! `warroom check`: validate config, themes and drills.
use std::process::ExitCode;

use super::args::OpenArgs;

pub fn run(open: &OpenArgs) -> ExitCode {
    match crate::config::Config::load(open.config.as_deref()) {
        Ok(_) => {
            println!("ok");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

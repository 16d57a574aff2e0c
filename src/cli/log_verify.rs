//! `warroom log verify LOG`.
use std::path::Path;
use std::process::ExitCode;

pub fn run(log: &Path) -> ExitCode {
    let _ = log;
    super::not_built("log verify", 2)
}

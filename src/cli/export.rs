//! `warroom export LOG`.
use std::process::ExitCode;

use super::args::ExportArgs;

pub fn run(args: &ExportArgs) -> ExitCode {
    let _ = args;
    super::not_built("export", 5)
}

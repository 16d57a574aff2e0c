//! `warroom replay LOG`.
use std::process::ExitCode;

use super::args::ReplayArgs;

pub fn run(args: &ReplayArgs) -> ExitCode {
    let _ = args;
    super::not_built("replay", 5)
}

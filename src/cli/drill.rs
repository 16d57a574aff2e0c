//! `warroom drill SCENARIO`.
use std::process::ExitCode;

use super::args::{DrillArgs, OpenArgs};

pub fn run(open: &OpenArgs, args: &DrillArgs) -> ExitCode {
    let _ = (open, args);
    super::not_built("drill", 5)
}

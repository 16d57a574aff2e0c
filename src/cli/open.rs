//! `warroom` (no subcommand): open the war room.
use std::process::ExitCode;

use super::args::OpenArgs;

pub fn run(args: &OpenArgs) -> ExitCode {
    let _ = args;
    super::not_built("(open the room)", 3)
}

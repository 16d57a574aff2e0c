//! `warroom serve --ssh ADDR`.
use std::process::ExitCode;

use super::args::{OpenArgs, ServeArgs};

pub fn run(open: &OpenArgs, args: &ServeArgs) -> ExitCode {
    let _ = (open, args);
    super::not_built("serve", 6)
}

//! The `warroom` binary: parses arguments and hands over to a subcommand.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used)]

use std::process::ExitCode;

use warroom::cli::{self, args::Command, args::LogCommand};

fn main() -> ExitCode {
    let args = cli::version::parse();
    match &args.command {
        None => cli::open::run(&args.open),
        Some(Command::Check(_)) => cli::check::run(&args.open),
        Some(Command::Log {
            command: LogCommand::Verify { log },
        }) => cli::log_verify::run(log),
        Some(Command::Replay(r)) => cli::replay::run(r),
        Some(Command::Export(e)) => cli::export::run(e),
        Some(Command::Serve(s)) => cli::serve::run(&args.open, s),
        Some(Command::Drill(d)) => cli::drill::run(&args.open, d),
        Some(Command::Completions(c)) => cli::completions::run(c.shell),
        Some(Command::Man) => cli::man::run(),
        Some(Command::Init(i)) => cli::init::run(i),
        Some(Command::Paths) => cli::paths::run(&args.open),
        Some(Command::Incidents(a)) => cli::incidents::run(a),
        Some(Command::Report(a)) => cli::report::run(a),
    }
}

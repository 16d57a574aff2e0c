//! The `warroom` binary: parses arguments and hands over to a subcommand.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used)]

use std::process::ExitCode;

use clap::Parser;
use warroom::cli::{self, args::Cli, args::Command, args::LogCommand};

fn main() -> ExitCode {
    let args = Cli::parse();
    match &args.command {
        None => cli::open::run(&args.open),
        Some(Command::Check(_)) => cli::check::run(&args.open),
        Some(Command::Log {
            command: LogCommand::Verify { log },
        }) => cli::log_verify::run(log),
        Some(Command::Log {
            command: LogCommand::Push { log, incident },
        }) => cli::log_store::push(
            args.open.config.as_deref(),
            args.open.store.as_deref(),
            log,
            incident.as_deref(),
        ),
        Some(Command::Log {
            command: LogCommand::Pull { id, output },
        }) => cli::log_store::pull(
            args.open.config.as_deref(),
            args.open.store.as_deref(),
            id,
            output.as_deref(),
        ),
        Some(Command::Incidents) => {
            cli::log_store::incidents(args.open.config.as_deref(), args.open.store.as_deref())
        }
        Some(Command::Replay(r)) => cli::replay::run(r),
        Some(Command::Export(e)) => cli::export::run(e),
        Some(Command::Serve(s)) => cli::serve::run(&args.open, s),
        Some(Command::Drill(d)) => cli::drill::run(&args.open, d),
    }
}

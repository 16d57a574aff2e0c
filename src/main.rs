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
        Some(Command::Replay(r)) => cli::replay::run(r, args.open.theme.as_deref()),
        Some(Command::Export(e)) => cli::export::run(e),
        Some(Command::Serve(s)) => cli::serve::run(&args.open, s),
        Some(Command::Drill(d)) => cli::drill::run(&args.open, d),
        Some(Command::Completions(c)) => cli::completions::run(c.shell),
        Some(Command::Man) => cli::man::run(),
        Some(Command::Init(i)) => cli::init::run(i),
        Some(Command::Paths) => cli::paths::run(&args.open),
        // `--store nats://…`: the incidents on the stream; else the logs of a directory.
        Some(Command::Incidents(a)) => match args.open.store.as_deref() {
            Some(store) => cli::log_store::incidents(args.open.config.as_deref(), Some(store)),
            None => cli::incidents::run(a, args.open.config.as_deref()),
        },
        Some(Command::Report(a)) => cli::report::run(a),
    }
}

//! `warroom export LOG --format markdown|json|csv [--all] [-o FILE]`.
use std::io::Write;
use std::process::ExitCode;

use super::args::{ExportArgs, ExportFormat};
use crate::export::{Format, render_with};
use crate::incident::Incident;

pub fn format(f: ExportFormat) -> Format {
    match f {
        ExportFormat::Markdown => Format::Markdown,
        ExportFormat::Json => Format::Json,
        ExportFormat::Csv => Format::Csv,
    }
}

pub fn run(args: &ExportArgs) -> ExitCode {
    let mut events = Vec::new();
    let (_, recovery) = match crate::log::read(&args.log, |e| events.push(e)) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("warroom export: {e}");
            return ExitCode::from(2);
        }
    };
    let incident = Incident::fold(&events);
    let out = render_with(
        &incident,
        &events,
        format(args.format),
        args.all,
        &recovery.damaged,
    );
    let written = match &args.output {
        Some(path) => std::fs::write(path, out.as_bytes()),
        None => std::io::stdout().lock().write_all(out.as_bytes()),
    };
    if let Err(e) = written {
        let to = args
            .output
            .as_ref()
            .map_or("standard output".to_string(), |p| p.display().to_string());
        eprintln!("warroom export: writing {to}: {e}");
        return ExitCode::from(1);
    }
    if !recovery.damaged.is_empty() {
        eprintln!(
            "warroom export: {} damaged line(s) of {} were skipped; the export says which",
            recovery.damaged.len(),
            args.log.display()
        );
    }
    ExitCode::SUCCESS
}

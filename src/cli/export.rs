//! `warroom export LOG --format markdown|json|csv|actions|actions-md [--all] [-o FILE]`.
use std::io::Write;
use std::process::ExitCode;

use super::args::{ExportArgs, ExportFormat};
use crate::export::{Format, LogExport, export_log};

pub fn format(f: ExportFormat) -> Format {
    match f {
        ExportFormat::Markdown => Format::Markdown,
        ExportFormat::Json => Format::Json,
        ExportFormat::Csv => Format::Csv,
        ExportFormat::Actions => Format::Actions,
        ExportFormat::ActionsMd => Format::ActionsMarkdown,
    }
}

pub fn run(args: &ExportArgs) -> ExitCode {
    let LogExport { text: out, damaged } =
        match export_log(&args.log, format(args.format), args.all) {
            Ok(r) => r,
            Err(e) => {
                match super::drill::hint_if_drill(&args.log) {
                    Some(hint) => eprintln!("warroom export: {hint}"),
                    None => eprintln!("warroom export: {e}"),
                }
                return ExitCode::from(2);
            }
        };
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
    if damaged > 0 {
        eprintln!(
            "warroom export: {damaged} damaged line(s) of {} were skipped; the export says which",
            args.log.display()
        );
    }
    ExitCode::SUCCESS
}

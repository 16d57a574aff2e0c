//! `warroom report [DIR] [--since 90d] [--format markdown|json|csv]`: numbers across
//! incidents (see `desk::report`).
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// Tables and a chart, ready to paste
    Markdown,
    /// The same numbers as JSON (durations in seconds)
    Json,
    /// One row per group, severity and metric
    Csv,
}

#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    /// Directory of incident logs (default: incidents)
    #[arg(default_value = "incidents")]
    pub dir: PathBuf,
    /// Only incidents started within this long before now (e.g. 90d, 12w)
    #[arg(long)]
    pub since: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
}

pub fn run(args: &ReportArgs) -> ExitCode {
    let now = chrono::Utc::now();
    let since = match &args.since {
        None => None,
        Some(s) => match crate::config::parse_duration(s)
            .ok()
            .and_then(|d| chrono::Duration::from_std(d).ok())
        {
            Some(d) => Some(now - d),
            None => {
                eprintln!(
                    "warroom report: --since {:?} is not a duration (write 90d, 12w, 36h)",
                    crate::text::line(s)
                );
                return ExitCode::from(2);
            }
        },
    };
    match crate::desk::report::build(&args.dir, since, now) {
        Ok(r) => {
            let text = match args.format {
                ReportFormat::Markdown => crate::desk::report::markdown(&r),
                ReportFormat::Json => crate::desk::report::json(&r),
                ReportFormat::Csv => crate::desk::report::csv(&r),
            };
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("warroom report: {}", crate::text::line(&e.to_string()));
            ExitCode::from(2)
        }
    }
}

//! The command line (clap). Every subcommand of DESIGN.md is here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "warroom",
    version,
    about = "A terminal war room for incidents",
    long_about = "A terminal war room for incidents: live signals (Prometheus, user reports, status pages, alerts) beside a shared timeline and checklists. With no config it opens the bundled checkout-outage drill."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub open: OpenArgs,
}

#[derive(Args, Debug, Clone, Default)]
pub struct OpenArgs {
    /// Config file (default: ./config.toml, then $XDG_CONFIG_HOME/warroom/config.toml, then the built-in drill)
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Also serve the room to responders over SSH on this address (e.g. 0.0.0.0:2222)
    #[arg(long)]
    pub ssh: Option<String>,
    /// Your name in the timeline (default: $USER)
    #[arg(long, env = "WARROOM_USER")]
    pub user: Option<String>,
    /// Incident log to write (default from [incident] log in config); an existing log is continued
    #[arg(long)]
    pub log: Option<PathBuf>,
    /// Drill speed override (1 = real time)
    #[arg(long)]
    pub speed: Option<f64>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Replay a past incident log with time controls
    Replay(ReplayArgs),
    /// Run a headless room; responders join over SSH only
    Serve(ServeArgs),
    /// Write a postmortem draft or the timeline of a log
    Export(ExportArgs),
    /// Validate config, themes and drills; exit 1 on errors
    Check(CheckArgs),
    /// Inspect incident logs
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
    /// Run a drill scenario while people practise
    Drill(DrillArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ReplayArgs {
    /// The incident log (JSON Lines)
    pub log: PathBuf,
    /// Playback speed (1, 2, 10, 60, 600)
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Start at this time: T+mm:ss, HH:MM[:SS] UTC, or an RFC 3339 time
    #[arg(long)]
    pub at: Option<String>,
    #[arg(long, env = "WARROOM_USER")]
    pub user: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on for SSH (e.g. 0.0.0.0:2222)
    #[arg(long)]
    pub ssh: String,
    #[arg(long)]
    pub log: Option<PathBuf>,
    #[arg(long)]
    pub speed: Option<f64>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Markdown,
    Json,
    Csv,
}

#[derive(Args, Debug, Clone)]
pub struct ExportArgs {
    pub log: PathBuf,
    #[arg(long, value_enum, default_value_t = ExportFormat::Markdown)]
    pub format: ExportFormat,
    /// Include every event in the timeline, not only people's entries and key signal changes
    #[arg(long)]
    pub all: bool,
    /// Write to this file instead of standard output
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct CheckArgs {}

#[derive(Subcommand, Debug, Clone)]
pub enum LogCommand {
    /// Count events, show the title and time span, report damaged lines (exit 0 clean, 1 damaged, 2 unreadable)
    Verify { log: PathBuf },
}

#[derive(Args, Debug, Clone)]
pub struct DrillArgs {
    /// A drill file, or the name of a built-in drill (see `drills/`)
    pub scenario: String,
    #[arg(long)]
    pub speed: Option<f64>,
    #[arg(long, env = "WARROOM_USER")]
    pub user: Option<String>,
}

//! The command line (clap). Every subcommand of DESIGN.md is here.
// The doc comments here are clap's --help text, where [incident] means the config table.
#![allow(rustdoc::broken_intra_doc_links)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "warroom",
    version = super::version::text(),
    about = "A terminal war room for incidents",
    long_about = "A terminal war room for incidents: live signals (Prometheus, user reports, status pages, alerts) beside a shared timeline and checklists. With no config it opens the bundled checkout-outage drill."
)]
pub struct Cli {
    /// What to do (default: open the war room)
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
    /// Drill speed override (1 = real time, 0.01 to 10000)
    #[arg(long)]
    pub speed: Option<f64>,
    /// Start a new incident even when the newest log of this config is still open (by default the room continues it)
    #[arg(long, conflicts_with = "log")]
    pub new: bool,
    /// Colour theme for this run instead of [ui] theme: a built-in one or NAME.toml in a themes folder
    #[arg(long, global = true, value_parser = super::completions::theme_names())]
    pub theme: Option<String>,
    /// Keep the incident on this NATS JetStream server (nats://HOST:PORT, comma-separated for a cluster) instead of [store] in config
    #[arg(long, global = true)]
    pub store: Option<String>,
    /// The incident's id in a shared store: rooms with the same store and id share one room (default: [incident] id)
    #[arg(long)]
    pub incident: Option<String>,
    /// Open the log without playing the config's drills into it (how a picked incident opens)
    #[arg(long)]
    pub no_drill: bool,
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
        /// What to do with the log
        #[command(subcommand)]
        command: LogCommand,
    },
    /// Run a drill scenario while people practise
    Drill(DrillArgs),
    /// List the incident logs of a directory, open ones first
    Incidents(super::incidents::IncidentsArgs),
    /// Numbers across incidents: counts, MTTD/MTTA/MTTM/MTTR per severity, drills apart
    Report(super::report::ReportArgs),
    /// Print the shell completion script (bash, zsh, fish, elvish, powershell)
    Completions(CompletionsArgs),
    /// Print the man page (roff): `warroom man | man -l -`
    Man,
    /// Write a commented starter config.toml here, with sources for the local Prometheus and Alertmanager it finds
    Init(InitArgs),
    /// Show where warroom reads and writes its files (config, themes, templates, logs, host key)
    Paths,
}

#[derive(Args, Debug, Clone)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: super::completions::ShellName,
}

#[derive(Args, Debug, Clone)]
pub struct InitArgs {
    /// Overwrite an existing ./config.toml
    #[arg(long)]
    pub force: bool,
    /// Where to look for Prometheus
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:9090")]
    pub prometheus: String,
    /// Where to look for Alertmanager
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:9093")]
    pub alertmanager: String,
    /// Where to look for a Prometheus pushgateway
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:9091")]
    pub pushgateway: String,
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
    /// Your name on review notes (default: $USER)
    #[arg(long, env = "WARROOM_USER")]
    pub user: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on for SSH (e.g. 0.0.0.0:2222)
    #[arg(long)]
    pub ssh: String,
    /// Incident log to write (default from [incident] log in config); an existing log is continued
    #[arg(long)]
    pub log: Option<PathBuf>,
    /// Drill speed override (1 = real time, 0.01 to 10000)
    #[arg(long)]
    pub speed: Option<f64>,
    /// Start a new incident even when the newest log of this config is still open
    #[arg(long, conflicts_with = "log")]
    pub new: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Postmortem draft
    Markdown,
    /// The folded incident and its timeline
    Json,
    /// The timeline, one row per entry
    Csv,
    /// The follow-ups (`:action`) as a JSON array
    Actions,
    /// The follow-ups as a Markdown task list to paste into an issue tracker
    ActionsMd,
}

#[derive(Args, Debug, Clone)]
pub struct ExportArgs {
    /// The incident log (JSON Lines)
    pub log: PathBuf,
    /// markdown: postmortem draft; json: the folded incident; csv: the timeline; actions / actions-md: the follow-ups
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
    Verify {
        /// The incident log (JSON Lines)
        log: PathBuf,
    },
    /// Publish a local log to the NATS stream (--store or [store]); pushing twice adds nothing
    Push {
        /// The incident log (JSON Lines)
        log: PathBuf,
        /// The incident id on the stream (default: the log's own)
        #[arg(long = "as")]
        incident: Option<String>,
    },
    /// Write an incident of the NATS stream (--store or [store]) to a local log
    Pull {
        /// The incident id
        id: String,
        /// The log to write (default: ID.jsonl; must not exist)
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Args, Debug, Clone)]
pub struct DrillArgs {
    /// A drill file, or the name of a built-in drill (see `drills/`)
    #[arg(value_parser = super::completions::drill_names())]
    pub scenario: String,
    /// Time compression (1 = real time, 0.01 to 10000; default: the drill's own)
    #[arg(long)]
    pub speed: Option<f64>,
    /// Your name in the timeline (default: $USER)
    #[arg(long, env = "WARROOM_USER")]
    pub user: Option<String>,
}

//! warroom: a terminal war room for incidents.
//!
//! Dependencies point one way: `term` → `ui` → `incident`; `room` → `log`, `sources` →
//! `incident`. The pure core (`incident`, `text`, the drill format and report) is its own
//! crate, `warroom-core`, so nothing in it can reach up to tokio, files or the terminal.
//! `config` parses the file; `assets` loads what it names (themes, drills) and checks it,
//! so neither `config` nor `ui` reads theme or drill files.
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod assets;
pub mod cli;
pub mod config;
pub mod desk;
pub mod export;
pub mod log;
pub mod paths;
pub mod publish;
pub mod replay;
pub mod room;
pub mod sources;
pub mod store;
pub mod term;
pub mod ui;

pub use warroom_core::{drill_report, incident, text};

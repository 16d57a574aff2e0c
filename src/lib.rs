//! warroom: a terminal war room for incidents.
//!
//! Dependencies point one way: `term` → `ui` → `incident`; `room` → `log`, `sources` →
//! `incident`. `incident` is pure and imports nothing above it.
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod cli;
pub mod config;
pub mod drill_report;
pub mod export;
pub mod incident;
pub mod log;
pub mod replay;
pub mod room;
pub mod sources;
pub mod term;
pub mod text;
pub mod ui;

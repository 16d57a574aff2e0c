//! warroom's pure core: the incident model, its events and their fold, the sanitiser, the
//! drill format and the drill report.
//!
//! This crate has no tokio, no filesystem, no terminal and no network: the compiler enforces
//! what the design promises. Everything above it (sources, the room's writer, the views)
//! lives in the `warroom` crate and depends on this one, never the other way round.
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod drill;
pub mod drill_report;
pub mod incident;
pub mod text;

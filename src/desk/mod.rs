//! The incident desk: what spans incidents (the list of logs in a directory, numbers
//! across them).
pub mod cache;
mod error;
pub mod list;
pub mod report;
pub mod summary;

pub use error::{ListError, SummaryError};

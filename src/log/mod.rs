//! The event log: JSON Lines on disk (`file.rs`), its lock, streaming scan and repair.
pub mod file;
mod lock;
mod repair;
mod scan;
pub use file::{Damage, FORMAT_VERSION, LogError, LogHeader, LogWriter, Recovery, read};

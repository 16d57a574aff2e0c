//! The event log: JSON Lines on disk (`file.rs`).
pub mod file;
pub use file::{Damage, LogError, LogHeader, LogWriter, Recovery, read};

//! The event log: JSON Lines on disk (`file.rs`), its lock, streaming scan and repair.
pub mod file;
pub mod find;
mod lock;
mod repair;
mod scan;
pub use file::{
    Damage, FORMAT_VERSION, IdProblem, LogError, LogHeader, LogWriter, MAX_ID_PROBLEMS, Recovery,
    read,
};

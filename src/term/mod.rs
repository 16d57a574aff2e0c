//! Terminals: the local tty (`local.rs`), replay (`replay.rs`) and SSH sessions (`ssh/`).
pub mod local;
pub mod replay;
pub mod ssh;

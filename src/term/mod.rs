//! Terminals: the local tty (`local.rs`) and SSH sessions (`ssh.rs`).
pub mod replay;
pub mod ssh;

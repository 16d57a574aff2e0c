//! Views: pure functions of (incident, view state, theme, size) → ratatui buffer.
pub mod app;
pub mod command;
pub mod help;
pub mod keys;
pub mod layout;
pub mod paint;
pub mod panes;
pub mod theme;
